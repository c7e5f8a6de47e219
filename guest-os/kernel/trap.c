/*
 * Traps (trap.h). From user mode: system calls, device and timer interrupts (the timer
 * preempts), and faults, which kill the process. In the kernel: interrupts, which come
 * whenever kernel code runs with them on (everywhere but under a spinlock); the timer
 * preempts the kernel too. An exception in S-mode is a kernel bug.
 */
#include "trap.h"

#include "lockorder.h"
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

struct spinlock tickslock;
static uint32_t tick_interval;      /* time-CSR counts per tick */
static uint32_t counts_per_ms;
static uint64_t boot_time;
static int sstc;                    /* the harts have Sstc: stimecmp is S-mode's own */

extern char trapvec[];

void trapinit(void)
{
    initlock(&tickslock, "ticks");
}

void trapinithart(void)
{
    csr_write(stvec, (uint32_t)(uintptr_t)trapvec);
    csr_write(sscratch, 0);
    csr_set(sie, SIE_SEIE | SIE_STIE | SIE_SSIE);
}

void timer_init(uint32_t timebase_hz, int has_sstc)
{
    sstc = has_sstc;
    tick_interval = timebase_hz / TICK_HZ;
    counts_per_ms = timebase_hz / 1000;
    boot_time = rdtime();
}

/* Interrupt this hart once the time reaches `when`. With Sstc the hart has its own
 * compare register, stimecmp, and S-mode writes it directly; without, the firmware does
 * it for us (SBI set_timer: an ecall, and a trip through M-mode, at every tick). On
 * RV32 the 64-bit compare is two CSRs: the low word goes to all ones first, so that
 * no value in between is one the time has already passed (the privileged spec's
 * sequence for mtimecmp). */
static void set_timer(uint64_t when)
{
    if (!sstc) {
        sbi_set_timer(when);
        return;
    }
    csr_write(0x14d, 0xffffffffu);              /* stimecmp */
    csr_write(0x15d, (uint32_t)(when >> 32));   /* stimecmph */
    csr_write(0x14d, (uint32_t)when);
}

/* Each hart has its own timer (set_timer programs the calling hart's). An idle
 * hart stops its tick when no one needs it (proc.c, idle), so an idle Kite costs the
 * host nothing; it starts again before a process runs (to preempt it). Interrupts are
 * off in both: they are the hart's own business. */
void timer_pause(void)
{
    struct cpu *c = mycpu();
    if (c->ticking) {
        set_timer(UINT64_MAX);
        c->ticking = 0;
    }
}

void timer_resume(void)
{
    struct cpu *c = mycpu();
    if (!c->ticking) {
        c->next_tick = rdtime() + tick_interval;
        set_timer(c->next_tick);
        c->ticking = 1;
    }
}

/* From the time CSR, not from counting ticks: ticks missed while the host was busy are
 * not replayed (clock_intr), so counting them would fall behind the clock. */
uint32_t uptime_ms(void)
{
    return (uint32_t)((rdtime() - boot_time) / counts_per_ms);
}

/* This hart's tick: ask for the next, charge the running process, wake the sleepers
 * on the clock. Ticks missed while the host was busy are skipped, not replayed: time
 * keeps to the clock, the scheduler does not storm. */
static void clock_intr(void)
{
    struct cpu *c = mycpu();
    uint64_t now = rdtime();
    c->next_tick += tick_interval;
    if (c->next_tick <= now)
        c->next_tick = now + tick_interval;
    set_timer(c->next_tick);
    if (c->proc)
        c->proc->cpu_ticks++;
    acquire(&tickslock);
    wakeup(&tickslock);
    release(&tickslock);
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

/* Handle an interrupt, if scause says this trap is one: 2 for a timer tick, 1 for
 * another interrupt, 0 for an exception (left to the caller). */
static int interrupt(uint32_t scause)
{
    if (!(scause & SCAUSE_INTR))
        return 0;
    lockorder_intr_enter();
    int which = 1;
    switch (scause & ~SCAUSE_INTR) {
    case IRQ_S_TIMER:
        clock_intr();
        which = 2;
        break;
    case IRQ_S_EXT:
        device_intr();
        break;
    case IRQ_S_SOFT:            /* another hart's IPI (proc.c, kick): look for work */
        csr_clear(sip, SIP_SSIP);
        break;
    }
    lockorder_intr_exit();
    return which;
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

/* Called from trapvec with the user registers saved in myproc()->tf, interrupts off
 * (the trap turned them off). */
void usertrap(void)
{
    struct proc *p = myproc();
    uint32_t scause = csr_read(scause);
    int intr = interrupt(scause);
    if (!intr) {
        if (scause == EXC_ECALL_U) {
            if (killed(p))
                proc_exit(-1);
            p->tf.epc += 4;
            intr_on();          /* a system call may take long: let interrupts in */
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

/* Interrupts go off first: from here to sret, a trap would find sscratch and sstatus
 * half set up for user mode. */
void usertrapret(void)
{
    struct proc *p = myproc();
    intr_off();
    uint32_t s = csr_read(sstatus);
    s &= ~SSTATUS_SPP;          /* sret to user mode */
    s |= SSTATUS_SPIE;          /* with interrupts on */
    csr_write(sstatus, s);
    csr_write(sepc, p->tf.epc);
    p->tf.kernel_tp = (uint32_t)cpuid();    /* trapvec puts it back in tp */
    userret(&p->tf);
}

/* Called from trapvec on a trap in S-mode, on the current kernel stack (a process's,
 * or the hart's own in the scheduler). A timer tick while a process runs in the kernel
 * preempts it: it yields here, and carries on from the interrupted instruction when
 * it is scheduled again. sepc and sstatus are saved across that, since whatever runs
 * meanwhile traps too. */
void kerneltrap(void)
{
    uint32_t scause = csr_read(scause), sepc = csr_read(sepc), sstatus = csr_read(sstatus);
    if (!(sstatus & SSTATUS_SPP))
        panic("kerneltrap: not from S-mode");
    int intr = interrupt(scause);
    if (!intr)
        panic("kernel trap: %s (scause 0x%x) at 0x%08x, pc 0x%08x",
              exception_name(scause), scause, csr_read(stval), sepc);
    if (intr == 2 && myproc())
        yield();
    csr_write(sepc, sepc);
    csr_write(sstatus, sstatus);
}
