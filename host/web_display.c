/*
 * The framebuffer on a web page's <canvas> (host/window.h for the WebAssembly build), and
 * the page's keys and pointer into the guest's virtio-input keyboard and tablet.
 *
 * As the SDL window: at most 60 frames a second, only after the guest ran, and only the
 * band of rows that changed (fb_damage), converted from the guest's a8r8g8b8 to the
 * canvas's RGBA and handed to the page, which puts them on the canvas. A static screen
 * costs nothing. The page calls web_display_key/_pointer/_button from its event
 * handlers; keys pressed in the page's terminal go to the serial console instead.
 */
#include "host/window.h"

#include <emscripten.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/framebuffer.h"
#include "devices/virtio_input.h"
#include "host/web_keymap.h"

#define FRAME_MS        (1000.0 / 60)   /* at most 60 frames a second */
#define IDLE_MS         1000            /* how long the loop may sleep with no frame due */
#define KEY_CODES       0x300           /* evdev KEY_CNT: codes below this */

struct window {
    unsigned width, height;             /* of the canvas */
    uint32_t *rgba;                     /* rows converted for the canvas */
    struct framebuffer *fb;
    struct virtio_input *keyboard, *tablet;
    bool frame_due;                     /* the guest ran since the last frame */
    bool stale;                         /* the canvas holds nothing of this framebuffer */
    bool shown_once;
    double last_frame_ms;
    uint8_t keys_down[KEY_CODES / 8];   /* as the guest has seen them */
    unsigned buttons_down;              /* bit i: BTN_LEFT + i */
};

/* The one display of the page, for the event entry points. */
static struct window *display;

/* The page sizes its canvas, draws rows, and shows the machine's state. */
EM_JS(void, js_display_size, (unsigned width, unsigned height), {
    Module.rvboxDisplaySize(width, height);
});
EM_JS(void, js_display_rows, (const uint32_t *rgba, unsigned width, unsigned y0, unsigned y1), {
    Module.rvboxDisplayRows(rgba, width, y0, y1);
});
EM_JS(void, js_display_state, (const char *state), {
    Module.rvboxState(UTF8ToString(state));
});

static bool resize(struct window *w, unsigned width, unsigned height)
{
    if (w->rgba && w->width == width && w->height == height)
        return true;
    uint32_t *rgba = realloc(w->rgba, (size_t)width * height * 4);
    if (!rgba)
        return false;
    w->rgba = rgba;
    w->width = width;
    w->height = height;
    js_display_size(width, height);
    return true;
}

struct window *window_open(unsigned width, unsigned height, const char *screenshot_path,
                           char *err, size_t errlen)
{
    (void)screenshot_path;              /* the page's button saves the canvas */
    struct window *w = calloc(1, sizeof *w);
    if (!w || !resize(w, width, height)) {
        free(w);
        snprintf(err, errlen, "display: out of memory");
        return NULL;
    }
    w->stale = true;
    display = w;
    return w;
}

void window_close(struct window *w)
{
    if (!w)
        return;
    if (display == w)
        display = NULL;
    free(w->rgba);
    free(w);
}

void window_attach(struct window *w, struct framebuffer *fb, struct virtio_input *keyboard,
                   struct virtio_input *tablet)
{
    w->fb = fb && resize(w, fb_width(fb), fb_height(fb)) ? fb : NULL;
    w->keyboard = keyboard;
    w->tablet = tablet;
    memset(w->keys_down, 0, sizeof w->keys_down);   /* new devices: nothing held */
    w->buttons_down = 0;
    w->stale = true;
}

void window_set_state(struct window *w, const char *state)
{
    (void)w;
    js_display_state(state);
}

bool window_pump(struct window *w)
{
    (void)w;                            /* the page calls in with its events */
    return false;
}

/* Copy rows [y0, y1) to the canvas, a8r8g8b8 (bytes B, G, R, x) made R, G, B, 255. */
static void draw_rows(struct window *w, unsigned y0, unsigned y1)
{
    const uint32_t *src = fb_pixels(w->fb);
    size_t stride = fb_stride(w->fb) / 4;
    for (unsigned y = y0; y < y1; y++) {
        const uint32_t *row = src + (size_t)y * stride;
        uint32_t *out = w->rgba + (size_t)(y - y0) * w->width;
        for (unsigned x = 0; x < w->width; x++) {
            uint32_t p = row[x];
            out[x] = 0xff000000u | (p & 0xff00u) | (p >> 16 & 0xffu) | (p & 0xffu) << 16;
        }
    }
    js_display_rows(w->rgba, w->width, y0, y1);
}

void window_redraw(struct window *w, bool guest_ran)
{
    if (guest_ran)
        w->frame_due = true;
    if (!w->frame_due && !w->stale)
        return;
    double now = emscripten_get_now();
    if (w->shown_once && now - w->last_frame_ms < FRAME_MS)
        return;
    w->frame_due = false;
    w->last_frame_ms = now;
    w->shown_once = true;
    if (!w->fb)
        return;
    unsigned y0, y1;
    bool damaged = fb_damage(w->fb, &y0, &y1);     /* brings the shadow up to date too */
    if (w->stale) {
        w->stale = false;
        y0 = 0;
        y1 = w->height;
        damaged = true;
    }
    if (damaged && y1 > y0)
        draw_rows(w, y0, y1);
}

int window_timeout_ms(const struct window *w)
{
    if (!w->frame_due && !w->stale)
        return IDLE_MS;
    double since = emscripten_get_now() - w->last_frame_ms;
    if (!w->shown_once || since >= FRAME_MS)
        return 0;
    return (int)(FRAME_MS - since) + 1;
}

/* ---- the page's events ---- */

static void send_key(struct virtio_input *dev, uint16_t code, uint32_t value)
{
    vinput_send(dev, EV_KEY, code, value);
    vinput_send(dev, EV_SYN, SYN_REPORT, 0);
}

/* A key went down or up on the canvas (KeyboardEvent.code). The page does not pass on
 * its autorepeat: the guest repeats held keys itself (EV_REP), as with a real keyboard. */
EMSCRIPTEN_KEEPALIVE void web_display_key(const char *code, int down)
{
    struct window *w = display;
    uint16_t key = web_keymap_evdev(code);
    if (!w || key == 0 || key >= KEY_CODES)
        return;
    uint8_t bit = (uint8_t)(1u << (key % 8));
    if (!!(w->keys_down[key / 8] & bit) == !!down)
        return;                         /* a repeat, or a release of a key never seen */
    w->keys_down[key / 8] ^= bit;
    if (w->keyboard)
        send_key(w->keyboard, key, down ? 1 : 0);
}

/* The canvas lost the focus: release what the guest believes held (keys released
 * elsewhere would stay down in it). */
EMSCRIPTEN_KEEPALIVE void web_display_release_all(void)
{
    struct window *w = display;
    if (!w)
        return;
    for (uint16_t key = 0; key < KEY_CODES; key++)
        if (w->keys_down[key / 8] >> (key % 8) & 1) {
            w->keys_down[key / 8] &= (uint8_t)~(1u << (key % 8));
            if (w->keyboard)
                send_key(w->keyboard, key, 0);
        }
    for (unsigned i = 0; i < 3; i++)
        if (w->buttons_down & 1u << i && w->tablet)
            send_key(w->tablet, (uint16_t)(BTN_LEFT + i), 0);
    w->buttons_down = 0;
}

static uint32_t to_abs(double f)
{
    if (!(f > 0))
        return 0;
    if (f >= 1)
        return VINPUT_ABS_MAX;
    return (uint32_t)(f * VINPUT_ABS_MAX + 0.5);
}

/* The pointer moved to (fx, fy), fractions of the canvas's width and height. */
EMSCRIPTEN_KEEPALIVE void web_display_pointer(double fx, double fy)
{
    struct window *w = display;
    if (!w || !w->tablet)
        return;
    vinput_send(w->tablet, EV_ABS, ABS_X, to_abs(fx));
    vinput_send(w->tablet, EV_ABS, ABS_Y, to_abs(fy));
    vinput_send(w->tablet, EV_SYN, SYN_REPORT, 0);
}

/* A mouse button (0 left, 1 right, 2 middle, as the guest numbers them) went down or up. */
EMSCRIPTEN_KEEPALIVE void web_display_button(int button, int down)
{
    struct window *w = display;
    if (!w || button < 0 || button > 2 || !!(w->buttons_down & 1u << button) == !!down)
        return;
    w->buttons_down ^= 1u << button;
    if (w->tablet)
        send_key(w->tablet, (uint16_t)(BTN_LEFT + button), down ? 1 : 0);
}
