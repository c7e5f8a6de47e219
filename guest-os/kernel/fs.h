/*
 * The file system (on-disk format: include/kite/fs.h) on the virtio disk. Every block
 * goes straight to the disk (no write-back cache), so what a system call wrote is on the
 * disk when it returns. One sleeplock serialises all file-system work.
 */
#ifndef KITE_KFS_H
#define KITE_KFS_H

#include <stdint.h>

#include "kite/abi.h"
#include "kite/fs.h"

/* An inode in memory. Reference-counted; the on-disk copy is always current. */
struct inode {
    uint32_t inum;
    int ref;
    struct dinode d;
};

void fs_init(void);                 /* read the superblock; panics on a bad disk */
struct inode *namei(const char *path);          /* referenced inode, or 0 */
struct inode *fs_create(const char *path);      /* new empty file (or the existing one) */
int fs_unlink(const char *path);
struct inode *idup(struct inode *ip);
void iput(struct inode *ip);
void itrunc(struct inode *ip);                  /* size 0, blocks freed */
/* Bytes read/written, or -1. `user`: dst/src is a user address in the current process. */
int readi(struct inode *ip, int user, uint32_t dst, uint32_t off, uint32_t n);
int writei(struct inode *ip, int user, uint32_t src, uint32_t off, uint32_t n);
void stati(struct inode *ip, struct kite_stat *st);

#endif
