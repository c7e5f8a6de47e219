/*
 * The 32-bit decoder (cpu/decode.c), the master list (cpu/insn_list.h) and the
 * disassembler (cpu/disasm.c), checked against encodings made by the GNU assembler.
 *
 * decode_table.h holds, for every instruction of the list (several times for those with
 * immediates: zero, negative, and the extremes of each format), the word the assembler
 * produced and the fields and text objdump printed for it.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"
#include "cpu/disasm.h"

/* Which fields of struct insn a format defines (the others hold raw bits). */
#define F_RD    (1u << 0)
#define F_RS1   (1u << 1)
#define F_RS2   (1u << 2)
#define F_IMM   (1u << 3)
#define F_FENCE (1u << 4)       /* imm[7:0] = pred << 4 | succ */

struct decode_case {
    uint32_t pc, word;
    uint16_t op;
    uint8_t rd, rs1, rs2;
    int32_t imm;
    unsigned fields;
    const char *text;
};

#include "decode_table.h"

#define N_CASES ((int)(sizeof decode_cases / sizeof decode_cases[0]))

/* Compare the fields that the case's format defines. */
static void check_fields(const struct decode_case *c, const struct insn *d, const char *via)
{
    ck_assert_msg(d->op == c->op, "%s(0x%08x) \"%s\": op %s, want %s", via, c->word, c->text,
                  insn_table[d->op].mnemonic, insn_table[c->op].mnemonic);
    ck_assert_msg(d->len == 4, "%s(0x%08x): len %u", via, c->word, d->len);
    ck_assert_msg(d->raw == c->word, "%s(0x%08x): raw 0x%08x", via, c->word, d->raw);
    if (c->fields & F_RD)
        ck_assert_msg(d->rd == c->rd, "%s \"%s\": rd %u, want %u", via, c->text, d->rd, c->rd);
    if (c->fields & F_RS1)
        ck_assert_msg(d->rs1 == c->rs1, "%s \"%s\": rs1 %u, want %u", via, c->text, d->rs1,
                      c->rs1);
    if (c->fields & F_RS2)
        ck_assert_msg(d->rs2 == c->rs2, "%s \"%s\": rs2 %u, want %u", via, c->text, d->rs2,
                      c->rs2);
    if (c->fields & F_IMM)
        ck_assert_msg(d->imm == c->imm, "%s \"%s\": imm %d (0x%x), want %d (0x%x)", via,
                      c->text, d->imm, (unsigned)d->imm, c->imm, (unsigned)c->imm);
    if (c->fields & F_FENCE)
        ck_assert_msg((d->imm & 0xff) == c->imm, "%s \"%s\": pred/succ 0x%02x, want 0x%02x",
                      via, c->text, (unsigned)d->imm & 0xff, (unsigned)c->imm);
}

START_TEST(test_fields)
{
    const struct decode_case *c = &decode_cases[_i];
    struct insn d;
    memset(&d, 0xa5, sizeof d);
    insn_decode32(c->word, &d);
    check_fields(c, &d, "insn_decode32");
    memset(&d, 0x5a, sizeof d);
    insn_decode(c->word, &d);
    check_fields(c, &d, "insn_decode");
}
END_TEST

/* The mnemonic objdump printed is the list's name for the decoded op (less an atomic's
 * .aq/.rl/.aqrl ordering suffix, which is not part of the name). */
START_TEST(test_mnemonic)
{
    const struct decode_case *c = &decode_cases[_i];
    char want[32];
    size_t n = strcspn(c->text, " ");
    ck_assert_uint_lt(n, sizeof want);
    memcpy(want, c->text, n);
    want[n] = '\0';
    static const char *const suffixes[] = { ".aqrl", ".aq", ".rl" };
    for (size_t i = 0; i < 3; i++) {
        size_t len = strlen(want), sl = strlen(suffixes[i]);
        if (len > sl && strcmp(want + len - sl, suffixes[i]) == 0) {
            want[len - sl] = '\0';
            break;
        }
    }
    struct insn d;
    insn_decode32(c->word, &d);
    ck_assert_str_eq(insn_table[c->op].mnemonic, want);
    ck_assert_str_eq(disasm_mnemonic(&d), want);
}
END_TEST

START_TEST(test_disasm_text)
{
    const struct decode_case *c = &decode_cases[_i];
    char buf[96];
    int n = disasm(c->word, c->pc, buf, sizeof buf);
    ck_assert_msg(strcmp(buf, c->text) == 0, "disasm(0x%08x, pc 0x%08x) = \"%s\", want \"%s\"",
                  c->word, c->pc, buf, c->text);
    ck_assert_int_eq(n, (int)strlen(c->text));
}
END_TEST

/* The table exercises every line of the list at least once. */
START_TEST(test_every_insn_covered)
{
    for (unsigned op = 1; op < OP_COUNT; op++) {
        int seen = 0;
        for (int i = 0; i < N_CASES; i++)
            seen += decode_cases[i].op == op;
        ck_assert_msg(seen > 0, "no test encoding for %s", insn_table[op].mnemonic);
    }
}
END_TEST

/*
 * The list's match/mask agree with the decoder: the match word itself, and the match word
 * with every don't-care bit (outside the mask) set in a few patterns, decode to that line.
 */
START_TEST(test_list_match_decodes)
{
    static const uint32_t fill[] = { 0, 0xffffffffu, 0xaaaaaaaau, 0x55555555u, 0x0f0f0f0fu };
    for (unsigned op = 1; op < OP_COUNT; op++) {
        const struct insn_info *info = &insn_table[op];
        ck_assert_msg((info->match & ~info->mask) == 0, "%s: match has bits outside mask",
                      info->mnemonic);
        for (size_t f = 0; f < sizeof fill / sizeof fill[0]; f++) {
            uint32_t w = info->match | (fill[f] & ~info->mask);
            struct insn d;
            insn_decode32(w, &d);
            ck_assert_msg(d.op == op, "0x%08x (%s with don't-cares 0x%08x) decodes to %s",
                          w, info->mnemonic, fill[f], insn_table[d.op].mnemonic);
        }
    }
}
END_TEST

/* No word matches two lines of the list: each line's match is claimed by it alone. */
START_TEST(test_list_lines_disjoint)
{
    for (unsigned a = 1; a < OP_COUNT; a++)
        for (unsigned b = 1; b < OP_COUNT; b++) {
            if (a == b)
                continue;
            const struct insn_info *ia = &insn_table[a], *ib = &insn_table[b];
            ck_assert_msg((ia->match & ib->mask) != ib->match, "%s's match 0x%08x also matches %s",
                          ia->mnemonic, ia->match, ib->mnemonic);
        }
}
END_TEST

START_TEST(test_illegal_entry)
{
    ck_assert_str_eq(insn_table[OP_ILLEGAL].mnemonic, "illegal");
    ck_assert_int_eq(OP_ILLEGAL, 0);
}
END_TEST

/* Encodings the hart does not implement, each checked by hand against objdump (which
 * knows none of them as an RV32IMAFDC_Zicsr_Zifencei instruction). */
static const struct { uint32_t word; const char *why; } illegal_words[] = {
    { 0x02051513, "slli x10, x10, 32: shamt[5] set" },
    { 0x02055513, "srli x10, x10, 32: shamt[5] set" },
    { 0x42055513, "srai x10, x10, 32: shamt[5] set" },
    { 0x20051513, "slli with funct7 0x10" },
    { 0x20055513, "srli with funct7 0x10" },
    { 0x60055513, "srai with funct7 0x30" },
    { 0x00000007, "LOAD-FP funct3 0 (a vector load)" },
    { 0x00001007, "flh (Zfh)" },
    { 0x00004007, "flq (Q)" },
    { 0x00000027, "STORE-FP funct3 0 (a vector store)" },
    { 0x00004027, "fsq (Q)" },
    { 0x0000000b, "custom-0 opcode" },
    { 0x0000002b, "custom-1 opcode" },
    { 0x04000043, "fmadd.h (fmt 2, Zfh)" },
    { 0x06000047, "fmsub.q (fmt 3, Q)" },
    { 0x0400004b, "fnmsub.h" },
    { 0x0600004f, "fnmadd.q" },
    { 0x04000053, "fadd.h (Zfh)" },
    { 0x06000053, "fadd.q (Q)" },
    { 0x58100053, "fsqrt.s with rs2 = 1" },
    { 0x20003053, "fsgnj.s with funct3 3" },
    { 0x28002053, "fmin.s with funct3 2" },
    { 0x40000053, "fcvt.s.d with rs2 = 0" },
    { 0x42100053, "fcvt.d.s with rs2 = 1" },
    { 0xa0003053, "fcmp.s with funct3 3" },
    { 0xc0200053, "fcvt.l.s (RV64)" },
    { 0xd0200053, "fcvt.s.l (RV64)" },
    { 0xe2000053, "fmv.x.d (RV64)" },
    { 0xf2000053, "fmv.d.x (RV64)" },
    { 0xe0002053, "fmv.x.w with funct3 2" },
    { 0xf0001053, "fmv.w.x with funct3 1" },
    { 0xe0101053, "fclass.s with rs2 = 1" },
    { 0xfe000053, "OP-FP funct7 0x7f" },
    { 0x00000057, "OP-V opcode" },
    { 0x0000005b, "custom-2 opcode" },
    { 0x0000006b, "reserved opcode 11010" },
    { 0x00000077, "reserved opcode 11101" },
    { 0x0000007b, "custom-3 opcode" },
    { 0x0000001b, "OP-IMM-32 (RV64)" },
    { 0x0000003b, "OP-32 (RV64)" },
    { 0x0000001f, "48-bit instruction prefix" },
    { 0x0000003f, "64-bit instruction prefix" },
    { 0x0000007f, ">= 80-bit instruction prefix" },
    { 0x04000033, "OP with funct7 0x02" },
    { 0x40001033, "sll with funct7 0x20" },
    { 0x40002033, "slt with funct7 0x20" },
    { 0x40003033, "sltu with funct7 0x20" },
    { 0x40004033, "xor with funct7 0x20" },
    { 0x40006033, "or with funct7 0x20" },
    { 0x40007033, "and with funct7 0x20" },
    { 0xfe000033, "OP with funct7 0x7f" },
    { 0x08000033, "OP with funct7 0x04" },
    { 0x22000033, "OP with funct7 0x11" },
    { 0x00003003, "ld (RV64)" },
    { 0x00006003, "lwu (RV64)" },
    { 0x00007003, "LOAD funct3 7" },
    { 0x00003023, "sd (RV64)" },
    { 0x00004023, "STORE funct3 4" },
    { 0x00007023, "STORE funct3 7" },
    { 0x00002063, "BRANCH funct3 2" },
    { 0x00003063, "BRANCH funct3 3" },
    { 0x00001067, "jalr with funct3 1" },
    { 0x00007067, "jalr with funct3 7" },
    { 0x0000200f, "MISC-MEM funct3 2" },
    { 0x0000700f, "MISC-MEM funct3 7" },
    { 0x00004073, "SYSTEM funct3 4" },
    { 0x0000302f, "amoadd.d (funct3 3)" },
    { 0x0000002f, "AMO funct3 0" },
    { 0x2800202f, "AMO funct5 0x05" },
    { 0x3800202f, "AMO funct5 0x07" },
    { 0xf800202f, "AMO funct5 0x1f" },
    { 0x1015252f, "lr.w x10, (x10) with rs2 = 1" },
    { 0x11f5a52f, "lr.w x10, (x11) with rs2 = 31" },
    { 0x000000f3, "ecall with rd = 1" },
    { 0x00008073, "ecall with rs1 = 1" },
    { 0x001000f3, "ebreak with rd = 1" },
    { 0x00200073, "uret (N extension, removed)" },
    { 0x7b200073, "dret (debug mode only)" },
    { 0x302000f3, "mret with rd = 1" },
    { 0x10208073, "sret with rs1 = 1" },
    { 0x10508073, "wfi with rs1 = 1" },
    { 0x12000173, "sfence.vma with rd = 2" },
    { 0x22000073, "hfence.vvma (H extension)" },
    { 0x16000073, "sinval.vma (Svinval)" },
    { 0x70200073, "mnret (Smrnmi)" },
    { 0x30300073, "SYSTEM funct3 0, funct12 0x303" },
    { 0x00000000, "all-zero word" },
    { 0xffffffff, "all-ones word" },
};

#define N_ILLEGAL ((int)(sizeof illegal_words / sizeof illegal_words[0]))

START_TEST(test_illegal)
{
    uint32_t w = illegal_words[_i].word;
    const char *why = illegal_words[_i].why;
    struct insn d;
    insn_decode32(w, &d);
    ck_assert_msg(d.op == OP_ILLEGAL, "0x%08x (%s) decodes to %s", w, why,
                  insn_table[d.op].mnemonic);
    ck_assert_uint_eq(d.raw, w);
    if ((w & 3) == 3) {
        insn_decode(w, &d);
        ck_assert_msg(d.op == OP_ILLEGAL, "insn_decode(0x%08x) (%s) = %s", w, why,
                      insn_table[d.op].mnemonic);
        char buf[32], want[32];
        snprintf(want, sizeof want, "illegal 0x%08x", w);
        disasm(w, 0, buf, sizeof buf);
        ck_assert_str_eq(buf, want);
    }
    /* and no line of the list claims it */
    for (unsigned op = 1; op < OP_COUNT; op++)
        ck_assert_msg((w & insn_table[op].mask) != insn_table[op].match,
                      "0x%08x (%s) matches the list's %s", w, why, insn_table[op].mnemonic);
}
END_TEST

/* The all-zero word through the generic entry point is an illegal 16-bit instruction. */
START_TEST(test_zero_word_generic)
{
    struct insn d;
    insn_decode(0, &d);
    ck_assert_int_eq(d.op, OP_ILLEGAL);
    ck_assert_uint_eq(d.len, 2);
    char buf[32];
    disasm(0, 0, buf, sizeof buf);
    ck_assert_str_eq(buf, "illegal 0x0000");
}
END_TEST

/* A few texts written out by hand, independent of the generated table. */
START_TEST(test_disasm_examples)
{
    static const struct { uint32_t word, pc; const char *text; } ex[] = {
        { 0xffb58513, 0x80000000, "addi x10, x11, -5" },
        { 0x00812283, 0x80000000, "lw x5, 8(x2)" },
        { 0x00512423, 0x80000000, "sw x5, 8(x2)" },
        { 0x30002573, 0x80000000, "csrrs x10, mstatus, x0" },
        { 0x34011073, 0x80000000, "csrrw x0, mscratch, x2" },
        { 0xfe000fe3, 0x00001000, "beq x0, x0, 0xffe" },
        { 0x00b50463, 0x80000010, "beq x10, x11, 0x80000018" },
        { 0x0000006f, 0x80000000, "jal x0, 0x80000000" },
        { 0x800000ef, 0x00000000, "jal x1, 0xfff00000" },   /* the target wraps */
        { 0x12345537, 0x80000000, "lui x10, 0x12345" },
        { 0x41f35293, 0x80000000, "srai x5, x6, 31" },
        { 0x00b6252f, 0x80000000, "amoadd.w x10, x11, (x12)" },
        { 0x0ff0000f, 0x80000000, "fence iorw, iorw" },
        { 0x30200073, 0x80000000, "mret" },
        { 0x0000006b, 0x80000000, "illegal 0x0000006b" },
    };
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
        char buf[64];
        disasm(ex[i].word, ex[i].pc, buf, sizeof buf);
        ck_assert_msg(strcmp(buf, ex[i].text) == 0, "disasm(0x%08x) = \"%s\", want \"%s\"",
                      ex[i].word, buf, ex[i].text);
    }
}
END_TEST

/* A short buffer gets a terminated prefix, and the return value is the full length. */
START_TEST(test_disasm_truncates)
{
    char buf[8];
    memset(buf, 'z', sizeof buf);
    int n = disasm(0xffb58513, 0, buf, sizeof buf);     /* "addi x10, x11, -5" */
    ck_assert_int_eq(n, 17);
    ck_assert_str_eq(buf, "addi x1");
}
END_TEST

/*
 * The aq/rl bits of LR/SC/AMOs are part of what a trace must show: the GNU spelling
 * (which disasm.h promises) carries them as .aq/.rl/.aqrl suffixes.
 */
START_TEST(test_disasm_aqrl)
{
    static const struct { uint32_t word; const char *text; } ex[] = {
        { 0x1600afaf, "lr.w.aqrl x31, (x1)" },
        { 0x1c63a2af, "sc.w.aq x5, x6, (x7)" },
        { 0x020fafaf, "amoadd.w.rl x31, x0, (x31)" },
        { 0xe7df2e2f, "amomaxu.w.aqrl x28, x29, (x30)" },
    };
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
        char buf[64];
        disasm(ex[i].word, 0x80000000, buf, sizeof buf);
        ck_assert_msg(strcmp(buf, ex[i].text) == 0, "disasm(0x%08x) = \"%s\", want \"%s\"",
                      ex[i].word, buf, ex[i].text);
    }
}
END_TEST

/* fence.tso (fm = 1000, rw,rw) is its own mnemonic in the GNU spelling. */
START_TEST(test_disasm_fence_tso)
{
    char buf[64];
    struct insn d;
    insn_decode32(0x8330000f, &d);
    ck_assert_int_eq(d.op, OP_FENCE);       /* a fence to the hart, which may ignore fm */
    disasm(0x8330000f, 0x80000000, buf, sizeof buf);
    ck_assert_str_eq(buf, "fence.tso");
}
END_TEST

static Suite *decode_suite(void)
{
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("table");
    tcase_add_loop_test(tc, test_fields, 0, N_CASES);
    tcase_add_loop_test(tc, test_mnemonic, 0, N_CASES);
    tcase_add_loop_test(tc, test_disasm_text, 0, N_CASES);
    tcase_add_test(tc, test_every_insn_covered);
    suite_add_tcase(s, tc);

    tc = tcase_create("list");
    tcase_add_test(tc, test_list_match_decodes);
    tcase_add_test(tc, test_list_lines_disjoint);
    tcase_add_test(tc, test_illegal_entry);
    suite_add_tcase(s, tc);

    tc = tcase_create("illegal");
    tcase_add_loop_test(tc, test_illegal, 0, N_ILLEGAL);
    tcase_add_test(tc, test_zero_word_generic);
    suite_add_tcase(s, tc);

    tc = tcase_create("disasm");
    tcase_add_test(tc, test_disasm_examples);
    tcase_add_test(tc, test_disasm_truncates);
    tcase_add_test(tc, test_disasm_aqrl);
    tcase_add_test(tc, test_disasm_fence_tso);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(decode_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
