/*
 * screen_check FILE.png: is Kite's text console on this screenshot? Kite paints the
 * screen in its background colour and draws 8x16 glyphs from the top left, and its
 * first two lines ("Kite 0.1: ..." and "Kite shell. ...") both start with 'K'. So:
 *   - most pixels are the background (a blank, black or white screen fails);
 *   - the cells at (row 0, col 0) and (row 1, col 0) are the same glyph, with ink, and
 *     differ from the next cell, 'i' (text garbled or misplaced fails);
 *   - the bottom half of the screen, below the few lines printed, has no ink.
 * Exit 0 when all hold; otherwise a line saying which did not.
 */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BG 0x202a44u            /* kernel/fb.c */
#define FG 0xd8dee9u
#define CW 8
#define CH 16

static png_image img;
static png_bytep px;

static unsigned pixel(unsigned x, unsigned y)
{
    const png_byte *p = px + 3 * ((size_t)y * img.width + x);
    return (unsigned)p[0] << 16 | (unsigned)p[1] << 8 | p[2];
}

/* The cell's pixels as ink (1) or not (0), and how many are ink. */
static unsigned cell(unsigned col, unsigned row, char bits[CH][CW])
{
    unsigned ink = 0;
    for (unsigned y = 0; y < CH; y++)
        for (unsigned x = 0; x < CW; x++)
            ink += bits[y][x] = pixel(col * CW + x, row * CH + y) == FG;
    return ink;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: screen_check FILE.png\n");
        return 2;
    }
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, argv[1])) {
        fprintf(stderr, "screen_check: %s: %s\n", argv[1], img.message);
        return 2;
    }
    img.format = PNG_FORMAT_RGB;
    px = malloc(PNG_IMAGE_SIZE(img));
    if (!px || !png_image_finish_read(&img, NULL, px, 0, NULL)) {
        fprintf(stderr, "screen_check: %s: %s\n", argv[1], img.message);
        return 2;
    }
    if (img.width < 4 * CW || img.height < 4 * CH) {
        printf("FAIL: the screen is too small (%ux%u)\n", img.width, img.height);
        return 1;
    }
    size_t bg = 0, total = (size_t)img.width * img.height, low_ink = 0;
    for (unsigned y = 0; y < img.height; y++)
        for (unsigned x = 0; x < img.width; x++) {
            unsigned p = pixel(x, y);
            bg += p == BG;
            low_ink += y >= img.height / 2 && p == FG;
        }
    char k0[CH][CW], k1[CH][CW], i0[CH][CW];
    unsigned ink = cell(0, 0, k0);
    cell(0, 1, k1);
    cell(1, 0, i0);
    printf("background %zu of %zu pixels; ink in the first cell %u\n", bg, total, ink);
    if (bg * 10 < total * 8) {
        printf("FAIL: the background is not Kite's console background\n");
        return 1;
    }
    if (ink < 10 || memcmp(k0, k1, sizeof k0) || !memcmp(k0, i0, sizeof k0)) {
        printf("FAIL: the first two lines do not start with the same glyph 'K'\n");
        return 1;
    }
    if (low_ink) {
        printf("FAIL: %zu pixels of ink in the bottom half\n", low_ink);
        return 1;
    }
    return 0;
}
