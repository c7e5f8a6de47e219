/*
 * rvbox's compute benchmark: a fixed, deterministic workload of about 1.2e9 RV32IMAC
 * instructions, the same on every engine, that ends by printing one line
 *
 *     BENCH instret=<decimal> checksum=0x<hex> cycle=<decimal>
 *
 * instret and cycle are minstret and mcycle read at the end (counted from reset); the
 * checksum folds in every intermediate result, so two engines that print the same
 * checksum computed the same thing. tests/bench/run.sh compares them.
 *
 * Each round runs six kernels over a 64 KiB array, one instruction mix each:
 *   scramble   xorshift stream, word loads and stores
 *   collatz    data-dependent branches, divu/remu by data-dependent divisors
 *   calls      indirect calls through a table, chosen by the data; a direct call
 *   bytes      byte loads over the whole array, halfword load/store histogram
 *   signed     mul/mulh, signed div/rem and signed compares
 *   atomics    amoadd.w, and an lr.w/sc.w read-modify-write loop
 *
 * No libc: printing is done here, one byte at a time through console.h.
 */
#include <stdint.h>

#include "console.h"

/* Rounds of all six kernels, about 1.7e6 instructions each: 1.2e9 in all. */
#ifndef BENCH_ROUNDS
#define BENCH_ROUNDS 704
#endif

#define BENCH_WORDS 16384u /* 64 KiB of words: far more than a few KiB */
#define BENCH_ATOMIC_STRIDE 64u /* one amoadd and one lr/sc per 64 words */

static uint32_t words[BENCH_WORDS];
static uint16_t hist[256];
static uint32_t amo_total;  /* target of amoadd.w */
static uint32_t lrsc_word;  /* target of the lr/sc loop */

/* Fold one value into a running hash; order-sensitive, so any wrong value shows. */
static inline uint32_t hash_step(uint32_t h, uint32_t v)
{
    h ^= v;
    h = (h << 7) | (h >> 25);
    return h * 0x9e3779b1u;
}

/* Stores: add a xorshift32 stream into the array. Returns the stream's last value. */
static uint32_t kernel_scramble(uint32_t seed)
{
    uint32_t x = seed | 1;

    for (uint32_t i = 0; i < BENCH_WORDS; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        words[i] += x;
    }
    return x;
}

/* Branches that follow the data: a Collatz step on every word, then a quotient or a
 * remainder (chosen by the result) by a divisor taken from the word itself. */
static uint32_t kernel_collatz(void)
{
    uint32_t acc = 0;

    for (uint32_t i = 0; i < BENCH_WORDS; i++) {
        uint32_t v = words[i];
        uint32_t d = ((v >> 9) & 0x3ff) | 1;

        if (v & 1)
            v = 3 * v + 1;
        else
            v >>= 1;
        if (v & 0x100)
            acc += v / d;
        else
            acc ^= v % d;
        words[i] = v;
    }
    return acc;
}

/* The targets of the indirect calls: small enough that the call is most of the work. */
typedef uint32_t (*bench_op)(uint32_t acc, uint32_t v);

__attribute__((noinline)) static uint32_t op_rotate(uint32_t acc, uint32_t v)
{
    uint32_t s = v & 31;
    return ((acc << s) | (acc >> ((32 - s) & 31))) + v;
}

__attribute__((noinline)) static uint32_t op_mulhu(uint32_t acc, uint32_t v)
{
    return (uint32_t)(((uint64_t)acc * (v | 1)) >> 32) ^ acc;
}

__attribute__((noinline)) static uint32_t op_sub(uint32_t acc, uint32_t v)
{
    return (acc - v) ^ (v >> 3);
}

__attribute__((noinline)) static uint32_t op_mul(uint32_t acc, uint32_t v)
{
    return acc * 0x01000193u + v;
}

static bench_op const ops[4] = { op_rotate, op_mulhu, op_sub, op_mul };

/* Direct, non-inlined call: Euclid's gcd, whose loop length depends on the data. */
__attribute__((noinline)) static uint32_t gcd(uint32_t a, uint32_t b)
{
    while (b != 0) {
        uint32_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Calls: one indirect call per word, chosen by its low bits; a gcd every 32 words. */
static uint32_t kernel_calls(uint32_t acc)
{
    for (uint32_t i = 0; i < BENCH_WORDS; i++) {
        uint32_t v = words[i];

        acc = ops[(v >> 4) & 3](acc, v);
        if ((i & 31) == 0)
            acc += gcd(v, words[BENCH_WORDS - 1 - i] | 1);
    }
    return acc;
}

/* Byte loads: a histogram of every byte of the array (halfword counters), then a sum of
 * the signed bytes at odd positions. */
static uint32_t kernel_bytes(void)
{
    const uint8_t *bytes = (const uint8_t *)words;
    const int8_t *sbytes = (const int8_t *)words;
    uint32_t acc = 0;
    int32_t signed_sum = 0;

    for (uint32_t k = 0; k < 256; k++)
        hist[k] = 0;
    for (uint32_t i = 0; i < BENCH_WORDS * 4; i++)
        hist[bytes[i]]++;
    for (uint32_t i = 1; i < BENCH_WORDS * 4; i += 2)
        signed_sum += sbytes[i];
    for (uint32_t k = 0; k < 256; k++)
        acc = hash_step(acc, hist[k]);
    return acc ^ (uint32_t)signed_sum;
}

/* Signed arithmetic on pairs of words: the high half of the signed product, a signed
 * quotient and remainder (divisor positive, so never INT_MIN / -1), a signed compare. */
static uint32_t kernel_signed(void)
{
    uint32_t acc = 0;

    for (uint32_t i = 0; i < BENCH_WORDS; i += 2) {
        int32_t a = (int32_t)words[i];
        int32_t b = (int32_t)words[i + 1];
        int32_t d = (b & 0x7fff) | 1;
        int64_t p = (int64_t)a * b;

        acc += (uint32_t)(p >> 32) ^ (uint32_t)p;
        if (a < b)
            acc += (uint32_t)(a / d);
        else
            acc -= (uint32_t)(a % d);
    }
    return acc;
}

/* amoadd.w: returns the old value. */
static inline uint32_t amoadd(uint32_t *p, uint32_t v)
{
    uint32_t old;

    __asm__ volatile("amoadd.w %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory");
    return old;
}

/* *p = rotl(*p, 5) ^ v, as an lr.w/sc.w loop; returns the old value. */
static inline uint32_t lrsc_rotxor(uint32_t *p, uint32_t v)
{
    uint32_t old, tmp, fail;

    __asm__ volatile("1: lr.w  %0, (%3)\n"
                     "   slli  %1, %0, 5\n"
                     "   srli  %2, %0, 27\n"
                     "   or    %1, %1, %2\n"
                     "   xor   %1, %1, %4\n"
                     "   sc.w  %2, %1, (%3)\n"
                     "   bnez  %2, 1b\n"
                     : "=&r"(old), "=&r"(tmp), "=&r"(fail)
                     : "r"(p), "r"(v)
                     : "memory");
    return old;
}

/* A few atomics: one amoadd and one lr/sc update per 64 words. */
static uint32_t kernel_atomics(void)
{
    uint32_t acc = 0;

    for (uint32_t i = 0; i < BENCH_WORDS; i += BENCH_ATOMIC_STRIDE) {
        acc += amoadd(&amo_total, words[i]);
        acc ^= lrsc_rotxor(&lrsc_word, words[i + 1]);
    }
    return acc;
}

/* The whole workload; returns its checksum. */
static uint32_t bench_run(void)
{
    uint32_t sum = 0x811c9dc5u;

    for (uint32_t r = 0; r < BENCH_ROUNDS; r++) {
        sum = hash_step(sum, kernel_scramble(sum + r));
        sum = hash_step(sum, kernel_collatz());
        sum = hash_step(sum, kernel_calls(sum));
        sum = hash_step(sum, kernel_bytes());
        sum = hash_step(sum, kernel_signed());
        sum = hash_step(sum, kernel_atomics());
    }
    for (uint32_t i = 0; i < BENCH_WORDS; i++)
        sum = hash_step(sum, words[i]);
    sum = hash_step(sum, amo_total);
    return hash_step(sum, lrsc_word);
}

/* minstret as 64 bits: re-read if the high half moved while we read the low half. */
static uint64_t read_instret(void)
{
    uint32_t hi, lo, hi2;

    do {
        __asm__ volatile("csrr %0, minstreth" : "=r"(hi));
        __asm__ volatile("csrr %0, minstret" : "=r"(lo));
        __asm__ volatile("csrr %0, minstreth" : "=r"(hi2));
    } while (hi != hi2);
    return ((uint64_t)hi << 32) | lo;
}

/* mcycle as 64 bits, the same way. */
static uint64_t read_cycle(void)
{
    uint32_t hi, lo, hi2;

    do {
        __asm__ volatile("csrr %0, mcycleh" : "=r"(hi));
        __asm__ volatile("csrr %0, mcycle" : "=r"(lo));
        __asm__ volatile("csrr %0, mcycleh" : "=r"(hi2));
    } while (hi != hi2);
    return ((uint64_t)hi << 32) | lo;
}

static void put_str(const char *s)
{
    while (*s)
        console_putc(*s++);
}

static void put_hex32(uint32_t v)
{
    for (int shift = 28; shift >= 0; shift -= 4)
        console_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

/* Decimal without 64-bit division (that would need libgcc): subtract powers of ten. */
static void put_dec64(uint64_t v)
{
    static const uint64_t pow10[] = {
        10000000000000000000ull, 1000000000000000000ull, 100000000000000000ull,
        10000000000000000ull, 1000000000000000ull, 100000000000000ull, 10000000000000ull,
        1000000000000ull, 100000000000ull, 10000000000ull, 1000000000ull, 100000000ull,
        10000000ull, 1000000ull, 100000ull, 10000ull, 1000ull, 100ull, 10ull, 1ull,
    };
    const unsigned n = sizeof pow10 / sizeof pow10[0];
    int started = 0;

    for (unsigned k = 0; k < n; k++) {
        char digit = '0';

        while (v >= pow10[k]) {
            v -= pow10[k];
            digit++;
        }
        if (digit != '0' || started || k == n - 1) {
            console_putc(digit);
            started = 1;
        }
    }
}

/* Called by start.S for any trap: nothing in the benchmark should trap. */
void bench_trap(uint32_t mcause, uint32_t mepc, uint32_t mtval)
{
    static int trapped;

    if (trapped) /* trapped again while reporting: the console itself faults */
        console_exit(4);
    trapped = 1;
    put_str("BENCH trap mcause=0x");
    put_hex32(mcause);
    put_str(" mepc=0x");
    put_hex32(mepc);
    put_str(" mtval=0x");
    put_hex32(mtval);
    put_str("\n");
    console_exit(3);
}

/* Called by start.S; its result is the exit status. */
int bench_main(void)
{
    uint32_t checksum = bench_run();
    uint64_t instret = read_instret();
    uint64_t cycle = read_cycle();

    put_str("BENCH instret=");
    put_dec64(instret);
    put_str(" checksum=0x");
    put_hex32(checksum);
    put_str(" cycle=");
    put_dec64(cycle);
    put_str("\n");
    return 0;
}
