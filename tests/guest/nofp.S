/*
 * A hart without D, or without F and D (-cpu rv32,d=off / f=off: ctest runs this test
 * with each): misa says so, and what is missing is an illegal instruction whatever
 * mstatus.FS says. Without F, FS is read-only zero and fflags, frm, fcsr do not exist.
 */
#include "test_macros.h"
#include "priv_macros.h"

        .data
        .balign 8
n_data: .word   0x3f800000, 0, 0, 0

        TEST_START
        TEST_CASE 1                     /* never D; F only when d=off */
        csrr    s0, misa
        li      t0, MISA_EXT('D')
        and     a0, s0, t0
        CHECK   a0, 0
        li      t0, MISA_EXT('F')
        and     s1, s0, t0              /* s1: F is there */
        li      t0, MSTATUS_FS
        csrs    mstatus, t0             /* the unit on, if there is one */
        la      a1, n_data
        bnez    s1, with_f

        /* ---- no F ---- */
        TEST_CASE 2                     /* FS stays 0 */
        csrr    a0, mstatus
        li      t0, MSTATUS_FS | MSTATUS_SD
        and     a0, a0, t0
        CHECK   a0, 0
        TEST_ILLEGAL 3, flw f1, 0(a1)
        TEST_ILLEGAL 4, fadd.s f1, f2, f3
        TEST_ILLEGAL 5, fmv.w.x f1, zero
        TEST_ILLEGAL 6, csrr a0, fflags
        TEST_ILLEGAL 7, csrr a0, fcsr
        TEST_ILLEGAL 8, csrwi frm, 0
        j       check_d

        /* ---- F without D ---- */
with_f:
        TEST_CASE 10
        flw     f1, 0(a1)
        fadd.s  f2, f1, f1
        fmv.x.w a0, f2
        CHECK   a0, 0x40000000
check_d:
        TEST_ILLEGAL 11, fld f1, 0(a1)
        TEST_ILLEGAL 12, fsd f1, 0(a1)
        TEST_ILLEGAL 13, fadd.d f1, f2, f3
        TEST_ILLEGAL 14, fcvt.d.s f1, f2
        TEST_ILLEGAL 15, fcvt.s.d f1, f2
        TEST_ILLEGAL 16, fclass.d a0, f1
        .option rvc
        TEST_TRAP_AT 17, CAUSE_ILLEGAL_INSN, n_cfld, c.fld f8, 0(a1)
        TEST_TRAP_AT 18, CAUSE_ILLEGAL_INSN, n_cfsdsp, c.fsdsp f1, 8(sp)
        .option norvc
        CHECK_TVAL 0xa406               /* c.fsdsp f1, 8(sp): 16 bits */
        TEST_END
