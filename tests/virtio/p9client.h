/*
 * A 9P2000.L client for tests: builds messages with host/p9_wire.h's writer, hands them to
 * a p9_server (host/p9_server.h) as virtio-9p would, and reads the reply. For the server's
 * tests (test_p9_server.c) and the 9P fuzzer (tests/fuzz/test_fuzz_p9.c).
 *
 *   p9c_begin(&c, P9C_TWALK); p9_put32(&c.w, fid); ...; int type = p9c_send(&c);
 *   then p9c_get32(&c) ... on the reply's fields; c.ecode is Rlerror's errno.
 */
#ifndef RVBOX_TESTS_P9CLIENT_H
#define RVBOX_TESTS_P9CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host/p9_server.h"
#include "host/p9_wire.h"

enum {
    P9C_RLERROR = 7, P9C_TSTATFS = 8, P9C_TLOPEN = 12, P9C_TLCREATE = 14,
    P9C_TSYMLINK = 16, P9C_TMKNOD = 18, P9C_TRENAME = 20, P9C_TREADLINK = 22,
    P9C_TGETATTR = 24, P9C_TSETATTR = 26, P9C_TXATTRWALK = 30, P9C_TXATTRCREATE = 32,
    P9C_TREADDIR = 40, P9C_TFSYNC = 50, P9C_TLOCK = 52, P9C_TGETLOCK = 54, P9C_TLINK = 70,
    P9C_TMKDIR = 72, P9C_TRENAMEAT = 74, P9C_TUNLINKAT = 76, P9C_TVERSION = 100,
    P9C_TAUTH = 102, P9C_TATTACH = 104, P9C_TFLUSH = 108, P9C_TWALK = 110, P9C_TREAD = 116,
    P9C_TWRITE = 118, P9C_TCLUNK = 120, P9C_TREMOVE = 122,
};

#define P9C_MSIZE (P9_MAX_MSIZE + 64)

struct p9c {
    struct p9_server *s;
    uint8_t req[P9C_MSIZE], rep[P9C_MSIZE];
    struct p9_writer w;             /* the request being built */
    struct p9_reader r;             /* the last reply, past its header */
    size_t max;                     /* room offered for the reply */
    uint16_t tag;
    uint32_t ecode;                 /* Rlerror's errno, 0 otherwise */
};

void p9c_init(struct p9c *c, struct p9_server *s);

/* Start a message of `type` (the header is filled in by p9c_send). */
void p9c_begin(struct p9c *c, uint8_t type);

/* Send it, as it stands, and check the reply's header: its size is what the server
 * returned, its tag the request's, its type the request's + 1 or Rlerror. Returns the
 * reply's type. */
int p9c_send(struct p9c *c);

/* Version + attach fid 0 to the directory: the start of every session. */
void p9c_session(struct p9c *c);

/* The common requests: each returns 0 or the Rlerror errno. */
int p9c_walk(struct p9c *c, uint32_t fid, uint32_t newfid, unsigned n, const char *const *names);
int p9c_walk1(struct p9c *c, uint32_t fid, uint32_t newfid, const char *name);
int p9c_lopen(struct p9c *c, uint32_t fid, uint32_t flags);
int p9c_lcreate(struct p9c *c, uint32_t fid, const char *name, uint32_t flags, uint32_t mode);
int p9c_mkdir(struct p9c *c, uint32_t dfid, const char *name, uint32_t mode);
int p9c_clunk(struct p9c *c, uint32_t fid);
/* Read into buf (at most len): the count, or -errno. */
long p9c_read(struct p9c *c, uint32_t fid, uint64_t offset, void *buf, uint32_t len);
long p9c_write(struct p9c *c, uint32_t fid, uint64_t offset, const void *buf, uint32_t len);
/* Rgetattr's mode and qid type (mode 0 on an error). */
int p9c_getattr(struct p9c *c, uint32_t fid, uint32_t *mode, uint8_t *qtype);

#endif
