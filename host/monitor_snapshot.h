/*
 * The monitor's snapshot commands, in QEMU's words: savevm [NAME], loadvm NAME,
 * delvm NAME, info snapshots, on the run's snapshot file (host/snapshot_file.h). They
 * run between two slices of the guest, like every monitor command; what they print
 * goes to `out`, a failure as QEMU's "Error: ..." line.
 */
#ifndef RVBOX_MONITOR_SNAPSHOT_H
#define RVBOX_MONITOR_SNAPSHOT_H

#include <stdio.h>

struct machine;

/* NULL name: QEMU's vm-YYYYMMDDHHMMSS. */
void monitor_savevm(FILE *out, struct machine *m, const char *path, const char *name);
void monitor_loadvm(FILE *out, struct machine *m, const char *path, const char *name);
void monitor_delvm(FILE *out, struct machine *m, const char *path, const char *name);
void monitor_info_snapshots(FILE *out, const char *path);

#endif
