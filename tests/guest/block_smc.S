/*
 * Self-modifying code, for the block engine (cpu/block.c keeps decoded blocks; the first
 * write to a page they came from must drop them). Every case runs the code first, often
 * enough that it sits in blocks (the first run of a page is a plain step that fills the
 * fetch TLB), then changes it and checks that the next execution runs the new bytes:
 *  1-3  a store, fence.i, and a call into a routine in the same page as the running
 *       code; the same without fence.i (rvbox keeps fetches coherent with every write);
 *  4    a loop that rewrites its own next instruction, with fence.i in between;
 *  5-10 a 32-bit instruction replaced by two 16-bit ones (the instruction boundaries
 *       move), and back; a byte store into an immediate; an AMO; a misaligned store
 *       straddling two instructions;
 *  11   a hot loop whose callee, chained in the same page, is patched every iteration;
 *  12-15 a page first written as data (its store translation cached), then run, then
 *       patched: the cached store translation must not bypass the invalidation;
 *  16-17 (rvbox-exact: QEMU does not see these, the spec asks for fence.i) a loop that
 *       rewrites its own next instruction in the block that is running, on every
 *       iteration; a store a few instructions ahead in the same straight line.
 */
#include "test_macros.h"

        .option norelax                 /* page offsets and .if checks stay exact */

        .data
        .balign 4
/* Replacement instructions, assembled here so that the encodings are the assembler's. */
new_li2:        addi    a0, zero, 2
new_li3:        addi    a0, zero, 3
new_li7:        addi    a0, zero, 7
new_li9:        addi    a0, zero, 9
new_li11:       addi    a0, zero, 11
new_li12:       addi    a0, zero, 12
enc_addi_a0:    addi    a0, a0, 0               /* addi a0, a0, imm: imm in bits 31:20 */
enc_li_a0:      addi    a0, zero, 0
enc_add100:     addi    a0, a0, 100
enc_li_0x11:    addi    a0, zero, 0x11
        .option push
        .option rvc
enc_c_pair:     c.addi  a0, 1                   /* two 16-bit instructions in one word */
                c.addi  a0, 2
        .option pop
        .balign 4

/* Fail case `num` unless labels `a` and `b` are in the same 4 KiB page (checked when the
 * program runs: branches make the distance unknown to the assembler). */
.macro SAME_PAGE num, a, b
        TEST_CASE \num
        la      t0, \a
        la      t1, \b
        srli    t0, t0, 12
        srli    t1, t1, 12
        beq     t0, t1, .Lsame\@
        j       test_fail
.Lsame\@:
.endm

        TEST_START
        SAME_PAGE 1, smc_page, smc_page_end - 4
        j       smc_page

/* ---- one page: the cases and the routines they patch ------------------------------ */
        .balign 4096
smc_page:
        /* run a routine of this page until its blocks are hot */
        TEST_CASE 1
        li      a3, 3
1:      jal     ra, r_li
        addi    a3, a3, -1
        bnez    a3, 1b
        CHECK   a0, 1

        /* store, fence.i, call */
        TEST_CASE 2
        la      a1, r_li
        lw      a2, new_li2
        sw      a2, 0(a1)
        fence.i
        jal     ra, r_li
        CHECK   a0, 2

        /* store, no fence.i, call */
        TEST_CASE 3
        lw      a2, new_li3
        sw      a2, 0(a1)
        jal     ra, r_li
        CHECK   a0, 3
        jal     ra, r_li
        CHECK   a0, 3

        /* The same with fence.i between the store and the instruction: 2 * 45. */
        TEST_CASE 4
        li      a0, 0
        li      a4, 0
        lw      a5, enc_addi_a0
        li      a3, 10
        la      a1, .Lsite4
.Lloop4:
        slli    t0, a4, 21                      /* imm = 2 * i */
        or      t0, t0, a5
        sw      t0, 0(a1)
        fence.i
.Lsite4:
        addi    a0, a0, 100
        addi    a4, a4, 1
        bne     a4, a3, .Lloop4
        CHECK   a0, 90

        /* A 32-bit instruction replaced by two 16-bit ones, and back. */
        TEST_CASE 5
        li      a0, 0
        jal     ra, r_wide
        jal     ra, r_wide
        jal     ra, r_wide
        CHECK   a0, 300
        TEST_CASE 6
        la      a1, r_wide
        lw      a2, enc_c_pair
        sw      a2, 0(a1)
        li      a0, 0
        jal     ra, r_wide
        CHECK   a0, 3
        jal     ra, r_wide
        CHECK   a0, 6
        TEST_CASE 7
        lw      a2, enc_add100
        sw      a2, 0(a1)
        jal     ra, r_wide
        CHECK   a0, 106

        /* A byte store into an immediate: addi a0, zero, 0x10 -> 0x50. */
        TEST_CASE 8
        jal     ra, r_byte
        jal     ra, r_byte
        CHECK   a0, 0x10
        la      a1, r_byte
        li      a2, 0x05
        sb      a2, 3(a1)                       /* imm[11:4] */
        jal     ra, r_byte
        CHECK   a0, 0x50

        /* An AMO swaps in a new instruction (and returns the old one). */
        TEST_CASE 9
        jal     ra, r_amo
        jal     ra, r_amo
        CHECK   a0, 5
        la      a1, r_amo
        lw      a2, new_li9
        amoswap.w a3, a2, (a1)
        jal     ra, r_amo
        CHECK   a0, 9
        lw      a2, .Lorig11
        CHECK_REG a3, a2
        j       .Lafter11
.Lorig11:
        addi    a0, zero, 5

        /* A misaligned store across two instructions: the high half of the first (its
         * immediate) and the low half of the second (unchanged). */
.Lafter11:
        TEST_CASE 10
        jal     ra, r_mis
        jal     ra, r_mis
        CHECK   a0, 0x44
        lw      a2, enc_li_0x11
        srli    a2, a2, 16                      /* the new high half of insn 0 */
        la      a1, r_mis
        lhu     t0, 4(a1)                       /* the low half of insn 1, as it is */
        slli    t0, t0, 16
        or      a2, a2, t0
        sw      a2, 2(a1)                       /* misaligned */
        jal     ra, r_mis
        CHECK   a0, 0x33                        /* 0x11 + 0x22 */

        /* A hot loop whose callee in this page is patched on every iteration:
         * r_li runs `addi a0, zero, i`; the sum over i = 0..19 is 190. */
        TEST_CASE 11
        li      a4, 0
        li      s0, 0
        la      a1, r_li
        lw      a5, enc_li_a0
        li      a3, 20
.Lloop11:
        slli    t0, a4, 20
        or      t0, t0, a5
        sw      t0, 0(a1)
        jal     ra, r_li
        add     s0, s0, a0
        addi    a4, a4, 1
        bne     a4, a3, .Lloop11
        CHECK   s0, 190

        j       other_page

/* The routines the cases patch. */
r_li:
        addi    a0, zero, 1
        ret
r_wide:
        addi    a0, a0, 100
        ret
r_byte:
        addi    a0, zero, 0x10
        ret
r_amo:
        addi    a0, zero, 5
        ret
r_mis:
        addi    a0, zero, 0x22
        addi    a0, a0, 0x22
        ret
smc_page_end:

/* ---- a page first written as data, then run, then patched -------------------------- */
        .balign 4096
other_page:
        /* The first store to data_page caches its store translation. */
        TEST_CASE 12
        la      a1, data_page
        li      a2, 0x12345678
        sw      a2, 0x7f0(a1)
        lw      a0, 0x7f0(a1)
        CHECK   a0, 0x12345678
        /* Now the page becomes code. */
        TEST_CASE 13
        jal     ra, data_page
        jal     ra, data_page
        jal     ra, data_page
        CHECK   a0, 11
        /* A store through the same base register: it must be seen. */
        TEST_CASE 14
        lw      a2, new_li12
        sw      a2, 0(a1)
        jal     ra, data_page
        CHECK   a0, 12
        /* and again, after the page was written once (no longer marked) and run again */
        TEST_CASE 15
        jal     ra, data_page
        lw      a2, new_li7
        sw      a2, 0(a1)
        jal     ra, data_page
        CHECK   a0, 7

        /* rvbox-exact from here on: a store into the translation block that is running,
         * without fence.i, is seen by the next instruction (QEMU does not promise it; the
         * spec asks for fence.i). */
        /* A loop that rewrites its own next instruction: each iteration stores
         * `addi a0, a0, i` at .Lsite16 and runs it at once. 0 + 1 + ... + 9 = 45. */
        TEST_CASE 16
        li      a0, 0
        li      a4, 0                           /* i */
        lw      a5, enc_addi_a0
        la      a1, .Lsite16
        li      a3, 10
.Lloop16:
        slli    t0, a4, 20
        or      t0, t0, a5
        sw      t0, 0(a1)
.Lsite16:
        addi    a0, a0, 100                     /* never runs as assembled */
        addi    a4, a4, 1
        bne     a4, a3, .Lloop16
        CHECK   a0, 45

        /* A store three instructions ahead in the same straight line, run twice (the
         * second time from a block built after the first patch). */
        TEST_CASE 17
        li      a4, 2
.Lloop17:
        la      a1, .Lsite17
        lw      a2, enc_li_a0                   /* addi a0, zero, 0 */
        li      t0, 7 << 20
        or      a2, a2, t0                      /* addi a0, zero, 7 */
        li      a0, 0
        sw      a2, 0(a1)
        addi    t1, zero, 1
        addi    t1, t1, 1
.Lsite17:
        addi    a0, zero, 1
        CHECK   a0, 7
        la      a1, .Lsite17                     /* put the original back */
        lw      a2, .Lorig17
        sw      a2, 0(a1)
        addi    a4, a4, -1
        bnez    a4, .Lloop17
        j       .Lafter17
.Lorig17:
        addi    a0, zero, 1

.Lafter17:
        j       .Lend

        .balign 4096
data_page:
        addi    a0, zero, 11
        ret
        .balign 4096

.Lend:
        TEST_END
