/*
 * The hart's state as a snapshot keeps it: every architectural register and CSR, the
 * counters, the privilege, WFI, the LR/SC reservation (as a physical address), the
 * interrupt lines as the devices drive them, and the control-flow history. A plain
 * struct with no pointers, so that devices/ (which must not see the hart's insides)
 * can write it field by field and read it back.
 *
 * Not kept, on purpose: the TLB and the decoded blocks and translations (caches, dropped
 * on load), the engine and the debugger's breakpoints, watchpoints and trace hooks (the
 * host's choices, which a load leaves as they are); in parallel (thread=multi), the
 * value lr.w read, and code other harts' threads posted (a load drops the caches).
 */
#ifndef RVBOX_HART_SNAPSHOT_H
#define RVBOX_HART_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/hart.h"

#define HART_TRIGGERS_SAVED 2     /* HART_TRIGGERS (cpu/hart_state.h) */

struct hart_saved {
    uint32_t hartid;
    uint32_t x[32];
    uint32_t pc;
    uint8_t priv;
    bool waiting;
    uint64_t retired, traps;
    uint32_t hist_pos;
    uint32_t hist_from[HART_HISTORY_LEN], hist_to[HART_HISTORY_LEN];
    bool reserved;
    uint32_t reservation_pa;    /* the reserved word, when reserved */
    uint32_t mstatus, misa, medeleg, mideleg, mie, mip, irq_lines;
    uint32_t mtvec, mscratch, mepc, mcause, mtval;
    uint32_t stvec, sscratch, sepc, scause, stval;
    uint32_t satp;
    uint32_t mcounteren, scounteren, mcountinhibit;
    uint32_t menvcfg, senvcfg;
    uint64_t instret_base, cycle_base, instret_frozen, cycle_frozen;
    uint8_t pmpcfg[16];
    uint32_t pmpaddr[16];
    uint32_t features;          /* HART_*: checked, never loaded (the machine's config) */
    uint64_t f[32];             /* F and D: the registers (NaN-boxed singles) and fcsr */
    uint8_t fflags, frm;
    uint64_t stimecmp;          /* Sstc */
    uint32_t menvcfgh;
    uint8_t tselect, tcontrol;  /* the debug triggers (Sdtrig) */
    uint32_t tdata1[HART_TRIGGERS_SAVED], tdata2[HART_TRIGGERS_SAVED];
};

/* The hart's state now (between runs). */
void hart_save_state(const struct hart *h, struct hart_saved *s);

/* Could this hart be in state s? -1 with a one-line reason if not (another hart id or
 * ISA or other -cpu parts, a privilege that does not exist, a reservation off RAM).
 * Changes nothing. */
int hart_check_state(const struct hart *h, const struct hart_saved *s, char *err,
                     size_t errlen);

/* Put the hart in state s (checked first): its caches are dropped, so nothing decoded
 * or translated before survives, and it re-checks its interrupts when it next runs. */
void hart_load_state(struct hart *h, const struct hart_saved *s);

#endif
