/*
 * The JIT's run loop and code cache management (cpu/jit/jit.h).
 *
 * jit_run mirrors the block engine's dispatch (cpu/exec_block.c): interrupts and WFI
 * between blocks, the block found (or built) through the fetch TLB, then its
 * translation entered through a trampoline that saves the host's callee-saved
 * registers. Translated code returns with an exit code (cpu/jit/translate.h): a direct
 * exit is then chained (its jump patched to the successor's code) so that it never comes
 * back this way; the rest is looked up again. The instruction a block hands to the
 * interpreter (SYSTEM, CSR, fence.i) runs as one plain step.
 */
#include "cpu/jit/jit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/block.h"
#include "cpu/exec.h"
#include "cpu/jit/cache.h"
#include "cpu/jit/translate.h"
#include "cpu/mmu.h"

struct jit {
    struct hart *h;
    struct jit_cache cache;
    /* The trampolines, at the start of the cache. */
    unsigned (*enter)(struct hart *h, const uint8_t *code);
    const uint8_t *exit_stub;
    const uint8_t *lookup_stub;
    struct jit_translation scratch;
    struct jit_stats stats;
};

bool jit_supported(void)
{
#if defined(__x86_64__) && defined(__linux__)
    return true;
#else
    return false;
#endif
}



/*
 * enter(h, code): save rbx, rbp, r12-r15, align the stack for calls into C, rbx = h,
 * jump to the code. exit: eax holds the exit code; undo and return it.
 */
static bool make_trampolines(struct jit *j)
{
    static const enum x86_reg saved[] = { RBX, RBP, R12, R13, R14, R15 };
    struct x86 e;
    x86_init(&e, jit_cache_next(&j->cache), jit_cache_room(&j->cache),
             jit_cache_delta(&j->cache));
    const uint8_t *enter = x86_here(&e);
    for (unsigned i = 0; i < 6; i++)
        x86_push(&e, saved[i]);
    x86_alu_r64_imm(&e, ALU_SUB, RSP, 8);       /* 6 pushes + the return address: align */
    x86_mov_r64_r64(&e, RBX, RDI);
    x86_mov_r64_m64(&e, R11, RBX, H_(jit_left));
    x86_jmp_r64(&e, RSI);
    const uint8_t *exit = x86_here(&e);
    x86_mov_m64_r64(&e, RBX, H_(jit_left), R11);
    x86_alu_r64_imm(&e, ALU_ADD, RSP, 8);
    for (unsigned i = 6; i-- > 0;)
        x86_pop(&e, saved[i]);
    x86_ret(&e);
    const uint8_t *lookup = x86_here(&e);
    jt_emit_lookup(&e, exit);
    if (e.full)
        return false;
    jit_cache_commit(&j->cache, x86_size(&e));
    j->cache.reserved = j->cache.used;
    j->enter = (unsigned (*)(struct hart *, const uint8_t *))(uintptr_t)enter;
    j->exit_stub = exit;
    j->lookup_stub = lookup;
    return true;
}

struct jit *jit_create(struct hart *h, size_t cache_bytes)
{
    if (!jit_supported())
        return NULL;
    struct jit *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->h = h;
    if (jit_cache_create(&j->cache, cache_bytes) || !make_trampolines(j)) {
        jit_cache_destroy(&j->cache);
        free(j);
        return NULL;
    }
    return j;
}

void jit_destroy(struct jit *j)
{
    if (!j)
        return;
    jit_cache_destroy(&j->cache);
    free(j);
}

void jit_flush(struct jit *j)
{
    if (!j)
        return;
    jit_cache_flush(&j->cache);
    j->stats.flushes++;
}

void jit_get_stats(const struct jit *j, struct jit_stats *out)
{
    *out = j->stats;
    out->bytes = j->cache.used - j->cache.reserved;
}

/* Show a new translation to the hook (-d out_asm). */
static void report(struct hart *h, const struct block *b, size_t code_len)
{
    struct hart_translation t = { .pc = h->pc, .pa = b->pa, .ninsns = b->ninsns,
                                  .code = b->jit, .code_len = code_len };
    for (unsigned i = 0; i < b->ninsns && i < 64; i++) {
        t.raw[i] = b->insns[i].i.raw;
        t.len[i] = b->insns[i].i.len;
    }
    h->translation_hook(h->translation_opaque, &t);
}

/* Translate b, flushing everything once if the cache is full. False: the block stays
 * with the interpreter. */
static bool translate(struct jit *j, struct hart *h, struct block *b)
{
    if (jit_translate(&j->scratch, h, &j->cache, j->exit_stub, j->lookup_stub, b)) {
        j->stats.translations++;
        if (h->translation_hook)
            report(h, b, x86_size(&j->scratch.e));
        return true;
    }
    if (jit_cache_room(&j->cache) > j->cache.size / 2) {
        b->jit_failed = true;               /* not for want of room */
        return false;
    }
    /* Full: every translation goes, and the blocks with them (they hold pointers into
     * the cache); the caller starts over from a lookup. */
    block_flush(h);
    return false;
}

/* Point b's direct exit `slot` at next's code: from now on b jumps there itself. */
static void chain_exit(struct jit *j, struct block *b, unsigned slot, const struct block *next)
{
    uint8_t *rel = b->jit_link[slot];
    if (!rel || !next->jit)
        return;
    if (x86_patch_rel32(rel, jit_cache_delta(&j->cache), next->jit))
        b->jit_link[slot] = NULL;
}

enum hart_stop jit_run(struct hart *h, uint64_t budget, uint64_t *steps_out)
{
    struct jit *j = h->jit;
    uint64_t steps = 0;
    enum hart_stop stop = HART_STOP_BUDGET;
    struct block *link_from = NULL;
    unsigned link_slot = 0;

    /* Interrupts are checked when hart_run starts, as the plain loop checks them. */
    hart_leave(h);
    for (;;) {
        h->code_dirty = false;
        if (hart_flag(&h->yield) || steps >= budget)
            break;
        if (hart_flag(&h->leave) || h->waiting) {
            int cost = exec_boundary(h);
            if (cost < 0) {
                stop = HART_STOP_WFI;
                break;
            }
            steps += (unsigned)cost;
            link_from = NULL;
            if (steps >= budget)
                break;
        }
        if (h->debug)
            break;                  /* the checking loop: hart_run switches */
        const uint8_t *host = mmu_code_host(h, h->pc);
        struct block *b = host ? block_lookup(h, host) : NULL;
        if (host && !b) {
            bool flushed;
            uint64_t flushes = j->stats.flushes;
            b = block_build(h, host, h->pc, &flushed);
            if (flushed || j->stats.flushes != flushes)
                link_from = NULL;
        }
        if (b && !b->jit && !b->jit_failed && b->heat + 1 < h->jit_threshold) {
            /* Cold code: most blocks run a few times (a boot), and interpreting them
             * costs less than translating them. */
            b->heat++;
            link_from = NULL;
            if (b->ninsns <= budget - steps) {
                uint64_t n;
                stop = block_run(h, b->ninsns, &n);
                steps += n;
                if (stop != HART_STOP_BUDGET)
                    break;
                continue;
            }
        }
        if (b && !b->jit && !b->jit_failed && b->heat + 1 >= h->jit_threshold && !translate(j, h, b)) {
            link_from = NULL;
            if (!b->jit_failed)
                continue;           /* everything was flushed: look up afresh */
        }
        if (!b || !b->jit) {
            exec_step(h);           /* no block here, or one the JIT cannot take */
            steps++;
            link_from = NULL;
            continue;
        }
        if (link_from) {
            chain_exit(j, link_from, link_slot, b);
            link_from = NULL;
        }
        if (b->ninsns > budget - steps) {
            steps += exec_steps(h, budget - steps, &stop);
            *steps_out = steps;
            return stop;
        }
        h->jit_left = h->jit_base = budget - steps;
        unsigned code = j->enter(h, b->jit);
        steps = budget - h->jit_left;
        h->retired += h->jit_base - h->jit_left;    /* each block counted itself whole */
        struct block *last = h->jit_exit_block;
        unsigned kind = code & 0xff, index = code >> 8;
        const struct block_insn *d;
        switch (kind) {
        case JIT_EXIT_CHAIN:
            link_from = last;
            link_slot = index;
            break;
        case JIT_EXIT_LOOKUP:
        case JIT_EXIT_BUDGET:
            break;
        case JIT_EXIT_STEP:
            exec_step(h);           /* SYSTEM, CSR, fence.i: counted there */
            steps++;
            break;
        case JIT_EXIT_TRAP:
        case JIT_EXIT_AFTER:
            d = &last->insns[index];
            {
                /* Its entry counted all jit_count instructions; index + 1 steps
                 * happened (the trap counts as one), index or index + 1 retired. */
                unsigned done = kind == JIT_EXIT_AFTER ? index + 1 : index;
                h->retired -= last->jit_count - done;
                steps -= last->jit_count - (index + 1);
                uint32_t pc = h->pc + d->off;
                if (kind == JIT_EXIT_AFTER) {
                    h->pc = pc + d->i.len;
                } else {
                    h->pc = pc;
                    trap_take(h, h->jit_trap);  /* notes the trap in the history */
                }
            }
            break;
        default:
            abort();                /* the translator only emits the codes above */
        }
    }
    if (stop == HART_STOP_BUDGET && h->waiting)
        stop = HART_STOP_WFI;
    *steps_out = steps;
    return stop;
}
