/*
 * The test/syscon device (devices/syscon.h) through the bus: the three requests reach the
 * machine's callback with the right action and code, anything else is ignored, reads
 * return 0, and the bus refuses byte accesses.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bus/memmap.h"
#include "devices/syscon.h"
#include "fakes.h"

#define BASE MEMMAP_SYSCON_BASE

struct record {
    unsigned calls;
    enum syscon_action what;
    uint32_t code;
};

static struct bus *bus;
static struct record rec;
static struct syscon *sc;

static void record_action(void *opaque, enum syscon_action what, uint32_t code)
{
    struct record *r = opaque;
    r->calls++;
    r->what = what;
    r->code = code;
}

static void setup(void)
{
    memset(&rec, 0, sizeof rec);
    bus = bus_create();
    ck_assert_ptr_nonnull(bus);
    sc = syscon_create(record_action, &rec);
    ck_assert_ptr_nonnull(sc);
    ck_assert_int_eq(syscon_attach(sc, bus, BASE), BUS_ERR_NONE);
}

static void teardown(void)
{
    syscon_destroy(sc);
    bus_destroy(bus);
}

START_TEST(test_poweroff)
{
    wr32(bus, BASE, 0x5555);
    ck_assert_uint_eq(rec.calls, 1);
    ck_assert_int_eq(rec.what, SYSCON_POWEROFF);
    ck_assert_uint_eq(rec.code, 0);
}
END_TEST

START_TEST(test_fail_code)
{
    wr32(bus, BASE, (42u << 16) | 0x3333);
    ck_assert_uint_eq(rec.calls, 1);
    ck_assert_int_eq(rec.what, SYSCON_FAIL);
    ck_assert_uint_eq(rec.code, 42);
    wr32(bus, BASE, (0xffffu << 16) | 0x3333);
    ck_assert_uint_eq(rec.calls, 2);
    ck_assert_uint_eq(rec.code, 0xffff);
}
END_TEST

START_TEST(test_fail_code_zero)
{
    wr32(bus, BASE, 0x3333);                        /* a failure must not read as success */
    ck_assert_uint_eq(rec.calls, 1);
    ck_assert_int_eq(rec.what, SYSCON_FAIL);
    ck_assert_uint_eq(rec.code, 1);
}
END_TEST

START_TEST(test_reboot)
{
    wr32(bus, BASE, 0x7777);
    ck_assert_uint_eq(rec.calls, 1);
    ck_assert_int_eq(rec.what, SYSCON_REBOOT);
    ck_assert_uint_eq(rec.code, 0);
}
END_TEST

START_TEST(test_others_ignored)
{
    static const uint32_t values[] = { 0, 1, 0x1234, 0x5556, 0x3334, 0x7776, 0xffffffffu };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        wr32(bus, BASE, values[i]);
    wr32(bus, BASE + 4, 0x5555);                    /* not the register */
    wr32(bus, BASE + 0xffc, 0x7777);
    ck_assert_uint_eq(rec.calls, 0);
    ck_assert_uint_eq(rd32(bus, BASE), 0);
    ck_assert_uint_eq(rd32(bus, BASE + 4), 0);
}
END_TEST

START_TEST(test_reads_zero)
{
    wr32(bus, BASE, 0x1234);
    ck_assert_uint_eq(rd32(bus, BASE), 0);
    ck_assert_uint_eq(rd(bus, BASE, 2), 0);
    ck_assert_uint_eq(rec.calls, 0);
}
END_TEST

START_TEST(test_sizes)
{
    uint32_t v;
    ck_assert(!bus_write(bus, BASE, 1, 0x55));
    ck_assert(!bus_read(bus, BASE, 1, &v));
    ck_assert(!bus_write(bus, BASE + 2, 4, 0x5555));       /* misaligned */
    ck_assert_uint_eq(rec.calls, 0);
    wr(bus, BASE, 2, 0x5555);                               /* a halfword store works */
    ck_assert_uint_eq(rec.calls, 1);
    ck_assert_int_eq(rec.what, SYSCON_POWEROFF);
    ck_assert(bus_read(bus, BASE + MEMMAP_SYSCON_SIZE - 4, 4, &v));
    ck_assert(!bus_read(bus, BASE + MEMMAP_SYSCON_SIZE, 4, &v));    /* the region's end */
}
END_TEST

START_TEST(test_no_callback)
{
    struct syscon *s = syscon_create(NULL, NULL);
    struct bus *b = bus_create();
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(syscon_attach(s, b, BASE), BUS_ERR_NONE);
    wr32(b, BASE, 0x5555);                          /* nobody listens: nothing happens */
    syscon_destroy(s);
    bus_destroy(b);
}
END_TEST

static Suite *syscon_suite(void)
{
    Suite *s = suite_create("syscon");
    TCase *tc = tcase_create("syscon");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_poweroff);
    tcase_add_test(tc, test_fail_code);
    tcase_add_test(tc, test_fail_code_zero);
    tcase_add_test(tc, test_reboot);
    tcase_add_test(tc, test_others_ignored);
    tcase_add_test(tc, test_reads_zero);
    tcase_add_test(tc, test_sizes);
    tcase_add_test(tc, test_no_callback);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(syscon_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
