/*
 * LR/SC reservations across harts. Hart 0 takes a reservation with lr.w, has hart 1 do
 * one thing to memory while it waits, then tries sc.w:
 *
 *   hart 1 does                                     hart 0's sc.w
 *   stores the same value to the reserved word      fails (a store, not a change, breaks it)
 *   stores another value there                      fails
 *   amoadd.w of 0 to it                             fails
 *   lr.w and a successful sc.w of its own there     fails
 *   sc.w there with no reservation (which fails)    succeeds: nothing was stored
 *   loads it                                        succeeds
 *   stores to another word of the same page        succeeds (rvbox reserves one word)
 *   stores to another page                          succeeds
 *
 * (The spec lets an sc.w fail for other reasons; rvbox's fails only for these.) Then the
 * other way round: hart 1 holds the reservation and hart 0 stores. With one hart only,
 * the test says so and passes: there is nothing to check.
 *
 * Harts in threads of their own (rvbox -accel ...,thread=multi, QEMU's MTTCG) keep a
 * reservation as the value lr.w read, and sc.w is a compare-and-swap from it: there,
 * what leaves the word's value as it was (a store of the same value, amoadd.w of 0, an
 * lr.w/sc.w pair storing what it read) breaks nothing. The first case tells which kind
 * of machine this is, and the others must then agree with it; the test says which.
 */
#include "tests/smp/guest/smp.h"

enum { NOTHING, STORE_SAME, STORE_OTHER, AMOADD_0, LRSC, SC_ONLY, LOAD, STORE_PAGE,
       STORE_FAR, HOLD };

static uint32_t page[1024] __attribute__((aligned(4096)));
static uint32_t far_page[1024] __attribute__((aligned(4096)));
static volatile uint32_t command __attribute__((aligned(64)));
static volatile uint32_t done __attribute__((aligned(64)));
static volatile uint32_t held __attribute__((aligned(64)));
static volatile uint32_t hold_result __attribute__((aligned(64)));

#define WORD (&page[16])

static uint32_t lr(volatile uint32_t *p)
{
    uint32_t v;
    __asm__ volatile("lr.w %0, (%1)" : "=r"(v) : "r"(p) : "memory");
    return v;
}

/* 0: stored; 1: failed. */
static uint32_t sc(volatile uint32_t *p, uint32_t v)
{
    uint32_t r;
    __asm__ volatile("sc.w %0, %2, (%1)" : "=r"(r) : "r"(p), "r"(v) : "memory");
    return r;
}

/* Hart 1: wait for a command, carry it out, count it done. */
static void helper(void)
{
    for (uint32_t seen = 0;;) {
        uint32_t c;
        while ((c = __atomic_load_n(&command, __ATOMIC_ACQUIRE)) == NOTHING)
            ;
        volatile uint32_t *w = WORD;
        switch (c) {
        case STORE_SAME: *w = *w; break;
        case STORE_OTHER: *w = *w + 1; break;
        case AMOADD_0: __atomic_fetch_add(w, 0, __ATOMIC_RELAXED); break;
        case LRSC: {
            uint32_t v = lr(w);
            CHECK(sc(w, v) == 0, 20, "hart 1's own lr/sc pair failed");
            break;
        }
        case SC_ONLY: CHECK(sc(w, 0xdead) == 1, 21, "sc.w without a reservation stored"); break;
        case LOAD: (void)*w; break;
        case STORE_PAGE: page[17] = page[17] + 1; break;
        case STORE_FAR: far_page[16] = far_page[16] + 1; break;
        case HOLD: {
            uint32_t v = lr(w);
            __atomic_store_n(&held, 1, __ATOMIC_RELEASE);
            while (__atomic_load_n(&held, __ATOMIC_ACQUIRE) == 1)
                ;                   /* hart 0 stores to the word, then says so */
            hold_result = sc(w, v + 100);
            break;
        }
        }
        __atomic_store_n(&command, NOTHING, __ATOMIC_RELEASE);
        __atomic_store_n(&done, ++seen, __ATOMIC_RELEASE);
    }
}

static uint32_t rounds;

/* lr.w, hart 1 does `what`, sc.w: its result. */
static uint32_t round_trip(uint32_t what)
{
    volatile uint32_t *w = WORD;
    uint32_t v = lr(w);
    __atomic_store_n(&command, what, __ATOMIC_RELEASE);
    wait_eq(&done, ++rounds);
    return sc(w, v + 1);
}

void hart_main(uint32_t me, uint32_t nharts)
{
    if (me == 1)
        helper();
    if (me != 0)
        return;
    if (nharts < 2) {
        print("smp-reservation: one hart, nothing to check: ok\n");
        return;
    }
    /* same: 1 where any store breaks the reservation, 0 where values are compared */
    uint32_t same = 1;
    static const struct { uint32_t what, want; const char *name; } cases[] = {
        { STORE_SAME, 2, "a store of the same value" },     /* 2: `same` */
        { STORE_OTHER, 1, "a store of another value" },
        { AMOADD_0, 2, "amoadd.w of 0" },
        { LRSC, 2, "an lr.w/sc.w pair" },
        { SC_ONLY, 0, "a failing sc.w" },
        { LOAD, 0, "a load" },
        { STORE_PAGE, 0, "a store to another word of the page" },
        { STORE_FAR, 0, "a store to another page" },
    };
    for (uint32_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint32_t before = *WORD, got = round_trip(cases[i].what);
        print("smp-reservation: after %s by hart 1, sc.w %s\n", cases[i].name,
              got ? "fails" : "succeeds");
        if (i == 0)
            same = got;
        uint32_t want = cases[i].want == 2 ? same : cases[i].want;
        CHECK(got == want, 1 + i, "after %s, sc.w gave %u, want %u", cases[i].name, got,
              want);
        if (!got)
            CHECK(*WORD == before + 1, 10 + i, "sc.w succeeded but stored %x", *WORD);
    }
    /* The other way round: hart 1 reserved, hart 0 stores the same value. */
    __atomic_store_n(&command, HOLD, __ATOMIC_RELEASE);
    wait_eq(&held, 1);
    volatile uint32_t *w = WORD;
    *w = *w;
    __atomic_store_n(&held, 2, __ATOMIC_RELEASE);
    wait_eq(&done, ++rounds);
    print("smp-reservation: hart 1's sc.w after hart 0's store %s\n",
          hold_result ? "fails" : "succeeds");
    CHECK(hold_result == same, 30, "hart 1's sc.w gave %u after hart 0's store of the same "
          "value, want %u", hold_result, same);
    print("smp-reservation: ok (%s)\n", same ? "any store breaks a reservation"
                                             : "sc.w compares values, as QEMU's MTTCG");
}
