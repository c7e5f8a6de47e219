/*
 * Sv32 address translation (privileged spec, section 4.3) and the slow paths of loads,
 * stores and fetches.
 *
 * Choices where the spec leaves one (see docs/architecture.md):
 *  - A and D are set by hardware (Svadu behaviour), atomically with the permission check:
 *    with turns, walk-check-update is one step; with a thread per hart, the update is a
 *    compare-and-swap from the entry the walk read, and the walk is made again if
 *    another hart changed it (commit()).
 *  - PMP (cpu/pmp.c) is checked here, on everything that misses the TLB: the access's
 *    physical bytes at its effective privilege, and page-table entries as S-mode's
 *    reads (and A/D updates as its writes). A page enters the TLB only if PMP treats it
 *    alike throughout.
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
    for (size_t i = 0; i < TLB_SIZE; i++) {
        h->tlb.read[i].tag = TLB_INVALID;
        h->tlb.exec[i].tag = TLB_INVALID;
        /* another thread may be invalidating it too (tlb_forget_store_page) */
        __atomic_store_n(&h->tlb.write[i].tag, TLB_INVALID, __ATOMIC_RELAXED);
    }
}

/*
 * The contexts a translation depends on. Loads and stores: the effective privilege
 * (MPRV borrows MPP's), SUM and MXR; fetches: the privilege. Where nothing is translated
 * (M-mode, or satp Bare) every context is the same identity map, context 3, unless PMP
 * is checked: it treats M-mode apart, so S and U keep their own contexts under Bare
 * (the same numbers as translated ones, which never meet: a change of satp flushes).
 */
void tlb_set_context(struct hart *h)
{
    bool bare = !(h->satp & SATP_MODE_SV32);
    bool pmp = h->features & HART_PMP;
    unsigned data = h->priv;
    if (h->priv == PRIV_M && (h->mstatus & MSTATUS_MPRV))
        data = (h->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
    if ((bare && !pmp) || data == PRIV_M)
        data = PRIV_M;
    else if (!bare)
        data |= (h->mstatus & MSTATUS_SUM ? 4u : 0) | (h->mstatus & MSTATUS_MXR ? 8u : 0);
    unsigned exec = bare && !pmp ? PRIV_M : h->priv;
    h->tlb_tag_data = data << 20;
    h->tlb_ix_data = data << 4;
    h->tlb_tag_exec = exec << 20;
    h->tlb_ix_exec = exec << 4;
}

/* In parallel, another hart's thread calls this (under the bus lock, as the owner's
 * tlb_fill of a store entry is), as QEMU's MTTCG clears other vCPUs' write entries: the
 * owner reads the tags with atomic loads, and a store that passed its check just before
 * lands as if it came before the page became code. */
void tlb_forget_store_page(struct hart *h, const uint8_t *page)
{
    for (unsigned i = 0; i < TLB_SIZE; i++) {
        struct tlb_entry *e = &h->tlb.write[i];
        uint32_t tag = tlb_store_tag(e);
        if (tag != TLB_INVALID &&
            e->addend + ((uintptr_t)(tag & 0xfffffu) << 12) == (uintptr_t)page)
            __atomic_store_n(&e->tag, TLB_INVALID, __ATOMIC_RELAXED);
    }
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

/*
 * The result of a walk: where the access goes, and the PTE whose A/D bits must be set
 * once it is certain that the whole access will happen. Walking has no side effects, so
 * an access that faults anywhere (a later page, no memory behind the address) leaves
 * every PTE as it was.
 */
struct walk {
    uint32_t pa;
    uint32_t pte_addr;
    uint32_t pte_set;           /* A/D bits to add to the PTE; 0: nothing to write */
    uint32_t pte;
    unsigned levels;            /* entries read, for the walk hook (-d mmu): 0 if none;
                                   read_addr[levels] is one that could not be read */
    uint32_t read_addr[2], read_pte[2];
};

/* `peek`: a debugger's walk, which must not disturb the machine: page-table entries are
 * then read only from memory, never from a device register with read side effects. */
static trap_t walk_table(struct hart *h, uint32_t va, enum mmu_access kind, struct walk *w,
                         bool peek)
{
    unsigned priv = effective_priv(h, kind);
    w->pa = 0;
    w->pte_set = 0;
    w->levels = 0;
    if (priv == PRIV_M || !(h->satp & SATP_MODE_SV32)) {
        w->pa = va;
        return TRAP_NONE;
    }
    trap_t page_fault = trap_make(page_fault_cause[kind], va);
    trap_t access_fault = trap_make(access_fault_cause[kind], va);

    uint64_t table = (uint64_t)(h->satp & SATP_PPN_MASK) * PAGE_SIZE;
    for (int level = 1; level >= 0; level--) {
        uint32_t vpn = level ? va >> 22 : (va >> 12) & 0x3ff;
        uint64_t pte_addr = table + vpn * 4;
        uint32_t pte;
        w->read_addr[w->levels] = (uint32_t)pte_addr;   /* levels < 2 here */
        if (pte_addr > 0xfffffffcu)
            return access_fault;
        if (peek) {
            const uint8_t *mem = bus_host_ptr(h->bus, (uint32_t)pte_addr, 4, false);
            if (!mem)
                return access_fault;
            memcpy(&pte, mem, 4);
        } else if (!pmp_allows(h, (uint32_t)pte_addr, 4, ACC_READ, PRIV_S) ||
                   !bus_read(h->bus, (uint32_t)pte_addr, 4, &pte)) {
            return access_fault;
        }
        w->read_pte[w->levels++] = pte;
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
        uint64_t phys = level ? (ppn << 12 & ~0x3fffffull) | (va & 0x3fffff)
                              : ppn << 12 | (va & PAGE_MASK);
        if (phys > 0xffffffffu)                 /* Sv32 reaches 34 bits; the bus 32 */
            return access_fault;
        uint32_t want = PTE_A | (kind == ACC_WRITE ? PTE_D : 0);
        w->pa = (uint32_t)phys;
        w->pte_addr = (uint32_t)pte_addr;
        w->pte = pte;
        w->pte_set = (pte & want) != want ? want : 0;
        return TRAP_NONE;
    }
    return page_fault;      /* not reached: level 0 returns above */
}

/* The walk the hart makes, told to the walk hook (-d mmu) when there is one. */
static void report_walk(struct hart *h, uint32_t va, enum mmu_access kind,
                        const struct walk *w, trap_t t)
{
    struct hart_walk r = {
        .va = va, .access = (uint8_t)kind, .priv = (uint8_t)effective_priv(h, kind),
        .satp = h->satp, .levels = w->levels, .fault = trap_raised(t),
        .cause = trap_raised(t) ? (uint32_t)t.cause : 0, .pa = w->pa,
        .ad_set = w->pte_set,
    };
    /* An entry that could not be read (an access fault) has its address only. */
    for (unsigned i = 0; i < 2 && i <= w->levels; i++) {
        r.pte_addr[i] = w->read_addr[i];
        r.pte[i] = i < w->levels ? w->read_pte[i] : 0;
    }
    h->walk_hook(h->walk_opaque, &r);
}

static inline trap_t walk(struct hart *h, uint32_t va, enum mmu_access kind, struct walk *w,
                          bool peek)
{
    trap_t t = walk_table(h, va, kind, w, peek);
    if (unlikely(h->walk_hook) && !peek && (w->levels || trap_raised(t)))
        report_walk(h, va, kind, w, t);
    return t;
}

/* May the `len` bytes at pa take this kind of access: is there something there that can,
 * and does PMP let the access's privilege? Checked before any A/D bit is set, so that an
 * access fault leaves the page table alone. */
static inline __attribute__((always_inline)) bool phys_present(struct hart *h, uint32_t pa,
                                                                unsigned len,
                                                                enum mmu_access kind)
{
    const struct bus_region *r = bus_find(h->bus, pa);
    return r && !(kind == ACC_WRITE && r->host && !r->writable) &&
           pmp_allows(h, pa, len, kind, effective_priv(h, kind));
}

/* Set the walk's A/D bits: the access is going ahead. The update is S-mode's write of
 * the entry, which PMP must allow. COMMIT_FAULT: it could not be written (an access
 * fault). With the harts in parallel, another hart (or the guest's kernel on one) may
 * change the entry between the walk and the update: the update is then a compare-and-
 * swap from the entry the walk read, as hardware that sets A/D does it, and
 * COMMIT_STALE (the entry changed) makes the caller walk again, so that an entry
 * cleared meanwhile is never written back. */
enum { COMMIT_OK, COMMIT_FAULT, COMMIT_STALE };
static int commit(struct hart *h, const struct walk *w)
{
    if (!w->pte_set)
        return COMMIT_OK;
    if (!pmp_allows(h, w->pte_addr, 4, ACC_WRITE, PRIV_S))
        return COMMIT_FAULT;
    if (h->parallel) {
        uint32_t *p = (uint32_t *)bus_dma_ptr(h->bus, w->pte_addr, 4, true);
        if (p) {
            uint32_t expect = w->pte;
            return __atomic_compare_exchange_n(p, &expect, w->pte | w->pte_set, false,
                                               __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)
                       ? COMMIT_OK : COMMIT_STALE;
        }
    }
    return bus_write(h->bus, w->pte_addr, 4, w->pte | w->pte_set) ? COMMIT_OK : COMMIT_FAULT;
}

bool mmu_peek(struct hart *h, uint32_t va, enum mmu_access kind, uint32_t *pa)
{
    struct walk w;
    if (trap_raised(walk(h, va, kind, &w, true)))
        return false;
    *pa = w.pa;
    return true;
}

trap_t mmu_translate(struct hart *h, uint32_t va, enum mmu_access kind, uint32_t *pa)
{
    struct walk w;
    int c;
again:;
    trap_t t = walk(h, va, kind, &w, false);
    if (trap_raised(t))
        return t;
    if (!phys_present(h, w.pa, 4, kind) || (c = commit(h, &w)) == COMMIT_FAULT)
        return trap_make(access_fault_cause[kind], va);
    if (c == COMMIT_STALE)
        goto again;
    *pa = w.pa;
    return TRAP_NONE;
}

/* After a successful translation, cache the page if it is RAM or ROM (and, for stores,
 * holds no decoded code and no other hart's reservation: those stores must reach the
 * bus). */
static void tlb_fill(struct hart *h, enum mmu_access kind, uint32_t va, uint32_t pa)
{
    if (h->nwatch)
        return;                 /* watchpoints: every access must reach the slow path */
    if (!pmp_page_uniform(h, pa))
        return;                 /* PMP's answer differs within the page: ask every time */
    uint8_t *host = bus_host_ptr(h->bus, pa & ~PAGE_MASK, PAGE_SIZE, kind == ACC_WRITE);
    if (!host)
        return;
    struct tlb_entry *table = kind == ACC_READ ? h->tlb.read
                            : kind == ACC_WRITE ? h->tlb.write : h->tlb.exec;
    uint32_t tag = kind == ACC_EXEC ? h->tlb_tag_exec : h->tlb_tag_data;
    uint32_t ix = kind == ACC_EXEC ? h->tlb_ix_exec : h->tlb_ix_data;
    struct tlb_entry *e = &table[TLB_INDEX(va >> 12, ix)];
    if (kind != ACC_WRITE) {
        e->tag = TLB_TAG(va >> 12, tag);
        e->addend = (uintptr_t)host - (va & ~PAGE_MASK);
        return;
    }
    /* A store entry: under the bus lock, so that no page becomes code (or watched)
     * between the test and the fill (bus_mark_code forgets entries under it). */
    bus_lock(h->bus);
    if (!bus_is_code(h->bus, pa) && !bus_is_watched(h->bus, pa)) {
        e->addend = (uintptr_t)host - (va & ~PAGE_MASK);
        __atomic_store_n(&e->tag, TLB_TAG(va >> 12, tag), __ATOMIC_RELAXED);
    }
    bus_unlock(h->bus);
}

trap_t mmu_translate_cached(struct hart *h, uint32_t va, enum mmu_access kind, uint32_t *pa)
{
    trap_t t = mmu_translate(h, va, kind, pa);
    if (!trap_raised(t))
        tlb_fill(h, kind, va, *pa);
    return t;
}

/* Translate every page an access touches (at most two): walk both, check both, and
 * only then set A/D, so that a fault in the second page leaves the first untouched. */
static trap_t translate_span(struct hart *h, uint32_t va, unsigned size, enum mmu_access kind,
                             uint32_t *pa_first, uint32_t *pa_second)
{
    uint32_t last = va + size - 1;
    bool two = (last ^ va) & ~PAGE_MASK;
    struct walk w[2];
    int c;
again:;
    trap_t t = walk(h, va, kind, &w[0], false);
    if (!trap_raised(t) && two)
        t = walk(h, last & ~PAGE_MASK, kind, &w[1], false);
    if (trap_raised(t))
        return t;
    unsigned first = two ? PAGE_SIZE - (va & PAGE_MASK) : size;
    if (!phys_present(h, w[0].pa, first, kind))
        return trap_make(access_fault_cause[kind], va);
    if (two && !phys_present(h, w[1].pa, size - first, kind))
        return trap_make(access_fault_cause[kind], last & ~PAGE_MASK);
    if ((c = commit(h, &w[0])) == COMMIT_STALE)
        goto again;
    if (c == COMMIT_FAULT)
        return trap_make(access_fault_cause[kind], va);
    if (two && (c = commit(h, &w[1])) == COMMIT_STALE)
        goto again;
    if (two && c == COMMIT_FAULT)
        return trap_make(access_fault_cause[kind], last & ~PAGE_MASK);
    *pa_first = w[0].pa;
    *pa_second = two ? w[1].pa : w[0].pa;
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
    if (unlikely(h->nwatch))
        debug_watch_check(h, va, size, false);
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
    if (unlikely(h->nwatch))
        debug_watch_check(h, va, size, true);
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

/* 8 bytes for fld: two aligned words, or bytes when misaligned. */
trap_t mmu_load64_slow(struct hart *h, uint32_t va, uint64_t *out)
{
    uint32_t pa, pa2;
    trap_t t = translate_span(h, va, 8, ACC_READ, &pa, &pa2);
    if (trap_raised(t))
        return t;
    if (unlikely(h->nwatch))
        debug_watch_check(h, va, 8, false);
    if ((va & 7) == 0)
        tlb_fill(h, ACC_READ, va, pa);
    unsigned step = (va & 3) == 0 ? 4 : 1;
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i += step) {
        uint32_t part;
        if (!bus_read(h->bus, span_byte(va, i, pa, pa2), step, &part))
            return trap_make(CAUSE_LOAD_ACCESS, va + i);
        v |= (uint64_t)part << (8 * i);
    }
    *out = v;
    return TRAP_NONE;
}

/* 8 bytes for fsd: every part is checked writable before any is written. */
trap_t mmu_store64_slow(struct hart *h, uint32_t va, uint64_t val)
{
    uint32_t pa, pa2;
    trap_t t = translate_span(h, va, 8, ACC_WRITE, &pa, &pa2);
    if (trap_raised(t))
        return t;
    if (unlikely(h->nwatch))
        debug_watch_check(h, va, 8, true);
    unsigned step = (va & 3) == 0 ? 4 : 1;
    unsigned size_bit = step == 4 ? BUS_SIZE_4 : BUS_SIZE_1;
    for (unsigned i = 0; i < 8; i += step) {
        const struct bus_region *r = bus_find(h->bus, span_byte(va, i, pa, pa2));
        if (!r || (r->host && !r->writable) || (!r->host && !(r->sizes & size_bit)))
            return trap_make(CAUSE_STORE_ACCESS, va + i);
    }
    if ((va & 7) == 0)
        tlb_fill(h, ACC_WRITE, va, pa);
    for (unsigned i = 0; i < 8; i += step) {
        uint32_t part = (uint32_t)(val >> (8 * i)) & (step == 4 ? 0xffffffffu : 0xffu);
        if (!bus_write(h->bus, span_byte(va, i, pa, pa2), step, part))
            return trap_make(CAUSE_STORE_ACCESS, va + i);
    }
    return TRAP_NONE;
}

/* Fetch parcel by parcel: the instruction may straddle two pages, and the second parcel
 * is only needed (and may only fault) when the first says the instruction is 32-bit.
 * Both pages are walked before either page's A bit is set. */
trap_t mmu_fetch_slow(struct hart *h, uint32_t pc, uint32_t *raw)
{
    struct walk w[2];
    uint32_t lo, hi = 0;
    int c;
again:;
    trap_t t = walk(h, pc, ACC_EXEC, &w[0], false);
    if (trap_raised(t))
        return t;
    if (!pmp_allows(h, w[0].pa, 2, ACC_EXEC, h->priv) || !bus_read(h->bus, w[0].pa, 2, &lo))
        return trap_make(CAUSE_FETCH_ACCESS, pc);
    bool two = (lo & 3) == 3;
    if (two) {
        /* The second parcel may be in the next page, or in the same one (where PMP must
         * allow the instruction as one access). */
        t = walk(h, pc + 2, ACC_EXEC, &w[1], false);
        if (trap_raised(t))
            return t;
        bool same = w[1].pa == w[0].pa + 2;
        if (!pmp_allows(h, same ? w[0].pa : w[1].pa, same ? 4 : 2, ACC_EXEC, h->priv) ||
            !bus_read(h->bus, w[1].pa, 2, &hi))
            return trap_make(CAUSE_FETCH_ACCESS, pc + 2);
    }
    if ((c = commit(h, &w[0])) == COMMIT_STALE)
        goto again;
    if (c == COMMIT_FAULT)
        return trap_make(CAUSE_FETCH_ACCESS, pc);
    if (two && (c = commit(h, &w[1])) == COMMIT_STALE)
        goto again;
    if (two && c == COMMIT_FAULT)
        return trap_make(CAUSE_FETCH_ACCESS, pc + 2);
    tlb_fill(h, ACC_EXEC, pc, w[0].pa);
    if (two)
        tlb_fill(h, ACC_EXEC, pc + 2, w[1].pa);
    *raw = lo | hi << 16;
    return TRAP_NONE;
}
