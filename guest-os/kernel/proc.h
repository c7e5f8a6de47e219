/*
 * Harts and processes: the per-hart state, the process table, the scheduler, sleeping
 * and waking.
 *
 * Every hart runs its own scheduler loop (scheduler()), which picks a RUNNABLE process
 * and switches to it; the process switches back (sched()) when it sleeps, yields or
 * exits. Kernel code runs with interrupts on, except while it holds a spinlock, so a
 * process can be preempted in the kernel too: what two processes (or a process and an
 * interrupt handler) share is guarded by a lock. docs/04-processes.md and
 * docs/05-locks.md walk through it.
 */
#ifndef KITE_PROC_H
#define KITE_PROC_H

#include <stdint.h>

#include "kite/abi.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"

struct file;
struct inode;

/* Registers swtch() saves: the callee-saved ones. */
struct context {
    uint32_t ra, sp;
    uint32_t s[12];
};

#ifdef KITE_DEBUG
#define LO_DEPTH 16             /* lockorder.c: locks one hart or process holds at once */
#endif

/* One per hart, indexed by hart id (cpuid(): the tp register). */
struct cpu {
    struct proc *proc;          /* running on this hart, or 0 */
    struct context context;     /* swtch() here to enter this hart's scheduler() */
    int noff;                   /* depth of push_off() nesting */
    int intena;                 /* were interrupts on before the first push_off()? */
    int ticking;                /* trap.c: this hart's timer interrupt is asked for */
    uint64_t next_tick;         /* trap.c: when */
#ifdef KITE_DEBUG
    int16_t lo_held[LO_DEPTH];  /* lockorder.c: spinlock classes held */
    int lo_nheld, lo_intr;
    uint32_t lo_spins;
#endif
};

extern struct cpu cpus[NCPU];
extern int boot_hart;           /* main.c: the hart that booted; it takes the device
                                   interrupts (plic.c) */

/* A process's user registers while it is in the kernel. trapvec.S knows this layout:
 * regs[i] is register xi (regs[0] unused), then the fields below. */
struct trapframe {
    uint32_t regs[32];
    uint32_t epc;           /* user pc */
    uint32_t kernel_sp;     /* top of this process's kernel stack */
    uint32_t kernel_tp;     /* the hart id, for tp in the kernel (usertrapret sets it) */
};
#define TF_EPC       (32 * 4)
#define TF_KERNEL_SP (33 * 4)
#define TF_KERNEL_TP (34 * 4)

enum procstate { UNUSED, USED, SLEEPING, RUNNABLE, RUNNING, ZOMBIE };

struct proc {
    struct spinlock lock;
    /* p->lock must be held to use these: */
    enum procstate state;
    void *chan;                 /* sleeping on this */
    int killed;
    int xstate;                 /* exit status for wait() */
    int pid;
    /* wait_lock (proc.c) must be held to use this: */
    struct proc *parent;
    /* Private to the process (only it, or its creator before it runs, touches them): */
    pagetable_t pagetable;      /* swapped by exec with p->lock held (procs_snapshot) */
    uint32_t brk;               /* end of the heap (sbrk) */
    int fb_mapped;              /* holds the framebuffer (fbmap) */
    uint32_t cpu_ticks;         /* timer interrupts while it ran */
    struct trapframe tf;
    struct context context;
    struct file *ofile[NOFILE];
    struct inode *cwd;          /* the current directory */
    char name[KITE_NAME_LEN];
#ifdef KITE_DEBUG
    int16_t lo_held[LO_DEPTH];  /* lockorder.c: sleep-lock classes held */
    int lo_nheld;
#endif
    uint8_t kstack[KSTACK_SIZE] __attribute__((aligned(16)));
};

static inline int cpuid(void)   /* with interrupts off: the process may move otherwise */
{
    uint32_t tp;
    __asm__ volatile("mv %0, tp" : "=r"(tp));
    return (int)tp;
}
struct cpu *mycpu(void);
struct proc *myproc(void);             /* 0 in the scheduler */

void procinit(void);
void userinit(void);                   /* the first process: runs /init */
void scheduler(void) __attribute__((noreturn));
void sched(void);
void yield(void);
/* Sleep on chan until wakeup(chan): lk (held) is let go while asleep and held again
 * when sleep returns. Callers loop on their condition and check killed(). */
void sleep(void *chan, struct spinlock *lk);
void wakeup(void *chan);
int killed(struct proc *p);
void setkilled(struct proc *p);

int proc_fork(void);
void proc_exit(int status) __attribute__((noreturn));
int proc_wait(uint32_t status_uva);    /* user address for the status, or 0 */
int proc_kill(int pid);
void proc_kill_tree(int pid);          /* pid and its descendants */
int procs_snapshot(struct kite_procinfo *out, int max);

/* swtch.S: save callee-saved registers in old, load new. */
void swtch(struct context *old, struct context *new);

#endif
