/*
 * The A extension executed by the hart: LR/SC reservations (and what breaks them:
 * another hart's store to a watched page, DMA), AMOs returning the old value with signed
 * and unsigned min/max, and faulting atomics that write no register.
 * Instruction words from riscv64-unknown-elf-as + objdump.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "bus/bus.h"
#include "cpu/csr_defs.h"
#include "harness.h"

#define LR_X7_X10       0x100523afu     /* lr.w x7, (x10) */
#define LR_AQRL_X7_X10  0x160523afu     /* lr.w.aqrl x7, (x10) */
#define LR_X7_X12       0x100623afu     /* lr.w x7, (x12) */
#define SC_X5_X6_X10    0x186522afu     /* sc.w x5, x6, (x10) */
#define SC_X8_X9_X10    0x1895242fu     /* sc.w x8, x9, (x10) */
#define SC_X5_X6_X11    0x1865a2afu     /* sc.w x5, x6, (x11) */
#define SC_AQRL_X5_X6   0x1e6522afu     /* sc.w.aqrl x5, x6, (x10) */
#define SC_X5_X6_X12    0x186622afu     /* sc.w x5, x6, (x12) */
#define AMOADD_X5_X6    0x006522afu     /* amoadd.w x5, x6, (x10) */
#define SW_X9_X10       0x00952023u     /* sw x9, 0(x10) */
#define SW_X9_X10_8     0x00952423u     /* sw x9, 8(x10) */

#define OLD  0x11111111u
#define NEW  0x66666666u
#define NEW2 0x99999999u
#define MARK 0x5555aaaau                /* a destination register's value before */

static struct harness *t;

static void setup(void)
{
    t = harness_create();
    harness_poke(t, HARNESS_DATA, OLD);
    harness_set_reg(t, 10, HARNESS_DATA);
    harness_set_reg(t, 6, NEW);
    harness_set_reg(t, 9, NEW2);
    harness_set_reg(t, 5, MARK);
    harness_set_reg(t, 7, MARK);
    harness_set_reg(t, 8, MARK);
}

static void teardown(void)
{
    harness_destroy(t);
}

/* The last instruction trapped with `cause` at `pc`, and nothing retired for it. */
static void assert_trapped(uint32_t cause, uint32_t tval, uint32_t pc)
{
    ck_assert_uint_eq(harness_csr(t, CSR_MCAUSE), cause);
    ck_assert_uint_eq(harness_csr(t, CSR_MTVAL), tval);
    ck_assert_uint_eq(harness_csr(t, CSR_MEPC), pc);
    ck_assert_uint_eq(harness_pc(t), HARNESS_TRAP_VEC);
}

START_TEST(test_sc_without_reservation_fails)
{
    const uint32_t prog[] = { SC_X5_X6_X10 };
    harness_load(t, prog, 1);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_reg(t, 5), 1);
    ck_assert_uint_eq(harness_peek(t, HARNESS_DATA), OLD);
    ck_assert_uint_eq(harness_pc(t), HARNESS_RAM_BASE + 4);
}
END_TEST

START_TEST(test_lr_then_sc_succeeds_once)
{
    const uint32_t prog[] = { LR_X7_X10, SC_X5_X6_X10, SC_X8_X9_X10 };
    harness_load(t, prog, 3);
    ck_assert_uint_eq(harness_run(t, 2), 2);
    ck_assert_uint_eq(harness_reg(t, 7), OLD);      /* lr read the word */
    ck_assert_uint_eq(harness_reg(t, 5), 0);        /* sc succeeded */
    ck_assert_uint_eq(harness_peek(t, HARNESS_DATA), NEW);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_reg(t, 8), 1);        /* a second sc fails */
    ck_assert_uint_eq(harness_peek(t, HARNESS_DATA), NEW);
}
END_TEST

/* An sc to a word outside the reservation fails, and ends the reservation anyway. */
START_TEST(test_sc_elsewhere_fails_and_ends_reservation)
{
    const uint32_t prog[] = { LR_X7_X10, SC_X5_X6_X11, SC_X8_X9_X10 };
    harness_load(t, prog, 3);
    harness_set_reg(t, 11, HARNESS_DATA + 0x1000);
    harness_poke(t, HARNESS_DATA + 0x1000, OLD);
    ck_assert_uint_eq(harness_run(t, 3), 3);
    ck_assert_uint_eq(harness_reg(t, 5), 1);
    ck_assert_uint_eq(harness_peek(t, HARNESS_DATA + 0x1000), OLD);
    ck_assert_uint_eq(harness_reg(t, 8), 1);
    ck_assert_uint_eq(harness_peek(t, HARNESS_DATA), OLD);
}
END_TEST

START_TEST(test_lr_sc_with_aqrl)
{
    const uint32_t prog[] = { LR_AQRL_X7_X10, SC_AQRL_X5_X6 };
    harness_load(t, prog, 2);
    ck_assert_uint_eq(harness_run(t, 2), 2);
    ck_assert_uint_eq(harness_reg(t, 7), OLD);
    ck_assert_uint_eq(harness_reg(t, 5), 0);
    ck_assert_uint_eq(harness_peek(t, HARNESS_DATA), NEW);
}
END_TEST

/* A misaligned lr raises address-misaligned or access-fault (the spec allows either),
 * with the address in mtval, and leaves rd alone. */
START_TEST(test_lr_misaligned_traps)
{
    const uint32_t prog[] = { LR_X7_X12 };
    harness_load(t, prog, 1);
    harness_set_reg(t, 12, HARNESS_DATA + 2);
    ck_assert_uint_eq(harness_run(t, 1), 0);
    uint32_t cause = harness_csr(t, CSR_MCAUSE);
    ck_assert_msg(cause == CAUSE_MISALIGNED_LOAD || cause == CAUSE_LOAD_ACCESS, "mcause %u",
                  cause);
    ck_assert_uint_eq(harness_csr(t, CSR_MTVAL), HARNESS_DATA + 2);
    ck_assert_uint_eq(harness_reg(t, 7), MARK);
}
END_TEST

START_TEST(test_sc_misaligned_traps)
{
    const uint32_t prog[] = { LR_X7_X10, SC_X5_X6_X12 };
    harness_load(t, prog, 2);
    harness_set_reg(t, 12, HARNESS_DATA + 2);
    ck_assert_uint_eq(harness_run(t, 2), 1);
    uint32_t cause = harness_csr(t, CSR_MCAUSE);
    ck_assert_msg(cause == CAUSE_MISALIGNED_STORE || cause == CAUSE_STORE_ACCESS, "mcause %u",
                  cause);
    ck_assert_uint_eq(harness_csr(t, CSR_MTVAL), HARNESS_DATA + 2);
    ck_assert_uint_eq(harness_csr(t, CSR_MEPC), HARNESS_RAM_BASE + 4);
    ck_assert_uint_eq(harness_reg(t, 5), MARK);
    ck_assert_uint_eq(harness_peek(t, HARNESS_DATA), OLD);
}
END_TEST

START_TEST(test_lr_unmapped_traps)
{
    const uint32_t prog[] = { LR_X7_X12 };
    harness_load(t, prog, 1);
    harness_set_reg(t, 12, HARNESS_UNMAPPED + 8);
    ck_assert_uint_eq(harness_run(t, 1), 0);
    assert_trapped(CAUSE_LOAD_ACCESS, HARNESS_UNMAPPED + 8, HARNESS_RAM_BASE);
    ck_assert_uint_eq(harness_reg(t, 7), MARK);
}
END_TEST

/* ---- AMOs: rd gets the old word, memory the result; x5 <- op(mem, x6) ---- */

static const struct {
    uint32_t word;
    const char *name;
    uint32_t mem, src, want;
} amos[] = {
    { 0x086522afu, "amoswap.w", 0xfffffff0u, 5, 5 },
    { 0x006522afu, "amoadd.w", 0xfffffff0u, 5, 0xfffffff5u },
    { 0x206522afu, "amoxor.w", 0xfffffff0u, 5, 0xfffffff5u },
    { 0x606522afu, "amoand.w", 0xfffffff0u, 5, 0 },
    { 0x406522afu, "amoor.w", 0xfffffff0u, 5, 0xfffffff5u },
    { 0x806522afu, "amomin.w", 0xfffffff0u, 5, 0xfffffff0u },     /* signed: -16 < 5 */
    { 0xa06522afu, "amomax.w", 0xfffffff0u, 5, 5 },
    { 0xc06522afu, "amominu.w", 0xfffffff0u, 5, 5 },              /* unsigned */
    { 0xe06522afu, "amomaxu.w", 0xfffffff0u, 5, 0xfffffff0u },
    { 0x806522afu, "amomin.w", 3, 0x80000000u, 0x80000000u },
    { 0xa06522afu, "amomax.w", 3, 0x80000000u, 3 },
    { 0xc06522afu, "amominu.w", 3, 0x80000000u, 3 },
    { 0xe06522afu, "amomaxu.w", 3, 0x80000000u, 0x80000000u },
    { 0x006522afu, "amoadd.w", 0xffffffffu, 1, 0 },               /* wraps */
    { 0x066522afu, "amoadd.w.aqrl", 40, 2, 42 },
    { 0x606522afu, "amoand.w", 0xf0f0f0f0u, 0xff00ff00u, 0xf000f000u },
    { 0x206522afu, "amoxor.w", 0xf0f0f0f0u, 0xff00ff00u, 0x0ff00ff0u },
    { 0x406522afu, "amoor.w", 0xf0f0f0f0u, 0x0f000f00u, 0xfff0fff0u },
};

START_TEST(test_amo)
{
    const uint32_t prog[] = { amos[_i].word };
    harness_load(t, prog, 1);
    harness_poke(t, HARNESS_DATA, amos[_i].mem);
    harness_set_reg(t, 6, amos[_i].src);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_msg(harness_reg(t, 5) == amos[_i].mem, "%s: rd 0x%08x, want the old 0x%08x",
                  amos[_i].name, harness_reg(t, 5), amos[_i].mem);
    ck_assert_msg(harness_peek(t, HARNESS_DATA) == amos[_i].want,
                  "%s 0x%08x, 0x%08x: memory 0x%08x, want 0x%08x", amos[_i].name, amos[_i].mem,
                  amos[_i].src, harness_peek(t, HARNESS_DATA), amos[_i].want);
    ck_assert_uint_eq(harness_reg(t, 6), amos[_i].src);
}
END_TEST

/* rd == rs2: the source is read before rd is written. */
START_TEST(test_amoswap_rd_is_rs2)
{
    const uint32_t prog[] = { 0x0865232fu };        /* amoswap.w x6, x6, (x10) */
    harness_load(t, prog, 1);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_reg(t, 6), OLD);
    ck_assert_uint_eq(harness_peek(t, HARNESS_DATA), NEW);
}
END_TEST

/* rd == rs1: the address is read before rd is written. */
START_TEST(test_amoadd_rd_is_rs1)
{
    const uint32_t prog[] = { 0x0065252fu };        /* amoadd.w x10, x6, (x10) */
    harness_load(t, prog, 1);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_reg(t, 10), OLD);
    ck_assert_uint_eq(harness_peek(t, HARNESS_DATA), OLD + NEW);
}
END_TEST

START_TEST(test_amo_misaligned_traps)
{
    const uint32_t prog[] = { AMOADD_X5_X6 };
    harness_load(t, prog, 1);
    harness_set_reg(t, 10, HARNESS_DATA + 1);
    ck_assert_uint_eq(harness_run(t, 1), 0);
    uint32_t cause = harness_csr(t, CSR_MCAUSE);
    ck_assert_msg(cause == CAUSE_MISALIGNED_STORE || cause == CAUSE_STORE_ACCESS, "mcause %u",
                  cause);
    ck_assert_uint_eq(harness_csr(t, CSR_MTVAL), HARNESS_DATA + 1);
    ck_assert_uint_eq(harness_reg(t, 5), MARK);
    ck_assert_uint_eq(harness_peek(t, HARNESS_DATA), OLD);
}
END_TEST

START_TEST(test_amo_unmapped_traps)
{
    const uint32_t prog[] = { AMOADD_X5_X6 };
    harness_load(t, prog, 1);
    harness_set_reg(t, 10, HARNESS_UNMAPPED);
    ck_assert_uint_eq(harness_run(t, 1), 0);
    assert_trapped(CAUSE_STORE_ACCESS, HARNESS_UNMAPPED, HARNESS_RAM_BASE);
    ck_assert_uint_eq(harness_reg(t, 5), MARK);
}
END_TEST

/* ROM can be read but not written: an AMO there is a store access fault that writes no
 * register, even though its read half would succeed; lr works, sc faults. */
START_TEST(test_atomics_on_rom)
{
    static uint8_t rom[0x100] = { 0x44, 0x33, 0x22, 0x11 };
    ck_assert_int_eq(bus_add_memory(t->bus, "rom", 0x1000, sizeof rom, rom, false),
                     BUS_ERR_NONE);
    const uint32_t prog[] = { AMOADD_X5_X6 };
    harness_load(t, prog, 1);
    harness_set_reg(t, 10, 0x1000);
    ck_assert_uint_eq(harness_run(t, 1), 0);
    assert_trapped(CAUSE_STORE_ACCESS, 0x1000, HARNESS_RAM_BASE);
    ck_assert_uint_eq(harness_reg(t, 5), MARK);
    ck_assert_uint_eq(rom[0], 0x44);

    const uint32_t prog2[] = { LR_X7_X10, SC_X5_X6_X10 };
    harness_load(t, prog2, 2);
    hart_set_pc(t->hart, HARNESS_RAM_BASE);
    ck_assert_uint_eq(harness_run(t, 2), 1);
    ck_assert_uint_eq(harness_reg(t, 7), 0x11223344u);
    assert_trapped(CAUSE_STORE_ACCESS, 0x1000, HARNESS_RAM_BASE + 4);
    ck_assert_uint_eq(harness_reg(t, 5), MARK);
    ck_assert_uint_eq(rom[0], 0x44);
}
END_TEST

/* ---- what breaks a reservation (several harts, DMA) ---- */

/* A second hart on the harness's bus, running `word` at RAM + 0x100, with x10 = the
 * reserved word and x9 = NEW2. */
static struct hart *other_hart(uint32_t word)
{
    struct hart_config cfg = { .hartid = 1, .reset_pc = HARNESS_RAM_BASE + 0x100,
                               .bus = t->bus };
    struct hart *h = hart_create(&cfg);
    ck_assert_ptr_nonnull(h);
    harness_poke(t, HARNESS_RAM_BASE + 0x100, word);
    hart_set_reg(h, 10, HARNESS_DATA);
    hart_set_reg(h, 9, NEW2);
    return h;
}

/* Another hart's store to the reserved word, while the page is watched (as the machine
 * watches it while the reserving hart does not run): the sc.w fails, the store stays. */
START_TEST(test_other_hart_store_breaks_it)
{
    const uint32_t prog[] = { LR_X7_X10, SC_X5_X6_X10 };
    harness_load(t, prog, 2);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    uint32_t pa;
    ck_assert(hart_reservation(t->hart, &pa));
    ck_assert_uint_eq(pa, HARNESS_DATA);
    ck_assert(bus_watch_page(t->bus, pa, true));
    struct hart *h = other_hart(SW_X9_X10);
    uint64_t n;
    hart_run(h, 1, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert(!hart_reservation(t->hart, &pa));
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_reg(t, 5), 1);
    ck_assert_uint_eq(harness_peek(t, HARNESS_DATA), NEW2);
    hart_destroy(h);
}
END_TEST

/* ... but not one to another word of the page, nor the hart's own store to it. */
START_TEST(test_other_word_and_own_store_keep_it)
{
    const uint32_t prog[] = { LR_X7_X10, SW_X9_X10, SC_X5_X6_X10 };
    harness_load(t, prog, 3);
    harness_set_reg(t, 9, NEW2);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert(bus_watch_page(t->bus, HARNESS_DATA, true));
    struct hart *h = other_hart(SW_X9_X10_8);
    uint64_t n;
    hart_run(h, 1, &n);
    ck_assert_uint_eq(harness_peek(t, HARNESS_DATA + 8), NEW2);
    ck_assert_uint_eq(harness_run(t, 2), 2);
    ck_assert_uint_eq(harness_reg(t, 5), 0);
    ck_assert_uint_eq(harness_peek(t, HARNESS_DATA), NEW);
    hart_destroy(h);
}
END_TEST

/* A device's DMA write over the reserved word breaks it; one next to it does not. */
START_TEST(test_dma_breaks_it)
{
    const uint32_t prog[] = { LR_X7_X10, SC_X5_X6_X10, LR_X7_X10, SC_X8_X9_X10 };
    harness_load(t, prog, 4);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    uint8_t *p = bus_dma_ptr(t->bus, HARNESS_DATA + 2, 4, true);
    ck_assert_ptr_nonnull(p);
    p[0] = 0x77;
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_reg(t, 5), 1);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_ptr_nonnull(bus_dma_ptr(t->bus, HARNESS_DATA + 4, 8, true));
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_reg(t, 8), 0);
    ck_assert_uint_eq(harness_peek(t, HARNESS_DATA), NEW2);
}
END_TEST

static Suite *lrsc_suite(void)
{
    Suite *s = suite_create("lrsc");
    TCase *tc = tcase_create("lr/sc");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_sc_without_reservation_fails);
    tcase_add_test(tc, test_lr_then_sc_succeeds_once);
    tcase_add_test(tc, test_sc_elsewhere_fails_and_ends_reservation);
    tcase_add_test(tc, test_lr_sc_with_aqrl);
    tcase_add_test(tc, test_lr_misaligned_traps);
    tcase_add_test(tc, test_sc_misaligned_traps);
    tcase_add_test(tc, test_lr_unmapped_traps);
    tcase_add_test(tc, test_other_hart_store_breaks_it);
    tcase_add_test(tc, test_other_word_and_own_store_keep_it);
    tcase_add_test(tc, test_dma_breaks_it);
    suite_add_tcase(s, tc);

    tc = tcase_create("amo");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_amo, 0, (int)(sizeof amos / sizeof amos[0]));
    tcase_add_test(tc, test_amoswap_rd_is_rs2);
    tcase_add_test(tc, test_amoadd_rd_is_rs1);
    tcase_add_test(tc, test_amo_misaligned_traps);
    tcase_add_test(tc, test_amo_unmapped_traps);
    tcase_add_test(tc, test_atomics_on_rom);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(lrsc_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
