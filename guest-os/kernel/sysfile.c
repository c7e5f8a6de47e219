/* The system calls about files: descriptors are indexes into the process's ofile[]. */
#include "file.h"
#include "fs.h"
#include "kite/abi.h"
#include "param.h"
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

int32_t sys_open(void)
{
    char path[MAXPATH];
    int flags = argint(1);
    if (argstr(0, path, sizeof path) < 0)
        return -1;
    struct inode *ip = flags & O_CREATE ? fs_create(path) : namei(path);
    if (!ip)
        return -1;
    struct kite_stat st;
    stati(ip, &st);
    int writable = (flags & O_WRONLY) || (flags & O_RDWR);
    if (st.type == T_DIR && writable) {
        iput(ip);
        return -1;
    }
    struct file *f = filealloc();
    int fd = f ? fdalloc(f) : -1;
    if (fd < 0) {
        if (f)
            fileclose(f);
        iput(ip);
        return -1;
    }
    if ((flags & O_TRUNC) && writable)
        itrunc(ip);
    f->type = FD_INODE;
    f->ip = ip;
    f->readable = !(flags & O_WRONLY);
    f->writable = (char)writable;
    f->append = (flags & O_APPEND) != 0;
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

int32_t sys_unlink(void)
{
    char path[MAXPATH];
    if (argstr(0, path, sizeof path) < 0)
        return -1;
    return fs_unlink(path);
}

int32_t sys_stat(void)
{
    char path[MAXPATH];
    struct kite_stat st;
    if (argstr(0, path, sizeof path) < 0)
        return -1;
    struct inode *ip = namei(path);
    if (!ip)
        return -1;
    stati(ip, &st);
    iput(ip);
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
