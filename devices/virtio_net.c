/*
 * virtio-net (virtio spec v1.2, 5.1) on a network backend.
 *
 * A chain on either queue is a virtio_net_hdr followed by the frame, cut into buffers
 * however the driver likes (5.1.6.6: no framing assumptions), so both are read and
 * written through the transport's stream helpers (virtq_chain_read/write).
 *
 * The device's state that the guest can observe (configuration, the receive buffer
 * taken but not yet filled, the counters) is plain data in struct vnet_state, apart from
 * the backend and the bounce buffer, so that a snapshot can save it as it is.
 */
#include "devices/virtio_net.h"

#include <stdlib.h>
#include <string.h>

#include "bus/log.h"
#include "devices/snapshot.h"

#define VNET_QUEUE_MAX       256        /* QueueNumMax, as QEMU's default */
#define VNET_HDR_LEGACY      10         /* struct virtio_net_hdr without num_buffers */
#define VNET_HDR_MODERN      12         /* with num_buffers (VERSION_1) */

/* struct virtio_net_config (5.1.4): mac[6], le16 status. */
#define VNET_CFG_MAC         0
#define VNET_CFG_STATUS      6
#define VNET_CFG_BYTES       8

#define VNET_LOG(n, ...)                                                                   \
    GUEST_LOG(virtio_mmio_log((n)->vm), GUEST_LOG_ERROR, "virtio-net@%08x: " __VA_ARGS__)

/* What the guest can observe, as plain data. */
struct vnet_state {
    uint8_t config[VNET_CFG_BYTES];     /* little-endian, as the driver reads it */
    bool tx_kicked;                     /* notified: chains may wait in the transmit queue */
    bool rx_held;                       /* rx_chain: a receive buffer taken, not yet filled */
    struct virtq_chain rx_chain;
    struct vnet_stats stats;
};

struct virtio_net {
    struct virtio_mmio *vm;
    struct netdev backend;
    struct vnet_state s;
    uint64_t tx_credit, rx_credit;      /* work this slice may still do, in bytes */
    uint8_t bounce[VNET_HDR_MODERN + VNET_MAX_FRAME];
};

static void charge(uint64_t *credit, uint64_t cost)
{
    *credit -= *credit < cost ? *credit : cost;
}

/* The header's size: 12 bytes once the driver accepted VERSION_1, else the legacy 10. */
static unsigned hdr_len(const struct virtio_net *n)
{
    return virtio_driver_has_feature(n->vm, VIRTIO_F_VERSION_1) ? VNET_HDR_MODERN
                                                                 : VNET_HDR_LEGACY;
}

/* ---- transmit ---- */

/* Send one chain's frame to the backend (or drop it, if it is no frame) and give the
 * chain back. */
static void tx_one(struct virtio_net *n, const struct virtq_chain *c)
{
    uint64_t total = virtq_chain_bytes(c, false);
    unsigned hdr = hdr_len(n);
    uint64_t len = total > hdr ? total - hdr : 0;
    charge(&n->tx_credit, VNET_FRAME_COST + (len < VNET_MAX_FRAME ? len : VNET_MAX_FRAME));
    if (len < VNET_ETH_HLEN || len > VNET_MAX_FRAME) {
        VNET_LOG(n, "transmitted a chain of %llu bytes, which is no frame after the %u-byte "
                 "header (%u to %u bytes): dropped", virtio_mmio_base(n->vm),
                 (unsigned long long)total, hdr, VNET_ETH_HLEN, VNET_MAX_FRAME);
        n->s.stats.tx_dropped++;
    } else if (!virtq_chain_read(n->vm, c, hdr, n->bounce, (uint32_t)len)) {
        n->s.stats.tx_dropped++;            /* the transport checked it: cannot happen */
    } else {
        if (n->backend.send)
            n->backend.send(n->backend.opaque, n->bounce, (size_t)len);
        n->s.stats.tx_frames++;
        n->s.stats.tx_bytes += len;
    }
    virtq_push(n->vm, VNET_QUEUE_TX, c->head, 0);
}

/* Send what the transmit queue holds while the credit lasts. */
static void tx_work(struct virtio_net *n)
{
    struct virtq_chain c;
    while (n->s.tx_kicked && n->tx_credit > 0) {
        if (virtq_pop(n->vm, VNET_QUEUE_TX, &c) != VIRTQ_GOT) {
            n->s.tx_kicked = false;         /* empty, or broken */
            return;
        }
        tx_one(n, &c);
    }
}

/* ---- receive ---- */

/* Take the driver's next receive buffer into s.rx_chain, unless one is held already. */
static bool rx_buffer(struct virtio_net *n)
{
    if (!n->s.rx_held)
        n->s.rx_held = virtq_pop(n->vm, VNET_QUEUE_RX, &n->s.rx_chain) == VIRTQ_GOT;
    return n->s.rx_held;
}

/* Deliver the backend's next frame into the held buffer: the header (no offloads; the
 * checksums valid if the backend says so; one buffer), then the frame. A frame the buffer
 * cannot hold is dropped and the buffer kept. */
static void rx_one(struct virtio_net *n)
{
    unsigned hdr = hdr_len(n);
    size_t len = n->backend.receive(n->backend.opaque, n->bounce + hdr, VNET_MAX_FRAME);
    charge(&n->rx_credit, VNET_FRAME_COST + len);
    uint64_t room = virtq_chain_bytes(&n->s.rx_chain, true);
    if (len == 0)
        return;
    if (len > VNET_MAX_FRAME || hdr + len > room) {
        VNET_LOG(n, "a %zu-byte frame does not fit the driver's %llu-byte receive buffer: "
                 "dropped", virtio_mmio_base(n->vm), len, (unsigned long long)room);
        n->s.stats.rx_dropped++;
        return;
    }
    memset(n->bounce, 0, hdr);
    if (n->backend.checksummed && virtio_driver_has_feature(n->vm, VIRTIO_NET_F_GUEST_CSUM))
        n->bounce[0] = VIRTIO_NET_HDR_F_DATA_VALID;
    if (hdr == VNET_HDR_MODERN)
        n->bounce[10] = 1;                  /* num_buffers */
    n->s.rx_held = false;
    if (!virtq_chain_write(n->vm, &n->s.rx_chain, 0, n->bounce, (uint32_t)(hdr + len))) {
        virtio_mmio_needs_reset(n->vm);     /* the transport checked it: cannot happen */
        return;
    }
    virtq_push(n->vm, VNET_QUEUE_RX, n->s.rx_chain.head, (uint32_t)(hdr + len));
    n->s.stats.rx_frames++;
    n->s.stats.rx_bytes += len;
}

static void rx_work(struct virtio_net *n)
{
    if (!n->backend.peek || !n->backend.receive)
        return;
    while (n->rx_credit > 0 && n->backend.peek(n->backend.opaque) > 0 && rx_buffer(n))
        rx_one(n);
}

/* ---- the device ---- */

void vnet_update(struct virtio_net *n)
{
    n->tx_credit = n->rx_credit = VNET_SLICE_BYTES;
    tx_work(n);
    rx_work(n);
}

bool vnet_busy(struct virtio_net *n)
{
    if (n->s.tx_kicked)
        return true;
    if (!n->backend.peek || n->backend.peek(n->backend.opaque) == 0)
        return false;
    return n->s.rx_held || virtq_has_avail(n->vm, VNET_QUEUE_RX);
}

const struct vnet_stats *vnet_stats(const struct virtio_net *n)
{
    return &n->s.stats;
}

/* A notification: transmit at once while the credit lasts. New receive buffers wait for
 * the next update, which is where frames come in. */
static void vnet_queue_notify(void *dev, unsigned q)
{
    struct virtio_net *n = dev;
    if (q == VNET_QUEUE_TX) {
        n->s.tx_kicked = true;
        tx_work(n);
    }
}

/* The driver reset the device: the buffer held and the notification go with the queues;
 * the counters stay (they are the host's view, as QEMU's). */
/* ---- snapshots: the configuration space, the receive buffer held (guest addresses),
 * whether transmit work waits, the counters and the slice's credits. What the backend
 * holds (frames queued by libslirp, its connections) is the host's and is not saved: a
 * loaded guest finds its connections gone, as after a host restart. ---- */

static void chain_save(struct snap_writer *w, const struct virtq_chain *c)
{
    snap_put_u16(w, c->head);
    snap_put_u32(w, c->count);
    for (unsigned i = 0; i < c->count && i < VIRTQ_MAX_CHAIN; i++) {
        snap_put_u32(w, c->bufs[i].addr);
        snap_put_u32(w, c->bufs[i].len);
        snap_put_bool(w, c->bufs[i].device_writes);
    }
}

static void vnet_save(const void *opaque, struct snap_writer *w)
{
    const struct virtio_net *n = opaque;
    snap_put_bytes(w, n->s.config, sizeof n->s.config);
    snap_put_bool(w, n->s.tx_kicked);
    snap_put_bool(w, n->s.rx_held);
    chain_save(w, &n->s.rx_chain);
    const struct vnet_stats *st = &n->s.stats;
    snap_put_u64(w, st->tx_frames);
    snap_put_u64(w, st->tx_bytes);
    snap_put_u64(w, st->tx_dropped);
    snap_put_u64(w, st->rx_frames);
    snap_put_u64(w, st->rx_bytes);
    snap_put_u64(w, st->rx_dropped);
    snap_put_u64(w, n->tx_credit);
    snap_put_u64(w, n->rx_credit);
}

static int vnet_load(void *opaque, struct snap_reader *r)
{
    struct virtio_net *n = opaque;
    struct vnet_state s = n->s;
    snap_get_bytes(r, s.config, sizeof s.config);
    s.tx_kicked = snap_get_bool(r);
    s.rx_held = snap_get_bool(r);
    s.rx_chain.head = snap_get_u16(r);
    s.rx_chain.count = snap_get_u32(r);
    if (snap_ok(r) && s.rx_chain.count > VIRTQ_MAX_CHAIN)
        return snap_fail(r, "a receive chain of %u buffers", s.rx_chain.count);
    for (unsigned i = 0; i < s.rx_chain.count && snap_ok(r); i++) {
        s.rx_chain.bufs[i].addr = snap_get_u32(r);
        s.rx_chain.bufs[i].len = snap_get_u32(r);
        s.rx_chain.bufs[i].device_writes = snap_get_bool(r);
    }
    s.stats.tx_frames = snap_get_u64(r);
    s.stats.tx_bytes = snap_get_u64(r);
    s.stats.tx_dropped = snap_get_u64(r);
    s.stats.rx_frames = snap_get_u64(r);
    s.stats.rx_bytes = snap_get_u64(r);
    s.stats.rx_dropped = snap_get_u64(r);
    uint64_t tx_credit = snap_get_u64(r), rx_credit = snap_get_u64(r);
    if (snap_ok(r) && memcmp(s.config, n->s.config, 6))
        return snap_fail(r, "a card with another MAC address saved");
    if (!snap_applying(r))
        return snap_status(r);
    n->s = s;
    n->tx_credit = tx_credit;
    n->rx_credit = rx_credit;
    return 0;
}

static const struct snap_ops vnet_snap = {
    .name = "virtio-net", .version = 1, .save = vnet_save, .load = vnet_load,
};

static void vnet_reset(void *dev)
{
    struct virtio_net *n = dev;
    n->s.tx_kicked = false;
    n->s.rx_held = false;
    memset(&n->s.rx_chain, 0, sizeof n->s.rx_chain);
}

static uint32_t vnet_config_read(void *dev, uint32_t off, unsigned size)
{
    const struct virtio_net *n = dev;
    uint32_t v = 0;
    for (unsigned i = 0; i < size && i < 4; i++)
        if (off + i < VNET_CFG_BYTES)
            v |= (uint32_t)n->s.config[off + i] << (8 * i);
    return v;
}

/* The MAC is writable in legacy devices (5.1.4.1: "the driver MAY write it" without
 * VERSION_1); nothing else is. */
static void vnet_config_write(void *dev, uint32_t off, unsigned size, uint32_t value)
{
    struct virtio_net *n = dev;
    if (virtio_driver_has_feature(n->vm, VIRTIO_F_VERSION_1))
        return;
    for (unsigned i = 0; i < size && i < 4; i++)
        if (off + i < VNET_CFG_MAC + 6)
            n->s.config[off + i] = (uint8_t)(value >> (8 * i));
}

struct virtio_net *vnet_create(struct virtio_mmio *vm, const struct netdev *backend,
                               const uint8_t mac[6])
{
    if (!vm || !backend)
        return NULL;
    struct virtio_net *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->vm = vm;
    n->backend = *backend;
    memcpy(n->s.config + VNET_CFG_MAC, mac, 6);
    n->s.config[VNET_CFG_STATUS] = VIRTIO_NET_S_LINK_UP;
    n->tx_credit = n->rx_credit = VNET_SLICE_BYTES;
    struct virtio_device_ops ops = {
        .device_id = 1,
        .num_queues = 2,
        .queue_max = VNET_QUEUE_MAX,
        .features = 1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS |
                    1ull << VIRTIO_NET_F_GUEST_CSUM,
        .config_read = vnet_config_read,
        .config_write = vnet_config_write,
        .queue_notify = vnet_queue_notify,
        .reset = vnet_reset,
        .snap = &vnet_snap,
    };
    virtio_mmio_set_device(vm, &ops, n);
    return n;
}

/* Frees the device only (the transport may be gone already). */
void vnet_destroy(struct virtio_net *n)
{
    free(n);
}
