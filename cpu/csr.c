/*
 * Control and status registers (privileged spec, chapters 2, 3 and 4).
 *
 * One table lists every CSR the hart implements with its read and write functions. The
 * rules common to all CSRs come from the address bits, in csr_op() alone: bits 9:8 give
 * the lowest privilege that may access it, bits 11:10 == 0b11 mark it read-only. A CSR
 * that is not in the table raises illegal instruction.
 */
#include "cpu/csr.h"

#include <stdio.h>

#include "bus/bus.h"
#include "cpu/csr_defs.h"
#include "cpu/disasm.h"
#include "cpu/hart_state.h"
#include "cpu/mmu.h"

/* csr_op kinds: funct3 & 3 of the CSR instructions. */
enum { CSR_KIND_RW = 1, CSR_KIND_RS = 2, CSR_KIND_RC = 3 };

/* mstatus bits a write can change; FS too on a hart with F (else it stays 0, as XS
 * does: no custom state). SD is FS == Dirty, never written. */
#define MSTATUS_WRITABLE (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | \
                          MSTATUS_SPP | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_SUM | \
                          MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR)
#define SSTATUS_WRITABLE (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR)
/* Changing these changes what a translation allows: cached ones must go. */
#define MSTATUS_TRANSLATION (MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR)
/* Exceptions that can be delegated: all but ecall from M (and the reserved causes). */
#define MEDELEG_WRITABLE 0xb3ffu
#define MIMPID_RVBOX     1u

/* ---- counters ---- */

#define COUNT_CY 0      /* mcountinhibit / mcounteren bits */
#define COUNT_TM 1
#define COUNT_IR 2

uint64_t csr_minstret(const struct hart *h)
{
    if (h->mcountinhibit & (1u << COUNT_IR))
        return h->instret_frozen;
    return h->retired + h->instret_base;
}

uint64_t csr_mcycle(const struct hart *h)
{
    if (h->mcountinhibit & (1u << COUNT_CY))
        return h->cycle_frozen;
    return h->retired + h->cycle_base;
}

static uint64_t read_time(const struct hart *h)
{
    return h->time_now ? h->time_now(h->time_opaque) : 0;
}

/*
 * Set a counter so that it reads `value` from now on. `by_insn`: an instruction is
 * writing it, so that instruction's own retire (which adds one to `retired`) must not
 * count; a debugger's write has no retire to absorb.
 */
static void set_counter(struct hart *h, unsigned bit, uint64_t value, bool by_insn)
{
    bool inhibited = h->mcountinhibit & (1u << bit);
    uint64_t *base = bit == COUNT_IR ? &h->instret_base : &h->cycle_base;
    uint64_t *frozen = bit == COUNT_IR ? &h->instret_frozen : &h->cycle_frozen;
    if (inhibited)
        *frozen = value;
    else
        *base = value - (h->retired + by_insn);
}

static uint32_t rd_counter(struct hart *h, unsigned num)
{
    unsigned idx = num & 0x1f;
    bool high = num & 0x80;
    uint64_t v;
    switch (idx) {
    case COUNT_CY: v = csr_mcycle(h); break;
    case COUNT_TM: v = read_time(h); break;
    case COUNT_IR: v = csr_minstret(h); break;
    default:       v = 0; break;            /* hpmcounter3..31: no events counted */
    }
    return high ? (uint32_t)(v >> 32) : (uint32_t)v;
}

static void wr_mcounter(struct hart *h, unsigned num, uint32_t v)
{
    unsigned idx = num & 0x1f;
    if (idx != COUNT_CY && idx != COUNT_IR)
        return;                             /* mhpmcounter3..31 are read-only zero */
    uint64_t cur = idx == COUNT_CY ? csr_mcycle(h) : csr_minstret(h);
    uint64_t next = (num & 0x80) ? (cur & 0xffffffffu) | (uint64_t)v << 32
                                 : (cur & ~0xffffffffull) | v;
    set_counter(h, idx, next, !h->csr_debug_write);
}

/*
 * Stopping a counter freezes it at its current value; starting it again resumes from
 * there, counting the instruction that started it. A counter whose bit does not change
 * is left alone.
 */
static void wr_mcountinhibit(struct hart *h, unsigned num, uint32_t v)
{
    (void)num;
    v &= ~(1u << COUNT_TM);                             /* TM does not exist */
    static const unsigned counters[] = { COUNT_CY, COUNT_IR };
    for (size_t i = 0; i < 2; i++) {
        unsigned bit = counters[i];
        uint32_t mask = 1u << bit;
        if (!((h->mcountinhibit ^ v) & mask))
            continue;
        uint64_t value = bit == COUNT_IR ? csr_minstret(h) : csr_mcycle(h);
        h->mcountinhibit ^= mask;
        set_counter(h, bit, value, false);
    }
    h->mcountinhibit = v;
}

/* May the current mode read counter `num` (cycle, time, instret, hpmcounterN)? */
static bool counter_allowed(const struct hart *h, unsigned num)
{
    uint32_t bit = 1u << (num & 0x1f);
    if (h->priv == PRIV_M)
        return true;
    if (!(h->mcounteren & bit))
        return false;
    return h->priv == PRIV_S || (h->scounteren & bit);
}

/* ---- machine and supervisor status and traps ---- */

static uint32_t rd_mstatus(struct hart *h, unsigned num) { (void)num; return h->mstatus; }

/* The one place mstatus changes by software; the xRET and trap paths set bits directly. */
static void write_mstatus_bits(struct hart *h, uint32_t mask, uint32_t v)
{
    uint32_t old = h->mstatus;
    if (h->features & HART_F)
        mask |= MSTATUS_FS;
    uint32_t next = (old & ~mask) | (v & mask);
    if (((next & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) == 2)  /* MPP is WARL: 2 is reserved */
        next = (next & ~MSTATUS_MPP) | (old & MSTATUS_MPP);
    if ((next & MSTATUS_FS) == MSTATUS_FS)
        next |= MSTATUS_SD;
    else
        next &= ~MSTATUS_SD;
    h->mstatus = next;
    if ((old ^ next) & MSTATUS_TRANSLATION)
        tlb_set_context(h);
    hart_leave(h);                        /* MIE/SIE may have enabled an interrupt */
}

static void wr_mstatus(struct hart *h, unsigned num, uint32_t v)
{
    (void)num;
    write_mstatus_bits(h, MSTATUS_WRITABLE, v);
}

static uint32_t rd_sstatus(struct hart *h, unsigned num) { (void)num; return h->mstatus & SSTATUS_MASK; }
static void wr_sstatus(struct hart *h, unsigned num, uint32_t v)
{
    (void)num;
    write_mstatus_bits(h, SSTATUS_WRITABLE, v);
}

static uint32_t rd_misa(struct hart *h, unsigned num) { (void)num; return h->misa; }

static uint32_t rd_mip(struct hart *h, unsigned num) { (void)num; return hart_pending_irqs(h); }
/* ---- Sstc: stimecmp, and STIP following it while menvcfg.STCE is set ---- */

static bool stce(const struct hart *h)
{
    return (h->features & HART_SSTC) && (h->sstc.menvcfgh & MENVCFGH_STCE);
}

/* STIP = time >= stimecmp, while STCE is set (else STIP is M-mode's to write, as
 * without Sstc). Called when stimecmp or STCE change, and by the machine between runs
 * (hart_timer_update), which ends each run at hart_timer_deadline. */
static void sstc_update(struct hart *h)
{
    if (!stce(h))
        return;
    uint32_t mip = read_time(h) >= h->sstc.stimecmp ? h->mip | MIP_STIP : h->mip & ~MIP_STIP;
    if (mip != h->mip) {
        h->mip = mip;
        hart_leave(h);
    }
}

void hart_timer_update(struct hart *h)
{
    sstc_update(h);
}

uint64_t hart_timer_deadline(const struct hart *h)
{
    /* One that has passed but is not signalled yet still counts (it is due). */
    return stce(h) && !(h->mip & MIP_STIP) ? h->sstc.stimecmp : UINT64_MAX;
}

/* A new deadline: the machine must end the run there, so it sizes the run again. */
static void timer_moved(struct hart *h)
{
    sstc_update(h);
    hart_flag_set(&h->yield, true);
    hart_leave(h);
}

static uint32_t rd_stimecmp(struct hart *h, unsigned num)
{
    return (uint32_t)(num == CSR_STIMECMP ? h->sstc.stimecmp : h->sstc.stimecmp >> 32);
}

static void wr_stimecmp(struct hart *h, unsigned num, uint32_t v)
{
    uint64_t t = h->sstc.stimecmp;
    h->sstc.stimecmp = num == CSR_STIMECMP ? (t & ~0xffffffffull) | v
                                           : (t & 0xffffffffull) | (uint64_t)v << 32;
    if (stce(h))
        timer_moved(h);
}

/* menvcfg, menvcfgh, senvcfg (privileged spec 1.12, 3.1.18 and 4.1.4): FIOM in the low
 * halves (no CMO extension), STCE in menvcfgh with Sstc (no Svpbmt: PBMTE stays 0). */
static uint32_t rd_envcfg(struct hart *h, unsigned num)
{
    switch (num) {
    case CSR_MENVCFG:  return h->menvcfg;
    case CSR_MENVCFGH: return h->sstc.menvcfgh;
    default:           return h->senvcfg;
    }
}

static void wr_envcfg(struct hart *h, unsigned num, uint32_t v)
{
    switch (num) {
    case CSR_MENVCFG:
        h->menvcfg = v & ENVCFG_FIOM;
        break;
    case CSR_MENVCFGH: {
        bool was = stce(h);
        h->sstc.menvcfgh = v & (h->features & HART_SSTC ? MENVCFGH_STCE : 0);
        if (stce(h) != was)
            timer_moved(h);         /* STIP follows stimecmp from now on, or stops */
        break;
    }
    default:
        h->senvcfg = v & ENVCFG_FIOM;
        break;
    }
}

static void wr_mip(struct hart *h, unsigned num, uint32_t v)
{
    (void)num;
    /* With STCE, STIP is the timer's, not software's. */
    uint32_t mask = stce(h) ? MIP_S_MASK & ~MIP_STIP : MIP_S_MASK;
    h->mip = (h->mip & ~mask) | (v & mask);
    hart_leave(h);
}

static uint32_t rd_sip(struct hart *h, unsigned num)
{
    (void)num;
    return hart_pending_irqs(h) & h->mideleg;
}
static void wr_sip(struct hart *h, unsigned num, uint32_t v)
{
    (void)num;
    uint32_t mask = MIP_SSIP & h->mideleg;
    h->mip = (h->mip & ~mask) | (v & mask);
    hart_leave(h);
}

static uint32_t rd_mie(struct hart *h, unsigned num) { (void)num; return h->mie; }
static void wr_mie(struct hart *h, unsigned num, uint32_t v)
{
    (void)num;
    h->mie = v & MIP_ALL;
    hart_leave(h);
}

static uint32_t rd_sie(struct hart *h, unsigned num) { (void)num; return h->mie & h->mideleg; }
static void wr_sie(struct hart *h, unsigned num, uint32_t v)
{
    (void)num;
    h->mie = (h->mie & ~h->mideleg) | (v & h->mideleg);
    hart_leave(h);
}

static void wr_medeleg(struct hart *h, unsigned num, uint32_t v)
{
    (void)num;
    h->medeleg = v & MEDELEG_WRITABLE;
}

static void wr_mideleg(struct hart *h, unsigned num, uint32_t v)
{
    (void)num;
    h->mideleg = v & MIP_S_MASK;
    hart_leave(h);
}

static void wr_satp(struct hart *h, unsigned num, uint32_t v)
{
    (void)num;
    if (v == h->satp)
        return;                 /* the same tables: translations cached stay right */
    h->satp = v;
    tlb_flush(h);
    tlb_set_context(h);
}

/* Plain 32-bit registers, identified by their offset in struct hart. */
#define FIELD(f) offsetof(struct hart, f)
static const struct { unsigned num; size_t offset; uint32_t mask; } plain_regs[] = {
    { CSR_MSCRATCH, FIELD(mscratch), 0xffffffffu },
    { CSR_MEPC, FIELD(mepc), ~1u },                 /* IALIGN = 16: bit 0 is zero */
    { CSR_MCAUSE, FIELD(mcause), 0xffffffffu },
    { CSR_MTVAL, FIELD(mtval), 0xffffffffu },
    { CSR_MTVEC, FIELD(mtvec), ~2u },               /* modes 0 and 1 only */
    { CSR_MEDELEG, FIELD(medeleg), MEDELEG_WRITABLE },
    { CSR_MCOUNTEREN, FIELD(mcounteren), 0xffffffffu },
    { CSR_SSCRATCH, FIELD(sscratch), 0xffffffffu },
    { CSR_SEPC, FIELD(sepc), ~1u },
    { CSR_SCAUSE, FIELD(scause), 0xffffffffu },
    { CSR_STVAL, FIELD(stval), 0xffffffffu },
    { CSR_STVEC, FIELD(stvec), ~2u },
    { CSR_SCOUNTEREN, FIELD(scounteren), 0xffffffffu },
};

static uint32_t *plain_reg(struct hart *h, unsigned num, uint32_t *mask)
{
    for (size_t i = 0; i < sizeof plain_regs / sizeof plain_regs[0]; i++)
        if (plain_regs[i].num == num) {
            *mask = plain_regs[i].mask;
            return (uint32_t *)((char *)h + plain_regs[i].offset);
        }
    return NULL;
}

static uint32_t rd_plain(struct hart *h, unsigned num)
{
    uint32_t mask = 0;
    return *plain_reg(h, num, &mask);
}

static void wr_plain(struct hart *h, unsigned num, uint32_t v)
{
    uint32_t mask = 0;
    uint32_t *r = plain_reg(h, num, &mask);
    *r = v & mask;
}

/* ---- PMP: values with the spec's WARL and lock rules; checked by cpu/pmp.c ---- */

/* The rules changed: what the TLB holds was allowed under the old ones. The running
 * block is left (a CSR write ends it; leave makes the JIT look up afresh). */
static void pmp_changed(struct hart *h)
{
    pmp_update(h);
    tlb_flush(h);
    hart_leave(h);
}

static uint32_t rd_pmpcfg(struct hart *h, unsigned num)
{
    unsigned i = (num - CSR_PMPCFG0) * 4;
    return h->pmpcfg[i] | h->pmpcfg[i + 1] << 8 | h->pmpcfg[i + 2] << 16 |
           (uint32_t)h->pmpcfg[i + 3] << 24;
}

static void wr_pmpcfg(struct hart *h, unsigned num, uint32_t v)
{
    unsigned first = (num - CSR_PMPCFG0) * 4;
    for (unsigned i = 0; i < 4; i++) {
        uint8_t cfg = (uint8_t)(v >> (8 * i));
        if (h->pmpcfg[first + i] & PMP_L)
            continue;
        if ((cfg & (PMP_R | PMP_W)) == PMP_W)       /* R=0 W=1 is reserved */
            cfg &= (uint8_t)~PMP_W;
        h->pmpcfg[first + i] = cfg & (uint8_t)~0x60; /* bits 6:5 are zero */
    }
    pmp_changed(h);
}

static uint32_t rd_pmpaddr(struct hart *h, unsigned num) { return h->pmpaddr[num - CSR_PMPADDR0]; }

static void wr_pmpaddr(struct hart *h, unsigned num, uint32_t v)
{
    unsigned i = num - CSR_PMPADDR0;
    if (h->pmpcfg[i] & PMP_L)
        return;
    /* A locked TOR entry above also locks the address below it. */
    if (i < 15 && (h->pmpcfg[i + 1] & PMP_L) && (h->pmpcfg[i + 1] & PMP_A) == PMP_A_TOR)
        return;
    h->pmpaddr[i] = v;
    pmp_changed(h);
}

/* ---- F and D: fflags, frm, fcsr (csr_op checks that FS is not Off) ---- */

static uint32_t rd_fcsr(struct hart *h, unsigned num)
{
    switch (num) {
    case CSR_FFLAGS: return h->fpu.fflags;
    case CSR_FRM:    return h->fpu.frm;
    default:         return (uint32_t)h->fpu.frm << 5 | h->fpu.fflags;
    }
}

static void wr_fcsr(struct hart *h, unsigned num, uint32_t v)
{
    switch (num) {
    case CSR_FFLAGS: h->fpu.fflags = v & 0x1f; break;
    case CSR_FRM:    h->fpu.frm = v & 7; break;
    default:
        h->fpu.fflags = v & 0x1f;
        h->fpu.frm = (v >> 5) & 7;
        break;
    }
    h->mstatus |= MSTATUS_FS | MSTATUS_SD;
}

/* ---- the rest ---- */

static uint32_t rd_zero(struct hart *h, unsigned num) { (void)h; (void)num; return 0; }
static void wr_ignore(struct hart *h, unsigned num, uint32_t v) { (void)h; (void)num; (void)v; }
static uint32_t rd_mhartid(struct hart *h, unsigned num) { (void)num; return h->hartid; }
static uint32_t rd_mimpid(struct hart *h, unsigned num) { (void)h; (void)num; return MIMPID_RVBOX; }
static uint32_t rd_medeleg(struct hart *h, unsigned num) { (void)num; return h->medeleg; }
static uint32_t rd_mideleg(struct hart *h, unsigned num) { (void)num; return h->mideleg; }
static uint32_t rd_satp(struct hart *h, unsigned num) { (void)num; return h->satp; }
static uint32_t rd_mcountinhibit(struct hart *h, unsigned num) { (void)num; return h->mcountinhibit; }

struct csr_desc {
    uint16_t first, last;       /* a range of numbers sharing one name and handlers */
    const char *name;           /* ranges: a printf format taking the index */
    uint16_t name_base;         /* ranges: the index of `first` */
    uint32_t (*read)(struct hart *h, unsigned num);
    void (*write)(struct hart *h, unsigned num, uint32_t v);    /* NULL: read-only */
    uint32_t feature;           /* the HART_* feature it needs; 0: always there */
};

#define ONE(num, name, rd, wr) { num, num, name, 0, rd, wr, 0 }
#define ONE_IF(feature, num, name, rd, wr) { num, num, name, 0, rd, wr, feature }

static const struct csr_desc csr_table[] = {
    /* unprivileged floating point */
    ONE_IF(HART_F, CSR_FFLAGS, "fflags", rd_fcsr, wr_fcsr),
    ONE_IF(HART_F, CSR_FRM, "frm", rd_fcsr, wr_fcsr),
    ONE_IF(HART_F, CSR_FCSR, "fcsr", rd_fcsr, wr_fcsr),
    /* supervisor */
    ONE(CSR_SSTATUS, "sstatus", rd_sstatus, wr_sstatus),
    ONE(CSR_SIE, "sie", rd_sie, wr_sie),
    ONE(CSR_STVEC, "stvec", rd_plain, wr_plain),
    ONE(CSR_SCOUNTEREN, "scounteren", rd_plain, wr_plain),
    ONE(CSR_SSCRATCH, "sscratch", rd_plain, wr_plain),
    ONE(CSR_SEPC, "sepc", rd_plain, wr_plain),
    ONE(CSR_SCAUSE, "scause", rd_plain, wr_plain),
    ONE(CSR_STVAL, "stval", rd_plain, wr_plain),
    ONE(CSR_SIP, "sip", rd_sip, wr_sip),
    ONE(CSR_SATP, "satp", rd_satp, wr_satp),
    ONE(CSR_SENVCFG, "senvcfg", rd_envcfg, wr_envcfg),
    ONE_IF(HART_SSTC, CSR_STIMECMP, "stimecmp", rd_stimecmp, wr_stimecmp),
    ONE_IF(HART_SSTC, CSR_STIMECMPH, "stimecmph", rd_stimecmp, wr_stimecmp),
    /* machine trap setup and handling */
    ONE(CSR_MSTATUS, "mstatus", rd_mstatus, wr_mstatus),
    ONE(CSR_MISA, "misa", rd_misa, wr_ignore),
    ONE(CSR_MEDELEG, "medeleg", rd_medeleg, wr_medeleg),
    ONE(CSR_MIDELEG, "mideleg", rd_mideleg, wr_mideleg),
    ONE(CSR_MIE, "mie", rd_mie, wr_mie),
    ONE(CSR_MTVEC, "mtvec", rd_plain, wr_plain),
    ONE(CSR_MCOUNTEREN, "mcounteren", rd_plain, wr_plain),
    ONE(CSR_MENVCFG, "menvcfg", rd_envcfg, wr_envcfg),
    ONE(CSR_MSTATUSH, "mstatush", rd_zero, wr_ignore),
    ONE(CSR_MENVCFGH, "menvcfgh", rd_envcfg, wr_envcfg),
    ONE(CSR_MCOUNTINHIBIT, "mcountinhibit", rd_mcountinhibit, wr_mcountinhibit),
    { CSR_MHPMEVENT3, CSR_MHPMEVENT31, "mhpmevent%u", 3, rd_zero, wr_ignore, 0 },
    ONE(CSR_MSCRATCH, "mscratch", rd_plain, wr_plain),
    ONE(CSR_MEPC, "mepc", rd_plain, wr_plain),
    ONE(CSR_MCAUSE, "mcause", rd_plain, wr_plain),
    ONE(CSR_MTVAL, "mtval", rd_plain, wr_plain),
    ONE(CSR_MIP, "mip", rd_mip, wr_mip),
    { CSR_PMPCFG0, CSR_PMPCFG3, "pmpcfg%u", 0, rd_pmpcfg, wr_pmpcfg, 0 },
    { CSR_PMPADDR0, CSR_PMPADDR15, "pmpaddr%u", 0, rd_pmpaddr, wr_pmpaddr, 0 },
    /* debug triggers (Sdtrig): tinfo is read-only */
    ONE_IF(HART_SDTRIG, CSR_TSELECT, "tselect", trigger_csr_read, trigger_csr_write),
    ONE_IF(HART_SDTRIG, CSR_TDATA1, "tdata1", trigger_csr_read, trigger_csr_write),
    ONE_IF(HART_SDTRIG, CSR_TDATA2, "tdata2", trigger_csr_read, trigger_csr_write),
    ONE_IF(HART_SDTRIG, CSR_TDATA3, "tdata3", trigger_csr_read, trigger_csr_write),
    ONE_IF(HART_SDTRIG, CSR_TINFO, "tinfo", trigger_csr_read, NULL),
    ONE_IF(HART_SDTRIG, CSR_TCONTROL, "tcontrol", trigger_csr_read, trigger_csr_write),
    /* machine counters */
    ONE(CSR_MCYCLE, "mcycle", rd_counter, wr_mcounter),
    ONE(CSR_MINSTRET, "minstret", rd_counter, wr_mcounter),
    { CSR_MHPMCOUNTER3, CSR_MHPMCOUNTER31, "mhpmcounter%u", 3, rd_zero, wr_ignore, 0 },
    ONE(CSR_MCYCLEH, "mcycleh", rd_counter, wr_mcounter),
    ONE(CSR_MINSTRETH, "minstreth", rd_counter, wr_mcounter),
    { CSR_MHPMCOUNTER3H, CSR_MHPMCOUNTER31H, "mhpmcounter%uh", 3, rd_zero, wr_ignore, 0 },
    /* unprivileged counters (Zicntr): read-only shadows, gated by the counter-enables */
    ONE(CSR_CYCLE, "cycle", rd_counter, NULL),
    ONE(CSR_TIME, "time", rd_counter, NULL),
    ONE(CSR_INSTRET, "instret", rd_counter, NULL),
    { CSR_HPMCOUNTER3, CSR_HPMCOUNTER31, "hpmcounter%u", 3, rd_zero, NULL, 0 },
    ONE(CSR_CYCLEH, "cycleh", rd_counter, NULL),
    ONE(CSR_TIMEH, "timeh", rd_counter, NULL),
    ONE(CSR_INSTRETH, "instreth", rd_counter, NULL),
    { CSR_HPMCOUNTER3H, CSR_HPMCOUNTER31H, "hpmcounter%uh", 3, rd_zero, NULL, 0 },
    /* machine information */
    ONE(CSR_MVENDORID, "mvendorid", rd_zero, NULL),
    ONE(CSR_MARCHID, "marchid", rd_zero, NULL),
    ONE(CSR_MIMPID, "mimpid", rd_mimpid, NULL),
    ONE(CSR_MHARTID, "mhartid", rd_mhartid, NULL),
    ONE(CSR_MCONFIGPTR, "mconfigptr", rd_zero, NULL),
};

#define CSR_TABLE_LEN (sizeof csr_table / sizeof csr_table[0])

/* The CSR's entry, whatever hart (for names). */
static const struct csr_desc *csr_entry(unsigned num)
{
    for (size_t i = 0; i < CSR_TABLE_LEN; i++)
        if (num >= csr_table[i].first && num <= csr_table[i].last)
            return &csr_table[i];
    return NULL;
}

/* The CSR's entry if this hart has it. */
static const struct csr_desc *csr_find(const struct hart *h, unsigned num)
{
    const struct csr_desc *d = csr_entry(num);
    return d && (h->features & d->feature) == d->feature ? d : NULL;
}

static bool is_user_counter(unsigned num)
{
    return (num >= CSR_CYCLE && num <= CSR_HPMCOUNTER31) ||
           (num >= CSR_CYCLEH && num <= CSR_HPMCOUNTER31H);
}

/* -d unimp: a CSR rvbox does not have. Firmware probes optional ones and expects the
 * illegal-instruction trap it gets, so this is news, not an error. */
static void log_unknown_csr(struct hart *h, uint32_t insn, unsigned num)
{
    char text[96];
    disasm(insn, h->pc, text, sizeof text);
    GUEST_LOG(bus_log(h->bus), GUEST_LOG_UNIMP, "[%c] %08x: %s: CSR 0x%03x is not "
              "implemented (illegal instruction)",
              h->priv == PRIV_M ? 'M' : h->priv == PRIV_S ? 'S' : 'U', h->pc, text, num);
}

trap_t csr_op(struct hart *h, uint32_t insn, unsigned num, unsigned kind, uint32_t operand,
              bool write, uint32_t *old)
{
    trap_t illegal = trap_make(CAUSE_ILLEGAL_INSN, insn);
    const struct csr_desc *d = csr_find(h, num);
    if (!d) {
        if (unlikely(guest_log_on(bus_log(h->bus), GUEST_LOG_UNIMP)))
            log_unknown_csr(h, insn, num);
        return illegal;
    }
    if (h->priv < ((num >> 8) & 3))
        return illegal;
    if (write && ((num >> 10) == 3 || !d->write))
        return illegal;
    if (is_user_counter(num) && !counter_allowed(h, num))
        return illegal;
    if (num == CSR_SATP && h->priv == PRIV_S && (h->mstatus & MSTATUS_TVM))
        return illegal;
    if (num <= CSR_FCSR && !(h->mstatus & MSTATUS_FS))
        return illegal;             /* the floating-point unit is Off */
    /* stimecmp below M-mode: with menvcfg.STCE, and mcounteren.TM as for time (QEMU) */
    if ((num == CSR_STIMECMP || num == CSR_STIMECMPH) && h->priv < PRIV_M &&
        (!stce(h) || !(h->mcounteren & (1u << COUNT_TM))))
        return illegal;

    uint32_t value = d->read(h, num);
    /* A read-modify-write of mip works on the software-writable bits, not the lines. */
    if (num == CSR_MIP && kind != CSR_KIND_RW)
        value = h->mip;
    *old = num == CSR_MIP ? hart_pending_irqs(h) : value;
    if (write) {
        uint32_t next = kind == CSR_KIND_RW ? operand
                      : kind == CSR_KIND_RS ? value | operand
                                            : value & ~operand;
        d->write(h, num, next);
    }
    return TRAP_NONE;
}

bool hart_csr_get(struct hart *h, uint16_t num, uint32_t *value)
{
    const struct csr_desc *d = csr_find(h, num);
    if (!d)
        return false;
    *value = d->read(h, num);
    return true;
}

bool hart_csr_set(struct hart *h, uint16_t num, uint32_t value)
{
    const struct csr_desc *d = csr_find(h, num);
    if (!d || !d->write)
        return false;
    h->csr_debug_write = true;
    d->write(h, num, value);
    h->csr_debug_write = false;
    return true;
}

bool csr_name(unsigned num, char *buf, size_t len)
{
    const struct csr_desc *d = csr_entry(num);
    if (!d) {
        snprintf(buf, len, "0x%03x", num);
        return false;
    }
    if (d->first == d->last)
        snprintf(buf, len, "%s", d->name);
    else
        snprintf(buf, len, d->name, num - d->first + d->name_base);
    return true;
}

int csr_next(int num)
{
    int best = -1;
    for (size_t i = 0; i < CSR_TABLE_LEN; i++) {
        int candidate = num < csr_table[i].first ? csr_table[i].first
                      : num < csr_table[i].last ? num + 1 : -1;
        if (candidate > num && (best < 0 || candidate < best))
            best = candidate;
    }
    return best;
}
