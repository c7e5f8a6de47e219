/* Guest RAM in a snapshot file (host/snapshot_ram.h): zero pages skipped, the rest one
 * zstd frame, compressed and decompressed in place, run by run of kept pages, so no
 * copy of RAM is ever made. */
#include "host/snapshot_ram.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "devices/snapshot.h"

#define PAGE 4096u

static bool page_is_zero(const uint8_t *p)
{
    const uint64_t *q = (const uint64_t *)(const void *)p;
    uint64_t any = 0;
    for (unsigned i = 0; i < PAGE / 8; i++)
        any |= q[i];
    return any == 0;
}

static bool kept(const uint8_t *bitmap, uint32_t i)
{
    return bitmap[i / 8] >> (i % 8) & 1;
}

/* The next run of kept pages at or after *i: [*i, end). False when none is left. */
static bool next_run(const uint8_t *bitmap, uint32_t pages, uint32_t *i, uint32_t *end)
{
    while (*i < pages && !kept(bitmap, *i))
        (*i)++;
    if (*i == pages)
        return false;
    *end = *i;
    while (*end < pages && kept(bitmap, *end))
        (*end)++;
    return true;
}

int snapshot_ram_save(const uint8_t *ram, uint32_t size, struct snap_writer *w, char *err,
                      size_t errlen)
{
    uint32_t pages = size / PAGE;
    size_t bitmap_len = (pages + 7) / 8;
    uint8_t *bitmap = calloc(1, bitmap_len);
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    uint8_t *out = NULL;
    int rc = -1;
    if (!bitmap || !cc)
        goto oom;
    uint64_t nkept = 0;
    for (uint32_t i = 0; i < pages; i++) {
        if (!page_is_zero(ram + (size_t)i * PAGE)) {
            bitmap[i / 8] |= (uint8_t)(1u << (i % 8));
            nkept++;
        }
    }
    size_t cap = ZSTD_compressBound(nkept * PAGE);
    if (!(out = malloc(cap)))
        goto oom;
    ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, SNAPSHOT_RAM_LEVEL);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
    ZSTD_CCtx_setPledgedSrcSize(cc, nkept * PAGE);
    ZSTD_outBuffer o = { out, cap, 0 };
    uint32_t i = 0, end;
    while (next_run(bitmap, pages, &i, &end)) {
        ZSTD_inBuffer in = { ram + (size_t)i * PAGE, (size_t)(end - i) * PAGE, 0 };
        while (in.pos < in.size) {
            size_t r = ZSTD_compressStream2(cc, &o, &in, ZSTD_e_continue);
            if (ZSTD_isError(r)) {
                snprintf(err, errlen, "compressing RAM: %s", ZSTD_getErrorName(r));
                goto out;
            }
        }
        i = end;
    }
    ZSTD_inBuffer none = { NULL, 0, 0 };
    size_t left;
    do {
        left = ZSTD_compressStream2(cc, &o, &none, ZSTD_e_end);
        if (ZSTD_isError(left)) {
            snprintf(err, errlen, "compressing RAM: %s", ZSTD_getErrorName(left));
            goto out;
        }
    } while (left);
    snap_put_u32(w, pages);
    snap_put_bytes(w, bitmap, bitmap_len);
    snap_put_u64(w, o.pos);
    snap_put_bytes(w, out, o.pos);
    rc = snap_writer_failed(w) ? -1 : 0;
    if (rc)
        snprintf(err, errlen, "out of memory");
    goto out;
oom:
    snprintf(err, errlen, "out of memory");
out:
    free(out);
    free(bitmap);
    ZSTD_freeCCtx(cc);
    return rc;
}

/* Decode the frame into `ram` run by run, or (ram NULL) into a scratch buffer only to
 * check it. The frame must hold exactly the kept pages and end with them. */
static int decode(const struct snapshot_ram *s, uint8_t *ram, char *err, size_t errlen)
{
    ZSTD_DCtx *dc = ZSTD_createDCtx();
    uint8_t *scratch = ram ? NULL : malloc(1u << 20);
    if (!dc || (!ram && !scratch)) {
        ZSTD_freeDCtx(dc);
        free(scratch);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    ZSTD_inBuffer in = { s->frame, s->frame_len, 0 };
    size_t r = 1;
    uint32_t i = 0, end;
    const char *why = NULL;
    while (!why && next_run(s->bitmap, s->pages, &i, &end)) {
        uint64_t want = (uint64_t)(end - i) * PAGE;
        uint8_t *dst = ram ? ram + (size_t)i * PAGE : NULL;
        while (want > 0) {
            size_t n = ram ? want : (want < (1u << 20) ? want : (1u << 20));
            ZSTD_outBuffer o = { dst ? dst : scratch, n, 0 };
            while (o.pos < o.size) {
                r = ZSTD_decompressStream(dc, &o, &in);
                if (ZSTD_isError(r)) {
                    why = ZSTD_getErrorName(r);
                    break;
                }
                if (o.pos < o.size && in.pos == in.size && r != 0) {
                    why = "the frame ends early";
                    break;
                }
                if (o.pos < o.size && r == 0) {
                    why = "the frame holds fewer pages than its bitmap";
                    break;
                }
            }
            if (why)
                break;
            want -= n;
            if (dst)
                dst += n;
        }
        i = end;
    }
    /* Nothing may follow the last page: the frame's end (and its checksum) comes next. */
    if (!why && r != 0) {
        uint8_t extra;
        ZSTD_outBuffer o = { &extra, 1, 0 };
        r = ZSTD_decompressStream(dc, &o, &in);
        if (ZSTD_isError(r))
            why = ZSTD_getErrorName(r);
        else if (o.pos || r != 0)
            why = "the frame holds more than its bitmap says";
    }
    if (!why && in.pos != in.size)
        why = "bytes after the frame";
    ZSTD_freeDCtx(dc);
    free(scratch);
    if (why) {
        snprintf(err, errlen, "RAM: %s", why);
        return -1;
    }
    return 0;
}

int snapshot_ram_check(const uint8_t *p, size_t len, uint32_t ram_size,
                       struct snapshot_ram *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (len < 4) {
        snprintf(err, errlen, "RAM: cut short");
        return -1;
    }
    uint32_t pages = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                     (uint32_t)p[3] << 24;
    if (pages != ram_size / PAGE) {
        snprintf(err, errlen, "RAM: %u KiB saved, this machine has %u KiB", pages * 4,
                 ram_size >> 10);
        return -1;
    }
    size_t bitmap_len = (pages + 7) / 8;
    if (len < 4 + bitmap_len + 8) {
        snprintf(err, errlen, "RAM: cut short");
        return -1;
    }
    out->pages = pages;
    out->bitmap = p + 4;
    const uint8_t *q = p + 4 + bitmap_len;
    for (int k = 0; k < 8; k++)
        out->frame_len |= (uint64_t)q[k] << (8 * k);
    out->frame = q + 8;
    if (out->frame_len != len - 4 - bitmap_len - 8) {
        snprintf(err, errlen, "RAM: a frame of %llu bytes in %zu", 
                 (unsigned long long)out->frame_len, len - 4 - bitmap_len - 8);
        return -1;
    }
    for (uint32_t i = 0; i < pages; i++)
        out->kept += kept(out->bitmap, i);
    unsigned long long content = ZSTD_getFrameContentSize(out->frame, out->frame_len);
    if (content != out->kept * PAGE) {
        snprintf(err, errlen, "RAM: the frame holds %llu bytes, its bitmap says %llu", content,
                 (unsigned long long)(out->kept * PAGE));
        return -1;
    }
    return decode(out, NULL, err, errlen);
}

int snapshot_ram_apply(const struct snapshot_ram *s, uint8_t *ram, char *err, size_t errlen)
{
    for (uint32_t i = 0; i < s->pages; i++) {
        uint8_t *p = ram + (size_t)i * PAGE;
        if (!kept(s->bitmap, i) && !page_is_zero(p))
            memset(p, 0, PAGE);
    }
    return decode(s, ram, err, errlen);
}
