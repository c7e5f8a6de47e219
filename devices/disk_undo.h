/*
 * The disk undo layer: a block backend wrapping another, so that snapshots can put a
 * disk back as it was. Every write still reaches the disk below (a guest's writes are
 * never held back or lost); what the layer keeps is the old contents of what was
 * overwritten.
 *
 * The disk's history is a tree of *marks* (one per snapshot that holds a disk state),
 * like commits. The current contents descend from the latest mark (the tip's parent).
 * Once a mark exists, the first write to a 4 KiB block after it saves the block's old
 * contents into the tip's undo set (a write covering part of a block saves all of it).
 * Taking a mark closes that set: it becomes the edge from the previous mark to the new
 * one, holding the changed blocks' contents at the previous mark ("undo").
 *
 * Going back to a mark walks the tree: from the tip up to the closest mark both share,
 * applying each edge's undo, then down to the mark, applying each edge's redo (the
 * blocks' contents at the lower end). Redo is made when a branch is left: the blocks
 * about to be overwritten are read first, so a newer mark stays reachable after an older
 * one was restored (savevm A, savevm B, loadvm A, loadvm B all work). Marks nobody holds
 * any more are merged into their neighbours; when none is held, nothing is kept and
 * writes cost nothing extra.
 *
 * 4 KiB is the page size of most guest file systems and of the virtio driver's requests
 * from Linux, so a block is rarely saved for a write that touches only part of it, and
 * the undo sets stay small tables.
 *
 * The tree is saved and loaded whole (disk_undo_save/_load) by the snapshot file, which
 * checks first that the disk below is the one the tree was saved with.
 */
#ifndef RVBOX_DISK_UNDO_H
#define RVBOX_DISK_UNDO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/blockdev.h"

#define DISK_UNDO_BLOCK 4096u

struct disk_undo;
struct undo_node;
struct snap_writer;
struct snap_reader;

/* A layer over `inner` (which must outlive it); NULL when memory is short. */
struct disk_undo *disk_undo_create(const struct blockdev *inner);
void disk_undo_destroy(struct disk_undo *u);

/* The backend to give the machine: reads and writes pass through; `undo` points back. */
const struct blockdev *disk_undo_backend(struct disk_undo *u);

/* A mark of the disk as it is now, held once by the caller; NULL when memory is short. */
struct undo_node *disk_undo_mark(struct disk_undo *u);

/* Hold a mark once more, or let go of it (the last release frees what only it needed). */
void disk_undo_hold(struct disk_undo *u, struct undo_node *n);
void disk_undo_release(struct disk_undo *u, struct undo_node *n);

/* Put the disk back as it was at mark n: 0, or -1 with a reason (an I/O error of the
 * disk below; the disk is then in between). */
int disk_undo_revert(struct disk_undo *u, struct undo_node *n, char *err, size_t errlen);

/* A mark's number, unique in its disk's history, kept across save and load; and the
 * mark with a number (NULL: none). */
uint64_t disk_undo_node_id(const struct undo_node *n);
struct undo_node *disk_undo_find(struct disk_undo *u, uint64_t id);

/* The mark the disk's contents descend from (NULL: none). */
struct undo_node *disk_undo_tip_parent(struct disk_undo *u);

/* Memory held by saved blocks, in bytes, and how many marks there are. */
size_t disk_undo_bytes(const struct disk_undo *u);
unsigned disk_undo_marks(const struct disk_undo *u);

/* Has the layer passed on a write since it was made (or loaded)? */
bool disk_undo_written(const struct disk_undo *u);

/* Which history the marks' numbers belong to: a number the snapshot file gives each
 * disk's history when it starts one (0 until then), kept with the history, so that a
 * mark number saved in a file is never taken for one of another history. */
uint64_t disk_undo_history(const struct disk_undo *u);
void disk_undo_set_history(struct disk_undo *u, uint64_t id);

/* The whole history as a section (devices/snapshot.h): marks, edges, the tip's set. */
void disk_undo_save(const struct disk_undo *u, struct snap_writer *w);

/* Take a saved history as this disk's, which must be fresh (no mark, no write) and be
 * the disk the history was saved with (the caller checked). No mark is held after it:
 * hold those a snapshot still needs, then disk_undo_prune. -1 with a reason. */
int disk_undo_load(struct disk_undo *u, struct snap_reader *r);

/* Drop every mark nobody holds (after a load). */
void disk_undo_prune(struct disk_undo *u);

/* A CRC-32C over the current contents of every block the history covers, in block
 * order: what a snapshot file keeps to recognise the disk's contents later. -1 on an
 * I/O error. */
int disk_undo_covered_crc(struct disk_undo *u, uint32_t *crc);

#endif
