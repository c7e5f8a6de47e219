/*
 * Mode switches for the privileged-architecture tests (priv_*.S), on top of
 * test_macros.h. Each macro continues at the instruction after it, in the mode it names.
 * They clobber t0 (and whatever the trap handler clobbers: s10, tp).
 * The other macros here: bit checks on registers and on the recorded status, "no trap
 * since", TEST_ILLEGAL, and page-table builders for M-mode.
 *
 *   M_TO_S, M_TO_U   from M-mode, with mret (MPP = S or U, MPIE = 0: MIE is 0 afterwards)
 *   SRET_TO_U        from S-mode (or M), with sret (SPP = U, SPIE = 0: SIE is 0 afterwards)
 *   SRET_TO_S        the same with SPP = S
 *   ECALL_UP         ecall, then continue in the mode that took it (EXPECT_TRAP_KEEP): from
 *                    S-mode that is M, from U-mode M or S depending on medeleg. It counts
 *                    as a trap and overwrites trap_record: check the record before.
 */
#ifndef RVBOX_PRIV_MACROS_H
#define RVBOX_PRIV_MACROS_H

#define MPP_U       (0 << MSTATUS_MPP_SHIFT)
#define MPP_S       (1 << MSTATUS_MPP_SHIFT)
#define MPP_M       (3 << MSTATUS_MPP_SHIFT)

#define LEVEL_M     3       /* TR_LEVEL: which handler took the trap */
#define LEVEL_S     1

.macro M_TO_S
        li      t0, MSTATUS_MPP | MSTATUS_MPIE
        csrc    mstatus, t0
        li      t0, MPP_S
        csrs    mstatus, t0
        la      t0, .Lm_to_s\@
        csrw    mepc, t0
        mret
        j       test_fail
.Lm_to_s\@:
.endm

.macro M_TO_U
        li      t0, MSTATUS_MPP | MSTATUS_MPIE
        csrc    mstatus, t0
        la      t0, .Lm_to_u\@
        csrw    mepc, t0
        mret
        j       test_fail
.Lm_to_u\@:
.endm

.macro SRET_TO_U
        li      t0, MSTATUS_SPP | MSTATUS_SPIE
        csrc    sstatus, t0
        la      t0, .Lsret_to_u\@
        csrw    sepc, t0
        sret
        j       test_fail
.Lsret_to_u\@:
.endm

.macro SRET_TO_S
        li      t0, MSTATUS_SPIE
        csrc    sstatus, t0
        li      t0, MSTATUS_SPP
        csrs    sstatus, t0
        la      t0, .Lsret_to_s\@
        csrw    sepc, t0
        sret
        j       test_fail
.Lsret_to_s\@:
.endm

.macro ECALL_UP
        EXPECT_TRAP_KEEP .Lecall_up\@
        ecall
        j       test_fail_notrap
.Lecall_up\@:
.endm

/* Fail unless the bits `mask` of register `reg` (not t5 or t6) are `expect`. */
.macro CHECK_BITS reg, mask, expect
        li      t6, \mask
        and     t5, \reg, t6
        li      t6, \expect
        beq     t5, t6, .Lcheck_ok\@
        j       test_fail_value
.Lcheck_ok\@:
.endm

/* Fail unless the bits `mask` of the status recorded at the last trap are `expect`.
 * Clobbers t4..t6. */
.macro CHECK_TRAP_STATUS mask, expect
        la      t4, trap_record
        lw      t4, TR_STATUS(t4)
        CHECK_BITS t4, \mask, \expect
.endm

/* reg = the number of traps taken so far, for CHECK_NO_TRAP_SINCE. */
.macro READ_TRAP_COUNT reg
        la      \reg, trap_record
        lw      \reg, TR_COUNT(\reg)
.endm

/* Fail unless no trap was taken since READ_TRAP_COUNT put the count in `reg`: for
 * instructions that must not trap, and interrupts that must not be taken. */
.macro CHECK_NO_TRAP_SINCE reg
        la      t5, trap_record
        lw      t5, TR_COUNT(t5)
        mv      t6, \reg
        beq     t5, t6, .Lcheck_ok\@
        j       test_fail_value
.Lcheck_ok\@:
.endm

/* Page tables, built in M-mode (untranslated) in a 4 KiB-aligned `table`. The program
 * must lie in one 4 MiB megapage (link.ld checks it). Clobber t0..t2. */

/* Zero the 1024 entries of `table`. */
.macro PT_CLEAR table
        la      t0, \table
        li      t1, 1024
.Lpt_clear\@:
        sw      zero, 0(t0)
        addi    t0, t0, 4
        addi    t1, t1, -1
        bnez    t1, .Lpt_clear\@
.endm

/* Entry `index` of `table` := `value` (a register other than t0..t2). */
.macro PT_SET table, index, value
        la      t0, \table
        li      t1, (\index) * 4
        add     t0, t0, t1
        sw      \value, 0(t0)
.endm

/* L1 `table`: map the megapage holding the program at VA = PA, PTE bits `flags`. */
.macro PT_MAP_IDENTITY table, flags
        la      t0, _start
        srli    t1, t0, 22
        slli    t2, t1, 20                      /* the PTE: PPN[1] = PA >> 22 */
        ori     t2, t2, \flags
        slli    t1, t1, 2
        la      t0, \table
        add     t0, t0, t1
        sw      t2, 0(t0)
.endm

/* L1 `table`: map the megapage holding the program at virtual address `va` (a constant,
 * a multiple of 4 MiB), PTE bits `flags`. */
.macro PT_MAP_ALIAS table, va, flags
        la      t0, _start
        srli    t2, t0, 22
        slli    t2, t2, 20
        ori     t2, t2, \flags
        la      t0, \table
        li      t1, ((\va) >> 22) * 4
        add     t0, t0, t1
        sw      t2, 0(t0)
.endm

/* reg (not t0) := the address of `label` in the megapage PT_MAP_ALIAS put at `va`. */
.macro LA_ALIAS reg, label, va
        la      \reg, _start
        srli    \reg, \reg, 22
        slli    \reg, \reg, 22
        la      t0, \label
        sub     \reg, t0, \reg
        li      t0, \va
        add     \reg, \reg, t0
.endm

/* satp := Sv32 with root `table`. */
.macro SATP_SV32 table
        la      t0, \table
        srli    t0, t0, 12
        li      t1, SATP_MODE_SV32
        or      t0, t0, t1
        csrw    satp, t0
.endm

/* Case `num`: `insn` is an illegal instruction, taken in M-mode (nothing delegated),
 * mtval = its bits; the test goes on in the mode it was in. */
.macro TEST_ILLEGAL num, insn:vararg
        TEST_CASE \num
        EXPECT_TRAP .Lill_resume\@
.Lill_insn\@:
        \insn
        j       test_fail_notrap
.Lill_resume\@:
        CHECK_CAUSE CAUSE_ILLEGAL_INSN
        CHECK_EPC .Lill_insn\@
        CHECK_TVAL_INSN .Lill_insn\@
        CHECK_LEVEL LEVEL_M
.endm

#endif
