/*
 * The x86-64 emitter (cpu/jit/x86.h). Encodings from the Intel SDM, vol. 2: a REX
 * prefix where an operand is r8-r15 (or the operation is 64-bit, or a byte register
 * beyond bl is meant), the opcode, a ModRM byte (plus SIB for rsp/r12 bases and
 * indexed forms), then displacement and immediate.
 */
#include "cpu/jit/x86.h"

#include <string.h>

void x86_init(struct x86 *e, uint8_t *buf, size_t size, intptr_t delta)
{
    e->start = e->p = buf;
    e->end = buf + size;
    e->delta = delta;
    e->full = false;
}

/* Room for one more instruction (15 bytes at most), or mark the buffer full. */
static bool room(struct x86 *e)
{
    if (e->full || e->end - e->p < 16) {
        e->full = true;
        return false;
    }
    return true;
}

static void byte(struct x86 *e, uint8_t b) { *e->p++ = b; }

static void u32(struct x86 *e, uint32_t v)
{
    memcpy(e->p, &v, 4);
    e->p += 4;
}

static bool fits8(int32_t v) { return v >= -128 && v <= 127; }

/* REX with W, and the high bits of the reg field, the SIB index and the rm/base. */
static void rex(struct x86 *e, bool w, unsigned reg, unsigned index, unsigned base, bool force)
{
    uint8_t r = (uint8_t)(0x40 | (w ? 8 : 0) | ((reg >> 3) & 1) << 2 | ((index >> 3) & 1) << 1 |
                          ((base >> 3) & 1));
    if (r != 0x40 || force)
        byte(e, r);
}

static void modrm_reg(struct x86 *e, unsigned reg, unsigned rm)
{
    byte(e, (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7)));
}

/* ModRM (+SIB) (+disp) for [base + disp]. */
static void modrm_mem(struct x86 *e, unsigned reg, unsigned base, int32_t disp)
{
    unsigned mod = disp == 0 && (base & 7) != RBP ? 0 : fits8(disp) ? 1 : 2;
    byte(e, (uint8_t)(mod << 6 | (reg & 7) << 3 | ((base & 7) == RSP ? 4 : (base & 7))));
    if ((base & 7) == RSP)
        byte(e, 0x24);                          /* SIB: no index, base rsp/r12 */
    if (mod == 1)
        byte(e, (uint8_t)(int8_t)disp);
    else if (mod == 2)
        u32(e, (uint32_t)disp);
}

/* ModRM + SIB (+disp) for [base + index*scale + disp]; index is never rsp. */
static void modrm_sib(struct x86 *e, unsigned reg, unsigned base, unsigned index, unsigned scale,
                      int32_t disp)
{
    unsigned ss = scale == 8 ? 3 : scale == 4 ? 2 : scale == 2 ? 1 : 0;
    unsigned mod = disp == 0 && (base & 7) != RBP ? 0 : fits8(disp) ? 1 : 2;
    byte(e, (uint8_t)(mod << 6 | (reg & 7) << 3 | 4));
    byte(e, (uint8_t)(ss << 6 | (index & 7) << 3 | (base & 7)));
    if (mod == 1)
        byte(e, (uint8_t)(int8_t)disp);
    else if (mod == 2)
        u32(e, (uint32_t)disp);
}

/* ---- moves ---- */

void x86_mov_r32_r32(struct x86 *e, enum x86_reg dst, enum x86_reg src)
{
    if (!room(e))
        return;
    rex(e, false, src, 0, dst, false);
    byte(e, 0x89);
    modrm_reg(e, src, dst);
}

void x86_mov_r64_r64(struct x86 *e, enum x86_reg dst, enum x86_reg src)
{
    if (!room(e))
        return;
    rex(e, true, src, 0, dst, false);
    byte(e, 0x89);
    modrm_reg(e, src, dst);
}

/* Always the mov form, never xor: it must leave the flags alone. */
void x86_mov_r32_imm(struct x86 *e, enum x86_reg dst, uint32_t imm)
{
    if (!room(e))
        return;
    rex(e, false, 0, 0, dst, false);
    byte(e, (uint8_t)(0xb8 + (dst & 7)));
    u32(e, imm);
}

void x86_mov_r64_imm(struct x86 *e, enum x86_reg dst, uint64_t imm)
{
    if (imm <= UINT32_MAX) {
        x86_mov_r32_imm(e, dst, (uint32_t)imm);     /* zero-extends */
        return;
    }
    if (!room(e))
        return;
    rex(e, true, 0, 0, dst, false);
    byte(e, (uint8_t)(0xb8 + (dst & 7)));
    memcpy(e->p, &imm, 8);
    e->p += 8;
}

static void op_mem(struct x86 *e, bool w, uint8_t opcode, unsigned reg, enum x86_reg base,
                   int32_t disp)
{
    if (!room(e))
        return;
    rex(e, w, reg, 0, base, false);
    byte(e, opcode);
    modrm_mem(e, reg, base, disp);
}

void x86_mov_r32_m32(struct x86 *e, enum x86_reg dst, enum x86_reg base, int32_t disp)
{
    op_mem(e, false, 0x8b, dst, base, disp);
}

void x86_mov_m32_r32(struct x86 *e, enum x86_reg base, int32_t disp, enum x86_reg src)
{
    op_mem(e, false, 0x89, src, base, disp);
}

void x86_mov_m32_imm(struct x86 *e, enum x86_reg base, int32_t disp, uint32_t imm)
{
    op_mem(e, false, 0xc7, 0, base, disp);
    if (!e->full)
        u32(e, imm);
}

void x86_mov_r64_m64(struct x86 *e, enum x86_reg dst, enum x86_reg base, int32_t disp)
{
    op_mem(e, true, 0x8b, dst, base, disp);
}

void x86_mov_m64_r64(struct x86 *e, enum x86_reg base, int32_t disp, enum x86_reg src)
{
    op_mem(e, true, 0x89, src, base, disp);
}

void x86_load_idx(struct x86 *e, enum x86_reg dst, enum x86_reg base, enum x86_reg index,
                  unsigned size, bool sign)
{
    if (!room(e))
        return;
    rex(e, false, dst, index, base, false);
    if (size == 4) {
        byte(e, 0x8b);
    } else {
        byte(e, 0x0f);
        byte(e, size == 1 ? (sign ? 0xbe : 0xb6) : (sign ? 0xbf : 0xb7));
    }
    modrm_sib(e, dst, base, index, 1, 0);
}

void x86_store_idx(struct x86 *e, enum x86_reg base, enum x86_reg index, enum x86_reg src,
                   unsigned size)
{
    if (!room(e))
        return;
    if (size == 2)
        byte(e, 0x66);
    /* A byte store from sil/dil/bpl/spl needs a REX prefix, or it means dh/bh/ch/ah. */
    rex(e, false, src, index, base, size == 1 && src >= RSP);
    byte(e, size == 1 ? 0x88 : 0x89);
    modrm_sib(e, src, base, index, 1, 0);
}

void x86_mov_r32_ms4(struct x86 *e, enum x86_reg dst, enum x86_reg base, enum x86_reg index,
                     int32_t disp)
{
    if (!room(e))
        return;
    rex(e, false, dst, index, base, false);
    byte(e, 0x8b);
    modrm_sib(e, dst, base, index, 4, disp);
}

void x86_mov_r64_ms8(struct x86 *e, enum x86_reg dst, enum x86_reg base, enum x86_reg index,
                     int32_t disp)
{
    if (!room(e))
        return;
    rex(e, true, dst, index, base, false);
    byte(e, 0x8b);
    modrm_sib(e, dst, base, index, 8, disp);
}

void x86_mov_ms4_r32(struct x86 *e, enum x86_reg base, enum x86_reg index, int32_t disp,
                     enum x86_reg src)
{
    if (!room(e))
        return;
    rex(e, false, src, index, base, false);
    byte(e, 0x89);
    modrm_sib(e, src, base, index, 4, disp);
}

void x86_lea_r64(struct x86 *e, enum x86_reg dst, enum x86_reg base, enum x86_reg index,
                 unsigned scale, int32_t disp)
{
    if (!room(e))
        return;
    rex(e, true, dst, index, base, false);
    byte(e, 0x8d);
    modrm_sib(e, dst, base, index, scale, disp);
}

void x86_lea_r64_disp(struct x86 *e, enum x86_reg dst, enum x86_reg base, int32_t disp)
{
    op_mem(e, true, 0x8d, dst, base, disp);
}

void x86_alu_r32_mi(struct x86 *e, enum x86_alu op, enum x86_reg dst, enum x86_reg base,
                    enum x86_reg index, int32_t disp)
{
    if (!room(e))
        return;
    rex(e, false, dst, index, base, false);
    byte(e, (uint8_t)(op << 3 | 3));
    modrm_sib(e, dst, base, index, 1, disp);
}

void x86_mov_r64_mi(struct x86 *e, enum x86_reg dst, enum x86_reg base, enum x86_reg index,
                    int32_t disp)
{
    if (!room(e))
        return;
    rex(e, true, dst, index, base, false);
    byte(e, 0x8b);
    modrm_sib(e, dst, base, index, 1, disp);
}

void x86_movzx8_r32(struct x86 *e, enum x86_reg dst, enum x86_reg src)
{
    if (!room(e))
        return;
    rex(e, false, dst, 0, src, src >= RSP);
    byte(e, 0x0f);
    byte(e, 0xb6);
    modrm_reg(e, dst, src);
}

void x86_movsxd_r64_r32(struct x86 *e, enum x86_reg dst, enum x86_reg src)
{
    if (!room(e))
        return;
    rex(e, true, dst, 0, src, false);
    byte(e, 0x63);
    modrm_reg(e, dst, src);
}

/* ---- arithmetic ---- */

void x86_alu_r32_r32(struct x86 *e, enum x86_alu op, enum x86_reg dst, enum x86_reg src)
{
    if (!room(e))
        return;
    rex(e, false, src, 0, dst, false);
    byte(e, (uint8_t)(op << 3 | 1));
    modrm_reg(e, src, dst);
}

void x86_alu_r64_r64(struct x86 *e, enum x86_alu op, enum x86_reg dst, enum x86_reg src)
{
    if (!room(e))
        return;
    rex(e, true, src, 0, dst, false);
    byte(e, (uint8_t)(op << 3 | 1));
    modrm_reg(e, src, dst);
}

static void alu_imm(struct x86 *e, bool w, enum x86_alu op, enum x86_reg dst, uint32_t imm)
{
    if (!room(e))
        return;
    rex(e, w, 0, 0, dst, false);
    if (fits8((int32_t)imm)) {
        byte(e, 0x83);
        modrm_reg(e, op, dst);
        byte(e, (uint8_t)imm);
    } else {
        byte(e, 0x81);
        modrm_reg(e, op, dst);
        u32(e, imm);
    }
}

void x86_alu_r32_imm(struct x86 *e, enum x86_alu op, enum x86_reg dst, uint32_t imm)
{
    alu_imm(e, false, op, dst, imm);
}

void x86_alu_r64_imm(struct x86 *e, enum x86_alu op, enum x86_reg dst, uint32_t imm)
{
    alu_imm(e, true, op, dst, imm);
}

void x86_alu_r32_m32(struct x86 *e, enum x86_alu op, enum x86_reg dst, enum x86_reg base,
                     int32_t disp)
{
    op_mem(e, false, (uint8_t)(op << 3 | 3), dst, base, disp);
}

void x86_alu_r64_m64(struct x86 *e, enum x86_alu op, enum x86_reg dst, enum x86_reg base,
                     int32_t disp)
{
    op_mem(e, true, (uint8_t)(op << 3 | 3), dst, base, disp);
}

void x86_alu_m64_r64(struct x86 *e, enum x86_alu op, enum x86_reg base, int32_t disp,
                     enum x86_reg src)
{
    op_mem(e, true, (uint8_t)(op << 3 | 1), src, base, disp);
}

static void alu_mem_imm(struct x86 *e, bool w, enum x86_alu op, enum x86_reg base, int32_t disp,
                        uint32_t imm)
{
    bool small = fits8((int32_t)imm);
    op_mem(e, w, small ? 0x83 : 0x81, op, base, disp);
    if (e->full)
        return;
    if (small)
        byte(e, (uint8_t)imm);
    else
        u32(e, imm);
}

void x86_alu_m32_imm(struct x86 *e, enum x86_alu op, enum x86_reg base, int32_t disp,
                     uint32_t imm)
{
    alu_mem_imm(e, false, op, base, disp, imm);
}

void x86_alu_m64_imm(struct x86 *e, enum x86_alu op, enum x86_reg base, int32_t disp,
                     uint32_t imm)
{
    alu_mem_imm(e, true, op, base, disp, imm);
}

void x86_cmp_m8_imm(struct x86 *e, enum x86_reg base, int32_t disp, uint8_t imm)
{
    op_mem(e, false, 0x80, 7, base, disp);
    if (!e->full)
        byte(e, imm);
}

void x86_test_r32_imm(struct x86 *e, enum x86_reg r, uint32_t imm)
{
    if (!room(e))
        return;
    rex(e, false, 0, 0, r, false);
    byte(e, 0xf7);
    modrm_reg(e, 0, r);
    u32(e, imm);
}

void x86_test_r32_r32(struct x86 *e, enum x86_reg a, enum x86_reg b)
{
    if (!room(e))
        return;
    rex(e, false, b, 0, a, false);
    byte(e, 0x85);
    modrm_reg(e, b, a);
}

static void shift(struct x86 *e, bool w, enum x86_shift op, enum x86_reg dst, int imm)
{
    if (!room(e))
        return;
    rex(e, w, 0, 0, dst, false);
    if (imm < 0) {
        byte(e, 0xd3);                          /* by cl */
        modrm_reg(e, op, dst);
    } else {
        byte(e, 0xc1);
        modrm_reg(e, op, dst);
        byte(e, (uint8_t)imm);
    }
}

void x86_shift_r32_imm(struct x86 *e, enum x86_shift op, enum x86_reg dst, uint8_t imm)
{
    shift(e, false, op, dst, imm & 31);
}

void x86_shift_r32_cl(struct x86 *e, enum x86_shift op, enum x86_reg dst)
{
    shift(e, false, op, dst, -1);
}

void x86_shift_r64_imm(struct x86 *e, enum x86_shift op, enum x86_reg dst, uint8_t imm)
{
    shift(e, true, op, dst, imm & 63);
}

static void two_byte_rr(struct x86 *e, bool w, uint8_t op2, enum x86_reg reg, enum x86_reg rm)
{
    if (!room(e))
        return;
    rex(e, w, reg, 0, rm, false);
    byte(e, 0x0f);
    byte(e, op2);
    modrm_reg(e, reg, rm);
}

void x86_imul_r32_r32(struct x86 *e, enum x86_reg dst, enum x86_reg src)
{
    two_byte_rr(e, false, 0xaf, dst, src);
}

void x86_imul_r64_r64(struct x86 *e, enum x86_reg dst, enum x86_reg src)
{
    two_byte_rr(e, true, 0xaf, dst, src);
}

static void group3(struct x86 *e, unsigned digit, enum x86_reg r)
{
    if (!room(e))
        return;
    rex(e, false, 0, 0, r, false);
    byte(e, 0xf7);
    modrm_reg(e, digit, r);
}

void x86_neg_r32(struct x86 *e, enum x86_reg r) { group3(e, 3, r); }
void x86_not_r32(struct x86 *e, enum x86_reg r) { group3(e, 2, r); }
void x86_idiv_r32(struct x86 *e, enum x86_reg src) { group3(e, 7, src); }
void x86_div_r32(struct x86 *e, enum x86_reg src) { group3(e, 6, src); }

void x86_cdq(struct x86 *e)
{
    if (room(e))
        byte(e, 0x99);
}

void x86_setcc_r8(struct x86 *e, enum x86_cc cc, enum x86_reg dst)
{
    if (!room(e))
        return;
    rex(e, false, 0, 0, dst, dst >= RSP);
    byte(e, 0x0f);
    byte(e, (uint8_t)(0x90 | cc));
    modrm_reg(e, 0, dst);
}

/* ---- control flow ---- */

uint8_t *x86_jcc(struct x86 *e, enum x86_cc cc)
{
    if (!room(e))
        return NULL;
    byte(e, 0x0f);
    byte(e, (uint8_t)(0x80 | cc));
    uint8_t *rel = e->p;
    u32(e, 0);
    return rel;
}

uint8_t *x86_jmp(struct x86 *e)
{
    if (!room(e))
        return NULL;
    byte(e, 0xe9);
    uint8_t *rel = e->p;
    u32(e, 0);
    return rel;
}

bool x86_patch_rel32(uint8_t *rel, intptr_t delta, const void *target)
{
    if (!rel)
        return false;
    intptr_t from = (intptr_t)rel + delta + 4;
    intptr_t d = (intptr_t)target - from;
    if (d < INT32_MIN || d > INT32_MAX)
        return false;
    int32_t v = (int32_t)d;
    memcpy(rel, &v, 4);
    return true;
}

void x86_bind(struct x86 *e, uint8_t *rel)
{
    if (rel && !e->full)
        x86_patch_rel32(rel, e->delta, x86_here(e));
}

void x86_jmp_to(struct x86 *e, const void *target)
{
    uint8_t *rel = x86_jmp(e);
    if (rel && !x86_patch_rel32(rel, e->delta, target))
        e->full = true;                         /* out of reach: give the block up */
}

void x86_jcc_to(struct x86 *e, enum x86_cc cc, const void *target)
{
    uint8_t *rel = x86_jcc(e, cc);
    if (rel && !x86_patch_rel32(rel, e->delta, target))
        e->full = true;
}

void x86_jmp_r64(struct x86 *e, enum x86_reg target)
{
    if (!room(e))
        return;
    rex(e, false, 0, 0, target, false);
    byte(e, 0xff);
    modrm_reg(e, 4, target);
}

void x86_call_abs(struct x86 *e, const void *fn)
{
    x86_mov_r64_imm(e, RAX, (uint64_t)(uintptr_t)fn);
    if (!room(e))
        return;
    byte(e, 0xff);
    byte(e, 0xd0);                              /* call rax */
}

void x86_mfence(struct x86 *e)
{
    if (room(e)) {
        byte(e, 0x0f);
        byte(e, 0xae);
        byte(e, 0xf0);
    }
}

void x86_ret(struct x86 *e)
{
    if (room(e))
        byte(e, 0xc3);
}

void x86_push(struct x86 *e, enum x86_reg r)
{
    if (!room(e))
        return;
    rex(e, false, 0, 0, r, false);
    byte(e, (uint8_t)(0x50 + (r & 7)));
}

void x86_pop(struct x86 *e, enum x86_reg r)
{
    if (!room(e))
        return;
    rex(e, false, 0, 0, r, false);
    byte(e, (uint8_t)(0x58 + (r & 7)));
}
