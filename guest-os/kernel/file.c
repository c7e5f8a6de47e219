/* Open files (file.h): the system-wide table that file descriptors point into. A
 * spinlock guards every entry's reference count; the other fields are set up before
 * the file is shared and stay put, except the offset, which the inode's lock guards. */
#include "file.h"

#include "console.h"
#include "fs.h"
#include "lib.h"
#include "log.h"
#include "param.h"
#include "pipe.h"
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
    struct file closed = *f;    /* the slot is free once the lock goes */
    f->type = FD_NONE;
    f->ip = 0;
    f->pipe = 0;
    release(&lock);
    if (closed.type == FD_PIPE) {
        pipeclose(closed.pipe, closed.writable);
    } else if (closed.type == FD_INODE) {
        begin_op();             /* iput may free the inode */
        iput(closed.ip);
        end_op();
    }
}

int fileread(struct file *f, uint32_t uaddr, int n)
{
    if (!f->readable || n < 0)
        return -1;
    if (f->type == FD_CONSOLE)
        return console_read(1, uaddr, n);
    if (f->type == FD_PIPE)
        return piperead(f->pipe, uaddr, n);
    ilock(f->ip);
    int r = readi(f->ip, 1, uaddr, f->off, (uint32_t)n);
    if (r > 0)
        f->off += (uint32_t)r;
    iunlock(f->ip);
    return r;
}

/*
 * A write to a file goes in pieces, each its own transaction: one transaction may
 * write MAXOPBLOCKS blocks, and a piece of `max` bytes writes at most max / BSIZE + 1
 * data blocks (it may straddle two), an indirect block, the inode and two bitmap
 * blocks. So a big write() is not atomic: a power cut may leave its first pieces.
 */
int filewrite(struct file *f, uint32_t uaddr, int n)
{
    if (!f->writable || n < 0)
        return -1;
    if (f->type == FD_CONSOLE)
        return console_write(1, uaddr, n);
    if (f->type == FD_PIPE)
        return pipewrite(f->pipe, uaddr, n);
    const int max = ((MAXOPBLOCKS - 1 - 1 - 2) / 2) * BSIZE;
    int done = 0;
    while (done < n) {
        int chunk = n - done < max ? n - done : max;
        begin_op();
        ilock(f->ip);
        if (f->append)
            f->off = f->ip->d.size;
        int r = writei(f->ip, 1, uaddr + (uint32_t)done, f->off, (uint32_t)chunk);
        if (r > 0)
            f->off += (uint32_t)r;
        iunlock(f->ip);
        end_op();
        if (r < 0)
            return done ? done : -1;
        done += r;
        if (r != chunk)
            break;              /* the disk is full, or the file as big as it gets */
    }
    return done;
}
