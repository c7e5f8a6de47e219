/*
 * Record and replay (-icount ...,rr=record|replay,rrfile=F; --record F, --replay F).
 *
 * Under the instruction clock a run is a function of its inputs; this file writes those
 * inputs down and feeds them back. Everything that enters the machine from outside goes
 * through it: serial bytes (a wrapper around the console's chardev), keys and pointer
 * events (a tap on the virtio-input devices), and, once, the RTC's epoch and checksums
 * of the machine as loaded and of every disk. Each event carries the moment it entered:
 * the hart's position (instructions retired plus traps taken) and the guest time (the
 * clock's nanoseconds, which also move while an idle machine's time is skipped), so a
 * replay gives it back in exactly the same machine state. Checkpoints (pc and a hash of
 * the hart's registers) every RR_CHECK_EVERY steps and at the end let a replay that went
 * astray (another disk, another rvbox) say so at the first one that differs.
 *
 * The file: a header (magic "RVBOXRR1", rvbox's version, the epoch, the clock's shift,
 * the checksums), then fixed-size little-endian events; docs/debugging.md describes it.
 */
#ifndef RVBOX_REPLAY_H
#define RVBOX_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/blockdev.h"
#include "devices/chardev.h"

struct machine;
struct replay;

enum replay_mode { REPLAY_RECORD, REPLAY_PLAY };

/* Record: create `path` (NULL: keep the recording in memory only, for the reverse
 * debugger); play: read it whole. NULL with a one-line reason on failure. */
struct replay *replay_open(enum replay_mode mode, const char *path, char *err, size_t errlen);

/* Record: close the file (replay_detach wrote its end); 0 on success. Play: free. */
int replay_close(struct replay *r);

enum replay_mode replay_mode(const struct replay *r);

/* The RTC's epoch: record writes `live` down and returns it; play returns the
 * recording's. */
uint64_t replay_wall_ns(struct replay *r, uint64_t live);

/* The console's input through the recording: record writes down every byte the guest
 * is given; play gives the recorded bytes at their moments, and reads and drops what
 * the live console has (its escapes, Ctrl-A x, are the console's own business). */
struct chardev replay_serial(struct replay *r, struct chardev live);

/* A machine was built (at start, and after each reboot) and loaded: record writes down
 * (first) what identifies it or (after) the reboot; play checks them. `disks` are the
 * machine's disks, `shift` the clock's. Record also taps the input devices. -1 with a
 * reason when the recording is of another machine. */
int replay_attach(struct replay *r, struct machine *m, const struct blockdev *const *disks,
                  unsigned ndisks, unsigned shift, char *err, size_t errlen);

enum replay_step {
    REPLAY_GO,          /* run on */
    REPLAY_END,         /* play: the recording ends here */
    REPLAY_DIVERGED,    /* play: the machine is not where the recording was (reason given) */
};

/* Between two runs of the machine: record writes a checkpoint when one is due; play
 * gives the events that are due now (input, checkpoints to compare). */
enum replay_step replay_boundary(struct replay *r, char *err, size_t errlen);

/* Play: how many steps the next run may take, so that it stops at the next event;
 * UINT64_MAX without one. Record: UINT64_MAX. */
uint64_t replay_limit(const struct replay *r);

/* Record: the idle machine's clock just skipped ahead from `from_ns` (guest ns): write
 * it down, since whether it skipped to a deadline or to the next point where input is
 * served depended on when the host saw input. */
void replay_warped(struct replay *r, uint64_t from_ns);

/* Play, the hart idle: skip the clock ahead as the recording did here. REPLAY_END when
 * the recording has nothing more (cut short), REPLAY_DIVERGED if it did not skip here. */
enum replay_step replay_idle(struct replay *r, char *err, size_t errlen);

/* Play: every event has been given (a recording cut short ends without its end). */
bool replay_finished(const struct replay *r);

/* Why a machine goes away. */
enum replay_why { REPLAY_REBOOT, REPLAY_EXIT, REPLAY_QUIT };

/* The machine is about to go away: record writes down where and why (a reboot, or the
 * end of the recording); play checks that the recording rebooted or ended at the same
 * moment (not for REPLAY_QUIT: the user stopped the replay, or it reached its end).
 * REPLAY_DIVERGED with the reason if not. */
enum replay_step replay_detach(struct replay *r, enum replay_why why, char *err,
                               size_t errlen);

/*
 * Going back in time (host/timeline.c). A recording keeps its events in memory too, so
 * that a machine put back to an earlier moment can live again exactly what followed:
 * after replay_seek to the cursor the moment had, the recorded input is given again
 * (live input is dropped) until the recording's end is reached, and from there on it
 * records live input again.
 */

/* Is input coming from the recording now (a replay, or a recording catching up)? */
bool replay_playing(const struct replay *r);

/* The number of events given or recorded so far: where a snapshot's moment is. */
size_t replay_cursor(const struct replay *r);

/* Go back (or forth) to a cursor replay_cursor gave. */
void replay_seek(struct replay *r, size_t cursor);

/* Record: what was recorded after the cursor did not happen after all (the debugger
 * changed the machine): forget it, in memory and in the file. */
int replay_truncate(struct replay *r);

/* While a machine re-runs history that was already shown: its output goes nowhere. */
void replay_mute(struct replay *r, bool muted);

#endif
