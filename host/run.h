/*
 * The run loop: drives a machine until the guest ends it or the host asks it to stop, and
 * is the one shutdown path for both.
 */
#ifndef RVBOX_RUN_H
#define RVBOX_RUN_H

struct machine;

/* Run until the guest exits (returns its exit status for the process) or SIGINT/SIGTERM
 * arrives (returns 128 + the signal number). */
int run_machine(struct machine *m);

#endif
