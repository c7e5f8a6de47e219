/*
 * demo [SECONDS]: draw straight into the framebuffer (fbmap) for a few seconds (5 unless
 * told): colour waves rolling across the screen and a square bouncing over them, a frame
 * every 10 ms tick at most. The console comes back when the demo exits, and the demo says
 * how fast it drew:
 *
 *     demo: 290 frames in 5.0 s = 58.0 fps
 */
#include "user.h"

static uint32_t palette[256];
static uint8_t wave_x[4096], wave_y[4096];

/* A triangle wave, 0..255..0 over 512 steps: a cheap stand-in for a sine. */
static unsigned tri(unsigned v)
{
    v &= 511;
    return v < 256 ? v : 511 - v;
}

static void make_palette(void)
{
    for (unsigned i = 0; i < 256; i++) {
        unsigned r = tri(i * 2), g = tri(i * 2 + 170), b = tri(i * 2 + 340);
        palette[i] = r << 16 | g << 8 | b;
    }
}

static void draw(const struct kite_fbinfo *fb, unsigned t)
{
    unsigned w = fb->width < 4096 ? fb->width : 4096, h = fb->height < 4096 ? fb->height : 4096;
    for (unsigned x = 0; x < w; x++)
        wave_x[x] = (uint8_t)(tri(x + t * 6) / 2);
    for (unsigned y = 0; y < h; y++)
        wave_y[y] = (uint8_t)(tri(y * 2 + t * 4) / 2);
    /* the square: bounces off the edges */
    unsigned size = h / 5, span_x = w - size, span_y = h - size;
    unsigned sx = tri(t * 7 * 512 / (span_x ? span_x : 1)) * span_x / 255;
    unsigned sy = tri(t * 5 * 512 / (span_y ? span_y : 1)) * span_y / 255;
    for (unsigned y = 0; y < h; y++) {
        uint32_t *row = (uint32_t *)(fb->addr + y * fb->stride);
        unsigned wy = wave_y[y] + t;
        int in_y = y >= sy && y < sy + size;
        for (unsigned x = 0; x < w; x++) {
            uint32_t c = palette[(wave_x[x] + wy) & 255];
            if (in_y && x >= sx && x < sx + size)
                c = ~c & 0xffffff;
            row[x] = c;
        }
    }
}

int main(int argc, char **argv)
{
    struct kite_fbinfo fb;
    unsigned seconds = argc > 1 ? (unsigned)atoi(argv[1]) : 5;
    if (fbmap(&fb) < 0) {
        printf("demo: no framebuffer\n");
        return 1;
    }
    make_palette();
    unsigned start = uptime(), frames = 0, ms;
    while ((ms = uptime() - start) < seconds * 1000) {
        draw(&fb, frames++);
        sleep(10);
    }
    /* frames per second, to a tenth, rounded (frames * 10000 fits in 32 bits for over an
     * hour at the 100 fps that the tick allows) */
    unsigned fps10 = ms ? (frames * 10000 + ms / 2) / ms : 0;
    printf("demo: %u frames in %u.%u s = %u.%u fps\n", frames, ms / 1000, ms % 1000 / 100,
           fps10 / 10, fps10 % 10);
    return 0;
}
