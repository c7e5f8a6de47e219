/*
 * virtio-blk (virtio spec v1.2, 5.2) on a block backend.
 *
 * A request is a chain: a 16-byte header (le32 type, le32 reserved, le64 sector) in the
 * readable part, then the data, then one status byte, the chain's last writable byte.
 * The driver may cut the header and the data into buffers however it likes (5.2.6.4:
 * no framing assumptions), so requests are read and written through gather/scatter
 * helpers over the chain's buffers, never by descriptor position.
 *
 * Work is bounded: a request's data moves in chunks, against a credit of
 * VBLK_SLICE_BYTES that vblk_update refills once per machine_run. A notification serves
 * requests at once while credit lasts (a small request completes inside the guest's
 * register write); past it, the rest (the remainder of a large request included) waits
 * for the next update, and the request completes (status, used ring, interrupt) only
 * when all its data has moved. So however much the guest asks for, the host loop gets
 * control back after about a slice's worth of disk work.
 *
 * Cache: the device behaves like a disk with a write-back cache when the driver accepted
 * VIRTIO_BLK_F_FLUSH (writes reach the backend, a FLUSH request makes them durable), and
 * like a write-through disk when it did not (each write is followed by a backend flush,
 * as QEMU does), so that a driver that knows nothing of flushes (xv6) loses nothing.
 */
#include "devices/virtio_blk.h"

#include <stdlib.h>
#include <string.h>

#include "devices/snapshot.h"

#define VIRTIO_BLK_F_SEG_MAX     2
#define VIRTIO_BLK_F_BLK_SIZE    6

#define VBLK_SECTOR              512u
#define VBLK_QUEUE_MAX           256        /* QueueNumMax, as QEMU's default */
#define VBLK_SEG_MAX             (VIRTQ_MAX_CHAIN - 2)  /* data buffers besides header, status */
#define VBLK_HEADER_BYTES        16
/* Work per slice (VBLK_SLICE_BYTES, between two vblk_update calls) is counted in bytes
 * of data moved, so that no guest holds the host loop: a request costs VBLK_REQUEST_COST
 * besides its data (a guest cannot loop on empty requests either), and a backend flush
 * VBLK_FLUSH_COST, as it may wait for the host's disk. */
#define VBLK_REQUEST_COST        4096u
#define VBLK_FLUSH_COST          65536u
#define VBLK_BOUNCE_BYTES        16384      /* data moves through here in chunks */

/* struct virtio_blk_config (5.2.4), the fields up to blk_size. */
#define VBLK_CFG_CAPACITY        0
#define VBLK_CFG_SEG_MAX         12
#define VBLK_CFG_BLK_SIZE        20
#define VBLK_CFG_BYTES           24

/* The request being served: what its header said and how far it got. Plain data (the
 * chain holds guest addresses, not host pointers), so a snapshot can save it. */
struct vblk_req {
    bool active;                            /* a request is half done */
    uint32_t type;                          /* VIRTIO_BLK_T_IN or _OUT */
    uint64_t sector;
    uint64_t bytes;                         /* data to move */
    uint64_t done;                          /* data moved so far */
    uint64_t wlen;                          /* the chain's writable bytes, status last */
    struct virtq_chain chain;
};

struct virtio_blk {
    struct virtio_mmio *vm;
    struct blockdev backend;
    uint64_t sectors;                       /* capacity */
    uint8_t serial[VIRTIO_BLK_ID_BYTES];    /* NUL-padded */
    uint8_t config[VBLK_CFG_BYTES];         /* little-endian, as the driver reads it */
    uint64_t credit;                        /* work this slice may still do, in bytes */
    bool kicked;                            /* notified: chains may wait in the queue */
    struct vblk_req req;
    uint8_t bounce[VBLK_BOUNCE_BYTES];
};

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static uint64_t vblk_min(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* Take `cost` from this slice's credit (what is left, if it is less). */
static void vblk_charge(struct virtio_blk *b, uint64_t cost)
{
    b->credit -= vblk_min(b->credit, cost);
}

/* ---- the chain as two byte streams: what the driver wrote, what the device writes ---- */

static uint64_t chain_bytes(const struct virtq_chain *c, bool device_writes)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < c->count; i++)
        if (c->bufs[i].device_writes == device_writes)
            n += c->bufs[i].len;
    return n;
}

/* Copy `len` bytes between `host` and byte offset `off` of the chain's readable part
 * (writable false: guest to host) or of its writable part (writable true: host to
 * guest). False if the chain is shorter or guest memory refused the copy. */
static bool chain_copy(struct virtio_blk *b, bool writable, uint64_t off, void *host,
                       uint32_t len)
{
    const struct virtq_chain *c = &b->req.chain;
    uint8_t *p = host;
    for (unsigned i = 0; i < c->count && len > 0; i++) {
        const struct virtq_buf *buf = &c->bufs[i];
        if (buf->device_writes != writable)
            continue;
        if (off >= buf->len) {
            off -= buf->len;
            continue;
        }
        uint32_t n = buf->len - (uint32_t)off;
        if (n > len)
            n = len;
        uint32_t addr = buf->addr + (uint32_t)off;
        bool ok = writable ? virtio_dma_write(b->vm, addr, p, n)
                           : virtio_dma_read(b->vm, addr, p, n);
        if (!ok)
            return false;
        p += n;
        len -= n;
        off = 0;
    }
    return len == 0;
}

/* Is [sector, sector + bytes / 512) on the disk? Overflow-safe for any sector. */
static bool range_ok(const struct virtio_blk *b, uint64_t sector, uint64_t bytes)
{
    if (bytes % VBLK_SECTOR)
        return false;
    uint64_t count = bytes / VBLK_SECTOR;
    return sector <= b->sectors && count <= b->sectors - sector;
}

/* Make the backend's writes durable. A flush may wait for the host's disk, so it is
 * charged as if it moved VBLK_FLUSH_COST bytes. */
static int vblk_backend_flush(struct virtio_blk *b)
{
    if (b->backend.flush)
        vblk_charge(b, VBLK_FLUSH_COST);
    return vblk_flush(b);
}

/* ---- a request's life: begin (header, checks), steps (data), finish (status) ---- */

/* Give the request back with `status` after `written` bytes of data. The status byte is
 * the chain's last writable byte; if even that cannot be written the chain was not what
 * virtq_pop checked, and the transport is told. */
static void vblk_finish(struct virtio_blk *b, uint8_t status, uint64_t written)
{
    struct vblk_req *r = &b->req;
    r->active = false;
    if (!chain_copy(b, true, r->wlen - 1, &status, 1)) {
        virtio_mmio_needs_reset(b->vm);
        return;
    }
    virtq_push(b->vm, 0, r->chain.head, (uint32_t)(written + 1));
}

/* GET_ID: the serial, NUL-padded, cut to the buffer the driver gave. */
static void vblk_get_id(struct virtio_blk *b)
{
    uint64_t room = b->req.wlen - 1;
    uint32_t n = room < VIRTIO_BLK_ID_BYTES ? (uint32_t)room : VIRTIO_BLK_ID_BYTES;
    if (!chain_copy(b, true, 0, b->serial, n))
        vblk_finish(b, VIRTIO_BLK_S_IOERR, 0);
    else
        vblk_finish(b, VIRTIO_BLK_S_OK, n);
}

/* IN and OUT: check the request and leave it active for vblk_step to move its data.
 * IN fills every writable byte but the status; OUT takes every readable byte after the
 * header. */
static void vblk_begin_data(struct virtio_blk *b, uint64_t rlen)
{
    struct vblk_req *r = &b->req;
    bool ok;
    if (r->type == VIRTIO_BLK_T_IN) {
        r->bytes = r->wlen - 1;
        ok = rlen == VBLK_HEADER_BYTES && range_ok(b, r->sector, r->bytes);
    } else {
        r->bytes = rlen - VBLK_HEADER_BYTES;
        ok = r->wlen == 1 && !b->backend.readonly && b->backend.write &&
             range_ok(b, r->sector, r->bytes);
    }
    if (!ok) {
        vblk_finish(b, VIRTIO_BLK_S_IOERR, 0);
        return;
    }
    r->done = 0;
    r->active = true;
}

/* Start serving the chain in b->req.chain: requests without data complete here, reads
 * and writes become active. */
static void vblk_begin(struct virtio_blk *b)
{
    struct vblk_req *r = &b->req;
    uint64_t rlen = chain_bytes(&r->chain, false);
    uint8_t hdr[VBLK_HEADER_BYTES];

    vblk_charge(b, VBLK_REQUEST_COST);
    r->active = false;
    r->wlen = chain_bytes(&r->chain, true);
    if (r->wlen == 0) {                     /* no room for a status: nothing to say */
        virtq_push(b->vm, 0, r->chain.head, 0);
        return;
    }
    if (rlen < VBLK_HEADER_BYTES || !chain_copy(b, false, 0, hdr, sizeof hdr)) {
        vblk_finish(b, VIRTIO_BLK_S_IOERR, 0);
        return;
    }
    r->type = (uint32_t)get_le(hdr, 4);
    r->sector = get_le(hdr + 8, 8);
    switch (r->type) {
    case VIRTIO_BLK_T_IN:
    case VIRTIO_BLK_T_OUT:
        vblk_begin_data(b, rlen);
        break;
    case VIRTIO_BLK_T_FLUSH:
        vblk_finish(b, vblk_backend_flush(b) == 0 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR, 0);
        break;
    case VIRTIO_BLK_T_GET_ID:
        vblk_get_id(b);
        break;
    default:
        vblk_finish(b, VIRTIO_BLK_S_UNSUPP, 0);
        break;
    }
}

/* Move the active request's next chunk, as much as the credit allows; finish it when
 * all its data has moved. A write is followed by a flush (write-through) unless the
 * driver knows to send FLUSH requests. */
static void vblk_step(struct virtio_blk *b)
{
    struct vblk_req *r = &b->req;
    uint32_t n = (uint32_t)vblk_min(vblk_min(r->bytes - r->done, VBLK_BOUNCE_BYTES), b->credit);
    uint64_t pos = r->sector * VBLK_SECTOR + r->done;
    bool ok = true;
    if (n > 0 && r->type == VIRTIO_BLK_T_IN)
        ok = b->backend.read(b->backend.opaque, pos, b->bounce, n) == 0 &&
             chain_copy(b, true, r->done, b->bounce, n);
    else if (n > 0)
        ok = chain_copy(b, false, VBLK_HEADER_BYTES + r->done, b->bounce, n) &&
             b->backend.write(b->backend.opaque, pos, b->bounce, n) == 0;
    if (!ok) {
        vblk_finish(b, VIRTIO_BLK_S_IOERR, r->type == VIRTIO_BLK_T_IN ? r->done : 0);
        return;
    }
    r->done += n;
    vblk_charge(b, n);
    if (r->done < r->bytes)
        return;
    if (r->type == VIRTIO_BLK_T_OUT &&
        !virtio_driver_has_feature(b->vm, VIRTIO_BLK_F_FLUSH) && vblk_backend_flush(b) != 0) {
        vblk_finish(b, VIRTIO_BLK_S_IOERR, 0);
        return;
    }
    vblk_finish(b, VIRTIO_BLK_S_OK, r->type == VIRTIO_BLK_T_IN ? r->bytes : 0);
}

/* Serve requests while this slice's credit lasts: the active one first, then the chains
 * waiting in the queue (each popped exactly once). What the credit does not cover waits
 * for the next vblk_update. */
static void vblk_work(struct virtio_blk *b)
{
    while (b->credit > 0) {
        if (b->req.active) {
            vblk_step(b);
        } else if (b->kicked && virtq_pop(b->vm, 0, &b->req.chain) == VIRTQ_GOT) {
            vblk_begin(b);
        } else {
            b->kicked = false;              /* the queue is empty (or broken) */
            return;
        }
    }
}

static void vblk_queue_notify(void *dev, unsigned q)
{
    struct virtio_blk *b = dev;
    if (q != 0)
        return;
    b->kicked = true;
    vblk_work(b);
}

/* The driver reset the device (or the machine was reset): the request in progress and
 * the notification are dropped with the queues; the slice's credit is the host's and
 * stays. */
static void vblk_reset(void *dev)
{
    struct virtio_blk *b = dev;
    memset(&b->req, 0, sizeof b->req);
    b->kicked = false;
}

void vblk_update(struct virtio_blk *b)
{
    b->credit = VBLK_SLICE_BYTES;
    vblk_work(b);
}

bool vblk_busy(const struct virtio_blk *b)
{
    return b->req.active || b->kicked;
}

/* Configuration space: read-only; bytes past the fields read 0. */
static uint32_t vblk_config_read(void *dev, uint32_t off, unsigned size)
{
    const struct virtio_blk *b = dev;
    uint8_t v[4] = { 0 };
    for (unsigned i = 0; i < size && i < sizeof v; i++)
        if (off + i < VBLK_CFG_BYTES)
            v[i] = b->config[off + i];
    return (uint32_t)get_le(v, 4);
}

static void vblk_config_write(void *dev, uint32_t off, unsigned size, uint32_t value)
{
    (void)dev, (void)off, (void)size, (void)value;  /* no writable field (no CONFIG_WCE) */
}

/* ---- snapshots: the request in flight (its chain's guest addresses and how far its
 * data got), whether a notification waits, and the slice's credit, so that the request
 * goes on exactly where it stopped ---- */

SNAP_LAYOUT(struct virtio_blk, 17344);

static void vblk_save(const void *opaque, struct snap_writer *w)
{
    const struct virtio_blk *b = opaque;
    const struct vblk_req *r = &b->req;
    snap_put_u64(w, b->sectors);
    snap_put_u64(w, b->credit);
    snap_put_bool(w, b->kicked);
    snap_put_bool(w, r->active);
    snap_put_u32(w, r->type);
    snap_put_u64(w, r->sector);
    snap_put_u64(w, r->bytes);
    snap_put_u64(w, r->done);
    snap_put_u64(w, r->wlen);
    snap_put_u16(w, r->chain.head);
    snap_put_u32(w, r->chain.count);
    for (unsigned i = 0; i < r->chain.count && i < VIRTQ_MAX_CHAIN; i++) {
        snap_put_u32(w, r->chain.bufs[i].addr);
        snap_put_u32(w, r->chain.bufs[i].len);
        snap_put_bool(w, r->chain.bufs[i].device_writes);
    }
}

static int vblk_load(void *opaque, struct snap_reader *rd)
{
    struct virtio_blk *b = opaque;
    struct vblk_req r = b->req;
    uint64_t sectors = snap_get_u64(rd);
    if (snap_ok(rd) && sectors != b->sectors)
        return snap_fail(rd, "a disk of %llu sectors saved, this one has %llu",
                         (unsigned long long)sectors, (unsigned long long)b->sectors);
    uint64_t credit = snap_get_u64(rd);
    bool kicked = snap_get_bool(rd);
    r.active = snap_get_bool(rd);
    r.type = snap_get_u32(rd);
    r.sector = snap_get_u64(rd);
    r.bytes = snap_get_u64(rd);
    r.done = snap_get_u64(rd);
    r.wlen = snap_get_u64(rd);
    r.chain.head = snap_get_u16(rd);
    r.chain.count = snap_get_u32(rd);
    if (snap_ok(rd) && r.chain.count > VIRTQ_MAX_CHAIN)
        return snap_fail(rd, "a chain of %u buffers", r.chain.count);
    for (unsigned i = 0; i < r.chain.count && snap_ok(rd); i++) {
        r.chain.bufs[i].addr = snap_get_u32(rd);
        r.chain.bufs[i].len = snap_get_u32(rd);
        r.chain.bufs[i].device_writes = snap_get_bool(rd);
    }
    if (snap_ok(rd) && r.active &&
        ((r.type != VIRTIO_BLK_T_IN && r.type != VIRTIO_BLK_T_OUT) || r.done > r.bytes ||
         !range_ok(b, r.sector, r.bytes) || r.wlen == 0 || credit > VBLK_SLICE_BYTES))
        return snap_fail(rd, "a request in flight that this disk would not have taken");
    if (!snap_applying(rd))
        return snap_status(rd);
    b->credit = credit;
    b->kicked = kicked;
    b->req = r;
    return 0;
}

static const struct snap_ops vblk_snap = {
    .name = "virtio-blk", .version = 1, .save = vblk_save, .load = vblk_load,
};

int vblk_flush(struct virtio_blk *b)
{
    if (!b || !b->backend.flush)
        return 0;
    return b->backend.flush(b->backend.opaque) == 0 ? 0 : -1;
}

struct virtio_blk *vblk_create(struct virtio_mmio *vm, const struct blockdev *backend,
                               const char *serial)
{
    if (!vm || !backend || !backend->read)
        return NULL;
    struct virtio_blk *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->vm = vm;
    b->backend = *backend;
    b->sectors = backend->size / VBLK_SECTOR;
    for (size_t i = 0; serial && i < sizeof b->serial && serial[i]; i++)
        b->serial[i] = (uint8_t)serial[i];  /* NUL-padded by calloc, 20 bytes at most */
    b->credit = VBLK_SLICE_BYTES;
    put_le(b->config + VBLK_CFG_CAPACITY, b->sectors, 8);
    put_le(b->config + VBLK_CFG_SEG_MAX, VBLK_SEG_MAX, 4);
    put_le(b->config + VBLK_CFG_BLK_SIZE, VBLK_SECTOR, 4);

    struct virtio_device_ops ops = {
        .device_id = 2,
        .num_queues = 1,
        .queue_max = VBLK_QUEUE_MAX,
        .features = 1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_BLK_SIZE |
                    1ull << VIRTIO_BLK_F_FLUSH |
                    (backend->readonly ? 1ull << VIRTIO_BLK_F_RO : 0),
        .config_read = vblk_config_read,
        .config_write = vblk_config_write,
        .queue_notify = vblk_queue_notify,
        .reset = vblk_reset,
        .snap = &vblk_snap,
    };
    virtio_mmio_set_device(vm, &ops, b);
    return b;
}

/* Frees the device only: the transport is not touched (it may be gone already), so
 * the guest must not run on this slot afterwards. */
void vblk_destroy(struct virtio_blk *b)
{
    free(b);
}
