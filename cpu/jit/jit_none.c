/*
 * The JIT's interface (cpu/jit/jit.h) where there is no JIT: the WebAssembly build
 * (web/web.cmake), which cannot make host code at run time. jit_supported() says no,
 * so hart_set_engine falls back to the block engine and nothing else is ever called.
 */
#include "cpu/jit/jit.h"

#include <assert.h>
#include <string.h>

bool jit_supported(void)
{
    return false;
}

struct jit *jit_create(struct hart *h, size_t cache_bytes)
{
    (void)h;
    (void)cache_bytes;
    return NULL;
}

void jit_destroy(struct jit *j)
{
    (void)j;
}

void jit_flush(struct jit *j)
{
    (void)j;
}

enum hart_stop jit_run(struct hart *h, uint64_t budget, uint64_t *steps)
{
    (void)h;
    (void)budget;
    assert(!"jit_run without a JIT");
    *steps = 0;
    return HART_STOP_BUDGET;
}

void jit_get_stats(const struct jit *j, struct jit_stats *out)
{
    (void)j;
    memset(out, 0, sizeof *out);
}
