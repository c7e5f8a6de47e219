/* The snapshot file's container (host/snapshot_format.h): header, records, index. */
#define _FILE_OFFSET_BITS 64

#include "host/snapshot_format.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/checksum.h"

#define REC_MAGIC 0x52535652u           /* "RVSR" */
#define REC_HEADER 24
#define COMPACT_MIN (1u << 20)

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
    return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* pread/pwrite of exactly len bytes; -1 with errno (0 for a short read: EOF). */
static int read_at(int fd, void *buf, size_t len, uint64_t off)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = pread(fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = 0;
            return -1;
        }
        p += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

static int write_at(int fd, const void *buf, size_t len, uint64_t off)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = pwrite(fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

static int io_fail(const struct snapfile *f, const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: %s: %s", f->path, what, errno ? strerror(errno) : "end of file");
    return -1;
}

void snapfile_close(struct snapfile *f)
{
    if (f->fd >= 0)
        close(f->fd);
    free(f->path);
    free(f->fingerprint);
    free(f->snaps);
    memset(f, 0, sizeof *f);
    f->fd = -1;
}

/* ---- the header ---- */

static uint8_t *make_header(const char *version, const char *fingerprint, size_t *len)
{
    size_t vl = strlen(version), fl = strlen(fingerprint);
    size_t n = 16 + 2 + vl + 4 + fl + 4;
    uint8_t *h = malloc(n);
    if (!h)
        return NULL;
    memcpy(h, SNAPFILE_MAGIC, 8);
    put32(h + 8, SNAPFILE_FORMAT);
    put32(h + 12, (uint32_t)(n - 16));
    h[16] = (uint8_t)vl;
    h[17] = (uint8_t)(vl >> 8);
    memcpy(h + 18, version, vl);
    put32(h + 18 + vl, (uint32_t)fl);
    memcpy(h + 22 + vl, fingerprint, fl);
    put32(h + n - 4, crc32c(0, h, n - 4));
    *len = n;
    return h;
}

static int read_header(struct snapfile *f, char *err, size_t errlen)
{
    uint8_t fixed[16] = { 0 };
    size_t have = f->size < 16 ? (size_t)f->size : 16;
    if (read_at(f->fd, fixed, have, 0))
        return io_fail(f, "reading the header", err, errlen);
    if (have < 8 || memcmp(fixed, SNAPFILE_MAGIC, 8)) {
        snprintf(err, errlen, "%s: not an rvbox snapshot file", f->path);
        return -1;
    }
    if (have < 16) {
        snprintf(err, errlen, "%s: cut short in its header", f->path);
        return -1;
    }
    uint32_t format = get32(fixed + 8), hlen = get32(fixed + 12);
    if (format != SNAPFILE_FORMAT) {
        snprintf(err, errlen, "%s: snapshot file format %u; this rvbox reads format %u",
                 f->path, format, SNAPFILE_FORMAT);
        return -1;
    }
    if (hlen < 10 || hlen > (1u << 20) || 16 + (uint64_t)hlen > f->size) {
        snprintf(err, errlen, "%s: cut short in its header", f->path);
        return -1;
    }
    uint8_t *h = malloc(16 + hlen);
    if (!h || read_at(f->fd, h, 16 + hlen, 0)) {
        free(h);
        return io_fail(f, "reading the header", err, errlen);
    }
    size_t vl = h[16] | (size_t)h[17] << 8;
    size_t fl = 18 + vl + 4 <= 16 + hlen ? get32(h + 18 + vl) : SIZE_MAX;
    if (fl == SIZE_MAX || 18 + vl + 4 + fl + 4 != 16 + (size_t)hlen ||
        get32(h + 16 + hlen - 4) != crc32c(0, h, 16 + hlen - 4)) {
        free(h);
        snprintf(err, errlen, "%s: its header is damaged (checksum)", f->path);
        return -1;
    }
    snprintf(f->version, sizeof f->version, "%.*s", (int)vl, (const char *)h + 18);
    f->fingerprint = malloc(fl + 1);
    if (!f->fingerprint) {
        free(h);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(f->fingerprint, h + 22 + vl, fl);
    f->fingerprint[fl] = '\0';
    free(h);
    f->data_start = 16 + hlen;
    if (strcmp(f->version, RVBOX_VERSION)) {
        snprintf(err, errlen, "%s: made by rvbox %s; this is rvbox %s", f->path, f->version,
                 RVBOX_VERSION);
        return -1;
    }
    return 0;
}

/* ---- the index ---- */

static void drop_snapshot(struct snapfile *f, const char *name)
{
    for (size_t i = 0; i < f->nsnaps; i++) {
        if (!strcmp(f->snaps[i].name, name)) {
            f->garbage += f->snaps[i].len + REC_HEADER;
            memmove(&f->snaps[i], &f->snaps[i + 1], (f->nsnaps - i - 1) * sizeof *f->snaps);
            f->nsnaps--;
            return;
        }
    }
}

/* A record's name: its payload starts with u16 length + the name. */
static int parse_name(const uint8_t *p, size_t avail, char name[SNAPFILE_NAME_MAX + 1])
{
    if (avail < 2)
        return -1;
    size_t n = p[0] | (size_t)p[1] << 8;
    if (n == 0 || n > SNAPFILE_NAME_MAX || n + 2 > avail)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (p[2 + i] < 0x20 || p[2 + i] > 0x7e)
            return -1;                  /* savevm takes printable names only */
    memcpy(name, p + 2, n);
    name[n] = '\0';
    return 0;
}

/* Take the record at `off` (its header already read) into the index. */
static int index_record(struct snapfile *f, uint32_t type, uint64_t off, uint64_t len,
                        uint32_t crc, const uint8_t *head, size_t got, char *err,
                        size_t errlen)
{
    struct snapfile_rec r = { .off = off, .len = len, .crc = crc };
    switch (type) {
    case REC_SNAPSHOT:
    case REC_DELETE:
        if (parse_name(head, got, r.name)) {
            snprintf(err, errlen, "%s: a record at byte %llu has no valid name", f->path,
                     (unsigned long long)(off - REC_HEADER));
            return -1;
        }
        drop_snapshot(f, r.name);
        if (type == REC_DELETE) {
            f->garbage += len + REC_HEADER;
            return 0;
        }
        struct snapfile_rec *n = realloc(f->snaps, (f->nsnaps + 1) * sizeof *n);
        if (!n) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        f->snaps = n;
        f->snaps[f->nsnaps++] = r;
        return 0;
    case REC_DISKS:
        if (f->has_disks)
            f->garbage += f->disks.len + REC_HEADER;
        f->disks = r;
        f->has_disks = true;
        return 0;
    default:
        snprintf(err, errlen, "%s: a record of unknown type %u at byte %llu", f->path, type,
                 (unsigned long long)(off - REC_HEADER));
        return -1;
    }
}

/* Walk every record header: each must be whole and check out. */
static int scan(struct snapfile *f, char *err, size_t errlen)
{
    uint64_t off = f->data_start;
    while (off < f->size) {
        uint8_t h[REC_HEADER + 2 + SNAPFILE_NAME_MAX];
        if (f->size - off < REC_HEADER) {
            snprintf(err, errlen, "%s: cut short at byte %llu (an unfinished save?)", f->path,
                     (unsigned long long)off);
            return -1;
        }
        size_t want = sizeof h;
        if (want > f->size - off)
            want = (size_t)(f->size - off);
        if (read_at(f->fd, h, want, off))
            return io_fail(f, "reading", err, errlen);
        if (get32(h) != REC_MAGIC || get32(h + 20) != crc32c(0, h, 20)) {
            snprintf(err, errlen, "%s: damaged at byte %llu (a record header's checksum)",
                     f->path, (unsigned long long)off);
            return -1;
        }
        uint32_t type = get32(h + 4), crc = get32(h + 16);
        uint64_t len = get64(h + 8);
        if (len > f->size - off - REC_HEADER) {
            snprintf(err, errlen, "%s: cut short: a record at byte %llu ends past the end of "
                     "the file (an unfinished save?)", f->path, (unsigned long long)off);
            return -1;
        }
        if (index_record(f, type, off + REC_HEADER, len, crc, h + REC_HEADER,
                         want - REC_HEADER, err, errlen))
            return -1;
        off += REC_HEADER + len;
    }
    return 0;
}

/*
 * Open `path` and lock it (shared to read, exclusive to write) for the whole use, so
 * that two rvbox processes sharing a file (two built-in guests in one directory) take
 * turns rather than append over each other. A compaction renames a new file over the
 * path: whoever waited on the old one's lock finds it replaced, and opens again.
 * 1 open, 0 no file, -1 with a reason.
 */
static int open_locked(struct snapfile *f, const char *path, bool write, char *err,
                       size_t errlen)
{
    for (int tries = 0; tries < 100; tries++) {
        f->fd = open(path, (write ? O_RDWR : O_RDONLY) | O_CLOEXEC);
        if (f->fd < 0) {
            if (errno == ENOENT)
                return 0;
            return io_fail(f, "cannot open", err, errlen);
        }
        struct stat st, now;
        while (flock(f->fd, write ? LOCK_EX : LOCK_SH) != 0) {
            if (errno != EINTR)
                return io_fail(f, "cannot lock", err, errlen);
        }
        if (fstat(f->fd, &st) || !S_ISREG(st.st_mode)) {
            snprintf(err, errlen, "%s: not a regular file", path);
            return -1;
        }
        if (stat(path, &now) == 0 && now.st_ino == st.st_ino && now.st_dev == st.st_dev) {
            f->size = (uint64_t)st.st_size;
            return 1;
        }
        close(f->fd);                   /* replaced (compacted) or removed meanwhile */
        f->fd = -1;
    }
    snprintf(err, errlen, "%s: keeps being replaced while opening it", path);
    return -1;
}

int snapfile_open(struct snapfile *f, const char *path, bool write, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    f->fd = -1;
    if (!(f->path = strdup(path))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = open_locked(f, path, write, err, errlen);
    if (rc <= 0)
        return rc;
    if (read_header(f, err, errlen) || scan(f, err, errlen))
        return -1;
    return 1;
}

/* A new file with its header, made under a temporary name and linked into place, so
 * that nobody ever opens it half made; 1 made, 0 someone else made it first, -1. */
static int make_file(const char *path, const char *fingerprint, char *err, size_t errlen)
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 8);
    size_t len;
    uint8_t *h = make_header(RVBOX_VERSION, fingerprint, &len);
    if (!tmp || !h) {
        free(tmp);
        free(h);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(tmp, plen + 8, "%s.XXXXXX", path);
    int fd = mkstemp(tmp), rc = -1;
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
    } else if (fchmod(fd, 0644) || write_at(fd, h, len, 0) || fsync(fd)) {
        snprintf(err, errlen, "%s: writing the header: %s", tmp, strerror(errno));
    } else if (link(tmp, path) == 0) {
        rc = 1;
    } else if (errno == EEXIST) {
        rc = 0;
    } else {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
    }
    if (fd >= 0) {
        close(fd);
        unlink(tmp);
    }
    free(tmp);
    free(h);
    return rc;
}

int snapfile_open_create(struct snapfile *f, const char *path, const char *fingerprint,
                         char *err, size_t errlen)
{
    for (int tries = 0; tries < 100; tries++) {
        int rc = snapfile_open(f, path, true, err, errlen);
        if (rc != 0)
            return rc > 0 ? 0 : -1;
        snapfile_close(f);
        if (make_file(path, fingerprint, err, errlen) < 0)
            return -1;
    }
    snprintf(err, errlen, "%s: keeps disappearing while creating it", path);
    return -1;
}

int snapfile_create(struct snapfile *f, const char *path, const char *fingerprint, char *err,
                    size_t errlen)
{
    snapfile_close(f);
    if (!(f->path = strdup(path)) || !(f->fingerprint = strdup(fingerprint))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    f->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (f->fd < 0)
        return io_fail(f, "cannot create", err, errlen);
    size_t len;
    uint8_t *h = make_header(RVBOX_VERSION, fingerprint, &len);
    if (!h || write_at(f->fd, h, len, 0)) {
        free(h);
        return io_fail(f, "writing the header", err, errlen);
    }
    free(h);
    snprintf(f->version, sizeof f->version, "%s", RVBOX_VERSION);
    f->size = f->data_start = len;
    return 0;
}

int snapfile_append(struct snapfile *f, uint32_t type, const void *payload, size_t len,
                    char *err, size_t errlen)
{
    uint8_t h[REC_HEADER];
    put32(h, REC_MAGIC);
    put32(h + 4, type);
    put64(h + 8, len);
    uint32_t crc = crc32c(0, payload, len);
    put32(h + 16, crc);
    put32(h + 20, crc32c(0, h, 20));
    uint64_t off = f->size;
    if (write_at(f->fd, h, REC_HEADER, off) || write_at(f->fd, payload, len, off + REC_HEADER)) {
        int e = errno;
        if (ftruncate(f->fd, (off_t)off) != 0)
            e = errno;      /* the file is cut short now: the next open says so */
        errno = e;
        return io_fail(f, "writing", err, errlen);
    }
    f->size = off + REC_HEADER + len;
    size_t got = len < 2 + SNAPFILE_NAME_MAX ? len : 2 + SNAPFILE_NAME_MAX;
    return index_record(f, type, off + REC_HEADER, len, crc, payload, got, err, errlen);
}

int snapfile_sync(struct snapfile *f, char *err, size_t errlen)
{
    if (fsync(f->fd) != 0)
        return io_fail(f, "flushing", err, errlen);
    return 0;
}

int snapfile_read(struct snapfile *f, const struct snapfile_rec *r, uint8_t **out, char *err,
                  size_t errlen)
{
    uint8_t *p = malloc(r->len ? r->len : 1);
    if (!p) {
        snprintf(err, errlen, "out of memory (%llu bytes)", (unsigned long long)r->len);
        return -1;
    }
    if (read_at(f->fd, p, r->len, r->off)) {
        free(p);
        return io_fail(f, "reading", err, errlen);
    }
    if (crc32c(0, p, r->len) != r->crc) {
        free(p);
        snprintf(err, errlen, "%s: damaged: the record at byte %llu fails its checksum",
                 f->path, (unsigned long long)r->off);
        return -1;
    }
    *out = p;
    return 0;
}

int snapfile_peek(struct snapfile *f, const struct snapfile_rec *r, void *buf, size_t len,
                  size_t *got)
{
    *got = len < r->len ? len : (size_t)r->len;
    return read_at(f->fd, buf, *got, r->off);
}

const struct snapfile_rec *snapfile_find(const struct snapfile *f, const char *name)
{
    for (size_t i = 0; i < f->nsnaps; i++)
        if (!strcmp(f->snaps[i].name, name))
            return &f->snaps[i];
    return NULL;
}

/* Copy the record at r (its payload checked) from f to the new file, at *off. */
static int copy_record(struct snapfile *f, int fd, uint32_t type, const struct snapfile_rec *r,
                       uint64_t *off, char *err, size_t errlen)
{
    uint8_t *p;
    if (snapfile_read(f, r, &p, err, errlen))
        return -1;
    uint8_t h[REC_HEADER];
    put32(h, REC_MAGIC);
    put32(h + 4, type);
    put64(h + 8, r->len);
    put32(h + 16, r->crc);
    put32(h + 20, crc32c(0, h, 20));
    int rc = write_at(fd, h, REC_HEADER, *off) || write_at(fd, p, r->len, *off + REC_HEADER);
    free(p);
    if (rc)
        return io_fail(f, "compacting", err, errlen);
    *off += REC_HEADER + r->len;
    return 0;
}

int snapfile_maybe_compact(struct snapfile *f, char *err, size_t errlen)
{
    if (f->garbage < COMPACT_MIN || f->garbage * 2 < f->size)
        return 0;
    size_t plen = strlen(f->path);
    char *tmp = malloc(plen + 8);
    if (!tmp) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(tmp, plen + 8, "%s.new", f->path);
    unlink(tmp);                        /* left by a compaction that was cut short */
    struct snapfile n = { .fd = -1 };
    int rc = -1;
    if (snapfile_create(&n, tmp, f->fingerprint, err, errlen))
        goto out;
    uint64_t off = n.size;
    for (size_t i = 0; i < f->nsnaps; i++)
        if (copy_record(f, n.fd, REC_SNAPSHOT, &f->snaps[i], &off, err, errlen))
            goto out;
    if (f->has_disks && copy_record(f, n.fd, REC_DISKS, &f->disks, &off, err, errlen))
        goto out;
    if (fsync(n.fd) != 0 || rename(tmp, f->path) != 0) {
        io_fail(f, "compacting", err, errlen);
        goto out;
    }
    /* The new file is this one now: index it afresh. */
    close(f->fd);
    f->fd = n.fd;
    n.fd = -1;
    free(f->snaps);
    f->snaps = NULL;
    f->nsnaps = 0;
    f->has_disks = false;
    f->garbage = 0;
    f->size = off;
    f->data_start = n.data_start;
    rc = scan(f, err, errlen);
out:
    if (n.fd >= 0)
        unlink(tmp);
    snapfile_close(&n);
    free(tmp);
    return rc;
}
