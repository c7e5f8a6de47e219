/*
 * Instruction decoding: a raw instruction word (32-bit, or a 16-bit RVC parcel) becomes a
 * `struct insn` with the operation and its fields already extracted and its immediate
 * sign-extended, so that execution never looks at instruction bits again. Decoding has no
 * side effects and depends on nothing but the bits, so decoded instructions can be cached.
 */
#ifndef RVBOX_DECODE_H
#define RVBOX_DECODE_H

#include <stdint.h>

enum insn_op {
    OP_ILLEGAL = 0,
#define INSN(id, mnem, fmt, match, mask) OP_##id,
#include "cpu/insn_list.h"
#undef INSN
    OP_COUNT
};

enum insn_format {
    FMT_R, FMT_I, FMT_SH, FMT_L, FMT_S, FMT_B, FMT_U, FMT_J, FMT_JR, FMT_CSR, FMT_CSRI,
    FMT_AMO, FMT_LR, FMT_FENCE, FMT_NONE, FMT_SFENCE,
    FMT_FL, FMT_FS, FMT_FR, FMT_FR2, FMT_FR4, FMT_FR1, FMT_FR1N, FMT_FXF, FMT_FXFN,
    FMT_FFX, FMT_FFXN, FMT_FCMP,
};

struct insn {
    uint16_t op;        /* enum insn_op */
    uint8_t rd, rs1, rs2;
    uint8_t len;        /* 2 (compressed) or 4 */
    int32_t imm;        /* sign-extended immediate; CSR number for CSR ops; shamt for shifts;
                           pred/succ (imm[7:0]) for fence */
    uint32_t raw;       /* the original bits: 16 of them for a compressed instruction */
};

/* The F and D fields that only their instructions have, taken from the bits when
 * needed (the decoder does not spend time on them): the rounding mode (funct3) and the
 * fused multiply-adds' third source. Compressed F/D instructions have neither. */
static inline unsigned insn_rm(const struct insn *d) { return (d->raw >> 12) & 7; }
static inline unsigned insn_rs3(const struct insn *d) { return d->raw >> 27; }

/* Is op one of the F and D instructions (cpu/fpu.c executes them all)? */
static inline int insn_is_fp(unsigned op)
{
    return op >= OP_FLW && op <= OP_FCVT_D_WU;
}

/* Decode a 32-bit instruction word (low two bits 11). An encoding the hart does not
 * implement decodes to OP_ILLEGAL. The F and D instructions decode whether or not the
 * hart has them (misa cannot change): executing one it lacks is illegal. */
void insn_decode32(uint32_t raw, struct insn *out);

/* Decode one instruction from its first parcel(s): a word whose low two bits are not 11 is
 * a compressed instruction in its low 16 bits (the upper half is ignored). */
void insn_decode(uint32_t raw, struct insn *out);

/* The 32-bit instruction a 16-bit RVC instruction stands for, or 0 when the parcel is
 * illegal or reserved on RV32. */
uint32_t rvc_expand(uint16_t parcel);

/* Length in bytes of the instruction starting with `parcel`. */
static inline unsigned insn_length(uint32_t parcel)
{
    return (parcel & 3) == 3 ? 4 : 2;
}

/* The list, indexed by enum insn_op (OP_ILLEGAL included): mnemonic, format, match, mask. */
struct insn_info {
    const char *mnemonic;
    enum insn_format format;
    uint32_t match, mask;
};
extern const struct insn_info insn_table[OP_COUNT];

#endif
