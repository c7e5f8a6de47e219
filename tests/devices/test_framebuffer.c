/*
 * The framebuffer (devices/framebuffer.h) on a real bus: it is memory, so pixels written
 * with bus_write (or through the host pointer the CPU's TLB would cache) land in
 * fb_pixels(); fb_damage() reports exactly the band of rows whose bytes changed since
 * its last call, then nothing; sizes, stride and the page-rounded mapping; refused sizes.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bus/memmap.h"
#include "devices/framebuffer.h"
#include "fakes.h"

#define BASE MEMMAP_FB_BASE
#define W    64
#define H    48

static struct bus *bus;
static struct framebuffer *fb;

static void setup(void)
{
    bus = bus_create();
    ck_assert_ptr_nonnull(bus);
    fb = fb_create(W, H);
    ck_assert_ptr_nonnull(fb);
    ck_assert_int_eq(fb_attach(fb, bus, BASE), BUS_ERR_NONE);
}

static void teardown(void)
{
    fb_destroy(fb);
    bus_destroy(bus);
}

/* Guest address of pixel (x, y), computed from the format, not from fb_stride(). */
static uint32_t px_addr(unsigned x, unsigned y)
{
    return BASE + (uint32_t)y * W * 4 + (uint32_t)x * 4;
}

/* Damage as one call: -1/-1 when nothing changed (and the outputs untouched). */
static void damage(int *y0, int *y1)
{
    unsigned a = 0xdead, b = 0xbeef;
    if (fb_damage(fb, &a, &b)) {
        *y0 = (int)a;
        *y1 = (int)b;
    } else {
        ck_assert_uint_eq(a, 0xdead);
        ck_assert_uint_eq(b, 0xbeef);
        *y0 = *y1 = -1;
    }
}

#define ck_damage(want0, want1)                                                       \
    do {                                                                              \
        int y0_, y1_;                                                                 \
        damage(&y0_, &y1_);                                                           \
        ck_assert_msg(y0_ == (want0) && y1_ == (want1),                               \
                      "damage [%d, %d), expected [%d, %d)", y0_, y1_, (want0), (want1)); \
    } while (0)

/* ---- sizes ---- */

START_TEST(test_sizes)
{
    ck_assert_uint_eq(fb_width(fb), W);
    ck_assert_uint_eq(fb_height(fb), H);
    ck_assert_uint_eq(fb_stride(fb), 256);                  /* 64 pixels * 4 bytes */
    ck_assert_uint_eq(fb_size(fb), 12288);                  /* 48 * 256, 3 pages exactly */
}
END_TEST

START_TEST(test_size_rounded_to_page)
{
    struct framebuffer *f = fb_create(3, 5);                /* 60 bytes */
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fb_stride(f), 12);
    ck_assert_uint_eq(fb_size(f), 4096);
    fb_destroy(f);

    f = fb_create(FB_DEFAULT_WIDTH, FB_DEFAULT_HEIGHT);     /* 1,920,000 bytes */
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fb_stride(f), 3200);
    ck_assert_uint_eq(fb_size(f), 469u * 4096);             /* 1,921,024 */
    fb_destroy(f);

    f = fb_create(FB_MAX_WIDTH, FB_MAX_HEIGHT);             /* the largest: 64 MiB */
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fb_size(f), 64u << 20);
    fb_destroy(f);

    f = fb_create(1, 1);
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fb_stride(f), 4);
    ck_assert_uint_eq(fb_size(f), 4096);
    fb_destroy(f);
}
END_TEST

START_TEST(test_bad_sizes)
{
    ck_assert_ptr_null(fb_create(0, 600));
    ck_assert_ptr_null(fb_create(800, 0));
    ck_assert_ptr_null(fb_create(0, 0));
    ck_assert_ptr_null(fb_create(FB_MAX_WIDTH + 1, 1));
    ck_assert_ptr_null(fb_create(1, FB_MAX_HEIGHT + 1));
    ck_assert_ptr_null(fb_create(UINT32_MAX, UINT32_MAX)); /* width * 4 would wrap */
    ck_assert_ptr_null(fb_create(0x40000001u, 1));          /* width * 4 wraps to 4 */
}
END_TEST

/* ---- the mapping ---- */

START_TEST(test_mapped_as_memory)
{
    const struct bus_region *r = bus_find(bus, BASE);
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(r->base, BASE);
    ck_assert_uint_eq(r->size, fb_size(fb));
    ck_assert_ptr_nonnull(r->host);                         /* no callback on the hot path */
    ck_assert(r->writable);
    ck_assert_ptr_eq(r->host, (const uint8_t *)fb_pixels(fb));
    ck_assert_ptr_nonnull(bus_host_ptr(bus, BASE, fb_size(fb), true));
    uint32_t v;
    ck_assert(bus_read(bus, BASE + fb_size(fb) - 4, 4, &v));
    ck_assert(!bus_read(bus, BASE + fb_size(fb), 4, &v));  /* the end of the mapping */
    ck_assert(!bus_write(bus, BASE - 4, 4, 0));
}
END_TEST

START_TEST(test_attach_overlap)
{
    struct framebuffer *f = fb_create(8, 8);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fb_attach(f, bus, BASE + 4096), BUS_ERR_OVERLAP);
    ck_assert_int_eq(fb_attach(f, bus, BASE + fb_size(fb)), BUS_ERR_NONE);
    const struct bus_region *r = bus_find(bus, BASE + fb_size(fb));
    ck_assert_ptr_eq(r->host, (const uint8_t *)fb_pixels(f));
    fb_destroy(f);                                          /* the bus goes in teardown */
}
END_TEST

START_TEST(test_write_pixels)
{
    const uint32_t *px = fb_pixels(fb);
    wr32(bus, px_addr(0, 0), 0x00ff0000);                   /* red */
    wr32(bus, px_addr(W - 1, H - 1), 0x0000ff00);           /* green, the last pixel */
    wr32(bus, px_addr(5, 7), 0x12345678);
    ck_assert_uint_eq(px[0], 0x00ff0000);
    ck_assert_uint_eq(px[(H - 1) * W + W - 1], 0x0000ff00);
    ck_assert_uint_eq(px[7 * W + 5], 0x12345678);
    ck_assert_uint_eq(px[7 * W + 4], 0);
    ck_assert_uint_eq(px[7 * W + 6], 0);
    /* Byte and halfword stores: byte 0 blue, byte 2 red (little-endian words). */
    wr8(bus, px_addr(9, 9), 0x11);
    wr8(bus, px_addr(9, 9) + 2, 0x33);
    wr(bus, px_addr(9, 9) + 1, 1, 0x22);
    ck_assert_uint_eq(px[9 * W + 9], 0x00332211);
    wr(bus, px_addr(10, 9), 2, 0xbeef);
    ck_assert_uint_eq(px[9 * W + 10], 0x0000beef);
    ck_assert_uint_eq(rd32(bus, px_addr(5, 7)), 0x12345678);
}
END_TEST

/* ---- damage ---- */

START_TEST(test_nothing_at_first)
{
    ck_damage(-1, -1);
    ck_damage(-1, -1);
}
END_TEST

START_TEST(test_damage_rows_touched)
{
    wr32(bus, px_addr(3, 10), 0xffffffff);
    wr32(bus, px_addr(60, 20), 0x00808080);
    ck_damage(10, 21);
    ck_damage(-1, -1);                                      /* a second call: nothing */

    wr32(bus, px_addr(0, 17), 1);
    ck_damage(17, 18);                                      /* one row */
    ck_damage(-1, -1);
}
END_TEST

START_TEST(test_damage_edges)
{
    wr32(bus, px_addr(0, 0), 7);
    ck_damage(0, 1);
    wr32(bus, px_addr(W - 1, H - 1), 7);
    ck_damage(H - 1, H);
    wr32(bus, px_addr(W - 1, 0), 9);
    wr32(bus, px_addr(0, H - 1), 9);
    ck_damage(0, H);
    ck_damage(-1, -1);
}
END_TEST

/* The comparison covers every byte of a row: the last byte of row 4 alone. */
START_TEST(test_damage_last_byte)
{
    wr8(bus, px_addr(W - 1, 4) + 3, 0x80);
    ck_damage(4, 5);
    wr8(bus, px_addr(0, 5), 0x01);                          /* the first byte of row 5 */
    ck_damage(5, 6);
}
END_TEST

/* Damage is about content: storing what is already there, or undoing a change before
 * the host looks, is no damage. */
START_TEST(test_damage_by_content)
{
    wr32(bus, px_addr(8, 8), 0);
    ck_damage(-1, -1);
    wr32(bus, px_addr(8, 8), 0x00abcdef);
    wr32(bus, px_addr(8, 8), 0);
    ck_damage(-1, -1);
    wr32(bus, px_addr(8, 8), 0x00abcdef);
    ck_damage(8, 9);
    wr32(bus, px_addr(8, 8), 0x00abcdef);
    ck_damage(-1, -1);
    wr32(bus, px_addr(8, 8), 0);                            /* back to black: a change */
    ck_damage(8, 9);
}
END_TEST

/* The shadow takes the whole reported band: after [10, 30) was reported, changing row
 * 12 again reports only row 12, and rows 10 and 29 are not reported again. */
START_TEST(test_damage_band_becomes_current)
{
    wr32(bus, px_addr(1, 10), 0x111111);
    wr32(bus, px_addr(2, 29), 0x222222);
    ck_damage(10, 30);
    wr32(bus, px_addr(3, 12), 0x333333);
    ck_damage(12, 13);
    wr32(bus, px_addr(1, 10), 0x444444);
    wr32(bus, px_addr(2, 29), 0x555555);
    wr32(bus, px_addr(3, 40), 0x666666);
    ck_damage(10, 41);
    ck_damage(-1, -1);
}
END_TEST

/* Stores through the host pointer, as the CPU makes them once its TLB holds the page. */
START_TEST(test_damage_host_pointer)
{
    uint8_t *p = bus_host_ptr(bus, px_addr(0, 33), 4 * W, true);
    ck_assert_ptr_nonnull(p);
    memset(p, 0x5a, 4 * W);
    ck_damage(33, 34);
    ck_assert_uint_eq(fb_pixels(fb)[33 * W + 17], 0x5a5a5a5a);
}
END_TEST

/* Bytes past the last row (the page rounding) are mapped but never shown. */
START_TEST(test_tail_not_shown)
{
    struct framebuffer *f = fb_create(3, 5);
    struct bus *b = bus_create();
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fb_attach(f, b, BASE), BUS_ERR_NONE);
    wr32(b, BASE + 60, 0xffffffff);                         /* just past row 4 */
    wr32(b, BASE + 4092, 0xffffffff);
    unsigned y0 = 99, y1 = 99;
    ck_assert(!fb_damage(f, &y0, &y1));
    wr32(b, BASE + 56, 0xffffffff);                         /* the last pixel of row 4 */
    ck_assert(fb_damage(f, &y0, &y1));
    ck_assert_uint_eq(y0, 4);
    ck_assert_uint_eq(y1, 5);
    fb_destroy(f);
    bus_destroy(b);
}
END_TEST

START_TEST(test_damage_full_screen)
{
    struct framebuffer *f = fb_create(FB_DEFAULT_WIDTH, FB_DEFAULT_HEIGHT);
    struct bus *b = bus_create();
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fb_attach(f, b, BASE), BUS_ERR_NONE);
    uint8_t *p = bus_host_ptr(b, BASE, FB_DEFAULT_WIDTH * FB_DEFAULT_HEIGHT * 4, true);
    ck_assert_ptr_nonnull(p);
    memset(p, 0xff, FB_DEFAULT_WIDTH * FB_DEFAULT_HEIGHT * 4);
    unsigned y0 = 99, y1 = 99;
    ck_assert(fb_damage(f, &y0, &y1));
    ck_assert_uint_eq(y0, 0);
    ck_assert_uint_eq(y1, FB_DEFAULT_HEIGHT);
    ck_assert(!fb_damage(f, &y0, &y1));
    wr32(b, BASE + 300 * 3200 + 400 * 4, 0);
    ck_assert(fb_damage(f, &y0, &y1));
    ck_assert_uint_eq(y0, 300);
    ck_assert_uint_eq(y1, 301);
    fb_destroy(f);
    bus_destroy(b);
}
END_TEST

static Suite *framebuffer_suite(void)
{
    Suite *s = suite_create("framebuffer");
    TCase *tc = tcase_create("framebuffer");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_sizes);
    tcase_add_test(tc, test_size_rounded_to_page);
    tcase_add_test(tc, test_bad_sizes);
    tcase_add_test(tc, test_mapped_as_memory);
    tcase_add_test(tc, test_attach_overlap);
    tcase_add_test(tc, test_write_pixels);
    tcase_add_test(tc, test_nothing_at_first);
    tcase_add_test(tc, test_damage_rows_touched);
    tcase_add_test(tc, test_damage_edges);
    tcase_add_test(tc, test_damage_last_byte);
    tcase_add_test(tc, test_damage_by_content);
    tcase_add_test(tc, test_damage_band_becomes_current);
    tcase_add_test(tc, test_damage_host_pointer);
    tcase_add_test(tc, test_tail_not_shown);
    tcase_add_test(tc, test_damage_full_screen);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(framebuffer_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
