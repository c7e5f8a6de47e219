/*
 * RVC expansion (cpu/rvc.c): every RV32C instruction against the 32-bit instruction the
 * spec says it stands for, both encoded by the GNU assembler (rvc_table.h); the reserved
 * and RV32-illegal parcels; and the compressed path through the decoder and disassembler.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"
#include "cpu/disasm.h"

struct rvc_case {
    uint16_t parcel;
    uint32_t word;
    const char *src;
};

#include "rvc_table.h"

#define N_CASES ((int)(sizeof rvc_cases / sizeof rvc_cases[0]))

START_TEST(test_expand)
{
    const struct rvc_case *c = &rvc_cases[_i];
    uint32_t got = rvc_expand(c->parcel);
    ck_assert_msg(got == c->word, "rvc_expand(0x%04x) \"%s\" = 0x%08x, want 0x%08x", c->parcel,
                  c->src, got, c->word);
}
END_TEST

/* The decoded compressed instruction has the op and fields of its 32-bit form. */
START_TEST(test_decode_matches_32bit)
{
    const struct rvc_case *c = &rvc_cases[_i];
    struct insn w, p;
    insn_decode32(c->word, &w);
    ck_assert_msg(w.op != OP_ILLEGAL, "the 32-bit form of \"%s\" is illegal", c->src);
    /* the upper half of the fetched word belongs to the next instruction: ignored */
    static const uint32_t upper[] = { 0, 0xffff0000u, 0x12340000u };
    for (size_t u = 0; u < sizeof upper / sizeof upper[0]; u++) {
        insn_decode(upper[u] | c->parcel, &p);
        ck_assert_msg(p.op == w.op, "\"%s\": op %s, want %s", c->src,
                      insn_table[p.op].mnemonic, insn_table[w.op].mnemonic);
        ck_assert_msg(p.rd == w.rd && p.rs1 == w.rs1 && p.rs2 == w.rs2,
                      "\"%s\": rd/rs1/rs2 %u/%u/%u, want %u/%u/%u", c->src, p.rd, p.rs1, p.rs2,
                      w.rd, w.rs1, w.rs2);
        ck_assert_msg(p.imm == w.imm, "\"%s\": imm %d, want %d", c->src, p.imm, w.imm);
        ck_assert_uint_eq(p.len, 2);
        ck_assert_uint_eq(p.raw, c->parcel);
    }
}
END_TEST

/* Every RV32C instruction appears in the table. */
START_TEST(test_every_rvc_covered)
{
    static const char *const names[] = {
        "c.addi4spn", "c.lw", "c.sw", "c.nop", "c.addi", "c.jal", "c.li", "c.addi16sp",
        "c.lui", "c.srli", "c.srai", "c.andi", "c.sub", "c.xor", "c.or", "c.and", "c.j",
        "c.beqz", "c.bnez", "c.slli", "c.lwsp", "c.jr", "c.mv", "c.ebreak", "c.jalr",
        "c.add", "c.swsp", "c.fld", "c.flw", "c.fsd", "c.fsw", "c.fldsp", "c.flwsp",
        "c.fsdsp", "c.fswsp",
    };
    for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
        size_t len = strlen(names[n]);
        int seen = 0;
        for (int i = 0; i < N_CASES; i++)
            seen += strncmp(rvc_cases[i].src, names[n], len) == 0 &&
                    (rvc_cases[i].src[len] == ' ' || rvc_cases[i].src[len] == '\0');
        ck_assert_msg(seen > 0, "no test for %s", names[n]);
    }
}
END_TEST

/* Reserved on RV32: each expands to 0 and decodes as illegal. The encodings of the
 * RV64 forms come from the assembler for RV64. (The F/D forms expand: rvc_table.h.) */
static const struct { uint16_t parcel; const char *why; } reserved[] = {
    { 0x0000, "all-zero parcel" },
    { 0x0004, "c.addi4spn x9, sp, 0" },
    { 0x001c, "c.addi4spn x15, sp, 0" },
    { 0x4002, "c.lwsp x0, 0(sp)" },
    { 0x507e, "c.lwsp x0, 124(sp)" },
    { 0x8002, "c.jr x0" },
    { 0x6101, "c.addi16sp sp, 0" },
    { 0x6281, "c.lui x5, 0" },
    { 0x6f81, "c.lui x31, 0" },
    { 0x6001, "c.lui x0, 0" },
    { 0x9001, "c.srli x8, 32 (shamt[5] = 1; RV64 encoding)" },
    { 0x9005, "c.srli x8, 33" },
    { 0x9401, "c.srai x8, 32" },
    { 0x94fd, "c.srai x9, 63 (RV64 encoding)" },
    { 0x1282, "c.slli x5, 32 (RV64 encoding)" },
    { 0x1ffe, "c.slli x31, 63" },
    { 0x8004, "quadrant 0 funct3 100 (reserved)" },
    { 0x9c05, "c.subw x8, x9 (RV64)" },
    { 0x9d3d, "c.addw x10, x15 (RV64)" },
    { 0x9c41, "quadrant 1 funct6 100111 funct2 10 (reserved)" },
    { 0x9c61, "quadrant 1 funct6 100111 funct2 11 (reserved)" },
};

#define N_RESERVED ((int)(sizeof reserved / sizeof reserved[0]))

START_TEST(test_reserved)
{
    uint16_t p = reserved[_i].parcel;
    uint32_t got = rvc_expand(p);
    ck_assert_msg(got == 0, "rvc_expand(0x%04x) (%s) = 0x%08x, want 0", p, reserved[_i].why, got);
    struct insn d;
    insn_decode(0xffff0000u | p, &d);
    ck_assert_msg(d.op == OP_ILLEGAL, "0x%04x (%s) decodes to %s", p, reserved[_i].why,
                  insn_table[d.op].mnemonic);
    ck_assert_uint_eq(d.len, 2);
    ck_assert_uint_eq(d.raw, p);
    char buf[32], want[32];
    snprintf(want, sizeof want, "illegal 0x%04x", p);
    disasm(p, 0, buf, sizeof buf);
    ck_assert_str_eq(buf, want);
}
END_TEST

/* A parcel with low bits 11 is not a compressed instruction. */
START_TEST(test_quadrant3_not_rvc)
{
    ck_assert_uint_eq(rvc_expand(0x0013), 0);
    ck_assert_uint_eq(rvc_expand(0xffff), 0);
    ck_assert_uint_eq(rvc_expand(0x4503), 0);
}
END_TEST

/*
 * All 49152 compressed parcels: an expansion, when there is one, is a legal 32-bit
 * instruction (never OP_ILLEGAL), and the decoder calls a parcel illegal exactly when it
 * has no expansion.
 */
START_TEST(test_sweep_all_parcels)
{
    for (uint32_t p = 0; p <= 0xffff; p++) {
        if ((p & 3) == 3)
            continue;
        uint32_t w = rvc_expand((uint16_t)p);
        struct insn d, e;
        insn_decode(p, &d);
        if (w == 0) {
            ck_assert_msg(d.op == OP_ILLEGAL, "0x%04x: no expansion but decodes to %s", p,
                          insn_table[d.op].mnemonic);
            continue;
        }
        ck_assert_msg((w & 3) == 3, "0x%04x expands to 0x%08x, not a 32-bit word", p, w);
        insn_decode32(w, &e);
        ck_assert_msg(e.op != OP_ILLEGAL, "0x%04x expands to illegal 0x%08x", p, w);
        ck_assert_msg(d.op == e.op, "0x%04x: decode %s, expansion %s", p,
                      insn_table[d.op].mnemonic, insn_table[e.op].mnemonic);
    }
}
END_TEST

/* A compressed instruction prints as its expansion with a "c." prefix; targets are
 * absolute. Texts written out by hand. */
START_TEST(test_disasm_compressed)
{
    static const struct { uint16_t parcel; uint32_t pc; const char *text; } ex[] = {
        { 0x0040, 0x80000000, "c.addi x8, x2, 4" },          /* c.addi4spn x8, sp, 4 */
        { 0x4501, 0x80000000, "c.addi x10, x0, 0" },         /* c.li x10, 0 */
        { 0x9002, 0x80000000, "c.ebreak" },
        { 0x8082, 0x80000000, "c.jalr x0, 0(x1)" },          /* c.jr x1 (ret) */
        { 0x5cfc, 0x80000000, "c.lw x15, 124(x9)" },
        { 0xc016, 0x80000000, "c.sw x5, 0(x2)" },            /* c.swsp x5, 0(sp) */
        { 0x7501, 0x80000000, "c.lui x10, 0xfffe0" },
        { 0xcc7d, 0x80000000, "c.beq x8, x0, 0x800000fe" },  /* c.beqz x8, .+254 */
        { 0xb001, 0x80000800, "c.jal x0, 0x80000000" },      /* c.j .-2048 */
        { 0x2ffd, 0x80000000, "c.jal x1, 0x800007fe" },      /* c.jal .+2046 */
        { 0x847d, 0x80000000, "c.srai x8, x8, 31" },
    };
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
        char buf[64];
        disasm(ex[i].parcel, ex[i].pc, buf, sizeof buf);
        ck_assert_msg(strcmp(buf, ex[i].text) == 0, "disasm(0x%04x) = \"%s\", want \"%s\"",
                      ex[i].parcel, buf, ex[i].text);
    }
}
END_TEST

static Suite *rvc_suite(void)
{
    Suite *s = suite_create("rvc");
    TCase *tc = tcase_create("expand");
    tcase_add_loop_test(tc, test_expand, 0, N_CASES);
    tcase_add_loop_test(tc, test_decode_matches_32bit, 0, N_CASES);
    tcase_add_test(tc, test_every_rvc_covered);
    suite_add_tcase(s, tc);

    tc = tcase_create("reserved");
    tcase_add_loop_test(tc, test_reserved, 0, N_RESERVED);
    tcase_add_test(tc, test_quadrant3_not_rvc);
    tcase_add_test(tc, test_sweep_all_parcels);
    suite_add_tcase(s, tc);

    tc = tcase_create("disasm");
    tcase_add_test(tc, test_disasm_compressed);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(rvc_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
