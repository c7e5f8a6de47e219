/*
 * The translator's inside, shared by cpu/jit/translate*.c and cpu/jit/jit.c.
 *
 * Translated code runs with rbx = the hart. Guest registers live in struct hart; within
 * a block the most used ones are kept in host registers (the register cache below),
 * loaded at the block's entry and written back before anything that leaves the block or
 * calls C. h->pc holds the pc of the running block's first instruction: pc-relative
 * values are computed from it, since a block runs wherever its page is mapped.
 *
 * R11 holds the steps translated code may still take (h->jit_left while it runs). A
 * block's code starts with its budget check and counts its instructions off it; jit_run
 * turns the steps taken into retired instructions. It ends by jumping to its successor's
 * code (chained once the successor is known, within the page) or to a stub that returns
 * to jit_run with an exit code. Everything that is not the common case (a TLB miss, a
 * trap, a device access that raised an interrupt) is out of line.
 */
#ifndef RVBOX_JIT_TRANSLATE_H
#define RVBOX_JIT_TRANSLATE_H

#include <stddef.h>

#include "cpu/block.h"
#include "cpu/jit/cache.h"
#include "cpu/jit/x86.h"

/* Why translated code returned to jit_run (low byte), and which instruction (above). */
enum jit_exit {
    JIT_EXIT_CHAIN,     /* a direct exit (slot in the high bits); h->pc is the target */
    JIT_EXIT_LOOKUP,    /* an indirect or cross-page exit; h->pc is the target */
    JIT_EXIT_BUDGET,    /* the block was not entered: fewer steps left than it needs */
    JIT_EXIT_STEP,      /* the block's last instruction is for the interpreter; h->pc is it */
    JIT_EXIT_TRAP,      /* instruction i raised h->jit_trap; h->pc is the block's start */
    JIT_EXIT_AFTER,     /* instruction i completed on a slow path that raised an interrupt
                           line or wrote code; h->pc is the block's start */
};
#define JIT_EXIT(kind, i) ((unsigned)(kind) | (unsigned)(i) << 8)

/* The host registers that may hold guest registers, callee-saved ones first. */
#define JIT_POOL 9
extern const enum x86_reg jit_pool[JIT_POOL];

/* Offsets into struct hart, for [rbx + disp] operands. */
#define H_X(r)      ((int32_t)(offsetof(struct hart, x) + 4 * (r)))
#define H_(field)   ((int32_t)offsetof(struct hart, field))

struct jit_translation {
    struct x86 e;
    struct hart *h;
    struct block *b;
    unsigned count;             /* instructions the code retires itself */
    unsigned page_off;          /* the block's offset in its page (pc0 & 0xfff) */
    int8_t host_of[XSINK + 1];  /* guest register -> index in jit_pool, or -1 */
    uint32_t cached;            /* guest registers held in host registers */
    uint32_t dirty;             /* cached ones newer than struct hart */
    const uint8_t *exit_stub;   /* the shared return to jit_run (executable) */
    const uint8_t *lookup_stub; /* the shared lookup of h->pc's translation */
    const uint8_t *body;        /* executable: after the entry's loads (a loop's target) */
    /* Out-of-line work, emitted after the block's straight line. */
    struct jit_stub {
        uint8_t *from;          /* rel32 to point at the stub */
        uint8_t *back;          /* rel32 in the stub back to the straight line, or NULL */
        const uint8_t *resume;  /* executable address to come back to */
        unsigned kind;          /* what the stub does (translate_mem.c) */
        unsigned index;         /* the instruction */
        uint32_t dirty;         /* dirty registers at that point */
        uint8_t size;
        bool sign;
    } stubs[BLOCK_MAX_INSNS * 2];
    unsigned nstubs;
};

/* translate.c: the register cache and exits, used by the instruction groups. */
enum x86_reg jt_read(struct jit_translation *t, unsigned r, enum x86_reg scratch);
void jt_read_into(struct jit_translation *t, enum x86_reg dst, unsigned r);
void jt_write(struct jit_translation *t, unsigned r, enum x86_reg src);
bool jt_in_memory(const struct jit_translation *t, unsigned r);
void jt_write_back(struct jit_translation *t, uint32_t dirty);
void jt_reload(struct jit_translation *t, bool caller_saved_only);
void jt_exit(struct jit_translation *t, unsigned code);
void jt_exit_from_block(struct jit_translation *t, unsigned code);
void jt_emit_lookup(struct x86 *e, const uint8_t *exit);
void jt_retired_exact(struct jit_translation *t, unsigned index);
void jt_retired_counted(struct jit_translation *t);

/* translate_alu.c: ALU instructions (register-immediate, register-register, M). */
bool jt_alu(struct jit_translation *t, const struct block_insn *d);

/* translate_mem.c: loads, stores, atomics, and their out-of-line slow paths. */
bool jt_mem(struct jit_translation *t, const struct block_insn *d, unsigned index);
void jt_emit_stubs(struct jit_translation *t);

/* Translate b into the cache. False: no room, or nothing the JIT can do. */
bool jit_translate(struct jit_translation *t, struct hart *h, struct jit_cache *c,
                   const uint8_t *exit_stub, const uint8_t *lookup_stub, struct block *b);

#endif
