/* The hart's state for snapshots (cpu/hart_snapshot.h). */
#include "cpu/hart_snapshot.h"

#include <stdio.h>
#include <string.h>

#include "bus/bus.h"
#include "cpu/hart_state.h"
#include "cpu/mmu.h"

_Static_assert(HART_TRIGGERS_SAVED == HART_TRIGGERS, "the snapshot keeps every trigger");

/* A field added to struct hart must be decided on here: saved in struct hart_saved, or
 * listed as a cache or a host's choice in cpu/hart_snapshot.h. Then update the size. */
#if UINTPTR_MAX == UINT64_MAX && defined(__x86_64__)
_Static_assert(sizeof(struct hart) == 14640,
               "struct hart changed: decide how a snapshot keeps the new field "
               "(cpu/hart_snapshot.c), then update the size here");
#endif

void hart_save_state(const struct hart *h, struct hart_saved *s)
{
    memset(s, 0, sizeof *s);
    s->hartid = h->hartid;
    memcpy(s->x, h->x, sizeof s->x);
    s->pc = h->pc;
    s->priv = h->priv;
    s->waiting = h->waiting;
    s->retired = h->retired;
    s->traps = h->traps;
    s->hist_pos = h->hist_pos;
    memcpy(s->hist_from, h->hist_from, sizeof s->hist_from);
    memcpy(s->hist_to, h->hist_to, sizeof s->hist_to);
    s->reserved = h->reserved &&
                  bus_host_to_phys(h->bus, (const void *)h->reservation, &s->reservation_pa);
    s->mstatus = h->mstatus;
    s->misa = h->misa;
    s->medeleg = h->medeleg;
    s->mideleg = h->mideleg;
    s->mie = h->mie;
    s->mip = h->mip;
    s->irq_lines = h->irq_lines;
    s->mtvec = h->mtvec;
    s->mscratch = h->mscratch;
    s->mepc = h->mepc;
    s->mcause = h->mcause;
    s->mtval = h->mtval;
    s->stvec = h->stvec;
    s->sscratch = h->sscratch;
    s->sepc = h->sepc;
    s->scause = h->scause;
    s->stval = h->stval;
    s->satp = h->satp;
    s->mcounteren = h->mcounteren;
    s->scounteren = h->scounteren;
    s->mcountinhibit = h->mcountinhibit;
    s->menvcfg = h->menvcfg;
    s->senvcfg = h->senvcfg;
    s->instret_base = h->instret_base;
    s->cycle_base = h->cycle_base;
    s->instret_frozen = h->instret_frozen;
    s->cycle_frozen = h->cycle_frozen;
    memcpy(s->pmpcfg, h->pmpcfg, sizeof s->pmpcfg);
    memcpy(s->pmpaddr, h->pmpaddr, sizeof s->pmpaddr);
    s->features = h->features;
    memcpy(s->f, h->fpu.f, sizeof s->f);
    s->fflags = h->fpu.fflags;
    s->frm = h->fpu.frm;
    s->stimecmp = h->sstc.stimecmp;
    s->menvcfgh = h->sstc.menvcfgh;
    s->tselect = h->trig.tselect;
    s->tcontrol = h->trig.tcontrol;
    memcpy(s->tdata1, h->trig.tdata1, sizeof s->tdata1);
    memcpy(s->tdata2, h->trig.tdata2, sizeof s->tdata2);
}

int hart_check_state(const struct hart *h, const struct hart_saved *s, char *err,
                     size_t errlen)
{
    if (s->hartid != h->hartid) {
        snprintf(err, errlen, "hart %u saved, this is hart %u", s->hartid, h->hartid);
        return -1;
    }
    if (s->misa != h->misa) {
        snprintf(err, errlen, "misa 0x%08x saved, this hart's is 0x%08x", s->misa, h->misa);
        return -1;
    }
    if (s->features != h->features) {
        snprintf(err, errlen, "a hart with -cpu parts 0x%x saved, this one has 0x%x",
                 s->features, h->features);
        return -1;
    }
    if (s->tselect >= HART_TRIGGERS) {
        snprintf(err, errlen, "tselect = %u", s->tselect);
        return -1;
    }
    if (s->priv != PRIV_U && s->priv != PRIV_S && s->priv != PRIV_M) {
        snprintf(err, errlen, "privilege level %u", s->priv);
        return -1;
    }
    if (s->x[0] != 0 || (s->pc & 1)) {
        snprintf(err, errlen, "x0 = 0x%08x, pc = 0x%08x", s->x[0], s->pc);
        return -1;
    }
    if (s->reserved && !bus_host_ptr(h->bus, s->reservation_pa, 4, false)) {
        snprintf(err, errlen, "a reservation at 0x%08x, which is not memory",
                 s->reservation_pa);
        return -1;
    }
    return 0;
}

void hart_load_state(struct hart *h, const struct hart_saved *s)
{
    memcpy(h->x, s->x, sizeof s->x);
    h->x[XSINK] = 0;
    h->pc = s->pc;
    h->priv = s->priv;
    h->waiting = s->waiting;
    h->retired = s->retired;
    h->traps = s->traps;
    h->hist_pos = s->hist_pos;
    /* The trap-loop detector (a debugging aid) starts afresh: the history as saved is
     * all valid, and no loop carries over a load. */
    h->hist_floor = s->hist_pos >= HART_HISTORY_LEN ? s->hist_pos - HART_HISTORY_LEN : 0;
    h->last_trap.valid = false;
    memcpy(h->hist_from, s->hist_from, sizeof h->hist_from);
    memcpy(h->hist_to, s->hist_to, sizeof h->hist_to);
    /* In parallel an sc.w compares with the value lr.w read, which the snapshot does not
     * keep: the reservation is dropped there (the sc.w fails, as the spec allows). */
    h->reserved = s->reserved && !h->parallel;
    h->reservation = s->reserved
                         ? (uintptr_t)bus_host_ptr(h->bus, s->reservation_pa, 4, false)
                         : 0;
    h->mstatus = s->mstatus;
    h->medeleg = s->medeleg;
    h->mideleg = s->mideleg;
    h->mie = s->mie;
    h->mip = s->mip;
    h->irq_lines = s->irq_lines;
    h->mtvec = s->mtvec;
    h->mscratch = s->mscratch;
    h->mepc = s->mepc;
    h->mcause = s->mcause;
    h->mtval = s->mtval;
    h->stvec = s->stvec;
    h->sscratch = s->sscratch;
    h->sepc = s->sepc;
    h->scause = s->scause;
    h->stval = s->stval;
    h->satp = s->satp;
    h->mcounteren = s->mcounteren;
    h->scounteren = s->scounteren;
    h->mcountinhibit = s->mcountinhibit;
    h->menvcfg = s->menvcfg;
    h->senvcfg = s->senvcfg;
    h->instret_base = s->instret_base;
    h->cycle_base = s->cycle_base;
    h->instret_frozen = s->instret_frozen;
    h->cycle_frozen = s->cycle_frozen;
    memcpy(h->pmpcfg, s->pmpcfg, sizeof h->pmpcfg);
    memcpy(h->pmpaddr, s->pmpaddr, sizeof h->pmpaddr);
    pmp_update(h);
    memcpy(h->fpu.f, s->f, sizeof h->fpu.f);
    h->fpu.fflags = s->fflags & 0x1f;
    h->fpu.frm = s->frm & 7;
    h->sstc.stimecmp = s->stimecmp;
    h->sstc.menvcfgh = s->menvcfgh;
    h->trig.tselect = s->tselect;
    h->trig.tcontrol = s->tcontrol;
    memcpy(h->trig.tdata1, s->tdata1, sizeof h->trig.tdata1);
    memcpy(h->trig.tdata2, s->tdata2, sizeof h->trig.tdata2);
    trigger_rearm(h);           /* the checking loop, if one is enabled */

    /* What was cached or in passing belongs to the state left behind. */
    hart_flag_set(&h->yield, false);
    h->bp_resume = false;
    h->watch_hit = false;
    h->code_dirty = false;
    h->csr_debug_write = false;
    hart_flush_caches(h);
    tlb_set_context(h);
    hart_leave(h);            /* interrupts are checked anew when it runs */
}
