/*
 * Translating the ALU instructions (RV32I register-immediate and register-register, and
 * M), with the semantics of cpu/semantics.h: 32-bit x86 arithmetic does RV32's, shifts
 * mask their count to 5 bits as RV32 does, comparisons become SETcc, and the division
 * corner cases (by zero, INT_MIN / -1) are tested before the x86 divide, which would
 * fault on them.
 */
#include "cpu/jit/translate.h"

#include "cpu/decode.h"

/* The second operand of an instruction: a register's value or an immediate. */
struct operand {
    bool imm;
    uint32_t value;             /* the immediate */
    unsigned reg;               /* else the guest register */
};

static struct operand reg_op(unsigned r)
{
    return r == 0 ? (struct operand){ .imm = true, .value = 0 } : (struct operand){ .reg = r };
}

static struct operand imm_op(int32_t v)
{
    return (struct operand){ .imm = true, .value = (uint32_t)v };
}

/* dst op= b, with b in a cache register, in struct hart, or immediate. */
static void alu_with(struct jit_translation *t, enum x86_alu op, enum x86_reg dst,
                     struct operand b)
{
    if (b.imm)
        x86_alu_r32_imm(&t->e, op, dst, b.value);
    else if (jt_in_memory(t, b.reg))
        x86_alu_r32_m32(&t->e, op, dst, RBX, H_X(b.reg));
    else
        x86_alu_r32_r32(&t->e, op, dst, jit_pool[t->host_of[b.reg]]);
}

/* rd = rs1 op b. When rd is a cache register (and not b's), the work is done in it. */
static void binop(struct jit_translation *t, enum x86_alu op, unsigned rd, unsigned rs1,
                  struct operand b)
{
    if (rd == XSINK || rd == 0)
        return;
    if (!jt_in_memory(t, rd) && (b.imm || b.reg != rd)) {
        enum x86_reg hd = jit_pool[t->host_of[rd]];
        if (rs1 != rd)
            jt_read_into(t, hd, rs1);
        alu_with(t, op, hd, b);
        t->dirty |= 1u << rd;
        return;
    }
    jt_read_into(t, RAX, rs1);
    alu_with(t, op, RAX, b);
    jt_write(t, rd, RAX);
}

/* rd = (rs1 <cc> b) ? 1 : 0 */
static void set_if(struct jit_translation *t, enum x86_cc cc, unsigned rd, unsigned rs1,
                   struct operand b)
{
    enum x86_reg a = jt_read(t, rs1, RAX);
    alu_with(t, ALU_CMP, a, b);
    x86_setcc_r8(&t->e, cc, RCX);
    x86_movzx8_r32(&t->e, RCX, RCX);
    jt_write(t, rd, RCX);
}

/* rd = rs1 shifted by an immediate, or by rs2's low five bits (x86 masks them too). */
static void shift(struct jit_translation *t, enum x86_shift op, unsigned rd, unsigned rs1,
                  struct operand b)
{
    if (b.imm && !jt_in_memory(t, rd)) {
        enum x86_reg hd = jit_pool[t->host_of[rd]];       /* in its cache register */
        if (rs1 != rd)
            jt_read_into(t, hd, rs1);
        x86_shift_r32_imm(&t->e, op, hd, (uint8_t)(b.value & 31));
        t->dirty |= 1u << rd;
        return;
    }
    if (b.imm) {
        jt_read_into(t, RAX, rs1);
        x86_shift_r32_imm(&t->e, op, RAX, (uint8_t)(b.value & 31));
    } else {
        jt_read_into(t, RCX, b.reg);
        jt_read_into(t, RAX, rs1);
        x86_shift_r32_cl(&t->e, op, RAX);
    }
    jt_write(t, rd, RAX);
}

/* The high half of a 64-bit product: each operand sign- or zero-extended first. */
static void mul_high(struct jit_translation *t, unsigned rd, unsigned rs1, unsigned rs2,
                     bool a_signed, bool b_signed)
{
    struct x86 *e = &t->e;
    jt_read_into(t, RAX, rs1);
    jt_read_into(t, RCX, rs2);
    if (a_signed)
        x86_movsxd_r64_r32(e, RAX, RAX);
    if (b_signed)
        x86_movsxd_r64_r32(e, RCX, RCX);  /* a 32-bit mov already zero-extended them */
    x86_imul_r64_r64(e, RAX, RCX);
    x86_shift_r64_imm(e, SH_SHR, RAX, 32);
    jt_write(t, rd, RAX);
}

/*
 * DIV, DIVU, REM, REMU with the spec's results where x86 would fault:
 * x / 0 = all ones, x % 0 = x; INT_MIN / -1 = INT_MIN, INT_MIN % -1 = 0.
 */
static void divide(struct jit_translation *t, unsigned op, unsigned rd, unsigned rs1,
                   unsigned rs2)
{
    struct x86 *e = &t->e;
    bool is_signed = op == OP_DIV || op == OP_REM, rem = op == OP_REM || op == OP_REMU;
    jt_read_into(t, RAX, rs1);
    jt_read_into(t, RCX, rs2);
    x86_test_r32_r32(e, RCX, RCX);
    uint8_t *by_zero = x86_jcc(e, CC_E);
    uint8_t *overflow = NULL;
    if (is_signed) {
        x86_alu_r32_imm(e, ALU_CMP, RCX, UINT32_MAX);
        uint8_t *normal = x86_jcc(e, CC_NE);
        x86_alu_r32_imm(e, ALU_CMP, RAX, 0x80000000u);
        overflow = x86_jcc(e, CC_E);
        x86_bind(e, normal);
        x86_cdq(e);
        x86_idiv_r32(e, RCX);
    } else {
        x86_mov_r32_imm(e, RDX, 0);
        x86_div_r32(e, RCX);
    }
    if (rem)
        x86_mov_r32_r32(e, RAX, RDX);
    uint8_t *done = x86_jmp(e);
    x86_bind(e, by_zero);                   /* eax still holds the dividend */
    if (!rem)
        x86_mov_r32_imm(e, RAX, UINT32_MAX);
    if (overflow) {
        uint8_t *done2 = x86_jmp(e);
        x86_bind(e, overflow);              /* INT_MIN / -1 */
        if (rem)
            x86_mov_r32_imm(e, RAX, 0);     /* (the quotient is eax = INT_MIN already) */
        x86_bind(e, done2);
    }
    x86_bind(e, done);
    jt_write(t, rd, RAX);
}

bool jt_alu(struct jit_translation *t, const struct block_insn *d)
{
    const struct insn *in = &d->i;
    unsigned rd = in->rd, rs1 = in->rs1, rs2 = in->rs2;
    if (rd == XSINK || rd == 0) {
        /* A result for x0 goes nowhere; arithmetic has no other effect. */
        switch (insn_table[in->op].format) {
        case FMT_R: case FMT_I: case FMT_SH: case FMT_U:
            return true;
        default:
            return false;
        }
    }
    struct x86 *e = &t->e;
    switch (in->op) {
    case OP_LUI:
        x86_mov_r32_imm(e, RAX, (uint32_t)in->imm);
        jt_write(t, rd, RAX);
        return true;
    case OP_AUIPC:
        x86_mov_r32_m32(e, RAX, RBX, H_(pc));
        x86_alu_r32_imm(e, ALU_ADD, RAX, d->off + (uint32_t)in->imm);
        jt_write(t, rd, RAX);
        return true;
    case OP_ADDI:  binop(t, ALU_ADD, rd, rs1, imm_op(in->imm)); return true;
    case OP_XORI:  binop(t, ALU_XOR, rd, rs1, imm_op(in->imm)); return true;
    case OP_ORI:   binop(t, ALU_OR, rd, rs1, imm_op(in->imm)); return true;
    case OP_ANDI:  binop(t, ALU_AND, rd, rs1, imm_op(in->imm)); return true;
    case OP_SLTI:  set_if(t, CC_L, rd, rs1, imm_op(in->imm)); return true;
    case OP_SLTIU: set_if(t, CC_B, rd, rs1, imm_op(in->imm)); return true;
    case OP_SLLI:  shift(t, SH_SHL, rd, rs1, imm_op(in->imm)); return true;
    case OP_SRLI:  shift(t, SH_SHR, rd, rs1, imm_op(in->imm)); return true;
    case OP_SRAI:  shift(t, SH_SAR, rd, rs1, imm_op(in->imm)); return true;
    case OP_ADD:   binop(t, ALU_ADD, rd, rs1, reg_op(rs2)); return true;
    case OP_SUB:   binop(t, ALU_SUB, rd, rs1, reg_op(rs2)); return true;
    case OP_XOR:   binop(t, ALU_XOR, rd, rs1, reg_op(rs2)); return true;
    case OP_OR:    binop(t, ALU_OR, rd, rs1, reg_op(rs2)); return true;
    case OP_AND:   binop(t, ALU_AND, rd, rs1, reg_op(rs2)); return true;
    case OP_SLT:   set_if(t, CC_L, rd, rs1, reg_op(rs2)); return true;
    case OP_SLTU:  set_if(t, CC_B, rd, rs1, reg_op(rs2)); return true;
    case OP_SLL:   shift(t, SH_SHL, rd, rs1, reg_op(rs2)); return true;
    case OP_SRL:   shift(t, SH_SHR, rd, rs1, reg_op(rs2)); return true;
    case OP_SRA:   shift(t, SH_SAR, rd, rs1, reg_op(rs2)); return true;
    case OP_MUL:
        jt_read_into(t, RAX, rs1);
        jt_read_into(t, RCX, rs2);
        x86_imul_r32_r32(e, RAX, RCX);
        jt_write(t, rd, RAX);
        return true;
    case OP_MULH:   mul_high(t, rd, rs1, rs2, true, true); return true;
    case OP_MULHSU: mul_high(t, rd, rs1, rs2, true, false); return true;
    case OP_MULHU:  mul_high(t, rd, rs1, rs2, false, false); return true;
    case OP_DIV: case OP_DIVU: case OP_REM: case OP_REMU:
        divide(t, in->op, rd, rs1, rs2);
        return true;
    default:
        return false;
    }
}
