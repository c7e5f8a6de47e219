/*
 * A 9P server backend: what answers the messages of a virtio-9p device. host/ fills it in
 * (host/p9_server.c: 9P2000.L on a host directory); tests fill it with fakes.
 *
 * The device moves whole messages and understands none of them: it hands the server each
 * request as the driver wrote it and copies back the reply, so the protocol and every
 * check on what a guest sends live in the server. A reply comes back in the same call
 * (the file system is the host's, and local), made from the device's update on the
 * machine's service grid.
 */
#ifndef RVBOX_P9DEV_H
#define RVBOX_P9DEV_H

#include <stddef.h>
#include <stdint.h>

struct p9dev {
    void *opaque;
    /* Serve the request req[0..len) (anything a guest wrote: the server checks it), and
     * write the reply into reply[0..max). Returns the reply's length, at most max; 0 when
     * there is no room even for an error reply. */
    size_t (*request)(void *opaque, const uint8_t *req, size_t len, uint8_t *reply,
                      size_t max);
    /* The driver reset the device: the session is over (fids are forgotten). */
    void (*reset)(void *opaque);
};

#endif
