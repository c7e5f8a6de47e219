/*
 * Traps (trap.h). From user mode: system calls, device and timer interrupts (the timer
 * preempts), and faults, which kill the process. In the kernel: only interrupts while
 * the scheduler idles; an exception there is a kernel bug.
 */
#include "trap.h"

#include "memlayout.h"
#include "plic.h"
#include "printf.h"
#include "proc.h"
#include "riscv.h"
#include "sbi.h"
#include "syscall.h"
#include "uart.h"
#include "virtio_blk.h"
#include "virtio_input.h"

volatile uint32_t ticks;
static uint32_t tick_interval;     /* time-CSR counts per tick */
static uint32_t counts_per_ms;
static uint64_t next_tick, boot_time;
static int ticking;                 /* a timer interrupt is asked for */

extern char trapvec[];

void timer_init(uint32_t timebase_hz)
{
    tick_interval = timebase_hz / TICK_HZ;
    counts_per_ms = timebase_hz / 1000;
    boot_time = rdtime();
    next_tick = boot_time + tick_interval;
    sbi_set_timer(next_tick);
    ticking = 1;
}

/* The idle scheduler stops the tick when no one sleeps on it, so an idle Kite costs
 * the host nothing; it starts again before a process runs (to preempt it). */
void timer_pause(void)
{
    if (ticking) {
        sbi_set_timer(UINT64_MAX);
        ticking = 0;
    }
}

void timer_resume(void)
{
    if (!ticking) {
        next_tick = rdtime() + tick_interval;
        sbi_set_timer(next_tick);
        ticking = 1;
    }
}

void trapinit(void)
{
    csr_write(stvec, (uint32_t)(uintptr_t)trapvec);
    csr_write(sscratch, 0);
    csr_set(sie, SIE_SEIE | SIE_STIE);
}

/* From the time CSR, not from ticks: ticks missed while the host was busy are not
 * replayed (clock_intr), so counting them would fall behind the clock. */
uint32_t uptime_ms(void)
{
    return (uint32_t)((rdtime() - boot_time) / counts_per_ms);
}

/* Count a tick and ask for the next. Ticks missed while the host was busy are skipped,
 * not replayed: time keeps to the clock, the scheduler does not storm. */
static void clock_intr(void)
{
    ticks++;
    uint64_t now = rdtime();
    next_tick += tick_interval;
    if (next_tick <= now)
        next_tick = now + tick_interval;
    sbi_set_timer(next_tick);
    struct proc *p = myproc();
    if (p)
        p->cpu_ticks++;
    wakeup((void *)&ticks);
}

/* A device interrupt: ask the PLIC which, hand it to its driver. */
static void device_intr(void)
{
    int irq = plic_claim();
    if (irq == UART0_IRQ)
        uart_intr();
    else if (irq > 0 && irq == vblk_irq())
        vblk_intr();
    else if (irq > 0 && irq == vinput_irq())
        vinput_intr();
    if (irq)
        plic_complete(irq);
}

/* Returns 2 for a timer tick, 1 for another interrupt, 0 if scause is an exception. */
static int interrupt(uint32_t scause)
{
    if (!(scause & SCAUSE_INTR))
        return 0;
    switch (scause & ~SCAUSE_INTR) {
    case IRQ_S_TIMER:
        clock_intr();
        return 2;
    case IRQ_S_EXT:
        device_intr();
        return 1;
    default:
        return 1;
    }
}

static const char *exception_name(uint32_t cause)
{
    static const char *const names[] = {
        [EXC_INSN_MISALIGNED] = "instruction address misaligned",
        [EXC_INSN_ACCESS] = "instruction access fault",
        [EXC_ILLEGAL] = "illegal instruction",
        [EXC_BREAKPOINT] = "breakpoint",
        [EXC_LOAD_MISALIGNED] = "load address misaligned",
        [EXC_LOAD_ACCESS] = "load access fault",
        [EXC_STORE_MISALIGNED] = "store address misaligned",
        [EXC_STORE_ACCESS] = "store access fault",
        [EXC_INSN_PAGE] = "instruction page fault",
        [EXC_LOAD_PAGE] = "load page fault",
        [EXC_STORE_PAGE] = "store page fault",
    };
    if (cause < sizeof names / sizeof names[0] && names[cause])
        return names[cause];
    return "exception";
}

/* Called from trapvec with the user registers saved in myproc()->tf. */
void usertrap(void)
{
    struct proc *p = myproc();
    uint32_t scause = csr_read(scause);
    int intr = interrupt(scause);
    if (!intr) {
        if (scause == EXC_ECALL_U) {
            p->tf.epc += 4;
            syscall();
        } else {
            kprintf("kite: pid %d (%s) killed: %s at 0x%08x, pc 0x%08x\n", p->pid, p->name,
                    exception_name(scause), csr_read(stval), p->tf.epc);
            setkilled(p);
        }
    }
    if (killed(p))
        proc_exit(-1);
    if (intr == 2)
        yield();
    usertrapret();
}

void usertrapret(void)
{
    struct proc *p = myproc();
    uint32_t s = csr_read(sstatus);
    s &= ~SSTATUS_SPP;          /* sret to user mode */
    s |= SSTATUS_SPIE;          /* with interrupts on */
    csr_write(sstatus, s);
    csr_write(sepc, p->tf.epc);
    userret(&p->tf);
}

/* Called from trapvec on a trap in S-mode, on the current kernel stack. */
void kerneltrap(void)
{
    uint32_t scause = csr_read(scause), sepc = csr_read(sepc), sstatus = csr_read(sstatus);
    if (!interrupt(scause))
        panic("kernel trap: %s (scause 0x%x) at 0x%08x, pc 0x%08x",
              exception_name(scause), scause, csr_read(stval), sepc);
    /* Device code may have trapped nothing else, but keep sret's view exact. */
    csr_write(sepc, sepc);
    csr_write(sstatus, sstatus);
}
