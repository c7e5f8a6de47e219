/*
 * The run's snapshots, host/main.c's side of them: where the snapshot file is
 * (--snapshot-dir, else beside the first disk), the undo layer every writable disk lives
 * under for as long as rvbox has it open (across guest reboots), the file taken up at
 * the first boot (and -loadvm), and let go at the end, so that the next rvbox can still
 * put the disks back. The monitor's savevm, loadvm, delvm and info snapshots work on the
 * same file (host/monitor_snapshot.c).
 */
#ifndef RVBOX_SNAPSHOTS_H
#define RVBOX_SNAPSHOTS_H

#include <stdbool.h>
#include <stddef.h>

#include "devices/blockdev.h"

struct machine;
struct snapshots;

/* NULL when memory is short. `first_disk` is the first -drive's file, or NULL. */
struct snapshots *snapshots_create(const char *dir, const char *first_disk);

/* After the last machine is gone, before the disks are closed: the undo layers go. */
void snapshots_destroy(struct snapshots *s);

/* The snapshot file's path. */
const char *snapshots_path(const struct snapshots *s);

/* The backend to give the machine for disk `bd`: a writable one under its undo layer
 * (made at the first call for bd, the same one after), a read-only one as it is. NULL
 * when memory is short. */
const struct blockdev *snapshots_disk(struct snapshots *s, const struct blockdev *bd);

/* At the first boot, before the guest runs: read the disks' histories from the file (a
 * file that cannot be used is said in one line on stderr, and the run goes on), then
 * load snapshot `loadvm` if not NULL: 0, or -1 with the reason in err. */
int snapshots_start(struct snapshots *s, struct machine *m, const char *loadvm, char *err,
                    size_t errlen);

/* At the end of the run (not a reboot), the machine still there: the disks' state
 * written down in the file, if there is one. A failure is said on stderr. */
void snapshots_end(struct snapshots *s, struct machine *m);

#endif
