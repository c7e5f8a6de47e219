/*
 * Shared pieces of the robustness suites (see fuzz_common.h).
 */
#include "fuzz_common.h"

#include <stdlib.h>
#include <string.h>

#include "bus/bus.h"
#include "bus/memmap.h"
#include "cpu/csr.h"
#include "cpu/csr_defs.h"
#include "cpu/decode.h"
#include "cpu/hart.h"
#include "tests/test_engine.h"

/* ---- generator ---- */

void fz_seed(struct fz_rng *r, uint64_t seed)
{
    r->state = seed;
}

uint64_t fz_next64(struct fz_rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint32_t fz_u32(struct fz_rng *r)
{
    return (uint32_t)(fz_next64(r) >> 32);
}

uint32_t fz_below(struct fz_rng *r, uint32_t n)
{
    return (uint32_t)(((fz_next64(r) >> 32) * n) >> 32);
}

bool fz_chance(struct fz_rng *r, uint32_t num, uint32_t den)
{
    return fz_below(r, den) < num;
}

uint32_t fz_interesting(struct fz_rng *r)
{
    static const uint32_t values[] = {
        0, 1, 2, 3, 4, 7, 8, 0xf, 0x10, 0x7f, 0x80, 0xff, 0x100, 0x1ff, 0x200, 0xfff,
        0x1000, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000u, 0x80000001u,
        0xfffffffeu, 0xffffffffu, 0xfffff000u, 0x00100000, 0x40000000,
    };
    switch (fz_below(r, 4)) {
    case 0: return values[fz_below(r, sizeof values / sizeof values[0])];
    case 1: return 1u << fz_below(r, 32);
    case 2: return fz_below(r, 64);
    default: return fz_u32(r);
    }
}

/* ---- seeds and scale ---- */

uint64_t fz_seed_for(unsigned suite_salt, unsigned i)
{
    struct fz_rng r;
    fz_seed(&r, ((uint64_t)suite_salt << 32) | i);
    return fz_next64(&r);
}

unsigned fz_seed_count(unsigned def)
{
    const char *n = getenv("RVBOX_FUZZ_SEEDS");
    unsigned long v = n && *n ? strtoul(n, NULL, 0) : 0;
    return v ? (unsigned)v : def;
}

bool fz_seed_selected(unsigned i)
{
    const char *only = getenv("RVBOX_FUZZ_SEED");
    return !only || !*only || strtoul(only, NULL, 0) == i;
}

#if defined(__SANITIZE_ADDRESS__)
#define FZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FZ_ASAN 1
#endif
#endif

bool fz_sanitized(void)
{
#ifdef FZ_ASAN
    return true;
#else
    return false;
#endif
}

uint64_t fz_scaled(uint64_t work)
{
    const char *s = getenv("RVBOX_FUZZ_SCALE");
    uint64_t k = s && *s ? strtoull(s, NULL, 0) : 1;
    if (k == 0)
        k = 1;
    uint64_t w = fz_sanitized() ? work / 4 : work;
    return (w ? w : 1) * k;
}

/* ---- the engine ---- */

void fz_use_engine(struct machine *m)
{
    test_use_engine(machine_hart(m));
}

/* ---- backends ---- */

static void console_write(void *opaque, uint8_t byte)
{
    struct fz_console *c = opaque;
    (void)byte;
    c->written++;
}

static int console_read(void *opaque)
{
    struct fz_console *c = opaque;
    if (!c->rng || !fz_chance(c->rng, 1, 8))
        return -1;
    return (int)fz_below(c->rng, 256);
}

struct chardev fz_console_chardev(struct fz_console *c)
{
    return (struct chardev){ .opaque = c, .write = console_write, .read = console_read };
}

/* Every request is checked against the disk's bounds before touching the buffer: a device
 * that asks past the end is counted, and the request fails instead of overrunning. */
static bool disk_in_range(struct fz_disk *d, uint64_t off, size_t len)
{
    if (off > d->bd.size || len > d->bd.size - off) {
        d->out_of_range++;
        return false;
    }
    return true;
}

static int disk_read(void *opaque, uint64_t off, void *buf, size_t len)
{
    struct fz_disk *d = opaque;
    d->reads++;
    if (!disk_in_range(d, off, len))
        return -1;
    if (d->fail_some && ++d->ios % 7 == 0)
        return -1;
    memcpy(buf, d->data + off, len);
    return 0;
}

static int disk_write(void *opaque, uint64_t off, const void *buf, size_t len)
{
    struct fz_disk *d = opaque;
    d->writes++;
    if (d->bd.readonly) {
        d->readonly_writes++;
        return -1;
    }
    if (!disk_in_range(d, off, len))
        return -1;
    if (d->fail_some && ++d->ios % 7 == 0)
        return -1;
    memcpy(d->data + off, buf, len);
    return 0;
}

static int disk_flush(void *opaque)
{
    struct fz_disk *d = opaque;
    d->flushes++;
    return d->fail_some && d->flushes % 3 == 0 ? -1 : 0;
}

void fz_disk_init(struct fz_disk *d, uint64_t size, bool readonly, bool fail_some)
{
    memset(d, 0, sizeof *d);
    d->data = calloc(1, size ? size : 1);
    for (uint64_t i = 0; d->data && i < size; i++)
        d->data[i] = (uint8_t)(i * 13 + (i >> 9));
    d->fail_some = fail_some;
    d->bd = (struct blockdev){ .opaque = d, .size = size, .readonly = readonly,
                               .read = disk_read, .write = disk_write, .flush = disk_flush };
}

void fz_disk_fini(struct fz_disk *d)
{
    free(d->data);
    d->data = NULL;
}

/* ---- instructions ---- */

/* The CSR numbers the hart implements, gathered once from its own table. */
static uint16_t csr_list[4096];
static unsigned csr_count;

static uint16_t some_csr(struct fz_rng *r)
{
    if (!csr_count)
        for (int n = csr_next(-1); n >= 0 && csr_count < 4096; n = csr_next(n))
            csr_list[csr_count++] = (uint16_t)n;
    if (!csr_count || fz_chance(r, 1, 4))
        return (uint16_t)fz_below(r, 4096);
    return csr_list[fz_below(r, csr_count)];
}

/* A value for a floating-point register: NaN-boxed singles (specials often), doubles,
 * and now and then bits no format would write. */
uint64_t fz_fp_value(struct fz_rng *r)
{
    static const uint32_t singles[] = {
        0, 0x80000000u, 0x3f800000u, 0xbf800000u, 0x7f800000u, 0xff800000u, 0x7fc00000u,
        0x7f800001u, 1, 0x007fffffu, 0x00800000u, 0x7f7fffffu, 0x4f000000u, 0xcf000000u,
    };
    static const uint64_t doubles[] = {
        0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0x7ff0000000000000ull,
        0x7ff8000000000000ull, 0x7ff0000000000001ull, 1, 0x0010000000000000ull,
        0x7fefffffffffffffull, 0x41e0000000000000ull, 0xc1e0000000000000ull,
    };
    switch (fz_below(r, 6)) {
    case 0: return 0xffffffff00000000ull | singles[fz_below(r, sizeof singles / 4)];
    case 1: return 0xffffffff00000000ull | fz_u32(r);
    case 2: return doubles[fz_below(r, sizeof doubles / 8)];
    case 3: return fz_next64(r);
    default: {
        uint64_t e = 1023 - 40 + fz_below(r, 80);       /* a double of ordinary size */
        return (uint64_t)fz_below(r, 2) << 63 | e << 52 | (fz_next64(r) >> 12);
    }
    }
}

void fz_setup_pmp(struct fz_rng *r, struct hart *h, uint32_t ram_size)
{
    uint32_t cfg[4] = { 0 };
    if (fz_chance(r, 7, 8)) {           /* entry 15: everything, as firmware sets it up */
        hart_csr_set(h, CSR_PMPADDR0 + 15, 0xffffffffu);
        cfg[3] = (uint32_t)(PMP_A_NAPOT | PMP_R | PMP_W | PMP_X) << 24;
    }
    for (unsigned n = fz_below(r, 5); n > 0; n--) {
        unsigned i = fz_below(r, 15);
        uint32_t base = fz_reg_value(r, ram_size) >> 2, addr;
        switch (fz_below(r, 3)) {
        case 0:  addr = base; break;                                    /* NA4, TOR */
        case 1:  addr = (base & ~0x3ffu) | 0x1ffu; break;               /* a 4 KiB page */
        default: addr = base | ((1u << fz_below(r, 16)) - 1); break;    /* any NAPOT */
        }
        uint8_t c = (uint8_t)(fz_u32(r) & 0x1f);
        if (fz_chance(r, 1, 16))
            c |= PMP_L;                                                 /* M-mode too */
        hart_csr_set(h, (uint16_t)(CSR_PMPADDR0 + i), addr);
        cfg[i / 4] |= (uint32_t)c << (8 * (i % 4));
    }
    for (unsigned k = 0; k < 4; k++)
        hart_csr_set(h, (uint16_t)(CSR_PMPCFG0 + k), cfg[k]);
}

uint32_t fz_insn32(struct fz_rng *r)
{
    /* One in four a floating-point instruction (there are as many of them as of all the
     * rest: uniform over the list would make them half the code). */
    unsigned op;
    if (fz_chance(r, 1, 4))
        op = OP_FLW + fz_below(r, OP_FCVT_D_WU - OP_FLW + 1);
    else
        do
            op = 1 + fz_below(r, OP_COUNT - 1);
        while (insn_is_fp(op));
    const struct insn_info *info = &insn_table[op];
    uint32_t w = info->match | (fz_u32(r) & ~info->mask);
    /* A rounding mode field: mostly a valid one (static, or dyn), sometimes reserved. */
    if (insn_is_fp(op) && !(info->mask & 0x7000u) && fz_chance(r, 3, 4))
        w = (w & ~0x7000u) | (fz_chance(r, 1, 4) ? 7u : fz_below(r, 5)) << 12;
    if ((info->format == FMT_CSR || info->format == FMT_CSRI) && fz_chance(r, 1, 2))
        w = (w & 0x000fffffu) | ((uint32_t)some_csr(r) << 20);
    return w;
}

uint16_t fz_insn16(struct fz_rng *r)
{
    uint16_t p = 0;
    for (int tries = 0; tries < 16; tries++) {
        p = (uint16_t)fz_u32(r);
        if ((p & 3) == 3)
            p &= (uint16_t)~1u;
        if (rvc_expand(p))
            return p;
    }
    return p;
}

const char *fz_code_mode_name(enum fz_code_mode mode)
{
    static const char *const names[] = { "random", "valid32", "mixed", "sprinkled" };
    return mode < FZ_CODE_MODES ? names[mode] : "?";
}

/* A word that looks like an Sv32 PTE: valid, random permissions, a page number in RAM
 * or at a device. */
static uint32_t pte_like(struct fz_rng *r)
{
    uint32_t pa = fz_chance(r, 3, 4) ? MEMMAP_RAM_BASE + (fz_u32(r) & 0x00fff000u)
                                     : fz_reg_value(r, 0x01000000);
    return ((pa >> 12) << 10) | (fz_u32(r) & 0xff) | PTE_V;
}

static void put32(uint8_t *p, uint32_t w)
{
    memcpy(p, &w, 4);
}

static void put16(uint8_t *p, uint16_t h)
{
    memcpy(p, &h, 2);
}

void fz_fill_code(struct fz_rng *r, uint8_t *buf, size_t len, enum fz_code_mode mode)
{
    size_t i = 0;
    while (i + 4 <= len) {
        switch (mode) {
        case FZ_CODE_RANDOM:
            put32(buf + i, fz_u32(r));
            i += 4;
            break;
        case FZ_CODE_VALID32:
            put32(buf + i, fz_insn32(r));
            i += 4;
            break;
        case FZ_CODE_MIXED:
            if (fz_chance(r, 1, 2)) {
                put16(buf + i, fz_insn16(r));
                i += 2;
            } else {
                put32(buf + i, fz_insn32(r));
                i += 4;
            }
            break;
        default: {
            uint32_t k = fz_below(r, 16);
            put32(buf + i, k == 0 ? fz_u32(r) : k == 1 ? pte_like(r) : fz_insn32(r));
            i += 4;
            break;
        }
        }
    }
    if (i + 2 <= len)
        put16(buf + i, fz_insn16(r));
}

uint32_t fz_reg_value(struct fz_rng *r, uint32_t ram_size)
{
    static const uint32_t devices[] = {
        MEMMAP_BOOTROM_BASE, MEMMAP_SYSCON_BASE, MEMMAP_RTC_BASE, MEMMAP_CLINT_BASE,
        MEMMAP_CLINT_BASE + 0x4000, MEMMAP_CLINT_BASE + 0xbff8, MEMMAP_PLIC_BASE,
        MEMMAP_PLIC_BASE + 0x2000, MEMMAP_PLIC_BASE + 0x200000, MEMMAP_UART0_BASE,
        MEMMAP_VIRTIO_BASE, MEMMAP_VIRTIO_BASE + 0x50, MEMMAP_VIRTIO_BASE + 0x70,
        MEMMAP_FB_BASE, 0,
    };
    switch (fz_below(r, 8)) {
    case 0: return MEMMAP_RAM_BASE + fz_below(r, 0x1000);
    case 1: return MEMMAP_RAM_BASE + ram_size - fz_below(r, 0x1000);
    case 2: return MEMMAP_RAM_BASE + fz_below(r, ram_size);
    case 3: return devices[fz_below(r, sizeof devices / sizeof devices[0])] +
                   fz_below(r, 0x100);
    case 4: return MEMMAP_VIRTIO_BASE + fz_below(r, MEMMAP_VIRTIO_COUNT) *
                   MEMMAP_VIRTIO_STRIDE + (fz_below(r, 0x40) << 2);
    case 5: return fz_interesting(r);
    default: return fz_u32(r);
    }
}

/* ---- running ---- */

const char *fz_check_hart(struct machine *m)
{
    struct hart *h = machine_hart(m);
    enum hart_priv p = hart_get_priv(h);
    if (p != PRIV_U && p != PRIV_S && p != PRIV_M)
        return "privilege level is not U, S or M";
    uint32_t v = 0;
    if (!hart_csr_get(h, CSR_MSTATUS, &v))
        return "mstatus is missing";
    if (((v & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) == 2)
        return "mstatus.MPP holds the reserved value 2";
    if (hart_csr_get(h, CSR_MEPC, &v) && (v & 1))
        return "mepc bit 0 is set";
    if (hart_csr_get(h, CSR_SEPC, &v) && (v & 1))
        return "sepc bit 0 is set";
    if (hart_csr_get(h, CSR_MISA, &v) && !(v & MISA_MXL_32))
        return "misa lost MXL=32";
    return NULL;
}

void fz_wake(struct machine *m)
{
    struct hart *h = machine_hart(m);
    uint32_t mie = 0;
    bus_write(machine_bus(m), MEMMAP_CLINT_BASE, 4, 1);
    if (hart_csr_get(h, CSR_MIE, &mie))
        hart_csr_set(h, CSR_MIE, mie | MIP_MSIP);
}

void fz_unwake(struct machine *m)
{
    bus_write(machine_bus(m), MEMMAP_CLINT_BASE, 4, 0);
}

uint32_t fz_vector(struct fz_rng *r, uint32_t ram_size)
{
    if (fz_chance(r, 1, 16))
        return fz_reg_value(r, ram_size);       /* a device, past RAM, anything */
    uint32_t base = fz_chance(r, 1, 4) ? MEMMAP_RAM_BASE + ram_size - 4 * (1 + fz_below(r, 64))
                                       : MEMMAP_RAM_BASE + (fz_below(r, ram_size) & ~3u);
    return base | fz_below(r, 2);
}

void fz_kick(struct machine *m, struct fz_rng *r, uint32_t ram_size)
{
    static const enum hart_priv privs[] = { PRIV_U, PRIV_S, PRIV_M };
    struct hart *h = machine_hart(m);
    hart_csr_set(h, CSR_MTVEC, fz_vector(r, ram_size));
    hart_csr_set(h, CSR_STVEC, fz_vector(r, ram_size));
    hart_set_pc(h, MEMMAP_RAM_BASE + (fz_below(r, ram_size) & ~1u));
    hart_set_priv(h, privs[fz_below(r, 3)]);
}

bool fz_stuck(struct machine *m)
{
    uint32_t from[HART_HISTORY_LEN], to[HART_HISTORY_LEN];
    unsigned n = hart_history(machine_hart(m), from, to, HART_HISTORY_LEN);
    if (n < HART_HISTORY_LEN)
        return false;
    uint32_t a = to[0], b = to[0];
    for (unsigned i = 1; i < n; i++) {
        if (to[i] == a || to[i] == b)
            continue;
        if (a != b)
            return false;
        b = to[i];
    }
    return true;
}
