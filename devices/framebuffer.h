/*
 * A linear framebuffer at MEMMAP_FB_BASE, described in the device tree as
 * `simple-framebuffer` (format "a8r8g8b8": 32-bit little-endian pixels, byte 0 blue,
 * byte 1 green, byte 2 red, byte 3 ignored), so Linux's simplefb and fbcon use it as is.
 *
 * To the CPU it is plain memory on the bus: loads and stores go through the TLB at full
 * speed, with no callback. What changed is found afterwards: fb_damage() compares the
 * pixels with a shadow copy of what was last shown, row by row, and reports the band of
 * rows that differ. The host calls it at most 60 times a second, and only when the guest
 * has run since, so a static screen costs nothing.
 */
#ifndef RVBOX_FRAMEBUFFER_H
#define RVBOX_FRAMEBUFFER_H

#include <stdbool.h>
#include <stdint.h>

#include "bus/bus.h"

#define FB_DEFAULT_WIDTH  800
#define FB_DEFAULT_HEIGHT 600
#define FB_MAX_WIDTH      4096
#define FB_MAX_HEIGHT     4096

struct framebuffer;

/* NULL if the size is 0 or past FB_MAX_*, or memory is short. */
struct framebuffer *fb_create(unsigned width, unsigned height);
void fb_destroy(struct framebuffer *fb);

/* Map the pixels at `base` (bytes: width * height * 4, rounded up to a page). */
enum bus_error fb_attach(struct framebuffer *fb, struct bus *bus, uint32_t base);

unsigned fb_width(const struct framebuffer *fb);
unsigned fb_height(const struct framebuffer *fb);
uint32_t fb_stride(const struct framebuffer *fb);      /* bytes per row: width * 4 */
uint32_t fb_size(const struct framebuffer *fb);        /* bytes mapped */

/* The pixels, row after row (stride bytes apart). */
const uint32_t *fb_pixels(const struct framebuffer *fb);

/* The rows [*y0, *y1) that changed since the last call (which made them current in the
 * shadow copy). False, and nothing touched, when nothing changed. */
bool fb_damage(struct framebuffer *fb, unsigned *y0, unsigned *y1);

#endif
