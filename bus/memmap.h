/*
 * The virt board's physical memory map, shared by the emulator, firmware/ and guest-os/.
 * It follows QEMU's `virt` machine for rv32, so software built for
 * `qemu-system-riscv32 -M virt` runs on rvbox unchanged.
 *
 *   0x0000_0000 +---------------------------+
 *               | (unmapped: access fault)  |
 *   0x0000_1000 +---------------------------+
 *               | boot ROM (reset vector)   |
 *   0x0001_0000 +---------------------------+
 *               | ...                       |
 *   0x0010_0000 | test/syscon (poweroff)    |
 *   0x0010_1000 | goldfish RTC       irq 11 |
 *   0x0200_0000 | CLINT (msip, mtimecmp,    |
 *               |        mtime at 10 MHz)   |
 *   0x0c00_0000 | PLIC                      |
 *   0x1000_0000 | UART0 ns16550a     irq 10 |
 *   0x1000_1000 | virtio-mmio slot 0  irq 1 |
 *      ...      | ... 8 slots, 0x1000 each  |
 *   0x1000_8000 | virtio-mmio slot 7  irq 8 |
 *               | ...                       |
 *   0x4000_0000 | framebuffer (w*h*4 bytes) |
 *               | ...                       |
 *   0x8000_0000 +---------------------------+
 *               | RAM (-m, 128 MiB default) |
 *               |  +0x0000_0000 firmware    |
 *               |  +0x0040_0000 kernel      |
 *               |  ... initrd, device tree  |
 *               |      near the top         |
 *               +---------------------------+
 *
 * Plain #defines only: this file is included by C and by assembly.
 */
#ifndef RVBOX_MEMMAP_H
#define RVBOX_MEMMAP_H

#define MEMMAP_BOOTROM_BASE    0x00001000
#define MEMMAP_BOOTROM_SIZE    0x0000f000

#define MEMMAP_SYSCON_BASE     0x00100000
#define MEMMAP_SYSCON_SIZE     0x00001000

#define MEMMAP_RTC_BASE        0x00101000
#define MEMMAP_RTC_SIZE        0x00001000
#define MEMMAP_RTC_IRQ         11

#define MEMMAP_CLINT_BASE      0x02000000
#define MEMMAP_CLINT_SIZE      0x00010000

#define MEMMAP_PLIC_BASE       0x0c000000
#define MEMMAP_PLIC_SIZE       0x00600000

#define MEMMAP_UART0_BASE      0x10000000
#define MEMMAP_UART0_SIZE      0x00000100
#define MEMMAP_UART0_IRQ       10

#define MEMMAP_VIRTIO_BASE     0x10001000
#define MEMMAP_VIRTIO_STRIDE   0x00001000
#define MEMMAP_VIRTIO_COUNT    8
#define MEMMAP_VIRTIO_IRQ0     1           /* slot n raises PLIC source 1 + n */

#define MEMMAP_FB_BASE         0x40000000

#define MEMMAP_RAM_BASE        0x80000000
#define MEMMAP_RAM_DEFAULT     0x08000000  /* 128 MiB */
#define MEMMAP_RAM_MAX         0x80000000  /* RAM may fill the top 2 GiB */

#define MEMMAP_FIRMWARE_BASE   0x80000000
#define MEMMAP_KERNEL_OFFSET   0x00400000  /* Linux's rv32 text offset */
#define MEMMAP_KERNEL_BASE     (MEMMAP_RAM_BASE + MEMMAP_KERNEL_OFFSET)

/* The CLINT's time base: mtime and the time CSR count at 10 MHz. */
#define MEMMAP_TIMEBASE_HZ     10000000

#endif
