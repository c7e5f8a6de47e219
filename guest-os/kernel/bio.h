/*
 * The buffer cache: copies of disk blocks in memory. Every file-system read and write
 * of a block goes through it, so a block in use often (an inode block, the bitmap) is
 * read from the disk once, and two processes working on the same block share one copy.
 *
 * bread() returns the block locked (its sleep lock): only one process at a time looks
 * at a buffer's data. Change it, then log_write() it (log.c) inside a transaction, and
 * brelse() it. Nothing is written back to the disk when it leaves the cache: the log
 * writes blocks, at commit.
 */
#ifndef KITE_BIO_H
#define KITE_BIO_H

#include <stdint.h>

#include "kite/fs.h"
#include "sleeplock.h"

struct buf {
    int valid;                  /* data holds the block (read from the disk) */
    uint32_t blockno;
    struct sleeplock lock;      /* guards data (and valid) */
    uint32_t refcnt;            /* users, holders or waiters; guarded by the cache's lock */
    struct buf *prev, *next;    /* in the list, most recently used first */
    uint8_t data[BSIZE];
};

void binit(void);
struct buf *bread(uint32_t blockno);    /* the block, locked; panics on a disk error */
void bwrite(struct buf *b);             /* to the disk now (the log does this) */
void brelse(struct buf *b);             /* unlock; the buffer may be reused */
void bpin(struct buf *b);               /* keep it in the cache (until bunpin) */
void bunpin(struct buf *b);

#endif
