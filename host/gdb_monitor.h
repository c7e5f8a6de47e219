/*
 * `monitor` commands for the GDB stub (host/gdbstub.c): help, devices, plic, tlb, pt,
 * vtop, history, phys. Output goes to `out`; `phys` is the stub's memory-access mode.
 */
#ifndef RVBOX_GDB_MONITOR_H
#define RVBOX_GDB_MONITOR_H

#include <stdbool.h>
#include <stdio.h>

struct machine;
struct symbols;

/* Run one command line (modified in place). */
void gdb_monitor(struct machine *m, const struct symbols *syms, bool *phys, FILE *out,
                 char *cmd);

#endif
