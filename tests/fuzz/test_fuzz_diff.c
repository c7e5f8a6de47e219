/*
 * Differential test of the block engine against the plain one-instruction step (the
 * reference, cpu/exec.c): the fuzzers' random programs and random machine state, set up
 * twice from one seed, run side by side, one board per engine, in chunks of 1 to 1000
 * budget steps; after every chunk everything must be the same on both: why hart_run
 * stopped and what it retired, every x and f register, pc, privilege, the retired count, every
 * CSR hart_csr_get reads (all 4096 numbers are tried once per seed, the readable ones
 * after every chunk), WFI, whether an LR/SC reservation is held, the control-flow
 * history, the devices' registers, and all of RAM.
 *
 * The board (no struct machine: its clock follows the host) is a bus with 64 KiB to
 * 512 KiB of RAM at MEMMAP_RAM_BASE, a CLINT on a manual clock that moves by the chunk's
 * budget after every chunk (so timer interrupts come at the same instruction on both),
 * wired to MSIP and MTIP, and at MEMMAP_UART0_BASE a small device: a page of registers a
 * random store may hit; a store to its lower half drives MEIP and SEIP from the value's
 * low bits (an interrupt raised by a store in the middle of a block), one to its upper
 * half copies random instruction words by DMA (bus_dma_ptr) to the RAM address in
 * register 2, often near the code (code rewritten under the running code). Random code
 * also stores into page tables and into itself; and RAM is sprinkled with snippets that
 * store into the running block, into the device and into mtimecmp (sprinkle_snippets).
 *
 * Setup per seed, as in fuzz.cpu: RAM full of random words or real encodings (32-bit,
 * mixed with 16-bit, sprinkled with PTE-like words), random CSRs (mstatus, vectors,
 * delegation, enables, counters' enables and inhibits, mip), Sv32 on most of the time
 * with a root table in RAM (identity megapages for S or U over RAM and the devices,
 * random leaves and pointers; for the odd seeds also pointers to devices and past
 * 4 GiB), registers pointing at RAM and devices, a random privilege, a start pc that may
 * sit on a 32-bit instruction at the end of a page; for the odd groups of four seeds,
 * trap handlers that step over the faulting instruction. Between chunks, as fuzz.cpu does, the test
 * kicks a hart out of tiny loops, wakes one stuck in WFI, and sometimes toggles the
 * device's lines itself or copies instruction words by DMA near the pc (a transfer that
 * completes between runs): the same on both boards.
 *
 * A failure names the seed, the chunk, and the first state that differs. Rerun one seed
 * with RVBOX_FUZZ_SEED=N; RVBOX_FUZZ_SCALE=K runs K times longer, RVBOX_FUZZ_SEEDS=N
 * more seeds; the sanitizer build does a quarter of the work (fz_scaled).
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus/bus.h"
#include "bus/memmap.h"
#include "cpu/csr_defs.h"
#include "cpu/hart.h"
#include "cpu/hart_state.h"
#include "devices/clint.h"
#include "devices/clock.h"
#include "fuzz_common.h"

#define SEEDS           48
#define STEPS_PER_SEED  1500000u    /* budget steps (instructions and traps) */
#define DEV_BASE        MEMMAP_UART0_BASE
#define DEV_SIZE        0x1000u
#define DEV_REGS        (DEV_SIZE / 4)
#define DEV_DMA         0x800u      /* a store at or above this offset starts a DMA */
#define DMA_PATTERN     512u        /* bytes of random instruction words to copy from */

/* ---- the board ---- */

struct board {
    struct bus *bus;
    uint8_t *ram;
    uint32_t ram_size;
    struct hart *h;
    struct clock clock;
    struct clint *clint;
    uint32_t dev[DEV_REGS];                 /* the device's registers */
    uint8_t pattern[DMA_PATTERN];           /* what its DMA copies */
    uint64_t dmas;                          /* DMA copies done */
};

static void line_set(void *opaque, unsigned num, bool level)
{
    struct board *b = opaque;
    hart_set_irq(b->h, 1u << num, level);
}

static void clint_rearm(void *opaque)
{
    struct board *b = opaque;
    hart_yield(b->h);           /* as the machine does: the run loop sizes slices again */
}

static bool dev_read(void *opaque, uint32_t off, unsigned size, uint32_t *v)
{
    struct board *b = opaque;
    uint32_t word = b->dev[off / 4] >> (8 * (off & 3));
    *v = size == 4 ? word : word & ((1u << (8 * size)) - 1);
    return true;
}

static bool dev_write(void *opaque, uint32_t off, unsigned size, uint32_t v)
{
    struct board *b = opaque;
    unsigned shift = 8 * (off & 3);
    uint32_t mask = (size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1) << shift;
    uint32_t *reg = &b->dev[off / 4];
    *reg = (*reg & ~mask) | ((v << shift) & mask);
    if (off < DEV_DMA) {        /* the lines follow the value: bit 0 MEIP, bit 1 SEIP */
        hart_set_irq(b->h, HART_IRQ_MEIP, v & 1);
        hart_set_irq(b->h, HART_IRQ_SEIP, v & 2);
    } else {
        /* DMA: register 3's low byte says how many bytes, register 2 where to, the value
         * stored where in the pattern to start */
        uint32_t len = b->dev[3] & 0xff, from = v % (DMA_PATTERN - 256);
        uint8_t *p = len ? bus_dma_ptr(b->bus, b->dev[2], len, true) : NULL;
        if (p) {
            memcpy(p, b->pattern + from, len);
            b->dmas++;
        }
    }
    return true;
}

/* icount: the clock follows the hart's instructions (-icount), so a random program's
 * reads of mtime and the time CSR, and its timer interrupts, must land at the same
 * instruction on both engines; else a manual clock moved between chunks. */
static struct board *board_new(uint32_t ram_size, enum hart_engine engine, bool icount)
{
    struct board *b = calloc(1, sizeof *b);
    ck_assert_ptr_nonnull(b);
    b->ram_size = ram_size;
    b->ram = calloc(1, ram_size);
    b->bus = bus_create();
    ck_assert(b->ram && b->bus);
    ck_assert_int_eq(bus_add_memory(b->bus, "ram", MEMMAP_RAM_BASE, ram_size, b->ram, true),
                     BUS_ERR_NONE);
    ck_assert_int_eq(bus_add_mmio(b->bus, "dev", DEV_BASE, DEV_SIZE, BUS_SIZE_ALL, b,
                                  dev_read, dev_write), BUS_ERR_NONE);
    clock_init_manual(&b->clock);
    struct hart_config cfg = { .reset_pc = MEMMAP_RAM_BASE, .bus = b->bus,
                               .features = HART_FEATURES_QEMU,
                               .time_now = clock_ticks_cb, .time_opaque = &b->clock };
    b->h = hart_create(&cfg);
    ck_assert_ptr_nonnull(b->h);
    hart_set_engine(b->h, engine);
    if (icount)
        clock_init_insns(&b->clock, (unsigned)(ram_size >> 12) % 4, hart_instructions_cb, b->h);
    struct irq_line msip = { line_set, b, 3 }, mtip = { line_set, b, 7 };
    b->clint = clint_create(1, &b->clock, &msip, &mtip);     /* (drives its lines now) */
    ck_assert_ptr_nonnull(b->clint);
    ck_assert_int_eq(clint_attach(b->clint, b->bus, MEMMAP_CLINT_BASE), BUS_ERR_NONE);
    clint_set_rearm(b->clint, clint_rearm, b);
    return b;
}

static void board_free(struct board *b)
{
    if (!b)
        return;
    hart_destroy(b->h);
    clint_destroy(b->clint);
    bus_destroy(b->bus);
    free(b->ram);
    free(b);
}

static uint8_t *ram_at(struct board *b, uint32_t addr, uint32_t len)
{
    if (addr < MEMMAP_RAM_BASE || addr - MEMMAP_RAM_BASE > b->ram_size ||
        len > b->ram_size - (addr - MEMMAP_RAM_BASE))
        return NULL;
    return b->ram + (addr - MEMMAP_RAM_BASE);
}

/* ---- setup: everything from the generator, so two boards set up from equal
 * generators are equal ---- */

static const uint32_t m_handler[] = {   /* step over the trapping instruction (fuzz.cpu) */
    0x34029073,     /* csrw mscratch, t0 */
    0x341022f3,     /* csrr t0, mepc */
    0x00428293,     /* addi t0, t0, 4 */
    0x34129073,     /* csrw mepc, t0 */
    0x340022f3,     /* csrr t0, mscratch */
    0x30200073,     /* mret */
};
static const uint32_t s_handler[] = {
    0x14029073,     /* csrw sscratch, t0 */
    0x141022f3,     /* csrr t0, sepc */
    0x00428293,     /* addi t0, t0, 4 */
    0x14129073,     /* csrw sepc, t0 */
    0x140022f3,     /* csrr t0, sscratch */
    0x10200073,     /* sret */
};

static void plant_handlers(struct fz_rng *r, struct board *b)
{
    uint32_t at[2];
    for (unsigned k = 0; k < 2; k++) {
        at[k] = MEMMAP_RAM_BASE + (fz_below(r, b->ram_size - 64) & ~3u);
        memcpy(ram_at(b, at[k], sizeof m_handler), k ? s_handler : m_handler,
               sizeof m_handler);
    }
    hart_csr_set(b->h, CSR_MTVEC, at[0]);
    hart_csr_set(b->h, CSR_STVEC, at[1]);
    hart_flush_caches(b->h);
}

static uint32_t ram_page(struct fz_rng *r, uint32_t ram_size)
{
    return MEMMAP_RAM_BASE + (fz_below(r, ram_size >> 12) << 12);
}

static uint32_t pte(uint64_t pa, uint32_t flags)
{
    return (uint32_t)((pa >> 12) << 10) | flags;
}

/* A physical page outside RAM: a device, nothing, or past 4 GiB. */
static uint64_t outside_page(struct fz_rng *r)
{
    static const uint32_t bases[] = {
        0x00000000, MEMMAP_CLINT_BASE, MEMMAP_CLINT_BASE + 0x4000, DEV_BASE, 0x7ffff000,
        0xfffff000u, MEMMAP_PLIC_BASE,
    };
    switch (fz_below(r, 3)) {
    case 0: return (uint64_t)(fz_u32(r) & 0x3fffffu) << 12;
    case 1: return ((uint64_t)1 << 32) + ((uint64_t)fz_below(r, 0x1000) << 12);
    default: return bases[fz_below(r, sizeof bases / sizeof bases[0])];
    }
}

static void fill_table(struct fz_rng *r, struct board *b, uint32_t table, bool wild)
{
    uint8_t *p = ram_at(b, table, 4096);
    if (!p)
        return;
    for (unsigned i = 0; i < 1024; i++) {
        uint32_t e, k = fz_below(r, 8);
        uint64_t target = wild && fz_chance(r, 1, 2) ? outside_page(r) : ram_page(r, b->ram_size);
        if (k == 0)
            e = fz_u32(r);
        else if (k <= 2)
            e = pte(target, PTE_V);
        else if (k <= 5)
            e = pte(target, PTE_V | (fz_u32(r) & 0xfe));
        else
            e = 0;
        memcpy(p + 4 * i, &e, 4);
    }
}

static void setup_paging(struct fz_rng *r, struct board *b, bool wild)
{
    uint64_t root;
    if (wild && fz_chance(r, 1, 4)) {
        root = outside_page(r);
    } else {
        root = ram_page(r, b->ram_size);
        fill_table(r, b, (uint32_t)root, wild);
        /* RAM's megapage, identity, for S or U (most of the time). */
        uint32_t code = pte(MEMMAP_RAM_BASE, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D |
                                             (fz_chance(r, 1, 2) ? PTE_U : 0));
        uint8_t *slot = ram_at(b, (uint32_t)root + 4 * (MEMMAP_RAM_BASE >> 22), 4);
        if (slot && fz_chance(r, 3, 4))
            memcpy(slot, &code, 4);
        /* The device's and the CLINT's megapages, identity, R W, for S or U, mostly. */
        static const uint32_t io[] = { DEV_BASE, MEMMAP_CLINT_BASE };
        for (unsigned i = 0; i < 2; i++) {
            uint32_t e = pte(io[i], PTE_V | PTE_R | PTE_W | PTE_A | PTE_D |
                                    (fz_chance(r, 1, 2) ? PTE_U : 0));
            uint8_t *ios = ram_at(b, (uint32_t)root + 4 * (io[i] >> 22), 4);
            if (ios && fz_chance(r, 3, 4))
                memcpy(ios, &e, 4);
        }
        for (unsigned n = fz_below(r, 4); n > 0; n--) {
            uint32_t table = ram_page(r, b->ram_size);
            fill_table(r, b, table, wild);
            uint32_t ptr = pte(table, PTE_V);
            uint8_t *s = ram_at(b, (uint32_t)root + 4 * fz_below(r, 1024), 4);
            if (s)
                memcpy(s, &ptr, 4);
        }
    }
    uint32_t satp = ((uint32_t)(root >> 12) & SATP_PPN_MASK) | (fz_u32(r) & SATP_ASID_MASK);
    if (fz_chance(r, 7, 8))
        satp |= SATP_MODE_SV32;
    hart_csr_set(b->h, CSR_SATP, satp);
}

static void setup_csrs(struct fz_rng *r, struct board *b)
{
    struct hart *h = b->h;
    for (unsigned n = fz_below(r, 16); n > 0; n--)
        hart_csr_set(h, (uint16_t)fz_below(r, 4096), fz_interesting(r));
    uint32_t mstatus = fz_u32(r);
    if (fz_chance(r, 1, 2))
        mstatus &= ~(MSTATUS_MPRV | MSTATUS_TVM | MSTATUS_TSR | MSTATUS_TW);
    hart_csr_set(h, CSR_MSTATUS, mstatus);
    hart_csr_set(h, CSR_MTVEC, fz_vector(r, b->ram_size));
    hart_csr_set(h, CSR_STVEC, fz_vector(r, b->ram_size));
    uint32_t deleg = fz_below(r, 4);
    hart_csr_set(h, CSR_MEDELEG, deleg == 0 ? 0 : deleg == 1 ? 0xffffffffu : fz_u32(r));
    hart_csr_set(h, CSR_MIDELEG, fz_u32(r));
    hart_csr_set(h, CSR_MIE, fz_chance(r, 1, 4) ? 0 : fz_u32(r) | (fz_chance(r, 1, 2) ?
                                                                   MIP_MEIP | MIP_SEIP : 0));
    hart_csr_set(h, CSR_MEPC, fz_reg_value(r, b->ram_size));
    hart_csr_set(h, CSR_SEPC, fz_reg_value(r, b->ram_size));
    hart_csr_set(h, CSR_MSCRATCH, fz_reg_value(r, b->ram_size));
    hart_csr_set(h, CSR_SSCRATCH, fz_reg_value(r, b->ram_size));
    hart_csr_set(h, CSR_MCOUNTEREN, fz_u32(r));
    hart_csr_set(h, CSR_SCOUNTEREN, fz_u32(r));
    if (fz_chance(r, 1, 4))
        hart_csr_set(h, CSR_MIP, fz_u32(r));
    if (fz_chance(r, 1, 4))
        hart_csr_set(h, CSR_MCOUNTINHIBIT, fz_below(r, 8));
    fz_setup_pmp(r, h, b->ram_size);
    if (fz_chance(r, 1, 8)) {           /* a debug trigger: both engines then step */
        static const uint32_t types[] = { 0x20000000u, 0x60000000u };
        hart_csr_set(h, CSR_TSELECT, fz_below(r, 2));
        uint32_t where = fz_chance(r, 1, 2) ? fz_reg_value(r, b->ram_size)
                                            : MEMMAP_RAM_BASE + (fz_below(r, b->ram_size) & ~1u);
        hart_csr_set(h, CSR_TDATA2, where);
        hart_csr_set(h, CSR_TDATA1, types[fz_below(r, 2)] | (fz_u32(r) & 0x000f005fu));
        hart_csr_set(h, CSR_TCONTROL, fz_below(r, 2) ? 0x08 : 0);
    }
}

/* A register value: mostly what fuzz.cpu uses, sometimes a page this board's code is in
 * (for self-modifying stores) or the device's DMA registers. */
static uint32_t reg_value(struct fz_rng *r, struct board *b)
{
    switch (fz_below(r, 8)) {
    case 0: return DEV_BASE + 4 * fz_below(r, DEV_REGS);
    case 1: return MEMMAP_RAM_BASE + (fz_below(r, b->ram_size) & ~3u);
    default: return fz_reg_value(r, b->ram_size);
    }
}

/* Snippets sprinkled over the random code, so that what the hazards need happens often:
 *  - `auipc rX, 0`, then a store (sw, sh or sb) of a random register 8 to 64 bytes ahead
 *    of it: into the block that is running (one per 256 bytes);
 *  - `lui rX, DEV_BASE`, then a store of a random register into the device's lower half:
 *    its lines follow the value, an interrupt raised in the middle of a block (one per
 *    512 bytes);
 *  - `lui rX, mtimecmp`, then a store of a random register: the CLINT moves the deadline
 *    and asks the hart to yield (one per 1 KiB);
 *  - `lui rX, CLINT + 0xc000`, then `lw rY, -8(rX)`: a read of mtime, which under an
 *    instruction clock must give both engines the same value (one per 1 KiB). */
static void put_pair(struct board *b, uint32_t at, uint32_t first, uint32_t second)
{
    memcpy(b->ram + at, &first, 4);
    memcpy(b->ram + at + 4, &second, 4);
}

static uint32_t enc_store(unsigned width, unsigned rs2, unsigned rs1, uint32_t imm)
{
    return ((imm >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | width << 12 | (imm & 31) << 7 |
           0x23;
}

static void sprinkle_snippets(struct fz_rng *r, struct board *b)
{
    for (uint32_t n = b->ram_size / 256; n > 0; n--) {
        uint32_t at = fz_below(r, b->ram_size - 8) & ~3u;
        unsigned rx = 1 + fz_below(r, 31), ry = fz_below(r, 32);
        uint32_t imm = 8 + 4 * fz_below(r, 15) + fz_below(r, 2) * 2;
        put_pair(b, at, rx << 7 | 0x17, enc_store(fz_below(r, 3), ry, rx, imm));
    }
    for (uint32_t n = b->ram_size / 512; n > 0; n--) {
        uint32_t at = fz_below(r, b->ram_size - 8) & ~3u;
        unsigned rx = 1 + fz_below(r, 31), ry = fz_below(r, 32);
        put_pair(b, at, DEV_BASE | rx << 7 | 0x37,
                 enc_store(2, ry, rx, 4 * fz_below(r, DEV_DMA / 4)));
    }
    for (uint32_t n = b->ram_size / 1024; n > 0; n--) {
        uint32_t at = fz_below(r, b->ram_size - 8) & ~3u;
        unsigned rx = 1 + fz_below(r, 31), ry = fz_below(r, 32);
        put_pair(b, at, (MEMMAP_CLINT_BASE + 0x4000) | rx << 7 | 0x37,
                 enc_store(2, ry, rx, 4 * fz_below(r, 2)));
    }
    for (uint32_t n = b->ram_size / 1024; n > 0; n--) {
        uint32_t at = fz_below(r, b->ram_size - 8) & ~3u;
        unsigned rx = 1 + fz_below(r, 31), ry = fz_below(r, 32);
        put_pair(b, at, (MEMMAP_CLINT_BASE + 0xc000) | rx << 7 | 0x37,
                 0xff8u << 20 | rx << 15 | 2u << 12 | ry << 7 | 0x03);     /* lw ry, -8(rx) */
    }
}

static void setup_board(struct fz_rng *r, struct board *b, enum fz_code_mode mode,
                        bool handlers, bool wild)
{
    fz_fill_code(r, b->ram, b->ram_size, mode);
    sprinkle_snippets(r, b);
    fz_fill_code(r, b->pattern, DMA_PATTERN, mode);
    for (unsigned i = 0; i < 32; i++)
        hart_set_freg(b->h, i, fz_fp_value(r));
    setup_csrs(r, b);
    setup_paging(r, b, wild);
    for (unsigned i = 1; i < 32; i++)
        hart_set_reg(b->h, i, reg_value(r, b));
    static const enum hart_priv privs[] = { PRIV_U, PRIV_S, PRIV_M };
    hart_set_priv(b->h, privs[fz_below(r, 3)]);
    uint32_t pc;
    switch (fz_below(r, 8)) {
    case 0: pc = MEMMAP_RAM_BASE + b->ram_size - 2; break;
    case 1: pc = ram_page(r, b->ram_size) + 4094; break;
    case 2: case 3: pc = MEMMAP_RAM_BASE + 2 * fz_below(r, b->ram_size / 2); break;
    default: pc = MEMMAP_RAM_BASE; break;
    }
    uint8_t *p = ram_at(b, pc, 2);
    if (p && fz_chance(r, 3, 4))
        p[0] |= 3;                              /* a 32-bit instruction there */
    hart_set_pc(b->h, pc);
    /* The device: DMA to somewhere in RAM (often near the code), some length. */
    b->dev[2] = fz_chance(r, 1, 2) ? pc & ~3u : MEMMAP_RAM_BASE + (fz_below(r, b->ram_size) & ~3u);
    b->dev[3] = fz_below(r, 256);
    hart_flush_caches(b->h);
    if (handlers)
        plant_handlers(r, b);
    if (fz_chance(r, 1, 2)) {                   /* a timer interrupt soon */
        bus_write(b->bus, MEMMAP_CLINT_BASE + 0x4000, 4, fz_below(r, 5000));
        bus_write(b->bus, MEMMAP_CLINT_BASE + 0x4004, 4, 0);
    }
}

/* ---- comparing ---- */

static uint16_t csr_nums[4096];
static unsigned ncsrs;

struct where {
    unsigned seed;
    uint64_t seed_value;
    unsigned chunk;
    uint64_t budget, spent;
};

/* The two boards being compared, for show_history. */
static struct board *diff_boards[2];

/* Where each hart came from lately: the divergence is usually a few moves back. */
static void show_history(void)
{
    static const char *const name[2] = { "step", "fast" };
    for (int i = 0; i < 2 && diff_boards[i]; i++) {
        uint32_t from[16], to[16];
        unsigned n = hart_history(diff_boards[i]->h, from, to, 16);
        fprintf(stderr, "%s's last moves:", name[i]);
        for (unsigned k = 0; k < n; k++)
            fprintf(stderr, " %08x>%08x", from[k], to[k]);
        fprintf(stderr, "\n");
    }
}

#define DIFF(w, fmt, ...)                                                                   \
    show_history(),                                                                         \
    ck_abort_msg("seed %u (0x%016" PRIx64 "), chunk %u (budget %" PRIu64 ", %" PRIu64     \
                 " steps before it): " fmt, (w)->seed, (w)->seed_value, (w)->chunk,        \
                 (w)->budget, (w)->spent, __VA_ARGS__)

/* Every CSR number: which exist, and the same value on both. Fills csr_nums. */
static void compare_all_csrs(struct board *s, struct board *k, const struct where *w)
{
    ncsrs = 0;
    for (unsigned n = 0; n < 4096; n++) {
        uint32_t vs = 0, vk = 0;
        bool hs = hart_csr_get(s->h, (uint16_t)n, &vs), hk = hart_csr_get(k->h, (uint16_t)n, &vk);
        if (hs != hk)
            DIFF(w, "CSR 0x%03x readable on step %d, block %d", n, hs, hk);
        if (hs && vs != vk)
            DIFF(w, "CSR 0x%03x: step 0x%08x block 0x%08x", n, vs, vk);
        if (hs)
            csr_nums[ncsrs++] = (uint16_t)n;
    }
}

static void compare(struct board *s, struct board *k, const struct where *w)
{
    struct hart *hs = s->h, *hk = k->h;
    if (hs->pc != hk->pc)
        DIFF(w, "pc: step 0x%08x block 0x%08x", hs->pc, hk->pc);
    if (hs->priv != hk->priv)
        DIFF(w, "privilege: step %u block %u (pc 0x%08x)", hs->priv, hk->priv, hs->pc);
    for (unsigned i = 1; i < 32; i++)
        if (hs->x[i] != hk->x[i])
            DIFF(w, "x%u: step 0x%08x block 0x%08x (pc 0x%08x)", i, hs->x[i], hk->x[i], hs->pc);
    if (hs->retired != hk->retired)
        DIFF(w, "retired: step %" PRIu64 " block %" PRIu64 " (pc 0x%08x)", hs->retired,
             hk->retired, hs->pc);
    if (hs->traps != hk->traps)
        DIFF(w, "traps taken: step %" PRIu64 " block %" PRIu64 " (pc 0x%08x)", hs->traps,
             hk->traps, hs->pc);
    for (unsigned i = 0; i < ncsrs; i++) {
        uint32_t vs = 0, vk = 0;
        hart_csr_get(hs, csr_nums[i], &vs);
        hart_csr_get(hk, csr_nums[i], &vk);
        if (vs != vk)
            DIFF(w, "CSR 0x%03x: step 0x%08x block 0x%08x (pc 0x%08x)", csr_nums[i], vs, vk,
                 hs->pc);
    }
    for (unsigned i = 0; i < 32; i++)
        if (hs->fpu.f[i] != hk->fpu.f[i])
            DIFF(w, "f%u: step 0x%016" PRIx64 " block 0x%016" PRIx64 " (pc 0x%08x)", i,
                 hs->fpu.f[i], hk->fpu.f[i], hs->pc);
    if (hs->fpu.fflags != hk->fpu.fflags || hs->fpu.frm != hk->fpu.frm)
        DIFF(w, "fcsr: step %02x/%x block %02x/%x", hs->fpu.fflags, hs->fpu.frm,
             hk->fpu.fflags, hk->fpu.frm);
    if (hs->waiting != hk->waiting || hart_waiting(hs) != hart_waiting(hk))
        DIFF(w, "WFI: step %d block %d", hs->waiting, hk->waiting);
    /* (Where the reservation is shows in what the next sc.w does: the registers.) */
    if (hs->reserved != hk->reserved)
        DIFF(w, "reservation: step %d block %d", hs->reserved, hk->reserved);
    uint32_t fs[HART_HISTORY_LEN], ts[HART_HISTORY_LEN], fk[HART_HISTORY_LEN], tk[HART_HISTORY_LEN];
    unsigned ns = hart_history(hs, fs, ts, HART_HISTORY_LEN);
    unsigned nk = hart_history(hk, fk, tk, HART_HISTORY_LEN);
    if (ns != nk)
        DIFF(w, "history length: step %u block %u", ns, nk);
    for (unsigned i = 0; i < ns; i++)
        if (fs[i] != fk[i] || ts[i] != tk[i])
            DIFF(w, "history[%u of %u]: step 0x%08x->0x%08x block 0x%08x->0x%08x", i, ns,
                 fs[i], ts[i], fk[i], tk[i]);
    if (memcmp(s->dev, k->dev, sizeof s->dev) || s->dmas != k->dmas)
        DIFF(w, "device registers differ (DMAs: step %" PRIu64 " block %" PRIu64 ")", s->dmas,
             k->dmas);
    for (uint32_t off = 0; off < 0xc000; off += 0x4000) {
        uint32_t a = 0, b = 0;
        bus_read(s->bus, MEMMAP_CLINT_BASE + off, 4, &a);
        bus_read(k->bus, MEMMAP_CLINT_BASE + off, 4, &b);
        if (a != b)
            DIFF(w, "CLINT +0x%x: step 0x%08x block 0x%08x", off, a, b);
    }
    if (memcmp(s->ram, k->ram, s->ram_size)) {
        uint32_t i = 0;
        while (s->ram[i] == k->ram[i])
            i++;
        uint32_t at = i & ~3u, vs, vk;
        memcpy(&vs, s->ram + at, 4);
        memcpy(&vk, k->ram + at, 4);
        DIFF(w, "RAM at 0x%08x: step 0x%08x block 0x%08x (pc 0x%08x)", MEMMAP_RAM_BASE + at, vs,
             vk, hs->pc);
    }
}

/* ---- running ---- */

/* Has the hart gone round a tiny loop (fz_stuck's test, on this board's hart)? */
static bool stuck(struct board *b)
{
    uint32_t from[HART_HISTORY_LEN], to[HART_HISTORY_LEN];
    unsigned n = hart_history(b->h, from, to, HART_HISTORY_LEN);
    if (n < HART_HISTORY_LEN)
        return false;
    uint32_t x = to[0], y = to[0];
    for (unsigned i = 1; i < n; i++) {
        if (to[i] == x || to[i] == y)
            continue;
        if (x != y)
            return false;
        y = to[i];
    }
    return true;
}

/* The engine compared with the plain step: the block engine, or the JIT when
 * RVBOX_DIFF_ENGINE=jit (ctest runs both: fuzz.diff and fuzz.diff-jit). */
static enum hart_engine fast_engine(void)
{
    const char *e = getenv("RVBOX_DIFF_ENGINE");
    return e && !strcmp(e, "jit") ? HART_ENGINE_JIT : HART_ENGINE_BLOCK;
}

static void run_seed(unsigned seed_index)
{
    if (!fz_seed_selected(seed_index))
        return;
    struct where w = { .seed = seed_index, .seed_value = fz_seed_for(7, seed_index) };
    struct fz_rng r;
    fz_seed(&r, w.seed_value);
    uint32_t ram_size = (16 + fz_below(&r, 113)) << 12;       /* 64 KiB .. 512 KiB */
    enum fz_code_mode mode = (enum fz_code_mode)(seed_index % FZ_CODE_MODES);
    bool handlers = (seed_index / FZ_CODE_MODES) % 2 == 1;
    bool wild = seed_index % 2 == 1;
    bool icount = seed_index % 4 >= 2;          /* half the seeds, across the modes */
    struct board *b[2] = { board_new(ram_size, HART_ENGINE_STEP, icount),
                           board_new(ram_size, fast_engine(), icount) };
    diff_boards[0] = b[0];
    diff_boards[1] = b[1];
    if (fast_engine() == HART_ENGINE_JIT && b[1]->h->engine != HART_ENGINE_JIT)
        ck_abort_msg("RVBOX_DIFF_ENGINE=jit, but this host has no JIT");
    struct fz_rng r0 = r, r1 = r;
    setup_board(&r0, b[0], mode, handlers, wild);
    setup_board(&r1, b[1], mode, handlers, wild);
    ck_assert_uint_eq(r0.state, r1.state);
    r = r0;
    compare_all_csrs(b[0], b[1], &w);
    compare(b[0], b[1], &w);

    const uint64_t target = fz_scaled(STEPS_PER_SEED);
    uint64_t kicks = 0, wakes = 0, retired = 0;
    unsigned idle = 0;
    clock_t t0 = clock();
    while (w.spent < target) {
        w.budget = 1 + (fz_chance(&r, 1, 4) ? fz_below(&r, 64) : fz_below(&r, 1000));
        enum hart_stop stop[2];
        uint64_t got[2], pos0 = hart_position(b[0]->h);
        stop[0] = hart_run(b[0]->h, w.budget, &got[0]);
        /* The engine under test runs the same budget, at times cut in two: where a run is
         * cut must not matter (a replay or a reverse step cuts runs where the recording
         * did not), so it stops where the reference did and in the same state. */
        uint64_t cut = fz_chance(&r, 1, 2) ? fz_below(&r, (uint32_t)w.budget) : 0;
        uint64_t pos1 = hart_position(b[1]->h);
        stop[1] = hart_run(b[1]->h, cut ? cut : w.budget, &got[1]);
        if (cut && stop[1] == HART_STOP_BUDGET && hart_position(b[1]->h) - pos1 == cut &&
            hart_position(b[1]->h) < hart_position(b[0]->h)) {
            uint64_t more;
            stop[1] = hart_run(b[1]->h, w.budget - cut, &more);
            got[1] += more;
        }
        /* Every step of the budget is an instruction retired or a trap taken. */
        if (hart_position(b[0]->h) - pos0 > w.budget)
            DIFF(&w, "position moved by %" PRIu64 ", more than the budget",
                 hart_position(b[0]->h) - pos0);
        if (stop[0] != stop[1] || got[0] != got[1])
            DIFF(&w, "hart_run: step stopped %d after %" PRIu64 ", block %d after %" PRIu64,
                 stop[0], got[0], stop[1], got[1]);
        compare(b[0], b[1], &w);
        retired += got[0];
        w.spent += stop[0] == HART_STOP_WFI ? got[0] + 1 : w.budget;
        w.chunk++;

        /* The same events on both boards. */
        for (int i = 0; i < 2; i++) {
            clock_advance(&b[i]->clock, w.budget);
            clint_update(b[i]->clint);
            hart_timer_update(b[i]->h);         /* Sstc: as the machine does */
        }
        if (stop[0] == HART_STOP_WFI) {
            if (++idle > 3) {
                for (int i = 0; i < 2; i++) {
                    uint32_t mie = 0;
                    bus_write(b[i]->bus, MEMMAP_CLINT_BASE, 4, 1);
                    hart_csr_get(b[i]->h, CSR_MIE, &mie);
                    hart_csr_set(b[i]->h, CSR_MIE, mie | MIP_MSIP);
                }
                wakes++;
                idle = 0;
            }
        } else {
            idle = 0;
            if (fz_chance(&r, 1, 8))
                for (int i = 0; i < 2; i++)
                    bus_write(b[i]->bus, MEMMAP_CLINT_BASE, 4, 0);
        }
        if (fz_chance(&r, 1, 16)) {             /* a DMA between runs, near the code */
            uint32_t pc = hart_get_pc(b[0]->h), len = 4 + 2 * fz_below(&r, 31);
            uint32_t to = fz_chance(&r, 3, 4) ? (pc & ~3u) - 32 + 4 * fz_below(&r, 16)
                                              : MEMMAP_RAM_BASE + (fz_below(&r, ram_size) & ~3u);
            uint32_t from = fz_below(&r, DMA_PATTERN - 64);
            for (int i = 0; i < 2; i++) {
                uint8_t *p = bus_dma_ptr(b[i]->bus, to, len, true);
                if (p) {
                    memcpy(p, b[i]->pattern + from, len);
                    b[i]->dmas++;
                }
            }
        }
        if (fz_chance(&r, 1, 64)) {             /* the device's lines, from outside */
            uint32_t v = fz_below(&r, 4);
            for (int i = 0; i < 2; i++)
                bus_write(b[i]->bus, DEV_BASE, 4, v);
        }
        if ((got[0] == 0 && w.budget >= 64 && stop[0] != HART_STOP_WFI) ||
            (w.budget >= 256 && stuck(b[0])) ||
            (hart_get_priv(b[0]->h) == PRIV_M && fz_chance(&r, 1, 4))) {
            static const enum hart_priv privs[] = { PRIV_U, PRIV_S, PRIV_M };
            uint32_t mtvec = fz_vector(&r, ram_size), stvec = fz_vector(&r, ram_size);
            uint32_t pc = MEMMAP_RAM_BASE + (fz_below(&r, ram_size) & ~1u);
            enum hart_priv priv = privs[fz_below(&r, 3)];
            struct fz_rng rh = r;
            for (int i = 0; i < 2; i++) {
                hart_csr_set(b[i]->h, CSR_MTVEC, mtvec);
                hart_csr_set(b[i]->h, CSR_STVEC, stvec);
                hart_set_pc(b[i]->h, pc);
                hart_set_priv(b[i]->h, priv);
                if (handlers) {
                    r = rh;
                    plant_handlers(&r, b[i]);
                }
            }
            kicks++;
            compare(b[0], b[1], &w);
        }
    }
    compare_all_csrs(b[0], b[1], &w);
    fprintf(stderr, "fuzz_diff seed %2u (0x%016" PRIx64 "): %3u KiB %-9s%s%s %7" PRIu64
            " insns, %5u chunks, %4" PRIu64 " kicks, %3" PRIu64 " wakes, %4" PRIu64
            " DMAs, %.2f s\n", seed_index, w.seed_value, ram_size >> 10, fz_code_mode_name(mode),
            handlers ? "+h" : "  ", wild ? "+w" : "  ", retired, w.chunk, kicks, wakes,
            b[0]->dmas, (double)(clock() - t0) / CLOCKS_PER_SEC);
    board_free(b[0]);
    board_free(b[1]);
}

START_TEST(test_engines_agree)
{
    run_seed((unsigned)_i);
}
END_TEST

static Suite *fuzz_diff_suite(void)
{
    Suite *s = suite_create("fuzz_diff");
    TCase *tc = tcase_create("engines");
    tcase_set_timeout(tc, fz_sanitized() ? 120 : 30);
    tcase_add_loop_test(tc, test_engines_agree, 0, (int)fz_seed_count(SEEDS));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(fuzz_diff_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
