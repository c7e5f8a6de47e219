/*
 * The engine the test suites' own harts run on (tests/unit's harness, tests/fuzz): the
 * environment's RVBOX_ACCEL, read as rvbox reads it (jit or tcg, interp or block, step;
 * host/main.c), else the host's default engine, as rvbox would run. scripts/test.sh runs
 * every suite once per engine this way. A test that is about one engine sets it itself.
 */
#ifndef RVBOX_TESTS_TEST_ENGINE_H
#define RVBOX_TESTS_TEST_ENGINE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/hart.h"

static inline enum hart_engine test_engine(void)
{
    const char *v = getenv("RVBOX_ACCEL");
    if (!v || !*v)
        return hart_default_engine();
    if (!strcmp(v, "jit") || !strcmp(v, "tcg"))
        return HART_ENGINE_JIT;
    if (!strcmp(v, "interp") || !strcmp(v, "block"))
        return HART_ENGINE_BLOCK;
    if (!strcmp(v, "step"))
        return HART_ENGINE_STEP;
    /* A typo must not quietly test some other engine. */
    fprintf(stderr, "RVBOX_ACCEL=%s: want jit, interp (block) or step\n", v);
    exit(2);
}

/* Put h on the test engine. */
static inline void test_use_engine(struct hart *h)
{
    hart_set_engine(h, test_engine());
}

#endif
