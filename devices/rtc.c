/*
 * The goldfish RTC (devices/rtc.h). Its time is the machine clock's, moved to the wall
 * clock: now = wall_ns_at_tick0 + offset + ticks * 100 ns, where `offset` is what the
 * guest's own time setting added. Each TIME_LOW / TIME_HIGH write replaces that half of
 * the current time (as QEMU does), so the time is set by the pair in either order:
 * the header's LOW then HIGH, and Linux's rtc-goldfish, which writes HIGH then LOW.
 *
 * The alarm fires (ALARM_STATUS drops to 0, the interrupt becomes pending) at the first
 * rtc_update() once the time has reached it, or at once if it is armed in the past; the
 * line is the pending interrupt gated by IRQ_ENABLED. 32-bit accesses only.
 */
#include "devices/rtc.h"

#include <stdbool.h>
#include <stdlib.h>

#include "bus/memmap.h"
#include "devices/snapshot.h"

#define RTC_TIME_LOW        0x00
#define RTC_TIME_HIGH       0x04
#define RTC_ALARM_LOW       0x08
#define RTC_ALARM_HIGH      0x0c
#define RTC_IRQ_ENABLED     0x10
#define RTC_CLEAR_ALARM     0x14
#define RTC_ALARM_STATUS    0x18
#define RTC_CLEAR_INTERRUPT 0x1c

#define RTC_NS_PER_TICK (1000000000u / MEMMAP_TIMEBASE_HZ)

struct rtc {
    const struct clock *clock;
    struct irq_line irq;
    uint64_t base_ns;           /* wall time at tick 0, with the guest's settings applied */
    uint32_t time_high;         /* latched by a TIME_LOW read */
    uint64_t alarm_ns;          /* ALARM_HIGH:ALARM_LOW as last written */
    bool alarm_armed;
    bool irq_enabled;
    bool irq_pending;
    bool irq_level;             /* the level the line was last driven to */
    void (*rearm)(void *opaque);    /* the alarm's time moved: see rtc_set_rearm */
    void *rearm_opaque;
};

struct rtc *rtc_create(const struct clock *clock, uint64_t wall_ns_at_tick0, struct irq_line irq)
{
    if (!clock)
        return NULL;
    struct rtc *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->clock = clock;
    r->irq = irq;
    r->base_ns = wall_ns_at_tick0;
    irq_set(&r->irq, false);
    return r;
}

void rtc_destroy(struct rtc *r)
{
    free(r);
}

static uint64_t rtc_now(const struct rtc *r)
{
    return r->base_ns + clock_ticks(r->clock) * RTC_NS_PER_TICK;
}

/* Drives the line only when its level changes (rtc_update runs between every run). */
static void rtc_update_irq(struct rtc *r)
{
    bool level = r->irq_pending && r->irq_enabled;
    if (level != r->irq_level) {
        r->irq_level = level;
        irq_set(&r->irq, level);
    }
}

void rtc_update(struct rtc *r)
{
    if (r->alarm_armed && rtc_now(r) >= r->alarm_ns) {
        r->alarm_armed = false;
        r->irq_pending = true;
    }
    rtc_update_irq(r);
}

uint64_t rtc_next_deadline(const struct rtc *r)
{
    if (!r->alarm_armed)
        return UINT64_MAX;
    if (r->alarm_ns <= r->base_ns)
        return 0;
    uint64_t ns = r->alarm_ns - r->base_ns;
    return ns / RTC_NS_PER_TICK + (ns % RTC_NS_PER_TICK != 0);
}

static uint64_t set_half(uint64_t v, bool high, uint32_t half)
{
    if (high)
        return (v & 0xffffffffull) | (uint64_t)half << 32;
    return (v & ~0xffffffffull) | half;
}

static bool rtc_read(void *opaque, uint32_t off, unsigned size, uint32_t *value)
{
    struct rtc *r = opaque;
    (void)size;
    uint32_t v = 0;
    switch (off) {
    case RTC_TIME_LOW: {
        uint64_t now = rtc_now(r);
        r->time_high = (uint32_t)(now >> 32);
        v = (uint32_t)now;
        break;
    }
    case RTC_TIME_HIGH:
        v = r->time_high;
        break;
    case RTC_ALARM_LOW:
        v = (uint32_t)r->alarm_ns;
        break;
    case RTC_ALARM_HIGH:
        v = (uint32_t)(r->alarm_ns >> 32);
        break;
    case RTC_IRQ_ENABLED:
        v = r->irq_enabled;
        break;
    case RTC_ALARM_STATUS:
        v = r->alarm_armed;
        break;
    default:
        break;                  /* write-only registers and the rest of the page read 0 */
    }
    *value = v;
    return true;
}

static bool rtc_write(void *opaque, uint32_t off, unsigned size, uint32_t value)
{
    struct rtc *r = opaque;
    (void)size;
    switch (off) {
    case RTC_TIME_LOW:
    case RTC_TIME_HIGH: {
        uint64_t now = rtc_now(r);
        r->base_ns += set_half(now, off == RTC_TIME_HIGH, value) - now;
        break;
    }
    case RTC_ALARM_LOW:
        r->alarm_ns = set_half(r->alarm_ns, false, value);
        r->alarm_armed = true;
        break;
    case RTC_ALARM_HIGH:
        r->alarm_ns = set_half(r->alarm_ns, true, value);
        break;
    case RTC_IRQ_ENABLED:
        r->irq_enabled = value & 1;
        break;
    case RTC_CLEAR_ALARM:
        r->alarm_armed = false;
        break;
    case RTC_CLEAR_INTERRUPT:
        r->irq_pending = false;
        break;
    default:
        break;
    }
    rtc_update(r);                  /* an alarm armed in the past fires now */
    if (r->rearm && off <= RTC_ALARM_HIGH)
        r->rearm(r->rearm_opaque);
    return true;
}

void rtc_set_rearm(struct rtc *r, void (*rearm)(void *opaque), void *opaque)
{
    r->rearm = rearm;
    r->rearm_opaque = opaque;
}

/* ---- snapshots: the wall time at tick 0 (so the guest's clock reads on from where it
 * was), the latched high half, the alarm and the interrupt ---- */

SNAP_LAYOUT(struct rtc, 80);

static void rtc_save(const void *opaque, struct snap_writer *w)
{
    const struct rtc *r = opaque;
    snap_put_u64(w, r->base_ns);
    snap_put_u32(w, r->time_high);
    snap_put_u64(w, r->alarm_ns);
    snap_put_bool(w, r->alarm_armed);
    snap_put_bool(w, r->irq_enabled);
    snap_put_bool(w, r->irq_pending);
    snap_put_bool(w, r->irq_level);
}

static int rtc_load(void *opaque, struct snap_reader *rd)
{
    struct rtc *r = opaque;
    struct rtc s = *r;
    s.base_ns = snap_get_u64(rd);
    s.time_high = snap_get_u32(rd);
    s.alarm_ns = snap_get_u64(rd);
    s.alarm_armed = snap_get_bool(rd);
    s.irq_enabled = snap_get_bool(rd);
    s.irq_pending = snap_get_bool(rd);
    s.irq_level = snap_get_bool(rd);
    if (!snap_applying(rd))
        return snap_status(rd);
    *r = s;
    return 0;
}

static void rtc_post_load(void *opaque)
{
    struct rtc *r = opaque;
    irq_set(&r->irq, r->irq_level);
}

static const struct snap_ops rtc_snap = {
    .name = "rtc", .version = 1,
    .save = rtc_save, .load = rtc_load, .post_load = rtc_post_load,
};

enum bus_error rtc_attach(struct rtc *r, struct bus *bus, uint32_t base)
{
    enum bus_error e = bus_add_mmio(bus, "rtc", base, MEMMAP_RTC_SIZE, BUS_SIZE_4, r,
                                    rtc_read, rtc_write);
    if (!e)
        bus_set_snapshot(bus, base, &rtc_snap, r);
    return e;
}
