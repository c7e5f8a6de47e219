/*
 * 9P's wire format: little-endian integers, strings as a 16-bit length and bytes (no NUL),
 * qids of 13 bytes. A reader and a writer over a buffer that never go past its end: a read
 * or write that does not fit sets `bad` and does nothing, so a handler decodes a whole
 * message and checks once at the end. Anything a guest sent is read through these.
 */
#ifndef RVBOX_P9_WIRE_H
#define RVBOX_P9_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define P9_QID_BYTES 13

struct p9_qid {
    uint8_t type;                   /* P9_QT* */
    uint32_t version;
    uint64_t path;
};

struct p9_reader {
    const uint8_t *p;
    size_t len, pos;
    bool bad;                       /* a read went past the end */
};

struct p9_writer {
    uint8_t *p;
    size_t max, pos;
    bool bad;                       /* a write did not fit */
};

static inline const uint8_t *p9_take(struct p9_reader *r, size_t n)
{
    if (r->bad || n > r->len - r->pos) {
        r->bad = true;
        return NULL;
    }
    const uint8_t *q = r->p + r->pos;
    r->pos += n;
    return q;
}

static inline uint64_t p9_get(struct p9_reader *r, unsigned bytes)
{
    const uint8_t *q = p9_take(r, bytes);
    uint64_t v = 0;
    for (unsigned i = 0; q && i < bytes; i++)
        v |= (uint64_t)q[i] << (8 * i);
    return v;
}

static inline uint8_t p9_get8(struct p9_reader *r) { return (uint8_t)p9_get(r, 1); }
static inline uint16_t p9_get16(struct p9_reader *r) { return (uint16_t)p9_get(r, 2); }
static inline uint32_t p9_get32(struct p9_reader *r) { return (uint32_t)p9_get(r, 4); }
static inline uint64_t p9_get64(struct p9_reader *r) { return p9_get(r, 8); }

/* A string, as a NUL-terminated copy into buf (of size `size`): a string with a NUL in
 * it, or one that does not fit, is bad. */
static inline bool p9_get_str(struct p9_reader *r, char *buf, size_t size)
{
    uint16_t n = p9_get16(r);
    const uint8_t *q = p9_take(r, n);
    if (!q || n >= size || memchr(q, 0, n)) {
        r->bad = true;
        if (size)
            buf[0] = '\0';
        return false;
    }
    memcpy(buf, q, n);
    buf[n] = '\0';
    return true;
}

static inline uint8_t *p9_room(struct p9_writer *w, size_t n)
{
    if (w->bad || n > w->max - w->pos) {
        w->bad = true;
        return NULL;
    }
    uint8_t *q = w->p + w->pos;
    w->pos += n;
    return q;
}

static inline void p9_put(struct p9_writer *w, uint64_t v, unsigned bytes)
{
    uint8_t *q = p9_room(w, bytes);
    for (unsigned i = 0; q && i < bytes; i++)
        q[i] = (uint8_t)(v >> (8 * i));
}

static inline void p9_put8(struct p9_writer *w, uint8_t v) { p9_put(w, v, 1); }
static inline void p9_put16(struct p9_writer *w, uint16_t v) { p9_put(w, v, 2); }
static inline void p9_put32(struct p9_writer *w, uint32_t v) { p9_put(w, v, 4); }
static inline void p9_put64(struct p9_writer *w, uint64_t v) { p9_put(w, v, 8); }

static inline void p9_put_bytes(struct p9_writer *w, const void *b, size_t n)
{
    uint8_t *q = p9_room(w, n);
    if (q && n)
        memcpy(q, b, n);
}

static inline void p9_put_str(struct p9_writer *w, const char *s)
{
    size_t n = strlen(s);
    if (n > UINT16_MAX) {
        w->bad = true;
        return;
    }
    p9_put16(w, (uint16_t)n);
    p9_put_bytes(w, s, n);
}

static inline void p9_put_qid(struct p9_writer *w, const struct p9_qid *q)
{
    p9_put8(w, q->type);
    p9_put32(w, q->version);
    p9_put64(w, q->path);
}

#endif
