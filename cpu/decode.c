/*
 * The 32-bit decoder, laid out like the base opcode map of the unprivileged spec
 * (chapter "RV32/64G Instruction Set Listings", table "RISC-V base opcode map"):
 * inst[6:2] selects the major opcode, then funct3 and funct7 select the instruction.
 */
#include "cpu/decode.h"

#include <stdbool.h>

const struct insn_info insn_table[OP_COUNT] = {
    [OP_ILLEGAL] = { "illegal", FMT_NONE, 0, 0 },
#define INSN(id, mnem, fmt, m, k) [OP_##id] = { mnem, FMT_##fmt, m, k },
#include "cpu/insn_list.h"
#undef INSN
};

/* Major opcodes, inst[6:2], as named in the spec's opcode map. */
enum {
    MAJ_LOAD = 0x00, MAJ_LOAD_FP = 0x01, MAJ_MISC_MEM = 0x03, MAJ_OP_IMM = 0x04,
    MAJ_AUIPC = 0x05, MAJ_STORE = 0x08, MAJ_STORE_FP = 0x09, MAJ_AMO = 0x0b, MAJ_OP = 0x0c,
    MAJ_LUI = 0x0d, MAJ_MADD = 0x10, MAJ_MSUB = 0x11, MAJ_NMSUB = 0x12, MAJ_NMADD = 0x13,
    MAJ_OP_FP = 0x14, MAJ_BRANCH = 0x18, MAJ_JALR = 0x19, MAJ_JAL = 0x1b, MAJ_SYSTEM = 0x1c,
};

_Static_assert(OP_FCVT_D_WU - OP_FLW + 1 == 26 + 26, "insn_is_fp: F and D are one run");

static inline uint32_t bits(uint32_t w, unsigned hi, unsigned lo)
{
    return (w >> lo) & ((1u << (hi - lo + 1)) - 1);
}

static inline int32_t sext(uint32_t v, unsigned width)
{
    uint32_t m = 1u << (width - 1);
    return (int32_t)((v ^ m) - m);
}

static int32_t imm_i(uint32_t w) { return (int32_t)w >> 20; }
static int32_t imm_s(uint32_t w) { return sext(bits(w, 31, 25) << 5 | bits(w, 11, 7), 12); }
static int32_t imm_u(uint32_t w) { return (int32_t)(w & 0xfffff000u); }

static int32_t imm_b(uint32_t w)
{
    return sext(bits(w, 31, 31) << 12 | bits(w, 7, 7) << 11 | bits(w, 30, 25) << 5 |
                bits(w, 11, 8) << 1, 13);
}

static int32_t imm_j(uint32_t w)
{
    return sext(bits(w, 31, 31) << 20 | bits(w, 19, 12) << 12 | bits(w, 20, 20) << 11 |
                bits(w, 30, 21) << 1, 21);
}

static enum insn_op decode_op_imm(uint32_t w, unsigned f3, unsigned f7)
{
    static const enum insn_op by_f3[8] = {
        OP_ADDI, OP_ILLEGAL, OP_SLTI, OP_SLTIU, OP_XORI, OP_ILLEGAL, OP_ORI, OP_ANDI,
    };
    (void)w;
    switch (f3) {
    case 1: return f7 == 0x00 ? OP_SLLI : OP_ILLEGAL;   /* shamt[5] set is illegal on RV32 */
    case 5: return f7 == 0x00 ? OP_SRLI : f7 == 0x20 ? OP_SRAI : OP_ILLEGAL;
    default: return by_f3[f3];
    }
}

static enum insn_op decode_op(unsigned f3, unsigned f7)
{
    static const enum insn_op base[8] = {
        OP_ADD, OP_SLL, OP_SLT, OP_SLTU, OP_XOR, OP_SRL, OP_OR, OP_AND,
    };
    static const enum insn_op muldiv[8] = {
        OP_MUL, OP_MULH, OP_MULHSU, OP_MULHU, OP_DIV, OP_DIVU, OP_REM, OP_REMU,
    };
    switch (f7) {
    case 0x00: return base[f3];
    case 0x01: return muldiv[f3];
    case 0x20: return f3 == 0 ? OP_SUB : f3 == 5 ? OP_SRA : OP_ILLEGAL;
    default:   return OP_ILLEGAL;
    }
}

static enum insn_op decode_amo(uint32_t w, unsigned f3)
{
    if (f3 != 2)
        return OP_ILLEGAL;
    switch (bits(w, 31, 27)) {
    case 0x00: return OP_AMOADD_W;
    case 0x01: return OP_AMOSWAP_W;
    case 0x02: return bits(w, 24, 20) == 0 ? OP_LR_W : OP_ILLEGAL;
    case 0x03: return OP_SC_W;
    case 0x04: return OP_AMOXOR_W;
    case 0x08: return OP_AMOOR_W;
    case 0x0c: return OP_AMOAND_W;
    case 0x10: return OP_AMOMIN_W;
    case 0x14: return OP_AMOMAX_W;
    case 0x18: return OP_AMOMINU_W;
    case 0x1c: return OP_AMOMAXU_W;
    default:   return OP_ILLEGAL;
    }
}

/* MADD, MSUB, NMSUB, NMADD: fmt (bits 26:25) 0 is S, 1 is D; H and Q are not here. */
static enum insn_op decode_fma(uint32_t w, unsigned major)
{
    static const enum insn_op ops[4][2] = {
        { OP_FMADD_S, OP_FMADD_D }, { OP_FMSUB_S, OP_FMSUB_D },
        { OP_FNMSUB_S, OP_FNMSUB_D }, { OP_FNMADD_S, OP_FNMADD_D },
    };
    unsigned fmt = bits(w, 26, 25);
    return fmt < 2 ? ops[major - MAJ_MADD][fmt] : OP_ILLEGAL;
}

/* OP-FP: funct7 names the operation and its format (bit 25: D); funct3 or rs2 the
 * variant. funct3 is the rounding mode where the operation rounds. */
static enum insn_op decode_op_fp(unsigned f3, unsigned f7, unsigned rs2)
{
    bool d = f7 & 1;
#define SD(s_op, d_op) (d ? OP_##d_op : OP_##s_op)
    switch (f7 & ~1u) {
    case 0x00: return SD(FADD_S, FADD_D);
    case 0x04: return SD(FSUB_S, FSUB_D);
    case 0x08: return SD(FMUL_S, FMUL_D);
    case 0x0c: return SD(FDIV_S, FDIV_D);
    case 0x2c: return rs2 == 0 ? SD(FSQRT_S, FSQRT_D) : OP_ILLEGAL;
    case 0x10:
        return f3 == 0 ? SD(FSGNJ_S, FSGNJ_D) : f3 == 1 ? SD(FSGNJN_S, FSGNJN_D)
             : f3 == 2 ? SD(FSGNJX_S, FSGNJX_D) : OP_ILLEGAL;
    case 0x14: return f3 == 0 ? SD(FMIN_S, FMIN_D) : f3 == 1 ? SD(FMAX_S, FMAX_D) : OP_ILLEGAL;
    case 0x20: return !d && rs2 == 1 ? OP_FCVT_S_D : d && rs2 == 0 ? OP_FCVT_D_S : OP_ILLEGAL;
    case 0x50:
        return f3 == 0 ? SD(FLE_S, FLE_D) : f3 == 1 ? SD(FLT_S, FLT_D)
             : f3 == 2 ? SD(FEQ_S, FEQ_D) : OP_ILLEGAL;
    case 0x60:
        return rs2 == 0 ? SD(FCVT_W_S, FCVT_W_D) : rs2 == 1 ? SD(FCVT_WU_S, FCVT_WU_D)
                        : OP_ILLEGAL;
    case 0x68:
        return rs2 == 0 ? SD(FCVT_S_W, FCVT_D_W) : rs2 == 1 ? SD(FCVT_S_WU, FCVT_D_WU)
                        : OP_ILLEGAL;
    case 0x70:              /* fmv.x.w, fclass; fmv.x.d is RV64's */
        if (rs2 != 0)
            return OP_ILLEGAL;
        return f3 == 1 ? SD(FCLASS_S, FCLASS_D) : f3 == 0 && !d ? OP_FMV_X_W : OP_ILLEGAL;
    case 0x78:              /* fmv.w.x; fmv.d.x is RV64's */
        return !d && rs2 == 0 && f3 == 0 ? OP_FMV_W_X : OP_ILLEGAL;
    default:   return OP_ILLEGAL;
    }
#undef SD
}

static enum insn_op decode_system(uint32_t w, unsigned f3)
{
    static const enum insn_op csr[8] = {
        OP_ILLEGAL, OP_CSRRW, OP_CSRRS, OP_CSRRC, OP_ILLEGAL, OP_CSRRWI, OP_CSRRSI, OP_CSRRCI,
    };
    if (f3 != 0)
        return csr[f3];
    switch (w) {
    case 0x00000073: return OP_ECALL;
    case 0x00100073: return OP_EBREAK;
    case 0x10200073: return OP_SRET;
    case 0x30200073: return OP_MRET;
    case 0x10500073: return OP_WFI;
    }
    if ((w & 0xfe007fff) == 0x12000073)
        return OP_SFENCE_VMA;
    return OP_ILLEGAL;
}

static enum insn_op decode_major(uint32_t w)
{
    unsigned f3 = bits(w, 14, 12), f7 = bits(w, 31, 25);
    switch (bits(w, 6, 2)) {
    case MAJ_LOAD:
        return (const enum insn_op[8]){ OP_LB, OP_LH, OP_LW, OP_ILLEGAL, OP_LBU, OP_LHU,
                                        OP_ILLEGAL, OP_ILLEGAL }[f3];
    case MAJ_STORE:
        return f3 <= 2 ? (const enum insn_op[3]){ OP_SB, OP_SH, OP_SW }[f3] : OP_ILLEGAL;
    case MAJ_LOAD_FP:
        return f3 == 2 ? OP_FLW : f3 == 3 ? OP_FLD : OP_ILLEGAL;
    case MAJ_STORE_FP:
        return f3 == 2 ? OP_FSW : f3 == 3 ? OP_FSD : OP_ILLEGAL;
    case MAJ_MADD: case MAJ_MSUB: case MAJ_NMSUB: case MAJ_NMADD:
        return decode_fma(w, bits(w, 6, 2));
    case MAJ_OP_FP:   return decode_op_fp(f3, f7, bits(w, 24, 20));
    case MAJ_MISC_MEM:
        return f3 == 0 ? OP_FENCE : f3 == 1 ? OP_FENCE_I : OP_ILLEGAL;
    case MAJ_OP_IMM:  return decode_op_imm(w, f3, f7);
    case MAJ_OP:      return decode_op(f3, f7);
    case MAJ_AUIPC:   return OP_AUIPC;
    case MAJ_LUI:     return OP_LUI;
    case MAJ_AMO:     return decode_amo(w, f3);
    case MAJ_BRANCH:
        return (const enum insn_op[8]){ OP_BEQ, OP_BNE, OP_ILLEGAL, OP_ILLEGAL, OP_BLT, OP_BGE,
                                        OP_BLTU, OP_BGEU }[f3];
    case MAJ_JALR:    return f3 == 0 ? OP_JALR : OP_ILLEGAL;
    case MAJ_JAL:     return OP_JAL;
    case MAJ_SYSTEM:  return decode_system(w, f3);
    default:          return OP_ILLEGAL;
    }
}

void insn_decode32(uint32_t w, struct insn *d)
{
    enum insn_op op = (w & 3) == 3 ? decode_major(w) : OP_ILLEGAL;
    d->op = (uint16_t)op;
    d->rd = (uint8_t)bits(w, 11, 7);
    d->rs1 = (uint8_t)bits(w, 19, 15);
    d->rs2 = (uint8_t)bits(w, 24, 20);
    d->len = 4;
    d->raw = w;
    switch (insn_table[op].format) {
    case FMT_S:
    case FMT_FS:    d->imm = imm_s(w); break;
    case FMT_B:     d->imm = imm_b(w); break;
    case FMT_U:     d->imm = imm_u(w); break;
    case FMT_J:     d->imm = imm_j(w); break;
    case FMT_SH:    d->imm = (int32_t)bits(w, 24, 20); break;
    case FMT_CSR:
    case FMT_CSRI:  d->imm = (int32_t)bits(w, 31, 20); break;
    default:        d->imm = imm_i(w); break;
    }
}

void insn_decode(uint32_t raw, struct insn *d)
{
    if ((raw & 3) == 3) {
        insn_decode32(raw, d);
        return;
    }
    uint16_t parcel = (uint16_t)raw;
    uint32_t w = rvc_expand(parcel);
    insn_decode32(w, d);        /* w == 0 decodes to OP_ILLEGAL */
    d->len = 2;
    d->raw = parcel;
}
