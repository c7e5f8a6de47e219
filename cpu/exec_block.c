/*
 * The block engine: runs decoded blocks (cpu/block.h) with threaded dispatch. Each
 * instruction's handler ends by jumping straight to the next instruction's handler; a
 * block's exit finds its successor through the chain it learnt, so hot loops run with
 * no lookup at all. What the instructions do comes from cpu/semantics.h and the shared
 * helpers of cpu/exec.h, as in the plain step: only the dispatch differs.
 *
 * Exactness, as the plain step: `retired` (so minstret and mcycle) is brought up to date
 * before anything that can read it or trap (CSR accesses end a block and run with the
 * count of the instructions before them; a slow-path access, which may reach a device
 * whose time follows the instruction count, sees it exact too); a trap in the middle of a block retires
 * exactly the instructions before it and leaves pc on the faulting one; interrupts are
 * taken between blocks, so at most BLOCK_MAX_INSNS instructions after they became
 * pending; budgets are exact (a block that would overrun runs in plain steps).
 *
 * Where a block cannot be had (the fetch TLB does not map pc yet, code on a device, a
 * 32-bit instruction across a page end), one plain step runs and fills the TLB.
 */
#include "bus/bus.h"
#include "cpu/alu.h"
#include "cpu/block.h"
#include "cpu/csr_defs.h"
#include "cpu/exec.h"
#include "cpu/mmu.h"

#include <string.h>

/* Sign- or zero-extend a loaded value. */
static inline uint32_t extend(uint32_t v, unsigned size, bool sign)
{
    if (!sign || size == 4)
        return v;
    return size == 1 ? (uint32_t)(int8_t)v : (uint32_t)(int16_t)v;
}

enum hart_stop block_run(struct hart *h, uint64_t budget, uint64_t *steps_out)
{
    static const void *const handlers[BLOCK_OP_COUNT] = {
#define ALU(op, value) [OP_##op] = &&op_##op,
#define BRANCH(op, cond) [OP_##op] = &&op_##op,
#define LOAD(op, size, sign) [OP_##op] = &&op_##op,
#define STORE(op, size) [OP_##op] = &&op_##op,
#include "cpu/semantics.h"
#undef ALU
#undef BRANCH
#undef LOAD
#undef STORE
        [OP_ILLEGAL] = &&op_system,
        [OP_JAL] = &&op_JAL,
        [OP_JALR] = &&op_JALR,
        [OP_FENCE] = &&op_FENCE,
        [OP_FENCE_I] = &&op_FENCE_I,
        [OP_ECALL] = &&op_system, [OP_EBREAK] = &&op_system, [OP_MRET] = &&op_system,
        [OP_SRET] = &&op_system, [OP_WFI] = &&op_system, [OP_SFENCE_VMA] = &&op_system,
        [OP_CSRRW] = &&op_csr, [OP_CSRRS] = &&op_csr, [OP_CSRRC] = &&op_csr,
        [OP_CSRRWI] = &&op_csr, [OP_CSRRSI] = &&op_csr, [OP_CSRRCI] = &&op_csr,
        [OP_LR_W] = &&op_atomic, [OP_SC_W] = &&op_atomic, [OP_AMOSWAP_W] = &&op_atomic,
        [OP_AMOADD_W] = &&op_atomic, [OP_AMOXOR_W] = &&op_atomic,
        [OP_AMOAND_W] = &&op_atomic, [OP_AMOOR_W] = &&op_atomic,
        [OP_AMOMIN_W] = &&op_atomic, [OP_AMOMAX_W] = &&op_atomic,
        [OP_AMOMINU_W] = &&op_atomic, [OP_AMOMAXU_W] = &&op_atomic,
        [OP_FLW ... OP_FCVT_D_WU] = &&op_fp,
        [BLOCK_OP_EXIT] = &&op_EXIT,
        [BLOCK_OP_NOP] = &&op_NOP,
    };
    if (!block_handlers(h))
        block_set_handlers(h, handlers);

    uint32_t *const x = h->x;
    uint64_t steps = 0;
    enum hart_stop stop = HART_STOP_BUDGET;
    struct block *b = NULL, *link_from = NULL;
    unsigned link_slot = 0;
    const struct block_insn *d = NULL;
    uint32_t pc0 = 0, next_pc = 0;
    unsigned slot = 0;
    trap_t t;
    /* The data TLB's context, constant within a block: what changes it (a trap, xRET, a
     * CSR write) ends the block. */
    uint32_t ix_data = 0, tag_data = 0;

    /* Interrupts are checked when hart_run starts, as the plain loop checks them: the
     * host may have made one takeable without a line or a CSR write setting h->leave
     * (hart_set_priv, a debugger's or a test's). */
    hart_leave(h);

/* The instruction's own address, and where the next one is. */
#define PC (pc0 + d->off)
#define NEXT_PC (PC + d->i.len)
/* The number of instructions of the block before this one. */
#define DONE ((unsigned)(d - b->insns))
#define DISPATCH_NEXT() do { d++; goto *d->handler; } while (0)

dispatch:
    h->code_dirty = false;
    if (hart_flag(&h->yield) || steps >= budget)
        goto out;
    if (hart_flag(&h->leave) || h->waiting) {
        int cost = exec_boundary(h);
        if (cost < 0) {
            stop = HART_STOP_WFI;
            goto out;
        }
        steps += (unsigned)cost;
        link_from = NULL;
    }
    if (h->debug || steps >= budget)
        goto out;               /* debugging needs the checking loop: hart_run switches */
    {
        const uint8_t *host = mmu_code_host(h, h->pc);
        b = host ? block_lookup(h, host) : NULL;
        if (host && !b) {
            bool flushed;
            b = block_build(h, host, h->pc, &flushed);
            if (flushed)
                link_from = NULL;
        }
        if (!b) {
            exec_step(h);       /* fills the fetch TLB, or raises the fetch's trap */
            steps++;
            link_from = NULL;
            goto dispatch;
        }
    }
    if (link_from) {
        link_from->chain[link_slot] = b;
        link_from = NULL;
    }
    if (b->ninsns > budget - steps) {
        /* The block would overrun the budget: finish it exactly, one step at a time. */
        uint64_t n = exec_steps(h, budget - steps, &stop);
        steps += n;
        goto out_stopped;
    }
enter:
    pc0 = h->pc;
    ix_data = h->tlb_ix_data;
    tag_data = h->tlb_tag_data;
    d = b->insns;
    goto *d->handler;

    /* ---- instructions that fall through to the next ---- */

#define ALU(op, value)                                                                  \
op_##op: {                                                                              \
        const uint32_t A = x[d->i.rs1], B = x[d->i.rs2];                                \
        const uint32_t IMM = (uint32_t)d->i.imm;                                        \
        (void)A, (void)B, (void)IMM;                                                    \
        x[d->i.rd] = (value);                                                           \
        DISPATCH_NEXT();                                                                \
    }
#define LOAD(op, size, sign)                                                            \
op_##op: {                                                                              \
        uint32_t va = x[d->i.rs1] + (uint32_t)d->i.imm, v;                              \
        const struct tlb_entry *e = tlb_entry_for(h->tlb.read, va, ix_data);            \
        if (likely(e->tag == TLB_TAG(va >> 12, tag_data) && (va & ((size) - 1)) == 0)) { \
            v = host_load((const void *)(e->addend + va), size);                        \
        } else {                                                                        \
            uint32_t slow;      /* not v: its address would keep v out of registers */  \
            h->retired += DONE;         /* exact for a device that reads the counters */ \
            t = mmu_load_slow(h, va, size, &slow);                                      \
            h->retired -= DONE;                                                         \
            if (unlikely(trap_raised(t)))                                               \
                goto trap;                                                              \
            if (unlikely(hart_flag(&h->leave) || h->code_dirty)) {                      \
                x[d->i.rd] = extend(slow, size, sign);                                  \
                goto leave_after;                                                       \
            }                                                                           \
            v = slow;                                                                   \
        }                                                                               \
        x[d->i.rd] = extend(v, size, sign);                                             \
        DISPATCH_NEXT();                                                                \
    }
#define STORE(op, size)                                                                 \
op_##op: {                                                                              \
        uint32_t va = x[d->i.rs1] + (uint32_t)d->i.imm, v = x[d->i.rs2];                \
        const struct tlb_entry *e = tlb_entry_for(h->tlb.write, va, ix_data);           \
        if (likely(tlb_store_tag(e) == TLB_TAG(va >> 12, tag_data) &&                \
                   (va & ((size) - 1)) == 0)) {                                         \
            host_store((void *)(e->addend + va), size, v);                              \
        } else {                                                                        \
            h->retired += DONE;                                                         \
            t = mmu_store_slow(h, va, size, v);                                         \
            h->retired -= DONE;                                                         \
            if (unlikely(trap_raised(t)))                                               \
                goto trap;                                                              \
            if (unlikely(hart_flag(&h->leave) || h->code_dirty))                        \
                goto leave_after;                                                       \
        }                                                                               \
        DISPATCH_NEXT();                                                                \
    }
#define BRANCH(op, cond)                                                                \
op_##op: {                                                                              \
        const uint32_t A = x[d->i.rs1], B = x[d->i.rs2];                                \
        if (cond) {                                                                     \
            next_pc = PC + (uint32_t)d->i.imm;                                          \
            slot = 1;                                                                   \
        } else {                                                                        \
            next_pc = NEXT_PC;                                                          \
            slot = 0;                                                                   \
        }                                                                               \
        goto block_end;                                                                 \
    }
#include "cpu/semantics.h"
#undef ALU
#undef BRANCH
#undef LOAD
#undef STORE

op_NOP:
    DISPATCH_NEXT();

op_atomic:
    h->retired += DONE;
    t = exec_atomic(h, &d->i);
    h->retired -= DONE;
    if (unlikely(trap_raised(t)))
        goto trap;
    if (unlikely(hart_flag(&h->leave) || h->code_dirty))
        goto leave_after;
    DISPATCH_NEXT();

op_fp:                          /* F and D: a load or store may reach a device */
    h->retired += DONE;
    t = exec_fp(h, &d->i);
    h->retired -= DONE;
    if (unlikely(trap_raised(t)))
        goto trap;
    if (unlikely(hart_flag(&h->leave) || h->code_dirty))
        goto leave_after;
    DISPATCH_NEXT();

    /* ---- the ends of blocks ---- */

op_JAL:
    x[d->i.rd] = NEXT_PC;
    next_pc = PC + (uint32_t)d->i.imm;
    slot = 1;
    goto block_end;

op_EXIT:                        /* the page or the size limit: fall through */
    next_pc = PC;
    slot = 0;
    goto block_end;

op_JALR: {
        uint32_t target = (x[d->i.rs1] + (uint32_t)d->i.imm) & ~1u;
        x[d->i.rd] = NEXT_PC;
        next_pc = target;
        slot = 2;               /* indirect: found by lookup every time, never chained */
        goto block_end;
    }

op_FENCE:
    exec_fence(h, &d->i);
    DISPATCH_NEXT();

op_FENCE_I:                     /* the blocks follow every write already (but in parallel) */
    exec_fence_i(h);
    next_pc = NEXT_PC;
    slot = 2;
    goto block_end;

op_csr:
    /* A CSR may read the counters: bring them up to date first. */
    h->retired += DONE;
    steps += DONE;
    h->pc = PC;
    t = exec_csr(h, &d->i);
    if (unlikely(trap_raised(t)))
        goto trap_counted;
    h->retired++;
    steps++;
    h->pc = NEXT_PC;
    goto dispatch;

op_system:
    h->retired += DONE;
    steps += DONE;
    h->pc = PC;
    t = d->i.op == OP_ILLEGAL ? trap_make(CAUSE_ILLEGAL_INSN, d->i.raw) : exec_system(h, &d->i);
    if (unlikely(trap_raised(t)))
        goto trap_counted;
    h->retired++;
    steps++;
    if (h->pc != NEXT_PC)
        history_push(h, PC, h->pc);     /* xRET */
    goto dispatch;

block_end:
    h->retired += b->ninsns;
    steps += b->ninsns;
    if (next_pc != NEXT_PC)
        history_push(h, PC, next_pc);
    h->pc = next_pc;
    if (unlikely(hart_flag(&h->leave) || hart_flag(&h->yield)))
        goto dispatch;
    if (slot < 2 && ((next_pc ^ pc0) & ~0xfffu) == 0) {
        /* A successor in the same page: its code is where this block's page is,
         * whatever the virtual address. */
        struct block *nb = b->chain[slot];
        if (nb && nb->valid && nb->ninsns <= budget - steps) {
            b = nb;
            goto enter;
        }
        link_from = b;
        link_slot = slot;
        goto dispatch;
    }
    {
        /* Elsewhere: where this exit went last, if the fetch TLB maps next_pc to it. */
        struct block *nb = b->chain[2];
        if (nb && nb->valid && nb->ninsns <= budget - steps &&
            mmu_code_host(h, next_pc) == (const uint8_t *)nb->host) {
            b = nb;
            goto enter;
        }
        link_from = b;
        link_slot = 2;
    }
    goto dispatch;

leave_after:
    /* The instruction at d completed on a slow path that changed more than registers:
     * a device may have raised an interrupt (taken now, as the plain step would), or a
     * page holding decoded code, maybe this block's, was written (the rest is decoded
     * afresh). */
    h->retired += DONE + 1;
    steps += DONE + 1;
    h->pc = NEXT_PC;
    goto dispatch;

trap:
    h->retired += DONE;
    steps += DONE;
    h->pc = PC;
trap_counted:
    steps++;                    /* a trap counts against the budget */
    trap_take(h, t);            /* notes the trap in the history */
    link_from = NULL;
    goto dispatch;

out:
    if (stop == HART_STOP_BUDGET && h->waiting)
        stop = HART_STOP_WFI;
out_stopped:
    *steps_out = steps;
    return stop;
#undef PC
#undef NEXT_PC
#undef DONE
#undef DISPATCH_NEXT
}
