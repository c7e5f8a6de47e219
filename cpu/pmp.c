/*
 * Physical memory protection (privileged spec 3.7), checked on every access that does
 * not hit the TLB: fetches, loads, stores and page-table walks (which are S-mode's).
 *
 * The rules pmpcfg and pmpaddr describe are decoded into ranges after every write to
 * them (pmp_update), in entry order: the lowest-numbered entry that matches any byte of
 * an access decides, and it must match every byte. M-mode is held to an entry only when
 * its L bit is set; an access no entry matches succeeds in M-mode and fails below it
 * (16 entries are implemented, so S and U can touch nothing until M-mode sets one up,
 * as on QEMU). Granularity is 4 bytes (G = 0): NA4 exists, pmpaddr keeps every bit.
 *
 * The TLB holds a page for an access kind and context only after an access was allowed
 * there and only if the rules treat the whole page alike (pmp_page_uniform), so a TLB
 * hit needs no check; a write to pmpcfg or pmpaddr flushes the TLB (cpu/csr.c). With
 * -cpu rv32,pmp=false (no HART_PMP) the registers are held but nothing is checked.
 */
#include "cpu/mmu.h"

#include "cpu/csr_defs.h"

void pmp_update(struct hart *h)
{
    struct pmp *p = &h->pmp;
    p->nrules = 0;
    for (unsigned i = 0; i < 16; i++) {
        uint8_t cfg = h->pmpcfg[i];
        uint64_t addr = h->pmpaddr[i], lo, hi;
        switch (cfg & PMP_A) {
        case PMP_A_TOR:
            lo = i ? (uint64_t)h->pmpaddr[i - 1] << 2 : 0;
            hi = addr << 2;
            break;
        case PMP_A_NA4:
            lo = addr << 2;
            hi = lo + 4;
            break;
        case PMP_A_NAPOT: {
            unsigned ones = addr == 0xffffffffu ? 32 : (unsigned)__builtin_ctz(~(uint32_t)addr);
            uint64_t size = 8ull << ones;
            lo = (addr << 2) & ~(size - 1);
            hi = lo + size;
            break;
        }
        default:
            continue;                   /* OFF */
        }
        if (lo >= hi)
            continue;                   /* an empty TOR range matches nothing */
        p->rules[p->nrules++] = (struct pmp_rule){ lo, hi, cfg & (PMP_R | PMP_W | PMP_X | PMP_L) };
    }
}

static const uint8_t need[] = { [ACC_READ] = PMP_R, [ACC_WRITE] = PMP_W, [ACC_EXEC] = PMP_X };

bool pmp_allows_rules(const struct hart *h, uint32_t pa, unsigned len,
                      enum mmu_access kind, unsigned priv)
{
    const struct pmp *p = &h->pmp;
    uint64_t a = pa, e = a + len;
    for (unsigned i = 0; i < p->nrules; i++) {
        const struct pmp_rule *r = &p->rules[i];
        if (e <= r->lo || a >= r->hi)
            continue;
        if (a < r->lo || e > r->hi)
            return false;               /* only some bytes match: fails, whatever L says */
        if (priv == PRIV_M && !(r->perm & PMP_L))
            return true;
        return (r->perm & need[kind]) != 0;
    }
    return priv == PRIV_M;
}

bool pmp_page_uniform_rules(const struct hart *h, uint32_t pa)
{
    const struct pmp *p = &h->pmp;
    uint64_t a = pa & ~0xfffu, e = a + 0x1000;
    for (unsigned i = 0; i < p->nrules; i++) {
        const struct pmp_rule *r = &p->rules[i];
        if (e <= r->lo || a >= r->hi)
            continue;
        return a >= r->lo && e <= r->hi;
    }
    return true;
}
