/*
 * Spinlocks (spinlock.h) and the interrupt-disabling that goes with them.
 *
 * Why interrupts go off: the console's lock, say, is taken both by read() and by the
 * UART's interrupt handler. If read() held it and the interrupt came on the same hart,
 * the handler would spin forever waiting for code that cannot run until the handler
 * returns. So acquire() turns interrupts off first and release() puts them back, and
 * since locks nest, the hart counts how deep it is (cpu.noff) and remembers whether
 * interrupts were on before the first one (cpu.intena).
 */
#include "spinlock.h"

#include "lockorder.h"
#include "printf.h"
#include "proc.h"
#include "riscv.h"

void initlock(struct spinlock *lk, const char *name)
{
    lk->locked = 0;
    lk->name = name;
    lk->cpu = 0;
    lk->order_class = (int16_t)lockorder_class(name);
}

void acquire(struct spinlock *lk)
{
    push_off();
    if (holding(lk))
        panic("acquire: '%s' is already held by this hart", lk->name);
    lockorder_acquire(lk->order_class, (uint32_t)(uintptr_t)__builtin_return_address(0));
    /* amoswap.w.aq: set locked to 1 and look at what it was, in one step; `aq` keeps
     * the critical section's loads and stores after it. */
    while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE) != 0)
        lockorder_spin(lk->name);
    lk->cpu = mycpu();
}

void release(struct spinlock *lk)
{
    if (!holding(lk))
        panic("release: '%s' is not held by this hart", lk->name);
    lk->cpu = 0;
    lockorder_release(lk->order_class);
    /* amoswap.w.rl, or a fence then a store: the critical section's stores are
     * visible to the next holder before it sees the lock free. */
    __atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
    pop_off();
}

/* Only meaningful with interrupts off: otherwise this hart could move on meanwhile. */
int holding(struct spinlock *lk)
{
    return lk->locked && lk->cpu == mycpu();
}

void push_off(void)
{
    int was_on = intr_get();
    intr_off();
    struct cpu *c = mycpu();
    if (c->noff == 0)
        c->intena = was_on;
    c->noff++;
}

void pop_off(void)
{
    struct cpu *c = mycpu();
    if (intr_get())
        panic("pop_off: interrupts are on");
    if (c->noff < 1)
        panic("pop_off: not pushed");
    c->noff--;
    if (c->noff == 0 && c->intena)
        intr_on();
}
