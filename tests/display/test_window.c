/*
 * The SDL window (host/window.c) on a real framebuffer and real virtio-input devices,
 * each on a virtio-mmio slot driven by the fake guest driver of tests/virtio/vdriver.c:
 * what arrives in the driver's event buffers is what a guest would read.
 *
 *   test_window dummy   SDL's dummy video driver: events are pushed into SDL's queue
 *                       (keys, chords, the mouse over a letterboxed window, focus loss,
 *                       close) and the drawn pixels are read back from the renderer;
 *                       also window_open without a display.
 *   test_window x11     a real X server (run under with_xvfb.sh): xdotool types "ab",
 *                       moves the pointer and clicks, presses Ctrl-Alt-G and Ctrl-Alt-S.
 */
#include <SDL.h>
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bus/bus.h"
#include "devices/framebuffer.h"
#include "devices/virtio_input.h"
#include "host/window.h"
#include "tests/virtio/vdriver.h"

/* evdev codes, written out (linux/input-event-codes.h). */
#define KEY_A        30
#define KEY_B        48
#define KEY_S        31
#define KEY_G        34
#define KEY_LEFTCTRL 29
#define KEY_LEFTALT  56

#define FB_BASE      0x40000000u
#define FB_W         320
#define FB_H         200
#define EVENT_BUFS   64         /* the keyboard's QueueNumMax */
#define MAX_EVENTS   1024

struct event {
    uint16_t type, code;
    uint32_t value;
};

/* One virtio-input device seen from its driver: the buffers it offered and the events
 * they came back with. */
struct input_side {
    struct vd_machine m;
    struct vd_driver d;
    struct virtio_input *dev;
    struct event log[MAX_EVENTS];
    unsigned n;
};

struct rig {
    struct bus *bus;
    struct framebuffer *fb;
    struct input_side kbd, tab;
    struct window *w;
    SDL_Window *sdl;            /* the window's SDL side, looked up for white-box checks */
    char dir[64];               /* a temporary directory for screenshots */
    char shot[128];
};

static void side_init(struct input_side *s, enum vinput_kind kind)
{
    memset(s, 0, sizeof *s);
    vd_machine_init(&s->m, 2);
    s->dev = vinput_create(s->m.vm, kind);
    ck_assert_ptr_nonnull(s->dev);
    ck_assert_int_eq(vd_driver_init(&s->d, &s->m, EVENT_BUFS, 0), 0);
    /* Every descriptor an 8-byte buffer the device writes one event into. */
    for (unsigned i = 0; i < EVENT_BUFS; i++) {
        vd_set_desc(&s->d, i, VD_DATA_ADDR + 8 * i, 8, VD_DESC_F_WRITE, 0);
        vd_make_avail(&s->d, (uint16_t)i, false);
    }
    vd_notify(&s->d);
}

static void side_fini(struct input_side *s)
{
    vinput_destroy(s->dev);
    vd_machine_fini(&s->m);
}

/* Take the events the device returned, and give each buffer back, as a driver does. */
static void side_drain(struct input_side *s)
{
    uint32_t id, len;
    while (vd_take_used(&s->d, &id, &len)) {
        ck_assert_uint_lt(id, EVENT_BUFS);
        ck_assert_uint_eq(len, 8);
        const uint8_t *p = vd_ram(&s->m, VD_DATA_ADDR + 8 * id, 8);
        ck_assert_uint_lt(s->n, MAX_EVENTS);
        s->log[s->n++] = (struct event){
            .type = (uint16_t)(p[0] | p[1] << 8),
            .code = (uint16_t)(p[2] | p[3] << 8),
            .value = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
                     (uint32_t)p[7] << 24,
        };
        vd_make_avail(&s->d, (uint16_t)id, true);
    }
}

static uint32_t pattern(unsigned x, unsigned y)
{
    return 0xff000000u | (x * 3 & 0xff) << 16 | (y * 5 & 0xff) << 8 | ((x + y) & 0xff);
}

static void fb_poke(struct rig *r, unsigned x, unsigned y, uint32_t v)
{
    ck_assert(bus_write(r->bus, FB_BASE + y * fb_stride(r->fb) + x * 4, 4, v));
}

static SDL_Window *find_sdl_window(void)
{
    for (Uint32 id = 1; id < 64; id++) {
        SDL_Window *win = SDL_GetWindowFromID(id);
        if (win)
            return win;
    }
    return NULL;
}

static void rig_init(struct rig *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->dir, sizeof r->dir, "/tmp/rvbox-window-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(r->dir));
    snprintf(r->shot, sizeof r->shot, "%s/shot.png", r->dir);
    r->bus = bus_create();
    ck_assert_ptr_nonnull(r->bus);
    r->fb = fb_create(FB_W, FB_H);
    ck_assert_ptr_nonnull(r->fb);
    ck_assert_int_eq(fb_attach(r->fb, r->bus, FB_BASE), BUS_ERR_NONE);
    for (unsigned y = 0; y < FB_H; y++)
        for (unsigned x = 0; x < FB_W; x++)
            fb_poke(r, x, y, pattern(x, y));
    side_init(&r->kbd, VINPUT_KEYBOARD);
    side_init(&r->tab, VINPUT_TABLET);
    char err[256] = "";
    r->w = window_open(FB_W, FB_H, r->shot, err, sizeof err);
    ck_assert_msg(r->w != NULL, "window_open: %s", err);
    window_attach(r->w, r->fb, r->kbd.dev, r->tab.dev);
    r->sdl = find_sdl_window();
    ck_assert_ptr_nonnull(r->sdl);
}

static void rig_fini(struct rig *r)
{
    window_close(r->w);
    side_fini(&r->kbd);
    side_fini(&r->tab);
    fb_destroy(r->fb);
    bus_destroy(r->bus);
    remove(r->shot);
    rmdir(r->dir);
}

static bool pump(struct rig *r)
{
    bool closed = window_pump(r->w);
    side_drain(&r->kbd);
    side_drain(&r->tab);
    return closed;
}

/* The EV_KEY events of a log, in order, each checked to be followed by SYN_REPORT. */
static unsigned key_events(const struct input_side *s, struct event *out, unsigned max)
{
    unsigned n = 0;
    for (unsigned i = 0; i < s->n; i++) {
        if (s->log[i].type != EV_KEY)
            continue;
        ck_assert_msg(i + 1 < s->n && s->log[i + 1].type == EV_SYN &&
                      s->log[i + 1].code == SYN_REPORT,
                      "key %u not followed by SYN_REPORT", s->log[i].code);
        if (n < max)
            out[n++] = s->log[i];
    }
    return n;
}

static void assert_key(const struct event *e, unsigned code, unsigned value)
{
    ck_assert_msg(e->type == EV_KEY && e->code == code && e->value == value,
                  "got key %u value %u, want key %u value %u", e->code, e->value, code, value);
}

static bool saw_code(const struct input_side *s, unsigned code)
{
    for (unsigned i = 0; i < s->n; i++)
        if (s->log[i].type == EV_KEY && s->log[i].code == code)
            return true;
    return false;
}

/* The last ABS_X and ABS_Y sent before log entry `end`. */
static void last_abs(const struct input_side *s, unsigned end, int64_t *x, int64_t *y)
{
    *x = *y = -1;
    for (unsigned i = 0; i < end && i < s->n; i++)
        if (s->log[i].type == EV_ABS) {
            if (s->log[i].code == ABS_X)
                *x = s->log[i].value;
            else if (s->log[i].code == ABS_Y)
                *y = s->log[i].value;
        }
}

static unsigned find_event(const struct input_side *s, unsigned type, unsigned code,
                           unsigned value)
{
    for (unsigned i = 0; i < s->n; i++)
        if (s->log[i].type == type && s->log[i].code == code && s->log[i].value == value)
            return i;
    return UINT32_MAX;
}

static void assert_abs_near(int64_t got, double fraction, const char *what)
{
    double want = fraction * VINPUT_ABS_MAX;
    /* One pixel of a 200-pixel axis is ~165 units: off by one pixel fails. */
    ck_assert_msg(got >= want - 100 && got <= want + 100, "%s = %lld, want about %.0f", what,
                  (long long)got, want);
}

/* ======== the dummy video driver: events pushed into SDL's queue ======== */

static void push_key(struct rig *r, SDL_Scancode sc, bool down, Uint16 mod, bool repeat)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = down ? SDL_KEYDOWN : SDL_KEYUP;
    e.key.windowID = SDL_GetWindowID(r->sdl);
    e.key.state = down ? SDL_PRESSED : SDL_RELEASED;
    e.key.repeat = repeat;
    e.key.keysym.scancode = sc;
    e.key.keysym.sym = SDL_GetKeyFromScancode(sc);
    e.key.keysym.mod = mod;
    ck_assert_int_eq(SDL_PushEvent(&e), 1);
}

static void push_motion(struct rig *r, int x, int y)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_MOUSEMOTION;
    e.motion.windowID = SDL_GetWindowID(r->sdl);
    e.motion.x = x;
    e.motion.y = y;
    ck_assert_int_eq(SDL_PushEvent(&e), 1);
}

static void push_button(struct rig *r, Uint8 button, bool down, int x, int y)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = down ? SDL_MOUSEBUTTONDOWN : SDL_MOUSEBUTTONUP;
    e.button.windowID = SDL_GetWindowID(r->sdl);
    e.button.button = button;
    e.button.state = down ? SDL_PRESSED : SDL_RELEASED;
    e.button.clicks = 1;
    e.button.x = x;
    e.button.y = y;
    ck_assert_int_eq(SDL_PushEvent(&e), 1);
}

static void push_window_event(struct rig *r, Uint8 what)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_WINDOWEVENT;
    e.window.windowID = SDL_GetWindowID(r->sdl);
    e.window.event = what;
    ck_assert_int_eq(SDL_PushEvent(&e), 1);
}

START_TEST(test_keys)
{
    struct rig r;
    rig_init(&r);
    pump(&r);                                   /* whatever SDL queued at start */
    r.kbd.n = 0;
    push_key(&r, SDL_SCANCODE_A, true, 0, false);
    push_key(&r, SDL_SCANCODE_A, true, 0, true);            /* host autorepeat: dropped */
    push_key(&r, SDL_SCANCODE_A, false, 0, false);
    push_key(&r, SDL_SCANCODE_B, false, 0, false);          /* released, never pressed */
    push_key(&r, SDL_SCANCODE_KP_HEXADECIMAL, true, 0, false);  /* no such guest key */
    push_key(&r, SDL_SCANCODE_B, true, KMOD_LSHIFT, false);
    push_key(&r, SDL_SCANCODE_B, false, KMOD_LSHIFT, false);
    ck_assert(!pump(&r));
    struct event k[16];
    ck_assert_uint_eq(key_events(&r.kbd, k, 16), 4);
    assert_key(&k[0], KEY_A, 1);
    assert_key(&k[1], KEY_A, 0);
    assert_key(&k[2], KEY_B, 1);
    assert_key(&k[3], KEY_B, 0);
    ck_assert_uint_eq(r.kbd.n, 8);                          /* each with its SYN_REPORT */
    ck_assert_uint_eq(r.tab.n, 0);
    rig_fini(&r);
}
END_TEST

START_TEST(test_chords)
{
    struct rig r;
    rig_init(&r);
    pump(&r);
    r.kbd.n = 0;
    Uint16 ca = KMOD_LCTRL | KMOD_LALT;
    /* Ctrl-Alt-S writes the screenshot; the guest sees Ctrl and Alt only. */
    push_key(&r, SDL_SCANCODE_LCTRL, true, 0, false);
    push_key(&r, SDL_SCANCODE_LALT, true, KMOD_LCTRL, false);
    push_key(&r, SDL_SCANCODE_S, true, ca, false);
    push_key(&r, SDL_SCANCODE_S, false, ca, false);
    push_key(&r, SDL_SCANCODE_G, true, ca, false);
    push_key(&r, SDL_SCANCODE_G, false, ca, false);
    push_key(&r, SDL_SCANCODE_LALT, false, ca, false);
    push_key(&r, SDL_SCANCODE_LCTRL, false, KMOD_LCTRL, false);
    /* Ctrl-G alone is the guest's. */
    push_key(&r, SDL_SCANCODE_LCTRL, true, 0, false);
    push_key(&r, SDL_SCANCODE_G, true, KMOD_LCTRL, false);
    push_key(&r, SDL_SCANCODE_G, false, KMOD_LCTRL, false);
    push_key(&r, SDL_SCANCODE_LCTRL, false, KMOD_LCTRL, false);
    pump(&r);
    struct event k[16];
    ck_assert_uint_eq(key_events(&r.kbd, k, 16), 8);
    assert_key(&k[0], KEY_LEFTCTRL, 1);
    assert_key(&k[1], KEY_LEFTALT, 1);
    assert_key(&k[2], KEY_LEFTALT, 0);
    assert_key(&k[3], KEY_LEFTCTRL, 0);
    assert_key(&k[4], KEY_LEFTCTRL, 1);
    assert_key(&k[5], KEY_G, 1);
    assert_key(&k[6], KEY_G, 0);
    assert_key(&k[7], KEY_LEFTCTRL, 0);
    ck_assert_msg(access(r.shot, F_OK) == 0, "Ctrl-Alt-S wrote no %s", r.shot);
    rig_fini(&r);
}
END_TEST

/* Clicking grabs the mouse, Ctrl-Alt-G lets it go; the title says which. */
START_TEST(test_grab_and_title)
{
    struct rig r;
    rig_init(&r);
    window_set_state(r.w, "running");
    ck_assert_str_eq(SDL_GetWindowTitle(r.sdl), "rvbox - running");
    push_button(&r, SDL_BUTTON_LEFT, true, 10, 10);
    push_button(&r, SDL_BUTTON_LEFT, false, 10, 10);
    pump(&r);
    /* Asked for: SDL grabs for real once the window has the focus (the X11 test). */
    ck_assert(SDL_GetWindowFlags(r.sdl) & SDL_WINDOW_MOUSE_GRABBED);
    ck_assert_str_eq(SDL_GetWindowTitle(r.sdl), "rvbox - running (Ctrl-Alt-G releases the mouse)");
    window_set_state(r.w, "halted");
    ck_assert_str_eq(SDL_GetWindowTitle(r.sdl), "rvbox - halted (Ctrl-Alt-G releases the mouse)");
    push_key(&r, SDL_SCANCODE_G, true, KMOD_LCTRL | KMOD_RALT, false);
    pump(&r);
    ck_assert(!(SDL_GetWindowFlags(r.sdl) & SDL_WINDOW_MOUSE_GRABBED));
    ck_assert_str_eq(SDL_GetWindowTitle(r.sdl), "rvbox - halted");
    window_set_state(r.w, "powered off");
    ck_assert_str_eq(SDL_GetWindowTitle(r.sdl), "rvbox - powered off");
    rig_fini(&r);
}
END_TEST

/* Positions over the shown framebuffer, scaled to 0..VINPUT_ABS_MAX; with the window
 * wider than the framebuffer's aspect, black bars left and right clamp to the edges. */
START_TEST(test_mouse)
{
    struct rig r;
    rig_init(&r);
    pump(&r);
    r.tab.n = 0;
    int64_t x, y;
    push_motion(&r, 160, 100);
    push_motion(&r, 80, 50);            /* coalesced: only the last position goes */
    pump(&r);
    ck_assert_uint_eq(r.tab.n, 3);      /* ABS_X, ABS_Y, SYN_REPORT */
    last_abs(&r.tab, r.tab.n, &x, &y);
    assert_abs_near(x, 80.0 / (FB_W - 1), "ABS_X");
    assert_abs_near(y, 50.0 / (FB_H - 1), "ABS_Y");

    push_button(&r, SDL_BUTTON_RIGHT, true, FB_W - 1, FB_H - 1);
    push_button(&r, SDL_BUTTON_RIGHT, false, FB_W - 1, FB_H - 1);
    push_button(&r, SDL_BUTTON_MIDDLE, true, 0, 0);
    push_button(&r, SDL_BUTTON_MIDDLE, false, 0, 0);
    pump(&r);
    unsigned down = find_event(&r.tab, EV_KEY, BTN_RIGHT, 1);
    ck_assert_uint_ne(down, UINT32_MAX);
    last_abs(&r.tab, down, &x, &y);
    ck_assert_int_eq(x, VINPUT_ABS_MAX);
    ck_assert_int_eq(y, VINPUT_ABS_MAX);
    ck_assert_uint_ne(find_event(&r.tab, EV_KEY, BTN_RIGHT, 0), UINT32_MAX);
    down = find_event(&r.tab, EV_KEY, BTN_MIDDLE, 1);
    ck_assert_uint_ne(down, UINT32_MAX);
    last_abs(&r.tab, down, &x, &y);
    ck_assert_int_eq(x, 0);
    ck_assert_int_eq(y, 0);

    /* 640x200: the 320x200 framebuffer is shown at x 160..479. */
    SDL_SetWindowSize(r.sdl, 2 * FB_W, FB_H);
    pump(&r);
    r.tab.n = 0;
    push_motion(&r, FB_W, 100);                             /* the middle */
    pump(&r);
    last_abs(&r.tab, r.tab.n, &x, &y);
    assert_abs_near(x, 160.0 / (FB_W - 1), "ABS_X");
    assert_abs_near(y, 100.0 / (FB_H - 1), "ABS_Y");
    push_motion(&r, FB_W / 2, 0);                           /* the top left corner */
    pump(&r);
    last_abs(&r.tab, r.tab.n, &x, &y);
    ck_assert_int_eq(x, 0);
    ck_assert_int_eq(y, 0);
    push_motion(&r, FB_W / 2 + FB_W - 1, FB_H - 1);         /* the bottom right one */
    pump(&r);
    last_abs(&r.tab, r.tab.n, &x, &y);
    ck_assert_int_eq(x, VINPUT_ABS_MAX);
    ck_assert_int_eq(y, VINPUT_ABS_MAX);
    push_motion(&r, 20, 100);                               /* in the left bar */
    pump(&r);
    last_abs(&r.tab, r.tab.n, &x, &y);
    ck_assert_int_eq(x, 0);
    rig_fini(&r);
}
END_TEST

/* Losing the focus releases what the guest holds: no key stays stuck. */
START_TEST(test_focus_lost)
{
    struct rig r;
    rig_init(&r);
    pump(&r);
    r.kbd.n = r.tab.n = 0;
    push_key(&r, SDL_SCANCODE_LALT, true, 0, false);
    push_key(&r, SDL_SCANCODE_A, true, KMOD_LALT, false);
    push_button(&r, SDL_BUTTON_LEFT, true, 5, 5);
    push_window_event(&r, SDL_WINDOWEVENT_FOCUS_LOST);
    push_key(&r, SDL_SCANCODE_A, false, 0, false);          /* arrives later: already up */
    pump(&r);
    struct event k[16];
    ck_assert_uint_eq(key_events(&r.kbd, k, 16), 4);
    assert_key(&k[0], KEY_LEFTALT, 1);
    assert_key(&k[1], KEY_A, 1);
    /* Released in code order. */
    assert_key(&k[2], KEY_A, 0);
    assert_key(&k[3], KEY_LEFTALT, 0);
    ck_assert_uint_ne(find_event(&r.tab, EV_KEY, BTN_LEFT, 1), UINT32_MAX);
    ck_assert_uint_gt(find_event(&r.tab, EV_KEY, BTN_LEFT, 0),
                      find_event(&r.tab, EV_KEY, BTN_LEFT, 1));
    ck_assert_uint_ne(find_event(&r.tab, EV_KEY, BTN_LEFT, 0), UINT32_MAX);
    rig_fini(&r);
}
END_TEST

START_TEST(test_close)
{
    struct rig r;
    rig_init(&r);
    ck_assert(!pump(&r));
    push_window_event(&r, SDL_WINDOWEVENT_CLOSE);
    ck_assert(pump(&r));
    ck_assert(!pump(&r));
    SDL_Event quit = { .type = SDL_QUIT };
    SDL_PushEvent(&quit);
    ck_assert(pump(&r));
    rig_fini(&r);
}
END_TEST

/* No devices attached (a machine without input): events go nowhere, nothing breaks. */
START_TEST(test_no_devices)
{
    struct rig r;
    rig_init(&r);
    window_attach(r.w, r.fb, NULL, NULL);
    push_key(&r, SDL_SCANCODE_A, true, 0, false);
    push_motion(&r, 3, 3);
    push_button(&r, SDL_BUTTON_LEFT, true, 3, 3);
    pump(&r);
    ck_assert_uint_eq(r.kbd.n, 0);
    ck_assert_uint_eq(r.tab.n, 0);
    ck_assert(!(SDL_GetWindowFlags(r.sdl) & SDL_WINDOW_MOUSE_GRABBED));   /* no guest pointer */
    window_attach(r.w, NULL, NULL, NULL);
    window_redraw(r.w, true);
    pump(&r);
    rig_fini(&r);
}
END_TEST

static uint32_t shown_pixel(struct rig *r, int x, int y)
{
    SDL_Renderer *ren = SDL_GetRenderer(r->sdl);
    ck_assert_ptr_nonnull(ren);
    SDL_Rect one = { x, y, 1, 1 };
    uint32_t px = 0;
    ck_assert_int_eq(SDL_RenderReadPixels(ren, &one, SDL_PIXELFORMAT_ARGB8888, &px, 4), 0);
    return px & 0xffffff;
}

static uint64_t ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
    nanosleep(&ts, NULL);
}

/* What is drawn is the framebuffer; a change shows at the next frame, no sooner than
 * 1/60 s after the last, and not at all if the guest did not run. */
START_TEST(test_redraw)
{
    struct rig r;
    rig_init(&r);
    pump(&r);
    ck_assert_int_eq(window_timeout_ms(r.w), 0);           /* the first frame is due */
    window_redraw(r.w, false);
    ck_assert_uint_eq(shown_pixel(&r, 10, 20), pattern(10, 20) & 0xffffff);
    ck_assert_uint_eq(shown_pixel(&r, FB_W - 1, FB_H - 1),
                      pattern(FB_W - 1, FB_H - 1) & 0xffffff);

    /* Nothing due: the window only asks to look at events now and then. */
    sleep_ms(40);
    ck_assert_int_gt(window_timeout_ms(r.w), 0);

    /* Long after the last frame: a change shows at once. */
    fb_poke(&r, 10, 20, 0x00654321);
    window_redraw(r.w, true);
    ck_assert_uint_eq(shown_pixel(&r, 10, 20), 0x654321);

    /* Right after it: not before 1/60 s has passed. */
    fb_poke(&r, 10, 20, 0x00123456);
    uint64_t t0 = ms_now();
    window_redraw(r.w, true);
    if (ms_now() - t0 < 8) {        /* (unless this machine was too slow to tell) */
        ck_assert_uint_eq(shown_pixel(&r, 10, 20), 0x654321);
        ck_assert_int_gt(window_timeout_ms(r.w), 0);
        ck_assert_int_le(window_timeout_ms(r.w), 17);
    }
    sleep_ms(20);
    ck_assert_int_eq(window_timeout_ms(r.w), 0);           /* the change is due */
    window_redraw(r.w, false);
    ck_assert_uint_eq(shown_pixel(&r, 10, 20), 0x123456);

    /* A change while the guest did not run (by the rules: it cannot) is not looked for. */
    sleep_ms(20);
    fb_poke(&r, 11, 20, 0x00abcdef);
    window_redraw(r.w, false);
    ck_assert_uint_eq(shown_pixel(&r, 11, 20), pattern(11, 20) & 0xffffff);
    window_redraw(r.w, true);
    ck_assert_uint_eq(shown_pixel(&r, 11, 20), 0xabcdef);

    /* Twice as wide: the picture in the middle, black bars on both sides. */
    SDL_SetWindowSize(r.sdl, 2 * FB_W, FB_H);
    pump(&r);
    sleep_ms(20);
    window_redraw(r.w, false);                              /* a repaint, not a change */
    ck_assert_uint_eq(shown_pixel(&r, 5, 100), 0);
    ck_assert_uint_eq(shown_pixel(&r, 2 * FB_W - 5, 100), 0);
    ck_assert_uint_eq(shown_pixel(&r, FB_W / 2 + 10, 20), 0x123456);
    ck_assert_uint_eq(shown_pixel(&r, FB_W / 2 + 200, 150), pattern(200, 150) & 0xffffff);
    rig_fini(&r);
}
END_TEST

/* After a reboot the machine is new: a framebuffer of another size is shown whole. */
START_TEST(test_reattach)
{
    struct rig r;
    rig_init(&r);
    window_redraw(r.w, true);
    struct bus *bus2 = bus_create();
    struct framebuffer *fb2 = fb_create(FB_W / 2, FB_H / 2);
    ck_assert_int_eq(fb_attach(fb2, bus2, FB_BASE), BUS_ERR_NONE);
    ck_assert(bus_write(bus2, FB_BASE + 4 * 3, 4, 0x00ff0000));        /* (3, 0) red */
    window_attach(r.w, fb2, r.kbd.dev, r.tab.dev);
    sleep_ms(20);
    window_redraw(r.w, false);
    /* Scaled 2x into the 320x200 window. */
    ck_assert_uint_eq(shown_pixel(&r, 7, 1), 0xff0000);
    ck_assert_uint_eq(shown_pixel(&r, 100, 100), 0);
    window_attach(r.w, r.fb, r.kbd.dev, r.tab.dev);
    fb_destroy(fb2);
    bus_destroy(bus2);
    rig_fini(&r);
}
END_TEST

/* Environment variables, restored afterwards even when tests do not fork. */
struct saved_env {
    char *display, *wayland, *driver;
};

static char *dup_env(const char *name)
{
    const char *v = getenv(name);
    return v ? strdup(v) : NULL;
}

static void put_env(const char *name, const char *value)
{
    if (value)
        setenv(name, value, 1);
    else
        unsetenv(name);
}

START_TEST(test_no_display)
{
    struct saved_env s = { dup_env("DISPLAY"), dup_env("WAYLAND_DISPLAY"),
                           dup_env("SDL_VIDEODRIVER") };
    unsetenv("DISPLAY");
    unsetenv("WAYLAND_DISPLAY");
    unsetenv("SDL_VIDEODRIVER");
    char err[256] = "";
    ck_assert_ptr_null(window_open(FB_W, FB_H, NULL, err, sizeof err));
    ck_assert_msg(strstr(err, "no display") && strstr(err, "DISPLAY") &&
                  strstr(err, "without a window"), "message: %s", err);
    ck_assert_ptr_null(strchr(err, '\n'));

    /* A display that is not there: SDL fails, the same kind of notice. */
    setenv("SDL_VIDEODRIVER", "x11", 1);
    setenv("DISPLAY", ":4093", 1);
    err[0] = '\0';
    ck_assert_ptr_null(window_open(FB_W, FB_H, NULL, err, sizeof err));
    ck_assert_msg(strstr(err, "no display") && strstr(err, "without a window"),
                  "message: %s", err);
    ck_assert_ptr_null(strchr(err, '\n'));
    put_env("DISPLAY", s.display);
    put_env("WAYLAND_DISPLAY", s.wayland);
    put_env("SDL_VIDEODRIVER", s.driver);
    free(s.display);
    free(s.wayland);
    free(s.driver);
}
END_TEST

/* ======== a real X server: xdotool ======== */

/* Run xdotool with `args` while the window keeps pumping: it waits for the window and
 * for focus changes, which need the window to answer. */
static void xdotool(struct rig *r, const char *const *args)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char *argv[32];
        unsigned n = 0;
        argv[n++] = "xdotool";
        for (; args[n - 1] && n < 31; n++)
            argv[n] = (char *)args[n - 1];
        argv[n] = NULL;
        execvp("xdotool", argv);
        _exit(127);
    }
    uint64_t deadline = ms_now() + 20000;
    int status = 0;
    for (;;) {
        pump(r);
        window_redraw(r->w, true);
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid)
            break;
        if (ms_now() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            ck_abort_msg("xdotool %s did not finish in 20 s", args[0]);
        }
        sleep_ms(2);
    }
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "xdotool %s %s failed (%d)",
                  args[0], args[1] ? args[1] : "", status);
    /* What xdotool sent reaches the window shortly after. */
    uint64_t settle = ms_now() + 300;
    while (ms_now() < settle) {
        pump(r);
        sleep_ms(5);
    }
}

START_TEST(test_x11_typing_and_clicking)
{
    ck_assert_msg(getenv("DISPLAY") != NULL, "run under with_xvfb.sh");
    struct rig r;
    rig_init(&r);
    window_set_state(r.w, "running");
    /* Let the window be mapped and drawn. */
    for (unsigned i = 0; i < 50; i++) {
        pump(&r);
        window_redraw(r.w, true);
        sleep_ms(4);
    }
    r.kbd.n = r.tab.n = 0;

    /* Separate runs, so that `type` and `click` find no window on xdotool's stack and
     * go through XTEST, as a real keyboard and mouse would, not XSendEvent. */
    static const char *const focus[] = {
        "search", "--sync", "--onlyvisible", "--name", "^rvbox - running$",
        "windowfocus", "--sync", "%1", NULL,
    };
    static const char *const type_ab[] = { "type", "--delay", "50", "ab", NULL };
    xdotool(&r, focus);
    r.kbd.n = 0;
    xdotool(&r, type_ab);
    struct event k[64];
    unsigned n = key_events(&r.kbd, k, 64);
    ck_assert_msg(n == 4, "%u key events arrived, want 4", n);
    assert_key(&k[0], KEY_A, 1);
    assert_key(&k[1], KEY_A, 0);
    assert_key(&k[2], KEY_B, 1);
    assert_key(&k[3], KEY_B, 0);

    static const char *const move[] = {
        "search", "--sync", "--onlyvisible", "--name", "^rvbox - running$",
        "mousemove", "--window", "%1", "--sync", "80", "50", NULL,
    };
    static const char *const click[] = { "click", "1", NULL };
    xdotool(&r, move);
    xdotool(&r, click);
    unsigned down = find_event(&r.tab, EV_KEY, BTN_LEFT, 1);
    ck_assert_msg(down != UINT32_MAX, "no BTN_LEFT press arrived (%u tablet events)", r.tab.n);
    ck_assert_uint_gt(find_event(&r.tab, EV_KEY, BTN_LEFT, 0), down);
    ck_assert_uint_ne(find_event(&r.tab, EV_KEY, BTN_LEFT, 0), UINT32_MAX);
    int64_t x, y;
    last_abs(&r.tab, down, &x, &y);
    assert_abs_near(x, 80.0 / (FB_W - 1), "ABS_X");
    assert_abs_near(y, 50.0 / (FB_H - 1), "ABS_Y");
    ck_assert(SDL_GetWindowGrab(r.sdl));
    ck_assert_str_eq(SDL_GetWindowTitle(r.sdl), "rvbox - running (Ctrl-Alt-G releases the mouse)");

    /* The chords: the window's own, only Ctrl and Alt reach the guest. */
    r.kbd.n = 0;
    static const char *const chords[] = {
        "key", "--delay", "50", "ctrl+alt+g", "ctrl+alt+s", NULL,
    };
    xdotool(&r, chords);
    ck_assert(!SDL_GetWindowGrab(r.sdl));
    ck_assert_str_eq(SDL_GetWindowTitle(r.sdl), "rvbox - running");
    ck_assert(!saw_code(&r.kbd, KEY_G));
    ck_assert(!saw_code(&r.kbd, KEY_S));
    ck_assert(saw_code(&r.kbd, KEY_LEFTCTRL));
    ck_assert(saw_code(&r.kbd, KEY_LEFTALT));
    /* Every press released. */
    n = key_events(&r.kbd, k, 64);
    int balance = 0;
    for (unsigned i = 0; i < n; i++)
        balance += k[i].value ? 1 : -1;
    ck_assert_int_eq(balance, 0);
    struct stat st;
    ck_assert_msg(stat(r.shot, &st) == 0 && st.st_size > 0, "Ctrl-Alt-S wrote no %s", r.shot);
    rig_fini(&r);
}
END_TEST

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A run loop that sleeps as long as window_timeout_ms() allows, for `ms`: returns the
 * number of wake-ups and the CPU time spent. */
static unsigned idle_loop(struct rig *r, bool guest_ran, unsigned ms, double *cpu)
{
    unsigned wakeups = 0;
    double cpu0 = cpu_seconds();
    uint64_t end = ms_now() + ms;
    while (ms_now() < end) {
        pump(r);
        window_redraw(r->w, guest_ran);
        int timeout = window_timeout_ms(r->w);
        ck_assert_int_ge(timeout, 0);
        ck_assert_int_le(timeout, 100);
        poll(NULL, 0, timeout);
        wakeups++;
    }
    *cpu = cpu_seconds() - cpu0;
    return wakeups;
}

/* A static screen costs next to nothing: the loop sleeps between frames (at most 60 a
 * second) and between looks at the event queue, whether or not the guest runs. */
START_TEST(test_x11_idle)
{
    ck_assert_msg(getenv("DISPLAY") != NULL, "run under with_xvfb.sh");
    struct rig r;
    rig_init(&r);
    double cpu;
    idle_loop(&r, true, 200, &cpu);                 /* mapped, drawn once */
    unsigned wakeups = idle_loop(&r, true, 1000, &cpu);
    /* Waking for the next frame or to look at events: about 100 times a second, not
     * thousands (a loop that never sleeps). */
    ck_assert_msg(wakeups <= 150, "%u wake-ups in 1 s with the guest running", wakeups);
    ck_assert_msg(cpu < 0.2, "%.0f%% of a CPU on a static screen", cpu * 100);
    wakeups = idle_loop(&r, false, 1000, &cpu);
    ck_assert_msg(wakeups <= 150, "%u wake-ups in 1 s with the guest idle", wakeups);
    ck_assert_msg(cpu < 0.2, "%.0f%% of a CPU on a static screen", cpu * 100);
    rig_fini(&r);
}
END_TEST

static Suite *dummy_suite(void)
{
    Suite *s = suite_create("window (dummy video)");
    TCase *tc = tcase_create("events");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_keys);
    tcase_add_test(tc, test_chords);
    tcase_add_test(tc, test_grab_and_title);
    tcase_add_test(tc, test_mouse);
    tcase_add_test(tc, test_focus_lost);
    tcase_add_test(tc, test_close);
    tcase_add_test(tc, test_no_devices);
    suite_add_tcase(s, tc);
    TCase *draw = tcase_create("drawing");
    tcase_set_timeout(draw, 30);
    tcase_add_test(draw, test_redraw);
    tcase_add_test(draw, test_reattach);
    suite_add_tcase(s, draw);
    TCase *none = tcase_create("no display");
    tcase_add_test(none, test_no_display);
    suite_add_tcase(s, none);
    return s;
}

static Suite *x11_suite(void)
{
    Suite *s = suite_create("window (X11)");
    TCase *tc = tcase_create("xdotool");
    tcase_set_timeout(tc, 90);
    tcase_add_test(tc, test_x11_typing_and_clicking);
    tcase_add_test(tc, test_x11_idle);
    suite_add_tcase(s, tc);
    return s;
}

int main(int argc, char **argv)
{
    bool x11 = argc > 1 && strcmp(argv[1], "x11") == 0;
    if (!x11 && (argc <= 1 || strcmp(argv[1], "dummy") != 0)) {
        fprintf(stderr, "usage: %s dummy|x11\n", argv[0]);
        return 2;
    }
    if (!x11)
        setenv("SDL_VIDEODRIVER", "dummy", 1);
    SRunner *sr = srunner_create(x11 ? x11_suite() : dummy_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
