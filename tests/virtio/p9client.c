#include "p9client.h"

#include <check.h>
#include <string.h>

void p9c_init(struct p9c *c, struct p9_server *s)
{
    memset(c, 0, sizeof *c);
    c->s = s;
    c->max = P9C_MSIZE;
}

void p9c_begin(struct p9c *c, uint8_t type)
{
    c->w = (struct p9_writer){ .p = c->req, .max = sizeof c->req, .pos = 7 };
    c->req[4] = type;
    c->tag++;
    if (c->tag == 0xffff)
        c->tag = 1;
}

int p9c_send(struct p9c *c)
{
    ck_assert(!c->w.bad);
    uint32_t size = (uint32_t)c->w.pos;
    for (int i = 0; i < 4; i++)
        c->req[i] = (uint8_t)(size >> (8 * i));
    c->req[5] = (uint8_t)c->tag;
    c->req[6] = (uint8_t)(c->tag >> 8);
    size_t n = p9_server_request(c->s, c->req, size, c->rep, c->max);
    ck_assert_uint_ge(n, 7);
    ck_assert_uint_le(n, c->max);
    c->r = (struct p9_reader){ .p = c->rep, .len = n };
    ck_assert_uint_eq(p9_get32(&c->r), n);
    uint8_t type = p9_get8(&c->r);
    ck_assert_uint_eq(p9_get16(&c->r), c->tag);
    ck_assert(type == c->req[4] + 1 || type == P9C_RLERROR);
    c->ecode = type == P9C_RLERROR ? p9_get32(&c->r) : 0;
    return type;
}

void p9c_session(struct p9c *c)
{
    p9c_begin(c, P9C_TVERSION);
    p9_put32(&c->w, P9_MAX_MSIZE);
    p9_put_str(&c->w, "9P2000.L");
    ck_assert_int_eq(p9c_send(c), P9C_TVERSION + 1);
    p9c_begin(c, P9C_TATTACH);
    p9_put32(&c->w, 0);
    p9_put32(&c->w, ~0u);
    p9_put_str(&c->w, "test");
    p9_put_str(&c->w, "");
    p9_put32(&c->w, 0);
    ck_assert_int_eq(p9c_send(c), P9C_TATTACH + 1);
}

int p9c_walk(struct p9c *c, uint32_t fid, uint32_t newfid, unsigned n, const char *const *names)
{
    p9c_begin(c, P9C_TWALK);
    p9_put32(&c->w, fid);
    p9_put32(&c->w, newfid);
    p9_put16(&c->w, (uint16_t)n);
    for (unsigned i = 0; i < n; i++)
        p9_put_str(&c->w, names[i]);
    p9c_send(c);
    if (c->ecode)
        return (int)c->ecode;
    /* a partial walk: fewer qids than names, and no newfid */
    return p9_get16(&c->r) == n ? 0 : -1;
}

int p9c_walk1(struct p9c *c, uint32_t fid, uint32_t newfid, const char *name)
{
    return p9c_walk(c, fid, newfid, 1, &name);
}

int p9c_lopen(struct p9c *c, uint32_t fid, uint32_t flags)
{
    p9c_begin(c, P9C_TLOPEN);
    p9_put32(&c->w, fid);
    p9_put32(&c->w, flags);
    p9c_send(c);
    return (int)c->ecode;
}

int p9c_lcreate(struct p9c *c, uint32_t fid, const char *name, uint32_t flags, uint32_t mode)
{
    p9c_begin(c, P9C_TLCREATE);
    p9_put32(&c->w, fid);
    p9_put_str(&c->w, name);
    p9_put32(&c->w, flags);
    p9_put32(&c->w, mode);
    p9_put32(&c->w, 0);
    p9c_send(c);
    return (int)c->ecode;
}

int p9c_mkdir(struct p9c *c, uint32_t dfid, const char *name, uint32_t mode)
{
    p9c_begin(c, P9C_TMKDIR);
    p9_put32(&c->w, dfid);
    p9_put_str(&c->w, name);
    p9_put32(&c->w, mode);
    p9_put32(&c->w, 0);
    p9c_send(c);
    return (int)c->ecode;
}

int p9c_clunk(struct p9c *c, uint32_t fid)
{
    p9c_begin(c, P9C_TCLUNK);
    p9_put32(&c->w, fid);
    p9c_send(c);
    return (int)c->ecode;
}

long p9c_read(struct p9c *c, uint32_t fid, uint64_t offset, void *buf, uint32_t len)
{
    p9c_begin(c, P9C_TREAD);
    p9_put32(&c->w, fid);
    p9_put64(&c->w, offset);
    p9_put32(&c->w, len);
    p9c_send(c);
    if (c->ecode)
        return -(long)c->ecode;
    uint32_t n = p9_get32(&c->r);
    const uint8_t *data = p9_take(&c->r, n);
    ck_assert_ptr_nonnull(data);
    ck_assert_uint_le(n, len);
    memcpy(buf, data, n);
    return n;
}

long p9c_write(struct p9c *c, uint32_t fid, uint64_t offset, const void *buf, uint32_t len)
{
    p9c_begin(c, P9C_TWRITE);
    p9_put32(&c->w, fid);
    p9_put64(&c->w, offset);
    p9_put32(&c->w, len);
    p9_put_bytes(&c->w, buf, len);
    p9c_send(c);
    return c->ecode ? -(long)c->ecode : (long)p9_get32(&c->r);
}

int p9c_getattr(struct p9c *c, uint32_t fid, uint32_t *mode, uint8_t *qtype)
{
    p9c_begin(c, P9C_TGETATTR);
    p9_put32(&c->w, fid);
    p9_put64(&c->w, 0x7ff);
    p9c_send(c);
    *mode = 0;
    if (c->ecode)
        return (int)c->ecode;
    p9_get64(&c->r);                    /* valid */
    *qtype = p9_get8(&c->r);
    p9_get32(&c->r);
    p9_get64(&c->r);
    *mode = p9_get32(&c->r);
    return 0;
}
