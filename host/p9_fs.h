/*
 * The host directory a shared folder serves, and the one way to reach a file in it: every
 * path is relative to the directory and resolved by openat2(2) with RESOLVE_BENEATH and
 * RESOLVE_NO_SYMLINKS, so that no "..", absolute path or symbolic link, even one a host
 * process swaps in while the guest works (a symlink race), leads out of it. The guest's
 * own symbolic links are resolved by the guest (Linux's 9p client reads them and walks
 * the target itself); the server never follows one. Single names given to the *at calls
 * (create, mkdir, unlink, rename...) are checked to be one component (p9fs_name_ok) and
 * used relative to a directory opened this way.
 */
#ifndef RVBOX_P9_FS_H
#define RVBOX_P9_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* The longest path (relative to the shared directory) a fid may have. */
#define P9FS_PATH_MAX 4096

struct p9fs;

/* The directory, opened; NULL with a one-line reason in err (missing, not a directory,
 * no permission, or a kernel without openat2). */
struct p9fs *p9fs_open(const char *dir, bool readonly, char *err, size_t errlen);
void p9fs_close(struct p9fs *fs);

bool p9fs_readonly(const struct p9fs *fs);
const char *p9fs_dir(const struct p9fs *fs);

/* A name the guest may give for one entry of a directory: not empty, not "." or "..", no
 * '/', at most NAME_MAX bytes. */
bool p9fs_name_ok(const char *name);

/* open(2) of `path` ("" is the directory itself) beneath the directory, following no
 * symbolic link: O_PATH | O_NOFOLLOW gives a link itself; otherwise a link anywhere on the
 * way is ELOOP. O_CLOEXEC is added. The fd, or -errno. */
int p9fs_openat(struct p9fs *fs, const char *path, int flags, mode_t mode);

/* lstat(2) of `path`, beneath the directory. 0 or -errno. */
int p9fs_lstat(struct p9fs *fs, const char *path, struct stat *st);

/* The directory `path` as an O_PATH fd, for *at calls on one name in it; -errno. */
int p9fs_dirfd(struct p9fs *fs, const char *path);

/* `path`/`name` into out (P9FS_PATH_MAX bytes): false if too long. */
bool p9fs_join(char *out, const char *path, const char *name);

/* The parent of `path` into out, and where its last name starts in path. "" has none:
 * false. */
bool p9fs_split(const char *path, char *out, const char **name);

#endif
