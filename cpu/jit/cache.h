/*
 * The JIT's code cache: one region of memory seen through two mappings, one writable
 * and one executable, never both at once (W^X): translations are written through the
 * first and run through the second. Allocation is a bump pointer; when the cache is
 * full the JIT flushes it whole and starts over.
 */
#ifndef RVBOX_JIT_CACHE_H
#define RVBOX_JIT_CACHE_H

#include <stddef.h>
#include <stdint.h>

struct jit_cache {
    uint8_t *rw;                /* where code is written */
    uint8_t *rx;                /* where the same bytes run */
    size_t size, used;
    size_t reserved;            /* the start: trampolines that survive flushes */
};

/* 0, or -1 when the host cannot give such memory (the JIT is then not used). */
int jit_cache_create(struct jit_cache *c, size_t size);
void jit_cache_destroy(struct jit_cache *c);

/* Where the next translation is written, and how much room it has. */
static inline uint8_t *jit_cache_next(const struct jit_cache *c) { return c->rw + c->used; }
static inline size_t jit_cache_room(const struct jit_cache *c) { return c->size - c->used; }
/* rx - rw: add to a written address to get where it runs. */
static inline intptr_t jit_cache_delta(const struct jit_cache *c)
{
    return (intptr_t)c->rx - (intptr_t)c->rw;
}

/* Keep the `bytes` just written (from jit_cache_next), 16-byte aligned after them. */
void jit_cache_commit(struct jit_cache *c, size_t bytes);

/* Forget every translation after the reserved start. */
void jit_cache_flush(struct jit_cache *c);

#endif
