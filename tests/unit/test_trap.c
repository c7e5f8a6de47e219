/*
 * Traps and interrupts (privileged spec 3.1.6-3.1.9, 3.3.2-3.3.3, 4.1.1): where each
 * exception and interrupt lands for every mode it can come from, with delegation on and
 * off, and what the trap leaves in xcause/xepc/xtval and mstatus; vectored trap vectors;
 * every mret/sret transition and the cases where they are illegal; which interrupt goes
 * first and when each is enabled; WFI.
 *
 * Expectations are written from the spec's rules (and rvbox's choices for tval and WFI),
 * not from cpu/trap.c.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "cpu/csr_defs.h"
#include "harness.h"

#define BASE      HARNESS_RAM_BASE
#define MARK      0x5555aaaau
#define ONES      0xffffffffu
#define NOP       0x00000013u
#define ECALL     0x00000073u
#define EBREAK    0x00100073u
#define MRET      0x30200073u
#define SRET      0x10200073u
#define WFI       0x10500073u
#define LR_X5_X10     0x100522afu   /* lr.w x5, (x10) */
#define AMOADD_X5_X10 0x006522afu   /* amoadd.w x5, x6, (x10) */
#define ILLEGAL_CSR   0x7c0022f3u   /* csrrs x5, 0x7c0, x0: no such CSR */

#define ROOT      (BASE + 0xc000u)  /* the page table of the paging cases */
#define VA_HOLE   0x40000000u       /* a virtual address nothing maps */

/* Sentinels in the trap registers of the mode that must not be touched. */
#define EPC_SENTINEL  0x11110000u
#define TVAL_SENTINEL 0x22220000u

static struct harness *t;

static void setup(void)
{
    t = harness_create();
}

static void teardown(void)
{
    harness_destroy(t);
}

static void fresh(void)
{
    harness_destroy(t);
    t = harness_create();
}

static uint32_t mstatus(void)
{
    return harness_csr(t, CSR_MSTATUS);
}

/* Run `word` at BASE (or from `pc`) in `priv`, one step: true if it retired. */
static bool step_at(enum hart_priv priv, uint32_t pc, uint32_t word)
{
    harness_load(t, &word, 1);
    hart_set_pc(t->hart, pc);
    hart_set_priv(t->hart, priv);
    return harness_run(t, 1) == 1;
}

static const char *priv_name(enum hart_priv p)
{
    return p == PRIV_M ? "M" : p == PRIV_S ? "S" : "U";
}

/* Paging for the page-fault cases: a 4 MiB identity superpage over RAM (a U page when the
 * code runs in U-mode) and nothing else, so VA_HOLE faults. */
static void paging_on(bool user)
{
    for (uint32_t i = 0; i < 1024; i++)
        harness_poke(t, ROOT + 4 * i, 0);
    uint32_t leaf = (BASE >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
    harness_poke(t, ROOT + 4 * (BASE >> 22), leaf | (user ? PTE_U : 0));
    harness_set_csr(t, CSR_SATP, SATP_MODE_SV32 | ROOT >> 12);
}

/* ---- the delegation matrix for exceptions ---- */

#define FROM_M (1u << PRIV_M)
#define FROM_S (1u << PRIV_S)
#define FROM_U (1u << PRIV_U)
#define FROM_ALL (FROM_M | FROM_S | FROM_U)

static const struct {
    uint32_t cause;
    const char *name;
    unsigned from;              /* the modes it can be raised in */
} exceptions[] = {
    { CAUSE_FETCH_ACCESS, "fetch access fault", FROM_ALL },
    { CAUSE_ILLEGAL_INSN, "illegal instruction", FROM_ALL },
    { CAUSE_BREAKPOINT, "breakpoint", FROM_ALL },
    { CAUSE_MISALIGNED_LOAD, "misaligned load (lr.w)", FROM_ALL },
    { CAUSE_LOAD_ACCESS, "load access fault", FROM_ALL },
    { CAUSE_MISALIGNED_STORE, "misaligned store/AMO", FROM_ALL },
    { CAUSE_STORE_ACCESS, "store access fault", FROM_ALL },
    { CAUSE_ECALL_U, "ecall from U", FROM_U },
    { CAUSE_ECALL_S, "ecall from S", FROM_S },
    { CAUSE_ECALL_M, "ecall from M", FROM_M },
    { CAUSE_FETCH_PAGE_FAULT, "fetch page fault", FROM_S | FROM_U },
    { CAUSE_LOAD_PAGE_FAULT, "load page fault (M: MPRV)", FROM_ALL },
    { CAUSE_STORE_PAGE_FAULT, "store page fault (M: MPRV)", FROM_ALL },
};
#define N_EXCEPTIONS (sizeof exceptions / sizeof exceptions[0])

/* Set up the exception `cause` raised in `from`: the instruction (or pc) and registers.
 * Returns the instruction word; *pc is where it sits, *tval what xtval must get. */
static uint32_t provoke(uint32_t cause, enum hart_priv from, uint32_t *pc, uint32_t *tval)
{
    *pc = BASE;
    *tval = 0;
    switch (cause) {
    case CAUSE_FETCH_ACCESS:
        *pc = *tval = HARNESS_UNMAPPED;
        return NOP;
    case CAUSE_ILLEGAL_INSN:
        *tval = ILLEGAL_CSR;
        return ILLEGAL_CSR;
    case CAUSE_BREAKPOINT:
        *tval = BASE;                           /* rvbox: tval = pc */
        return EBREAK;
    case CAUSE_MISALIGNED_LOAD:
        harness_set_reg(t, 10, *tval = HARNESS_DATA + 2);
        return LR_X5_X10;
    case CAUSE_LOAD_ACCESS:
        harness_set_reg(t, 10, *tval = HARNESS_UNMAPPED);
        return enc_lw(5, 10, 0);
    case CAUSE_MISALIGNED_STORE:
        harness_set_reg(t, 10, *tval = HARNESS_DATA + 1);
        return AMOADD_X5_X10;
    case CAUSE_STORE_ACCESS:
        harness_set_reg(t, 10, *tval = HARNESS_UNMAPPED);
        return enc_sw(6, 10, 0);
    case CAUSE_ECALL_U: case CAUSE_ECALL_S: case CAUSE_ECALL_M:
        return ECALL;
    case CAUSE_FETCH_PAGE_FAULT:
        paging_on(from == PRIV_U);
        *pc = *tval = VA_HOLE;
        return NOP;
    default:                                    /* load and store page faults */
        paging_on(from == PRIV_U);
        if (from == PRIV_M)                     /* MPP = S is set by the caller */
            harness_set_csr(t, CSR_MSTATUS, mstatus() | MSTATUS_MPRV);
        harness_set_reg(t, 10, *tval = VA_HOLE + 0x10);
        return cause == CAUSE_LOAD_PAGE_FAULT ? enc_lw(5, 10, 0) : enc_sw(6, 10, 0);
    }
}

/* The previous-mode fields before the trap: the opposite of what the trap will write, so
 * that a field left alone is seen. */
static uint32_t mstatus_before(enum hart_priv from, bool ie)
{
    uint32_t s = 0;
    if (ie)
        s |= MSTATUS_MIE | MSTATUS_SIE;
    else
        s |= MSTATUS_MPIE | MSTATUS_SPIE;
    s |= (uint32_t)(from == PRIV_M ? PRIV_S : PRIV_M) << MSTATUS_MPP_SHIFT;
    if (from != PRIV_S)
        s |= MSTATUS_SPP;
    return s;
}

/* Where a trap from `from` must land and what it leaves: the spec's rules (3.1.8, 3.1.6.1). */
static void check_landing(const char *what, enum hart_priv from, bool to_s, bool ie,
                          uint32_t before, uint32_t cause, uint32_t epc, uint32_t tval)
{
    const char *where = to_s ? "S" : "M";
    ck_assert_msg(hart_get_priv(t->hart) == (to_s ? PRIV_S : PRIV_M),
                  "%s from %s: landed in mode %d, want %s", what, priv_name(from),
                  hart_get_priv(t->hart), where);
    ck_assert_msg(harness_pc(t) == (to_s ? HARNESS_STRAP_VEC : HARNESS_TRAP_VEC),
                  "%s from %s: pc 0x%08x, want %stvec", what, priv_name(from), harness_pc(t),
                  to_s ? "s" : "m");
    uint16_t cause_csr = to_s ? CSR_SCAUSE : CSR_MCAUSE;
    uint16_t epc_csr = to_s ? CSR_SEPC : CSR_MEPC;
    uint16_t tval_csr = to_s ? CSR_STVAL : CSR_MTVAL;
    ck_assert_msg(harness_csr(t, cause_csr) == cause, "%s from %s: %scause 0x%08x, want 0x%08x",
                  what, priv_name(from), to_s ? "s" : "m", harness_csr(t, cause_csr), cause);
    ck_assert_msg(harness_csr(t, epc_csr) == epc, "%s from %s: %sepc 0x%08x, want 0x%08x",
                  what, priv_name(from), to_s ? "s" : "m", harness_csr(t, epc_csr), epc);
    ck_assert_msg(harness_csr(t, tval_csr) == tval, "%s from %s: %stval 0x%08x, want 0x%08x",
                  what, priv_name(from), to_s ? "s" : "m", harness_csr(t, tval_csr), tval);
    /* the other mode's registers are untouched */
    ck_assert_uint_eq(harness_csr(t, to_s ? CSR_MEPC : CSR_SEPC), EPC_SENTINEL);
    ck_assert_uint_eq(harness_csr(t, to_s ? CSR_MTVAL : CSR_STVAL), TVAL_SENTINEL);

    uint32_t want = before;
    if (to_s) {
        want &= ~(MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE);
        if (from == PRIV_S)
            want |= MSTATUS_SPP;
        if (ie)
            want |= MSTATUS_SPIE;
    } else {
        want &= ~(MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE);
        want |= (uint32_t)from << MSTATUS_MPP_SHIFT;
        if (ie)
            want |= MSTATUS_MPIE;
    }
    ck_assert_msg(mstatus() == want, "%s from %s to %s: mstatus 0x%08x, want 0x%08x", what,
                  priv_name(from), where, mstatus(), want);
}

static void set_sentinels(uint32_t cause_sentinel)
{
    harness_set_csr(t, CSR_MEPC, EPC_SENTINEL);
    harness_set_csr(t, CSR_SEPC, EPC_SENTINEL);
    harness_set_csr(t, CSR_MTVAL, TVAL_SENTINEL);
    harness_set_csr(t, CSR_STVAL, TVAL_SENTINEL);
    harness_set_csr(t, CSR_MCAUSE, cause_sentinel);
    harness_set_csr(t, CSR_SCAUSE, cause_sentinel);
}

/* Exceptions from S and U go to S when their medeleg bit is set, else to M; from M always
 * to M. The other medeleg bits are set opposite, so that only the cause's own bit counts. */
START_TEST(test_exception_delegation)
{
    uint32_t cause = exceptions[_i].cause;
    static const enum hart_priv modes[] = { PRIV_M, PRIV_S, PRIV_U };
    for (size_t m = 0; m < 3; m++) {
        enum hart_priv from = modes[m];
        if (!(exceptions[_i].from & (1u << from)))
            continue;
        for (unsigned deleg = 0; deleg < 2; deleg++)
            for (unsigned ie = 0; ie < 2; ie++) {
                fresh();
                uint32_t bit = 1u << cause;
                harness_set_csr(t, CSR_MEDELEG, deleg ? bit : ~bit);
                set_sentinels(CAUSE_INTERRUPT | IRQ_S_SOFT);
                uint32_t before = mstatus_before(from, ie);
                harness_set_csr(t, CSR_MSTATUS, before);
                uint32_t pc, tval;
                uint32_t word = provoke(cause, from, &pc, &tval);
                before = mstatus();             /* with MPRV, for the M page faults */
                harness_set_reg(t, 5, MARK);
                ck_assert_msg(!step_at(from, pc, word), "%s from %s retired",
                              exceptions[_i].name, priv_name(from));
                bool to_s = deleg && from != PRIV_M && cause != CAUSE_ECALL_M;
                check_landing(exceptions[_i].name, from, to_s, ie, before, cause, pc, tval);
                ck_assert_uint_eq(harness_reg(t, 5), MARK);
            }
    }
}
END_TEST

/* ecall from M (bit 11) cannot be delegated; the reserved causes 10 and 14 and everything
 * from 16 up read 0 in medeleg. */
START_TEST(test_medeleg_undelegable)
{
    harness_set_csr(t, CSR_MEDELEG, ONES);
    uint32_t d = harness_csr(t, CSR_MEDELEG);
    ck_assert_uint_eq(d & (1u << CAUSE_ECALL_M), 0);
    ck_assert_uint_eq(d & (1u << 10 | 1u << 14 | 0xffff0000u), 0);
}
END_TEST

/* ---- interrupts and mideleg ---- */

static const struct {
    unsigned code;
    const char *name;
    bool line;                  /* raised by a device line (else a software bit in mip) */
} irqs[] = {
    { IRQ_S_SOFT, "SSI", false }, { IRQ_M_SOFT, "MSI", true },
    { IRQ_S_TIMER, "STI", false }, { IRQ_M_TIMER, "MTI", true },
    { IRQ_S_EXT, "SEI", true }, { IRQ_M_EXT, "MEI", true },
};
#define N_IRQS (sizeof irqs / sizeof irqs[0])

static void raise_irq(size_t i, bool level)
{
    uint32_t bit = 1u << irqs[i].code;
    if (irqs[i].line) {
        hart_set_irq(t->hart, bit, level);
    } else {
        /* SSIP and STIP have no line; keep SEIP's software bit out of it (mip reads it
         * ORed with the line) */
        uint32_t mip = harness_csr(t, CSR_MIP) & (MIP_SSIP | MIP_STIP);
        harness_set_csr(t, CSR_MIP, level ? mip | bit : mip & ~bit);
    }
}

/* An interrupt whose mideleg bit is set (only SSI, STI, SEI can be) goes to S from S and U
 * and is never taken in M; the others go to M from every mode. Global enables are on. */
START_TEST(test_interrupt_delegation)
{
    static const enum hart_priv modes[] = { PRIV_M, PRIV_S, PRIV_U };
    unsigned code = irqs[_i].code;
    uint32_t bit = 1u << code;
    bool s_level = bit & (MIP_SSIP | MIP_STIP | MIP_SEIP);
    for (size_t m = 0; m < 3; m++)
        for (unsigned deleg = 0; deleg < 2; deleg++) {
            enum hart_priv from = modes[m];
            bool ie = true;
            fresh();
            harness_set_csr(t, CSR_MIDELEG, deleg ? bit : ~bit);
            harness_set_csr(t, CSR_MIE, bit);
            set_sentinels(CAUSE_LOAD_PAGE_FAULT);
            uint32_t before = mstatus_before(from, ie);
            harness_set_csr(t, CSR_MSTATUS, before);
            raise_irq(_i, true);
            bool delegated = deleg && s_level;
            bool retired = step_at(from, BASE, NOP);
            if (delegated && from == PRIV_M) {
                ck_assert_msg(retired, "delegated %s taken in M", irqs[_i].name);
                ck_assert_uint_eq(harness_csr(t, CSR_MCAUSE), CAUSE_LOAD_PAGE_FAULT);
                ck_assert_uint_eq(harness_csr(t, CSR_SCAUSE), CAUSE_LOAD_PAGE_FAULT);
                continue;
            }
            ck_assert_msg(!retired, "%s (mideleg %u) from %s not taken", irqs[_i].name,
                          deleg, priv_name(from));
            check_landing(irqs[_i].name, from, delegated, ie, before,
                          CAUSE_INTERRUPT | code, BASE, 0);
        }
}
END_TEST

/* ---- vectored trap vectors ---- */

/* MODE 1: interrupts go to base + 4 * cause, exceptions to base. mtvec, then stvec. */
START_TEST(test_vectored_mtvec)
{
    uint32_t vbase = BASE + 0x2000;
    for (size_t i = 0; i < N_IRQS; i++) {
        fresh();
        harness_set_csr(t, CSR_MTVEC, vbase | 1);
        harness_set_csr(t, CSR_MIE, 1u << irqs[i].code);
        harness_set_csr(t, CSR_MSTATUS, MSTATUS_MIE);
        raise_irq(i, true);
        ck_assert(!step_at(PRIV_M, BASE, NOP));
        ck_assert_uint_eq(harness_csr(t, CSR_MCAUSE), CAUSE_INTERRUPT | irqs[i].code);
        ck_assert_msg(harness_pc(t) == vbase + 4 * irqs[i].code, "%s: pc 0x%08x",
                      irqs[i].name, harness_pc(t));
    }
    fresh();
    harness_set_csr(t, CSR_MTVEC, vbase | 1);
    ck_assert(!step_at(PRIV_M, BASE, ECALL));
    ck_assert_uint_eq(harness_pc(t), vbase);
    ck_assert(!step_at(PRIV_U, BASE, ILLEGAL_CSR));
    ck_assert_uint_eq(harness_pc(t), vbase);
}
END_TEST

START_TEST(test_vectored_stvec)
{
    uint32_t vbase = BASE + 0x3000;
    static const unsigned s_irqs[] = { 0, 2, 4 };       /* SSI, STI, SEI in irqs[] */
    for (size_t k = 0; k < 3; k++) {
        size_t i = s_irqs[k];
        fresh();
        harness_set_csr(t, CSR_STVEC, vbase | 1);
        harness_set_csr(t, CSR_MIDELEG, MIP_SSIP | MIP_STIP | MIP_SEIP);
        harness_set_csr(t, CSR_MIE, 1u << irqs[i].code);
        raise_irq(i, true);
        ck_assert(!step_at(PRIV_U, BASE, NOP));
        ck_assert_int_eq(hart_get_priv(t->hart), PRIV_S);
        ck_assert_uint_eq(harness_csr(t, CSR_SCAUSE), CAUSE_INTERRUPT | irqs[i].code);
        ck_assert_msg(harness_pc(t) == vbase + 4 * irqs[i].code, "%s: pc 0x%08x",
                      irqs[i].name, harness_pc(t));
    }
    fresh();
    harness_set_csr(t, CSR_STVEC, vbase | 1);
    harness_set_csr(t, CSR_MEDELEG, 1u << CAUSE_ECALL_U | 1u << CAUSE_BREAKPOINT);
    ck_assert(!step_at(PRIV_U, BASE, ECALL));
    ck_assert_uint_eq(harness_pc(t), vbase);
    ck_assert(!step_at(PRIV_S, BASE, EBREAK));
    ck_assert_uint_eq(harness_csr(t, CSR_SCAUSE), CAUSE_BREAKPOINT);
    ck_assert_uint_eq(harness_pc(t), vbase);
}
END_TEST

/* ---- mret and sret ---- */

/* Every combination of MPP, MPIE, MIE and MPRV (and some S bits that must stay): mret
 * sets the mode to MPP, MIE to MPIE, MPIE to 1, MPP to U, and clears MPRV when the new
 * mode is below M. */
START_TEST(test_mret_transitions)
{
    static const enum hart_priv pps[] = { PRIV_U, PRIV_S, PRIV_M };
    for (size_t p = 0; p < 3; p++)
        for (unsigned bits = 0; bits < 8; bits++) {
            fresh();
            bool mpie = bits & 1, mie = bits & 2, mprv = bits & 4;
            uint32_t keep = MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_TSR;
            uint32_t before = (uint32_t)pps[p] << MSTATUS_MPP_SHIFT | keep |
                              (mpie ? MSTATUS_MPIE : 0) | (mie ? MSTATUS_MIE : 0) |
                              (mprv ? MSTATUS_MPRV : 0);
            harness_set_csr(t, CSR_MSTATUS, before);
            harness_set_csr(t, CSR_MEPC, BASE + 0x200);
            ck_assert(step_at(PRIV_M, BASE, MRET));
            uint32_t want = keep | MSTATUS_MPIE | (mpie ? MSTATUS_MIE : 0) |
                            (mprv && pps[p] == PRIV_M ? MSTATUS_MPRV : 0);
            ck_assert_int_eq(hart_get_priv(t->hart), pps[p]);
            ck_assert_uint_eq(harness_pc(t), BASE + 0x200);
            ck_assert_msg(mstatus() == want, "mret with mstatus 0x%08x: 0x%08x, want 0x%08x",
                          before, mstatus(), want);
        }
}
END_TEST

/* sret (from S, and from M, which may also use it): the mode becomes SPP, SIE gets SPIE,
 * SPIE becomes 1, SPP becomes U, MPRV is cleared (the new mode is never M); the M fields
 * stay. */
START_TEST(test_sret_transitions)
{
    static const enum hart_priv froms[] = { PRIV_S, PRIV_M };
    for (size_t f = 0; f < 2; f++)
        for (unsigned bits = 0; bits < 16; bits++) {
            fresh();
            bool spp = bits & 1, spie = bits & 2, sie = bits & 4, mprv = bits & 8;
            uint32_t keep = MSTATUS_MPIE | MSTATUS_MIE | 1u << MSTATUS_MPP_SHIFT |
                            MSTATUS_MXR;
            uint32_t before = keep | (spp ? MSTATUS_SPP : 0) | (spie ? MSTATUS_SPIE : 0) |
                              (sie ? MSTATUS_SIE : 0) | (mprv ? MSTATUS_MPRV : 0);
            harness_set_csr(t, CSR_MSTATUS, before);
            harness_set_csr(t, CSR_SEPC, BASE + 0x300);
            ck_assert(step_at(froms[f], BASE, SRET));
            uint32_t want = keep | MSTATUS_SPIE | (spie ? MSTATUS_SIE : 0);
            ck_assert_int_eq(hart_get_priv(t->hart), spp ? PRIV_S : PRIV_U);
            ck_assert_uint_eq(harness_pc(t), BASE + 0x300);
            ck_assert_msg(mstatus() == want, "sret in %s with mstatus 0x%08x: 0x%08x, "
                          "want 0x%08x", priv_name(froms[f]), before, mstatus(), want);
        }
}
END_TEST

/* Illegal xRETs: mret outside M, sret in U, sret in S with TSR. tval = the bits; the
 * state the xRET would have changed stays (but for the trap's own fields). */
START_TEST(test_xret_illegal)
{
    static const struct { uint32_t word; enum hart_priv from; uint32_t mstatus; } cases[] = {
        { MRET, PRIV_S, 0 }, { MRET, PRIV_U, 0 }, { MRET, PRIV_S, MSTATUS_TSR },
        { SRET, PRIV_U, 0 }, { SRET, PRIV_U, MSTATUS_TSR }, { SRET, PRIV_S, MSTATUS_TSR },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fresh();
        uint32_t before = cases[i].mstatus | MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_MPIE |
                          3u << MSTATUS_MPP_SHIFT;
        harness_set_csr(t, CSR_MSTATUS, before);
        harness_set_csr(t, CSR_MEPC, BASE + 0x400);
        harness_set_csr(t, CSR_SEPC, BASE + 0x500);
        ck_assert_msg(!step_at(cases[i].from, BASE, cases[i].word), "case %zu retired", i);
        ck_assert_uint_eq(harness_csr(t, CSR_MCAUSE), CAUSE_ILLEGAL_INSN);
        ck_assert_uint_eq(harness_csr(t, CSR_MTVAL), cases[i].word);
        ck_assert_uint_eq(harness_csr(t, CSR_MEPC), BASE);
        ck_assert_uint_eq(harness_pc(t), HARNESS_TRAP_VEC);
        /* only the trap's fields (MPP, MPIE, MIE) changed: S fields as they were */
        uint32_t s_fields = MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE | MSTATUS_TSR;
        ck_assert_uint_eq(mstatus() & s_fields, before & s_fields);
        ck_assert_uint_eq(harness_csr(t, CSR_SEPC), BASE + 0x500);
    }
    /* TSR does not apply to M */
    fresh();
    harness_set_csr(t, CSR_MSTATUS, MSTATUS_TSR | MSTATUS_SPP);
    harness_set_csr(t, CSR_SEPC, BASE + 0x500);
    ck_assert(step_at(PRIV_M, BASE, SRET));
    ck_assert_int_eq(hart_get_priv(t->hart), PRIV_S);
}
END_TEST

/* ---- priority ---- */

/* All six pending and enabled, none delegated, in M with MIE: taken in the order MEI, MSI,
 * MTI, SEI, SSI, STI. Each is cleared once taken. */
START_TEST(test_priority_all_to_m)
{
    static const unsigned order[] = { IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER, IRQ_S_EXT,
                                      IRQ_S_SOFT, IRQ_S_TIMER };
    harness_set_csr(t, CSR_MIE, MIP_ALL);
    for (size_t i = 0; i < N_IRQS; i++)
        raise_irq(i, true);
    for (size_t k = 0; k < 6; k++) {
        harness_set_csr(t, CSR_MSTATUS, MSTATUS_MIE);
        ck_assert(!step_at(PRIV_M, BASE, NOP));
        uint32_t cause = harness_csr(t, CSR_MCAUSE);
        ck_assert_msg(cause == (CAUSE_INTERRUPT | order[k]), "interrupt %zu taken: 0x%08x, "
                      "want 0x%08x", k, cause, CAUSE_INTERRUPT | order[k]);
        for (size_t i = 0; i < N_IRQS; i++)
            if (irqs[i].code == order[k])
                raise_irq(i, false);
    }
    harness_set_csr(t, CSR_MSTATUS, MSTATUS_MIE);
    ck_assert(step_at(PRIV_M, BASE, NOP));                 /* nothing left */
}
END_TEST

/* In U-mode with everything enabled: every M-bound interrupt comes before any S-bound one,
 * even a lower-priority one (STI kept in M beats a delegated SEI); then the S-bound ones in
 * priority order. */
START_TEST(test_priority_m_bound_first)
{
    harness_set_csr(t, CSR_MIE, MIP_ALL);
    harness_set_csr(t, CSR_MIDELEG, MIP_SEIP | MIP_SSIP);
    for (size_t i = 0; i < N_IRQS; i++)
        if (irqs[i].code == IRQ_S_EXT || irqs[i].code == IRQ_S_SOFT ||
            irqs[i].code == IRQ_S_TIMER)
            raise_irq(i, true);
    static const struct { unsigned code; enum hart_priv to; } order[] = {
        { IRQ_S_TIMER, PRIV_M }, { IRQ_S_EXT, PRIV_S }, { IRQ_S_SOFT, PRIV_S },
    };
    for (size_t k = 0; k < 3; k++) {
        ck_assert(!step_at(PRIV_U, BASE, NOP));
        ck_assert_int_eq(hart_get_priv(t->hart), order[k].to);
        uint32_t cause = harness_csr(t, order[k].to == PRIV_M ? CSR_MCAUSE : CSR_SCAUSE);
        ck_assert_msg(cause == (CAUSE_INTERRUPT | order[k].code), "step %zu: cause 0x%08x",
                      k, cause);
        for (size_t i = 0; i < N_IRQS; i++)
            if (irqs[i].code == order[k].code)
                raise_irq(i, false);
    }
}
END_TEST

/* ---- enable rules ---- */

/* Is an interrupt taken? The spec's rule (3.1.6.1, 3.1.9): it must be pending and enabled
 * in mie; one bound for M is taken in M only with MIE, always below M; one bound for S is
 * never taken in M, taken in S only with SIE, always in U. */
static bool spec_taken(enum hart_priv from, bool to_s, bool mie_g, bool sie_g, bool enabled)
{
    if (!enabled)
        return false;
    if (!to_s)
        return from != PRIV_M || mie_g;
    if (from == PRIV_M)
        return false;
    return from == PRIV_U || sie_g;
}

START_TEST(test_enable_rules)
{
    static const enum hart_priv modes[] = { PRIV_M, PRIV_S, PRIV_U };
    /* MTI (M-bound), STI kept in M, STI delegated */
    static const struct { unsigned code; bool deleg; } kinds[] = {
        { IRQ_M_TIMER, false }, { IRQ_S_TIMER, false }, { IRQ_S_TIMER, true },
        { IRQ_S_EXT, true }, { IRQ_M_EXT, false },
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        for (size_t m = 0; m < 3; m++)
            for (unsigned bits = 0; bits < 8; bits++) {
                bool mie_g = bits & 1, sie_g = bits & 2, enabled = bits & 4;
                uint32_t bit = 1u << kinds[k].code;
                fresh();
                harness_set_csr(t, CSR_MIDELEG, kinds[k].deleg ? bit : 0);
                harness_set_csr(t, CSR_MIE, enabled ? bit : MIP_ALL & ~bit);
                harness_set_csr(t, CSR_MSTATUS, (mie_g ? MSTATUS_MIE : 0) |
                                                (sie_g ? MSTATUS_SIE : 0));
                if (kinds[k].code == IRQ_S_TIMER)
                    harness_set_csr(t, CSR_MIP, MIP_STIP);
                else
                    hart_set_irq(t->hart, bit, true);
                bool want = spec_taken(modes[m], kinds[k].deleg, mie_g, sie_g, enabled);
                bool taken = !step_at(modes[m], BASE, NOP);
                ck_assert_msg(taken == want, "irq %u deleg %d in %s, MIE %d SIE %d mie %d: "
                              "%s", kinds[k].code, kinds[k].deleg, priv_name(modes[m]),
                              mie_g, sie_g, enabled, taken ? "taken" : "not taken");
                if (taken)
                    ck_assert_int_eq(hart_get_priv(t->hart),
                                     kinds[k].deleg ? PRIV_S : PRIV_M);
            }
}
END_TEST

/* An interrupt enabled by a CSR write is taken right after that instruction. */
START_TEST(test_enable_by_csr_write)
{
    const uint32_t prog[] = { enc_csrrsi(0, CSR_MSTATUS, MSTATUS_MIE), NOP, NOP };
    harness_load(t, prog, 3);
    harness_set_csr(t, CSR_MIE, MIP_MTIP);
    hart_set_irq(t->hart, HART_IRQ_MTIP, true);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_run(t, 1), 0);
    ck_assert_uint_eq(harness_csr(t, CSR_MCAUSE), CAUSE_INTERRUPT | IRQ_M_TIMER);
    ck_assert_uint_eq(harness_csr(t, CSR_MEPC), BASE + 4);
}
END_TEST

/* ---- WFI ---- */

/* Asleep while nothing is pending and enabled: hart_run says so and runs nothing. */
START_TEST(test_wfi_sleeps)
{
    const uint32_t prog[] = { WFI, enc_addi(5, 0, 1), NOP };
    harness_load(t, prog, 3);
    harness_set_csr(t, CSR_MIE, MIP_MTIP);
    uint64_t retired = 0;
    ck_assert_int_eq(hart_run(t->hart, 10, &retired), HART_STOP_WFI);
    ck_assert_uint_eq(retired, 1);
    ck_assert_uint_eq(harness_pc(t), BASE + 4);
    ck_assert(hart_waiting(t->hart));
    ck_assert_int_eq(hart_run(t->hart, 10, &retired), HART_STOP_WFI);
    ck_assert_uint_eq(retired, 0);
    ck_assert_uint_eq(harness_reg(t, 5), 0);
    /* pending but not enabled in mie: still asleep */
    hart_set_irq(t->hart, HART_IRQ_MEIP, true);
    ck_assert_int_eq(hart_run(t->hart, 10, &retired), HART_STOP_WFI);
    ck_assert_uint_eq(retired, 0);
}
END_TEST

/* Pending and enabled in mie with MIE = 0: WFI ends, no trap, execution goes on after it. */
START_TEST(test_wfi_wakes_without_trap)
{
    const uint32_t prog[] = { WFI, enc_addi(5, 0, 1), NOP };
    harness_load(t, prog, 3);
    harness_set_csr(t, CSR_MIE, MIP_MTIP);
    harness_set_csr(t, CSR_MCAUSE, CAUSE_LOAD_PAGE_FAULT);
    uint64_t retired = 0;
    ck_assert_int_eq(hart_run(t->hart, 10, &retired), HART_STOP_WFI);
    hart_set_irq(t->hart, HART_IRQ_MTIP, true);
    ck_assert_int_eq(hart_run(t->hart, 1, &retired), HART_STOP_BUDGET);
    ck_assert_uint_eq(retired, 1);
    ck_assert_uint_eq(harness_reg(t, 5), 1);
    ck_assert_uint_eq(harness_pc(t), BASE + 8);
    ck_assert(!hart_waiting(t->hart));
    ck_assert_uint_eq(harness_csr(t, CSR_MCAUSE), CAUSE_LOAD_PAGE_FAULT);
}
END_TEST

/* With MIE = 1 the wake-up is the interrupt: mepc is the instruction after the wfi. */
START_TEST(test_wfi_wakes_with_trap)
{
    const uint32_t prog[] = { WFI, enc_addi(5, 0, 1), NOP };
    harness_load(t, prog, 3);
    harness_set_csr(t, CSR_MIE, MIP_MTIP);
    harness_set_csr(t, CSR_MSTATUS, MSTATUS_MIE);
    uint64_t retired = 0;
    ck_assert_int_eq(hart_run(t->hart, 10, &retired), HART_STOP_WFI);
    hart_set_irq(t->hart, HART_IRQ_MTIP, true);
    hart_run(t->hart, 1, &retired);
    ck_assert_uint_eq(retired, 0);
    ck_assert_uint_eq(harness_csr(t, CSR_MCAUSE), CAUSE_INTERRUPT | IRQ_M_TIMER);
    ck_assert_uint_eq(harness_csr(t, CSR_MEPC), BASE + 4);
    ck_assert_uint_eq(harness_pc(t), HARNESS_TRAP_VEC);
    ck_assert_uint_eq(harness_reg(t, 5), 0);
}
END_TEST

/* A delegated S interrupt cannot be taken in M, but it wakes WFI there all the same. */
START_TEST(test_wfi_wakes_on_delegated)
{
    const uint32_t prog[] = { WFI, enc_addi(5, 0, 1), NOP };
    harness_load(t, prog, 3);
    harness_set_csr(t, CSR_MIDELEG, MIP_SEIP);
    harness_set_csr(t, CSR_MIE, MIP_SEIP);
    harness_set_csr(t, CSR_MSTATUS, MSTATUS_MIE | MSTATUS_SIE);
    uint64_t retired = 0;
    ck_assert_int_eq(hart_run(t->hart, 10, &retired), HART_STOP_WFI);
    hart_set_irq(t->hart, HART_IRQ_SEIP, true);
    hart_run(t->hart, 1, &retired);
    ck_assert_uint_eq(retired, 1);
    ck_assert_uint_eq(harness_reg(t, 5), 1);
    ck_assert_int_eq(hart_get_priv(t->hart), PRIV_M);
}
END_TEST

/* Already pending and enabled: wfi does not sleep at all. */
START_TEST(test_wfi_no_sleep_when_pending)
{
    const uint32_t prog[] = { WFI, enc_addi(5, 0, 1), NOP };
    harness_load(t, prog, 3);
    harness_set_csr(t, CSR_MIE, MIP_MSIP);
    hart_set_irq(t->hart, HART_IRQ_MSIP, true);
    uint64_t retired = 0;
    ck_assert_int_eq(hart_run(t->hart, 2, &retired), HART_STOP_BUDGET);
    ck_assert_uint_eq(retired, 2);
    ck_assert_uint_eq(harness_reg(t, 5), 1);
}
END_TEST

/* WFI is illegal in U (always) and in S with TW; allowed in S without TW and in M with TW. */
START_TEST(test_wfi_privilege)
{
    static const struct { enum hart_priv priv; uint32_t mstatus; bool legal; } cases[] = {
        { PRIV_U, 0, false }, { PRIV_U, MSTATUS_TW, false }, { PRIV_S, MSTATUS_TW, false },
        { PRIV_S, 0, true }, { PRIV_M, MSTATUS_TW, true }, { PRIV_M, 0, true },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fresh();
        harness_set_csr(t, CSR_MSTATUS, cases[i].mstatus);
        uint64_t retired = 0;
        harness_load(t, (const uint32_t[]){ WFI }, 1);
        hart_set_priv(t->hart, cases[i].priv);
        enum hart_stop stop = hart_run(t->hart, 1, &retired);
        ck_assert_msg((retired == 1) == cases[i].legal, "wfi in %s, mstatus 0x%08x: %s",
                      priv_name(cases[i].priv), cases[i].mstatus,
                      retired ? "retired" : "trapped");
        if (cases[i].legal) {
            ck_assert_int_eq(stop, HART_STOP_WFI);
            ck_assert_uint_eq(harness_pc(t), BASE + 4);
        } else {
            ck_assert_uint_eq(harness_csr(t, CSR_MCAUSE), CAUSE_ILLEGAL_INSN);
            ck_assert_uint_eq(harness_csr(t, CSR_MTVAL), WFI);
            ck_assert_uint_eq(harness_csr(t, CSR_MEPC), BASE);
            ck_assert(!hart_waiting(t->hart));
        }
    }
}
END_TEST

static Suite *trap_suite(void)
{
    Suite *s = suite_create("trap");
    TCase *tc = tcase_create("delegation");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_exception_delegation, 0, (int)N_EXCEPTIONS);
    tcase_add_test(tc, test_medeleg_undelegable);
    tcase_add_loop_test(tc, test_interrupt_delegation, 0, (int)N_IRQS);
    tcase_add_test(tc, test_vectored_mtvec);
    tcase_add_test(tc, test_vectored_stvec);
    suite_add_tcase(s, tc);

    tc = tcase_create("xret");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_mret_transitions);
    tcase_add_test(tc, test_sret_transitions);
    tcase_add_test(tc, test_xret_illegal);
    suite_add_tcase(s, tc);

    tc = tcase_create("interrupts");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_priority_all_to_m);
    tcase_add_test(tc, test_priority_m_bound_first);
    tcase_add_test(tc, test_enable_rules);
    tcase_add_test(tc, test_enable_by_csr_write);
    suite_add_tcase(s, tc);

    tc = tcase_create("wfi");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_wfi_sleeps);
    tcase_add_test(tc, test_wfi_wakes_without_trap);
    tcase_add_test(tc, test_wfi_wakes_with_trap);
    tcase_add_test(tc, test_wfi_wakes_on_delegated);
    tcase_add_test(tc, test_wfi_no_sleep_when_pending);
    tcase_add_test(tc, test_wfi_privilege);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(trap_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
