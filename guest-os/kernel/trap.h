/* Traps: from user mode (system calls, faults, interrupts, preemption) and in the
 * kernel (interrupts, which may preempt a process there too; an exception in S-mode is
 * a kernel bug and panics). */
#ifndef KITE_TRAP_H
#define KITE_TRAP_H

#include <stdint.h>

#include "spinlock.h"

struct trapframe;

/* What sleepers on the clock sleep on (sys_sleep), and the lock they pass to sleep():
 * every timer interrupt wakes them to look at the time. */
extern struct spinlock tickslock;

void trapinit(void);                   /* the locks */
void trapinithart(void);               /* stvec, sie: on each hart */
void timer_init(uint32_t timebase_hz, int sstc);    /* sstc: stimecmp, not the SBI */
void timer_pause(void);                /* no more ticks on this hart until timer_resume() */
void timer_resume(void);
uint32_t uptime_ms(void);
/* Return to user mode in the current process (never returns). */
void usertrapret(void) __attribute__((noreturn));
/* trapvec.S: restore the user registers from tf and sret. */
void userret(struct trapframe *tf) __attribute__((noreturn));

#endif
