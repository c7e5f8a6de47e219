/*
 * What the engines share (cpu/exec.c, cpu/exec_block.c): the instructions with side
 * effects beyond registers and memory, written once, and the plain step the block
 * engine falls back on. Internal to cpu/.
 */
#ifndef RVBOX_EXEC_H
#define RVBOX_EXEC_H

#include "cpu/decode.h"
#include "cpu/hart_state.h"

/* Zicsr: read-modify-write a CSR; on success rd holds the old value (pc not moved). */
trap_t exec_csr(struct hart *h, const struct insn *d) MUST_CHECK;

/* The A extension (pc not moved). */
trap_t exec_atomic(struct hart *h, const struct insn *d) MUST_CHECK;

/* F and D, loads and stores included (cpu/fpu.c; pc not moved). */
trap_t exec_fp(struct hart *h, const struct insn *d) MUST_CHECK;

/* ecall, ebreak, mret, sret, wfi, sfence.vma: these set pc themselves on success. */
trap_t exec_system(struct hart *h, const struct insn *d) MUST_CHECK;

/* One instruction with the plain step: retired, or its trap taken. */
void exec_step(struct hart *h);

/* fence and fence.i, as every engine runs them (cpu/exec.c). */
#define FENCE_W 1u
#define FENCE_R 2u
void exec_fence(struct hart *h, const struct insn *d);
void exec_fence_i(struct hart *h);

/* Up to `budget` steps with the plain step loop (no debugging checks); returns the steps
 * used and, in *stop, why it ended. */
uint64_t exec_steps(struct hart *h, uint64_t budget, enum hart_stop *stop);

/* The block engine (cpu/exec_block.c): the same contract as the plain loop. */
enum hart_stop block_run(struct hart *h, uint64_t budget, uint64_t *steps);

/*
 * At a boundary between instructions: wake from WFI if an enabled interrupt is pending,
 * and take the most urgent takeable interrupt. Returns the steps it cost (1 when an
 * interrupt was taken), or -1 while the hart waits in WFI.
 */
static inline int exec_boundary(struct hart *h)
{
    if (unlikely(hart_flag(&h->code_pending)))
        block_take_posted(h);
    if (h->waiting) {
        if (!(hart_pending_irqs(h) & h->mie))
            return -1;
        h->waiting = false;
    }
    __atomic_store_n(&h->leave, false, __ATOMIC_SEQ_CST);   /* then read the lines */
    return trap_check_interrupts(h) ? 1 : 0;
}

#endif
