/*
 * The system calls about files: descriptors are indexes into the process's ofile[].
 * Each call that may change the file system (or drop an inode, which may free it) is
 * one transaction: begin_op() first, end_op() last (log.h).
 */
#include "file.h"
#include "fs.h"
#include "kite/abi.h"
#include "lib.h"
#include "log.h"
#include "param.h"
#include "pipe.h"
#include "printf.h"
#include "proc.h"
#include "syscall.h"
#include "vm.h"

/* The open file behind argument n, and its descriptor; 0 if it is not one. */
static struct file *argfd(int n, int *fdp)
{
    int fd = argint(n);
    if (fd < 0 || fd >= NOFILE || !myproc()->ofile[fd])
        return 0;
    if (fdp)
        *fdp = fd;
    return myproc()->ofile[fd];
}

/* The lowest free descriptor, now pointing at f; -1 if all are taken. */
static int fdalloc(struct file *f)
{
    struct proc *p = myproc();
    for (int fd = 0; fd < NOFILE; fd++) {
        if (!p->ofile[fd]) {
            p->ofile[fd] = f;
            return fd;
        }
    }
    return -1;
}

int32_t sys_read(void)
{
    struct file *f = argfd(0, 0);
    return f ? fileread(f, argaddr(1), argint(2)) : -1;
}

int32_t sys_write(void)
{
    struct file *f = argfd(0, 0);
    return f ? filewrite(f, argaddr(1), argint(2)) : -1;
}

/*
 * A new file or directory at path, returned locked; for a file that exists already,
 * that file (open(O_CREATE) opens it). 0 if the directory does not exist, the name is
 * taken (by a directory, or when making one), or the disk is full.
 *
 * A new directory holds "." and ".." and adds a link to its parent (its ".."); the
 * entry in the parent is written last, so the directory is whole when it appears.
 */
static struct inode *create(const char *path, uint16_t type)
{
    char name[DIRSIZ + 1];
    struct inode *dp = nameiparent(path, name), *ip;
    if (!dp)
        return 0;
    ilock(dp);
    if ((ip = dirlookup(dp, name, 0)) != 0) {
        iunlockput(dp);
        ilock(ip);
        if (type == T_FILE && ip->d.type == T_FILE)
            return ip;
        iunlockput(ip);
        return 0;
    }
    if (!(ip = ialloc(type))) {
        iunlockput(dp);
        return 0;
    }
    ilock(ip);
    ip->d.nlink = 1;
    iupdate(ip);
    if (type == T_DIR &&
        (dirlink(ip, ".", ip->inum) < 0 || dirlink(ip, "..", dp->inum) < 0))
        goto fail;
    if (dirlink(dp, name, ip->inum) < 0)
        goto fail;
    if (type == T_DIR) {
        dp->d.nlink++;          /* the new directory's ".." */
        iupdate(dp);
    }
    iunlockput(dp);
    return ip;

fail:
    ip->d.nlink = 0;            /* iput frees it */
    iupdate(ip);
    iunlockput(ip);
    iunlockput(dp);
    return 0;
}

int32_t sys_open(void)
{
    char path[MAXPATH];
    int flags = argint(1);
    if (argstr(0, path, sizeof path) < 0)
        return -1;
    int writable = (flags & O_WRONLY) || (flags & O_RDWR);
    begin_op();
    struct inode *ip;
    if (flags & O_CREATE) {
        ip = create(path, T_FILE);
    } else if ((ip = namei(path)) != 0) {
        ilock(ip);
    }
    if (!ip) {
        end_op();
        return -1;
    }
    struct file *f = 0;
    int fd = -1;
    if ((ip->d.type == T_DIR && writable) || !(f = filealloc()) || (fd = fdalloc(f)) < 0) {
        iunlockput(ip);
        end_op();
        if (f)
            fileclose(f);
        return -1;
    }
    if ((flags & O_TRUNC) && writable && ip->d.type == T_FILE)
        itrunc(ip);
    f->type = FD_INODE;
    f->ip = ip;
    f->off = 0;
    f->readable = !(flags & O_WRONLY);
    f->writable = (char)writable;
    f->append = (flags & O_APPEND) != 0;
    iunlock(ip);
    end_op();
    return fd;
}

int32_t sys_close(void)
{
    int fd;
    struct file *f = argfd(0, &fd);
    if (!f)
        return -1;
    myproc()->ofile[fd] = 0;
    fileclose(f);
    return 0;
}

int32_t sys_mkdir(void)
{
    char path[MAXPATH];
    if (argstr(0, path, sizeof path) < 0)
        return -1;
    begin_op();
    struct inode *ip = create(path, T_DIR);
    if (ip)
        iunlockput(ip);
    end_op();
    return ip ? 0 : -1;
}

int32_t sys_chdir(void)
{
    char path[MAXPATH];
    struct proc *p = myproc();
    if (argstr(0, path, sizeof path) < 0)
        return -1;
    begin_op();
    struct inode *ip = namei(path);
    if (!ip) {
        end_op();
        return -1;
    }
    ilock(ip);
    if (ip->d.type != T_DIR) {
        iunlockput(ip);
        end_op();
        return -1;
    }
    iunlock(ip);
    iput(p->cwd);
    end_op();
    p->cwd = ip;
    return 0;
}

/* Only "." and ".." in it? (dp locked) */
static int isdirempty(struct inode *dp)
{
    struct dirent de;
    for (uint32_t off = 2 * sizeof de; off < dp->d.size; off += sizeof de) {
        if (readi(dp, 0, (uint32_t)(uintptr_t)&de, off, sizeof de) != sizeof de)
            return 0;
        if (de.inum)
            return 0;
    }
    return 1;
}

/* Remove the name now; the inode and its blocks go when the last open file closes
 * (iput). A directory must be empty; "." and ".." cannot be removed. */
int32_t sys_unlink(void)
{
    char path[MAXPATH], name[DIRSIZ + 1];
    if (argstr(0, path, sizeof path) < 0)
        return -1;
    begin_op();
    struct inode *dp = nameiparent(path, name), *ip = 0;
    if (!dp) {
        end_op();
        return -1;
    }
    ilock(dp);
    uint32_t off;
    if (!namecmp(name, ".") || !namecmp(name, "..") || !(ip = dirlookup(dp, name, &off)))
        goto fail;
    ilock(ip);
    if (ip->d.nlink < 1)
        panic("unlink: inode %u has no links", ip->inum);
    if (ip->d.type == T_DIR && !isdirempty(ip)) {
        iunlockput(ip);
        goto fail;
    }
    struct dirent empty;
    memset(&empty, 0, sizeof empty);
    if (writei(dp, 0, (uint32_t)(uintptr_t)&empty, off, sizeof empty) != sizeof empty)
        panic("unlink: cannot write directory %u", dp->inum);
    if (ip->d.type == T_DIR) {
        dp->d.nlink--;          /* its ".." is gone */
        iupdate(dp);
    }
    iunlockput(dp);
    ip->d.nlink--;
    iupdate(ip);
    iunlockput(ip);
    end_op();
    return 0;

fail:
    iunlockput(dp);
    end_op();
    return -1;
}

int32_t sys_stat(void)
{
    char path[MAXPATH];
    struct kite_stat st;
    if (argstr(0, path, sizeof path) < 0)
        return -1;
    begin_op();
    struct inode *ip = namei(path);
    if (!ip) {
        end_op();
        return -1;
    }
    ilock(ip);
    stati(ip, &st);
    iunlockput(ip);
    end_op();
    return copyout(myproc()->pagetable, argaddr(1), &st, sizeof st);
}

int32_t sys_dup(void)
{
    struct file *f = argfd(0, 0);
    if (!f)
        return -1;
    int fd = fdalloc(f);
    if (fd >= 0)
        filedup(f);
    return fd;
}

/* pipe(fds): fds[0] reads what fds[1] writes. */
int32_t sys_pipe(void)
{
    struct proc *p = myproc();
    struct file *rf, *wf;
    if (pipealloc(&rf, &wf) < 0)
        return -1;
    int fds[2] = { fdalloc(rf), -1 };
    if (fds[0] >= 0)
        fds[1] = fdalloc(wf);
    if (fds[1] < 0 || copyout(p->pagetable, argaddr(0), fds, sizeof fds) < 0) {
        if (fds[0] >= 0)
            p->ofile[fds[0]] = 0;
        if (fds[1] >= 0)
            p->ofile[fds[1]] = 0;
        fileclose(rf);
        fileclose(wf);
        return -1;
    }
    return 0;
}
