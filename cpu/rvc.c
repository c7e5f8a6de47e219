/*
 * RVC: each 16-bit instruction is expanded to the 32-bit instruction it stands for (the
 * spec defines C that way), so the rest of the hart sees only 32-bit instructions.
 * Layout follows the spec's RVC opcode map: quadrant (bits 1:0), then funct3 (15:13).
 * The floating-point loads and stores expand to flw/fld/fsw/fsd whether or not the hart
 * has F and D (executing them then is illegal); the RV64-only encodings are illegal.
 */
#include "cpu/decode.h"

static inline uint32_t b(uint32_t w, unsigned hi, unsigned lo)
{
    return (w >> lo) & ((1u << (hi - lo + 1)) - 1);
}

/* Registers x8..x15 as named by the 3-bit fields rd', rs1', rs2'. */
static inline uint32_t creg(uint32_t f) { return 8 + f; }

/* 32-bit encoders, one per base format. Immediates arrive as plain integers. */
static uint32_t enc_r(uint32_t op, uint32_t rd, uint32_t f3, uint32_t rs1, uint32_t rs2,
                      uint32_t f7)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t enc_i(uint32_t op, uint32_t rd, uint32_t f3, uint32_t rs1, int32_t imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t enc_s(uint32_t op, uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm)
{
    uint32_t i = (uint32_t)imm;
    return b(i, 11, 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | b(i, 4, 0) << 7 | op;
}

static uint32_t enc_b(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm)
{
    uint32_t i = (uint32_t)imm;
    return b(i, 12, 12) << 31 | b(i, 10, 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           b(i, 4, 1) << 8 | b(i, 11, 11) << 7 | 0x63;
}

static uint32_t enc_j(uint32_t rd, int32_t imm)
{
    uint32_t i = (uint32_t)imm;
    return b(i, 20, 20) << 31 | b(i, 10, 1) << 21 | b(i, 11, 11) << 20 | b(i, 19, 12) << 12 |
           rd << 7 | 0x6f;
}

static inline int32_t sext(uint32_t v, unsigned width)
{
    uint32_t m = 1u << (width - 1);
    return (int32_t)((v ^ m) - m);
}

enum { OPC_LOAD = 0x03, OPC_LOAD_FP = 0x07, OPC_OP_IMM = 0x13, OPC_LUI = 0x37,
       OPC_STORE = 0x23, OPC_STORE_FP = 0x27, OPC_OP = 0x33, OPC_JALR = 0x67 };

/* CJ-format offset, shared by c.jal and c.j: offset[11|4|9:8|10|6|7|3:1|5]. */
static int32_t cj_offset(uint32_t p)
{
    return sext(b(p, 12, 12) << 11 | b(p, 11, 11) << 4 | b(p, 10, 9) << 8 | b(p, 8, 8) << 10 |
                b(p, 7, 7) << 6 | b(p, 6, 6) << 7 | b(p, 5, 3) << 1 | b(p, 2, 2) << 5, 12);
}

/* CB-format branch offset: offset[8|4:3] at 12:10, [7:6|2:1|5] at 6:2. */
static int32_t cb_offset(uint32_t p)
{
    return sext(b(p, 12, 12) << 8 | b(p, 11, 10) << 3 | b(p, 6, 5) << 6 | b(p, 4, 3) << 1 |
                b(p, 2, 2) << 5, 9);
}

/* The 6-bit signed immediate of CI format: imm[5] at 12, imm[4:0] at 6:2. */
static int32_t ci_imm(uint32_t p)
{
    return sext(b(p, 12, 12) << 5 | b(p, 6, 2), 6);
}

static uint32_t quadrant0(uint32_t p)
{
    uint32_t rd_ = creg(b(p, 4, 2)), rs1_ = creg(b(p, 9, 7));
    uint32_t lw_off = b(p, 12, 10) << 3 | b(p, 6, 6) << 2 | b(p, 5, 5) << 6;
    uint32_t ld_off = b(p, 12, 10) << 3 | b(p, 6, 5) << 6;
    switch (b(p, 15, 13)) {
    case 0: {   /* c.addi4spn: addi rd', x2, nzuimm */
        uint32_t imm = b(p, 12, 11) << 4 | b(p, 10, 7) << 6 | b(p, 6, 6) << 2 | b(p, 5, 5) << 3;
        return imm ? enc_i(OPC_OP_IMM, rd_, 0, 2, (int32_t)imm) : 0;
    }
    case 1:     /* c.fld */
        return enc_i(OPC_LOAD_FP, rd_, 3, rs1_, (int32_t)ld_off);
    case 2:     /* c.lw */
        return enc_i(OPC_LOAD, rd_, 2, rs1_, (int32_t)lw_off);
    case 3:     /* c.flw (RV32) */
        return enc_i(OPC_LOAD_FP, rd_, 2, rs1_, (int32_t)lw_off);
    case 5:     /* c.fsd */
        return enc_s(OPC_STORE_FP, 3, rs1_, rd_, (int32_t)ld_off);
    case 6:     /* c.sw */
        return enc_s(OPC_STORE, 2, rs1_, rd_, (int32_t)lw_off);
    case 7:     /* c.fsw (RV32) */
        return enc_s(OPC_STORE_FP, 2, rs1_, rd_, (int32_t)lw_off);
    default:    /* the reserved slot */
        return 0;
    }
}

static uint32_t quadrant1_alu(uint32_t p)
{
    uint32_t rd_ = creg(b(p, 9, 7)), rs2_ = creg(b(p, 4, 2));
    uint32_t shamt = b(p, 6, 2);
    switch (b(p, 11, 10)) {
    case 0:     /* c.srli; shamt[5] set is reserved on RV32 */
        return b(p, 12, 12) ? 0 : enc_i(OPC_OP_IMM, rd_, 5, rd_, (int32_t)shamt);
    case 1:     /* c.srai */
        return b(p, 12, 12) ? 0 : enc_i(OPC_OP_IMM, rd_, 5, rd_, (int32_t)(shamt | 0x400));
    case 2:     /* c.andi */
        return enc_i(OPC_OP_IMM, rd_, 7, rd_, ci_imm(p));
    default:
        if (b(p, 12, 12))       /* c.subw, c.addw: RV64 only */
            return 0;
        switch (b(p, 6, 5)) {
        case 0:  return enc_r(OPC_OP, rd_, 0, rd_, rs2_, 0x20);    /* c.sub */
        case 1:  return enc_r(OPC_OP, rd_, 4, rd_, rs2_, 0);       /* c.xor */
        case 2:  return enc_r(OPC_OP, rd_, 6, rd_, rs2_, 0);       /* c.or */
        default: return enc_r(OPC_OP, rd_, 7, rd_, rs2_, 0);       /* c.and */
        }
    }
}

static uint32_t quadrant1(uint32_t p)
{
    uint32_t rd = b(p, 11, 7);
    switch (b(p, 15, 13)) {
    case 0:     /* c.addi (c.nop when rd = 0) */
        return enc_i(OPC_OP_IMM, rd, 0, rd, ci_imm(p));
    case 1:     /* c.jal (RV32): jal x1, offset */
        return enc_j(1, cj_offset(p));
    case 2:     /* c.li: addi rd, x0, imm */
        return enc_i(OPC_OP_IMM, rd, 0, 0, ci_imm(p));
    case 3:
        if (rd == 2) {  /* c.addi16sp: nzimm[9] at 12, [4|6|8:7|5] at 6:2 */
            int32_t imm = sext(b(p, 12, 12) << 9 | b(p, 6, 6) << 4 | b(p, 5, 5) << 6 |
                               b(p, 4, 3) << 7 | b(p, 2, 2) << 5, 10);
            return imm ? enc_i(OPC_OP_IMM, 2, 0, 2, imm) : 0;
        } else {        /* c.lui: nzimm[17] at 12, [16:12] at 6:2 */
            int32_t imm = ci_imm(p);
            return imm ? ((uint32_t)imm << 12) | rd << 7 | OPC_LUI : 0;
        }
    case 4:
        return quadrant1_alu(p);
    case 5:     /* c.j: jal x0, offset */
        return enc_j(0, cj_offset(p));
    case 6:     /* c.beqz */
        return enc_b(0, creg(b(p, 9, 7)), 0, cb_offset(p));
    default:    /* c.bnez */
        return enc_b(1, creg(b(p, 9, 7)), 0, cb_offset(p));
    }
}

static uint32_t quadrant2(uint32_t p)
{
    uint32_t rd = b(p, 11, 7), rs2 = b(p, 6, 2);
    switch (b(p, 15, 13)) {
    case 0:     /* c.slli; shamt[5] set is reserved on RV32 */
        return b(p, 12, 12) ? 0 : enc_i(OPC_OP_IMM, rd, 1, rd, (int32_t)rs2);
    case 1: {   /* c.fldsp: offset[5] at 12, [4:3] at 6:5, [8:6] at 4:2 */
        uint32_t off = b(p, 12, 12) << 5 | b(p, 6, 5) << 3 | b(p, 4, 2) << 6;
        return enc_i(OPC_LOAD_FP, rd, 3, 2, (int32_t)off);
    }
    case 2: {   /* c.lwsp: offset[5] at 12, [4:2] at 6:4, [7:6] at 3:2; rd = 0 reserved */
        uint32_t off = b(p, 12, 12) << 5 | b(p, 6, 4) << 2 | b(p, 3, 2) << 6;
        return rd ? enc_i(OPC_LOAD, rd, 2, 2, (int32_t)off) : 0;
    }
    case 3: {   /* c.flwsp (RV32): as c.lwsp, and f0 is a register like any other */
        uint32_t off = b(p, 12, 12) << 5 | b(p, 6, 4) << 2 | b(p, 3, 2) << 6;
        return enc_i(OPC_LOAD_FP, rd, 2, 2, (int32_t)off);
    }
    case 5: {   /* c.fsdsp: offset[5:3] at 12:10, [8:6] at 9:7 */
        uint32_t off = b(p, 12, 10) << 3 | b(p, 9, 7) << 6;
        return enc_s(OPC_STORE_FP, 3, 2, rs2, (int32_t)off);
    }
    case 4:
        if (!b(p, 12, 12)) {
            if (rs2 == 0)       /* c.jr: jalr x0, 0(rs1); rs1 = 0 reserved */
                return rd ? enc_i(OPC_JALR, 0, 0, rd, 0) : 0;
            return enc_r(OPC_OP, rd, 0, 0, rs2, 0);            /* c.mv: add rd, x0, rs2 */
        }
        if (rs2 == 0)           /* c.ebreak, or c.jalr: jalr x1, 0(rs1) */
            return rd ? enc_i(OPC_JALR, 1, 0, rd, 0) : 0x00100073;
        return enc_r(OPC_OP, rd, 0, rd, rs2, 0);               /* c.add */
    case 6: {   /* c.swsp: offset[5:2] at 12:9, [7:6] at 8:7 */
        uint32_t off = b(p, 12, 9) << 2 | b(p, 8, 7) << 6;
        return enc_s(OPC_STORE, 2, 2, rs2, (int32_t)off);
    }
    default: {  /* c.fswsp (RV32): as c.swsp */
        uint32_t off = b(p, 12, 9) << 2 | b(p, 8, 7) << 6;
        return enc_s(OPC_STORE_FP, 2, 2, rs2, (int32_t)off);
    }
    }
}

uint32_t rvc_expand(uint16_t parcel)
{
    uint32_t p = parcel;
    switch (p & 3) {
    case 0:  return quadrant0(p);       /* all-zero parcel: c.addi4spn with 0, illegal */
    case 1:  return quadrant1(p);
    case 2:  return quadrant2(p);
    default: return 0;                  /* not a compressed instruction */
    }
}
