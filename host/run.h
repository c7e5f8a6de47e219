/*
 * The run loop: drives a machine, feeds it the serial console's input, serves the
 * monitor and the debugger between slices, sleeps while the guest waits (WFI) until its
 * next timer event or input, and stops on the guest's request, Ctrl-A x, the monitor's
 * quit or system_reset, or a signal. It returns why it stopped; the caller takes the one
 * shutdown path (flush disks, restore the terminal) whatever the reason.
 */
#ifndef RVBOX_RUN_H
#define RVBOX_RUN_H

#include <stdbool.h>
#include <stdint.h>

struct host_net;
struct machine;
struct monitor;
struct replay;
struct serial;
struct window;

/* The host ends the machine talks to; monitor and window may be NULL. The GDB stub, if
 * any, is the monitor's (monitor_gdbstub): `gdbserver` may start one while it runs. */
struct run_io {
    struct serial *serial;
    struct monitor *monitor;
    struct window *window;
    struct replay *replay;      /* --record/--replay (or kept in memory), or NULL */
    struct timeline *timeline;  /* reverse execution's snapshots (host/timeline.h), or NULL */
    struct host_net *net;       /* the guest's networks (served every turn), or NULL */
    bool icount_sleep;          /* -icount sleep=on: idle guest time passes in real time */
};

enum run_end {
    RUN_EXITED,         /* the guest powered off or ended through HTIF */
    RUN_REBOOT,         /* the guest asked for a reboot, or the monitor's system_reset */
    RUN_QUIT,           /* Ctrl-A x, the monitor's quit, or the debugger's kill */
    RUN_SIGNAL,         /* SIGINT, SIGTERM or SIGHUP */
    RUN_DIVERGED,       /* a replay went another way than its recording (said on stderr) */
};

/* Catch SIGINT, SIGTERM and SIGHUP so that they end the run loop instead of the process;
 * ignore SIGPIPE. */
void run_catch_signals(void);

/* The signal that ended the last run (RUN_SIGNAL). */
int run_signal(void);

/*
 * The same loop one turn at a time, for a host that must give control back between
 * turns (the browser, host/web_main.c: its page runs turns from its own callbacks).
 * A turn looks at the host, then runs one slice of the guest. RUN_TURN_WAIT: the guest
 * waits (WFI) or is held, and nothing is due for *wait_ns (UINT64_MAX: until input);
 * run_machine sleeps that long unless input, the monitor, the debugger or the window
 * speak first. RUN_TURN_END: the run is over, *end says why.
 */
enum run_turn { RUN_TURN_AGAIN, RUN_TURN_WAIT, RUN_TURN_END };
struct run_loop;
struct run_loop *run_loop_create(struct machine *m, const struct run_io *io);  /* NULL: no memory */
void run_loop_destroy(struct run_loop *l);
enum run_turn run_turn(struct run_loop *l, uint64_t *wait_ns, enum run_end *end);

/* Run the machine until it ends. The monitor and the debugger are served every slice;
 * either may hold the machine (`stop`, a halted GDB): then nothing runs, its clock stands
 * still (machine_hold_clock), and the loop sleeps until one of the host's ends speaks. */
enum run_end run_machine(struct machine *m, const struct run_io *io);

#endif
