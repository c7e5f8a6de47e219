/*
 * The goldfish RTC (devices/rtc.h) through the bus, with a manual clock and a fake
 * interrupt sink: the time (wall time at creation + 100 ns per tick, the TIME_HIGH latch,
 * setting it in either order), the alarm (status, firing at rtc_update exactly when the
 * time reaches it, gating by IRQ_ENABLED, clearing, arming in the past), the next
 * deadline, and the access sizes the region refuses.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bus/memmap.h"
#include "devices/rtc.h"
#include "fakes.h"

#define BASE             MEMMAP_RTC_BASE
#define TIME_LOW         (BASE + 0x00)
#define TIME_HIGH        (BASE + 0x04)
#define ALARM_LOW        (BASE + 0x08)
#define ALARM_HIGH       (BASE + 0x0c)
#define IRQ_ENABLED      (BASE + 0x10)
#define CLEAR_ALARM      (BASE + 0x14)
#define ALARM_STATUS     (BASE + 0x18)
#define CLEAR_INTERRUPT  (BASE + 0x1c)

#define IRQ_NUM 11
#define NS_PER_TICK 100u                        /* 10 MHz */
#define WALL0 1700000000123456789ull            /* some night in November 2023 */

static struct bus *bus;
static struct clock clk;
static struct fake_irq sink;
static struct rtc *rtc;

static void setup(void)
{
    memset(&sink, 0, sizeof sink);
    clock_init_manual(&clk);
    bus = bus_create();
    ck_assert_ptr_nonnull(bus);
    rtc = rtc_create(&clk, WALL0, fake_irq_line(&sink, IRQ_NUM));
    ck_assert_ptr_nonnull(rtc);
    ck_assert_int_eq(rtc_attach(rtc, bus, BASE), BUS_ERR_NONE);
}

static void teardown(void)
{
    rtc_destroy(rtc);
    bus_destroy(bus);
}

static bool line(void) { return sink.level[IRQ_NUM]; }

/* As Linux's rtc-goldfish reads it: LOW (latching HIGH), then HIGH. */
static uint64_t read_time(void)
{
    uint32_t lo = rd32(bus, TIME_LOW);
    uint32_t hi = rd32(bus, TIME_HIGH);
    return (uint64_t)hi << 32 | lo;
}

/* As Linux's rtc-goldfish arms it: HIGH, then LOW (which arms). */
static void set_alarm(uint64_t ns)
{
    wr32(bus, ALARM_HIGH, (uint32_t)(ns >> 32));
    wr32(bus, ALARM_LOW, (uint32_t)ns);
}

START_TEST(test_time_follows_clock)
{
    ck_assert_uint_eq(read_time(), WALL0);
    clock_advance(&clk, 10);
    ck_assert_uint_eq(read_time(), WALL0 + 10 * NS_PER_TICK);
    clock_advance(&clk, 10000000);                  /* one second */
    ck_assert_uint_eq(read_time(), WALL0 + 1000000000ull + 10 * NS_PER_TICK);
    ck_assert(!line());
}
END_TEST

START_TEST(test_time_at_other_start)
{
    struct rtc *r = rtc_create(&clk, 42, (struct irq_line){ 0 });
    struct bus *b = bus_create();
    ck_assert_int_eq(rtc_attach(r, b, BASE), BUS_ERR_NONE);
    clock_advance(&clk, 3);
    ck_assert_uint_eq(rd32(b, TIME_LOW), 42 + 3 * NS_PER_TICK);
    ck_assert_uint_eq(rd32(b, TIME_HIGH), 0);
    rtc_destroy(r);
    bus_destroy(b);
}
END_TEST

/* TIME_HIGH is the high half of the time TIME_LOW read, even if a carry came since. */
START_TEST(test_high_latched)
{
    uint64_t to_carry = ((WALL0 | 0xffffffffull) + 1 - WALL0) / NS_PER_TICK;
    uint32_t lo = rd32(bus, TIME_LOW);
    clock_advance(&clk, to_carry + 1);
    uint32_t hi = rd32(bus, TIME_HIGH);
    ck_assert_uint_eq((uint64_t)hi << 32 | lo, WALL0);
    ck_assert_uint_eq(rd32(bus, TIME_HIGH), hi);    /* no new latch without a LOW read */
    uint64_t now = read_time();
    ck_assert_uint_eq(now, WALL0 + (to_carry + 1) * NS_PER_TICK);
    ck_assert_uint_eq((uint32_t)(now >> 32), hi + 1);
}
END_TEST

START_TEST(test_set_time_low_then_high)
{
    const uint64_t t = 0x0000001234abcdefull;
    clock_advance(&clk, 77);
    wr32(bus, TIME_LOW, (uint32_t)t);
    wr32(bus, TIME_HIGH, (uint32_t)(t >> 32));
    ck_assert_uint_eq(read_time(), t);
    clock_advance(&clk, 5);
    ck_assert_uint_eq(read_time(), t + 5 * NS_PER_TICK);
    ck_assert_uint_eq(clock_ticks(&clk), 82);       /* the machine's clock is untouched */
}
END_TEST

START_TEST(test_set_time_high_then_low)
{
    const uint64_t t = 0x1122334455667788ull;
    wr32(bus, TIME_HIGH, (uint32_t)(t >> 32));
    wr32(bus, TIME_LOW, (uint32_t)t);
    ck_assert_uint_eq(read_time(), t);
    clock_advance(&clk, 1);
    ck_assert_uint_eq(read_time(), t + NS_PER_TICK);
}
END_TEST

/* The alarm fires at the rtc_update that first sees the time at or past it. */
START_TEST(test_alarm_fires)
{
    wr32(bus, IRQ_ENABLED, 1);
    ck_assert_uint_eq(rd32(bus, IRQ_ENABLED), 1);
    ck_assert_uint_eq(rd32(bus, ALARM_STATUS), 0);
    set_alarm(WALL0 + 1000);
    ck_assert_uint_eq(rd32(bus, ALARM_STATUS), 1);
    ck_assert_uint_eq(rd32(bus, ALARM_LOW), (uint32_t)(WALL0 + 1000));
    ck_assert_uint_eq(rd32(bus, ALARM_HIGH), (uint32_t)((WALL0 + 1000) >> 32));
    clock_advance(&clk, 9);
    rtc_update(rtc);
    ck_assert(!line());
    ck_assert_uint_eq(rd32(bus, ALARM_STATUS), 1);
    clock_advance(&clk, 1);
    ck_assert(!line());                             /* only rtc_update looks */
    rtc_update(rtc);
    ck_assert(line());
    ck_assert_uint_eq(rd32(bus, ALARM_STATUS), 0);
    clock_advance(&clk, 100);
    rtc_update(rtc);
    ck_assert(line());                              /* until cleared */
    wr32(bus, CLEAR_INTERRUPT, 1);
    ck_assert(!line());
    rtc_update(rtc);
    ck_assert(!line());                             /* fires once */
}
END_TEST

/* IRQ_ENABLED gates the line, not the alarm: a fired alarm shows when enabled later. */
START_TEST(test_alarm_irq_disabled)
{
    set_alarm(WALL0 + 500);
    clock_advance(&clk, 5);
    rtc_update(rtc);
    ck_assert(!line());
    ck_assert_uint_eq(rd32(bus, ALARM_STATUS), 0);
    wr32(bus, IRQ_ENABLED, 1);
    ck_assert(line());
    wr32(bus, IRQ_ENABLED, 0);
    ck_assert(!line());
    wr32(bus, CLEAR_INTERRUPT, 1);
    wr32(bus, IRQ_ENABLED, 1);
    ck_assert(!line());
}
END_TEST

START_TEST(test_clear_alarm)
{
    wr32(bus, IRQ_ENABLED, 1);
    set_alarm(WALL0 + 300);
    ck_assert_uint_eq(rd32(bus, ALARM_STATUS), 1);
    wr32(bus, CLEAR_ALARM, 1);
    ck_assert_uint_eq(rd32(bus, ALARM_STATUS), 0);
    ck_assert_uint_eq(rtc_next_deadline(rtc), UINT64_MAX);
    clock_advance(&clk, 1000);
    rtc_update(rtc);
    ck_assert(!line());
}
END_TEST

START_TEST(test_alarm_in_past)
{
    wr32(bus, IRQ_ENABLED, 1);
    clock_advance(&clk, 50);
    set_alarm(WALL0 + 10);                          /* already gone: fires at once */
    ck_assert(line());
    ck_assert_uint_eq(rd32(bus, ALARM_STATUS), 0);
}
END_TEST

/* The alarm follows the guest's time, not the host's: setting the time past it fires it. */
START_TEST(test_alarm_after_set_time)
{
    const uint64_t t = 5000000000ull;
    wr32(bus, TIME_HIGH, (uint32_t)(t >> 32));
    wr32(bus, TIME_LOW, (uint32_t)t);
    wr32(bus, IRQ_ENABLED, 1);
    set_alarm(t + 2000);
    ck_assert_uint_eq(rtc_next_deadline(rtc), 20);
    clock_advance(&clk, 19);
    rtc_update(rtc);
    ck_assert(!line());
    clock_advance(&clk, 1);
    rtc_update(rtc);
    ck_assert(line());
}
END_TEST

START_TEST(test_next_deadline)
{
    ck_assert_uint_eq(rtc_next_deadline(rtc), UINT64_MAX);
    clock_advance(&clk, 7);
    set_alarm(WALL0 + 1000);
    ck_assert_uint_eq(rtc_next_deadline(rtc), 10);
    set_alarm(WALL0 + 1001);                        /* rounds up to a whole tick */
    ck_assert_uint_eq(rtc_next_deadline(rtc), 11);  /* a tick count, like mtime */
    clock_advance(&clk, 3);                         /* tick 10: 1 ns short */
    rtc_update(rtc);
    ck_assert_uint_eq(rd32(bus, ALARM_STATUS), 1);
    clock_advance(&clk, 1);
    rtc_update(rtc);
    ck_assert_uint_eq(rd32(bus, ALARM_STATUS), 0);
    ck_assert_uint_eq(rtc_next_deadline(rtc), UINT64_MAX);
}
END_TEST

START_TEST(test_other_offsets)
{
    ck_assert_uint_eq(rd32(bus, CLEAR_ALARM), 0);
    ck_assert_uint_eq(rd32(bus, CLEAR_INTERRUPT), 0);
    ck_assert_uint_eq(rd32(bus, BASE + 0x20), 0);
    wr32(bus, BASE + 0x20, 0xffffffffu);
    wr32(bus, IRQ_ENABLED, 0xfffffffeu);            /* bit 0 only */
    ck_assert_uint_eq(rd32(bus, IRQ_ENABLED), 0);
    ck_assert_uint_eq(read_time(), WALL0);
}
END_TEST

START_TEST(test_sizes_refused)
{
    uint32_t v;
    static const uint32_t addrs[] = { TIME_LOW, TIME_HIGH, ALARM_LOW, IRQ_ENABLED };
    for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
        ck_assert(!bus_read(bus, addrs[i], 1, &v));
        ck_assert(!bus_read(bus, addrs[i], 2, &v));
        ck_assert(!bus_write(bus, addrs[i], 1, 1));
        ck_assert(!bus_write(bus, addrs[i], 2, 1));
    }
    ck_assert_uint_eq(rd32(bus, ALARM_STATUS), 0);  /* the refused ALARM_LOW armed nothing */
    ck_assert_uint_eq(rd32(bus, IRQ_ENABLED), 0);
    ck_assert_uint_eq(read_time(), WALL0);
    ck_assert(bus_read(bus, BASE + MEMMAP_RTC_SIZE - 4, 4, &v));
    ck_assert(!bus_read(bus, BASE + MEMMAP_RTC_SIZE, 4, &v));
}
END_TEST

static Suite *rtc_suite(void)
{
    Suite *s = suite_create("rtc");
    TCase *tc = tcase_create("time");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_time_follows_clock);
    tcase_add_test(tc, test_time_at_other_start);
    tcase_add_test(tc, test_high_latched);
    tcase_add_test(tc, test_set_time_low_then_high);
    tcase_add_test(tc, test_set_time_high_then_low);
    tcase_add_test(tc, test_other_offsets);
    tcase_add_test(tc, test_sizes_refused);
    suite_add_tcase(s, tc);

    tc = tcase_create("alarm");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_alarm_fires);
    tcase_add_test(tc, test_alarm_irq_disabled);
    tcase_add_test(tc, test_clear_alarm);
    tcase_add_test(tc, test_alarm_in_past);
    tcase_add_test(tc, test_alarm_after_set_time);
    tcase_add_test(tc, test_next_deadline);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(rtc_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
