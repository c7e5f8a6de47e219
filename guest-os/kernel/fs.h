/*
 * The file system (on-disk format: include/kite/fs.h): inodes, directories and path
 * names, on top of the buffer cache (bio.h) and the log (log.h). docs/06-filesystem.md
 * walks through the layers.
 *
 * An inode in memory is shared: iget() finds or makes the one copy and counts a
 * reference, iput() drops it. Its contents (d) are read from the disk and guarded by
 * its sleep lock: ilock() before looking at d or calling readi/writei/stati and the
 * directory functions, iunlock() after. Anything that may write the disk (writei,
 * iupdate, itrunc, dirlink, ialloc, and iput, which frees an inode whose last link and
 * last reference are gone) runs inside a transaction: begin_op() ... end_op().
 */
#ifndef KITE_KFS_H
#define KITE_KFS_H

#include <stdint.h>

#include "kite/abi.h"
#include "kite/fs.h"
#include "sleeplock.h"

struct inode {
    uint32_t inum;
    int ref;                    /* references; guarded by the inode table's lock */
    struct sleeplock lock;      /* guards valid and d */
    int valid;                  /* d was read from the disk */
    struct dinode d;            /* the on-disk inode */
};

void iinit(void);                   /* the inode table's locks (at boot) */
void fs_init(void);                 /* read the superblock, recover the log (process) */

struct inode *ialloc(uint16_t type);            /* a new inode on the disk, referenced */
struct inode *idup(struct inode *ip);
void ilock(struct inode *ip);
void iunlock(struct inode *ip);
void iput(struct inode *ip);
void iunlockput(struct inode *ip);              /* iunlock, then iput */
void iupdate(struct inode *ip);                 /* d back to the disk (through the log) */
void itrunc(struct inode *ip);                  /* size 0, blocks freed */
void stati(struct inode *ip, struct kite_stat *st);
/* Bytes read/written, or -1. `user`: dst/src is a user address in the current process.
 * writei writes at most what fits in one transaction's share (see filewrite). */
int readi(struct inode *ip, int user, uint32_t dst, uint32_t off, uint32_t n);
int writei(struct inode *ip, int user, uint32_t src, uint32_t off, uint32_t n);

/* Directories (dp locked): look a name up (its inode, referenced, not locked; *offp is
 * the entry's offset), add an entry (0, or -1 if the name is taken or no room). */
struct inode *dirlookup(struct inode *dp, const char *name, uint32_t *offp);
int dirlink(struct inode *dp, const char *name, uint32_t inum);
int namecmp(const char *a, const char *b);

/* Path names, absolute or from the current directory: the inode (referenced, not
 * locked), or 0. nameiparent stops one short: the directory, and the last element in
 * name (DIRSIZ + 1 bytes). */
struct inode *namei(const char *path);
struct inode *nameiparent(const char *path, char *name);

#endif
