/*
 * The plain step: fetch, decode, execute, retire, one instruction at a time. It is the
 * reference every faster engine is checked against, the engine of debugging (single
 * steps, breakpoints, traces, watchpoints), and the fallback of the block engine for
 * code it cannot run in blocks (cpu/exec_block.c).
 *
 * execute() carries out one decoded instruction. It either completes it (registers and
 * pc updated) or returns the trap it raised having written nothing: every register
 * write comes after the last point where the instruction can fail.
 *
 * hart_run() is the loop around the engines. Interrupts are checked on entry and
 * whenever an instruction sets hart_flag(&h->leave) (a CSR write, xRET, WFI, a device line changing
 * under an MMIO store), not before every instruction. SYSTEM instructions other than the
 * CSR accessors live in exec_system(), off the hot path.
 */
#include "cpu/exec.h"

#include "bus/bus.h"
#include "cpu/alu.h"
#include "cpu/block.h"
#include "cpu/csr_defs.h"
#include "cpu/decode.h"
#include "cpu/jit/jit.h"
#include "cpu/mmu.h"

static trap_t illegal(const struct insn *d)
{
    return trap_make(CAUSE_ILLEGAL_INSN, d->raw);
}

static void xret_common(struct hart *h, unsigned to_priv, uint32_t to_pc)
{
    if (to_priv != PRIV_M)
        h->mstatus &= ~MSTATUS_MPRV;
    h->priv = (uint8_t)to_priv;
    h->pc = to_pc;
    tlb_set_context(h);
    hart_leave(h);
}

/* The 32-bit instruction at va, read as a debugger would (no A/D bits, nothing raised,
 * RAM or ROM only); false where there is none. */
static bool peek_insn(struct hart *h, uint32_t va, uint32_t *insn)
{
    uint32_t pa;
    const uint8_t *p;
    if (!mmu_peek(h, va, ACC_EXEC, &pa) || !(p = bus_host_ptr(h->bus, pa, 4, false)))
        return false;
    *insn = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return true;
}

#define SEMIHOST_PRE  0x01f01013u       /* slli x0, x0, 0x1f */
#define SEMIHOST_POST 0x40705013u       /* srai x0, x0, 7 */

/* Is the ebreak at pc a semihosting call (hart.h), and did the host carry it out? */
static bool semihosting_call(struct hart *h, const struct insn *d)
{
    uint32_t pc = h->pc, pre, post;
    if (d->len != 4 || ((pc - 4) >> 12) != ((pc + 4) >> 12) ||
        !peek_insn(h, pc - 4, &pre) || pre != SEMIHOST_PRE ||
        !peek_insn(h, pc + 4, &post) || post != SEMIHOST_POST)
        return false;
    bus_lock(h->bus);               /* the host's handler touches the machine */
    bool done = h->semihost(h->semihost_opaque, h);
    bus_unlock(h->bus);
    if (!done)
        return false;
    h->pc = pc + 4;
    hart_leave(h);                /* the call may have ended the run or written code */
    return true;
}

void hart_set_semihosting(struct hart *h, hart_semihost_fn fn, void *opaque)
{
    h->semihost = fn;
    h->semihost_opaque = opaque;
}

trap_t exec_system(struct hart *h, const struct insn *d)
{
    switch (d->op) {
    case OP_ECALL: {
        static const uint32_t cause[4] = { CAUSE_ECALL_U, CAUSE_ECALL_S, 0, CAUSE_ECALL_M };
        return trap_make(cause[h->priv], 0);
    }
    case OP_EBREAK:
        if (h->semihost && semihosting_call(h, d))
            return TRAP_NONE;
        return trap_make(CAUSE_BREAKPOINT, h->pc);
    case OP_MRET: {
        if (h->priv < PRIV_M)
            return illegal(d);
        uint32_t s = h->mstatus;
        unsigned mpp = (s & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
        s = (s & ~(MSTATUS_MIE | MSTATUS_MPP)) | MSTATUS_MPIE;
        if (h->mstatus & MSTATUS_MPIE)
            s |= MSTATUS_MIE;
        h->mstatus = s;             /* MPP becomes U, the least-privileged mode */
        trigger_mret(h);            /* tcontrol.mte = mpte */
        xret_common(h, mpp, h->mepc);
        return TRAP_NONE;
    }
    case OP_SRET: {
        if (h->priv < PRIV_S || (h->priv == PRIV_S && (h->mstatus & MSTATUS_TSR)))
            return illegal(d);
        uint32_t s = h->mstatus;
        unsigned spp = (s & MSTATUS_SPP) ? PRIV_S : PRIV_U;
        s = (s & ~(MSTATUS_SIE | MSTATUS_SPP)) | MSTATUS_SPIE;
        if (h->mstatus & MSTATUS_SPIE)
            s |= MSTATUS_SIE;
        h->mstatus = s;
        xret_common(h, spp, h->sepc);
        return TRAP_NONE;
    }
    case OP_WFI:
        /* U-mode may not wait; S-mode may not when TW says so (we time out at once). */
        if (h->priv == PRIV_U || (h->priv == PRIV_S && (h->mstatus & MSTATUS_TW)))
            return illegal(d);
        /* Resume on any pending interrupt enabled in mie, whatever the global enables. */
        if (!(hart_pending_irqs(h) & h->mie)) {
            h->waiting = true;
            hart_leave(h);
        }
        h->pc += d->len;
        return TRAP_NONE;
    case OP_SFENCE_VMA:
        if (h->priv < PRIV_S || (h->priv == PRIV_S && (h->mstatus & MSTATUS_TVM)))
            return illegal(d);
        tlb_flush(h);               /* by address or ASID too: the TLB is small */
        h->pc += d->len;
        return TRAP_NONE;
    default:
        return illegal(d);
    }
}

/* The host address of the aligned word at va for an atomic access of `kind`, from the
 * TLB, else NULL (the slow path translates, fills the TLB and goes through the bus). */
static uint32_t *atomic_word(struct hart *h, uint32_t va, enum mmu_access kind)
{
    const struct tlb_entry *e = tlb_entry_for(kind == ACC_WRITE ? h->tlb.write : h->tlb.read,
                                              va, h->tlb_ix_data);
    uint32_t tag = kind == ACC_WRITE ? tlb_store_tag(e) : e->tag;
    if (likely(tag == TLB_TAG(va >> 12, h->tlb_tag_data)))
        return (uint32_t *)(e->addend + va);
    return NULL;
}

/* The reservation's name for the word at physical pa: its host address, or 0 where
 * there is no memory (a reservation on a device register never succeeds). */
static uintptr_t reservation_of(struct hart *h, uint32_t pa)
{
    return (uintptr_t)bus_host_ptr(h->bus, pa, 4, false);
}

static uint32_t amo_result(unsigned op, uint32_t old, uint32_t src)
{
    switch (op) {
    case OP_AMOSWAP_W: return src;
    case OP_AMOADD_W:  return old + src;
    case OP_AMOXOR_W:  return old ^ src;
    case OP_AMOAND_W:  return old & src;
    case OP_AMOOR_W:   return old | src;
    case OP_AMOMIN_W:  return (int32_t)old < (int32_t)src ? old : src;
    case OP_AMOMAX_W:  return (int32_t)old > (int32_t)src ? old : src;
    case OP_AMOMINU_W: return old < src ? old : src;
    default:           return old > src ? old : src;        /* amomaxu.w */
    }
}

/* An AMO's operation done atomically on host memory, for harts running in parallel:
 * the old value. */
static uint32_t amo_host(unsigned op, uint32_t *w, uint32_t src)
{
    switch (op) {
    case OP_AMOSWAP_W: return __atomic_exchange_n(w, src, __ATOMIC_SEQ_CST);
    case OP_AMOADD_W:  return __atomic_fetch_add(w, src, __ATOMIC_SEQ_CST);
    case OP_AMOXOR_W:  return __atomic_fetch_xor(w, src, __ATOMIC_SEQ_CST);
    case OP_AMOAND_W:  return __atomic_fetch_and(w, src, __ATOMIC_SEQ_CST);
    case OP_AMOOR_W:   return __atomic_fetch_or(w, src, __ATOMIC_SEQ_CST);
    default: {                      /* min and max: a compare-and-swap loop */
        uint32_t old = __atomic_load_n(w, __ATOMIC_RELAXED);
        while (!__atomic_compare_exchange_n(w, &old, amo_result(op, old, src), true,
                                            __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
            ;
        return old;
    }
    }
}

/*
 * The A extension with the harts in parallel (hart_set_parallel), as QEMU's MTTCG does
 * it: every operation is the host's atomic instruction on the word in RAM, each a full
 * barrier (stronger than any aq/rl asks). lr.w notes the value it read; sc.w succeeds
 * iff the word still holds it, by a compare-and-swap (so a store of the same value, or
 * a change and back, does not break a reservation: the spec's sc.w should fail there;
 * QEMU's succeeds too). A word the TLB does not map for the access is translated (which
 * may fill the TLB) and, in RAM, reached through bus_dma_ptr, which first forgets code
 * decoded from its page; anywhere else (a device) through the bus, under its lock.
 */
static trap_t exec_atomic_parallel(struct hart *h, const struct insn *d)
{
    uint32_t addr = h->x[d->rs1], src = h->x[d->rs2], pa, old;
    bool lr = d->op == OP_LR_W;
    enum mmu_access kind = lr ? ACC_READ : ACC_WRITE;
    if (addr & 3)
        return trap_make(lr ? CAUSE_MISALIGNED_LOAD : CAUSE_MISALIGNED_STORE, addr);
    uint32_t *w = h->nwatch ? NULL : atomic_word(h, addr, kind);
    if (!w) {
        trap_t t = mmu_translate_cached(h, addr, kind, &pa);
        if (trap_raised(t))
            return t;
        if (unlikely(h->nwatch)) {
            debug_watch_check(h, addr, 4, false);
            if (!lr)
                debug_watch_check(h, addr, 4, true);
        }
        w = (uint32_t *)bus_dma_ptr(h->bus, pa, 4, !lr);
        if (!w) {                   /* not RAM: the plain path, through the bus */
            h->reserved = false;
            if (lr) {
                if (!bus_read(h->bus, pa, 4, &old))
                    return trap_make(CAUSE_LOAD_ACCESS, addr);
                h->x[d->rd] = old;
                return TRAP_NONE;
            }
            if (d->op == OP_SC_W) {
                h->x[d->rd] = 1;
                return TRAP_NONE;
            }
            bus_lock(h->bus);
            bool ok = bus_read(h->bus, pa, 4, &old) &&
                      bus_write(h->bus, pa, 4, amo_result(d->op, old, src));
            bus_unlock(h->bus);
            if (!ok)
                return trap_make(CAUSE_STORE_ACCESS, addr);
            h->x[d->rd] = old;
            return TRAP_NONE;
        }
    }
    if (lr) {
        old = __atomic_load_n(w, __ATOMIC_SEQ_CST);
        h->reservation = (uintptr_t)w;
        h->reserved_value = old;
        h->reserved = true;
        h->x[d->rd] = old;
        return TRAP_NONE;
    }
    if (d->op == OP_SC_W) {
        uint32_t expect = h->reserved_value;
        bool ok = h->reserved && h->reservation == (uintptr_t)w &&
                  __atomic_compare_exchange_n(w, &expect, src, false, __ATOMIC_SEQ_CST,
                                              __ATOMIC_SEQ_CST);
        h->reserved = false;
        h->x[d->rd] = ok ? 0 : 1;
        return TRAP_NONE;
    }
    h->x[d->rd] = amo_host(d->op, w, src);
    return TRAP_NONE;
}

/*
 * The A extension. The reservation names the reserved word by its host address, so a
 * TLB hit needs no translation. A word the TLB maps is RAM the access is allowed to (for
 * stores, RAM without decoded code): the operation is done in place. Anything else goes
 * through translation (which fills the TLB) and the bus.
 */
trap_t exec_atomic(struct hart *h, const struct insn *d)
{
    if (h->parallel)
        return exec_atomic_parallel(h, d);
    uint32_t addr = h->x[d->rs1], src = h->x[d->rs2], pa, old;
    trap_t t;
    if (d->op == OP_LR_W) {
        if (addr & 3)
            return trap_make(CAUSE_MISALIGNED_LOAD, addr);
        uint32_t *w = h->nwatch ? NULL : atomic_word(h, addr, ACC_READ);
        if (w) {
            h->reservation = (uintptr_t)w;
            old = *w;
        } else {
            t = mmu_translate_cached(h, addr, ACC_READ, &pa);
            if (trap_raised(t))
                return t;
            if (unlikely(h->nwatch))
                debug_watch_check(h, addr, 4, false);
            if (!bus_read(h->bus, pa, 4, &old))
                return trap_make(CAUSE_LOAD_ACCESS, addr);
            h->reservation = reservation_of(h, pa);
        }
        h->reserved = h->reservation != 0;
        h->reserved_value = old;
        h->x[d->rd] = old;
        return TRAP_NONE;
    }
    if (addr & 3)
        return trap_make(CAUSE_MISALIGNED_STORE, addr);
    uint32_t *w = h->nwatch ? NULL : atomic_word(h, addr, ACC_WRITE);
    if (w) {
        if (d->op == OP_SC_W) {
            bool ok = h->reserved && h->reservation == (uintptr_t)w;
            h->reserved = false;    /* any sc ends the reservation, success or not */
            if (ok)
                *w = src;
            h->x[d->rd] = ok ? 0 : 1;
            return TRAP_NONE;
        }
        old = *w;
        *w = amo_result(d->op, old, src);
        h->x[d->rd] = old;
        return TRAP_NONE;
    }
    t = mmu_translate_cached(h, addr, ACC_WRITE, &pa);
    if (trap_raised(t))
        return t;
    if (unlikely(h->nwatch)) {
        debug_watch_check(h, addr, 4, false);
        debug_watch_check(h, addr, 4, true);
    }
    if (d->op == OP_SC_W) {
        bool ok = h->reserved && h->reservation == reservation_of(h, pa);
        h->reserved = false;
        if (ok && !bus_write(h->bus, pa, 4, src))
            return trap_make(CAUSE_STORE_ACCESS, addr);
        h->x[d->rd] = ok ? 0 : 1;
        return TRAP_NONE;
    }
    if (!bus_read(h->bus, pa, 4, &old))
        return trap_make(CAUSE_STORE_ACCESS, addr);
    if (!bus_write(h->bus, pa, 4, amo_result(d->op, old, src)))
        return trap_make(CAUSE_STORE_ACCESS, addr);
    h->x[d->rd] = old;
    return TRAP_NONE;
}

/*
 * fence. Harts taking turns see memory in program order: nothing to do. In parallel,
 * the host's own order must give RISC-V's: x86-64 keeps every order but a store before
 * a later load, so a fence whose predecessors include writes and successors reads
 * is a full barrier on the host (any fence is one for the compiler).
 */
void exec_fence(struct hart *h, const struct insn *d)
{
    if (!h->parallel)
        return;
    unsigned pred = ((uint32_t)d->raw >> 24) & 0xf, succ = ((uint32_t)d->raw >> 20) & 0xf;
    if ((pred & FENCE_W) && (succ & FENCE_R))
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    else
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
}

/* fence.i: this hart's own writes already dropped what it decoded (cpu/block.c); in
 * parallel, other harts' writes were posted: forget those now, and leave the block. */
void exec_fence_i(struct hart *h)
{
    if (h->parallel) {
        if (__atomic_load_n(&h->code_pending, __ATOMIC_SEQ_CST)) {
            block_take_posted(h);
            hart_leave(h);          /* the running block may be gone: look up afresh */
        }
    }
}

static inline trap_t load(struct hart *h, const struct insn *d, unsigned size, bool sign)
{
    uint32_t v;
    trap_t t = mmu_load(h, h->x[d->rs1] + (uint32_t)d->imm, size, &v);
    if (trap_raised(t))
        return t;
    if (sign)
        v = size == 1 ? (uint32_t)(int8_t)v : (uint32_t)(int16_t)v;
    h->x[d->rd] = v;
    return TRAP_NONE;
}

static inline trap_t store(struct hart *h, const struct insn *d, unsigned size)
{
    return mmu_store(h, h->x[d->rs1] + (uint32_t)d->imm, size, h->x[d->rs2]);
}

trap_t exec_csr(struct hart *h, const struct insn *d)
{
    bool imm_form = d->op >= OP_CSRRWI;
    unsigned kind = imm_form ? d->op - OP_CSRRWI + 1 : d->op - OP_CSRRW + 1;
    uint32_t operand = imm_form ? d->rs1 : h->x[d->rs1];
    /* csrrs/csrrc with x0 (or uimm 0) only read, and so may read read-only CSRs. */
    bool write = kind == 1 || d->rs1 != 0;
    uint32_t old;
    trap_t t = csr_op(h, d->raw, (uint32_t)d->imm & 0xfff, kind, operand, write, &old);
    if (trap_raised(t))
        return t;
    h->x[d->rd] = old;
    return TRAP_NONE;
}

/* Execute one instruction. On success pc has moved on; on a trap nothing changed. */
static inline __attribute__((always_inline)) trap_t execute(struct hart *h,
                                                            const struct insn *d)
{
    uint32_t *x = h->x;
    const uint32_t A = x[d->rs1], B = x[d->rs2], IMM = (uint32_t)d->imm, PC = h->pc;
    uint32_t next = PC + d->len;
    trap_t t = TRAP_NONE;

    switch ((enum insn_op)d->op) {
#define ALU(op, value) case OP_##op: x[d->rd] = (value); break;
#define BRANCH(op, cond) case OP_##op: if (cond) next = PC + IMM; break;
#define LOAD(op, size, sign) case OP_##op: t = load(h, d, size, sign); break;
#define STORE(op, size) case OP_##op: t = store(h, d, size); break;
#include "cpu/semantics.h"
#undef ALU
#undef BRANCH
#undef LOAD
#undef STORE
    case OP_JAL:    x[d->rd] = next; next = PC + IMM; break;
    case OP_JALR:   next = (A + IMM) & ~1u; x[d->rd] = PC + d->len; break;
    case OP_FENCE:  exec_fence(h, d); break;
    case OP_FENCE_I: exec_fence_i(h); break;
    case OP_CSRRW: case OP_CSRRS: case OP_CSRRC:
    case OP_CSRRWI: case OP_CSRRSI: case OP_CSRRCI:
        t = exec_csr(h, d);
        break;
    case OP_LR_W: case OP_SC_W: case OP_AMOSWAP_W: case OP_AMOADD_W: case OP_AMOXOR_W:
    case OP_AMOAND_W: case OP_AMOOR_W: case OP_AMOMIN_W: case OP_AMOMAX_W:
    case OP_AMOMINU_W: case OP_AMOMAXU_W:
        t = exec_atomic(h, d);
        break;
    case OP_ECALL: case OP_EBREAK: case OP_MRET: case OP_SRET: case OP_WFI:
    case OP_SFENCE_VMA:
        t = exec_system(h, d);
        x[0] = 0;
        return t;                   /* these set pc themselves */
    case OP_ILLEGAL:
    case OP_COUNT:
        return illegal(d);
    default:
        t = exec_fp(h, d);          /* F and D: every other op */
        break;
    }
    x[0] = 0;
    if (likely(!trap_raised(t)))
        h->pc = next;
    return t;
}

/*
 * One instruction: fetch, decode, execute, then retire it or take its trap, and note a
 * non-sequential pc move in the history (trap_take notes traps). `debug` is a constant
 * at each call site, so the trace hook costs nothing in the plain loop.
 */
static inline __attribute__((always_inline)) void step(struct hart *h, const bool debug)
{
    uint32_t pc = h->pc, raw;
    struct insn d;
    trap_t t;
    /* The guest's triggers (cpu/trigger.c): an execute trigger before the fetch (the
     * highest-priority exception), a load or store trigger before the access. */
    if (debug && unlikely(h->trig.armed) && trigger_exec_match(h, pc))
        t = trap_make(CAUSE_BREAKPOINT, pc);
    else
        t = mmu_fetch(h, pc, &raw);
    if (likely(!trap_raised(t))) {
        insn_decode(raw, &d);
        if (debug && h->trace.insn)
            h->trace.insn(h->trace.opaque, pc, d.raw, (enum hart_priv)h->priv);
        if (debug && unlikely(h->trig.armed))
            t = trigger_data_check(h, &d);
        if (likely(!trap_raised(t)))
            t = execute(h, &d);
    }
    if (likely(!trap_raised(t))) {
        h->retired++;
        if (h->pc != pc + d.len)
            history_push(h, pc, h->pc);
    } else {
        trap_take(h, t);        /* notes the trap in the history */
    }
}

void exec_step(struct hart *h)
{
    step(h, false);
}

/*
 * The loop. `debug` is a constant at each call site: the compiler builds a plain loop and a
 * checking one (breakpoints, the per-instruction trace hook, watchpoint stops) from this
 * one body, and hart_run picks the checking one only while something needs it. *steps
 * counts instructions and traps taken (interrupts too): traps count against the budget,
 * so a guest stuck in a trap loop still hands control back.
 */
static inline __attribute__((always_inline)) enum hart_stop
run_loop(struct hart *h, uint64_t budget, const bool debug, uint64_t *steps_out)
{
    uint64_t steps = 0;
    enum hart_stop stop = HART_STOP_BUDGET;
    while (steps < budget && !hart_flag(&h->yield)) {
        int cost = exec_boundary(h);
        if (cost < 0) {
            stop = HART_STOP_WFI;
            break;
        }
        steps += (unsigned)cost;
        if (h->debug != debug)
            break;                      /* debugging switched on or off: change loops */
        while (steps < budget && !hart_flag(&h->leave)) {
            if (debug && h->nbreak && !h->bp_resume && debug_breakpoint_at(h, h->pc)) {
                *steps_out = steps;
                return HART_STOP_BREAKPOINT;
            }
            h->bp_resume = false;
            step(h, debug);
            steps++;
            if (debug && h->watch_hit) {
                h->watch_hit = false;
                *steps_out = steps;
                return HART_STOP_WATCHPOINT;
            }
        }
    }
    *steps_out = steps;
    if (stop == HART_STOP_BUDGET && h->waiting)
        stop = HART_STOP_WFI;
    return stop;
}

uint64_t exec_steps(struct hart *h, uint64_t budget, enum hart_stop *stop)
{
    uint64_t steps;
    *stop = run_loop(h, budget, false, &steps);
    return steps;
}

__thread struct hart *hart_on_this_thread;

enum hart_stop hart_run(struct hart *h, uint64_t budget, uint64_t *retired)
{
    uint64_t first = h->retired, used = 0;
    enum hart_stop stop;
    struct hart *outer = hart_on_this_thread;
    hart_on_this_thread = h;
    h->running = true;
    for (;;) {
        bool debug = h->debug;
        uint64_t steps;
        if (debug)
            stop = run_loop(h, budget - used, true, &steps);
        else if (h->engine == HART_ENGINE_JIT)
            stop = jit_run(h, budget - used, &steps);
        else if (h->engine == HART_ENGINE_BLOCK)
            stop = block_run(h, budget - used, &steps);
        else
            stop = run_loop(h, budget - used, false, &steps);
        used += steps;
        /* Debugging switched on or off: go on in the other loop. */
        if (stop != HART_STOP_BUDGET || h->debug == debug || used >= budget || hart_flag(&h->yield))
            break;
    }
    /* A breakpoint stop leaves pc at the breakpoint: the next run executes it first. */
    h->bp_resume = stop == HART_STOP_BREAKPOINT;
    hart_flag_set(&h->yield, false);
    h->running = false;
    hart_on_this_thread = outer;
    if (retired)
        *retired = h->retired - first;
    return stop;
}
