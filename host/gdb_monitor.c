/*
 * The GDB stub's `monitor` commands: rvbox-specific state a debugger cannot see
 * otherwise (the bus's devices, the PLIC, the TLB, the page table, the control-flow
 * history) and the choice between physical and virtual memory access.
 */
#include "host/gdb_monitor.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bus/bus.h"
#include "bus/memmap.h"
#include "cpu/csr.h"
#include "cpu/csr_defs.h"
#include "cpu/hart.h"
#include "devices/machine.h"
#include "host/trace.h"


static void print_devices(struct machine *m, FILE *f)
{
    struct bus *bus = machine_bus(m);
    const struct bus_region *r;
    for (unsigned i = 0; (r = bus_region_at(bus, i)); i++)
        fprintf(f, "  %08x-%08x  %-4s  %s\n", r->base, r->base + (r->size - 1),
                !r->host ? "mmio" : r->writable ? "ram" : "rom", r->name);
}

static const char *plic_source_name(unsigned src, char *buf, size_t len)
{
    if (src == MEMMAP_UART0_IRQ)
        return "uart0";
    if (src == MEMMAP_RTC_IRQ)
        return "rtc";
    if (src >= MEMMAP_VIRTIO_IRQ0 && src < MEMMAP_VIRTIO_IRQ0 + MEMMAP_VIRTIO_COUNT) {
        snprintf(buf, len, "virtio%u", src - MEMMAP_VIRTIO_IRQ0);
        return buf;
    }
    return "";
}

/* The PLIC's registers, read through the bus: priority, pending, enable and threshold
 * reads have no side effect (the claim register, which has one, is never read). */
static void print_plic(struct machine *m, FILE *f)
{
    struct bus *bus = machine_bus(m);
    const uint32_t base = MEMMAP_PLIC_BASE;
    static const char *const ctx_name[2] = { "M", "S" };
    uint32_t pending = 0, enable[2] = { 0, 0 }, threshold[2] = { 0, 0 };
    bool ok = bus_read(bus, base + 0x1000, 4, &pending);
    for (unsigned c = 0; c < 2; c++) {
        ok = ok && bus_read(bus, base + 0x2000 + 0x80 * c, 4, &enable[c]);
        ok = ok && bus_read(bus, base + 0x200000 + 0x1000 * c, 4, &threshold[c]);
    }
    if (!ok) {
        fprintf(f, "the PLIC does not answer at %08x\n", base);
        return;
    }
    fprintf(f, "PLIC at %08x, hart 0: threshold M %u, S %u\n", base, threshold[0], threshold[1]);
    fprintf(f, "  src  name      prio  pending  enabled\n");
    unsigned shown = 0;
    for (unsigned src = 1; src < 32; src++) {
        uint32_t prio = 0;
        bus_read(bus, base + 4 * src, 4, &prio);
        bool pend = pending >> src & 1;
        bool en[2] = { enable[0] >> src & 1, enable[1] >> src & 1 };
        if (!prio && !pend && !en[0] && !en[1])
            continue;
        char nb[16];
        fprintf(f, "  %3u  %-8s  %4u  %7s  %s%s%s\n", src, plic_source_name(src, nb, sizeof nb),
                prio, pend ? "yes" : "no", en[0] ? ctx_name[0] : "", en[0] && en[1] ? "," : "",
                en[1] ? ctx_name[1] : (en[0] ? "" : "-"));
        shown++;
    }
    if (!shown)
        fprintf(f, "  (no source has a priority, is pending or is enabled)\n");
}

static void pte_flags(uint32_t pte, char out[9])
{
    static const char letters[] = "vrwxugad";
    for (int i = 0; i < 8; i++)
        out[i] = pte >> i & 1 ? letters[i] : '-';
    out[8] = '\0';
}

struct pt_run {
    bool open;
    uint32_t va;
    uint64_t pa, len;
    uint32_t flags;
};

static void pt_flush(FILE *f, struct pt_run *r)
{
    if (!r->open)
        return;
    char fl[9];
    pte_flags(r->flags, fl);
    fprintf(f, "  %08x-%08x -> %09llx-%09llx  %s\n", r->va, (uint32_t)(r->va + r->len - 1),
            (unsigned long long)r->pa, (unsigned long long)(r->pa + r->len - 1), fl);
    r->open = false;
}

/* Join mappings that continue each other (in va and pa, with the same flags). */
static void pt_add(FILE *f, struct pt_run *r, uint32_t va, uint64_t pa, uint64_t len,
                   uint32_t pte)
{
    uint32_t flags = pte & 0xff;
    if (r->open && r->va + r->len == va && r->pa + r->len == pa && r->flags == flags) {
        r->len += len;
        return;
    }
    pt_flush(f, r);
    *r = (struct pt_run){ true, va, pa, len, flags };
}

static bool read_pte(struct machine *m, uint64_t addr, uint32_t *pte)
{
    return addr <= UINT32_MAX - 3 &&
           trace_guest_memory(m, (uint32_t)addr, pte, 4, false, false);
}

/* The Sv32 page table that satp points at, as ranges of virtual -> physical. */
static void print_page_table(struct machine *m, FILE *f)
{
    uint32_t satp = 0;
    hart_csr_get(machine_hart(m), CSR_SATP, &satp);
    if (!(satp >> 31)) {
        fprintf(f, "satp=%08x: bare, no translation\n", satp);
        return;
    }
    uint64_t root = (uint64_t)(satp & 0x3fffff) << 12;
    fprintf(f, "satp=%08x: Sv32, ASID %u, root table at %09llx\n", satp, (satp >> 22) & 0x1ff,
            (unsigned long long)root);
    struct pt_run run = { 0 };
    unsigned leaves = 0;
    for (uint32_t i = 0; i < 1024; i++) {
        uint32_t pte;
        if (!read_pte(m, root + 4 * i, &pte)) {
            fprintf(f, "  the root table is not in memory\n");
            return;
        }
        if (!(pte & 1))
            continue;
        uint64_t ppn = pte >> 10;
        if (pte & 0xe) {        /* a leaf: a 4 MiB superpage */
            pt_add(f, &run, i << 22, ppn << 12, 1u << 22, pte);
            leaves++;
            continue;
        }
        for (uint32_t j = 0; j < 1024; j++) {
            uint32_t pte0;
            if (!read_pte(m, (ppn << 12) + 4 * j, &pte0))
                break;
            if ((pte0 & 1) && (pte0 & 0xe)) {
                pt_add(f, &run, i << 22 | j << 12, (uint64_t)(pte0 >> 10) << 12, 4096, pte0);
                leaves++;
            }
        }
    }
    pt_flush(f, &run);
    if (!leaves)
        fprintf(f, "  (no valid leaf entries)\n");
}

static void print_vtop(struct machine *m, FILE *f, const char *arg)
{
    uint32_t pa;
    char *end;
    unsigned long long v = strtoull(arg, &end, 16);     /* takes an 0x prefix too */
    if (!arg[0] || *end || v > UINT32_MAX || arg[0] == '-') {
        fprintf(f, "usage: monitor vtop ADDRESS (hex)\n");
        return;
    }
    uint32_t va = (uint32_t)v;
    struct hart *h = machine_hart(m);
    bool r = hart_debug_translate(h, va, false, &pa);
    uint32_t wpa;
    bool w = hart_debug_translate(h, va, true, &wpa);
    if (!r && !w)
        fprintf(f, "%08x: not mapped for loads or stores in %c-mode now\n", va,
                "US?M"[hart_get_priv(h)]);
    else
        fprintf(f, "%08x -> %08x (%s)\n", va, r ? pa : wpa,
                r && w ? "loads and stores" : r ? "loads only" : "stores only");
}

static void print_tlb(struct machine *m, FILE *f)
{
#ifdef HART_TLB_ENTRIES
    static struct hart_tlb_entry e[HART_TLB_ENTRIES];
    static const char *const kinds[] = { "load", "store", "fetch" };
    unsigned n = hart_tlb_entries(machine_hart(m), e, HART_TLB_ENTRIES);
    fprintf(f, "%u TLB entries (virtual page -> physical page, for which access)\n", n);
    for (unsigned i = 0; i < n; i++)
        fprintf(f, "  %08x -> %08x  %s\n", e[i].va, e[i].pa, kinds[e[i].kind % 3]);
#else
    (void)g;
    fprintf(f, "this hart does not show its TLB; `monitor pt` prints the page table\n");
#endif
}

/* monitor history [N]: 16 transfers when N is absent (or 0), all the ring holds when N
 * is more. N is decimal digits only: strtoul alone took "-1" and "4294967297" (as 1). */
static void print_history(struct machine *m, const struct symbols *syms, FILE *f,
                          const char *arg)
{
    unsigned long n = 16;
    if (*arg) {
        char *end;
        errno = 0;
        n = strtoul(arg, &end, 10);
        if (!isdigit((unsigned char)arg[0]) || *end || errno) {
            fprintf(f, "usage: monitor history [N] (N up to %d)\n", HART_HISTORY_LEN);
            return;
        }
    }
    if (n == 0)
        n = 16;
    trace_print_history(f, m, syms, n > HART_HISTORY_LEN ? HART_HISTORY_LEN : (unsigned)n);
}

static const char monitor_help[] =
    "rvbox monitor commands:\n"
    "  help            this list\n"
    "  devices         the bus: RAM, ROM and each device's registers\n"
    "  plic            the PLIC: priorities, pending and enabled sources, thresholds\n"
    "  tlb             the hart's TLB: cached translations\n"
    "  pt              the Sv32 page table satp points at\n"
    "  vtop ADDR       translate a virtual address as the hart would now\n"
    "  history [N]     the last N (default 16, at most 64) control transfers\n"
    "  phys [on|off]   memory reads and writes by physical address (on) or as the\n"
    "                  hart sees it through the MMU (off, the default)\n";

void gdb_monitor(struct machine *m, const struct symbols *syms, bool *phys, FILE *f, char *cmd)
{
    char *arg = cmd + strcspn(cmd, " ");
    if (*arg)
        *arg++ = '\0';
    while (*arg == ' ')
        arg++;
    if (!strcmp(cmd, "help") || !cmd[0]) {
        fputs(monitor_help, f);
    } else if (!strcmp(cmd, "devices")) {
        print_devices(m, f);
    } else if (!strcmp(cmd, "plic")) {
        print_plic(m, f);
    } else if (!strcmp(cmd, "tlb")) {
        print_tlb(m, f);
    } else if (!strcmp(cmd, "pt")) {
        print_page_table(m, f);
    } else if (!strcmp(cmd, "vtop")) {
        print_vtop(m, f, arg);
    } else if (!strcmp(cmd, "history")) {
        print_history(m, syms, f, arg);
    } else if (!strcmp(cmd, "phys")) {
        if (!strcmp(arg, "on"))
            *phys = true;
        else if (!strcmp(arg, "off"))
            *phys = false;
        else if (*arg) {
            fprintf(f, "usage: monitor phys [on|off]\n");
            return;
        }
        fprintf(f, "memory access is %s\n", *phys ? "physical" : "virtual (through the MMU)");
    } else {
        fprintf(f, "unknown monitor command '%s' (try monitor help)\n", cmd);
    }
}
