/*
 * Random MMIO traffic against every device of a full machine: three virtio-blk disks
 * (in-memory, one read-only, one whose backend fails now and then), a virtio-net card
 * on a network that always has frames of any size waiting (slot 3), a virtio-9p
 * shared folder on a server that answers random bytes (slot 4), the framebuffer, the
 * virtio-input keyboard and tablet, HTIF, and the fixed devices (CLINT, PLIC, UART, RTC,
 * syscon). The regions come from the bus itself (bus_region_at), so a device added later
 * is fuzzed without touching this file.
 *
 * Per seed, interleaved:
 *   - loads and stores of every size at any alignment over every region: register
 *     offsets, random offsets, the last bytes of the region (crossing its end);
 *   - virtio "drivers" that half-follow the protocol: status writes in any order, feature
 *     words, QueueSel out of range, QueueNum of 0, 1, odd, huge, queue addresses in RAM,
 *     near its end, at devices or past 4 GiB, then descriptor tables and rings in RAM
 *     with random chains (loops, INDIRECT, lengths past RAM, block requests whose sectors
 *     run past the disk), and QueueNotify of any queue;
 *   - host-side input events for the virtio-input devices;
 *   - slices of machine_run, with RAM holding random code, so the hart adds its own
 *     random accesses and takes the devices' interrupts.
 *
 * Pass: nothing crashes or hangs, no sanitizer report, and the disks' backends are never
 * asked for bytes past the disk's end nor to write a read-only disk (blockdev.h's
 * contract), the network is never sent a frame shorter than an Ethernet header or
 * longer than VNET_MAX_FRAME, the 9P server never a request or room beyond
 * VP9_MAX_MESSAGE. A failure names its seed (in the message, or as Check's loop index ":i:"
 * for a signal or a timeout); RVBOX_FUZZ_SEED=i reruns only it. Seeds alternate between
 * virtio-mmio version 1 (legacy) and 2 for the disks. As in test_fuzz_cpu.c, the timer
 * follows the host clock, so interrupt timing can differ between runs of a seed.
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus/bus.h"
#include "bus/memmap.h"
#include "cpu/csr_defs.h"
#include "cpu/hart.h"
#include "devices/machine.h"
#include "devices/virtio_9p.h"
#include "devices/virtio_input.h"
#include "devices/virtio_net.h"
#include "fuzz_common.h"

#define SEEDS            16
#define OPS_PER_SEED     150000u
#define NDISKS           3
#define NET_SLOT         3
#define P9_SLOT          4

/* virtio-mmio registers (virtio spec v1.2, 4.2.2 and the legacy 4.2.4). */
#define VIO_MAGIC              0x000
#define VIO_DEVICE_FEATURES    0x010
#define VIO_DEVICE_FEATURES_SEL 0x014
#define VIO_DRIVER_FEATURES    0x020
#define VIO_DRIVER_FEATURES_SEL 0x024
#define VIO_GUEST_PAGE_SIZE    0x028
#define VIO_QUEUE_SEL          0x030
#define VIO_QUEUE_NUM_MAX      0x034
#define VIO_QUEUE_NUM          0x038
#define VIO_QUEUE_ALIGN        0x03c
#define VIO_QUEUE_PFN          0x040
#define VIO_QUEUE_READY        0x044
#define VIO_QUEUE_NOTIFY       0x050
#define VIO_INTERRUPT_STATUS   0x060
#define VIO_INTERRUPT_ACK      0x064
#define VIO_STATUS             0x070
#define VIO_QUEUE_DESC_LOW     0x080
#define VIO_QUEUE_DESC_HIGH    0x084
#define VIO_QUEUE_DRIVER_LOW   0x090
#define VIO_QUEUE_DRIVER_HIGH  0x094
#define VIO_QUEUE_DEVICE_LOW   0x0a0
#define VIO_QUEUE_DEVICE_HIGH  0x0a4
#define VIO_CONFIG_GENERATION  0x0fc
#define VIO_CONFIG             0x100

#define VIRTQ_F_NEXT     1
#define VIRTQ_F_WRITE    2
#define VIRTQ_F_INDIRECT 4

/* Register offsets worth hitting in each kind of region, beyond random ones. */
static const uint32_t hot_offsets[] = {
    0x000, 0x004, 0x008, 0x00c, 0x010, 0x014, 0x020, 0x024, 0x028, 0x030, 0x034, 0x038,
    0x03c, 0x040, 0x044, 0x050, 0x060, 0x064, 0x070, 0x080, 0x084, 0x090, 0x094, 0x0a0,
    0x0a4, 0x0b0, 0x0b8, 0x0fc, 0x100, 0x104, 0x108, 0x110, 0x1ff,
    0x1000, 0x1004, 0x2000, 0x2004, 0x2080, 0x2084, 0x4000, 0x4004, 0x4008, 0xbff8, 0xbffc,
    0x200000, 0x200004, 0x201000, 0x201004,
};

/* What the test's "driver" last set up for one queue of one slot. */
struct fake_queue {
    uint32_t num;
    uint64_t desc, avail, used;
    uint16_t avail_idx;
};

/* A network that always has a frame waiting, of any size (0 to past VNET_MAX_FRAME),
 * and checks what it is sent; its own generator, so the seed's traffic is unchanged. */
struct fz_net {
    struct fz_rng r;
    uint32_t next;                  /* the waiting frame's length */
    uint64_t sent, received, bad;
};

/* A 9P server that answers random bytes and checks what it is handed. */
struct fz_p9 {
    struct fz_rng r;
    uint64_t requests, bad;
};

struct fuzz_state {
    struct fz_rng r;
    unsigned seed_index;
    struct machine *m;
    struct machine_config cfg;
    struct fz_console console;
    struct fz_disk disks[NDISKS];
    struct fz_net net;
    struct fz_p9 p9;
    struct netdev netdev;
    struct p9dev p9dev;
    struct bus_region regions[BUS_MAX_REGIONS];
    unsigned nregions;
    unsigned version;               /* of the disks' slots; the input slots are always 2 */
    bool careful;                   /* this driver sequence makes no mistakes */
    struct fake_queue queues[MEMMAP_VIRTIO_COUNT][4];
    uint64_t ops, reads, writes, failed, notifies, chains, events, retired;
    unsigned recreated;
};

static struct fuzz_state fs;

/* ---- the network's and the 9P server's ends ---- */

static void net_send(void *opaque, const void *frame, size_t len)
{
    struct fz_net *n = opaque;
    (void)frame;
    n->sent++;
    if (len < VNET_ETH_HLEN || len > VNET_MAX_FRAME)
        n->bad++;
}

static uint32_t net_length(struct fz_net *n)
{
    switch (fz_below(&n->r, 4)) {
    case 0: return fz_below(&n->r, 64);
    case 1: return VNET_MAX_FRAME - 2 + fz_below(&n->r, 5);
    default: return 14 + fz_below(&n->r, 1600);
    }
}

static size_t net_peek(void *opaque)
{
    struct fz_net *n = opaque;
    return n->next;
}

static size_t net_receive(void *opaque, void *buf, size_t max)
{
    struct fz_net *n = opaque;
    size_t len = n->next;
    memset(buf, 0xa5, len < max ? len : max);
    n->received++;
    n->next = net_length(n);
    return len;
}

static size_t p9_request(void *opaque, const uint8_t *req, size_t len, uint8_t *reply,
                         size_t max)
{
    struct fz_p9 *p = opaque;
    (void)req;
    p->requests++;
    if (len > VP9_MAX_MESSAGE || max > VP9_MAX_MESSAGE)
        p->bad++;
    size_t n = fz_below(&p->r, 64) < 60 ? fz_below(&p->r, (uint32_t)max + 1) : max + 1;
    memset(reply, 0x5a, n <= max ? n : max);
    return n;                       /* now and then more than max: the device must not trust it */
}

/* ---- the machine ---- */

static void make_machine(void)
{
    char err[200] = "";
    fs.m = machine_create(&fs.cfg, err, sizeof err);
    ck_assert_msg(fs.m, "seed %u: machine_create: %s", fs.seed_index, err);
    fz_use_engine(fs.m);
    uint8_t *ram = machine_ram(fs.m, MEMMAP_RAM_BASE, fs.cfg.ram_size);
    ck_assert_ptr_nonnull(ram);
    /* Random code, but leave the tohost page (if any) alone: it is HTIF's. */
    fz_fill_code(&fs.r, ram, fs.cfg.ram_size, (enum fz_code_mode)fz_below(&fs.r, FZ_CODE_MODES));
    struct hart *h = machine_hart(fs.m);
    hart_set_pc(h, MEMMAP_RAM_BASE);
    hart_csr_set(h, CSR_MTVEC, MEMMAP_RAM_BASE + (fz_below(&fs.r, fs.cfg.ram_size) & ~3u));
    hart_csr_set(h, CSR_MIE, fz_u32(&fs.r));
    hart_csr_set(h, CSR_MSTATUS, fz_chance(&fs.r, 1, 2) ? MSTATUS_MIE : 0);
    for (unsigned i = 1; i < 32; i++)
        hart_set_reg(h, i, fz_reg_value(&fs.r, fs.cfg.ram_size));
    hart_flush_caches(h);

    fs.nregions = 0;
    const struct bus_region *reg;
    for (unsigned i = 0; (reg = bus_region_at(machine_bus(fs.m), i)) != NULL; i++)
        fs.regions[fs.nregions++] = *reg;
    ck_assert_uint_ge(fs.nregions, 10);
    memset(fs.queues, 0, sizeof fs.queues);
}

static void remake_machine(void)
{
    machine_destroy(fs.m);
    fs.recreated++;
    make_machine();
}

static void run_slice(uint64_t budget)
{
    enum machine_state s = machine_run(fs.m, budget);
    uint64_t got = machine_last_retired(fs.m);
    fs.retired += got;
    if (s == MACHINE_RUNNING && ((got == 0 && budget >= 64) || fz_stuck(fs.m)))
        fz_kick(fs.m, &fs.r, fs.cfg.ram_size);      /* a tiny loop: move the hart on */
    const char *broken = fz_check_hart(fs.m);
    ck_assert_msg(!broken, "seed %u: %s after %" PRIu64 " ops", fs.seed_index, broken, fs.ops);
    if (s == MACHINE_IDLE) {
        fz_wake(fs.m);
        machine_run(fs.m, 1 + fz_below(&fs.r, 100));
        fz_unwake(fs.m);
    } else if (s == MACHINE_EXITED || s == MACHINE_REBOOT) {
        remake_machine();
    }
}

/* A plain bus access of the test's own (the CPU is not involved). */
static void mmio_access(uint32_t addr, unsigned size, bool write, uint32_t value)
{
    uint32_t v = 0;
    bool ok = write ? bus_write(machine_bus(fs.m), addr, size, value)
                    : bus_read(machine_bus(fs.m), addr, size, &v);
    fs.ops++;
    if (write)
        fs.writes++;
    else
        fs.reads++;
    if (!ok)
        fs.failed++;
}

static unsigned some_size(void)
{
    return 1u << fz_below(&fs.r, 3);
}

/* ---- generic region traffic ---- */

static void random_region_access(void)
{
    const struct bus_region *reg = &fs.regions[fz_below(&fs.r, fs.nregions)];
    uint32_t off;
    switch (fz_below(&fs.r, 5)) {
    case 0: off = hot_offsets[fz_below(&fs.r, sizeof hot_offsets / sizeof hot_offsets[0])]; break;
    case 1: off = fz_below(&fs.r, 0x200); break;
    case 2: off = reg->size - 1 - fz_below(&fs.r, 8); break;          /* the end */
    case 3: off = reg->size + fz_below(&fs.r, 8); break;              /* just past it */
    default: off = fz_below(&fs.r, reg->size); break;
    }
    if (fz_chance(&fs.r, 1, 8))
        off += fz_below(&fs.r, 4);                                    /* misalign */
    bool write = fz_chance(&fs.r, 1, 2);
    /* Writes to RAM pages the hart runs are fine; but keep most traffic on the devices. */
    if (reg->host && fz_chance(&fs.r, 3, 4))
        return;
    mmio_access(reg->base + off, some_size(), write, fz_interesting(&fs.r));
}

/* ---- virtio "drivers" ---- */

static uint32_t slot_base(unsigned slot)
{
    return MEMMAP_VIRTIO_BASE + slot * MEMMAP_VIRTIO_STRIDE;
}

static void vio_write(unsigned slot, uint32_t reg, uint32_t value)
{
    mmio_access(slot_base(slot) + reg, 4, true, value);
}

static uint32_t vio_read(unsigned slot, uint32_t reg)
{
    uint32_t v = 0;
    bus_read(machine_bus(fs.m), slot_base(slot) + reg, 4, &v);
    fs.ops++;
    fs.reads++;
    return v;
}

/* A guest-physical address for a buffer or a ring: mostly RAM, sometimes near its end
 * (so `len` runs past it), at a device, or with bits above 4 GiB. */
static uint64_t dma_addr(uint32_t len)
{
    uint32_t ram = fs.cfg.ram_size;
    switch (fz_below(&fs.r, 10)) {
    case 0: return MEMMAP_RAM_BASE + ram - fz_below(&fs.r, len + 16);
    case 1: return fz_reg_value(&fs.r, ram);
    case 2: return ((uint64_t)fz_u32(&fs.r) << 32) | fz_u32(&fs.r);
    case 3: return MEMMAP_FB_BASE + fz_below(&fs.r, 0x4000);
    default: {
        uint32_t room = ram > len ? ram - len : 1;
        return MEMMAP_RAM_BASE + fz_below(&fs.r, room);
    }
    }
}

/* A 16-byte aligned RAM range of `len` bytes (len below the RAM size). */
static uint64_t ram_area(uint32_t len)
{
    uint32_t room = fs.cfg.ram_size > len ? fs.cfg.ram_size - len : 1;
    return MEMMAP_RAM_BASE + (fz_below(&fs.r, room) & ~15u);
}

static uint32_t some_len(void)
{
    switch (fz_below(&fs.r, 6)) {
    case 0: return fz_interesting(&fs.r);
    case 1: return 512 * (1 + fz_below(&fs.r, 16));
    case 2: return 1 + fz_below(&fs.r, 16);
    default: return fz_below(&fs.r, 4096);
    }
}

static void ram_put(uint64_t addr, const void *src, uint32_t len)
{
    if (addr < MEMMAP_RAM_BASE || addr + len > (uint64_t)MEMMAP_RAM_BASE + fs.cfg.ram_size)
        return;
    uint8_t *p = machine_ram(fs.m, (uint32_t)addr, len);
    if (p)
        memcpy(p, src, len);
}

static void put_desc(uint64_t table, uint32_t i, uint64_t addr, uint32_t len, uint16_t flags,
                     uint16_t next)
{
    uint8_t d[16];
    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memcpy(d + 14, &next, 2);
    ram_put(table + 16ull * i, d, 16);
}

/* A virtio-blk request header in RAM: type, reserved, sector (virtio spec 5.2.6). */
static uint64_t blk_header(unsigned slot)
{
    static const uint32_t types[] = { 0, 1, 4, 8, 11, 13, 0xffffffffu };
    uint8_t hdr[16];
    uint32_t type = fz_chance(&fs.r, 7, 8) ? types[fz_below(&fs.r, 7)] : fz_u32(&fs.r);
    uint32_t reserved = fz_chance(&fs.r, 7, 8) ? 0 : fz_u32(&fs.r);
    uint64_t sectors = slot < NDISKS ? fs.disks[slot].bd.size / 512 : 64;
    uint64_t sector;
    switch (fz_below(&fs.r, 4)) {
    case 0: sector = sectors - fz_below(&fs.r, 4); break;           /* at or past the end */
    case 1: sector = ((uint64_t)fz_u32(&fs.r) << 32) | fz_u32(&fs.r);
            break;
    default: sector = fz_below(&fs.r, (uint32_t)sectors + 1); break;
    }
    memcpy(hdr, &type, 4);
    memcpy(hdr + 4, &reserved, 4);
    memcpy(hdr + 8, &sector, 8);
    uint64_t at = MEMMAP_RAM_BASE + (fz_below(&fs.r, fs.cfg.ram_size - 16) & ~15u);
    ram_put(at, hdr, 16);
    return at;
}

/*
 * A chain as a real driver builds it, in consecutive table slots from a random head:
 * for a disk, a block request (header; data split over one to three buffers, device-
 * writable for IN and GET_ID; a 1-byte status, sometimes sharing the last data buffer),
 * whose sector range is on the disk most of the time and runs past its end sometimes;
 * for the network card, a frame after a header (queue 1) or a receive buffer (queue 0),
 * of any size around the limits; for the shared folder, a request and room for a reply;
 * for the input devices, one 8-byte event buffer (queue 0) or status buffer (queue 1).
 */
struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
};

static uint16_t make_good_chain(unsigned slot, unsigned qi, struct fake_queue *q)
{
    static const uint32_t types[] = { 0, 1, 4, 8 };        /* IN, OUT, FLUSH, GET_ID */
    struct desc d[6];
    unsigned n = 0;
    if (slot == NET_SLOT) {
        uint32_t len = fz_chance(&fs.r, 1, 8) ? VNET_MAX_FRAME + fz_below(&fs.r, 30)
                                               : fz_below(&fs.r, 1600);
        unsigned parts = 1 + fz_below(&fs.r, 3);
        for (unsigned k = 0; k < parts; k++) {
            uint32_t piece = k + 1 == parts ? len : fz_below(&fs.r, len + 1);
            d[n++] = (struct desc){ ram_area(piece + 1), piece, qi == 0 ? VIRTQ_F_WRITE : 0 };
            len -= piece;
        }
    } else if (slot == P9_SLOT) {
        uint32_t req = fz_below(&fs.r, 300), room = fz_below(&fs.r, 9000);
        d[n++] = (struct desc){ ram_area(req + 1), req, 0 };
        d[n++] = (struct desc){ ram_area(room + 1), room, VIRTQ_F_WRITE };
    } else if (slot >= NDISKS) {
        d[n++] = (struct desc){ ram_area(8), 8, qi == 0 ? VIRTQ_F_WRITE : 0 };
    } else {
        uint32_t type = types[fz_below(&fs.r, 4)];
        uint64_t sectors = fs.disks[slot].bd.size / 512;
        uint32_t count = 1 + fz_below(&fs.r, 8);
        uint64_t sector = fz_chance(&fs.r, 7, 8)
                              ? fz_below(&fs.r, (uint32_t)(sectors > count ? sectors - count + 1 : 1))
                              : sectors - fz_below(&fs.r, count);       /* runs past the end */
        uint8_t hdr[16] = { 0 };
        memcpy(hdr, &type, 4);
        memcpy(hdr + 8, &sector, 8);
        uint64_t at = ram_area(16);
        ram_put(at, hdr, 16);
        d[n++] = (struct desc){ at, 16, 0 };
        uint32_t bytes = type == 4 ? 0 : type == 8 ? 20 : count * 512;
        uint16_t dflags = type == 1 ? 0 : VIRTQ_F_WRITE;
        unsigned parts = bytes ? 1 + fz_below(&fs.r, 3) : 0;
        for (unsigned k = 0; k < parts; k++) {
            uint32_t len = k + 1 == parts ? bytes : 1 + fz_below(&fs.r, bytes);
            if (len > bytes)
                len = bytes;
            d[n++] = (struct desc){ ram_area(len + 1), len, dflags };
            bytes -= len;
        }
        if (n > 1 && dflags && fz_chance(&fs.r, 1, 4))
            d[n - 1].len++;                             /* the status rides on the data */
        else
            d[n++] = (struct desc){ ram_area(1), 1, VIRTQ_F_WRITE };
    }
    uint32_t num = q->num;
    if (n > num)
        n = num;
    uint16_t head = (uint16_t)fz_below(&fs.r, num);
    for (unsigned k = 0; k < n; k++) {
        uint16_t next = (uint16_t)((head + k + 1) % num);
        put_desc(q->desc, (head + k) % num, d[k].addr, d[k].len,
                 (uint16_t)(d[k].flags | (k + 1 < n ? VIRTQ_F_NEXT : 0)), next);
    }
    fs.chains++;
    return head;
}

/*
 * Write one descriptor chain into the queue's table: a block request most of the time
 * (header, data, status), or random descriptors; with a chance of loops, INDIRECT tables
 * and out-of-range `next` indices. Returns the head index.
 */
static uint16_t make_chain(unsigned slot, struct fake_queue *q)
{
    uint32_t num = q->num ? q->num : 1;
    uint16_t head = (uint16_t)fz_below(&fs.r, num);
    unsigned n = 1 + fz_below(&fs.r, fz_chance(&fs.r, 1, 8) ? 80 : 4);
    uint16_t cur = head;
    for (unsigned k = 0; k < n; k++) {
        bool last = k + 1 == n;
        uint16_t next = fz_chance(&fs.r, 1, 16) ? (uint16_t)fz_u32(&fs.r)
                                                : (uint16_t)((cur + 1 + fz_below(&fs.r, 3)) % num);
        uint16_t flags = last ? 0 : VIRTQ_F_NEXT;
        uint64_t addr;
        uint32_t len;
        if (k == 0 && fz_chance(&fs.r, 3, 4)) {
            addr = blk_header(slot);
            len = fz_chance(&fs.r, 7, 8) ? 16 : some_len();
        } else if (last && fz_chance(&fs.r, 3, 4)) {
            len = fz_chance(&fs.r, 3, 4) ? 1 : some_len();
            addr = dma_addr(len);
            flags |= VIRTQ_F_WRITE;
        } else {
            len = some_len();
            addr = dma_addr(len);
            if (fz_chance(&fs.r, 1, 2))
                flags |= VIRTQ_F_WRITE;
        }
        if (fz_chance(&fs.r, 1, 16)) {
            /* An indirect table: random descriptors in RAM. */
            uint32_t count = 1 + fz_below(&fs.r, 8);
            uint64_t table = dma_addr(16 * count);
            for (uint32_t j = 0; j < count; j++)
                put_desc(table, j, dma_addr(512), some_len(),
                         (uint16_t)(fz_u32(&fs.r) & 7), (uint16_t)fz_below(&fs.r, count + 1));
            addr = table;
            len = fz_chance(&fs.r, 3, 4) ? 16 * count : some_len();
            flags |= VIRTQ_F_INDIRECT;
        }
        if (fz_chance(&fs.r, 1, 32))
            flags = (uint16_t)fz_u32(&fs.r);
        put_desc(q->desc, cur % num, addr, len, flags, next);
        cur = next % num;
    }
    fs.chains++;
    return head;
}

/* A driver step done right: always while the driver is careful, with probability
 * num/den otherwise. */
static bool ok_step(uint32_t num, uint32_t den)
{
    return fs.careful || fz_chance(&fs.r, num, den);
}

/* A driver mistake: never while careful, with probability num/den otherwise. */
static bool sloppy(uint32_t num, uint32_t den)
{
    return !fs.careful && fz_chance(&fs.r, num, den);
}

/* Offer a few chains in the avail ring and notify (or not). */
static void offer_and_notify(unsigned slot, unsigned qi)
{
    struct fake_queue *q = &fs.queues[slot][qi];
    if (q->num && q->avail) {
        unsigned n = 1 + fz_below(&fs.r, 4);
        for (unsigned k = 0; k < n; k++) {
            uint32_t kind = fs.careful ? 0 : fz_below(&fs.r, 16);
            uint16_t head = kind < 14 ? make_good_chain(slot, qi, q)
                          : kind < 15 ? make_chain(slot, q) : (uint16_t)fz_u32(&fs.r);
            ram_put(q->avail + 4 + 2ull * (q->avail_idx % q->num), &head, 2);
            q->avail_idx++;
        }
        uint16_t idx = ok_step(15, 16) ? q->avail_idx : (uint16_t)fz_u32(&fs.r);
        uint16_t flags = (uint16_t)fz_below(&fs.r, 2);
        ram_put(q->avail, &flags, 2);
        ram_put(q->avail + 2, &idx, 2);
    }
    if (ok_step(7, 8)) {
        vio_write(slot, VIO_QUEUE_NOTIFY, ok_step(7, 8) ? qi : fz_interesting(&fs.r));
        fs.notifies++;
    }
}

static uint32_t some_queue_num(void)
{
    switch (fz_below(&fs.r, 6)) {
    case 0: return 0;
    case 1: return fz_interesting(&fs.r);
    case 2: return 1 + fz_below(&fs.r, 7);                           /* odd sizes too */
    default: return 1u << fz_below(&fs.r, 9);                        /* 1..256 */
    }
}

/* Set up queue qi of a slot the way a driver would, with every step at risk of being
 * skipped, reordered or given a bad value; remember what was set for offer_and_notify. */
static void setup_queue(unsigned slot, unsigned qi, bool modern)
{
    struct fake_queue *q = &fs.queues[slot][qi];
    vio_write(slot, VIO_QUEUE_SEL, ok_step(7, 8) ? qi : fz_interesting(&fs.r));
    uint32_t max = vio_read(slot, VIO_QUEUE_NUM_MAX);
    uint32_t num = ok_step(3, 4) && max ? 1u << fz_below(&fs.r, 7) : some_queue_num();
    if (max && num > max && ok_step(3, 4))
        num = max;
    if (ok_step(7, 8))
        vio_write(slot, VIO_QUEUE_NUM, num);
    uint32_t n16 = num > 1024 ? 1024 : num;          /* what the test scribbles over */
    bool good = ok_step(3, 4);              /* areas in RAM, aligned */
    memset(q, 0, sizeof *q);
    q->num = num && num <= 1024 ? num : 0;
    if (!modern) {
        uint32_t page = 4096, align = 4096;
        if (sloppy(1, 4)) {
            page = fz_chance(&fs.r, 1, 2) ? fz_interesting(&fs.r) : 1u << fz_below(&fs.r, 16);
            vio_write(slot, VIO_GUEST_PAGE_SIZE, page);
        }
        if (sloppy(1, 4)) {
            align = fz_chance(&fs.r, 1, 2) ? fz_interesting(&fs.r) : 1u << fz_below(&fs.r, 16);
            vio_write(slot, VIO_QUEUE_ALIGN, align);
        }
        uint64_t base = (good ? ram_area(16 * n16 + 8192) : dma_addr(16 * n16 + 8192)) &
                        ~0xfffull;
        uint32_t pfn = ok_step(7, 8) ? (uint32_t)(base >> 12) : fz_interesting(&fs.r);
        vio_write(slot, VIO_QUEUE_PFN, pfn);
        if (page == 4096 && align == 4096 && pfn == base >> 12 &&
            base >= MEMMAP_RAM_BASE) {
            q->desc = base;
            q->avail = base + 16ull * n16;
            q->used = (q->avail + 6 + 2ull * n16 + 4095) & ~4095ull;
        }
    } else {
        uint64_t desc = good ? ram_area(16 * n16) : dma_addr(16 * n16),
                 avail = good ? ram_area(6 + 2 * n16) : dma_addr(6 + 2 * n16),
                 used = good ? ram_area(6 + 8 * n16) : dma_addr(6 + 8 * n16);
        if (good && ok_step(1, 2)) {
            /* One block, as Linux lays it out: no area overlaps another. */
            desc = ram_area(16 * n16 + 8 + 2 * n16 + 8 + 8 * n16);
            avail = desc + 16ull * n16;
            used = (avail + 6 + 2ull * n16 + 3) & ~3ull;
        }
        if (good || ok_step(3, 4)) {
            desc &= ~15ull;
            avail &= ~1ull;
            used &= ~3ull;
        }
        static const uint32_t regs[3][2] = {
            { VIO_QUEUE_DESC_LOW, VIO_QUEUE_DESC_HIGH },
            { VIO_QUEUE_DRIVER_LOW, VIO_QUEUE_DRIVER_HIGH },
            { VIO_QUEUE_DEVICE_LOW, VIO_QUEUE_DEVICE_HIGH },
        };
        uint64_t addrs[3] = { desc, avail, used };
        for (unsigned k = 0; k < 3; k++) {
            if (ok_step(15, 16))
                vio_write(slot, regs[k][0], (uint32_t)addrs[k]);
            if (ok_step(15, 16))
                vio_write(slot, regs[k][1], (uint32_t)(addrs[k] >> 32));
        }
        if (ok_step(7, 8))
            vio_write(slot, VIO_QUEUE_READY, ok_step(7, 8) ? 1 : fz_interesting(&fs.r));
        q->desc = desc;
        q->avail = avail;
        q->used = used;
    }
}

/* Bring a slot up (reset, ACK, DRIVER, features, FEATURES_OK, queues, DRIVER_OK), with
 * every step at risk, then offer buffers on its queues. */
static void driver_sequence(unsigned slot)
{
    fs.careful = fz_chance(&fs.r, 1, 2);
    bool modern = vio_read(slot, 0x004) == 2;
    if (ok_step(7, 8))
        vio_write(slot, VIO_STATUS, 0);
    vio_write(slot, VIO_STATUS, ok_step(7, 8) ? 3 : fz_below(&fs.r, 256));
    for (unsigned sel = 0; sel < 2; sel++) {
        vio_write(slot, VIO_DEVICE_FEATURES_SEL, ok_step(7, 8) ? sel : fz_u32(&fs.r));
        uint32_t f = vio_read(slot, VIO_DEVICE_FEATURES);
        vio_write(slot, VIO_DRIVER_FEATURES_SEL, ok_step(7, 8) ? sel : fz_u32(&fs.r));
        vio_write(slot, VIO_DRIVER_FEATURES, ok_step(3, 4) ? f : fz_u32(&fs.r));
    }
    if (ok_step(7, 8))
        vio_write(slot, VIO_STATUS, 11);
    unsigned nq = 1 + fz_below(&fs.r, 3);
    for (unsigned qi = 0; qi < nq; qi++)
        setup_queue(slot, qi, modern);
    if (ok_step(7, 8))
        vio_write(slot, VIO_STATUS, ok_step(7, 8) ? 15 : fz_below(&fs.r, 256));
    /* Config space reads and writes. */
    for (unsigned k = fz_below(&fs.r, 4); k > 0; k--)
        mmio_access(slot_base(slot) + VIO_CONFIG + fz_below(&fs.r, 0x100), some_size(),
               fz_chance(&fs.r, 1, 3), fz_u32(&fs.r));
    for (unsigned qi = 0; qi < nq; qi++)
        offer_and_notify(slot, qi);
    fs.careful = false;
}

/* One random register poke at a slot's transport. */
static void virtio_poke(unsigned slot)
{
    static const uint32_t regs[] = {
        VIO_MAGIC, VIO_DEVICE_FEATURES, VIO_DEVICE_FEATURES_SEL, VIO_DRIVER_FEATURES,
        VIO_DRIVER_FEATURES_SEL, VIO_GUEST_PAGE_SIZE, VIO_QUEUE_SEL, VIO_QUEUE_NUM_MAX,
        VIO_QUEUE_NUM, VIO_QUEUE_ALIGN, VIO_QUEUE_PFN, VIO_QUEUE_READY, VIO_QUEUE_NOTIFY,
        VIO_INTERRUPT_STATUS, VIO_INTERRUPT_ACK, VIO_STATUS, VIO_QUEUE_DESC_LOW,
        VIO_QUEUE_DESC_HIGH, VIO_QUEUE_DRIVER_LOW, VIO_QUEUE_DRIVER_HIGH,
        VIO_QUEUE_DEVICE_LOW, VIO_QUEUE_DEVICE_HIGH, VIO_CONFIG_GENERATION, VIO_CONFIG,
    };
    uint32_t reg = regs[fz_below(&fs.r, sizeof regs / sizeof regs[0])];
    uint32_t value;
    switch (fz_below(&fs.r, 3)) {
    case 0: value = (uint32_t)(dma_addr(4096) >> (fz_chance(&fs.r, 1, 2) ? 12 : 0)); break;
    case 1: value = fz_below(&fs.r, 16); break;
    default: value = fz_interesting(&fs.r); break;
    }
    mmio_access(slot_base(slot) + reg, fz_chance(&fs.r, 7, 8) ? 4 : some_size(),
           fz_chance(&fs.r, 2, 3), value);
    if (fz_chance(&fs.r, 1, 4))
        offer_and_notify(slot, fz_below(&fs.r, 3));
}

/* Host-side input for the keyboard and the tablet: plausible events and random ones. */
static void input_events(void)
{
    struct virtio_input *in = fz_chance(&fs.r, 1, 2) ? machine_keyboard(fs.m)
                                                      : machine_tablet(fs.m);
    if (!in)
        return;
    for (unsigned k = 1 + fz_below(&fs.r, 8); k > 0; k--) {
        uint16_t type = fz_chance(&fs.r, 3, 4) ? (uint16_t)fz_below(&fs.r, 4)
                                               : (uint16_t)fz_u32(&fs.r);
        uint16_t code = fz_chance(&fs.r, 3, 4) ? (uint16_t)fz_below(&fs.r, 0x200)
                                               : (uint16_t)fz_u32(&fs.r);
        vinput_send(in, type, code, fz_interesting(&fs.r));
        fs.events++;
    }
}

/* A slot with a device in it most of the time (disks 0..2, the card 3, the shared
 * folder 4, input 6 and 7). */
static unsigned some_slot(void)
{
    static const unsigned used[] = { 0, 1, 2, NET_SLOT, P9_SLOT, MACHINE_KEYBOARD_SLOT,
                                     MACHINE_TABLET_SLOT };
    return fz_chance(&fs.r, 7, 8) ? used[fz_below(&fs.r, 7)]
                                  : fz_below(&fs.r, MEMMAP_VIRTIO_COUNT);
}

/* ---- the test ---- */

static void setup_seed(unsigned seed_index)
{
    memset(&fs, 0, sizeof fs);
    fs.seed_index = seed_index;
    fz_seed(&fs.r, fz_seed_for(3, seed_index));
    fs.version = 1 + seed_index % 2;
    fs.console.rng = &fs.r;
    for (unsigned i = 0; i < NDISKS; i++)
        fz_disk_init(&fs.disks[i], 512ull * (1 + fz_below(&fs.r, 128)), i == 1, i == 2);
    uint32_t ram = (1 + fz_below(&fs.r, 4)) << 20;
    fs.cfg = (struct machine_config){
        .ram_size = ram,
        .start_pc = MEMMAP_RAM_BASE,
        .console = fz_console_chardev(&fs.console),
        .virtio_version = fs.version,
        .wall_ns = 1700000000ull * 1000000000ull,
        .fb_width = 1 + fz_below(&fs.r, 64),
        .fb_height = 1 + fz_below(&fs.r, 64),
        .input = true,
    };
    for (unsigned i = 0; i < NDISKS; i++)
        fs.cfg.disks[i] = &fs.disks[i].bd;
    fz_seed(&fs.net.r, fz_seed_for(31, seed_index));
    fz_seed(&fs.p9.r, fz_seed_for(37, seed_index));
    fs.net.next = 60;
    fs.netdev = (struct netdev){ .opaque = &fs.net, .send = net_send, .peek = net_peek,
                                 .receive = net_receive, .checksummed = true };
    fs.p9dev = (struct p9dev){ .opaque = &fs.p9, .request = p9_request };
    fs.cfg.nics[NET_SLOT] = (struct machine_nic){ .backend = &fs.netdev,
                                                  .mac = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 } };
    fs.cfg.shares[P9_SLOT] = (struct machine_share){ .server = &fs.p9dev, .tag = "fuzz" };
    if (fz_chance(&fs.r, 1, 2)) {
        fs.cfg.has_tohost = true;
        fs.cfg.tohost = MEMMAP_RAM_BASE + ((fz_below(&fs.r, ram / 2)) & ~7u);
    }
    make_machine();
}

static void teardown_seed(void)
{
    if (fs.m)
        machine_destroy(fs.m);
    fs.m = NULL;
    for (unsigned i = 0; i < NDISKS; i++)
        fz_disk_fini(&fs.disks[i]);
}

START_TEST(test_mmio_traffic)
{
    unsigned seed_index = (unsigned)_i;
    if (!fz_seed_selected(seed_index))
        return;
    clock_t t0 = clock();
    setup_seed(seed_index);
    const uint64_t target = fz_scaled(OPS_PER_SEED);
    while (fs.ops < target) {
        uint32_t k = fz_below(&fs.r, 100);
        if (k < 40)
            random_region_access();
        else if (k < 62)
            virtio_poke(fz_below(&fs.r, MEMMAP_VIRTIO_COUNT));
        else if (k < 80)
            driver_sequence(some_slot());
        else if (k < 88)
            input_events();
        else
            run_slice(1 + fz_below(&fs.r, fz_chance(&fs.r, 1, 2) ? 100 : 5000));
        fs.ops++;
    }
    for (unsigned i = 0; i < NDISKS; i++) {
        ck_assert_msg(fs.disks[i].out_of_range == 0,
                      "seed %u: disk %u's backend was asked for %u requests past its end "
                      "(%" PRIu64 " bytes)", seed_index, i, fs.disks[i].out_of_range,
                      fs.disks[i].bd.size);
        ck_assert_msg(fs.disks[i].readonly_writes == 0,
                      "seed %u: read-only disk %u's backend got %u writes", seed_index, i,
                      fs.disks[i].readonly_writes);
    }
    ck_assert_msg(fs.net.bad == 0, "seed %u: the network was sent %" PRIu64 " frames that "
                  "are no frames", seed_index, fs.net.bad);
    ck_assert_msg(fs.p9.bad == 0, "seed %u: the 9P server was handed %" PRIu64 " requests "
                  "or rooms past VP9_MAX_MESSAGE", seed_index, fs.p9.bad);
    fprintf(stderr, "fuzz_mmio seed %2u (0x%016" PRIx64 ") v%u: %" PRIu64 " ops (%" PRIu64
            " reads, %" PRIu64 " writes, %" PRIu64 " refused), %" PRIu64 " notifies, %" PRIu64
            " chains, %" PRIu64 " input events, %" PRIu64 " insns, disk I/O %u/%u/%u, "
            "net %" PRIu64 "/%" PRIu64 ", 9P %" PRIu64 ", %u new machines, %.2f s\n",
            seed_index, fz_seed_for(3, seed_index), fs.version,
            fs.ops, fs.reads, fs.writes, fs.failed, fs.notifies, fs.chains, fs.events,
            fs.retired, fs.disks[0].reads + fs.disks[1].reads + fs.disks[2].reads,
            fs.disks[0].writes + fs.disks[2].writes,
            fs.disks[0].flushes + fs.disks[1].flushes + fs.disks[2].flushes,
            fs.net.sent, fs.net.received, fs.p9.requests, fs.recreated,
            (double)(clock() - t0) / CLOCKS_PER_SEC);
    teardown_seed();
}
END_TEST

static Suite *fuzz_mmio_suite(void)
{
    Suite *s = suite_create("fuzz_mmio");
    TCase *tc = tcase_create("traffic");
    tcase_set_timeout(tc, fz_sanitized() ? 120 : 30);
    tcase_add_loop_test(tc, test_mmio_traffic, 0, (int)fz_seed_count(SEEDS));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(fuzz_mmio_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
