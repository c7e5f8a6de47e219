/*
 * The write-ahead log: it makes each file-system operation all-or-nothing on the disk,
 * whenever the power goes (log.c, docs/06-filesystem.md).
 *
 *     begin_op();
 *     b = bread(...); change b->data; log_write(b); brelse(b);   (any number, up to
 *     ...                                                        MAXOPBLOCKS blocks)
 *     end_op();
 *
 * log_write() replaces bwrite(): the block is written at commit, first to the log.
 */
#ifndef KITE_LOG_H
#define KITE_LOG_H

#include "kite/fs.h"

struct buf;

void initlog(const struct superblock *sb);     /* and recover: install what was committed */
void begin_op(void);                            /* a file-system system call starts */
void end_op(void);                              /* ... and ends; the last one commits */
void log_write(struct buf *b);                  /* b (locked) is part of this transaction */

#endif
