/*
 * Kite's kernel starts here, in S-mode, from the firmware: a0 = hart id, a1 = the device
 * tree. The boot hart brings up memory, the console, traps and devices, makes the first
 * process, and hands itself to the scheduler for good. docs/01-boot.md follows it.
 *
 * The other harts the device tree lists wait in the firmware until the boot hart, once
 * everything is set up, starts each with the SBI's hart_start (start_harts). Each comes
 * in at _entry too, sets up its own page-table register, traps and PLIC context, and
 * enters the scheduler: from then on every hart runs processes. docs/05-locks.md
 * ("Several harts") says what each hart owns.
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
#include "sbi.h"
#include "trap.h"
#include "uart.h"
#include "virtio_blk.h"
#include "virtio_input.h"
#include "vm.h"

extern char end[], _entry[];

static struct boot_info bi;
static volatile int booted;     /* the boot hart is done: the others may go on */
int boot_hart;

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

/* Every other hart of the device tree (that Kite has room for, NCPU) starts at _entry,
 * with the device tree as its a1. A hart the firmware cannot start is left out. */
static void start_harts(uint32_t self, const void *dtb)
{
    int n = 1;
    for (uint32_t h = 0; h < NCPU; h++) {
        if (h == self || !(bi.harts & (1u << h)))
            continue;
        if (sbi_hart_start(h, (uint32_t)(uintptr_t)_entry, (uint32_t)(uintptr_t)dtb) == 0)
            n++;
        else
            kprintf("kite: hart %u did not start\n", h);
    }
    if (n > 1)
        kprintf("kite: %d harts\n", n);
}

void main(uint32_t hartid, const void *dtb)
{
    if (booted) {               /* a hart started after the boot: all is set up */
        kvminithart();
        trapinithart();
        plic_inithart(hartid);
        scheduler();
    }
    boot_hart = (int)hartid;
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
    timer_init(bi.timebase_hz, bi.sstc);
    userinit();
    __sync_synchronize();
    booted = 1;
    start_harts(hartid, dtb);
    scheduler();
}
