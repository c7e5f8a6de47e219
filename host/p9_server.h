/*
 * A 9P2000.L server on a host directory (host/p9_fs.h), as Linux's 9p file system speaks
 * it over virtio (`mount -t 9p -o trans=virtio TAG DIR`; 9P2000.L is its default). It is
 * the 9P server backend of virtio-9p (devices/p9dev.h): one call per message, the reply
 * written at once.
 *
 * The guest is not trusted. Every message is decoded with bounds checks (host/p9_wire.h);
 * one that is short, too long for what it says, names an unknown fid or carries a bad
 * name is answered with Rlerror, never a crash or a read past its end. Every path stays
 * beneath the directory (host/p9_fs.c). The guest holds at most P9_MAX_FIDS fids and
 * P9_MAX_OPEN open files of the host, and a directory listing holds at most
 * P9_MAX_DIRENTS names. With `readonly`, everything that would change the directory is
 * answered EROFS, and files are opened read-only.
 *
 * Served: version, attach, walk, clunk, remove, flush, getattr, setattr, lopen, lcreate,
 * read, write, readdir, fsync, statfs, mkdir, symlink, mknod (no device nodes), link,
 * rename, renameat, unlinkat, readlink, lock and getlock (always granted: no host locks),
 * xattrwalk and xattrcreate (EOPNOTSUPP: no extended attributes), auth (EOPNOTSUPP).
 * Anything else is EOPNOTSUPP.
 */
#ifndef RVBOX_P9_SERVER_H
#define RVBOX_P9_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/p9dev.h"

#define P9_MAX_MSIZE     (128u * 1024)  /* the largest msize offered */
#define P9_MAX_FIDS      4096
#define P9_MAX_OPEN      256
#define P9_MAX_DIRENTS   65536

struct p9_server;

/* A server for the directory `dir`. NULL with a one-line reason in err (the directory is
 * missing, not a directory, or cannot be confined). */
struct p9_server *p9_server_create(const char *dir, bool readonly, char *err, size_t errlen);
void p9_server_destroy(struct p9_server *s);

/* The backend a virtio-9p device is given. */
const struct p9dev *p9_server_backend(struct p9_server *s);

/* One message (also the backend's request): the reply's length, at most max. */
size_t p9_server_request(struct p9_server *s, const uint8_t *req, size_t len, uint8_t *reply,
                         size_t max);

/* Forget every fid (the backend's reset). */
void p9_server_reset(struct p9_server *s);

/* Fids held and host files open now (tests, `info`). */
unsigned p9_server_fids(const struct p9_server *s);
unsigned p9_server_open_files(const struct p9_server *s);

#endif
