/*
 * A network backend: where a network card's Ethernet frames go and come from. host/ fills
 * it in (host/net_slirp.c: libslirp's user-mode network); tests fill it with buffers.
 *
 * Frames are whole Ethernet frames (destination MAC first, no preamble, no FCS), without
 * any device header. The direction into the machine is *pulled*: the device asks for the
 * next frame when it can deliver one, from its update on the machine's service grid, so
 * that a frame reaches the guest at a moment the instruction count decides (-icount), never
 * when the host happened to receive it. The backend keeps what waits until then.
 */
#ifndef RVBOX_NETDEV_H
#define RVBOX_NETDEV_H

#include <stdbool.h>
#include <stddef.h>

struct netdev {
    void *opaque;
    /* A frame out of the machine. The backend copies what it keeps. */
    void (*send)(void *opaque, const void *frame, size_t len);
    /* The length of the next frame waiting to come in, 0 if none. Never blocks. */
    size_t (*peek)(void *opaque);
    /* Take the next frame: up to `max` bytes of it into buf (the rest is cut off), the
     * frame's whole length returned; 0 if none waits. */
    size_t (*receive)(void *opaque, void *buf, size_t max);
    /* Frames from this backend carry valid IP/TCP/UDP checksums (the guest need not
     * check them again: virtio-net's VIRTIO_NET_HDR_F_DATA_VALID). */
    bool checksummed;
};

#endif
