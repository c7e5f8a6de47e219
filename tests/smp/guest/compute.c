/*
 * Work that needs no other hart: every hart mixes a 16 KiB table of its own for ROUNDS
 * rounds, then adds its checksum to a shared total (amoadd.w), and hart 0 prints the
 * total once all are done. The total does not depend on how the harts interleave, so
 * any engine and any way of running the harts must print the same one. With N harts the
 * work is N times one hart's: harts in threads of their own (-accel ...,thread=multi)
 * should do it in about the time of one (tests/bench/smp.sh).
 */
#include "tests/smp/guest/smp.h"

#ifndef ROUNDS
#define ROUNDS 100000
#endif
#define WORDS 4096

/* Page-aligned: data in the page of the code would make every store there throw the
 * harts' decoded code away (as on QEMU), which is not what this measures. */
static uint32_t table[MAX_HARTS][WORDS] __attribute__((aligned(4096)));
static volatile uint32_t total, finished;

static uint32_t mix(uint32_t *t, uint32_t seed)
{
    uint32_t x = seed, sum = 0;
    for (uint32_t i = 0; i < WORDS; i++)
        t[i] = i * 2654435761u ^ seed;
    for (uint32_t r = 0; r < ROUNDS; r++) {
        for (uint32_t i = 0; i < WORDS; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            uint32_t j = (x >> 7) % WORDS;
            t[i] = t[i] * 33 + (t[j] >> 3) + x;
            sum += t[i] ^ (sum >> 11);
        }
    }
    return sum;
}

void hart_main(uint32_t me, uint32_t nharts)
{
    if (me >= nharts)
        return;
    uint32_t sum = mix(table[me], 0x9e3779b9u * (me + 1));
    __atomic_fetch_add(&total, sum, __ATOMIC_RELAXED);
    __atomic_fetch_add(&finished, 1, __ATOMIC_ACQ_REL);
    if (me != 0)
        return;
    wait_eq(&finished, nharts);
    print("smp-compute: %u harts, %u rounds each: total %x\n", nharts, ROUNDS, total);
    print("smp-compute: ok\n");
}
