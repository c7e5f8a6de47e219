/*
 * The A extension. lr.w/sc.w: sc.w writes 0 on success and 1 on failure; it fails with no
 * reservation, after another sc.w (any sc.w ends the reservation, success or not), and on
 * a word other than the reserved one; a failed sc.w stores nothing. Every AMO returns the
 * old memory value and stores op(old, rs2): amomin/amomax compare signed, amominu/amomaxu
 * unsigned. The aq/rl bits change nothing on one hart. A misaligned lr.w is a load
 * address-misaligned exception and a misaligned sc.w/AMO a store/AMO one (rvbox's choice
 * where the spec also allows an access fault); one to an address nothing answers is an
 * access fault (a page fault in the VM environment), and no register is written.
 */
#include "test_macros.h"

        .data
        .balign 16
word_a: .word   0
word_b: .word   0
amo_word:
        .word   0
        .word   0

        TEST_START

/* a0 = amo(&amo_word = init, a2 = src); a0 must be init, memory expect */
.macro TEST_AMO num, insn, init, src, expect
        TEST_CASE \num
        la      a1, amo_word
        li      a3, \init
        sw      a3, 0(a1)
        li      a2, \src
        \insn   a0, a2, (a1)
        CHECK   a0, \init
        CHECK_MEM amo_word, 0, \expect
.endm

        /* sc.w with no reservation fails and stores nothing */
        TEST_CASE 1
        la      a1, word_a
        li      a2, 0x1111
        sw      a2, 0(a1)
        li      a3, 0x2222
        li      a0, 0x5555
        sc.w    a0, a3, (a1)
        CHECK   a0, 1
        CHECK_MEM word_a, 0, 0x1111

        /* lr.w reads; sc.w to the reserved word succeeds and stores */
        TEST_CASE 2
        la      a1, word_a
        lr.w    a0, (a1)
        CHECK   a0, 0x1111
        TEST_CASE 3
        li      a3, 0x3333
        li      a0, 0x5555
        sc.w    a0, a3, (a1)
        CHECK   a0, 0
        CHECK_MEM word_a, 0, 0x3333

        /* a second sc.w after a successful one fails */
        TEST_CASE 4
        li      a3, 0x4444
        sc.w    a0, a3, (a1)
        CHECK   a0, 1
        CHECK_MEM word_a, 0, 0x3333

        /* sc.w to another word than the reserved one fails ... */
        TEST_CASE 5
        la      a1, word_a
        la      a4, word_b
        li      a2, 0x6666
        sw      a2, 0(a4)
        lr.w    a0, (a1)
        li      a3, 0x7777
        sc.w    a0, a3, (a4)
        CHECK   a0, 1
        CHECK_MEM word_b, 0, 0x6666
        /* ... and ends the reservation on the reserved one too */
        TEST_CASE 6
        sc.w    a0, a3, (a1)
        CHECK   a0, 1
        CHECK_MEM word_a, 0, 0x3333

        /* a new lr.w replaces the reservation: sc.w to the new word succeeds */
        TEST_CASE 7
        la      a1, word_a
        la      a4, word_b
        lr.w    a0, (a1)
        lr.w    a0, (a4)
        CHECK   a0, 0x6666
        li      a3, 0x8888
        sc.w    a0, a3, (a4)
        CHECK   a0, 0
        CHECK_MEM word_b, 0, 0x8888

        /* sc.w with rd = rs2 stores the old register value, then writes the result */
        TEST_CASE 8
        la      a1, word_a
        lr.w    a0, (a1)
        li      a2, 0x9999
        sc.w    a2, a2, (a1)
        CHECK   a2, 0
        CHECK_MEM word_a, 0, 0x9999

        /* lr.w with rd = rs1 */
        TEST_CASE 9
        la      a1, word_a
        lr.w    a1, (a1)
        CHECK   a1, 0x9999

        /* the aq/rl variants */
        TEST_CASE 10
        la      a1, word_a
        lr.w.aq a0, (a1)
        li      a3, 0xaaaa
        sc.w.rl a0, a3, (a1)
        CHECK   a0, 0
        lr.w.aqrl a0, (a1)
        CHECK   a0, 0xaaaa
        li      a3, 0xbbbb
        sc.w.aqrl a0, a3, (a1)
        CHECK   a0, 0
        CHECK_MEM word_a, 0, 0xbbbb

        /* an atomic increment loop, the way software uses lr/sc */
        TEST_CASE 11
        la      a1, word_a
        sw      zero, 0(a1)
        li      a4, 50
1:      lr.w    a0, (a1)
        addi    a0, a0, 3
        sc.w    a5, a0, (a1)
        bnez    a5, 1b
        addi    a4, a4, -1
        bnez    a4, 1b
        CHECK_MEM word_a, 0, 150

        /* every AMO: the old value back, op(old, rs2) stored */
        TEST_AMO  20, amoswap.w, 0x11111111, 0x22222222, 0x22222222
        TEST_AMO  21, amoadd.w,  0x00000005, 0xffffffff, 0x00000004
        TEST_AMO  22, amoadd.w,  0xffffffff, 0x00000002, 0x00000001
        TEST_AMO  23, amoadd.w,  0x7fffffff, 0x00000001, 0x80000000
        TEST_AMO  24, amoxor.w,  0xff00ff00, 0x0ff00ff0, 0xf0f0f0f0
        TEST_AMO  25, amoand.w,  0xff00ff00, 0x0ff00ff0, 0x0f000f00
        TEST_AMO  26, amoor.w,   0xff00ff00, 0x0ff00ff0, 0xfff0fff0
        TEST_AMO  27, amomin.w,  0xffffffff, 0x00000001, 0xffffffff
        TEST_AMO  28, amomin.w,  0x00000001, 0xffffffff, 0xffffffff
        TEST_AMO  29, amomin.w,  0x80000000, 0x7fffffff, 0x80000000
        TEST_AMO  30, amomin.w,  0x00000003, 0x00000003, 0x00000003
        TEST_AMO  31, amomax.w,  0xffffffff, 0x00000001, 0x00000001
        TEST_AMO  32, amomax.w,  0x00000001, 0xffffffff, 0x00000001
        TEST_AMO  33, amomax.w,  0x80000000, 0x7fffffff, 0x7fffffff
        TEST_AMO  34, amominu.w, 0xffffffff, 0x00000001, 0x00000001
        TEST_AMO  35, amominu.w, 0x00000001, 0xffffffff, 0x00000001
        TEST_AMO  36, amominu.w, 0x80000000, 0x7fffffff, 0x7fffffff
        TEST_AMO  37, amomaxu.w, 0xffffffff, 0x00000001, 0xffffffff
        TEST_AMO  38, amomaxu.w, 0x00000001, 0xffffffff, 0xffffffff
        TEST_AMO  39, amomaxu.w, 0x80000000, 0x7fffffff, 0x80000000

        /* AMO register corners */
        TEST_CASE 40                    /* rd = x0: the store still happens */
        la      a1, amo_word
        li      a3, 40
        sw      a3, 0(a1)
        li      a2, 2
        amoadd.w zero, a2, (a1)
        CHECK   zero, 0
        CHECK_MEM amo_word, 0, 42
        TEST_CASE 41                    /* rd = rs2: swap stores the old rs2 */
        la      a1, amo_word
        li      a2, 0x4141
        amoswap.w a2, a2, (a1)
        CHECK   a2, 42
        CHECK_MEM amo_word, 0, 0x4141
        TEST_CASE 42                    /* rd = rs1: the address is read first */
        la      a1, amo_word
        li      a2, 1
        amoadd.w a1, a2, (a1)
        CHECK   a1, 0x4141
        CHECK_MEM amo_word, 0, 0x4142
        CHECK_MEM amo_word, 4, 0
        TEST_CASE 43                    /* aq/rl on an AMO */
        la      a1, amo_word
        li      a2, 0x10
        amoor.w.aqrl a0, a2, (a1)
        CHECK   a0, 0x4142
        CHECK_MEM amo_word, 0, 0x4152

        /* misaligned: address-misaligned exceptions, nothing written */
        la      a1, amo_word
        addi    a1, a1, 2
        li      a0, 0x7777
        TEST_TRAP 44, CAUSE_MISALIGNED_LOAD, lr.w a0, (a1)
        CHECK_TVAL_ADDR amo_word + 2
        CHECK   a0, 0x7777
        la      a1, amo_word
        addi    a1, a1, 1
        li      a2, 5
        TEST_TRAP 45, CAUSE_MISALIGNED_STORE, amoadd.w a0, a2, (a1)
        CHECK_TVAL_ADDR amo_word + 1
        CHECK   a0, 0x7777
        CHECK_MEM amo_word, 0, 0x4152
        CHECK_MEM amo_word, 4, 0
        la      a1, amo_word
        lr.w    a0, (a1)
        addi    a1, a1, 2
        li      a0, 0x7777
        TEST_TRAP 46, CAUSE_MISALIGNED_STORE, sc.w a0, a2, (a1)
        CHECK   a0, 0x7777
        CHECK_MEM amo_word, 0, 0x4152

        /* nothing at the address: access faults, no register written (page faults under
         * the VM environment, where nothing is mapped at these low addresses; the kind is
         * the access's: load for lr, store/AMO for the AMOs) */
        li      a1, 0x10
        TEST_TRAP 47, CAUSE_LOAD_UNMAPPED, lr.w a0, (a1)
        CHECK_TVAL 0x10
        CHECK   a0, 0x7777
        li      a1, 0x20
        TEST_TRAP 48, CAUSE_STORE_UNMAPPED, amoswap.w a0, a2, (a1)
        CHECK_TVAL 0x20
        CHECK   a0, 0x7777
        li      a1, 0x30
        TEST_TRAP 49, CAUSE_STORE_UNMAPPED, amomaxu.w a0, a2, (a1)
        CHECK_TVAL 0x30
        CHECK   a0, 0x7777

        TEST_END
