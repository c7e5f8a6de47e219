/*
 * The run loop: drives a machine, feeds it the serial console's input, sleeps while the
 * guest waits (WFI) until its next timer event or input, and stops on the guest's
 * request, Ctrl-A x, or a signal. It returns why it stopped; the caller takes the one
 * shutdown path (flush disks, restore the terminal) whatever the reason.
 */
#ifndef RVBOX_RUN_H
#define RVBOX_RUN_H

#include <stdbool.h>

struct gdbstub;
struct machine;
struct replay;
struct serial;
struct window;

/* The host ends the machine talks to; gdb and window may be NULL. */
struct run_io {
    struct serial *serial;
    struct gdbstub *gdb;
    struct window *window;
    struct replay *replay;      /* --record/--replay, or NULL */
    bool icount_sleep;          /* -icount sleep=on: idle guest time passes in real time */
};

enum run_end {
    RUN_EXITED,         /* the guest powered off or ended through HTIF */
    RUN_REBOOT,         /* the guest asked for a reboot */
    RUN_QUIT,           /* Ctrl-A x, or the debugger killed the machine */
    RUN_SIGNAL,         /* SIGINT, SIGTERM or SIGHUP */
    RUN_DIVERGED,       /* a replay went another way than its recording (said on stderr) */
};

/* Catch SIGINT, SIGTERM and SIGHUP so that they end the run loop instead of the process;
 * ignore SIGPIPE. */
void run_catch_signals(void);

/* The signal that ended the last run (RUN_SIGNAL). */
int run_signal(void);

/* Run the machine until it ends; `gdb` (may be NULL) is served every slice and may hold
 * the machine halted. */
enum run_end run_machine(struct machine *m, const struct run_io *io);

#endif
