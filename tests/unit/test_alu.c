/*
 * The M extension's corner cases (cpu/alu.h), called directly and executed by the hart,
 * and the shift amounts of sll/srl/sra (only the low 5 bits of rs2 count on RV32).
 *
 * Expected values are the unprivileged spec's ("Division Operations" table: x/0 = -1,
 * x%0 = x, INT_MIN/-1 = INT_MIN, INT_MIN%-1 = 0) and hand-computed 64-bit products.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "cpu/alu.h"
#include "harness.h"

enum alu_op { MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU, SLL, SRL, SRA, MUL };

static const char *const op_name[] = {
    "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu", "sll", "srl", "sra", "mul",
};

/* `op x10, x11, x12`, from riscv64-unknown-elf-as + objdump. */
static const uint32_t op_word[] = {
    [MULH] = 0x02c59533, [MULHSU] = 0x02c5a533, [MULHU] = 0x02c5b533,
    [DIV] = 0x02c5c533, [DIVU] = 0x02c5d533, [REM] = 0x02c5e533, [REMU] = 0x02c5f533,
    [SLL] = 0x00c59533, [SRL] = 0x00c5d533, [SRA] = 0x40c5d533, [MUL] = 0x02c58533,
};

#define INT_MIN32 0x80000000u
#define MINUS1    0xffffffffu

static const struct { enum alu_op op; uint32_t a, b, want; } cases[] = {
    /* division by zero: quotient all ones, remainder the dividend */
    { DIV, 7, 0, MINUS1 },
    { DIV, 0, 0, MINUS1 },
    { DIV, INT_MIN32, 0, MINUS1 },
    { DIV, MINUS1, 0, MINUS1 },
    { DIVU, 7, 0, MINUS1 },
    { DIVU, 0, 0, MINUS1 },
    { DIVU, INT_MIN32, 0, MINUS1 },
    { REM, 7, 0, 7 },
    { REM, (uint32_t)-7, 0, (uint32_t)-7 },
    { REM, INT_MIN32, 0, INT_MIN32 },
    { REMU, 7, 0, 7 },
    { REMU, MINUS1, 0, MINUS1 },
    { REMU, 0, 0, 0 },
    /* signed overflow */
    { DIV, INT_MIN32, MINUS1, INT_MIN32 },
    { REM, INT_MIN32, MINUS1, 0 },
    /* ordinary signs: rounding toward zero, remainder takes the dividend's sign */
    { DIV, (uint32_t)-7, 2, (uint32_t)-3 },
    { REM, (uint32_t)-7, 2, (uint32_t)-1 },
    { DIV, 7, (uint32_t)-2, (uint32_t)-3 },
    { REM, 7, (uint32_t)-2, 1 },
    { DIV, INT_MIN32, 1, INT_MIN32 },
    { DIV, INT_MIN32, 2, 0xc0000000u },
    { DIVU, 0xfffffff9u, 2, 0x7ffffffcu },
    { REMU, 0xfffffff9u, 2, 1 },
    { DIVU, INT_MIN32, MINUS1, 0 },
    { REMU, INT_MIN32, MINUS1, INT_MIN32 },
    /* high halves of products */
    { MULH, MINUS1, MINUS1, 0 },
    { MULH, INT_MIN32, INT_MIN32, 0x40000000u },
    { MULH, INT_MIN32, 0x7fffffffu, 0xc0000000u },
    { MULH, MINUS1, 1, MINUS1 },
    { MULH, 0x7fffffffu, 0x7fffffffu, 0x3fffffffu },
    { MULHU, MINUS1, MINUS1, 0xfffffffeu },
    { MULHU, INT_MIN32, 2, 1 },
    { MULHU, 0x7fffffffu, 0x7fffffffu, 0x3fffffffu },
    { MULHSU, MINUS1, MINUS1, MINUS1 },         /* -1 * (2^32 - 1) */
    { MULHSU, INT_MIN32, MINUS1, INT_MIN32 },
    { MULHSU, 1, MINUS1, 0 },
    { MULHSU, 0xfffffffeu, INT_MIN32, MINUS1 },
    { MULHSU, 0x7fffffffu, MINUS1, 0x7ffffffeu },
    { MULHSU, INT_MIN32, INT_MIN32, 0xc0000000u },
    { MUL, MINUS1, MINUS1, 1 },
    { MUL, INT_MIN32, MINUS1, INT_MIN32 },
    /* register shifts use rs2[4:0] only */
    { SLL, 0x80000001u, 0, 0x80000001u },
    { SLL, 0x80000001u, 1, 0x00000002u },
    { SLL, 0x80000001u, 31, 0x80000000u },
    { SLL, 0x80000001u, 32, 0x80000001u },
    { SLL, 0x80000001u, 33, 0x00000002u },
    { SLL, 0x80000001u, MINUS1, 0x80000000u },
    { SLL, 0x80000001u, 0xffffffe0u, 0x80000001u },
    { SRL, 0x80000001u, 1, 0x40000000u },
    { SRL, 0x80000001u, 31, 1 },
    { SRL, 0x80000001u, 32, 0x80000001u },
    { SRL, 0x80000001u, 63, 1 },
    { SRL, 0x80000001u, 0xffffffe0u, 0x80000001u },
    { SRA, 0x80000001u, 1, 0xc0000000u },
    { SRA, 0x80000001u, 31, MINUS1 },
    { SRA, 0x80000001u, 32, 0x80000001u },
    { SRA, 0x80000001u, 33, 0xc0000000u },
    { SRA, 0x40000000u, 31, 0 },
    { SRA, 0x40000000u, 62, 1 },
};

#define N_CASES ((int)(sizeof cases / sizeof cases[0]))

static uint32_t alu_direct(enum alu_op op, uint32_t a, uint32_t b)
{
    switch (op) {
    case MULH:   return alu_mulh(a, b);
    case MULHSU: return alu_mulhsu(a, b);
    case MULHU:  return alu_mulhu(a, b);
    case DIV:    return alu_div(a, b);
    case DIVU:   return alu_divu(a, b);
    case REM:    return alu_rem(a, b);
    case REMU:   return alu_remu(a, b);
    default:     abort();       /* not in alu.h */
    }
}

/* The rows alu.h implements (shifts and mul live in exec.c only). */
START_TEST(test_alu_h)
{
    int checked = 0;
    for (int i = 0; i < N_CASES; i++) {
        if (cases[i].op >= SLL)
            continue;
        uint32_t got = alu_direct(cases[i].op, cases[i].a, cases[i].b);
        ck_assert_msg(got == cases[i].want, "alu_%s(0x%08x, 0x%08x) = 0x%08x, want 0x%08x",
                      op_name[cases[i].op], cases[i].a, cases[i].b, got, cases[i].want);
        checked++;
    }
    ck_assert_int_ge(checked, 30);
}
END_TEST

/* The same case executed by the hart: no trap, the result in rd, pc moved on. */
START_TEST(test_executed)
{
    struct harness *t = harness_create();
    const uint32_t prog[] = { op_word[cases[_i].op] };
    harness_load(t, prog, 1);
    harness_set_reg(t, 11, cases[_i].a);
    harness_set_reg(t, 12, cases[_i].b);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    uint32_t got = harness_reg(t, 10);
    ck_assert_msg(got == cases[_i].want, "%s x10, x11=0x%08x, x12=0x%08x: x10 = 0x%08x, "
                  "want 0x%08x", op_name[cases[_i].op], cases[_i].a, cases[_i].b, got,
                  cases[_i].want);
    ck_assert_uint_eq(harness_pc(t), HARNESS_RAM_BASE + 4);
    ck_assert_uint_eq(harness_reg(t, 11), cases[_i].a);
    harness_destroy(t);
}
END_TEST

/* Immediate shifts by 1 and 31 (shamt 32..63 is illegal on RV32: see test_decode). */
START_TEST(test_shift_immediates)
{
    static const struct { uint32_t word; const char *name; uint32_t want; } imm[] = {
        { 0x01f59513, "slli x10, x11, 31", 0x80000000u },
        { 0x01f5d513, "srli x10, x11, 31", 1 },
        { 0x41f5d513, "srai x10, x11, 31", MINUS1 },
        { 0x00159513, "slli x10, x11, 1", 0x00000002u },
        { 0x0015d513, "srli x10, x11, 1", 0x40000000u },
        { 0x4015d513, "srai x10, x11, 1", 0xc0000000u },
    };
    for (size_t i = 0; i < sizeof imm / sizeof imm[0]; i++) {
        struct harness *t = harness_create();
        harness_load(t, &imm[i].word, 1);
        harness_set_reg(t, 11, 0x80000001u);
        ck_assert_uint_eq(harness_run(t, 1), 1);
        ck_assert_msg(harness_reg(t, 10) == imm[i].want, "%s of 0x80000001 = 0x%08x, want 0x%08x",
                      imm[i].name, harness_reg(t, 10), imm[i].want);
        harness_destroy(t);
    }
}
END_TEST

static Suite *alu_suite(void)
{
    Suite *s = suite_create("alu");
    TCase *tc = tcase_create("alu.h");
    tcase_add_test(tc, test_alu_h);
    suite_add_tcase(s, tc);
    tc = tcase_create("executed");
    tcase_add_loop_test(tc, test_executed, 0, N_CASES);
    tcase_add_test(tc, test_shift_immediates);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(alu_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
