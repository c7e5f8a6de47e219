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

#include <stdint.h>

struct clock {
    uint64_t start_ns;      /* host monotonic time at tick 0 */
};

void clock_init(struct clock *c);
uint64_t clock_ticks(const struct clock *c);

/* For hart_config.time_now. */
uint64_t clock_ticks_cb(void *clock);

#endif
