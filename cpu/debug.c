/*
 * What a debugger and a tracer need from the hart: breakpoints, watchpoints, hooks, the
 * control-flow history and side-effect-free translation. hart_run only looks at any of
 * it while h->debug is set, which these functions keep up to date.
 */
#include <string.h>

#include "bus/bus.h"
#include "cpu/csr_defs.h"
#include "cpu/hart_state.h"
#include "cpu/mmu.h"

static void update_debug_flag(struct hart *h)
{
    h->debug = h->trace.insn || h->trace.trap || h->nbreak || h->nwatch;
    h->leave = true;            /* switch loops at the next boundary */
}

void hart_set_trace(struct hart *h, const struct hart_trace *trace)
{
    if (trace)
        h->trace = *trace;
    else
        memset(&h->trace, 0, sizeof h->trace);
    update_debug_flag(h);
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
            update_debug_flag(h);
        }
        return true;            /* inserting one that exists: nothing to do */
    }
    if (!insert || h->nbreak == HART_MAX_BREAKPOINTS)
        return false;
    h->breakpoints[h->nbreak++] = va;
    update_debug_flag(h);
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
            update_debug_flag(h);
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
    update_debug_flag(h);
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
            h->leave = true;
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
    unsigned have = h->hist_pos < HART_HISTORY_LEN ? h->hist_pos : HART_HISTORY_LEN;
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
