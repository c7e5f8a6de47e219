/*
 * The machine's one clock. Everything that reads time (the time CSR, the CLINT's mtime,
 * the RTC) asks it, in ticks of the 10 MHz timebase.
 *
 * Three ways to run:
 *  - host: it follows the host's monotonic clock (the default);
 *  - instructions (-icount): time is a function of the instructions the hart retired,
 *    2^shift ns each, plus the idle time skipped over (warp): the same inputs give the
 *    same run, to the instruction;
 *  - manual: it moves only when a test says so.
 * A write to the CLINT's mtime moves any of them (an offset).
 */
#ifndef RVBOX_CLOCK_H
#define RVBOX_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

enum clock_mode { CLOCK_HOST, CLOCK_MANUAL, CLOCK_INSNS };

struct clock {
    enum clock_mode mode;
    uint64_t start_ns;      /* host: monotonic time at tick 0 */
    int64_t offset;         /* added to the ticks: clock_set (mtime writes), clock_advance */
    /* instructions: ns = (insns() << shift) + warp_ns */
    uint64_t (*insns)(void *opaque);
    void *insns_opaque;
    unsigned shift;
    uint64_t warp_ns;       /* idle time skipped */
};

void clock_init(struct clock *c);

/* A clock that stands still unless told to move: for tests of devices on virtual time. */
void clock_init_manual(struct clock *c);
void clock_advance(struct clock *c, uint64_t ticks);

/* Time from instructions: `insns` counts the ones retired so far; each is 2^shift ns. */
void clock_init_insns(struct clock *c, unsigned shift, uint64_t (*insns)(void *opaque),
                      void *opaque);

uint64_t clock_ticks(const struct clock *c);

/* Nanoseconds since tick 0 as the clock runs, before any offset (mtime writes): a time
 * base the guest cannot move, for the machine's own schedule. */
uint64_t clock_elapsed_ns(const struct clock *c);

/* Make the clock read `ticks` now (the CLINT's mtime is writable); it runs on from there. */
void clock_set(struct clock *c, uint64_t ticks);

/* Host nanoseconds until the clock reaches `ticks` (0 if it has): how long an idle
 * machine may sleep before a timer deadline. For an instruction clock, the virtual
 * nanoseconds (which pass only as instructions retire or idle time is warped over). */
uint64_t clock_ns_until(const struct clock *c, uint64_t ticks);

/* Instruction clock: instructions until it reads `ticks` (0 if it does), UINT64_MAX
 * never. Other clocks: UINT64_MAX (they do not run on instructions). */
uint64_t clock_insns_until(const struct clock *c, uint64_t ticks);

/* Instruction clock: instructions until clock_elapsed_ns reaches `ns` (0 if it has);
 * other clocks: UINT64_MAX. */
uint64_t clock_insns_until_ns(const struct clock *c, uint64_t ns);

/* Instruction clock: move time forward to `ticks` at once (an idle hart skips to its
 * next deadline), or by `ns`. No effect on the other clocks, nor backwards. */
void clock_warp_to(struct clock *c, uint64_t ticks);
void clock_warp_ns(struct clock *c, uint64_t ns);

/* Snapshots (devices/snapshot.h): the mode, the offset, the warp; for a host clock, the
 * time it reads now, so that after a load it reads on from there. The load refuses a
 * clock of another mode or shift (the machine's configuration). */
struct snap_writer;
struct snap_reader;
void clock_save(const struct clock *c, struct snap_writer *w);
int clock_load(struct clock *c, struct snap_reader *r);

/* For hart_config.time_now. */
uint64_t clock_ticks_cb(void *clock);

#endif
