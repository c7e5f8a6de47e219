/*
 * Misaligned loads and stores in M-mode with no translation. The spec lets a hart either
 * do them or trap; rvbox does them in hardware (cpu/mmu.c), so they must read and write
 * exactly the right bytes: within a word, across a word boundary and across a page
 * boundary. One that touches an address nothing answers is an access fault at the
 * access's address that writes nothing.
 *
 * Under the VM environment (test_env_vm.h) the same cases run in U-mode: the address
 * just below the program (TEST_BASE - 2) is then an unmapped virtual page, not a hole in
 * the physical map, so cases 27-29 expect a page fault there instead of an access fault
 * (CAUSE_*_UNMAPPED), with the same tval and the same "nothing written".
 */
#include "test_macros.h"

        .data
        .balign 16
mis_data:
        .byte   0x01, 0x82, 0x83, 0x04, 0x85, 0x06, 0x87, 0x88, 0x09, 0x8a, 0x0b, 0x8c, 0x0d, 0x0e, 0x8f, 0x90
        .balign 16
st_buf:
        .fill   8, 4, 0xaaaaaaaa

        /* four bytes at the end of a page, four at the start of the next */
        .balign 4096
        .skip   4092
ld_edge:
        .byte   0xa1, 0xa2, 0xa3, 0xa4, 0xb1, 0xb2, 0xb3, 0xb4

        .balign 4096
        .skip   4092
st_edge:
        .word   0xcccccccc, 0xcccccccc

        TEST_START

        /* loads within and across words */
        TEST_LD    1, lh,  0xffff8382, mis_data, 1
        TEST_LD    2, lh,  0xffff8504, mis_data, 3
        TEST_LD    3, lh,  0xffff8706, mis_data, 5
        TEST_LD    4, lh,  0x00000988, mis_data, 7
        TEST_LD    5, lhu, 0x00008382, mis_data, 1
        TEST_LD    6, lhu, 0x00008504, mis_data, 3
        TEST_LD    7, lhu, 0x00008f0e, mis_data, 13
        TEST_LD    8, lw,  0x85048382, mis_data, 1
        TEST_LD    9, lw,  0x06850483, mis_data, 2
        TEST_LD   10, lw,  0x87068504, mis_data, 3
        TEST_LD   11, lw,  0x09888706, mis_data, 5
        TEST_LD   12, lw,  0x8a098887, mis_data, 6
        TEST_LD   13, lw,  0x0b8a0988, mis_data, 7
        TEST_LD   14, lw,  0x8f0e0d8c, mis_data, 11

        /* stores within and across words */
        TEST_ST   15, sh, lhu, 0x00001234, 0x00001234, st_buf, 1
        CHECK_MEM st_buf, 0, 0xaa1234aa
        TEST_ST   16, sh, lh,  0xffffbeef, 0x0000beef, st_buf, 7
        CHECK_MEM st_buf, 4, 0xefaaaaaa
        CHECK_MEM st_buf, 8, 0xaaaaaabe
        TEST_ST   17, sw, lw,  0x11223344, 0x11223344, st_buf, 13
        CHECK_MEM st_buf, 12, 0x223344aa
        CHECK_MEM st_buf, 16, 0xaaaaaa11
        TEST_ST   18, sw, lw,  0x55667788, 0x55667788, st_buf, 18
        CHECK_MEM st_buf, 16, 0x7788aa11
        CHECK_MEM st_buf, 20, 0xaaaa5566
        TEST_ST   19, sw, lw,  0xdeadbeef, 0xdeadbeef, st_buf, 23
        CHECK_MEM st_buf, 20, 0xefaa5566
        CHECK_MEM st_buf, 24, 0xaadeadbe
        CHECK_MEM st_buf, 28, 0xaaaaaaaa

        /* across a page boundary */
        TEST_LD   20, lw,  0xb1a4a3a2, ld_edge, 1
        TEST_LD   21, lw,  0xb2b1a4a3, ld_edge, 2
        TEST_LD   22, lw,  0xb3b2b1a4, ld_edge, 3
        TEST_LD   23, lh,  0xffffb1a4, ld_edge, 3
        TEST_LD   24, lhu, 0x0000b1a4, ld_edge, 3
        TEST_ST   25, sw, lw,  0x01020304, 0x01020304, st_edge, 2
        CHECK_MEM st_edge, 0, 0x0304cccc
        CHECK_MEM st_edge, 4, 0xcccc0102
        TEST_ST   26, sh, lhu, 0x00000506, 0x00000506, st_edge, 3
        CHECK_MEM st_edge, 0, 0x0604cccc
        CHECK_MEM st_edge, 4, 0xcccc0105

        /* a misaligned load whose low half is below the program, where nothing is: a fault
         * at its address, with the destination register left alone */
        TEST_CASE 27
        li      a1, TEST_BASE - 2
        li      a0, 0x5555
        EXPECT_TRAP .Lc27_resume
.Lc27_insn:
        lw      a0, 0(a1)
        j       test_fail_notrap
.Lc27_resume:
        CHECK_CAUSE CAUSE_LOAD_UNMAPPED
        CHECK_EPC .Lc27_insn
        CHECK_TVAL TEST_BASE - 2
        CHECK   a0, 0x5555

        TEST_CASE 28
        li      a1, TEST_BASE - 1
        li      a0, 0x6666
        EXPECT_TRAP .Lc28_resume
.Lc28_insn:
        lh      a0, 0(a1)
        j       test_fail_notrap
.Lc28_resume:
        CHECK_CAUSE CAUSE_LOAD_UNMAPPED
        CHECK_EPC .Lc28_insn
        CHECK_TVAL TEST_BASE - 1
        CHECK   a0, 0x6666

        /* the same for a store: its high half (the program's first bytes) is not written */
        TEST_CASE 29
        li      a3, TEST_BASE
        lw      a4, 0(a3)               /* the first word of this program */
        li      a1, TEST_BASE - 2
        li      a2, 0x12345678
        EXPECT_TRAP .Lc29_resume
.Lc29_insn:
        sw      a2, 0(a1)
        j       test_fail_notrap
.Lc29_resume:
        CHECK_CAUSE CAUSE_STORE_UNMAPPED
        CHECK_EPC .Lc29_insn
        CHECK_TVAL TEST_BASE - 2
        lw      a5, 0(a3)
        CHECK_REG a5, a4

#ifdef TEST_ENV_VM
        /* The other way round, only where the VM environment leaves the page after the
         * program (_end) unmapped (in M-mode it is RAM): the access starts on a mapped
         * page and faults on the next one, tval = the first byte of that page. */
        TEST_CASE 30
        la      a1, _end
        addi    a1, a1, -2
        li      a0, 0x3030
        EXPECT_TRAP .Lc30_resume
.Lc30_insn:
        lw      a0, 0(a1)
        j       test_fail_notrap
.Lc30_resume:
        CHECK_CAUSE CAUSE_LOAD_PAGE_FAULT
        CHECK_EPC .Lc30_insn
        CHECK_TVAL_ADDR _end
        CHECK   a0, 0x3030

        TEST_CASE 31
        la      a1, _end
        addi    a1, a1, -1
        EXPECT_TRAP .Lc31_resume
.Lc31_insn:
        sh      a0, 0(a1)
        j       test_fail_notrap
.Lc31_resume:
        CHECK_CAUSE CAUSE_STORE_PAGE_FAULT
        CHECK_EPC .Lc31_insn
        CHECK_TVAL_ADDR _end
#endif

        TEST_END
