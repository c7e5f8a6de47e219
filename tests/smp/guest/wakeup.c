/*
 * Harts that sleep and wake: each hart, in turn for ROUNDS rounds, sets its own CLINT
 * mtimecmp a little ahead (a different time per hart, or the same) and waits in WFI
 * until its timer
 * fires, checking it did not wake early; meanwhile hart 0 wakes the others one at a
 * time with an IPI (their CLINT msip) and waits for each to answer. WFI on one hart
 * must not stop the others, the machine is idle only when every hart waits, and each
 * hart's MSIP and MTIP are its own. Hart 0 prints, per hart, how many times it woke and
 * the time it last woke: under -icount, numbers that must repeat exactly.
 */
#include "tests/smp/guest/smp.h"

#include "bus/memmap.h"

#define ROUNDS 20
#define MIP_MSIP (1u << 3)
#define MIP_MTIP (1u << 7)

#define CLINT_MSIP(h)     ((volatile uint32_t *)(MEMMAP_CLINT_BASE + 4 * (h)))
#define CLINT_MTIMECMP(h) ((volatile uint32_t *)(MEMMAP_CLINT_BASE + 0x4000 + 8 * (h)))
#define CLINT_MTIME       ((volatile uint32_t *)(MEMMAP_CLINT_BASE + 0xbff8))

static volatile uint32_t timer_wakes[MAX_HARTS], ipi_wakes[MAX_HARTS], acks[MAX_HARTS];
static volatile uint32_t last_woke[MAX_HARTS], finished;

static uint64_t mtime(void)
{
    uint32_t hi, lo;
    do {
        hi = CLINT_MTIME[1];
        lo = CLINT_MTIME[0];
    } while (hi != CLINT_MTIME[1]);
    return (uint64_t)hi << 32 | lo;
}

static void set_timer(uint32_t hart, uint64_t when)
{
    volatile uint32_t *cmp = CLINT_MTIMECMP(hart);
    cmp[1] = 0xffffffffu;
    cmp[0] = (uint32_t)when;
    cmp[1] = (uint32_t)(when >> 32);
}

/* Sleep until this hart's timer fires (mip.MTIP): in odd rounds 100 us * (hart + 1)
 * from now; in even ones at the next multiple of 500 us, where the harts that sleep
 * then all wake at once (which one runs first is the machine's business). */
static void sleep_on_timer(uint32_t me, uint32_t round)
{
    uint32_t at = (uint32_t)mtime();         /* the test lasts far less than 2^32 ticks */
    uint64_t when = round & 1 ? at + 1000 * (me + 1) : (at / 5000 + 1) * 5000;
    set_timer(me, when);
    while (!(csr_read(mip) & MIP_MTIP))
        wfi();
    uint64_t now = mtime();
    CHECK(now >= when, 10 + me, "hart %u woke at %u, before its timer at %u", me,
          (uint32_t)now, (uint32_t)when);
    set_timer(me, ~0ull);
    timer_wakes[me]++;
    last_woke[me] = (uint32_t)now;
}

void hart_main(uint32_t me, uint32_t nharts)
{
    if (me >= nharts)
        return;
    csr_write(mie, MIP_MSIP | MIP_MTIP);        /* wfi wakes on them; mstatus.MIE stays 0 */
    for (uint32_t r = 0; r < ROUNDS; r++) {
        sleep_on_timer(me, r);
        if (me == 0) {
            for (uint32_t h = 1; h < nharts; h++) {
                *CLINT_MSIP(h) = 1;
                wait_eq(&acks[h], r + 1);
            }
        } else {
            while (!(csr_read(mip) & MIP_MSIP))
                wfi();
            *CLINT_MSIP(me) = 0;
            ipi_wakes[me]++;
            __atomic_store_n(&acks[me], r + 1, __ATOMIC_RELEASE);
        }
    }
    __atomic_fetch_add(&finished, 1, __ATOMIC_ACQ_REL);
    if (me != 0)
        return;
    wait_eq(&finished, nharts);
    for (uint32_t h = 0; h < nharts; h++) {
        print("smp-wakeup: hart %u: %u timer wakeups, %u IPIs, last woke at %u\n", h,
              timer_wakes[h], ipi_wakes[h], last_woke[h]);
        CHECK(timer_wakes[h] == ROUNDS, 1, "hart %u: %u timer wakeups", h, timer_wakes[h]);
        CHECK(h == 0 || ipi_wakes[h] == ROUNDS, 2, "hart %u: %u IPIs", h, ipi_wakes[h]);
    }
    print("smp-wakeup: ok\n");
}
