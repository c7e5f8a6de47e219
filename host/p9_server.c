/*
 * 9P2000.L (host/p9_server.h), message by message.
 *
 * A message is size[4] type[1] tag[2] and the fields of its type. The dispatcher checks
 * the header, each handler decodes all its fields first and does nothing if any is
 * missing (the reader's `bad`), then acts and writes its reply's fields; an error becomes
 * Rlerror with the host's errno (host and guest are both Linux: the numbers agree).
 *
 * A fid is a path relative to the shared directory, with no symbolic link in it (walks
 * never go through one), so ".." is its parent by the text alone and every use resolves
 * the path again beneath the directory (host/p9_fs.c). An open fid also holds a host fd.
 * The set-user-ID and set-group-ID bits are never set on the host, whatever the guest
 * asks, and no device node is made: a guest cannot leave the host a privileged file.
 */
#define _GNU_SOURCE             /* O_PATH, AT_EMPTY_PATH, getdents64 */
#include "host/p9_server.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "host/p9_fs.h"
#include "host/p9_wire.h"

enum p9_type {
    P9_TLERROR = 6, P9_RLERROR = 7,
    P9_TSTATFS = 8, P9_TLOPEN = 12, P9_TLCREATE = 14, P9_TSYMLINK = 16, P9_TMKNOD = 18,
    P9_TRENAME = 20, P9_TREADLINK = 22, P9_TGETATTR = 24, P9_TSETATTR = 26,
    P9_TXATTRWALK = 30, P9_TXATTRCREATE = 32, P9_TREADDIR = 40, P9_TFSYNC = 50,
    P9_TLOCK = 52, P9_TGETLOCK = 54, P9_TLINK = 70, P9_TMKDIR = 72, P9_TRENAMEAT = 74,
    P9_TUNLINKAT = 76, P9_TVERSION = 100, P9_TAUTH = 102, P9_TATTACH = 104,
    P9_TFLUSH = 108, P9_TWALK = 110, P9_TREAD = 116, P9_TWRITE = 118, P9_TCLUNK = 120,
    P9_TREMOVE = 122,
};

#define P9_HEADER        7
#define P9_NOTAG         0xffff
#define P9_MIN_MSIZE     4096
#define P9_MAXWELEM      16
#define P9_VERSION       "9P2000.L"

#define P9_QTDIR         0x80
#define P9_QTSYMLINK     0x02
#define P9_QTFILE        0x00

/* Tlopen/Tlcreate flags (9P2000.L's, Linux's generic numbers). */
#define P9_DOTL_ACCMODE  3
#define P9_DOTL_CREATE   0100
#define P9_DOTL_EXCL     0200
#define P9_DOTL_TRUNC    01000
#define P9_DOTL_APPEND   02000

/* Tsetattr's valid bits. */
#define P9_ATTR_MODE     (1u << 0)
#define P9_ATTR_UID      (1u << 1)
#define P9_ATTR_GID      (1u << 2)
#define P9_ATTR_SIZE     (1u << 3)
#define P9_ATTR_ATIME    (1u << 4)
#define P9_ATTR_MTIME    (1u << 5)
#define P9_ATTR_ATIME_SET (1u << 7)
#define P9_ATTR_MTIME_SET (1u << 8)

#define P9_GETATTR_BASIC 0x7ffull      /* mode ... blocks: what Rgetattr fills */
#define P9_LOCK_SUCCESS  0
#define P9_LOCK_UNLCK    2
#define P9_AT_REMOVEDIR  0x200

/* The permission bits a guest may set on the host: no set-user-ID or set-group-ID. */
#define GUEST_MODE_BITS  01777u

struct dent {
    uint64_t ino;
    uint8_t type;                       /* DT_* */
    char *name;
};

struct fid {
    uint32_t id;
    char *path;                         /* relative to the directory; "" is itself */
    int fd;                             /* open (Tlopen, Tlcreate): the host's; else -1 */
    int accmode;                        /* O_RDONLY, O_WRONLY, O_RDWR when open */
    bool dir;                           /* open as a directory: Treaddir reads `ents` */
    struct dent *ents;
    unsigned nents;
};

struct p9_server {
    struct p9fs *fs;
    struct p9dev backend;
    uint32_t msize;
    struct fid *fids[P9_MAX_FIDS];      /* the first nfids are in use */
    unsigned nfids, nopen;
};

/* One message being served. */
struct req {
    struct p9_server *s;
    struct p9_reader r;
    struct p9_writer w;
};

/* ---- fids ---- */

static struct fid *fid_get(struct p9_server *s, uint32_t id)
{
    for (unsigned i = 0; i < s->nfids; i++)
        if (s->fids[i]->id == id)
            return s->fids[i];
    return NULL;
}

static void fid_drop_listing(struct fid *f)
{
    for (unsigned i = 0; i < f->nents; i++)
        free(f->ents[i].name);
    free(f->ents);
    f->ents = NULL;
    f->nents = 0;
}

static void fid_close(struct p9_server *s, struct fid *f)
{
    if (f->fd >= 0) {
        close(f->fd);
        s->nopen--;
    }
    f->fd = -1;
    f->dir = false;
    fid_drop_listing(f);
}

static void fid_free(struct p9_server *s, struct fid *f)
{
    for (unsigned i = 0; i < s->nfids; i++)
        if (s->fids[i] == f) {
            s->fids[i] = s->fids[--s->nfids];
            break;
        }
    fid_close(s, f);
    free(f->path);
    free(f);
}

/* A new fid `id` at `path`: EBADF if the id is taken, EMFILE if the guest holds too many. */
static int fid_new(struct p9_server *s, uint32_t id, const char *path, struct fid **out)
{
    if (fid_get(s, id))
        return EBADF;
    if (s->nfids == P9_MAX_FIDS)
        return EMFILE;
    struct fid *f = calloc(1, sizeof *f);
    if (!f || !(f->path = strdup(path))) {
        free(f);
        return ENOMEM;
    }
    f->id = id;
    f->fd = -1;
    s->fids[s->nfids++] = f;
    *out = f;
    return 0;
}

static int fid_set_path(struct fid *f, const char *path)
{
    char *p = strdup(path);
    if (!p)
        return ENOMEM;
    free(f->path);
    f->path = p;
    return 0;
}

/* After a rename of `from` to `to`: every fid at or under `from` follows. */
static void fids_renamed(struct p9_server *s, const char *from, const char *to)
{
    size_t n = strlen(from);
    for (unsigned i = 0; i < s->nfids; i++) {
        struct fid *f = s->fids[i];
        if (strncmp(f->path, from, n) || (f->path[n] != '\0' && f->path[n] != '/'))
            continue;
        char path[P9FS_PATH_MAX];
        int len = snprintf(path, sizeof path, "%s%s", to, f->path + n);
        if (len > 0 && len < (int)sizeof path)
            fid_set_path(f, path);
    }
}

/* ---- helpers ---- */

static struct p9_qid qid_of(const struct stat *st)
{
    struct p9_qid q = {
        .type = S_ISDIR(st->st_mode) ? P9_QTDIR : S_ISLNK(st->st_mode) ? P9_QTSYMLINK
                                                                     : P9_QTFILE,
        /* QEMU's: changes when the file does, so a caching client sees it */
        .version = (uint32_t)(st->st_mtime ^ (st->st_size << 8)),
        .path = (uint64_t)st->st_ino,
    };
    return q;
}

/* The fid's file, as lstat sees it; an open fid whose name is gone answers from its fd. */
static int fid_stat(struct p9_server *s, struct fid *f, struct stat *st)
{
    int rc = p9fs_lstat(s->fs, f->path, st);
    if (rc < 0 && f->fd >= 0 && fstat(f->fd, st) == 0)
        rc = 0;
    return rc < 0 ? -rc : 0;
}

/* The directory named by `f` as an O_PATH fd (*fd), for a call on one name in it. */
static int fid_dirfd(struct p9_server *s, struct fid *f, int *fd)
{
    int d = p9fs_dirfd(s->fs, f->path);
    if (d < 0)
        return -d;
    *fd = d;
    return 0;
}

/* The parent of the fid's file as an O_PATH fd and its name in it. The directory itself
 * has none: EBUSY. */
static int fid_parent(struct p9_server *s, struct fid *f, int *fd, const char **name)
{
    char parent[P9FS_PATH_MAX];
    if (!p9fs_split(f->path, parent, name))
        return EBUSY;
    int d = p9fs_dirfd(s->fs, parent);
    if (d < 0)
        return -d;
    *fd = d;
    return 0;
}

/* The qid of `name` in the directory `dirfd`, not following a link. */
static int qid_at(int dirfd, const char *name, struct p9_qid *q)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
        return errno;
    *q = qid_of(&st);
    return 0;
}

static int writable(struct p9_server *s)
{
    return p9fs_readonly(s->fs) ? EROFS : 0;
}

/* Tlopen/Tlcreate flags as open(2)'s: the access mode, truncate, append; never following
 * a link, never blocking (a FIFO in the directory must not hold rvbox). */
static int open_flags(uint32_t dotl, int *flags)
{
    static const int acc[] = { O_RDONLY, O_WRONLY, O_RDWR };
    if ((dotl & P9_DOTL_ACCMODE) == 3)
        return EINVAL;
    *flags = acc[dotl & P9_DOTL_ACCMODE] | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
             ((dotl & P9_DOTL_TRUNC) ? O_TRUNC : 0) | ((dotl & P9_DOTL_APPEND) ? O_APPEND : 0);
    return 0;
}

/* ---- session ---- */

static void clunk_all(struct p9_server *s)
{
    while (s->nfids)
        fid_free(s, s->fids[0]);
}

static int t_version(struct req *q)
{
    uint32_t msize = p9_get32(&q->r);
    char version[64];
    p9_get_str(&q->r, version, sizeof version);
    if (q->r.bad)
        return EINVAL;
    clunk_all(q->s);                    /* a new session */
    /* A version or an msize the server cannot speak: "unknown", and no session (the
     * msize stays the largest, so that the client can still be answered). */
    bool ok = !strncmp(version, P9_VERSION, strlen(P9_VERSION)) && msize >= P9_MIN_MSIZE;
    q->s->msize = ok && msize < P9_MAX_MSIZE ? msize : P9_MAX_MSIZE;
    p9_put32(&q->w, ok ? q->s->msize : msize);
    p9_put_str(&q->w, ok ? P9_VERSION : "unknown");
    return 0;
}

static int t_attach(struct req *q)
{
    char name[256];
    uint32_t fid = p9_get32(&q->r);
    p9_get32(&q->r);                    /* afid: no authentication */
    p9_get_str(&q->r, name, sizeof name);   /* uname */
    p9_get_str(&q->r, name, sizeof name);   /* aname: the whole directory is served */
    p9_get32(&q->r);                    /* n_uname */
    if (q->r.bad)
        return EINVAL;
    struct stat st;
    int rc = -p9fs_lstat(q->s->fs, "", &st);
    struct fid *f;
    if (rc || (rc = fid_new(q->s, fid, "", &f)))
        return rc;
    struct p9_qid qid = qid_of(&st);
    p9_put_qid(&q->w, &qid);
    return 0;
}

static int t_flush(struct req *q)
{
    p9_get16(&q->r);                    /* every request is answered at once: none pending */
    return q->r.bad ? EINVAL : 0;
}

static int t_clunk(struct req *q)
{
    struct fid *f = fid_get(q->s, p9_get32(&q->r));
    if (q->r.bad)
        return EINVAL;
    if (!f)
        return EBADF;
    fid_free(q->s, f);
    return 0;
}

/* ---- walking ---- */

/* One step of a walk from `path` into `next`: a name, or ".." (the parent; the directory
 * itself has none and stays). */
static int walk_step(const char *path, const char *name, char *next)
{
    if (!strcmp(name, "..")) {
        const char *base;
        if (!p9fs_split(path, next, &base))
            next[0] = '\0';
        return 0;
    }
    if (!strcmp(name, "."))
        return snprintf(next, P9FS_PATH_MAX, "%s", path) < P9FS_PATH_MAX ? 0 : ENAMETOOLONG;
    if (!p9fs_name_ok(name))
        return strchr(name, '/') || !name[0] ? EINVAL : ENAMETOOLONG;
    return p9fs_join(next, path, name) ? 0 : ENAMETOOLONG;
}

static int t_walk(struct req *q)
{
    struct p9_server *s = q->s;
    uint32_t fid = p9_get32(&q->r), newfid = p9_get32(&q->r);
    uint16_t n = p9_get16(&q->r);
    char names[P9_MAXWELEM][NAME_MAX + 1];
    if (n > P9_MAXWELEM)
        return EINVAL;
    for (unsigned i = 0; i < n; i++)
        p9_get_str(&q->r, names[i], sizeof names[i]);
    if (q->r.bad)
        return EINVAL;
    struct fid *f = fid_get(s, fid);
    if (!f)
        return EBADF;
    if (newfid != fid && fid_get(s, newfid))
        return EBADF;
    char path[P9FS_PATH_MAX], next[P9FS_PATH_MAX];
    snprintf(path, sizeof path, "%s", f->path);
    struct p9_qid qids[P9_MAXWELEM];
    unsigned done = 0;
    for (; done < n; done++) {
        struct stat st;
        int rc = walk_step(path, names[done], next);
        if (!rc)
            rc = -p9fs_lstat(s->fs, next, &st);
        if (rc) {
            if (done == 0)
                return rc;
            break;                      /* a partial walk: the qids so far, no newfid */
        }
        qids[done] = qid_of(&st);
        memcpy(path, next, sizeof path);
    }
    if (done == n) {
        struct fid *g;
        int rc = newfid == fid ? fid_set_path(f, path) : fid_new(s, newfid, path, &g);
        if (rc)
            return rc;
    }
    p9_put16(&q->w, (uint16_t)done);
    for (unsigned i = 0; i < done; i++)
        p9_put_qid(&q->w, &qids[i]);
    return 0;
}

/* ---- attributes ---- */

static int t_getattr(struct req *q)
{
    struct fid *f = fid_get(q->s, p9_get32(&q->r));
    p9_get64(&q->r);                    /* request_mask: the basic set is always given */
    if (q->r.bad)
        return EINVAL;
    if (!f)
        return EBADF;
    struct stat st;
    int rc = fid_stat(q->s, f, &st);
    if (rc)
        return rc;
    struct p9_qid qid = qid_of(&st);
    struct p9_writer *w = &q->w;
    p9_put64(w, P9_GETATTR_BASIC);
    p9_put_qid(w, &qid);
    p9_put32(w, st.st_mode);
    p9_put32(w, st.st_uid);
    p9_put32(w, st.st_gid);
    p9_put64(w, st.st_nlink);
    p9_put64(w, st.st_rdev);
    p9_put64(w, (uint64_t)st.st_size);
    p9_put64(w, (uint64_t)st.st_blksize);
    p9_put64(w, (uint64_t)st.st_blocks);
    p9_put64(w, (uint64_t)st.st_atim.tv_sec);
    p9_put64(w, (uint64_t)st.st_atim.tv_nsec);
    p9_put64(w, (uint64_t)st.st_mtim.tv_sec);
    p9_put64(w, (uint64_t)st.st_mtim.tv_nsec);
    p9_put64(w, (uint64_t)st.st_ctim.tv_sec);
    p9_put64(w, (uint64_t)st.st_ctim.tv_nsec);
    for (int i = 0; i < 4; i++)
        p9_put64(w, 0);                 /* btime, gen, data_version: not kept */
    return 0;
}

/* /proc/self/fd/N: the file an O_PATH fd holds, for the calls that take no fd (chmod,
 * truncate, utimensat on a path). Only used on files that are not symbolic links, so the
 * name leads to that file and nowhere else. */
static void fd_path(int fd, char *buf, size_t len)
{
    snprintf(buf, len, "/proc/self/fd/%d", fd);
}

static int t_setattr(struct req *q)
{
    struct p9_reader *r = &q->r;
    struct fid *f = fid_get(q->s, p9_get32(r));
    uint32_t valid = p9_get32(r), mode = p9_get32(r), uid = p9_get32(r), gid = p9_get32(r);
    uint64_t size = p9_get64(r);
    struct timespec ts[2];
    for (int i = 0; i < 2; i++) {
        ts[i].tv_sec = (time_t)p9_get64(r);
        ts[i].tv_nsec = (long)p9_get64(r);
    }
    if (r->bad)
        return EINVAL;
    if (!f)
        return EBADF;
    int rc = writable(q->s);
    if (rc)
        return rc;
    int fd = p9fs_openat(q->s->fs, f->path, O_PATH, 0);
    if (fd < 0)
        return -fd;
    struct stat st;
    char path[64];
    fd_path(fd, path, sizeof path);
    if (fstat(fd, &st))
        rc = errno;
    bool link = !rc && S_ISLNK(st.st_mode);
    if (!rc && (valid & P9_ATTR_MODE))
        rc = link ? EOPNOTSUPP : chmod(path, mode & GUEST_MODE_BITS) ? errno : 0;
    if (!rc && (valid & (P9_ATTR_UID | P9_ATTR_GID)) &&
        fchownat(fd, "", (valid & P9_ATTR_UID) ? uid : (uid_t)-1,
                 (valid & P9_ATTR_GID) ? gid : (gid_t)-1, AT_EMPTY_PATH))
        rc = errno;
    if (!rc && (valid & P9_ATTR_SIZE))
        rc = link || S_ISDIR(st.st_mode) ? EINVAL
           : size > INT64_MAX ? EFBIG
           : f->fd >= 0 && f->accmode != O_RDONLY ? (ftruncate(f->fd, (off_t)size) ? errno : 0)
           : truncate(path, (off_t)size) ? errno : 0;
    if (!rc && (valid & (P9_ATTR_ATIME | P9_ATTR_MTIME))) {
        for (int i = 0; i < 2; i++) {
            uint32_t on = i ? P9_ATTR_MTIME : P9_ATTR_ATIME;
            uint32_t set = i ? P9_ATTR_MTIME_SET : P9_ATTR_ATIME_SET;
            if (!(valid & on))
                ts[i].tv_nsec = UTIME_OMIT;
            else if (!(valid & set))
                ts[i].tv_nsec = UTIME_NOW;
            else if (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000)
                rc = EINVAL;
        }
        if (!rc)
            rc = link ? 0 : utimensat(AT_FDCWD, path, ts, 0) ? errno : 0;
    }
    close(fd);
    return rc;
}

static int t_statfs(struct req *q)
{
    struct fid *f = fid_get(q->s, p9_get32(&q->r));
    if (q->r.bad)
        return EINVAL;
    if (!f)
        return EBADF;
    int fd = p9fs_openat(q->s->fs, f->path, O_PATH, 0);
    if (fd < 0)
        return -fd;
    struct statfs sf;
    int rc = fstatfs(fd, &sf) ? errno : 0;
    close(fd);
    if (rc)
        return rc;
    struct p9_writer *w = &q->w;
    p9_put32(w, (uint32_t)sf.f_type);
    p9_put32(w, (uint32_t)sf.f_bsize);
    p9_put64(w, sf.f_blocks);
    p9_put64(w, sf.f_bfree);
    p9_put64(w, sf.f_bavail);
    p9_put64(w, sf.f_files);
    p9_put64(w, sf.f_ffree);
    uint64_t fsid;
    memcpy(&fsid, &sf.f_fsid, sizeof fsid);
    p9_put64(w, fsid);
    p9_put32(w, (uint32_t)sf.f_namelen);
    return 0;
}

/* ---- opening, reading, writing ---- */

static int t_lopen(struct req *q)
{
    struct p9_server *s = q->s;
    struct fid *f = fid_get(s, p9_get32(&q->r));
    uint32_t dotl = p9_get32(&q->r);
    if (q->r.bad)
        return EINVAL;
    if (!f || f->fd >= 0)
        return EBADF;
    int flags, rc = open_flags(dotl, &flags);
    struct stat st;
    if (rc || (rc = -p9fs_lstat(s->fs, f->path, &st)))
        return rc;
    if (S_ISLNK(st.st_mode))
        return ELOOP;
    if (S_ISDIR(st.st_mode)) {
        if ((flags & O_ACCMODE) != O_RDONLY)
            return EISDIR;
        flags = O_RDONLY | O_DIRECTORY;
    }
    if (s->nopen == P9_MAX_OPEN)
        return EMFILE;
    int fd = p9fs_openat(s->fs, f->path, flags, 0);
    if (fd < 0)
        return -fd;
    f->fd = fd;
    f->accmode = flags & O_ACCMODE;
    f->dir = S_ISDIR(st.st_mode);
    s->nopen++;
    struct p9_qid qid = qid_of(&st);
    p9_put_qid(&q->w, &qid);
    p9_put32(&q->w, 0);                 /* iounit: the client's msize decides */
    return 0;
}

static int t_lcreate(struct req *q)
{
    struct p9_server *s = q->s;
    char name[NAME_MAX + 2];
    struct fid *f = fid_get(s, p9_get32(&q->r));
    p9_get_str(&q->r, name, sizeof name);
    uint32_t dotl = p9_get32(&q->r), mode = p9_get32(&q->r);
    p9_get32(&q->r);                    /* gid: the file is the host user's */
    if (q->r.bad)
        return EINVAL;
    if (!f || f->fd >= 0)
        return EBADF;
    char path[P9FS_PATH_MAX];
    int flags, dirfd, rc;
    if ((rc = writable(s)) || (rc = open_flags(dotl, &flags)))
        return rc;
    if (!p9fs_name_ok(name) || !p9fs_join(path, f->path, name))
        return EINVAL;
    if (s->nopen == P9_MAX_OPEN)
        return EMFILE;
    if ((rc = fid_dirfd(s, f, &dirfd)))
        return rc;
    flags |= O_CREAT | O_CLOEXEC | ((dotl & P9_DOTL_EXCL) ? O_EXCL : 0);
    int fd = openat(dirfd, name, flags, mode & GUEST_MODE_BITS & ~01000u);
    rc = fd < 0 ? errno : 0;
    close(dirfd);
    struct stat st;
    if (!rc && fstat(fd, &st))
        rc = errno;
    if (!rc)
        rc = fid_set_path(f, path);
    if (rc) {
        if (fd >= 0)
            close(fd);
        return rc;
    }
    f->fd = fd;
    f->accmode = flags & O_ACCMODE;
    s->nopen++;
    struct p9_qid qid = qid_of(&st);
    p9_put_qid(&q->w, &qid);
    p9_put32(&q->w, 0);
    return 0;
}

static int t_read(struct req *q)
{
    struct fid *f = fid_get(q->s, p9_get32(&q->r));
    uint64_t offset = p9_get64(&q->r);
    uint32_t count = p9_get32(&q->r);
    if (q->r.bad)
        return EINVAL;
    if (!f || f->fd < 0 || f->accmode == O_WRONLY)
        return EBADF;
    if (f->dir)
        return EISDIR;
    if (offset > INT64_MAX)
        return EINVAL;
    uint8_t *countp = p9_room(&q->w, 4);
    size_t room = q->w.max - q->w.pos;
    if (!countp)
        return EMSGSIZE;
    if (count > room)
        count = (uint32_t)room;
    ssize_t n = pread(f->fd, q->w.p + q->w.pos, count, (off_t)offset);
    if (n < 0)
        return errno;
    q->w.pos += (size_t)n;
    for (int i = 0; i < 4; i++)
        countp[i] = (uint8_t)((uint32_t)n >> (8 * i));
    return 0;
}

static int t_write(struct req *q)
{
    struct fid *f = fid_get(q->s, p9_get32(&q->r));
    uint64_t offset = p9_get64(&q->r);
    uint32_t count = p9_get32(&q->r);
    const uint8_t *data = p9_take(&q->r, count);
    if (q->r.bad)
        return EINVAL;
    if (!f || f->fd < 0 || f->accmode == O_RDONLY)
        return EBADF;
    if (offset > INT64_MAX)
        return EINVAL;
    ssize_t n = pwrite(f->fd, data, count, (off_t)offset);
    if (n < 0)
        return errno;
    p9_put32(&q->w, (uint32_t)n);
    return 0;
}

static int t_fsync(struct req *q)
{
    struct fid *f = fid_get(q->s, p9_get32(&q->r));
    if (q->r.bad)
        return EINVAL;
    if (!f)
        return EBADF;
    return f->fd >= 0 && !f->dir && fsync(f->fd) ? errno : 0;
}

/* Every name of the open directory `f`, read once (at offset 0) into f->ents. */
static int list_dir(struct fid *f)
{
    fid_drop_listing(f);
    if (lseek(f->fd, 0, SEEK_SET) < 0)
        return errno;
    char buf[8192];
    unsigned cap = 0;
    for (;;) {
        ssize_t n = getdents64(f->fd, buf, sizeof buf);
        if (n < 0)
            return errno;
        if (n == 0)
            return 0;
        for (ssize_t at = 0; at < n;) {
            struct dirent64 *d = (struct dirent64 *)(buf + at);
            at += d->d_reclen;
            if (f->nents == P9_MAX_DIRENTS)
                return 0;               /* a listing holds this many names at most */
            if (f->nents == cap) {
                unsigned c = cap ? 2 * cap : 64;
                struct dent *e = realloc(f->ents, c * sizeof *e);
                if (!e)
                    return ENOMEM;
                f->ents = e;
                cap = c;
            }
            struct dent *e = &f->ents[f->nents];
            if (!(e->name = strdup(d->d_name)))
                return ENOMEM;
            e->ino = d->d_ino;
            e->type = d->d_type;
            f->nents++;
        }
    }
}

static int t_readdir(struct req *q)
{
    struct fid *f = fid_get(q->s, p9_get32(&q->r));
    uint64_t offset = p9_get64(&q->r);
    uint32_t count = p9_get32(&q->r);
    if (q->r.bad)
        return EINVAL;
    if (!f || f->fd < 0 || !f->dir)
        return EBADF;
    int rc;
    if ((offset == 0 || !f->ents) && (rc = list_dir(f)))
        return rc;
    uint8_t *countp = p9_room(&q->w, 4);
    if (!countp)
        return EMSGSIZE;
    size_t start = q->w.pos, limit = q->w.max - start < count ? q->w.max : start + count;
    for (uint64_t i = offset; i < f->nents; i++) {
        const struct dent *e = &f->ents[i];
        size_t len = strlen(e->name);
        if (q->w.pos + P9_QID_BYTES + 8 + 1 + 2 + len > limit)
            break;
        struct p9_qid qid = { .type = e->type == DT_DIR ? P9_QTDIR
                                    : e->type == DT_LNK ? P9_QTSYMLINK : P9_QTFILE,
                              .path = e->ino };
        p9_put_qid(&q->w, &qid);
        p9_put64(&q->w, i + 1);         /* where the next entry is */
        p9_put8(&q->w, e->type);
        p9_put_str(&q->w, e->name);
    }
    uint32_t n = (uint32_t)(q->w.pos - start);
    for (int i = 0; i < 4; i++)
        countp[i] = (uint8_t)(n >> (8 * i));
    return 0;
}

/* ---- making and removing ---- */

/* Decode "dirfid name" and open the directory: the common start of mkdir, symlink,
 * mknod, unlinkat. */
static int dir_and_name(struct req *q, struct fid *f, const char *name, int *dirfd)
{
    if (!f)
        return EBADF;
    int rc = writable(q->s);
    if (rc)
        return rc;
    if (!p9fs_name_ok(name))
        return EINVAL;
    return fid_dirfd(q->s, f, dirfd);
}

/* Reply with the qid of `name` in dirfd (a file just made), and close dirfd. */
static int made(struct req *q, int dirfd, const char *name, int rc)
{
    struct p9_qid qid = { 0 };
    if (!rc)
        rc = qid_at(dirfd, name, &qid);
    close(dirfd);
    if (!rc)
        p9_put_qid(&q->w, &qid);
    return rc;
}

static int t_mkdir(struct req *q)
{
    char name[NAME_MAX + 2];
    struct fid *f = fid_get(q->s, p9_get32(&q->r));
    p9_get_str(&q->r, name, sizeof name);
    uint32_t mode = p9_get32(&q->r);
    p9_get32(&q->r);                    /* gid */
    int dirfd, rc;
    if (q->r.bad)
        return EINVAL;
    if ((rc = dir_and_name(q, f, name, &dirfd)))
        return rc;
    return made(q, dirfd, name, mkdirat(dirfd, name, mode & GUEST_MODE_BITS) ? errno : 0);
}

static int t_symlink(struct req *q)
{
    char name[NAME_MAX + 2], target[PATH_MAX];
    struct fid *f = fid_get(q->s, p9_get32(&q->r));
    p9_get_str(&q->r, name, sizeof name);
    p9_get_str(&q->r, target, sizeof target);
    p9_get32(&q->r);                    /* gid */
    int dirfd, rc;
    if (q->r.bad)
        return EINVAL;
    if ((rc = dir_and_name(q, f, name, &dirfd)))
        return rc;
    /* Any target, absolute or with "..": the server never follows it. */
    return made(q, dirfd, name, symlinkat(target, dirfd, name) ? errno : 0);
}

static int t_mknod(struct req *q)
{
    char name[NAME_MAX + 2];
    struct fid *f = fid_get(q->s, p9_get32(&q->r));
    p9_get_str(&q->r, name, sizeof name);
    uint32_t mode = p9_get32(&q->r);
    p9_get32(&q->r);                    /* major */
    p9_get32(&q->r);                    /* minor */
    p9_get32(&q->r);                    /* gid */
    int dirfd, rc;
    if (q->r.bad)
        return EINVAL;
    uint32_t type = mode & S_IFMT;
    if (type != S_IFREG && type != S_IFIFO && type != S_IFSOCK)
        return EPERM;                   /* no device nodes on the host */
    if ((rc = dir_and_name(q, f, name, &dirfd)))
        return rc;
    return made(q, dirfd, name,
                mknodat(dirfd, name, type | (mode & GUEST_MODE_BITS), 0) ? errno : 0);
}

static int t_link(struct req *q)
{
    char name[NAME_MAX + 2];
    struct fid *dir = fid_get(q->s, p9_get32(&q->r));
    struct fid *f = fid_get(q->s, p9_get32(&q->r));
    p9_get_str(&q->r, name, sizeof name);
    int dirfd, srcfd, rc;
    const char *base;
    if (q->r.bad)
        return EINVAL;
    if (!f)
        return EBADF;
    if ((rc = dir_and_name(q, dir, name, &dirfd)))
        return rc;
    if ((rc = fid_parent(q->s, f, &srcfd, &base))) {
        close(dirfd);
        return rc == EBUSY ? EPERM : rc;
    }
    rc = linkat(srcfd, base, dirfd, name, 0) ? errno : 0;
    close(srcfd);
    close(dirfd);
    return rc;
}

/* rename(2) of `oldname` in the directory of fid `od` to `newname` in that of `nd`, and
 * the fids that named it follow. */
static int rename_in(struct req *q, struct fid *od, const char *oldname, struct fid *nd,
                     const char *newname)
{
    char from[P9FS_PATH_MAX], to[P9FS_PATH_MAX];
    int ofd, nfd, rc;
    if (!od || !nd)
        return EBADF;
    if ((rc = writable(q->s)))
        return rc;
    if (!p9fs_name_ok(oldname) || !p9fs_name_ok(newname) || !p9fs_join(from, od->path, oldname) ||
        !p9fs_join(to, nd->path, newname))
        return EINVAL;
    if ((rc = fid_dirfd(q->s, od, &ofd)))
        return rc;
    if ((rc = fid_dirfd(q->s, nd, &nfd))) {
        close(ofd);
        return rc;
    }
    rc = renameat(ofd, oldname, nfd, newname) ? errno : 0;
    close(ofd);
    close(nfd);
    if (!rc)
        fids_renamed(q->s, from, to);
    return rc;
}

static int t_renameat(struct req *q)
{
    char oldname[NAME_MAX + 2], newname[NAME_MAX + 2];
    struct fid *od = fid_get(q->s, p9_get32(&q->r));
    p9_get_str(&q->r, oldname, sizeof oldname);
    struct fid *nd = fid_get(q->s, p9_get32(&q->r));
    p9_get_str(&q->r, newname, sizeof newname);
    if (q->r.bad)
        return EINVAL;
    return rename_in(q, od, oldname, nd, newname);
}

/* Trename: the fid's own file to `name` in dfid. */
static int t_rename(struct req *q)
{
    char name[NAME_MAX + 2], parent[P9FS_PATH_MAX];
    struct fid *f = fid_get(q->s, p9_get32(&q->r));
    struct fid *nd = fid_get(q->s, p9_get32(&q->r));
    p9_get_str(&q->r, name, sizeof name);
    const char *base;
    if (q->r.bad)
        return EINVAL;
    if (!f)
        return EBADF;
    if (!p9fs_split(f->path, parent, &base))
        return EBUSY;
    struct fid od = { .path = parent, .fd = -1 };
    char oldname[NAME_MAX + 1];
    snprintf(oldname, sizeof oldname, "%s", base);
    return rename_in(q, &od, oldname, nd, name);
}

static int t_unlinkat(struct req *q)
{
    char name[NAME_MAX + 2];
    struct fid *f = fid_get(q->s, p9_get32(&q->r));
    p9_get_str(&q->r, name, sizeof name);
    uint32_t flags = p9_get32(&q->r);
    int dirfd, rc;
    if (q->r.bad)
        return EINVAL;
    if ((rc = dir_and_name(q, f, name, &dirfd)))
        return rc;
    rc = unlinkat(dirfd, name, (flags & P9_AT_REMOVEDIR) ? AT_REMOVEDIR : 0) ? errno : 0;
    close(dirfd);
    return rc;
}

/* Tremove: remove the fid's file and clunk the fid, whatever happens (as 9P says). */
static int t_remove(struct req *q)
{
    struct fid *f = fid_get(q->s, p9_get32(&q->r));
    if (q->r.bad)
        return EINVAL;
    if (!f)
        return EBADF;
    int dirfd, rc = writable(q->s);
    const char *base;
    struct stat st;
    if (!rc && !(rc = fid_parent(q->s, f, &dirfd, &base))) {
        if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW))
            rc = errno;
        else if (unlinkat(dirfd, base, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0))
            rc = errno;
        close(dirfd);
    }
    fid_free(q->s, f);
    return rc;
}

static int t_readlink(struct req *q)
{
    struct fid *f = fid_get(q->s, p9_get32(&q->r));
    if (q->r.bad)
        return EINVAL;
    if (!f)
        return EBADF;
    int fd = p9fs_openat(q->s->fs, f->path, O_PATH, 0);
    if (fd < 0)
        return -fd;
    char target[PATH_MAX];
    ssize_t n = readlinkat(fd, "", target, sizeof target - 1);
    int rc = n < 0 ? (errno == ENOENT ? EINVAL : errno) : 0;
    close(fd);
    if (rc)
        return rc;
    target[n] = '\0';
    p9_put_str(&q->w, target);
    return 0;
}

/* ---- locks and extended attributes: none on the host ---- */

static int t_lock(struct req *q)
{
    char client[256];
    struct fid *f = fid_get(q->s, p9_get32(&q->r));
    p9_get8(&q->r);                     /* type */
    p9_get32(&q->r);                    /* flags */
    p9_get64(&q->r);                    /* start */
    p9_get64(&q->r);                    /* length */
    p9_get32(&q->r);                    /* proc_id */
    p9_get_str(&q->r, client, sizeof client);
    if (q->r.bad)
        return EINVAL;
    if (!f)
        return EBADF;
    p9_put8(&q->w, P9_LOCK_SUCCESS);    /* one guest: its own locks are all there are */
    return 0;
}

static int t_getlock(struct req *q)
{
    char client[256];
    struct fid *f = fid_get(q->s, p9_get32(&q->r));
    p9_get8(&q->r);                     /* type */
    uint64_t start = p9_get64(&q->r), length = p9_get64(&q->r);
    uint32_t proc = p9_get32(&q->r);
    p9_get_str(&q->r, client, sizeof client);
    if (q->r.bad)
        return EINVAL;
    if (!f)
        return EBADF;
    p9_put8(&q->w, P9_LOCK_UNLCK);      /* nobody else holds it */
    p9_put64(&q->w, start);
    p9_put64(&q->w, length);
    p9_put32(&q->w, proc);
    p9_put_str(&q->w, client);
    return 0;
}

static int t_unsupported(struct req *q)
{
    (void)q;
    return EOPNOTSUPP;
}

/* ---- dispatch ---- */

static int (*const handlers[256])(struct req *q) = {
    [P9_TSTATFS] = t_statfs, [P9_TLOPEN] = t_lopen, [P9_TLCREATE] = t_lcreate,
    [P9_TSYMLINK] = t_symlink, [P9_TMKNOD] = t_mknod, [P9_TRENAME] = t_rename,
    [P9_TREADLINK] = t_readlink, [P9_TGETATTR] = t_getattr, [P9_TSETATTR] = t_setattr,
    [P9_TXATTRWALK] = t_unsupported, [P9_TXATTRCREATE] = t_unsupported,
    [P9_TREADDIR] = t_readdir, [P9_TFSYNC] = t_fsync, [P9_TLOCK] = t_lock,
    [P9_TGETLOCK] = t_getlock, [P9_TLINK] = t_link, [P9_TMKDIR] = t_mkdir,
    [P9_TRENAMEAT] = t_renameat, [P9_TUNLINKAT] = t_unlinkat, [P9_TVERSION] = t_version,
    [P9_TAUTH] = t_unsupported, [P9_TATTACH] = t_attach, [P9_TFLUSH] = t_flush,
    [P9_TWALK] = t_walk, [P9_TREAD] = t_read, [P9_TWRITE] = t_write,
    [P9_TCLUNK] = t_clunk, [P9_TREMOVE] = t_remove,
};

/* The header of a reply of `type` and `size` bytes. */
static void put_header(uint8_t *p, uint32_t size, uint8_t type, uint16_t tag)
{
    struct p9_writer w = { .p = p, .max = P9_HEADER };
    p9_put32(&w, size);
    p9_put8(&w, type);
    p9_put16(&w, tag);
}

size_t p9_server_request(struct p9_server *s, const uint8_t *req, size_t len, uint8_t *reply,
                         size_t max)
{
    if (max > s->msize)
        max = s->msize;                 /* the client's buffer is no larger */
    if (max < P9_HEADER + 4)
        return 0;                       /* not even room for an error */
    struct req q = { .s = s, .r = { .p = req, .len = len } };
    uint32_t size = p9_get32(&q.r);
    uint8_t type = p9_get8(&q.r);
    uint16_t tag = p9_get16(&q.r);
    int rc;
    if (q.r.bad) {
        tag = P9_NOTAG;                 /* too short to say which request it was */
        rc = EINVAL;
    } else if (size < P9_HEADER || size > len || (type & 1) || !handlers[type]) {
        rc = size < P9_HEADER || size > len ? EINVAL : EOPNOTSUPP;
    } else {
        q.r.len = size;                 /* what follows the message is not its */
        q.w = (struct p9_writer){ .p = reply, .max = max, .pos = P9_HEADER };
        rc = handlers[type](&q);
        if (!rc && q.w.bad)
            rc = EMSGSIZE;              /* msize too small for the reply */
    }
    if (rc) {
        q.w = (struct p9_writer){ .p = reply, .max = max, .pos = P9_HEADER };
        p9_put32(&q.w, (uint32_t)rc);
        type = P9_TLERROR;
    }
    put_header(reply, (uint32_t)q.w.pos, (uint8_t)(type + 1), tag);
    return q.w.pos;
}

void p9_server_reset(struct p9_server *s)
{
    clunk_all(s);
    s->msize = P9_MAX_MSIZE;
}

static size_t backend_request(void *opaque, const uint8_t *req, size_t len, uint8_t *reply,
                              size_t max)
{
    return p9_server_request(opaque, req, len, reply, max);
}

static void backend_reset(void *opaque)
{
    p9_server_reset(opaque);
}

struct p9_server *p9_server_create(const char *dir, bool readonly, char *err, size_t errlen)
{
    struct p9_server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (!(s->fs = p9fs_open(dir, readonly, err, errlen))) {
        free(s);
        return NULL;
    }
    s->msize = P9_MAX_MSIZE;
    s->backend = (struct p9dev){ .opaque = s, .request = backend_request,
                                 .reset = backend_reset };
    return s;
}

void p9_server_destroy(struct p9_server *s)
{
    if (!s)
        return;
    clunk_all(s);
    p9fs_close(s->fs);
    free(s);
}

const struct p9dev *p9_server_backend(struct p9_server *s)
{
    return &s->backend;
}

unsigned p9_server_fids(const struct p9_server *s)
{
    return s->nfids;
}

unsigned p9_server_open_files(const struct p9_server *s)
{
    return s->nopen;
}
