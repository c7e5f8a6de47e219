/* Open files: what a file descriptor points to. Shared between processes by fork/dup. */
#ifndef KITE_FILE_H
#define KITE_FILE_H

#include <stdint.h>

struct inode;
struct pipe;
struct kite_stat;

struct file {
    enum { FD_NONE, FD_CONSOLE, FD_INODE, FD_PIPE } type;
    int ref;                /* guarded by the file table's lock */
    char readable, writable, append;
    struct inode *ip;       /* FD_INODE */
    uint32_t off;           /* FD_INODE: guarded by ip's lock */
    struct pipe *pipe;      /* FD_PIPE */
};

void fileinit(void);
struct file *console_open(void);            /* a new open file on the console */
struct file *filealloc(void);
struct file *filedup(struct file *f);
void fileclose(struct file *f);
int fileread(struct file *f, uint32_t uaddr, int n);    /* user addresses */
int filewrite(struct file *f, uint32_t uaddr, int n);

#endif
