/*
 * The SBI test kernel: runs in S-mode under the firmware (rvbox's, or any SBI v2.0
 * one), calls every SBI function the firmware provides, checks what each returns and
 * what it does, prints one PASS or FAIL line per check, and ends with SRST shutdown
 * when all passed (exit status 0), or with the syscon's failure code (the number of
 * failed checks) otherwise.
 *
 * Console input: the test expects the bytes of TEST_INPUT on the console, typed or
 * piped (ctest pipes them into rvbox's stdin).
 */
#include "tests/sbi/kernel.h"

#include "bus/memmap.h"
#include "firmware/fdt.h"

#define TEST_INPUT "xyz"

#define SV32_MODE    (1u << 31)
#define PTE_V        0x01
#define PTE_R        0x02
#define PTE_W        0x04
#define PTE_X        0x08
#define PTE_A        0x40
#define PTE_D        0x80
#define PAGE_SIZE    4096u
#define MEGAPAGE     0x400000u
#define TEST_VA      0xc0000000u        /* one 4 KiB page the RFENCE test remaps */
#define TEST_ASID    1
#define UNMAPPED_PA  0x00200000u        /* a hole in the virt memory map (QEMU's too) */

static struct fdt_facts dt;
static uint32_t me, nharts;

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- console input: legacy getchar and DBCN read ---- */

static void test_console_input(void)
{
    kprintf("sbi-test: type %s (within 3 s)\n", TEST_INPUT);
    long c = -1;
    uint64_t end = now() + 3000ull * TICKS_PER_MS;
    while (c == -1 && now() < end)
        c = sbi_legacy(EID_LEGACY_GETCHAR, 0, 0);
    check_eq("legacy console_getchar: the first byte typed", c, TEST_INPUT[0]);

    char buf[8] = { 0 };
    uint32_t n = 0, want = kstrlen(TEST_INPUT) - 1;
    long error = 0;
    end = now() + 3000ull * TICKS_PER_MS;
    while (n < want && error == 0 && now() < end) {
        struct sbiret r = SBI3(EID_DBCN, DBCN_READ, sizeof buf - 1 - n,
                               (uint32_t)(uintptr_t)(buf + n), 0);
        error = r.error;
        n += (uint32_t)r.value;
    }
    check_eq("dbcn console_read: no error", error, SBI_SUCCESS);
    check(n == want && buf[0] == TEST_INPUT[1] && buf[1] == TEST_INPUT[2],
          "dbcn console_read: the next bytes typed");

    struct sbiret r = SBI3(EID_DBCN, DBCN_READ, sizeof buf, (uint32_t)(uintptr_t)buf, 0);
    check_ret_value("dbcn console_read: nothing more to read", r, SBI_SUCCESS, 0);
    check_eq("legacy console_getchar: nothing more (-1)",
             sbi_legacy(EID_LEGACY_GETCHAR, 0, 0), -1);
}

/* ---- BASE ---- */

static void test_base(void)
{
    check_ret_value("base get_spec_version = 2.0", SBI0(EID_BASE, BASE_SPEC_VERSION),
                    SBI_SUCCESS, 0x02000000);
    /* firmware/README.md: "rvbx" in ASCII, version 0.1 as (major << 16) | minor */
    check_ret_value("base get_impl_id", SBI0(EID_BASE, BASE_IMPL_ID), SBI_SUCCESS,
                    0x72766278);
    check_ret_value("base get_impl_version", SBI0(EID_BASE, BASE_IMPL_VERSION), SBI_SUCCESS,
                    0x00000001);

    static const struct { const char *name; uint32_t eid; long want; } probes[] = {
        { "base probe_extension BASE", EID_BASE, 1 },
        { "base probe_extension TIME", EID_TIME, 1 },
        { "base probe_extension IPI", EID_IPI, 1 },
        { "base probe_extension RFENCE", EID_RFENCE, 1 },
        { "base probe_extension HSM", EID_HSM, 1 },
        { "base probe_extension SRST", EID_SRST, 1 },
        { "base probe_extension DBCN", EID_DBCN, 1 },
        { "base probe_extension legacy set_timer", EID_LEGACY_SET_TIMER, 1 },
        { "base probe_extension legacy console_putchar", EID_LEGACY_PUTCHAR, 1 },
        { "base probe_extension legacy console_getchar", EID_LEGACY_GETCHAR, 1 },
        { "base probe_extension legacy shutdown", EID_LEGACY_SHUTDOWN, 1 },
        { "base probe_extension legacy clear_ipi: absent", EID_LEGACY_CLEAR_IPI, 0 },
        { "base probe_extension legacy send_ipi: absent", EID_LEGACY_SEND_IPI, 0 },
        { "base probe_extension legacy 0x0f: absent", 0x0f, 0 },
        { "base probe_extension PMU: absent", EID_PMU, 0 },
        { "base probe_extension SUSP: absent", EID_SUSP, 0 },
        { "base probe_extension STA: absent", EID_STA, 0 },
        { "base probe_extension 0x12345678: absent", 0x12345678, 0 },
        { "base probe_extension 0xffffffff: absent", 0xffffffff, 0 },
    };
    for (unsigned i = 0; i < COUNT(probes); i++)
        check_ret_value(probes[i].name, SBI1(EID_BASE, BASE_PROBE, probes[i].eid),
                        SBI_SUCCESS, probes[i].want);

    /* S-mode cannot read these CSRs to compare: the values are shown, the calls must
     * succeed. */
    struct sbiret v = SBI0(EID_BASE, BASE_MVENDORID), a = SBI0(EID_BASE, BASE_MARCHID),
                  i = SBI0(EID_BASE, BASE_MIMPID);
    check_eq("base get_mvendorid", v.error, SBI_SUCCESS);
    check_eq("base get_marchid", a.error, SBI_SUCCESS);
    check_eq("base get_mimpid", i.error, SBI_SUCCESS);
    kprintf("info: mvendorid 0x%x marchid 0x%x mimpid 0x%x\n", v.value, a.value, i.value);

    check_ret("base: an unknown function is not supported", SBI0(EID_BASE, 7),
              SBI_ERR_NOT_SUPPORTED);
    check_ret("an unknown extension is not supported", SBI0(0x12345678, 0),
              SBI_ERR_NOT_SUPPORTED);
    check_eq("legacy clear_ipi is not supported", sbi_legacy(EID_LEGACY_CLEAR_IPI, 0, 0),
             SBI_ERR_NOT_SUPPORTED);
}

/* ---- registers: the SBI keeps all but a0 and a1 (legacy calls: all but a0) ---- */

static void test_registers(void)
{
    static char empty[1];
    uint32_t buf = (uint32_t)(uintptr_t)empty;
    /* nargs: how many of a0..a5 the call takes; the others keep their pattern. */
    static const struct {
        const char *name;
        uint32_t eid, fid, nargs, args[6];
        int legacy;
    } calls[] = {
        { "registers kept: base get_spec_version", EID_BASE, BASE_SPEC_VERSION, 0, { 0 }, 0 },
        { "registers kept: base probe_extension", EID_BASE, BASE_PROBE, 1, { EID_TIME }, 0 },
        { "registers kept: time set_timer", EID_TIME, 0, 2, { ~0u, ~0u }, 0 },
        { "registers kept: ipi send_ipi (no hart)", EID_IPI, 0, 2, { 0, 0 }, 0 },
        { "registers kept: rfence remote_fence_i", EID_RFENCE, RFENCE_FENCE_I, 2, { 1, 0 }, 0 },
        { "registers kept: rfence remote_sfence_vma", EID_RFENCE, RFENCE_SFENCE_VMA, 4,
          { 1, 0, 0, 0 }, 0 },
        { "registers kept: hsm hart_get_status", EID_HSM, HSM_STATUS, 1, { 0 }, 0 },
        { "registers kept: srst system_reset (bad type)", EID_SRST, 0, 2, { 3, 0 }, 0 },
        { "registers kept: dbcn console_write (0 bytes)", EID_DBCN, DBCN_WRITE, 3, { 0 }, 0 },
        { "registers kept: dbcn console_read (0 bytes)", EID_DBCN, DBCN_READ, 3, { 0 }, 0 },
        { "registers kept: unknown extension", 0x0a000000, 0, 0, { 0 }, 0 },
        { "registers kept: legacy set_timer", EID_LEGACY_SET_TIMER, 0, 2, { ~0u, ~0u }, 1 },
        { "registers kept: legacy console_getchar", EID_LEGACY_GETCHAR, 0, 0, { 0 }, 1 },
        { "registers kept: legacy clear_ipi (absent)", EID_LEGACY_CLEAR_IPI, 0, 0, { 0 }, 1 },
    };
    csr_clear(sstatus, SSTATUS_SIE);
    for (unsigned c = 0; c < COUNT(calls); c++) {
        uint32_t regs[32], before[32];
        for (unsigned n = 0; n < 32; n++)
            regs[n] = 0x5a000000u | n << 16 | (c << 8) | n;
        for (unsigned n = 0; n < calls[c].nargs; n++)
            regs[10 + n] = calls[c].args[n];
        if (calls[c].eid == EID_RFENCE)
            regs[10] = 1u << me;
        if (calls[c].eid == EID_HSM)
            regs[10] = me;
        if (calls[c].eid == EID_DBCN)
            regs[11] = buf;
        regs[16] = calls[c].fid;
        regs[17] = calls[c].eid;
        for (unsigned n = 0; n < 32; n++)
            before[n] = regs[n];
        ecall_probe(regs);
        unsigned changed = 0;
        for (unsigned n = 1; n < 32; n++)
            if (n != 2 && n != 10 && (n != 11 || calls[c].legacy) && regs[n] != before[n])
                changed = changed ? changed : n;
        if (changed)
            kprintf("info: x%u was 0x%x, is 0x%x\n", changed, before[changed], regs[changed]);
        check(changed == 0, calls[c].name);
    }
}

/* ---- TIME ---- */

/* Waits up to `ms` for an interrupt counter to move, with S interrupts enabled. */
static int take_interrupt(volatile uint32_t *counter, uint32_t ms)
{
    csr_set(sstatus, SSTATUS_SIE);
    int came = wait_flag(counter, ms);
    csr_clear(sstatus, SSTATUS_SIE);
    return came;
}

static int stip_pending(void) { return (csr_read(sip) & SIP_STIP) != 0; }

/* Ask for a timer interrupt 20 ms from now (with TIME set_timer, or the legacy call);
 * it must come, and not before the time asked for. */
static void timer_round(int legacy, const char *came, const char *not_early)
{
    uint64_t deadline = now() + 20 * TICKS_PER_MS;
    traps.timer_irqs = 0;
    long error;
    if (legacy)
        error = sbi_legacy(EID_LEGACY_SET_TIMER, (uint32_t)deadline, (uint32_t)(deadline >> 32));
    else
        error = SBI2(EID_TIME, 0, (uint32_t)deadline, (uint32_t)(deadline >> 32)).error;
    check_eq(legacy ? "legacy set_timer returns 0" : "time set_timer returns SBI_SUCCESS",
             error, 0);
    int arrived = take_interrupt(&traps.timer_irqs, 2000);
    check(arrived, came);
    check(arrived && traps.timer_irq_time >= deadline, not_early);
    check(traps.timer_irqs <= 1, "time: one interrupt per set_timer");
    check(!stip_pending(), "time: set_timer(-1) in the handler took STIP back down");
}

static void test_time(void)
{
    csr_clear(sstatus, SSTATUS_SIE);
    csr_set(sie, SIP_STIP);

    check_ret("time set_timer(0): a time in the past", SBI2(EID_TIME, 0, 0, 0), SBI_SUCCESS);
    uint64_t end = now() + 100 * TICKS_PER_MS;
    while (!stip_pending() && now() < end)
        ;
    check(stip_pending(), "time set_timer(past): STIP pending");
    uint64_t later = now() + 10000 * TICKS_PER_MS;
    SBI2(EID_TIME, 0, (uint32_t)later, (uint32_t)(later >> 32));
    check(!stip_pending(), "time set_timer(future): STIP cleared");
    check_ret("time: an unknown function is not supported", SBI0(EID_TIME, 1),
              SBI_ERR_NOT_SUPPORTED);

    timer_round(0, "time set_timer(now + 20 ms): the interrupt came",
                "time set_timer(now + 20 ms): not before that time");
    timer_round(1, "legacy set_timer(now + 20 ms): the interrupt came",
                "legacy set_timer(now + 20 ms): not before that time");
    csr_clear(sie, SIP_STIP);
    sbi_set_timer(~0ull);
}

/* ---- IPI ---- */

static int ssip_pending(void) { return (csr_read(sip) & SIP_SSIP) != 0; }

static void test_ipi(void)
{
    volatile uint32_t *mine = &traps.soft_irqs[me];
    csr_clear(sstatus, SSTATUS_SIE);
    csr_set(sie, SIP_SSIP);
    csr_clear(sip, SIP_SSIP);

    check_ret("ipi send_ipi(this hart)", SBI2(EID_IPI, 0, 1u << me, 0), SBI_SUCCESS);
    check(ssip_pending(), "ipi send_ipi(this hart): SSIP pending");
    *mine = 0;
    check(take_interrupt(mine, 100), "ipi send_ipi(this hart): the interrupt came");

    check_ret("ipi send_ipi(mask 0)", SBI2(EID_IPI, 0, 0, 0), SBI_SUCCESS);
    check(!ssip_pending(), "ipi send_ipi(mask 0): no SSIP");
    check_ret("ipi send_ipi(base = number of harts)", SBI2(EID_IPI, 0, 1, nharts),
              SBI_ERR_INVALID_PARAM);
    check_ret("ipi send_ipi(a hart past the last)", SBI2(EID_IPI, 0, 1u << nharts, 0),
              SBI_ERR_INVALID_PARAM);
    check(!ssip_pending(), "ipi send_ipi(bad harts): no SSIP");

    check_ret("ipi send_ipi(base -1: all harts)", SBI2(EID_IPI, 0, 0, ~0u), SBI_SUCCESS);
    *mine = 0;
    check(take_interrupt(mine, 100), "ipi send_ipi(all harts): the interrupt came");
    check_ret("ipi send_ipi(mask 1, base = this hart)", SBI2(EID_IPI, 0, 1, me), SBI_SUCCESS);
    *mine = 0;
    check(take_interrupt(mine, 100), "ipi send_ipi(mask 1, base = this hart): it came");
    check_ret("ipi: an unknown function is not supported", SBI0(EID_IPI, 1),
              SBI_ERR_NOT_SUPPORTED);
    csr_clear(sie, SIP_SSIP);
}

/* ---- RFENCE ---- */

/* Code the test rewrites: `li a0, n; ret`. */
static uint32_t code[2] __attribute__((aligned(4)));
#define LI_A0(n) (0x00000513u | (uint32_t)(n) << 20)
#define RET      0x00008067u

static int run_code(void)
{
    return ((int (*)(void))(uintptr_t)code)();
}

static void test_fence_i(void)
{
    code[0] = LI_A0(1);
    code[1] = RET;
    __asm__ volatile("fence.i" ::: "memory");
    check_eq("rfence: the code runs", run_code(), 1);
    code[0] = LI_A0(2);
    check_ret("rfence remote_fence_i(this hart)", SBI2(EID_RFENCE, RFENCE_FENCE_I, 1u << me, 0),
              SBI_SUCCESS);
    check_eq("rfence remote_fence_i: the new code runs", run_code(), 2);
    code[0] = LI_A0(3);
    check_ret("rfence remote_fence_i(all harts)", SBI2(EID_RFENCE, RFENCE_FENCE_I, 0, ~0u),
              SBI_SUCCESS);
    check_eq("rfence remote_fence_i(all harts): the new code runs", run_code(), 3);
}

static uint32_t root[1024] __attribute__((aligned(PAGE_SIZE)));
static uint32_t leaf[1024] __attribute__((aligned(PAGE_SIZE)));
static uint32_t page_a[1024] __attribute__((aligned(PAGE_SIZE)));
static uint32_t page_b[1024] __attribute__((aligned(PAGE_SIZE)));

static uint32_t pte(const void *pa, uint32_t flags)
{
    return (uint32_t)(uintptr_t)pa >> 12 << 10 | flags;
}

static void map_test_page(const uint32_t *page)
{
    leaf[0] = page ? pte(page, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D) : 0;
    __asm__ volatile("" ::: "memory");
}

static uint32_t read_test_page(void)
{
    return *(volatile uint32_t *)TEST_VA;
}

/* Point TEST_VA at another page just after a read through the old mapping, so that a
 * TLB that caches translations holds the old one (no SBI call in between: a trap may
 * flush the TLB, as rvbox's does). */
static void remap_test_page(const uint32_t *page)
{
    (void)read_test_page();
    map_test_page(page);
}

/* Sv32 paging with TEST_VA mapped to a page the test swaps; RAM, the syscon and the
 * rest of the low 4 MiB identity-mapped with 4 MiB pages. Each remote sfence.vma must
 * make the hart see the new mapping. */
static void test_sfence_vma(void)
{
    page_a[0] = 0xaaaa0001;
    page_b[0] = 0xbbbb0002;
    for (uint32_t pa = dt.ram_base; pa - dt.ram_base < dt.ram_size; pa += MEGAPAGE)
        root[pa / MEGAPAGE] = pte((void *)(uintptr_t)pa,
                                  PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
    root[0] = pte(0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    root[TEST_VA / MEGAPAGE] = pte(leaf, PTE_V);
    map_test_page(page_a);
    csr_write(satp, SV32_MODE | TEST_ASID << 22 | (uint32_t)(uintptr_t)root >> 12);
    __asm__ volatile("sfence.vma" ::: "memory");

    check_eq("rfence: paging on, the test page is A", read_test_page(), 0xaaaa0001);
    remap_test_page(page_b);
    if (read_test_page() == 0xaaaa0001)
        kprintf("info: without a fence this hart still sees the old page: its TLB caches\n");
    check_ret("rfence remote_sfence_vma(one page)",
              SBI4(EID_RFENCE, RFENCE_SFENCE_VMA, 1u << me, 0, TEST_VA, PAGE_SIZE), SBI_SUCCESS);
    check_eq("rfence remote_sfence_vma(one page): the new page is seen", read_test_page(),
             0xbbbb0002);

    remap_test_page(page_a);
    check_ret("rfence remote_sfence_vma_asid(one page)",
              sbi_call(EID_RFENCE, RFENCE_SFENCE_VMA_ASID, 1u << me, 0, TEST_VA, PAGE_SIZE,
                       TEST_ASID), SBI_SUCCESS);
    check_eq("rfence remote_sfence_vma_asid(one page): the new page is seen",
             read_test_page(), 0xaaaa0001);

    remap_test_page(page_b);
    check_ret("rfence remote_sfence_vma(everything: 0, 0)",
              SBI4(EID_RFENCE, RFENCE_SFENCE_VMA, 1u << me, 0, 0, 0), SBI_SUCCESS);
    check_eq("rfence remote_sfence_vma(everything): the new page is seen", read_test_page(),
             0xbbbb0002);

    remap_test_page(page_a);
    check_ret("rfence remote_sfence_vma_asid(everything: size -1)",
              sbi_call(EID_RFENCE, RFENCE_SFENCE_VMA_ASID, 0, ~0u, 0, ~0u, TEST_ASID),
              SBI_SUCCESS);
    check_eq("rfence remote_sfence_vma_asid(everything): the new page is seen",
             read_test_page(), 0xaaaa0001);

    remap_test_page(0);
    check_ret("rfence remote_sfence_vma(unmapped page)",
              SBI4(EID_RFENCE, RFENCE_SFENCE_VMA, 1u << me, 0, TEST_VA + 12, 1), SBI_SUCCESS);
    traps.expect_exception = 1;
    traps.scause = 0;
    (void)read_test_page();
    check_eq("delegation: a load page fault goes to S-mode", traps.scause, 13);
    check_eq("delegation: load page fault stval", traps.stval, TEST_VA);
    traps.expect_exception = 0;

    csr_write(satp, 0);
    __asm__ volatile("sfence.vma" ::: "memory");
}

static void test_rfence(void)
{
    test_fence_i();
    test_sfence_vma();
    check_ret("rfence remote_sfence_vma(a range past the top)",
              SBI4(EID_RFENCE, RFENCE_SFENCE_VMA, 1u << me, 0, 0xfffff000u, 0x2000),
              SBI_ERR_INVALID_ADDRESS);
    check_ret("rfence remote_sfence_vma(the last page)",
              SBI4(EID_RFENCE, RFENCE_SFENCE_VMA, 1u << me, 0, 0xfffff000u, 0x1000),
              SBI_SUCCESS);
    check_ret("rfence remote_fence_i(a hart past the last)",
              SBI2(EID_RFENCE, RFENCE_FENCE_I, 1u << nharts, 0), SBI_ERR_INVALID_PARAM);
    static const char *const hfences[] = {
        "rfence remote_hfence_gvma_vmid: not supported",
        "rfence remote_hfence_gvma: not supported",
        "rfence remote_hfence_vvma_asid: not supported",
        "rfence remote_hfence_vvma: not supported",
        "rfence: function 7 not supported",
    };
    for (uint32_t f = RFENCE_HFENCE_GVMA_VMID; f <= 7; f++)
        check_ret(hfences[f - RFENCE_HFENCE_GVMA_VMID],
                  SBI4(EID_RFENCE, f, 1u << me, 0, 0, 0), SBI_ERR_NOT_SUPPORTED);
}

/* ---- HSM ---- */

static volatile uint32_t sec_boots, sec_hartid, sec_opaque, sec_satp, sec_sstatus;
static volatile uint32_t sec_got_ipi, sec_may_stop, sec_stop_error;
static volatile long sec_suspend_error = 1;

/* An opaque that asks the started hart to suspend itself (retentive) first. */
#define SUSPEND_FIRST 0x5eed5000u

/* Another hart, started with hart_start: report how it came up, take an IPI, stop. With
 * SUSPEND_FIRST it suspends until the IPI comes, then takes it. */
void secondary_main(uint32_t hartid, uint32_t opaque)
{
    sec_hartid = hartid;
    sec_opaque = opaque;
    sec_satp = csr_read(satp);
    sec_sstatus = csr_read(sstatus);
    __atomic_fetch_add(&sec_boots, 1, __ATOMIC_RELEASE);
    csr_set(sie, SIP_SSIP);
    if ((opaque & ~0xfffu) == SUSPEND_FIRST)
        sec_suspend_error = SBI3(EID_HSM, HSM_SUSPEND, HSM_SUSPEND_RETENTIVE, 0, 0).error;
    csr_set(sstatus, SSTATUS_SIE);
    while (!traps.soft_irqs[hartid % MAX_HARTS])
        ;
    sec_got_ipi = 1;
    while (!sec_may_stop)
        ;
    csr_clear(sstatus, SSTATUS_SIE);
    sec_may_stop = 0;
    traps.soft_irqs[hartid % MAX_HARTS] = 0;
    sec_stop_error = (uint32_t)SBI0(EID_HSM, HSM_STOP).error;   /* only on failure */
    for (;;)
        ;
}

static long hart_status(uint32_t hart) { return SBI1(EID_HSM, HSM_STATUS, hart).value; }

static int wait_status(uint32_t hart, long status, uint32_t ms)
{
    uint64_t end = now() + (uint64_t)ms * TICKS_PER_MS;
    while (hart_status(hart) != status)
        if (now() > end)
            return 0;
    return 1;
}

/* Start `other`, watch it come up and take an IPI and remote fences, stop it. */
static void start_and_stop(uint32_t other, uint32_t opaque, uint32_t boots)
{
    uint32_t entry = (uint32_t)(uintptr_t)secondary_entry;
    check_ret("hsm hart_start(another hart)", SBI3(EID_HSM, HSM_START, other, entry, opaque),
              SBI_SUCCESS);
    uint64_t end = now() + 1000ull * TICKS_PER_MS;
    while (sec_boots < boots && now() < end)
        ;
    check_eq("hsm hart_start: the hart came up", sec_boots, boots);
    check_eq("hsm hart_start: a0 = its hart id", sec_hartid, other);
    check_eq("hsm hart_start: a1 = opaque", sec_opaque, opaque);
    check_eq("hsm hart_start: satp = 0", sec_satp, 0);
    check_eq("hsm hart_start: sstatus.SIE = 0", sec_sstatus & SSTATUS_SIE, 0);
    if ((opaque & ~0xfffu) != SUSPEND_FIRST)     /* else it may be SUSPENDED already */
        check(wait_status(other, HSM_STARTED, 1000), "hsm hart_get_status(it) = STARTED");
    check_ret("hsm hart_start(it again): already available",
              SBI3(EID_HSM, HSM_START, other, entry, 0), SBI_ERR_ALREADY_AVAILABLE);

    sec_got_ipi = 0;
    if ((opaque & ~0xfffu) == SUSPEND_FIRST) {
        check(wait_status(other, HSM_SUSPENDED, 1000),
              "hsm hart_suspend(retentive): the other hart is SUSPENDED");
        check(!sec_got_ipi, "hsm hart_suspend: the suspended hart waits");
    }
    check_ret("ipi send_ipi(another hart)", SBI2(EID_IPI, 0, 1u << other, 0), SBI_SUCCESS);
    check(wait_flag(&sec_got_ipi, 1000), "ipi send_ipi(another hart): it took the interrupt");
    if ((opaque & ~0xfffu) == SUSPEND_FIRST) {
        check_eq("hsm hart_suspend(retentive): the IPI resumed it, SBI_SUCCESS",
                 sec_suspend_error, SBI_SUCCESS);
        check_ret_value("hsm hart_get_status(the resumed hart) = STARTED",
                        SBI1(EID_HSM, HSM_STATUS, other), SBI_SUCCESS, HSM_STARTED);
    }
    check_ret("rfence remote_fence_i(another hart)",
              SBI2(EID_RFENCE, RFENCE_FENCE_I, 1u << other, 0), SBI_SUCCESS);
    check_ret("rfence remote_sfence_vma(all harts)",
              SBI4(EID_RFENCE, RFENCE_SFENCE_VMA, 0, ~0u, 0, 0), SBI_SUCCESS);

    sec_may_stop = 1;
    check(wait_status(other, HSM_STOPPED, 1000), "hsm hart_stop: the hart is STOPPED");
    check_eq("hsm hart_stop: it did not return", sec_stop_error, 0);
}

/* hart_suspend on this hart: a retentive one until a timer interrupt, a non-retentive
 * one woken at once by an IPI it sent itself (resume_entry, then back here). */
static void *suspend_jmp[5];
static volatile uint32_t resumed_hartid, resumed_opaque, resumed_satp, resumed_sstatus;
static uint8_t resume_stack[1024] __attribute__((aligned(16)));

void resume_main(uint32_t hartid, uint32_t opaque) __attribute__((noreturn));
void resume_main(uint32_t hartid, uint32_t opaque)
{
    resumed_hartid = hartid;
    resumed_opaque = opaque;
    resumed_satp = csr_read(satp);
    resumed_sstatus = csr_read(sstatus);
    __builtin_longjmp(suspend_jmp, 1);
}

static void test_suspend(void)
{
    check_ret("hsm hart_suspend(reserved type 1)", SBI3(EID_HSM, HSM_SUSPEND, 1, 0, 0),
              SBI_ERR_INVALID_PARAM);
    check_ret("hsm hart_suspend(reserved type 0x80000001)",
              SBI3(EID_HSM, HSM_SUSPEND, 0x80000001u, 0, 0), SBI_ERR_INVALID_PARAM);
    check_ret("hsm hart_suspend(platform type 0x10000000): not supported",
              SBI3(EID_HSM, HSM_SUSPEND, 0x10000000u, 0, 0), SBI_ERR_NOT_SUPPORTED);
    check_ret("hsm hart_suspend(non-retentive, resume outside RAM)",
              SBI3(EID_HSM, HSM_SUSPEND, HSM_SUSPEND_NON_RETENTIVE, MEMMAP_BOOTROM_BASE, 0),
              SBI_ERR_INVALID_ADDRESS);

    /* Retentive, until the timer: S interrupts enabled in sie, off in sstatus. */
    csr_clear(sstatus, SSTATUS_SIE);
    uint64_t deadline = now() + 5 * TICKS_PER_MS;
    SBI2(EID_TIME, 0, (uint32_t)deadline, (uint32_t)(deadline >> 32));
    csr_set(sie, SIP_STIP);
    struct sbiret r = SBI3(EID_HSM, HSM_SUSPEND, HSM_SUSPEND_RETENTIVE, 0, 0);
    uint64_t woke = now();
    check_ret("hsm hart_suspend(retentive) returns SBI_SUCCESS", r, SBI_SUCCESS);
    check(woke >= deadline, "hsm hart_suspend(retentive): resumed by the timer, not before");
    check(csr_read(sip) & SIP_STIP, "hsm hart_suspend(retentive): STIP pending on return");
    SBI2(EID_TIME, 0, ~0u, ~0u);
    csr_clear(sie, SIP_STIP);

    /* Non-retentive, woken at once: an IPI to this hart is pending already. */
    resumed_hartid = resumed_opaque = ~0u;
    uint32_t stack = (uint32_t)(uintptr_t)(resume_stack + sizeof resume_stack);
    csr_set(sie, SIP_SSIP);
    SBI2(EID_IPI, 0, 1u << me, 0);
    if (__builtin_setjmp(suspend_jmp) == 0) {
        r = SBI3(EID_HSM, HSM_SUSPEND, HSM_SUSPEND_NON_RETENTIVE,
                 (uint32_t)(uintptr_t)resume_entry, stack);
        check_ret("hsm hart_suspend(non-retentive): does not return", r, -100);
    } else {
        check_eq("hsm hart_suspend(non-retentive): resumed with a0 = hart id",
                 resumed_hartid, me);
        check_eq("hsm hart_suspend(non-retentive): a1 = opaque", resumed_opaque, stack);
        check_eq("hsm hart_suspend(non-retentive): satp = 0", resumed_satp, 0);
        check_eq("hsm hart_suspend(non-retentive): sstatus.SIE = 0",
                 resumed_sstatus & SSTATUS_SIE, 0);
    }
    check(csr_read(sip) & SIP_SSIP, "hsm hart_suspend(non-retentive): SSIP still pending");
    csr_clear(sip, SIP_SSIP);
    csr_clear(sie, SIP_SSIP);
    check_ret_value("hsm hart_get_status(this hart, resumed) = STARTED",
                    SBI1(EID_HSM, HSM_STATUS, me), SBI_SUCCESS, HSM_STARTED);
}

static void test_hsm(void)
{
    uint32_t entry = (uint32_t)(uintptr_t)secondary_entry;
    for (nharts = 0; nharts < MAX_HARTS; nharts++)
        if (SBI1(EID_HSM, HSM_STATUS, nharts).error == SBI_ERR_INVALID_PARAM)
            break;
    kprintf("info: %u hart(s)\n", nharts);
    check_eq("hsm: the harts hart_get_status knows are the device tree's", nharts, dt.nharts);
    check_ret_value("hsm hart_get_status(this hart) = STARTED", SBI1(EID_HSM, HSM_STATUS, me),
                    SBI_SUCCESS, HSM_STARTED);
    check_ret("hsm hart_get_status(a hart past the last)", SBI1(EID_HSM, HSM_STATUS, nharts),
              SBI_ERR_INVALID_PARAM);
    check_ret("hsm hart_start(this hart): already available",
              SBI3(EID_HSM, HSM_START, me, entry, 0), SBI_ERR_ALREADY_AVAILABLE);
    check_ret("hsm hart_start(a hart past the last)",
              SBI3(EID_HSM, HSM_START, nharts, entry, 0), SBI_ERR_INVALID_PARAM);
    check_ret("hsm hart_start(hart -1)", SBI3(EID_HSM, HSM_START, ~0u, entry, 0),
              SBI_ERR_INVALID_PARAM);
    test_suspend();
    check_ret("hsm: function 4 not supported", SBI0(EID_HSM, 4), SBI_ERR_NOT_SUPPORTED);

    if (nharts > 1) {
        uint32_t other = me == 0 ? 1 : 0;
        check_ret_value("hsm hart_get_status(another hart) = STOPPED",
                        SBI1(EID_HSM, HSM_STATUS, other), SBI_SUCCESS, HSM_STOPPED);
        check_ret("hsm hart_start(another hart, outside RAM)",
                  SBI3(EID_HSM, HSM_START, other, MEMMAP_BOOTROM_BASE, 0),
                  SBI_ERR_INVALID_ADDRESS);
        start_and_stop(other, 0x5eed0001, 1);
        start_and_stop(other, 0x5eed0002, 2);       /* a stopped hart starts again */
        start_and_stop(other, SUSPEND_FIRST | 3, 3);
        /* Every other hart: started, an IPI taken, fenced, stopped. */
        uint32_t boots = 3;
        for (uint32_t h = 0; h < nharts; h++)
            if (h != me && h != other)
                start_and_stop(h, 0x5eed0100 + h, ++boots);
    }
    check_ret("hsm hart_stop(the last started hart) fails", SBI0(EID_HSM, HSM_STOP),
              SBI_ERR_FAILED);
}

/* ---- SRST: the calls that must fail (the real ones end the run) ---- */

static void test_srst_errors(void)
{
    check_ret("srst system_reset(reserved type 3)", SBI2(EID_SRST, 0, 3, 0),
              SBI_ERR_INVALID_PARAM);
    check_ret("srst system_reset(vendor type 0xf0000000)", SBI2(EID_SRST, 0, 0xf0000000u, 0),
              SBI_ERR_INVALID_PARAM);
    check_ret("srst system_reset(reserved reason 2)", SBI2(EID_SRST, 0, 0, 2),
              SBI_ERR_INVALID_PARAM);
    check_ret("srst system_reset(implementation reason 0xe0000000)",
              SBI2(EID_SRST, 0, 0, 0xe0000000u), SBI_ERR_INVALID_PARAM);
    check_ret("srst: function 1 not supported", SBI2(EID_SRST, 1, 0, 0), SBI_ERR_NOT_SUPPORTED);
}

/* ---- DBCN and the legacy putchar: their output is checked outside (ctest) ---- */

static void test_console_output(void)
{
    static const char msg[] = "dbcn console_write: ok\n";
    uint32_t len = sizeof msg - 1, addr = (uint32_t)(uintptr_t)msg;
    check_ret_value("dbcn console_write: all bytes written",
                    SBI3(EID_DBCN, DBCN_WRITE, len, addr, 0), SBI_SUCCESS, len);

    int ok = 1;
    for (const char *s = "dbcn console_write_byte: ok\n"; *s; s++) {
        struct sbiret r = SBI1(EID_DBCN, DBCN_WRITE_BYTE, (uint8_t)*s);
        ok &= r.error == SBI_SUCCESS && r.value == 0;
    }
    check(ok, "dbcn console_write_byte returns (0, 0)");

    ok = 1;
    for (const char *s = "legacy console_putchar: ok\n"; *s; s++)
        ok &= sbi_legacy(EID_LEGACY_PUTCHAR, (uint8_t)*s, 0) == 0;
    check(ok, "legacy console_putchar returns 0");

    uint32_t ram_end = dt.ram_base + dt.ram_size;
    check_ret_value("dbcn console_write(0 bytes)", SBI3(EID_DBCN, DBCN_WRITE, 0, addr, 0),
                    SBI_SUCCESS, 0);
    check_ret("dbcn console_write(above 4 GiB)", SBI3(EID_DBCN, DBCN_WRITE, len, addr, 1),
              SBI_ERR_INVALID_PARAM);
    check_ret("dbcn console_write(from the boot ROM)",
              SBI3(EID_DBCN, DBCN_WRITE, 4, MEMMAP_BOOTROM_BASE, 0), SBI_ERR_INVALID_PARAM);
    check_ret("dbcn console_write(across the end of RAM)",
              SBI3(EID_DBCN, DBCN_WRITE, 4, ram_end - 2, 0), SBI_ERR_INVALID_PARAM);
    check_ret("dbcn console_write(wrapping past 4 GiB)",
              SBI3(EID_DBCN, DBCN_WRITE, 0x20, 0xfffffff0u, 0), SBI_ERR_INVALID_PARAM);
    check_ret("dbcn console_read(into the boot ROM)",
              SBI3(EID_DBCN, DBCN_READ, 4, MEMMAP_BOOTROM_BASE, 0), SBI_ERR_INVALID_PARAM);
    check_ret("dbcn: function 3 not supported", SBI0(EID_DBCN, 3), SBI_ERR_NOT_SUPPORTED);
}

/* ---- what the firmware set up: delegation, counters, PMP ---- */

static void test_delegation(void)
{
    traps.expect_exception = 1;
    traps.scause = ~0u;
    __asm__ volatile("ebreak");
    check_eq("delegation: ebreak goes to S-mode", traps.scause, 3);

    traps.expect_exception = 1;
    traps.scause = ~0u;
    __asm__ volatile("csrr t0, mstatus" ::: "t0");
    check_eq("delegation: an illegal instruction goes to S-mode", traps.scause, 2);

    traps.expect_exception = 1;
    traps.scause = ~0u;
    (void)*(volatile uint32_t *)UNMAPPED_PA;
    check_eq("delegation: a load access fault goes to S-mode", traps.scause, 5);
    check_eq("delegation: load access fault stval", traps.stval, UNMAPPED_PA);

    traps.expect_exception = 1;
    traps.scause = ~0u;
    *(volatile uint32_t *)UNMAPPED_PA = 1;
    check_eq("delegation: a store access fault goes to S-mode", traps.scause, 7);

    traps.expect_exception = 1;
    traps.scause = ~0u;
    enter_umode((uint32_t)(uintptr_t)umode_ecall);
    check_eq("delegation: ecall from U-mode goes to S-mode", traps.scause, 8);

    /* A misaligned load is done by the hart or trapped to S-mode, never by M-mode. */
    static uint32_t words[2] = { 0x44332211, 0x88776655 };
    traps.expect_exception = 1;
    traps.scause = ~0u;
    uint32_t v = *(volatile uint32_t *)((uintptr_t)words + 1);
    int ok = traps.expect_exception ? v == 0x55443322 : traps.scause == 4;
    traps.expect_exception = 0;
    check(ok, "delegation: a misaligned load is done in hardware or goes to S-mode");

    /* PMP, as OpenSBI sets it: the firmware's memory and the CLINT are M-mode's alone
     * (a load access fault), the rest of RAM is S-mode's. */
    static const struct { const char *name; uint32_t addr; } guarded[] = {
        { "pmp: the firmware's memory is M-mode's", MEMMAP_RAM_BASE },
        { "pmp: the CLINT's mtime is M-mode's", MEMMAP_CLINT_BASE + 0xbff8 },
        { "pmp: the CLINT's msip is M-mode's", MEMMAP_CLINT_BASE },
    };
    for (unsigned i = 0; i < sizeof guarded / sizeof guarded[0]; i++) {
        traps.expect_exception = 1;
        traps.scause = ~0u;
        (void)*(volatile uint32_t *)(uintptr_t)guarded[i].addr;
        check_eq(guarded[i].name, traps.scause, 5);
        traps.expect_exception = 0;
    }
    traps.scause = ~0u;
    (void)*(volatile uint32_t *)(uintptr_t)(dt.ram_base + dt.ram_size - 4);
    check(traps.scause == ~0u, "pmp: the top of RAM is S-mode's");

    /* mcounteren: S-mode reads cycle, time and instret (a trap here fails the run). */
    uint32_t c0 = csr_read(cycle), i0 = csr_read(instret);
    uint64_t t0 = now();
    for (volatile int i = 0; i < 1000; i++)
        ;
    check(csr_read(instret) != i0, "counters: instret readable in S-mode and counting");
    check(csr_read(cycle) != c0, "counters: cycle readable in S-mode and counting");
    check(now() >= t0, "counters: time readable in S-mode");
    (void)csr_read(cycleh);
    (void)csr_read(instreth);
}

void kernel_main(uint32_t hartid, const void *dtb)
{
    me = hartid;
    kprintf("sbi-test: S-mode kernel on hart %u, device tree at 0x%x\n", hartid,
            (uint32_t)(uintptr_t)dtb);
    check(csr_read(satp) == 0 && !(csr_read(sstatus) & SSTATUS_SIE),
          "entry: paging off, S interrupts off");
    check(fdt_read_facts(dtb, &dt) == 0 && dt.ram_size != 0, "entry: a1 is the device tree");

    test_console_input();
    test_base();
    test_registers();
    test_time();
    test_hsm();         /* counts the harts */
    test_ipi();
    test_rfence();
    test_delegation();
    test_srst_errors();
    test_console_output();

    kprintf("sbi-test: %u passed, %u failed\n", checks_passed, checks_failed);
    if (checks_failed)
        syscon_exit(checks_failed);
    struct sbiret r = SBI2(EID_SRST, 0, SRST_SHUTDOWN, SRST_NO_REASON);
    kprintf("FAIL srst system_reset(shutdown) returned error %d\n", r.error);
    syscon_exit(99);
}
