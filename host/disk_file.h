/*
 * A raw disk image file as a block backend (devices/blockdev.h) for virtio-blk:
 * `-drive file=F,format=raw[,readonly=on][,file.locking=off]`. Writes go to the file with
 * pwrite; flush is fsync. disk_file_close flushes, so every exit path that closes disks
 * keeps the guest's writes. The image is locked as QEMU locks it while it is open.
 */
#ifndef RVBOX_DISK_FILE_H
#define RVBOX_DISK_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "devices/blockdev.h"

struct disk_file;

/* Open `path`; NULL with a one-line reason in err (missing, not a regular file or block
 * device, an image in another format than raw (qcow2, VMDK, VDI, VHDX, ...: the message
 * names it and gives the qemu-img command that converts it), size not a multiple of 512,
 * cannot be opened for writing unless readonly, or,
 * with `lock`, in use by another process: a writer excludes everyone else, as in QEMU,
 * and the message names the holder when the OS tells). The lock lasts until
 * disk_file_close. */
struct disk_file *disk_file_open(const char *path, bool readonly, bool lock, char *err,
                                 size_t errlen);

/* The backend to hand to vblk_create; valid until disk_file_close. */
const struct blockdev *disk_file_backend(struct disk_file *d);

/* Flush and close. Returns 0, or -1 if the final flush failed. */
int disk_file_close(struct disk_file *d);

#endif
