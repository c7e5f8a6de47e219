/*
 * The browser build's host pieces that are plain C (host/web_keymap.c, host/web_disk.c),
 * tested natively: KeyboardEvent.code to evdev codes, and the disk's record of the
 * chunks the guest wrote, which the page keeps in IndexedDB.
 */
#include <check.h>
#include <linux/input-event-codes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/web_disk.h"
#include "host/web_keymap.h"

START_TEST(keymap_letters_digits)
{
    static const uint16_t letters[26] = {
        KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I, KEY_J, KEY_K, KEY_L,
        KEY_M, KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R, KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X,
        KEY_Y, KEY_Z };
    static const uint16_t digits[10] = { KEY_0, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6,
                                         KEY_7, KEY_8, KEY_9 };
    char code[8];
    for (int i = 0; i < 26; i++) {
        snprintf(code, sizeof code, "Key%c", 'A' + i);
        ck_assert_uint_eq(web_keymap_evdev(code), letters[i]);
    }
    for (int i = 0; i < 10; i++) {
        snprintf(code, sizeof code, "Digit%d", i);
        ck_assert_uint_eq(web_keymap_evdev(code), digits[i]);
    }
}
END_TEST

START_TEST(keymap_others)
{
    ck_assert_uint_eq(web_keymap_evdev("Enter"), KEY_ENTER);
    ck_assert_uint_eq(web_keymap_evdev("Escape"), KEY_ESC);
    ck_assert_uint_eq(web_keymap_evdev("ShiftLeft"), KEY_LEFTSHIFT);
    ck_assert_uint_eq(web_keymap_evdev("ControlRight"), KEY_RIGHTCTRL);
    ck_assert_uint_eq(web_keymap_evdev("AltRight"), KEY_RIGHTALT);
    ck_assert_uint_eq(web_keymap_evdev("Quote"), KEY_APOSTROPHE);
    ck_assert_uint_eq(web_keymap_evdev("Backquote"), KEY_GRAVE);
    ck_assert_uint_eq(web_keymap_evdev("ArrowUp"), KEY_UP);
    ck_assert_uint_eq(web_keymap_evdev("ArrowRight"), KEY_RIGHT);
    ck_assert_uint_eq(web_keymap_evdev("PageDown"), KEY_PAGEDOWN);
    ck_assert_uint_eq(web_keymap_evdev("F12"), KEY_F12);
    ck_assert_uint_eq(web_keymap_evdev("NumpadEnter"), KEY_KPENTER);
    ck_assert_uint_eq(web_keymap_evdev("IntlBackslash"), KEY_102ND);
    ck_assert_uint_eq(web_keymap_evdev("MetaLeft"), KEY_LEFTMETA);
    ck_assert_uint_eq(web_keymap_evdev("ContextMenu"), KEY_COMPOSE);
    /* Not keys of the guest's keyboard, or not codes at all. */
    ck_assert_uint_eq(web_keymap_evdev("Keya"), 0);
    ck_assert_uint_eq(web_keymap_evdev("KeyAB"), 0);
    ck_assert_uint_eq(web_keymap_evdev("Digit10"), 0);
    ck_assert_uint_eq(web_keymap_evdev("Fn"), 0);
    ck_assert_uint_eq(web_keymap_evdev(""), 0);
    ck_assert_uint_eq(web_keymap_evdev(NULL), 0);
}
END_TEST

static unsigned written_calls;

static void on_written(void)
{
    written_calls++;
}

START_TEST(disk_chunks)
{
    size_t size = 4 * WEB_DISK_CHUNK + 1024;
    uint8_t *image = calloc(1, size);
    char err[128];
    image[5] = 7;
    struct web_disk *d = web_disk_create(image, size, on_written, err, sizeof err);
    ck_assert_ptr_nonnull(d);
    const struct blockdev *bd = web_disk_backend(d);
    ck_assert_uint_eq(bd->size, size);
    ck_assert_uint_eq(web_disk_size(d), size);
    image[5] = 9;                           /* the disk is a copy */
    uint8_t sector[512], back[512];
    ck_assert_int_eq(bd->read(bd->opaque, 0, back, sizeof back), 0);
    ck_assert_uint_eq(back[5], 7);

    /* Nothing written: nothing to take, nobody told. */
    uint32_t out[8];
    ck_assert_uint_eq(web_disk_take_dirty(d, out, 8), 0);
    written_calls = 0;
    /* A write across the boundary of chunks 1 and 2, then one in the last, short chunk:
     * the page is told once, at the first. */
    memset(sector, 0xab, sizeof sector);
    ck_assert_int_eq(bd->write(bd->opaque, 2 * WEB_DISK_CHUNK - 256, sector, 512), 0);
    ck_assert_int_eq(bd->write(bd->opaque, 4 * WEB_DISK_CHUNK + 512, sector, 512), 0);
    ck_assert_uint_eq(written_calls, 1);
    ck_assert_int_eq(bd->read(bd->opaque, 2 * WEB_DISK_CHUNK - 256, back, 512), 0);
    ck_assert_mem_eq(back, sector, 512);
    ck_assert_mem_eq(web_disk_bytes(d) + 4 * WEB_DISK_CHUNK + 512, sector, 512);
    /* A flush with chunks waiting tells again. */
    ck_assert_int_eq(bd->flush(bd->opaque), 0);
    ck_assert_uint_eq(written_calls, 2);
    /* Taken in order, at most `max` at a time; then none are left. */
    ck_assert_uint_eq(web_disk_take_dirty(d, out, 2), 2);
    ck_assert_uint_eq(out[0], 1);
    ck_assert_uint_eq(out[1], 2);
    ck_assert_uint_eq(web_disk_take_dirty(d, out, 8), 1);
    ck_assert_uint_eq(out[0], 4);
    ck_assert_uint_eq(web_disk_take_dirty(d, out, 8), 0);
    ck_assert_int_eq(bd->flush(bd->opaque), 0);
    ck_assert_uint_eq(written_calls, 2);    /* nothing waiting: a flush says nothing */
    /* Written again after it was taken: told again. */
    ck_assert_int_eq(bd->write(bd->opaque, 0, sector, 512), 0);
    ck_assert_uint_eq(written_calls, 3);
    ck_assert_uint_eq(web_disk_take_dirty(d, out, 8), 1);
    ck_assert_uint_eq(out[0], 0);
    web_disk_destroy(d);
    free(image);
}
END_TEST

START_TEST(disk_refused)
{
    char err[128];
    uint8_t image[1024] = { 0 };
    ck_assert_ptr_null(web_disk_create(image, 1000, NULL, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "512-byte sectors"));
    ck_assert_ptr_null(web_disk_create(image, 0, NULL, err, sizeof err));
}
END_TEST

static Suite *web_suite(void)
{
    Suite *s = suite_create("web");
    TCase *tc = tcase_create("keymap");
    tcase_add_test(tc, keymap_letters_digits);
    tcase_add_test(tc, keymap_others);
    suite_add_tcase(s, tc);
    tc = tcase_create("disk");
    tcase_add_test(tc, disk_chunks);
    tcase_add_test(tc, disk_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(web_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
