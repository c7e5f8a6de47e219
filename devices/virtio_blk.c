/*
 * virtio-blk (virtio spec v1.2, 5.2) on a block backend.
 *
 * A request is a chain: a 16-byte header (le32 type, le32 reserved, le64 sector) in the
 * readable part, then the data, then one status byte, the chain's last writable byte.
 * The driver may cut the header and the data into buffers however it likes (5.2.6.4:
 * no framing assumptions), so requests are read and written through gather/scatter
 * helpers over the chain's buffers, never by descriptor position.
 *
 * Cache: the device behaves like a disk with a write-back cache when the driver accepted
 * VIRTIO_BLK_F_FLUSH (writes reach the backend, a FLUSH request makes them durable), and
 * like a write-through disk when it did not (each write is followed by a backend flush,
 * as QEMU does), so that a driver that knows nothing of flushes (xv6) loses nothing.
 */
#include "devices/virtio_blk.h"

#include <stdlib.h>
#include <string.h>

#define VIRTIO_BLK_F_SEG_MAX     2
#define VIRTIO_BLK_F_BLK_SIZE    6

#define VBLK_SECTOR              512u
#define VBLK_QUEUE_MAX           256        /* QueueNumMax, as QEMU's default */
#define VBLK_SEG_MAX             (VIRTQ_MAX_CHAIN - 2)  /* data buffers besides header, status */
#define VBLK_HEADER_BYTES        16
#define VBLK_BOUNCE_BYTES        16384      /* data moves through here in chunks */

/* struct virtio_blk_config (5.2.4), the fields up to blk_size. */
#define VBLK_CFG_CAPACITY        0
#define VBLK_CFG_SEG_MAX         12
#define VBLK_CFG_BLK_SIZE        20
#define VBLK_CFG_BYTES           24

struct virtio_blk {
    struct virtio_mmio *vm;
    struct blockdev backend;
    uint64_t sectors;                       /* capacity */
    uint8_t serial[VIRTIO_BLK_ID_BYTES];    /* NUL-padded */
    uint8_t config[VBLK_CFG_BYTES];         /* little-endian, as the driver reads it */
    struct virtq_chain chain;               /* the request being served */
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
    const struct virtq_chain *c = &b->chain;
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

/* ---- requests: each returns a VIRTIO_BLK_S_* status and counts the bytes it wrote
 * into the chain's writable part (before the status byte) in *written ---- */

/* IN: sectors from the disk into the writable buffers (all but the status byte). */
static uint8_t blk_read(struct virtio_blk *b, uint64_t sector, uint64_t rlen, uint64_t wlen,
                        uint64_t *written)
{
    uint64_t bytes = wlen - 1;
    if (rlen != VBLK_HEADER_BYTES || !range_ok(b, sector, bytes))
        return VIRTIO_BLK_S_IOERR;
    for (uint64_t done = 0; done < bytes;) {
        uint32_t n = bytes - done < VBLK_BOUNCE_BYTES ? (uint32_t)(bytes - done)
                                                      : VBLK_BOUNCE_BYTES;
        if (b->backend.read(b->backend.opaque, sector * VBLK_SECTOR + done, b->bounce, n) != 0 ||
            !chain_copy(b, true, done, b->bounce, n))
            return VIRTIO_BLK_S_IOERR;
        done += n;
        *written = done;
    }
    return VIRTIO_BLK_S_OK;
}

/* OUT: the readable buffers after the header onto the disk. */
static uint8_t blk_write(struct virtio_blk *b, uint64_t sector, uint64_t rlen, uint64_t wlen)
{
    uint64_t bytes = rlen - VBLK_HEADER_BYTES;
    if (wlen != 1 || b->backend.readonly || !b->backend.write || !range_ok(b, sector, bytes))
        return VIRTIO_BLK_S_IOERR;
    for (uint64_t done = 0; done < bytes;) {
        uint32_t n = bytes - done < VBLK_BOUNCE_BYTES ? (uint32_t)(bytes - done)
                                                      : VBLK_BOUNCE_BYTES;
        if (!chain_copy(b, false, VBLK_HEADER_BYTES + done, b->bounce, n) ||
            b->backend.write(b->backend.opaque, sector * VBLK_SECTOR + done, b->bounce, n) != 0)
            return VIRTIO_BLK_S_IOERR;
        done += n;
    }
    /* Write-through unless the driver knows to send FLUSH requests. */
    if (!virtio_driver_has_feature(b->vm, VIRTIO_BLK_F_FLUSH) && vblk_flush(b) != 0)
        return VIRTIO_BLK_S_IOERR;
    return VIRTIO_BLK_S_OK;
}

/* GET_ID: the serial, NUL-padded, cut to the buffer the driver gave. */
static uint8_t blk_get_id(struct virtio_blk *b, uint64_t wlen, uint64_t *written)
{
    uint32_t n = wlen - 1 < VIRTIO_BLK_ID_BYTES ? (uint32_t)(wlen - 1) : VIRTIO_BLK_ID_BYTES;
    if (!chain_copy(b, true, 0, b->serial, n))
        return VIRTIO_BLK_S_IOERR;
    *written = n;
    return VIRTIO_BLK_S_OK;
}

/* Serve the request in b->chain and give it back. */
static void blk_request(struct virtio_blk *b)
{
    uint64_t rlen = chain_bytes(&b->chain, false), wlen = chain_bytes(&b->chain, true);
    uint64_t written = 0;
    uint8_t status;
    uint8_t hdr[VBLK_HEADER_BYTES];

    if (wlen == 0) {                        /* no room for a status: nothing to say */
        virtq_push(b->vm, 0, b->chain.head, 0);
        return;
    }
    if (rlen < VBLK_HEADER_BYTES || !chain_copy(b, false, 0, hdr, sizeof hdr)) {
        status = VIRTIO_BLK_S_IOERR;
    } else {
        uint32_t type = (uint32_t)get_le(hdr, 4);
        uint64_t sector = get_le(hdr + 8, 8);
        switch (type) {
        case VIRTIO_BLK_T_IN:
            status = blk_read(b, sector, rlen, wlen, &written);
            break;
        case VIRTIO_BLK_T_OUT:
            status = blk_write(b, sector, rlen, wlen);
            break;
        case VIRTIO_BLK_T_FLUSH:
            status = vblk_flush(b) == 0 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
            break;
        case VIRTIO_BLK_T_GET_ID:
            status = blk_get_id(b, wlen, &written);
            break;
        default:
            status = VIRTIO_BLK_S_UNSUPP;
            break;
        }
    }
    /* The status byte is the last writable byte; if even that cannot be written the
     * chain was not what virtq_pop checked, and the transport is told. */
    if (!chain_copy(b, true, wlen - 1, &status, 1)) {
        virtio_mmio_needs_reset(b->vm);
        return;
    }
    virtq_push(b->vm, 0, b->chain.head, (uint32_t)(written + 1));
}

static void vblk_queue_notify(void *dev, unsigned q)
{
    struct virtio_blk *b = dev;
    if (q != 0)
        return;
    while (virtq_pop(b->vm, 0, &b->chain) == VIRTQ_GOT)
        blk_request(b);
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
        .reset = NULL,                      /* no state beyond the transport's queues */
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
