/*
 * virtio-9p: 9P messages between the driver and a 9P server backend (devices/p9dev.h).
 *
 * Each chain is one exchange: the request is gathered from the chain's readable buffers,
 * the server writes its reply into a bounce buffer no larger than the chain's writable
 * part, and the reply is scattered back. Requests wait from the notification to the next
 * vp9_update (the service grid), where they are served while the slice's credit lasts.
 */
#include "devices/virtio_9p.h"

#include <stdlib.h>
#include <string.h>

#include "bus/log.h"
#include "devices/snapshot.h"

#define VP9_QUEUE_MAX        128        /* QueueNumMax, as QEMU's (MAX_REQ) */
#define VP9_FEATURE_MOUNT_TAG (1ull << VIRTIO_9P_MOUNT_TAG)

/* What the guest can observe, as plain data. */
struct vp9_state {
    uint8_t config[2 + VP9_TAG_MAX];    /* le16 tag length, the tag */
    uint32_t config_bytes;
    bool kicked;                        /* notified: requests may wait in the queue */
};

struct virtio_9p {
    struct virtio_mmio *vm;
    struct p9dev server;
    struct vp9_state s;
    uint64_t credit;                    /* work this slice may still do, in bytes */
    uint8_t request[VP9_MAX_MESSAGE];
    uint8_t reply[VP9_MAX_MESSAGE];
};

static uint32_t min32(uint64_t a, uint32_t b)
{
    return a < b ? (uint32_t)a : b;
}

/* Serve one chain: the request as far as VP9_MAX_MESSAGE goes (the server refuses a
 * message its size field does not match), the reply into the room the driver gave. */
static void serve(struct virtio_9p *p, const struct virtq_chain *c)
{
    uint32_t len = min32(virtq_chain_bytes(c, false), VP9_MAX_MESSAGE);
    uint32_t room = min32(virtq_chain_bytes(c, true), VP9_MAX_MESSAGE);
    size_t out = 0;
    if (virtq_chain_read(p->vm, c, 0, p->request, len) && p->server.request)
        out = p->server.request(p->server.opaque, p->request, len, p->reply, room);
    if (out > room)
        out = 0;                            /* a server bug: say nothing rather than overrun */
    uint64_t cost = VP9_REQUEST_COST + len + out;
    p->credit -= p->credit < cost ? p->credit : cost;
    if (out == 0)
        GUEST_LOG(virtio_mmio_log(p->vm), GUEST_LOG_ERROR, "virtio-9p@%08x: a request with "
                  "no room for a reply (%u bytes): returned empty", virtio_mmio_base(p->vm),
                  room);
    if (out > 0 && !virtq_chain_write(p->vm, c, 0, p->reply, (uint32_t)out))
        out = 0;                            /* the transport checked it: cannot happen */
    virtq_push(p->vm, 0, c->head, (uint32_t)out);
}

void vp9_update(struct virtio_9p *p)
{
    p->credit = VP9_SLICE_BYTES;
    struct virtq_chain c;
    while (p->s.kicked && p->credit > 0) {
        if (virtq_pop(p->vm, 0, &c) != VIRTQ_GOT) {
            p->s.kicked = false;            /* empty, or broken */
            return;
        }
        serve(p, &c);
    }
}

bool vp9_busy(const struct virtio_9p *p)
{
    return p->s.kicked;
}

static void vp9_queue_notify(void *dev, unsigned q)
{
    struct virtio_9p *p = dev;
    if (q == 0)
        p->s.kicked = true;                 /* served at the next update */
}

/* ---- snapshots: the tag (checked: the folder must be the same one) and whether
 * requests wait. The server's fids and open files are the host's and are not saved: a
 * loaded guest's 9p client finds its open files gone. ---- */

static void vp9_save(const void *opaque, struct snap_writer *w)
{
    const struct virtio_9p *p = opaque;
    snap_put_u32(w, p->s.config_bytes);
    snap_put_bytes(w, p->s.config, p->s.config_bytes);
    snap_put_bool(w, p->s.kicked);
    snap_put_u64(w, p->credit);
}

static int vp9_load(void *opaque, struct snap_reader *r)
{
    struct virtio_9p *p = opaque;
    uint32_t n = snap_get_u32(r);
    uint8_t config[sizeof p->s.config];
    if (snap_ok(r) && n > sizeof config)
        return snap_fail(r, "a mount tag of %u bytes", n);
    snap_get_bytes(r, config, n);
    bool kicked = snap_get_bool(r);
    uint64_t credit = snap_get_u64(r);
    if (snap_ok(r) && (n != p->s.config_bytes || memcmp(config, p->s.config, n)))
        return snap_fail(r, "a shared folder with another mount tag saved");
    if (!snap_applying(r))
        return snap_status(r);
    p->s.kicked = kicked;
    p->credit = credit;
    return 0;
}

static const struct snap_ops vp9_snap = {
    .name = "virtio-9p", .version = 1, .save = vp9_save, .load = vp9_load,
};

static void vp9_reset(void *dev)
{
    struct virtio_9p *p = dev;
    p->s.kicked = false;
    if (p->server.reset)
        p->server.reset(p->server.opaque);
}

static uint32_t vp9_config_read(void *dev, uint32_t off, unsigned size)
{
    const struct virtio_9p *p = dev;
    uint32_t v = 0;
    for (unsigned i = 0; i < size && i < 4; i++)
        if (off + i < p->s.config_bytes)
            v |= (uint32_t)p->s.config[off + i] << (8 * i);
    return v;
}

static void vp9_config_write(void *dev, uint32_t off, unsigned size, uint32_t value)
{
    (void)dev, (void)off, (void)size, (void)value;  /* read-only */
}

struct virtio_9p *vp9_create(struct virtio_mmio *vm, const struct p9dev *server,
                             const char *tag)
{
    size_t n = tag ? strlen(tag) : 0;
    if (!vm || !server || n == 0 || n > VP9_TAG_MAX)
        return NULL;
    struct virtio_9p *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->vm = vm;
    p->server = *server;
    p->s.config[0] = (uint8_t)n;
    p->s.config[1] = (uint8_t)(n >> 8);
    memcpy(p->s.config + 2, tag, n);
    p->s.config_bytes = (uint32_t)(2 + n);
    p->credit = VP9_SLICE_BYTES;
    struct virtio_device_ops ops = {
        .device_id = 9,
        .num_queues = 1,
        .queue_max = VP9_QUEUE_MAX,
        .features = VP9_FEATURE_MOUNT_TAG,
        .config_read = vp9_config_read,
        .config_write = vp9_config_write,
        .queue_notify = vp9_queue_notify,
        .reset = vp9_reset,
        .snap = &vp9_snap,
    };
    virtio_mmio_set_device(vm, &ops, p);
    return p;
}

void vp9_destroy(struct virtio_9p *p)
{
    free(p);
}
