/*
 * virtio-net (virtio spec v1.2, section 5.1) on a network backend (devices/netdev.h): a
 * receive queue (0) and a transmit queue (1), the MAC address and the link status in the
 * configuration space (VIRTIO_NET_F_MAC, VIRTIO_NET_F_STATUS: the link is always up), and
 * VIRTIO_NET_F_GUEST_CSUM so that frames from a backend that checksums them (libslirp)
 * are marked VIRTIO_NET_HDR_F_DATA_VALID and the guest need not check them again. No
 * offloads the other way, no mergeable buffers, no control queue: every frame travels
 * whole, with the 10-byte legacy header or, once VIRTIO_F_VERSION_1 is accepted, the
 * 12-byte one.
 *
 * Transmit: a notification sends the chains at once, while this slice's credit lasts (the
 * rest waits for vnet_update). Receive is pulled: vnet_update, which the machine calls on
 * its service grid, takes the backend's waiting frames into the buffers the driver gave,
 * so a frame enters the guest at a moment the instruction count decides. A frame that
 * waits while the driver has given no buffer stays in the backend.
 *
 * What a driver gets wrong is dropped and counted, never fatal: a transmitted chain
 * shorter than the header plus an Ethernet header, a frame larger than VNET_MAX_FRAME,
 * a receive buffer too small for the frame (the frame is dropped, the buffer kept for the
 * next); a chain the transport cannot walk makes the device NEEDS_RESET.
 */
#ifndef RVBOX_VIRTIO_NET_H
#define RVBOX_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/netdev.h"
#include "devices/virtio_mmio.h"

#define VIRTIO_NET_F_GUEST_CSUM  1
#define VIRTIO_NET_F_MAC         5
#define VIRTIO_NET_F_STATUS      16
#define VIRTIO_NET_S_LINK_UP     1
#define VIRTIO_NET_HDR_F_DATA_VALID 2

#define VNET_QUEUE_RX            0
#define VNET_QUEUE_TX            1
#define VNET_ETH_HLEN            14
/* The largest frame either way: the largest MTU Linux lets a virtio-net device have
 * without VIRTIO_NET_F_MTU (65535), an Ethernet header and a VLAN tag. */
#define VNET_MAX_FRAME           (65535 + VNET_ETH_HLEN + 4)
/* Bytes a slice moves each way (between two vnet_update calls); each frame also costs
 * VNET_FRAME_COST, so a guest cannot loop on empty frames. */
#define VNET_SLICE_BYTES         (1u << 20)
#define VNET_FRAME_COST          256u

/* What the device counted; `info network` shows it. */
struct vnet_stats {
    uint64_t tx_frames, tx_bytes, tx_dropped;
    uint64_t rx_frames, rx_bytes, rx_dropped;
};

struct virtio_net;

/* Creates the device and plugs it into `vm`. */
struct virtio_net *vnet_create(struct virtio_mmio *vm, const struct netdev *backend,
                               const uint8_t mac[6]);
void vnet_destroy(struct virtio_net *n);

/* On the machine's service grid (once per run without -icount): refill the slice's
 * credit, send what waited for it, and take the backend's frames into the driver's
 * receive buffers. */
void vnet_update(struct virtio_net *n);

/* Work the next update would do: a frame waits and the driver has a buffer for it, or
 * transmitted chains wait for credit. The host must not sleep on it. */
bool vnet_busy(struct virtio_net *n);

const struct vnet_stats *vnet_stats(const struct virtio_net *n);

#endif
