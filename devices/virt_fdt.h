/*
 * The virt board's device tree, generated with libfdt from the devices actually present,
 * in the shape QEMU's virt gives it (so kernels built for QEMU find what they expect):
 * /cpus with timebase-frequency and one cpu node per hart (riscv,isa naming exactly what
 * the hart implements, mmu-type riscv,sv32, an interrupt-controller child), /memory,
 * /chosen (bootargs, stdout-path, initrd, and rvbox,kernel-entry: where rvbox's firmware
 * enters the kernel), and under /soc the CLINT, PLIC, UART, syscon
 * with poweroff/reboot nodes, RTC, the virtio-mmio slots, each with its interrupts, and
 * the framebuffer as a `simple-framebuffer` (outside RAM, so nothing needs reserving).
 */
#ifndef RVBOX_VIRT_FDT_H
#define RVBOX_VIRT_FDT_H

#include <stddef.h>
#include <stdint.h>

/* What the device tree describes. */
struct virt_fdt_config {
    unsigned nharts;
    uint32_t hart_features;         /* HART_* (cpu/hart.h): what riscv,isa lists */
    uint32_t ram_base, ram_size;
    const char *bootargs;           /* NULL: none */
    uint32_t initrd_start, initrd_end;  /* both 0: no initrd */
    unsigned virtio_slots;          /* virtio-mmio nodes at MEMMAP_VIRTIO_BASE */
    uint32_t kernel_entry;          /* /chosen/rvbox,kernel-entry for the firmware; 0: none */
    unsigned fb_width, fb_height;   /* a simple-framebuffer at MEMMAP_FB_BASE; 0: none */
};

/* The hart's ISA string for riscv,isa: "rv32imac_zicsr_zifencei_zicntr" and what the
 * features add ("rv32imafdc_..."). */
void virt_fdt_isa(uint32_t hart_features, char *buf, size_t size);

/* Build the blob into buf. Returns its size, or -1 if it does not fit (or libfdt failed),
 * with a reason in err. */
int virt_fdt_build(const struct virt_fdt_config *cfg, void *buf, size_t size,
                   char *err, size_t errlen);

#endif
