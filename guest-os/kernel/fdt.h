/*
 * What the kernel learns from the device tree the firmware passes in a1: the RAM, the
 * harts, the timer's frequency, the framebuffer and the command line. Everything else sits at the
 * fixed addresses of the virt board (memlayout.h), and the virtio slots say what they
 * hold.
 */
#ifndef KITE_FDT_H
#define KITE_FDT_H

#include <stdint.h>

struct boot_info {
    uint32_t ram_base, ram_size;        /* /memory reg; default 0x80000000, 128 MiB */
    uint32_t timebase_hz;               /* /cpus timebase-frequency; default 10 MHz */
    uint32_t fb_base, fb_size;          /* simple-framebuffer reg; fb_size 0: none */
    uint32_t fb_width, fb_height, fb_stride;
    uint32_t harts;                     /* /cpus/cpu@N nodes not disabled: bit N for
                                           hart N (0 if the tree lists none) */
    int sstc;                           /* every cpu's riscv,isa lists sstc: S-mode sets
                                           its timer itself (stimecmp) */
    char bootargs[64];                  /* /chosen bootargs (rvbox -append), cut short */
    uint32_t dtb_base, dtb_size;        /* the tree itself (the kernel must not reuse it
                                           before it is done reading) */
};

/* Fill `bi` from the tree at `dtb` (defaults where the tree is silent or absent). */
void fdt_read(const void *dtb, struct boot_info *bi);
/* What main() read at boot. */
const struct boot_info *boot_info(void);

#endif
