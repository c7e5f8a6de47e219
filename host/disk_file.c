/*
 * A raw disk image (a regular file or a block device) as a block backend.
 *
 * Images in other formats (qcow2, qcow, QED, VMDK, VDI, VHDX, VHD), known by their magic
 * bytes, are refused with the format's name and the qemu-img command that converts them.
 *
 * The file is opened O_NONBLOCK so that a FIFO given by mistake cannot hang the open;
 * the flag is cleared once fstat said the file is a disk. The size of a block device
 * comes from lseek(SEEK_END) (st_size is 0 for them). Reads and writes loop over short
 * counts and EINTR; an error at run time is reported once per kind on stderr and turns
 * into an I/O error status for the guest.
 *
 * Unless told not to (-drive ...,file.locking=off), the image is locked as QEMU locks
 * it, so that two emulators (rvbox or QEMU, in any mix) never write one image at once:
 * see "Image locking" below.
 */
#define _GNU_SOURCE             /* F_OFD_SETLK, F_OFD_GETLK */
#define _FILE_OFFSET_BITS 64

#include "host/disk_file.h"

#include <ctype.h>
#include <dirent.h>
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

/* Who the disk is, for snapshot files (devices/blockdev.h): its size and when it was
 * last modified, as the file system says now. */
static int disk_identity(void *opaque, uint64_t *size, int64_t *mtime_ns)
{
    struct disk_file *d = opaque;
    struct stat st;
    if (fstat(d->fd, &st) != 0)
        return -1;
    *size = d->backend.size;
    *mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
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

/* ---- Image locking ----
 *
 * QEMU (block/file-posix.c) says what each user of an image does with it through shared
 * (F_RDLCK) one-byte locks on open file descriptions (F_OFD_SETLK), which live exactly as
 * long as the open file, and die with the process however it ends:
 *
 *     byte 100 + i   "I use permission i"
 *     byte 200 + i   "I let no one else use permission i"
 *
 * for the permissions CONSISTENT_READ (i = 0), WRITE (1), WRITE_UNCHANGED (2) and
 * RESIZE (3). Having taken its own bytes, a user asks (F_OFD_GETLK for F_WRLCK: would an
 * exclusive lock conflict?) whether anyone else holds 200 + i for a permission i it uses,
 * or 100 + i for one it does not share; its own locks never conflict with it. A
 * virtio-blk disk uses CONSISTENT_READ, and WRITE unless read-only, and shares every
 * permission but WRITE: QEMU 7.2 holds bytes 100, 101 and 201 on a writable image and
 * 100 and 201 on a read-only one (as /proc/locks shows). rvbox takes the same bytes, so
 * two writers, or a writer and a reader, refuse each other whichever of rvbox and QEMU
 * they are, while readers share.
 */
#ifndef F_OFD_SETLK             /* not Linux: per-process locks, QEMU's fallback too */
#define F_OFD_SETLK F_SETLK
#define F_OFD_GETLK F_GETLK
#endif

#define LOCK_USE_BASE 100
#define LOCK_DENY_BASE 200
#define LOCK_PERMS 4            /* permission bits 0..3 */
#define PERM_CONSISTENT_READ 0x1u
#define PERM_WRITE 0x2u

static const char lock_off_hint[] = "add file.locking=off to its -drive to open it anyway";

/* fcntl(cmd) on one byte, again after a signal. 0, or -1 with errno. */
static int lock_byte(int fd, int cmd, short type, int byte, struct flock *fl)
{
    *fl = (struct flock){ .l_type = type, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1 };
    int rc;
    do
        rc = fcntl(fd, cmd, fl);
    while (rc != 0 && errno == EINTR);
    return rc;
}

/* Bytes base + i for each permission bit i in `mask`, into out[]; returns how many. */
static size_t perm_bytes(unsigned mask, int base, int *out)
{
    size_t n = 0;
    for (int i = 0; i < LOCK_PERMS; i++)
        if (mask & 1u << i)
            out[n++] = base + i;
    return n;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

/* Does the kernel's description of one descriptor (/proc/PID/fdinfo/FD) list a POSIX or
 * OFD lock covering `byte`? Its lines read "lock:\t1: OFDLCK ADVISORY  READ -1
 * fe:00:1234 100 101" (a waiter has "->" before the kind; flock() locks do not matter). */
static bool fdinfo_locks_byte(const char *path, int byte)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    char line[256], kind[16], end[32];
    long long start;
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        if (strncmp(line, "lock:", 5) ||
            sscanf(line + 5, " %*d: %15s %*s %*s %*d %*s %lld %31s", kind, &start, end) != 3 ||
            (strcmp(kind, "OFDLCK") && strcmp(kind, "POSIX")))
            continue;
        found = start <= byte && (!strcmp(end, "EOF") || strtoll(end, NULL, 10) >= byte);
    }
    fclose(f);
    return found;
}

/* Does process `pid` hold a lock on `byte` of the file `st` describes, through a
 * descriptor other than `skip_fd`? */
static bool process_locks_byte(pid_t pid, int skip_fd, const struct stat *st, int byte)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fdinfo", (int)pid);
    DIR *dir = opendir(path);
    if (!dir)
        return false;           /* gone, or another user's */
    bool holds = false;
    struct dirent *e;
    while (!holds && (e = readdir(dir))) {
        if (!all_digits(e->d_name))
            continue;
        int fd = (int)strtol(e->d_name, NULL, 10);
        struct stat fst;
        snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd);
        if (fd == skip_fd || stat(path, &fst) != 0 || fst.st_dev != st->st_dev ||
            fst.st_ino != st->st_ino)
            continue;
        snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", (int)pid, fd);
        holds = fdinfo_locks_byte(path, byte);
    }
    closedir(dir);
    return holds;
}

/* Which process holds a lock on `byte` of the file `st` describes, besides our own
 * descriptor `own_fd`? OFD locks belong to an open file, not a process, so F_OFD_GETLK
 * and /proc/locks give pid -1 for them; but the kernel lists each descriptor's locks in
 * /proc/PID/fdinfo/FD. 0 when no one is found (no /proc, or another user's process). */
static pid_t find_lock_holder(const struct stat *st, int own_fd, int byte)
{
    DIR *proc = opendir("/proc");
    if (!proc)
        return 0;
    pid_t self = getpid(), found = 0;
    struct dirent *e;
    while (!found && (e = readdir(proc))) {
        if (!all_digits(e->d_name))
            continue;
        pid_t pid = (pid_t)strtol(e->d_name, NULL, 10);
        if (process_locks_byte(pid, pid == self ? own_fd : -1, st, byte))
            found = pid;
    }
    closedir(proc);
    return found;
}

/* A process's program name, for messages: argv[0] without its directory, else comm. */
static void process_name(pid_t pid, char *name, size_t len)
{
    char path[64], buf[256] = "";
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    FILE *f = fopen(path, "re");
    if (f) {
        buf[fread(buf, 1, sizeof buf - 1, f)] = '\0';
        fclose(f);
    }
    if (!buf[0]) {
        snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
        if ((f = fopen(path, "re"))) {
            if (!fgets(buf, sizeof buf, f))
                buf[0] = '\0';
            buf[strcspn(buf, "\n")] = '\0';
            fclose(f);
        }
    }
    const char *slash = strrchr(buf, '/');
    snprintf(name, len, "%s", slash ? slash + 1 : buf);
}

/* The one-line refusal: who holds the image (as far as the OS tells) and what for.
 * `byte` is the lock byte found taken; `pid` the holder if fcntl named it, else 0. */
static void lock_refusal(const char *path, int fd, const struct stat *st, int byte, pid_t pid,
                         char *err, size_t errlen)
{
    static const char *const uses[LOCK_PERMS] = {
        "reads it", "writes to it", "writes to it", "may resize it" };
    static const char *const denies[LOCK_PERMS] = {
        "locks out other readers", "locks out other writers", "locks out other writers",
        "locks out resizing" };
    const char *what = byte >= LOCK_DENY_BASE ? denies[(byte - LOCK_DENY_BASE) % LOCK_PERMS]
                                              : uses[(byte - LOCK_USE_BASE) % LOCK_PERMS];
    if (pid <= 0)
        pid = find_lock_holder(st, fd, byte);
    if (pid == getpid()) {
        snprintf(err, errlen, "%s: already in use by this process (the same image twice?)",
                 path);
        return;
    }
    char who[128] = "";
    if (pid > 0) {
        char name[64];
        process_name(pid, name, sizeof name);
        snprintf(who, sizeof who, " (pid %d%s%s)", (int)pid, name[0] ? ", " : "", name);
    }
    snprintf(err, errlen, "%s: in use by another process%s that %s; %s", path, who, what,
             lock_off_hint);
}

/* Lock the image on `fd` as QEMU would for a virtio-blk disk (see above): take our bytes,
 * then check that no one else's conflict. 0, or -1 with a one-line reason in err; the
 * caller closes fd on failure, which drops whatever was taken. */
static int lock_image(int fd, const char *path, bool readonly, const struct stat *st,
                      char *err, size_t errlen)
{
    unsigned use = PERM_CONSISTENT_READ | (readonly ? 0 : PERM_WRITE);
    unsigned deny = PERM_WRITE;     /* all but WRITE shared, as QEMU's virtio-blk */
    int bytes[2 * LOCK_PERMS];
    struct flock fl;
    size_t n = perm_bytes(use, LOCK_USE_BASE, bytes);
    n += perm_bytes(deny, LOCK_DENY_BASE, bytes + n);
    for (size_t k = 0; k < n; k++) {
        if (lock_byte(fd, F_OFD_SETLK, F_RDLCK, bytes[k], &fl) == 0)
            continue;
        if (errno != EAGAIN && errno != EACCES)
            goto cannot;
        /* Someone holds it exclusively: not QEMU's way, but a conflict all the same. */
        if (lock_byte(fd, F_OFD_GETLK, F_WRLCK, bytes[k], &fl) != 0)
            fl.l_pid = 0;
        lock_refusal(path, fd, st, bytes[k], fl.l_pid, err, errlen);
        return -1;
    }
    n = perm_bytes(use, LOCK_DENY_BASE, bytes);
    n += perm_bytes(deny, LOCK_USE_BASE, bytes + n);
    for (size_t k = 0; k < n; k++) {
        if (lock_byte(fd, F_OFD_GETLK, F_WRLCK, bytes[k], &fl) != 0)
            goto cannot;
        if (fl.l_type != F_UNLCK) {
            lock_refusal(path, fd, st, bytes[k], fl.l_pid, err, errlen);
            return -1;
        }
    }
    return 0;
cannot:
    snprintf(err, errlen, "%s: cannot lock it (%s); %s", path, strerror(errno), lock_off_hint);
    return -1;
}

/*
 * Images in other formats than raw, known by their first bytes (the magic numbers
 * qemu-img's own probes look for), with qemu-img's name for the format. Read as raw,
 * such an image would give the guest its header instead of its disk.
 */
struct image_format {
    const char *name;           /* as qemu-img names it */
    const char *what;           /* for the message */
    uint32_t offset;
    const char *magic;
    size_t len;
};

static const struct image_format image_formats[] = {
    { "qcow2", "a qcow2 image", 0, "QFI\xfb\0\0\0\2", 8 },
    { "qcow2", "a qcow2 image", 0, "QFI\xfb\0\0\0\3", 8 },
    { "qcow", "a qcow (version 1) image", 0, "QFI\xfb", 4 },
    { "qed", "a QED image", 0, "QED\0", 4 },
    { "vmdk", "a VMDK image", 0, "KDMV", 4 },
    { "vmdk", "a VMDK image (ESX sparse)", 0, "COWD", 4 },
    { "vmdk", "a VMDK descriptor", 0, "# Disk DescriptorFile", 21 },
    { "vdi", "a VirtualBox VDI image", 0x40, "\x7f\x10\xda\xbe", 4 },
    { "vhdx", "a VHDX image", 0, "vhdxfile", 8 },
    { "vpc", "a VHD (Virtual PC) image", 0, "conectix", 8 },
};

/* The first 512 bytes of the image (fewer in a smaller file). */
static size_t read_head(int fd, uint8_t *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = pread(fd, buf + got, len - got, (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    return got;
}

/* An image in a format that is not raw: say which, and the command that converts it.
 * The converted copy is named after the image: its extension replaced by .img (or
 * -raw.img added when it already ends in .img). */
static bool refuse_format(int fd, const char *path, char *err, size_t errlen)
{
    uint8_t head[512];
    size_t n = read_head(fd, head, sizeof head);
    for (size_t k = 0; k < sizeof image_formats / sizeof image_formats[0]; k++) {
        const struct image_format *f = &image_formats[k];
        if (n < f->offset + f->len || memcmp(head + f->offset, f->magic, f->len))
            continue;
        const char *base = strrchr(path, '/');
        const char *dot = strrchr(base ? base + 1 : path, '.');
        size_t stem = dot && dot != (base ? base + 1 : path) ? (size_t)(dot - path)
                                                             : strlen(path);
        bool is_img = dot && !strcmp(dot, ".img");
        snprintf(err, errlen, "%s: %s; rvbox reads raw images: qemu-img convert -O raw %s "
                 "%.*s%s", path, f->what, path, (int)stem, path, is_img ? "-raw.img" : ".img");
        return true;
    }
    return false;
}

struct disk_file *disk_file_open(const char *path, bool readonly, bool lock, char *err,
                                 size_t errlen)
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
    /* Before the size check: a qcow2 file is rarely a multiple of 512, and its format
     * is the reason to give. */
    if (refuse_format(fd, path, err, errlen))
        goto fail;
    if (size % DISK_SECTOR) {
        snprintf(err, errlen, "%s: size %llu bytes is not a multiple of %d", path,
                 (unsigned long long)size, DISK_SECTOR);
        goto fail;
    }
    if (lock && lock_image(fd, path, readonly, &st, err, errlen))
        goto fail;
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
        .identity = disk_identity,
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
