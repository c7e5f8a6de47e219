/*
 * A block backend: where a disk device's sectors live. host/ fills it in with a file;
 * tests fill it with a buffer. Offsets and lengths are in bytes.
 */
#ifndef RVBOX_BLOCKDEV_H
#define RVBOX_BLOCKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct disk_undo;

struct blockdev {
    void *opaque;
    uint64_t size;              /* bytes; a multiple of 512 */
    bool readonly;
    /* Writes last only as long as this backend (a copy in memory: -snapshot, the
     * built-in disk): a snapshot file keeps no history of it for later runs. */
    bool transient;
    /* 0 on success, -1 on an I/O error. Never called past `size`. */
    int (*read)(void *opaque, uint64_t offset, void *buf, size_t len);
    int (*write)(void *opaque, uint64_t offset, const void *buf, size_t len);
    /* Make every completed write durable. */
    int (*flush)(void *opaque);
    /* Set when this backend is an undo layer (devices/disk_undo.h): snapshots put the
     * disk back through it. NULL for a plain backend. */
    struct disk_undo *undo;
    /* Optional: who the disk is, for a snapshot file to tell later whether it changed
     * behind its back (a file's size and modification time). 0, or -1 if unknown. */
    int (*identity)(void *opaque, uint64_t *size, int64_t *mtime_ns);
};

#endif
