/*
 * The block engine (cpu/block.c, cpu/exec_block.c) against the plain step, where a unit
 * test says it more directly than a guest program: every test runs the same program on
 * two harts, one per engine (HART_ENGINE_STEP, HART_ENGINE_BLOCK), each on its own bus
 * and RAM, and checks both (and that they agree).
 *
 *  - budgets are exact: hart_run(h, n) retires exactly n instructions of straight-line
 *    code, from cold and from cached blocks, in one run or in chunks; a trap counts as
 *    one step and retires nothing, also in the middle of a block;
 *  - a write to a page holding blocks (a device's DMA through bus_dma_ptr, a store that
 *    reaches the bus, an A-bit update by a page walk) drops them: a loop chained to
 *    itself, and a block chained to a successor, run the new code;
 *  - a successor in another page follows that page's mapping (remapped, unmapped);
 *  - the arena flushes when full, in the middle of a run (also just when a block is to
 *    chain to a successor not decoded yet), and the run goes on exactly;
 *  - an interrupt line raised between runs is taken before the next instruction, as is
 *    one the host made takeable by changing the privilege; one raised by an MMIO store
 *    in the middle of a block right after the store;
 *  - minstret read in the middle of straight-line code, under budgets that cut blocks;
 *  - a straight line that runs off the end of RAM, and a 32-bit instruction whose second
 *    half lies past it: the fetch fault at the right pc and tval, instret exact.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bus/bus.h"
#include "cpu/block.h"
#include "cpu/csr_defs.h"
#include "cpu/hart_state.h"
#include "cpu/mmu.h"
#include "harness.h"            /* the encoders */

#define BASE        0x80000000u
#define DEV_BASE    0x10000000u     /* a device that drives MSIP from its register */
#define STOP        0x0000006fu     /* jal x0, 0 */
#define NOP         0x00000013u
#define ILLEGAL     0x00000000u
#define A0          10
#define A1          11
#define A2          12
#define A3          13
#define A4          14
#define A5          15
#define T0          5

/* ---- encoders the harness lacks ---- */

static uint32_t enc_jal(unsigned rd, int32_t off)
{
    uint32_t i = (uint32_t)off;
    return ((i >> 20) & 1) << 31 | ((i >> 1) & 0x3ff) << 21 | ((i >> 11) & 1) << 20 |
           ((i >> 12) & 0xff) << 12 | (rd & 31) << 7 | 0x6f;
}

static uint32_t enc_branch(unsigned funct3, unsigned rs1, unsigned rs2, int32_t off)
{
    uint32_t i = (uint32_t)off;
    return ((i >> 12) & 1) << 31 | ((i >> 5) & 0x3f) << 25 | (rs2 & 31) << 20 |
           (rs1 & 31) << 15 | (funct3 & 7) << 12 | ((i >> 1) & 0xf) << 8 |
           ((i >> 11) & 1) << 7 | 0x63;
}
#define enc_bne(rs1, rs2, off) enc_branch(1, rs1, rs2, off)
#define enc_jalr(rd, rs1, imm) ENC_I(0x67, 0, rd, rs1, imm)

/* ---- a rig: bus, RAM, a device, one hart on one engine ---- */

struct rig {
    struct bus *bus;
    uint8_t *ram;
    uint32_t ram_size;
    struct hart *h;
};

static bool dev_read(void *opaque, uint32_t off, unsigned size, uint32_t *v)
{
    (void)opaque, (void)off, (void)size;
    *v = 0;
    return true;
}

static bool dev_write(void *opaque, uint32_t off, unsigned size, uint32_t v)
{
    struct rig *r = opaque;
    (void)off, (void)size;
    hart_set_irq(r->h, HART_IRQ_MSIP, v & 1);
    return true;
}

static struct rig *rig_new(uint32_t ram_size, enum hart_engine engine)
{
    struct rig *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    r->ram_size = ram_size;
    r->ram = calloc(1, ram_size);
    r->bus = bus_create();
    ck_assert(r->ram && r->bus);
    ck_assert_int_eq(bus_add_memory(r->bus, "ram", BASE, ram_size, r->ram, true), BUS_ERR_NONE);
    ck_assert_int_eq(bus_add_mmio(r->bus, "dev", DEV_BASE, 0x1000, BUS_SIZE_4, r, dev_read,
                                  dev_write), BUS_ERR_NONE);
    struct hart_config cfg = { .reset_pc = BASE, .bus = r->bus };
    r->h = hart_create(&cfg);
    ck_assert_ptr_nonnull(r->h);
    hart_set_engine(r->h, engine);
    return r;
}

static void rig_free(struct rig *r)
{
    hart_destroy(r->h);
    bus_destroy(r->bus);
    free(r->ram);
    free(r);
}

/* Write guest memory behind the hart's back, before it ran: no invalidation needed. */
static void put(struct rig *r, uint32_t addr, uint32_t w)
{
    ck_assert(addr >= BASE && addr - BASE + 4 <= r->ram_size);
    memcpy(r->ram + (addr - BASE), &w, 4);
}

static void put16(struct rig *r, uint32_t addr, uint16_t w)
{
    memcpy(r->ram + (addr - BASE), &w, 2);
}

static uint32_t csr(struct rig *r, uint16_t num)
{
    uint32_t v = 0;
    ck_assert(hart_csr_get(r->h, num, &v));
    return v;
}

static uint64_t run(struct rig *r, uint64_t budget)
{
    uint64_t retired = 0;
    hart_run(r->h, budget, &retired);
    return retired;
}

/* The two rigs of a test: [0] steps, [1] runs blocks. */
static struct rig *rigs[2];
#define FOR_EACH_RIG(r) for (struct rig **rp_ = rigs, *r; rp_ < rigs + 2 && (r = *rp_); rp_++)

static const char *engine_name(const struct rig *r)
{
    return r == rigs[0] ? "step" : r->h->engine == HART_ENGINE_JIT ? "jit" : "block";
}

/* The engine compared with the step: the block engine, or the JIT when
 * RVBOX_DIFF_ENGINE=jit (ctest runs both: unit.block and unit.block-jit). The white-box
 * checks of block-engine internals (chains) apply to the block engine only. */
static enum hart_engine fast_engine(void)
{
    const char *e = getenv("RVBOX_DIFF_ENGINE");
    return e && !strcmp(e, "jit") ? HART_ENGINE_JIT : HART_ENGINE_BLOCK;
}

static void make_rigs(uint32_t ram_size)
{
    rigs[0] = rig_new(ram_size, HART_ENGINE_STEP);
    rigs[1] = rig_new(ram_size, fast_engine());
}

static void free_rigs(void)
{
    for (int i = 0; i < 2; i++)
        if (rigs[i]) {
            rig_free(rigs[i]);
            rigs[i] = NULL;
        }
}

static void teardown(void)
{
    free_rigs();
}

/* Both harts in the same state: every register, pc, privilege, retired count. */
static void assert_same(const char *when)
{
    struct hart *s = rigs[0]->h, *b = rigs[1]->h;
    for (unsigned i = 0; i < 32; i++)
        ck_assert_msg(s->x[i] == b->x[i], "%s: x%u step 0x%08x block 0x%08x", when, i,
                      s->x[i], b->x[i]);
    ck_assert_msg(s->pc == b->pc, "%s: pc step 0x%08x block 0x%08x", when, s->pc, b->pc);
    ck_assert_int_eq(s->priv, b->priv);
    ck_assert_msg(s->retired == b->retired, "%s: retired step %llu block %llu", when,
                  (unsigned long long)s->retired, (unsigned long long)b->retired);
}

/* A straight line of n `addi a0, a0, 1` at BASE, then a stop. */
static void load_line(struct rig *r, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        put(r, BASE + 4 * i, enc_addi(A0, A0, 1));
    put(r, BASE + 4 * n, STOP);
}

/* mtvec -> a stop at `vec`. */
static void trap_stop(struct rig *r, uint32_t vec)
{
    put(r, vec, STOP);
    ck_assert(hart_csr_set(r->h, CSR_MTVEC, vec));
}

/* ---- budgets ---- */

#define LINE 300

START_TEST(test_budget_exact_straight_line)
{
    make_rigs(0x10000);
    FOR_EACH_RIG(r) {
        load_line(r, LINE);
        /* From cold (every block decoded afresh), then from cached blocks. */
        for (int warm = 0; warm < 2; warm++) {
            for (unsigned n = 1; n <= LINE; n++) {
                if (!warm)
                    hart_flush_caches(r->h);
                hart_set_pc(r->h, BASE);
                hart_set_reg(r->h, A0, 0);
                uint64_t got = run(r, n);
                ck_assert_msg(got == n, "%s %s: budget %u retired %llu", engine_name(r),
                              warm ? "warm" : "cold", n, (unsigned long long)got);
                ck_assert_uint_eq(hart_get_reg(r->h, A0), n);
                ck_assert_uint_eq(hart_get_pc(r->h), BASE + 4 * n);
            }
        }
        /* In chunks of 1, 2, 3, ...: the line cut everywhere. */
        for (unsigned chunk = 1; chunk <= 70; chunk++) {
            hart_set_pc(r->h, BASE);
            hart_set_reg(r->h, A0, 0);
            unsigned done = 0;
            while (done < LINE) {
                unsigned want = chunk < LINE - done ? chunk : LINE - done;
                uint64_t got = run(r, want);
                ck_assert_msg(got == want, "%s: chunk %u at %u retired %llu", engine_name(r),
                              chunk, done, (unsigned long long)got);
                done += want;
                ck_assert_uint_eq(hart_get_reg(r->h, A0), done);
                ck_assert_uint_eq(hart_get_pc(r->h), BASE + 4 * done);
            }
        }
    }
}
END_TEST

/* 10 addi's, an illegal instruction (a trap: one step, nothing retired), then the trap
 * stop (which retires on every step). */
START_TEST(test_budget_counts_traps)
{
    make_rigs(0x10000);
    for (unsigned n = 1; n <= 40; n++) {
        FOR_EACH_RIG(r) {
            hart_reset(r->h);
            load_line(r, 10);
            put(r, BASE + 40, ILLEGAL);
            trap_stop(r, BASE + 0x1000);
            uint64_t got = run(r, n);
            uint64_t want = n <= 10 ? n : n == 11 ? 10 : n - 1;
            ck_assert_msg(got == want, "%s: budget %u retired %llu, want %llu", engine_name(r),
                          n, (unsigned long long)got, (unsigned long long)want);
            ck_assert_uint_eq(hart_get_reg(r->h, A0), n <= 10 ? n : 10);
            if (n > 10) {
                ck_assert_uint_eq(csr(r, CSR_MCAUSE), CAUSE_ILLEGAL_INSN);
                ck_assert_uint_eq(csr(r, CSR_MEPC), BASE + 40);
                ck_assert_uint_eq(hart_get_pc(r->h), BASE + 0x1000);
            }
            ck_assert_uint_eq(csr(r, CSR_MINSTRET), want);
        }
        assert_same("after the budget");
    }
}
END_TEST

/* n addi's, then a load from where nothing is: the fault retires the n instructions
 * before it (from the middle of a block), and costs one step. Cold, then warm. */
START_TEST(test_load_fault_mid_block_counts)
{
    make_rigs(0x10000);
    for (unsigned n = 0; n < 140; n += 9) {
        for (int pass = 0; pass < 2; pass++) {
            FOR_EACH_RIG(r) {
                if (pass == 0) {
                    hart_reset(r->h);
                    load_line(r, n);
                    put(r, BASE + 4 * n, enc_lw(A1, 0, 0));     /* lw a1, 0(zero) */
                    put(r, BASE + 4 * n + 4, STOP);
                    trap_stop(r, BASE + 0x2000);
                    hart_flush_caches(r->h);
                }
                hart_set_pc(r->h, BASE);
                hart_set_reg(r->h, A0, 0);
                hart_set_reg(r->h, A1, 0x1234);
                uint64_t before = csr(r, CSR_MINSTRET);
                ck_assert_uint_eq(run(r, n + 1), n);
                ck_assert_uint_eq(csr(r, CSR_MCAUSE), CAUSE_LOAD_ACCESS);
                ck_assert_uint_eq(csr(r, CSR_MEPC), BASE + 4 * n);
                ck_assert_uint_eq(hart_get_pc(r->h), BASE + 0x2000);
                ck_assert_uint_eq(hart_get_reg(r->h, A0), n);
                ck_assert_uint_eq(hart_get_reg(r->h, A1), 0x1234);
                ck_assert_uint_eq(csr(r, CSR_MINSTRET) - before, n);
            }
            assert_same("load fault");
        }
    }
}
END_TEST

/* ---- invalidation ---- */

/* A loop chained to itself: a0 += 1 while --a1. After 100 iterations a device's DMA
 * rewrites the increment to 2: the rest of the loop must add 2. */
START_TEST(test_dma_invalidates_chained_loop)
{
    make_rigs(0x10000);
    FOR_EACH_RIG(r) {
        put(r, BASE + 0, enc_addi(A0, A0, 1));
        put(r, BASE + 4, enc_addi(A1, A1, -1));
        put(r, BASE + 8, enc_bne(A1, 0, -8));
        put(r, BASE + 12, STOP);
        hart_set_reg(r->h, A1, 1000);
        ck_assert_uint_eq(run(r, 300), 300);
        ck_assert_uint_eq(hart_get_reg(r->h, A0), 100);
        if (r->h->engine == HART_ENGINE_BLOCK)
            ck_assert_ptr_nonnull(block_lookup(r->h, r->ram));
        uint8_t *p = bus_dma_ptr(r->bus, BASE, 4, true);
        ck_assert_ptr_eq(p, r->ram);
        uint32_t w = enc_addi(A0, A0, 2);
        memcpy(p, &w, 4);
        ck_assert_ptr_null(block_lookup(r->h, r->ram));
        run(r, 3 * 900 + 10);
        ck_assert_uint_eq(hart_get_reg(r->h, A0), 100 + 2 * 900);
        ck_assert_uint_eq(hart_get_pc(r->h), BASE + 12);
    }
    assert_same("after the loop");
}
END_TEST

/* Block A jumps to block B in the same page (a chain), B loops back to A. B's first
 * instruction is rewritten by a store that reaches the bus (a host write through
 * bus_write, as a debugger's or a device's): A's chain to the old B must not be taken. */
START_TEST(test_bus_write_invalidates_chain_successor)
{
    make_rigs(0x10000);
    FOR_EACH_RIG(r) {
        put(r, BASE + 0x000, enc_addi(A0, A0, 1));      /* A */
        put(r, BASE + 0x004, enc_jal(0, 0x100 - 4));
        put(r, BASE + 0x100, enc_addi(A2, A2, 1));      /* B */
        put(r, BASE + 0x104, enc_addi(A1, A1, -1));
        put(r, BASE + 0x108, enc_bne(A1, 0, -0x108));
        put(r, BASE + 0x10c, STOP);
        hart_set_reg(r->h, A1, 100);
        ck_assert_uint_eq(run(r, 5 * 50), 250);
        ck_assert_uint_eq(hart_get_reg(r->h, A2), 50);
        if (r->h->engine == HART_ENGINE_BLOCK) {
            struct block *a = block_lookup(r->h, r->ram);
            ck_assert_ptr_nonnull(a);
            ck_assert_ptr_nonnull(a->chain[1]);
            ck_assert_ptr_eq(a->chain[1], block_lookup(r->h, r->ram + 0x100));
        }
        ck_assert(bus_write(r->bus, BASE + 0x100, 4, enc_addi(A2, A2, 10)));
        run(r, 5 * 50 + 10);
        ck_assert_uint_eq(hart_get_reg(r->h, A2), 50 + 10 * 50);
        ck_assert_uint_eq(hart_get_reg(r->h, A0), 100);
    }
    assert_same("after the loop");
}
END_TEST

/* A page walk that sets A in a PTE held in a page of code invalidates that code. */
START_TEST(test_ad_update_invalidates)
{
    make_rigs(0x10000);
    const uint32_t root = BASE + 0x2000, code = BASE + 0x3000;
    FOR_EACH_RIG(r) {
        /* The code page: a little routine at its start; root[0] points at it as a
         * level-0 table, whose entry 512 (VA 0x00200000, at offset 0x800) is a leaf for
         * BASE with R set and A clear. */
        put(r, code + 0, enc_addi(A0, A0, 1));
        put(r, code + 4, STOP);
        put(r, root + 0, ((code >> 12) << 10) | PTE_V);
        put(r, code + 4 * 512, ((BASE >> 12) << 10) | PTE_V | PTE_R);
        hart_set_pc(r->h, code);
        ck_assert_uint_eq(run(r, 5), 5);
        ck_assert_uint_eq(hart_get_reg(r->h, A0), 1);
        /* (the first instruction of a page runs as a plain step: the stop is a block) */
        if (r->h->engine == HART_ENGINE_BLOCK)
            ck_assert_ptr_nonnull(block_lookup(r->h, r->ram + (code + 4 - BASE)));
        ck_assert(hart_csr_set(r->h, CSR_SATP, SATP_MODE_SV32 | (root >> 12)));
        hart_set_priv(r->h, PRIV_S);
        uint32_t pa = 0;
        trap_t t = mmu_translate(r->h, 0x00200000, ACC_READ, &pa);
        ck_assert(!trap_raised(t));
        ck_assert_uint_eq(pa, BASE);
        uint32_t pte;
        memcpy(&pte, r->ram + (code - BASE) + 4 * 512, 4);
        ck_assert(pte & PTE_A);
        ck_assert_ptr_null(block_lookup(r->h, r->ram + (code + 4 - BASE)));
        ck_assert(r->h->engine != HART_ENGINE_BLOCK || r->h->code_dirty);
    }
}
END_TEST

/*
 * Successors in another page follow that page's mapping. Sv32, S-mode: VA_CODE maps page
 * P, whose last n instructions are addi's that fall through into VA_CODE + 4 KiB, where
 * Q1 jumps (jal) to VA_CODE + 8 KiB + 2 KiB and Q2 sets a1 = 2 first; there Q1 sets
 * a2 = 1 and Q2 a2 = 2. The two pages are remapped between Q1 and Q2 with only the TLB
 * flushed, as sfence.vma does, then the first is unmapped: each run must see the code
 * mapped now, then fault.
 */
#define VA_CODE 0x00400000u

static void map_page(struct rig *r, uint32_t l0, uint32_t va, uint32_t pa)
{
    put(r, l0 + 4 * ((va >> 12) & 0x3ff),
        pa ? ((pa >> 12) << 10) | PTE_V | PTE_R | PTE_X | PTE_A : 0);
    tlb_flush(r->h);                            /* what sfence.vma does */
}

START_TEST(test_cross_page_successor_follows_mapping)
{
    make_rigs(0x10000);
    const uint32_t root = BASE + 0x1000, l0 = BASE + 0x2000, p = BASE + 0x3000;
    const uint32_t q1 = BASE + 0x4000, q2 = BASE + 0x5000, vec = BASE + 0x6000;
    const unsigned n = 70;
    FOR_EACH_RIG(r) {
        put(r, root + 4 * (VA_CODE >> 22), ((l0 >> 12) << 10) | PTE_V);
        for (unsigned i = 0; i < n; i++)
            put(r, p + 0x1000 - 4 * n + 4 * i, enc_addi(A0, A0, 1));
        put(r, q1, enc_jal(0, 0x1800));             /* VA_CODE + 4K: jal to + 8K + 2K */
        put(r, q2, enc_addi(A1, 0, 2));
        put(r, q2 + 4, enc_jal(0, 0x1800 - 4));     /* VA_CODE + 4K + 4: the same */
        put(r, q1 + 0x800, enc_addi(A2, 0, 1));
        put(r, q1 + 0x804, STOP);
        put(r, q2 + 0x800, enc_addi(A2, 0, 2));
        put(r, q2 + 0x804, STOP);
        trap_stop(r, vec);
        map_page(r, l0, VA_CODE, p);
        ck_assert(hart_csr_set(r->h, CSR_SATP, SATP_MODE_SV32 | (root >> 12)));
        hart_set_priv(r->h, PRIV_S);
    }
    /* Which page VA_CODE + 4K and + 8K map in each round, and what a1, a2 become. */
    static const struct { uint32_t next, far; unsigned a1, a2; } rounds[] = {
        { 1, 1, 0, 1 }, { 1, 1, 0, 1 }, { 2, 1, 2, 1 }, { 2, 1, 2, 1 }, { 2, 2, 2, 2 },
        { 2, 2, 2, 2 }, { 1, 2, 0, 2 }, { 1, 2, 0, 2 }, { 1, 1, 0, 1 },
    };
    for (unsigned k = 0; k < sizeof rounds / sizeof rounds[0]; k++) {
        FOR_EACH_RIG(r) {
            /* Remapped only when the round changes it: a round that keeps the mapping
             * runs with the TLB warm, so that the engine may chain across pages. */
            if (k == 0 || rounds[k].next != rounds[k - 1].next)
                map_page(r, l0, VA_CODE + 0x1000, rounds[k].next == 1 ? q1 : q2);
            if (k == 0 || rounds[k].far != rounds[k - 1].far)
                map_page(r, l0, VA_CODE + 0x2000, rounds[k].far == 1 ? q1 : q2);
            hart_set_pc(r->h, VA_CODE + 0x1000 - 4 * n);
            for (unsigned i = 10; i <= 12; i++)
                hart_set_reg(r->h, i, 0);
            /* the line, the jal (and the addi before it in Q2), the addi at + 0x800 */
            unsigned steps = n + 2 + (rounds[k].next == 2);
            ck_assert_uint_eq(run(r, steps), steps);
            ck_assert_msg(hart_get_reg(r->h, A1) == rounds[k].a1 &&
                          hart_get_reg(r->h, A2) == rounds[k].a2,
                          "%s round %u: a1 %u a2 %u, want %u %u", engine_name(r), k,
                          hart_get_reg(r->h, A1), hart_get_reg(r->h, A2), rounds[k].a1,
                          rounds[k].a2);
            ck_assert_uint_eq(hart_get_pc(r->h), VA_CODE + 0x2804);
        }
        assert_same("remapped");
    }
    /* Unmapped (after a warm run): the line runs into a fetch page fault. */
    FOR_EACH_RIG(r) {
        map_page(r, l0, VA_CODE + 0x1000, 0);
        hart_set_pc(r->h, VA_CODE + 0x1000 - 4 * n);
        ck_assert_uint_eq(run(r, n + 1), n);
        ck_assert_uint_eq(csr(r, CSR_MCAUSE), CAUSE_FETCH_PAGE_FAULT);
        ck_assert_uint_eq(csr(r, CSR_MEPC), VA_CODE + 0x1000);
        ck_assert_uint_eq(csr(r, CSR_MTVAL), VA_CODE + 0x1000);
        ck_assert_uint_eq(hart_get_pc(r->h), vec);
    }
    assert_same("unmapped");
}
END_TEST

/*
 * A 16-bit instruction in the last two bytes of a page is fetched like any other: from
 * the translation the TLB holds. VA_CODE maps page A; its last parcels are c.li a0, 1;
 * page B (the same code but c.li a0, 2 at the end) replaces A in the PTE with no
 * sfence.vma: both engines may keep running A (the spec allows the stale translation),
 * but they must agree. (The plain step used to walk the page table afresh for every
 * fetch at offset 0xffe, so it alone saw B there.)
 */
START_TEST(test_page_end_parcel_uses_the_tlb)
{
    make_rigs(0x10000);
    const uint32_t root = BASE + 0x1000, l0 = BASE + 0x2000, a = BASE + 0x3000;
    const uint32_t b = BASE + 0x4000, next = BASE + 0x5000, vec = BASE + 0x6000;
    FOR_EACH_RIG(r) {
        put(r, root + 4 * (VA_CODE >> 22), ((l0 >> 12) << 10) | PTE_V);
        for (uint32_t page = a; page <= b; page += 0x1000) {
            for (uint32_t off = 0xff0; off < 0xffe; off += 2)
                put16(r, page + off, 0x0001);                       /* c.nop */
            put16(r, page + 0xffe, page == a ? 0x4505 : 0x4509);    /* c.li a0, 1 / 2 */
        }
        put(r, next, STOP);
        trap_stop(r, vec);
        map_page(r, l0, VA_CODE, a);
        map_page(r, l0, VA_CODE + 0x1000, next);
        ck_assert(hart_csr_set(r->h, CSR_SATP, SATP_MODE_SV32 | (root >> 12)));
        hart_set_priv(r->h, PRIV_S);
        for (int round = 0; round < 3; round++) {
            if (round == 2)                         /* the PTE changes, the TLB does not */
                put(r, l0 + 4 * ((VA_CODE >> 12) & 0x3ff), ((b >> 12) << 10) | PTE_V |
                    PTE_R | PTE_X | PTE_A);
            hart_set_pc(r->h, VA_CODE + 0xff0);
            hart_set_reg(r->h, A0, 0);
            ck_assert_uint_eq(run(r, 9), 9);        /* 7 c.nop, c.li, the stop */
            ck_assert_uint_eq(hart_get_pc(r->h), VA_CODE + 0x1000);
        }
    }
    ck_assert_msg(hart_get_reg(rigs[0]->h, A0) == hart_get_reg(rigs[1]->h, A0),
                  "after the PTE changed: step a0 = %u, block a0 = %u",
                  hart_get_reg(rigs[0]->h, A0), hart_get_reg(rigs[1]->h, A0));
    assert_same("stale translation");
}
END_TEST

/* ---- the arena ---- */

/* 64 Ki instructions of code: groups of 127 `addi a0, a0, 1` and a ret; a driver calls
 * every one of them in turn, so a block starts at each of the 64 Ki addresses: far more
 * than the arena holds (it flushes several times in the middle of the run). Calls into
 * the first half of a group run a 64-instruction block that falls through to a block
 * not decoded yet, so some flushes come while the engine is about to chain to it. */
#define CODE_INSNS (64u * 1024)
#define CODE_BASE  BASE
#define DRIVER     (BASE + 4 * CODE_INSNS)

START_TEST(test_arena_flush_mid_run)
{
    make_rigs(4 * CODE_INSNS + 0x1000);
    FOR_EACH_RIG(r) {
        for (uint32_t i = 0; i < CODE_INSNS; i++)
            put(r, CODE_BASE + 4 * i, i % 128 == 127 ? enc_jalr(0, 1, 0) : enc_addi(A0, A0, 1));
        /* t0 = CODE_BASE; a1 = DRIVER (the end); loop: jalr ra, 0(t0); t0 += 4;
         * bne t0, a1, loop; stop */
        put(r, DRIVER + 0, enc_jalr(1, T0, 0));
        put(r, DRIVER + 4, enc_addi(T0, T0, 4));
        put(r, DRIVER + 8, enc_bne(T0, A1, -8));
        put(r, DRIVER + 12, STOP);
        hart_set_reg(r->h, T0, CODE_BASE);
        hart_set_reg(r->h, A1, DRIVER);
        hart_set_pc(r->h, DRIVER);
    }
    /* In slices of varied sizes, compared after each. */
    for (unsigned k = 0; hart_get_pc(rigs[0]->h) != DRIVER + 12; k++) {
        uint64_t slice = 1 + (k * 7919u) % 50000;
        uint64_t got[2];
        for (int i = 0; i < 2; i++)
            got[i] = run(rigs[i], slice);
        ck_assert_uint_eq(got[0], got[1]);
        assert_same("arena");
        ck_assert(k < 100000);
    }
    const uint64_t sum = (CODE_INSNS / 128) * (127u * 128 / 2);
    ck_assert_uint_eq(hart_get_reg(rigs[1]->h, A0), sum);
    /* The arena went round: the first blocks are gone, the last ones are there. */
    ck_assert_ptr_null(block_lookup(rigs[1]->h, rigs[1]->ram));
    ck_assert_ptr_nonnull(block_lookup(rigs[1]->h, rigs[1]->ram + 4 * (CODE_INSNS - 2)));
}
END_TEST

/*
 * The arena fills up just when a block is about to chain to a successor not decoded yet:
 * the flush that makes room drops the block it would chain from, and the successor is
 * decoded where that block was. H (a loop at BASE, the first block after a flush, so at
 * the arena's start) falls through to S, whose branch falls through to U when not taken
 * (a2 == a3) and goes to F otherwise.
 */
START_TEST(test_arena_flush_while_chaining)
{
    make_rigs(0x10000);
    const uint32_t nops = BASE + 0x4000;
    FOR_EACH_RIG(r) {
        size_t arena_size = 0;
        put(r, BASE + 0, enc_addi(A0, A0, 1));      /* H: a0++ while a0 != a1 */
        put(r, BASE + 4, enc_bne(A0, A1, -4));
        put(r, BASE + 8, enc_addi(A2, A2, 1));      /* S */
        put(r, BASE + 12, enc_bne(A2, A3, 0x100 - 12));
        put(r, BASE + 16, enc_addi(A4, A4, 1));     /* U: a4++ */
        put(r, BASE + 20, STOP);
        put(r, BASE + 0x100, enc_addi(A5, A5, 1));  /* F: a5++ */
        put(r, BASE + 0x104, STOP);
        for (unsigned i = 0; i < 64; i++)
            put(r, nops + 4 * i, NOP);
        hart_set_reg(r->h, A1, 1000);
        hart_set_reg(r->h, A3, 1);
        ck_assert_uint_eq(run(r, 1), 1);            /* a plain step: the TLB has the page */
        hart_set_pc(r->h, BASE);
        hart_set_reg(r->h, A0, 0);
        block_flush(r->h);
        ck_assert_uint_eq(run(r, 2 * 100), 200);    /* H, decoded first */
        if (r->h->engine == HART_ENGINE_BLOCK) {
            struct block_cache *c = r->h->blocks;
            const size_t full = (sizeof(struct block) +
                                 (BLOCK_MAX_INSNS + 1) * sizeof(struct block_insn) + 15) & ~(size_t)15;
            ck_assert_ptr_eq(block_lookup(r->h, r->ram), (struct block *)c->arena);
            /* Fill the arena to the brim: shrunk to a few blocks more than it holds
             * (block_build finds a block it has already, so each must be new). */
            arena_size = c->size;
            c->size = c->used + 6 * full;
            for (unsigned k = 0; c->size - c->used >= full; k++) {
                bool flushed;
                ck_assert_uint_lt(k, 64);
                ck_assert_ptr_nonnull(block_build(r->h, r->ram + (nops - BASE) + 4 * k,
                                                  nops + 4 * k, &flushed));
                ck_assert(!flushed);
            }
            ck_assert_ptr_eq(block_lookup(r->h, r->ram), (struct block *)c->arena);
        }
        run(r, 2 * 900 + 4);
        if (arena_size)
            r->h->blocks->size = arena_size;        /* as it was mapped */
        ck_assert_uint_eq(hart_get_pc(r->h), BASE + 20);
        ck_assert_uint_eq(hart_get_reg(r->h, A2), 1);
        ck_assert_uint_eq(hart_get_reg(r->h, A4), 1);
        ck_assert_uint_eq(hart_get_reg(r->h, A5), 0);
    }
    assert_same("after the flush");
}
END_TEST

/* ---- interrupts ---- */

/* A line raised between two runs is taken before the next instruction. */
START_TEST(test_irq_between_runs)
{
    make_rigs(0x10000);
    for (unsigned n = 1; n < 200; n += 13) {
        FOR_EACH_RIG(r) {
            hart_reset(r->h);
            hart_set_irq(r->h, HART_IRQ_MSIP, false);
            load_line(r, 200);
            trap_stop(r, BASE + 0x2000);
            ck_assert(hart_csr_set(r->h, CSR_MIE, MIP_MSIP));
            ck_assert(hart_csr_set(r->h, CSR_MSTATUS, MSTATUS_MIE));
            ck_assert_uint_eq(run(r, n), n);
            hart_set_irq(r->h, HART_IRQ_MSIP, true);
            ck_assert_uint_eq(run(r, 1), 0);        /* the interrupt is the step */
            ck_assert_uint_eq(csr(r, CSR_MCAUSE), CAUSE_INTERRUPT | IRQ_M_SOFT);
            ck_assert_uint_eq(csr(r, CSR_MEPC), BASE + 4 * n);
            ck_assert_uint_eq(hart_get_pc(r->h), BASE + 0x2000);
            ck_assert_uint_eq(hart_get_reg(r->h, A0), n);
        }
        assert_same("interrupt");
    }
}
END_TEST

/* A change the host makes that renders a pending interrupt takeable without raising a
 * line or writing a CSR (here: the privilege, as a debugger or fz_kick sets it) is seen
 * when hart_run starts, before the first instruction, as the plain loop sees it. (Found
 * by fuzz.diff: the block engine checked only when something had set h->leave.) */
START_TEST(test_irq_takeable_after_host_priv_change)
{
    make_rigs(0x10000);
    FOR_EACH_RIG(r) {
        load_line(r, 200);
        trap_stop(r, BASE + 0x2000);
        ck_assert(hart_csr_set(r->h, CSR_MIE, MIP_MSIP));
        hart_set_irq(r->h, HART_IRQ_MSIP, true);    /* pending; M-mode with MIE off */
        ck_assert_uint_eq(run(r, 10), 10);
        ck_assert_uint_eq(hart_get_pc(r->h), BASE + 40);
        hart_set_priv(r->h, PRIV_U);                /* below M: M interrupts are on */
        run(r, 100);                                /* (1 would run as a plain step) */
        ck_assert_uint_eq(csr(r, CSR_MCAUSE), CAUSE_INTERRUPT | IRQ_M_SOFT);
        ck_assert_msg(csr(r, CSR_MEPC) == BASE + 40, "%s: the interrupt came after %u more "
                      "instructions", engine_name(r), (csr(r, CSR_MEPC) - BASE - 40) / 4);
        ck_assert_uint_eq(hart_get_reg(r->h, A0), 10);
        ck_assert_uint_eq(hart_get_pc(r->h), BASE + 0x2000);
    }
    assert_same("interrupt");
}
END_TEST

/* A store to the device raises MSIP in the middle of a straight line (one block): the
 * interrupt comes right after the store. k addi's before it, 100 after; a first pass with
 * MIE off decodes the blocks, the second takes the interrupt. */
START_TEST(test_irq_raised_by_mmio_store_mid_block)
{
    make_rigs(0x10000);
    for (unsigned k = 0; k < 70; k += 3) {
        FOR_EACH_RIG(r) {
            hart_reset(r->h);
            hart_set_irq(r->h, HART_IRQ_MSIP, false);
            memset(r->ram, 0, r->ram_size);
            put(r, BASE, (DEV_BASE & 0xfffff000u) | T0 << 7 | 0x37);  /* lui t0, DEV_BASE */
            put(r, BASE + 4, enc_addi(A1, 0, 1));
            for (unsigned i = 0; i < k; i++)
                put(r, BASE + 8 + 4 * i, enc_addi(A0, A0, 1));
            put(r, BASE + 8 + 4 * k, enc_sw(A1, T0, 0));
            for (unsigned i = 0; i < 100; i++)
                put(r, BASE + 12 + 4 * k + 4 * i, enc_addi(A0, A0, 1));
            const uint32_t stop = BASE + 12 + 4 * k + 400;
            put(r, stop, STOP);
            trap_stop(r, BASE + 0x2000);
            ck_assert(hart_csr_set(r->h, CSR_MIE, MIP_MSIP));
            ck_assert_uint_eq(run(r, k + 103), k + 103);
            ck_assert_uint_eq(hart_get_pc(r->h), stop);
            hart_set_irq(r->h, HART_IRQ_MSIP, false);
            hart_set_pc(r->h, BASE);
            hart_set_reg(r->h, A0, 0);
            ck_assert(hart_csr_set(r->h, CSR_MSTATUS, MSTATUS_MIE));
            uint64_t before = csr(r, CSR_MINSTRET);
            /* lui, addi, k addi's, the store; then the interrupt (a step) */
            ck_assert_uint_eq(run(r, k + 4), k + 3);
            ck_assert_uint_eq(csr(r, CSR_MCAUSE), CAUSE_INTERRUPT | IRQ_M_SOFT);
            ck_assert_uint_eq(csr(r, CSR_MEPC), BASE + 12 + 4 * k);
            ck_assert_uint_eq(hart_get_pc(r->h), BASE + 0x2000);
            ck_assert_uint_eq(hart_get_reg(r->h, A0), k);
            ck_assert_uint_eq(csr(r, CSR_MINSTRET) - before, k + 3);
        }
        assert_same("interrupt");
    }
}
END_TEST

/* ---- counters ---- */

/* csrr a1, minstret; 50 addi; csrr a2, minstret; 50 addi; csrr a3, minstret; stop:
 * run in chunks of every size from 1 to 40 (cutting the lines anywhere). */
START_TEST(test_minstret_mid_line_under_budgets)
{
    make_rigs(0x10000);
    for (unsigned chunk = 1; chunk <= 40; chunk++) {
        FOR_EACH_RIG(r) {
            hart_reset(r->h);
            uint32_t at = BASE;
#define EMIT(w) do { put(r, at, (w)); at += 4; } while (0)
            EMIT(enc_csrrs(A1, CSR_MINSTRET, 0));
            for (unsigned i = 0; i < 50; i++)
                EMIT(enc_addi(A0, A0, 1));
            EMIT(enc_csrrs(A2, CSR_MINSTRET, 0));
            for (unsigned i = 0; i < 50; i++)
                EMIT(enc_addi(A0, A0, 1));
            EMIT(enc_csrrs(A3, CSR_MINSTRET, 0));
            put(r, at, STOP);
#undef EMIT
            hart_flush_caches(r->h);
            for (unsigned guard = 0; hart_get_pc(r->h) != at && guard < 1000; guard++)
                run(r, chunk);
            ck_assert_uint_eq(hart_get_pc(r->h), at);
            ck_assert_uint_eq(hart_get_reg(r->h, A1), 0);
            ck_assert_uint_eq(hart_get_reg(r->h, A2), 51);
            ck_assert_uint_eq(hart_get_reg(r->h, A3), 102);
        }
        assert_same("counters");
    }
}
END_TEST

/* ---- fetch faults at the end of RAM ---- */

/* n addi's up to the last byte of RAM: the fetch past it is an access fault at the end
 * of RAM, after exactly n instructions. */
START_TEST(test_line_runs_off_ram)
{
    const uint32_t size = 0x10000, end = BASE + size;
    make_rigs(size);
    static const unsigned lengths[] = { 1, 5, 63, 64, 65, 100, 200 };
    for (unsigned li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
        unsigned n = lengths[li];
        for (int pass = 0; pass < 2; pass++) {      /* cold, then from cached blocks */
            FOR_EACH_RIG(r) {
                if (pass == 0) {
                    hart_reset(r->h);
                    for (unsigned i = 0; i < n; i++)
                        put(r, end - 4 * n + 4 * i, enc_addi(A0, A0, 1));
                    trap_stop(r, BASE);
                    hart_flush_caches(r->h);
                }
                hart_set_pc(r->h, end - 4 * n);
                hart_set_reg(r->h, A0, 0);
                uint64_t before = csr(r, CSR_MINSTRET);
                ck_assert_uint_eq(run(r, n + 1), n);
                ck_assert_uint_eq(csr(r, CSR_MCAUSE), CAUSE_FETCH_ACCESS);
                ck_assert_uint_eq(csr(r, CSR_MEPC), end);
                ck_assert_uint_eq(csr(r, CSR_MTVAL), end);
                ck_assert_uint_eq(hart_get_reg(r->h, A0), n);
                ck_assert_uint_eq(csr(r, CSR_MINSTRET) - before, n);
            }
            assert_same("off the end of RAM");
        }
    }
}
END_TEST

/* n addi's, a c.addi, then a 32-bit instruction at the last two bytes of RAM: the fetch
 * faults with mepc = the instruction, mtval = the end of RAM, after n + 1 instructions. */
START_TEST(test_straddler_at_ram_end)
{
    const uint32_t size = 0x10000, end = BASE + size;
    make_rigs(size);
    for (unsigned n = 0; n < 80; n += 7) {
        for (int pass = 0; pass < 2; pass++) {
            FOR_EACH_RIG(r) {
                uint32_t start = end - 4 - 4 * n;
                if (pass == 0) {
                    hart_reset(r->h);
                    for (unsigned i = 0; i < n; i++)
                        put(r, start + 4 * i, enc_addi(A0, A0, 1));
                    put16(r, end - 4, 0x0505);              /* c.addi a0, 1 */
                    put16(r, end - 2, 0x0513);              /* addi a0, a0, ..: low half */
                    trap_stop(r, BASE);
                    hart_flush_caches(r->h);
                }
                hart_set_pc(r->h, start);
                hart_set_reg(r->h, A0, 0);
                uint64_t before = csr(r, CSR_MINSTRET);
                ck_assert_uint_eq(run(r, n + 2), n + 1);
                ck_assert_uint_eq(csr(r, CSR_MCAUSE), CAUSE_FETCH_ACCESS);
                ck_assert_uint_eq(csr(r, CSR_MEPC), end - 2);
                ck_assert_uint_eq(csr(r, CSR_MTVAL), end);
                ck_assert_uint_eq(hart_get_reg(r->h, A0), n + 1);
                ck_assert_uint_eq(csr(r, CSR_MINSTRET) - before, n + 1);
            }
            assert_same("straddler");
        }
    }
}
END_TEST

static Suite *block_suite(void)
{
    Suite *s = suite_create("block");
    TCase *tc = tcase_create("engines");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_budget_exact_straight_line);
    tcase_add_test(tc, test_budget_counts_traps);
    tcase_add_test(tc, test_load_fault_mid_block_counts);
    tcase_add_test(tc, test_dma_invalidates_chained_loop);
    tcase_add_test(tc, test_bus_write_invalidates_chain_successor);
    tcase_add_test(tc, test_ad_update_invalidates);
    tcase_add_test(tc, test_cross_page_successor_follows_mapping);
    tcase_add_test(tc, test_page_end_parcel_uses_the_tlb);
    tcase_add_test(tc, test_arena_flush_mid_run);
    tcase_add_test(tc, test_arena_flush_while_chaining);
    tcase_add_test(tc, test_irq_between_runs);
    tcase_add_test(tc, test_irq_takeable_after_host_priv_change);
    tcase_add_test(tc, test_irq_raised_by_mmio_store_mid_block);
    tcase_add_test(tc, test_minstret_mid_line_under_budgets);
    tcase_add_test(tc, test_line_runs_off_ram);
    tcase_add_test(tc, test_straddler_at_ram_end);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(block_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
