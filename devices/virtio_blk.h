/*
 * virtio-blk (virtio spec v1.2, section 5.2) on a block backend: one request queue;
 * IN (read), OUT (write), FLUSH and GET_ID requests; capacity in 512-byte sectors in the
 * configuration space; VIRTIO_BLK_F_RO when the backend is read-only, VIRTIO_BLK_F_FLUSH.
 *
 * A request that is out of range, malformed (header or status buffer too short, a data
 * buffer of the wrong direction) or refused (a write to a read-only disk) completes with
 * VIRTIO_BLK_S_IOERR or VIRTIO_BLK_S_UNSUPP; a chain the transport cannot even walk makes
 * the device NEEDS_RESET. Never a crash.
 *
 * Requests are served in bounded pieces (about 1 MiB of data per slice, vblk_update), so
 * no request, however large, holds the host for long; a request completes only once all
 * of it is done. A device reset drops the request in progress.
 */
#ifndef RVBOX_VIRTIO_BLK_H
#define RVBOX_VIRTIO_BLK_H

#include "devices/blockdev.h"
#include "devices/virtio_mmio.h"

#define VIRTIO_BLK_T_IN      0
#define VIRTIO_BLK_T_OUT     1
#define VIRTIO_BLK_T_FLUSH   4
#define VIRTIO_BLK_T_GET_ID  8
#define VIRTIO_BLK_S_OK      0
#define VIRTIO_BLK_S_IOERR   1
#define VIRTIO_BLK_S_UNSUPP  2
#define VIRTIO_BLK_F_RO      5
#define VIRTIO_BLK_F_FLUSH   9
#define VIRTIO_BLK_ID_BYTES  20

/* Data a disk moves per slice (between two vblk_update calls), reads and writes alike. */
#define VBLK_SLICE_BYTES     (1u << 20)

struct virtio_blk;

/* Creates the device and plugs it into `vm`. `serial` is GET_ID's answer (up to 20 bytes). */
struct virtio_blk *vblk_create(struct virtio_mmio *vm, const struct blockdev *backend,
                               const char *serial);
void vblk_destroy(struct virtio_blk *b);

/* Between two runs of the hart (the machine calls it before each): refill the slice's
 * credit and go on with the requests that waited for it. */
void vblk_update(struct virtio_blk *b);

/* Work is waiting: a request half done or a notification not yet served. The host's
 * loop must not sleep while a disk is busy. */
bool vblk_busy(const struct virtio_blk *b);

/* Flush the backend: every exit path calls it so that no guest write is lost. */
int vblk_flush(struct virtio_blk *b);

#endif
