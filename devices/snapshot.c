/* The section format (devices/snapshot.h): a writer into a growing buffer and a bounded,
 * checking reader. */
#include "devices/snapshot.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void snap_writer_init(struct snap_writer *w)
{
    memset(w, 0, sizeof *w);
}

void snap_writer_free(struct snap_writer *w)
{
    free(w->buf);
    memset(w, 0, sizeof *w);
}

bool snap_writer_failed(const struct snap_writer *w)
{
    return w->failed;
}

/* Room for n more bytes, doubling: a machine's state is a few KiB (plus the
 * framebuffer's pixels), written once per snapshot. */
static bool reserve(struct snap_writer *w, size_t n)
{
    if (w->failed)
        return false;
    if (w->cap - w->len >= n)
        return true;
    size_t cap = w->cap ? w->cap : 4096;
    while (cap - w->len < n)
        cap *= 2;
    uint8_t *p = realloc(w->buf, cap);
    if (!p) {
        w->failed = true;
        return false;
    }
    w->buf = p;
    w->cap = cap;
    return true;
}

void snap_put_bytes(struct snap_writer *w, const void *p, size_t n)
{
    if (n && reserve(w, n)) {
        memcpy(w->buf + w->len, p, n);
        w->len += n;
    }
}

static void put_le(struct snap_writer *w, uint64_t v, unsigned bytes)
{
    uint8_t b[8];
    for (unsigned i = 0; i < bytes; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    snap_put_bytes(w, b, bytes);
}

void snap_put_u8(struct snap_writer *w, uint8_t v) { put_le(w, v, 1); }
void snap_put_u16(struct snap_writer *w, uint16_t v) { put_le(w, v, 2); }
void snap_put_u32(struct snap_writer *w, uint32_t v) { put_le(w, v, 4); }
void snap_put_u64(struct snap_writer *w, uint64_t v) { put_le(w, v, 8); }
void snap_put_bool(struct snap_writer *w, bool v) { put_le(w, v ? 1 : 0, 1); }

void snap_begin(struct snap_writer *w, const char *name, uint32_t version)
{
    size_t n = strlen(name);
    if (n > SNAP_NAME_MAX || w->depth == SNAP_DEPTH_MAX) {
        w->failed = true;           /* a programming error: the save is refused */
        return;
    }
    snap_put_u8(w, (uint8_t)n);
    snap_put_bytes(w, name, n);
    snap_put_u32(w, version);
    w->open[w->depth++] = w->len;
    snap_put_u32(w, 0);             /* the length, filled in by snap_end */
}

void snap_end(struct snap_writer *w)
{
    if (w->depth == 0) {
        w->failed = true;
        return;
    }
    size_t at = w->open[--w->depth];
    if (w->failed)
        return;
    size_t n = w->len - at - 4;
    if (n > UINT32_MAX) {
        w->failed = true;
        return;
    }
    for (unsigned i = 0; i < 4; i++)
        w->buf[at + i] = (uint8_t)(n >> (8 * i));
}

/* ---- reading ---- */

void snap_reader_init(struct snap_reader *r, struct snap_ctx *ctx, const void *p, size_t len)
{
    memset(r, 0, sizeof *r);
    r->ctx = ctx;
    r->p = p;
    r->len = len;
    snprintf(r->section, sizeof r->section, "(top)");
}

int snap_fail(struct snap_reader *r, const char *fmt, ...)
{
    if (r->ctx->failed)
        return -1;
    r->ctx->failed = true;
    if (r->ctx->err && r->ctx->errlen) {
        int n = snprintf(r->ctx->err, r->ctx->errlen, "section %s: ", r->section);
        if (n >= 0 && (size_t)n < r->ctx->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(r->ctx->err + n, r->ctx->errlen - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return -1;
}

bool snap_ok(const struct snap_reader *r)
{
    return !r->ctx->failed;
}

bool snap_applying(const struct snap_reader *r)
{
    return r->ctx->apply && !r->ctx->failed;
}

int snap_status(const struct snap_reader *r)
{
    return r->ctx->failed ? -1 : 0;
}

bool snap_at_end(const struct snap_reader *r)
{
    return r->pos == r->len;
}

/* n bytes from the payload, or NULL (and the load fails) past its end. */
static const uint8_t *take(struct snap_reader *r, size_t n)
{
    if (r->ctx->failed)
        return NULL;
    if (n > r->len - r->pos) {
        snap_fail(r, "ends early (%zu bytes wanted at byte %zu of %zu)", n, r->pos, r->len);
        return NULL;
    }
    const uint8_t *p = r->p + r->pos;
    r->pos += n;
    return p;
}

static uint64_t get_le(struct snap_reader *r, unsigned bytes)
{
    const uint8_t *p = take(r, bytes);
    uint64_t v = 0;
    for (unsigned i = 0; p && i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

uint8_t snap_get_u8(struct snap_reader *r) { return (uint8_t)get_le(r, 1); }
uint16_t snap_get_u16(struct snap_reader *r) { return (uint16_t)get_le(r, 2); }
uint32_t snap_get_u32(struct snap_reader *r) { return (uint32_t)get_le(r, 4); }
uint64_t snap_get_u64(struct snap_reader *r) { return get_le(r, 8); }

bool snap_get_bool(struct snap_reader *r)
{
    uint8_t v = snap_get_u8(r);
    if (v > 1)
        snap_fail(r, "a flag reads %u at byte %zu", v, r->pos - 1);
    return v == 1;
}

void snap_get_bytes(struct snap_reader *r, void *dst, size_t n)
{
    const uint8_t *p = take(r, n);
    if (p)
        memcpy(dst, p, n);
    else if (n)
        memset(dst, 0, n);
}

const uint8_t *snap_get_span(struct snap_reader *r, size_t n)
{
    return take(r, n);
}

/* The header of the section at r's position: its name, version and payload length. */
/* A name read from a snapshot goes into messages: whatever it holds, shown printable and
 * on one line. */
static void printable(char *name)
{
    for (; *name; name++)
        if (*name < 0x20 || *name > 0x7e)
            *name = '?';
}

static bool read_header(struct snap_reader *r, char name[SNAP_NAME_MAX + 1], uint32_t *version,
                        uint32_t *len)
{
    uint8_t n = snap_get_u8(r);
    if (!snap_ok(r))
        return false;
    if (n > SNAP_NAME_MAX) {
        snap_fail(r, "a section name of %u bytes (at most %d)", n, SNAP_NAME_MAX);
        return false;
    }
    snap_get_bytes(r, name, n);
    name[n] = '\0';
    printable(name);
    *version = snap_get_u32(r);
    *len = snap_get_u32(r);
    return snap_ok(r);
}

bool snap_peek_name(const struct snap_reader *r, char name[SNAP_NAME_MAX + 1])
{
    if (r->ctx->failed || r->pos >= r->len)
        return false;
    size_t n = r->p[r->pos];
    if (n > SNAP_NAME_MAX || n > r->len - r->pos - 1)
        return false;
    memcpy(name, r->p + r->pos + 1, n);
    name[n] = '\0';
    printable(name);
    return true;
}

bool snap_enter(struct snap_reader *r, const char *name, uint32_t version,
                struct snap_reader *sub)
{
    char found[SNAP_NAME_MAX + 1];
    uint32_t v, len;
    if (r->pos == r->len && !r->ctx->failed) {
        snap_fail(r, "ends where section %s was expected", name);
        return false;
    }
    if (!read_header(r, found, &v, &len))
        return false;
    if (strcmp(found, name)) {
        snap_fail(r, "found section %s where %s was expected", found, name);
        return false;
    }
    if (v != version) {
        snap_fail(r, "section %s has layout version %u; this rvbox reads version %u", name, v,
                  version);
        return false;
    }
    const uint8_t *p = take(r, len);
    if (!p)
        return false;
    snap_reader_init(sub, r->ctx, p, len);
    snprintf(sub->section, sizeof sub->section, "%s", name);
    return true;
}

bool snap_leave(struct snap_reader *sub)
{
    if (sub->ctx->failed)
        return false;
    if (sub->pos != sub->len) {
        snap_fail(sub, "%zu of its %zu bytes left unread (a different layout)",
                  sub->len - sub->pos, sub->len);
        return false;
    }
    return true;
}
