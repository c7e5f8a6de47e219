/*
 * The framebuffer and the text console drawn on it with an 8x16 bitmap font (font.c,
 * generated at build time from a PSF console font). The console keeps the characters on
 * screen in a grid and paints the pixels from it later (fb_update), so printing costs
 * little; it also repaints them after a program that mapped the framebuffer exits.
 */
#ifndef KITE_FB_H
#define KITE_FB_H

#include <stdint.h>

#include "fdt.h"

void fb_init(const struct boot_info *bi);   /* clear the screen; no-op without one */
int fb_present(void);
uint32_t fb_base(void), fb_size(void), fb_width(void), fb_height(void), fb_stride(void);

void fbcon_putc(int c);             /* into the grid; painted later */
/* Paint what changed since the last paint, if 1/30 s has passed since it. The scheduler
 * calls it every time round; fb_pending() says a paint is still owed (the idle loop keeps
 * the timer ticking for it). fb_flush() paints at once: before a shutdown or a panic. */
void fb_update(void);
int fb_pending(void);
void fb_flush(void);
/* A process maps the framebuffer: the console stops drawing (it still records) until
 * fb_release(), which repaints it. fb_claim: 0, or -1 if another process holds it. */
int fb_claim(int pid);
void fb_release(void);

#endif
