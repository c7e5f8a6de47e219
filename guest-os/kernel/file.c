/* Open files (file.h): the system-wide table that file descriptors point into. */
#include "file.h"

#include "console.h"
#include "fs.h"
#include "lib.h"
#include "param.h"

static struct file ftable[NFILE];

struct file *filealloc(void)
{
    for (int i = 0; i < NFILE; i++) {
        if (ftable[i].ref == 0) {
            memset(&ftable[i], 0, sizeof ftable[i]);
            ftable[i].ref = 1;
            return &ftable[i];
        }
    }
    return 0;
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
    f->ref++;
    return f;
}

void fileclose(struct file *f)
{
    if (--f->ref > 0)
        return;
    struct inode *ip = f->type == FD_INODE ? f->ip : 0;
    f->type = FD_NONE;
    f->ip = 0;
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
