/*
 * Locks and atomic counters across harts. Every hart adds ITERS to each of five
 * counters: two plain ones under spinlocks (one taken with amoswap.w.aq, one with an
 * lr.w.aq/sc.w loop), each read, then written back a while later so that a lock that
 * let two harts in would lose increments; one by amoadd.w; one by compare-and-swap (an
 * lr/sc loop, as gcc makes __atomic_compare_exchange); and one with no lock at all,
 * whose lost increments show that the harts really do run into each other. Hart 0
 * checks the totals and prints, per hart, how often its sc.w failed and how long it
 * waited: numbers that depend on exactly how the harts were interleaved, so that a
 * deterministic run (-icount) can be compared byte for byte.
 */
#include "tests/smp/guest/smp.h"

#define ITERS 2000

static volatile uint32_t amo_lock, lrsc_lock;
static uint32_t count_amo_lock, count_lrsc_lock, count_unlocked;
static volatile uint32_t count_amoadd, count_cas;
static volatile uint32_t finished;
static uint32_t sc_fail[MAX_HARTS], waits[MAX_HARTS];

/* Read, wait a little, write back one more: two harts in here at once lose one. */
static void slow_increment(uint32_t *counter)
{
    uint32_t v = *(volatile uint32_t *)counter;
    for (volatile int i = 0; i < 8; i++)
        ;
    *(volatile uint32_t *)counter = v + 1;
}

static void amo_acquire(volatile uint32_t *lock, uint32_t me)
{
    while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE)) {
        waits[me]++;
        while (__atomic_load_n(lock, __ATOMIC_RELAXED))
            ;
    }
}

static void lrsc_acquire(volatile uint32_t *lock, uint32_t me)
{
    for (;;) {
        uint32_t old, result;
        __asm__ volatile("lr.w.aq  %0, (%2)\n"
                         "bnez     %0, 1f\n"
                         "sc.w     %1, %3, (%2)\n"
                         "j        2f\n"
                         "1: li    %1, 2\n"
                         "2:"
                         : "=&r"(old), "=&r"(result) : "r"(lock), "r"(1u) : "memory");
        if (result == 0)
            return;
        if (result == 1)
            sc_fail[me]++;
        else
            waits[me]++;
    }
}

static void release(volatile uint32_t *lock)
{
    __atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

static void cas_increment(volatile uint32_t *counter)
{
    uint32_t v = __atomic_load_n(counter, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(counter, &v, v + 1, 0, __ATOMIC_ACQ_REL,
                                        __ATOMIC_RELAXED))
        ;
}

void hart_main(uint32_t me, uint32_t nharts)
{
    if (me >= nharts)
        return;
    for (uint32_t i = 0; i < ITERS; i++) {
        amo_acquire(&amo_lock, me);
        slow_increment(&count_amo_lock);
        release(&amo_lock);

        lrsc_acquire(&lrsc_lock, me);
        slow_increment(&count_lrsc_lock);
        release(&lrsc_lock);

        __atomic_fetch_add(&count_amoadd, 1, __ATOMIC_RELAXED);
        cas_increment(&count_cas);
        slow_increment(&count_unlocked);
    }
    __atomic_fetch_add(&finished, 1, __ATOMIC_ACQ_REL);
    if (me != 0)
        return;
    wait_eq(&finished, nharts);
    uint32_t want = nharts * ITERS;
    print("smp-spinlock: %u harts, %u each: amoswap lock %u, lr/sc lock %u, amoadd %u, "
          "cas %u\n", nharts, ITERS, count_amo_lock, count_lrsc_lock, count_amoadd,
          count_cas);
    for (uint32_t h = 0; h < nharts; h++)
        print("smp-spinlock: hart %u: %u sc.w failed, %u waits\n", h, sc_fail[h], waits[h]);
    print("smp-spinlock: without a lock, %u of %u increments were lost\n",
          want - count_unlocked, want);
    CHECK(count_amo_lock == want, 1, "amoswap lock: %u, want %u", count_amo_lock, want);
    CHECK(count_lrsc_lock == want, 2, "lr/sc lock: %u, want %u", count_lrsc_lock, want);
    CHECK(count_amoadd == want, 3, "amoadd: %u, want %u", count_amoadd, want);
    CHECK(count_cas == want, 4, "cas: %u, want %u", count_cas, want);
    print("smp-spinlock: ok\n");
}
