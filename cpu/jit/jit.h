/*
 * The JIT: translates the block engine's decoded blocks (cpu/block.h) to x86-64 code and
 * runs them, with the interpreter as the fallback (cpu/exec.c for single instructions,
 * SYSTEM and CSR accesses in particular). Same contract as the block engine (cpu/exec.h):
 * the guest cannot tell the two apart (registers, memory, counters, traps and
 * interrupt points agree), which tests/fuzz checks in lockstep.
 *
 * Internal to cpu/: the hart selects it with hart_set_engine(HART_ENGINE_JIT).
 */
#ifndef RVBOX_JIT_H
#define RVBOX_JIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/hart_state.h"

struct jit;

/* Is there a JIT for this host at all (x86-64, and memory it can run code from)? */
bool jit_supported(void);

/* NULL when the host cannot have one; `cache_bytes` bounds the translations. */
struct jit *jit_create(struct hart *h, size_t cache_bytes);
void jit_destroy(struct jit *j);

/* Forget every translation (the blocks they came from are being forgotten too). */
void jit_flush(struct jit *j);

/* Run up to `budget` steps: the block engine's contract. */
enum hart_stop jit_run(struct hart *h, uint64_t budget, uint64_t *steps);

/* Statistics for tests and -d: translations made, flushes of the whole cache. */
struct jit_stats {
    uint64_t translations, flushes, bytes;
};
void jit_get_stats(const struct jit *j, struct jit_stats *out);

#endif
