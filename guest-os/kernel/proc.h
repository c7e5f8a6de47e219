/*
 * Processes: the table, the scheduler, sleeping and waking.
 *
 * One hart, and the kernel runs with interrupts off: S-mode code is never interrupted,
 * so kernel data needs no spinlocks. Interrupts are taken only in user mode and in the
 * scheduler's idle loop. A process gives up the CPU inside the kernel only by calling
 * sleep() or yield(); code that may sleep (the disk) holds a sleeplock across it.
 */
#ifndef KITE_PROC_H
#define KITE_PROC_H

#include <stdint.h>

#include "kite/abi.h"
#include "param.h"
#include "riscv.h"

struct file;

/* Registers swtch() saves: the callee-saved ones. */
struct context {
    uint32_t ra, sp;
    uint32_t s[12];
};

/* A process's user registers while it is in the kernel. trapvec.S knows this layout:
 * regs[i] is register xi (regs[0] unused), then the fields below. */
struct trapframe {
    uint32_t regs[32];
    uint32_t epc;           /* user pc */
    uint32_t kernel_sp;     /* top of this process's kernel stack */
};
#define TF_EPC       (32 * 4)
#define TF_KERNEL_SP (33 * 4)

enum procstate { UNUSED, USED, SLEEPING, RUNNABLE, RUNNING, ZOMBIE };

struct proc {
    enum procstate state;
    int pid;
    struct proc *parent;
    void *chan;                 /* sleeping on this */
    int killed;
    int xstate;                 /* exit status for wait() */
    pagetable_t pagetable;
    uint32_t brk;               /* end of the heap (sbrk) */
    int fb_mapped;              /* holds the framebuffer (fbmap) */
    uint64_t cpu_ticks;         /* time slices run */
    struct trapframe tf;
    struct context context;
    struct file *ofile[NOFILE];
    char name[KITE_NAME_LEN];
    uint8_t kstack[KSTACK_SIZE] __attribute__((aligned(16)));
};

struct sleeplock {
    int locked;
    int pid;                    /* holder */
};

void procinit(void);
void userinit(void);                   /* the first process: runs /init */
void scheduler(void) __attribute__((noreturn));
struct proc *myproc(void);             /* 0 in the scheduler */
void yield(void);
void sleep(void *chan);                /* until wakeup(chan); check killed afterwards */
void wakeup(void *chan);
int killed(struct proc *p);
void setkilled(struct proc *p);

int proc_fork(void);
void proc_exit(int status) __attribute__((noreturn));
int proc_wait(uint32_t status_uva);    /* user address for the status, or 0 */
int proc_kill(int pid);
int procs_snapshot(struct kite_procinfo *out, int max);
int fb_holder(void);                    /* pid of the process that mapped the screen, or 0 */

void acquiresleep(struct sleeplock *lk);
void releasesleep(struct sleeplock *lk);

/* swtch.S: save callee-saved registers in old, load new. */
void swtch(struct context *old, struct context *new);

#endif
