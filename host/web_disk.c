#include "host/web_disk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct web_disk {
    struct blockdev bd;
    uint8_t *bytes;
    size_t nchunks;
    uint8_t *dirty;             /* one byte per chunk: written since taken */
    size_t ndirty;
    void (*written)(void);
};

static int disk_read(void *opaque, uint64_t offset, void *buf, size_t len)
{
    struct web_disk *d = opaque;
    memcpy(buf, d->bytes + offset, len);
    return 0;
}

static int disk_write(void *opaque, uint64_t offset, const void *buf, size_t len)
{
    struct web_disk *d = opaque;
    memcpy(d->bytes + offset, buf, len);
    bool was_clean = d->ndirty == 0;
    for (size_t c = offset / WEB_DISK_CHUNK; len && c <= (offset + len - 1) / WEB_DISK_CHUNK; c++)
        if (!d->dirty[c]) {
            d->dirty[c] = 1;
            d->ndirty++;
        }
    if (was_clean && d->ndirty && d->written)
        d->written();
    return 0;
}

static int disk_flush(void *opaque)
{
    struct web_disk *d = opaque;
    if (d->ndirty && d->written)
        d->written();
    return 0;
}

struct web_disk *web_disk_create(const void *image, size_t size, void (*written)(void),
                                 char *err, size_t errlen)
{
    if (size == 0 || size % 512) {
        snprintf(err, errlen, "disk image: %zu bytes, not a whole number of 512-byte sectors",
                 size);
        return NULL;
    }
    struct web_disk *d = calloc(1, sizeof *d);
    size_t nchunks = (size + WEB_DISK_CHUNK - 1) / WEB_DISK_CHUNK;
    if (!d || !(d->bytes = malloc(size)) || !(d->dirty = calloc(nchunks, 1))) {
        web_disk_destroy(d);
        snprintf(err, errlen, "disk image: no memory for its %zu bytes", size);
        return NULL;
    }
    memcpy(d->bytes, image, size);
    d->nchunks = nchunks;
    d->written = written;
    d->bd = (struct blockdev){ .opaque = d, .size = size, .read = disk_read,
                               .write = disk_write, .flush = disk_flush };
    return d;
}

void web_disk_destroy(struct web_disk *d)
{
    if (!d)
        return;
    free(d->bytes);
    free(d->dirty);
    free(d);
}

const struct blockdev *web_disk_backend(struct web_disk *d)
{
    return &d->bd;
}

uint8_t *web_disk_bytes(struct web_disk *d)
{
    return d->bytes;
}

size_t web_disk_size(const struct web_disk *d)
{
    return (size_t)d->bd.size;
}

unsigned web_disk_take_dirty(struct web_disk *d, uint32_t *out, unsigned max)
{
    unsigned n = 0;
    for (size_t c = 0; c < d->nchunks && n < max; c++)
        if (d->dirty[c]) {
            d->dirty[c] = 0;
            d->ndirty--;
            out[n++] = (uint32_t)c;
        }
    return n;
}
