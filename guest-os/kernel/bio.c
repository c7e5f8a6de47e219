/*
 * The buffer cache (bio.h): NBUF buffers in a list kept in order of use, most recent
 * first. A block's buffer is found by walking the list; a block not cached takes the
 * least recently used buffer nobody holds.
 *
 * Two kinds of lock: the cache's spinlock guards the list, every blockno and refcnt
 * (which buffer holds which block, and who uses it); each buffer's sleep lock guards
 * its data, and is held from bread() to brelse(), across the disk read.
 */
#include "bio.h"

#include "param.h"
#include "printf.h"
#include "spinlock.h"
#include "virtio_blk.h"

_Static_assert(NBUF >= LOGSIZE + 8, "the log may pin LOGSIZE buffers; others need some too");

static struct {
    struct spinlock lock;
    struct buf buf[NBUF];
    struct buf head;            /* the list's ends: head.next is the most recent */
} cache;

void binit(void)
{
    initlock(&cache.lock, "bcache");
    cache.head.prev = cache.head.next = &cache.head;
    for (struct buf *b = cache.buf; b < cache.buf + NBUF; b++) {
        initsleeplock(&b->lock, "buffer");
        b->next = cache.head.next;
        b->prev = &cache.head;
        cache.head.next->prev = b;
        cache.head.next = b;
    }
}

/* The buffer for blockno, locked, valid or not. */
static struct buf *bget(uint32_t blockno)
{
    acquire(&cache.lock);
    for (struct buf *b = cache.head.next; b != &cache.head; b = b->next) {
        if (b->blockno == blockno) {
            b->refcnt++;
            release(&cache.lock);
            acquiresleep(&b->lock);     /* another process may be using it */
            return b;
        }
    }
    /* Not cached: the least recently used buffer that nobody uses. */
    for (struct buf *b = cache.head.prev; b != &cache.head; b = b->prev) {
        if (b->refcnt == 0) {
            b->blockno = blockno;
            b->valid = 0;
            b->refcnt = 1;
            release(&cache.lock);
            acquiresleep(&b->lock);
            return b;
        }
    }
    panic("bget: all %d buffers are in use", NBUF);
}

struct buf *bread(uint32_t blockno)
{
    struct buf *b = bget(blockno);
    if (!b->valid) {
        if (vblk_rw(blockno * (BSIZE / 512), b->data, BSIZE, 0) < 0)
            panic("bread: cannot read block %u", blockno);
        b->valid = 1;
    }
    return b;
}

void bwrite(struct buf *b)
{
    if (!holdingsleep(&b->lock))
        panic("bwrite: buffer not locked");
    if (vblk_rw(b->blockno * (BSIZE / 512), b->data, BSIZE, 1) < 0)
        panic("bwrite: cannot write block %u", b->blockno);
}

/* Done with it: it moves to the front of the list, the last to be reused. */
void brelse(struct buf *b)
{
    if (!holdingsleep(&b->lock))
        panic("brelse: buffer not locked");
    releasesleep(&b->lock);
    acquire(&cache.lock);
    if (--b->refcnt == 0) {
        b->next->prev = b->prev;
        b->prev->next = b->next;
        b->next = cache.head.next;
        b->prev = &cache.head;
        cache.head.next->prev = b;
        cache.head.next = b;
    }
    release(&cache.lock);
}

/* The log keeps a block it will write at commit in the cache by holding a reference. */
void bpin(struct buf *b)
{
    acquire(&cache.lock);
    b->refcnt++;
    release(&cache.lock);
}

void bunpin(struct buf *b)
{
    acquire(&cache.lock);
    b->refcnt--;
    release(&cache.lock);
}
