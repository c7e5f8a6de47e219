/* Open files (file.h): the system-wide table that file descriptors point into. A
 * spinlock guards every entry's reference count; the other fields are set up before
 * the file is shared and stay put, except the offset (see fileread). */
#include "file.h"

#include "console.h"
#include "fs.h"
#include "lib.h"
#include "param.h"
#include "printf.h"
#include "spinlock.h"

static struct file ftable[NFILE];
static struct spinlock lock;

void fileinit(void)
{
    initlock(&lock, "ftable");
}

struct file *filealloc(void)
{
    struct file *f = 0;
    acquire(&lock);
    for (int i = 0; i < NFILE && !f; i++) {
        if (ftable[i].ref == 0) {
            f = &ftable[i];
            memset(f, 0, sizeof *f);
            f->ref = 1;
        }
    }
    release(&lock);
    return f;
}

struct file *console_open(void)
{
    struct file *f = filealloc();
    if (f) {
        f->type = FD_CONSOLE;
        f->readable = f->writable = 1;
    }
    return f;
}

struct file *filedup(struct file *f)
{
    acquire(&lock);
    if (f->ref < 1)
        panic("filedup: a closed file");
    f->ref++;
    release(&lock);
    return f;
}

void fileclose(struct file *f)
{
    acquire(&lock);
    if (f->ref < 1)
        panic("fileclose: a closed file");
    if (--f->ref > 0) {
        release(&lock);
        return;
    }
    struct inode *ip = f->type == FD_INODE ? f->ip : 0;
    f->type = FD_NONE;
    f->ip = 0;
    release(&lock);
    if (ip)
        iput(ip);               /* may sleep: the slot is already free */
}

int fileread(struct file *f, uint32_t uaddr, int n)
{
    if (!f->readable || n < 0)
        return -1;
    if (f->type == FD_CONSOLE)
        return console_read(1, uaddr, n);
    int r = readi(f->ip, 1, uaddr, f->off, (uint32_t)n);
    if (r > 0)
        f->off += (uint32_t)r;
    return r;
}

int filewrite(struct file *f, uint32_t uaddr, int n)
{
    if (!f->writable || n < 0)
        return -1;
    if (f->type == FD_CONSOLE)
        return console_write(1, uaddr, n);
    if (f->append) {
        struct kite_stat st;
        stati(f->ip, &st);
        f->off = st.size;
    }
    int r = writei(f->ip, 1, uaddr, f->off, (uint32_t)n);
    if (r > 0)
        f->off += (uint32_t)r;
    return r;
}
