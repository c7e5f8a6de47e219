/*
 * The write-ahead log (log.h). Blocks a transaction changed are not written to their
 * places at once: log_write() notes them (keeping them in the cache), and at commit
 *
 *   1. write_log     every such block is copied into the log, after its header
 *   2. write_head    the header says how many and where each goes: the commit point
 *   3. install       every block is copied to its place
 *   4. write_head    the header says 0 again
 *
 * Every write waits for the disk to finish before the next starts, so the disk sees
 * them in this order. A power cut before 2 leaves the disk as before the transaction
 * (a log without a header is ignored); after 2, the next boot finds the header and
 * does 3 and 4 again (recover), which is harmless if they had been done already. So a
 * transaction is on the disk whole or not at all. (The header fits in one sector,
 * which a disk writes whole.)
 *
 * Group commit: the operations of several processes may share a transaction. begin_op
 * waits while a commit runs, or while the log could overflow if every operation under
 * way wrote its MAXOPBLOCKS blocks; the last end_op commits. The log's spinlock guards
 * the counts and the header in memory; `committing` keeps everyone else out during a
 * commit, which sleeps on the disk.
 */
#include "log.h"

#include "bio.h"
#include "lib.h"
#include "printf.h"
#include "proc.h"
#include "spinlock.h"

static struct {
    struct spinlock lock;
    uint32_t start;             /* the header block */
    uint32_t size;              /* blocks, header included */
    int outstanding;            /* operations under way (between begin_op and end_op) */
    int committing;
    struct logheader lh;        /* the transaction being built, or committed */
} log;

static void read_head(void)
{
    struct buf *b = bread(log.start);
    memcpy(&log.lh, b->data, sizeof log.lh);
    brelse(b);
}

/* The commit point (when lh.n > 0): from here on, the transaction happened. */
static void write_head(void)
{
    struct buf *b = bread(log.start);
    memcpy(b->data, &log.lh, sizeof log.lh);
    bwrite(b);
    brelse(b);
}

/* Copy each logged block from the cache into the log. */
static void write_log(void)
{
    for (uint32_t i = 0; i < log.lh.n; i++) {
        struct buf *to = bread(log.start + 1 + i);
        struct buf *from = bread(log.lh.block[i]);
        memcpy(to->data, from->data, BSIZE);
        bwrite(to);
        brelse(from);
        brelse(to);
    }
}

/* Copy each block from the log to its place. At boot (`recovering`) the blocks were
 * never pinned; after a commit they were, until now. */
static void install(int recovering)
{
    for (uint32_t i = 0; i < log.lh.n; i++) {
        struct buf *from = bread(log.start + 1 + i);
        struct buf *to = bread(log.lh.block[i]);
        memcpy(to->data, from->data, BSIZE);
        bwrite(to);
        if (!recovering)
            bunpin(to);
        brelse(from);
        brelse(to);
    }
}

static void recover(void)
{
    read_head();
    if (log.lh.n > LOGSIZE)
        panic("log: the header says %u blocks, more than %d", log.lh.n, LOGSIZE);
    if (log.lh.n)
        kprintf("kite: file system: finishing a transaction of %u blocks\n", log.lh.n);
    install(1);
    log.lh.n = 0;
    write_head();
}

void initlog(const struct superblock *sb)
{
    if (sizeof(struct logheader) > 512)
        panic("log: the header must fit in one sector");
    initlock(&log.lock, "log");
    log.start = sb->logstart;
    log.size = sb->nlog;
    if (log.size < LOGSIZE + 1)
        panic("log: %u blocks on the disk, %d wanted", log.size, LOGSIZE + 1);
    recover();
}

void begin_op(void)
{
    acquire(&log.lock);
    for (;;) {
        if (log.committing ||
            log.lh.n + (uint32_t)(log.outstanding + 1) * MAXOPBLOCKS > LOGSIZE) {
            sleep(&log, &log.lock);     /* until a commit ends */
        } else {
            log.outstanding++;
            break;
        }
    }
    release(&log.lock);
}

static void commit(void)
{
    if (log.lh.n == 0)
        return;
    write_log();
    write_head();               /* the commit point */
    install(0);
    log.lh.n = 0;
    write_head();               /* the log is empty again */
}

void end_op(void)
{
    int do_commit = 0;
    acquire(&log.lock);
    if (log.committing)
        panic("end_op: a commit is running");
    if (--log.outstanding == 0) {
        do_commit = 1;
        log.committing = 1;
    } else {
        wakeup(&log);           /* this one's MAXOPBLOCKS are no longer reserved */
    }
    release(&log.lock);
    if (do_commit) {
        commit();               /* sleeps on the disk: no spinlock held */
        acquire(&log.lock);
        log.committing = 0;
        wakeup(&log);
        release(&log.lock);
    }
}

/* Instead of bwrite(b): the block will be written at commit. A block changed twice in
 * one transaction is logged once ("absorption"). */
void log_write(struct buf *b)
{
    acquire(&log.lock);
    if (log.outstanding < 1)
        panic("log_write: outside a transaction");
    uint32_t i = 0;
    while (i < log.lh.n && log.lh.block[i] != b->blockno)
        i++;
    if (i == log.lh.n) {
        if (log.lh.n >= LOGSIZE)
            panic("log_write: the transaction is too big");
        log.lh.block[log.lh.n++] = b->blockno;
        bpin(b);                /* stays cached until install() */
    }
    release(&log.lock);
}
