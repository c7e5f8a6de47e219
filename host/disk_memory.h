/*
 * A disk that lives in host memory (devices/blockdev.h): a private copy of an image,
 * for the default guest's disk when no -drive is given. It outlives guest reboots (the
 * session owns it) but not rvbox: like QEMU's -snapshot, the image it came from is
 * never written.
 */
#ifndef RVBOX_DISK_MEMORY_H
#define RVBOX_DISK_MEMORY_H

#include <stddef.h>

#include "devices/blockdev.h"

struct disk_memory;

/* A copy of `image` (size a multiple of 512); NULL with a reason in err. Its backend is
 * transient (devices/blockdev.h): snapshot files keep no history of it for later runs. */
struct disk_memory *disk_memory_create(const void *image, size_t size, char *err,
                                       size_t errlen);

/* The image the copy was made of (-snapshot): the backend answers `identity` with the
 * image's, so that a snapshot file can tell whether the snapshots it keeps of the image
 * still apply to the copy. `origin` must outlive d. */
void disk_memory_set_origin(struct disk_memory *d, const struct blockdev *origin);
const struct blockdev *disk_memory_backend(struct disk_memory *d);
void disk_memory_destroy(struct disk_memory *d);

#endif
