/*
 * Named snapshots of a machine in one file (savevm, loadvm, delvm, info snapshots):
 * the machine's state and RAM (zstd), and for every writable disk a mark in its undo
 * layer (devices/disk_undo.h), so that loading a snapshot puts the disks back too. The
 * file also keeps the disks' histories, so that the marks outlive rvbox. The format is
 * in docs/snapshots.md.
 *
 * How the host uses it:
 *   - every writable disk goes under an undo layer (disk_undo_create) that lives as long
 *     as the disk (across guest reboots), and the machine gets the layer's backend;
 *   - at start, before the guest runs: snapshot_file_attach, which reads the disks'
 *     histories from the file (if there is one) after checking that each disk is the
 *     one they were saved with (size, modification time, and a CRC of the blocks they
 *     cover); then -loadvm is snapshot_file_load;
 *   - the monitor's commands are the calls below;
 *   - at a clean exit: snapshot_file_detach (writes down the writes since the last
 *     snapshot, so the file still matches the disk), then close the disks; on any
 *     other way out, snapshot_file_forget before the undo layers go.
 * If rvbox is killed, or the image is edited, after writes since the last save, the
 * next rvbox refuses to load that file's snapshots, with the reason, rather than put a
 * disk back wrongly; the machine's own state loads regardless of diskless snapshots.
 *
 * Every function takes the path and gives 0, or -1 with a one-line reason in err. A load
 * checks everything (file, record checksums, configuration, every section, RAM decoded
 * once in a scratch buffer, every disk's way back) before it changes anything.
 */
#ifndef RVBOX_SNAPSHOT_FILE_H
#define RVBOX_SNAPSHOT_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "host/snapshot_format.h"

struct machine;

struct snapshot_info {
    char name[SNAPFILE_NAME_MAX + 1];
    uint64_t date_ns;           /* when it was saved: ns since 1970 */
    uint64_t position;          /* the hart's position: instructions retired + traps */
    uint64_t guest_ns;          /* guest time since boot */
    uint64_t bytes;             /* its record's size in the file */
};

/* Read the disks' histories from the file at `path` into the machine's disks' undo
 * layers, before the guest writes to them. No file: nothing to read (0). A disk that is
 * not the one the file knows is noted, and its old snapshots refused later. */
int snapshot_file_attach(const char *path, struct machine *m, char *err, size_t errlen);

/* Save the machine as `name` (1 to 63 printable characters), replacing a snapshot of
 * that name. Creates the file if needed. */
int snapshot_file_save(const char *path, const char *name, struct machine *m, char *err,
                       size_t errlen);

/* Put the machine (and its disks) back as snapshot `name` left it. */
int snapshot_file_load(const char *path, const char *name, struct machine *m, char *err,
                       size_t errlen);

/* Delete snapshot `name`; its disk data goes with it unless another snapshot needs it. */
int snapshot_file_delete(const char *path, const char *name, struct machine *m, char *err,
                         size_t errlen);

/* The snapshots in the file, oldest first, in a malloc'd array (*list NULL and *count
 * 0 when there is no file). */
int snapshot_file_list(const char *path, struct snapshot_info **list, size_t *count,
                       char *err, size_t errlen);

/* At a clean exit, with the disks still open: write down the disks' state so that the
 * next rvbox can restore them (nothing if the file does not exist). What this process
 * held of the file for these disks is let go. */
int snapshot_file_detach(const char *path, struct machine *m, char *err, size_t errlen);

/* Let go of what this process holds of the file for m's disks, writing nothing: before
 * their undo layers are destroyed without a detach. */
void snapshot_file_forget(const char *path, struct machine *m);

/* Where the snapshot file goes: `dir` (--snapshot-dir) if given, else beside
 * `first_disk`, else the current directory; named after the disk (IMAGE.rvsnap), or
 * rvbox.rvsnap without one. */
void snapshot_file_default_path(const char *dir, const char *first_disk, char *out,
                                size_t len);

#endif
