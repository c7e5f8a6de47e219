/*
 * The runtime of the SMP guest tests: bare metal in M-mode (rvbox -bios none -smp N, or
 * qemu-system-riscv32 -M virt -bios none -smp N), where every hart starts at _start
 * with a0 = its hart id and a1 = the device tree. start.S gives each hart a stack and
 * calls hart_main(id); hart 0 learns how many harts there are from the device tree.
 * Output goes to UART0, the end through the syscon: the same ELF runs on both.
 */
#ifndef SMP_TEST_H
#define SMP_TEST_H

#include <stdint.h>

#define MAX_HARTS 8

/* Each program's: every hart runs it (hart 0 with the device tree's hart count). */
void hart_main(uint32_t hartid, uint32_t nharts);

void putc_uart(char c);
/* printf for %u %d %x %s %c, 32-bit numbers; one hart at a time (a lock). */
void print(const char *fmt, ...);
/* Power off through the syscon: 0 passes, anything else fails with that status. */
void smp_exit(uint32_t code) __attribute__((noreturn));

/* A check: on failure, say which and end the run with status `code`. */
#define CHECK(cond, code, ...)                                                           \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            print("FAIL %s:%d: ", __FILE__, __LINE__);                                   \
            print(__VA_ARGS__);                                                          \
            print("\n");                                                                 \
            smp_exit(code);                                                              \
        }                                                                                \
    } while (0)

#define csr_read(name) ({ uint32_t v_; __asm__ volatile("csrr %0, " #name : "=r"(v_)); v_; })
#define csr_write(name, v) __asm__ volatile("csrw " #name ", %0" : : "r"((uint32_t)(v)))
#define csr_set(name, v) __asm__ volatile("csrs " #name ", %0" : : "r"((uint32_t)(v)))

static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }

/* Spin until *p == want. */
static inline void wait_eq(volatile uint32_t *p, uint32_t want)
{
    while (__atomic_load_n(p, __ATOMIC_ACQUIRE) != want)
        ;
}

#endif
