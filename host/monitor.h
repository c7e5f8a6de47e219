/*
 * The monitor: one table of commands, in QEMU's words (help, info registers/mem/tlb/
 * mtree/qtree/irq/status/snapshots/network/usernet, x, xp, print, stop, cont,
 * system_reset, system_powerdown, quit, screendump, sendkey, log, gdbserver, savevm,
 * loadvm, delvm, hostfwd_add, hostfwd_remove) and rvbox's own from GDB's monitor
 * (devices, plic, tlb, pt, vtop, history, phys), reached three ways:
 *
 *   - Ctrl-A c on the stdio serial console switches it between the guest and a
 *     `(rvbox)` prompt, as QEMU's mon:stdio (host/serial.c: serial_attach_monitor);
 *   - -monitor stdio, pty or tcp:HOST:PORT,server[,nowait]: a console of its own;
 *   - GDB's `monitor CMD` (host/gdbstub.c, through host/gdb_monitor.c).
 *
 * Commands run in the run loop, between two slices of the guest: they see the machine
 * at an instruction boundary and never block it. The guest runs on while a person
 * types, unless `stop` holds it; `cont` lets it go. Holding is the run loop's business
 * (monitor_stopped); so are `quit` and `system_reset`, which end the run the way
 * Ctrl-A x and a guest's reboot do (monitor_take_request).
 *
 * The monitor outlives the machine: a reboot builds a new one, which monitor_attach
 * hands over. It also keeps the GDB stub (-s, -gdb, or one `gdbserver` starts).
 */
#ifndef RVBOX_MONITOR_H
#define RVBOX_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct gdbstub;
struct host_net;
struct machine;
struct pollfd;
struct symbols;
struct trace;

struct monitor_config {
    const char *version;        /* rvbox's, for the banner and `info version` */
    /* -monitor DEV: "stdio", "pty", "tcp:HOST:PORT,server[,nowait]" (also server=on,
     * wait=off); NULL or "none": no console of its own */
    const char *spec;
    const struct symbols *syms; /* borrowed: addresses shown with symbols */
    struct trace *trace;        /* borrowed (may be NULL): `log` switches its items */
    /* The snapshot file savevm, loadvm, delvm and info snapshots use (host/snapshots.h);
     * NULL: they say there is none. */
    const char *snapshot_path;
    /* Why loadvm is refused in this run (a recording or a replay), or NULL. */
    const char *loadvm_refused;
};

struct monitor;

/* 0 on success; -1 with a one-line reason in err. A tcp console without nowait waits
 * here for its first client, as QEMU does. */
int monitor_open(const struct monitor_config *cfg, struct monitor **out, char *err,
                 size_t errlen);

/* Closes its console (the terminal is restored) and the GDB stub it keeps. */
void monitor_close(struct monitor *mon);

/* The machine the commands look at and act on: at every boot, before the run loop
 * (the GDB stub is attached to it too); NULL before the machine is destroyed. */
void monitor_attach(struct monitor *mon, struct machine *m);

/* The guest's networks, for `info network`, `info usernet`, `hostfwd_add` and
 * `hostfwd_remove` (borrowed; NULL: none). */
void monitor_set_net(struct monitor *mon, struct host_net *net);

/* The GDB stub (-s, -gdb): the monitor keeps it from now on, and `gdbserver` may replace
 * it. `spec` ("tcp::1234") names it in messages. */
void monitor_set_gdbstub(struct monitor *mon, struct gdbstub *g, const char *spec);
struct gdbstub *monitor_gdbstub(const struct monitor *mon);

/*
 * The run loop's side, once per turn.
 */

/* Read the console's input and run the commands it completes; release keys whose
 * `sendkey` hold time is over. Never blocks. */
void monitor_pump(struct monitor *mon);

/* What the console waits on (fd -1: nothing), for the loop's sleep. */
void monitor_pollfd(const struct monitor *mon, struct pollfd *p);

/* Host nanoseconds until the monitor has something to do by itself (keys to release),
 * UINT64_MAX if nothing. */
uint64_t monitor_next_event_ns(const struct monitor *mon);

enum monitor_request {
    MONITOR_NONE,
    MONITOR_QUIT,               /* quit: the same way out as Ctrl-A x */
    MONITOR_RESET,              /* system_reset: build the machine again, as a reboot */
};

/* What a command asked of the run loop (then forgotten). */
enum monitor_request monitor_take_request(struct monitor *mon);

/* `stop` holds the guest until `cont`. */
bool monitor_stopped(const struct monitor *mon);

/* The run loop tells whether the debugger holds the machine now. When the debugger lets
 * it run again (continue, step), an earlier `stop` is over too: as in QEMU, there is one
 * run state, and the last to act decides. */
void monitor_debugger_holds(struct monitor *mon, bool held);

/*
 * One command line, for GDB's `monitor` (qRcmd): the output goes to `out` with plain
 * '\n' line ends. `*phys` is the caller's memory-access mode, which `phys` switches.
 */
void monitor_command(struct monitor *mon, FILE *out, bool *phys, const char *line);

/*
 * A console on which a person talks to the monitor: a line editor (echo, backspace,
 * Ctrl-U, up and down through the history) and the `(rvbox) ` prompt. Its output goes
 * through `write`, with "\r\n" line ends as QEMU's.
 */
struct monitor_term;

struct monitor_term *monitor_term_create(struct monitor *mon,
                                         void (*write)(void *opaque, const char *text,
                                                       size_t len),
                                         void *opaque);
void monitor_term_destroy(struct monitor_term *t);

/* The console switched to the monitor: the banner the first time, then the prompt. */
void monitor_term_enter(struct monitor_term *t);

/* Bytes typed on it. */
void monitor_term_input(struct monitor_term *t, const void *buf, size_t len);

#endif
