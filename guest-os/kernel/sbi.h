/* Calls into the firmware (SBI v2.0): the kernel's only way to the timer and power. */
#ifndef KITE_SBI_H
#define KITE_SBI_H

#include <stdint.h>

/* Raise a supervisor timer interrupt once `time` reaches `when` (clears the pending one). */
void sbi_set_timer(uint64_t when);
/* HSM: start hart `hartid` at physical address `start` in S-mode, paging off, with
 * a0 = hartid and a1 = opaque. 0 on success, an SBI error (< 0) otherwise. */
long sbi_hart_start(uint32_t hartid, uint32_t start, uint32_t opaque);
/* IPI: a supervisor software interrupt on each hart of hart_mask (bit i: hart i). */
void sbi_send_ipi(uint32_t hart_mask);
/* System reset extension: never return. */
void sbi_poweroff(void) __attribute__((noreturn));
void sbi_reboot(void) __attribute__((noreturn));
void sbi_fail(void) __attribute__((noreturn));   /* shutdown, reason "system failure" */

#endif
