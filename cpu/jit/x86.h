/*
 * A small x86-64 emitter: just the instructions the translator uses, encoded by hand
 * (Intel SDM vol. 2). Registers are their hardware numbers; an operand in memory is a
 * base register and a 32-bit displacement. Every emit_* call appends to a buffer and
 * never writes past its end: a buffer that runs out is marked full and the caller
 * gives the translation up (the block then runs in the interpreter).
 *
 * Only 32-bit operations on general registers are needed for guest arithmetic (they
 * zero the upper half, as RV32 wants nothing there), plus 64-bit moves, adds and
 * compares for pointers and counters.
 */
#ifndef RVBOX_JIT_X86_H
#define RVBOX_JIT_X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum x86_reg {
    RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15,
};

/* The ALU group encoding's /digit, and the two-operand opcode base. */
enum x86_alu { ALU_ADD = 0, ALU_OR = 1, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6, ALU_CMP = 7 };
enum x86_shift { SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 };

/* Condition codes (the low nibble of Jcc and SETcc). */
enum x86_cc {
    CC_B = 0x2, CC_AE = 0x3, CC_E = 0x4, CC_NE = 0x5, CC_BE = 0x6, CC_A = 0x7,
    CC_L = 0xc, CC_GE = 0xd, CC_LE = 0xe, CC_G = 0xf,
};

struct x86 {
    uint8_t *start, *p, *end;   /* written through the cache's writable view */
    intptr_t delta;             /* executable address = written address + delta */
    bool full;                  /* an emit did not fit: the translation is void */
};

/* `delta`: where the code will run minus where it is written (two views of one memory:
 * relative jumps are computed for the executable one). */
void x86_init(struct x86 *e, uint8_t *buf, size_t size, intptr_t delta);
/* The executable address of the current position. */
static inline uint8_t *x86_here(const struct x86 *e) { return e->p + e->delta; }
static inline size_t x86_size(const struct x86 *e) { return (size_t)(e->p - e->start); }

/* Moves. m32/m64: [base + disp]; ms: [base + index*scale + disp]. */
void x86_mov_r32_r32(struct x86 *e, enum x86_reg dst, enum x86_reg src);
void x86_mov_r64_r64(struct x86 *e, enum x86_reg dst, enum x86_reg src);
void x86_mov_r32_imm(struct x86 *e, enum x86_reg dst, uint32_t imm);
void x86_mov_r64_imm(struct x86 *e, enum x86_reg dst, uint64_t imm);
void x86_mov_r32_m32(struct x86 *e, enum x86_reg dst, enum x86_reg base, int32_t disp);
void x86_mov_m32_r32(struct x86 *e, enum x86_reg base, int32_t disp, enum x86_reg src);
void x86_mov_m32_imm(struct x86 *e, enum x86_reg base, int32_t disp, uint32_t imm);
void x86_mov_r64_m64(struct x86 *e, enum x86_reg dst, enum x86_reg base, int32_t disp);
void x86_mov_m64_r64(struct x86 *e, enum x86_reg base, int32_t disp, enum x86_reg src);
/* Loads of 1, 2 or 4 bytes from [base + index] (index a 64-bit register), zero- or
 * sign-extended to 32 bits; stores of the low 1, 2 or 4 bytes of src there. */
void x86_load_idx(struct x86 *e, enum x86_reg dst, enum x86_reg base, enum x86_reg index,
                  unsigned size, bool sign);
void x86_store_idx(struct x86 *e, enum x86_reg base, enum x86_reg index, enum x86_reg src,
                   unsigned size);
/* dst = [base + index*4 + disp] (32-bit) and the store back. */
void x86_mov_r32_ms4(struct x86 *e, enum x86_reg dst, enum x86_reg base, enum x86_reg index,
                     int32_t disp);
void x86_mov_r64_ms8(struct x86 *e, enum x86_reg dst, enum x86_reg base, enum x86_reg index,
                     int32_t disp);
void x86_mov_ms4_r32(struct x86 *e, enum x86_reg base, enum x86_reg index, int32_t disp,
                     enum x86_reg src);
void x86_lea_r64(struct x86 *e, enum x86_reg dst, enum x86_reg base, enum x86_reg index,
                 unsigned scale, int32_t disp);
void x86_lea_r64_disp(struct x86 *e, enum x86_reg dst, enum x86_reg base, int32_t disp);
/* [base + index + disp] operands: dst op= it (32-bit), and a 64-bit load. */
void x86_alu_r32_mi(struct x86 *e, enum x86_alu op, enum x86_reg dst, enum x86_reg base,
                    enum x86_reg index, int32_t disp);
void x86_mov_r64_mi(struct x86 *e, enum x86_reg dst, enum x86_reg base, enum x86_reg index,
                    int32_t disp);
void x86_movzx8_r32(struct x86 *e, enum x86_reg dst, enum x86_reg src);  /* dst = src & 0xff */
void x86_movsxd_r64_r32(struct x86 *e, enum x86_reg dst, enum x86_reg src);

/* 32-bit arithmetic: dst op= src / imm / [base + disp]. */
void x86_alu_r32_r32(struct x86 *e, enum x86_alu op, enum x86_reg dst, enum x86_reg src);
void x86_alu_r32_imm(struct x86 *e, enum x86_alu op, enum x86_reg dst, uint32_t imm);
void x86_alu_r32_m32(struct x86 *e, enum x86_alu op, enum x86_reg dst, enum x86_reg base,
                     int32_t disp);
void x86_alu_m32_imm(struct x86 *e, enum x86_alu op, enum x86_reg base, int32_t disp,
                     uint32_t imm);
/* 64-bit: dst op= imm, [base + disp] op= imm, dst op= src. */
void x86_alu_r64_imm(struct x86 *e, enum x86_alu op, enum x86_reg dst, uint32_t imm);
void x86_alu_m64_imm(struct x86 *e, enum x86_alu op, enum x86_reg base, int32_t disp,
                     uint32_t imm);
void x86_alu_m64_r64(struct x86 *e, enum x86_alu op, enum x86_reg base, int32_t disp,
                     enum x86_reg src);
void x86_alu_r64_r64(struct x86 *e, enum x86_alu op, enum x86_reg dst, enum x86_reg src);
void x86_alu_r64_m64(struct x86 *e, enum x86_alu op, enum x86_reg dst, enum x86_reg base,
                     int32_t disp);
void x86_cmp_m8_imm(struct x86 *e, enum x86_reg base, int32_t disp, uint8_t imm);
void x86_test_r32_imm(struct x86 *e, enum x86_reg r, uint32_t imm);
void x86_test_r32_r32(struct x86 *e, enum x86_reg a, enum x86_reg b);
void x86_shift_r32_imm(struct x86 *e, enum x86_shift op, enum x86_reg dst, uint8_t imm);
void x86_shift_r32_cl(struct x86 *e, enum x86_shift op, enum x86_reg dst);
void x86_shift_r64_imm(struct x86 *e, enum x86_shift op, enum x86_reg dst, uint8_t imm);
void x86_imul_r32_r32(struct x86 *e, enum x86_reg dst, enum x86_reg src);
void x86_imul_r64_r64(struct x86 *e, enum x86_reg dst, enum x86_reg src);
void x86_neg_r32(struct x86 *e, enum x86_reg r);
void x86_not_r32(struct x86 *e, enum x86_reg r);
void x86_cdq(struct x86 *e);
void x86_idiv_r32(struct x86 *e, enum x86_reg src);    /* edx:eax / src */
void x86_div_r32(struct x86 *e, enum x86_reg src);
void x86_setcc_r8(struct x86 *e, enum x86_cc cc, enum x86_reg dst);

/* Control flow. Jumps with a rel32 return the written place of their displacement, for
 * x86_bind / x86_patch_rel32 once the target is known (0 until then). */
uint8_t *x86_jcc(struct x86 *e, enum x86_cc cc);
uint8_t *x86_jmp(struct x86 *e);
void x86_jmp_to(struct x86 *e, const void *target);     /* a known executable address */
void x86_jcc_to(struct x86 *e, enum x86_cc cc, const void *target);
void x86_jmp_r64(struct x86 *e, enum x86_reg target);
void x86_call_abs(struct x86 *e, const void *fn);       /* through RAX */
void x86_ret(struct x86 *e);
void x86_mfence(struct x86 *e);                         /* a full barrier */
void x86_push(struct x86 *e, enum x86_reg r);
void x86_pop(struct x86 *e, enum x86_reg r);
/* Point the rel32 written at `rel` (executing at rel + delta) at executable `target`.
 * False: out of reach of a rel32. */
bool x86_patch_rel32(uint8_t *rel, intptr_t delta, const void *target);
/* Point a rel32 of this translation at its current position. */
void x86_bind(struct x86 *e, uint8_t *rel);

#endif
