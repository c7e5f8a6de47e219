/*
 * The framebuffer: pixels in a host buffer the bus maps as plain memory, and a shadow
 * copy of what the host last showed. Nothing runs when the guest draws; fb_damage()
 * finds the changed rows afterwards by comparing each row with its shadow.
 *
 * The mapped size is rounded up to a whole page so that the CPU's TLB, which caches host
 * pointers per 4 KiB page, never sees a page that is only partly memory. The tail past
 * the last row is mapped, writable and never shown.
 */
#include "devices/framebuffer.h"

#include <stdlib.h>
#include <string.h>

#include "devices/snapshot.h"

#define FB_PAGE  4096u
#define FB_BPP   4u             /* bytes per pixel: a8r8g8b8 */

struct framebuffer {
    unsigned width, height;
    uint32_t stride;            /* bytes per row */
    uint32_t size;              /* bytes mapped: height * stride rounded up to a page */
    uint8_t *pixels;            /* what the guest sees, `size` bytes */
    uint8_t *shadow;            /* what the host last showed, height * stride bytes */
};

struct framebuffer *fb_create(unsigned width, unsigned height)
{
    if (width == 0 || height == 0 || width > FB_MAX_WIDTH || height > FB_MAX_HEIGHT)
        return NULL;
    struct framebuffer *fb = calloc(1, sizeof *fb);
    if (!fb)
        return NULL;
    fb->width = width;
    fb->height = height;
    fb->stride = width * FB_BPP;
    uint32_t bytes = fb->stride * height;       /* at most 64 MiB: no overflow */
    fb->size = (bytes + FB_PAGE - 1) & ~(FB_PAGE - 1);
    /* calloc: both start black, so nothing is damaged before the guest draws; the
     * untouched pages of a large screen cost no memory until written. */
    fb->pixels = calloc(1, fb->size);
    fb->shadow = calloc(1, bytes);
    if (!fb->pixels || !fb->shadow) {
        fb_destroy(fb);
        return NULL;
    }
    return fb;
}

void fb_destroy(struct framebuffer *fb)
{
    if (!fb)
        return;
    free(fb->pixels);
    free(fb->shadow);
    free(fb);
}

/* ---- snapshots: the pixels (what the guest drew; the shadow is the window's, and
 * finds the difference on its next look) ---- */

SNAP_LAYOUT(struct framebuffer, 32);

static void fb_save(const void *opaque, struct snap_writer *w)
{
    const struct framebuffer *fb = opaque;
    snap_put_u32(w, fb->width);
    snap_put_u32(w, fb->height);
    snap_put_u32(w, fb->size);
    snap_put_bytes(w, fb->pixels, fb->size);
}

static int fb_load(void *opaque, struct snap_reader *r)
{
    struct framebuffer *fb = opaque;
    uint32_t width = snap_get_u32(r), height = snap_get_u32(r), size = snap_get_u32(r);
    if (snap_ok(r) && (width != fb->width || height != fb->height || size != fb->size))
        return snap_fail(r, "a %ux%u screen saved, this one is %ux%u", width, height,
                         fb->width, fb->height);
    const uint8_t *pixels = snap_get_span(r, fb->size);
    if (!snap_applying(r))
        return snap_status(r);
    memcpy(fb->pixels, pixels, fb->size);
    return 0;
}

static const struct snap_ops fb_snap = {
    .name = "framebuffer", .version = 1, .save = fb_save, .load = fb_load,
};

enum bus_error fb_attach(struct framebuffer *fb, struct bus *bus, uint32_t base)
{
    enum bus_error e = bus_add_memory(bus, "framebuffer", base, fb->size, fb->pixels, true);
    if (!e)
        bus_set_snapshot(bus, base, &fb_snap, fb);
    return e;
}

unsigned fb_width(const struct framebuffer *fb)
{
    return fb->width;
}

unsigned fb_height(const struct framebuffer *fb)
{
    return fb->height;
}

uint32_t fb_stride(const struct framebuffer *fb)
{
    return fb->stride;
}

uint32_t fb_size(const struct framebuffer *fb)
{
    return fb->size;
}

/* The guest's pixels are little-endian words; the host (x86-64, aarch64) is too, so the
 * buffer is handed out as is. calloc's alignment suits uint32_t. */
const uint32_t *fb_pixels(const struct framebuffer *fb)
{
    return (const uint32_t *)(const void *)fb->pixels;
}

static bool row_changed(const struct framebuffer *fb, unsigned y)
{
    size_t off = (size_t)y * fb->stride;
    return memcmp(fb->pixels + off, fb->shadow + off, fb->stride) != 0;
}

/* The first changed row from the top, then the last from the bottom: a small change
 * costs two scans that stop early, and no row is compared twice. Only the band is
 * copied to the shadow (rows inside it that did not change are copied too: harmless). */
bool fb_damage(struct framebuffer *fb, unsigned *y0, unsigned *y1)
{
    unsigned top = 0;
    while (top < fb->height && !row_changed(fb, top))
        top++;
    if (top == fb->height)
        return false;
    unsigned bottom = fb->height - 1;
    while (bottom > top && !row_changed(fb, bottom))
        bottom--;
    size_t off = (size_t)top * fb->stride;
    memcpy(fb->shadow + off, fb->pixels + off, (size_t)(bottom + 1 - top) * fb->stride);
    *y0 = top;
    *y1 = bottom + 1;
    return true;
}
