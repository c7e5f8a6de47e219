/*
 * The virtio block device (virtio 1.1, 5.2) over MMIO, version 1 (legacy, rvbox's and
 * QEMU's default) or 2. A request is three descriptors chained: a header (read or
 * write, which sector), the data, and a status byte the device fills in. Several
 * requests may be in flight at once, from several processes; each caller sleeps until
 * the interrupt says its request is done.
 *
 * One spinlock guards the queue, the free descriptors and the requests in flight. A
 * request lives on its caller's kernel stack (identity-mapped RAM, so its address is
 * the one the device needs) while the caller sleeps.
 */
#include "virtio_blk.h"

#include "memlayout.h"
#include "printf.h"
#include "proc.h"
#include "spinlock.h"
#include "virtio.h"

#define VIRTIO_BLK_T_IN  0
#define VIRTIO_BLK_T_OUT 1

#define REG(off) (*(volatile uint32_t *)(uintptr_t)(base + (off)))

struct request {
    struct {                    /* what the device reads first (virtio_blk_req) */
        uint32_t type, reserved;
        uint64_t sector;
    } header;
    volatile uint8_t status;    /* written by the device: 0 = done well */
    volatile int done;          /* set by vblk_intr */
};

static uint32_t base;
static int slot = -1;
static uint32_t capacity;           /* sectors */
static struct virtq q;
static struct spinlock lock;
static uint8_t desc_free[VIRTQ_MAX];            /* 1: descriptor i is free */
static struct request *inflight[VIRTQ_MAX];     /* by the chain's first descriptor */
static uint16_t used_seen;

int vblk_init(void)
{
    initlock(&lock, "virtio_blk");
    for (int i = 0; i < VIRTQ_MAX; i++)
        desc_free[i] = 1;
    for (int n = 0; n < NVIRTIO; n++) {
        base = VIRTIO(n);
        if (!virtio_is(base, VIRTIO_DEV_BLOCK) || virtio_setup(base, &q) < 0)
            continue;
        slot = n;
        capacity = REG(VIRTIO_MMIO_CONFIG);     /* the low word of a 64-bit count */
        return 0;
    }
    return -1;
}

int vblk_irq(void) { return slot < 0 ? -1 : VIRTIO_IRQ(slot); }
uint32_t vblk_sectors(void) { return capacity; }

/* Three free descriptors into idx[], or -1 (then none is taken). Lock held. */
static int alloc3(uint16_t idx[3])
{
    int n = 0;
    for (uint16_t i = 0; i < VIRTQ_MAX && n < 3; i++)
        if (desc_free[i])
            idx[n++] = i;
    if (n < 3)
        return -1;
    for (int k = 0; k < 3; k++)
        desc_free[idx[k]] = 0;
    return 0;
}

int vblk_rw(uint32_t sector, void *buf, uint32_t len, int write)
{
    if (slot < 0 || len % 512 || sector + len / 512 > capacity)
        return -1;
    struct request r = { { write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, 0, sector }, 0xff, 0 };
    uint16_t d[3];
    acquire(&lock);
    while (alloc3(d) < 0)
        sleep(desc_free, &lock);        /* the queue is full: wait for a request to end */
    q.desc[d[0]] = (struct virtq_desc){ (uint32_t)(uintptr_t)&r.header, sizeof r.header,
                                        VIRTQ_DESC_F_NEXT, d[1] };
    q.desc[d[1]] = (struct virtq_desc){ (uint32_t)(uintptr_t)buf, len,
                                        VIRTQ_DESC_F_NEXT | (write ? 0 : VIRTQ_DESC_F_WRITE),
                                        d[2] };
    q.desc[d[2]] = (struct virtq_desc){ (uint32_t)(uintptr_t)&r.status, 1,
                                        VIRTQ_DESC_F_WRITE, 0 };
    inflight[d[0]] = &r;
    q.avail_ring[q.avail_idx % VIRTQ_MAX] = d[0];
    __sync_synchronize();       /* the ring entry before the index the device reads */
    q.avail_idx++;
    __sync_synchronize();
    REG(VIRTIO_MMIO_QUEUE_NOTIFY) = 0;
    while (!r.done)
        sleep(&r, &lock);
    for (int k = 0; k < 3; k++)
        desc_free[d[k]] = 1;
    wakeup(desc_free);
    release(&lock);
    return r.status == 0 ? 0 : -1;
}

/* Each entry the device added to the used ring ends one request: mark it done and
 * wake its caller (which reads the status byte and frees the descriptors itself). */
void vblk_intr(void)
{
    acquire(&lock);
    virtio_ack(base);
    __sync_synchronize();
    while (used_seen != *(volatile uint16_t *)&q.used_idx) {
        uint32_t id = q.used_ring[used_seen % VIRTQ_MAX].id;
        used_seen++;
        struct request *r = id < VIRTQ_MAX ? inflight[id] : 0;
        if (!r)
            panic("virtio_blk: the device ended request %u, which is not in flight", id);
        inflight[id] = 0;
        r->done = 1;
        wakeup(r);
    }
    release(&lock);
}
