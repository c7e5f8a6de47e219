/*
 * RV32I register-immediate ALU instructions: addi slti sltiu xori ori andi slli srli srai,
 * and lui and auipc. The 12-bit immediate is sign-extended, also for sltiu (then compared
 * unsigned) and the logic operations; shift amounts are 0..31 (shamt bit 5 set is illegal
 * on RV32: rv32mi_trap checks that). Expected values come from a model of the spec.
 */
#include "test_macros.h"

        TEST_START

        /* addi */
        TEST_RI    1, addi,  0x00000000, 0, 0
        TEST_RI    2, addi,  0x00000002, 1, 1
        TEST_RI    3, addi,  0x00000002, 3, -1
        TEST_RI    4, addi,  0x80000000, 0x7fffffff, 1
        TEST_RI    5, addi,  0x000007ff, 0, 2047
        TEST_RI    6, addi,  0xfffff800, 0, -2048
        TEST_RI    7, addi,  0x7fffffff, 0x80000000, -1
        TEST_RI    8, addi,  0x1234579b, 0x12345678, 291

        /* slti */
        TEST_RI    9, slti,  0x00000000, 0, 0
        TEST_RI   10, slti,  0x00000001, 0, 1
        TEST_RI   11, slti,  0x00000001, -1, 0
        TEST_RI   12, slti,  0x00000000, 0, -1
        TEST_RI   13, slti,  0x00000001, 0x80000000, 2047
        TEST_RI   14, slti,  0x00000000, 0x7fffffff, -2048
        TEST_RI   15, slti,  0x00000001, 0xfffff7ff, -2048
        TEST_RI   16, slti,  0x00000000, 5, 5

        /* sltiu */
        TEST_RI   17, sltiu, 0x00000000, 0, 0
        TEST_RI   18, sltiu, 0x00000001, 0, 1
        TEST_RI   19, sltiu, 0x00000000, 1, 1
        TEST_RI   20, sltiu, 0x00000001, 0xfffffffe, -1
        TEST_RI   21, sltiu, 0x00000000, 0xffffffff, -1
        TEST_RI   22, sltiu, 0x00000001, 0x7fffffff, -2048
        TEST_RI   23, sltiu, 0x00000001, 2046, 2047
        TEST_RI   24, sltiu, 0x00000001, 0, -1

        /* xori */
        TEST_RI   25, xori,  0x00ff000f, 0x00ff00ff, 240
        TEST_RI   26, xori,  0xedcba987, 0x12345678, -1
        TEST_RI   27, xori,  0x000007ff, 0xffffffff, -2048
        TEST_RI   28, xori,  0x00ff07f0, 0x00ff00ff, 1807

        /* ori */
        TEST_RI   29, ori,   0xff00fff0, 0xff00ff00, 240
        TEST_RI   30, ori,   0xffffffff, 0x12345678, -1
        TEST_RI   31, ori,   0xfffff800, 0, -2048
        TEST_RI   32, ori,   0x80000001, 0x80000000, 1

        /* andi */
        TEST_RI   33, andi,  0x00000000, 0xff00ff00, 240
        TEST_RI   34, andi,  0x12345678, 0x12345678, -1
        TEST_RI   35, andi,  0x12345000, 0x12345678, -2048
        TEST_RI   36, andi,  0x000007ff, 0xffffffff, 2047

        /* slli */
        TEST_RI   37, slli,  0x00000001, 1, 0
        TEST_RI   38, slli,  0x00000002, 1, 1
        TEST_RI   39, slli,  0x80000000, 1, 31
        TEST_RI   40, slli,  0x23456780, 0x12345678, 4
        TEST_RI   41, slli,  0xfff00000, 0xffffffff, 20
        TEST_RI   42, slli,  0x00000002, 0x80000001, 1

        /* srli */
        TEST_RI   43, srli,  0x80000000, 0x80000000, 0
        TEST_RI   44, srli,  0x40000000, 0x80000000, 1
        TEST_RI   45, srli,  0x00000001, 0x80000000, 31
        TEST_RI   46, srli,  0x00000001, 0xffffffff, 31
        TEST_RI   47, srli,  0x00012345, 0x12345678, 12

        /* srai */
        TEST_RI   48, srai,  0x80000000, 0x80000000, 0
        TEST_RI   49, srai,  0xc0000000, 0x80000000, 1
        TEST_RI   50, srai,  0xffffffff, 0x80000000, 31
        TEST_RI   51, srai,  0x3fffffff, 0x7fffffff, 1
        TEST_RI   52, srai,  0xfff81234, 0x81234567, 12
        TEST_RI   53, srai,  0x00000000, 0x7fffffff, 31

        /* the destination is the source; x0 as the source and as the destination */
        TEST_RI_D  54, addi,  0x00000018, 13, 11
        TEST_RI_D  55, srai,  0xf0000000, 0x80000000, 3
        TEST_RI_D  56, sltiu, 0x00000001, 5, 6
        TEST_RI_D  57, xori,  0xaaaa5555, 0x5555aaaa, -1
        TEST_RI_Z  58, addi,  0xfffff800, -2048
        TEST_RI_Z  59, ori,   0x00000555, 1365
        TEST_RI_Z  60, sltiu, 0x00000001, 1
        TEST_RI_Z  61, slti,  0x00000000, -1
        TEST_RI_X0 62, addi,  1, 1
        TEST_RI_X0 63, slli,  1, 3
        TEST_RI_X0 64, xori,  0, -1

        /* lui: the immediate into bits 31:12, zeros below */
        TEST_CASE 65
        li      a0, -1
        lui     a0, 0
        CHECK   a0, 0
        TEST_CASE 66
        lui     a0, 0xfffff
        CHECK   a0, 0xfffff000
        TEST_CASE 67
        lui     a0, 0x80000
        CHECK   a0, 0x80000000
        TEST_CASE 68
        lui     a0, 0x12345
        CHECK   a0, 0x12345000
        TEST_CASE 69
        lui     zero, 0x12345
        CHECK   zero, 0

        /* auipc: its own address plus the immediate << 12 */
        TEST_CASE 70
.Lauipc0:
        auipc   a0, 0
        CHECK_ADDR a0, .Lauipc0
        TEST_CASE 71
.Lauipc1:
        auipc   a0, 1
        la      a1, .Lauipc1
        li      a2, 0x1000
        add     a1, a1, a2
        CHECK_REG a0, a1
        TEST_CASE 72
.Lauipc2:
        auipc   a0, 0xfffff             /* -0x1000 */
        la      a1, .Lauipc2
        li      a2, -0x1000
        add     a1, a1, a2
        CHECK_REG a0, a1
        TEST_CASE 73
.Lauipc3:
        auipc   a0, 0x80000             /* wraps around the address space */
        la      a1, .Lauipc3
        li      a2, 0x80000000
        add     a1, a1, a2
        CHECK_REG a0, a1

        /* nop is addi x0, x0, 0 and changes nothing */
        TEST_CASE 74
        li      a0, 0x5a5a
        nop
        addi    zero, zero, 0
        CHECK   a0, 0x5a5a
        CHECK   zero, 0

        TEST_END
