/*
 * Exact instruction counts across decoded blocks: minstret (and mcycle, instret, cycle,
 * one cycle per instruction in rvbox) read in the middle of straight-line code, across a
 * chained loop, after a write to minstret, and in a trap handler's first instruction
 * after an exception in the middle of a straight line (the instructions before it
 * retired, the faulting one not). A read counts the instructions retired before it:
 * between two reads with n instructions in between, the difference is n + 1.
 *
 * rvbox-exact: QEMU counts instret exactly only with -icount.
 */
#include "test_macros.h"

        .option norelax                 /* page offsets and .if checks stay exact */

.macro ADDIS n
        .rept   \n
        addi    a0, a0, 1
        .endr
.endm

/* Two reads of `csr` with n addi's between them differ by n + 1. */
.macro COUNT_LINE num, csr, n
        TEST_CASE \num
        li      a0, 0
        csrr    s0, \csr
        ADDIS   \n
        csrr    s1, \csr
        sub     t0, s1, s0
        CHECK   t0, \n + 1
        CHECK   a0, \n
.endm

/* `insn` after n addi's traps with `cause` (taken in M-mode by count_trap, which reads
 * minstret first): the count is n + 1 (the first read, the addi's), mepc the insn. */
.macro COUNT_TRAP num, cause, n, insn:vararg
        TEST_CASE \num
        la      t0, count_trap
        csrw    mtvec, t0
        la      s10, .Lresume\@
        li      a0, 0
        li      a1, 0
        csrr    s0, minstret
        ADDIS   \n
.Linsn\@:
        \insn
        j       test_fail_notrap
.Lresume\@:
        CHECK   s2, \cause
        CHECK_ADDR s3, .Linsn\@
        sub     t0, s1, s0
        CHECK   t0, \n + 1
        CHECK   a0, \n
.endm

        TEST_START

        COUNT_LINE 1, minstret, 20
        COUNT_LINE 2, minstret, 100             /* two blocks */
        COUNT_LINE 3, minstret, 200
        COUNT_LINE 4, mcycle, 100
        COUNT_LINE 5, instret, 100
        COUNT_LINE 6, cycle, 100
        COUNT_LINE 7, minstret, 0

        /* the same lines again, now from decoded blocks */
        TEST_CASE 8
        li      s5, 3
1:      li      a0, 0
        csrr    s0, minstret
        ADDIS   150
        csrr    s1, minstret
        sub     t0, s1, s0
        CHECK   t0, 151
        addi    s5, s5, -1
        bnez    s5, 1b

        /* a chained loop: 1 (li) + 3 * 1000 + the first read */
        TEST_CASE 9
        li      a0, 0
        csrr    s0, minstret
        li      t1, 1000
2:      addi    t1, t1, -1
        addi    a0, a0, 1
        bnez    t1, 2b
        csrr    s1, minstret
        sub     t0, s1, s0
        CHECK   t0, 3002

        /* a write to minstret in the middle of a line: it reads what was written,
         * plus the instructions retired since */
        TEST_CASE 10
        li      t1, 1000
        csrw    minstret, t1
        ADDIS   10
        csrr    s1, minstret
        CHECK   s1, 1010
        li      t1, 5000
        ADDIS   30
        csrw    minstret, t1
        ADDIS   70
        csrr    s1, minstret
        CHECK   s1, 5070

        /* compressed instructions count one each */
        TEST_CASE 11
        li      a0, 0
        csrr    s0, minstret
        .option push
        .option rvc
        .rept   30
        c.addi  a0, 1
        .endr
        .option pop
        .balign 4
        csrr    s1, minstret
        sub     t0, s1, s0
        CHECK   t0, 31

        /* exceptions in the middle of a line */
        COUNT_TRAP 12, CAUSE_LOAD_ACCESS, 10, lw a1, 0(zero)
        CHECK   a1, 0                           /* the faulting load wrote nothing */
        COUNT_TRAP 13, CAUSE_STORE_ACCESS, 40, sw a1, 0(zero)
        COUNT_TRAP 14, CAUSE_ILLEGAL_INSN, 70, .word 0
        COUNT_TRAP 15, CAUSE_ECALL_M, 25, ecall
        COUNT_TRAP 16, CAUSE_BREAKPOINT, 100, ebreak
        COUNT_TRAP 17, CAUSE_LOAD_ACCESS, 0, lw a1, 0(zero)
        COUNT_TRAP 18, CAUSE_ILLEGAL_INSN, 5, csrr a1, 0x7ff
        /* and again, from decoded blocks */
        TEST_CASE 19
        li      s5, 3
3:      la      t0, count_trap
        csrw    mtvec, t0
        la      s10, 4f
        li      a0, 0
        csrr    s0, minstret
        ADDIS   90
5:      lw      a1, 0(zero)
        j       test_fail_notrap
4:      CHECK   s2, CAUSE_LOAD_ACCESS
        CHECK_ADDR s3, 5b
        sub     t0, s1, s0
        CHECK   t0, 91
        addi    s5, s5, -1
        bnez    s5, 3b

        j       .Lend

/* Exceptions land here while a case arms it: minstret first, then the trap's CSRs. */
        .balign 4
count_trap:
        csrr    s1, minstret
        csrr    s2, mcause
        csrr    s3, mepc
        csrr    s4, mtval
        la      t0, trap_entry
        csrw    mtvec, t0
        mv      t0, s10
        li      s10, 0
        jr      t0

.Lend:
        TEST_END
