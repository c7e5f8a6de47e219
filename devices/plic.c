/*
 * The PLIC (devices/plic.h). With PLIC_SOURCES <= 32, the pending, claimed and level bits
 * of all sources, and each context's enables, fit in one 32-bit word each.
 *
 * Gateway rules (plic.h): strict level-triggering, as the spec's gateway, or QEMU's
 * (plic_set_qemu): the sources in `signalled` are pending at each signal of their device,
 * even while claimed, and not again at completion.
 *
 * Every change goes through plic_update_irq(), the one place that drives the context
 * lines. Only 32-bit accesses; offsets that name nothing read 0 and ignore writes (and
 * say so under -d guest_errors).
 */
#include "devices/plic.h"

#include <stdlib.h>

#include "bus/log.h"
#include "bus/memmap.h"
#include "devices/snapshot.h"

_Static_assert(PLIC_SOURCES <= 32, "one 32-bit word of pending/enable bits");

#define PLIC_PRIORITY      0x000000u    /* + 4 * src */
#define PLIC_PENDING       0x001000u
#define PLIC_ENABLE        0x002000u    /* + 0x80 * ctx */
#define PLIC_ENABLE_STRIDE 0x80u
#define PLIC_CONTEXT       0x200000u    /* + 0x1000 * ctx */
#define PLIC_CONTEXT_STRIDE 0x1000u
#define PLIC_THRESHOLD     0x0u         /* within a context's page */
#define PLIC_CLAIM         0x4u

#define PLIC_PRIO_MASK     7u           /* priorities and thresholds are 3 bits (WARL) */
#define PLIC_SOURCE_MASK   ((uint32_t)(((uint64_t)1 << PLIC_SOURCES) - 1) & ~1u)

struct plic {
    unsigned ncontexts;
    struct irq_line lines[PLIC_MAX_CONTEXTS];
    uint8_t priority[PLIC_SOURCES];
    uint32_t level;                     /* input lines as devices drive them */
    uint32_t pending;
    uint32_t claimed;                   /* claimed and not yet completed */
    uint32_t enable[PLIC_MAX_CONTEXTS];
    uint8_t threshold[PLIC_MAX_CONTEXTS];
    bool asserted[PLIC_MAX_CONTEXTS];   /* the level each context line was last driven to */
    bool qemu;                          /* QEMU's gateway (plic_set_qemu) */
    uint32_t signalled;                 /* its sources pending at each signal */
    uint32_t signals;                   /* sources signalled since their last claim */
    uint32_t reported;                  /* "never acknowledged" said, once per source */
    const char *names[PLIC_SOURCES];    /* for reports: plic_name_source */
    const char *acks[PLIC_SOURCES];
    struct guest_log *log;              /* -d guest_errors: the bus's, once attached */
};

struct plic *plic_create(unsigned ncontexts, const struct irq_line *ctx_lines)
{
    if (ncontexts == 0 || ncontexts > PLIC_MAX_CONTEXTS)
        return NULL;
    struct plic *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->ncontexts = ncontexts;
    for (unsigned c = 0; c < ncontexts && ctx_lines; c++)
        p->lines[c] = ctx_lines[c];
    plic_reset(p);
    return p;
}

void plic_destroy(struct plic *p)
{
    free(p);
}

/* The source context `ctx` would claim now: pending and not claimed (QEMU's signalled
 * sources may be both), enabled for it, priority above its threshold; the highest
 * priority wins, the lowest id on a tie. 0 if none. */
static unsigned best_source(const struct plic *p, unsigned ctx)
{
    uint32_t cand = p->pending & ~p->claimed & p->enable[ctx];
    unsigned best = 0, best_prio = p->threshold[ctx];
    for (unsigned src = 1; src < PLIC_SOURCES; src++) {
        if ((cand >> src & 1) && p->priority[src] > best_prio) {
            best = src;
            best_prio = p->priority[src];
        }
    }
    return best;
}

/* The one place that drives the context lines, and only when a level changes: each
 * hart_set_irq makes the hart re-check its interrupts. */
static void plic_update_irq(struct plic *p)
{
    for (unsigned c = 0; c < p->ncontexts; c++) {
        bool level = best_source(p, c) != 0;
        if (level != p->asserted[c]) {
            p->asserted[c] = level;
            irq_set(&p->lines[c], level);
        }
    }
}

/* Source levels are inputs, not PLIC state: they survive a reset and re-pend. */
void plic_reset(struct plic *p)
{
    for (unsigned s = 0; s < PLIC_SOURCES; s++)
        p->priority[s] = 0;
    for (unsigned c = 0; c < PLIC_MAX_CONTEXTS; c++) {
        p->enable[c] = 0;
        p->threshold[c] = 0;
        p->asserted[c] = false;
        if (c < p->ncontexts)
            irq_set(&p->lines[c], false);
    }
    p->claimed = 0;
    p->pending = p->level;
    plic_update_irq(p);
}

void plic_set_qemu(struct plic *p, uint32_t signalled)
{
    p->qemu = true;
    p->signalled = signalled & PLIC_SOURCE_MASK;
}

void plic_name_source(struct plic *p, unsigned src, const char *name, const char *ack)
{
    if (src == 0 || src >= PLIC_SOURCES)
        return;
    p->names[src] = name;
    p->acks[src] = ack;
}

/* A device drove its line: high is a signal. Level-triggered sources are pending while
 * high and not claimed; QEMU's signalled ones at each signal, claimed or not. */
void plic_set_source(struct plic *p, unsigned src, bool level)
{
    if (src == 0 || src >= PLIC_SOURCES)
        return;
    uint32_t bit = 1u << src;
    if (level) {
        p->level |= bit;
        p->signals |= bit;
        if (!(p->claimed & bit) || (p->signalled & bit))
            p->pending |= bit;
    } else {
        p->level &= ~bit;
        p->pending &= ~bit;
    }
    plic_update_irq(p);
}

static void plic_line_set(void *opaque, unsigned num, bool level)
{
    plic_set_source(opaque, num, level);
}

struct irq_line plic_line(struct plic *p, unsigned src)
{
    return (struct irq_line){ .set = plic_line_set, .opaque = p, .num = src };
}

static uint32_t plic_claim(struct plic *p, unsigned ctx)
{
    unsigned src = best_source(p, ctx);
    if (src) {
        p->pending &= ~(1u << src);
        p->claimed |= 1u << src;
        p->signals &= ~(1u << src);
        plic_update_irq(p);
    }
    return src;
}

/* Completed while the device still asserts the line, and it did not signal again since
 * the claim: the guest handled the interrupt without acknowledging it at the device. */
static void never_acknowledged(struct plic *p, unsigned src)
{
    uint32_t bit = 1u << src;
    if (!p->acks[src] || (p->reported & bit) || !guest_log_on(p->log, GUEST_LOG_ERROR))
        return;
    p->reported |= bit;
    GUEST_LOG(p->log, GUEST_LOG_ERROR, "%s (PLIC source %u): interrupt never acknowledged: "
              "completed while the device still asserts it (%s); %s",
              p->names[src] ? p->names[src] : "a device", src, p->acks[src],
              p->signalled & bit ? "as on QEMU, it is raised again only when the device "
                                   "signals again"
                                 : "the strict gateway raises it again at once, for as long "
                                   "as the line stays high");
}

/* A completion for a source that is not claimed is ignored; so is one from a context
 * that has the source disabled (the spec's rule), except with QEMU's gateway, which
 * unclaims it whatever the enables say. A level-triggered source whose line is still
 * high is pending again; a QEMU-signalled one is not (it is when its device signals). */
static void plic_complete(struct plic *p, unsigned ctx, uint32_t src)
{
    if (src == 0)
        return;                 /* "no interrupt", as claimed when none was pending */
    if (src >= PLIC_SOURCES) {
        GUEST_LOG(p->log, GUEST_LOG_ERROR, "plic: context %u completed source %u, which "
                  "does not exist (sources are 1 to %u)", ctx, src, PLIC_SOURCES - 1);
        return;
    }
    uint32_t bit = 1u << src;
    if (!(p->claimed & bit)) {
        GUEST_LOG(p->log, GUEST_LOG_ERROR, "plic: context %u completed source %u, which is "
                  "not claimed (ignored)", ctx, src);
        return;
    }
    if (!p->qemu && !(p->enable[ctx] & bit)) {
        GUEST_LOG(p->log, GUEST_LOG_ERROR, "plic: context %u completed source %u, which it "
                  "has not enabled (ignored, as the spec says; --strict-plic)", ctx, src);
        return;
    }
    p->claimed &= ~bit;
    if ((p->level & bit) && !(p->signals & bit))
        never_acknowledged(p, src);
    if (!(p->signalled & bit))
        p->pending |= p->level & bit;
    plic_update_irq(p);
}

/* -d guest_errors: an access to an offset that names nothing. */
static void no_register(struct plic *p, uint32_t off, bool write, uint32_t value)
{
    if (write)
        GUEST_LOG(p->log, GUEST_LOG_ERROR, "plic: write of %08x to offset %06x, which is no "
                  "register (%u sources, %u contexts)", value, off, PLIC_SOURCES - 1,
                  p->ncontexts);
    else
        GUEST_LOG(p->log, GUEST_LOG_ERROR, "plic: read of offset %06x, which is no register "
                  "(%u sources, %u contexts)", off, PLIC_SOURCES - 1, p->ncontexts);
}

static bool plic_read(void *opaque, uint32_t off, unsigned size, uint32_t *value)
{
    struct plic *p = opaque;
    (void)size;
    *value = 0;
    if (off < PLIC_PENDING) {
        if (off / 4 < PLIC_SOURCES)
            *value = p->priority[off / 4];
        else
            no_register(p, off, false, 0);
    } else if (off == PLIC_PENDING) {
        *value = p->pending;
    } else if (off >= PLIC_ENABLE && off < PLIC_ENABLE + PLIC_ENABLE_STRIDE * p->ncontexts &&
               (off - PLIC_ENABLE) % PLIC_ENABLE_STRIDE == 0) {
        *value = p->enable[(off - PLIC_ENABLE) / PLIC_ENABLE_STRIDE];
    } else if (off >= PLIC_CONTEXT &&
               off < PLIC_CONTEXT + PLIC_CONTEXT_STRIDE * p->ncontexts &&
               (off - PLIC_CONTEXT) % PLIC_CONTEXT_STRIDE <= PLIC_CLAIM) {
        uint32_t rel = off - PLIC_CONTEXT;
        unsigned ctx = rel / PLIC_CONTEXT_STRIDE;
        if (rel % PLIC_CONTEXT_STRIDE == PLIC_THRESHOLD)
            *value = p->threshold[ctx];
        else
            *value = plic_claim(p, ctx);
    } else {
        no_register(p, off, false, 0);
    }
    return true;
}

static bool plic_write(void *opaque, uint32_t off, unsigned size, uint32_t value)
{
    struct plic *p = opaque;
    (void)size;
    if (off < PLIC_PENDING) {
        unsigned src = off / 4;
        if (src >= PLIC_SOURCES) {
            no_register(p, off, true, value);
            return true;
        }
        if (src == 0)
            return true;        /* source 0 does not exist; its priority reads 0 */
        p->priority[src] = value & PLIC_PRIO_MASK;
    } else if (off >= PLIC_PENDING && off < PLIC_ENABLE) {
        if (off == PLIC_PENDING)
            GUEST_LOG(p->log, GUEST_LOG_ERROR, "plic: write of %08x to the pending bits, "
                      "which are read-only", value);
        else
            no_register(p, off, true, value);
        return true;
    } else if (off >= PLIC_ENABLE && off < PLIC_ENABLE + PLIC_ENABLE_STRIDE * p->ncontexts &&
               (off - PLIC_ENABLE) % PLIC_ENABLE_STRIDE == 0) {
        p->enable[(off - PLIC_ENABLE) / PLIC_ENABLE_STRIDE] = value & PLIC_SOURCE_MASK;
    } else if (off >= PLIC_CONTEXT &&
               off < PLIC_CONTEXT + PLIC_CONTEXT_STRIDE * p->ncontexts &&
               (off - PLIC_CONTEXT) % PLIC_CONTEXT_STRIDE <= PLIC_CLAIM) {
        uint32_t rel = off - PLIC_CONTEXT;
        unsigned ctx = rel / PLIC_CONTEXT_STRIDE;
        if (rel % PLIC_CONTEXT_STRIDE == PLIC_THRESHOLD)
            p->threshold[ctx] = value & PLIC_PRIO_MASK;
        else
            plic_complete(p, ctx, value);
    } else {
        no_register(p, off, true, value);
        return true;
    }
    plic_update_irq(p);
    return true;
}

/* ---- snapshots: every register, the sources' levels, what is claimed, and the level of
 * each context line ---- */

SNAP_LAYOUT(struct plic, 1072);

static void plic_save(const void *opaque, struct snap_writer *w)
{
    const struct plic *p = opaque;
    snap_put_u32(w, PLIC_SOURCES);
    snap_put_bytes(w, p->priority, PLIC_SOURCES);
    snap_put_u32(w, p->level);
    snap_put_u32(w, p->pending);
    snap_put_u32(w, p->claimed);
    snap_put_u32(w, p->ncontexts);
    for (unsigned c = 0; c < p->ncontexts; c++) {
        snap_put_u32(w, p->enable[c]);
        snap_put_u8(w, p->threshold[c]);
        snap_put_bool(w, p->asserted[c]);
    }
    snap_put_u32(w, p->signalled);      /* QEMU's gateway (the mode is the host's choice) */
    snap_put_u32(w, p->signals);
}

static int plic_load(void *opaque, struct snap_reader *r)
{
    struct plic *p = opaque;
    struct plic s = *p;
    uint32_t sources = snap_get_u32(r);
    if (snap_ok(r) && sources != PLIC_SOURCES)
        return snap_fail(r, "%u sources saved, this PLIC has %u", sources, PLIC_SOURCES);
    snap_get_bytes(r, s.priority, PLIC_SOURCES);
    s.level = snap_get_u32(r);
    s.pending = snap_get_u32(r);
    s.claimed = snap_get_u32(r);
    uint32_t n = snap_get_u32(r);
    if (snap_ok(r) && n != p->ncontexts)
        return snap_fail(r, "%u contexts saved, this PLIC has %u", n, p->ncontexts);
    for (unsigned c = 0; c < n && snap_ok(r); c++) {
        s.enable[c] = snap_get_u32(r);
        s.threshold[c] = snap_get_u8(r);
        s.asserted[c] = snap_get_bool(r);
    }
    s.signalled = snap_get_u32(r);
    s.signals = snap_get_u32(r);
    for (unsigned src = 0; src < PLIC_SOURCES && snap_ok(r); src++)
        if (s.priority[src] > PLIC_PRIO_MASK)
            return snap_fail(r, "source %u has priority %u", src, s.priority[src]);
    if (!snap_applying(r))
        return snap_status(r);
    *p = s;
    return 0;
}

static void plic_post_load(void *opaque)
{
    struct plic *p = opaque;
    for (unsigned c = 0; c < p->ncontexts; c++)
        irq_set(&p->lines[c], p->asserted[c]);
}

static const struct snap_ops plic_snap = {
    .name = "plic", .version = 1,
    .save = plic_save, .load = plic_load, .post_load = plic_post_load,
};

enum bus_error plic_attach(struct plic *p, struct bus *bus, uint32_t base)
{
    p->log = bus_log(bus);
    enum bus_error e = bus_add_mmio(bus, "plic", base, MEMMAP_PLIC_SIZE, BUS_SIZE_4, p,
                                    plic_read, plic_write);
    if (!e)
        bus_set_snapshot(bus, base, &plic_snap, p);
    return e;
}

uint32_t plic_levels(const struct plic *p)
{
    return p->level;
}

uint32_t plic_claimed(const struct plic *p)
{
    return p->claimed;
}
