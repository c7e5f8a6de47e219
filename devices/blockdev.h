/*
 * A block backend: where a disk device's sectors live. host/ fills it in with a file;
 * tests fill it with a buffer. Offsets and lengths are in bytes.
 */
#ifndef RVBOX_BLOCKDEV_H
#define RVBOX_BLOCKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct blockdev {
    void *opaque;
    uint64_t size;              /* bytes; a multiple of 512 */
    bool readonly;
    /* 0 on success, -1 on an I/O error. Never called past `size`. */
    int (*read)(void *opaque, uint64_t offset, void *buf, size_t len);
    int (*write)(void *opaque, uint64_t offset, const void *buf, size_t len);
    /* Make every completed write durable. */
    int (*flush)(void *opaque);
};

#endif
