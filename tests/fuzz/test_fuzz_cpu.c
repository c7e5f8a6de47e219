/*
 * Random guest code against the hart: "the guest must never crash or escape the emulator,
 * whatever it executes". Each seed builds a whole machine (devices/machine.h) with 1 to
 * 16 MiB of RAM full of random words or random real encodings (insn_table[], compressed
 * ones too), random CSR state (mstatus, trap vectors into RAM, delegation, interrupt
 * enables, Sv32 on with a page table in RAM), a random privilege level, registers that
 * point at RAM and devices, and runs a few hundred thousand instructions.
 *
 * Pass: every machine_run returns, the hart's invariants hold (fz_check_hart), and nothing
 * trips AddressSanitizer or UBSan in the sanitizer build. A guest that powers the machine
 * off or reboots it gets a fresh machine from the same seed's generator.
 *
 * Two variants:
 *   ram   page tables in RAM, mapping RAM (an identity megapage for the code, random
 *         leaves and next-level pointers elsewhere);
 *   mmio  satp's root at device pages, unmapped pages and physical addresses past 4 GiB,
 *         or a root in RAM whose PTEs (leaves and pointers) lead to devices and past 4 GiB.
 *
 * Seeds: SEEDS_PER_VARIANT per variant; seed i uses code mode i % 4 (random words, real
 * 32-bit encodings, 32- and 16-bit mixed, real encodings sprinkled with random and
 * PTE-like words) and, for the odd groups of four, trap handlers that step over the
 * trapping instruction and return, so S- and U-mode code keeps running. A failure names
 * its seed: in the message, or as Check's loop index (tcase "ram" or "mmio", then
 * ":i:") for a signal or a timeout; RVBOX_FUZZ_SEED=i reruns only it. Each seed prints
 * one line of what it did (instructions retired, budget steps, kicks out of tiny loops).
 *
 * Reproducible up to the clock: the machine's timer follows the host clock (there is no
 * deterministic time mode in machine_config yet), so when timer interrupts arrive may
 * differ from one run to the next; everything else a seed sets up is the same.
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
#include "devices/machine.h"
#include "fuzz_common.h"

#define SEEDS_PER_VARIANT 24
#define STEPS_PER_SEED    1500000u   /* instructions + traps (budget used) */
#define MAX_SLICE         40000u
#define MAX_EPISODES      8         /* fresh machines after a poweroff/reboot, per seed */

enum variant { VARIANT_RAM, VARIANT_MMIO };

struct episode {
    struct machine *m;
    uint32_t ram_size;
    enum fz_code_mode mode;
    bool handlers;          /* real trap handlers that skip the faulting instruction */
};

/* Trap handlers that step over the trapping instruction and return to where it came
 * from (mepc/sepc + 4, then mret/sret), so that random code in S and U mode keeps
 * running in its own mode instead of falling into M for good. */
static const uint32_t m_handler[] = {
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

/* Put both handlers at fresh places in RAM and point mtvec/stvec (direct) at them. */
static void plant_handlers(struct fz_rng *r, struct episode *ep)
{
    struct hart *h = machine_hart(ep->m);
    uint32_t at[2];
    for (unsigned k = 0; k < 2; k++) {
        at[k] = MEMMAP_RAM_BASE + (fz_below(r, ep->ram_size - 64) & ~3u);
        uint8_t *p = machine_ram(ep->m, at[k], sizeof m_handler);
        if (p)
            memcpy(p, k ? s_handler : m_handler, sizeof m_handler);
    }
    hart_csr_set(h, CSR_MTVEC, at[0]);
    hart_csr_set(h, CSR_STVEC, at[1]);
    hart_flush_caches(h);
}

static uint32_t ram_page(struct fz_rng *r, uint32_t ram_size)
{
    return MEMMAP_RAM_BASE + (fz_below(r, ram_size >> 12) << 12);
}

static uint32_t pte(uint64_t pa, uint32_t flags)
{
    return (uint32_t)((pa >> 12) << 10) | flags;
}

/* A physical page outside RAM: a device, the boot ROM, nothing at all, or past 4 GiB
 * (Sv32's 22-bit PPN reaches 16 GiB). */
static uint64_t outside_page(struct fz_rng *r)
{
    static const uint32_t bases[] = {
        0x00000000, MEMMAP_BOOTROM_BASE, MEMMAP_SYSCON_BASE, MEMMAP_RTC_BASE,
        MEMMAP_CLINT_BASE, MEMMAP_CLINT_BASE + 0x4000, MEMMAP_CLINT_BASE + 0xb000,
        MEMMAP_PLIC_BASE, MEMMAP_PLIC_BASE + 0x2000, MEMMAP_PLIC_BASE + 0x200000,
        MEMMAP_UART0_BASE, MEMMAP_VIRTIO_BASE, MEMMAP_VIRTIO_BASE + 0x7000, MEMMAP_FB_BASE,
        0x7ffff000, 0xfffff000u,
    };
    switch (fz_below(r, 4)) {
    case 0: return (uint64_t)(fz_u32(r) & 0x3fffffu) << 12;     /* any PPN at all */
    case 1: return ((uint64_t)1 << 32) + ((uint64_t)fz_below(r, 0x1000) << 12);
    default: return bases[fz_below(r, sizeof bases / sizeof bases[0])];
    }
}

/*
 * Fill one page-table page at `table` (a RAM address) with `n` entries: leaves and
 * pointers into RAM, or (mmio) to devices and past 4 GiB, plus random words.
 */
static void fill_table(struct fz_rng *r, struct machine *m, uint32_t table, uint32_t ram_size,
                       enum variant v)
{
    uint8_t *p = machine_ram(m, table, 4096);
    if (!p)
        return;
    for (unsigned i = 0; i < 1024; i++) {
        uint32_t e;
        uint32_t k = fz_below(r, 8);
        uint64_t target = v == VARIANT_MMIO && fz_chance(r, 1, 2) ? outside_page(r)
                                                                    : ram_page(r, ram_size);
        if (k == 0)
            e = fz_u32(r);                                  /* anything */
        else if (k <= 2)
            e = pte(target, PTE_V);                         /* a pointer to a next level */
        else if (k <= 5)
            e = pte(target, PTE_V | (fz_u32(r) & 0xfe));    /* a leaf, random R/W/X/U/G/A/D */
        else
            e = 0;                                          /* invalid */
        memcpy(p + 4 * i, &e, 4);
    }
}

/* Sv32 state: a root table, identity megapages over RAM so S and U can run the code,
 * and satp (on most of the time) pointing at the root. */
static void setup_paging(struct fz_rng *r, struct episode *ep, enum variant v)
{
    struct hart *h = machine_hart(ep->m);
    uint64_t root;
    if (v == VARIANT_MMIO && fz_chance(r, 1, 2)) {
        root = outside_page(r);
    } else {
        root = ram_page(r, ep->ram_size);
        fill_table(r, ep->m, (uint32_t)root, ep->ram_size, v);
        /* Identity megapages over RAM, most of them, each for S or for U. */
        for (uint32_t mb = 0; mb < ep->ram_size; mb += 1u << 22) {
            uint32_t pa = MEMMAP_RAM_BASE + mb;
            uint32_t code = pte(pa, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D |
                                    (fz_chance(r, 1, 2) ? PTE_U : 0));
            uint8_t *slot = machine_ram(ep->m, (uint32_t)root + 4 * (pa >> 22), 4);
            if (slot && fz_chance(r, 3, 4))
                memcpy(slot, &code, 4);
        }
        /* A few second-level tables the root points at. */
        for (unsigned n = fz_below(r, 4); n > 0; n--) {
            uint32_t table = ram_page(r, ep->ram_size);
            fill_table(r, ep->m, table, ep->ram_size, v);
            uint32_t ptr = pte(table, PTE_V);
            uint8_t *s = machine_ram(ep->m, (uint32_t)root + 4 * fz_below(r, 1024), 4);
            if (s)
                memcpy(s, &ptr, 4);
        }
    }
    uint32_t satp = (uint32_t)(root >> 12) & SATP_PPN_MASK;
    satp |= fz_u32(r) & SATP_ASID_MASK;
    if (fz_chance(r, 7, 8))
        satp |= SATP_MODE_SV32;
    hart_csr_set(h, CSR_SATP, satp);
}

static void setup_csrs(struct fz_rng *r, struct episode *ep)
{
    struct hart *h = machine_hart(ep->m);
    uint32_t ram = ep->ram_size;
    /* First a few writes of random values to random CSRs (unknown ones are refused). */
    for (unsigned n = fz_below(r, 16); n > 0; n--)
        hart_csr_set(h, (uint16_t)fz_below(r, 4096), fz_interesting(r));
    uint32_t mstatus = fz_u32(r);
    if (fz_chance(r, 1, 2))
        mstatus &= ~(MSTATUS_MPRV | MSTATUS_TVM | MSTATUS_TSR | MSTATUS_TW);
    hart_csr_set(h, CSR_MSTATUS, mstatus);
    hart_csr_set(h, CSR_MTVEC, fz_vector(r, ram));
    hart_csr_set(h, CSR_STVEC, fz_vector(r, ram));
    uint32_t deleg = fz_below(r, 4);
    hart_csr_set(h, CSR_MEDELEG, deleg == 0 ? 0 : deleg == 1 ? 0xffffffffu : fz_u32(r));
    hart_csr_set(h, CSR_MIDELEG, fz_u32(r));
    hart_csr_set(h, CSR_MIE, fz_chance(r, 1, 4) ? 0 : fz_u32(r));
    hart_csr_set(h, CSR_MEPC, fz_reg_value(r, ram));
    hart_csr_set(h, CSR_SEPC, fz_reg_value(r, ram));
    hart_csr_set(h, CSR_MSCRATCH, fz_reg_value(r, ram));
    hart_csr_set(h, CSR_SSCRATCH, fz_reg_value(r, ram));
    hart_csr_set(h, CSR_MCOUNTEREN, fz_u32(r));
    hart_csr_set(h, CSR_SCOUNTEREN, fz_u32(r));
    if (fz_chance(r, 1, 4))
        hart_csr_set(h, CSR_MIP, fz_u32(r));
    fz_setup_pmp(r, h, ram);
}

/*
 * RVBOX_FUZZ_STATS=1: trace hooks count what the guests did (instructions per privilege
 * level, traps per cause and where they went), to see what the seeds reach. Off by
 * default: hooks move the hart to its slower checking loop.
 */
struct trace_stats {
    uint64_t insns[4];
    uint64_t exceptions[16], interrupts[16], to_s;
};

static void stat_insn(void *opaque, uint32_t pc, uint32_t raw, enum hart_priv priv)
{
    struct trace_stats *t = opaque;
    (void)pc, (void)raw;
    t->insns[priv & 3]++;
}

static void stat_trap(void *opaque, uint32_t cause, uint32_t epc, uint32_t tval,
                      enum hart_priv from, enum hart_priv to)
{
    struct trace_stats *t = opaque;
    (void)epc, (void)tval, (void)from;
    if (cause & CAUSE_INTERRUPT)
        t->interrupts[cause & 15]++;
    else
        t->exceptions[cause & 15]++;
    if (to == PRIV_S)
        t->to_s++;
}

static struct trace_stats tstats;

static void trace_on(struct machine *m)
{
    const char *on = getenv("RVBOX_FUZZ_STATS");
    if (!on || !*on || *on == '0')
        return;
    struct hart_trace t = { .opaque = &tstats, .insn = stat_insn, .trap = stat_trap };
    hart_set_trace(machine_hart(m), &t);
}

static void trace_report(void)
{
    const char *on = getenv("RVBOX_FUZZ_STATS");
    if (!on || !*on || *on == '0')
        return;
    fprintf(stderr, "  insns U %" PRIu64 " S %" PRIu64 " M %" PRIu64 "; traps to S %" PRIu64
            "; exceptions", tstats.insns[0], tstats.insns[1], tstats.insns[3], tstats.to_s);
    for (unsigned c = 0; c < 16; c++)
        if (tstats.exceptions[c])
            fprintf(stderr, " %u:%" PRIu64, c, tstats.exceptions[c]);
    fprintf(stderr, "; interrupts");
    for (unsigned c = 0; c < 16; c++)
        if (tstats.interrupts[c])
            fprintf(stderr, " %u:%" PRIu64, c, tstats.interrupts[c]);
    fprintf(stderr, "\n");
}

/*
 * Where the hart starts: RAM's base, somewhere near it, or on a 32-bit instruction whose
 * second half lies in the next page (which paging may not map) or past the end of RAM.
 */
static uint32_t start_pc(struct fz_rng *r, struct episode *ep)
{
    uint32_t pc;
    switch (fz_below(r, 8)) {
    case 0: pc = MEMMAP_RAM_BASE + ep->ram_size - 2; break;
    case 1: pc = MEMMAP_RAM_BASE + (fz_below(r, ep->ram_size >> 12) << 12) + 4094; break;
    case 2: case 3: pc = MEMMAP_RAM_BASE + 2 * fz_below(r, 2048); break;
    default: return MEMMAP_RAM_BASE;
    }
    uint8_t *p = machine_ram(ep->m, pc, 2);
    if (p && fz_chance(r, 3, 4))
        p[0] |= 3;                          /* the first parcel of a 32-bit instruction */
    return pc;
}

/* A fresh machine for one episode of a seed: RAM, code, paging, CSRs, registers, pc. */
static struct machine *make_episode(struct fz_rng *r, struct episode *ep, enum variant v,
                                    struct fz_console *console, unsigned seed_index)
{
    struct machine_config cfg = {
        .ram_size = ep->ram_size,
        .start_pc = MEMMAP_RAM_BASE,
        .console = fz_console_chardev(console),
        .virtio_version = 1 + fz_below(r, 2),
        .wall_ns = 1700000000ull * 1000000000ull,
    };
    char err[200] = "";
    ep->m = machine_create(&cfg, err, sizeof err);
    ck_assert_msg(ep->m, "seed %u: machine_create: %s", seed_index, err);
    fz_use_engine(ep->m);

    uint8_t *ram = machine_ram(ep->m, MEMMAP_RAM_BASE, ep->ram_size);
    ck_assert_ptr_nonnull(ram);
    fz_fill_code(r, ram, ep->ram_size, ep->mode);

    struct hart *h = machine_hart(ep->m);
    setup_csrs(r, ep);
    setup_paging(r, ep, v);
    for (unsigned i = 1; i < 32; i++)
        hart_set_reg(h, i, fz_reg_value(r, ep->ram_size));
    static const enum hart_priv privs[] = { PRIV_U, PRIV_S, PRIV_M };
    hart_set_priv(h, privs[fz_below(r, 3)]);
    hart_set_pc(h, start_pc(r, ep));
    hart_flush_caches(h);
    if (ep->handlers)
        plant_handlers(r, ep);
    trace_on(ep->m);

    /* Sometimes a timer interrupt soon, through the CLINT's registers. */
    if (fz_chance(r, 1, 2)) {
        struct bus *bus = machine_bus(ep->m);
        bus_write(bus, MEMMAP_CLINT_BASE + 0x4000, 4, fz_below(r, 5000));
        bus_write(bus, MEMMAP_CLINT_BASE + 0x4004, 4, 0);
    }
    return ep->m;
}

static void run_seed(unsigned seed_index, enum variant v)
{
    if (!fz_seed_selected(seed_index))
        return;
    uint64_t seed = fz_seed_for(v == VARIANT_RAM ? 1 : 2, seed_index);
    struct fz_rng r;
    fz_seed(&r, seed);
    struct fz_console console = { 0 };
    struct episode ep = {
        .ram_size = fz_chance(&r, 3, 4) ? (1 + fz_below(&r, 16)) << 20
                                        : (1u << 20) + (fz_below(&r, 15 << 8) << 12),
        .mode = (enum fz_code_mode)(seed_index % FZ_CODE_MODES),
        .handlers = (seed_index / FZ_CODE_MODES) % 2 == 1,
    };
    const uint64_t target = fz_scaled(STEPS_PER_SEED);
    struct fz_run_stats st = { 0 };
    unsigned episodes = 1, idle_run = 0;
    clock_t t0 = clock();

    make_episode(&r, &ep, v, &console, seed_index);
    bool woken = false;
    uint64_t spent = 0;         /* budget used: instructions retired and traps taken */
    while (spent < target && st.slices < target / 10 + 1000) {
        uint64_t slice = 1 + (fz_chance(&r, 1, 4) ? fz_below(&r, 64) : fz_below(&r, MAX_SLICE));
        enum machine_state s = machine_run(ep.m, slice);
        st.slices++;
        uint64_t got = machine_last_retired(ep.m);
        ck_assert_msg(got <= slice, "seed %u (%s, %s): retired %" PRIu64 " of a budget of %"
                      PRIu64, seed_index, v == VARIANT_RAM ? "ram" : "mmio",
                      fz_code_mode_name(ep.mode), got, slice);
        st.retired += got;
        const char *broken = fz_check_hart(ep.m);
        ck_assert_msg(!broken, "seed %u (0x%016" PRIx64 ", %s, %s): %s after %" PRIu64
                      " instructions", seed_index, seed, v == VARIANT_RAM ? "ram" : "mmio",
                      fz_code_mode_name(ep.mode), broken, st.retired);
        if (woken) {
            fz_unwake(ep.m);
            woken = false;
        }
        switch (s) {
        case MACHINE_RUNNING:
            idle_run = 0;
            spent += slice;
            /* A whole slice of traps and nothing retired (the vector holds an illegal
             * instruction, say), or a tiny loop: legal, but it tests nothing new. And
             * random M-mode code seldom finds its way back down with an mret: send the
             * hart elsewhere now and then so S and U get their share. */
            if ((got == 0 && slice >= 64) || (slice >= 256 && fz_stuck(ep.m)) ||
                (hart_get_priv(machine_hart(ep.m)) == PRIV_M && fz_chance(&r, 1, 4))) {
                fz_kick(ep.m, &r, ep.ram_size);
                if (ep.handlers)
                    plant_handlers(&r, &ep);
                st.kicks++;
            }
            break;
        case MACHINE_IDLE:
            spent += got;
            st.idles++;
            if (++idle_run > 3) {
                /* WFI with nothing to wake it: give it a software interrupt. */
                fz_wake(ep.m);
                woken = true;
                st.wakeups++;
            }
            break;
        case MACHINE_EXITED:
        case MACHINE_REBOOT:
            if (s == MACHINE_EXITED)
                st.exits++;
            else
                st.reboots++;
            machine_destroy(ep.m);
            ep.m = NULL;
            if (episodes >= MAX_EPISODES)
                goto done;
            episodes++;
            make_episode(&r, &ep, v, &console, seed_index);
            break;
        default:
            ck_abort_msg("seed %u: machine_run returned %d", seed_index, (int)s);
        }
    }
done:
    if (ep.m)
        machine_destroy(ep.m);
    fprintf(stderr, "fuzz_cpu %s seed %2u (0x%016" PRIx64 "): %5u KiB %-9s%s %7" PRIu64
            " insns, %7" PRIu64 " steps, %5u slices, %4u idle, %4u kicks, %u exits, "
            "%u reboots, %.2f s\n",
            v == VARIANT_RAM ? "ram " : "mmio", seed_index, seed, ep.ram_size >> 10,
            fz_code_mode_name(ep.mode), ep.handlers ? "+h" : "  ", st.retired, spent,
            st.slices, st.idles, st.kicks, st.exits, st.reboots,
            (double)(clock() - t0) / CLOCKS_PER_SEC);
    trace_report();
}

START_TEST(test_random_code_ram_tables)
{
    run_seed((unsigned)_i, VARIANT_RAM);
}
END_TEST

START_TEST(test_random_code_mmio_tables)
{
    run_seed((unsigned)_i, VARIANT_MMIO);
}
END_TEST

static Suite *fuzz_cpu_suite(void)
{
    Suite *s = suite_create("fuzz_cpu");
    TCase *ram = tcase_create("ram");
    tcase_set_timeout(ram, fz_sanitized() ? 120 : 30);
    tcase_add_loop_test(ram, test_random_code_ram_tables, 0, (int)fz_seed_count(SEEDS_PER_VARIANT));
    suite_add_tcase(s, ram);
    TCase *mmio = tcase_create("mmio");
    tcase_set_timeout(mmio, fz_sanitized() ? 120 : 30);
    tcase_add_loop_test(mmio, test_random_code_mmio_tables, 0, (int)fz_seed_count(SEEDS_PER_VARIANT));
    suite_add_tcase(s, mmio);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(fuzz_cpu_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
