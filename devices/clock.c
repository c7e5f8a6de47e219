#include "devices/clock.h"

#include <time.h>

#include "bus/memmap.h"
#include "devices/snapshot.h"

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#define NS_PER_TICK (1000000000u / MEMMAP_TIMEBASE_HZ)

void clock_init(struct clock *c)
{
    *c = (struct clock){ .mode = CLOCK_HOST, .start_ns = host_ns() };
}

void clock_init_manual(struct clock *c)
{
    *c = (struct clock){ .mode = CLOCK_MANUAL };
}

void clock_init_insns(struct clock *c, unsigned shift, uint64_t (*insns)(void *opaque),
                      void *opaque)
{
    *c = (struct clock){ .mode = CLOCK_INSNS, .insns = insns, .insns_opaque = opaque,
                         .shift = shift > 20 ? 20 : shift };
}

void clock_advance(struct clock *c, uint64_t ticks)
{
    c->offset += (int64_t)ticks;
}

uint64_t clock_elapsed_ns(const struct clock *c)
{
    switch (c->mode) {
    case CLOCK_HOST:
        return host_ns() - c->start_ns;
    case CLOCK_INSNS:
        return (c->insns(c->insns_opaque) << c->shift) + c->warp_ns;
    default:
        return 0;
    }
}

uint64_t clock_ticks(const struct clock *c)
{
    /* Harts in threads of their own read it while one may write mtime (under the bus
     * lock): the offset is one atomic word. */
    return clock_elapsed_ns(c) / NS_PER_TICK +
           (uint64_t)__atomic_load_n(&c->offset, __ATOMIC_RELAXED);
}

void clock_set(struct clock *c, uint64_t ticks)
{
    __atomic_store_n(&c->offset, c->offset + (int64_t)(ticks - clock_ticks(c)),
                     __ATOMIC_RELAXED);
}

uint64_t clock_ns_until(const struct clock *c, uint64_t ticks)
{
    uint64_t now = clock_ticks(c);
    if (ticks <= now)
        return 0;
    uint64_t d = ticks - now;
    return d > UINT64_MAX / NS_PER_TICK ? UINT64_MAX : d * NS_PER_TICK;
}

uint64_t clock_insns_until(const struct clock *c, uint64_t ticks)
{
    if (c->mode != CLOCK_INSNS || ticks == UINT64_MAX)
        return UINT64_MAX;
    uint64_t ns = clock_ns_until(c, ticks);
    if (ns == 0)
        return 0;
    /* The instruction at which the clock first reads `ticks`: rounding the remaining
     * time up, less what the current tick has already used. */
    uint64_t in_tick = clock_elapsed_ns(c) % NS_PER_TICK;
    uint64_t need = ns - in_tick;
    uint64_t per = 1ull << c->shift;
    return (need + per - 1) / per;
}

uint64_t clock_insns_until_ns(const struct clock *c, uint64_t ns)
{
    if (c->mode != CLOCK_INSNS)
        return UINT64_MAX;
    uint64_t now = clock_elapsed_ns(c);
    if (ns <= now)
        return 0;
    uint64_t per = 1ull << c->shift;
    return (ns - now + per - 1) / per;
}

void clock_warp_ns(struct clock *c, uint64_t ns)
{
    if (c->mode == CLOCK_INSNS)
        c->warp_ns += ns;
}

void clock_warp_to(struct clock *c, uint64_t ticks)
{
    if (c->mode != CLOCK_INSNS)
        return;
    uint64_t now = clock_ticks(c);
    if (ticks <= now)
        return;
    /* To the first nanosecond of that tick. */
    uint64_t in_tick = clock_elapsed_ns(c) % NS_PER_TICK;
    c->warp_ns += (ticks - now) * NS_PER_TICK - in_tick;
}

uint64_t clock_ticks_cb(void *clock)
{
    return clock_ticks(clock);
}

static const char *const mode_names[] = { "host", "manual", "instruction" };

void clock_save(const struct clock *c, struct snap_writer *w)
{
    snap_put_u32(w, c->mode);
    snap_put_u32(w, c->shift);
    snap_put_u64(w, (uint64_t)c->offset);
    snap_put_u64(w, c->warp_ns);
    snap_put_u64(w, c->mode == CLOCK_HOST ? host_ns() - c->start_ns : 0);
}

int clock_load(struct clock *c, struct snap_reader *r)
{
    uint32_t mode = snap_get_u32(r), shift = snap_get_u32(r);
    int64_t offset = (int64_t)snap_get_u64(r);
    uint64_t warp = snap_get_u64(r), elapsed = snap_get_u64(r);
    if (snap_ok(r) && (mode != c->mode || shift != c->shift))
        return snap_fail(r, "a %s clock (shift %u) saved, this machine's is %s (shift %u)",
                         mode < 3 ? mode_names[mode] : "unknown", shift, mode_names[c->mode],
                         c->shift);
    if (!snap_applying(r))
        return snap_status(r);
    c->offset = offset;
    c->warp_ns = warp;
    if (c->mode == CLOCK_HOST)
        c->start_ns = host_ns() - elapsed;
    return 0;
}
