/*
 * What a debugger and a tracer need from the hart: breakpoints, watchpoints, hooks, the
 * control-flow history and side-effect-free translation. hart_run only looks at any of
 * it while h->debug is set, which these functions keep up to date.
 */
#include <stdio.h>
#include <string.h>

#include "bus/bus.h"
#include "cpu/csr_defs.h"
#include "cpu/hart_state.h"
#include "cpu/mmu.h"

/* A trap hook alone needs no checking loop: every engine calls it (cpu/trap.c). The
 * guest's armed triggers do (cpu/trigger.c). */
void debug_update_flag(struct hart *h)
{
    h->debug = h->trace.insn || h->nbreak || h->nwatch || h->trig.armed;
    hart_leave(h);            /* switch loops at the next boundary */
}

void hart_set_trace(struct hart *h, const struct hart_trace *trace)
{
    if (trace)
        h->trace = *trace;
    else
        memset(&h->trace, 0, sizeof h->trace);
    debug_update_flag(h);
}

bool debug_breakpoint_at(const struct hart *h, uint32_t pc)
{
    for (unsigned i = 0; i < h->nbreak; i++)
        if (h->breakpoints[i] == pc)
            return true;
    return false;
}

bool hart_breakpoint(struct hart *h, uint32_t va, bool insert)
{
    for (unsigned i = 0; i < h->nbreak; i++) {
        if (h->breakpoints[i] != va)
            continue;
        if (!insert) {
            h->breakpoints[i] = h->breakpoints[--h->nbreak];
            debug_update_flag(h);
        }
        return true;            /* inserting one that exists: nothing to do */
    }
    if (!insert || h->nbreak == HART_MAX_BREAKPOINTS)
        return false;
    h->breakpoints[h->nbreak++] = va;
    debug_update_flag(h);
    return true;
}

bool hart_watchpoint(struct hart *h, uint32_t va, uint32_t len, enum hart_watch kind,
                     bool insert)
{
    for (unsigned i = 0; i < h->nwatch; i++) {
        if (h->watch[i].va != va || h->watch[i].len != len || h->watch[i].kind != kind)
            continue;
        if (!insert) {
            h->watch[i] = h->watch[--h->nwatch];
            debug_update_flag(h);
        }
        return true;
    }
    if (!insert || len == 0 || h->nwatch == HART_MAX_WATCHPOINTS)
        return false;
    h->watch[h->nwatch].va = va;
    h->watch[h->nwatch].len = len;
    h->watch[h->nwatch].kind = (uint8_t)kind;
    h->nwatch++;
    tlb_flush(h);               /* from now on every access takes the checked slow path */
    debug_update_flag(h);
    return true;
}

/* Called by the slow paths for each data access while watchpoints exist. */
void debug_watch_check(struct hart *h, uint32_t va, unsigned size, bool write)
{
    unsigned want = write ? HART_WATCH_WRITE : HART_WATCH_READ;
    for (unsigned i = 0; i < h->nwatch; i++) {
        uint64_t w_end = (uint64_t)h->watch[i].va + h->watch[i].len;
        uint64_t a_end = (uint64_t)va + size;
        if ((h->watch[i].kind & want) && va < w_end && h->watch[i].va < a_end) {
            h->watch_hit = true;
            h->watch_addr = va > h->watch[i].va ? va : h->watch[i].va;
            h->watch_kind = (uint8_t)want;
            hart_leave(h);
            return;
        }
    }
}

uint32_t hart_watch_hit(const struct hart *h, enum hart_watch *kind)
{
    if (kind)
        *kind = (enum hart_watch)h->watch_kind;
    return h->watch_addr;
}

unsigned hart_history(const struct hart *h, uint32_t from[], uint32_t to[], unsigned max)
{
    uint32_t valid = h->hist_pos - h->hist_floor;
    unsigned have = valid < HART_HISTORY_LEN ? valid : HART_HISTORY_LEN;
    unsigned n = have < max ? have : max;
    for (unsigned k = 0; k < n; k++) {
        unsigned i = (h->hist_pos - n + k) % HART_HISTORY_LEN;
        from[k] = h->hist_from[i];
        to[k] = h->hist_to[i];
    }
    return n;
}

bool hart_debug_translate(struct hart *h, uint32_t va, bool write, uint32_t *pa)
{
    return mmu_peek(h, va, write ? ACC_WRITE : ACC_READ, pa);
}

_Static_assert(HART_TLB_ENTRIES == 3 * TLB_SIZE, "hart.h's HART_TLB_ENTRIES is stale");

unsigned hart_tlb_entries(const struct hart *h, struct hart_tlb_entry *out, unsigned max)
{
    const struct tlb_entry *tables[3] = { h->tlb.read, h->tlb.write, h->tlb.exec };
    unsigned n = 0;
    for (unsigned k = 0; k < 3; k++) {
        for (unsigned i = 0; i < TLB_SIZE && n < max; i++) {
            const struct tlb_entry *e = &tables[k][i];
            uint32_t va = (e->tag & 0xfffffu) << 12, pa;
            if (e->tag == TLB_INVALID ||
                !bus_host_to_phys(h->bus, (const void *)(e->addend + va), &pa))
                continue;
            out[n++] = (struct hart_tlb_entry){ .kind = (uint8_t)k, .va = va, .pa = pa };
        }
    }
    return n;
}

void hart_set_decode_hook(struct hart *h,
                          void (*fn)(void *opaque, const struct hart_translation *t),
                          void *opaque)
{
    h->decode_hook = fn;
    h->decode_opaque = opaque;
}

void hart_set_walk_hook(struct hart *h, void (*fn)(void *opaque, const struct hart_walk *w),
                        void *opaque)
{
    h->walk_hook = fn;
    h->walk_opaque = opaque;
}

/* ---- trap loops ---- */

void hart_set_trap_loop_hook(struct hart *h,
                             void (*fn)(void *opaque, const struct hart_trap_loop *l),
                             void *opaque)
{
    h->loop_hook = fn;
    h->loop_opaque = opaque;
}

uint64_t hart_trap_loop(const struct hart *h, struct hart_trap_loop *l)
{
    const struct last_trap *t = &h->last_trap;
    if (!t->valid || !t->repeats)
        return 0;
    if (l)
        *l = (struct hart_trap_loop){ .cause = t->cause, .epc = t->epc, .tval = t->tval,
                                      .from = (enum hart_priv)t->from,
                                      .to = (enum hart_priv)t->to };
    return t->repeats;
}

/*
 * The loop's first trap is the newest entry the history keeps. Entries pushed since (an
 * interrupt taken in the loop, its handler, its return) are dropped by moving the
 * position back; those that overwrote older entries in the ring took them with them,
 * which hist_floor records.
 */
void debug_loop_repeat(struct hart *h)
{
    struct last_trap *t = &h->last_trap;
    uint32_t pos = h->hist_pos;
    if (pos != t->mark) {
        uint32_t valid = pos - h->hist_floor;
        uint32_t oldest = pos - (valid < HART_HISTORY_LEN ? valid : HART_HISTORY_LEN);
        h->hist_floor = pos - t->mark >= HART_HISTORY_LEN ? t->mark : oldest;
        h->hist_pos = t->mark;
    }
    if (t->repeats++ == 0 && h->loop_hook) {
        struct hart_trap_loop l;
        hart_trap_loop(h, &l);
        bus_lock(h->bus);       /* harts in parallel share the host's trace */
        h->loop_hook(h->loop_opaque, &l);
        bus_unlock(h->bus);
    }
}

/* ---- -d guest_errors: why an access faulted ---- */

static const char *access_name(uint32_t cause)
{
    return cause == CAUSE_FETCH_ACCESS ? "fetch" : cause == CAUSE_LOAD_ACCESS ? "load"
                                                                              : "store";
}

static const char *sizes_name(unsigned sizes)
{
    switch (sizes & BUS_SIZE_ALL) {
    case BUS_SIZE_1: return "1-byte";
    case BUS_SIZE_2: return "2-byte";
    case BUS_SIZE_4: return "4-byte";
    case BUS_SIZE_1 | BUS_SIZE_2: return "1- and 2-byte";
    case BUS_SIZE_2 | BUS_SIZE_4: return "2- and 4-byte";
    case BUS_SIZE_1 | BUS_SIZE_4: return "1- and 4-byte";
    default: return "1-, 2- and 4-byte";
    }
}

void debug_log_access_fault(struct hart *h, uint32_t cause, uint32_t tval)
{
    struct guest_log *log = bus_log(h->bus);
    enum mmu_access kind = cause == CAUSE_FETCH_ACCESS ? ACC_EXEC
                         : cause == CAUSE_LOAD_ACCESS ? ACC_READ : ACC_WRITE;
    char mode = h->priv == PRIV_M ? 'M' : h->priv == PRIV_S ? 'S' : 'U';
    char where[64];
    if (cause == CAUSE_FETCH_ACCESS)
        snprintf(where, sizeof where, "[%c] fetch at %08x", mode, tval);
    else
        snprintf(where, sizeof where, "[%c] %08x: %s at %08x", mode, h->pc, access_name(cause),
                 tval);
    uint32_t pa;
    if (!mmu_peek(h, tval, kind, &pa)) {
        GUEST_LOG(log, GUEST_LOG_ERROR, "%s: access fault: a page-table entry for it is not "
                  "in memory (satp %08x)", where, h->satp);
        return;
    }
    const struct bus_region *r = bus_find(h->bus, pa);
    if (!r)
        GUEST_LOG(log, GUEST_LOG_ERROR, "%s: access fault: nothing is mapped at physical "
                  "%08x", where, pa);
    else if (r->host && kind == ACC_WRITE && !r->writable)
        GUEST_LOG(log, GUEST_LOG_ERROR, "%s: access fault: %08x is in the read-only %s",
                  where, pa, r->name);
    else if (!r->host)
        GUEST_LOG(log, GUEST_LOG_ERROR, "%s: access fault: %s at %08x refused it (it takes "
                  "%s accesses, aligned)", where, r->name, r->base, sizes_name(r->sizes));
    else
        GUEST_LOG(log, GUEST_LOG_ERROR, "%s: access fault at physical %08x (%s)", where, pa,
                  r->name);
}
