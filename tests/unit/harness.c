#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus/bus.h"
#include "cpu/csr_defs.h"
#include "tests/test_engine.h"

#define JAL_X0_0 0x0000006fu        /* jal x0, 0: the trap stop */

static void die(const char *what)
{
    fprintf(stderr, "harness: %s\n", what);
    abort();
}

struct harness *harness_create(void)
{
    struct harness *t = calloc(1, sizeof *t);
    if (!t)
        die("out of memory");
    t->ram = calloc(1, HARNESS_RAM_SIZE);
    t->bus = bus_create();
    if (!t->ram || !t->bus)
        die("out of memory");
    if (bus_add_memory(t->bus, "ram", HARNESS_RAM_BASE, HARNESS_RAM_SIZE, t->ram, true))
        die("cannot map RAM");
    struct hart_config cfg = { .hartid = 0, .reset_pc = HARNESS_RAM_BASE, .bus = t->bus };
    t->hart = hart_create(&cfg);
    if (!t->hart)
        die("cannot create the hart");
    test_use_engine(t->hart);           /* RVBOX_ACCEL, else the host's default */
    harness_poke(t, HARNESS_TRAP_VEC, JAL_X0_0);
    harness_set_csr(t, CSR_MTVEC, HARNESS_TRAP_VEC);
    harness_poke(t, HARNESS_STRAP_VEC, JAL_X0_0);
    harness_set_csr(t, CSR_STVEC, HARNESS_STRAP_VEC);
    return t;
}

void harness_destroy(struct harness *t)
{
    hart_destroy(t->hart);
    bus_destroy(t->bus);
    free(t->ram);
    free(t);
}

void harness_load(struct harness *t, const uint32_t *words, size_t n)
{
    if (n * 4 > HARNESS_DATA - HARNESS_RAM_BASE)
        die("program too long");
    for (size_t i = 0; i < n; i++)
        harness_poke(t, HARNESS_RAM_BASE + 4 * (uint32_t)i, words[i]);
    hart_flush_caches(t->hart);
}

void harness_load16(struct harness *t, const uint16_t *parcels, size_t n)
{
    if (n * 2 > HARNESS_DATA - HARNESS_RAM_BASE)
        die("program too long");
    for (size_t i = 0; i < n; i++)
        if (!bus_write(t->bus, HARNESS_RAM_BASE + 2 * (uint32_t)i, 2, parcels[i]))
            die("cannot write RAM");
    hart_flush_caches(t->hart);
}

uint64_t harness_run(struct harness *t, uint64_t steps)
{
    uint64_t retired = 0;
    hart_run(t->hart, steps, &retired);
    return retired;
}

uint32_t harness_reg(struct harness *t, unsigned i) { return hart_get_reg(t->hart, i); }
void harness_set_reg(struct harness *t, unsigned i, uint32_t v) { hart_set_reg(t->hart, i, v); }
uint32_t harness_pc(struct harness *t) { return hart_get_pc(t->hart); }

uint32_t harness_csr(struct harness *t, uint16_t csr)
{
    uint32_t v;
    if (!hart_csr_get(t->hart, csr, &v))
        die("no such CSR");
    return v;
}

void harness_set_csr(struct harness *t, uint16_t csr, uint32_t value)
{
    if (!hart_csr_set(t->hart, csr, value))
        die("CSR not writable");
}

uint32_t harness_peek(struct harness *t, uint32_t addr)
{
    uint32_t v;
    if (!bus_read(t->bus, addr, 4, &v))
        die("peek outside RAM");
    return v;
}

void harness_poke(struct harness *t, uint32_t addr, uint32_t value)
{
    if (!bus_write(t->bus, addr, 4, value))
        die("poke outside RAM");
}

uint64_t harness_exec(struct harness *t, enum hart_priv priv, uint32_t word)
{
    harness_load(t, &word, 1);
    hart_set_pc(t->hart, HARNESS_RAM_BASE);
    hart_set_priv(t->hart, priv);
    return harness_run(t, 1);
}
