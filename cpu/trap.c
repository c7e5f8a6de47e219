/*
 * Entering traps and taking interrupts (privileged spec 3.1.6-3.1.9, 3.3.1, 4.1.1).
 *
 * Every exception and interrupt enters through trap_enter(), which applies delegation:
 * a trap raised in S or U mode whose bit is set in medeleg (exceptions) or mideleg
 * (interrupts) goes to S-mode, everything else to M-mode. A trap never goes to a lower
 * privilege than the one it was raised in.
 */
#include "bus/bus.h"
#include "cpu/csr_defs.h"
#include "cpu/hart_state.h"

uint32_t hart_pending_irqs(const struct hart *h)
{
    return h->mip | __atomic_load_n(&h->irq_lines, __ATOMIC_RELAXED);
}

/* `quiet`: a repeat in a trap loop, which the trace hook does not see again. */
static void trap_enter(struct hart *h, uint32_t cause, uint32_t tval, bool interrupt,
                       bool quiet)
{
    uint32_t code = cause & ~CAUSE_INTERRUPT;
    uint32_t deleg = interrupt ? h->mideleg : h->medeleg;
    unsigned from = h->priv;

    h->traps++;
    if (from <= PRIV_S && ((deleg >> code) & 1)) {
        h->scause = cause;
        h->sepc = h->pc;
        h->stval = tval;
        uint32_t s = h->mstatus & ~(MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE);
        if (from == PRIV_S)
            s |= MSTATUS_SPP;
        if (h->mstatus & MSTATUS_SIE)
            s |= MSTATUS_SPIE;
        h->mstatus = s;
        h->priv = PRIV_S;
        h->pc = (h->stvec & ~3u) + ((interrupt && (h->stvec & 1)) ? 4 * code : 0);
    } else {
        h->mcause = cause;
        h->mepc = h->pc;
        h->mtval = tval;
        uint32_t m = h->mstatus & ~(MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE);
        m |= from << MSTATUS_MPP_SHIFT;
        if (h->mstatus & MSTATUS_MIE)
            m |= MSTATUS_MPIE;
        h->mstatus = m;
        h->priv = PRIV_M;
        trigger_trap_to_m(h);       /* tcontrol: M-mode's triggers off until mret */
        h->pc = (h->mtvec & ~3u) + ((interrupt && (h->mtvec & 1)) ? 4 * code : 0);
    }
    /* The mode, and so what translations allow, may have changed. */
    tlb_set_context(h);
    if (unlikely(h->trace.trap) && !quiet) {
        uint32_t epc = h->priv == PRIV_M ? h->mepc : h->sepc;
        h->trace.trap(h->trace.opaque, cause, epc, tval, (enum hart_priv)from,
                      (enum hart_priv)h->priv);
    }
}

/*
 * An exception: entered, and noted in the control-flow history, unless it repeats the
 * last one at the address that one entered (a trap loop, hart.h): then the history is
 * left as it was when the loop began (entries pushed since, by interrupts taken in the
 * loop, are dropped) and the loop hook hears of it once.
 */
void trap_take(struct hart *h, trap_t t)
{
    uint32_t epc = h->pc, cause = (uint32_t)t.cause;
    uint8_t from = h->priv;
    struct last_trap *l = &h->last_trap;
    if (unlikely(l->valid && epc == l->target && epc == l->epc && cause == l->cause &&
                 t.tval == l->tval && from == l->from)) {
        trap_enter(h, cause, t.tval, false, true);
        debug_loop_repeat(h);
        return;
    }
    /* -d guest_errors: why an access faulted (said once for a loop). */
    if (unlikely((cause == CAUSE_FETCH_ACCESS || cause == CAUSE_LOAD_ACCESS ||
                  cause == CAUSE_STORE_ACCESS) &&
                 guest_log_on(bus_log(h->bus), GUEST_LOG_ERROR)))
        debug_log_access_fault(h, cause, t.tval);
    trap_enter(h, cause, t.tval, false, false);
    history_push(h, epc, h->pc);
    l->valid = true;
    l->from = from;
    l->to = h->priv;
    l->cause = cause;
    l->epc = epc;
    l->tval = t.tval;
    l->target = h->pc;
    l->repeats = 0;
    l->mark = h->hist_pos;
}

/* Interrupts in the order the spec takes them when several are pending. */
static const uint8_t irq_priority[] = {
    IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER, IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER,
};

/* The interrupts that may be taken now: pending, enabled in mie, and allowed by the
 * destination mode's global enable (always, when the hart runs below that mode). */
static uint32_t takeable_irqs(const struct hart *h)
{
    uint32_t pending = hart_pending_irqs(h) & h->mie;
    if (!pending)
        return 0;
    uint32_t to_m = pending & ~h->mideleg;
    uint32_t to_s = pending & h->mideleg;
    bool m_on = h->priv < PRIV_M || (h->mstatus & MSTATUS_MIE);
    bool s_on = h->priv < PRIV_S || (h->priv == PRIV_S && (h->mstatus & MSTATUS_SIE));
    /* Interrupts bound for M-mode come before those bound for S-mode. */
    if (m_on && to_m)
        return to_m;
    return s_on ? to_s : 0;
}

/* Take the highest-priority takeable interrupt, if any. Returns true if one was taken. */
bool trap_check_interrupts(struct hart *h)
{
    uint32_t irqs = takeable_irqs(h);
    if (!irqs)
        return false;
    for (size_t i = 0; i < sizeof irq_priority; i++) {
        uint32_t code = irq_priority[i];
        if (irqs & (1u << code)) {
            uint32_t from = h->pc;
            h->waiting = false;
            trap_enter(h, CAUSE_INTERRUPT | code, 0, true, false);
            history_push(h, from, h->pc);
            return true;
        }
    }
    return false;
}
