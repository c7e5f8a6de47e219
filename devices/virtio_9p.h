/*
 * virtio-9p (device ID 9, "9P transport", in the virtio spec's list; its layout is what
 * QEMU's virtio-9p-device and Linux's net/9p/trans_virtio.c agree on): one request
 * queue; each chain holds a 9P request (the readable part) and room for its reply (the
 * writable part). The configuration space gives the mount tag
 * (VIRTIO_9P_MOUNT_TAG: le16 length, then the tag, no NUL), which the guest names in
 * `mount -t 9p -o trans=virtio TAG DIR`.
 *
 * The device understands no 9P: a 9P server backend (devices/p9dev.h) answers each
 * message. Requests are served in vp9_update, on the machine's service grid, so that
 * replies (the host's files) enter the guest at moments the instruction count decides; a
 * slice serves about VP9_SLICE_BYTES of requests and replies. A request larger than
 * VP9_MAX_MESSAGE is answered by the server from its first bytes (a 9P header says its
 * size, and the server refuses what does not match).
 */
#ifndef RVBOX_VIRTIO_9P_H
#define RVBOX_VIRTIO_9P_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/p9dev.h"
#include "devices/virtio_mmio.h"

#define VIRTIO_9P_MOUNT_TAG  0
#define VP9_TAG_MAX          255         /* bytes of a mount tag (QEMU's limit) */
/* The largest message either way; the server offers no larger msize. */
#define VP9_MAX_MESSAGE      (128u * 1024 + 24)
#define VP9_SLICE_BYTES      (1u << 20)
#define VP9_REQUEST_COST     4096u

struct virtio_9p;

/* Creates the device and plugs it into `vm`. NULL if the tag is empty or too long. */
struct virtio_9p *vp9_create(struct virtio_mmio *vm, const struct p9dev *server,
                             const char *tag);
void vp9_destroy(struct virtio_9p *p);

/* On the machine's service grid (once per run without -icount): serve the requests that
 * wait, as far as the slice's credit goes. */
void vp9_update(struct virtio_9p *p);

/* Requests wait for the next update: the host must not sleep on them. */
bool vp9_busy(const struct virtio_9p *p);

#endif
