/* Traps: from user mode (system calls, faults, preemption) and in the idle kernel
 * (interrupts only: any exception in S-mode is a kernel bug and panics). */
#ifndef KITE_TRAP_H
#define KITE_TRAP_H

#include <stdint.h>

struct trapframe;

extern volatile uint32_t ticks;        /* timer interrupts since boot (TICK_HZ a second) */

void trapinit(void);                   /* stvec, sie, the first timer interrupt */
void timer_init(uint32_t timebase_hz);
void timer_pause(void);                /* no more ticks until timer_resume() */
void timer_resume(void);
uint32_t uptime_ms(void);
/* Return to user mode in the current process (never returns). */
void usertrapret(void) __attribute__((noreturn));
/* trapvec.S: restore the user registers from tf and sret. */
void userret(struct trapframe *tf) __attribute__((noreturn));

#endif
