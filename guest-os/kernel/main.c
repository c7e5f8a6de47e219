/*
 * Kite's kernel starts here, in S-mode, from the firmware: a0 = hart id, a1 = the device
 * tree. Bring up memory, the console, traps and devices, make the first process, and
 * hand the CPU to the scheduler for good.
 */
#include <stdint.h>

#include "console.h"
#include "fb.h"
#include "fdt.h"
#include "kalloc.h"
#include "memlayout.h"
#include "plic.h"
#include "printf.h"
#include "proc.h"
#include "trap.h"
#include "uart.h"
#include "virtio_blk.h"
#include "virtio_input.h"
#include "vm.h"

extern char end[];

static struct boot_info bi;

const struct boot_info *boot_info(void) { return &bi; }

/* Free memory: after the kernel, below the device tree if the firmware put it in RAM
 * (it does, near the top), else to the end of RAM. */
static void memory_init(void)
{
    uint32_t start = (uint32_t)(uintptr_t)end, stop = bi.ram_base + bi.ram_size;
    if (bi.dtb_base > start && bi.dtb_base < stop)
        stop = bi.dtb_base;
    kinit(start, stop);
}

void main(uint32_t hartid, const void *dtb)
{
    (void)hartid;
    fdt_read(dtb, &bi);
    uart_init();
    memory_init();
    kvminit(&bi);
    kvminithart();
    fb_init(&bi);
    console_init();
    if (bi.fb_size)
        kprintf("Kite 0.1: %u MiB RAM, %ux%u framebuffer\n", bi.ram_size >> 20, bi.fb_width,
                bi.fb_height);
    else
        kprintf("Kite 0.1: %u MiB RAM, no framebuffer\n", bi.ram_size >> 20);

    uart_intr();                /* what was typed before the console was there */
    trapinit();
    plic_init();
    plic_enable(UART0_IRQ);
    if (vblk_init() == 0)
        plic_enable(vblk_irq());
    if (vinput_init() == 0)
        plic_enable(vinput_irq());
    timer_init(bi.timebase_hz);
    procinit();
    userinit();
    scheduler();
}
