/*
 * RV32I loads and stores of every width: lb/lbu/lh/lhu sign- and zero-extend, memory is
 * little-endian, offsets are signed 12-bit, a load into x0 is dropped, a store writes only
 * its own bytes. All accesses here are naturally aligned (rv32ui_misaligned does the rest).
 */
#include "test_macros.h"

        .data
        .balign 16
ld_data:                                /* bytes 01 7f ff 80 | 78 56 34 12 | 98 ba dc fe | 0 */
        .word   0x80ff7f01, 0x12345678, 0xfedcba98, 0x00000000
ld_data_end:
ptr_word:
        .word   0xcafef00d
        .balign 16
st_buf:
        .fill   16, 4, 0xaaaaaaaa

        TEST_START

        /* lb / lbu */
        TEST_LD    1, lb,  0x00000001, ld_data, 0
        TEST_LD    2, lb,  0x0000007f, ld_data, 1
        TEST_LD    3, lb,  0xffffffff, ld_data, 2
        TEST_LD    4, lb,  0xffffff80, ld_data, 3
        TEST_LD    5, lbu, 0x000000ff, ld_data, 2
        TEST_LD    6, lbu, 0x00000080, ld_data, 3
        TEST_LD    7, lbu, 0x00000012, ld_data, 7

        /* lh / lhu */
        TEST_LD    8, lh,  0x00007f01, ld_data, 0
        TEST_LD    9, lh,  0xffff80ff, ld_data, 2
        TEST_LD   10, lh,  0xfffffedc, ld_data, 10
        TEST_LD   11, lh,  0x00005678, ld_data, 4
        TEST_LD   12, lhu, 0x000080ff, ld_data, 2
        TEST_LD   13, lhu, 0x0000fedc, ld_data, 10

        /* lw */
        TEST_LD   14, lw,  0x80ff7f01, ld_data, 0
        TEST_LD   15, lw,  0x12345678, ld_data, 4
        TEST_LD   16, lw,  0xfedcba98, ld_data, 8

        /* negative and extreme offsets */
        TEST_LD   17, lw,  0x12345678, ld_data_end, -12
        TEST_LD   18, lb,  0xffffff80, ld_data_end, -13
        TEST_LD   19, lhu, 0x0000fedc, ld_data_end, -6
        TEST_LD   20, lw,  0x80ff7f01, ld_data - 2047, 2047
        TEST_LD   21, lw,  0x12345678, ld_data + 2052, -2048

        /* a load into x0 is dropped */
        TEST_CASE 22
        la      a1, ld_data
        lw      zero, 4(a1)
        CHECK   zero, 0

        /* the base register is the destination */
        TEST_CASE 23
        la      a1, ptr_word
        lw      a1, 0(a1)
        CHECK   a1, 0xcafef00d

        /* sb writes the low byte of rs2, nothing else */
        TEST_ST   24, sb, lbu, 0x00000012, 0xdeadbe12, st_buf, 1
        CHECK_MEM st_buf, 0, 0xaaaa12aa
        CHECK_MEM st_buf, 4, 0xaaaaaaaa
        TEST_ST   25, sb, lb,  0xffffff80, 0x00000080, st_buf, 3
        CHECK_MEM st_buf, 0, 0x80aa12aa

        /* sh writes the low half of rs2 */
        TEST_ST   26, sh, lhu, 0x00005678, 0x12345678, st_buf, 4
        CHECK_MEM st_buf, 4, 0xaaaa5678
        TEST_ST   27, sh, lh,  0xffff8001, 0x00008001, st_buf, 6
        CHECK_MEM st_buf, 4, 0x80015678
        CHECK_MEM st_buf, 8, 0xaaaaaaaa

        /* sw */
        TEST_ST   28, sw, lw,  0x13579bdf, 0x13579bdf, st_buf, 8
        CHECK_MEM st_buf, 12, 0xaaaaaaaa

        /* a store with a negative offset */
        TEST_ST   29, sw, lw,  0x2468ace0, 0x2468ace0, st_buf + 16, -4
        CHECK_MEM st_buf, 12, 0x2468ace0

        /* a store of the base register itself */
        TEST_CASE 30
        la      a1, st_buf + 16
        sw      a1, 0(a1)
        lw      a0, 0(a1)
        CHECK_ADDR a0, st_buf + 16

        /* stores of x0 */
        TEST_CASE 31
        la      a1, st_buf
        sw      zero, 20(a1)
        CHECK_MEM st_buf, 20, 0
        TEST_CASE 32
        la      a1, st_buf
        sb      zero, 26(a1)
        CHECK_MEM st_buf, 24, 0xaa00aaaa
        TEST_CASE 33
        la      a1, st_buf
        sh      zero, 28(a1)
        CHECK_MEM st_buf, 28, 0xaaaa0000

        /* little-endian: the bytes and halves of a word */
        TEST_ST   34, sw, lbu, 0x00000044, 0x11223344, st_buf, 32
        TEST_LD   35, lbu, 0x00000011, st_buf, 35
        TEST_LD   36, lhu, 0x00001122, st_buf, 34
        TEST_LD   37, lh,  0x00003344, st_buf, 32
        TEST_LD   38, lw,  0x11223344, st_buf, 32

        /* a word stored over by a half and a byte */
        TEST_CASE 39
        la      a1, st_buf
        li      a2, 0x8000ffff
        sw      a2, 36(a1)
        li      a2, 0x7e
        sh      a2, 38(a1)
        li      a2, 0x81
        sb      a2, 36(a1)
        lw      a0, 36(a1)
        CHECK   a0, 0x007eff81

        TEST_END
