/*
 * Sv32 address translation (privileged spec, section 4.3) and the slow paths of loads,
 * stores and fetches.
 *
 * Choices where the spec leaves one (see docs/architecture.md):
 *  - A and D are set by hardware (Svadu behaviour), atomically with the permission check:
 *    the emulator is single-threaded per machine, so walk-check-update is one step.
 *  - PMP registers hold values but accesses are not checked against them.
 *  - Misaligned loads and stores are done in hardware, byte by byte; a fault in any part
 *    stops the whole access before anything is written, with tval = the address of the
 *    byte that faulted.
 */
#include "cpu/mmu.h"

#include "bus/bus.h"
#include "cpu/csr_defs.h"

#define PAGE_SIZE 4096u
#define PAGE_MASK (PAGE_SIZE - 1)

static const uint32_t page_fault_cause[] = {
    [ACC_READ] = CAUSE_LOAD_PAGE_FAULT,
    [ACC_WRITE] = CAUSE_STORE_PAGE_FAULT,
    [ACC_EXEC] = CAUSE_FETCH_PAGE_FAULT,
};
static const uint32_t access_fault_cause[] = {
    [ACC_READ] = CAUSE_LOAD_ACCESS,
    [ACC_WRITE] = CAUSE_STORE_ACCESS,
    [ACC_EXEC] = CAUSE_FETCH_ACCESS,
};

void tlb_flush(struct hart *h)
{
    struct tlb_entry *all = &h->tlb.read[0];
    for (size_t i = 0; i < 3 * TLB_SIZE; i++)
        all[i].vpn = TLB_INVALID;
}

/* The privilege that data accesses use: MPRV in M-mode borrows MPP's. */
static unsigned effective_priv(const struct hart *h, enum mmu_access kind)
{
    if (kind != ACC_EXEC && h->priv == PRIV_M && (h->mstatus & MSTATUS_MPRV))
        return (h->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
    return h->priv;
}

/* May a leaf PTE be used for this access at this privilege? */
static bool pte_allows(const struct hart *h, uint32_t pte, enum mmu_access kind, unsigned priv)
{
    if (priv == PRIV_U && !(pte & PTE_U))
        return false;
    if (priv == PRIV_S && (pte & PTE_U) && (kind == ACC_EXEC || !(h->mstatus & MSTATUS_SUM)))
        return false;
    switch (kind) {
    case ACC_READ:  return (pte & PTE_R) || ((h->mstatus & MSTATUS_MXR) && (pte & PTE_X));
    case ACC_WRITE: return (pte & PTE_W) != 0;
    default:        return (pte & PTE_X) != 0;
    }
}

trap_t mmu_translate(struct hart *h, uint32_t va, enum mmu_access kind, uint32_t *pa)
{
    unsigned priv = effective_priv(h, kind);
    if (priv == PRIV_M || !(h->satp & SATP_MODE_SV32)) {
        *pa = va;
        return TRAP_NONE;
    }
    trap_t page_fault = trap_make(page_fault_cause[kind], va);
    trap_t access_fault = trap_make(access_fault_cause[kind], va);

    uint64_t table = (uint64_t)(h->satp & SATP_PPN_MASK) * PAGE_SIZE;
    for (int level = 1; level >= 0; level--) {
        uint32_t vpn = level ? va >> 22 : (va >> 12) & 0x3ff;
        uint64_t pte_addr = table + vpn * 4;
        uint32_t pte;
        if (pte_addr > 0xfffffffcu || !bus_read(h->bus, (uint32_t)pte_addr, 4, &pte))
            return access_fault;
        if (!(pte & PTE_V) || (!(pte & PTE_R) && (pte & PTE_W)))
            return page_fault;
        uint64_t ppn = pte >> 10;
        if (!(pte & (PTE_R | PTE_X))) {         /* a pointer to the next level */
            if (level == 0)
                return page_fault;
            table = ppn * PAGE_SIZE;
            continue;
        }
        if (!pte_allows(h, pte, kind, priv))
            return page_fault;
        if (level == 1 && (ppn & 0x3ff))        /* misaligned superpage */
            return page_fault;
        uint32_t want = PTE_A | (kind == ACC_WRITE ? PTE_D : 0);
        if ((pte & want) != want && !bus_write(h->bus, (uint32_t)pte_addr, 4, pte | want))
            return access_fault;
        uint64_t phys = level ? (ppn << 12 & ~0x3fffffull) | (va & 0x3fffff)
                              : ppn << 12 | (va & PAGE_MASK);
        if (phys > 0xffffffffu)                 /* Sv32 reaches 34 bits; the bus 32 */
            return access_fault;
        *pa = (uint32_t)phys;
        return TRAP_NONE;
    }
    return page_fault;      /* not reached: level 0 returns above */
}

/* After a successful translation, cache the page if it is RAM or ROM. */
static void tlb_fill(struct hart *h, enum mmu_access kind, uint32_t va, uint32_t pa)
{
    uint8_t *host = bus_host_ptr(h->bus, pa & ~PAGE_MASK, PAGE_SIZE, kind == ACC_WRITE);
    if (!host)
        return;
    struct tlb_entry *table = kind == ACC_READ ? h->tlb.read
                            : kind == ACC_WRITE ? h->tlb.write : h->tlb.exec;
    struct tlb_entry *e = &table[(va >> 12) & (TLB_SIZE - 1)];
    e->vpn = va >> 12;
    e->addend = (uintptr_t)host - (va & ~PAGE_MASK);
}

/* Translate every page an access touches (at most two), so that a fault in the second
 * page is raised before anything happens in the first. */
static trap_t translate_span(struct hart *h, uint32_t va, unsigned size, enum mmu_access kind,
                             uint32_t *pa_first, uint32_t *pa_second)
{
    trap_t t = mmu_translate(h, va, kind, pa_first);
    if (trap_raised(t))
        return t;
    uint32_t last = va + size - 1;
    *pa_second = *pa_first;
    if ((last ^ va) & ~PAGE_MASK) {
        t = mmu_translate(h, last & ~PAGE_MASK, kind, pa_second);
        if (trap_raised(t))
            return t;
    }
    return TRAP_NONE;
}

/* Physical address of byte i of an access that may straddle two pages. */
static uint32_t span_byte(uint32_t va, unsigned i, uint32_t pa_first, uint32_t pa_second)
{
    uint32_t byte_va = va + i;
    if ((byte_va ^ va) & ~PAGE_MASK)
        return (pa_second & ~PAGE_MASK) | (byte_va & PAGE_MASK);
    return pa_first + i;
}

trap_t mmu_load_slow(struct hart *h, uint32_t va, unsigned size, uint32_t *out)
{
    uint32_t pa, pa2;
    trap_t t = translate_span(h, va, size, ACC_READ, &pa, &pa2);
    if (trap_raised(t))
        return t;
    if ((va & (size - 1)) == 0) {
        tlb_fill(h, ACC_READ, va, pa);
        if (!bus_read(h->bus, pa, size, out))
            return trap_make(CAUSE_LOAD_ACCESS, va);
        return TRAP_NONE;
    }
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint32_t byte;
        if (!bus_read(h->bus, span_byte(va, i, pa, pa2), 1, &byte))
            return trap_make(CAUSE_LOAD_ACCESS, va + i);
        v |= byte << (8 * i);
    }
    *out = v;
    return TRAP_NONE;
}

trap_t mmu_store_slow(struct hart *h, uint32_t va, unsigned size, uint32_t val)
{
    uint32_t pa, pa2;
    trap_t t = translate_span(h, va, size, ACC_WRITE, &pa, &pa2);
    if (trap_raised(t))
        return t;
    if ((va & (size - 1)) == 0) {
        tlb_fill(h, ACC_WRITE, va, pa);
        if (!bus_write(h->bus, pa, size, val))
            return trap_make(CAUSE_STORE_ACCESS, va);
        return TRAP_NONE;
    }
    /* Misaligned: check that every byte is writable memory before writing any. */
    for (unsigned i = 0; i < size; i++) {
        uint32_t byte_pa = span_byte(va, i, pa, pa2);
        const struct bus_region *r = bus_find(h->bus, byte_pa);
        if (!r || (r->host && !r->writable) || (!r->host && !(r->sizes & BUS_SIZE_1)))
            return trap_make(CAUSE_STORE_ACCESS, va + i);
    }
    for (unsigned i = 0; i < size; i++)
        if (!bus_write(h->bus, span_byte(va, i, pa, pa2), 1, (val >> (8 * i)) & 0xff))
            return trap_make(CAUSE_STORE_ACCESS, va + i);
    return TRAP_NONE;
}

/* Fetch one 16-bit parcel. */
static trap_t fetch_parcel(struct hart *h, uint32_t va, uint32_t *parcel)
{
    uint32_t pa;
    trap_t t = mmu_translate(h, va, ACC_EXEC, &pa);
    if (trap_raised(t))
        return t;
    tlb_fill(h, ACC_EXEC, va, pa);
    if (!bus_read(h->bus, pa, 2, parcel))
        return trap_make(CAUSE_FETCH_ACCESS, va);
    return TRAP_NONE;
}

/* Fetch parcel by parcel: the instruction may straddle two pages, and the second parcel
 * is only needed (and may only fault) when the first says the instruction is 32-bit. */
trap_t mmu_fetch_slow(struct hart *h, uint32_t pc, uint32_t *raw)
{
    uint32_t lo, hi = 0;
    trap_t t = fetch_parcel(h, pc, &lo);
    if (trap_raised(t))
        return t;
    if ((lo & 3) == 3) {
        t = fetch_parcel(h, pc + 2, &hi);
        if (trap_raised(t))
            return t;
    }
    *raw = lo | hi << 16;
    return TRAP_NONE;
}
