/* The host's side of semihosting (host/semihost.h). */
#define _GNU_SOURCE             /* syscall, O_PATH */

#include "host/semihost.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bus/bus.h"
#include "cpu/hart.h"
#include "devices/machine.h"
#include "host/serial.h"

/* The operations (a0). */
enum {
    SYS_OPEN = 0x01, SYS_CLOSE = 0x02, SYS_WRITEC = 0x03, SYS_WRITE0 = 0x04,
    SYS_WRITE = 0x05, SYS_READ = 0x06, SYS_READC = 0x07, SYS_ISERROR = 0x08,
    SYS_ISTTY = 0x09, SYS_SEEK = 0x0a, SYS_FLEN = 0x0c, SYS_TMPNAM = 0x0d,
    SYS_REMOVE = 0x0e, SYS_RENAME = 0x0f, SYS_CLOCK = 0x10, SYS_TIME = 0x11,
    SYS_SYSTEM = 0x12, SYS_ERRNO = 0x13, SYS_GET_CMDLINE = 0x15, SYS_HEAPINFO = 0x16,
    SYS_EXIT = 0x18, SYS_EXIT_EXTENDED = 0x20, SYS_ELAPSED = 0x30, SYS_TICKFREQ = 0x31,
};

#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

/* The errno values the guest sees: newlib's and picolibc's numbers (GDB's File-I/O
 * protocol uses the same), which QEMU hands back too; the host's may differ. */
enum {
    G_EPERM = 1, G_ENOENT = 2, G_EINTR = 4, G_EIO = 5, G_EBADF = 9, G_ENOMEM = 12,
    G_EACCES = 13, G_EFAULT = 14, G_EBUSY = 16, G_EEXIST = 17, G_ENODEV = 19,
    G_ENOTDIR = 20, G_EISDIR = 21, G_EINVAL = 22, G_ENFILE = 23, G_EMFILE = 24,
    G_EFBIG = 27, G_ENOSPC = 28, G_ESPIPE = 29, G_EROFS = 30, G_ENOSYS = 88,
    G_ENAMETOOLONG = 91,
};

static int guest_errno(int e)
{
    switch (e) {
    case EPERM: return G_EPERM;
    case ENOENT: return G_ENOENT;
    case EINTR: return G_EINTR;
    case EBADF: return G_EBADF;
    case ENOMEM: return G_ENOMEM;
    case EACCES: case EXDEV: case ELOOP: return G_EACCES;   /* out of the root */
    case EFAULT: return G_EFAULT;
    case EBUSY: return G_EBUSY;
    case EEXIST: return G_EEXIST;
    case ENODEV: return G_ENODEV;
    case ENOTDIR: return G_ENOTDIR;
    case EISDIR: return G_EISDIR;
    case EINVAL: return G_EINVAL;
    case ENFILE: return G_ENFILE;
    case EMFILE: return G_EMFILE;
    case EFBIG: return G_EFBIG;
    case ENOSPC: return G_ENOSPC;
    case ESPIPE: return G_ESPIPE;
    case EROFS: return G_EROFS;
    case ENOSYS: return G_ENOSYS;
    case ENAMETOOLONG: return G_ENAMETOOLONG;
    default: return G_EIO;
    }
}

#define MAX_HANDLES 64
#define MAX_PATH 4096
#define MAX_STRING 65536            /* SYS_WRITE0 */
#define CHUNK 65536                 /* SYS_READ/WRITE move this much at a time */

/* ":semihosting-features": the magic and one byte of feature bits, as QEMU serves it
 * (SH_EXT_EXIT_EXTENDED | SH_EXT_STDOUT_STDERR). */
static const uint8_t features[5] = { 'S', 'H', 'F', 'B', 0x03 };

enum handle_kind { H_FREE, H_FILE, H_STDIN, H_STDOUT, H_STDERR, H_FEATURES };

struct handle {
    enum handle_kind kind;
    int fd;                     /* H_FILE */
    uint32_t pos;               /* H_FEATURES */
};

struct semihost {
    struct machine *m;
    struct hart *h;
    bool userspace;
    int root_fd;
    char root[PATH_MAX];        /* its real path, for absolute guest paths */
    char *cmdline;
    struct serial *console;     /* the chardev, or NULL: rvbox's own stdio */
    struct serial *serial;      /* the serial console, or NULL */
    uint32_t heap_base, heap_limit;
    int err;                    /* SYS_ERRNO: the guest's value */
    struct handle handles[MAX_HANDLES];     /* [0] unused: handles start at 1 */
    uint8_t buf[CHUNK];
};

/* ---- options ---- */

const char semihost_help[] =
    "  -semihosting   serve RISC-V semihosting calls (console, host files, exit)\n"
    "  -semihosting-config enable=on,target=native[,chardev=ID][,userspace=on]\n"
    "                 [,arg=ARG...][,root=DIR]\n"
    "                 the same, with QEMU's settings: the console on chardev ID, calls\n"
    "                 from U-mode too, the guest's command line; host files are\n"
    "                 reached beneath DIR only (default: the current directory)\n";

static bool parse_onoff(const char *v, bool *out)
{
    if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes")) {
        *out = true;
        return true;
    }
    if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no")) {
        *out = false;
        return true;
    }
    return false;
}

/* Append to the arg= list: QEMU joins them with spaces. */
static int add_arg(struct semihost_options *o, const char *a, size_t n)
{
    size_t old = o->args ? strlen(o->args) : 0;
    char *p = realloc(o->args, old + (old ? 1 : 0) + n + 1);
    if (!p)
        return -1;
    if (old)
        p[old++] = ' ';
    memcpy(p + old, a, n);
    p[old + n] = '\0';
    o->args = p;
    return 0;
}

static int parse_config(struct semihost_options *o, const char *text, char *err,
                        size_t errlen)
{
    o->enabled = true;          /* QEMU: enable defaults to on once the option is given */
    const char *p = text;
    while (*p) {
        /* key=value up to the next comma (",," is a comma inside a value) */
        char item[4096];
        size_t n = 0;
        for (; *p && !(*p == ',' && p[1] != ','); p++) {
            if (*p == ',')
                p++;
            if (n + 1 < sizeof item)
                item[n++] = *p;
        }
        item[n] = '\0';
        if (*p == ',')
            p++;
        char *eq = strchr(item, '=');
        if (!eq) {
            snprintf(err, errlen, "-semihosting-config %s: '%s' is not key=value", text, item);
            return -1;
        }
        *eq = '\0';
        const char *key = item, *v = eq + 1;
        bool b;
        if (!strcmp(key, "enable")) {
            if (!parse_onoff(v, &b))
                goto bad_bool;
            o->enabled = b;
        } else if (!strcmp(key, "userspace")) {
            if (!parse_onoff(v, &b))
                goto bad_bool;
            o->userspace = b;
        } else if (!strcmp(key, "target")) {
            if (!strcmp(v, "gdb")) {
                snprintf(err, errlen, "-semihosting-config target=gdb: rvbox's GDB stub does "
                         "not serve semihosting; use target=native");
                return -1;
            }
            if (strcmp(v, "native") && strcmp(v, "auto")) {
                snprintf(err, errlen, "-semihosting-config target=%s: want native or auto", v);
                return -1;
            }
        } else if (!strcmp(key, "chardev")) {
            free((void *)o->chardev);
            if (!*v || !(o->chardev = strdup(v))) {
                o->chardev = NULL;
                snprintf(err, errlen, "-semihosting-config chardev=: want a chardev's id");
                return -1;
            }
        } else if (!strcmp(key, "arg")) {
            if (add_arg(o, v, strlen(v))) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
        } else if (!strcmp(key, "root")) {
            free((void *)o->root);
            if (!*v || !(o->root = strdup(v))) {
                o->root = NULL;
                snprintf(err, errlen, "-semihosting-config root=: want a directory");
                return -1;
            }
        } else {
            snprintf(err, errlen, "-semihosting-config: unknown setting '%s' (enable, target, "
                     "chardev, userspace, arg, root)", key);
            return -1;
        }
        continue;
bad_bool:
        snprintf(err, errlen, "-semihosting-config %s=%s: want on or off", key, v);
        return -1;
    }
    return 0;
}

int semihost_option(struct semihost_options *o, const char *name, int *i, int argc,
                    char **argv, char *err, size_t errlen)
{
    if (!strcmp(name, "-semihosting")) {
        o->enabled = true;
        return 1;
    }
    if (strcmp(name, "-semihosting-config"))
        return 0;
    if (*i + 1 >= argc) {
        snprintf(err, errlen, "%s needs a value (try --help)", argv[*i]);
        return -1;
    }
    return parse_config(o, argv[++*i], err, errlen) ? -1 : 1;
}

void semihost_options_free(struct semihost_options *o)
{
    free((void *)o->chardev);
    free((void *)o->root);
    free(o->args);
    o->chardev = o->root = NULL;
    o->args = NULL;
}

/* ---- guest memory, through the hart's view ---- */

/* Copy [va, va + len) of guest memory out (write false) or in (write true), a page at a
 * time; RAM only. False: some byte is not mapped for that access or not RAM. */
static bool guest_copy(struct semihost *s, uint32_t va, void *buf, size_t len, bool write)
{
    struct bus *bus = machine_bus(s->m);
    uint8_t *p = buf;
    while (len) {
        uint32_t pa, n = 4096 - (va & 4095);
        if (n > len)
            n = (uint32_t)len;
        if (!hart_debug_translate(s->h, va, write, &pa))
            return false;
        uint8_t *host = write ? bus_dma_ptr(bus, pa, n, true) : bus_host_ptr(bus, pa, n, false);
        if (!host)
            return false;
        if (write)
            memcpy(host, p, n);
        else
            memcpy(p, host, n);
        p += n;
        va += n;
        len -= n;
    }
    return true;
}

/* The parameter block at a1: n words. */
static bool get_args(struct semihost *s, uint32_t *w, unsigned n)
{
    uint8_t b[16];
    if (!guest_copy(s, hart_get_reg(s->h, 11), b, 4u * n, false))
        return false;
    for (unsigned i = 0; i < n; i++)
        w[i] = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
               (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24;
    return true;
}

static bool put_word(struct semihost *s, uint32_t va, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    return guest_copy(s, va, b, 4, true);
}

/* A guest string of `len` bytes as a NUL-terminated host one in out[MAX_PATH]. */
static int get_path(struct semihost *s, uint32_t va, uint32_t len, char *out)
{
    if (len >= MAX_PATH)
        return ENAMETOOLONG;
    if (!guest_copy(s, va, out, len, false))
        return EFAULT;
    out[len] = '\0';
    if (strlen(out) != len || len == 0)
        return len ? EINVAL : ENOENT;
    return 0;
}

/* ---- host files, beneath the root ---- */

/* The path relative to the root, or NULL (errno set) for an absolute path outside it. */
static const char *beneath(const struct semihost *s, const char *path)
{
    if (path[0] != '/')
        return path;
    size_t n = strlen(s->root);
    if (!strcmp(s->root, "/")) {
        while (*path == '/')
            path++;
        return *path ? path : ".";
    }
    if (!strncmp(path, s->root, n) && (path[n] == '/' || path[n] == '\0')) {
        path += n;
        while (*path == '/')
            path++;
        return *path ? path : ".";
    }
    errno = EACCES;
    return NULL;
}

/* openat2 beneath the root: no "..", absolute path or symbolic link may lead out. */
static int open_beneath(const struct semihost *s, const char *path, int flags, mode_t mode)
{
    const char *rel = beneath(s, path);
    if (!rel)
        return -1;
    struct open_how how = { .flags = (uint64_t)flags | O_CLOEXEC,
                            .mode = flags & O_CREAT ? mode : 0,     /* else EINVAL */
                            .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
    return (int)syscall(SYS_openat2, s->root_fd, rel, &how, sizeof how);
}

/* The directory holding `path`, opened beneath the root, and the last component, for
 * unlinkat and renameat. -1 with errno. */
static int parent_beneath(const struct semihost *s, const char *path, char *name, size_t len)
{
    const char *rel = beneath(s, path);
    if (!rel)
        return -1;
    char dir[MAX_PATH];
    snprintf(dir, sizeof dir, "%s", rel);
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        dir[--n] = '\0';
    char *slash = strrchr(dir, '/');
    const char *last = slash ? slash + 1 : dir;
    if (!*last || !strcmp(last, ".") || !strcmp(last, "..")) {
        errno = EACCES;
        return -1;
    }
    snprintf(name, len, "%s", last);
    if (!slash)
        return open_beneath(s, ".", O_PATH | O_DIRECTORY, 0);
    if (slash == dir)
        return open_beneath(s, "/", O_PATH | O_DIRECTORY, 0);
    *slash = '\0';
    return open_beneath(s, dir, O_PATH | O_DIRECTORY, 0);
}

/* ---- the console ---- */

static void flush_serial(struct semihost *s)
{
    if (s->serial)
        serial_flush(s->serial);
}

static void console_write(struct semihost *s, enum handle_kind k, const void *buf, size_t len)
{
    flush_serial(s);
    if (s->console) {
        struct chardev cd = serial_chardev(s->console);
        for (size_t i = 0; i < len; i++)
            cd.write(cd.opaque, ((const uint8_t *)buf)[i]);
        serial_flush(s->console);
        return;
    }
    int fd = k == H_STDERR ? STDERR_FILENO : STDOUT_FILENO;
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        p += n;
        len -= (size_t)n;
    }
}

/* Read at least one byte from a serial device, waiting for it; then whatever else is
 * there. -1 when waiting was cut short (a signal, Ctrl-A x, input closed). */
static ssize_t serial_read_some(struct serial *sr, uint8_t *buf, size_t len)
{
    struct chardev cd = serial_chardev(sr);
    size_t n = 0;
    for (;;) {
        serial_pump(sr);
        int c;
        while (n < len && (c = cd.read(cd.opaque)) >= 0)
            buf[n++] = (uint8_t)c;
        if (n)
            return (ssize_t)n;
        if (serial_quit_requested(sr))
            return -1;
        struct pollfd p;
        serial_pollfd(sr, &p);
        if (p.fd < 0)
            return 0;           /* nothing will ever come: end of input */
        if (poll(&p, 1, -1) < 0 && errno == EINTR)
            return -1;
    }
}

/* Input: the chardev's, else rvbox's stdin, read directly (as QEMU): when the serial
 * console reads stdin too, whichever reads first gets the bytes (docs/usage.md). */
static ssize_t console_read(struct semihost *s, uint8_t *buf, size_t len)
{
    flush_serial(s);
    if (s->console)
        return serial_read_some(s->console, buf, len);
    return read(STDIN_FILENO, buf, len);
}

/* ---- the calls ---- */

static struct handle *handle_of(struct semihost *s, uint32_t h)
{
    if (h == 0 || h >= MAX_HANDLES || s->handles[h].kind == H_FREE)
        return NULL;
    return &s->handles[h];
}

static uint32_t fail(struct semihost *s, int host_errno)
{
    s->err = guest_errno(host_errno);
    return UINT32_MAX;
}

static uint32_t new_handle(struct semihost *s, enum handle_kind k, int fd)
{
    for (uint32_t i = 1; i < MAX_HANDLES; i++)
        if (s->handles[i].kind == H_FREE) {
            s->handles[i] = (struct handle){ .kind = k, .fd = fd };
            return i;
        }
    if (k == H_FILE)
        close(fd);
    return fail(s, EMFILE);
}

static uint32_t sys_open(struct semihost *s)
{
    uint32_t a[3];
    char path[MAX_PATH];
    if (!get_args(s, a, 3))
        return fail(s, EFAULT);
    int e = get_path(s, a[0], a[2], path);
    if (e)
        return fail(s, e);
    uint32_t mode = a[1];
    if (mode > 11)
        return fail(s, EINVAL);
    if (!strcmp(path, ":tt"))       /* read: stdin, write: stdout, append: stderr */
        return new_handle(s, mode < 4 ? H_STDIN : mode < 8 ? H_STDOUT : H_STDERR, -1);
    if (!strcmp(path, ":semihosting-features")) {
        if (mode >= 2)
            return fail(s, EACCES);
        return new_handle(s, H_FEATURES, -1);
    }
    /* ISO C's fopen modes, in order: r rb r+ r+b w wb w+ w+b a ab a+ a+b */
    static const int flags[6] = {
        O_RDONLY, O_RDWR, O_WRONLY | O_CREAT | O_TRUNC, O_RDWR | O_CREAT | O_TRUNC,
        O_WRONLY | O_CREAT | O_APPEND, O_RDWR | O_CREAT | O_APPEND,
    };
    int fd = open_beneath(s, path, flags[mode / 2], 0644);
    if (fd < 0)
        return fail(s, errno);
    return new_handle(s, H_FILE, fd);
}

static uint32_t sys_close(struct semihost *s)
{
    uint32_t a[1];
    if (!get_args(s, a, 1))
        return fail(s, EFAULT);
    struct handle *h = handle_of(s, a[0]);
    if (!h)
        return fail(s, EBADF);
    int r = 0;
    if (h->kind == H_FILE)
        r = close(h->fd);
    h->kind = H_FREE;
    return r ? fail(s, errno) : 0;
}

/* SYS_WRITE: the bytes not written (0: all of them). */
static uint32_t sys_write(struct semihost *s)
{
    uint32_t a[3];
    if (!get_args(s, a, 3))
        return fail(s, EFAULT);
    struct handle *h = handle_of(s, a[0]);
    if (!h)
        return fail(s, EBADF);
    if (h->kind == H_STDIN || h->kind == H_FEATURES)
        return fail(s, EBADF);
    uint32_t va = a[1], left = a[2];
    while (left) {
        uint32_t n = left < CHUNK ? left : CHUNK;
        if (!guest_copy(s, va, s->buf, n, false)) {
            fail(s, EFAULT);
            return left;
        }
        if (h->kind == H_FILE) {
            ssize_t w = write(h->fd, s->buf, n);
            if (w < 0) {
                fail(s, errno);
                return left;
            }
            n = (uint32_t)w;
            if (n == 0)
                return left;
        } else {
            console_write(s, h->kind, s->buf, n);
        }
        va += n;
        left -= n;
    }
    return 0;
}

/* SYS_READ: the bytes not read (len: end of file). */
static uint32_t sys_read(struct semihost *s)
{
    uint32_t a[3];
    if (!get_args(s, a, 3))
        return fail(s, EFAULT);
    struct handle *h = handle_of(s, a[0]);
    if (!h)
        return fail(s, EBADF);
    uint32_t va = a[1], len = a[2], done = 0;
    if (h->kind == H_STDOUT || h->kind == H_STDERR)
        return fail(s, EBADF);
    while (done < len) {
        uint32_t want = len - done < CHUNK ? len - done : CHUNK;
        ssize_t n;
        if (h->kind == H_FILE) {
            n = read(h->fd, s->buf, want);
        } else if (h->kind == H_FEATURES) {
            n = h->pos < sizeof features ? (ssize_t)(sizeof features - h->pos) : 0;
            if (n > (ssize_t)want)
                n = want;
            memcpy(s->buf, features + h->pos, (size_t)n);
            h->pos += (uint32_t)n;
        } else {
            n = console_read(s, s->buf, want);
        }
        if (n < 0) {
            fail(s, errno ? errno : EINTR);
            return done ? len - done : UINT32_MAX;
        }
        if (n == 0)
            break;
        if (!guest_copy(s, va + done, s->buf, (size_t)n, true)) {
            fail(s, EFAULT);
            return done ? len - done : UINT32_MAX;
        }
        done += (uint32_t)n;
        if (h->kind != H_FILE)
            break;              /* the console: what came, without waiting for more */
    }
    return len - done;
}

static uint32_t sys_seek(struct semihost *s)
{
    uint32_t a[2];
    if (!get_args(s, a, 2))
        return fail(s, EFAULT);
    struct handle *h = handle_of(s, a[0]);
    if (!h)
        return fail(s, EBADF);
    if (h->kind == H_FEATURES) {
        if (a[1] > sizeof features)
            return fail(s, EINVAL);
        h->pos = a[1];
        return 0;
    }
    if (h->kind != H_FILE)
        return fail(s, ESPIPE);
    return lseek(h->fd, (off_t)a[1], SEEK_SET) < 0 ? fail(s, errno) : 0;
}

static uint32_t sys_flen(struct semihost *s)
{
    uint32_t a[1];
    if (!get_args(s, a, 1))
        return fail(s, EFAULT);
    struct handle *h = handle_of(s, a[0]);
    if (!h)
        return fail(s, EBADF);
    if (h->kind == H_FEATURES)
        return sizeof features;
    struct stat st;
    if (h->kind != H_FILE)
        return fail(s, EINVAL);
    if (fstat(h->fd, &st))
        return fail(s, errno);
    return st.st_size > INT32_MAX ? fail(s, EFBIG) : (uint32_t)st.st_size;
}

static uint32_t sys_istty(struct semihost *s)
{
    uint32_t a[1];
    if (!get_args(s, a, 1))
        return fail(s, EFAULT);
    struct handle *h = handle_of(s, a[0]);
    if (!h)
        return fail(s, EBADF);
    if (h->kind == H_FILE) {
        if (isatty(h->fd))
            return 1;
        s->err = 25;            /* ENOTTY */
        return 0;
    }
    if (h->kind == H_FEATURES)
        return 0;
    if (s->console)
        return 1;
    /* rvbox's own stdio: what the host's descriptor is, as QEMU answers */
    return (uint32_t)isatty(h->kind == H_STDIN ? STDIN_FILENO
                            : h->kind == H_STDOUT ? STDOUT_FILENO : STDERR_FILENO);
}

static uint32_t sys_remove(struct semihost *s)
{
    uint32_t a[2];
    char path[MAX_PATH], name[MAX_PATH];
    if (!get_args(s, a, 2))
        return fail(s, EFAULT);
    int e = get_path(s, a[0], a[1], path);
    if (e)
        return fail(s, e);
    int dir = parent_beneath(s, path, name, sizeof name);
    if (dir < 0)
        return fail(s, errno);
    int r = unlinkat(dir, name, 0);
    e = errno;
    close(dir);
    return r ? fail(s, e) : 0;
}

static uint32_t sys_rename(struct semihost *s)
{
    uint32_t a[4];
    char from[MAX_PATH], to[MAX_PATH], fname[MAX_PATH], tname[MAX_PATH];
    if (!get_args(s, a, 4))
        return fail(s, EFAULT);
    int e = get_path(s, a[0], a[1], from);
    if (!e)
        e = get_path(s, a[2], a[3], to);
    if (e)
        return fail(s, e);
    int fd = parent_beneath(s, from, fname, sizeof fname);
    if (fd < 0)
        return fail(s, errno);
    int td = parent_beneath(s, to, tname, sizeof tname);
    if (td < 0) {
        e = errno;
        close(fd);
        return fail(s, e);
    }
    int r = renameat(fd, fname, td, tname);
    e = errno;
    close(fd);
    close(td);
    return r ? fail(s, e) : 0;
}

static uint32_t sys_get_cmdline(struct semihost *s)
{
    uint32_t a[2];
    if (!get_args(s, a, 2))
        return fail(s, EFAULT);
    size_t n = strlen(s->cmdline);
    if (n + 1 > a[1])
        return fail(s, E2BIG);
    if (!guest_copy(s, a[0], s->cmdline, n + 1, true) ||
        !put_word(s, hart_get_reg(s->h, 11) + 4, (uint32_t)n))
        return fail(s, EFAULT);
    return 0;
}

static uint32_t sys_heapinfo(struct semihost *s)
{
    uint32_t a[1];
    if (!get_args(s, a, 1))
        return fail(s, EFAULT);
    /* As QEMU: the largest free stretch of RAM holds the heap from its bottom and the
     * stack from its top. */
    uint32_t v[4] = { s->heap_base, s->heap_limit, s->heap_limit, s->heap_base };
    for (unsigned i = 0; i < 4; i++)
        if (!put_word(s, a[0] + 4 * i, v[i]))
            return fail(s, EFAULT);
    return 0;
}

/* The exit calls end the run (as QEMU, whatever -no-shutdown says). */
static void do_exit(struct semihost *s, uint32_t code)
{
    flush_serial(s);
    machine_request_exit(s->m, code);
}

static bool call(void *opaque, struct hart *hart)
{
    struct semihost *s = opaque;
    s->h = hart;                /* the calling hart: its registers, its translation */
    if (hart_get_priv(hart) == PRIV_U && !s->userspace)
        return false;           /* a breakpoint, as on QEMU without userspace=on */
    uint32_t op = hart_get_reg(hart, 10), arg = hart_get_reg(hart, 11), r = 0, a[2];
    uint8_t c;
    switch (op) {
    case SYS_OPEN: r = sys_open(s); break;
    case SYS_CLOSE: r = sys_close(s); break;
    case SYS_WRITEC:
        if (guest_copy(s, arg, &c, 1, false))
            console_write(s, H_STDOUT, &c, 1);
        return true;            /* a0 is left as it was */
    case SYS_WRITE0: {          /* up to the NUL, MAX_STRING bytes at most */
        size_t n = 0, total = 0;
        while (total < MAX_STRING && guest_copy(s, arg + (uint32_t)total, &c, 1, false) && c) {
            s->buf[n++] = c;
            total++;
            if (n == sizeof s->buf) {
                console_write(s, H_STDOUT, s->buf, n);
                n = 0;
            }
        }
        console_write(s, H_STDOUT, s->buf, n);
        return true;
    }
    case SYS_WRITE: r = sys_write(s); break;
    case SYS_READ: r = sys_read(s); break;
    case SYS_READC: {
        ssize_t n = console_read(s, &c, 1);
        r = n == 1 ? c : fail(s, n < 0 ? EINTR : EIO);
        break;
    }
    case SYS_ISERROR:
        r = get_args(s, a, 1) ? (int32_t)a[0] < 0 : fail(s, EFAULT);
        break;
    case SYS_ISTTY: r = sys_istty(s); break;
    case SYS_SEEK: r = sys_seek(s); break;
    case SYS_FLEN: r = sys_flen(s); break;
    case SYS_REMOVE: r = sys_remove(s); break;
    case SYS_RENAME: r = sys_rename(s); break;
    case SYS_CLOCK: r = (uint32_t)(machine_time(s->m) / 100000u); break;   /* 1/100 s */
    case SYS_TIME: r = (uint32_t)time(NULL); break;
    case SYS_ERRNO: r = (uint32_t)s->err; break;
    case SYS_GET_CMDLINE: r = sys_get_cmdline(s); break;
    case SYS_HEAPINFO: r = sys_heapinfo(s); break;
    case SYS_EXIT:              /* RV32: a1 is the reason itself */
        do_exit(s, arg == ADP_STOPPED_APPLICATION_EXIT ? 0 : 1);
        return true;
    case SYS_EXIT_EXTENDED:
        if (!get_args(s, a, 2))
            r = fail(s, EFAULT);
        else {
            do_exit(s, a[0] == ADP_STOPPED_APPLICATION_EXIT ? a[1] : 1);
            return true;
        }
        break;
    case SYS_ELAPSED: {         /* the machine's clock, 10 MHz (SYS_TICKFREQ) */
        uint64_t t = machine_time(s->m);
        r = get_args(s, a, 1) && put_word(s, arg, (uint32_t)t) &&
            put_word(s, arg + 4, (uint32_t)(t >> 32)) ? 0 : fail(s, EFAULT);
        break;
    }
    case SYS_TICKFREQ: r = 10000000; break;
    case SYS_SYSTEM:            /* a host shell for the guest: never */
    case SYS_TMPNAM:
    default:
        r = fail(s, ENOSYS);
        break;
    }
    hart_set_reg(hart, 10, r);
    return true;
}

/* ---- life cycle ---- */

struct semihost *semihost_create(const struct semihost_options *o, const char *cmdline,
                                 struct serial *console, struct serial *serial, char *err,
                                 size_t errlen)
{
    struct semihost *s = calloc(1, sizeof *s);
    if (s)
        s->root_fd = -1;
    if (!s || !(s->cmdline = strdup(cmdline ? cmdline : ""))) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    const char *root = o->root ? o->root : ".";
    s->root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (s->root_fd < 0 || !realpath(root, s->root)) {
        snprintf(err, errlen, "-semihosting-config root=%s: %s", root, strerror(errno));
        semihost_destroy(s);
        return NULL;
    }
    s->userspace = o->userspace;
    s->console = console;
    s->serial = serial;
    return s;
}

void semihost_destroy(struct semihost *s)
{
    if (!s)
        return;
    for (unsigned i = 1; i < MAX_HANDLES; i++)
        if (s->handles[i].kind == H_FILE)
            close(s->handles[i].fd);
    if (s->root_fd >= 0)
        close(s->root_fd);
    free(s->cmdline);
    free(s);
}

void semihost_attach(struct semihost *s, struct machine *m, uint32_t heap_base,
                     uint32_t heap_limit)
{
    s->m = m;
    s->h = machine_hart(m);
    s->heap_base = heap_base;
    s->heap_limit = heap_limit;
    for (unsigned i = 0; i < machine_nharts(m); i++)     /* any hart may call */
        hart_set_semihosting(machine_hart_at(m, i), call, s);
}
