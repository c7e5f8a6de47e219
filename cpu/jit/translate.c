/*
 * Translating one block (cpu/jit/translate.h): its entry (budget check, counts, loading
 * the register cache), the straight line of its instructions (cpu/jit/translate_alu.c,
 * translate_mem.c), its exits (branches, jumps, the instruction the interpreter must
 * run), then the out-of-line stubs.
 */
#include "cpu/jit/translate.h"

#include <string.h>

#include "cpu/decode.h"
#include "cpu/exec.h"

const enum x86_reg jit_pool[JIT_POOL] = { R12, R13, R14, R15, RBP, RSI, RDI, R8, R9 };

static bool callee_saved(unsigned pool_index)
{
    return pool_index < 5;      /* r12-r15, rbp */
}

/* ---- the register cache ---- */

bool jt_in_memory(const struct jit_translation *t, unsigned r)
{
    return t->host_of[r] < 0;
}

/* The host register holding guest register r: its cache register, or `scratch` loaded
 * from struct hart (x0 reads 0). */
enum x86_reg jt_read(struct jit_translation *t, unsigned r, enum x86_reg scratch)
{
    if (r == 0) {
        x86_mov_r32_imm(&t->e, scratch, 0);
        return scratch;
    }
    if (t->host_of[r] >= 0)
        return jit_pool[t->host_of[r]];
    x86_mov_r32_m32(&t->e, scratch, RBX, H_X(r));
    return scratch;
}

void jt_read_into(struct jit_translation *t, enum x86_reg dst, unsigned r)
{
    enum x86_reg src = jt_read(t, r, dst);
    if (src != dst)
        x86_mov_r32_r32(&t->e, dst, src);
}

/* rd = src. Writes to x0 (XSINK) vanish. */
void jt_write(struct jit_translation *t, unsigned r, enum x86_reg src)
{
    if (r == 0 || r == XSINK)
        return;
    if (t->host_of[r] >= 0) {
        enum x86_reg h = jit_pool[t->host_of[r]];
        if (h != src)
            x86_mov_r32_r32(&t->e, h, src);
        t->dirty |= 1u << r;
    } else {
        x86_mov_m32_r32(&t->e, RBX, H_X(r), src);
    }
}

/* Store the given dirty cache registers to struct hart. */
void jt_write_back(struct jit_translation *t, uint32_t dirty)
{
    for (unsigned r = 1; r < 32; r++)
        if (dirty & (1u << r))
            x86_mov_m32_r32(&t->e, RBX, H_X(r), jit_pool[t->host_of[r]]);
}

/* Load the cache registers from struct hart (after a call to C clobbered the
 * caller-saved ones, or changed guest registers). */
void jt_reload(struct jit_translation *t, bool caller_saved_only)
{
    for (unsigned r = 1; r < 32; r++) {
        int i = t->host_of[r];
        if (i >= 0 && (!caller_saved_only || !callee_saved((unsigned)i)))
            x86_mov_r32_m32(&t->e, jit_pool[i], RBX, H_X(r));
    }
}

/*
 * Around a call into C that may read the counters (a CSR access, or a slow-path access
 * that reaches a device whose time follows the instruction count): first h->retired as
 * of instruction `index` (what the code retired since jit_run entered it, jit_base - R11,
 * each block counting itself whole, less this block's instructions from `index` on), and
 * R11 saved (the callee's to clobber); after, both as they were, since jit_run counts
 * the steps itself. RAX is free before; RAX, the result, is kept after.
 */
void jt_retired_exact(struct jit_translation *t, unsigned index)
{
    struct x86 *e = &t->e;
    x86_mov_r64_m64(e, RCX, RBX, H_(jit_base));
    x86_alu_r64_r64(e, ALU_SUB, RCX, R11);
    x86_alu_r64_imm(e, ALU_SUB, RCX, t->count - index);
    x86_mov_m64_r64(e, RBX, H_(jit_tmp64), RCX);
    x86_alu_m64_r64(e, ALU_ADD, RBX, H_(retired), RCX);
    x86_mov_m64_r64(e, RBX, H_(jit_left), R11);
}

void jt_retired_counted(struct jit_translation *t)
{
    struct x86 *e = &t->e;
    x86_mov_r64_m64(e, R11, RBX, H_(jit_left));
    x86_mov_r64_m64(e, RCX, RBX, H_(jit_tmp64));
    x86_alu_m64_r64(e, ALU_SUB, RBX, H_(retired), RCX);
}

/* Return to jit_run with an exit code (registers already written back). */
void jt_exit(struct jit_translation *t, unsigned code)
{
    x86_mov_r32_imm(&t->e, RAX, code);
    x86_jmp_to(&t->e, t->exit_stub);
}

/* The same, saying which block left (after chaining it may not be the one entered). */
void jt_exit_from_block(struct jit_translation *t, unsigned code)
{
    x86_mov_r64_imm(&t->e, RAX, (uint64_t)(uintptr_t)t->b);
    x86_mov_m64_r64(&t->e, RBX, H_(jit_exit_block), RAX);
    jt_exit(t, code);
}

/* Choose the guest registers to keep in host registers: those used most in the block,
 * and at least twice (once is no better than a memory operand). */
static void allocate(struct jit_translation *t)
{
    unsigned uses[XSINK + 1] = { 0 };
    for (unsigned i = 0; i < t->b->ninsns; i++) {
        const struct insn *in = &t->b->insns[i].i;
        uses[in->rs1]++;
        uses[in->rs2]++;
        uses[in->rd]++;
    }
    memset(t->host_of, -1, sizeof t->host_of);
    t->cached = 0;
    for (unsigned n = 0; n < JIT_POOL; n++) {
        unsigned best = 0, most = 1;
        for (unsigned r = 1; r < 32; r++) {
            if (uses[r] > most && t->host_of[r] < 0) {
                best = r;
                most = uses[r];
            }
        }
        if (!best)
            break;
        t->host_of[best] = (int8_t)n;
        t->cached |= 1u << best;
        uses[best] = 0;
    }
}

/*
 * A lookup of h->pc's translation: what an indirect or cross-page exit does with h->pc
 * set. It does in host code what jit_run would (the fetch TLB for pc, then the block
 * table) and jumps to the block's translation when both know it; otherwise it returns to
 * jit_run (JIT_EXIT_LOOKUP), which translates, steps, or takes an interrupt. One copy is
 * shared by cross-page exits; each indirect jump (a return, mostly) has its own, so that
 * the host predicts each one's final jump apart.
 */
void jt_emit_lookup(struct x86 *e, const uint8_t *exit)
{
    x86_mov_r32_m32(e, RAX, RBX, H_(pc));
    x86_mov_r32_r32(e, RCX, RAX);
    x86_shift_r32_imm(e, SH_SHR, RCX, 12);
    x86_mov_r32_r32(e, RDX, RCX);
    x86_alu_r32_m32(e, ALU_XOR, RDX, RBX, H_(tlb_ix_exec));
    x86_alu_r32_imm(e, ALU_AND, RDX, TLB_SIZE - 1);
    x86_shift_r32_imm(e, SH_SHL, RDX, 4);
    x86_alu_r32_m32(e, ALU_OR, RCX, RBX, H_(tlb_tag_exec));
    x86_lea_r64(e, R10, RBX, RDX, 1, H_(tlb.exec));
    x86_alu_r32_m32(e, ALU_CMP, RCX, R10, 0);
    uint8_t *miss1 = x86_jcc(e, CC_NE);
    x86_mov_r64_m64(e, R10, R10, 8);
    x86_alu_r64_r64(e, ALU_ADD, R10, RAX);                 /* host address of pc */
    /* block_slot(): ((host >> 1) ^ (host >> (1 + BLOCK_TABLE_BITS))) & mask */
    x86_mov_r64_r64(e, RCX, R10);
    x86_shift_r64_imm(e, SH_SHR, RCX, 1);
    x86_mov_r64_r64(e, RDX, R10);
    x86_shift_r64_imm(e, SH_SHR, RDX, 1 + BLOCK_TABLE_BITS);
    x86_alu_r64_r64(e, ALU_XOR, RCX, RDX);
    x86_alu_r32_imm(e, ALU_AND, RCX, (1u << BLOCK_TABLE_BITS) - 1);
    x86_mov_r64_m64(e, RDX, RBX, H_(blocks));
    x86_mov_r64_ms8(e, RDX, RDX, RCX, (int32_t)offsetof(struct block_cache, table));
    x86_alu_r64_imm(e, ALU_CMP, RDX, 0);
    uint8_t *miss2 = x86_jcc(e, CC_E);
    x86_alu_r64_m64(e, ALU_CMP, R10, RDX, (int32_t)offsetof(struct block, host));
    uint8_t *miss3 = x86_jcc(e, CC_NE);
    x86_mov_r64_m64(e, RAX, RDX, (int32_t)offsetof(struct block, jit));
    x86_alu_r64_imm(e, ALU_CMP, RAX, 0);
    uint8_t *miss4 = x86_jcc(e, CC_E);
    x86_jmp_r64(e, RAX);
    x86_bind(e, miss1);
    x86_bind(e, miss2);
    x86_bind(e, miss3);
    x86_bind(e, miss4);
    x86_mov_r32_imm(e, RAX, JIT_EXIT_LOOKUP);
    x86_jmp_to(e, exit);
}


_Static_assert(sizeof(struct tlb_entry) == 16, "the lookup scales by 16");

/* ---- control flow ---- */

/* h->hist_* gets the move from pc0 + from_off to pc0 + to_off (pc0 = h->pc), unless it
 * is no move (the next instruction), as the interpreter decides. */
static void history(struct jit_translation *t, uint32_t from_off, uint32_t to_off,
                    unsigned len)
{
    struct x86 *e = &t->e;
    if (to_off == from_off + len)
        return;
    x86_mov_r32_m32(e, RAX, RBX, H_(hist_pos));
    x86_alu_m32_imm(e, ALU_ADD, RBX, H_(hist_pos), 1);
    x86_alu_r32_imm(e, ALU_AND, RAX, HART_HISTORY_LEN - 1);
    x86_mov_r32_m32(e, RCX, RBX, H_(pc));
    x86_alu_r32_imm(e, ALU_ADD, RCX, from_off);
    x86_mov_ms4_r32(e, RBX, RAX, H_(hist_from), RCX);
    x86_alu_r32_imm(e, ALU_ADD, RCX, to_off - from_off);
    x86_mov_ms4_r32(e, RBX, RAX, H_(hist_to), RCX);
}

/* Leave for pc0 + delta. A target in the block's page can be chained later (slot 0 or
 * 1): its jump goes to a stub that reports it, until jit_run points it at the
 * successor's code. Elsewhere: back to jit_run to look it up. */
static void exit_to(struct jit_translation *t, uint32_t delta, unsigned slot)
{
    struct x86 *e = &t->e;
    x86_alu_m32_imm(e, ALU_ADD, RBX, H_(pc), delta);
    uint32_t target_off = t->page_off + delta;      /* wraps for targets below the page */
    if (target_off >= 4096 || slot > 1) {
        x86_jmp_to(e, t->lookup_stub);
        return;
    }
    uint8_t *rel = x86_jmp(e);
    t->b->jit_link[slot] = rel;
    x86_bind(e, rel);           /* the stub follows at once: fall into it until linked */
    jt_exit_from_block(t, JIT_EXIT(JIT_EXIT_CHAIN, slot));
}

/*
 * With the harts in threads of their own (h->parallel when the block is translated),
 * another thread may raise a line or end the run (h->leave) while this hart runs
 * chained translations, which never return to jit_run by themselves: each block's
 * entry, and each pass of a one-block loop, looks at leave and goes back to jit_run
 * (as when out of budget, with nothing done) when it is set. One compare of a byte that
 * stays in the cache; translations made while the harts take turns do without it
 * (there, lines change only between runs). `loop`: the registers are live (write them
 * back first).
 */
static void leave_check(struct jit_translation *t, bool loop)
{
    if (!t->h->parallel)
        return;
    struct x86 *e = &t->e;
    x86_cmp_m8_imm(e, RBX, H_(leave), 0);
    uint8_t *stay = x86_jcc(e, CC_E);
    if (loop)
        jt_write_back(t, t->dirty);
    jt_exit(t, JIT_EXIT_BUDGET);
    x86_bind(e, stay);
}

/*
 * A branch or jump back to the block's own start (a loop of one block): the next pass
 * needs no chaining and no reload: its registers are where they are. Only the budget is
 * checked, as an entry would; out of budget, the registers go back to struct hart and
 * jit_run finishes in plain steps. (Blocks that loop count every cache register they
 * write as dirty from the start: translate() sets that up.)
 */
static void loop_back(struct jit_translation *t)
{
    struct x86 *e = &t->e;
    leave_check(t, true);
    x86_alu_r64_imm(e, ALU_CMP, R11, t->b->ninsns);
    uint8_t *out = x86_jcc(e, CC_B);
    if (t->count)
        x86_alu_r64_imm(e, ALU_SUB, R11, t->count);
    x86_jmp_to(e, t->body);
    x86_bind(e, out);
    jt_write_back(t, t->dirty);
    jt_exit(t, JIT_EXIT_BUDGET);
}

static void branch(struct jit_translation *t, const struct block_insn *d)
{
    struct x86 *e = &t->e;
    enum x86_reg a = jt_read(t, d->i.rs1, RAX);
    enum x86_cc cc;
    switch (d->i.op) {
    case OP_BEQ:  cc = CC_E; break;
    case OP_BNE:  cc = CC_NE; break;
    case OP_BLT:  cc = CC_L; break;
    case OP_BGE:  cc = CC_GE; break;
    case OP_BLTU: cc = CC_B; break;
    default:      cc = CC_AE; break;        /* bgeu */
    }
    if (d->i.rs2 == 0)
        x86_alu_r32_imm(e, ALU_CMP, a, 0);
    else if (jt_in_memory(t, d->i.rs2))
        x86_alu_r32_m32(e, ALU_CMP, a, RBX, H_X(d->i.rs2));
    else
        x86_alu_r32_r32(e, ALU_CMP, a, jit_pool[t->host_of[d->i.rs2]]);
    uint8_t *taken = x86_jcc(e, cc);
    jt_write_back(t, t->dirty);             /* (movs: the flags stay for the jcc above) */
    exit_to(t, d->off + d->i.len, 0);
    x86_bind(e, taken);
    history(t, d->off, d->off + (uint32_t)d->i.imm, d->i.len);
    if (d->off + (uint32_t)d->i.imm == 0) {
        loop_back(t);
        return;
    }
    jt_write_back(t, t->dirty);
    exit_to(t, d->off + (uint32_t)d->i.imm, 1);
}

static void jal(struct jit_translation *t, const struct block_insn *d)
{
    x86_mov_r32_m32(&t->e, RAX, RBX, H_(pc));
    x86_alu_r32_imm(&t->e, ALU_ADD, RAX, d->off + d->i.len);
    jt_write(t, d->i.rd, RAX);
    history(t, d->off, d->off + (uint32_t)d->i.imm, d->i.len);
    if (d->off + (uint32_t)d->i.imm == 0) {
        loop_back(t);
        return;
    }
    jt_write_back(t, t->dirty);
    exit_to(t, d->off + (uint32_t)d->i.imm, 1);
}

static void jalr(struct jit_translation *t, const struct block_insn *d)
{
    struct x86 *e = &t->e;
    /* The target first: rd may be rs1. It waits in RDX. */
    jt_read_into(t, RDX, d->i.rs1);
    x86_alu_r32_imm(e, ALU_ADD, RDX, (uint32_t)d->i.imm);
    x86_alu_r32_imm(e, ALU_AND, RDX, ~1u);
    x86_mov_r32_m32(e, RAX, RBX, H_(pc));
    x86_alu_r32_imm(e, ALU_ADD, RAX, d->off + d->i.len);
    jt_write(t, d->i.rd, RAX);
    jt_write_back(t, t->dirty);
    /* History, unless the target is the next instruction (no move). */
    x86_mov_r32_m32(e, RCX, RBX, H_(pc));
    x86_alu_r32_imm(e, ALU_ADD, RCX, d->off + d->i.len);
    x86_alu_r32_r32(e, ALU_CMP, RCX, RDX);
    uint8_t *no_move = x86_jcc(e, CC_E);
    x86_alu_r32_imm(e, ALU_SUB, RCX, d->i.len);
    x86_mov_r32_m32(e, RAX, RBX, H_(hist_pos));
    x86_alu_m32_imm(e, ALU_ADD, RBX, H_(hist_pos), 1);
    x86_alu_r32_imm(e, ALU_AND, RAX, HART_HISTORY_LEN - 1);
    x86_mov_ms4_r32(e, RBX, RAX, H_(hist_from), RCX);
    x86_mov_ms4_r32(e, RBX, RAX, H_(hist_to), RDX);
    x86_bind(e, no_move);
    x86_mov_m32_r32(e, RBX, H_(pc), RDX);
    x86_jmp_to(e, t->lookup_stub);
}

/* The block's last instruction is the interpreter's (SYSTEM, CSR, fence.i, illegal):
 * leave with h->pc on it. */
static void to_interpreter(struct jit_translation *t, const struct block_insn *d)
{
    jt_write_back(t, t->dirty);
    if (d->off)
        x86_alu_m32_imm(&t->e, ALU_ADD, RBX, H_(pc), d->off);
    jt_exit(t, JIT_EXIT_STEP);
}

/* fence (exec_fence): a full barrier on the host when the harts run in parallel and
 * the fence orders writes before reads, the one order x86-64 does not keep. */
static void fence(struct jit_translation *t, const struct block_insn *d)
{
    unsigned pred = (d->i.raw >> 24) & 0xf, succ = (d->i.raw >> 20) & 0xf;
    if (!(pred & FENCE_W) || !(succ & FENCE_R))
        return;
    struct x86 *e = &t->e;
    x86_cmp_m8_imm(e, RBX, H_(parallel), 0);
    uint8_t *alone = x86_jcc(e, CC_E);
    x86_mfence(e);
    x86_bind(e, alone);
}

/* Does this instruction end the block's code itself (no fall-through exit needed)? */
static bool ends_with_exit(unsigned op);

static bool for_interpreter(unsigned op)
{
    switch (op) {
    case OP_ECALL: case OP_EBREAK: case OP_MRET: case OP_SRET: case OP_WFI:
    case OP_SFENCE_VMA: case OP_FENCE_I: case OP_ILLEGAL:
        return true;
    default:
        return false;
    }
}

static bool is_csr(unsigned op)
{
    return op >= OP_CSRRW && op <= OP_CSRRCI;
}

/*
 * A CSR access, the last instruction of its block: through the interpreter's exec_csr,
 * with the state in struct hart and h->retired exact (the entry counted the whole block;
 * the counters read here must not see this instruction or later ones). It may enable an
 * interrupt (leave after it) or change the translation context (read from struct hart
 * by every access that follows).
 */
static void csr(struct jit_translation *t, const struct block_insn *d, unsigned index)
{
    struct x86 *e = &t->e;
    jt_write_back(t, t->dirty);
    jt_retired_exact(t, index);
    x86_mov_r64_r64(e, RDI, RBX);
    x86_mov_r64_imm(e, RSI, (uint64_t)(uintptr_t)&d->i);
    x86_call_abs(e, (const void *)exec_csr);
    jt_retired_counted(t);
    x86_test_r32_r32(e, RAX, RAX);
    uint8_t *fine = x86_jcc(e, CC_L);
    x86_mov_m64_r64(e, RBX, H_(jit_trap), RAX);
    jt_exit_from_block(t, JIT_EXIT(JIT_EXIT_TRAP, index));
    x86_bind(e, fine);
    jt_reload(t, false);        /* rd changed in struct hart; the rest was clobbered */
    x86_cmp_m8_imm(e, RBX, H_(leave), 0);
    uint8_t *stay = x86_jcc(e, CC_E);
    jt_exit_from_block(t, JIT_EXIT(JIT_EXIT_AFTER, index));
    x86_bind(e, stay);
    exit_to(t, d->off + d->i.len, 0);
}

static bool ends_with_exit(unsigned op)
{
    switch (op) {
    case OP_BEQ: case OP_BNE: case OP_BLT: case OP_BGE: case OP_BLTU: case OP_BGEU:
    case OP_JAL: case OP_JALR:
        return true;
    default:
        return for_interpreter(op) || is_csr(op);
    }
}

/* ---- the block ---- */

static void entry(struct jit_translation *t)
{
    struct x86 *e = &t->e;
    /* Enough budget for the whole block (the interpreter's last instruction included),
     * or back to jit_run before doing anything. */
    x86_alu_r64_imm(e, ALU_CMP, R11, t->b->ninsns);
    uint8_t *enough = x86_jcc(e, CC_AE);
    jt_exit(t, JIT_EXIT_BUDGET);
    x86_bind(e, enough);
    leave_check(t, false);
    if (t->count)
        x86_alu_r64_imm(e, ALU_SUB, R11, t->count);
    jt_reload(t, false);
    t->body = x86_here(e);
}

/* Does the block branch or jump back to its own start? */
static bool loops(const struct block *b)
{
    const struct block_insn *d = &b->insns[b->ninsns - 1];
    switch (d->i.op) {
    case OP_BEQ: case OP_BNE: case OP_BLT: case OP_BGE: case OP_BLTU: case OP_BGEU:
    case OP_JAL:
        return d->off + (uint32_t)d->i.imm == 0;
    default:
        return false;
    }
}

/* The cache registers some instruction of the block writes. */
static uint32_t written(const struct jit_translation *t)
{
    uint32_t w = 0;
    for (unsigned i = 0; i < t->b->ninsns; i++) {
        unsigned rd = t->b->insns[i].i.rd;
        if (rd < 32 && t->host_of[rd] >= 0)
            w |= 1u << rd;
    }
    return w;
}

bool jit_translate(struct jit_translation *t, struct hart *h, struct jit_cache *c,
                   const uint8_t *exit_stub, const uint8_t *lookup_stub, struct block *b)
{
    memset(t, 0, offsetof(struct jit_translation, stubs));
    t->nstubs = 0;
    t->h = h;
    t->b = b;
    t->exit_stub = exit_stub;
    t->lookup_stub = lookup_stub;
    t->page_off = b->pa & 0xfff;   /* the guest's page: host memory need not be aligned */
    unsigned n = b->ninsns;
    bool last_interp = for_interpreter(b->insns[n - 1].i.op);
    t->count = last_interp ? n - 1 : n;
    b->jit_link[0] = b->jit_link[1] = NULL;
    allocate(t);
    x86_init(&t->e, jit_cache_next(c), jit_cache_room(c), jit_cache_delta(c));
    entry(t);
    if (loops(b))
        t->dirty = written(t);  /* a later pass may start with any of them not written back */
    for (unsigned i = 0; i < n && !t->e.full; i++) {
        const struct block_insn *d = &b->insns[i];
        switch (d->i.op) {
        case OP_BEQ: case OP_BNE: case OP_BLT: case OP_BGE: case OP_BLTU: case OP_BGEU:
            branch(t, d);
            break;
        case OP_JAL:
            jal(t, d);
            break;
        case OP_JALR:
            jalr(t, d);
            break;
        case OP_FENCE:
            fence(t, d);
            break;
        default:
            if (is_csr(d->i.op))
                csr(t, d, i);
            else if (for_interpreter(d->i.op))
                to_interpreter(t, d);
            else if (!jt_alu(t, d) && !jt_mem(t, d, i))
                return false;           /* nothing else exists; a decoder change would */
            break;
        }
    }
    /* A block cut by its size or the page end falls through (the exit entry). */
    const struct block_insn *last = &b->insns[n - 1];
    if (!ends_with_exit(last->i.op)) {
        jt_write_back(t, t->dirty);
        exit_to(t, b->insns[n].off, 0);
    }
    jt_emit_stubs(t);
    if (t->e.full)
        return false;
    b->jit = x86_here(&t->e) - x86_size(&t->e);
    b->jit_count = (uint16_t)t->count;
    jit_cache_commit(c, x86_size(&t->e));
    return true;
}
