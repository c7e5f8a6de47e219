/*
 * What the page sends to the guest's keyboard: a DOM KeyboardEvent's `code` ("KeyA",
 * "ShiftLeft", "ArrowUp": the key's place on the keyboard, whatever the layout) becomes
 * a Linux evdev KEY_* code, as host/keymap.c does for SDL's scancodes. A pure function,
 * so that a native test checks it.
 */
#ifndef RVBOX_WEB_KEYMAP_H
#define RVBOX_WEB_KEYMAP_H

#include <stdint.h>

/* The evdev code of a KeyboardEvent.code; 0 (KEY_RESERVED) for a key the guest's
 * keyboard does not have. */
uint16_t web_keymap_evdev(const char *code);

#endif
