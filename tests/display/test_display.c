/*
 * The display's pure parts, no window needed: the keyboard map (SDL scancodes to evdev
 * codes, checked against numbers from linux/input-event-codes.h written out by hand and
 * against the keys the virtio keyboard advertises), pointer positions to tablet
 * coordinates, and PNG screenshots written from a framebuffer the test draws through the
 * bus, read back with libpng and compared pixel by pixel (and as PPM, the monitor's
 * screendump); QEMU's key names for the monitor's sendkey.
 */
#include <SDL_keyboard.h>
#include <check.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus/bus.h"
#include "devices/framebuffer.h"
#include "devices/virtio_input.h"
#include "host/keymap.h"
#include "host/screenshot.h"
#include "tests/virtio/vdriver.h"

/* ---- the keyboard map ---- */

/* evdev numbers as linux/input-event-codes.h defines them, copied by hand so that the
 * table in keymap.c is checked against something it was not built from. */
static const struct {
    int scancode;
    unsigned evdev;
} known_keys[] = {
    { SDL_SCANCODE_ESCAPE, 1 },     { SDL_SCANCODE_1, 2 },          { SDL_SCANCODE_9, 10 },
    { SDL_SCANCODE_0, 11 },         { SDL_SCANCODE_MINUS, 12 },     { SDL_SCANCODE_EQUALS, 13 },
    { SDL_SCANCODE_BACKSPACE, 14 }, { SDL_SCANCODE_TAB, 15 },       { SDL_SCANCODE_Q, 16 },
    { SDL_SCANCODE_P, 25 },         { SDL_SCANCODE_LEFTBRACKET, 26 },
    { SDL_SCANCODE_RIGHTBRACKET, 27 }, { SDL_SCANCODE_RETURN, 28 }, { SDL_SCANCODE_LCTRL, 29 },
    { SDL_SCANCODE_A, 30 },         { SDL_SCANCODE_S, 31 },         { SDL_SCANCODE_G, 34 },
    { SDL_SCANCODE_L, 38 },         { SDL_SCANCODE_SEMICOLON, 39 }, { SDL_SCANCODE_APOSTROPHE, 40 },
    { SDL_SCANCODE_GRAVE, 41 },     { SDL_SCANCODE_LSHIFT, 42 },    { SDL_SCANCODE_BACKSLASH, 43 },
    { SDL_SCANCODE_Z, 44 },         { SDL_SCANCODE_B, 48 },         { SDL_SCANCODE_M, 50 },
    { SDL_SCANCODE_COMMA, 51 },     { SDL_SCANCODE_PERIOD, 52 },    { SDL_SCANCODE_SLASH, 53 },
    { SDL_SCANCODE_RSHIFT, 54 },    { SDL_SCANCODE_KP_MULTIPLY, 55 }, { SDL_SCANCODE_LALT, 56 },
    { SDL_SCANCODE_SPACE, 57 },     { SDL_SCANCODE_CAPSLOCK, 58 },  { SDL_SCANCODE_F1, 59 },
    { SDL_SCANCODE_F10, 68 },       { SDL_SCANCODE_NUMLOCKCLEAR, 69 }, { SDL_SCANCODE_KP_7, 71 },
    { SDL_SCANCODE_KP_0, 82 },      { SDL_SCANCODE_KP_PERIOD, 83 }, { SDL_SCANCODE_NONUSBACKSLASH, 86 },
    { SDL_SCANCODE_F11, 87 },       { SDL_SCANCODE_F12, 88 },       { SDL_SCANCODE_KP_ENTER, 96 },
    { SDL_SCANCODE_RCTRL, 97 },     { SDL_SCANCODE_KP_DIVIDE, 98 }, { SDL_SCANCODE_PRINTSCREEN, 99 },
    { SDL_SCANCODE_RALT, 100 },     { SDL_SCANCODE_HOME, 102 },     { SDL_SCANCODE_UP, 103 },
    { SDL_SCANCODE_PAGEUP, 104 },   { SDL_SCANCODE_LEFT, 105 },     { SDL_SCANCODE_RIGHT, 106 },
    { SDL_SCANCODE_END, 107 },      { SDL_SCANCODE_DOWN, 108 },     { SDL_SCANCODE_PAGEDOWN, 109 },
    { SDL_SCANCODE_INSERT, 110 },   { SDL_SCANCODE_DELETE, 111 },   { SDL_SCANCODE_PAUSE, 119 },
    { SDL_SCANCODE_LGUI, 125 },     { SDL_SCANCODE_RGUI, 126 },     { SDL_SCANCODE_APPLICATION, 127 },
    { SDL_SCANCODE_F13, 183 },      { SDL_SCANCODE_F24, 194 },
};

START_TEST(test_known_keys)
{
    for (size_t i = 0; i < sizeof known_keys / sizeof known_keys[0]; i++)
        ck_assert_msg(keymap_evdev(known_keys[i].scancode) == known_keys[i].evdev,
                      "%s -> %u, want %u", SDL_GetScancodeName(known_keys[i].scancode),
                      keymap_evdev(known_keys[i].scancode), known_keys[i].evdev);
}
END_TEST

/* Every letter, digit and function key of a PC keyboard has a code. */
START_TEST(test_full_rows)
{
    for (int s = SDL_SCANCODE_A; s <= SDL_SCANCODE_Z; s++)
        ck_assert_msg(keymap_evdev(s) != 0, "%s unmapped", SDL_GetScancodeName(s));
    for (int s = SDL_SCANCODE_1; s <= SDL_SCANCODE_0; s++)
        ck_assert_msg(keymap_evdev(s) != 0, "%s unmapped", SDL_GetScancodeName(s));
    for (int s = SDL_SCANCODE_F1; s <= SDL_SCANCODE_F12; s++)
        ck_assert_msg(keymap_evdev(s) != 0, "%s unmapped", SDL_GetScancodeName(s));
    for (int s = SDL_SCANCODE_KP_DIVIDE; s <= SDL_SCANCODE_KP_PERIOD; s++)
        ck_assert_msg(keymap_evdev(s) != 0, "%s unmapped", SDL_GetScancodeName(s));
    for (int s = SDL_SCANCODE_LCTRL; s <= SDL_SCANCODE_RGUI; s++)
        ck_assert_msg(keymap_evdev(s) != 0, "%s unmapped", SDL_GetScancodeName(s));
}
END_TEST

/* Two host keys that send the same code would be indistinguishable in the guest. */
START_TEST(test_no_duplicate_targets)
{
    static int owner[0x300];
    memset(owner, 0, sizeof owner);
    unsigned mapped = 0;
    for (int s = 0; s < KEYMAP_NUM_SCANCODES; s++) {
        unsigned code = keymap_evdev(s);
        if (!code)
            continue;
        mapped++;
        ck_assert_uint_lt(code, 0x300);                 /* KEY_CNT */
        ck_assert_msg(owner[code] == 0, "%s and %s both send %u",
                      SDL_GetScancodeName(owner[code]), SDL_GetScancodeName(s), code);
        owner[code] = s;
    }
    ck_assert_uint_ge(mapped, 104);                     /* at least a full PC keyboard */
}
END_TEST

START_TEST(test_unmapped)
{
    ck_assert_uint_eq(keymap_evdev(SDL_SCANCODE_UNKNOWN), 0);
    ck_assert_uint_eq(keymap_evdev(SDL_SCANCODE_KP_HEXADECIMAL), 0);
    ck_assert_uint_eq(keymap_evdev(-1), 0);
    ck_assert_uint_eq(keymap_evdev(KEYMAP_NUM_SCANCODES), 0);
    ck_assert_uint_eq(keymap_evdev(100000), 0);
}
END_TEST

/* Each code the map sends is one the virtio keyboard advertises in its EV_KEY bits:
 * Linux's input core drops events of keys a device did not declare. */
START_TEST(test_keys_advertised)
{
    struct vd_machine m;
    vd_machine_init(&m, 2);
    struct virtio_input *kbd = vinput_create(m.vm, VINPUT_KEYBOARD);
    ck_assert_ptr_nonnull(kbd);
    ck_assert(bus_write(m.bus, VD_MMIO_BASE + VD_CONFIG + 0, 1, 0x11));    /* EV_BITS */
    ck_assert(bus_write(m.bus, VD_MMIO_BASE + VD_CONFIG + 1, 1, EV_KEY));
    unsigned size = vd_reg_read_sized(&m, VD_CONFIG + 2, 1);
    ck_assert_uint_gt(size, 0);
    uint8_t bits[128];
    for (unsigned i = 0; i < sizeof bits; i++)
        bits[i] = (uint8_t)vd_reg_read_sized(&m, VD_CONFIG + 8 + i, 1);
    for (int s = 0; s < KEYMAP_NUM_SCANCODES; s++) {
        unsigned code = keymap_evdev(s);
        if (code)
            ck_assert_msg(code / 8 < size && (bits[code / 8] >> (code % 8) & 1),
                          "%s sends %u, which the keyboard does not advertise",
                          SDL_GetScancodeName(s), code);
    }
    vinput_destroy(kbd);
    vd_machine_fini(&m);
}
END_TEST

/* QEMU's key names (sendkey), against input-event-codes.h numbers written out by hand. */
START_TEST(test_qemu_key_names)
{
    static const struct {
        const char *name;
        unsigned evdev;
    } names[] = {
        { "esc", 1 }, { "1", 2 }, { "0", 11 }, { "backspace", 14 }, { "tab", 15 },
        { "q", 16 }, { "ret", 28 }, { "ctrl", 29 }, { "a", 30 }, { "shift", 42 },
        { "z", 44 }, { "spc", 57 }, { "f1", 59 }, { "f10", 68 }, { "kp_add", 78 },
        { "f12", 88 }, { "ctrl_r", 97 }, { "alt_r", 100 }, { "up", 103 }, { "delete", 111 },
        { "power", 116 }, { "meta_l", 125 }, { "f24", 194 },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        ck_assert_msg(keymap_qcode(names[i].name) == names[i].evdev, "%s -> %u, want %u",
                      names[i].name, keymap_qcode(names[i].name), names[i].evdev);
    ck_assert_uint_eq(keymap_qcode(""), 0);
    ck_assert_uint_eq(keymap_qcode("nokey"), 0);
    ck_assert_uint_eq(keymap_qcode("A"), 0);          /* QEMU's names are lower case */
    ck_assert_uint_eq(keymap_qcode("ctrl-alt"), 0);   /* one key at a time */
}
END_TEST

/* ---- pointer positions ---- */

static void assert_abs_near(uint32_t got, double fraction)
{
    double want = fraction * VINPUT_ABS_MAX;
    ck_assert_msg(got >= want - 1.0 && got <= want + 1.0, "abs %u, want about %.1f", got, want);
}

START_TEST(test_abs)
{
    ck_assert_uint_eq(keymap_abs(0, 0, 320), 0);
    ck_assert_uint_eq(keymap_abs(319, 0, 320), VINPUT_ABS_MAX);
    assert_abs_near(keymap_abs(160, 0, 320), 160.0 / 319);
    assert_abs_near(keymap_abs(170, 10, 320), 160.0 / 319);     /* offset by a black bar */
    assert_abs_near(keymap_abs(100, 0, 200), 100.0 / 199);
    ck_assert_uint_eq(keymap_abs(5, 10, 320), 0);               /* in the bar: clamped */
    ck_assert_uint_eq(keymap_abs(-40, 0, 320), 0);
    ck_assert_uint_eq(keymap_abs(400, 0, 320), VINPUT_ABS_MAX);
    assert_abs_near(keymap_abs(4000, 10, 4096), 3990.0 / 4095);
    ck_assert_uint_eq(keymap_abs(7, 0, 1), 0);                  /* degenerate spans */
    ck_assert_uint_eq(keymap_abs(7, 0, 0), 0);
    /* Monotonic over a whole axis, every pixel a distinct value when the axis is short. */
    uint32_t prev = 0;
    for (int x = 1; x < 1024; x++) {
        uint32_t a = keymap_abs(x, 0, 1024);
        ck_assert_uint_gt(a, prev);
        prev = a;
    }
}
END_TEST

/* ---- screenshots ---- */

#define FB_BASE 0x40000000u


/* A framebuffer drawn through the bus, as the guest draws: pixel (x, y) gets a colour
 * derived from its place, and junk in the ignored byte 3. */
static uint32_t pattern(unsigned x, unsigned y)
{
    uint32_t r = (x * 37 + y) & 0xff, g = (y * 53 + 7) & 0xff, b = (x * y + 91) & 0xff;
    uint32_t junk = (x ^ y) & 0xff;
    return junk << 24 | r << 16 | g << 8 | b;
}

static struct framebuffer *drawn_fb(struct bus *bus, unsigned width, unsigned height)
{
    struct framebuffer *fb = fb_create(width, height);
    ck_assert_ptr_nonnull(fb);
    ck_assert_int_eq(fb_attach(fb, bus, FB_BASE), BUS_ERR_NONE);
    for (unsigned y = 0; y < height; y++)
        for (unsigned x = 0; x < width; x++)
            ck_assert(bus_write(bus, FB_BASE + y * fb_stride(fb) + x * 4, 4, pattern(x, y)));
    return fb;
}

/* The PNG header says 8-bit RGB (IHDR: bit depth at byte 24, colour type 2 at 25). */
static void assert_ihdr(const char *path, unsigned width, unsigned height)
{
    uint8_t h[33];
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fread(h, 1, sizeof h, f), sizeof h);
    fclose(f);
    ck_assert_int_eq(memcmp(h, "\x89PNG\r\n\x1a\n", 8), 0);
    ck_assert_int_eq(memcmp(h + 12, "IHDR", 4), 0);
    ck_assert_uint_eq((unsigned)h[16] << 24 | h[17] << 16 | h[18] << 8 | h[19], width);
    ck_assert_uint_eq((unsigned)h[20] << 24 | h[21] << 16 | h[22] << 8 | h[23], height);
    ck_assert_uint_eq(h[24], 8);
    ck_assert_uint_eq(h[25], 2);
}

static void check_screenshot(unsigned width, unsigned height)
{
    char tmpdir[] = "/tmp/rvbox-display-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    char path[256];
    snprintf(path, sizeof path, "%s/shot.png", tmpdir);
    struct bus *bus = bus_create();
    ck_assert_ptr_nonnull(bus);
    struct framebuffer *fb = drawn_fb(bus, width, height);

    char err[256] = "";
    ck_assert_msg(screenshot_write(fb, path, err, sizeof err) == 0, "%s", err);
    assert_ihdr(path, width, height);

    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    ck_assert_msg(png_image_begin_read_from_file(&image, path), "%s", image.message);
    ck_assert_uint_eq(image.width, width);
    ck_assert_uint_eq(image.height, height);
    ck_assert_uint_eq(image.format, PNG_FORMAT_RGB);       /* no alpha, 8 bits */
    uint8_t *rgb = malloc(PNG_IMAGE_SIZE(image));
    ck_assert_ptr_nonnull(rgb);
    ck_assert_msg(png_image_finish_read(&image, NULL, rgb, 0, NULL), "%s", image.message);
    for (unsigned y = 0; y < height; y++)
        for (unsigned x = 0; x < width; x++) {
            const uint8_t *p = rgb + ((size_t)y * width + x) * 3;
            uint32_t want = pattern(x, y);
            ck_assert_msg(p[0] == (want >> 16 & 0xff) && p[1] == (want >> 8 & 0xff) &&
                          p[2] == (want & 0xff),
                          "pixel (%u,%u) is %02x%02x%02x, want %06x", x, y, p[0], p[1], p[2],
                          want & 0xffffff);
        }
    free(rgb);
    fb_destroy(fb);
    bus_destroy(bus);
    remove(path);
    rmdir(tmpdir);
}

START_TEST(test_screenshot_small)
{
    check_screenshot(7, 5);         /* odd sizes: no row is a multiple of anything */
}
END_TEST

START_TEST(test_screenshot_default_size)
{
    check_screenshot(FB_DEFAULT_WIDTH, FB_DEFAULT_HEIGHT);
}
END_TEST

/* The monitor's screendump in QEMU's default format: P6, RGB, rows top to bottom. */
START_TEST(test_screenshot_ppm)
{
    char path[] = "/tmp/rvbox-ppm-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    struct bus *bus = bus_create();
    struct framebuffer *fb = drawn_fb(bus, 7, 5);
    char err[256] = "";
    ck_assert_msg(screenshot_write_ppm(fb, path, err, sizeof err) == 0, "%s", err);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    unsigned w = 0, h = 0, max = 0;
    ck_assert_int_eq(fscanf(f, "P6 %u %u %u", &w, &h, &max), 3);
    ck_assert_int_eq(fgetc(f), '\n');
    ck_assert_uint_eq(w, 7);
    ck_assert_uint_eq(h, 5);
    ck_assert_uint_eq(max, 255);
    for (unsigned y = 0; y < h; y++)
        for (unsigned x = 0; x < w; x++) {
            uint8_t p[3];
            ck_assert_uint_eq(fread(p, 1, 3, f), 3);
            uint32_t want = pattern(x, y);
            ck_assert(p[0] == (want >> 16 & 0xff) && p[1] == (want >> 8 & 0xff) &&
                      p[2] == (want & 0xff));
        }
    ck_assert_int_eq(fgetc(f), EOF);
    fclose(f);
    remove(path);
    ck_assert_int_eq(screenshot_write_ppm(NULL, path, err, sizeof err), -1);
    ck_assert_int_eq(screenshot_write_ppm(fb, "/nonexistent-rvbox-dir/x.ppm", err, sizeof err), -1);
    ck_assert_msg(strstr(err, "/nonexistent-rvbox-dir/x.ppm") != NULL, "%s", err);
    fb_destroy(fb);
    bus_destroy(bus);
}
END_TEST

START_TEST(test_screenshot_errors)
{
    struct bus *bus = bus_create();
    struct framebuffer *fb = drawn_fb(bus, 16, 8);
    char err[256] = "";
    const char *bad = "/nonexistent-rvbox-dir/shot.png";
    ck_assert_int_eq(screenshot_write(fb, bad, err, sizeof err), -1);
    ck_assert_msg(strstr(err, bad) != NULL, "the message names the file: %s", err);
    ck_assert_msg(strstr(err, "No such file") != NULL, "the message says why: %s", err);
    ck_assert_ptr_null(strchr(err, '\n'));

    err[0] = '\0';
    ck_assert_int_eq(screenshot_write(NULL, "/tmp/never-written.png", err, sizeof err), -1);
    ck_assert_uint_gt(strlen(err), 0);
    ck_assert_int_ne(access("/tmp/never-written.png", F_OK), 0);

    /* /dev/full accepts the open and fails the writes: no half-written success. */
    if (access("/dev/full", W_OK) == 0) {
        err[0] = '\0';
        ck_assert_int_eq(screenshot_write(fb, "/dev/full", err, sizeof err), -1);
        ck_assert_msg(strstr(err, "/dev/full") != NULL, "%s", err);
        ck_assert_ptr_null(strchr(err, '\n'));
    }
    fb_destroy(fb);
    bus_destroy(bus);
}
END_TEST

static Suite *display_suite(void)
{
    Suite *s = suite_create("display");
    TCase *keys = tcase_create("keymap");
    tcase_add_test(keys, test_known_keys);
    tcase_add_test(keys, test_full_rows);
    tcase_add_test(keys, test_no_duplicate_targets);
    tcase_add_test(keys, test_unmapped);
    tcase_add_test(keys, test_keys_advertised);
    tcase_add_test(keys, test_qemu_key_names);
    tcase_add_test(keys, test_abs);
    suite_add_tcase(s, keys);
    TCase *shots = tcase_create("screenshot");
    tcase_set_timeout(shots, 30);
    tcase_add_test(shots, test_screenshot_small);
    tcase_add_test(shots, test_screenshot_default_size);
    tcase_add_test(shots, test_screenshot_errors);
    tcase_add_test(shots, test_screenshot_ppm);
    suite_add_tcase(s, shots);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(display_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
