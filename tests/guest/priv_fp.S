/*
 * The floating-point unit's state in mstatus (privileged spec 3.1.6.6), in M-mode, and
 * misa's F and D:
 *  - FS = Off: every F and D instruction (loads, stores, moves, compressed forms) and
 *    fflags, frm, fcsr are illegal instructions, mtval the instruction's bits;
 *  - an instruction that writes a floating-point register or raises a flag, or a write to
 *    fcsr, fflags or frm, sets FS to Dirty (and SD): from Initial and from Clean;
 *  - one that only reads (fsw, fmv.x.w, a compare raising nothing, a csrr of fflags)
 *    leaves Clean as it is;
 *  - sstatus shows FS and SD and writes FS.
 * Run as it is, and with -cpu rv32,f=off / d=off (nofp.S has those).
 */
#include "test_macros.h"
#include "priv_macros.h"

.macro SET_FS state
        li      t0, MSTATUS_FS
        csrc    mstatus, t0
        li      t0, \state
        csrs    mstatus, t0
.endm

/* a0 = mstatus.FS | SD */
.macro READ_FS
        csrr    a0, mstatus
        li      t0, MSTATUS_FS | MSTATUS_SD
        and     a0, a0, t0
.endm

        .data
        .balign 8
p_data: .word   0x3f800000, 0x7f800001, 0x7fc00000, 0

        TEST_START

        TEST_CASE 1                     /* misa: F and D, and MXL 32 */
        csrr    a0, misa
        li      t0, MISA_EXT('F') | MISA_EXT('D')
        and     a0, a0, t0
        CHECK   a0, MISA_EXT('F') | MISA_EXT('D')

        /* ---- Off: everything traps -------------------------------------------------------- */
        SET_FS  0
        la      a1, p_data
        TEST_TRAP_AT 2, CAUSE_ILLEGAL_INSN, p_flw, flw f1, 0(a1)
        CHECK_TVAL_INSN p_flw
        TEST_TRAP_AT 3, CAUSE_ILLEGAL_INSN, p_fsd, fsd f1, 0(a1)
        CHECK_TVAL_INSN p_fsd
        TEST_TRAP_AT 4, CAUSE_ILLEGAL_INSN, p_fadd, fadd.d f1, f2, f3
        CHECK_TVAL_INSN p_fadd
        TEST_TRAP_AT 5, CAUSE_ILLEGAL_INSN, p_fmv, fmv.x.w a0, f1
        CHECK_TVAL_INSN p_fmv
        TEST_TRAP_AT 6, CAUSE_ILLEGAL_INSN, p_fflags, csrr a0, fflags
        CHECK_TVAL_INSN p_fflags
        TEST_TRAP_AT 7, CAUSE_ILLEGAL_INSN, p_frm, csrwi frm, 1
        CHECK_TVAL_INSN p_frm
        TEST_TRAP_AT 8, CAUSE_ILLEGAL_INSN, p_fcsr, csrr a0, fcsr
        CHECK_TVAL_INSN p_fcsr
        .option rvc
        TEST_TRAP_AT 9, CAUSE_ILLEGAL_INSN, p_cfld, c.fld f8, 0(a1)
        .option norvc
        CHECK_TVAL 0x2180                /* c.fld f8, 0(x11): 16 bits */
        TEST_CASE 10                    /* nothing changed: FS is still Off */
        READ_FS
        CHECK   a0, 0

        /* ---- Initial -> Dirty ----------------------------------------------------------- */
        TEST_CASE 11                    /* a load writes a register */
        SET_FS  MSTATUS_FS_INITIAL
        flw     f1, 0(a1)
        READ_FS
        CHECK   a0, MSTATUS_FS_DIRTY | MSTATUS_SD
        TEST_CASE 12                    /* arithmetic */
        SET_FS  MSTATUS_FS_INITIAL
        fadd.s  f2, f1, f1
        READ_FS
        CHECK   a0, MSTATUS_FS_DIRTY | MSTATUS_SD
        TEST_CASE 13                    /* a write to fcsr, even of the same value */
        SET_FS  MSTATUS_FS_INITIAL
        csrr    a2, fcsr
        csrw    fcsr, a2
        READ_FS
        CHECK   a0, MSTATUS_FS_DIRTY | MSTATUS_SD

        /* ---- Clean: reads leave it, writes and flags make it Dirty ----------------------- */
        TEST_CASE 14
        csrwi   fflags, 0
        SET_FS  MSTATUS_FS_CLEAN
        fsw     f1, 12(a1)
        fmv.x.w a0, f1
        fclass.s a0, f1
        flw     f3, 8(a1)               /* (Dirty now: set Clean again) */
        SET_FS  MSTATUS_FS_CLEAN
        feq.s   a0, f3, f3              /* a quiet NaN: feq raises nothing */
        csrr    a0, fflags
        fcvt.w.s a0, f1                 /* 1.0: exact, no flag */
        READ_FS
        CHECK   a0, MSTATUS_FS_CLEAN
        TEST_CASE 15                    /* a compare that raises invalid */
        flw     f4, 4(a1)               /* a signalling NaN */
        SET_FS  MSTATUS_FS_CLEAN
        feq.s   a0, f4, f4
        READ_FS
        CHECK   a0, MSTATUS_FS_DIRTY | MSTATUS_SD
        TEST_CASE 16                    /* an inexact conversion to an integer register */
        li      a2, 0x3fc00000          /* 1.5 */
        fmv.w.x f5, a2
        SET_FS  MSTATUS_FS_CLEAN
        fcvt.w.s a0, f5, rtz
        READ_FS
        CHECK   a0, MSTATUS_FS_DIRTY | MSTATUS_SD
        TEST_CASE 17                    /* fmv.w.x */
        SET_FS  MSTATUS_FS_CLEAN
        fmv.w.x f6, zero
        READ_FS
        CHECK   a0, MSTATUS_FS_DIRTY | MSTATUS_SD
        TEST_CASE 18                    /* csrrwi on fflags */
        SET_FS  MSTATUS_FS_CLEAN
        csrrwi  a2, fflags, 0
        READ_FS
        CHECK   a0, MSTATUS_FS_DIRTY | MSTATUS_SD

        /* ---- sstatus: the same FS and SD --------------------------------------------------- */
        TEST_CASE 19
        SET_FS  MSTATUS_FS_DIRTY
        csrr    a0, sstatus
        li      t0, MSTATUS_FS | MSTATUS_SD
        and     a0, a0, t0
        CHECK   a0, MSTATUS_FS_DIRTY | MSTATUS_SD
        li      t0, MSTATUS_FS
        csrc    sstatus, t0
        li      t0, MSTATUS_FS_CLEAN
        csrs    sstatus, t0
        READ_FS
        CHECK   a0, MSTATUS_FS_CLEAN

        TEST_END
