/* The monitor's snapshot commands (host/monitor_snapshot.h). */
#include "host/monitor_snapshot.h"

#include <inttypes.h>
#include <stdlib.h>
#include <time.h>

#include "host/snapshot_file.h"

void monitor_savevm(FILE *out, struct machine *m, const char *path, const char *name)
{
    char made[32], err[512];
    if (!name) {
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        strftime(made, sizeof made, "vm-%Y%m%d%H%M%S", &tm);
        name = made;
    }
    if (snapshot_file_save(path, name, m, err, sizeof err))
        fprintf(out, "Error: %s\n", err);
}

void monitor_loadvm(FILE *out, struct machine *m, const char *path, const char *name)
{
    char err[512];
    if (snapshot_file_load(path, name, m, err, sizeof err))
        fprintf(out, "Error: %s\n", err);
}

void monitor_delvm(FILE *out, struct machine *m, const char *path, const char *name)
{
    char err[512];
    if (snapshot_file_delete(path, name, m, err, sizeof err))
        fprintf(out, "Error: %s\n", err);
}

/* QEMU's size_to_str: three significant digits and a binary unit ("12.3 MiB"). */
static void size_text(uint64_t bytes, char *buf, size_t len)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    double v = (double)bytes;
    unsigned u = 0;
    while (v >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1024;
        u++;
    }
    snprintf(buf, len, "%0.3g %s", v, units[u]);
}

/* QEMU's table (block/qapi.c, bdrv_snapshot_dump, as of 9.0): the VM clock as guest
 * time since boot; ICOUNT is the hart's position (instructions retired and traps). */
void monitor_info_snapshots(FILE *out, const char *path)
{
    struct snapshot_info *list;
    size_t n;
    char err[512];
    if (snapshot_file_list(path, &list, &n, err, sizeof err)) {
        fprintf(out, "Error: %s\n", err);
        return;
    }
    if (n == 0) {
        fprintf(out, "There is no snapshot available.\n");
        return;
    }
    fprintf(out, "List of snapshots present on all disks:\n");
    fprintf(out, "%-7s %-16s %8s %19s %15s %10s\n", "ID", "TAG", "VM_SIZE", "DATE", "VM_CLOCK",
            "ICOUNT");
    for (size_t i = 0; i < n; i++) {
        const struct snapshot_info *s = &list[i];
        char id[24], size[32], date[32], clock[32], icount[32];
        snprintf(id, sizeof id, "%zu", i + 1);
        size_text(s->bytes, size, sizeof size);
        time_t t = (time_t)(s->date_ns / 1000000000u);
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
        uint64_t secs = s->guest_ns / 1000000000u;
        snprintf(clock, sizeof clock, "%04u:%02u:%02u.%03u", (unsigned)(secs / 3600),
                 (unsigned)(secs / 60 % 60), (unsigned)(secs % 60),
                 (unsigned)(s->guest_ns / 1000000 % 1000));
        snprintf(icount, sizeof icount, "%" PRIu64, s->position);
        fprintf(out, "%-7s %-16s %8s %19s %15s %10s\n", id, s->name, size, date, clock,
                icount);
    }
    free(list);
}
