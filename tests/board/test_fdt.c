/*
 * The generated device tree, parsed back with libfdt and checked node by node against
 * what Linux and OpenSBI read from QEMU's virt.
 */
#include <check.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus/memmap.h"
#include "cpu/hart.h"
#include "devices/plic.h"
#include "devices/virt_fdt.h"

static uint8_t blob[64 * 1024];

static uint32_t kernel_entry;      /* for the next build() */
static unsigned nharts = 1;        /* for the next build() */

static void build(const char *bootargs, uint32_t initrd_start, uint32_t initrd_end)
{
    struct virt_fdt_config cfg = {
        .nharts = nharts, .ram_base = MEMMAP_RAM_BASE, .ram_size = 128u << 20,
        .bootargs = bootargs, .initrd_start = initrd_start, .initrd_end = initrd_end,
        .virtio_slots = MEMMAP_VIRTIO_COUNT, .kernel_entry = kernel_entry,
    };
    char err[128];
    int n = virt_fdt_build(&cfg, blob, sizeof blob, err, sizeof err);
    ck_assert_msg(n > 0, "virt_fdt_build: %s", err);
    ck_assert_int_eq(fdt_check_header(blob), 0);
    ck_assert_int_eq((int)fdt_totalsize(blob), n);
}

static int node(const char *path)
{
    int off = fdt_path_offset(blob, path);
    ck_assert_msg(off >= 0, "no node %s", path);
    return off;
}

static const char *str(int off, const char *name)
{
    const char *s = fdt_getprop(blob, off, name, NULL);
    ck_assert_msg(s != NULL, "no property %s", name);
    return s;
}

/* Property `name` as cells; returns how many. */
static int cells(int off, const char *name, uint32_t *out, int max)
{
    int len;
    const fdt32_t *p = fdt_getprop(blob, off, name, &len);
    ck_assert_msg(p != NULL, "no property %s", name);
    ck_assert_int_eq(len % 4, 0);
    int n = len / 4;
    ck_assert_int_le(n, max);
    for (int i = 0; i < n; i++)
        out[i] = fdt32_to_cpu(p[i]);
    return n;
}

static uint32_t cell(int off, const char *name)
{
    uint32_t v[1];
    ck_assert_int_eq(cells(off, name, v, 1), 1);
    return v[0];
}

/* reg = <0 base 0 size> */
static void check_reg(int off, uint32_t base, uint32_t size)
{
    uint32_t r[4];
    ck_assert_int_eq(cells(off, "reg", r, 4), 4);
    ck_assert_uint_eq(r[0], 0);
    ck_assert_uint_eq(r[1], base);
    ck_assert_uint_eq(r[2], 0);
    ck_assert_uint_eq(r[3], size);
}

static uint32_t cpu_intc_phandle(void)
{
    return fdt_get_phandle(blob, node("/cpus/cpu@0/interrupt-controller"));
}

START_TEST(test_root_memory_cpus)
{
    build(NULL, 0, 0);
    int root = node("/");
    ck_assert_uint_eq(cell(root, "#address-cells"), 2);
    ck_assert_uint_eq(cell(root, "#size-cells"), 2);
    ck_assert_str_eq(str(root, "compatible"), "riscv-virtio");

    int mem = node("/memory@80000000");
    ck_assert_str_eq(str(mem, "device_type"), "memory");
    check_reg(mem, MEMMAP_RAM_BASE, 128u << 20);

    int cpus = node("/cpus");
    ck_assert_uint_eq(cell(cpus, "timebase-frequency"), 10000000);
    int cpu = node("/cpus/cpu@0");
    ck_assert_str_eq(str(cpu, "device_type"), "cpu");
    ck_assert_uint_eq(cell(cpu, "reg"), 0);
    ck_assert_str_eq(str(cpu, "riscv,isa"), "rv32imac_zicsr_zifencei_zicntr");
    ck_assert_str_eq(str(cpu, "mmu-type"), "riscv,sv32");
    ck_assert_str_eq(str(cpu, "status"), "okay");
    int intc = node("/cpus/cpu@0/interrupt-controller");
    ck_assert_str_eq(str(intc, "compatible"), "riscv,cpu-intc");
    ck_assert_uint_eq(cell(intc, "#interrupt-cells"), 1);
    ck_assert_ptr_nonnull(fdt_getprop(blob, intc, "interrupt-controller", NULL));
    ck_assert_uint_ne(cpu_intc_phandle(), 0);
    ck_assert_int_lt(fdt_path_offset(blob, "/cpus/cpu@1"), 0);
}
END_TEST

START_TEST(test_chosen)
{
    build("console=ttyS0 earlycon", 0x86000000, 0x86123456);
    int chosen = node("/chosen");
    ck_assert_str_eq(str(chosen, "bootargs"), "console=ttyS0 earlycon");
    /* stdout-path names the UART's node. */
    int uart = fdt_path_offset(blob, str(chosen, "stdout-path"));
    ck_assert_int_ge(uart, 0);
    ck_assert_str_eq(str(uart, "compatible"), "ns16550a");
    ck_assert_uint_eq(cell(chosen, "linux,initrd-start"), 0x86000000);
    ck_assert_uint_eq(cell(chosen, "linux,initrd-end"), 0x86123456);

    ck_assert_ptr_null(fdt_getprop(blob, chosen, "rvbox,kernel-entry", NULL));

    build(NULL, 0, 0);
    chosen = node("/chosen");
    ck_assert_ptr_null(fdt_getprop(blob, chosen, "bootargs", NULL));
    ck_assert_ptr_null(fdt_getprop(blob, chosen, "linux,initrd-start", NULL));

    kernel_entry = 0x80600000;      /* where the firmware must enter the kernel */
    build(NULL, 0, 0);
    kernel_entry = 0;
    ck_assert_uint_eq(cell(node("/chosen"), "rvbox,kernel-entry"), 0x80600000);
}
END_TEST

START_TEST(test_interrupt_controllers)
{
    build(NULL, 0, 0);
    uint32_t intc = cpu_intc_phandle(), v[8];

    int clint = node("/soc/clint@2000000");
    ck_assert_ptr_nonnull(strstr(str(clint, "compatible"), "clint0"));
    check_reg(clint, MEMMAP_CLINT_BASE, MEMMAP_CLINT_SIZE);
    ck_assert_int_eq(cells(clint, "interrupts-extended", v, 8), 4);
    ck_assert_uint_eq(v[0], intc);
    ck_assert_uint_eq(v[1], 3);         /* machine software */
    ck_assert_uint_eq(v[2], intc);
    ck_assert_uint_eq(v[3], 7);         /* machine timer */

    int plic = node("/soc/plic@c000000");
    int len;
    const char *compat = fdt_getprop(blob, plic, "compatible", &len);
    ck_assert_str_eq(compat, "sifive,plic-1.0.0");  /* first of the list */
    ck_assert_int_eq(fdt_node_check_compatible(blob, plic, "riscv,plic0"), 0);
    check_reg(plic, MEMMAP_PLIC_BASE, MEMMAP_PLIC_SIZE);
    ck_assert_uint_eq(cell(plic, "riscv,ndev"), PLIC_SOURCES - 1);
    ck_assert_uint_eq(cell(plic, "#interrupt-cells"), 1);
    ck_assert_ptr_nonnull(fdt_getprop(blob, plic, "interrupt-controller", NULL));
    ck_assert_int_eq(cells(plic, "interrupts-extended", v, 8), 4);
    ck_assert_uint_eq(v[1], 11);        /* context 0: M external */
    ck_assert_uint_eq(v[3], 9);         /* context 1: S external */
}
END_TEST

/* With several harts (QEMU's virt -smp N): a cpu node each, with its phandle in
 * cpu-map's cluster, and the CLINT's and the PLIC's interrupts-extended going to each
 * hart's interrupt controller in turn (PLIC context 2h: M external, 2h+1: S). */
START_TEST(test_several_harts)
{
    static const unsigned counts[] = { 2, 4, 8 };
    nharts = counts[_i];
    build(NULL, 0, 0);
    nharts = 1;
    uint32_t v[4 * 8];
    int clint = node("/soc/clint@2000000"), plic = node("/soc/plic@c000000");
    ck_assert_int_eq(cells(clint, "interrupts-extended", v, 32), 4 * (int)counts[_i]);
    uint32_t p[4 * 8];
    ck_assert_int_eq(cells(plic, "interrupts-extended", p, 32), 4 * (int)counts[_i]);
    for (unsigned h = 0; h < counts[_i]; h++) {
        char path[64];
        snprintf(path, sizeof path, "/cpus/cpu@%x", h);
        int cpu = node(path);
        ck_assert_uint_eq(cell(cpu, "reg"), h);
        snprintf(path, sizeof path, "/cpus/cpu@%x/interrupt-controller", h);
        uint32_t intc = fdt_get_phandle(blob, node(path));
        ck_assert_uint_ne(intc, 0);
        ck_assert_uint_eq(v[4 * h], intc);
        ck_assert_uint_eq(v[4 * h + 1], 3);
        ck_assert_uint_eq(v[4 * h + 2], intc);
        ck_assert_uint_eq(v[4 * h + 3], 7);
        ck_assert_uint_eq(p[4 * h], intc);
        ck_assert_uint_eq(p[4 * h + 1], 11);
        ck_assert_uint_eq(p[4 * h + 2], intc);
        ck_assert_uint_eq(p[4 * h + 3], 9);
        snprintf(path, sizeof path, "/cpus/cpu-map/cluster0/core%u", h);
        ck_assert_uint_eq(cell(node(path), "cpu"), fdt_get_phandle(blob, cpu));
    }
    char path[32];
    snprintf(path, sizeof path, "/cpus/cpu@%x", counts[_i]);
    ck_assert_int_lt(fdt_path_offset(blob, path), 0);
}
END_TEST

/* More than 8 harts: refused. */
START_TEST(test_too_many_harts)
{
    struct virt_fdt_config cfg = {
        .nharts = 9, .ram_base = MEMMAP_RAM_BASE, .ram_size = 128u << 20,
        .virtio_slots = MEMMAP_VIRTIO_COUNT,
    };
    char err[128];
    ck_assert_int_lt(virt_fdt_build(&cfg, blob, sizeof blob, err, sizeof err), 0);
}
END_TEST

/* Each device on the PLIC names it as parent, with its source number. */
static void check_plic_device(int off, uint32_t irq)
{
    uint32_t plic = fdt_get_phandle(blob, node("/soc/plic@c000000"));
    ck_assert_uint_ne(plic, 0);
    ck_assert_uint_eq(cell(off, "interrupt-parent"), plic);
    ck_assert_uint_eq(cell(off, "interrupts"), irq);
}

START_TEST(test_devices)
{
    build(NULL, 0, 0);
    int uart = node("/soc/serial@10000000");
    check_reg(uart, MEMMAP_UART0_BASE, MEMMAP_UART0_SIZE);
    ck_assert_uint_ne(cell(uart, "clock-frequency"), 0);
    check_plic_device(uart, MEMMAP_UART0_IRQ);

    int rtc = node("/soc/rtc@101000");
    ck_assert_str_eq(str(rtc, "compatible"), "google,goldfish-rtc");
    check_reg(rtc, MEMMAP_RTC_BASE, MEMMAP_RTC_SIZE);
    check_plic_device(rtc, MEMMAP_RTC_IRQ);

    int test = node("/soc/test@100000");
    ck_assert_int_eq(fdt_node_check_compatible(blob, test, "sifive,test0"), 0);
    ck_assert_int_eq(fdt_node_check_compatible(blob, test, "syscon"), 0);
    check_reg(test, MEMMAP_SYSCON_BASE, MEMMAP_SYSCON_SIZE);
    uint32_t syscon = fdt_get_phandle(blob, test);
    static const struct { const char *path, *compat; uint32_t value; } power[] = {
        { "/poweroff", "syscon-poweroff", 0x5555 },
        { "/reboot", "syscon-reboot", 0x7777 },
    };
    for (int i = 0; i < 2; i++) {
        int off = node(power[i].path);
        ck_assert_str_eq(str(off, "compatible"), power[i].compat);
        ck_assert_uint_eq(cell(off, "regmap"), syscon);
        ck_assert_uint_eq(cell(off, "offset"), 0);
        ck_assert_uint_eq(cell(off, "value"), power[i].value);
    }

    for (unsigned i = 0; i < MEMMAP_VIRTIO_COUNT; i++) {
        char path[64];
        uint32_t base = MEMMAP_VIRTIO_BASE + i * MEMMAP_VIRTIO_STRIDE;
        snprintf(path, sizeof path, "/soc/virtio_mmio@%x", base);
        int off = node(path);
        ck_assert_str_eq(str(off, "compatible"), "virtio,mmio");
        check_reg(off, base, MEMMAP_VIRTIO_STRIDE);
        check_plic_device(off, MEMMAP_VIRTIO_IRQ0 + i);
    }
}
END_TEST

START_TEST(test_framebuffer)
{
    build(NULL, 0, 0);
    ck_assert_int_lt(fdt_path_offset(blob, "/soc/framebuffer@40000000"), 0);

    struct virt_fdt_config cfg = {
        .nharts = 1, .ram_base = MEMMAP_RAM_BASE, .ram_size = 128u << 20,
        .virtio_slots = MEMMAP_VIRTIO_COUNT, .fb_width = 640, .fb_height = 480,
    };
    char err[128];
    ck_assert_int_gt(virt_fdt_build(&cfg, blob, sizeof blob, err, sizeof err), 0);
    int fb = node("/soc/framebuffer@40000000");
    ck_assert_str_eq(str(fb, "compatible"), "simple-framebuffer");
    check_reg(fb, MEMMAP_FB_BASE, 640 * 480 * 4);
    ck_assert_uint_eq(cell(fb, "width"), 640);
    ck_assert_uint_eq(cell(fb, "height"), 480);
    ck_assert_uint_eq(cell(fb, "stride"), 640 * 4);
    ck_assert_str_eq(str(fb, "format"), "a8r8g8b8");
}
END_TEST

/* riscv,isa names exactly what the hart has: QEMU's rv32, and less with -cpu ...=off. */
START_TEST(test_isa_string)
{
    char isa[96];
    virt_fdt_isa(HART_FEATURES_QEMU, isa, sizeof isa);
    ck_assert_str_eq(isa, "rv32imafdc_zicsr_zifencei_zicntr_sstc");
    virt_fdt_isa(HART_FEATURES_QEMU & ~HART_D, isa, sizeof isa);
    ck_assert_str_eq(isa, "rv32imafc_zicsr_zifencei_zicntr_sstc");
    virt_fdt_isa(HART_FEATURES_QEMU & ~HART_SSTC, isa, sizeof isa);
    ck_assert_str_eq(isa, "rv32imafdc_zicsr_zifencei_zicntr");
    virt_fdt_isa(0, isa, sizeof isa);
    ck_assert_str_eq(isa, "rv32imac_zicsr_zifencei_zicntr");
}
END_TEST

START_TEST(test_too_small)
{
    struct virt_fdt_config cfg = { .nharts = 1, .ram_base = MEMMAP_RAM_BASE,
                                   .ram_size = 1u << 20, .virtio_slots = 8 };
    char err[128] = "";
    ck_assert_int_eq(virt_fdt_build(&cfg, blob, 256, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "device tree"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fdt");
    TCase *tc = tcase_create("virt");
    tcase_add_test(tc, test_root_memory_cpus);
    tcase_add_test(tc, test_chosen);
    tcase_add_test(tc, test_interrupt_controllers);
    tcase_add_loop_test(tc, test_several_harts, 0, 3);
    tcase_add_test(tc, test_too_many_harts);
    tcase_add_test(tc, test_devices);
    tcase_add_test(tc, test_framebuffer);
    tcase_add_test(tc, test_too_small);
    tcase_add_test(tc, test_isa_string);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
