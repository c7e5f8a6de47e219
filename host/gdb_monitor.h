/*
 * GDB's `monitor CMD` (qRcmd, host/gdbstub.c): the command goes to rvbox's monitor
 * (host/monitor.h), the one table every console shares; its output goes back to GDB.
 */
#ifndef RVBOX_GDB_MONITOR_H
#define RVBOX_GDB_MONITOR_H

#include <stdbool.h>
#include <stdio.h>

struct monitor;

/* Run one command line; `phys` is the stub's memory-access mode (`monitor phys on`). */
void gdb_monitor(struct monitor *mon, bool *phys, FILE *out, const char *cmd);

#endif
