/*
 * Decoded blocks: guest code decoded once and kept, for the block engine
 * (cpu/exec_block.c) and, later, a translator to host code.
 *
 * A block is a run of instructions in one page, decoded into `struct block_insn`s whose
 * handler is the executor's code for that instruction (threaded dispatch: each handler
 * jumps to the next one's). It ends at a branch, a jump, an instruction that can change
 * the machine's state beyond registers and memory (SYSTEM, CSR, fence.i), the end of
 * the page or BLOCK_MAX_INSNS. A synthetic exit entry follows the last instruction.
 *
 * Blocks are found by the host address of their first instruction, so by physical
 * address: a change of satp or privilege keeps them, and one page mapped at two virtual
 * addresses shares them (nothing in a block depends on where it runs: pc-relative
 * operands are computed from the pc at entry). Blocks chain to their successors within
 * the same page, so loops and straight-line code run from block to block without a
 * lookup; an exit to another page or through a register (a return) remembers where it
 * went last, and goes there again once the fetch TLB says the page is still the same.
 *
 * Coherence: the pages blocks come from are marked on the bus (bus_mark_code). The first
 * write to a marked page, by a store or a device's DMA, invalidates its blocks; stores
 * to marked pages always take the slow path (the TLB never caches them for stores), so
 * the engine sees every such write, even one into the block that is running.
 *
 * Blocks live in one arena; when it is full everything is dropped and decoding starts
 * over. An invalidated block stays readable until then (it may be the running one).
 */
#ifndef RVBOX_BLOCK_H
#define RVBOX_BLOCK_H

#include <stdint.h>

#include "cpu/decode.h"
#include "cpu/hart_state.h"

#define BLOCK_MAX_INSNS 64

/* Operations beyond enum insn_op that only blocks contain. */
enum {
    BLOCK_OP_EXIT = OP_COUNT,       /* falls through to the next block */
    BLOCK_OP_NOP,                   /* an ALU instruction writing x0 */
    BLOCK_OP_COUNT,
};

struct block_insn {
    const void *handler;            /* the executor's code for it */
    struct insn i;                  /* op, operands; rd is XSINK where it was x0 */
    uint16_t off;                   /* byte offset from the block's first instruction */
};

struct block {
    uintptr_t host;                 /* host address of the first instruction: the key */
    uint32_t pa;                    /* its physical address */
    uint16_t ninsns;                /* instructions, the exit entry not counted */
    bool valid;                     /* false once its page was written */
    struct block *chain[3];         /* successors in the same page: [0] fall-through or
                                       branch not taken, [1] branch taken or jump; and
                                       [2] where an indirect or cross-page exit went last
                                       (used after checking the fetch TLB agrees) */
    struct block *page_next;        /* next block in the same page bucket */
    const uint8_t *jit;             /* its translation (cpu/jit), or NULL */
    uint8_t *jit_link[2];           /* the translation's patchable exits for chain[0/1] */
    uint16_t jit_count;             /* instructions the translation retires itself */
    bool jit_failed;                /* the JIT could not translate it: interpret */
    uint16_t heat;                  /* runs before the JIT translates it */
    struct block_insn insns[];      /* ninsns + 1 */
};

/* Create and destroy a hart's cache (its arena, its tables, its bus listener). */
int block_cache_create(struct hart *h);
void block_cache_destroy(struct hart *h);

/* Drop every block: after the host changed guest memory (hart_flush_caches). */
void block_flush(struct hart *h);

/* The executor's handlers, indexed by op (insn_op, then BLOCK_OP_*): set once, before
 * the first block is built. */
void block_set_handlers(struct hart *h, const void *const *handlers);
const void *const *block_handlers(const struct hart *h);

/* The block whose code starts at host address `host`, if one is cached. */
static inline struct block *block_lookup(const struct hart *h, const uint8_t *host);

/* The same, also among the blocks the table lost to collisions (a slower search of the
 * page's list), put back in the table when found: before decoding a block afresh. */
struct block *block_find(struct hart *h, const uint8_t *host, uint32_t pa);

/* Decode the block at `host` (the code at virtual pc, which the fetch TLB maps now).
 * NULL when not even one instruction fits (a 32-bit instruction across the page end).
 * *flushed is set when the arena was full and every block was dropped first: pointers
 * to older blocks are then dangling. */
struct block *block_build(struct hart *h, const uint8_t *host, uint32_t pc, bool *flushed);

/* ---- inline ---- */

#define BLOCK_TABLE_BITS 16

struct block_cache {
    struct block *table[1u << BLOCK_TABLE_BITS];    /* by host address, direct-mapped */
    const void *const *handlers;
    uint8_t *arena;
    size_t used, size;
    struct block *pages[4096];                      /* by physical page: invalidation */
};

static inline unsigned block_slot(uintptr_t host)
{
    return (unsigned)((host >> 1) ^ (host >> (1 + BLOCK_TABLE_BITS))) &
           ((1u << BLOCK_TABLE_BITS) - 1);
}

static inline struct block *block_lookup(const struct hart *h, const uint8_t *host)
{
    struct block *b = h->blocks->table[block_slot((uintptr_t)host)];
    return b && b->host == (uintptr_t)host ? b : NULL;
}

#endif
