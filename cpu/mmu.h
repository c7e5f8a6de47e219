/*
 * The hart's view of memory: Sv32 translation, permission checks and the software TLB.
 *
 * Loads, stores and fetches first look in the TLB (one compare); a hit goes straight to a
 * host pointer. A miss, an MMIO address, or a misaligned access takes the slow path in
 * cpu/mmu.c, which walks the page table, sets A/D, refills the TLB and raises the trap
 * the spec names for the access when something is wrong.
 */
#ifndef RVBOX_MMU_H
#define RVBOX_MMU_H

#include <string.h>

#include "cpu/hart_state.h"

enum mmu_access { ACC_READ, ACC_WRITE, ACC_EXEC };

trap_t mmu_load_slow(struct hart *h, uint32_t va, unsigned size, uint32_t *out) MUST_CHECK;
trap_t mmu_store_slow(struct hart *h, uint32_t va, unsigned size, uint32_t val) MUST_CHECK;
trap_t mmu_fetch_slow(struct hart *h, uint32_t pc, uint32_t *raw) MUST_CHECK;

/* Translate `va` for an access of `kind` in the current mode, setting A/D as needed.
 * Faults are returned with the cause for that kind of access and tval = va. */
trap_t mmu_translate(struct hart *h, uint32_t va, enum mmu_access kind, uint32_t *pa) MUST_CHECK;

/* The same without any side effect (no A/D update, no trap): for debuggers. */
bool mmu_peek(struct hart *h, uint32_t va, enum mmu_access kind, uint32_t *pa);

/* A load of 1, 2 or 4 bytes, zero-extended. */
static inline trap_t MUST_CHECK mmu_load(struct hart *h, uint32_t va, unsigned size,
                                         uint32_t *out)
{
    const struct tlb_entry *e = &h->tlb.read[(va >> 12) & (TLB_SIZE - 1)];
    if (likely(e->vpn == va >> 12 && (va & (size - 1)) == 0)) {
        uint32_t v = 0;
        memcpy(&v, (const void *)(e->addend + va), size);
        *out = v;
        return TRAP_NONE;
    }
    return mmu_load_slow(h, va, size, out);
}

static inline trap_t MUST_CHECK mmu_store(struct hart *h, uint32_t va, unsigned size,
                                          uint32_t val)
{
    const struct tlb_entry *e = &h->tlb.write[(va >> 12) & (TLB_SIZE - 1)];
    if (likely(e->vpn == va >> 12 && (va & (size - 1)) == 0)) {
        memcpy((void *)(e->addend + va), &val, size);
        return TRAP_NONE;
    }
    return mmu_store_slow(h, va, size, val);
}

/* Fetch the instruction at pc: 32 bits, of which only the low 16 matter for RVC. */
static inline trap_t MUST_CHECK mmu_fetch(struct hart *h, uint32_t pc, uint32_t *raw)
{
    const struct tlb_entry *e = &h->tlb.exec[(pc >> 12) & (TLB_SIZE - 1)];
    if (likely(e->vpn == pc >> 12 && (pc & 0xfff) <= 0xffc)) {
        memcpy(raw, (const void *)(e->addend + pc), 4);
        return TRAP_NONE;
    }
    return mmu_fetch_slow(h, pc, raw);
}

#endif
