/*
 * The hart's life cycle and its accessors for the host side (loaders, debuggers, tests).
 */
#include <stdlib.h>
#include <string.h>

#include "bus/bus.h"
#include "cpu/block.h"
#include "cpu/csr_defs.h"
#include "cpu/exec.h"
#include "cpu/jit/jit.h"
#include "cpu/hart_state.h"
#include "cpu/mmu.h"

#define MISA_RV32IMAC_SU (MISA_MXL_32 | MISA_EXT('I') | MISA_EXT('M') | MISA_EXT('A') | \
                          MISA_EXT('C') | MISA_EXT('S') | MISA_EXT('U'))

/* A write reached the bus (devices/machine.c has the page watched, or it is DMA): it
 * breaks this hart's reservation if it touches the reserved word, unless it is this
 * hart's own store (a hart's stores leave its own reservation alone, as they do on the
 * fast path). */
static void reservation_stored(void *opaque, uint32_t addr, uint32_t len, bool dma)
{
    struct hart *h = opaque;
    /* In parallel, sc.w compares values instead (exec_atomic): the flags are the
     * running harts' own. */
    if (bus_parallel(h->bus) || !h->reserved || (h->running && !dma))
        return;
    const uint8_t *p = bus_host_ptr(h->bus, addr, 1, false);
    uintptr_t start = (uintptr_t)p;
    if (p && h->reservation < start + len && start < h->reservation + 4)
        h->reserved = false;
}

bool hart_reservation(const struct hart *h, uint32_t *pa)
{
    return h->reserved && bus_host_to_phys(h->bus, (const void *)h->reservation, pa);
}

struct hart *hart_create(const struct hart_config *cfg)
{
    struct hart *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->hartid = cfg->hartid;
    h->reset_pc = cfg->reset_pc;
    h->features = cfg->features;
    if (!(h->features & HART_F))
        h->features &= ~HART_D;         /* D needs F */
    h->bus = cfg->bus;
    h->time_now = cfg->time_now;
    h->time_opaque = cfg->time_opaque;
    h->engine = HART_ENGINE_BLOCK;
    h->jit_threshold = 8;
    if (block_cache_create(h)) {
        free(h);
        return NULL;
    }
    if (!bus_add_store_listener(h->bus, reservation_stored, h)) {
        block_cache_destroy(h);
        free(h);
        return NULL;
    }
    hart_reset(h);
    uint64_t none;
    block_run(h, 0, &none);     /* runs nothing: gives the decoder the handlers' table */
    return h;
}

void hart_destroy(struct hart *h)
{
    if (!h)
        return;
    jit_destroy(h->jit);
    bus_remove_store_listener(h->bus, h);
    block_cache_destroy(h);
    free(h);
}

void hart_reset(struct hart *h)
{
    for (unsigned i = 0; i < 32; i++)
        h->x[i] = 0;
    h->pc = h->reset_pc;
    h->priv = PRIV_M;
    h->leave = false;
    h->waiting = false;
    hart_flag_set(&h->yield, false);
    h->retired = 0;
    h->traps = 0;
    h->reserved = false;
    h->mstatus = 0;
    h->misa = MISA_RV32IMAC_SU | (h->features & HART_F ? MISA_EXT('F') : 0) |
              (h->features & HART_D ? MISA_EXT('D') : 0);
    memset(&h->fpu, 0, sizeof h->fpu);
    h->medeleg = h->mideleg = 0;
    h->mie = h->mip = 0;
    h->mtvec = h->mscratch = h->mepc = h->mcause = h->mtval = 0;
    h->stvec = h->sscratch = h->sepc = h->scause = h->stval = 0;
    h->satp = 0;
    h->mcounteren = h->scounteren = h->mcountinhibit = 0;
    h->menvcfg = h->senvcfg = 0;
    h->sstc.menvcfgh = 0;
    h->sstc.stimecmp = 0;                   /* as QEMU's (no effect until STCE is set) */
    trigger_reset(h);
    h->instret_base = h->cycle_base = 0;
    h->instret_frozen = h->cycle_frozen = 0;
    for (unsigned i = 0; i < 16; i++) {
        h->pmpcfg[i] = 0;
        h->pmpaddr[i] = 0;
    }
    pmp_update(h);
    h->last_trap.valid = false;     /* no trap loop carries over a reset */
    /* irq_lines are wires from devices: a reset of the hart does not change them. */
    tlb_flush(h);
    tlb_set_context(h);
    block_flush(h);
}

void hart_set_irq(struct hart *h, uint32_t lines, bool level)
{
    lines &= MIP_MSIP | MIP_MTIP | MIP_SEIP | MIP_MEIP;
    /* From another thread in parallel (a device under the bus lock, another hart's
     * IPI): the line first, then leave, both seen in that order (exec_boundary). */
    if (level)
        __atomic_fetch_or(&h->irq_lines, lines, __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_and(&h->irq_lines, ~lines, __ATOMIC_SEQ_CST);
    __atomic_store_n(&h->leave, true, __ATOMIC_SEQ_CST);
}

/* Back to threads after turns (a debugger came and went): translations made in turns
 * lack the leave checks a parallel run needs (cpu/jit/translate.c, leave_check), so
 * they go, with the blocks they point into. */
void hart_set_parallel(struct hart *h, bool on)
{
    if (h->parallel && !on)
        h->reserved = false;    /* stores made in parallel broke no reservation */
    if (!h->parallel && on && h->jit)
        block_flush(h);
    h->parallel = on;
}

bool hart_host_debug(const struct hart *h)
{
    return h->nbreak || h->nwatch || h->trace.insn || h->trace.trap || h->decode_hook ||
           h->walk_hook || h->translation_hook;
}

void hart_yield(struct hart *h)
{
    hart_flag_set(&h->yield, true);
    hart_leave(h);
}

uint32_t hart_features(const struct hart *h) { return h->features; }
uint64_t hart_instructions(const struct hart *h) { return h->retired; }
uint64_t hart_position(const struct hart *h) { return h->retired + h->traps; }
uint64_t hart_instructions_cb(void *hart) { return hart_instructions(hart); }

bool hart_waiting(const struct hart *h)
{
    return h->waiting && !(hart_pending_irqs(h) & h->mie);
}

uint32_t hart_get_reg(const struct hart *h, unsigned i)
{
    return i < 32 ? h->x[i] : 0;
}

void hart_set_reg(struct hart *h, unsigned i, uint32_t value)
{
    if (i > 0 && i < 32)
        h->x[i] = value;
}

uint32_t hart_get_pc(const struct hart *h) { return h->pc; }
void hart_set_pc(struct hart *h, uint32_t pc)
{
    pc &= ~1u;
    if (pc != h->pc)
        h->bp_resume = false;   /* the breakpoint just reported was at the old pc */
    h->pc = pc;
}
enum hart_priv hart_get_priv(const struct hart *h) { return (enum hart_priv)h->priv; }

void hart_set_priv(struct hart *h, enum hart_priv priv)
{
    if (priv != PRIV_U && priv != PRIV_S && priv != PRIV_M)
        return;
    h->priv = (uint8_t)priv;
    tlb_set_context(h);
    hart_leave(h);            /* an interrupt may be takeable in the new mode */
}

struct bus *hart_bus(const struct hart *h) { return h->bus; }

void hart_flush_caches(struct hart *h)
{
    tlb_flush(h);
    block_flush(h);
}

void hart_set_translation_hook(struct hart *h,
                               void (*fn)(void *opaque, const struct hart_translation *t),
                               void *opaque)
{
    h->translation_hook = fn;
    h->translation_opaque = opaque;
}

bool hart_jit_counts(const struct hart *h, uint64_t *translations, uint64_t *flushes)
{
    if (!h->jit)
        return false;
    struct jit_stats st;
    jit_get_stats(h->jit, &st);
    *translations = st.translations;
    *flushes = st.flushes;
    return true;
}

enum hart_engine hart_default_engine(void)
{
    return jit_supported() ? HART_ENGINE_JIT : HART_ENGINE_BLOCK;
}

#define JIT_CACHE_DEFAULT (64u << 20)

void hart_set_jit_cache(struct hart *h, size_t bytes)
{
    h->jit_cache_bytes = bytes;
}

void hart_set_jit_threshold(struct hart *h, unsigned runs)
{
    h->jit_threshold = (uint16_t)(runs < 1 ? 1 : runs > 65535 ? 65535 : runs);
}

enum hart_engine hart_set_engine(struct hart *h, enum hart_engine engine)
{
    if (engine == HART_ENGINE_JIT && !h->jit) {
        size_t bytes = h->jit_cache_bytes ? h->jit_cache_bytes : JIT_CACHE_DEFAULT;
        if (!(h->jit = jit_create(h, bytes)))
            engine = HART_ENGINE_BLOCK;
    }
    h->engine = (uint8_t)engine;
    hart_leave(h);
    return engine;
}

enum hart_engine hart_get_engine(const struct hart *h)
{
    return (enum hart_engine)h->engine;
}
