/*
 * The CSR file (privileged spec chapters 2-4, with rvbox's choices where the spec leaves
 * one): what each CSR holds after writes of all ones and all zeros, the views (sstatus,
 * sie, sip) onto the machine registers, the WARL and lock rules of PMP, which CSR numbers
 * each mode may read and write (from the address bits), the counter-enables, TVM, the
 * counter writes, and the table's names and enumeration.
 *
 * CSRs are read and written by real csrr* instructions run in the mode under test; the
 * debugger's hart_csr_get/set are checked against the same rules. The expected values
 * come from the spec and rvbox's documented choices, not from cpu/csr.c.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/csr.h"
#include "cpu/csr_defs.h"
#include "harness.h"

#define BASE    HARNESS_RAM_BASE
#define MARK    0x5555aaaau         /* a destination register's value before */
#define ONES    0xffffffffu
#define NOP     0x00000013u
#define SFENCE_VMA 0x12000073u      /* sfence.vma x0, x0 */

static struct harness *t;

static void setup(void)
{
    t = harness_create();
}

static void teardown(void)
{
    harness_destroy(t);
}

/* Run `word` in `priv` with x5 = MARK: true if it retired, false if it trapped. */
static bool run1(enum hart_priv priv, uint32_t word)
{
    harness_set_reg(t, 5, MARK);
    return harness_exec(t, priv, word) == 1;
}

/* The instruction at BASE raised illegal instruction into M-mode and wrote no register. */
static void assert_illegal(uint32_t word)
{
    ck_assert_msg(harness_csr(t, CSR_MCAUSE) == CAUSE_ILLEGAL_INSN,
                  "0x%08x: mcause %u, want illegal instruction", word,
                  harness_csr(t, CSR_MCAUSE));
    ck_assert_msg(harness_csr(t, CSR_MTVAL) == word, "mtval 0x%08x, want the bits 0x%08x",
                  harness_csr(t, CSR_MTVAL), word);
    ck_assert_uint_eq(harness_csr(t, CSR_MEPC), BASE);
    ck_assert_uint_eq(harness_pc(t), HARNESS_TRAP_VEC);
    ck_assert_int_eq(hart_get_priv(t->hart), PRIV_M);
    ck_assert_uint_eq(harness_reg(t, 5), MARK);
}

/* csrrs x5, csr, x0 in `priv`, which must not trap. */
static uint32_t read_in(enum hart_priv priv, unsigned csr)
{
    uint32_t word = enc_csrrs(5, csr, 0);
    ck_assert_msg(run1(priv, word), "reading CSR 0x%03x in mode %d trapped (mcause %u)",
                  csr, priv, harness_csr(t, CSR_MCAUSE));
    return harness_reg(t, 5);
}

/* csrrw x0, csr, x6 with x6 = v in `priv`, which must not trap. */
static void write_in(enum hart_priv priv, unsigned csr, uint32_t v)
{
    harness_set_reg(t, 6, v);
    ck_assert_msg(run1(priv, enc_csrrw(0, csr, 6)),
                  "writing CSR 0x%03x in mode %d trapped (mcause %u)", csr, priv,
                  harness_csr(t, CSR_MCAUSE));
}

static uint32_t read_m(unsigned csr) { return read_in(PRIV_M, csr); }
static void write_m(unsigned csr, uint32_t v) { write_in(PRIV_M, csr, v); }

/* ---- the implemented CSRs, from the spec (v1.12) and rvbox's choices ---- */

struct csr_range {
    unsigned first, count;
    const char *name;           /* a printf format taking the index when count > 1 */
    unsigned index;             /* the index of `first` */
};

static const struct csr_range implemented[] = {
    { 0x100, 1, "sstatus", 0 }, { 0x104, 1, "sie", 0 }, { 0x105, 1, "stvec", 0 },
    { 0x106, 1, "scounteren", 0 }, { 0x140, 1, "sscratch", 0 }, { 0x141, 1, "sepc", 0 },
    { 0x142, 1, "scause", 0 }, { 0x143, 1, "stval", 0 }, { 0x144, 1, "sip", 0 },
    { 0x180, 1, "satp", 0 }, { 0x10a, 1, "senvcfg", 0 },
    { 0x300, 1, "mstatus", 0 }, { 0x301, 1, "misa", 0 }, { 0x302, 1, "medeleg", 0 },
    { 0x303, 1, "mideleg", 0 }, { 0x304, 1, "mie", 0 }, { 0x305, 1, "mtvec", 0 },
    { 0x306, 1, "mcounteren", 0 }, { 0x30a, 1, "menvcfg", 0 }, { 0x310, 1, "mstatush", 0 },
    { 0x31a, 1, "menvcfgh", 0 },
    { 0x320, 1, "mcountinhibit", 0 }, { 0x323, 29, "mhpmevent%u", 3 },
    { 0x340, 1, "mscratch", 0 }, { 0x341, 1, "mepc", 0 }, { 0x342, 1, "mcause", 0 },
    { 0x343, 1, "mtval", 0 }, { 0x344, 1, "mip", 0 },
    { 0x3a0, 4, "pmpcfg%u", 0 }, { 0x3b0, 16, "pmpaddr%u", 0 },
    { 0xb00, 1, "mcycle", 0 }, { 0xb02, 1, "minstret", 0 },
    { 0xb03, 29, "mhpmcounter%u", 3 },
    { 0xb80, 1, "mcycleh", 0 }, { 0xb82, 1, "minstreth", 0 },
    { 0xb83, 29, "mhpmcounter%uh", 3 },
    { 0xc00, 1, "cycle", 0 }, { 0xc01, 1, "time", 0 }, { 0xc02, 1, "instret", 0 },
    { 0xc03, 29, "hpmcounter%u", 3 },
    { 0xc80, 1, "cycleh", 0 }, { 0xc81, 1, "timeh", 0 }, { 0xc82, 1, "instreth", 0 },
    { 0xc83, 29, "hpmcounter%uh", 3 },
    { 0xf11, 1, "mvendorid", 0 }, { 0xf12, 1, "marchid", 0 }, { 0xf13, 1, "mimpid", 0 },
    { 0xf14, 1, "mhartid", 0 }, { 0xf15, 1, "mconfigptr", 0 },
};
#define N_RANGES (sizeof implemented / sizeof implemented[0])

/* Is `num` implemented? If so, its name goes to buf. */
static bool expected_csr(unsigned num, char *buf, size_t len)
{
    for (size_t i = 0; i < N_RANGES; i++) {
        const struct csr_range *r = &implemented[i];
        if (num >= r->first && num < r->first + r->count) {
            snprintf(buf, len, r->name, num - r->first + r->index);
            return true;
        }
    }
    return false;
}

/* The CSRs of the optional parts, which the harness's plain RV32IMAC hart lacks but which
 * have names whatever hart asks (csr_name, csr_next: for the disassembler and GDB). */
static const struct csr_range optional_csrs[] = {
    { 0x001, 1, "fflags", 0 }, { 0x002, 1, "frm", 0 }, { 0x003, 1, "fcsr", 0 },
    { 0x14d, 1, "stimecmp", 0 }, { 0x15d, 1, "stimecmph", 0 },
    { 0x7a0, 1, "tselect", 0 }, { 0x7a1, 1, "tdata1", 0 }, { 0x7a2, 1, "tdata2", 0 },
    { 0x7a3, 1, "tdata3", 0 }, { 0x7a4, 1, "tinfo", 0 }, { 0x7a5, 1, "tcontrol", 0 },
};

static bool expected_name(unsigned num, char *buf, size_t len)
{
    for (size_t i = 0; i < sizeof optional_csrs / sizeof optional_csrs[0]; i++) {
        const struct csr_range *r = &optional_csrs[i];
        if (num >= r->first && num < r->first + r->count) {
            snprintf(buf, len, r->name, num - r->first + r->index);
            return true;
        }
    }
    return expected_csr(num, buf, len);
}

static bool is_user_counter(unsigned num)
{
    return (num >= 0xc00 && num <= 0xc1f) || (num >= 0xc80 && num <= 0xc9f);
}

/* ---- the encoders against the assembler ---- */

START_TEST(test_encoders_match_assembler)
{
    static const struct { uint32_t enc, as; const char *text; } words[] = {
        { enc_csrrw(5, 0x300, 6), 0x300312f3, "csrrw x5, mstatus, x6" },
        { enc_csrrs(7, 0xc03, 0), 0xc03023f3, "csrrs x7, hpmcounter3, x0" },
        { enc_csrrc(31, 0x180, 1), 0x1800bff3, "csrrc x31, satp, x1" },
        { enc_csrrwi(5, 0x305, 31), 0x305fd2f3, "csrrwi x5, mtvec, 31" },
        { enc_csrrsi(0, 0x104, 1), 0x1040e073, "csrrsi x0, sie, 1" },
        { enc_csrrci(9, 0xfff, 17), 0xfff8f4f3, "csrrci x9, 0xfff, 17" },
        { enc_lw(5, 10, 0), 0x00052283, "lw x5, 0(x10)" },
        { enc_lw(5, 10, -4), 0xffc52283, "lw x5, -4(x10)" },
        { enc_lw(7, 11, 2047), 0x7ff5a383, "lw x7, 2047(x11)" },
        { enc_sw(6, 10, 0), 0x00652023, "sw x6, 0(x10)" },
        { enc_sw(6, 10, -2), 0xfe652f23, "sw x6, -2(x10)" },
        { enc_sw(6, 10, 2046), 0x7e652f23, "sw x6, 2046(x10)" },
        { enc_addi(5, 0, 1), 0x00100293, "addi x5, x0, 1" },
        { enc_addi(5, 5, -1), 0xfff28293, "addi x5, x5, -1" },
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        ck_assert_msg(words[i].enc == words[i].as, "%s: 0x%08x, as says 0x%08x",
                      words[i].text, words[i].enc, words[i].as);
}
END_TEST

/* ---- write masks: all ones, then all zeros, by csrrw in M-mode ---- */

#define MSTATUS_SPEC_WRITABLE (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | \
                               MSTATUS_SPP | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_SUM | \
                               MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR)
#define SSTATUS_SPEC_WRITABLE (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | \
                               MSTATUS_MXR)
#define MISA_RV32IMACSU (MISA_MXL_32 | MISA_EXT('I') | MISA_EXT('M') | MISA_EXT('A') | \
                         MISA_EXT('C') | MISA_EXT('S') | MISA_EXT('U'))
#define MEDELEG_SPEC 0xb3ffu        /* causes 0-9, 12, 13, 15: not 11 (ecall from M) */

static const struct {
    unsigned csr;
    const char *name;
    uint32_t ones, zeros;       /* read back after writing all ones / all zeros */
} masks[] = {
    { CSR_MSTATUS, "mstatus", MSTATUS_SPEC_WRITABLE, 0 },
    { CSR_SSTATUS, "sstatus", SSTATUS_SPEC_WRITABLE, 0 },
    { CSR_MSTATUSH, "mstatush", 0, 0 },
    { CSR_MISA, "misa", MISA_RV32IMACSU, MISA_RV32IMACSU },
    { CSR_MEDELEG, "medeleg", MEDELEG_SPEC, 0 },
    { CSR_MIDELEG, "mideleg", MIP_SSIP | MIP_STIP | MIP_SEIP, 0 },
    { CSR_MIE, "mie", 0xaaa, 0 },
    { CSR_MIP, "mip", MIP_SSIP | MIP_STIP | MIP_SEIP, 0 },
    { CSR_SIE, "sie (nothing delegated)", 0, 0 },
    { CSR_SIP, "sip (nothing delegated)", 0, 0 },
    { CSR_MEPC, "mepc", ONES & ~1u, 0 },
    { CSR_SEPC, "sepc", ONES & ~1u, 0 },
    { CSR_MSCRATCH, "mscratch", ONES, 0 },
    { CSR_SSCRATCH, "sscratch", ONES, 0 },
    { CSR_MTVAL, "mtval", ONES, 0 },
    { CSR_STVAL, "stval", ONES, 0 },
    { CSR_MCOUNTEREN, "mcounteren", ONES, 0 },
    { CSR_SCOUNTEREN, "scounteren", ONES, 0 },
    { CSR_MCOUNTINHIBIT, "mcountinhibit", ONES & ~2u, 0 },  /* TM reads 0 */
    { CSR_PMPADDR0, "pmpaddr0", ONES, 0 },
    { CSR_PMPADDR0 + 15, "pmpaddr15", ONES, 0 },
};

START_TEST(test_write_mask)
{
    unsigned csr = masks[_i].csr;
    write_m(csr, ONES);
    uint32_t got = read_m(csr);
    ck_assert_msg(got == masks[_i].ones, "%s after all ones: 0x%08x, want 0x%08x",
                  masks[_i].name, got, masks[_i].ones);
    write_m(csr, 0);
    got = read_m(csr);
    ck_assert_msg(got == masks[_i].zeros, "%s after zeros: 0x%08x, want 0x%08x",
                  masks[_i].name, got, masks[_i].zeros);
}
END_TEST

/* A debugger's write goes through the same masks as an instruction's. */
START_TEST(test_write_mask_debugger)
{
    unsigned csr = masks[_i].csr;
    uint32_t got;
    ck_assert(hart_csr_set(t->hart, (uint16_t)csr, ONES));
    ck_assert(hart_csr_get(t->hart, (uint16_t)csr, &got));
    ck_assert_msg(got == masks[_i].ones, "%s after all ones: 0x%08x, want 0x%08x",
                  masks[_i].name, got, masks[_i].ones);
    ck_assert(hart_csr_set(t->hart, (uint16_t)csr, 0));
    ck_assert(hart_csr_get(t->hart, (uint16_t)csr, &got));
    ck_assert_msg(got == masks[_i].zeros, "%s after zeros: 0x%08x, want 0x%08x",
                  masks[_i].name, got, masks[_i].zeros);
}
END_TEST

/* mcause/scause are WLRL: every legal value (exception and interrupt codes) is held. */
START_TEST(test_cause_holds_legal_values)
{
    static const uint32_t legal[] = { 0, 2, 13, 15, CAUSE_INTERRUPT | 5,
                                      CAUSE_INTERRUPT | 11 };
    for (size_t i = 0; i < sizeof legal / sizeof legal[0]; i++) {
        write_m(CSR_MCAUSE, legal[i]);
        ck_assert_uint_eq(read_m(CSR_MCAUSE), legal[i]);
        write_m(CSR_SCAUSE, legal[i]);
        ck_assert_uint_eq(read_m(CSR_SCAUSE), legal[i]);
    }
}
END_TEST

/* The performance-monitor CSRs that count nothing read 0 whatever is written. */
START_TEST(test_hpm_read_zero)
{
    for (unsigned n = 3; n <= 31; n++) {
        const unsigned csrs[] = { CSR_MHPMCOUNTER3 + n - 3, CSR_MHPMCOUNTER3H + n - 3,
                                  CSR_MHPMEVENT3 + n - 3 };
        for (size_t i = 0; i < 3; i++) {
            write_m(csrs[i], ONES);
            ck_assert_msg(read_m(csrs[i]) == 0, "CSR 0x%03x reads 0x%08x", csrs[i],
                          harness_reg(t, 5));
            ck_assert_uint_eq(harness_csr(t, (uint16_t)csrs[i]), 0);
        }
        ck_assert_uint_eq(read_m(CSR_HPMCOUNTER3 + n - 3), 0);
        ck_assert_uint_eq(read_m(CSR_HPMCOUNTER3H + n - 3), 0);
    }
}
END_TEST

/* ---- mstatus and its sstatus view ---- */

/* What sstatus shows of mstatus: SIE SPIE UBE SPP FS XS SUM MXR SD. */
#define SSTATUS_VIEW (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_FS | \
                      MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SD)

/* Writes through sstatus, in S-mode, touch only SIE, SPIE, SPP, SUM and MXR. */
START_TEST(test_sstatus_writes_only_its_bits)
{
    harness_set_csr(t, CSR_MSTATUS, ONES);
    uint32_t before = harness_csr(t, CSR_MSTATUS);
    ck_assert_uint_eq(before, MSTATUS_SPEC_WRITABLE);
    write_in(PRIV_S, CSR_SSTATUS, 0);
    ck_assert_uint_eq(harness_csr(t, CSR_MSTATUS), before & ~SSTATUS_SPEC_WRITABLE);

    harness_set_csr(t, CSR_MSTATUS, 0);
    write_in(PRIV_S, CSR_SSTATUS, ONES);
    ck_assert_uint_eq(harness_csr(t, CSR_MSTATUS), SSTATUS_SPEC_WRITABLE);
}
END_TEST

/* sstatus reads are mstatus through the view's mask, in S-mode too. */
START_TEST(test_sstatus_reads_masked_view)
{
    static const uint32_t values[] = { ONES, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP,
                                       MSTATUS_SIE | MSTATUS_TVM | MSTATUS_SUM,
                                       MSTATUS_MXR | MSTATUS_SPP | MSTATUS_TSR };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        harness_set_csr(t, CSR_MSTATUS, values[i]);
        uint32_t m = harness_csr(t, CSR_MSTATUS);
        ck_assert_uint_eq(read_in(PRIV_S, CSR_SSTATUS), m & SSTATUS_VIEW);
        ck_assert_uint_eq(read_m(CSR_SSTATUS), m & SSTATUS_VIEW);
    }
}
END_TEST

/* MPP is WARL: 2 is reserved, and writing it keeps the old MPP (the other bits change). */
START_TEST(test_mstatus_mpp_warl)
{
    write_m(CSR_MSTATUS, 1u << MSTATUS_MPP_SHIFT);
    write_m(CSR_MSTATUS, 2u << MSTATUS_MPP_SHIFT | MSTATUS_SUM);
    uint32_t s = read_m(CSR_MSTATUS);
    ck_assert_uint_eq((s & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, 1);
    ck_assert(s & MSTATUS_SUM);
    for (unsigned mpp = 0; mpp < 4; mpp++) {
        if (mpp == 2)
            continue;
        write_m(CSR_MSTATUS, mpp << MSTATUS_MPP_SHIFT);
        ck_assert_uint_eq(read_m(CSR_MSTATUS), mpp << MSTATUS_MPP_SHIFT);
    }
}
END_TEST

/* FS, XS, SD and UBE are read-only zero (no F/D state, little-endian only). */
START_TEST(test_mstatus_read_only_zero_fields)
{
    write_m(CSR_MSTATUS, MSTATUS_FS | MSTATUS_XS | MSTATUS_SD | MSTATUS_UBE);
    ck_assert_uint_eq(read_m(CSR_MSTATUS), 0);
    ck_assert_uint_eq(read_m(CSR_SSTATUS), 0);
}
END_TEST

/* misa is read-only in rvbox: RV32 with I M A C S U; a write (legal: misa is MRW) does
 * not trap and changes nothing, not even dropping C. */
START_TEST(test_misa)
{
    uint32_t misa = read_m(CSR_MISA);
    ck_assert_uint_eq(misa >> 30, 1);                   /* MXL = 32 */
    ck_assert_uint_eq(misa & 0x03ffffffu, MISA_RV32IMACSU & 0x03ffffffu);
    write_m(CSR_MISA, misa & ~MISA_EXT('C'));
    ck_assert_uint_eq(read_m(CSR_MISA), misa);
    harness_set_reg(t, 6, 0);
    ck_assert(run1(PRIV_M, enc_csrrc(5, CSR_MISA, 6)));  /* csrrc with a zero mask */
    ck_assert_uint_eq(harness_reg(t, 5), misa);
}
END_TEST

/* ---- the interrupt registers and their S views ---- */

/* sie and sip show (and let S write) only what mideleg delegates. */
START_TEST(test_sie_view)
{
    write_m(CSR_MIE, 0xaaa);
    ck_assert_uint_eq(read_in(PRIV_S, CSR_SIE), 0);
    write_m(CSR_MIDELEG, MIP_STIP);
    ck_assert_uint_eq(read_in(PRIV_S, CSR_SIE), MIP_STIP);
    /* S clears sie: only the delegated bit goes */
    write_in(PRIV_S, CSR_SIE, 0);
    ck_assert_uint_eq(read_m(CSR_MIE), 0xaaa & ~MIP_STIP);
    /* S sets every sie bit: only the delegated one arrives */
    write_m(CSR_MIE, 0);
    write_in(PRIV_S, CSR_SIE, ONES);
    ck_assert_uint_eq(read_m(CSR_MIE), MIP_STIP);
    write_m(CSR_MIDELEG, MIP_SSIP | MIP_STIP | MIP_SEIP);
    write_in(PRIV_S, CSR_SIE, ONES);
    ck_assert_uint_eq(read_m(CSR_MIE), MIP_SSIP | MIP_STIP | MIP_SEIP);
    ck_assert_uint_eq(read_in(PRIV_S, CSR_SIE), MIP_SSIP | MIP_STIP | MIP_SEIP);
}
END_TEST

START_TEST(test_sip_view)
{
    write_m(CSR_MIP, MIP_SSIP | MIP_STIP | MIP_SEIP);
    hart_set_irq(t->hart, HART_IRQ_MTIP, true);
    ck_assert_uint_eq(read_in(PRIV_S, CSR_SIP), 0);
    write_m(CSR_MIDELEG, MIP_SSIP | MIP_STIP | MIP_SEIP);
    ck_assert_uint_eq(read_in(PRIV_S, CSR_SIP), MIP_SSIP | MIP_STIP | MIP_SEIP);
    /* S may clear SSIP only: STIP and SEIP are read-only in sip */
    write_in(PRIV_S, CSR_SIP, 0);
    ck_assert_uint_eq(read_m(CSR_MIP), MIP_STIP | MIP_SEIP | MIP_MTIP);
    write_in(PRIV_S, CSR_SIP, ONES);
    ck_assert_uint_eq(read_m(CSR_MIP), MIP_SSIP | MIP_STIP | MIP_SEIP | MIP_MTIP);
    /* SSIP not delegated: S cannot touch it through sip */
    write_m(CSR_MIDELEG, MIP_STIP);
    write_in(PRIV_S, CSR_SIP, 0);
    ck_assert(read_m(CSR_MIP) & MIP_SSIP);
    ck_assert_uint_eq(read_in(PRIV_S, CSR_SIP), MIP_STIP);
}
END_TEST

/* mip: M writes SSIP, STIP, SEIP; MSIP, MTIP, MEIP follow the lines only. SEIP reads as
 * the OR of its software bit and the line, and a read-modify-write of mip works on the
 * software bit (priv spec 3.1.9). */
START_TEST(test_mip_lines_and_seip)
{
    hart_set_irq(t->hart, HART_IRQ_MSIP | HART_IRQ_MTIP | HART_IRQ_MEIP, true);
    write_m(CSR_MIP, 0);
    ck_assert_uint_eq(read_m(CSR_MIP), MIP_MSIP | MIP_MTIP | MIP_MEIP);
    hart_set_irq(t->hart, HART_IRQ_MSIP | HART_IRQ_MTIP | HART_IRQ_MEIP, false);
    ck_assert_uint_eq(read_m(CSR_MIP), 0);

    hart_set_irq(t->hart, HART_IRQ_SEIP, true);
    ck_assert_uint_eq(read_m(CSR_MIP), MIP_SEIP);
    /* csrrs mip with SSIP: the software SEIP bit stays 0 though SEIP read 1 */
    harness_set_reg(t, 6, MIP_SSIP);
    ck_assert(run1(PRIV_M, enc_csrrs(5, CSR_MIP, 6)));
    ck_assert_uint_eq(harness_reg(t, 5), MIP_SEIP);         /* the old value, line included */
    hart_set_irq(t->hart, HART_IRQ_SEIP, false);
    ck_assert_uint_eq(read_m(CSR_MIP), MIP_SSIP);
    /* the software bit alone */
    write_m(CSR_MIP, MIP_SEIP);
    ck_assert_uint_eq(read_m(CSR_MIP), MIP_SEIP);
    hart_set_irq(t->hart, HART_IRQ_SEIP, true);
    harness_set_reg(t, 6, MIP_SEIP);
    ck_assert(run1(PRIV_M, enc_csrrc(0, CSR_MIP, 6)));
    ck_assert_uint_eq(read_m(CSR_MIP), MIP_SEIP);           /* the line still says 1 */
    hart_set_irq(t->hart, HART_IRQ_SEIP, false);
    ck_assert_uint_eq(read_m(CSR_MIP), 0);
}
END_TEST

/* ---- trap vectors and exception pcs ---- */

/* MODE 0 (direct) and 1 (vectored) are held; 2 and 3 are reserved, so the value read back
 * has a legal mode, and the base is 4-byte aligned whatever was written. */
START_TEST(test_tvec_modes)
{
    static const unsigned csrs[] = { CSR_MTVEC, CSR_STVEC };
    for (size_t i = 0; i < 2; i++) {
        for (uint32_t mode = 0; mode < 4; mode++) {
            uint32_t base = 0x80001100u;
            write_m(csrs[i], base | mode);
            uint32_t got = read_m(csrs[i]);
            if (mode < 2)
                ck_assert_uint_eq(got, base | mode);
            else
                ck_assert_msg((got & 3) < 2, "tvec 0x%03x mode %u read back 0x%08x",
                              csrs[i], mode, got);
        }
    }
}
END_TEST

/* The mode read back is the one traps use: after a write of mode 3, an interrupt goes to
 * base (mode 0) or base + 4 * cause (mode 1), as the read value says. */
START_TEST(test_tvec_reserved_mode_consistent)
{
    write_m(CSR_MTVEC, HARNESS_RAM_BASE + 0x2000u + 3);
    uint32_t tvec = read_m(CSR_MTVEC);
    write_m(CSR_MIE, MIP_MTIP);
    write_m(CSR_MSTATUS, MSTATUS_MIE);
    hart_set_irq(t->hart, HART_IRQ_MTIP, true);
    hart_set_pc(t->hart, BASE);
    harness_run(t, 1);
    uint32_t want = (tvec & ~3u) + ((tvec & 3) == 1 ? 4 * IRQ_M_TIMER : 0);
    ck_assert_uint_eq(harness_csr(t, CSR_MCAUSE), CAUSE_INTERRUPT | IRQ_M_TIMER);
    ck_assert_uint_eq(harness_pc(t), want);
}
END_TEST

/* IALIGN = 16: bit 0 of mepc/sepc is always 0, through every form of write. */
START_TEST(test_epc_bit0)
{
    static const unsigned csrs[] = { CSR_MEPC, CSR_SEPC };
    for (size_t i = 0; i < 2; i++) {
        write_m(csrs[i], 0x80001235u);
        ck_assert_uint_eq(read_m(csrs[i]), 0x80001234u);
        ck_assert(run1(PRIV_M, enc_csrrsi(0, csrs[i], 1)));
        ck_assert_uint_eq(read_m(csrs[i]), 0x80001234u);
        ck_assert(run1(PRIV_M, enc_csrrwi(0, csrs[i], 7)));
        ck_assert_uint_eq(read_m(csrs[i]), 6);
    }
    /* and mret goes where mepc says */
    write_m(CSR_MEPC, BASE + 0x101);
    write_m(CSR_MSTATUS, 3u << MSTATUS_MPP_SHIFT);
    ck_assert(run1(PRIV_M, 0x30200073));                /* mret */
    ck_assert_uint_eq(harness_pc(t), BASE + 0x100);
}
END_TEST

/* ---- satp ---- */

/* MODE and PPN are held as written; the ASID field holds at most what was written (ASIDLEN
 * is the implementation's). Bare (0) is held too. */
START_TEST(test_satp)
{
    static const uint32_t values[] = { ONES, SATP_MODE_SV32 | 0x00012345u,
                                       SATP_MODE_SV32 | SATP_ASID_MASK | 1u, 0 };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        write_m(CSR_SATP, values[i]);
        uint32_t got = read_m(CSR_SATP);
        uint32_t fields = SATP_MODE_SV32 | SATP_PPN_MASK;
        ck_assert_msg((got & fields) == (values[i] & fields), "satp 0x%08x read 0x%08x",
                      values[i], got);
        ck_assert_uint_eq(got & SATP_ASID_MASK & ~values[i], 0);
    }
    /* S-mode reads and writes it when TVM = 0 */
    write_in(PRIV_S, CSR_SATP, SATP_MODE_SV32 | 0x42);
    ck_assert_uint_eq(read_m(CSR_SATP) & (SATP_MODE_SV32 | SATP_PPN_MASK),
                      SATP_MODE_SV32 | 0x42);
}
END_TEST

/* ---- PMP: values held with WARL and lock rules ---- */

START_TEST(test_pmpcfg_warl)
{
    /* entry 0: R=0 W=1 is reserved -> W dropped; entry 1: bits 6:5 read 0; entry 2: RW;
     * entry 3: W and X without R -> X only */
    write_m(CSR_PMPCFG0, 0x06037f02u);
    ck_assert_uint_eq(read_m(CSR_PMPCFG0), 0x04031f00u);
    write_m(CSR_PMPCFG0 + 3, 0x1d1b1911u);          /* NA4 R, NAPOT R, RW, RX */
    ck_assert_uint_eq(read_m(CSR_PMPCFG0 + 3), 0x1d1b1911u);
    write_m(CSR_PMPCFG0 + 2, 0x7f7f7f7fu);
    ck_assert_uint_eq(read_m(CSR_PMPCFG0 + 2), 0x1f1f1f1fu);
    write_m(CSR_PMPCFG0 + 1, 0);
    ck_assert_uint_eq(read_m(CSR_PMPCFG0 + 1), 0);
}
END_TEST

/* A locked entry ignores writes to its pmpcfg byte and its pmpaddr until reset; the other
 * bytes of the same pmpcfg register stay writable. */
START_TEST(test_pmp_lock)
{
    write_m(CSR_PMPADDR0, 0x20000000u);
    write_m(CSR_PMPADDR0 + 1, 0x20001000u);
    write_m(CSR_PMPCFG0, PMP_L | PMP_A_NAPOT | PMP_R);     /* lock entry 0 */
    write_m(CSR_PMPCFG0, 0x0f0f0f00u);
    ck_assert_uint_eq(read_m(CSR_PMPCFG0), 0x0f0f0f00u | PMP_L | PMP_A_NAPOT | PMP_R);
    harness_set_reg(t, 6, 0xff);
    ck_assert(run1(PRIV_M, enc_csrrc(0, CSR_PMPCFG0, 6)));
    ck_assert_uint_eq(read_m(CSR_PMPCFG0) & 0xff, PMP_L | PMP_A_NAPOT | PMP_R);
    write_m(CSR_PMPADDR0, 0x12345678u);
    ck_assert_uint_eq(read_m(CSR_PMPADDR0), 0x20000000u);
    write_m(CSR_PMPADDR0 + 1, 0x12345678u);                 /* entry 1 is not locked */
    ck_assert_uint_eq(read_m(CSR_PMPADDR0 + 1), 0x12345678u);
    /* the debugger obeys the lock too */
    hart_csr_set(t->hart, CSR_PMPADDR0, 0);
    ck_assert_uint_eq(harness_csr(t, CSR_PMPADDR0), 0x20000000u);
    /* reset unlocks */
    hart_reset(t->hart);
    ck_assert_uint_eq(harness_csr(t, CSR_PMPCFG0), 0);
    write_m(CSR_PMPADDR0, 0x12345678u);
    ck_assert_uint_eq(read_m(CSR_PMPADDR0), 0x12345678u);
}
END_TEST

/* A locked TOR entry also locks the pmpaddr below it (its bottom); a locked NA4/NAPOT
 * entry does not. */
START_TEST(test_pmp_tor_lock_below)
{
    for (unsigned i = 0; i < 16; i++)
        write_m(CSR_PMPADDR0 + i, 0x100u * i);
    /* entry 5: locked TOR; entry 9: locked NAPOT; entry 12: TOR, not locked */
    write_m(CSR_PMPCFG0 + 1, (uint32_t)(PMP_L | PMP_A_TOR | PMP_R) << 8);
    write_m(CSR_PMPCFG0 + 2, (uint32_t)(PMP_L | PMP_A_NAPOT | PMP_R) << 8);
    write_m(CSR_PMPCFG0 + 3, PMP_A_TOR | PMP_R);
    for (unsigned i = 0; i < 16; i++) {
        write_m(CSR_PMPADDR0 + i, 0xabcd0000u + i);
        bool locked = i == 4 || i == 5 || i == 9;
        uint32_t want = locked ? 0x100u * i : 0xabcd0000u + i;
        ck_assert_msg(read_m(CSR_PMPADDR0 + i) == want, "pmpaddr%u: 0x%08x, want 0x%08x", i,
                      harness_reg(t, 5), want);
    }
}
END_TEST

/* ---- identification ---- */

/* mvendorid/marchid 0 (allowed: not implemented / non-commercial); mimpid any value;
 * mhartid is the configured id; mconfigptr 0. None of them can be written. */
START_TEST(test_id_registers)
{
    ck_assert_uint_eq(read_m(CSR_MVENDORID), 0);
    ck_assert_uint_eq(read_m(CSR_MARCHID), 0);
    ck_assert_uint_eq(read_m(CSR_MHARTID), 0);
    ck_assert_uint_eq(read_m(CSR_MCONFIGPTR), 0);
    uint32_t mimpid = read_m(CSR_MIMPID);
    static const unsigned ro[] = { CSR_MVENDORID, CSR_MARCHID, CSR_MIMPID, CSR_MHARTID,
                                   CSR_MCONFIGPTR };
    for (size_t i = 0; i < sizeof ro / sizeof ro[0]; i++) {
        uint32_t before = harness_csr(t, (uint16_t)ro[i]);
        ck_assert(!hart_csr_set(t->hart, (uint16_t)ro[i], 0x1234));
        ck_assert_uint_eq(harness_csr(t, (uint16_t)ro[i]), before);
    }
    ck_assert_uint_eq(read_m(CSR_MIMPID), mimpid);

    /* a second hart on the same bus with its own id */
    struct hart_config cfg = { .hartid = 7, .reset_pc = BASE, .bus = t->bus };
    struct hart *h = hart_create(&cfg);
    ck_assert_ptr_nonnull(h);
    uint32_t word = enc_csrrs(5, CSR_MHARTID, 0);
    harness_load(t, &word, 1);
    uint64_t retired = 0;
    hart_run(h, 1, &retired);
    ck_assert_uint_eq(retired, 1);
    ck_assert_uint_eq(hart_get_reg(h, 5), 7);
    hart_destroy(h);
}
END_TEST

/* ---- who may access what: every CSR number, in every mode ---- */

/* The rule from the address bits: bits 9:8 the lowest mode, bits 11:10 = 3 read-only. With
 * every counter enabled and TVM clear, nothing else can refuse. */
static bool may_access(unsigned num, enum hart_priv priv, bool write)
{
    char name[32];
    if (!expected_csr(num, name, sizeof name))
        return false;
    if ((unsigned)priv < ((num >> 8) & 3))
        return false;
    return !(write && (num >> 10) == 3);
}

/* Run one access on a fresh hart (writes have effects) with all counters enabled. */
static void check_access(unsigned num, enum hart_priv priv, bool write)
{
    harness_destroy(t);
    t = harness_create();
    harness_set_csr(t, CSR_MCOUNTEREN, ONES);
    harness_set_csr(t, CSR_SCOUNTEREN, ONES);
    uint32_t cur = 0;
    hart_csr_get(t->hart, (uint16_t)num, &cur);
    harness_set_reg(t, 6, cur);
    uint32_t word = write ? enc_csrrw(5, num, 6) : enc_csrrs(5, num, 0);
    bool retired = run1(priv, word);
    bool want = may_access(num, priv, write);
    ck_assert_msg(retired == want, "%s of CSR 0x%03x in mode %d: %s, want %s",
                  write ? "write" : "read", num, priv, retired ? "retired" : "trapped",
                  want ? "retired" : "trapped");
    if (!retired)
        assert_illegal(word);
}

START_TEST(test_access_every_number)
{
    static const enum hart_priv privs[] = { PRIV_U, PRIV_S, PRIV_M };
    for (unsigned num = 0; num < 4096; num++)
        for (size_t p = 0; p < 3; p++) {
            check_access(num, privs[p], false);
            check_access(num, privs[p], true);
        }
}
END_TEST

/* The debugger sees exactly the implemented CSRs, and may write the writable ones. */
START_TEST(test_debugger_sees_implemented)
{
    for (unsigned num = 0; num < 4096; num++) {
        char name[32];
        bool exists = expected_csr(num, name, sizeof name);
        uint32_t v;
        ck_assert_msg(hart_csr_get(t->hart, (uint16_t)num, &v) == exists,
                      "hart_csr_get(0x%03x) disagrees: exists %d", num, exists);
        bool read_only = (num >> 10) == 3;
        if (!exists || read_only)
            ck_assert_msg(!hart_csr_set(t->hart, (uint16_t)num, 0),
                          "hart_csr_set(0x%03x) accepted", num);
    }
}
END_TEST

/* Which forms write: csrrw(i) always; csrrs/c only with rs1 != x0, csrrs/ci only with
 * uimm != 0. A form that writes a read-only CSR traps; one that only reads does not. */
static const unsigned read_only_csrs[] = {
    CSR_CYCLE, CSR_TIME, CSR_INSTRET, CSR_HPMCOUNTER3, CSR_HPMCOUNTER31, CSR_CYCLEH,
    CSR_TIMEH, CSR_INSTRETH, CSR_HPMCOUNTER31H, CSR_MVENDORID, CSR_MARCHID, CSR_MIMPID,
    CSR_MHARTID, CSR_MCONFIGPTR,
};

START_TEST(test_read_only_forms)
{
    unsigned csr = read_only_csrs[_i];
    const struct { uint32_t word; bool writes; } forms[] = {
        { enc_csrrw(5, csr, 6), true },
        { enc_csrrw(0, csr, 0), true },         /* csrrw with x0 still writes */
        { enc_csrrwi(5, csr, 0), true },
        { enc_csrrs(5, csr, 6), true },         /* x6 = 0: a write all the same */
        { enc_csrrc(5, csr, 6), true },
        { enc_csrrsi(5, csr, 1), true },
        { enc_csrrci(5, csr, 31), true },
        { enc_csrrs(5, csr, 0), false },
        { enc_csrrc(5, csr, 0), false },
        { enc_csrrsi(5, csr, 0), false },
        { enc_csrrci(5, csr, 0), false },
    };
    harness_set_csr(t, CSR_MCOUNTEREN, ONES);
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        harness_set_reg(t, 6, 0);
        bool retired = run1(PRIV_M, forms[i].word);
        ck_assert_msg(retired == !forms[i].writes, "0x%08x on CSR 0x%03x: %s", forms[i].word,
                      csr, retired ? "retired" : "trapped");
        if (!retired)
            assert_illegal(forms[i].word);
        else
            ck_assert_uint_ne(harness_reg(t, 5), MARK);
    }
}
END_TEST

/* CSR numbers rvbox does not implement trap in every mode, read or write (firmware probes
 * them and expects that). */
static const unsigned unimplemented[] = {
    0x7c0,      /* custom */
    0x14d,      /* stimecmp (Sstc: not on the harness's plain hart) */
    0x321,      /* between mcountinhibit and mhpmevent3 */
    0x34a,      /* mtinst (H) */
    0x680,      /* hgatp (H) */
    0x747,      /* mseccfg */
    0x7a0,      /* tselect (debug triggers) */
    0x001,      /* fflags (F) */
    0xda0,      /* scountovf (Sscofpmf) */
};

START_TEST(test_unimplemented_traps)
{
    unsigned csr = unimplemented[_i];
    static const enum hart_priv privs[] = { PRIV_M, PRIV_S, PRIV_U };
    for (size_t p = 0; p < 3; p++) {
        const uint32_t words[] = { enc_csrrs(5, csr, 0), enc_csrrw(5, csr, 6),
                                   enc_csrrsi(5, csr, 0), enc_csrrwi(0, csr, 1) };
        for (size_t i = 0; i < 4; i++) {
            ck_assert_msg(!run1(privs[p], words[i]), "0x%08x (CSR 0x%03x) in mode %d retired",
                          words[i], csr, privs[p]);
            assert_illegal(words[i]);
        }
    }
}
END_TEST

/* ---- counter-enables ---- */

/* cycle, time, instret and hpmcounter3..31 (and their high halves) below M: S needs the
 * bit in mcounteren, U needs it in both mcounteren and scounteren. The other bits of the
 * enables are set opposite, so that the wrong bit cannot pass. */
START_TEST(test_counter_gating)
{
    static const enum hart_priv privs[] = { PRIV_S, PRIV_U };
    for (unsigned idx = 0; idx < 32; idx++)
        for (unsigned high = 0; high < 2; high++)
            for (unsigned combo = 0; combo < 4; combo++)
                for (size_t p = 0; p < 2; p++) {
                    unsigned csr = 0xc00 + high * 0x80 + idx;
                    bool m_en = combo & 1, s_en = combo & 2;
                    uint32_t bit = 1u << idx;
                    harness_set_csr(t, CSR_MCOUNTEREN, m_en ? bit : ~bit);
                    harness_set_csr(t, CSR_SCOUNTEREN, s_en ? bit : ~bit);
                    bool want = privs[p] == PRIV_S ? m_en : m_en && s_en;
                    uint32_t word = enc_csrrs(5, csr, 0);
                    bool retired = run1(privs[p], word);
                    ck_assert_msg(retired == want,
                                  "CSR 0x%03x in mode %d, mcounteren %d scounteren %d: %s",
                                  csr, privs[p], m_en, s_en, retired ? "read" : "trapped");
                    if (!retired)
                        assert_illegal(word);
                }
}
END_TEST

/* M-mode reads every counter whatever the enables say. */
START_TEST(test_counters_in_m_ungated)
{
    harness_set_csr(t, CSR_MCOUNTEREN, 0);
    harness_set_csr(t, CSR_SCOUNTEREN, 0);
    for (unsigned num = 0xc00; num < 0xca0; num++) {
        if (!is_user_counter(num))
            continue;
        read_m(num);
    }
}
END_TEST

static uint64_t fake_clock;
static uint64_t fake_time(void *opaque)
{
    return *(const uint64_t *)opaque;
}

/* time/timeh read the machine's clock, in every mode the enables allow. */
START_TEST(test_time_reads_clock)
{
    struct hart_config cfg = { .hartid = 0, .reset_pc = BASE, .bus = t->bus,
                               .time_now = fake_time, .time_opaque = &fake_clock };
    struct hart *h = hart_create(&cfg);
    ck_assert_ptr_nonnull(h);
    hart_csr_set(h, CSR_MCOUNTEREN, 1u << 1);
    hart_csr_set(h, CSR_SCOUNTEREN, 1u << 1);
    static const enum hart_priv privs[] = { PRIV_M, PRIV_S, PRIV_U };
    const uint32_t prog[] = { enc_csrrs(5, CSR_TIME, 0), enc_csrrs(6, CSR_TIMEH, 0) };
    harness_load(t, prog, 2);
    for (size_t p = 0; p < 3; p++) {
        fake_clock = 0x123456789abcdef0ull + p;
        hart_set_pc(h, BASE);
        hart_set_priv(h, privs[p]);
        uint64_t retired = 0;
        hart_run(h, 2, &retired);
        ck_assert_uint_eq(retired, 2);
        ck_assert_uint_eq(hart_get_reg(h, 5), 0x9abcdef0u + p);
        ck_assert_uint_eq(hart_get_reg(h, 6), 0x12345678u);
    }
    uint32_t v;
    fake_clock = 42;
    ck_assert(hart_csr_get(h, CSR_TIME, &v));
    ck_assert_uint_eq(v, 42);
    hart_destroy(h);
}
END_TEST

/* ---- TVM ---- */

START_TEST(test_tvm)
{
    const uint32_t words[] = { enc_csrrs(5, CSR_SATP, 0), enc_csrrw(5, CSR_SATP, 0),
                               enc_csrrsi(5, CSR_SATP, 0), SFENCE_VMA };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        /* S with TVM: illegal */
        harness_set_csr(t, CSR_MSTATUS, MSTATUS_TVM);
        ck_assert_msg(!run1(PRIV_S, words[i]), "0x%08x retired in S with TVM", words[i]);
        assert_illegal(words[i]);
        /* S without TVM, and M with TVM: allowed */
        harness_set_csr(t, CSR_MSTATUS, 0);
        ck_assert_msg(run1(PRIV_S, words[i]), "0x%08x trapped in S without TVM", words[i]);
        harness_set_csr(t, CSR_MSTATUS, MSTATUS_TVM);
        ck_assert_msg(run1(PRIV_M, words[i]), "0x%08x trapped in M with TVM", words[i]);
    }
}
END_TEST

/* ---- counter writes ---- */

#define CSRW_MCYCLE_X5     0xb0029073u
#define CSRW_MCYCLEH_X5    0xb8029073u
#define CSRW_MINSTRET_X5   0xb0229073u
#define CSRW_MINSTRETH_X5  0xb8229073u
#define CSRR_X6_MCYCLE     0xb0002373u
#define CSRR_X7_MCYCLEH    0xb80023f3u
#define CSRR_X6_MINSTRET   0xb0202373u
#define CSRR_X7_MINSTRETH  0xb82023f3u

static const struct {
    const char *name;
    uint32_t write_low, write_high, read_low, read_high;
    uint16_t low, high;
} counters[] = {
    { "mcycle", CSRW_MCYCLE_X5, CSRW_MCYCLEH_X5, CSRR_X6_MCYCLE, CSRR_X7_MCYCLEH,
      CSR_MCYCLE, CSR_MCYCLEH },
    { "minstret", CSRW_MINSTRET_X5, CSRW_MINSTRETH_X5, CSRR_X6_MINSTRET, CSRR_X7_MINSTRETH,
      CSR_MINSTRET, CSR_MINSTRETH },
};

/* A write to the low half holds as written once the writing instruction is done: its own
 * increment is replaced by the write (priv spec: the write takes effect after the
 * instruction has otherwise completed). */
START_TEST(test_counter_write_low)
{
    const uint32_t prog[] = { NOP, counters[_i].write_low, counters[_i].read_low };
    harness_load(t, prog, 3);
    harness_set_reg(t, 5, 1000);
    ck_assert_uint_eq(harness_run(t, 3), 3);
    ck_assert_msg(harness_reg(t, 6) == 1000, "%s read %u after writing 1000",
                  counters[_i].name, harness_reg(t, 6));
}
END_TEST

/* The same for the high half: the writing instruction adds nothing to the low half. */
START_TEST(test_counter_write_high)
{
    const uint32_t prog[] = { NOP, NOP, NOP, counters[_i].write_high, counters[_i].read_low,
                              counters[_i].read_high };
    harness_load(t, prog, 6);
    harness_set_reg(t, 5, 5);
    ck_assert_uint_eq(harness_run(t, 6), 6);
    ck_assert_msg(harness_reg(t, 6) == 3, "%s low half %u after a write of the high half "
                  "by the 4th instruction, want 3", counters[_i].name, harness_reg(t, 6));
    ck_assert_uint_eq(harness_reg(t, 7), 5);
    ck_assert_uint_eq(harness_csr(t, counters[_i].high), 5);
}
END_TEST

/* 0xffffffff in the low half: the next instruction carries into the high half. */
START_TEST(test_counter_carry)
{
    const uint32_t prog[] = { counters[_i].write_low, NOP, counters[_i].read_high,
                              counters[_i].read_low };
    harness_load(t, prog, 4);
    harness_set_reg(t, 5, ONES);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_csr(t, counters[_i].low), ONES);
    ck_assert_uint_eq(harness_csr(t, counters[_i].high), 0);
    ck_assert_uint_eq(harness_run(t, 3), 3);
    ck_assert_uint_eq(harness_reg(t, 7), 1);
    ck_assert_uint_eq(harness_reg(t, 6), 1);
    ck_assert_uint_eq(harness_csr(t, counters[_i].high), 1);
}
END_TEST

/* The unprivileged shadows read what the machine counters hold. */
START_TEST(test_counter_shadows)
{
    const uint32_t prog[] = { NOP, NOP, enc_csrrs(5, CSR_CYCLE, 0),
                              enc_csrrs(6, CSR_INSTRET, 0), enc_csrrs(7, CSR_CYCLEH, 0),
                              enc_csrrs(8, CSR_INSTRETH, 0) };
    harness_load(t, prog, 6);
    harness_set_csr(t, CSR_MCYCLEH, 3);
    harness_set_csr(t, CSR_MINSTRETH, 4);
    ck_assert_uint_eq(harness_run(t, 6), 6);
    ck_assert_uint_eq(harness_reg(t, 5), 2);
    ck_assert_uint_eq(harness_reg(t, 6), 3);
    ck_assert_uint_eq(harness_reg(t, 7), 3);
    ck_assert_uint_eq(harness_reg(t, 8), 4);
}
END_TEST

/* ---- names and enumeration ---- */

/* csr_next walks exactly the implemented CSRs in order; csr_name names each as the spec
 * does, and says no (with the number in hex) for everything else. */
START_TEST(test_names_and_enumeration)
{
    int num = -1;
    unsigned seen = 0;
    for (unsigned want = 0; want < 4096; want++) {
        char want_name[32], got[32];
        bool exists = expected_name(want, want_name, sizeof want_name);
        if (exists) {
            num = csr_next(num);
            ck_assert_msg(num == (int)want, "csr_next gave 0x%03x, want 0x%03x", num, want);
            seen++;
            ck_assert(csr_name(want, got, sizeof got));
            ck_assert_str_eq(got, want_name);
        } else {
            char hex[16];
            snprintf(hex, sizeof hex, "0x%03x", want);
            ck_assert_msg(!csr_name(want, got, sizeof got), "csr_name(0x%03x) said %s", want,
                          got);
            ck_assert_str_eq(got, hex);
        }
    }
    ck_assert_int_eq(csr_next(num), -1);
    ck_assert_int_eq(csr_next(4095), -1);
    ck_assert_uint_eq(seen, 218);   /* 53 single CSRs, 5 x 29 hpm ones, 4 + 16 PMP */
}
END_TEST

/* Enumeration may start anywhere, not just at a CSR. */
START_TEST(test_next_from_anywhere)
{
    ck_assert_int_eq(csr_next(-1), CSR_FFLAGS);
    ck_assert_int_eq(csr_next(0), CSR_FFLAGS);
    ck_assert_int_eq(csr_next(CSR_FCSR), CSR_SSTATUS);
    ck_assert_int_eq(csr_next(CSR_SSTATUS), CSR_SIE);
    ck_assert_int_eq(csr_next(0x107), CSR_SENVCFG);
    ck_assert_int_eq(csr_next(CSR_SENVCFG), CSR_SSCRATCH);
    ck_assert_int_eq(csr_next(CSR_PMPADDR0 + 3), CSR_PMPADDR0 + 4);
    ck_assert_int_eq(csr_next(CSR_PMPADDR15), CSR_TSELECT);
    ck_assert_int_eq(csr_next(CSR_TCONTROL), CSR_MCYCLE);
    ck_assert_int_eq(csr_next(CSR_MCYCLE), CSR_MINSTRET);
    ck_assert_int_eq(csr_next(CSR_MHARTID), CSR_MCONFIGPTR);
    char buf[4];
    ck_assert(csr_name(CSR_MCOUNTINHIBIT, buf, sizeof buf));   /* truncated, not overrun */
    ck_assert_str_eq(buf, "mco");
}
END_TEST

static Suite *csr_suite(void)
{
    Suite *s = suite_create("csr");
    TCase *tc = tcase_create("masks");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_encoders_match_assembler);
    tcase_add_loop_test(tc, test_write_mask, 0, (int)(sizeof masks / sizeof masks[0]));
    tcase_add_loop_test(tc, test_write_mask_debugger, 0, (int)(sizeof masks / sizeof masks[0]));
    tcase_add_test(tc, test_cause_holds_legal_values);
    tcase_add_test(tc, test_hpm_read_zero);
    tcase_add_test(tc, test_mstatus_mpp_warl);
    tcase_add_test(tc, test_mstatus_read_only_zero_fields);
    tcase_add_test(tc, test_misa);
    tcase_add_test(tc, test_tvec_modes);
    tcase_add_test(tc, test_tvec_reserved_mode_consistent);
    tcase_add_test(tc, test_epc_bit0);
    tcase_add_test(tc, test_satp);
    tcase_add_test(tc, test_id_registers);
    suite_add_tcase(s, tc);

    tc = tcase_create("views");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_sstatus_writes_only_its_bits);
    tcase_add_test(tc, test_sstatus_reads_masked_view);
    tcase_add_test(tc, test_sie_view);
    tcase_add_test(tc, test_sip_view);
    tcase_add_test(tc, test_mip_lines_and_seip);
    suite_add_tcase(s, tc);

    tc = tcase_create("pmp");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_pmpcfg_warl);
    tcase_add_test(tc, test_pmp_lock);
    tcase_add_test(tc, test_pmp_tor_lock_below);
    suite_add_tcase(s, tc);

    tc = tcase_create("access");
    tcase_add_checked_fixture(tc, setup, teardown);
    /* test_access_every_number runs some 50,000 instructions, each loaded anew (the
     * caches flushed, the instruction decoded or translated again): 3.2 s on the block
     * engine and 3.7 s on the JIT in the sanitizer build, alone; over Check's default 4 s
     * on a shared host. */
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_access_every_number);
    tcase_add_test(tc, test_debugger_sees_implemented);
    tcase_add_loop_test(tc, test_read_only_forms, 0,
                        (int)(sizeof read_only_csrs / sizeof read_only_csrs[0]));
    tcase_add_loop_test(tc, test_unimplemented_traps, 0,
                        (int)(sizeof unimplemented / sizeof unimplemented[0]));
    tcase_add_test(tc, test_counter_gating);
    tcase_add_test(tc, test_counters_in_m_ungated);
    tcase_add_test(tc, test_time_reads_clock);
    tcase_add_test(tc, test_tvm);
    suite_add_tcase(s, tc);

    tc = tcase_create("counters");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_counter_write_low, 0, 2);
    tcase_add_loop_test(tc, test_counter_write_high, 0, 2);
    tcase_add_loop_test(tc, test_counter_carry, 0, 2);
    tcase_add_test(tc, test_counter_shadows);
    suite_add_tcase(s, tc);

    tc = tcase_create("names");
    tcase_add_test(tc, test_names_and_enumeration);
    tcase_add_test(tc, test_next_from_anywhere);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(csr_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
