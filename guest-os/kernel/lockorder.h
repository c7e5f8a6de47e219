/*
 * The lock-order checker, in debug builds (make DEBUG=1, which defines KITE_DEBUG).
 *
 * Two locks taken in opposite orders by two code paths can deadlock: hart 1 holds A and
 * waits for B while hart 2 holds B and waits for A. It may take a million runs for the
 * timing to line up, so the checker does not wait for it: it remembers, for every pair
 * of lock classes (a class is a lock's name: all "proc" locks are one class), whether
 * one was ever taken while the other was held. The first time an acquire would close a
 * cycle (B while holding A, when A was once taken while holding B, directly or through
 * other locks) it stops the kernel and names the two locks and where each order
 * happened. It also complains about a sleep lock taken while a spinlock is held.
 *
 * Without KITE_DEBUG these are empty and cost nothing.
 */
#ifndef KITE_LOCKORDER_H
#define KITE_LOCKORDER_H

#include <stdint.h>

#ifdef KITE_DEBUG
int lockorder_class(const char *name);                  /* the class for this name */
void lockorder_acquire(int cls, uint32_t pc);           /* a spinlock, before spinning */
void lockorder_release(int cls);
void lockorder_acquire_sleep(int cls, uint32_t pc);     /* a sleep lock, before sleeping */
void lockorder_release_sleep(int cls);
void lockorder_spin(const char *name);                  /* one more turn of a spin loop */
void lockorder_intr_enter(void);                        /* an interrupt handler runs: */
void lockorder_intr_exit(void);                         /*   the process's locks are not its */
void lockorder_selftest(void);                          /* bootargs "lockorder-selftest" */
#else
static inline int lockorder_class(const char *name) { (void)name; return -1; }
static inline void lockorder_acquire(int cls, uint32_t pc) { (void)cls; (void)pc; }
static inline void lockorder_release(int cls) { (void)cls; }
static inline void lockorder_acquire_sleep(int cls, uint32_t pc) { (void)cls; (void)pc; }
static inline void lockorder_release_sleep(int cls) { (void)cls; }
static inline void lockorder_spin(const char *name) { (void)name; }
static inline void lockorder_intr_enter(void) {}
static inline void lockorder_intr_exit(void) {}
static inline void lockorder_selftest(void) {}
#endif

#endif
