/*
 * kite-psf2c IN.psf OUT.c: turn a PSF console font (the Linux console's format, version
 * 1 or 2) with 8x16 glyphs into Kite's font table, kite_font[256][16], indexed by
 * Latin-1 code. A font with a Unicode table says which glyph draws which character;
 * without one, glyph n draws character n.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PSF1_MAGIC0 0x36
#define PSF1_MAGIC1 0x04
#define PSF1_MODE512 0x01
#define PSF1_MODEHASTAB 0x02
#define PSF1_MODESEQ 0x04
#define PSF2_MAGIC 0x864ab572u
#define PSF2_HAS_UNICODE_TABLE 0x01
#define HEIGHT 16

static const char *prog = "kite-psf2c";
static const char *in_path;     /* the font being read, for messages */

/* Every error is one line naming the file, and exit status 1, so the build stops with
 * a message that says what is wrong with which file. */
static void die(const char *what, const char *path)
{
    fprintf(stderr, "%s: %s: %s\n", prog, path, what);
    exit(1);
}

static void bad_size(uint32_t w, uint32_t h)
{
    fprintf(stderr, "%s: %s: glyphs are %ux%u pixels; only 8x%d fonts are supported\n",
            prog, in_path, (unsigned)w, (unsigned)h, HEIGHT);
    exit(1);
}

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

struct font {
    const uint8_t *glyphs;
    uint32_t count;
    int map[256];           /* Latin-1 code -> glyph, -1 if the table has none */
};

static void map_char(struct font *f, uint32_t cp, uint32_t glyph)
{
    if (cp < 256 && f->map[cp] < 0)
        f->map[cp] = (int)glyph;
}

/* PSF1's table: per glyph, UCS-2 little-endian values up to 0xFFFF; 0xFFFE starts
 * combining sequences, which we skip. A table that ends early is a truncated file. */
static void psf1_table(struct font *f, const uint8_t *p, const uint8_t *end)
{
    for (uint32_t g = 0; g < f->count; g++) {
        int in_seq = 0;
        for (;; p += 2) {
            if (p + 2 > end)
                die("truncated (Unicode table)", in_path);
            uint32_t v = p[0] | (uint32_t)p[1] << 8;
            if (v == 0xffff) {
                p += 2;
                break;
            }
            if (v == 0xfffe)
                in_seq = 1;
            else if (!in_seq)
                map_char(f, v, g);
        }
    }
}

/* PSF2's table: per glyph, UTF-8 strings up to 0xFF; 0xFE starts sequences. */
static void psf2_table(struct font *f, const uint8_t *p, const uint8_t *end)
{
    for (uint32_t g = 0; g < f->count; g++) {
        int in_seq = 0;
        for (;;) {
            if (p >= end)
                die("truncated (Unicode table)", in_path);
            if (*p == 0xff) {
                p++;
                break;
            }
            if (*p == 0xfe) {
                in_seq = 1;
                p++;
                continue;
            }
            uint32_t cp = *p++;
            int more = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0;
            cp &= more == 3 ? 0x07 : more == 2 ? 0x0f : more == 1 ? 0x1f : 0x7f;
            for (; more; more--) {
                if (p >= end)
                    die("truncated (Unicode table)", in_path);
                cp = cp << 6 | (*p++ & 0x3f);
            }
            if (!in_seq)
                map_char(f, cp, g);
        }
    }
}

static void parse(struct font *f, const uint8_t *buf, size_t len, const char *path)
{
    for (int i = 0; i < 256; i++)
        f->map[i] = -1;
    const uint8_t *end = buf + len;
    int psf2 = 0, has_table = 0;
    if (len >= 2 && buf[0] == PSF1_MAGIC0 && buf[1] == PSF1_MAGIC1) {
        if (len < 4)
            die("truncated", path);
        if (buf[3] != HEIGHT)
            bad_size(8, buf[3]);
        f->count = buf[2] & PSF1_MODE512 ? 512 : 256;
        f->glyphs = buf + 4;
        has_table = (buf[2] & (PSF1_MODEHASTAB | PSF1_MODESEQ)) != 0;
    } else if (len >= 4 && le32(buf) == PSF2_MAGIC) {
        if (len < 32)
            die("truncated", path);
        uint32_t hdr = le32(buf + 8), flags = le32(buf + 12), charsize = le32(buf + 20);
        if (le32(buf + 24) != HEIGHT || le32(buf + 28) != 8 || charsize != HEIGHT)
            bad_size(le32(buf + 28), le32(buf + 24));
        f->count = le32(buf + 16);
        if (hdr < 32)
            die("bad PSF2 header size", path);
        if (hdr > len)
            die("truncated", path);
        f->glyphs = buf + hdr;
        has_table = (flags & PSF2_HAS_UNICODE_TABLE) != 0;
        psf2 = 1;
    } else {
        die("not a PSF font", path);
    }
    if (f->count == 0 || (size_t)(end - f->glyphs) < (size_t)f->count * HEIGHT)
        die("truncated", path);
    const uint8_t *table = f->glyphs + (size_t)f->count * HEIGHT;
    if (!has_table) {
        for (uint32_t i = 0; i < 256 && i < f->count; i++)
            f->map[i] = (int)i;
    } else if (psf2) {
        psf2_table(f, table, end);
    } else {
        psf1_table(f, table, end);
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s IN.psf OUT.c\n", prog);
        return 2;
    }
    in_path = argv[1];
    FILE *in = fopen(argv[1], "rb");
    if (!in)
        die("cannot open", argv[1]);
    static uint8_t buf[1 << 22];        /* console fonts are a few KiB */
    size_t len = fread(buf, 1, sizeof buf, in);
    if (ferror(in))
        die("cannot read", argv[1]);
    if (len == sizeof buf && fgetc(in) != EOF)
        die("too large for a console font", argv[1]);
    fclose(in);
    struct font f;
    parse(&f, buf, len, argv[1]);
    if (f.map['?'] < 0)
        die("has no glyph for '?'", argv[1]);

    FILE *out = fopen(argv[2], "w");
    if (!out)
        die("cannot write", argv[2]);
    fprintf(out, "/* Generated by kite-psf2c from %s: do not edit. */\n", argv[1]);
    fprintf(out, "#include \"font.h\"\n\nconst uint8_t kite_font[256][FONT_H] = {\n");
    for (int c = 0; c < 256; c++) {
        /* Control characters stay blank; printable ones without a glyph show '?'. */
        int g = f.map[c] >= 0 ? f.map[c] : (c < 0x20 || (c >= 0x7f && c < 0xa0)) ? -1
                                                                                 : f.map['?'];
        fprintf(out, "    [0x%02x] = {", c);
        for (int y = 0; y < HEIGHT; y++)
            fprintf(out, "%s0x%02x", y ? ", " : "", g < 0 ? 0 : f.glyphs[g * HEIGHT + y]);
        fprintf(out, "},\n");
    }
    fprintf(out, "};\n");
    if (ferror(out) | fclose(out)) {
        remove(argv[2]);        /* no half-written table for the build to pick up */
        die("cannot write", argv[2]);
    }
    return 0;
}
