/*
 * fence and fence.i. Every fence variant executes as a fence: fence.tso, pause, and
 * encodings with the reserved rs1/rd fields set (which must be ignored: no register
 * written). fence.i makes stores to instructions visible to later fetches: code already
 * run (and maybe cached, decoded) is patched, then run again; a 16-bit instruction is
 * patched; and the instruction right after a store + fence.i is the patched one.
 */
#include "test_macros.h"

        .data
        .balign 4
/* Replacement instructions, assembled here so that the encodings are the assembler's. */
new_li2:
        addi    a0, zero, 2
new_li7:
        addi    a0, zero, 7
        .option push
        .option rvc
new_c_li4:
        c.li    a0, 4
        .option pop
        .balign 4

        TEST_START

        TEST_CASE 1
        li      a0, 0x1111
        fence
        fence   rw, rw
        fence   r, r
        fence   w, w
        fence   iorw, iorw
        fence   i, o
        fence.tso
        .word   0x0100000f              /* pause (Zihintpause): fence w, 0 */
        fence.i
        CHECK   a0, 0x1111

        /* reserved fields set: still a fence, and rd is not written */
        TEST_CASE 2
        li      a0, 0x2222
        .word   0x0ff5050f              /* fence iorw, iorw with rs1 = rd = a0 */
        .word   0x0000150f              /* fence.i with rd = a0 */
        .word   0x7ff5150f              /* fence.i with rd = rs1 = a0, imm = 0x7ff */
        CHECK   a0, 0x2222

        /* run, patch, fence.i, run again */
        TEST_CASE 3
        li      a0, 0
        jal     ra, patch_site
        CHECK   a0, 1
        TEST_CASE 4
        la      a1, patch_site
        lw      a2, new_li2
        sw      a2, 0(a1)
        fence.i
        jal     ra, patch_site
        CHECK   a0, 2

        /* a hot loop, then patched */
        TEST_CASE 5
        li      a3, 100
        li      a4, 0
1:      jal     ra, patch_site
        add     a4, a4, a0
        addi    a3, a3, -1
        bnez    a3, 1b
        CHECK   a4, 200
        la      a1, patch_site
        lw      a2, new_li7
        sw      a2, 0(a1)
        fence.i
        jal     ra, patch_site
        CHECK   a0, 7

        /* a 16-bit instruction patched with sh */
        TEST_CASE 6
        jal     ra, patch_site_c
        CHECK   a0, 3
        TEST_CASE 7
        la      a1, patch_site_c
        lhu     a2, new_c_li4
        sh      a2, 0(a1)
        fence.i
        jal     ra, patch_site_c
        CHECK   a0, 4

        /* the instruction right after the fence.i is the one just stored */
        TEST_CASE 8
        la      a1, .Lc8_site
        lw      a2, new_li2
        li      a0, 0
        sw      a2, 0(a1)
        fence.i
.Lc8_site:
        addi    a0, zero, 1
        CHECK   a0, 2

        j       .Lend

patch_site:
        addi    a0, zero, 1
        ret

        .option push
        .option rvc
        .balign 4
patch_site_c:
        c.li    a0, 3
        c.jr    ra
        .option pop
        .balign 4

.Lend:
        TEST_END
