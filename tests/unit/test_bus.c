/*
 * The physical address space (bus/bus.h): registration rules (no overlap, no wrap, no
 * empty region, a full table), MMIO dispatch with its size and alignment rules, RAM and
 * ROM through bus_read/bus_write and bus_host_ptr.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bus/bus.h"

/* A fake device: a 64-byte register file that logs its last access. */
struct fake_dev {
    uint8_t regs[64];
    unsigned reads, writes;
    uint32_t last_offset;
    unsigned last_size;
    bool refuse;            /* answer every access with false */
};

static bool fake_read(void *opaque, uint32_t offset, unsigned size, uint32_t *value)
{
    struct fake_dev *d = opaque;
    d->reads++;
    d->last_offset = offset;
    d->last_size = size;
    if (d->refuse || offset + size > sizeof d->regs)
        return false;
    uint32_t v = 0;
    memcpy(&v, d->regs + offset, size);
    *value = v;
    return true;
}

static bool fake_write(void *opaque, uint32_t offset, unsigned size, uint32_t value)
{
    struct fake_dev *d = opaque;
    d->writes++;
    d->last_offset = offset;
    d->last_size = size;
    if (d->refuse || offset + size > sizeof d->regs)
        return false;
    memcpy(d->regs + offset, &value, size);
    return true;
}

static struct bus *bus;
static struct fake_dev dev;
static uint8_t ram[0x1000];
static uint8_t rom[0x100];

static void setup(void)
{
    bus = bus_create();
    ck_assert_ptr_nonnull(bus);
    memset(&dev, 0, sizeof dev);
    memset(ram, 0, sizeof ram);
    for (size_t i = 0; i < sizeof rom; i++)
        rom[i] = (uint8_t)i;
}

static void teardown(void)
{
    bus_destroy(bus);
}

static enum bus_error add_ram(uint32_t base, uint32_t size)
{
    return bus_add_memory(bus, "ram", base, size, ram, true);
}

/* ---- registration ---- */

START_TEST(test_overlap_refused)
{
    ck_assert_int_eq(add_ram(0x1000, 0x1000), BUS_ERR_NONE);             /* [0x1000, 0x2000) */
    ck_assert_int_eq(add_ram(0x1000, 0x1000), BUS_ERR_OVERLAP);          /* exact */
    ck_assert_int_eq(add_ram(0x0800, 0x0801), BUS_ERR_OVERLAP);          /* last byte in */
    ck_assert_int_eq(add_ram(0x1fff, 0x1000), BUS_ERR_OVERLAP);          /* first byte in */
    ck_assert_int_eq(add_ram(0x1400, 0x0100), BUS_ERR_OVERLAP);          /* inside */
    ck_assert_int_eq(add_ram(0x0000, 0x4000), BUS_ERR_OVERLAP);          /* contains it */
    ck_assert_int_eq(bus_add_mmio(bus, "dev", 0x1800, 0x10, BUS_SIZE_ALL, &dev, fake_read,
                                  fake_write), BUS_ERR_OVERLAP);        /* MMIO too */
    ck_assert_ptr_null(bus_region_at(bus, 1));                          /* none was added */
}
END_TEST

START_TEST(test_overlap_checked_against_every_region)
{
    ck_assert_int_eq(add_ram(0x1000, 0x1000), BUS_ERR_NONE);
    ck_assert_int_eq(add_ram(0x5000, 0x1000), BUS_ERR_NONE);
    ck_assert_int_eq(add_ram(0x3000, 0x1000), BUS_ERR_NONE);
    ck_assert_int_eq(add_ram(0x5fff, 0x10), BUS_ERR_OVERLAP);           /* the last one */
    ck_assert_int_eq(add_ram(0x2000, 0x3001), BUS_ERR_OVERLAP);         /* spans a gap */
    ck_assert_int_eq(add_ram(0x0000, 0x10000), BUS_ERR_OVERLAP);        /* all of them */
}
END_TEST

START_TEST(test_adjacent_accepted)
{
    ck_assert_int_eq(add_ram(0x2000, 0x1000), BUS_ERR_NONE);
    ck_assert_int_eq(add_ram(0x3000, 0x1000), BUS_ERR_NONE);            /* right after */
    ck_assert_int_eq(add_ram(0x1000, 0x1000), BUS_ERR_NONE);            /* right before */
    ck_assert_int_eq(bus_add_mmio(bus, "dev", 0x4000, 0x40, BUS_SIZE_ALL, &dev, fake_read,
                                  fake_write), BUS_ERR_NONE);
    /* listed in address order whatever the order of registration */
    ck_assert_uint_eq(bus_region_at(bus, 0)->base, 0x1000);
    ck_assert_uint_eq(bus_region_at(bus, 1)->base, 0x2000);
    ck_assert_uint_eq(bus_region_at(bus, 2)->base, 0x3000);
    ck_assert_uint_eq(bus_region_at(bus, 3)->base, 0x4000);
    ck_assert_ptr_null(bus_region_at(bus, 4));
    /* each address finds its own region */
    ck_assert_uint_eq(bus_find(bus, 0x2fff)->base, 0x2000);
    ck_assert_uint_eq(bus_find(bus, 0x3000)->base, 0x3000);
    ck_assert_str_eq(bus_find(bus, 0x4000)->name, "dev");
    ck_assert_ptr_null(bus_find(bus, 0x0fff));
    ck_assert_ptr_null(bus_find(bus, 0x4040));
}
END_TEST

START_TEST(test_range_refused)
{
    ck_assert_int_eq(add_ram(0x1000, 0), BUS_ERR_RANGE);
    ck_assert_int_eq(add_ram(0xfffff000u, 0x2000), BUS_ERR_RANGE);     /* wraps */
    ck_assert_int_eq(add_ram(0xffffffffu, 2), BUS_ERR_RANGE);
    ck_assert_int_eq(add_ram(0x80000000u, 0xffffffffu), BUS_ERR_RANGE);
    ck_assert_int_eq(bus_add_mmio(bus, "dev", 0xfffffff0u, 0x20, BUS_SIZE_ALL, &dev, fake_read,
                                  fake_write), BUS_ERR_RANGE);
    ck_assert_ptr_null(bus_region_at(bus, 0));
    /* ending exactly at 4 GiB is fine, and is found */
    ck_assert_int_eq(add_ram(0xfffff000u, 0x1000), BUS_ERR_NONE);
    ck_assert_ptr_nonnull(bus_find(bus, 0xffffffffu));
    uint32_t v;
    ck_assert(bus_read(bus, 0xfffffffcu, 4, &v));
    ck_assert(!bus_read(bus, 0xfffffffeu, 4, &v));      /* would run past the end */
}
END_TEST

START_TEST(test_table_full)
{
    for (unsigned i = 0; i < BUS_MAX_REGIONS; i++)
        ck_assert_int_eq(add_ram(i * 0x1000u, 0x1000), BUS_ERR_NONE);
    ck_assert_int_eq(add_ram(0x80000000u, 0x1000), BUS_ERR_FULL);
    ck_assert_ptr_null(bus_find(bus, 0x80000000u));
    ck_assert_ptr_nonnull(bus_region_at(bus, BUS_MAX_REGIONS - 1));
    ck_assert_ptr_null(bus_region_at(bus, BUS_MAX_REGIONS));
}
END_TEST

START_TEST(test_mmio_needs_sizes_and_callbacks)
{
    ck_assert_int_eq(bus_add_mmio(bus, "dev", 0x1000, 0x40, 0, &dev, fake_read, fake_write),
                     BUS_ERR_SIZES);
    ck_assert_int_eq(bus_add_mmio(bus, "dev", 0x1000, 0x40, BUS_SIZE_4, &dev, NULL, fake_write),
                     BUS_ERR_SIZES);
    ck_assert_int_eq(bus_add_mmio(bus, "dev", 0x1000, 0x40, BUS_SIZE_4, &dev, fake_read, NULL),
                     BUS_ERR_SIZES);
    ck_assert_int_eq(bus_add_memory(bus, "ram", 0x1000, 0x40, NULL, true), BUS_ERR_SIZES);
    ck_assert_ptr_null(bus_region_at(bus, 0));
}
END_TEST

START_TEST(test_error_strings)
{
    static const enum bus_error all[] = { BUS_ERR_NONE, BUS_ERR_OVERLAP, BUS_ERR_RANGE,
                                          BUS_ERR_FULL, BUS_ERR_SIZES };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        const char *s = bus_error_str(all[i]);
        ck_assert_ptr_nonnull(s);
        ck_assert_int_gt(strlen(s), 0);
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(s, bus_error_str(all[j]));
    }
}
END_TEST

/* ---- MMIO ---- */

START_TEST(test_mmio_dispatch)
{
    ck_assert_int_eq(bus_add_mmio(bus, "dev", 0x10000000u, 0x40, BUS_SIZE_ALL, &dev, fake_read,
                                  fake_write), BUS_ERR_NONE);
    ck_assert(bus_write(bus, 0x10000008u, 4, 0xdeadbeefu));
    ck_assert_uint_eq(dev.writes, 1);
    ck_assert_uint_eq(dev.last_offset, 8);              /* the device sees offsets */
    ck_assert_uint_eq(dev.last_size, 4);
    uint32_t v = 0;
    ck_assert(bus_read(bus, 0x1000000au, 2, &v));
    ck_assert_uint_eq(v, 0xdead);
    ck_assert_uint_eq(dev.last_offset, 10);
    ck_assert_uint_eq(dev.last_size, 2);
    ck_assert(bus_read(bus, 0x1000000bu, 1, &v));
    ck_assert_uint_eq(v, 0xde);
    ck_assert_uint_eq(dev.reads, 2);
    /* MMIO has no host pointer */
    ck_assert_ptr_null(bus_host_ptr(bus, 0x10000000u, 4, false));
}
END_TEST

START_TEST(test_mmio_size_refused)
{
    ck_assert_int_eq(bus_add_mmio(bus, "dev", 0x10000000u, 0x40, BUS_SIZE_4, &dev, fake_read,
                                  fake_write), BUS_ERR_NONE);
    uint32_t v = 0x12345678u;
    ck_assert(!bus_read(bus, 0x10000000u, 1, &v));
    ck_assert(!bus_read(bus, 0x10000000u, 2, &v));
    ck_assert(!bus_write(bus, 0x10000000u, 1, 0));
    ck_assert(!bus_write(bus, 0x10000000u, 2, 0));
    ck_assert_uint_eq(v, 0x12345678u);                  /* a refused read writes nothing */
    ck_assert_uint_eq(dev.reads + dev.writes, 0);       /* and the device never saw them */
    ck_assert(bus_read(bus, 0x10000000u, 4, &v));
    ck_assert(bus_write(bus, 0x10000004u, 4, 1));
    ck_assert_uint_eq(dev.reads + dev.writes, 2);
    /* sizes other than 1, 2, 4 are never legal */
    ck_assert(!bus_read(bus, 0x10000000u, 3, &v));
    ck_assert(!bus_read(bus, 0x10000000u, 8, &v));
    ck_assert(!bus_read(bus, 0x10000000u, 0, &v));
}
END_TEST

START_TEST(test_mmio_byte_only)
{
    ck_assert_int_eq(bus_add_mmio(bus, "dev", 0x10000000u, 0x40, BUS_SIZE_1, &dev, fake_read,
                                  fake_write), BUS_ERR_NONE);
    uint32_t v;
    ck_assert(bus_read(bus, 0x10000003u, 1, &v));
    ck_assert(!bus_read(bus, 0x10000004u, 4, &v));
    ck_assert(!bus_write(bus, 0x10000004u, 2, 0));
    ck_assert_uint_eq(dev.reads + dev.writes, 1);
}
END_TEST

START_TEST(test_mmio_misaligned_refused)
{
    ck_assert_int_eq(bus_add_mmio(bus, "dev", 0x10000000u, 0x40, BUS_SIZE_ALL, &dev, fake_read,
                                  fake_write), BUS_ERR_NONE);
    uint32_t v;
    for (uint32_t off = 1; off < 4; off++) {
        ck_assert_msg(!bus_read(bus, 0x10000000u + off, 4, &v), "4-byte read at +%u", off);
        ck_assert_msg(!bus_write(bus, 0x10000000u + off, 4, 0), "4-byte write at +%u", off);
    }
    ck_assert(!bus_read(bus, 0x10000001u, 2, &v));
    ck_assert(!bus_write(bus, 0x10000003u, 2, 0));
    ck_assert_uint_eq(dev.reads + dev.writes, 0);
    ck_assert(bus_read(bus, 0x10000002u, 2, &v));
}
END_TEST

START_TEST(test_mmio_past_end_refused)
{
    /* a 6-byte region: a 4-byte access at offset 4 would run past its end */
    ck_assert_int_eq(bus_add_mmio(bus, "dev", 0x10000000u, 6, BUS_SIZE_ALL, &dev, fake_read,
                                  fake_write), BUS_ERR_NONE);
    uint32_t v;
    ck_assert(!bus_read(bus, 0x10000004u, 4, &v));
    ck_assert(bus_read(bus, 0x10000004u, 2, &v));
    ck_assert(!bus_read(bus, 0x10000006u, 1, &v));      /* past the region: unmapped */
}
END_TEST

START_TEST(test_mmio_device_refusal_reported)
{
    ck_assert_int_eq(bus_add_mmio(bus, "dev", 0x10000000u, 0x40, BUS_SIZE_ALL, &dev, fake_read,
                                  fake_write), BUS_ERR_NONE);
    dev.refuse = true;
    uint32_t v;
    ck_assert(!bus_read(bus, 0x10000000u, 4, &v));
    ck_assert(!bus_write(bus, 0x10000000u, 4, 0));
    ck_assert_uint_eq(dev.reads, 1);
    ck_assert_uint_eq(dev.writes, 1);
}
END_TEST

/* ---- memory ---- */

START_TEST(test_unmapped_fails)
{
    ck_assert_int_eq(add_ram(0x80000000u, sizeof ram), BUS_ERR_NONE);
    uint32_t v = 0xcafef00du;
    ck_assert(!bus_read(bus, 0x7fffffffu, 1, &v));
    ck_assert(!bus_read(bus, 0x80001000u, 1, &v));
    ck_assert(!bus_read(bus, 0, 4, &v));
    ck_assert(!bus_write(bus, 0x80001000u, 4, 0));
    ck_assert_uint_eq(v, 0xcafef00du);
    ck_assert_ptr_null(bus_host_ptr(bus, 0x80001000u, 1, false));
    ck_assert_ptr_null(bus_find(bus, 0x80001000u));
}
END_TEST

START_TEST(test_ram_little_endian)
{
    ck_assert_int_eq(add_ram(0x80000000u, sizeof ram), BUS_ERR_NONE);
    ck_assert(bus_write(bus, 0x80000010u, 4, 0x11223344u));
    ck_assert_uint_eq(ram[0x10], 0x44);
    ck_assert_uint_eq(ram[0x11], 0x33);
    ck_assert_uint_eq(ram[0x12], 0x22);
    ck_assert_uint_eq(ram[0x13], 0x11);
    uint32_t v;
    ck_assert(bus_read(bus, 0x80000011u, 2, &v));       /* misaligned is fine in RAM */
    ck_assert_uint_eq(v, 0x2233);
    ck_assert(bus_read(bus, 0x80000013u, 1, &v));
    ck_assert_uint_eq(v, 0x11);
    ck_assert(bus_write(bus, 0x80000012u, 2, 0xaabbccddu));    /* only the low half */
    ck_assert(bus_read(bus, 0x80000010u, 4, &v));
    ck_assert_uint_eq(v, 0xccdd3344u);
    ck_assert(bus_write(bus, 0x80000010u, 1, 0x1ffu));
    ck_assert(bus_read(bus, 0x80000010u, 4, &v));
    ck_assert_uint_eq(v, 0xccdd33ffu);
    ram[0x20] = 0x01; ram[0x21] = 0x02; ram[0x22] = 0x03; ram[0x23] = 0x84;
    ck_assert(bus_read(bus, 0x80000020u, 4, &v));
    ck_assert_uint_eq(v, 0x84030201u);
    ck_assert(bus_read(bus, 0x80000023u, 1, &v));       /* zero-extended */
    ck_assert_uint_eq(v, 0x84);
}
END_TEST

START_TEST(test_ram_edges)
{
    ck_assert_int_eq(add_ram(0x80000000u, sizeof ram), BUS_ERR_NONE);
    uint32_t v;
    ck_assert(bus_write(bus, 0x80000ffcu, 4, 0x01020304u));
    ck_assert(bus_read(bus, 0x80000ffcu, 4, &v));
    ck_assert_uint_eq(v, 0x01020304u);
    ck_assert(!bus_read(bus, 0x80000ffeu, 4, &v));      /* half past the end */
    ck_assert(!bus_write(bus, 0x80000fffu, 2, 0));
    ck_assert_uint_eq(ram[0xfff], 0x01);                /* untouched */
}
END_TEST

START_TEST(test_rom_refuses_writes)
{
    ck_assert_int_eq(bus_add_memory(bus, "rom", 0x1000, sizeof rom, rom, false), BUS_ERR_NONE);
    uint32_t v;
    ck_assert(bus_read(bus, 0x1004, 4, &v));
    ck_assert_uint_eq(v, 0x07060504u);
    ck_assert(!bus_write(bus, 0x1004, 4, 0));
    ck_assert(!bus_write(bus, 0x1004, 1, 0));
    ck_assert_uint_eq(rom[4], 4);
    ck_assert_ptr_null(bus_host_ptr(bus, 0x1000, 4, true));
    ck_assert_ptr_eq(bus_host_ptr(bus, 0x1000, 4, false), rom);
}
END_TEST

START_TEST(test_host_ptr_bounds)
{
    ck_assert_int_eq(add_ram(0x80000000u, sizeof ram), BUS_ERR_NONE);
    ck_assert_ptr_eq(bus_host_ptr(bus, 0x80000000u, sizeof ram, true), ram);
    ck_assert_ptr_eq(bus_host_ptr(bus, 0x80000000u, sizeof ram, false), ram);
    ck_assert_ptr_eq(bus_host_ptr(bus, 0x80000123u, 1, true), ram + 0x123);
    ck_assert_ptr_eq(bus_host_ptr(bus, 0x80000fffu, 1, true), ram + 0xfff);
    ck_assert_ptr_null(bus_host_ptr(bus, 0x80000000u, sizeof ram + 1, false));
    ck_assert_ptr_null(bus_host_ptr(bus, 0x80000fffu, 2, false));
    ck_assert_ptr_null(bus_host_ptr(bus, 0x80001000u, 1, false));
    ck_assert_ptr_null(bus_host_ptr(bus, 0x7fffffffu, 2, false));
    ck_assert_ptr_null(bus_host_ptr(bus, 0x80000800u, 0xffffffffu, false));  /* no overflow */
    /* the pointer is the memory: a write through it is seen by bus_read */
    uint8_t *p = bus_host_ptr(bus, 0x80000100u, 4, true);
    ck_assert_ptr_nonnull(p);
    p[0] = 0x78; p[1] = 0x56; p[2] = 0x34; p[3] = 0x12;
    uint32_t v;
    ck_assert(bus_read(bus, 0x80000100u, 4, &v));
    ck_assert_uint_eq(v, 0x12345678u);
}
END_TEST

/* Two memory regions side by side: each access goes to its own buffer. */
START_TEST(test_two_memories)
{
    ck_assert_int_eq(bus_add_memory(bus, "rom", 0x80000000u - sizeof rom, sizeof rom, rom,
                                    false), BUS_ERR_NONE);
    ck_assert_int_eq(add_ram(0x80000000u, sizeof ram), BUS_ERR_NONE);
    uint32_t v;
    ck_assert(bus_read(bus, 0x7ffffffcu, 4, &v));
    ck_assert_uint_eq(v, 0xfffefdfcu);
    ck_assert(bus_write(bus, 0x80000000u, 4, 0xa5a5a5a5u));
    ck_assert_uint_eq(rom[0xfc], 0xfc);
    ck_assert_uint_eq(ram[0], 0xa5);
    /* an access that straddles the two regions is refused */
    ck_assert(!bus_read(bus, 0x7ffffffeu, 4, &v));
    ck_assert_ptr_null(bus_host_ptr(bus, 0x7ffffffeu, 4, false));
}
END_TEST

static Suite *bus_suite(void)
{
    Suite *s = suite_create("bus");
    TCase *tc = tcase_create("register");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_overlap_refused);
    tcase_add_test(tc, test_overlap_checked_against_every_region);
    tcase_add_test(tc, test_adjacent_accepted);
    tcase_add_test(tc, test_range_refused);
    tcase_add_test(tc, test_table_full);
    tcase_add_test(tc, test_mmio_needs_sizes_and_callbacks);
    tcase_add_test(tc, test_error_strings);
    suite_add_tcase(s, tc);

    tc = tcase_create("mmio");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_mmio_dispatch);
    tcase_add_test(tc, test_mmio_size_refused);
    tcase_add_test(tc, test_mmio_byte_only);
    tcase_add_test(tc, test_mmio_misaligned_refused);
    tcase_add_test(tc, test_mmio_past_end_refused);
    tcase_add_test(tc, test_mmio_device_refusal_reported);
    suite_add_tcase(s, tc);

    tc = tcase_create("memory");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_unmapped_fails);
    tcase_add_test(tc, test_ram_little_endian);
    tcase_add_test(tc, test_ram_edges);
    tcase_add_test(tc, test_rom_refuses_writes);
    tcase_add_test(tc, test_host_ptr_bounds);
    tcase_add_test(tc, test_two_memories);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(bus_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
