/*
 * The machine's one clock. Everything that reads time (the time CSR, and later the CLINT's
 * mtime, the RTC, device timeouts) asks it, in ticks of the 10 MHz timebase since the
 * machine was created.
 *
 * In host mode it follows the host's monotonic clock. A deterministic mode (planned)
 * will derive it from the instruction count instead, so that the same inputs give the
 * same run; nothing outside this file will need to change for that.
 */
#ifndef RVBOX_CLOCK_H
#define RVBOX_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct clock {
    bool manual;            /* tests: time moves only by clock_set/clock_advance */
    uint64_t start_ns;      /* host monotonic time at tick 0 */
    int64_t offset;         /* added to the ticks: set by clock_set (mtime writes) */
};

void clock_init(struct clock *c);

/* A clock that stands still unless told to move: for tests of devices on virtual time. */
void clock_init_manual(struct clock *c);
void clock_advance(struct clock *c, uint64_t ticks);

uint64_t clock_ticks(const struct clock *c);

/* Make the clock read `ticks` now (the CLINT's mtime is writable); it runs on from there. */
void clock_set(struct clock *c, uint64_t ticks);

/* Host nanoseconds until the clock reaches `ticks` (0 if it has): how long an idle
 * machine may sleep before a timer deadline. */
uint64_t clock_ns_until(const struct clock *c, uint64_t ticks);

/* For hart_config.time_now. */
uint64_t clock_ticks_cb(void *clock);

#endif
