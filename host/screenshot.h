/*
 * Framebuffer screenshots as PNG (libpng): --screenshot FILE.png writes one when rvbox
 * exits, and Ctrl-Alt-S in the window writes one while it runs; the monitor's screendump
 * writes PNG or PPM.
 */
#ifndef RVBOX_SCREENSHOT_H
#define RVBOX_SCREENSHOT_H

#include <stddef.h>

struct framebuffer;

/* 0 on success; -1 with a one-line reason in err. */
int screenshot_write(const struct framebuffer *fb, const char *path, char *err, size_t errlen);

/* The same as a binary PPM (P6), QEMU's screendump format. */
int screenshot_write_ppm(const struct framebuffer *fb, const char *path, char *err,
                         size_t errlen);

#endif
