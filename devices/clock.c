#include "devices/clock.h"

#include <time.h>

#include "bus/memmap.h"

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void clock_init(struct clock *c)
{
    c->start_ns = host_ns();
}

uint64_t clock_ticks(const struct clock *c)
{
    return (host_ns() - c->start_ns) / (1000000000u / MEMMAP_TIMEBASE_HZ);
}

uint64_t clock_ticks_cb(void *clock)
{
    return clock_ticks(clock);
}
