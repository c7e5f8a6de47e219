/*
 * The framework of rvbox's self-checking guest tests: every tests/guest/<name>.S includes
 * this header, runs bare-metal in M-mode from 0x80000000 and ends through HTIF (tohost).
 *
 *   exit code 0          every case passed
 *   exit code N (1..99)  case N computed a wrong value, or did not trap when it should
 *   exit code 100 + N    case N took a trap it did not expect (100: before any case)
 *   exit code 255        a trap while reporting a failure (nothing more can be trusted)
 *
 * A failure also prints one line on the HTIF console saying what went wrong, e.g.
 *   FAIL case 7: got 0x0000000a, expected 0x0000000b
 *   FAIL case 12: unexpected trap mcause=0x00000005 mepc=0x80000120 mtval=0x00000010
 *
 * A test program looks like this:
 *
 *       #include "test_macros.h"
 *       TEST_START
 *       TEST_RR  1, add, 3, 1, 2            # case 1: add 1 + 2 = 3
 *       TEST_TRAP 2, CAUSE_ILLEGAL_INSN, .word 0x02051513   # slli a0, a0, 32
 *       CHECK_TVAL 0x02051513
 *       TEST_END
 *
 * Registers the framework owns (a test must not keep anything of its own in them):
 *   s11  the number of the current case: the exit code if it fails
 *   s10  where to resume after an expected trap; 0 = no trap expected
 *   tp   clobbered by the trap handler on every trap
 *   t5, t6  clobbered by every CHECK macro (got / expected)
 * Everything else is the test's. The checking macros use a0..a2 for operands and results.
 *
 * The trap handler records mcause, mepc, mtval and mstatus (as they were at trap entry) in
 * `trap_record`. With s10 set it resumes there (through mret); otherwise the trap is
 * unexpected and the test fails. It writes no register but s10 and tp, so a test can check
 * that a trapping instruction left its destination register alone.
 *
 * Privileged tests: stvec points at a second handler, strap_entry, that does the same for
 * traps delegated to S-mode (scause, sepc, stval, sstatus; sret). TR_LEVEL says which
 * handler took the last trap (3 = M, 1 = S). EXPECT_TRAP resumes in the mode that
 * trapped; EXPECT_TRAP_KEEP resumes in the handler's own mode, with that mode's interrupts
 * off (MPP = M and MPIE = 0, or SPP = S and SPIE = 0), as if the handler went on there.
 * Nothing in the failure paths needs M-mode: a report can start in any mode, and a trap
 * during a report ends the run with 255 whichever handler takes it.
 *
 * Environments: by default a test runs in M-mode with no translation. Built with
 * -DTEST_ENV_VM (test_env_vm.h), TEST_START instead drops to S-mode, turns on Sv32 and
 * enters the test body in U-mode with sret, at a virtual address other than the physical
 * one; M-mode still takes every trap. TEST_BASE is where the program starts in the test's
 * address space (nothing is below it), CAUSE_*_UNMAPPED the cause of an access where
 * nothing is (an access fault, or a page fault under the VM environment).
 *
 * Files assemble with `.option norvc`, so RV32I/M/A instructions keep their 32-bit
 * encodings; the compressed-instruction test switches `.option rvc` on itself.
 *
 * HTIF: rvbox carries out a request on the store to tohost's LOW word (reading the high
 * word then) and clears both words; QEMU (-M spike) on a store to the HIGH word after a
 * low one. test_exit and print_char order their stores so that both act once.
 */
#ifndef RVBOX_TEST_MACROS_H
#define RVBOX_TEST_MACROS_H

#include "cpu/csr_defs.h"

/* Offsets in trap_record. */
#define TR_CAUSE   0
#define TR_EPC     4
#define TR_TVAL    8
#define TR_STATUS  12
#define TR_COUNT   16
#define TR_RESUME  20
#define TR_LEVEL   24       /* the privilege of the handler that took the last trap */
#define TR_FAILING 28       /* non-zero once a failure report has begun */
#define TR_SIZE    32

#define HTIF_PUTCHAR 0x01010000     /* device 1 (console), command 1 (write a byte) */

#define EXIT_UNEXPECTED_TRAP 100
#define EXIT_ABORT           255

        .option norvc

/* ---------------------------------------------------------------------------------- */
/* Setup and teardown                                                                   */
/* ---------------------------------------------------------------------------------- */

/* PMP entry 0 lets S and U at all memory: QEMU checks PMP, and with no entry set it
 * denies everything below M-mode (rvbox holds the values but checks nothing). */
.macro PMP_ALLOW_ALL
        li      t0, -1
        csrw    CSR_PMPADDR0, t0
        li      t0, PMP_A_NAPOT | PMP_R | PMP_W | PMP_X
        csrw    CSR_PMPCFG0, t0
.endm

/* A known machine state in M-mode, whatever ran before (QEMU's reset ROM): the trap
 * handlers installed, nothing delegated, no translation, interrupts off. Clobbers t0. */
.macro TEST_RESET_M
        la      t0, trap_entry
        csrw    mtvec, t0
        la      t0, strap_entry
        csrw    stvec, t0
        csrw    mie, zero
        csrw    mip, zero
        csrw    mstatus, zero           /* MIE = 0, MPP = U, MPRV = 0 */
#ifdef TEST_FP
        li      t0, MSTATUS_FS_INITIAL  /* floating-point tests: the unit on */
        csrs    mstatus, t0
#endif
        csrw    medeleg, zero
        csrw    mideleg, zero
        csrw    satp, zero
        csrw    mscratch, zero
        la      t0, trap_record
        sw      zero, TR_CAUSE(t0)
        sw      zero, TR_EPC(t0)
        sw      zero, TR_TVAL(t0)
        sw      zero, TR_STATUS(t0)
        sw      zero, TR_COUNT(t0)
        sw      zero, TR_RESUME(t0)
        sw      zero, TR_LEVEL(t0)
        sw      zero, TR_FAILING(t0)
        li      s10, 0
        li      s11, 0
.endm

#ifdef TEST_ENV_VM
#include "test_env_vm.h"
#else
#define TEST_BASE               0x80000000  /* link.ld: the start of RAM */
#define CAUSE_LOAD_UNMAPPED     CAUSE_LOAD_ACCESS
#define CAUSE_STORE_UNMAPPED    CAUSE_STORE_ACCESS
#define CAUSE_FETCH_UNMAPPED    CAUSE_FETCH_ACCESS

/* The entry point: the test body runs in M-mode. */
.macro TEST_START
        .text                           /* link.ld puts this object's .text first */
        .globl  _start
_start:
        la      sp, _stack_top
        TEST_RESET_M
.endm
#endif

/* All cases passed: exit 0. Then the shared code and data the macros use. */
.macro TEST_END
        li      s11, 0
        j       test_exit
        TEST_RUNTIME
.endm

/* Start case `num`: a failure from here on exits with `num`. */
.macro TEST_CASE num
        .if (\num < 1) || (\num > 99)
        .error "case numbers are 1..99: the exit code is 100 + case on an unexpected trap"
        .endif
        li      s11, \num
.endm

/* ---------------------------------------------------------------------------------- */
/* Checks                                                                               */
/* ---------------------------------------------------------------------------------- */

/* Fail the current case unless register `reg` holds `expect` (any 32-bit constant). */
.macro CHECK reg, expect
        mv      t5, \reg
        li      t6, \expect
        beq     t5, t6, .Lcheck_ok\@
        j       test_fail_value
.Lcheck_ok\@:
.endm

/* Fail unless registers `got` and `want` hold the same value (`want` must not be t5). */
.macro CHECK_REG got, want
        mv      t5, \got
        mv      t6, \want
        beq     t5, t6, .Lcheck_ok\@
        j       test_fail_value
.Lcheck_ok\@:
.endm

/* Fail unless register `reg` holds the address of `label`. */
.macro CHECK_ADDR reg, label
        mv      t5, \reg
        la      t6, \label
        beq     t5, t6, .Lcheck_ok\@
        j       test_fail_value
.Lcheck_ok\@:
.endm

/* Fail unless the word at `label` + `offset` is `expect`. */
.macro CHECK_MEM label, offset, expect
        la      t5, \label
        lw      t5, \offset(t5)
        li      t6, \expect
        beq     t5, t6, .Lcheck_ok\@
        j       test_fail_value
.Lcheck_ok\@:
.endm

/* ---------------------------------------------------------------------------------- */
/* Integer computation: rd = insn(rs1, rs2) and rd = insn(rs1, imm)                      */
/* ---------------------------------------------------------------------------------- */

/* a0 = insn(a1 = a, a2 = b) */
.macro TEST_RR num, insn, expect, a, b
        TEST_CASE \num
        li      a1, \a
        li      a2, \b
        \insn   a0, a1, a2
        CHECK   a0, \expect
.endm

/* The destination is also the first source: a1 = insn(a1, a2). */
.macro TEST_RR_D1 num, insn, expect, a, b
        TEST_CASE \num
        li      a1, \a
        li      a2, \b
        \insn   a1, a1, a2
        CHECK   a1, \expect
.endm

/* The destination is also the second source: a2 = insn(a1, a2). */
.macro TEST_RR_D2 num, insn, expect, a, b
        TEST_CASE \num
        li      a1, \a
        li      a2, \b
        \insn   a2, a1, a2
        CHECK   a2, \expect
.endm

/* Both sources and the destination are one register: a1 = insn(a1, a1). */
.macro TEST_RR_SAME num, insn, expect, a
        TEST_CASE \num
        li      a1, \a
        \insn   a1, a1, a1
        CHECK   a1, \expect
.endm

/* x0 as a source: a0 = insn(x0, a2 = b) and a0 = insn(a1 = a, x0). */
.macro TEST_RR_Z1 num, insn, expect, b
        TEST_CASE \num
        li      a2, \b
        \insn   a0, zero, a2
        CHECK   a0, \expect
.endm
.macro TEST_RR_Z2 num, insn, expect, a
        TEST_CASE \num
        li      a1, \a
        \insn   a0, a1, zero
        CHECK   a0, \expect
.endm

/* x0 as the destination: the result is dropped and x0 still reads 0. */
.macro TEST_RR_X0 num, insn, a, b
        TEST_CASE \num
        li      a1, \a
        li      a2, \b
        \insn   zero, a1, a2
        CHECK   zero, 0
.endm

/* a0 = insn(a1 = a, imm) */
.macro TEST_RI num, insn, expect, a, imm
        TEST_CASE \num
        li      a1, \a
        \insn   a0, a1, \imm
        CHECK   a0, \expect
.endm

/* a1 = insn(a1, imm) */
.macro TEST_RI_D num, insn, expect, a, imm
        TEST_CASE \num
        li      a1, \a
        \insn   a1, a1, \imm
        CHECK   a1, \expect
.endm

/* a0 = insn(x0, imm) */
.macro TEST_RI_Z num, insn, expect, imm
        TEST_CASE \num
        \insn   a0, zero, \imm
        CHECK   a0, \expect
.endm

/* x0 as the destination. */
.macro TEST_RI_X0 num, insn, a, imm
        TEST_CASE \num
        li      a1, \a
        \insn   zero, a1, \imm
        CHECK   zero, 0
.endm

/* ---------------------------------------------------------------------------------- */
/* Loads and stores                                                                     */
/* ---------------------------------------------------------------------------------- */

/* a0 = load(label + offset), through base register a1 = label. */
.macro TEST_LD num, insn, expect, label, offset
        TEST_CASE \num
        la      a1, \label
        \insn   a0, \offset(a1)
        CHECK   a0, \expect
.endm

/* store(value, label + offset), then a0 = load(label + offset) must be `expect`. */
.macro TEST_ST num, st, ld, expect, value, label, offset
        TEST_CASE \num
        la      a1, \label
        li      a2, \value
        \st     a2, \offset(a1)
        \ld     a0, \offset(a1)
        CHECK   a0, \expect
.endm

/* ---------------------------------------------------------------------------------- */
/* Branches                                                                             */
/* ---------------------------------------------------------------------------------- */

/* The branch must go forward to its target. */
.macro TEST_BR_TAKEN num, insn, a, b
        TEST_CASE \num
        li      a1, \a
        li      a2, \b
        \insn   a1, a2, .Ltarget\@
        j       test_fail
.Ltarget\@:
.endm

/* The branch must go backward to its target. */
.macro TEST_BR_TAKEN_BACK num, insn, a, b
        TEST_CASE \num
        li      a1, \a
        li      a2, \b
        j       .Lbranch\@
.Ltarget\@:
        j       .Ldone\@
.Lbranch\@:
        \insn   a1, a2, .Ltarget\@
        j       test_fail
.Ldone\@:
.endm

/* The branch must fall through, forward or backward target alike. */
.macro TEST_BR_NOT_TAKEN num, insn, a, b
        TEST_CASE \num
        li      a1, \a
        li      a2, \b
        j       .Lbranch\@
.Lback\@:
        j       test_fail
.Lbranch\@:
        \insn   a1, a2, .Lfwd\@
        \insn   a1, a2, .Lback\@
        j       .Ldone\@
.Lfwd\@:
        j       test_fail
.Ldone\@:
.endm

/* ---------------------------------------------------------------------------------- */
/* Traps                                                                                */
/* ---------------------------------------------------------------------------------- */

/* Arm the handler: the next trap resumes at `label`, in the mode that trapped. */
.macro EXPECT_TRAP label
        la      s10, \label
.endm

/* Arm the handler: the next trap resumes at `label` in the mode of the handler that takes
 * it, with that mode's interrupts off (bit 0 of s10 asks for it). */
.macro EXPECT_TRAP_KEEP label
        la      s10, \label
        ori     s10, s10, 1
.endm

/* Case `num`: `insn` must trap with cause `cause` (mcause, or scause when S-mode takes it)
 * and xepc = its own address. The instruction can be anything, including `.word`/`.half`
 * for raw encodings. */
.macro TEST_TRAP num, cause, insn:vararg
        TEST_CASE \num
        EXPECT_TRAP .Lresume\@
.Linsn\@:
        \insn
        j       test_fail_notrap
.Lresume\@:
        CHECK_CAUSE \cause
        CHECK_EPC .Linsn\@
.endm

/* The same with the trapping instruction at a label of the caller's (for mtval checks). */
.macro TEST_TRAP_AT num, cause, label, insn:vararg
        TEST_CASE \num
        EXPECT_TRAP .Lresume\@
\label:
        \insn
        j       test_fail_notrap
.Lresume\@:
        CHECK_CAUSE \cause
        CHECK_EPC \label
.endm

/* Checks of what the last trap recorded. */
.macro CHECK_CAUSE expect
        CHECK_MEM trap_record, TR_CAUSE, \expect
.endm
/* Which handler took the last trap: 3 (M) or 1 (S). */
.macro CHECK_LEVEL expect
        CHECK_MEM trap_record, TR_LEVEL, \expect
.endm
.macro CHECK_TVAL expect
        CHECK_MEM trap_record, TR_TVAL, \expect
.endm
.macro CHECK_TVAL_ADDR label
        la      t5, trap_record
        lw      t5, TR_TVAL(t5)
        la      t6, \label
        beq     t5, t6, .Lcheck_ok\@
        j       test_fail_value
.Lcheck_ok\@:
.endm
/* mtval must hold the bits of the instruction at `label`, 32 or 16 of them. */
.macro CHECK_TVAL_INSN label
        la      t6, \label
        lw      t6, 0(t6)
        la      t5, trap_record
        lw      t5, TR_TVAL(t5)
        beq     t5, t6, .Lcheck_ok\@
        j       test_fail_value
.Lcheck_ok\@:
.endm
.macro CHECK_TVAL_INSN16 label
        la      t6, \label
        lhu     t6, 0(t6)
        la      t5, trap_record
        lw      t5, TR_TVAL(t5)
        beq     t5, t6, .Lcheck_ok\@
        j       test_fail_value
.Lcheck_ok\@:
.endm
.macro CHECK_EPC label
        la      t5, trap_record
        lw      t5, TR_EPC(t5)
        la      t6, \label
        beq     t5, t6, .Lcheck_ok\@
        j       test_fail_value
.Lcheck_ok\@:
.endm

/* ---------------------------------------------------------------------------------- */
/* The shared code: trap handler, failure reports, HTIF, data. Emitted by TEST_END.     */
/* ---------------------------------------------------------------------------------- */

/* From here on a failure is being reported: any trap ends the run (exit 255). Works in
 * any mode. Clobbers t0, t1. */
.macro MARK_FAILING
        la      t0, trap_record
        li      t1, 1
        sw      t1, TR_FAILING(t0)
.endm

.macro TEST_RUNTIME
        .option push
        .option norvc

/* The M-mode trap handler. Saves the trap's CSRs, then resumes where s10 says, or fails.
 * It must be 4-byte aligned (mtvec); 64 for the vectored-mode tests. */
        .balign 64
        .globl  trap_entry
trap_entry:
        la      tp, trap_record
        sw      s10, TR_RESUME(tp)
        lw      s10, TR_FAILING(tp)
        bnez    s10, test_abort         /* a trap while reporting ends it all */
        csrr    s10, mcause
        sw      s10, TR_CAUSE(tp)
        csrr    s10, mepc
        sw      s10, TR_EPC(tp)
        csrr    s10, mtval
        sw      s10, TR_TVAL(tp)
        csrr    s10, mstatus
        sw      s10, TR_STATUS(tp)
        li      s10, 3
        sw      s10, TR_LEVEL(tp)
        lw      s10, TR_COUNT(tp)
        addi    s10, s10, 1
        sw      s10, TR_COUNT(tp)
        lw      s10, TR_RESUME(tp)
        beqz    s10, trap_unexpected
        andi    s10, s10, 1
        beqz    s10, 1f
        li      s10, MSTATUS_MPP        /* EXPECT_TRAP_KEEP: stay in M, MIE off */
        csrs    mstatus, s10
        li      s10, MSTATUS_MPIE
        csrc    mstatus, s10
1:      lw      s10, TR_RESUME(tp)
        andi    s10, s10, -2
        csrw    mepc, s10
        li      s10, 0                  /* one expected trap per arming */
        mret

/* The S-mode trap handler, for delegated traps: the same with the S-mode registers. */
        .balign 64
        .globl  strap_entry
strap_entry:
        la      tp, trap_record
        sw      s10, TR_RESUME(tp)
        lw      s10, TR_FAILING(tp)
        bnez    s10, test_abort
        csrr    s10, scause
        sw      s10, TR_CAUSE(tp)
        csrr    s10, sepc
        sw      s10, TR_EPC(tp)
        csrr    s10, stval
        sw      s10, TR_TVAL(tp)
        csrr    s10, sstatus
        sw      s10, TR_STATUS(tp)
        li      s10, 1
        sw      s10, TR_LEVEL(tp)
        lw      s10, TR_COUNT(tp)
        addi    s10, s10, 1
        sw      s10, TR_COUNT(tp)
        lw      s10, TR_RESUME(tp)
        beqz    s10, trap_unexpected
        andi    s10, s10, 1
        beqz    s10, 1f
        li      s10, MSTATUS_SPP        /* EXPECT_TRAP_KEEP: stay in S, SIE off */
        csrs    sstatus, s10
        li      s10, MSTATUS_SPIE
        csrc    sstatus, s10
1:      lw      s10, TR_RESUME(tp)
        andi    s10, s10, -2
        csrw    sepc, s10
        li      s10, 0
        sret

/* A trap nobody asked for: report it, exit 100 + case. Runs in the handler's mode and
 * touches no CSR, so it serves both handlers. tp = trap_record. */
trap_unexpected:
        MARK_FAILING
        li      s9, 'm'                 /* mcause or scause ... */
        lw      t0, TR_LEVEL(tp)
        li      t1, 1
        bne     t0, t1, 1f
        li      s9, 's'
1:      jal     ra, print_begin
        la      a0, msg_fail
        jal     ra, print_str
        mv      a0, s11
        jal     ra, print_dec
        la      a0, msg_trap
        jal     ra, print_str
        mv      a0, s9
        jal     ra, print_char
        la      a0, msg_cause
        jal     ra, print_str
        lw      a0, TR_CAUSE(tp)
        jal     ra, print_hex
        li      a0, ' '
        jal     ra, print_char
        mv      a0, s9
        jal     ra, print_char
        la      a0, msg_epc
        jal     ra, print_str
        lw      a0, TR_EPC(tp)
        jal     ra, print_hex
        li      a0, ' '
        jal     ra, print_char
        mv      a0, s9
        jal     ra, print_char
        la      a0, msg_tval
        jal     ra, print_str
        lw      a0, TR_TVAL(tp)
        jal     ra, print_hex
        li      a0, '\n'
        jal     ra, print_char
        addi    s11, s11, EXIT_UNEXPECTED_TRAP
        j       test_exit

/* A check saw t5 where it wanted t6. */
        .globl  test_fail_value
test_fail_value:
        mv      s9, t5
        mv      s8, t6
        MARK_FAILING
        jal     ra, print_begin
        la      a0, msg_fail
        jal     ra, print_str
        mv      a0, s11
        jal     ra, print_dec
        la      a0, msg_got
        jal     ra, print_str
        mv      a0, s9
        jal     ra, print_hex
        la      a0, msg_expected
        jal     ra, print_str
        mv      a0, s8
        jal     ra, print_hex
        li      a0, '\n'
        jal     ra, print_char
        j       test_exit

/* An instruction that should have trapped did not. */
        .globl  test_fail_notrap
test_fail_notrap:
        MARK_FAILING
        jal     ra, print_begin
        la      a0, msg_fail
        jal     ra, print_str
        mv      a0, s11
        jal     ra, print_dec
        la      a0, msg_notrap
        jal     ra, print_str
        j       test_exit

/* Any other failure of the current case. */
        .globl  test_fail
test_fail:
        MARK_FAILING
        jal     ra, print_begin
        la      a0, msg_fail
        jal     ra, print_str
        mv      a0, s11
        jal     ra, print_dec
        li      a0, '\n'
        jal     ra, print_char
        j       test_exit

/* A trap while failing (the handlers come here): exit 255 without another word. */
        .balign 4
test_abort:
        li      s11, EXIT_ABORT
        /* fall through */

/* End the run with exit code s11 (0 = pass). The high word is cleared first (rvbox reads
 * it when the low word is written), the low word set, then the high word written again
 * (QEMU acts on that store). */
        .globl  test_exit
test_exit:
        la      t0, tohost
        sw      zero, 4(t0)
        slli    t1, s11, 1
        ori     t1, t1, 1
        sw      t1, 0(t0)
        sw      zero, 4(t0)
1:      j       1b

/* print_begin: put the console request in tohost's high word, where rvbox reads it on
 * the next store to the low word. QEMU ignores a high-word store before any low-word one.
 * Clobbers t0, t1. */
print_begin:
        la      t0, tohost
        li      t1, HTIF_PUTCHAR
        sw      t1, 4(t0)
        ret

/* print_char(a0): one byte on the HTIF console; waits (boundedly) until it is taken.
 * The high word holds the request already (print_begin, or the previous character).
 * Clobbers t0..t2. */
print_char:
        la      t0, tohost
        li      t1, HTIF_PUTCHAR
        sw      a0, 0(t0)               /* rvbox: carries it out, clears tohost */
        sw      t1, 4(t0)               /* QEMU: carries it out; rvbox: ready for the next */
        li      t2, 100000
1:      lw      t1, 0(t0)
        beqz    t1, 2f
        addi    t2, t2, -1
        bnez    t2, 1b
2:      ret

/* print_str(a0): a NUL-terminated string. Clobbers a0, a3, a4, t0..t2. */
print_str:
        mv      a4, ra
        mv      a3, a0
1:      lbu     a0, 0(a3)
        beqz    a0, 2f
        jal     ra, print_char
        addi    a3, a3, 1
        j       1b
2:      mv      ra, a4
        ret

/* print_hex(a0): "0x" and 8 hex digits. Clobbers a0, a3..a6, t0..t2. */
print_hex:
        mv      a4, ra
        mv      a5, a0
        li      a0, '0'
        jal     ra, print_char
        li      a0, 'x'
        jal     ra, print_char
        li      a6, 28
1:      srl     a0, a5, a6
        andi    a0, a0, 15
        li      a3, 10
        blt     a0, a3, 2f
        addi    a0, a0, 'a' - '0' - 10
2:      addi    a0, a0, '0'
        jal     ra, print_char
        addi    a6, a6, -4
        bgez    a6, 1b
        mv      ra, a4
        ret

/* print_dec(a0): 0..999 in decimal, without M instructions. Clobbers a0, a3..a6, t0..t2. */
print_dec:
        mv      a4, ra
        mv      a5, a0
        li      a6, 0                   /* a digit has been printed */
        li      a3, 100
        jal     ra, print_digit
        li      a3, 10
        jal     ra, print_digit
        li      a6, 1
        li      a3, 1
        jal     ra, print_digit
        mv      ra, a4
        ret
/* One digit of a5 for place value a3; skips leading zeros while a6 = 0. */
print_digit:
        mv      t3, ra
        li      a0, 0
1:      bltu    a5, a3, 2f
        sub     a5, a5, a3
        addi    a0, a0, 1
        j       1b
2:      bnez    a0, 3f
        beqz    a6, 4f
3:      li      a6, 1
        addi    a0, a0, '0'
        jal     ra, print_char
4:      mv      ra, t3
        ret

        .section .rodata
msg_fail:     .asciz "FAIL case "
msg_got:      .asciz ": got "
msg_expected: .asciz ", expected "
msg_notrap:   .asciz ": expected a trap, none came\n"
msg_trap:     .asciz ": unexpected trap "
msg_cause:    .asciz "cause="
msg_epc:      .asciz "epc="
msg_tval:     .asciz "tval="

        .data
        .balign 4
        .globl  trap_record
trap_record:  .skip TR_SIZE

/* HTIF: tohost (and fromhost, which QEMU wants beside it) in a page of their own. */
        .section .tohost, "aw", @progbits
        .balign 64
        .globl  tohost
tohost:       .dword 0
        .size   tohost, 8               /* QEMU insists on the size */
        .globl  fromhost
fromhost:     .dword 0
        .size   fromhost, 8

#ifdef TEST_ENV_VM
        TEST_ENV_DATA
#endif
        .option pop
.endm

#endif
