/*
 * The SDL2 window: shows the framebuffer, scaled with its aspect kept, and sends the
 * keyboard and mouse to the guest's virtio-input devices. Redraws at most 60 times a
 * second and only rows that changed (devices/framebuffer.h's fb_damage), so an idle guest
 * with a static screen costs next to nothing.
 *
 * Keys: Ctrl-Alt-G releases a grabbed mouse (clicking in the window grabs it),
 * Ctrl-Alt-S writes a screenshot (when --screenshot names a file). Closing the window
 * powers the machine off (the run loop flushes the disks).
 */
#ifndef RVBOX_WINDOW_H
#define RVBOX_WINDOW_H

#include <stdbool.h>
#include <stddef.h>

struct framebuffer;
struct virtio_input;
struct window;

/* Open a window for a width x height framebuffer. NULL when no display is available or
 * SDL fails: err then says why, in one line, and rvbox goes on without a window. */
struct window *window_open(unsigned width, unsigned height, const char *screenshot_path,
                           char *err, size_t errlen);
void window_close(struct window *w);

/* What the window shows and where input goes; called again after a reboot rebuilt the
 * machine. The input devices may be NULL. */
void window_attach(struct window *w, struct framebuffer *fb, struct virtio_input *keyboard,
                   struct virtio_input *tablet);

/* Handle pending window events (keys, mouse, close). True: the user closed the window. */
bool window_pump(struct window *w);

/* Redraw if the guest ran since the last frame, at most 60 times a second. */
void window_redraw(struct window *w, bool guest_ran);

/* The state shown in the title: "running", "halted", "powered off"... */
void window_set_state(struct window *w, const char *state);

/* How long the run loop may sleep before the window wants attention (ms). */
int window_timeout_ms(const struct window *w);

#endif
