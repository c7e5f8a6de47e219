/*
 * The page's disk (devices/blockdev.h): an image in memory, like host/disk_memory.c, that
 * also remembers which chunks the guest wrote, so that the page keeps only those in the
 * browser's storage (IndexedDB) and lays them over the pristine image at the next visit.
 */
#ifndef RVBOX_WEB_DISK_H
#define RVBOX_WEB_DISK_H

#include <stddef.h>
#include <stdint.h>

#include "devices/blockdev.h"

/* The unit of what the page stores: 64 KiB. */
#define WEB_DISK_CHUNK 65536u

struct web_disk;

/* A copy of `image` (size a multiple of 512); NULL with a reason in err. `written` is
 * called once after a write makes the disk differ from what the page last took (and at
 * each flush), so that the page comes for the chunks soon. */
struct web_disk *web_disk_create(const void *image, size_t size, void (*written)(void),
                                 char *err, size_t errlen);
void web_disk_destroy(struct web_disk *d);
const struct blockdev *web_disk_backend(struct web_disk *d);

uint8_t *web_disk_bytes(struct web_disk *d);
size_t web_disk_size(const struct web_disk *d);

/* The chunks written since the last call, in ascending order: up to `max` of their
 * indices into `out` (those left over stay for the next call). Returns how many. */
unsigned web_disk_take_dirty(struct web_disk *d, uint32_t *out, unsigned max);

#endif
