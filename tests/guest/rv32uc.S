/*
 * The C extension: every RV32C instruction (no floating point), written with its c.
 * mnemonic. Each one sits in a C16 wrapper that stops the build if the assembler did not
 * emit a 16-bit encoding. c.jal and c.jalr link pc + 2; c.jalr with rs1 = ra jumps to the
 * old ra; c.ebreak is a breakpoint at its own address. Also: 32-bit instructions at
 * addresses that are 2 mod 4, and one that straddles a page boundary.
 */
#include "test_macros.h"

/* Assemble `insn` and record where it starts and ends in c16_table: the last case checks
 * that every one of them is 16 bits long (branches and jumps are relaxable, so the
 * assembler cannot check it with .if). */
.macro C16 insn:vararg
.Lc16_begin\@:
        \insn
.Lc16_end\@:
        .pushsection .rodata.c16, "a", @progbits
        .word   .Lc16_begin\@, .Lc16_end\@
        .popsection
        .set    C16_COUNT, C16_COUNT + 1
.endm
        .set    C16_COUNT, 0

        .section .rodata.c16, "a", @progbits
        .balign 4
c16_table:

        .data
        .balign 16
c_data:
        .word   0x11111111, 0x22222222, 0x33333333
        .fill   28, 4, 0x44444444       /* up to c_data + 124 */
        .word   0x55555555
        .fill   4, 4, 0

        TEST_START
        .option rvc
        .option norelax                 /* label differences are constants */

        /* c.li: a sign-extended 6-bit immediate */
        TEST_CASE 1
        C16     c.li a0, 31
        CHECK   a0, 31
        TEST_CASE 2
        C16     c.li a0, -32
        CHECK   a0, 0xffffffe0

        /* c.lui: a sign-extended 6-bit immediate into bits 17:12 */
        TEST_CASE 3
        C16     c.lui a0, 1
        CHECK   a0, 0x00001000
        TEST_CASE 4
        C16     c.lui a0, 0xfffe0
        CHECK   a0, 0xfffe0000
        TEST_CASE 5
        C16     c.lui s1, 0x1f
        CHECK   s1, 0x0001f000

        /* c.addi */
        TEST_CASE 6
        li      a0, 5
        C16     c.addi a0, -32
        CHECK   a0, 0xffffffe5
        TEST_CASE 7
        li      a0, 0x7fffffff
        C16     c.addi a0, 31
        CHECK   a0, 0x8000001e

        /* c.addi16sp: sp += a multiple of 16 */
        TEST_CASE 8
        mv      s1, sp
        C16     c.addi16sp sp, -512
        sub     a0, s1, sp
        CHECK   a0, 512
        TEST_CASE 9
        C16     c.addi16sp sp, 496
        sub     a0, s1, sp
        CHECK   a0, 16
        mv      sp, s1

        /* c.addi4spn: rd' = sp + a multiple of 4 */
        TEST_CASE 10
        C16     c.addi4spn a0, sp, 1020
        sub     a0, a0, sp
        CHECK   a0, 1020
        TEST_CASE 11
        C16     c.addi4spn s0, sp, 4
        sub     a0, s0, sp
        CHECK   a0, 4

        /* c.slli, c.srli, c.srai */
        TEST_CASE 12
        li      a0, 3
        C16     c.slli a0, 31
        CHECK   a0, 0x80000000
        TEST_CASE 13
        li      t1, 0x00012345
        C16     c.slli t1, 12
        CHECK   t1, 0x12345000
        TEST_CASE 14
        li      a0, 0x80000000
        C16     c.srli a0, 31
        CHECK   a0, 1
        TEST_CASE 15
        li      a5, 0xf0000000
        C16     c.srli a5, 4
        CHECK   a5, 0x0f000000
        TEST_CASE 16
        li      a0, 0x80000000
        C16     c.srai a0, 31
        CHECK   a0, 0xffffffff
        TEST_CASE 17
        li      s0, 0x80000010
        C16     c.srai s0, 4
        CHECK   s0, 0xf8000001

        /* c.andi: a sign-extended 6-bit immediate */
        TEST_CASE 18
        li      a0, 0xffffffff
        C16     c.andi a0, -32
        CHECK   a0, 0xffffffe0
        TEST_CASE 19
        li      a0, 0x12345678
        C16     c.andi a0, 15
        CHECK   a0, 8

        /* c.mv and c.add (any registers) */
        TEST_CASE 20
        li      t2, 0x1234
        li      a0, 0
        C16     c.mv a0, t2
        CHECK   a0, 0x1234
        TEST_CASE 21
        li      t0, 0x7fffffff
        li      t2, 3
        C16     c.add t0, t2
        CHECK   t0, 0x80000002

        /* c.sub, c.xor, c.or, c.and (x8..x15) */
        TEST_CASE 22
        li      a0, 3
        li      a1, 5
        C16     c.sub a0, a1
        CHECK   a0, 0xfffffffe
        TEST_CASE 23
        li      a2, 0xff00ff00
        li      a3, 0x0ff00ff0
        C16     c.xor a2, a3
        CHECK   a2, 0xf0f0f0f0
        TEST_CASE 24
        li      a4, 0xff00ff00
        li      a5, 0x0ff00ff0
        C16     c.or a4, a5
        CHECK   a4, 0xfff0fff0
        TEST_CASE 25
        li      s0, 0xff00ff00
        li      s1, 0x0ff00ff0
        C16     c.and s0, s1
        CHECK   s0, 0x0f000f00

        /* c.lw and c.sw (x8..x15, offsets 0..124) */
        TEST_CASE 26
        la      a1, c_data
        C16     c.lw a0, 4(a1)
        CHECK   a0, 0x22222222
        TEST_CASE 27
        la      s1, c_data
        C16     c.lw a5, 124(s1)
        CHECK   a5, 0x55555555
        TEST_CASE 28
        la      a1, c_data
        li      a2, 0x66666666
        C16     c.sw a2, 8(a1)
        CHECK_MEM c_data, 8, 0x66666666
        CHECK_MEM c_data, 4, 0x22222222
        TEST_CASE 29
        la      a1, c_data
        li      s0, 0x77777777
        C16     c.sw s0, 124(a1)
        CHECK_MEM c_data, 124, 0x77777777

        /* c.lwsp and c.swsp (offsets 0..252 from sp) */
        TEST_CASE 30
        mv      s1, sp
        addi    sp, sp, -256
        li      t0, 0x89abcdef
        C16     c.swsp t0, 252(sp)
        lw      a0, -4(s1)
        CHECK   a0, 0x89abcdef
        TEST_CASE 31
        li      t0, 0x31415926
        sw      t0, -256(s1)
        C16     c.lwsp ra, 0(sp)
        CHECK   ra, 0x31415926
        TEST_CASE 32
        li      t0, 0x27182818
        sw      t0, -128(s1)
        C16     c.lwsp t6, 128(sp)
        mv      a0, t6
        CHECK   a0, 0x27182818
        mv      sp, s1

        /* c.j, forward and backward */
        TEST_CASE 33
        C16     c.j .Lc33_fwd
        j       test_fail
.Lc33_fwd:
        TEST_CASE 34
        j       .Lc34_jump
.Lc34_back:
        j       .Lc34_done
.Lc34_jump:
        C16     c.j .Lc34_back
        j       test_fail
.Lc34_done:

        /* c.jal links pc + 2 */
        TEST_CASE 35
        C16     c.jal .Lc35_target
.Lc35_link:
        j       test_fail
.Lc35_target:
        CHECK_ADDR ra, .Lc35_link

        /* c.jr jumps and links nothing */
        TEST_CASE 36
        li      ra, 0x3636
        la      a1, .Lc36_target
        C16     c.jr a1
        j       test_fail
.Lc36_target:
        CHECK   ra, 0x3636

        /* c.jalr links pc + 2 */
        TEST_CASE 37
        la      a1, .Lc37_target
        C16     c.jalr a1
.Lc37_link:
        j       test_fail
.Lc37_target:
        CHECK_ADDR ra, .Lc37_link

        /* c.jalr ra: jumps to the old ra, links the new one */
        TEST_CASE 38
        la      ra, .Lc38_target
        C16     c.jalr ra
.Lc38_link:
        j       test_fail
.Lc38_target:
        CHECK_ADDR ra, .Lc38_link

        /* c.jr is jalr x0, 0(rs1): bit 0 of the target is cleared */
        TEST_CASE 39
        la      a1, .Lc39_target
        addi    a1, a1, 1
        C16     c.jr a1
        j       test_fail
.Lc39_target:

        /* c.beqz / c.bnez: taken and not, forward and backward */
        TEST_CASE 40
        li      a0, 0
        C16     c.beqz a0, .Lc40_taken
        j       test_fail
.Lc40_taken:
        TEST_CASE 41
        li      a0, 1
        C16     c.beqz a0, .Lc41_wrong
        j       .Lc41_done
.Lc41_wrong:
        j       test_fail
.Lc41_done:
        TEST_CASE 42
        li      s0, 0x80000000
        C16     c.bnez s0, .Lc42_taken
        j       test_fail
.Lc42_taken:
        TEST_CASE 43
        li      s0, 0
        C16     c.bnez s0, .Lc43_wrong
        j       .Lc43_done
.Lc43_wrong:
        j       test_fail
.Lc43_done:
        TEST_CASE 44
        li      a5, 4
        li      a4, 0
.Lc44_loop:
        addi    a4, a4, 1
        addi    a5, a5, -1
        C16     c.bnez a5, .Lc44_loop
        CHECK   a4, 4
        TEST_CASE 45
        li      a3, 0
        j       .Lc45_branch
.Lc45_back:
        j       .Lc45_done
.Lc45_branch:
        C16     c.beqz a3, .Lc45_back
        j       test_fail
.Lc45_done:

        /* c.nop changes nothing */
        TEST_CASE 46
        li      a0, 0x4646
        C16     c.nop
        CHECK   a0, 0x4646

        /* c.ebreak: a breakpoint at its own address */
        TEST_CASE 47
        EXPECT_TRAP .Lc47_resume
.Lc47_insn:
        C16     c.ebreak
        j       test_fail_notrap
.Lc47_resume:
        CHECK_CAUSE CAUSE_BREAKPOINT
        CHECK_EPC .Lc47_insn

        /* 32-bit instructions at addresses 2 mod 4 */
        TEST_CASE 48
        .balign 4
        C16     c.nop
        .option push
        .option norvc
        lui     a0, 0x48480
        addi    a0, a0, 0x48
        .option pop
        CHECK   a0, 0x48480048

        /* a 32-bit instruction whose two halves are in different pages */
        TEST_CASE 49
        li      a0, 0
        j       .Lc49_code
        .balign 4096
        .skip   4092
.Lc49_code:
        C16     c.addi a0, 7
        .option push
        .option norvc
.Lc49_straddle:
        addi    a0, a0, 0x490           /* at page offset 0xffe */
        .option pop
        CHECK   a0, 0x497
        la      a1, .Lc49_straddle
        li      a2, 0xfff
        and     a1, a1, a2
        CHECK   a1, 0xffe

        /* every instruction under test above was 16 bits long */
        TEST_CASE 50
        la      a1, c16_table
        la      a2, c16_table_end
        li      a0, 0
.Lc50_loop:
        lw      a3, 0(a1)
        lw      a4, 4(a1)
        sub     a4, a4, a3
        CHECK   a4, 2
        addi    a0, a0, 1
        addi    a1, a1, 8
        bltu    a1, a2, .Lc50_loop
        CHECK   a0, C16_COUNT

        TEST_END

        .section .rodata.c16, "a", @progbits
c16_table_end:
