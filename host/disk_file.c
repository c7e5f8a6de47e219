/*
 * A raw disk image (a regular file or a block device) as a block backend.
 *
 * The file is opened O_NONBLOCK so that a FIFO given by mistake cannot hang the open;
 * the flag is cleared once fstat said the file is a disk. The size of a block device
 * comes from lseek(SEEK_END) (st_size is 0 for them). Reads and writes loop over short
 * counts and EINTR; an error at run time is reported once per kind on stderr and turns
 * into an I/O error status for the guest.
 */
#define _FILE_OFFSET_BITS 64

#include "host/disk_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DISK_SECTOR 512

struct disk_file {
    int fd;
    char *path;
    struct blockdev backend;
    bool warned_read, warned_write, warned_flush;   /* one stderr line per kind */
};

/* Report a failed transfer (or, with offset UINT64_MAX, a failed flush) once per kind:
 * a dying disk must not flood the console. errno says why. */
static void disk_warn(struct disk_file *d, bool *warned, const char *what, uint64_t offset)
{
    if (*warned)
        return;
    *warned = true;
    if (offset == UINT64_MAX)
        fprintf(stderr, "rvbox: disk %s: %s failed: %s\n", d->path, what, strerror(errno));
    else
        fprintf(stderr, "rvbox: disk %s: %s at byte %llu failed: %s\n", d->path, what,
                (unsigned long long)offset, strerror(errno));
}

/* Is [offset, offset + len) inside the disk? If not, say so (once per kind): the
 * device checks ranges first, so this is a backstop that should never speak. */
static bool in_range(struct disk_file *d, bool *warned, const char *what, uint64_t offset,
                     size_t len)
{
    if (offset <= d->backend.size && len <= d->backend.size - offset)
        return true;
    if (!*warned)
        fprintf(stderr, "rvbox: disk %s: %s of %zu bytes at byte %llu is past its end "
                "(%llu bytes)\n", d->path, what, len, (unsigned long long)offset,
                (unsigned long long)d->backend.size);
    *warned = true;
    return false;
}

static int disk_read(void *opaque, uint64_t offset, void *buf, size_t len)
{
    struct disk_file *d = opaque;
    if (!in_range(d, &d->warned_read, "read", offset, len))
        return -1;
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = pread(d->fd, p, len, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;    /* the file shrank under us */
            disk_warn(d, &d->warned_read, "read", offset);
            return -1;
        }
        p += n;
        offset += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

static int disk_write(void *opaque, uint64_t offset, const void *buf, size_t len)
{
    struct disk_file *d = opaque;
    if (d->backend.readonly)
        return -1;              /* the device refuses before asking; this is a backstop */
    if (!in_range(d, &d->warned_write, "write", offset, len))
        return -1;
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = pwrite(d->fd, p, len, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            disk_warn(d, &d->warned_write, "write", offset);
            return -1;
        }
        p += n;
        offset += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

static int disk_flush(void *opaque)
{
    struct disk_file *d = opaque;
    if (d->backend.readonly)
        return 0;               /* nothing of ours to make durable */
    while (fsync(d->fd) != 0) {
        if (errno == EINTR)
            continue;
        disk_warn(d, &d->warned_flush, "flush", UINT64_MAX);
        return -1;
    }
    return 0;
}

/* The size of an open disk: st_size for a file, the end offset for a block device. */
static bool disk_size(int fd, const struct stat *st, uint64_t *size)
{
    if (S_ISREG(st->st_mode)) {
        *size = (uint64_t)st->st_size;
        return true;
    }
    off_t end = lseek(fd, 0, SEEK_END);
    if (end < 0)
        return false;
    *size = (uint64_t)end;
    return true;
}

/* Could `path` be opened read-only? To tell "read-only file" from "no access at all". */
static bool readable(const char *path)
{
    int saved = errno;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0)
        close(fd);
    errno = saved;
    return fd >= 0;
}

struct disk_file *disk_file_open(const char *path, bool readonly, char *err, size_t errlen)
{
    int flags = (readonly ? O_RDONLY : O_RDWR) | O_NONBLOCK | O_CLOEXEC;
    int fd;
    do
        fd = open(path, flags);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        if (errno == EISDIR)
            snprintf(err, errlen, "%s: is a directory, not a regular file or block device",
                     path);
        else if (!readonly && (errno == EACCES || errno == EROFS) && readable(path))
            snprintf(err, errlen, "%s: cannot open for writing (%s); use readonly=on",
                     path, strerror(errno));
        else
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }

    struct stat st;
    uint64_t size = 0;
    if (fstat(fd, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto fail;
    }
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
        snprintf(err, errlen, "%s: %s, not a regular file or block device", path,
                 S_ISDIR(st.st_mode) ? "is a directory" : "is a special file");
        goto fail;
    }
    if (!disk_size(fd, &st, &size)) {
        snprintf(err, errlen, "%s: cannot find its size: %s", path, strerror(errno));
        goto fail;
    }
    if (size % DISK_SECTOR) {
        snprintf(err, errlen, "%s: size %llu bytes is not a multiple of %d", path,
                 (unsigned long long)size, DISK_SECTOR);
        goto fail;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto fail;
    }

    struct disk_file *d = calloc(1, sizeof *d);
    char *copy = d ? strdup(path) : NULL;
    if (!copy) {
        free(d);
        snprintf(err, errlen, "%s: out of memory", path);
        goto fail;
    }
    d->fd = fd;
    d->path = copy;
    d->backend = (struct blockdev){
        .opaque = d,
        .size = size,
        .readonly = readonly,
        .read = disk_read,
        .write = disk_write,
        .flush = disk_flush,
    };
    return d;

fail:
    close(fd);
    return NULL;
}

const struct blockdev *disk_file_backend(struct disk_file *d)
{
    return &d->backend;
}

int disk_file_close(struct disk_file *d)
{
    if (!d)
        return 0;
    int rc = disk_flush(d);
    if (close(d->fd) != 0 && errno != EINTR && rc == 0) {
        fprintf(stderr, "rvbox: disk %s: close failed: %s\n", d->path, strerror(errno));
        rc = -1;
    }
    free(d->path);
    free(d);
    return rc;
}
