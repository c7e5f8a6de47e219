/*
 * The M extension: mul, mulh (signed x signed), mulhsu (signed x unsigned), mulhu, and
 * div/divu/rem/remu rounding toward zero, with the spec's table for the two corners that
 * do not trap: division by zero (quotient all ones, remainder the dividend) and signed
 * overflow INT_MIN / -1 (quotient INT_MIN, remainder 0). Expected values come from a model
 * of the spec, not from an emulator.
 */
#include "test_macros.h"

        TEST_START

        /* mul */
        TEST_RR    1, mul,    0x00000015, 3, 7
        TEST_RR    2, mul,    0xffffffeb, -3, 7
        TEST_RR    3, mul,    0x00000015, -3, -7
        TEST_RR    4, mul,    0x00000001, 0x7fffffff, 0x7fffffff
        TEST_RR    5, mul,    0x80000000, 0x80000000, -1
        TEST_RR    6, mul,    0x242d2080, 0x12345678, 0x9abcdef0
        TEST_RR    7, mul,    0x00000001, 0xffffffff, 0xffffffff

        /* mulh */
        TEST_RR    8, mulh,   0x00000000, 3, 7
        TEST_RR    9, mulh,   0xffffffff, -3, 7
        TEST_RR   10, mulh,   0x00000000, -1, -1
        TEST_RR   11, mulh,   0x40000000, 0x80000000, 0x80000000
        TEST_RR   12, mulh,   0xc0000000, 0x80000000, 0x7fffffff
        TEST_RR   13, mulh,   0x3fffffff, 0x7fffffff, 0x7fffffff
        TEST_RR   14, mulh,   0xf8cc93d6, 0x12345678, 0x9abcdef0
        TEST_RR   15, mulh,   0xffffffff, -1, 1

        /* mulhsu */
        TEST_RR   16, mulhsu, 0x00000000, 3, 7
        TEST_RR   17, mulhsu, 0xffffffff, -1, 0xffffffff
        TEST_RR   18, mulhsu, 0x80000000, 0x80000000, 0xffffffff
        TEST_RR   19, mulhsu, 0x7ffffffe, 0x7fffffff, 0xffffffff
        TEST_RR   20, mulhsu, 0xffffffff, -2, 1
        TEST_RR   21, mulhsu, 0x0b00ea4e, 0x12345678, 0x9abcdef0
        TEST_RR   22, mulhsu, 0xc0000000, 0x80000000, 0x80000000

        /* mulhu */
        TEST_RR   23, mulhu,  0x00000000, 3, 7
        TEST_RR   24, mulhu,  0xfffffffe, 0xffffffff, 0xffffffff
        TEST_RR   25, mulhu,  0x40000000, 0x80000000, 0x80000000
        TEST_RR   26, mulhu,  0x00000001, 0xffffffff, 2
        TEST_RR   27, mulhu,  0x0b00ea4e, 0x12345678, 0x9abcdef0
        TEST_RR   28, mulhu,  0x00000000, -1, 1

        /* div */
        TEST_RR   29, div,    0x00000003, 20, 6
        TEST_RR   30, div,    0xfffffffd, -20, 6
        TEST_RR   31, div,    0xfffffffd, 20, -6
        TEST_RR   32, div,    0x00000003, -20, -6
        TEST_RR   33, div,    0xfffffffd, -7, 2
        TEST_RR   34, div,    0x80000000, 0x80000000, 1
        TEST_RR   35, div,    0x80000000, 0x80000000, -1
        TEST_RR   36, div,    0xc0000000, 0x80000000, 2
        TEST_RR   37, div,    0xffffffff, 5, 0
        TEST_RR   38, div,    0xffffffff, -5, 0
        TEST_RR   39, div,    0xffffffff, 0, 0

        /* divu */
        TEST_RR   40, divu,   0x00000003, 20, 6
        TEST_RR   41, divu,   0x2aaaaaa7, -20, 6
        TEST_RR   42, divu,   0x40000000, 0x80000000, 2
        TEST_RR   43, divu,   0x00000001, 0xffffffff, 0xffffffff
        TEST_RR   44, divu,   0xffffffff, 5, 0
        TEST_RR   45, divu,   0xffffffff, 0, 0
        TEST_RR   46, divu,   0xffffffff, 0xffffffff, 1

        /* rem */
        TEST_RR   47, rem,    0x00000002, 20, 6
        TEST_RR   48, rem,    0xfffffffe, -20, 6
        TEST_RR   49, rem,    0x00000002, 20, -6
        TEST_RR   50, rem,    0xfffffffe, -20, -6
        TEST_RR   51, rem,    0xffffffff, -7, 2
        TEST_RR   52, rem,    0x00000000, 0x80000000, -1
        TEST_RR   53, rem,    0x00000000, 0x80000000, 2
        TEST_RR   54, rem,    0xfffffffe, 0x80000000, 3
        TEST_RR   55, rem,    0x00000005, 5, 0
        TEST_RR   56, rem,    0xfffffffb, -5, 0
        TEST_RR   57, rem,    0x00000000, 0, 0

        /* remu */
        TEST_RR   58, remu,   0x00000002, 20, 6
        TEST_RR   59, remu,   0x00000002, -20, 6
        TEST_RR   60, remu,   0x00000002, 0x80000000, 3
        TEST_RR   61, remu,   0x00000000, 0xffffffff, 0xffffffff
        TEST_RR   62, remu,   0x00000005, 5, 0
        TEST_RR   63, remu,   0xfffffffb, -5, 0
        TEST_RR   64, remu,   0xfffffffe, 0xfffffffe, 0xffffffff

        /* the destination is a source; x0 as a source and as the destination */
        TEST_RR_D1   65, mulh,   0x40000000, 0x80000000, 0x80000000
        TEST_RR_D2   66, mulhsu, 0xffffffff, -1, 0xffffffff
        TEST_RR_D1   67, div,    0xfffffffd, -20, 6
        TEST_RR_D2   68, remu,   0x00000002, -20, 6
        TEST_RR_SAME 69, mul,    0x00000009, -3
        TEST_RR_SAME 70, mulhu,  0xfffffffe, 0xffffffff
        TEST_RR_SAME 71, div,    0x00000001, -9
        TEST_RR_SAME 72, rem,    0x00000000, -9
        TEST_RR_Z2   73, div,    0xffffffff, -9
        TEST_RR_Z2   74, divu,   0xffffffff, 9
        TEST_RR_Z2   75, rem,    0xfffffff7, -9
        TEST_RR_Z2   76, remu,   0x80000001, 0x80000001
        TEST_RR_Z1   77, div,    0x00000000, 3
        TEST_RR_Z1   78, mulh,   0x00000000, -1
        TEST_RR_X0   79, mul,    3, 4
        TEST_RR_X0   80, div,    1, 0

        TEST_END
