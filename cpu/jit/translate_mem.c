/*
 * Translating loads, stores and atomics. The fast path is the TLB lookup of cpu/mmu.h
 * inline: the entry for the page in the current data context, its tag compared, the
 * access aligned; then one host load or store at the access's width. Anything else (a
 * miss, MMIO, a misaligned access, a page holding code) goes out of line to the
 * interpreter's slow path, mmu_load_slow / mmu_store_slow, with the cache registers
 * written back first, since the slow path may trap (the block then leaves with the
 * state of the instruction before) or raise an interrupt line (it leaves after).
 */
#include "cpu/jit/translate.h"

#include "cpu/exec.h"
#include "cpu/mmu.h"

enum { STUB_LOAD, STUB_STORE };

/* RAX = x[rs1] + imm; R10 = the addend of the TLB entry for it in `table`, after jumps
 * to a new stub when the tag does not match or the access is misaligned. Returns the
 * stub. The entry is [rbx + table + RDX], RDX = ((vpn ^ ix) & 0xff) * 16. */
static struct jit_stub *lookup(struct jit_translation *t, const struct block_insn *d,
                               unsigned index, int32_t table, unsigned size, unsigned kind)
{
    struct x86 *e = &t->e;
    struct jit_stub *s = &t->stubs[t->nstubs++];
    *s = (struct jit_stub){ .kind = kind, .index = index, .dirty = t->dirty,
                            .size = (uint8_t)size };
    jt_read_into(t, RAX, d->i.rs1);
    if (d->i.imm)
        x86_alu_r32_imm(e, ALU_ADD, RAX, (uint32_t)d->i.imm);
    x86_mov_r32_r32(e, RCX, RAX);
    x86_shift_r32_imm(e, SH_SHR, RCX, 12);
    x86_mov_r32_r32(e, RDX, RCX);
    x86_alu_r32_m32(e, ALU_XOR, RDX, RBX, H_(tlb_ix_data));
    x86_movzx8_r32(e, RDX, RDX);
    x86_shift_r32_imm(e, SH_SHL, RDX, 4);               /* sizeof(struct tlb_entry) */
    x86_alu_r32_m32(e, ALU_OR, RCX, RBX, H_(tlb_tag_data));
    x86_alu_r32_mi(e, ALU_CMP, RCX, RBX, RDX, table);
    s->from = x86_jcc(e, CC_NE);
    if (size > 1) {
        x86_test_r32_imm(e, RAX, size - 1);
        s->back = x86_jcc(e, CC_NE);    /* (a second way into the same stub) */
    }
    x86_mov_r64_mi(e, R10, RBX, RDX, table + 8);        /* the addend */
    return s;
}

_Static_assert(sizeof(struct tlb_entry) == 16, "the translated lookup scales by 16");
_Static_assert(offsetof(struct tlb_entry, addend) == 8, "and reads the addend at 8");

static bool load(struct jit_translation *t, const struct block_insn *d, unsigned index,
                 unsigned size, bool sign)
{
    struct jit_stub *s = lookup(t, d, index, H_(tlb.read), size, STUB_LOAD);
    s->sign = sign;
    unsigned rd = d->i.rd;
    if (rd != XSINK && !jt_in_memory(t, rd)) {
        x86_load_idx(&t->e, jit_pool[t->host_of[rd]], R10, RAX, size, sign);
        t->dirty |= 1u << rd;           /* straight into its cache register */
    } else {
        x86_load_idx(&t->e, RCX, R10, RAX, size, sign);
        jt_write(t, rd, RCX);
    }
    s->resume = x86_here(&t->e);
    return true;
}

static bool store(struct jit_translation *t, const struct block_insn *d, unsigned index,
                  unsigned size)
{
    struct jit_stub *s = lookup(t, d, index, H_(tlb.write), size, STUB_STORE);
    enum x86_reg v = jt_read(t, d->i.rs2, RCX);         /* RCX is free after the tag */
    x86_store_idx(&t->e, R10, RAX, v, size);
    s->resume = x86_here(&t->e);
    return true;
}

/* After a call into C: a trap leaves (the state is already in struct hart), and so does
 * a slow path that raised an interrupt line or wrote code, once rd is done. */
static uint8_t *check_trap(struct jit_translation *t, unsigned index)
{
    struct x86 *e = &t->e;
    x86_test_r32_r32(e, RAX, RAX);
    uint8_t *fine = x86_jcc(e, CC_L);                   /* cause < 0: no trap */
    x86_mov_m64_r64(e, RBX, H_(jit_trap), RAX);
    jt_exit_from_block(t, JIT_EXIT(JIT_EXIT_TRAP, index));
    x86_bind(e, fine);
    return NULL;
}

static void leave_if_needed(struct jit_translation *t, unsigned index)
{
    struct x86 *e = &t->e;
    x86_cmp_m8_imm(e, RBX, H_(leave), 0);
    uint8_t *leave = x86_jcc(e, CC_NE);
    x86_cmp_m8_imm(e, RBX, H_(code_dirty), 0);
    uint8_t *stay = x86_jcc(e, CC_E);
    x86_bind(e, leave);
    jt_write_back(t, t->cached);        /* rd included: the exit reads struct hart */
    jt_exit_from_block(t, JIT_EXIT(JIT_EXIT_AFTER, index));
    x86_bind(e, stay);
}

/* A, the atomics, and F and D: through the interpreter's exec_atomic and exec_fp, state
 * in struct hart (the floating-point registers and fcsr live there only). */
static bool through(struct jit_translation *t, const struct block_insn *d, unsigned index,
                    trap_t (*fn)(struct hart *, const struct insn *))
{
    struct x86 *e = &t->e;
    jt_write_back(t, t->dirty);
    jt_retired_exact(t, index);
    x86_mov_r64_r64(e, RDI, RBX);
    x86_mov_r64_imm(e, RSI, (uint64_t)(uintptr_t)&d->i);
    x86_call_abs(e, (const void *)fn);
    jt_retired_counted(t);
    check_trap(t, index);
    jt_reload(t, false);                /* rd changed in struct hart; the rest clobbered */
    if (d->i.rd < 32)                   /* (XSINK, for x0, is no cache register) */
        t->dirty &= ~(1u << d->i.rd);
    leave_if_needed(t, index);
    return true;
}

bool jt_mem(struct jit_translation *t, const struct block_insn *d, unsigned index)
{
    switch (d->i.op) {
#define LOAD(op, size, sign) case OP_##op: return load(t, d, index, size, sign);
#define STORE(op, size) case OP_##op: return store(t, d, index, size);
#include "cpu/semantics.h"
#undef LOAD
#undef STORE
    case OP_LR_W: case OP_SC_W: case OP_AMOSWAP_W: case OP_AMOADD_W: case OP_AMOXOR_W:
    case OP_AMOAND_W: case OP_AMOOR_W: case OP_AMOMIN_W: case OP_AMOMAX_W:
    case OP_AMOMINU_W: case OP_AMOMAXU_W:
        return through(t, d, index, exec_atomic);
    default:
        if (insn_is_fp(d->i.op))
            return through(t, d, index, exec_fp);
        return false;
    }
}

/* A load's or store's slow path: the straight line jumped here with RAX = the address. */
static void slow_path(struct jit_translation *t, struct jit_stub *s)
{
    struct x86 *e = &t->e;
    const struct block_insn *d = &t->b->insns[s->index];
    x86_bind(e, s->from);
    x86_bind(e, s->back);
    jt_write_back(t, s->dirty);
    jt_retired_exact(t, s->index);
    if (s->kind == STUB_STORE) {
        /* The value first: its register may be one the arguments need. */
        jt_read_into(t, RCX, d->i.rs2);
        x86_mov_r32_r32(e, RSI, RAX);
        x86_mov_r32_imm(e, RDX, s->size);
        x86_mov_r64_r64(e, RDI, RBX);
        x86_call_abs(e, (const void *)mmu_store_slow);
    } else {
        x86_mov_r32_r32(e, RSI, RAX);
        x86_mov_r32_imm(e, RDX, s->size);
        x86_lea_r64_disp(e, RCX, RBX, H_(jit_tmp));
        x86_mov_r64_r64(e, RDI, RBX);
        x86_call_abs(e, (const void *)mmu_load_slow);
    }
    jt_retired_counted(t);
    check_trap(t, s->index);
    jt_reload(t, true);
    if (s->kind == STUB_LOAD) {
        x86_mov_r32_m32(e, RCX, RBX, H_(jit_tmp));
        if (s->sign && s->size < 4) {
            unsigned bits = 32 - 8 * s->size;
            x86_shift_r32_imm(e, SH_SHL, RCX, (uint8_t)bits);
            x86_shift_r32_imm(e, SH_SAR, RCX, (uint8_t)bits);
        }
        t->dirty = s->dirty;
        jt_write(t, d->i.rd, RCX);
    }
    leave_if_needed(t, s->index);
    x86_jmp_to(e, s->resume);
}

void jt_emit_stubs(struct jit_translation *t)
{
    uint32_t dirty = t->dirty;
    for (unsigned i = 0; i < t->nstubs && !t->e.full; i++)
        slow_path(t, &t->stubs[i]);
    t->dirty = dirty;
}
