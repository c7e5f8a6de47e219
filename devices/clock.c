#include "devices/clock.h"

#include <time.h>

#include "bus/memmap.h"

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#define NS_PER_TICK (1000000000u / MEMMAP_TIMEBASE_HZ)

void clock_init(struct clock *c)
{
    c->manual = false;
    c->start_ns = host_ns();
    c->offset = 0;
}

void clock_init_manual(struct clock *c)
{
    c->manual = true;
    c->start_ns = 0;
    c->offset = 0;
}

void clock_advance(struct clock *c, uint64_t ticks)
{
    c->offset += (int64_t)ticks;
}

uint64_t clock_ticks(const struct clock *c)
{
    uint64_t elapsed = c->manual ? 0 : (host_ns() - c->start_ns) / NS_PER_TICK;
    return elapsed + (uint64_t)c->offset;
}

void clock_set(struct clock *c, uint64_t ticks)
{
    c->offset += (int64_t)(ticks - clock_ticks(c));
}

uint64_t clock_ns_until(const struct clock *c, uint64_t ticks)
{
    uint64_t now = clock_ticks(c);
    if (ticks <= now)
        return 0;
    uint64_t d = ticks - now;
    return d > UINT64_MAX / NS_PER_TICK ? UINT64_MAX : d * NS_PER_TICK;
}

uint64_t clock_ticks_cb(void *clock)
{
    return clock_ticks(clock);
}
