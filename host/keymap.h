/*
 * What the window sends to the guest's input devices: SDL scancodes (USB HID usage
 * numbers, the key's place on the keyboard, whatever the host's layout) become Linux
 * evdev KEY_* codes, and pointer positions in the window become the tablet's absolute
 * coordinates. Pure functions, so that the tests check them without a display.
 */
#ifndef RVBOX_KEYMAP_H
#define RVBOX_KEYMAP_H

#include <stdint.h>

/* SDL scancodes are below this (SDL_NUM_SCANCODES). */
#define KEYMAP_NUM_SCANCODES 512

/* The evdev code of an SDL scancode; 0 (KEY_RESERVED) for a key the guest's keyboard
 * does not have, or a scancode out of range. */
uint16_t keymap_evdev(int sdl_scancode);

/* The evdev code of one of QEMU's key names (QKeyCode, as `sendkey` takes them: "a",
 * "ret", "ctrl", "alt_r", "f1", "kp_add", "power"...); 0 for a name it does not know. */
uint16_t keymap_qcode(const char *name);

/* The tablet coordinate (0..VINPUT_ABS_MAX) of window position `pos` on an axis where
 * the framebuffer is shown over `len` pixels from `start`: the first pixel is 0, the last
 * VINPUT_ABS_MAX, positions outside are clamped to the edge. */
uint32_t keymap_abs(int pos, int start, int len);

#endif
