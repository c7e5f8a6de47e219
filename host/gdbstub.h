/*
 * A GDB remote stub: GDB's remote serial protocol over TCP on 127.0.0.1, with QEMU's
 * options (-s = -gdb tcp::1234, -S = hold the hart at reset until the debugger says
 * continue). `gdb-multiarch -ex 'target remote :1234' prog.elf` attaches.
 *
 * What GDB gets: the integer registers and pc, every CSR and the privilege mode (a target
 * description with org.gnu.gdb.riscv.cpu, .csr and .virtual), memory as the hart sees it
 * through the MMU (or physical, `monitor phys on`), breakpoints (Z0 and Z1, both kept by
 * the hart: memory is never patched), watchpoints (Z2 write, Z3 read, Z4 access),
 * continue, stepi, Ctrl-C, detach, kill, and monitor commands for rvbox's state
 * (`monitor help`). Under the instruction clock, reverse execution too (bs, bc). A guest's own ebreak traps to the guest as usual, debugger or not.
 *
 * How the run loop drives it, once per slice:
 *
 *   budget = gdbstub_poll(g, SLICE);   serve the socket; how much may run now
 *   GDBSTUB_KILL -> end the run;  0 -> gdbstub_wait(g, ms) and poll again
 *   machine_run(m, budget); gdbstub_ran(g, why the hart stopped)
 *
 * While GDB holds the machine halted nothing runs and the loop sleeps in poll(): no busy
 * waiting. Connecting halts the machine (GDB expects a stopped target); detaching or
 * closing the connection removes every breakpoint and lets it run; another connection
 * may come after.
 */
#ifndef RVBOX_GDBSTUB_H
#define RVBOX_GDBSTUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/hart.h"

struct machine;
struct symbols;

struct gdb_options {
    const char *spec;           /* "tcp::1234" (-s, -gdb), for messages; NULL: no stub */
    uint16_t port;              /* 0: any free port, printed at start */
    bool wait;                  /* -S: the hart waits at reset for the debugger */
};

/* Parse -s, -S and -gdb tcp::PORT (also tcp:127.0.0.1:PORT, tcp:localhost:PORT) if
 * `name` is one of them; a value is taken from argv[*i + 1]. 1: ours; 0: not ours;
 * -1: bad value (one-line reason in err). */
int gdbstub_option(struct gdb_options *o, const char *name, int *i, int argc, char **argv,
                   char *err, size_t errlen);

/* The option lines for --help. */
extern const char gdbstub_help[];

struct gdbstub;

/* Start listening when the options ask for a debugger (*out NULL when they do not).
 * 0 on success; -1 with a one-line reason in err ("-gdb tcp::1234: Address already in
 * use"). `syms` (may be NULL) is borrowed, for `monitor history`. */
int gdbstub_open(const struct gdb_options *o, const struct symbols *syms,
                 struct gdbstub **out, char *err, size_t errlen);
void gdbstub_close(struct gdbstub *g);

/* A new machine to debug: at start and after every reboot. Breakpoints and watchpoints
 * GDB has set are put into its hart. */
void gdbstub_attach(struct gdbstub *g, struct machine *m);

#define GDBSTUB_KILL (-1)

/* Serve the debugger: accept a connection, read what arrived, answer packets. Returns
 * how many instructions the machine may run now: 0 while it is held halted, 1 for a
 * single step, `slice` when it runs freely; GDBSTUB_KILL when GDB killed it. */
long gdbstub_poll(struct gdbstub *g, long slice);

/* Sleep until the debugger's socket has something (or timeout_ms passes). */
void gdbstub_wait(struct gdbstub *g, int timeout_ms);

/* The descriptor to add to the run loop's idle poll() (the connection, else the
 * listening socket), so that Ctrl-C or a connection wakes an idle guest. */
int gdbstub_fd(const struct gdbstub *g);

/* After machine_run with a budget from gdbstub_poll: why the hart stopped. A finished
 * step, a breakpoint or a watchpoint halts the machine and tells GDB. */
void gdbstub_ran(struct gdbstub *g, enum hart_stop stop);

/* The guest ended (HTIF exit, poweroff) with this code: tell GDB ("W" packet). */
void gdbstub_exited(struct gdbstub *g, uint32_t code);

struct monitor;

/* Where `monitor CMD` goes: rvbox's monitor (host/monitor.h), the same commands as its
 * other consoles. Without one, GDB's monitor commands are refused. */
void gdbstub_set_monitor(struct gdbstub *g, struct monitor *mon);

struct timeline;

/* Reverse execution (bs, bc; GDB's reverse-stepi, reverse-continue, ...) through this
 * machine's timeline (host/timeline.h); NULL: not offered. Set after gdbstub_attach. */
void gdbstub_set_timeline(struct gdbstub *g, struct timeline *t);

/* Is a debugger connected now? */
bool gdbstub_connected(const struct gdbstub *g);

#endif
