/*
 * The kernel GDB goes back in time through (tests/reverse): S-mode under rvbox's
 * firmware, with timer interrupts every 200 us (SBI set_timer) that count `ticks`, WFI
 * now and then, and a value mixed from the loop's index and the ticks, so that going
 * back has interrupts, idle skips and memory writes to re-run exactly (~100 million
 * instructions: several of the timeline's snapshots).
 *   mix()        writes `value` (the watchpoint's target)
 *   checkpoint() called once, at iteration CHECK_AT
 *   finish()     called at the end, before the guest prints the value and powers off
 */
#include <stdint.h>

#define ITERATIONS 60000u
#define CHECK_AT   45000u
#define TICK       2000u                /* 200 us at the virt board's 10 MHz */

struct sbiret { long error, value; };

static struct sbiret sbi(long eid, long fid, long a0, long a1, long a2)
{
    register long r0 __asm__("a0") = a0, r1 __asm__("a1") = a1, r2 __asm__("a2") = a2;
    register long r6 __asm__("a6") = fid, r7 __asm__("a7") = eid;
    __asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
    return (struct sbiret){ r0, r1 };
}

static uint64_t now(void)
{
    uint32_t hi, lo, hi2;
    do {
        __asm__ volatile("rdtimeh %0" : "=r"(hi));
        __asm__ volatile("rdtime %0" : "=r"(lo));
        __asm__ volatile("rdtimeh %0" : "=r"(hi2));
    } while (hi != hi2);
    return (uint64_t)hi << 32 | lo;
}

static void set_timer(uint64_t t)
{
    sbi(0x54494D45, 0, (long)(uint32_t)t, (long)(uint32_t)(t >> 32), 0);
}

static void putc_sbi(char c)
{
    sbi(0x01, 0, c, 0, 0);              /* legacy console_putchar */
}

static void puts_sbi(const char *s)
{
    while (*s)
        putc_sbi(*s++);
}

static void put_hex(uint32_t v)
{
    for (int i = 28; i >= 0; i -= 4)
        putc_sbi("0123456789abcdef"[(v >> i) & 15]);
}

volatile uint32_t ticks;
volatile uint32_t value;

void s_trap(void)
{
    uint32_t cause;
    __asm__ volatile("csrr %0, scause" : "=r"(cause));
    if (cause == (1u << 31 | 5)) {      /* the supervisor timer */
        ticks++;
        set_timer(now() + TICK);
        return;
    }
    puts_sbi("revkernel: unexpected trap\n");
    sbi(0x53525354, 0, 0, 1, 0);        /* SRST: shutdown, system failure */
}

/* Some work in registers between two writes of `value` (~1600 instructions). */
__attribute__((noinline)) void mix(uint32_t i)
{
    uint32_t acc = i;
    for (unsigned k = 0; k < 400; k++)
        acc = acc * 1664525u + 1013904223u;
    value = value * 31u + (acc >> 16) + ticks;
}

__attribute__((noinline)) void checkpoint(uint32_t i)
{
    __asm__ volatile("" : : "r"(i) : "memory");
}

__attribute__((noinline)) void finish(void)
{
    __asm__ volatile("" : : : "memory");
}

void kernel_main(void)
{
    set_timer(now() + TICK);
    __asm__ volatile("csrs sie, %0" : : "r"(1u << 5));
    __asm__ volatile("csrs sstatus, %0" : : "r"(1u << 1));
    for (uint32_t i = 0; i < ITERATIONS; i++) {
        mix(i);
        if (i == CHECK_AT)
            checkpoint(i);
        if (i % 1000 == 999)
            __asm__ volatile("wfi");
    }
    finish();
    puts_sbi("revkernel: value ");
    put_hex(value);
    puts_sbi(" ticks ");
    put_hex(ticks);
    puts_sbi("\n");
    sbi(0x53525354, 0, 0, 0, 0);        /* SRST: shutdown */
}
