/*
 * Going back in time, for the debugger's reverse execution (GDB's reverse-stepi,
 * reverse-continue and everything built on them).
 *
 * Under the instruction clock a run is a function of its start and its input. The
 * timeline keeps snapshots of the machine taken as it runs (machine_snapshot_take,
 * every SNAP_EVERY_NS of host time the guest ran, thinned out as they age), and the
 * input in a recording (host/replay.h: the user's --record, a --replay being played, or
 * one kept in memory). Going to an earlier moment is: put the machine back as the last
 * snapshot before it had it, point the recording at the input that came next, and run
 * on to the moment, with the guest's output muted (it was shown the first time).
 *
 * History starts where the timeline was created (the machine's boot) and ends at the
 * latest moment the machine reached; it does not cross a reboot. Moments are machine
 * positions (instructions retired plus traps taken, summed over the harts:
 * machine_position), so one step back is one position back whatever the engine.
 */
#ifndef RVBOX_TIMELINE_H
#define RVBOX_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/hart.h"

struct machine;
struct replay;
struct timeline;

/* A timeline for machine m (under the instruction clock), with r giving and recording
 * its input; its history starts now. NULL with a reason in err. */
struct timeline *timeline_create(struct machine *m, struct replay *r, char *err,
                                 size_t errlen);
void timeline_destroy(struct timeline *t);

/* Between two runs of the machine (before replay_boundary): take a snapshot when one is
 * due. */
void timeline_tick(struct timeline *t);

/* The debugger changed the machine (registers, memory): what history held after this
 * moment will not happen; forget it and start again from here. */
void timeline_rewrite(struct timeline *t);

/* Why a reverse run stopped. */
struct timeline_stop {
    enum hart_stop why;         /* HART_STOP_BUDGET (a step), _BREAKPOINT, _WATCHPOINT */
    unsigned hart;              /* which hart: the one that hit, or took the step undone */
    bool begin;                 /* at the start of history: nothing before it */
    uint32_t watch_addr;        /* HART_STOP_WATCHPOINT: the address and access */
    enum hart_watch watch_kind;
};

/* How the timeline takes the debugger's breakpoints and watchpoints out of the hart
 * (in false) and puts them back (in true): history is re-run at full speed without
 * them where no hit is looked for. */
void timeline_set_breaks(struct timeline *t, void (*fn)(void *opaque, bool in), void *opaque);

/* Go back one position (with several harts: the machine's last step, whichever hart
 * took it; stop->hart says which). At the start of history: stop->begin and nothing
 * moves. 0, or -1 with a reason (the re-run went another way than history: a bug, said
 * as such). */
int timeline_step_back(struct timeline *t, struct timeline_stop *stop, char *err,
                       size_t errlen);

/* Go back to the last breakpoint or watchpoint hit before now, with the hart's
 * breakpoints and watchpoints as they are: at a breakpoint the hart stands before the
 * instruction, at a watchpoint before the instruction that made the access. None in all
 * of history: at its start, stop->begin. */
int timeline_continue_back(struct timeline *t, struct timeline_stop *stop, char *err,
                           size_t errlen);

/* How far back history goes (the first snapshot's position), and how many snapshots
 * and bytes it holds: for `monitor info history`-style reports and tests. */
void timeline_stats(const struct timeline *t, uint64_t *first, size_t *count, size_t *bytes);

#endif
