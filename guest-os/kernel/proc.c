/*
 * Processes (proc.h): the table, the round-robin scheduler, sleep and wakeup, and the
 * life cycle fork → exec → exit → wait. Nothing here takes a lock: the kernel runs with
 * interrupts off on a single hart, so a process is only ever switched out where it asks.
 */
#include "proc.h"

#include "exec.h"
#include "fb.h"
#include "file.h"
#include "fs.h"
#include "kalloc.h"
#include "lib.h"
#include "printf.h"
#include "trap.h"
#include "vm.h"

static struct proc procs[NPROC];
static struct proc *current;
static struct proc *initproc;
static struct context scheduler_context;
static int next_pid = 1;

struct proc *myproc(void) { return current; }

void procinit(void)
{
    for (int i = 0; i < NPROC; i++)
        procs[i].state = UNUSED;
}

static void forkret(void);

/* A fresh process in state USED: pid, empty address space, a context that starts in
 * forkret on its own kernel stack. 0 if the table or memory is full. */
static struct proc *allocproc(void)
{
    struct proc *p = 0;
    for (int i = 0; i < NPROC && !p; i++)
        if (procs[i].state == UNUSED)
            p = &procs[i];
    if (!p)
        return 0;
    pagetable_t pt = uvmcreate();
    if (!pt)
        return 0;
    memset(p, 0, sizeof *p - sizeof p->kstack);
    p->pid = next_pid++;
    p->state = USED;
    p->pagetable = pt;
    p->tf.kernel_sp = (uint32_t)(uintptr_t)(p->kstack + KSTACK_SIZE);
    p->context.ra = (uint32_t)(uintptr_t)forkret;
    p->context.sp = p->tf.kernel_sp;
    return p;
}

static void freeproc(struct proc *p)
{
    if (p->pagetable)
        uvmfree(p->pagetable);
    p->pagetable = 0;
    p->state = UNUSED;
}

void userinit(void)
{
    struct proc *p = allocproc();
    if (!p)
        panic("userinit: no memory");
    safestrcpy(p->name, "init", sizeof p->name);
    initproc = p;
    p->state = RUNNABLE;
}

/* The first thing every new process runs, in the kernel on its own stack. The first
 * process also brings up the file system (the disk sleeps, so it needs a process) and
 * execs /init with the console as its standard files. */
static void forkret(void)
{
    static int first = 1;
    struct proc *p = myproc();
    if (first) {
        first = 0;
        fs_init();
        struct file *con = console_open();
        if (!con)
            panic("no console");
        p->ofile[0] = con;
        p->ofile[1] = filedup(con);
        p->ofile[2] = filedup(con);
        char *argv[] = { "init", 0 };
        int argc = exec("init", argv);
        if (argc < 0)
            panic("cannot run /init");
        p->tf.regs[10] = (uint32_t)argc;
    }
    usertrapret();
}

static int sleeping_on(void *chan)
{
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state == SLEEPING && procs[i].chan == chan)
            return 1;
    return 0;
}

/* Run each runnable process in turn; with none, wait for an interrupt. The loop starts
 * after the process that ran last, so every runnable process gets its slice. Each time
 * round, the console's pixels catch up with its text (at most 30 times a second). */
void scheduler(void)
{
    int last = NPROC - 1;
    for (;;) {
        fb_update();
        int ran = 0;
        for (int n = 1; n <= NPROC; n++) {
            struct proc *p = &procs[(last + n) % NPROC];
            if (p->state != RUNNABLE)
                continue;
            last = (int)(p - procs);
            timer_resume();
            p->state = RUNNING;
            current = p;
            csr_write(satp, MAKE_SATP(p->pagetable));
            sfence_vma();
            swtch(&scheduler_context, &p->context);
            current = 0;
            kvminithart();      /* p's page table may be freed from now on */
            ran = 1;
            break;
        }
        if (!ran) {
            if (fb_pending())
                timer_resume();         /* too soon to paint again: a tick brings us back */
            else if (!sleeping_on((void *)&ticks))
                timer_pause();          /* nothing to preempt, nobody to wake */
            /* wfi with interrupts still off: it returns once one is pending (sie
             * enables it), and only then are they let in. The other order loses an
             * interrupt that lands between intr_on and wfi until the next one. */
            wfi();
            intr_on();
            intr_off();
        }
    }
}

/* Back to the scheduler; returns when this process is chosen again. */
static void sched(void)
{
    swtch(&current->context, &scheduler_context);
}

void yield(void)
{
    current->state = RUNNABLE;
    sched();
}

void sleep(void *chan)
{
    struct proc *p = current;
    p->chan = chan;
    p->state = SLEEPING;
    sched();
    p->chan = 0;
}

void wakeup(void *chan)
{
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state == SLEEPING && procs[i].chan == chan)
            procs[i].state = RUNNABLE;
}

int killed(struct proc *p) { return p->killed; }
void setkilled(struct proc *p) { p->killed = 1; }

int proc_fork(void)
{
    struct proc *parent = current, *p = allocproc();
    if (!p)
        return -1;
    if (uvmcopy(parent->pagetable, p->pagetable) < 0) {
        freeproc(p);
        return -1;
    }
    uint32_t kernel_sp = p->tf.kernel_sp;
    p->tf = parent->tf;
    p->tf.kernel_sp = kernel_sp;
    p->tf.regs[10] = 0;             /* fork returns 0 in the child */
    p->brk = parent->brk;
    for (int i = 0; i < NOFILE; i++)
        if (parent->ofile[i])
            p->ofile[i] = filedup(parent->ofile[i]);
    safestrcpy(p->name, parent->name, sizeof p->name);
    p->parent = parent;
    p->state = RUNNABLE;
    return p->pid;
}

void proc_exit(int status)
{
    struct proc *p = current;
    if (p == initproc)
        panic("init exited");
    for (int i = 0; i < NOFILE; i++) {
        if (p->ofile[i]) {
            fileclose(p->ofile[i]);
            p->ofile[i] = 0;
        }
    }
    if (p->fb_mapped) {
        p->fb_mapped = 0;
        fb_release();
    }
    for (int i = 0; i < NPROC; i++) {
        if (procs[i].parent == p && procs[i].state != UNUSED) {
            procs[i].parent = initproc;
            if (procs[i].state == ZOMBIE)
                wakeup(initproc);
        }
    }
    p->xstate = status;
    p->state = ZOMBIE;
    wakeup(p->parent);
    sched();
    panic("zombie ran");
}

int proc_wait(uint32_t status_uva)
{
    struct proc *p = current;
    for (;;) {
        int kids = 0;
        for (int i = 0; i < NPROC; i++) {
            struct proc *c = &procs[i];
            if (c->parent != p || c->state == UNUSED)
                continue;
            kids = 1;
            if (c->state != ZOMBIE)
                continue;
            int pid = c->pid;
            if (status_uva &&
                copyout(p->pagetable, status_uva, &c->xstate, sizeof c->xstate) < 0)
                return -1;
            c->parent = 0;
            freeproc(c);
            return pid;
        }
        if (!kids || killed(p))
            return -1;
        sleep(p);
    }
}

/* Mark pid killed; it dies on its way back to user mode. Init cannot be killed. */
int proc_kill(int pid)
{
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        if (p->pid != pid || p->state == UNUSED || p->state == ZOMBIE || p == initproc)
            continue;
        p->killed = 1;
        if (p->state == SLEEPING)
            p->state = RUNNABLE;
        return 0;
    }
    return -1;
}

int procs_snapshot(struct kite_procinfo *out, int max)
{
    static const char *const names[] = {
        [UNUSED] = "unused", [USED] = "new", [SLEEPING] = "sleeping",
        [RUNNABLE] = "runnable", [RUNNING] = "running", [ZOMBIE] = "zombie",
    };
    int n = 0;
    for (int i = 0; i < NPROC && n < max; i++) {
        struct proc *p = &procs[i];
        if (p->state == UNUSED)
            continue;
        struct kite_procinfo *o = &out[n++];
        memset(o, 0, sizeof *o);
        o->pid = p->pid;
        o->ppid = p->parent ? p->parent->pid : 0;
        o->mem = p->pagetable ? uvmsize(p->pagetable) : 0;
        o->cpu_ms = (uint32_t)p->cpu_ticks * (1000 / TICK_HZ);
        safestrcpy(o->state, names[p->state], sizeof o->state);
        safestrcpy(o->name, p->name, sizeof o->name);
    }
    return n;
}

/* Is any process holding the framebuffer? */
int fb_holder(void)
{
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state != UNUSED && procs[i].fb_mapped)
            return procs[i].pid;
    return 0;
}

void acquiresleep(struct sleeplock *lk)
{
    while (lk->locked)
        sleep(lk);
    lk->locked = 1;
    lk->pid = current ? current->pid : 0;
}

void releasesleep(struct sleeplock *lk)
{
    lk->locked = 0;
    lk->pid = 0;
    wakeup(lk);
}
