/*
 * Sleep locks: held for a long time, across disk I/O, by a process. A process that
 * finds one held sleeps (gives the hart to others) instead of spinning, so interrupts
 * stay on while it is held. Only processes take them: never an interrupt handler, and
 * never while holding a spinlock (sleeping with one held would stop every hart that
 * wants it). The buffer cache, the inodes and the log use them.
 */
#ifndef KITE_SLEEPLOCK_H
#define KITE_SLEEPLOCK_H

#include <stdint.h>

#include "spinlock.h"

struct sleeplock {
    int locked;
    struct spinlock lk;         /* guards `locked` and `pid`, and the sleep on them */
    const char *name;
    int pid;                    /* the holder */
    int16_t order_class;        /* lockorder.c */
};

void initsleeplock(struct sleeplock *lk, const char *name);
void acquiresleep(struct sleeplock *lk);
void releasesleep(struct sleeplock *lk);
int holdingsleep(struct sleeplock *lk);     /* held by the current process? */

#endif
