/*
 * RV32I control transfer: each conditional branch taken and not taken (forward and
 * backward targets), signed and unsigned edges; jal and jalr linking to pc + 4, jalr
 * adding its immediate and clearing bit 0 of the target, rd = rs1, x0 as the link
 * register; long jumps over illegal filler.
 */
#include "test_macros.h"

        TEST_START

        /* beq */
        TEST_BR_TAKEN       1, beq,  0, 0
        TEST_BR_TAKEN_BACK  2, beq,  0, 0
        TEST_BR_NOT_TAKEN   3, beq,  1, 0
        TEST_BR_TAKEN       4, beq,  0xffffffff, 0xffffffff
        TEST_BR_NOT_TAKEN   5, beq,  0x80000000, 0

        /* bne */
        TEST_BR_TAKEN       6, bne,  1, 0
        TEST_BR_TAKEN_BACK  7, bne,  1, 0
        TEST_BR_NOT_TAKEN   8, bne,  0, 0
        TEST_BR_TAKEN       9, bne,  0x80000000, 0
        TEST_BR_NOT_TAKEN  10, bne,  0xffffffff, 0xffffffff

        /* blt */
        TEST_BR_TAKEN      11, blt,  0, 1
        TEST_BR_TAKEN_BACK 12, blt,  0, 1
        TEST_BR_NOT_TAKEN  13, blt,  1, 0
        TEST_BR_TAKEN      14, blt,  -1, 0
        TEST_BR_NOT_TAKEN  15, blt,  0, -1
        TEST_BR_TAKEN      16, blt,  0x80000000, 0x7fffffff
        TEST_BR_NOT_TAKEN  17, blt,  0x7fffffff, 0x80000000
        TEST_BR_TAKEN      18, blt,  -2, -1
        TEST_BR_NOT_TAKEN  19, blt,  5, 5

        /* bge */
        TEST_BR_TAKEN      20, bge,  1, 0
        TEST_BR_TAKEN_BACK 21, bge,  1, 0
        TEST_BR_NOT_TAKEN  22, bge,  0, 1
        TEST_BR_TAKEN      23, bge,  5, 5
        TEST_BR_TAKEN      24, bge,  0, -1
        TEST_BR_NOT_TAKEN  25, bge,  -1, 0
        TEST_BR_TAKEN      26, bge,  0x7fffffff, 0x80000000
        TEST_BR_NOT_TAKEN  27, bge,  0x80000000, 0x7fffffff

        /* bltu */
        TEST_BR_TAKEN      28, bltu, 0, 1
        TEST_BR_TAKEN_BACK 29, bltu, 0, 1
        TEST_BR_NOT_TAKEN  30, bltu, 1, 0
        TEST_BR_TAKEN      31, bltu, 0, 0xffffffff
        TEST_BR_NOT_TAKEN  32, bltu, 0xffffffff, 0
        TEST_BR_TAKEN      33, bltu, 0x7fffffff, 0x80000000
        TEST_BR_NOT_TAKEN  34, bltu, 0x80000000, 0x7fffffff
        TEST_BR_NOT_TAKEN  35, bltu, 5, 5

        /* bgeu */
        TEST_BR_TAKEN      36, bgeu, 1, 0
        TEST_BR_TAKEN_BACK 37, bgeu, 1, 0
        TEST_BR_NOT_TAKEN  38, bgeu, 0, 1
        TEST_BR_TAKEN      39, bgeu, 5, 5
        TEST_BR_TAKEN      40, bgeu, 0xffffffff, 0
        TEST_BR_NOT_TAKEN  41, bgeu, 0, 0xffffffff
        TEST_BR_TAKEN      42, bgeu, 0x80000000, 0x7fffffff
        TEST_BR_NOT_TAKEN  43, bgeu, 0x7fffffff, 0x80000000

        /* jal links the address of the next instruction */
        TEST_CASE 44
        jal     ra, .Lc44_jal
.Lc44_ret:
        j       test_fail
.Lc44_jal:
        CHECK_ADDR ra, .Lc44_ret

        /* jal x0 (j) links nothing */
        TEST_CASE 45
        li      ra, 0x1234
        jal     zero, .Lc45_jal
        j       test_fail
.Lc45_jal:
        CHECK   ra, 0x1234

        /* jal backward, linking into another register */
        TEST_CASE 46
        j       .Lc46_fwd
.Lc46_back:
        CHECK_ADDR a3, .Lc46_ret
        j       .Lc46_done
.Lc46_fwd:
        jal     a3, .Lc46_back
.Lc46_ret:
        j       test_fail
.Lc46_done:

        /* jalr to rs1, linking pc + 4 */
        TEST_CASE 47
        la      a1, .Lc47_jalr
        jalr    a0, 0(a1)
.Lc47_ret:
        j       test_fail
.Lc47_jalr:
        CHECK_ADDR a0, .Lc47_ret

        /* jalr adds a positive immediate */
        TEST_CASE 48
        la      a1, .Lc48_jalr
        addi    a1, a1, -12
        jalr    a0, 12(a1)
.Lc48_ret:
        j       test_fail
.Lc48_jalr:
        CHECK_ADDR a0, .Lc48_ret

        /* jalr adds a negative immediate */
        TEST_CASE 49
        la      a1, .Lc49_jalr
        addi    a1, a1, 100
        jalr    a0, -100(a1)
.Lc49_ret:
        j       test_fail
.Lc49_jalr:
        CHECK_ADDR a0, .Lc49_ret

        /* jalr clears bit 0 of rs1 + imm: an odd rs1 */
        TEST_CASE 50
        la      a1, .Lc50_jalr
        addi    a1, a1, 1
        jalr    a0, 0(a1)
.Lc50_ret:
        j       test_fail
.Lc50_jalr:
        CHECK_ADDR a0, .Lc50_ret

        /* ... and an odd immediate */
        TEST_CASE 51
        la      a1, .Lc51_jalr
        jalr    a0, 1(a1)
.Lc51_ret:
        j       test_fail
.Lc51_jalr:
        CHECK_ADDR a0, .Lc51_ret

        /* jalr with rd = rs1 jumps to the old value and links the new one */
        TEST_CASE 52
        la      a0, .Lc52_jalr
        jalr    a0, 0(a0)
.Lc52_ret:
        j       test_fail
.Lc52_jalr:
        CHECK_ADDR a0, .Lc52_ret

        /* jalr x0 (jr) links nothing */
        TEST_CASE 53
        li      ra, 0x5678
        la      a1, .Lc53_jalr
        jalr    zero, 0(a1)
        j       test_fail
.Lc53_jalr:
        CHECK   ra, 0x5678

        /* call and return */
        TEST_CASE 54
        li      a0, 0
        jal     ra, .Lc54_sub
        CHECK   a0, 77
        j       .Lc54_done
.Lc54_sub:
        li      a0, 77
        jalr    zero, 0(ra)
.Lc54_done:

        /* a counted loop: a backward branch taken nine times, then not */
        TEST_CASE 55
        li      a0, 10
        li      a1, 0
.Lc55_loop:
        addi    a1, a1, 1
        addi    a0, a0, -1
        bnez    a0, .Lc55_loop
        CHECK   a1, 10

        /* a branch near the end of its +-4 KiB range, over illegal filler */
        TEST_CASE 56
        li      a1, 3
        beq     a1, a1, .Lc56_far
        .fill   1000, 4, 0              /* all-zero words: illegal instructions */
.Lc56_far:
        CHECK   a1, 3

        /* jal over 12 KiB of illegal filler, and back */
        TEST_CASE 57
        jal     ra, .Lc57_far
.Lc57_ret:
        j       .Lc57_done
        .fill   3072, 4, 0
.Lc57_far:
        CHECK_ADDR ra, .Lc57_ret
        jal     zero, .Lc57_ret
.Lc57_done:

        TEST_END
