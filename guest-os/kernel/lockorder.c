/*
 * The lock-order checker (lockorder.h), compiled into debug builds only.
 *
 * State: the classes (lock names) seen so far, and for each pair (a, b) whether b was
 * ever taken while a was held: after[a] has bit b set (edge(a, b)), and where[a][b] is
 * the pc of the first such acquire. The locks held right now come from two places: the hart's
 * spinlocks (struct cpu) and the current process's sleep locks (struct proc), since a
 * sleep lock stays with its process when it sleeps and moves between harts with it.
 * An interrupt handler runs on top of whatever process was interrupted, but that
 * process's sleep locks are not the handler's: inside one, only the hart's spinlocks
 * count.
 *
 * Before lock c is taken with h held, the checker asks: can c already reach h, that is,
 * was h ever taken (perhaps through a chain of other locks) while c was held? If so,
 * taking c now closes a cycle, and a cycle is a deadlock waiting for its timing.
 *
 * Locks of one class taken together (two buffers, say) are not ordered here: that
 * needs an order inside the class (by block number, by address), which the code must
 * keep by itself.
 */
#ifdef KITE_DEBUG
#include "lockorder.h"

#include "lib.h"
#include "param.h"
#include "printf.h"
#include "proc.h"
#include "riscv.h"
#include "spinlock.h"

#define MAXCLASS 64

static const char *names[MAXCLASS];
static uint32_t after[MAXCLASS][MAXCLASS / 32];     /* words: RV32 has no 64-bit atomics */
static uint32_t where[MAXCLASS][MAXCLASS];
static int nclass;
/* The checker's own lock: a bare flag, not a spinlock, so the checker never checks
 * itself. Interrupts are off while it is held (push_off). */
static volatile uint32_t guard;

static void lock_guard(void)
{
    push_off();
    while (__atomic_exchange_n(&guard, 1, __ATOMIC_ACQUIRE))
        ;
}

static void unlock_guard(void)
{
    __atomic_store_n(&guard, 0, __ATOMIC_RELEASE);
    pop_off();
}

static int strequal(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

int lockorder_class(const char *name)
{
    lock_guard();
    int c = 0;
    while (c < nclass && !strequal(names[c], name))
        c++;
    if (c == nclass) {
        if (nclass == MAXCLASS)
            panic("lockorder: more than %d lock names", MAXCLASS);
        names[nclass++] = name;
    }
    unlock_guard();
    return c;
}

/* The locks this code holds: the hart's spinlocks, then (outside interrupt handlers)
 * the process's sleep locks. Returns how many it put in out[]. */
static int held(int16_t *out)
{
    struct cpu *c = mycpu();
    int n = 0;
    for (int i = 0; i < c->lo_nheld; i++)
        out[n++] = c->lo_held[i];
    struct proc *p = c->proc;
    if (p && c->lo_intr == 0)
        for (int i = 0; i < p->lo_nheld; i++)
            out[n++] = p->lo_held[i];
    return n;
}

static int edge(int a, int b)
{
    return (__atomic_load_n(&after[a][b / 32], __ATOMIC_ACQUIRE) >> (b % 32)) & 1;
}

static void add_edge(int a, int b)
{
    __atomic_fetch_or(&after[a][b / 32], 1u << (b % 32), __ATOMIC_RELEASE);
}

/* Is there a path from class `from` to class `to` in the after[] graph? Fills path[]
 * with the classes in between (at most MAXCLASS) and returns its length + 1, or 0. */
static int reaches(int from, int to, int *path)
{
    char seen[MAXCLASS] = { 0 };
    int stack[MAXCLASS], parent[MAXCLASS], depth = 0;
    stack[depth++] = from;
    seen[from] = 1;
    parent[from] = -1;
    while (depth) {
        int a = stack[--depth];
        for (int b = 0; b < nclass; b++) {
            if (!edge(a, b) || seen[b])
                continue;
            seen[b] = 1;
            parent[b] = a;
            if (b == to) {
                int n = 0;
                for (int x = parent[b]; x != from; x = parent[x])
                    path[n++] = x;
                return n + 1;
            }
            stack[depth++] = b;
        }
    }
    return 0;
}

/* Taking `c` while holding `h` would close a cycle: say which, and stop. */
static void report(int h, int c, uint32_t pc, const int *path, int len)
{
    panicking = 1;              /* print without taking any more locks */
    kprintf("\nlock order: '%s' taken while holding '%s' (at pc %p),\n", names[c], names[h],
            (void *)(uintptr_t)pc);
    if (len == 1) {
        kprintf("  but '%s' was taken while holding '%s' before (at pc %p)\n", names[h],
                names[c], (void *)(uintptr_t)where[c][h]);
    } else {
        kprintf("  but '%s' was taken while holding '%s' before, through", names[h],
                names[c]);
        for (int i = len - 2; i >= 0; i--)
            kprintf(" '%s'", names[path[i]]);
        kprintf("\n");
    }
    panic("lock order: '%s' and '%s' can deadlock", names[h], names[c]);
}

/* Record that `c` is being taken with everything in held() held, checking first.
 * Most acquires repeat an order seen before: that is checked without the guard (the
 * edges only ever get added, so a stale look can only send us the slow way), which
 * keeps harts from queueing on the guard at every acquire. */
static void check(int c, uint32_t pc)
{
    int16_t h[2 * LO_DEPTH];
    int path[MAXCLASS];
    int n = held(h), known = 1;
    for (int i = 0; i < n && known; i++)
        known = h[i] == c || edge(h[i], c);
    if (known)
        return;
    lock_guard();
    for (int i = 0; i < n; i++) {
        if (h[i] == c || edge(h[i], c))
            continue;
        int len = reaches(c, h[i], path);
        if (len) {
            unlock_guard();
            report(h[i], c, pc, path, len);
        }
        where[h[i]][c] = pc;
        add_edge(h[i], c);
    }
    unlock_guard();
}

static void push(int16_t *stack, int *n, int c, const char *what)
{
    if (*n == LO_DEPTH)
        panic("lockorder: more than %d %s held", LO_DEPTH, what);
    stack[(*n)++] = (int16_t)c;
}

/* Take the most recent c off the stack (locks need not be released in order). */
static void pop(int16_t *stack, int *n, int c)
{
    for (int i = *n - 1; i >= 0; i--) {
        if (stack[i] == c) {
            for (; i + 1 < *n; i++)
                stack[i] = stack[i + 1];
            (*n)--;
            return;
        }
    }
}

/* Called by acquire() with interrupts already off. */
void lockorder_acquire(int c, uint32_t pc)
{
    if (c < 0)
        return;
    check(c, pc);
    struct cpu *cpu = mycpu();
    push(cpu->lo_held, &cpu->lo_nheld, c, "spinlocks");
}

void lockorder_release(int c)
{
    if (c >= 0)
        pop(mycpu()->lo_held, &mycpu()->lo_nheld, c);
}

void lockorder_acquire_sleep(int c, uint32_t pc)
{
    if (c < 0)
        return;
    struct cpu *cpu = mycpu();
    if (cpu->lo_nheld)
        panic("lock order: sleep lock '%s' taken while holding spinlock '%s' (at pc %p)",
              names[c], names[cpu->lo_held[cpu->lo_nheld - 1]], (void *)(uintptr_t)pc);
    check(c, pc);
    struct proc *p = myproc();
    push(p->lo_held, &p->lo_nheld, c, "sleep locks");
}

void lockorder_release_sleep(int c)
{
    if (c >= 0)
        pop(myproc()->lo_held, &myproc()->lo_nheld, c);
}

/* A spinlock that stays held for billions of turns is a deadlock (or a hart that died
 * holding it): say which lock, once. */
void lockorder_spin(const char *name)
{
    struct cpu *c = mycpu();
    if (++c->lo_spins == (1u << 28))
        kprintf("\nlockorder: hart %d has waited very long for '%s'\n", cpuid(), name);
}

void lockorder_intr_enter(void) { mycpu()->lo_intr++; }
void lockorder_intr_exit(void) { mycpu()->lo_intr--; }

/* Take two locks in one order, then in the other: the checker must stop the kernel on
 * the second, naming both. A check that the checker works (tests/kite). */
void lockorder_selftest(void)
{
    static struct spinlock a, b;
    initlock(&a, "selftest A");
    initlock(&b, "selftest B");
    kprintf("lockorder: self-test: A then B, then B then A\n");
    acquire(&a);
    acquire(&b);
    release(&b);
    release(&a);
    acquire(&b);
    acquire(&a);
    panic("lockorder: the self-test found nothing");
}
#endif
