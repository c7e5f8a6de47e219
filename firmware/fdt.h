/*
 * The few facts the firmware reads from the flattened device tree that the boot ROM
 * passes in a1 (the devicetree specification's "DTB" format, big-endian):
 *
 *   /memory@...  reg                  the RAM: SBI calls that take a buffer must stay in it
 *   /cpus/cpu@N  reg                  hart ids: there are (largest + 1) harts
 *                riscv,isa            does every hart have Sstc (stimecmp)?
 *   /chosen      rvbox,kernel-entry   where the kernel starts (one 32-bit cell, or two:
 *                                     <0 addr>); without it, MEMMAP_KERNEL_BASE
 *
 * A short walk over the structure block, not a library: it checks the header and the
 * bounds it reads within, nothing more.
 */
#ifndef FW_FDT_H
#define FW_FDT_H

#include <stdint.h>

struct fdt_facts {
    uint32_t ram_base, ram_size;    /* ram_size 0: no /memory node found */
    uint32_t nharts;                /* 0: no /cpus/cpu@N node found */
    uint32_t kernel_entry;
    int has_kernel_entry;
    int has_sstc;                   /* every cpu's riscv,isa lists the sstc extension */
};

/* Fill in `facts` from the tree at `fdt`; returns 0, or -1 if it is not a well-formed
 * device tree (then `facts` is all zero). */
int fdt_read_facts(const void *fdt, struct fdt_facts *facts);

#endif
