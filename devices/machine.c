/*
 * The virt board: creates the bus, maps RAM, the boot ROM and every device at
 * bus/memmap.h's address, wires each interrupt line, places the device tree and initrd,
 * and runs the hart and the devices in turn.
 */
#include "devices/machine.h"

#include <libfdt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus/bus.h"
#include "cpu/hart.h"
#include "devices/clint.h"
#include "devices/clock.h"
#include "devices/framebuffer.h"
#include "devices/htif.h"
#include "devices/machine_priv.h"
#include "devices/plic.h"
#include "devices/rtc.h"
#include "devices/syscon.h"
#include "devices/uart16550.h"
#include "devices/virt_fdt.h"
#include "devices/virtio_9p.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_input.h"
#include "devices/virtio_mmio.h"
#include "devices/virtio_net.h"

#define PAGE_SIZE 4096u
#define FDT_MAX   (64 * 1024)

/*
 * The boot ROM's reset code, QEMU virt's word for word (hw/riscv/boot.c, rv32): a0 = hart
 * id, a1 = the device tree, a2 = the struct fw_dynamic_info behind the code (OpenSBI's
 * fw_dynamic reads it before anything else), then a jump to the start address. The start
 * and device-tree addresses are 64-bit words, as in QEMU's ROM, of which rv32 reads the
 * low half.
 */
static const uint32_t bootrom_code[] = {
    0x00000297,     /* auipc t0, 0            t0 = 0x1000 */
    0x02828613,     /* addi  a2, t0, 0x28     the fw_dynamic_info */
    0xf1402573,     /* csrr  a0, mhartid */
    0x0202a583,     /* lw    a1, 0x20(t0)     the device tree's address */
    0x0182a283,     /* lw    t0, 0x18(t0)     the start address */
    0x00028067,     /* jr    t0 */
};
#define BOOTROM_START_OFF  0x18     /* 64 bits: the start address */
#define BOOTROM_DTB_OFF    0x20     /* 64 bits: the device tree's address */
#define BOOTROM_FW_DYN_OFF 0x28     /* struct fw_dynamic_info, 32-bit fields on rv32 */

/* OpenSBI's struct fw_dynamic_info (include/sbi/fw_dynamic.h), as QEMU fills it. */
#define FW_DYNAMIC_INFO_MAGIC   0x4942534fu     /* "OSBI" */
#define FW_DYNAMIC_INFO_VERSION 2u
#define FW_DYNAMIC_NEXT_MODE_S  1u

/* Under the instruction clock, serial input is taken and disks are served (their credit
 * refilled, long requests moved on a piece) at the multiples of this many ns of guest
 * time rather than once per machine_run, so that where the host cuts the run into
 * slices does not change when a byte arrives or a request completes. */
#define ICOUNT_SERVICE_NS 100000u

/* Harts in parallel: wake those asleep in WFI to look at their lines again. */
static void wake_sleepers(struct machine *m)
{
    pthread_mutex_lock(&m->mt.lock);
    pthread_cond_broadcast(&m->mt.wake);
    pthread_mutex_unlock(&m->mt.lock);
}

/* An interrupt line into a hart: `num` is the mip bit. In parallel the hart may be
 * asleep in its thread, waiting in WFI for this line. */
static void hart_line_set(void *opaque, unsigned num, bool level)
{
    struct machine_wire *w = opaque;
    hart_set_irq(w->m->harts[w->i], 1u << num, level);
    if (level && w->m->parallel)
        wake_sleepers(w->m);
}

static struct irq_line hart_line(struct machine *m, unsigned hart, unsigned bit)
{
    return (struct irq_line){ .set = hart_line_set, .opaque = &m->wires[hart], .num = bit };
}

static bool yielded(struct machine *m)
{
    return __atomic_load_n(&m->yield, __ATOMIC_SEQ_CST);
}

/* End the run at the next instruction boundary (a device's deadline moved, the guest
 * asked to stop): the hart running now leaves (in parallel, every hart, from whichever
 * thread asks), and machine_run returns. */
static void machine_yield(struct machine *m)
{
    __atomic_store_n(&m->yield, true, __ATOMIC_SEQ_CST);
    if (!m->parallel) {
        hart_yield(m->harts[m->cur]);
        return;
    }
    for (unsigned i = 0; i < m->nharts; i++)
        hart_yield(m->harts[i]);
    wake_sleepers(m);
}

static void syscon_action(void *opaque, enum syscon_action what, uint32_t code)
{
    struct machine *m = opaque;
    m->power = what == SYSCON_REBOOT ? POWER_REBOOT : POWER_OFF;
    m->exit_code = what == SYSCON_FAIL ? (code ? code : 1) : 0;
    machine_yield(m);
}

static void stop_hart(void *opaque)
{
    machine_yield(opaque);
}

/* The instruction clock's count, with several harts: all of theirs. */
static uint64_t machine_instructions_cb(void *opaque)
{
    return machine_instructions(opaque);
}

static int fail(char *err, size_t errlen, const char *what, enum bus_error e)
{
    snprintf(err, errlen, "cannot map %s: %s", what, bus_error_str(e));
    return -1;
}

/* Map RAM around the HTIF page, if there is one: [base, page) htif [page + 4K, end). */
static int map_ram(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen)
{
    uint32_t base = MEMMAP_RAM_BASE, size = cfg->ram_size;
    enum bus_error e;
    if (!m->htif) {
        e = bus_add_memory(m->bus, "ram", base, size, m->ram, true);
        if (!e)
            bus_set_snapshot(m->bus, base, &machine_ram_snap, m);
        return e ? fail(err, errlen, "RAM", e) : 0;
    }
    uint32_t page = cfg->tohost & ~(PAGE_SIZE - 1);
    uint32_t below = page - base, above = size - below - PAGE_SIZE;
    e = BUS_ERR_NONE;
    if (below)
        e = bus_add_memory(m->bus, "ram", base, below, m->ram, true);
    if (!e && above)
        e = bus_add_memory(m->bus, "ram", page + PAGE_SIZE, above, m->ram + below + PAGE_SIZE,
                           true);
    if (!e) {
        bus_set_snapshot(m->bus, base, &machine_ram_snap, m);
        bus_set_snapshot(m->bus, page + PAGE_SIZE, &machine_ram_snap, m);
        e = htif_attach(m->htif, m->bus);
    }
    return e ? fail(err, errlen, "RAM", e) : 0;
}

/*
 * The PLIC's gateway: QEMU's for the virtio slots unless the config asks for the strict
 * one (devices/plic.h): their sources are pending at each notification, not again at
 * completion, so that a driver that never writes InterruptACK runs as on QEMU. The UART
 * and the RTC stay level-triggered. Each source is named for -d guest_errors.
 */
static void wire_plic(struct machine *m, const struct machine_config *cfg)
{
    uint32_t virtio = 0;
    for (unsigned i = 0; i < MEMMAP_VIRTIO_COUNT; i++) {
        unsigned src = MEMMAP_VIRTIO_IRQ0 + i;
        virtio |= 1u << src;
        snprintf(m->irq_names[i], sizeof m->irq_names[i], "virtio-mmio@%08x",
                 MEMMAP_VIRTIO_BASE + i * MEMMAP_VIRTIO_STRIDE);
        plic_name_source(m->plic, src, m->irq_names[i],
                         "its InterruptStatus was not written to InterruptACK");
    }
    plic_name_source(m->plic, MEMMAP_UART0_IRQ, "uart16550@10000000", NULL);
    plic_name_source(m->plic, MEMMAP_RTC_IRQ, "goldfish-rtc@00101000", NULL);
    if (!cfg->plic_strict)
        plic_set_qemu(m->plic, virtio);
}

/* The disk, network card or shared folder the config puts in virtio slot i (one at
 * most), plugged into the slot's transport. */
static int plug_slot(struct machine *m, const struct machine_config *cfg, unsigned i,
                     char *err, size_t errlen)
{
    const struct machine_nic *nic = &cfg->nics[i];
    const struct machine_share *share = &cfg->shares[i];
    if ((cfg->disks[i] != NULL) + (nic->backend != NULL) + (share->server != NULL) > 1) {
        snprintf(err, errlen, "virtio slot %u is given two devices", i);
        return -1;
    }
    if (cfg->disks[i]) {
        char serial[VIRTIO_BLK_ID_BYTES + 1];
        snprintf(serial, sizeof serial, "rvbox-disk%u", i);
        m->vblk[i] = vblk_create(m->virtio[i], cfg->disks[i], serial);
    } else if (nic->backend) {
        m->vnet[i] = vnet_create(m->virtio[i], nic->backend, nic->mac);
    } else if (share->server) {
        size_t n = share->tag ? strlen(share->tag) : 0;
        if (n == 0 || n > VP9_TAG_MAX) {
            snprintf(err, errlen, "a shared folder's mount tag must have 1 to %d bytes",
                     VP9_TAG_MAX);
            return -1;
        }
        m->vp9[i] = vp9_create(m->virtio[i], share->server, share->tag);
    } else {
        return 0;
    }
    if (!m->vblk[i] && !m->vnet[i] && !m->vp9[i]) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

static int make_devices(struct machine *m, const struct machine_config *cfg, char *err,
                        size_t errlen)
{
    /* Per hart: the CLINT's MSIP and MTIP; the PLIC's context 2i (MEIP) and 2i+1
     * (SEIP), QEMU virt's numbering. */
    struct irq_line msip[MACHINE_MAX_HARTS], mtip[MACHINE_MAX_HARTS];
    struct irq_line contexts[2 * MACHINE_MAX_HARTS];
    for (unsigned i = 0; i < m->nharts; i++) {
        msip[i] = hart_line(m, i, 3);
        mtip[i] = hart_line(m, i, 7);
        contexts[2 * i] = hart_line(m, i, 11);
        contexts[2 * i + 1] = hart_line(m, i, 9);
    }
    m->clint = clint_create(m->nharts, &m->clock, msip, mtip);
    m->plic = plic_create(2 * m->nharts, contexts);
    m->syscon = syscon_create(syscon_action, m);
    if (!m->clint || !m->plic || !m->syscon)
        goto oom;
    clint_set_rearm(m->clint, stop_hart, m);
    wire_plic(m, cfg);
    m->uart = uart_create(&cfg->console, plic_line(m->plic, MEMMAP_UART0_IRQ));
    m->rtc = rtc_create(&m->clock, cfg->wall_ns, plic_line(m->plic, MEMMAP_RTC_IRQ));
    if (!m->uart || !m->rtc)
        goto oom;
    rtc_set_rearm(m->rtc, stop_hart, m);

    enum bus_error e;
    if ((e = clint_attach(m->clint, m->bus, MEMMAP_CLINT_BASE)))
        return fail(err, errlen, "the CLINT", e);
    if ((e = plic_attach(m->plic, m->bus, MEMMAP_PLIC_BASE)))
        return fail(err, errlen, "the PLIC", e);
    if ((e = uart_attach(m->uart, m->bus, MEMMAP_UART0_BASE)))
        return fail(err, errlen, "the UART", e);
    if ((e = syscon_attach(m->syscon, m->bus, MEMMAP_SYSCON_BASE)))
        return fail(err, errlen, "the syscon", e);
    if ((e = rtc_attach(m->rtc, m->bus, MEMMAP_RTC_BASE)))
        return fail(err, errlen, "the RTC", e);

    for (unsigned i = 0; i < MEMMAP_VIRTIO_COUNT; i++) {
        /* virtio-input has no legacy interface (Linux refuses it without VERSION_1): its
         * slots are modern whatever --virtio-version says for the disks. */
        bool input_slot = cfg->input && i >= MACHINE_KEYBOARD_SLOT;
        m->virtio[i] = virtio_mmio_create(m->bus, input_slot ? 2 : cfg->virtio_version,
                                          plic_line(m->plic, MEMMAP_VIRTIO_IRQ0 + i));
        if (!m->virtio[i])
            goto oom;
        e = virtio_mmio_attach(m->virtio[i], m->bus,
                               MEMMAP_VIRTIO_BASE + i * MEMMAP_VIRTIO_STRIDE);
        if (e)
            return fail(err, errlen, "a virtio-mmio slot", e);
        if (i < MACHINE_MAX_DISKS && plug_slot(m, cfg, i, err, errlen))
            return -1;
    }
    if (cfg->input) {
        m->keyboard = vinput_create(m->virtio[MACHINE_KEYBOARD_SLOT], VINPUT_KEYBOARD);
        m->tablet = vinput_create(m->virtio[MACHINE_TABLET_SLOT], VINPUT_TABLET);
        if (!m->keyboard || !m->tablet)
            goto oom;
    }
    if (cfg->fb_width) {
        if (!(m->fb = fb_create(cfg->fb_width, cfg->fb_height))) {
            snprintf(err, errlen, "cannot make a %ux%u framebuffer", cfg->fb_width,
                     cfg->fb_height);
            return -1;
        }
        if ((e = fb_attach(m->fb, m->bus, MEMMAP_FB_BASE)))
            return fail(err, errlen, "the framebuffer", e);
    }
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}

/* The device tree for this machine, with the initrd (if any) at the given place. */
static int build_fdt(struct machine *m, const struct machine_config *cfg, uint32_t initrd_start,
                     char *err, size_t errlen)
{
    if (cfg->dtb) {
        if (cfg->dtb_size > FDT_MAX || fdt_check_header(cfg->dtb) != 0 ||
            fdt_totalsize(cfg->dtb) > cfg->dtb_size) {
            snprintf(err, errlen, "-dtb: not a valid device tree blob");
            return -1;
        }
        memcpy(m->dtb, cfg->dtb, cfg->dtb_size);
        m->dtb_size = cfg->dtb_size;
        return 0;
    }
    struct virt_fdt_config fc = {
        .nharts = m->nharts, .hart_features = hart_features(m->hart),
        .ram_base = MEMMAP_RAM_BASE, .ram_size = cfg->ram_size,
        .bootargs = cfg->bootargs, .virtio_slots = MEMMAP_VIRTIO_COUNT,
        .kernel_entry = cfg->kernel_entry,
        .fb_width = cfg->fb_width, .fb_height = cfg->fb_height,
        .initrd_start = cfg->initrd ? initrd_start : 0,
        .initrd_end = cfg->initrd ? initrd_start + cfg->initrd_size : 0,
    };
    int n = virt_fdt_build(&fc, m->dtb, FDT_MAX, err, errlen);
    if (n < 0)
        return -1;
    m->dtb_size = (uint32_t)n;
    return 0;
}

/*
 * Where the device tree goes: where QEMU's virt puts it (hw/riscv/boot.c), at the highest
 * 2 MiB boundary that leaves room for it below the end of RAM (or 3 GiB, whichever is
 * lower), so that software that looks for it there finds it. On a machine too small for
 * that (the boundary would be in the lower half of RAM, or leave no room for the initrd
 * below it) it goes at the top of RAM, page-aligned. 0 if the tree and the initrd do
 * not fit at all.
 */
static uint32_t dtb_place(const struct machine_config *cfg, uint64_t dtb_room,
                          uint64_t initrd_room)
{
    const uint64_t mib = 1u << 20;
    uint64_t base = MEMMAP_RAM_BASE, end = base + cfg->ram_size;
    uint64_t limit = end < 3072 * mib ? end : 3072 * mib;
    if (dtb_room + initrd_room > cfg->ram_size)
        return 0;
    if (limit > base + dtb_room) {
        uint64_t qemu = (limit - dtb_room) & ~(2 * mib - 1);
        if (qemu >= base + cfg->ram_size / 2 && qemu >= base + initrd_room)
            return (uint32_t)qemu;
    }
    return (uint32_t)(end - dtb_room);
}

/*
 * Put the device tree where QEMU does (dtb_place) and the initrd just below it,
 * page-aligned. The tree's size does not depend on the initrd's address (only on whether
 * there is one), so it is built once to learn its size and again with the final address.
 */
static int place_blobs(struct machine *m, const struct machine_config *cfg, char *err,
                       size_t errlen)
{
    if (!(m->dtb = malloc(FDT_MAX))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (build_fdt(m, cfg, 0, err, errlen))
        return -1;
    uint64_t dtb_room = (m->dtb_size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    uint64_t initrd_room = ((uint64_t)cfg->initrd_size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (!(m->dtb_addr = dtb_place(cfg, dtb_room, initrd_room))) {
        snprintf(err, errlen, "the initrd (%u bytes) and device tree (%u bytes) do not fit in "
                 "%u KiB of RAM", cfg->initrd_size, m->dtb_size, cfg->ram_size >> 10);
        return -1;
    }
    m->reserved_base = m->dtb_addr - (uint32_t)initrd_room;
    if (cfg->initrd) {
        if (build_fdt(m, cfg, m->reserved_base, err, errlen))
            return -1;
        memcpy(machine_ram(m, m->reserved_base, cfg->initrd_size), cfg->initrd,
               cfg->initrd_size);
    }
    memcpy(machine_ram(m, m->dtb_addr, m->dtb_size), m->dtb, m->dtb_size);
    return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static int make_bootrom(struct machine *m, const struct machine_config *cfg, char *err,
                        size_t errlen)
{
    memcpy(m->rom, bootrom_code, sizeof bootrom_code);
    put32(m->rom + BOOTROM_START_OFF, cfg->start_pc);
    put32(m->rom + BOOTROM_DTB_OFF, m->dtb_addr);
    /* magic, version, next_addr (the kernel QEMU would enter: 0 without -kernel),
     * next_mode, options, boot_hart */
    const uint32_t fw_dyn[6] = { FW_DYNAMIC_INFO_MAGIC, FW_DYNAMIC_INFO_VERSION,
                                 cfg->kernel_entry, FW_DYNAMIC_NEXT_MODE_S, 0, 0 };
    for (unsigned i = 0; i < 6; i++)
        put32(m->rom + BOOTROM_FW_DYN_OFF + 4 * i, fw_dyn[i]);
    enum bus_error e = bus_add_memory(m->bus, "bootrom", MEMMAP_BOOTROM_BASE,
                                      MEMMAP_BOOTROM_SIZE, m->rom, false);
    if (!e)
        bus_set_snapshot(m->bus, MEMMAP_BOOTROM_BASE, &machine_rom_snap, m);
    return e ? fail(err, errlen, "the boot ROM", e) : 0;
}

static int check_config(const struct machine_config *cfg, char *err, size_t errlen)
{
    if (cfg->ram_size == 0 || cfg->ram_size % PAGE_SIZE || cfg->ram_size > MEMMAP_RAM_MAX) {
        snprintf(err, errlen, "RAM size must be a multiple of 4 KiB, at most 2 GiB");
        return -1;
    }
    if (cfg->has_tohost && (cfg->tohost < MEMMAP_RAM_BASE ||
                            cfg->tohost - MEMMAP_RAM_BASE > cfg->ram_size - 8 ||
                            (cfg->tohost & 7))) {
        snprintf(err, errlen, "tohost at 0x%08x is not an aligned address in RAM", cfg->tohost);
        return -1;
    }
    if (cfg->nharts > MACHINE_MAX_HARTS) {
        snprintf(err, errlen, "%u harts: rvbox has room for 1 to %u", cfg->nharts,
                 MACHINE_MAX_HARTS);
        return -1;
    }
    if (cfg->virtio_version != 1 && cfg->virtio_version != 2) {
        snprintf(err, errlen, "virtio-mmio version %u: want 1 or 2", cfg->virtio_version);
        return -1;
    }
    return 0;
}

struct machine *machine_create(const struct machine_config *cfg, char *err, size_t errlen)
{
    if (check_config(cfg, err, errlen))
        return NULL;
    struct machine *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    /* First: machine_destroy (on any failure below) stops the threads, of which
     * there are none yet. */
    pthread_mutex_init(&m->mt.lock, NULL);
    pthread_cond_init(&m->mt.go, NULL);
    pthread_cond_init(&m->mt.wake, NULL);
    pthread_cond_init(&m->mt.done, NULL);
    for (unsigned i = 0; i < MACHINE_MAX_HARTS; i++)
        m->wires[i] = (struct machine_wire){ m, i };
    m->ram_size = cfg->ram_size;
    memcpy(m->disks, cfg->disks, sizeof m->disks);
    m->ram = calloc(1, cfg->ram_size);
    m->bus = bus_create();
    if (!m->ram || !m->bus) {
        snprintf(err, errlen, "cannot allocate %u MiB of guest RAM", cfg->ram_size >> 20);
        goto fail;
    }
    clock_init(&m->clock);
    m->nharts = cfg->nharts ? cfg->nharts : 1;
    m->threads = cfg->threads && !cfg->icount;
    m->quantum_left = MACHINE_QUANTUM;
    m->step_hart = -1;
    for (unsigned i = 0; i < m->nharts; i++) {
        struct hart_config hc = {
            .hartid = i, .reset_pc = MEMMAP_BOOTROM_BASE, .bus = m->bus,
            .features = HART_FEATURES_QEMU & ~cfg->cpu_without,
            .time_now = clock_ticks_cb, .time_opaque = &m->clock,
        };
        if (!(m->harts[i] = hart_create(&hc)))
            goto oom;
        m->watched[i] = UINT32_MAX;
    }
    m->hart = m->harts[0];
    if (cfg->icount) {
        /* One hart: its own count, as before there were several (no sum to make). */
        if (m->nharts == 1)
            clock_init_insns(&m->clock, cfg->icount_shift, hart_instructions_cb, m->hart);
        else
            clock_init_insns(&m->clock, cfg->icount_shift, machine_instructions_cb, m);
    }
    if (cfg->has_tohost) {
        uint32_t page = cfg->tohost & ~(PAGE_SIZE - 1);
        m->htif = htif_create(m->ram + (page - MEMMAP_RAM_BASE), page, cfg->tohost,
                              &cfg->console, stop_hart, m);
        if (!m->htif)
            goto oom;
    }
    if (map_ram(m, cfg, err, errlen) || make_devices(m, cfg, err, errlen) ||
        place_blobs(m, cfg, err, errlen) || make_bootrom(m, cfg, err, errlen))
        goto fail;
    return m;
oom:
    snprintf(err, errlen, "out of memory");
fail:
    machine_destroy(m);
    return NULL;
}

static void threads_stop(struct machine *m);

void machine_destroy(struct machine *m)
{
    if (!m)
        return;
    threads_stop(m);
    machine_snapshot_forget(m);
    if (m->keyboard)
        vinput_destroy(m->keyboard);
    if (m->tablet)
        vinput_destroy(m->tablet);
    if (m->fb)
        fb_destroy(m->fb);
    for (unsigned i = 0; i < MEMMAP_VIRTIO_COUNT; i++) {
        if (m->vblk[i])
            vblk_destroy(m->vblk[i]);
        if (m->vnet[i])
            vnet_destroy(m->vnet[i]);
        if (m->vp9[i])
            vp9_destroy(m->vp9[i]);
        if (m->virtio[i])
            virtio_mmio_destroy(m->virtio[i]);
    }
    if (m->rtc)
        rtc_destroy(m->rtc);
    if (m->syscon)
        syscon_destroy(m->syscon);
    if (m->uart)
        uart_destroy(m->uart);
    if (m->plic)
        plic_destroy(m->plic);
    if (m->clint)
        clint_destroy(m->clint);
    if (m->htif)
        htif_destroy(m->htif);
    for (unsigned i = 0; i < m->nharts; i++)
        hart_destroy(m->harts[i]);
    bus_destroy(m->bus);
    free(m->dtb);
    free(m->ram);
    pthread_cond_destroy(&m->mt.done);
    pthread_cond_destroy(&m->mt.wake);
    pthread_cond_destroy(&m->mt.go);
    pthread_mutex_destroy(&m->mt.lock);
    free(m);
}

/* Devices that act on time or input do so between runs of the hart; disks go on with
 * the requests that waited for a new slice. */
/* The devices that wake a waiting hart on time or input. Under the instruction clock
 * serial input is taken on the service grid instead (devices_update). */
static void wakers_update(struct machine *m)
{
    clint_update(m->clint);
    for (unsigned i = 0; i < m->nharts; i++)
        hart_timer_update(m->harts[i]);
    rtc_update(m->rtc);
    if (m->clock.mode != CLOCK_INSNS)
        uart_update(m->uart);
}

/* Once per run: the wakers, and a slice of every disk's pending work, of every network
 * card's frames and of every shared folder's requests. Under the instruction clock,
 * serial input and the slots' work wait for the next point of the service grid, so that
 * they land at moments the host's slicing does not change: frames from the network and
 * the host's files enter the guest only here. */
static void devices_update(struct machine *m)
{
    wakers_update(m);
    if (m->clock.mode == CLOCK_INSNS) {
        uint64_t now = clock_elapsed_ns(&m->clock);
        if (now < m->service_ns)
            return;
        m->service_ns = (now / ICOUNT_SERVICE_NS + 1) * ICOUNT_SERVICE_NS;
        uart_update(m->uart);
    }
    for (unsigned i = 0; i < MEMMAP_VIRTIO_COUNT; i++) {
        if (m->vblk[i])
            vblk_update(m->vblk[i]);
        if (m->vnet[i])
            vnet_update(m->vnet[i]);
        if (m->vp9[i])
            vp9_update(m->vp9[i]);
    }
}

/* Has a slot work for the next service: a disk request, a frame the guest can take, a
 * shared-folder request? */
static bool slots_busy(const struct machine *m)
{
    for (unsigned i = 0; i < MEMMAP_VIRTIO_COUNT; i++)
        if ((m->vblk[i] && vblk_busy(m->vblk[i])) || (m->vnet[i] && vnet_busy(m->vnet[i])) ||
            (m->vp9[i] && vp9_busy(m->vp9[i])))
            return true;
    return false;
}

static uint64_t next_deadline(const struct machine *m);

/* Instruction clock: the steps until the next moment something happens on time (a
 * timer deadline still ahead, the next disk service), so that a run ends exactly there
 * whatever budget the host asked for. Passing it is harmless (the hart stops sooner);
 * stopping before it too (a later run gets there). */
static uint64_t icount_horizon(const struct machine *m)
{
    uint64_t n = clock_insns_until_ns(&m->clock, m->service_ns);
    uint64_t t = clock_insns_until(&m->clock, next_deadline(m));
    if (t > 0 && t < n)
        n = t;
    return n > 0 ? n : 1;
}

/* The next hart's turn. */
static void next_turn(struct machine *m)
{
    m->cur = m->cur + 1 == m->nharts ? 0 : m->cur + 1;
    m->quantum_left = MACHINE_QUANTUM;
}

/*
 * Pages where a hart holds a reservation are watched (bus.h) while other harts run, so
 * that their stores there reach the bus and break it. Called after each turn: the hart
 * that ran may have made or dropped a reservation, or broken another's.
 */
static void watch_reservations(struct machine *m)
{
    uint32_t want[MACHINE_MAX_HARTS];
    for (unsigned i = 0; i < m->nharts; i++) {
        uint32_t pa;
        want[i] = hart_reservation(m->harts[i], &pa) ? pa >> 12 : UINT32_MAX;
    }
    for (unsigned i = 0; i < m->nharts; i++) {
        uint32_t page = m->watched[i];
        bool kept = page == UINT32_MAX;
        for (unsigned k = 0; k < m->nharts && !kept; k++)
            kept = want[k] == page;
        if (!kept)
            bus_watch_page(m->bus, page << 12, false);
    }
    for (unsigned i = 0; i < m->nharts; i++) {
        m->watched[i] = want[i];
        if (want[i] != UINT32_MAX)
            bus_watch_page(m->bus, want[i] << 12, true);    /* new pages: stores drop */
    }
}

void machine_loaded(struct machine *m)
{
    m->yield = false;
    if (m->nharts > 1)
        watch_reservations(m);
}

/*
 * The harts take turns: hart `cur` runs until its quantum is over, it waits in WFI, or
 * the run must end (the budget, something due on time, a breakpoint, a device or the
 * host asking). A hart that waits with no interrupt to take is passed over; when every
 * hart does, the machine is idle. With one hart, its turn never ends.
 */
static enum hart_stop run_harts(struct machine *m, uint64_t budget)
{
    bool icount = m->clock.mode == CLOCK_INSNS;
    uint64_t used = 0;
    enum hart_stop stop = HART_STOP_BUDGET;
    m->last_retired = 0;
    m->step_done = false;
    while (used < budget) {
        /* Whose turn: `cur`'s, or the next hart's past those that wait. Passing over
         * waiting harts changes nothing until one runs, so that however often the host
         * asks an idle machine to run, the turns stay where they were. */
        int next = -1;
        for (unsigned k = 0; k < m->nharts && next < 0; k++) {
            unsigned i = (m->cur + k) % m->nharts;
            if (!hart_waiting(m->harts[i]))
                next = (int)i;
            else if ((int)i == m->step_hart)
                break;                      /* a step of a waiting hart: it stays */
        }
        if (next < 0) {
            m->step_done = m->step_hart >= 0 && hart_waiting(m->harts[m->step_hart]);
            break;
        }
        if ((unsigned)next != m->cur) {
            m->cur = (unsigned)next;
            m->quantum_left = MACHINE_QUANTUM;
        }
        struct hart *h = m->harts[m->cur];
        uint64_t n = budget - used, horizon = UINT64_MAX;
        if (m->nharts > 1 && n > m->quantum_left)
            n = m->quantum_left;
        if (m->step_hart == (int)m->cur)
            n = 1;
        if (icount && (horizon = icount_horizon(m)) < n)
            n = horizon;
        uint64_t pos = hart_position(h), retired;
        stop = hart_run(h, n, &retired);
        uint64_t steps = hart_position(h) - pos;
        used += steps;
        m->last_retired += retired;
        m->stop_hart = m->cur;
        if (m->nharts > 1) {
            watch_reservations(m);
            m->quantum_left -= steps < m->quantum_left ? steps : m->quantum_left;
        }
        /* At a breakpoint the hart stands before the instruction; its turn goes on
         * when the run does. */
        if (stop == HART_STOP_BREAKPOINT || stop == HART_STOP_WATCHPOINT)
            return stop;
        bool stepped = m->step_hart == (int)m->cur && (steps || stop == HART_STOP_WFI);
        if (hart_waiting(h) || (m->nharts > 1 && m->quantum_left == 0))
            next_turn(m);
        if (stepped) {
            m->step_done = true;
            break;
        }
        if (m->yield || m->power != POWER_NONE) {
            m->yield = false;
            break;
        }
        if (steps >= horizon)
            break;              /* something is due on time: the devices act first */
    }
    return machine_waiting(m) ? HART_STOP_WFI : HART_STOP_BUDGET;
}

/*
 * Hart i's share of a parallel run, in its own thread: up to mt.share steps, asleep
 * (not spinning) while it waits in WFI, until a line wakes it or no hart is left
 * running that could (the others finished their shares or sleep too), or the run is
 * asked to end (machine_yield).
 */
static void run_share(struct machine *m, unsigned i)
{
    struct hart *h = m->harts[i];
    struct machine_threads *t = &m->mt;
    uint64_t left = t->share, steps = 0, retired = 0;
    bool counted = true;            /* in t->running */
    while (left > 0 && !yielded(m)) {
        if (hart_waiting(h)) {
            pthread_mutex_lock(&t->lock);
            t->running--;
            pthread_cond_broadcast(&t->wake);
            while (hart_waiting(h) && t->running > 0 && !yielded(m))
                pthread_cond_wait(&t->wake, &t->lock);
            counted = !hart_waiting(h) && !yielded(m);
            if (counted)
                t->running++;
            pthread_mutex_unlock(&t->lock);
            if (!counted)
                break;
            continue;
        }
        uint64_t pos = hart_position(h), r;
        enum hart_stop stop = hart_run(h, left, &r);
        uint64_t n = hart_position(h) - pos;
        steps += n;
        retired += r;
        left -= n < left ? n : left;
        if (stop == HART_STOP_BREAKPOINT || stop == HART_STOP_WATCHPOINT)
            break;                  /* not while the host debugs (machine_run), but safe */
    }
    pthread_mutex_lock(&t->lock);
    t->steps[i] = steps;
    t->retired[i] = retired;
    if (counted)
        t->running--;
    if (--t->unfinished == 0)
        pthread_cond_signal(&t->done);
    pthread_cond_broadcast(&t->wake);   /* a sleeper may be the last one left */
    pthread_mutex_unlock(&t->lock);
}

/* A hart's thread: a share of each run, asleep in between. */
static void *hart_thread(void *opaque)
{
    struct machine_wire *w = opaque;
    struct machine_threads *t = &w->m->mt;
    uint64_t seen = 0;
    pthread_mutex_lock(&t->lock);
    for (;;) {
        while (!t->quit && t->gen == seen)
            pthread_cond_wait(&t->go, &t->lock);
        if (t->quit)
            break;
        seen = t->gen;
        pthread_mutex_unlock(&t->lock);
        run_share(w->m, w->i);
        pthread_mutex_lock(&t->lock);
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

/* The threads of harts 1 and up, once; false if the host would not make them (the
 * browser build has none): the harts then take turns from then on. */
static bool threads_make(struct machine *m)
{
    if (m->mt.made)
        return true;
    /* The host's signals (SIGINT, SIGTERM, SIGHUP, SIGCHLD...) stay the main thread's:
     * the harts' threads start with all of them blocked. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    for (unsigned i = 1; i < m->nharts; i++) {
        int rc = pthread_create(&m->mt.thread[i], NULL, hart_thread, &m->wires[i]);
        if (rc != 0) {
            pthread_sigmask(SIG_SETMASK, &old, NULL);
            m->nharts_threaded = i;
            threads_stop(m);
            m->threads = false;
            fprintf(stderr, "rvbox: thread=multi: cannot start a hart's thread (%s): the "
                    "harts take turns\n", strerror(rc));
            return false;
        }
        m->nharts_threaded = i + 1;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    m->mt.made = true;
    return true;
}

static void threads_stop(struct machine *m)
{
    pthread_mutex_lock(&m->mt.lock);
    m->mt.quit = true;
    pthread_cond_broadcast(&m->mt.go);
    pthread_mutex_unlock(&m->mt.lock);
    for (unsigned i = 1; i < m->nharts_threaded; i++)
        pthread_join(m->mt.thread[i], NULL);
    m->nharts_threaded = 0;
    m->mt.made = false;
    m->mt.quit = false;
}

/*
 * Into or out of parallel mode, between runs. In: no page is watched for reservations
 * any more (sc.w compares values). Out: the harts drop their reservations (their sc.w
 * fails once, as the spec allows), since stores made in parallel broke none, and turns
 * watch pages again from then on.
 */
static void set_parallel(struct machine *m, bool on)
{
    if (on == m->parallel)
        return;
    m->parallel = on;
    bus_set_parallel(m->bus, on);
    for (unsigned i = 0; i < m->nharts; i++)
        hart_set_parallel(m->harts[i], on);
    if (on) {
        for (unsigned i = 0; i < m->nharts; i++) {
            if (m->watched[i] != UINT32_MAX)
                bus_watch_page(m->bus, m->watched[i] << 12, false);
            m->watched[i] = UINT32_MAX;
        }
    }
}

/* Every hart at once, each in its own thread, for a share of the budget; returns when
 * all have stopped. */
static enum hart_stop run_parallel(struct machine *m, uint64_t budget)
{
    struct machine_threads *t = &m->mt;
    unsigned runnable = 0;
    for (unsigned i = 0; i < m->nharts; i++)
        runnable += !hart_waiting(m->harts[i]);
    m->last_retired = 0;
    m->step_done = false;
    if (runnable == 0)
        return HART_STOP_WFI;
    pthread_mutex_lock(&t->lock);
    t->share = budget / runnable ? budget / runnable : 1;
    t->unfinished = t->running = m->nharts;
    t->gen++;
    pthread_cond_broadcast(&t->go);
    pthread_mutex_unlock(&t->lock);
    run_share(m, 0);
    pthread_mutex_lock(&t->lock);
    while (t->unfinished > 0)
        pthread_cond_wait(&t->done, &t->lock);
    pthread_mutex_unlock(&t->lock);
    uint64_t most = 0;
    for (unsigned i = 0; i < m->nharts; i++) {
        m->last_retired += t->retired[i];
        if (t->steps[i] >= most) {
            most = t->steps[i];
            m->stop_hart = i;
        }
    }
    m->yield = false;
    return machine_waiting(m) ? HART_STOP_WFI : HART_STOP_BUDGET;
}

/* May this run be a parallel one: threads asked for and made, no hart stepped or
 * debugged by the host. */
static bool want_parallel(struct machine *m)
{
    /* The guest-error log (the monitor's `log guest_errors`) has one sink for all. */
    if (!m->threads || m->step_hart >= 0 || m->clock.mode == CLOCK_INSNS ||
        bus_log(m->bus)->mask)
        return false;
    for (unsigned i = 0; i < m->nharts; i++)
        if (hart_host_debug(m->harts[i]))
            return false;
    return threads_make(m);
}

enum machine_state machine_run(struct machine *m, uint64_t budget)
{
    if (m->power == POWER_NONE) {
        devices_update(m);
        set_parallel(m, want_parallel(m));
        enum hart_stop stop = m->parallel ? run_parallel(m, budget) : run_harts(m, budget);
        /* Before the host sleeps: a deadline crossed or input arrived while the harts
         * ran may wake one at once. */
        if (stop == HART_STOP_WFI) {
            wakers_update(m);
            if (!machine_waiting(m))
                stop = HART_STOP_BUDGET;
        }
        m->last_stop = stop;
        if (m->htif && htif_exited(m->htif, &m->exit_code))
            m->power = POWER_EXIT;
        if (m->power == POWER_NONE)
            return stop == HART_STOP_WFI ? MACHINE_IDLE : MACHINE_RUNNING;
    }
    return m->power == POWER_REBOOT ? MACHINE_REBOOT : MACHINE_EXITED;
}

enum hart_stop machine_last_stop(const struct machine *m)
{
    return m->last_stop;
}

uint32_t machine_exit_code(const struct machine *m)
{
    return m->exit_code;
}

/* The earliest timer deadline, in clock ticks; UINT64_MAX if none: the CLINT's, the
 * RTC's and the harts' own (Sstc). */
static uint64_t next_deadline(const struct machine *m)
{
    uint64_t t = clint_next_deadline(m->clint), r = rtc_next_deadline(m->rtc);
    t = t < r ? t : r;
    for (unsigned i = 0; i < m->nharts; i++) {
        uint64_t s = hart_timer_deadline(m->harts[i]);
        t = t < s ? t : s;
    }
    return t;
}

void machine_request_exit(struct machine *m, uint32_t code)
{
    if (m->power == POWER_NONE) {
        m->power = POWER_EXIT;
        m->exit_code = code;
    }
    machine_yield(m);
}

bool machine_powered_off(const struct machine *m)
{
    return m->power == POWER_OFF;
}

uint64_t machine_next_event_ns(const struct machine *m)
{
    if (slots_busy(m))
        return 0;                           /* device work waits for the next machine_run */
    uint64_t next = next_deadline(m);
    return next == UINT64_MAX ? UINT64_MAX : clock_ns_until(&m->clock, next);
}

bool machine_skip_idle(struct machine *m, bool input)
{
    if (m->clock.mode != CLOCK_INSNS)
        return false;
    /* To the next deadline, or the next service if a device has work and it comes
     * first (the time until each, on the one clock). */
    uint64_t deadline = next_deadline(m);
    uint64_t ns = deadline == UINT64_MAX ? UINT64_MAX : clock_ns_until(&m->clock, deadline);
    if (input || slots_busy(m)) {
        uint64_t now = clock_elapsed_ns(&m->clock);
        uint64_t d = m->service_ns > now ? m->service_ns - now : 0;
        if (d < ns) {
            clock_warp_ns(&m->clock, d);
            return true;
        }
    }
    if (ns == UINT64_MAX)
        return false;
    clock_warp_to(&m->clock, deadline);
    return true;
}

void machine_warp(struct machine *m, uint64_t ns)
{
    clock_warp_ns(&m->clock, ns);
}

bool machine_icount(const struct machine *m)
{
    return m->clock.mode == CLOCK_INSNS;
}

int machine_flush_disks(struct machine *m)
{
    int rc = 0;
    for (unsigned i = 0; i < MEMMAP_VIRTIO_COUNT; i++)
        if (m->vblk[i] && vblk_flush(m->vblk[i]))
            rc = -1;
    return rc;
}

uint8_t *machine_ram(struct machine *m, uint32_t addr, uint32_t len)
{
    if (addr < MEMMAP_RAM_BASE)
        return NULL;
    uint32_t off = addr - MEMMAP_RAM_BASE;
    if (off > m->ram_size || len > m->ram_size - off)
        return NULL;
    return m->ram + off;
}

uint32_t machine_ram_size(const struct machine *m)
{
    return m->ram_size;
}

uint32_t machine_reserved_base(const struct machine *m)
{
    return m->reserved_base;
}

const void *machine_dtb(const struct machine *m, uint32_t *size, uint32_t *addr)
{
    *size = m->dtb_size;
    *addr = m->dtb_addr;
    return m->dtb;
}

bool machine_can_take_input(const struct machine *m)
{
    return uart_can_receive(m->uart);
}

uint64_t machine_last_retired(const struct machine *m) { return m->last_retired; }
uint64_t machine_position(const struct machine *m)
{
    uint64_t pos = 0;
    for (unsigned i = 0; i < m->nharts; i++)
        pos += hart_position(m->harts[i]);
    return pos;
}

uint64_t machine_instructions(const struct machine *m)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < m->nharts; i++)
        n += hart_instructions(m->harts[i]);
    return n;
}

bool machine_waiting(const struct machine *m)
{
    for (unsigned i = 0; i < m->nharts; i++)
        if (!hart_waiting(m->harts[i]))
            return false;
    return true;
}

unsigned machine_stop_hart(const struct machine *m) { return m->stop_hart; }

int machine_next_hart(const struct machine *m)
{
    unsigned cur = m->cur;
    if (m->nharts > 1 && m->quantum_left == 0)
        cur = cur + 1 == m->nharts ? 0 : cur + 1;
    for (unsigned k = 0; k < m->nharts; k++) {
        unsigned i = (cur + k) % m->nharts;
        if (!hart_waiting(m->harts[i]))
            return (int)i;
    }
    return -1;
}
void machine_set_step(struct machine *m, int i)
{
    m->step_hart = i >= 0 && (unsigned)i < m->nharts ? i : -1;
}
bool machine_stepped(const struct machine *m) { return m->step_done; }
uint64_t machine_guest_ns(const struct machine *m) { return clock_elapsed_ns(&m->clock); }
struct framebuffer *machine_framebuffer(struct machine *m) { return m->fb; }
struct virtio_input *machine_keyboard(struct machine *m) { return m->keyboard; }
struct virtio_net *machine_nic(struct machine *m, unsigned slot)
{
    return slot < MEMMAP_VIRTIO_COUNT ? m->vnet[slot] : NULL;
}
struct virtio_input *machine_tablet(struct machine *m) { return m->tablet; }
struct hart *machine_hart(struct machine *m) { return m->hart; }
struct hart *machine_hart_at(struct machine *m, unsigned i)
{
    return i < m->nharts ? m->harts[i] : NULL;
}
unsigned machine_nharts(const struct machine *m) { return m->nharts; }
struct bus *machine_bus(struct machine *m) { return m->bus; }
uint64_t machine_time(const struct machine *m)
{
    return m->clock_held ? m->held_ticks : clock_ticks(&m->clock);
}
struct plic *machine_plic(struct machine *m) { return m->plic; }

void machine_hold_clock(struct machine *m, bool hold)
{
    /* The instruction clock stands still by itself while the hart does not run; setting
     * it back to the held time would undo a snapshot loaded or history gone back to. */
    if (hold == m->clock_held || m->clock.mode == CLOCK_INSNS)
        return;
    if (hold)
        m->held_ticks = clock_ticks(&m->clock);
    else
        clock_set(&m->clock, m->held_ticks);
    m->clock_held = hold;
}
