/*
 * RV32I register-register ALU instructions: add sub sll slt sltu xor srl sra or and.
 * Carries and overflow wrap, shifts use only rs2's low 5 bits, slt compares signed and
 * sltu unsigned; then the destination as a source, x0 as a source and as the destination.
 * Expected values come from a model of the spec, not from an emulator.
 */
#include "test_macros.h"

        TEST_START

        /* add */
        TEST_RR    1, add,  0x00000000, 0, 0
        TEST_RR    2, add,  0x00000003, 1, 2
        TEST_RR    3, add,  0x00000000, -1, 1
        TEST_RR    4, add,  0x80000000, 0x7fffffff, 1
        TEST_RR    5, add,  0x00000000, 0x80000000, 0x80000000
        TEST_RR    6, add,  0x22222221, 0x12345678, 0x0fedcba9
        TEST_RR    7, add,  0xfffffff4, -5, -7

        /* sub */
        TEST_RR    8, sub,  0x00000000, 0, 0
        TEST_RR    9, sub,  0xfffffffe, 3, 5
        TEST_RR   10, sub,  0xffffffff, 0, 1
        TEST_RR   11, sub,  0x7fffffff, 0x80000000, 1
        TEST_RR   12, sub,  0x80000000, 0x7fffffff, -1
        TEST_RR   13, sub,  0x0fffffff, 0x12345678, 0x02345679

        /* sll */
        TEST_RR   14, sll,  0x00000001, 1, 0
        TEST_RR   15, sll,  0x80000000, 1, 31
        TEST_RR   16, sll,  0x23456780, 0x12345678, 4
        TEST_RR   17, sll,  0xffff0000, 0xffffffff, 16
        TEST_RR   18, sll,  0x00000001, 1, 32
        TEST_RR   19, sll,  0x00000006, 3, 33
        TEST_RR   20, sll,  0x00000002, 0x80000001, 0xffffffe1

        /* srl */
        TEST_RR   21, srl,  0x80000000, 0x80000000, 0
        TEST_RR   22, srl,  0x00000001, 0x80000000, 31
        TEST_RR   23, srl,  0x40000000, 0x80000000, 1
        TEST_RR   24, srl,  0x00123456, 0x12345678, 8
        TEST_RR   25, srl,  0x7fffffff, 0xffffffff, 33
        TEST_RR   26, srl,  0x0000000f, 0xf0000000, 0xfffffffc

        /* sra */
        TEST_RR   27, sra,  0x80000000, 0x80000000, 0
        TEST_RR   28, sra,  0xffffffff, 0x80000000, 31
        TEST_RR   29, sra,  0xc0000000, 0x80000000, 1
        TEST_RR   30, sra,  0x00000001, 0x7fffffff, 30
        TEST_RR   31, sra,  0xff812345, 0x81234567, 8
        TEST_RR   32, sra,  0xffffffff, 0xc0000000, 63
        TEST_RR   33, sra,  0x00000001, 0x40000000, 0xffffffde

        /* slt */
        TEST_RR   34, slt,  0x00000000, 0, 0
        TEST_RR   35, slt,  0x00000001, 0, 1
        TEST_RR   36, slt,  0x00000000, 1, 0
        TEST_RR   37, slt,  0x00000001, -1, 0
        TEST_RR   38, slt,  0x00000000, 0, -1
        TEST_RR   39, slt,  0x00000001, 0x80000000, 0x7fffffff
        TEST_RR   40, slt,  0x00000000, 0x7fffffff, 0x80000000
        TEST_RR   41, slt,  0x00000001, -2, -1

        /* sltu */
        TEST_RR   42, sltu, 0x00000000, 0, 0
        TEST_RR   43, sltu, 0x00000001, 0, 1
        TEST_RR   44, sltu, 0x00000000, 1, 0
        TEST_RR   45, sltu, 0x00000000, 0xffffffff, 0
        TEST_RR   46, sltu, 0x00000001, 0, 0xffffffff
        TEST_RR   47, sltu, 0x00000000, 0x80000000, 0x7fffffff
        TEST_RR   48, sltu, 0x00000001, 0x7fffffff, 0x80000000

        /* xor */
        TEST_RR   49, xor,  0xf0f0f0f0, 0xff00ff00, 0x0ff00ff0
        TEST_RR   50, xor,  0x00000000, 0x12345678, 0x12345678
        TEST_RR   51, xor,  0xf0f0f0f0, 0xffffffff, 0x0f0f0f0f

        /* or */
        TEST_RR   52, or,   0xfff0fff0, 0xff00ff00, 0x0ff00ff0
        TEST_RR   53, or,   0x00000000, 0, 0
        TEST_RR   54, or,   0x80000001, 0x80000000, 1

        /* and */
        TEST_RR   55, and,  0x0f000f00, 0xff00ff00, 0x0ff00ff0
        TEST_RR   56, and,  0x12345678, 0xffffffff, 0x12345678
        TEST_RR   57, and,  0x00000000, 0x80000000, 0x7fffffff

        /* the destination is a source; x0 as a source and as the destination */
        TEST_RR_D1    58, add,  0x00000018, 13, 11
        TEST_RR_D2    59, sub,  0x00000002, 13, 11
        TEST_RR_D1    60, sll,  0x00000080, 1, 7
        TEST_RR_D2    61, sra,  0xf8000000, 0x80000000, 4
        TEST_RR_D1    62, sltu, 0x00000001, 5, 7
        TEST_RR_SAME  63, add,  0x0000001a, 13
        TEST_RR_SAME  64, sub,  0x00000000, 0x7fffffff
        TEST_RR_SAME  65, srl,  0x08000000, 0x80000004
        TEST_RR_SAME  66, xor,  0x00000000, 0x5a5a5a5a
        TEST_RR_Z1    67, sub,  0xfffffff9, 7
        TEST_RR_Z1    68, slt,  0x00000001, 1
        TEST_RR_Z1    69, sltu, 0x00000001, 1
        TEST_RR_Z1    70, or,   0x00001234, 0x00001234
        TEST_RR_Z2    71, add,  0x00001234, 0x00001234
        TEST_RR_Z2    72, sra,  0x80000000, 0x80000000
        TEST_RR_Z2    73, sltu, 0x00000000, 0
        TEST_RR_Z2    74, and,  0x00000000, 0xffffffff
        TEST_RR_X0    75, add,  1, 2
        TEST_RR_X0    76, sll,  1, 3
        TEST_RR_X0    77, or,   -1, -1

        TEST_END
