/* The in-memory disk (disk_memory.h): reads and writes are copies. */
#include "host/disk_memory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct disk_memory {
    struct blockdev bd;
    uint8_t *data;
    const struct blockdev *origin;      /* disk_memory_set_origin, or NULL */
};

static int mem_read(void *opaque, uint64_t offset, void *buf, size_t len)
{
    struct disk_memory *d = opaque;
    memcpy(buf, d->data + offset, len);
    return 0;
}

static int mem_write(void *opaque, uint64_t offset, const void *buf, size_t len)
{
    struct disk_memory *d = opaque;
    memcpy(d->data + offset, buf, len);
    return 0;
}

static int mem_flush(void *opaque)
{
    (void)opaque;
    return 0;
}

struct disk_memory *disk_memory_create(const void *image, size_t size, char *err,
                                       size_t errlen)
{
    if (size == 0 || size % 512) {
        snprintf(err, errlen, "in-memory disk: size %zu is not a multiple of 512", size);
        return NULL;
    }
    struct disk_memory *d = calloc(1, sizeof *d);
    if (!d || !(d->data = malloc(size))) {
        free(d);
        snprintf(err, errlen, "in-memory disk: out of memory");
        return NULL;
    }
    memcpy(d->data, image, size);
    d->bd = (struct blockdev){
        .opaque = d, .size = size, .readonly = false, .transient = true,
        .read = mem_read, .write = mem_write, .flush = mem_flush,
    };
    return d;
}

static int mem_identity(void *opaque, uint64_t *size, int64_t *mtime_ns)
{
    const struct blockdev *o = ((struct disk_memory *)opaque)->origin;
    return o->identity(o->opaque, size, mtime_ns);
}

void disk_memory_set_origin(struct disk_memory *d, const struct blockdev *origin)
{
    d->origin = origin;
    d->bd.identity = origin && origin->identity ? mem_identity : NULL;
}

const struct blockdev *disk_memory_backend(struct disk_memory *d)
{
    return &d->bd;
}

void disk_memory_destroy(struct disk_memory *d)
{
    if (d) {
        free(d->data);
        free(d);
    }
}
