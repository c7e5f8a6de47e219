#include "host/window.h"

#include <SDL.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devices/framebuffer.h"
#include "devices/virtio_input.h"
#include "host/keymap.h"
#include "host/screenshot.h"

#define FRAME_US        16667       /* at most 60 frames a second */
#define IDLE_POLL_MS    10          /* how often events are looked at when nothing is due */
#define KEY_CODES       0x300       /* evdev KEY_CNT: codes below this */
#define TITLE_LEN       160
#define STATE_LEN       48
#define ERR_LEN         512

struct window {
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *tex;               /* the framebuffer's pixels, tex_w x tex_h */
    unsigned tex_w, tex_h;
    Uint32 id;                      /* SDL's window id, to pick our events */
    char *screenshot_path;          /* Ctrl-Alt-S writes here; NULL: no --screenshot */

    /* What the window shows and feeds (window_attach). */
    struct framebuffer *fb;
    struct virtio_input *keyboard, *tablet;

    /* Redrawing: the guest ran (the framebuffer may have changed) or the window needs
     * repainting (exposed, resized) since the last frame. */
    bool frame_due;
    bool repaint;
    bool texture_stale;             /* holds nothing of this framebuffer yet */
    bool shown_once;                /* a frame has been drawn: the rate limit applies */
    uint64_t last_frame_us;

    /* Input as the guest has seen it, so that every press gets its release. */
    uint8_t keys_down[KEY_CODES / 8];
    unsigned buttons_down;          /* bit i: BTN_LEFT + i */
    uint32_t abs_x, abs_y;          /* last position sent */
    bool abs_sent;
    bool motion_pending;            /* coalesced motion, sent at the end of a pump */
    int motion_x, motion_y;

    bool grabbed;
    char state[STATE_LEN];
};

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* The largest rectangle of the framebuffer's aspect that fits in out_w x out_h,
 * centred: the rest of the window is black bars. */
static SDL_Rect fit_rect(unsigned fb_w, unsigned fb_h, int out_w, int out_h)
{
    SDL_Rect r = { 0, 0, out_w, out_h };
    if (fb_w == 0 || fb_h == 0 || out_w <= 0 || out_h <= 0)
        return r;
    if ((int64_t)out_w * fb_h <= (int64_t)out_h * fb_w) {      /* window taller: bars above/below */
        r.h = (int)((int64_t)out_w * fb_h / fb_w);
        r.y = (out_h - r.h) / 2;
    } else {                                                    /* wider: bars left/right */
        r.w = (int)((int64_t)out_h * fb_w / fb_h);
        r.x = (out_w - r.w) / 2;
    }
    if (r.w < 1)
        r.w = 1;
    if (r.h < 1)
        r.h = 1;
    return r;
}

static void update_title(struct window *w)
{
    char title[TITLE_LEN];
    snprintf(title, sizeof title, "rvbox - %s%s", w->state,
             w->grabbed ? " (Ctrl-Alt-G releases the mouse)" : "");
    SDL_SetWindowTitle(w->win, title);
}

static void set_grab(struct window *w, bool grab)
{
    if (w->grabbed == grab)
        return;
    w->grabbed = grab;
    SDL_SetWindowGrab(w->win, grab ? SDL_TRUE : SDL_FALSE);
    SDL_ShowCursor(grab ? SDL_DISABLE : SDL_ENABLE);
    update_title(w);
}

/* ---- opening and closing ---- */

/* SDL would try a Linux console (kmsdrm) when there is no display server, and take the
 * screen over from under the serial console: without DISPLAY or WAYLAND_DISPLAY (or a
 * driver named by SDL_VIDEODRIVER) there is no window. */
static bool have_display(void)
{
    static const char *const vars[] = { "DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER" };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return true;
    }
    return false;
}

/* A window no larger than the desktop's usable area: a 1920x1080 guest on a smaller
 * screen opens scaled down. */
static void initial_size(unsigned width, unsigned height, int *w, int *h)
{
    *w = (int)width;
    *h = (int)height;
    SDL_Rect usable;
    if (SDL_GetDisplayUsableBounds(0, &usable) == 0 && usable.w > 0 && usable.h > 0 &&
        (*w > usable.w || *h > usable.h)) {
        SDL_Rect r = fit_rect(width, height, usable.w, usable.h);
        *w = r.w;
        *h = r.h;
    }
}

static bool make_texture(struct window *w, unsigned width, unsigned height)
{
    if (w->tex && w->tex_w == width && w->tex_h == height)
        return true;
    if (w->tex)
        SDL_DestroyTexture(w->tex);
    /* BGRA32 names the bytes in memory (B, G, R, A), as the guest's a8r8g8b8 pixels
     * are laid out, on a host of either byte order. */
    w->tex = SDL_CreateTexture(w->ren, SDL_PIXELFORMAT_BGRA32, SDL_TEXTUREACCESS_STREAMING,
                               (int)width, (int)height);
    if (!w->tex)
        return false;
    SDL_SetTextureBlendMode(w->tex, SDL_BLENDMODE_NONE);    /* byte 3 is not alpha */
    w->tex_w = width;
    w->tex_h = height;
    return true;
}

struct window *window_open(unsigned width, unsigned height, const char *screenshot_path,
                           char *err, size_t errlen)
{
    if (!have_display()) {
        snprintf(err, errlen, "no display (DISPLAY unset): running without a window");
        return NULL;
    }
    /* rvbox catches SIGINT and SIGTERM itself (host/run.c). */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "1");
    SDL_SetHint(SDL_HINT_MOUSE_FOCUS_CLICKTHROUGH, "1");
    SDL_SetHint(SDL_HINT_APP_NAME, "rvbox");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        snprintf(err, errlen, "no display (%s): running without a window", SDL_GetError());
        return NULL;
    }
    struct window *w = calloc(1, sizeof *w);
    if (!w) {
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        snprintf(err, errlen, "window: out of memory");
        return NULL;
    }
    snprintf(w->state, sizeof w->state, "running");
    if (screenshot_path && !(w->screenshot_path = strdup(screenshot_path))) {
        snprintf(err, errlen, "window: out of memory");
        window_close(w);
        return NULL;
    }
    int win_w, win_h;
    initial_size(width, height, &win_w, &win_h);
    w->win = SDL_CreateWindow("rvbox", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
                              win_w, win_h, SDL_WINDOW_RESIZABLE);
    if (!w->win)
        goto fail_sdl;
    w->id = SDL_GetWindowID(w->win);
    SDL_SetWindowMinimumSize(w->win, 64, 48);
    /* No vsync: presenting must never block the emulation. */
    w->ren = SDL_CreateRenderer(w->win, -1, 0);
    if (!w->ren)
        w->ren = SDL_CreateRenderer(w->win, -1, SDL_RENDERER_SOFTWARE);
    if (!w->ren || !make_texture(w, width, height))
        goto fail_sdl;
    /* Keys go to the guest as keys: no text input, no input method composing them. */
    SDL_StopTextInput();
    update_title(w);
    w->texture_stale = true;
    w->repaint = true;
    return w;

fail_sdl:
    snprintf(err, errlen, "window: %s", SDL_GetError());
    window_close(w);
    return NULL;
}

void window_close(struct window *w)
{
    if (!w)
        return;
    if (w->tex)
        SDL_DestroyTexture(w->tex);
    if (w->ren)
        SDL_DestroyRenderer(w->ren);
    if (w->win)
        SDL_DestroyWindow(w->win);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    SDL_Quit();
    free(w->screenshot_path);
    free(w);
}

void window_attach(struct window *w, struct framebuffer *fb, struct virtio_input *keyboard,
                   struct virtio_input *tablet)
{
    w->fb = fb;
    w->keyboard = keyboard;
    w->tablet = tablet;
    /* New devices: nothing is pressed in them yet. */
    memset(w->keys_down, 0, sizeof w->keys_down);
    w->buttons_down = 0;
    w->abs_sent = false;
    w->motion_pending = false;
    if (fb && !make_texture(w, fb_width(fb), fb_height(fb))) {
        fprintf(stderr, "rvbox: window: %s\n", SDL_GetError());
        w->fb = NULL;
    }
    w->texture_stale = true;
    w->repaint = true;
}

void window_set_state(struct window *w, const char *state)
{
    if (strncmp(w->state, state, sizeof w->state - 1) == 0)
        return;
    snprintf(w->state, sizeof w->state, "%s", state);
    update_title(w);
}

/* ---- input ---- */

static void send_key(struct virtio_input *dev, uint16_t code, uint32_t value)
{
    vinput_send(dev, EV_KEY, code, value);
    vinput_send(dev, EV_SYN, SYN_REPORT, 0);
}

static bool key_is_down(const struct window *w, uint16_t code)
{
    return w->keys_down[code / 8] >> (code % 8) & 1;
}

static void set_key_down(struct window *w, uint16_t code, bool down)
{
    if (down)
        w->keys_down[code / 8] |= (uint8_t)(1u << (code % 8));
    else
        w->keys_down[code / 8] &= (uint8_t)~(1u << (code % 8));
}

/* Release everything the guest believes held: the window lost the focus, and the keys
 * released elsewhere would otherwise stay down in the guest (a stuck Alt after Alt-Tab). */
static void release_all(struct window *w)
{
    for (uint16_t code = 0; code < KEY_CODES; code++)
        if (key_is_down(w, code)) {
            set_key_down(w, code, false);
            if (w->keyboard)
                send_key(w->keyboard, code, 0);
        }
    for (unsigned i = 0; i < 3; i++)
        if (w->buttons_down & 1u << i) {
            if (w->tablet)
                send_key(w->tablet, (uint16_t)(BTN_LEFT + i), 0);
        }
    w->buttons_down = 0;
}

static void take_screenshot(const struct window *w)
{
    if (!w->screenshot_path) {
        fprintf(stderr, "rvbox: Ctrl-Alt-S: no file to write to (--screenshot FILE.png)\n");
        return;
    }
    char err[ERR_LEN];
    if (screenshot_write(w->fb, w->screenshot_path, err, sizeof err))
        fprintf(stderr, "rvbox: screenshot: %s\n", err);
    else
        fprintf(stderr, "rvbox: screenshot written to %s\n", w->screenshot_path);
}

/* Ctrl-Alt-<key> chords are the window's own and never reach the guest (the Ctrl and
 * Alt presses do: the guest sees them come and go with nothing in between). */
static bool handle_chord(struct window *w, const SDL_KeyboardEvent *k)
{
    if (!(k->keysym.mod & KMOD_CTRL) || !(k->keysym.mod & KMOD_ALT))
        return false;
    switch (k->keysym.scancode) {
    case SDL_SCANCODE_G:
        if (k->state == SDL_PRESSED && !k->repeat)
            set_grab(w, false);
        return true;
    case SDL_SCANCODE_S:
        if (k->state == SDL_PRESSED && !k->repeat)
            take_screenshot(w);
        return true;
    default:
        return false;
    }
}

static void on_key(struct window *w, const SDL_KeyboardEvent *k)
{
    uint16_t code = keymap_evdev(k->keysym.scancode);
    bool down = k->state == SDL_PRESSED;
    /* A chord's release comes through as a key the guest never saw pressed: dropped below. */
    if (down && handle_chord(w, k))
        return;
    /* The host's autorepeat is not forwarded: the keyboard offers EV_REP, so the guest
     * repeats held keys itself, at its own rate, as with a real keyboard. */
    if (code == 0 || code >= KEY_CODES || (down && k->repeat) || key_is_down(w, code) == down)
        return;
    set_key_down(w, code, down);
    if (w->keyboard)
        send_key(w->keyboard, code, down ? 1 : 0);
}

/* Where the framebuffer is shown, in window coordinates (those of mouse events). */
static SDL_Rect shown_rect(const struct window *w)
{
    int ww, wh;
    SDL_GetWindowSize(w->win, &ww, &wh);
    return fit_rect(w->tex_w, w->tex_h, ww, wh);
}

/* Send the pointer position if it moved (in tablet units); true if it did. */
static bool send_position(struct window *w, int x, int y)
{
    SDL_Rect r = shown_rect(w);
    uint32_t ax = keymap_abs(x, r.x, r.w), ay = keymap_abs(y, r.y, r.h);
    if (w->abs_sent && ax == w->abs_x && ay == w->abs_y)
        return false;
    w->abs_x = ax;
    w->abs_y = ay;
    w->abs_sent = true;
    vinput_send(w->tablet, EV_ABS, ABS_X, ax);
    vinput_send(w->tablet, EV_ABS, ABS_Y, ay);
    return true;
}

static void flush_motion(struct window *w)
{
    if (!w->motion_pending)
        return;
    w->motion_pending = false;
    if (w->tablet && send_position(w, w->motion_x, w->motion_y))
        vinput_send(w->tablet, EV_SYN, SYN_REPORT, 0);
}

static void on_button(struct window *w, const SDL_MouseButtonEvent *b)
{
    static const uint8_t sdl_buttons[3] = { SDL_BUTTON_LEFT, SDL_BUTTON_RIGHT, SDL_BUTTON_MIDDLE };
    bool down = b->state == SDL_PRESSED;
    if (down && !w->grabbed && w->tablet)      /* no pointer in the guest: nothing to grab for */
        set_grab(w, true);
    unsigned i = 0;
    while (i < 3 && sdl_buttons[i] != b->button)
        i++;
    if (i == 3 || !!(w->buttons_down & 1u << i) == down)
        return;
    w->buttons_down ^= 1u << i;
    flush_motion(w);
    if (!w->tablet)
        return;
    send_position(w, b->x, b->y);       /* the click lands where the pointer is */
    vinput_send(w->tablet, EV_KEY, (uint16_t)(BTN_LEFT + i), down ? 1 : 0);
    vinput_send(w->tablet, EV_SYN, SYN_REPORT, 0);
}

static bool on_window_event(struct window *w, const SDL_WindowEvent *e)
{
    switch (e->event) {
    case SDL_WINDOWEVENT_CLOSE:
        return true;
    case SDL_WINDOWEVENT_SHOWN:
    case SDL_WINDOWEVENT_EXPOSED:
    case SDL_WINDOWEVENT_RESIZED:
    case SDL_WINDOWEVENT_SIZE_CHANGED:
    case SDL_WINDOWEVENT_RESTORED:
    case SDL_WINDOWEVENT_MAXIMIZED:
        w->repaint = true;
        break;
    case SDL_WINDOWEVENT_FOCUS_LOST:
        flush_motion(w);
        release_all(w);
        break;
    default:
        break;
    }
    return false;
}

bool window_pump(struct window *w)
{
    bool closed = false;
    SDL_Event e;
    while (SDL_PollEvent(&e)) {
        switch (e.type) {
        case SDL_QUIT:
            closed = true;
            break;
        case SDL_WINDOWEVENT:
            if (e.window.windowID == w->id && on_window_event(w, &e.window))
                closed = true;
            break;
        case SDL_KEYDOWN:
        case SDL_KEYUP:
            if (e.key.windowID == w->id)
                on_key(w, &e.key);
            break;
        case SDL_MOUSEMOTION:
            if (e.motion.windowID == w->id) {
                w->motion_pending = true;
                w->motion_x = e.motion.x;
                w->motion_y = e.motion.y;
            }
            break;
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP:
            if (e.button.windowID == w->id)
                on_button(w, &e.button);
            break;
        default:
            break;
        }
    }
    flush_motion(w);
    return closed;
}

/* ---- drawing ---- */

static void present(struct window *w)
{
    int out_w, out_h;
    if (SDL_GetRendererOutputSize(w->ren, &out_w, &out_h) != 0)
        SDL_GetWindowSize(w->win, &out_w, &out_h);
    SDL_SetRenderDrawColor(w->ren, 0, 0, 0, 255);
    SDL_RenderClear(w->ren);
    if (w->fb) {
        SDL_Rect dst = fit_rect(w->tex_w, w->tex_h, out_w, out_h);
        SDL_RenderCopy(w->ren, w->tex, NULL, &dst);
    }
    SDL_RenderPresent(w->ren);
}

/* Copy the rows that changed into the texture; false if none did. */
static bool upload_damage(struct window *w)
{
    if (!w->fb) {
        w->texture_stale = false;
        return false;
    }
    unsigned y0, y1;
    bool damaged = fb_damage(w->fb, &y0, &y1);     /* also brings the shadow up to date */
    if (w->texture_stale) {
        w->texture_stale = false;
        y0 = 0;
        y1 = w->tex_h;
        damaged = true;
    }
    if (!damaged || y1 <= y0)
        return false;
    uint32_t stride = fb_stride(w->fb);
    const uint8_t *rows = (const uint8_t *)fb_pixels(w->fb) + (size_t)y0 * stride;
    SDL_Rect band = { 0, (int)y0, (int)w->tex_w, (int)(y1 - y0) };
    SDL_UpdateTexture(w->tex, &band, rows, (int)stride);
    return true;
}

void window_redraw(struct window *w, bool guest_ran)
{
    if (guest_ran)
        w->frame_due = true;
    if (!w->frame_due && !w->repaint && !w->texture_stale)
        return;
    uint64_t now = now_us();
    if (w->shown_once && now - w->last_frame_us < FRAME_US)
        return;
    bool changed = upload_damage(w);
    if (w->repaint)
        changed = true;
    w->frame_due = false;
    w->repaint = false;
    w->last_frame_us = now;
    w->shown_once = true;
    if (changed)
        present(w);
}

int window_timeout_ms(const struct window *w)
{
    if (!w->frame_due && !w->repaint && !w->texture_stale)
        return IDLE_POLL_MS;
    if (!w->shown_once)
        return 0;
    uint64_t since = now_us() - w->last_frame_us;
    if (since >= FRAME_US)
        return 0;
    return (int)((FRAME_US - since + 999) / 1000);
}
