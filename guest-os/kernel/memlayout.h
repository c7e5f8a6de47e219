/*
 * Where things are in physical memory (the virt board, bus/memmap.h) and how the kernel
 * maps them. The kernel's page table maps, with 4 MiB megapages and no U bit:
 *
 *   PLIC, UART + virtio    identity, read/write
 *   framebuffer            identity, read/write (as many megapages as it needs)
 *   RAM from KERNBASE      identity, read/write/execute
 *
 * and every process's page table holds the same root entries, so the kernel runs in any
 * address space and a trap needs no page-table switch. User memory lies below USER_TOP
 * (include/kite/abi.h).
 */
#ifndef KITE_MEMLAYOUT_H
#define KITE_MEMLAYOUT_H

#include "bus/memmap.h"

#define KERNBASE   MEMMAP_KERNEL_BASE       /* 0x80400000: the kernel is linked here */
#define PLIC       MEMMAP_PLIC_BASE
#define UART0      MEMMAP_UART0_BASE
#define UART0_IRQ  MEMMAP_UART0_IRQ
#define VIRTIO(n)  (MEMMAP_VIRTIO_BASE + (n) * MEMMAP_VIRTIO_STRIDE)
#define VIRTIO_IRQ(n) (MEMMAP_VIRTIO_IRQ0 + (n))
#define NVIRTIO    MEMMAP_VIRTIO_COUNT

#endif
