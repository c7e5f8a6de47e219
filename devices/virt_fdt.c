#include "devices/virt_fdt.h"

#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "bus/memmap.h"
#include "cpu/hart.h"
#include "devices/plic.h"
#include "devices/uart16550.h"

/* phandles: hart i's interrupt controller is CPU_INTC + i, its cpu node CPU + i. */
enum { PHANDLE_PLIC = 1, PHANDLE_SYSCON = 2, PHANDLE_CPU_INTC = 16, PHANDLE_CPU = 32 };

#define MAX_HARTS 8

#define UART_CLOCK_HZ 3686400       /* the 16550's classic crystal, as on QEMU */

/* A property of 32-bit cells, given as host integers. */
static int prop_cells(void *fdt, const char *name, const uint32_t *cells, unsigned n)
{
    fdt32_t be[4 * MAX_HARTS];
    if (n > sizeof be / sizeof be[0])
        return -FDT_ERR_NOSPACE;
    for (unsigned i = 0; i < n; i++)
        be[i] = cpu_to_fdt32(cells[i]);
    return fdt_property(fdt, name, be, (int)(n * sizeof(fdt32_t)));
}

/* reg = <0 base 0 size> under #address-cells = #size-cells = 2. */
static int prop_reg(void *fdt, uint32_t base, uint32_t size)
{
    const uint32_t cells[4] = { 0, base, 0, size };
    return prop_cells(fdt, "reg", cells, 4);
}

/* A list of NUL-separated strings (compatible lists). */
static int prop_strings(void *fdt, const char *name, const char *const *list, unsigned n)
{
    char buf[128];
    size_t len = 0;
    for (unsigned i = 0; i < n; i++) {
        size_t l = strlen(list[i]) + 1;
        if (len + l > sizeof buf)
            return -FDT_ERR_NOSPACE;
        memcpy(buf + len, list[i], l);
        len += l;
    }
    return fdt_property(fdt, name, buf, (int)len);
}

static int begin_node_at(void *fdt, const char *name, uint32_t addr)
{
    char node[48];
    snprintf(node, sizeof node, "%s@%x", name, addr);
    return fdt_begin_node(fdt, node);
}

#define TRY(x) do { int rc_ = (x); if (rc_ < 0) return rc_; } while (0)

void virt_fdt_isa(uint32_t features, char *buf, size_t size)
{
    snprintf(buf, size, "rv32ima%s%sc_zicsr_zifencei_zicntr%s",
             features & HART_F ? "f" : "", features & HART_D ? "d" : "",
             features & HART_SSTC ? "_sstc" : "");
}

static int cpus_node(void *fdt, const struct virt_fdt_config *cfg)
{
    char isa[96];
    virt_fdt_isa(cfg->hart_features, isa, sizeof isa);
    TRY(fdt_begin_node(fdt, "cpus"));
    TRY(fdt_property_u32(fdt, "#address-cells", 1));
    TRY(fdt_property_u32(fdt, "#size-cells", 0));
    TRY(fdt_property_u32(fdt, "timebase-frequency", MEMMAP_TIMEBASE_HZ));
    for (unsigned i = 0; i < cfg->nharts; i++) {
        TRY(begin_node_at(fdt, "cpu", i));
        TRY(fdt_property_u32(fdt, "phandle", PHANDLE_CPU + i));
        TRY(fdt_property_string(fdt, "device_type", "cpu"));
        TRY(fdt_property_u32(fdt, "reg", i));
        TRY(fdt_property_string(fdt, "status", "okay"));
        TRY(fdt_property_string(fdt, "compatible", "riscv"));
        TRY(fdt_property_string(fdt, "riscv,isa", isa));
        TRY(fdt_property_string(fdt, "mmu-type", "riscv,sv32"));
        TRY(fdt_begin_node(fdt, "interrupt-controller"));
        TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
        TRY(fdt_property_u32(fdt, "#address-cells", 0));
        TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
        TRY(fdt_property_string(fdt, "compatible", "riscv,cpu-intc"));
        TRY(fdt_property_u32(fdt, "phandle", PHANDLE_CPU_INTC + i));
        TRY(fdt_end_node(fdt));
        TRY(fdt_end_node(fdt));
    }
    /* The topology, as QEMU gives it: one cluster, a core per hart. */
    TRY(fdt_begin_node(fdt, "cpu-map"));
    TRY(fdt_begin_node(fdt, "cluster0"));
    for (unsigned i = 0; i < cfg->nharts; i++) {
        char core[16];
        snprintf(core, sizeof core, "core%u", i);
        TRY(fdt_begin_node(fdt, core));
        TRY(fdt_property_u32(fdt, "cpu", PHANDLE_CPU + i));
        TRY(fdt_end_node(fdt));
    }
    TRY(fdt_end_node(fdt));
    TRY(fdt_end_node(fdt));
    return fdt_end_node(fdt);
}

/* interrupts-extended = <&intc0 a &intc0 b &intc1 a ...>: two causes per hart. */
static int per_hart_irqs(void *fdt, const struct virt_fdt_config *cfg, uint32_t a, uint32_t b)
{
    uint32_t cells[4 * MAX_HARTS];
    unsigned n = 0;
    for (unsigned i = 0; i < cfg->nharts; i++) {
        cells[n++] = PHANDLE_CPU_INTC + i;
        cells[n++] = a;
        cells[n++] = PHANDLE_CPU_INTC + i;
        cells[n++] = b;
    }
    return prop_cells(fdt, "interrupts-extended", cells, n);
}

/* A device on the PLIC: interrupt-parent and its source. */
static int plic_irq(void *fdt, uint32_t source)
{
    TRY(fdt_property_u32(fdt, "interrupt-parent", PHANDLE_PLIC));
    return fdt_property_u32(fdt, "interrupts", source);
}

static int soc_node(void *fdt, const struct virt_fdt_config *cfg)
{
    TRY(fdt_begin_node(fdt, "soc"));
    TRY(fdt_property_u32(fdt, "#address-cells", 2));
    TRY(fdt_property_u32(fdt, "#size-cells", 2));
    TRY(fdt_property_string(fdt, "compatible", "simple-bus"));
    TRY(fdt_property(fdt, "ranges", NULL, 0));

    TRY(begin_node_at(fdt, "clint", MEMMAP_CLINT_BASE));
    TRY(prop_strings(fdt, "compatible", (const char *[]){ "sifive,clint0", "riscv,clint0" }, 2));
    TRY(prop_reg(fdt, MEMMAP_CLINT_BASE, MEMMAP_CLINT_SIZE));
    TRY(per_hart_irqs(fdt, cfg, 3, 7));             /* MSI, MTI */
    TRY(fdt_end_node(fdt));

    TRY(begin_node_at(fdt, "plic", MEMMAP_PLIC_BASE));
    TRY(prop_strings(fdt, "compatible", (const char *[]){ "sifive,plic-1.0.0", "riscv,plic0" }, 2));
    TRY(prop_reg(fdt, MEMMAP_PLIC_BASE, MEMMAP_PLIC_SIZE));
    TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
    TRY(fdt_property_u32(fdt, "#address-cells", 0));
    TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
    TRY(fdt_property_u32(fdt, "riscv,ndev", PLIC_SOURCES - 1));
    TRY(per_hart_irqs(fdt, cfg, 11, 9));            /* context 2i: MEI, 2i+1: SEI */
    TRY(fdt_property_u32(fdt, "phandle", PHANDLE_PLIC));
    TRY(fdt_end_node(fdt));

    TRY(begin_node_at(fdt, "serial", MEMMAP_UART0_BASE));
    TRY(fdt_property_string(fdt, "compatible", "ns16550a"));
    TRY(prop_reg(fdt, MEMMAP_UART0_BASE, MEMMAP_UART0_SIZE));
    TRY(fdt_property_u32(fdt, "clock-frequency", UART_CLOCK_HZ));
    TRY(plic_irq(fdt, MEMMAP_UART0_IRQ));
    TRY(fdt_end_node(fdt));

    TRY(begin_node_at(fdt, "test", MEMMAP_SYSCON_BASE));
    TRY(prop_strings(fdt, "compatible",
                     (const char *[]){ "sifive,test1", "sifive,test0", "syscon" }, 3));
    TRY(prop_reg(fdt, MEMMAP_SYSCON_BASE, MEMMAP_SYSCON_SIZE));
    TRY(fdt_property_u32(fdt, "phandle", PHANDLE_SYSCON));
    TRY(fdt_end_node(fdt));

    TRY(begin_node_at(fdt, "rtc", MEMMAP_RTC_BASE));
    TRY(fdt_property_string(fdt, "compatible", "google,goldfish-rtc"));
    TRY(prop_reg(fdt, MEMMAP_RTC_BASE, MEMMAP_RTC_SIZE));
    TRY(plic_irq(fdt, MEMMAP_RTC_IRQ));
    TRY(fdt_end_node(fdt));

    if (cfg->fb_width && cfg->fb_height) {
        uint32_t stride = cfg->fb_width * 4;
        uint32_t size = (stride * cfg->fb_height + 4095) & ~4095u;
        TRY(begin_node_at(fdt, "framebuffer", MEMMAP_FB_BASE));
        TRY(fdt_property_string(fdt, "compatible", "simple-framebuffer"));
        TRY(prop_reg(fdt, MEMMAP_FB_BASE, size));
        TRY(fdt_property_u32(fdt, "width", cfg->fb_width));
        TRY(fdt_property_u32(fdt, "height", cfg->fb_height));
        TRY(fdt_property_u32(fdt, "stride", stride));
        TRY(fdt_property_string(fdt, "format", "a8r8g8b8"));
        TRY(fdt_end_node(fdt));
    }

    /* QEMU lists the slots from the last to the first; Linux numbers the disks in node
     * order, so keep that order for the same /dev/vda as on QEMU. */
    for (unsigned i = cfg->virtio_slots; i-- > 0;) {
        uint32_t base = MEMMAP_VIRTIO_BASE + i * MEMMAP_VIRTIO_STRIDE;
        TRY(begin_node_at(fdt, "virtio_mmio", base));
        TRY(fdt_property_string(fdt, "compatible", "virtio,mmio"));
        TRY(prop_reg(fdt, base, MEMMAP_VIRTIO_STRIDE));
        TRY(plic_irq(fdt, MEMMAP_VIRTIO_IRQ0 + i));
        TRY(fdt_end_node(fdt));
    }
    return fdt_end_node(fdt);
}

/* syscon-poweroff and syscon-reboot sit at the root (they have no registers of their own
 * on the simple-bus), pointing into the test device. */
static int power_nodes(void *fdt)
{
    static const struct { const char *name, *compatible; uint32_t value; } power[] = {
        { "poweroff", "syscon-poweroff", 0x5555 },
        { "reboot", "syscon-reboot", 0x7777 },
    };
    for (unsigned i = 0; i < 2; i++) {
        TRY(fdt_begin_node(fdt, power[i].name));
        TRY(fdt_property_string(fdt, "compatible", power[i].compatible));
        TRY(fdt_property_u32(fdt, "regmap", PHANDLE_SYSCON));
        TRY(fdt_property_u32(fdt, "offset", 0));
        TRY(fdt_property_u32(fdt, "value", power[i].value));
        TRY(fdt_end_node(fdt));
    }
    return 0;
}

static int chosen_node(void *fdt, const struct virt_fdt_config *cfg)
{
    char stdout_path[48];
    snprintf(stdout_path, sizeof stdout_path, "/soc/serial@%x", MEMMAP_UART0_BASE);
    TRY(fdt_begin_node(fdt, "chosen"));
    if (cfg->bootargs)
        TRY(fdt_property_string(fdt, "bootargs", cfg->bootargs));
    TRY(fdt_property_string(fdt, "stdout-path", stdout_path));
    if (cfg->initrd_end > cfg->initrd_start) {
        TRY(fdt_property_u32(fdt, "linux,initrd-start", cfg->initrd_start));
        TRY(fdt_property_u32(fdt, "linux,initrd-end", cfg->initrd_end));
    }
    if (cfg->kernel_entry)
        TRY(fdt_property_u32(fdt, "rvbox,kernel-entry", cfg->kernel_entry));
    return fdt_end_node(fdt);
}

static int build(const struct virt_fdt_config *cfg, void *fdt, size_t size)
{
    TRY(fdt_create(fdt, (int)size));
    TRY(fdt_finish_reservemap(fdt));
    TRY(fdt_begin_node(fdt, ""));
    TRY(fdt_property_u32(fdt, "#address-cells", 2));
    TRY(fdt_property_u32(fdt, "#size-cells", 2));
    TRY(fdt_property_string(fdt, "compatible", "riscv-virtio"));
    TRY(fdt_property_string(fdt, "model", "rvbox,virt"));
    TRY(chosen_node(fdt, cfg));
    TRY(begin_node_at(fdt, "memory", cfg->ram_base));
    TRY(fdt_property_string(fdt, "device_type", "memory"));
    TRY(prop_reg(fdt, cfg->ram_base, cfg->ram_size));
    TRY(fdt_end_node(fdt));
    TRY(cpus_node(fdt, cfg));
    TRY(soc_node(fdt, cfg));
    TRY(power_nodes(fdt));
    TRY(fdt_end_node(fdt));
    return fdt_finish(fdt);
}

int virt_fdt_build(const struct virt_fdt_config *cfg, void *buf, size_t size,
                   char *err, size_t errlen)
{
    if (cfg->nharts == 0 || cfg->nharts > MAX_HARTS) {
        snprintf(err, errlen, "device tree: %u harts not supported", cfg->nharts);
        return -1;
    }
    int rc = build(cfg, buf, size);
    if (rc < 0) {
        snprintf(err, errlen, "device tree: %s", fdt_strerror(rc));
        return -1;
    }
    return (int)fdt_totalsize(buf);
}
