/*
 * Processes (proc.h): the table, the scheduler every hart runs, sleep and wakeup, and
 * the life cycle fork → exec → exit → wait.
 *
 * The locks here, and what each guards (docs/05-locks.md):
 *   p->lock    p's state, chan, killed, xstate and pid. The scheduler takes it before
 *              switching to p and p lets it go after (forkret, or the function that
 *              called sched()), so no other hart sees p half switched.
 *   wait_lock  every process's parent field, and a parent's sleep in wait(): an exiting
 *              child's wakeup cannot slip between the parent's look and its sleep.
 *              Always taken before a p->lock, never after.
 *   pid_lock   next_pid.
 */
#include "proc.h"

#include "exec.h"
#include "fb.h"
#include "file.h"
#include "fs.h"
#include "kalloc.h"
#include "lib.h"
#include "log.h"
#include "printf.h"
#include "sbi.h"
#include "trap.h"
#include "vm.h"

struct cpu cpus[NCPU];
static struct proc procs[NPROC];
static struct proc *initproc;
static struct spinlock pid_lock, wait_lock;
static int next_pid = 1;
static volatile uint32_t idle_harts;    /* bit h: hart h waits for work in idle() */

struct cpu *mycpu(void)
{
    return &cpus[cpuid()];
}

/* Interrupts off while reading: a timer interrupt could otherwise move this process
 * to another hart between reading tp and reading that hart's proc. */
struct proc *myproc(void)
{
    push_off();
    struct proc *p = mycpu()->proc;
    pop_off();
    return p;
}

void procinit(void)
{
    initlock(&pid_lock, "pid");
    initlock(&wait_lock, "wait");
    for (int i = 0; i < NPROC; i++) {
        initlock(&procs[i].lock, "proc");
        procs[i].state = UNUSED;
    }
}

static int allocpid(void)
{
    acquire(&pid_lock);
    int pid = next_pid++;
    release(&pid_lock);
    return pid;
}

static void forkret(void);

/* A fresh process in state USED, returned with p->lock held: pid, empty address
 * space, a context that starts in forkret on its own kernel stack. 0 if the table or
 * memory is full. */
static struct proc *allocproc(void)
{
    struct proc *p = 0;
    for (int i = 0; i < NPROC && !p; i++) {
        acquire(&procs[i].lock);
        if (procs[i].state == UNUSED)
            p = &procs[i];
        else
            release(&procs[i].lock);
    }
    if (!p)
        return 0;
    pagetable_t pt = uvmcreate();
    if (!pt) {
        release(&p->lock);
        return 0;
    }
    /* Everything from state up to the kernel stack starts at zero. */
    memset(&p->state, 0, (size_t)((char *)p->kstack - (char *)&p->state));
    p->pid = allocpid();
    p->state = USED;
    p->pagetable = pt;
    p->tf.kernel_sp = (uint32_t)(uintptr_t)(p->kstack + KSTACK_SIZE);
    p->context.ra = (uint32_t)(uintptr_t)forkret;
    p->context.sp = p->tf.kernel_sp;
    return p;
}

/* p->lock held. */
static void freeproc(struct proc *p)
{
    if (p->pagetable)
        uvmfree(p->pagetable);
    p->pagetable = 0;
    p->parent = 0;
    p->pid = 0;
    p->killed = 0;
    p->chan = 0;
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
    release(&p->lock);
}

/* The first thing every new process runs, in the kernel on its own stack, still
 * holding the p->lock the scheduler took. The first process also brings up the file
 * system (the disk sleeps, so it needs a process) and execs /init with the console as
 * its standard files. */
static void forkret(void)
{
    static int first = 1;
    struct proc *p = myproc();
    release(&p->lock);
    if (first) {
        first = 0;
        fs_init();
        begin_op();
        p->cwd = namei("/");
        end_op();
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
    int found = 0;
    for (int i = 0; i < NPROC && !found; i++) {
        acquire(&procs[i].lock);
        found = procs[i].state == SLEEPING && procs[i].chan == chan;
        release(&procs[i].lock);
    }
    return found;
}

/* idle()'s last look before wfi: is there work after all? */
static int any_runnable(void)
{
    int found = 0;
    for (int i = 0; i < NPROC && !found; i++) {
        acquire(&procs[i].lock);
        found = procs[i].state == RUNNABLE;
        release(&procs[i].lock);
    }
    return found;
}

/* n processes were just made RUNNABLE: wake up to n harts that wait in idle() with an
 * IPI, so that they run them. This hart, if it is idle itself (an interrupt woke them),
 * counts as one: it looks at the table again anyway. */
static void kick(int n)
{
    push_off();
    uint32_t me = 1u << cpuid(), mask = 0;
    __sync_synchronize();       /* the new states before the look at idle_harts */
    uint32_t idle = idle_harts;
    if (idle & me)
        n--;
    idle &= ~me;
    for (; n > 0 && idle; n--) {
        mask |= idle & -idle;   /* the lowest idle hart left */
        idle &= idle - 1;
    }
    if (mask)
        sbi_send_ipi(mask);
    pop_off();
}

/* Nothing to run on this hart: wait for an interrupt. The timer is stopped unless
 * someone needs it (a sleeper on the clock, or a repaint that is owed), so an idle
 * Kite costs the host nothing. Every idle hart asks, not one chosen hart: the hart
 * whose process just went to sleep on the clock comes through here next and sees it,
 * whereas a chosen hart may have stopped its clock before and be asleep in wfi.
 *
 * The hart says it is idle before its last look for work: a process made runnable
 * after that look finds the bit set and sends an IPI (kick), which ends the wfi.
 *
 * wfi with interrupts still off: it returns once one is pending (sie enables it), and
 * only then are they let in. The other order loses an interrupt that lands between
 * intr_on and wfi until the next one. */
static void idle(void)
{
    if (fb_pending() || sleeping_on(&tickslock))
        timer_resume();
    else
        timer_pause();
    uint32_t me = 1u << cpuid();
    __atomic_fetch_or(&idle_harts, me, __ATOMIC_SEQ_CST);
    if (!any_runnable())
        wfi();
    __atomic_fetch_and(&idle_harts, ~me, __ATOMIC_SEQ_CST);
    intr_on();
    intr_off();
}

/* Each hart's loop, for good: run each runnable process in turn; with none, idle. The
 * search starts after the process this hart ran last, so every runnable process gets
 * its slice. Each time round, the console's pixels catch up with its text (at most 30
 * times a second). Interrupts are off here except inside idle(): a process comes back
 * through sched() with its p->lock held, so with them off. */
void scheduler(void)
{
    struct cpu *c = mycpu();
    int last = NPROC - 1;
    c->proc = 0;
    for (;;) {
        fb_update();
        int ran = 0;
        for (int n = 1; n <= NPROC && !ran; n++) {
            struct proc *p = &procs[(last + n) % NPROC];
            acquire(&p->lock);
            if (p->state == RUNNABLE) {
                last = (int)(p - procs);
                timer_resume();
                p->state = RUNNING;
                c->proc = p;
                csr_write(satp, MAKE_SATP(p->pagetable));
                sfence_vma();
                swtch(&c->context, &p->context);
                /* Back: p slept, yielded or exited, and holds no other lock. p's
                 * intena came back with it (sched() keeps its own copy): if it said
                 * "on", the release below would turn interrupts on, and a wakeup
                 * taken then, for a process this loop has already passed, would
                 * leave idle() asleep in wfi with a runnable process. */
                c->intena = 0;
                c->proc = 0;
                kvminithart();  /* p's page table may be freed once its lock goes */
                ran = 1;
            }
            release(&p->lock);
        }
        if (!ran)
            idle();
    }
}

/* Back to this hart's scheduler; returns when the process is chosen again, perhaps on
 * another hart. The caller holds p->lock and no other spinlock, and has changed
 * p->state. intena belongs to this kernel thread, not to the hart, so it is carried
 * across. */
void sched(void)
{
    struct proc *p = myproc();
    if (!holding(&p->lock))
        panic("sched: p->lock not held");
    if (mycpu()->noff != 1)
        panic("sched: pid %d sleeps or yields holding a spinlock", p->pid);
    if (p->state == RUNNING)
        panic("sched: pid %d still running", p->pid);
    if (intr_get())
        panic("sched: interrupts on");
    int intena = mycpu()->intena;
    swtch(&p->context, &mycpu()->context);
    mycpu()->intena = intena;
}

void yield(void)
{
    struct proc *p = myproc();
    acquire(&p->lock);
    p->state = RUNNABLE;
    sched();
    release(&p->lock);
}

/*
 * Why lk: the caller checked its condition under lk (is there input? is the disk
 * done?) and found it false. Whoever makes it true takes lk too, then calls wakeup.
 * Holding lk until p->lock is held closes the gap in which that wakeup could come and
 * find nobody asleep yet: wakeup needs p->lock to see p, and p lets it go only once
 * it is SLEEPING, inside sched().
 */
void sleep(void *chan, struct spinlock *lk)
{
    struct proc *p = myproc();
    acquire(&p->lock);
    release(lk);
    p->chan = chan;
    p->state = SLEEPING;
    sched();
    p->chan = 0;
    release(&p->lock);
    acquire(lk);
}

/* Every process sleeping on chan becomes runnable. The caller holds the lock the
 * sleepers passed to sleep(). */
void wakeup(void *chan)
{
    struct proc *me = myproc();
    int woken = 0;
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        if (p == me)
            continue;
        acquire(&p->lock);
        if (p->state == SLEEPING && p->chan == chan) {
            p->state = RUNNABLE;
            woken++;
        }
        release(&p->lock);
    }
    if (woken)
        kick(woken);
}

int killed(struct proc *p)
{
    acquire(&p->lock);
    int k = p->killed;
    release(&p->lock);
    return k;
}

void setkilled(struct proc *p)
{
    acquire(&p->lock);
    p->killed = 1;
    release(&p->lock);
}

int proc_fork(void)
{
    struct proc *parent = myproc(), *p = allocproc();
    if (!p)
        return -1;
    if (uvmcopy(parent->pagetable, p->pagetable) < 0) {
        freeproc(p);
        release(&p->lock);
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
    p->cwd = idup(parent->cwd);
    safestrcpy(p->name, parent->name, sizeof p->name);
    int pid = p->pid;
    release(&p->lock);

    acquire(&wait_lock);
    p->parent = parent;
    release(&wait_lock);

    acquire(&p->lock);
    p->state = RUNNABLE;
    kick(1);
    release(&p->lock);
    return pid;
}

/* p's children go to init, which waits for any child. wait_lock held. */
static void reparent(struct proc *p)
{
    for (int i = 0; i < NPROC; i++) {
        if (procs[i].parent == p) {
            procs[i].parent = initproc;
            wakeup(initproc);
        }
    }
}

/* The process stays a ZOMBIE, holding its pid and exit status, until its parent's
 * wait() frees it. */
void proc_exit(int status)
{
    struct proc *p = myproc();
    if (p == initproc)
        panic("init exited");
    for (int i = 0; i < NOFILE; i++) {
        if (p->ofile[i]) {
            fileclose(p->ofile[i]);     /* may sleep (the disk): no lock held yet */
            p->ofile[i] = 0;
        }
    }
    begin_op();
    iput(p->cwd);
    end_op();
    p->cwd = 0;
    if (p->fb_mapped) {
        p->fb_mapped = 0;
        fb_release();
    }
    acquire(&wait_lock);
    reparent(p);
    wakeup(p->parent);
    acquire(&p->lock);
    p->xstate = status;
    p->state = ZOMBIE;
    release(&wait_lock);
    sched();
    panic("zombie ran");
}

int proc_wait(uint32_t status_uva)
{
    struct proc *p = myproc();
    acquire(&wait_lock);
    for (;;) {
        int kids = 0;
        for (int i = 0; i < NPROC; i++) {
            struct proc *c = &procs[i];
            if (c->parent != p)
                continue;
            acquire(&c->lock);
            kids = 1;
            if (c->state == ZOMBIE) {
                int pid = c->pid;
                if (status_uva &&
                    copyout(p->pagetable, status_uva, &c->xstate, sizeof c->xstate) < 0) {
                    release(&c->lock);
                    release(&wait_lock);
                    return -1;
                }
                freeproc(c);
                release(&c->lock);
                release(&wait_lock);
                return pid;
            }
            release(&c->lock);
        }
        if (!kids || killed(p)) {
            release(&wait_lock);
            return -1;
        }
        sleep(p, &wait_lock);       /* until a child exits: it calls wakeup(parent) */
    }
}

/* Mark pid killed; it dies on its way back to user mode (or when its sleep ends: a
 * sleeper is woken to notice). Init cannot be killed. */
int proc_kill(int pid)
{
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        acquire(&p->lock);
        if (p->pid == pid && p->state != UNUSED && p->state != ZOMBIE && p != initproc) {
            p->killed = 1;
            if (p->state == SLEEPING) {
                p->state = RUNNABLE;
                kick(1);
            }
            release(&p->lock);
            return 0;
        }
        release(&p->lock);
    }
    return -1;
}

/* Ctrl-C: pid and every process descended from it (a pipeline, started by one shell
 * child, is its children). */
void proc_kill_tree(int pid)
{
    char doomed[NPROC] = { 0 };
    acquire(&wait_lock);            /* the parents hold still */
    for (int i = 0; i < NPROC; i++)
        doomed[i] = procs[i].pid == pid && procs[i].state != UNUSED;
    for (int changed = 1; changed;) {
        changed = 0;
        for (int i = 0; i < NPROC; i++) {
            struct proc *parent = procs[i].parent;
            if (!doomed[i] && parent && doomed[parent - procs])
                doomed[i] = changed = 1;
        }
    }
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        acquire(&p->lock);
        if (doomed[i] && p->state != UNUSED && p->state != ZOMBIE && p != initproc) {
            p->killed = 1;
            if (p->state == SLEEPING) {
                p->state = RUNNABLE;
                kick(1);
            }
        }
        release(&p->lock);
    }
    release(&wait_lock);
}

int procs_snapshot(struct kite_procinfo *out, int max)
{
    static const char *const names[] = {
        [UNUSED] = "unused", [USED] = "new", [SLEEPING] = "sleeping",
        [RUNNABLE] = "runnable", [RUNNING] = "running", [ZOMBIE] = "zombie",
    };
    int n = 0;
    acquire(&wait_lock);            /* for the parents */
    for (int i = 0; i < NPROC && n < max; i++) {
        struct proc *p = &procs[i];
        acquire(&p->lock);
        if (p->state != UNUSED) {
            struct kite_procinfo *o = &out[n++];
            memset(o, 0, sizeof *o);
            o->pid = p->pid;
            o->ppid = p->parent ? p->parent->pid : 0;
            o->mem = p->pagetable ? uvmsize(p->pagetable) : 0;
            o->cpu_ms = p->cpu_ticks * (1000 / TICK_HZ);
            safestrcpy(o->state, names[p->state], sizeof o->state);
            safestrcpy(o->name, p->name, sizeof o->name);
        }
        release(&p->lock);
    }
    release(&wait_lock);
    return n;
}
