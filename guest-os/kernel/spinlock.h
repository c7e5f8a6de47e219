/*
 * Spinlocks: mutual exclusion between harts, and between a hart and its own interrupt
 * handlers. A hart that holds a spinlock runs with interrupts off (push_off), so an
 * interrupt handler that wants the same lock can never find it held by the code it
 * interrupted; and it must not sleep (sched() checks). Hold them briefly: another hart
 * spins the whole time. docs/05-locks.md tells the story.
 *
 * In a debug build (make DEBUG=1, KITE_DEBUG) every acquire also goes through the
 * lock-order checker (lockorder.c), which stops the kernel with the names of both
 * locks when two of them are ever taken in opposite orders.
 */
#ifndef KITE_SPINLOCK_H
#define KITE_SPINLOCK_H

#include <stdint.h>

struct cpu;

struct spinlock {
    volatile uint32_t locked;   /* 1 while held: amoswap sets it, release clears it */
    const char *name;           /* for messages and the lock-order checker */
    struct cpu *cpu;            /* the hart holding it */
    int16_t order_class;        /* lockorder.c: this lock's class (its name), or -1 */
};

void initlock(struct spinlock *lk, const char *name);
void acquire(struct spinlock *lk);      /* spins until free; interrupts off meanwhile */
void release(struct spinlock *lk);
int holding(struct spinlock *lk);       /* held by this hart? */

/* Interrupts off, counted: push_off/pop_off pairs nest, and the outermost pop_off
 * turns interrupts back on only if they were on at the outermost push_off. */
void push_off(void);
void pop_off(void);

#endif
