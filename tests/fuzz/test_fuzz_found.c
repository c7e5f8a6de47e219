/*
 * What exploring with the fuzzers turned up, each as a small deterministic case that
 * stays as a regression test once fixed.
 *
 * 1. (Fixed in cecffa8, "A debugger's translation reads page tables only from memory".)
 * hart_debug_translate() is "a debugger's translation of a virtual address as the hart
 * would do it now, without setting A/D bits or raising anything" (cpu/hart.h): a GDB
 * `x` on a virtual address must not change the machine. But the page-table walk
 * (cpu/mmu.c, walk()) read each PTE with bus_read() from whatever region satp or a PTE
 * points at, devices included, and some device registers act on a read: the PLIC's
 * claim register claims the pending interrupt. So translating one address through a
 * page table "in" the PLIC's context page stole the guest's interrupt.
 */
#include <check.h>
#include <stdlib.h>

#include "bus/bus.h"
#include "bus/memmap.h"
#include "cpu/csr_defs.h"
#include "cpu/hart.h"
#include "devices/machine.h"
#include "fuzz_common.h"

#define PLIC_PRIORITY(src)  (MEMMAP_PLIC_BASE + 4 * (src))
#define PLIC_PENDING        (MEMMAP_PLIC_BASE + 0x1000)
#define PLIC_ENABLE_CTX0    (MEMMAP_PLIC_BASE + 0x2000)
#define PLIC_CLAIM_CTX0     (MEMMAP_PLIC_BASE + 0x200004)
#define UART_IER            (MEMMAP_UART0_BASE + 1)
#define UART_IER_ETBEI      0x02    /* interrupt while the transmitter holding register is empty */

START_TEST(test_debug_translate_has_no_device_side_effects)
{
    struct fz_console console = { 0 };
    struct machine_config cfg = {
        .ram_size = 1 << 20, .start_pc = MEMMAP_RAM_BASE, .virtio_version = 1,
        .console = fz_console_chardev(&console),
    };
    char err[200] = "";
    struct machine *m = machine_create(&cfg, err, sizeof err);
    ck_assert_msg(m, "%s", err);
    fz_use_engine(m);
    struct bus *bus = machine_bus(m);
    struct hart *h = machine_hart(m);

    /* The UART's THR-empty interrupt, pending at the PLIC for context 0. */
    ck_assert(bus_write(bus, PLIC_PRIORITY(MEMMAP_UART0_IRQ), 4, 1));
    ck_assert(bus_write(bus, PLIC_ENABLE_CTX0, 4, 1u << MEMMAP_UART0_IRQ));
    ck_assert(bus_write(bus, UART_IER, 1, UART_IER_ETBEI));
    machine_run(m, 1);                          /* devices update their lines */
    uint32_t pending = 0;
    ck_assert(bus_read(bus, PLIC_PENDING, 4, &pending));
    ck_assert_uint_eq(pending, 1u << MEMMAP_UART0_IRQ);

    /* S-mode, Sv32 with the root "table" at the PLIC's context-0 page: VPN[1] = 1 puts
     * the first-level PTE on the claim register. */
    ck_assert(hart_csr_set(h, CSR_SATP, SATP_MODE_SV32 | ((MEMMAP_PLIC_BASE + 0x200000) >> 12)));
    hart_set_priv(h, PRIV_S);
    uint32_t pa = 0;
    (void)hart_debug_translate(h, 1u << 22, false, &pa);

    ck_assert(bus_read(bus, PLIC_PENDING, 4, &pending));
    ck_assert_msg(pending == 1u << MEMMAP_UART0_IRQ,
                  "hart_debug_translate claimed the pending PLIC interrupt (pending 0x%x): "
                  "its page walk read the claim register as a PTE", pending);
    machine_destroy(m);
}
END_TEST

static Suite *fuzz_found_suite(void)
{
    Suite *s = suite_create("fuzz_found");
    TCase *tc = tcase_create("found");
    tcase_add_test(tc, test_debug_translate_has_no_device_side_effects);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(fuzz_found_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
