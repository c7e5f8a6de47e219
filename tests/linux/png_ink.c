/*
 * png_ink FILE.png ROWS MIN: counts the pixels in the top ROWS rows of a PNG that are not
 * the background (black), and exits 0 when there are at least MIN of them. A blank
 * screen fails. Prints the count.
 */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: png_ink FILE.png ROWS MIN\n");
        return 2;
    }
    png_image img = { .version = PNG_IMAGE_VERSION };
    if (!png_image_begin_read_from_file(&img, argv[1])) {
        fprintf(stderr, "png_ink: %s: %s\n", argv[1], img.message);
        return 2;
    }
    img.format = PNG_FORMAT_RGB;
    png_bytep px = malloc(PNG_IMAGE_SIZE(img));
    if (!px || !png_image_finish_read(&img, NULL, px, 0, NULL)) {
        fprintf(stderr, "png_ink: %s: %s\n", argv[1], img.message);
        return 2;
    }
    unsigned rows = (unsigned)atoi(argv[2]), min = (unsigned)atoi(argv[3]), ink = 0;
    if (rows > img.height)
        rows = img.height;
    for (unsigned y = 0; y < rows; y++)
        for (unsigned x = 0; x < img.width; x++) {
            const png_byte *p = px + 3 * ((size_t)y * img.width + x);
            ink += (p[0] | p[1] | p[2]) != 0;
        }
    printf("%ux%u: %u lit pixels in the top %u rows (want at least %u)\n", img.width,
           img.height, ink, rows, min);
    free(px);
    return ink >= min ? 0 : 1;
}
