/*
 * The interpreter: fetch, decode, execute, retire.
 *
 * execute() carries out one decoded instruction. It either completes it (registers and
 * pc updated) or returns the trap it raised having written nothing: every register
 * write comes after the last point where the instruction can fail.
 *
 * hart_run() is the loop around it. Interrupts are checked on entry and whenever an
 * instruction sets h->leave (a CSR write, xRET, WFI, a device line changing under an
 * MMIO store), not before every instruction. SYSTEM instructions other than the CSR
 * accessors live in system_insn(), off the hot path.
 */
#include "bus/bus.h"
#include "cpu/alu.h"
#include "cpu/csr_defs.h"
#include "cpu/decode.h"
#include "cpu/hart_state.h"
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
    tlb_flush(h);
    h->leave = true;
}

/* mret, sret, wfi, sfence.vma, ecall, ebreak. Sets pc itself on success. */
static trap_t system_insn(struct hart *h, const struct insn *d)
{
    switch (d->op) {
    case OP_ECALL: {
        static const uint32_t cause[4] = { CAUSE_ECALL_U, CAUSE_ECALL_S, 0, CAUSE_ECALL_M };
        return trap_make(cause[h->priv], 0);
    }
    case OP_EBREAK:
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
            h->leave = true;
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

/* The A extension. Atomics go to the bus by physical address: they are rare enough. */
static trap_t atomic_insn(struct hart *h, const struct insn *d)
{
    uint32_t addr = h->x[d->rs1], src = h->x[d->rs2], pa, old, result;
    trap_t t;
    if (d->op == OP_LR_W) {
        if (addr & 3)
            return trap_make(CAUSE_MISALIGNED_LOAD, addr);
        t = mmu_translate(h, addr, ACC_READ, &pa);
        if (trap_raised(t))
            return t;
        if (unlikely(h->nwatch))
            debug_watch_check(h, addr, 4, false);
        if (!bus_read(h->bus, pa, 4, &old))
            return trap_make(CAUSE_LOAD_ACCESS, addr);
        h->reserved = true;
        h->reservation = pa;
        h->x[d->rd] = old;
        return TRAP_NONE;
    }
    if (addr & 3)
        return trap_make(CAUSE_MISALIGNED_STORE, addr);
    t = mmu_translate(h, addr, ACC_WRITE, &pa);
    if (trap_raised(t))
        return t;
    if (unlikely(h->nwatch)) {
        debug_watch_check(h, addr, 4, false);
        debug_watch_check(h, addr, 4, true);
    }
    if (d->op == OP_SC_W) {
        bool ok = h->reserved && h->reservation == pa;
        h->reserved = false;        /* any sc ends the reservation, success or not */
        if (ok && !bus_write(h->bus, pa, 4, src))
            return trap_make(CAUSE_STORE_ACCESS, addr);
        h->x[d->rd] = ok ? 0 : 1;
        return TRAP_NONE;
    }
    if (!bus_read(h->bus, pa, 4, &old))
        return trap_make(CAUSE_STORE_ACCESS, addr);
    switch (d->op) {
    case OP_AMOSWAP_W: result = src; break;
    case OP_AMOADD_W:  result = old + src; break;
    case OP_AMOXOR_W:  result = old ^ src; break;
    case OP_AMOAND_W:  result = old & src; break;
    case OP_AMOOR_W:   result = old | src; break;
    case OP_AMOMIN_W:  result = (int32_t)old < (int32_t)src ? old : src; break;
    case OP_AMOMAX_W:  result = (int32_t)old > (int32_t)src ? old : src; break;
    case OP_AMOMINU_W: result = old < src ? old : src; break;
    default:           result = old > src ? old : src; break;      /* amomaxu.w */
    }
    if (!bus_write(h->bus, pa, 4, result))
        return trap_make(CAUSE_STORE_ACCESS, addr);
    h->x[d->rd] = old;
    return TRAP_NONE;
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

static trap_t csr_insn(struct hart *h, const struct insn *d)
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
static inline trap_t execute(struct hart *h, const struct insn *d)
{
    uint32_t *x = h->x;
    uint32_t a = x[d->rs1], b = x[d->rs2], imm = (uint32_t)d->imm;
    uint32_t pc = h->pc, next = pc + d->len;
    trap_t t = TRAP_NONE;

    switch ((enum insn_op)d->op) {
    case OP_LUI:    x[d->rd] = imm; break;
    case OP_AUIPC:  x[d->rd] = pc + imm; break;
    case OP_JAL:    x[d->rd] = next; next = pc + imm; break;
    case OP_JALR:   next = (a + imm) & ~1u; x[d->rd] = pc + d->len; break;
    case OP_BEQ:    if (a == b) next = pc + imm; break;
    case OP_BNE:    if (a != b) next = pc + imm; break;
    case OP_BLT:    if ((int32_t)a < (int32_t)b) next = pc + imm; break;
    case OP_BGE:    if ((int32_t)a >= (int32_t)b) next = pc + imm; break;
    case OP_BLTU:   if (a < b) next = pc + imm; break;
    case OP_BGEU:   if (a >= b) next = pc + imm; break;
    case OP_LB:     t = load(h, d, 1, true); break;
    case OP_LH:     t = load(h, d, 2, true); break;
    case OP_LW:     t = load(h, d, 4, false); break;
    case OP_LBU:    t = load(h, d, 1, false); break;
    case OP_LHU:    t = load(h, d, 2, false); break;
    case OP_SB:     t = store(h, d, 1); break;
    case OP_SH:     t = store(h, d, 2); break;
    case OP_SW:     t = store(h, d, 4); break;
    case OP_ADDI:   x[d->rd] = a + imm; break;
    case OP_SLTI:   x[d->rd] = (int32_t)a < (int32_t)imm; break;
    case OP_SLTIU:  x[d->rd] = a < imm; break;
    case OP_XORI:   x[d->rd] = a ^ imm; break;
    case OP_ORI:    x[d->rd] = a | imm; break;
    case OP_ANDI:   x[d->rd] = a & imm; break;
    case OP_SLLI:   x[d->rd] = a << imm; break;
    case OP_SRLI:   x[d->rd] = a >> imm; break;
    case OP_SRAI:   x[d->rd] = (uint32_t)((int32_t)a >> imm); break;
    case OP_ADD:    x[d->rd] = a + b; break;
    case OP_SUB:    x[d->rd] = a - b; break;
    case OP_SLL:    x[d->rd] = a << (b & 31); break;
    case OP_SLT:    x[d->rd] = (int32_t)a < (int32_t)b; break;
    case OP_SLTU:   x[d->rd] = a < b; break;
    case OP_XOR:    x[d->rd] = a ^ b; break;
    case OP_SRL:    x[d->rd] = a >> (b & 31); break;
    case OP_SRA:    x[d->rd] = (uint32_t)((int32_t)a >> (b & 31)); break;
    case OP_OR:     x[d->rd] = a | b; break;
    case OP_AND:    x[d->rd] = a & b; break;
    case OP_FENCE:  break;          /* one hart, memory in program order: nothing to do */
    case OP_FENCE_I: break;         /* no decoded-instruction cache to invalidate yet */
    case OP_MUL:    x[d->rd] = a * b; break;
    case OP_MULH:   x[d->rd] = alu_mulh(a, b); break;
    case OP_MULHSU: x[d->rd] = alu_mulhsu(a, b); break;
    case OP_MULHU:  x[d->rd] = alu_mulhu(a, b); break;
    case OP_DIV:    x[d->rd] = alu_div(a, b); break;
    case OP_DIVU:   x[d->rd] = alu_divu(a, b); break;
    case OP_REM:    x[d->rd] = alu_rem(a, b); break;
    case OP_REMU:   x[d->rd] = alu_remu(a, b); break;
    case OP_CSRRW: case OP_CSRRS: case OP_CSRRC:
    case OP_CSRRWI: case OP_CSRRSI: case OP_CSRRCI:
        t = csr_insn(h, d);
        break;
    case OP_LR_W: case OP_SC_W: case OP_AMOSWAP_W: case OP_AMOADD_W: case OP_AMOXOR_W:
    case OP_AMOAND_W: case OP_AMOOR_W: case OP_AMOMIN_W: case OP_AMOMAX_W:
    case OP_AMOMINU_W: case OP_AMOMAXU_W:
        t = atomic_insn(h, d);
        break;
    case OP_ECALL: case OP_EBREAK: case OP_MRET: case OP_SRET: case OP_WFI:
    case OP_SFENCE_VMA:
        t = system_insn(h, d);
        x[0] = 0;
        return t;                   /* these set pc themselves */
    case OP_ILLEGAL:
    case OP_COUNT:
        return illegal(d);
    }
    x[0] = 0;
    if (likely(!trap_raised(t)))
        h->pc = next;
    return t;
}

/*
 * The loop. `debug` is a constant at each call site: the compiler builds a plain loop and a
 * checking one (breakpoints, the per-instruction trace hook, watchpoint stops) from this
 * one body, and hart_run picks the checking one only while something needs it.
 */
static inline __attribute__((always_inline)) enum hart_stop
run_loop(struct hart *h, uint64_t budget, const bool debug)
{
    uint64_t steps = 0;
    while (steps < budget && !h->yield) {
        if (h->waiting) {
            if (!(hart_pending_irqs(h) & h->mie))
                return HART_STOP_WFI;
            h->waiting = false;
        }
        h->leave = false;
        if (trap_check_interrupts(h))
            steps++;
        if (h->debug != debug)
            break;                      /* debugging switched on or off: change loops */
        /* Traps count against the budget too, so a guest stuck in a trap loop
         * still hands control back. */
        while (steps < budget && !h->leave) {
            uint32_t pc = h->pc, raw;
            struct insn d;
            if (debug && h->nbreak && !h->bp_resume && debug_breakpoint_at(h, pc))
                return HART_STOP_BREAKPOINT;
            h->bp_resume = false;
            trap_t t = mmu_fetch(h, pc, &raw);
            if (likely(!trap_raised(t))) {
                insn_decode(raw, &d);
                if (debug && h->trace.insn)
                    h->trace.insn(h->trace.opaque, pc, d.raw, (enum hart_priv)h->priv);
                t = execute(h, &d);
            }
            if (likely(!trap_raised(t)))
                h->retired++;
            else
                trap_take(h, t);
            if (unlikely(trap_raised(t)) || h->pc != pc + d.len)
                history_push(h, pc, h->pc);
            steps++;
            if (debug && h->watch_hit) {
                h->watch_hit = false;
                return HART_STOP_WATCHPOINT;
            }
        }
    }
    return h->waiting ? HART_STOP_WFI : HART_STOP_BUDGET;
}

enum hart_stop hart_run(struct hart *h, uint64_t budget, uint64_t *retired)
{
    uint64_t first = h->retired;
    enum hart_stop stop;
    for (;;) {
        bool debug = h->debug;
        uint64_t done = h->retired - first;
        stop = debug ? run_loop(h, budget - done, true) : run_loop(h, budget - done, false);
        if (h->debug == debug || h->retired - first >= budget)
            break;              /* else debugging was switched on or off: go on in the other loop */
    }
    /* A breakpoint stop leaves pc at the breakpoint: the next run executes it first. */
    h->bp_resume = stop == HART_STOP_BREAKPOINT;
    h->yield = false;
    if (retired)
        *retired = h->retired - first;
    return stop;
}
