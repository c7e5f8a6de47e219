/*
 * Kite's kernel starts here, in S-mode, from the firmware: a0 = hart id, a1 = the device
 * tree. The boot hart brings up memory, the console, traps and devices, makes the first
 * process, and hands itself to the scheduler for good. docs/01-boot.md follows it.
 *
 * Any other hart (the firmware keeps them parked until the kernel starts them with the
 * SBI's hart_start; Kite does not yet) would wait for the boot hart to finish, set up
 * its own page-table register, traps and PLIC context, and enter the scheduler too.
 */
#include <stdint.h>

#include "bio.h"
#include "console.h"
#include "fb.h"
#include "fdt.h"
#include "file.h"
#include "fs.h"
#include "kalloc.h"
#include "lib.h"
#include "lockorder.h"
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
static volatile int booted;     /* the boot hart is done: the others may go on */

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

/* Is `word` one of the space-separated words of the command line (rvbox -append)? */
static int bootarg(const char *word)
{
    size_t n = strlen(word);
    for (const char *s = bi.bootargs; *s;) {
        while (*s == ' ')
            s++;
        if (!strncmp(s, word, n) && (s[n] == ' ' || s[n] == 0))
            return 1;
        while (*s && *s != ' ')
            s++;
    }
    return 0;
}

void main(uint32_t hartid, const void *dtb)
{
    if (booted) {               /* a hart started after the boot: all is set up */
        kvminithart();
        trapinithart();
        plic_inithart(hartid);
        scheduler();
    }
    fdt_read(dtb, &bi);
    printf_init();
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
    if (bootarg("lockorder-selftest"))
        lockorder_selftest();

    procinit();
    binit();
    iinit();
    fileinit();
    trapinit();
    trapinithart();
    plic_inithart(hartid);
    plic_enable(UART0_IRQ);
    uart_intr();                /* what was typed before the console was there */
    if (vblk_init() == 0)
        plic_enable(vblk_irq());
    if (vinput_init() == 0)
        plic_enable(vinput_irq());
    timer_init(bi.timebase_hz);
    userinit();
    __sync_synchronize();
    booted = 1;
    scheduler();
}
