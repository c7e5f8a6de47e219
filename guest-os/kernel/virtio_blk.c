/*
 * The virtio block device (virtio 1.1, 5.2) over MMIO, version 1 (legacy, rvbox's and
 * QEMU's default) or 2. One request at a time: header, data and status descriptors;
 * the caller sleeps until the interrupt says the device is done.
 */
#include "virtio_blk.h"

#include "memlayout.h"
#include "proc.h"
#include "virtio.h"

#define VIRTIO_BLK_T_IN  0
#define VIRTIO_BLK_T_OUT 1

#define REG(off) (*(volatile uint32_t *)(uintptr_t)(base + (off)))

static uint32_t base;
static int slot = -1;
static uint32_t capacity;           /* sectors */
static struct virtq q;
static struct {
    uint32_t type, reserved;
    uint64_t sector;
} req;
static volatile uint8_t status;
static volatile int done;
static uint16_t used_seen;
static struct sleeplock lock;

int vblk_init(void)
{
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

/* Three descriptors (header, data, status) always in slots 0..2: with one request at
 * a time there is no need to allocate them. The caller sleeps; vblk_intr wakes it. */
int vblk_rw(uint32_t sector, void *buf, uint32_t len, int write)
{
    if (slot < 0 || len % 512 || sector + len / 512 > capacity)
        return -1;
    acquiresleep(&lock);
    req.type = write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
    req.reserved = 0;
    req.sector = sector;
    q.desc[0] = (struct virtq_desc){ (uint32_t)(uintptr_t)&req, sizeof req, VIRTQ_DESC_F_NEXT, 1 };
    q.desc[1] = (struct virtq_desc){ (uint32_t)(uintptr_t)buf, len,
                                     VIRTQ_DESC_F_NEXT | (write ? 0 : VIRTQ_DESC_F_WRITE), 2 };
    q.desc[2] = (struct virtq_desc){ (uint32_t)(uintptr_t)&status, 1, VIRTQ_DESC_F_WRITE, 0 };
    status = 0xff;
    done = 0;
    q.avail_ring[q.avail_idx % VIRTQ_MAX] = 0;
    __sync_synchronize();       /* the ring entry before the index the device reads */
    q.avail_idx++;
    __sync_synchronize();
    REG(VIRTIO_MMIO_QUEUE_NOTIFY) = 0;
    while (!done)
        sleep((void *)&done);
    int ret = status == 0 ? 0 : -1;
    releasesleep(&lock);
    return ret;
}

/* The one request in flight is done once the device has moved the used ring: wake the
 * requester (it reads the status byte itself). */
void vblk_intr(void)
{
    virtio_ack(base);
    __sync_synchronize();
    while (used_seen != *(volatile uint16_t *)&q.used_idx) {
        used_seen++;
        done = 1;
    }
    if (done)
        wakeup((void *)&done);
}
