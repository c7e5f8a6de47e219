/*
 * The devices of the virt board that the firmware drives itself, at the addresses of
 * bus/memmap.h (the same on rvbox and on `qemu-system-riscv32 -M virt`):
 *
 *   CLINT   0x0200_0000  msip (per hart, +0 + 4*hart): bit 0 raises that hart's MSIP
 *                        mtimecmp (per hart, +0x4000 + 8*hart): MTIP = mtime >= mtimecmp
 *                        mtime (+0xbff8): the machine clock, 10 MHz
 *   syscon  0x0010_0000  one register: 0x5555 power off, (code << 16) | 0x3333 power
 *                        off with a failure code, 0x7777 reboot
 *   UART0   0x1000_0000  a 16550 (console.c)
 *
 * The rest (PLIC, virtio, RTC) belongs to the kernel.
 */
#ifndef FW_PLATFORM_H
#define FW_PLATFORM_H

#include "bus/memmap.h"

/* The most harts the firmware has room for (stacks, HSM and IPI state), and each one's
 * M-mode stack, whose top 128 bytes hold its trap frame (entry.S). Hart 0 boots. */
#define FW_MAX_HARTS       8
#define FW_STACK_SIZE      4096
#define FW_TRAP_FRAME_SIZE 128
#define FW_BOOT_HART       0

/* Plain #defines above this line: entry.S includes this file too. */
#ifndef __ASSEMBLER__
#include <stdint.h>

#define CLINT_MSIP(hart)     (MEMMAP_CLINT_BASE + 4 * (hart))
#define CLINT_MTIMECMP(hart) (MEMMAP_CLINT_BASE + 0x4000 + 8 * (hart))
#define CLINT_MTIME          (MEMMAP_CLINT_BASE + 0xbff8)

#define SYSCON_POWEROFF      0x5555
#define SYSCON_FAIL(code)    (((uint32_t)(code) << 16) | 0x3333)
#define SYSCON_REBOOT        0x7777

static inline void mmio_write32(uint32_t addr, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)addr = v;
}

static inline uint32_t mmio_read32(uint32_t addr)
{
    return *(volatile uint32_t *)(uintptr_t)addr;
}

/* mtime as one 64-bit value: read high, low, high again until no carry slipped in. */
static inline uint64_t clint_mtime(void)
{
    uint32_t hi, lo;
    do {
        hi = mmio_read32(CLINT_MTIME + 4);
        lo = mmio_read32(CLINT_MTIME);
    } while (hi != mmio_read32(CLINT_MTIME + 4));
    return (uint64_t)hi << 32 | lo;
}

/* mtimecmp in two 32-bit stores: the high word goes to all ones first, so that no
 * half-written value in between lies in the past and fires early. */
static inline void clint_set_mtimecmp(uint32_t hart, uint64_t when)
{
    mmio_write32(CLINT_MTIMECMP(hart) + 4, 0xffffffffu);
    mmio_write32(CLINT_MTIMECMP(hart), (uint32_t)when);
    mmio_write32(CLINT_MTIMECMP(hart) + 4, (uint32_t)(when >> 32));
}

static inline void clint_set_msip(uint32_t hart, uint32_t on)
{
    mmio_write32(CLINT_MSIP(hart), on);
}

static inline void syscon_write(uint32_t v)
{
    mmio_write32(MEMMAP_SYSCON_BASE, v);
}

#endif /* __ASSEMBLER__ */
#endif
