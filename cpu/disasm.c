/*
 * Disassembly driven by the instruction list: the format column of cpu/insn_list.h says
 * how each instruction's operands are printed. A compressed instruction prints as the
 * 32-bit instruction it expands to, prefixed with "c." so a trace shows what ran.
 */
#include "cpu/disasm.h"

#include <stdio.h>

#include "cpu/csr.h"
#include "cpu/decode.h"

/* The ordering suffix of an atomic: aq is bit 26, rl bit 25. */
static const char *aqrl(uint32_t raw)
{
    static const char *const suffix[4] = { "", ".rl", ".aq", ".aqrl" };
    return suffix[(raw >> 25) & 3];
}

/* ", rne" and so on: the rounding mode, unless it is the dynamic one (as objdump). */
static const char *rounding(const struct insn *d)
{
    static const char *const names[8] = {
        ", rne", ", rtz", ", rdn", ", rup", ", rmm", ", rm5", ", rm6", "",
    };
    return names[insn_rm(d)];
}

const char *disasm_mnemonic(const struct insn *d)
{
    return insn_table[d->op < OP_COUNT ? d->op : OP_ILLEGAL].mnemonic;
}

int disasm_insn(const struct insn *d, uint32_t pc, char *buf, size_t len)
{
    const struct insn_info *info = &insn_table[d->op < OP_COUNT ? d->op : OP_ILLEGAL];
    const char *c = d->len == 2 ? "c." : "";
    const char *m = info->mnemonic;
    unsigned rd = d->rd, rs1 = d->rs1, rs2 = d->rs2;
    int32_t imm = d->imm;
    char csr[24];

    if (d->op == OP_ILLEGAL || d->op >= OP_COUNT)
        return snprintf(buf, len, "illegal 0x%0*x", d->len == 2 ? 4 : 8, d->raw);

    switch (info->format) {
    case FMT_R:   return snprintf(buf, len, "%s%s x%u, x%u, x%u", c, m, rd, rs1, rs2);
    case FMT_I:   return snprintf(buf, len, "%s%s x%u, x%u, %d", c, m, rd, rs1, imm);
    case FMT_SH:  return snprintf(buf, len, "%s%s x%u, x%u, %d", c, m, rd, rs1, imm);
    case FMT_L:   return snprintf(buf, len, "%s%s x%u, %d(x%u)", c, m, rd, imm, rs1);
    case FMT_S:   return snprintf(buf, len, "%s%s x%u, %d(x%u)", c, m, rs2, imm, rs1);
    case FMT_B:   return snprintf(buf, len, "%s%s x%u, x%u, 0x%x", c, m, rs1, rs2,
                                  pc + (uint32_t)imm);
    case FMT_U:   return snprintf(buf, len, "%s%s x%u, 0x%x", c, m, rd, (uint32_t)imm >> 12);
    case FMT_J:   return snprintf(buf, len, "%s%s x%u, 0x%x", c, m, rd, pc + (uint32_t)imm);
    case FMT_JR:  return snprintf(buf, len, "%s%s x%u, %d(x%u)", c, m, rd, imm, rs1);
    case FMT_CSR:
        csr_name((uint32_t)imm & 0xfff, csr, sizeof csr);
        return snprintf(buf, len, "%s x%u, %s, x%u", m, rd, csr, rs1);
    case FMT_CSRI:
        csr_name((uint32_t)imm & 0xfff, csr, sizeof csr);
        return snprintf(buf, len, "%s x%u, %s, %u", m, rd, csr, rs1);
    case FMT_AMO: return snprintf(buf, len, "%s%s x%u, x%u, (x%u)", m, aqrl(d->raw), rd, rs2,
                                  rs1);
    case FMT_LR:  return snprintf(buf, len, "%s%s x%u, (x%u)", m, aqrl(d->raw), rd, rs1);
    case FMT_FENCE: {
        static const char *const set[16] = {
            "0", "w", "r", "rw", "o", "ow", "or", "orw",
            "i", "iw", "ir", "irw", "io", "iow", "ior", "iorw",
        };
        if ((d->raw >> 28) == 0x8 && (imm & 0xff) == 0x33)    /* fm = TSO, rw, rw */
            return snprintf(buf, len, "fence.tso");
        return snprintf(buf, len, "%s %s, %s", m, set[(imm >> 4) & 15], set[imm & 15]);
    }
    case FMT_SFENCE: return snprintf(buf, len, "%s x%u, x%u", m, rs1, rs2);
    case FMT_NONE:
        return snprintf(buf, len, "%s%s", c, m);
    case FMT_FL:   return snprintf(buf, len, "%s%s f%u, %d(x%u)", c, m, rd, imm, rs1);
    case FMT_FS:   return snprintf(buf, len, "%s%s f%u, %d(x%u)", c, m, rs2, imm, rs1);
    case FMT_FR:   return snprintf(buf, len, "%s f%u, f%u, f%u%s", m, rd, rs1, rs2, rounding(d));
    case FMT_FR2:  return snprintf(buf, len, "%s f%u, f%u, f%u", m, rd, rs1, rs2);
    case FMT_FR4:  return snprintf(buf, len, "%s f%u, f%u, f%u, f%u%s", m, rd, rs1, rs2,
                                   insn_rs3(d), rounding(d));
    case FMT_FR1:  return snprintf(buf, len, "%s f%u, f%u%s", m, rd, rs1, rounding(d));
    case FMT_FR1N: return snprintf(buf, len, "%s f%u, f%u", m, rd, rs1);
    case FMT_FXF:  return snprintf(buf, len, "%s x%u, f%u%s", m, rd, rs1, rounding(d));
    case FMT_FXFN: return snprintf(buf, len, "%s x%u, f%u", m, rd, rs1);
    case FMT_FFX:  return snprintf(buf, len, "%s f%u, x%u%s", m, rd, rs1, rounding(d));
    case FMT_FFXN: return snprintf(buf, len, "%s f%u, x%u", m, rd, rs1);
    case FMT_FCMP: return snprintf(buf, len, "%s x%u, f%u, f%u", m, rd, rs1, rs2);
    }
    return snprintf(buf, len, "%s", m);
}

int disasm(uint32_t raw, uint32_t pc, char *buf, size_t len)
{
    struct insn d;
    insn_decode(raw, &d);
    return disasm_insn(&d, pc, buf, len);
}
