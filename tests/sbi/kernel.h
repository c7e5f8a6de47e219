/*
 * The small S-mode kernel the SBI tests run under the firmware: console output through
 * the SBI, PASS/FAIL bookkeeping, the time, CSR access and the trap handler's records.
 */
#ifndef SBI_TEST_KERNEL_H
#define SBI_TEST_KERNEL_H

#include <stdint.h>

#include "tests/sbi/sbi_call.h"

#define csr_read(name) ({ uint32_t v_; __asm__ volatile("csrr %0, " #name : "=r"(v_)); v_; })
#define csr_write(name, v) __asm__ volatile("csrw " #name ", %0" : : "r"((uint32_t)(v)))
#define csr_set(name, v) __asm__ volatile("csrs " #name ", %0" : : "r"((uint32_t)(v)))
#define csr_clear(name, v) __asm__ volatile("csrc " #name ", %0" : : "r"((uint32_t)(v)))

#define SSTATUS_SIE (1u << 1)
#define SSTATUS_SPP (1u << 8)
#define SIP_SSIP    (1u << 1)
#define SIP_STIP    (1u << 5)
#define SCAUSE_INTERRUPT (1u << 31)

#define TICKS_PER_MS 10000u             /* the virt board's timebase: 10 MHz */

#define MAX_HARTS 8

/* kprintf: %s %c %u %d %x (32-bit numbers), written with DBCN console_write. */
void kprintf(const char *fmt, ...);
uint32_t kstrlen(const char *s);

/* One check: prints "PASS name" or "FAIL name: ..." and counts it. */
void check(int ok, const char *name);
void check_eq(const char *name, long got, long want);
/* An SBI call's result: error and, when want_value is given, value. */
void check_ret(const char *name, struct sbiret r, long want_error);
void check_ret_value(const char *name, struct sbiret r, long want_error, long want_value);
extern unsigned checks_passed, checks_failed;

/* Power off through the syscon with exit status `code` (used for failures: the SRST
 * call itself is under test). */
void syscon_exit(uint32_t code) __attribute__((noreturn));

uint64_t now(void);                     /* the time CSR */
/* Spin until *flag != 0 or `ms` have passed; returns whether the flag came. */
int wait_flag(volatile uint32_t *flag, uint32_t ms);

static inline uint32_t this_hart(void)
{
    uint32_t t;
    __asm__ volatile("mv %0, tp" : "=r"(t));    /* start.S keeps the hart id in tp */
    return t;
}

/* What the trap handler (kernel.c) saw. Exceptions are only welcome while
 * `expect_exception` is set: the handler then records the cause and skips the faulting
 * instruction (an ecall from U-mode returns to S-mode at umode_resume instead). */
struct trap_record {
    volatile uint32_t expect_exception;
    volatile uint32_t scause, stval, sepc;
    volatile uint32_t exceptions;
    volatile uint32_t timer_irqs, soft_irqs[MAX_HARTS];
    volatile uint64_t timer_irq_time;
};
extern struct trap_record traps;

/* start.S */
struct s_frame { uint32_t regs[32]; };
void s_trap(struct s_frame *f);
void ecall_probe(uint32_t regs[32]);    /* every register in and out around one ecall */
void enter_umode(uint32_t pc);          /* runs U-mode at pc; it must ecall to come back */
void umode_ecall(void);                 /* U-mode code: ecall */
void umode_resume(void);
void secondary_entry(void);             /* where hart_start starts other harts */
void resume_entry(void);                /* where a non-retentive hart_suspend resumes:
                                           a1 = the stack to resume on */

#endif
