/*
 * The CLINT: msip and mtimecmp per hart, mtime from the machine's clock (devices/clint.h).
 * The region takes 32-bit accesses only; rv32 software reaches the 64-bit registers half
 * by half. Offsets that name no register (or a hart beyond nharts) read 0 and ignore
 * writes, as a guest's mistake is never fatal.
 */
#include "devices/clint.h"

#include <stdlib.h>

#include "bus/log.h"
#include "bus/memmap.h"
#include "devices/snapshot.h"

#define CLINT_MSIP      0x0000u     /* + 4 * hart */
#define CLINT_MTIMECMP  0x4000u     /* + 8 * hart */
#define CLINT_MTIME     0xbff8u

struct clint {
    unsigned nharts;
    struct clock *clock;
    struct irq_line msip_line[CLINT_MAX_HARTS];
    struct irq_line mtip_line[CLINT_MAX_HARTS];
    uint32_t msip[CLINT_MAX_HARTS];         /* bit 0 only */
    uint64_t mtimecmp[CLINT_MAX_HARTS];
    bool mtip[CLINT_MAX_HARTS];             /* the level each MTIP line was last driven to */
    void (*rearm)(void *opaque);            /* a deadline moved: see clint_set_rearm */
    void *rearm_opaque;
    struct guest_log *log;                  /* -d guest_errors: the bus's, once attached */
};

struct clint *clint_create(unsigned nharts, struct clock *clock, const struct irq_line *msip,
                           const struct irq_line *mtip)
{
    if (nharts == 0 || nharts > CLINT_MAX_HARTS || !clock)
        return NULL;
    struct clint *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->nharts = nharts;
    c->clock = clock;
    for (unsigned i = 0; i < nharts; i++) {
        if (msip)
            c->msip_line[i] = msip[i];
        if (mtip)
            c->mtip_line[i] = mtip[i];
    }
    clint_reset(c);
    return c;
}

void clint_destroy(struct clint *c)
{
    free(c);
}

void clint_reset(struct clint *c)
{
    for (unsigned i = 0; i < c->nharts; i++) {
        c->msip[i] = 0;
        c->mtimecmp[i] = UINT64_MAX;
        c->mtip[i] = false;
        irq_set(&c->msip_line[i], false);
        irq_set(&c->mtip_line[i], false);
    }
    clint_update(c);
}

/* One clock read for all harts (a clock_gettime in host mode), and a line is driven only
 * when its level changes: each hart_set_irq makes the hart re-check its interrupts. */
void clint_update(struct clint *c)
{
    uint64_t now = clock_ticks(c->clock);
    for (unsigned i = 0; i < c->nharts; i++) {
        bool level = now >= c->mtimecmp[i];
        if (level != c->mtip[i]) {
            c->mtip[i] = level;
            irq_set(&c->mtip_line[i], level);
        }
    }
}

/* A deadline that has passed but whose line clint_update has not raised yet still
 * counts (it is in the past, so the caller does not sleep): otherwise a deadline
 * crossed between the last update and an idle wait would be slept through. */
uint64_t clint_next_deadline(const struct clint *c)
{
    uint64_t next = UINT64_MAX;
    for (unsigned i = 0; i < c->nharts; i++)
        if (!c->mtip[i] && c->mtimecmp[i] < next)
            next = c->mtimecmp[i];
    return next;
}

void clint_set_rearm(struct clint *c, void (*rearm)(void *opaque), void *opaque)
{
    c->rearm = rearm;
    c->rearm_opaque = opaque;
}

/* Replace the 32-bit half of `reg` that `off` (0 or 4) names. */
static uint64_t set_half(uint64_t reg, uint32_t off, uint32_t value)
{
    if (off)
        return (reg & 0xffffffffull) | (uint64_t)value << 32;
    return (reg & ~0xffffffffull) | value;
}

static uint32_t get_half(uint64_t reg, uint32_t off)
{
    return (uint32_t)(off ? reg >> 32 : reg);
}

static bool clint_read(void *opaque, uint32_t off, unsigned size, uint32_t *value)
{
    struct clint *c = opaque;
    (void)size;
    *value = 0;
    if (off < CLINT_MSIP + 4 * c->nharts) {
        *value = c->msip[off / 4];
    } else if (off >= CLINT_MTIMECMP && off < CLINT_MTIMECMP + 8 * c->nharts) {
        uint32_t rel = off - CLINT_MTIMECMP;
        *value = get_half(c->mtimecmp[rel / 8], rel % 8);
    } else if (off >= CLINT_MTIME && off < CLINT_MTIME + 8) {
        *value = get_half(clock_ticks(c->clock), off - CLINT_MTIME);
        clint_update(c);        /* a guest that saw mtime pass mtimecmp sees MTIP too */
    } else {
        GUEST_LOG(c->log, GUEST_LOG_ERROR, "clint: read of offset %04x, which is no "
                  "register (%u hart%s): reads 0", off, c->nharts, c->nharts == 1 ? "" : "s");
    }
    return true;
}

static bool clint_write(void *opaque, uint32_t off, unsigned size, uint32_t value)
{
    struct clint *c = opaque;
    (void)size;
    if (off < CLINT_MSIP + 4 * c->nharts) {
        unsigned hart = off / 4;
        if (c->msip[hart] != (value & 1)) {
            c->msip[hart] = value & 1;
            irq_set(&c->msip_line[hart], c->msip[hart]);
        }
        return true;
    }
    if (off >= CLINT_MTIMECMP && off < CLINT_MTIMECMP + 8 * c->nharts) {
        uint32_t rel = off - CLINT_MTIMECMP;
        c->mtimecmp[rel / 8] = set_half(c->mtimecmp[rel / 8], rel % 8, value);
    } else if (off >= CLINT_MTIME && off < CLINT_MTIME + 8) {
        clock_set(c->clock, set_half(clock_ticks(c->clock), off - CLINT_MTIME, value));
    } else {
        GUEST_LOG(c->log, GUEST_LOG_ERROR, "clint: write of %08x to offset %04x, which is no "
                  "register (%u hart%s): ignored", value, off, c->nharts,
                  c->nharts == 1 ? "" : "s");
        return true;
    }
    clint_update(c);
    if (c->rearm)
        c->rearm(c->rearm_opaque);
    return true;
}

/* ---- snapshots: msip, mtimecmp and the level of each MTIP line; mtime is the clock's.
 * The log is the bus's (configuration), not state ---- */

SNAP_LAYOUT(struct clint, 528);

static void clint_save(const void *opaque, struct snap_writer *w)
{
    const struct clint *c = opaque;
    snap_put_u32(w, c->nharts);
    for (unsigned i = 0; i < c->nharts; i++) {
        snap_put_u32(w, c->msip[i]);
        snap_put_u64(w, c->mtimecmp[i]);
        snap_put_bool(w, c->mtip[i]);
    }
}

static int clint_load(void *opaque, struct snap_reader *r)
{
    struct clint *c = opaque;
    struct clint s = *c;
    uint32_t n = snap_get_u32(r);
    if (snap_ok(r) && n != c->nharts)
        return snap_fail(r, "%u harts saved, this CLINT has %u", n, c->nharts);
    for (unsigned i = 0; i < n && snap_ok(r); i++) {
        s.msip[i] = snap_get_u32(r);
        s.mtimecmp[i] = snap_get_u64(r);
        s.mtip[i] = snap_get_bool(r);
        if (s.msip[i] > 1)
            return snap_fail(r, "msip[%u] = %u", i, s.msip[i]);
    }
    if (!snap_applying(r))
        return snap_status(r);
    *c = s;
    return 0;
}

/* The hart's MSIP and MTIP lines at the loaded levels. */
static void clint_post_load(void *opaque)
{
    struct clint *c = opaque;
    for (unsigned i = 0; i < c->nharts; i++) {
        irq_set(&c->msip_line[i], c->msip[i]);
        irq_set(&c->mtip_line[i], c->mtip[i]);
    }
}

static const struct snap_ops clint_snap = {
    .name = "clint", .version = 1,
    .save = clint_save, .load = clint_load, .post_load = clint_post_load,
};

enum bus_error clint_attach(struct clint *c, struct bus *bus, uint32_t base)
{
    c->log = bus_log(bus);
    enum bus_error e = bus_add_mmio(bus, "clint", base, MEMMAP_CLINT_SIZE, BUS_SIZE_4, c,
                                    clint_read, clint_write);
    if (!e)
        bus_set_snapshot(bus, base, &clint_snap, c);
    return e;
}
