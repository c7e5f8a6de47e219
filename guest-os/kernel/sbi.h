/* Calls into the firmware (SBI v2.0): the kernel's only way to the timer and power. */
#ifndef KITE_SBI_H
#define KITE_SBI_H

#include <stdint.h>

/* Raise a supervisor timer interrupt once `time` reaches `when` (clears the pending one). */
void sbi_set_timer(uint64_t when);
/* System reset extension: never return. */
void sbi_poweroff(void) __attribute__((noreturn));
void sbi_reboot(void) __attribute__((noreturn));
void sbi_fail(void) __attribute__((noreturn));   /* shutdown, reason "system failure" */

#endif
