/* The virtio block device: the disk the file system lives on. */
#ifndef KITE_VIRTIO_BLK_H
#define KITE_VIRTIO_BLK_H

#include <stdint.h>

/* Find the first virtio-blk slot and set it up: 0, or -1 if there is none. */
int vblk_init(void);
int vblk_irq(void);                 /* its PLIC source, -1 without a disk */
uint32_t vblk_sectors(void);        /* capacity in 512-byte sectors */
/* Read or write `len` bytes (a multiple of 512) at `sector`, from or into kernel memory;
 * sleeps until the device is done. 0, or -1 on an I/O error. From a process only. */
int vblk_rw(uint32_t sector, void *buf, uint32_t len, int write);
void vblk_intr(void);

#endif
