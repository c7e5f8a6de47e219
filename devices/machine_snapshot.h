/*
 * Snapshots of the whole machine: the hart, the clock, every device on the bus (each
 * region's struct snap_ops, devices/snapshot.h), RAM, and the disks as of that moment
 * through their undo layers (devices/disk_undo.h).
 *
 * Two uses share this:
 *  - in memory, for the reverse debugger, which takes snapshots every so often and goes
 *    back to them often: machine_snapshot_take/_restore/_free. RAM is kept as pages
 *    shared with the previous snapshot where unchanged (and not kept where zero), so a
 *    snapshot costs a compare of RAM plus the pages that changed;
 *  - in a file, named (host/snapshot_file.c), built from machine_state_save, RAM and
 *    the disks' histories, and loaded with machine_state_check then _apply.
 *
 * A load never leaves a machine half loaded: everything is checked first (the machine's
 * configuration, every section, every disk's way back), and only then applied. Call
 * them between machine_run calls, never from inside one.
 */
#ifndef RVBOX_MACHINE_SNAPSHOT_H
#define RVBOX_MACHINE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/machine.h"

struct machine_snapshot;
struct snap_writer;
struct undo_node;

/* ---- in memory ---- */

/* The machine as it is now; NULL when memory is short or some part of the machine has
 * no snapshot support (machine_snapshot_check says which). Writable disks without an
 * undo layer are noted: restoring such a snapshot is refused. */
struct machine_snapshot *machine_snapshot_take(struct machine *m);

/* Put m back as it was at s (taken of m, or of a machine configured alike): 0, or -1
 * with a one-line reason and m untouched (but for an I/O error putting a disk back). */
int machine_snapshot_restore(struct machine *m, const struct machine_snapshot *s, char *err,
                             size_t errlen);

/* Free s; its disk marks are released. Snapshots may be freed in any order, before or
 * after their machine. */
void machine_snapshot_free(struct machine_snapshot *s);

/* The hart's position (instructions retired plus traps) when s was taken. */
uint64_t machine_snapshot_position(const struct machine_snapshot *s);

/* Memory s holds that no older snapshot shares, in bytes (pages it was first to keep,
 * its device state). */
size_t machine_snapshot_bytes(const struct machine_snapshot *s);

/* Does every region of the bus, and every part of every device, have snapshot support?
 * -1 with the first that does not. */
int machine_snapshot_check(const struct machine *m, char *err, size_t errlen);

/* ---- the pieces of a snapshot file ---- */

/* The machine's configuration, as text ("ram=134217728 clock=host disk0=... ..."): a
 * snapshot loads only into a machine whose fingerprint is the same. */
void machine_fingerprint(const struct machine *m, char *buf, size_t len);

/* 0 if alike, else -1 with the first difference ("RAM ... here, ... in the snapshot"). */
int machine_fingerprint_compare(const char *here, const char *saved, char *err,
                                size_t errlen);

/* Every piece of state but RAM and the disks, as sections. -1: out of memory, or a part
 * without snapshot support. */
int machine_state_save(struct machine *m, struct snap_writer *w);

/* The check pass over a saved state: 0 if it would load into m, else -1 with the
 * reason. Changes nothing. */
int machine_state_check(struct machine *m, const void *state, size_t len, char *err,
                        size_t errlen);

/* Load a checked state into m (RAM is the caller's, written before or after), drive
 * every interrupt line to its loaded level and drop the hart's caches. */
void machine_state_apply(struct machine *m, const void *state, size_t len);

/* The machine's disks, slot by slot (NULL where there is none). */
const struct blockdev *machine_disk(const struct machine *m, unsigned slot);

#endif
