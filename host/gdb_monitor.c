/*
 * GDB's `monitor` commands: a thin adapter over rvbox's monitor, so that GDB, Ctrl-A c
 * and -monitor reach one command table (host/monitor.c).
 */
#include "host/gdb_monitor.h"

#include "host/monitor.h"

void gdb_monitor(struct monitor *mon, bool *phys, FILE *out, const char *cmd)
{
    if (!mon) {
        fprintf(out, "this rvbox has no monitor\n");
        return;
    }
    monitor_command(mon, out, phys, cmd);
}
