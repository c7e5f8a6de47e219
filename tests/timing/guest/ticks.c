/*
 * Timer interrupts on time: a bare-metal M-mode program for the virt board (rvbox and
 * qemu-system-riscv32 -M virt -bios none alike) that asks the CLINT for an interrupt
 * every millisecond, 2,000 times, and reports how late each one was taken and how far
 * the spacing of consecutive ones strayed from 1 ms, both as seen in mtime:
 *
 *   ticks 2000 period_us 1000 late_us p50=12 p99=40 max=95 dev_us p50=3 p99=30 max=80
 *
 * The next deadline is always the previous deadline plus the period (not "now plus the
 * period"), so lateness does not accumulate and a late tick shows as one long spacing
 * followed by a short one, as a guest's own clock would see it.
 *
 * TICKS_IDLE: the program waits for each tick in WFI (the host should sleep until the
 * deadline); otherwise it spins, so the emulator must end its run slices at deadlines.
 */
#include <stdint.h>

#include "bus/memmap.h"

#define TICKS     2000
#define WARMUP    20                            /* not measured: the machine settles */
#define PERIOD    (MEMMAP_TIMEBASE_HZ / 1000)   /* 1 ms in timebase ticks */
#define TICKS_PER_US (MEMMAP_TIMEBASE_HZ / 1000000)

#define CLINT_MTIMECMP (MEMMAP_CLINT_BASE + 0x4000)
#define CLINT_MTIME    (MEMMAP_CLINT_BASE + 0xbff8)
#define UART_THR 0
#define UART_LSR 5
#define LSR_THRE 0x20
#define MIE_MTIE (1u << 7)
#define MSTATUS_MIE (1u << 3)

static volatile uint32_t *const mtimecmp = (volatile uint32_t *)CLINT_MTIMECMP;
static volatile uint32_t *const mtime = (volatile uint32_t *)CLINT_MTIME;
static volatile uint8_t *const uart = (volatile uint8_t *)MEMMAP_UART0_BASE;
static volatile uint32_t *const syscon = (volatile uint32_t *)MEMMAP_SYSCON_BASE;

static uint32_t late[TICKS], dev[TICKS];
static uint64_t deadline, last;
static volatile unsigned count;

/* 64-bit mtime read by halves, carry-safe. */
static uint64_t read_mtime(void)
{
    uint32_t hi, lo;
    do {
        hi = mtime[1];
        lo = mtime[0];
    } while (mtime[1] != hi);
    return (uint64_t)hi << 32 | lo;
}

/* Never let the compare pass through a value below both the old and new deadline. */
static void set_mtimecmp(uint64_t when)
{
    mtimecmp[0] = 0xffffffffu;
    mtimecmp[1] = (uint32_t)(when >> 32);
    mtimecmp[0] = (uint32_t)when;
}

static void putc_(char c)
{
    while (!(uart[UART_LSR] & LSR_THRE)) {
    }
    uart[UART_THR] = (uint8_t)c;
}

static void puts_(const char *s)
{
    while (*s)
        putc_(*s++);
}

static void putu(uint32_t v)
{
    char buf[11];
    int n = 0;
    do
        buf[n++] = (char)('0' + v % 10);
    while (v /= 10);
    while (n)
        putc_(buf[--n]);
}

__attribute__((interrupt("machine"))) void on_trap(void)
{
    uint32_t cause;
    __asm__ volatile("csrr %0, mcause" : "=r"(cause));
    if (cause != (0x80000000u | 7)) {
        puts_("unexpected trap\n");
        *syscon = (1u << 16) | 0x3333;
        for (;;) {
        }
    }
    uint64_t now = read_mtime();
    unsigned n = count;
    if (n >= WARMUP && n < WARMUP + TICKS) {
        uint64_t gap = now - last;
        late[n - WARMUP] = (uint32_t)(now - deadline);
        dev[n - WARMUP] = (uint32_t)(gap > PERIOD ? gap - PERIOD : PERIOD - gap);
    }
    last = now;
    count = n + 1;
    if (n + 1 < WARMUP + TICKS) {
        deadline += PERIOD;
        set_mtimecmp(deadline);
    } else {
        __asm__ volatile("csrc mie, %0" ::"r"(MIE_MTIE));
    }
}

/* Insertion sort: 2,000 values, once. */
static void sort(uint32_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++) {
        uint32_t x = v[i];
        unsigned j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* p50, p99 and the maximum of v (sorted in place), in microseconds. */
static void report(const char *name, uint32_t *v)
{
    sort(v, TICKS);
    puts_(name);
    puts_(" p50=");
    putu(v[TICKS / 2] / TICKS_PER_US);
    puts_(" p99=");
    putu(v[TICKS * 99 / 100] / TICKS_PER_US);
    puts_(" max=");
    putu(v[TICKS - 1] / TICKS_PER_US);
}

int main(void)
{
    __asm__ volatile("csrw mtvec, %0" ::"r"(on_trap));
    last = read_mtime();
    deadline = last + PERIOD;
    set_mtimecmp(deadline);
    __asm__ volatile("csrs mie, %0" ::"r"(MIE_MTIE));
    __asm__ volatile("csrs mstatus, %0" ::"r"(MSTATUS_MIE));
#ifndef TICKS_IDLE
    volatile uint32_t work = 0;
#endif
    while (count < WARMUP + TICKS) {
#ifdef TICKS_IDLE
        __asm__ volatile("wfi");
#else
        work++;                 /* a busy guest: the emulator never sees a WFI */
#endif
    }
    __asm__ volatile("csrc mstatus, %0" ::"r"(MSTATUS_MIE));
    puts_("ticks ");
    putu(TICKS);
    puts_(" period_us ");
    putu(PERIOD / TICKS_PER_US);
    puts_(" ");
    report("late_us", late);
    puts_(" ");
    report("dev_us", dev);
    puts_("\n");
    *syscon = 0x5555;
    for (;;) {
    }
}
