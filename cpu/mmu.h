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
/* fld and fsd: 8 bytes, all or nothing (in two 4-byte halves, or byte by byte when
 * misaligned, as the 4-byte accesses are). */
trap_t mmu_load64_slow(struct hart *h, uint32_t va, uint64_t *out) MUST_CHECK;
trap_t mmu_store64_slow(struct hart *h, uint32_t va, uint64_t val) MUST_CHECK;

/* Translate `va` for an access of `kind` in the current mode, setting A/D as needed.
 * Faults are returned with the cause for that kind of access and tval = va. */
trap_t mmu_translate(struct hart *h, uint32_t va, enum mmu_access kind, uint32_t *pa) MUST_CHECK;

/* mmu_translate, and the TLB remembers the page for that kind of access (if it may). */
trap_t mmu_translate_cached(struct hart *h, uint32_t va, enum mmu_access kind,
                            uint32_t *pa) MUST_CHECK;

/* The same without any side effect (no A/D update, no trap): for debuggers. */
bool mmu_peek(struct hart *h, uint32_t va, enum mmu_access kind, uint32_t *pa);

/* The TLB entry that would serve an access of this kind at va now, hit or not. */
static inline const struct tlb_entry *tlb_entry_for(const struct tlb_entry *table,
                                                    uint32_t va, uint32_t ix)
{
    return &table[TLB_INDEX(va >> 12, ix)];
}

/* Little-endian host memory, read and written at the access's own width: a narrow store
 * into a wide temporary would stall the host's store forwarding. */
static inline uint32_t host_load(const void *p, unsigned size)
{
    if (size == 1)
        return *(const uint8_t *)p;
    if (size == 2) {
        uint16_t v;
        memcpy(&v, p, 2);
        return v;
    }
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline void host_store(void *p, unsigned size, uint32_t v)
{
    if (size == 1) {
        *(uint8_t *)p = (uint8_t)v;
    } else if (size == 2) {
        uint16_t h = (uint16_t)v;
        memcpy(p, &h, 2);
    } else {
        memcpy(p, &v, 4);
    }
}

/* A load of 1, 2 or 4 bytes, zero-extended. */
static inline trap_t MUST_CHECK mmu_load(struct hart *h, uint32_t va, unsigned size,
                                         uint32_t *out)
{
    const struct tlb_entry *e = tlb_entry_for(h->tlb.read, va, h->tlb_ix_data);
    if (likely(e->tag == TLB_TAG(va >> 12, h->tlb_tag_data) && (va & (size - 1)) == 0)) {
        *out = host_load((const void *)(e->addend + va), size);
        return TRAP_NONE;
    }
    return mmu_load_slow(h, va, size, out);
}

static inline trap_t MUST_CHECK mmu_store(struct hart *h, uint32_t va, unsigned size,
                                          uint32_t val)
{
    const struct tlb_entry *e = tlb_entry_for(h->tlb.write, va, h->tlb_ix_data);
    if (likely(tlb_store_tag(e) == TLB_TAG(va >> 12, h->tlb_tag_data) &&
               (va & (size - 1)) == 0)) {
        host_store((void *)(e->addend + va), size, val);
        return TRAP_NONE;
    }
    return mmu_store_slow(h, va, size, val);
}

static inline trap_t MUST_CHECK mmu_load64(struct hart *h, uint32_t va, uint64_t *out)
{
    const struct tlb_entry *e = tlb_entry_for(h->tlb.read, va, h->tlb_ix_data);
    if (likely(e->tag == TLB_TAG(va >> 12, h->tlb_tag_data) && (va & 7) == 0)) {
        memcpy(out, (const void *)(e->addend + va), 8);
        return TRAP_NONE;
    }
    return mmu_load64_slow(h, va, out);
}

static inline trap_t MUST_CHECK mmu_store64(struct hart *h, uint32_t va, uint64_t val)
{
    const struct tlb_entry *e = tlb_entry_for(h->tlb.write, va, h->tlb_ix_data);
    if (likely(tlb_store_tag(e) == TLB_TAG(va >> 12, h->tlb_tag_data) && (va & 7) == 0)) {
        memcpy((void *)(e->addend + va), &val, 8);
        return TRAP_NONE;
    }
    return mmu_store64_slow(h, va, val);
}

/* Fetch the instruction at pc: 32 bits, of which only the low 16 matter for RVC. In the
 * last two bytes of a page only a 32-bit instruction needs the slow path (its second
 * half is in the next page): a 16-bit one comes from the TLB like any other, as the
 * block engine reads it, so that the engines agree even on a stale translation. */
static inline trap_t MUST_CHECK mmu_fetch(struct hart *h, uint32_t pc, uint32_t *raw)
{
    const struct tlb_entry *e = tlb_entry_for(h->tlb.exec, pc, h->tlb_ix_exec);
    if (likely(e->tag == TLB_TAG(pc >> 12, h->tlb_tag_exec))) {
        if (likely((pc & 0xfff) <= 0xffc)) {
            memcpy(raw, (const void *)(e->addend + pc), 4);
            return TRAP_NONE;
        }
        uint16_t lo;
        memcpy(&lo, (const void *)(e->addend + pc), 2);
        if ((lo & 3) != 3) {
            *raw = lo;
            return TRAP_NONE;
        }
    }
    return mmu_fetch_slow(h, pc, raw);
}

/* The host address of the code at pc if the fetch TLB maps its page now (the page may
 * be executed in the current mode), else NULL: the block engine's way in. */
static inline const uint8_t *mmu_code_host(const struct hart *h, uint32_t pc)
{
    const struct tlb_entry *e = tlb_entry_for(h->tlb.exec, pc, h->tlb_ix_exec);
    if (likely(e->tag == TLB_TAG(pc >> 12, h->tlb_tag_exec)))
        return (const uint8_t *)(e->addend + pc);
    return NULL;
}

/* PMP (cpu/pmp.c). May an access of `kind` by privilege `priv` to [pa, pa + len) go
 * ahead? Always, on a hart without HART_PMP; with no entry set, in M-mode only. */
bool pmp_allows_rules(const struct hart *h, uint32_t pa, unsigned len, enum mmu_access kind,
                      unsigned priv);
static inline bool pmp_allows(const struct hart *h, uint32_t pa, unsigned len,
                              enum mmu_access kind, unsigned priv)
{
    if (!(h->features & HART_PMP))
        return true;
    if (h->pmp.nrules == 0)
        return priv == PRIV_M;
    return pmp_allows_rules(h, pa, len, kind, priv);
}
/* Do the rules treat every byte of pa's page alike (so the TLB may hold it)? */
bool pmp_page_uniform_rules(const struct hart *h, uint32_t pa);
static inline bool pmp_page_uniform(const struct hart *h, uint32_t pa)
{
    return !(h->features & HART_PMP) || h->pmp.nrules == 0 || pmp_page_uniform_rules(h, pa);
}
/* Decode pmpcfg and pmpaddr into h->pmp (after any change to them). */
void pmp_update(struct hart *h);

/* Drop store translations that reach the physical page at host address `page`: code
 * was decoded from it, and stores there must take the slow path from now on. */
void tlb_forget_store_page(struct hart *h, const uint8_t *page);

#endif
