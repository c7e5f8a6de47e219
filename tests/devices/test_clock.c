/*
 * The machine's clock (devices/clock.h) in its instruction mode (-icount): time follows a
 * fake instruction counter, 2^shift ns an instruction, at 10 MHz (100 ns a tick);
 * how many instructions until a deadline; warping over idle time; mtime writes.
 */
#include <check.h>
#include <stdint.h>

#include "devices/clock.h"

static uint64_t insns;

static uint64_t count(void *opaque)
{
    (void)opaque;
    return insns;
}

START_TEST(test_ticks_follow_instructions)
{
    struct clock c;
    insns = 0;
    clock_init_insns(&c, 0, count, NULL);           /* 1 ns an instruction */
    ck_assert_uint_eq(clock_ticks(&c), 0);
    insns = 99;
    ck_assert_uint_eq(clock_ticks(&c), 0);
    insns = 100;
    ck_assert_uint_eq(clock_ticks(&c), 1);
    insns = 12345;
    ck_assert_uint_eq(clock_ticks(&c), 123);
    clock_init_insns(&c, 3, count, NULL);           /* 8 ns an instruction */
    insns = 25;
    ck_assert_uint_eq(clock_ticks(&c), 2);
}
END_TEST

/* clock_insns_until: exactly the instruction after which the clock reads the deadline. */
START_TEST(test_instructions_until)
{
    struct clock c;
    for (unsigned shift = 0; shift < 8; shift++) {
        insns = 7;
        clock_init_insns(&c, shift, count, NULL);
        for (uint64_t deadline = 0; deadline < 300; deadline += 7) {
            uint64_t n = clock_insns_until(&c, deadline);
            uint64_t start = insns;
            insns = start + n;
            ck_assert_uint_ge(clock_ticks(&c), deadline);
            if (n > 0) {
                insns = start + n - 1;
                ck_assert_uint_lt(clock_ticks(&c), deadline);
            }
            insns = start;
        }
    }
    ck_assert_uint_eq(clock_insns_until(&c, UINT64_MAX), UINT64_MAX);
}
END_TEST

/* An idle hart skips to its deadline: the clock reads it at once, and runs on from there
 * with the instructions. */
START_TEST(test_warp)
{
    struct clock c;
    insns = 1000;
    clock_init_insns(&c, 0, count, NULL);
    ck_assert_uint_eq(clock_ticks(&c), 10);
    clock_warp_to(&c, 5000);
    ck_assert_uint_eq(clock_ticks(&c), 5000);
    ck_assert_uint_eq(clock_insns_until(&c, 5000), 0);
    ck_assert_uint_eq(clock_insns_until(&c, 5001), 100);
    clock_warp_to(&c, 10);                          /* never backwards */
    ck_assert_uint_eq(clock_ticks(&c), 5000);
    insns += 100;
    ck_assert_uint_eq(clock_ticks(&c), 5001);
    clock_warp_ns(&c, 250);
    ck_assert_uint_eq(clock_ticks(&c), 5003);
}
END_TEST

/* mtime writes move it; the other clocks have no instructions to count. */
START_TEST(test_set_and_other_modes)
{
    struct clock c;
    insns = 500;
    clock_init_insns(&c, 0, count, NULL);
    clock_set(&c, 1000000);
    ck_assert_uint_eq(clock_ticks(&c), 1000000);
    insns += 200;
    ck_assert_uint_eq(clock_ticks(&c), 1000002);
    ck_assert_uint_eq(clock_insns_until(&c, 1000003), 100);
    clock_init_manual(&c);
    ck_assert_uint_eq(clock_insns_until(&c, 10), UINT64_MAX);
    clock_warp_to(&c, 10);
    ck_assert_uint_eq(clock_ticks(&c), 0);
}
END_TEST

static Suite *clock_suite(void)
{
    Suite *s = suite_create("clock");
    TCase *tc = tcase_create("insns");
    tcase_add_test(tc, test_ticks_follow_instructions);
    tcase_add_test(tc, test_instructions_until);
    tcase_add_test(tc, test_warp);
    tcase_add_test(tc, test_set_and_other_modes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(clock_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
