#include "host/screenshot.h"

#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/framebuffer.h"

/* Where libpng's error callback leaves its message before it jumps back. */
struct png_failure {
    char *err;
    size_t errlen;
    const char *path;
};

static void on_png_error(png_structp png, png_const_charp msg)
{
    struct png_failure *f = png_get_error_ptr(png);
    snprintf(f->err, f->errlen, "%s: %s", f->path, msg);
    png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/* Framebuffer pixels are a8r8g8b8 little-endian: bytes B, G, R, X in memory, whatever
 * the host's byte order. The PNG row is R, G, B. */
static void convert_row(const uint8_t *src, uint8_t *dst, unsigned width)
{
    for (unsigned x = 0; x < width; x++, src += 4, dst += 3) {
        dst[0] = src[2];
        dst[1] = src[1];
        dst[2] = src[0];
    }
}

/* The PNG encoding proper; the caller owns the file and the row buffer, so that a
 * longjmp out of libpng leaves nothing to free in here. */
static int write_png(FILE *f, const struct framebuffer *fb, uint8_t *row,
                     struct png_failure *failure)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, failure, on_png_error,
                                              on_png_warning);
    if (!png) {
        snprintf(failure->err, failure->errlen, "%s: out of memory", failure->path);
        return -1;
    }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        snprintf(failure->err, failure->errlen, "%s: out of memory", failure->path);
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return -1;
    }
    unsigned width = fb_width(fb), height = fb_height(fb);
    png_init_io(png, f);
    png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    const uint8_t *pixels = (const uint8_t *)fb_pixels(fb);
    uint32_t stride = fb_stride(fb);
    for (unsigned y = 0; y < height; y++) {
        convert_row(pixels + (size_t)y * stride, row, width);
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return 0;
}

int screenshot_write(const struct framebuffer *fb, const char *path, char *err, size_t errlen)
{
    if (!fb) {
        snprintf(err, errlen, "%s: the machine has no framebuffer", path);
        return -1;
    }
    uint8_t *row = malloc((size_t)fb_width(fb) * 3);
    if (!row) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        free(row);
        return -1;
    }
    struct png_failure failure = { .err = err, .errlen = errlen, .path = path };
    int rc = write_png(f, fb, row, &failure);
    free(row);
    /* A full disk shows up at the flush: the PNG is only good if the close succeeds. */
    if (fclose(f) != 0 && rc == 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        rc = -1;
    }
    if (rc != 0)
        remove(path);
    return rc;
}

int screenshot_write_ppm(const struct framebuffer *fb, const char *path, char *err,
                         size_t errlen)
{
    if (!fb) {
        snprintf(err, errlen, "%s: the machine has no framebuffer", path);
        return -1;
    }
    unsigned width = fb_width(fb), height = fb_height(fb);
    uint8_t *row = malloc((size_t)width * 3);
    FILE *f = row ? fopen(path, "wb") : NULL;
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, row ? strerror(errno) : "out of memory");
        free(row);
        return -1;
    }
    fprintf(f, "P6\n%u %u\n255\n", width, height);
    const uint8_t *pixels = (const uint8_t *)fb_pixels(fb);
    for (unsigned y = 0; y < height; y++) {
        convert_row(pixels + (size_t)y * fb_stride(fb), row, width);
        fwrite(row, 3, width, f);
    }
    free(row);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        remove(path);
        return -1;
    }
    return 0;
}
