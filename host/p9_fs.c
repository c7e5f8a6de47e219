/*
 * The shared directory (host/p9_fs.h): openat2 beneath it, never through a symbolic link.
 */
#define _GNU_SOURCE             /* O_PATH, strdup */
#include "host/p9_fs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct p9fs {
    int root;                   /* the directory, O_PATH */
    bool readonly;
    char *dir;
};

static const unsigned long long resolve_flags =
    RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;

struct p9fs *p9fs_open(const char *dir, bool readonly, char *err, size_t errlen)
{
    struct stat st;
    struct p9fs *fs = calloc(1, sizeof *fs);
    if (!fs || !(fs->dir = strdup(dir))) {
        free(fs);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    fs->readonly = readonly;
    fs->root = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fs->root < 0 || fstat(fs->root, &st)) {
        snprintf(err, errlen, "-virtfs path=%s: %s", dir,
                 errno == ENOTDIR ? "not a directory" : strerror(errno));
        p9fs_close(fs);
        return NULL;
    }
    /* Every access goes through openat2 (Linux 5.6): without it, nothing is shared. */
    int probe = p9fs_openat(fs, "", O_PATH | O_DIRECTORY, 0);
    if (probe < 0) {
        snprintf(err, errlen, "-virtfs path=%s: cannot confine the guest to it (openat2: %s)",
                 dir, strerror(-probe));
        p9fs_close(fs);
        return NULL;
    }
    close(probe);
    return fs;
}

void p9fs_close(struct p9fs *fs)
{
    if (!fs)
        return;
    if (fs->root >= 0)
        close(fs->root);
    free(fs->dir);
    free(fs);
}

bool p9fs_readonly(const struct p9fs *fs)
{
    return fs->readonly;
}

const char *p9fs_dir(const struct p9fs *fs)
{
    return fs->dir;
}

bool p9fs_name_ok(const char *name)
{
    size_t n = strlen(name);
    return n > 0 && n <= NAME_MAX && !strchr(name, '/') && strcmp(name, ".") &&
           strcmp(name, "..");
}

int p9fs_openat(struct p9fs *fs, const char *path, int flags, mode_t mode)
{
    /* Read-only is kept here too, whatever the server above asks. */
    if (fs->readonly && !(flags & O_PATH) &&
        ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC)) ||
         (flags & O_TMPFILE) == O_TMPFILE))
        return -EROFS;
    struct open_how how = {
        .flags = (unsigned long long)(flags | O_NOFOLLOW | O_CLOEXEC),
        .mode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? mode : 0,
        .resolve = resolve_flags,
    };
    long fd = syscall(SYS_openat2, fs->root, path[0] ? path : ".", &how, sizeof how);
    return fd < 0 ? -errno : (int)fd;
}

int p9fs_lstat(struct p9fs *fs, const char *path, struct stat *st)
{
    int fd = p9fs_openat(fs, path, O_PATH, 0);
    if (fd < 0)
        return fd;
    int rc = fstat(fd, st) ? -errno : 0;
    close(fd);
    return rc;
}

int p9fs_dirfd(struct p9fs *fs, const char *path)
{
    return p9fs_openat(fs, path, O_PATH | O_DIRECTORY, 0);
}

bool p9fs_join(char *out, const char *path, const char *name)
{
    int n = snprintf(out, P9FS_PATH_MAX, "%s%s%s", path, path[0] ? "/" : "", name);
    return n >= 0 && n < P9FS_PATH_MAX;
}

bool p9fs_split(const char *path, char *out, const char **name)
{
    if (!path[0])
        return false;
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    memcpy(out, path, n);
    out[n] = '\0';
    *name = slash ? slash + 1 : path;
    return true;
}
