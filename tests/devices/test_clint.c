/*
 * The CLINT (devices/clint.h) through the bus, with two harts, fake MSIP/MTIP sinks and a
 * manual clock: msip, mtime as the clock, mtimecmp against it (MTIP exactly at the
 * compare, on writes and on clint_update), the next deadline, absent harts and the
 * access sizes the region refuses.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bus/memmap.h"
#include "devices/clint.h"
#include "fakes.h"

#define BASE      MEMMAP_CLINT_BASE
#define MSIP(h)   (BASE + 4u * (h))
#define CMP_LO(h) (BASE + 0x4000u + 8u * (h))
#define CMP_HI(h) (CMP_LO(h) + 4u)
#define MTIME_LO  (BASE + 0xbff8u)
#define MTIME_HI  (BASE + 0xbffcu)
#define NHARTS    2

static struct bus *bus;
static struct clock clk;
static struct fake_irq msip_sink, mtip_sink;
static struct clint *clint;

static void setup(void)
{
    memset(&msip_sink, 0, sizeof msip_sink);
    memset(&mtip_sink, 0, sizeof mtip_sink);
    clock_init_manual(&clk);
    bus = bus_create();
    ck_assert_ptr_nonnull(bus);
    struct irq_line msip[NHARTS], mtip[NHARTS];
    for (unsigned h = 0; h < NHARTS; h++) {
        msip[h] = fake_irq_line(&msip_sink, h);
        mtip[h] = fake_irq_line(&mtip_sink, h);
    }
    clint = clint_create(NHARTS, &clk, msip, mtip);
    ck_assert_ptr_nonnull(clint);
    ck_assert_int_eq(clint_attach(clint, bus, BASE), BUS_ERR_NONE);
}

static void teardown(void)
{
    clint_destroy(clint);
    bus_destroy(bus);
}

/* As rv32 software does: keep the compare out of reach while the halves change. */
static void set_mtimecmp(unsigned hart, uint64_t when)
{
    wr32(bus, CMP_LO(hart), 0xffffffffu);
    wr32(bus, CMP_HI(hart), (uint32_t)(when >> 32));
    wr32(bus, CMP_LO(hart), (uint32_t)when);
}

START_TEST(test_create_limits)
{
    ck_assert_ptr_null(clint_create(0, &clk, NULL, NULL));
    ck_assert_ptr_null(clint_create(CLINT_MAX_HARTS + 1, &clk, NULL, NULL));
    struct clint *c = clint_create(CLINT_MAX_HARTS, &clk, NULL, NULL);
    ck_assert_ptr_nonnull(c);      /* no lines wired: still works */
    clint_update(c);
    clint_destroy(c);
}
END_TEST

START_TEST(test_reset_state)
{
    for (unsigned h = 0; h < NHARTS; h++) {
        ck_assert_uint_eq(rd32(bus, MSIP(h)), 0);
        ck_assert_uint_eq(rd32(bus, CMP_LO(h)), 0xffffffffu);
        ck_assert_uint_eq(rd32(bus, CMP_HI(h)), 0xffffffffu);
        ck_assert(!msip_sink.level[h]);
        ck_assert(!mtip_sink.level[h]);
    }
    ck_assert_uint_eq(clint_next_deadline(clint), UINT64_MAX);
    /* reset puts a changed CLINT back */
    wr32(bus, MSIP(0), 1);
    set_mtimecmp(1, 0);
    ck_assert(msip_sink.level[0] && mtip_sink.level[1]);
    clint_reset(clint);
    ck_assert(!msip_sink.level[0] && !mtip_sink.level[1]);
    ck_assert_uint_eq(rd32(bus, CMP_LO(1)), 0xffffffffu);
    ck_assert_uint_eq(rd32(bus, MSIP(0)), 0);
}
END_TEST

START_TEST(test_msip)
{
    wr32(bus, MSIP(0), 1);
    ck_assert_uint_eq(rd32(bus, MSIP(0)), 1);
    ck_assert(msip_sink.level[0]);
    ck_assert(!msip_sink.level[1]);                 /* the other hart's line is its own */
    wr32(bus, MSIP(0), 0xfffffffeu);                /* bit 0 only */
    ck_assert_uint_eq(rd32(bus, MSIP(0)), 0);
    ck_assert(!msip_sink.level[0]);
    wr32(bus, MSIP(1), 0xffffffffu);
    ck_assert_uint_eq(rd32(bus, MSIP(1)), 1);
    ck_assert(msip_sink.level[1]);
    ck_assert(!msip_sink.level[0]);
    ck_assert(!mtip_sink.level[0] && !mtip_sink.level[1]);
}
END_TEST

START_TEST(test_absent_harts)
{
    unsigned sets = msip_sink.sets + mtip_sink.sets;
    wr32(bus, MSIP(NHARTS), 1);
    ck_assert_uint_eq(rd32(bus, MSIP(NHARTS)), 0);
    wr32(bus, CMP_LO(NHARTS), 5);
    wr32(bus, CMP_HI(NHARTS), 0);
    ck_assert_uint_eq(rd32(bus, CMP_LO(NHARTS)), 0);
    ck_assert_uint_eq(rd32(bus, CMP_HI(NHARTS)), 0);
    ck_assert_uint_eq(rd32(bus, MSIP(CLINT_MAX_HARTS - 1)), 0);
    /* an offset that names no register */
    wr32(bus, BASE + 0x8000u, 1);
    ck_assert_uint_eq(rd32(bus, BASE + 0x8000u), 0);
    ck_assert_uint_eq(msip_sink.sets + mtip_sink.sets, sets);   /* no line touched */
    ck_assert_uint_eq(clint_next_deadline(clint), UINT64_MAX);
}
END_TEST

START_TEST(test_mtime_reads_clock)
{
    ck_assert_uint_eq(rd32(bus, MTIME_LO), 0);
    ck_assert_uint_eq(rd32(bus, MTIME_HI), 0);
    clock_advance(&clk, 0x123456789ull);
    ck_assert_uint_eq(rd32(bus, MTIME_LO), 0x23456789u);
    ck_assert_uint_eq(rd32(bus, MTIME_HI), 0x1u);
    clock_advance(&clk, 7);
    ck_assert_uint_eq(rd32(bus, MTIME_LO), 0x23456790u);
}
END_TEST

START_TEST(test_mtime_write_sets_clock)
{
    clock_advance(&clk, 1000);
    wr32(bus, MTIME_LO, 0x89abcdefu);
    ck_assert_uint_eq(clock_ticks(&clk), 0x89abcdefull);
    wr32(bus, MTIME_HI, 0x42u);
    ck_assert_uint_eq(clock_ticks(&clk), 0x4289abcdefull);
    ck_assert_uint_eq(rd32(bus, MTIME_HI), 0x42u);
    clock_advance(&clk, 1);                         /* and it runs on from there */
    ck_assert_uint_eq(rd32(bus, MTIME_LO), 0x89abcdf0u);
}
END_TEST

/* MTIP rises exactly when the clock reaches mtimecmp, seen by clint_update. */
START_TEST(test_timer_fires_at_compare)
{
    set_mtimecmp(0, 1000);
    ck_assert_uint_eq(rd32(bus, CMP_LO(0)), 1000);
    ck_assert_uint_eq(rd32(bus, CMP_HI(0)), 0);
    ck_assert(!mtip_sink.level[0]);
    clock_advance(&clk, 999);
    clint_update(clint);
    ck_assert(!mtip_sink.level[0]);
    clock_advance(&clk, 1);
    ck_assert(!mtip_sink.level[0]);                 /* only clint_update looks */
    clint_update(clint);
    ck_assert(mtip_sink.level[0]);
    ck_assert(!mtip_sink.level[1]);
    clock_advance(&clk, 5);
    clint_update(clint);
    ck_assert(mtip_sink.level[0]);                  /* stays while mtime >= mtimecmp */
}
END_TEST

/* Moving mtimecmp ahead lowers MTIP at once; moving it to or below mtime raises it. */
START_TEST(test_timer_follows_writes)
{
    clock_advance(&clk, 500);
    set_mtimecmp(0, 500);
    ck_assert(mtip_sink.level[0]);
    set_mtimecmp(0, 501);
    ck_assert(!mtip_sink.level[0]);
    wr32(bus, CMP_LO(0), 499);
    ck_assert(mtip_sink.level[0]);
    wr32(bus, CMP_HI(0), 1);                        /* far ahead through the high half */
    ck_assert(!mtip_sink.level[0]);
}
END_TEST

START_TEST(test_timer_high_half)
{
    clock_set(&clk, 0xfffffffeull);
    set_mtimecmp(1, 0x100000000ull);
    clint_update(clint);
    ck_assert(!mtip_sink.level[1]);
    clock_advance(&clk, 1);
    clint_update(clint);
    ck_assert(!mtip_sink.level[1]);
    clock_advance(&clk, 1);
    clint_update(clint);
    ck_assert(mtip_sink.level[1]);
    ck_assert(!mtip_sink.level[0]);
}
END_TEST

/* An mtime write is a clock change like any other: MTIP follows it at once. */
START_TEST(test_mtime_write_drives_mtip)
{
    set_mtimecmp(0, 0x10000);
    wr32(bus, MTIME_LO, 0x10000);
    ck_assert(mtip_sink.level[0]);
    wr32(bus, MTIME_LO, 0xffff);
    ck_assert(!mtip_sink.level[0]);
}
END_TEST

/* clint_update runs between every two runs of the harts: it drives a line only when its
 * level changes, since each drive makes the hart re-check its interrupts. */
START_TEST(test_update_drives_only_changes)
{
    set_mtimecmp(0, 100);
    unsigned sets = mtip_sink.sets;
    clint_update(clint);
    clint_update(clint);
    ck_assert_uint_eq(mtip_sink.sets, sets);
    clock_advance(&clk, 100);
    clint_update(clint);
    ck_assert_uint_eq(mtip_sink.sets, sets + 1);
    ck_assert(mtip_sink.level[0]);
    clint_update(clint);
    ck_assert_uint_eq(mtip_sink.sets, sets + 1);
    sets = msip_sink.sets;
    wr32(bus, MSIP(0), 1);
    wr32(bus, MSIP(0), 1);
    ck_assert_uint_eq(msip_sink.sets, sets + 1);
}
END_TEST

START_TEST(test_next_deadline)
{
    ck_assert_uint_eq(clint_next_deadline(clint), UINT64_MAX);
    set_mtimecmp(0, 500);
    set_mtimecmp(1, 300);
    ck_assert_uint_eq(clint_next_deadline(clint), 300);
    clock_advance(&clk, 300);                       /* hart 1's is reached... */
    ck_assert_uint_eq(clint_next_deadline(clint), 300);     /* ...but not signalled yet */
    clint_update(clint);
    ck_assert_uint_eq(clint_next_deadline(clint), 500);
    clock_advance(&clk, 250);
    ck_assert_uint_eq(clint_next_deadline(clint), 500);     /* passed: the caller won't sleep */
    clint_update(clint);
    ck_assert_uint_eq(clint_next_deadline(clint), UINT64_MAX);
}
END_TEST

static unsigned rearms;
static void count_rearm(void *opaque)
{
    (void)opaque;
    rearms++;
}

/* The run loop sizes its slices to end at the next deadline: every write that can move
 * one must tell it, and nothing else must. */
START_TEST(test_rearm_on_deadline_writes)
{
    rearms = 0;
    clint_set_rearm(clint, count_rearm, NULL);
    set_mtimecmp(1, 1000);
    ck_assert_uint_eq(rearms, 3);                   /* each half written */
    wr32(bus, MTIME_LO, 5);
    ck_assert_uint_eq(rearms, 4);
    wr32(bus, MSIP(0), 1);
    (void)rd32(bus, MTIME_LO);
    (void)rd32(bus, CMP_LO(1));
    ck_assert_uint_eq(rearms, 4);
}
END_TEST

/* A guest polling mtime past its mtimecmp sees MTIP at once, not at the next update. */
START_TEST(test_mtime_read_updates_mtip)
{
    set_mtimecmp(0, 100);
    clock_advance(&clk, 150);
    ck_assert(!mtip_sink.level[0]);
    ck_assert_uint_ge(rd32(bus, MTIME_LO), 150);
    ck_assert(mtip_sink.level[0]);
}
END_TEST

START_TEST(test_sizes_refused)
{
    uint32_t v;
    static const uint32_t addrs[] = { MSIP(0), CMP_LO(0), CMP_HI(0), MTIME_LO, MTIME_HI };
    for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
        ck_assert(!bus_read(bus, addrs[i], 1, &v));
        ck_assert(!bus_read(bus, addrs[i], 2, &v));
        ck_assert(!bus_write(bus, addrs[i], 1, 1));
        ck_assert(!bus_write(bus, addrs[i], 2, 1));
        ck_assert(!bus_read(bus, addrs[i] + 2, 4, &v));     /* misaligned */
        ck_assert(bus_read(bus, addrs[i], 4, &v));
    }
    ck_assert(!msip_sink.level[0]);
    ck_assert_uint_eq(rd32(bus, CMP_LO(0)), 0xffffffffu);   /* refused writes did nothing */
    /* the region ends at the memory map's size */
    ck_assert(bus_read(bus, BASE + MEMMAP_CLINT_SIZE - 4, 4, &v));
    ck_assert(!bus_read(bus, BASE + MEMMAP_CLINT_SIZE, 4, &v));
}
END_TEST

static Suite *clint_suite(void)
{
    Suite *s = suite_create("clint");
    TCase *tc = tcase_create("clint");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_create_limits);
    tcase_add_test(tc, test_reset_state);
    tcase_add_test(tc, test_msip);
    tcase_add_test(tc, test_absent_harts);
    tcase_add_test(tc, test_mtime_reads_clock);
    tcase_add_test(tc, test_mtime_write_sets_clock);
    tcase_add_test(tc, test_timer_fires_at_compare);
    tcase_add_test(tc, test_timer_follows_writes);
    tcase_add_test(tc, test_timer_high_half);
    tcase_add_test(tc, test_mtime_write_drives_mtip);
    tcase_add_test(tc, test_update_drives_only_changes);
    tcase_add_test(tc, test_next_deadline);
    tcase_add_test(tc, test_rearm_on_deadline_writes);
    tcase_add_test(tc, test_mtime_read_updates_mtip);
    tcase_add_test(tc, test_sizes_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(clint_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
