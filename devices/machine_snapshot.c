/*
 * Snapshots of the whole machine (devices/machine_snapshot.h).
 *
 * The state, as sections (devices/snapshot.h):
 *
 *   rvbox-machine
 *     machine   power request, exit code, last stop, the service grid
 *     clock     mode, offset, warp, the host time it read
 *     hart      every register and CSR (cpu/hart_snapshot.h), one section per hart
 *     turns     with several harts: whose turn it is (machine_run) and what is left of it
 *     one section per bus region, in address order, named by its snap_ops: the region's
 *     base and size, then what the device saves (RAM regions save nothing here: RAM is
 *     kept as pages beside the state)
 *
 * RAM in memory: one pointer per 4 KiB page to a reference-counted copy, NULL for a
 * page of zeros. A new snapshot compares each page with the previous snapshot's copy
 * and shares it when equal, so a series of snapshots keeps each distinct page once.
 */
#include "devices/machine_snapshot.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus/bus.h"
#include "cpu/hart_snapshot.h"
#include "devices/disk_undo.h"
#include "devices/machine_priv.h"
#include "devices/snapshot.h"
#include "devices/virtio_mmio.h"

#define PAGE 4096u

struct snap_page {
    uint32_t refs;
    uint8_t data[PAGE];
};

struct machine_snapshot {
    struct machine *owner;          /* whose last_snap this may be; NULL once gone */
    char *fingerprint;
    uint8_t *state;
    size_t state_len;
    uint32_t npages;
    struct snap_page **pages;       /* NULL: a page of zeros */
    struct disk_undo *undo[MACHINE_MAX_DISKS];
    struct undo_node *mark[MACHINE_MAX_DISKS];
    bool no_undo[MACHINE_MAX_DISKS];    /* writable, but no way to put it back */
    uint64_t position;
    size_t own_bytes;
};

/* ---- the regions every machine has: RAM and the boot ROM ---- */

/* RAM is saved as pages beside the state; its sections only say where it was. */
static void ram_save(const void *opaque, struct snap_writer *w)
{
    (void)opaque, (void)w;
}

static int ram_load(void *opaque, struct snap_reader *r)
{
    (void)opaque;
    return snap_status(r);
}

const struct snap_ops machine_ram_snap = {
    .name = "ram", .version = 1, .save = ram_save, .load = ram_load,
};

/* The boot ROM holds the start address and the device tree's: saved so that a loaded
 * machine resets into the same code. */
static void rom_save(const void *opaque, struct snap_writer *w)
{
    const struct machine *m = opaque;
    snap_put_bytes(w, m->rom, sizeof m->rom);
}

static int rom_load(void *opaque, struct snap_reader *r)
{
    struct machine *m = opaque;
    const uint8_t *rom = snap_get_span(r, sizeof m->rom);
    if (snap_applying(r))
        memcpy(m->rom, rom, sizeof m->rom);
    return snap_status(r);
}

const struct snap_ops machine_rom_snap = {
    .name = "bootrom", .version = 1, .save = rom_save, .load = rom_load,
};

/* ---- what every region and part supports ---- */

int machine_snapshot_check(const struct machine *m, char *err, size_t errlen)
{
    const struct bus_region *r;
    for (unsigned i = 0; (r = bus_region_at(m->bus, i)); i++) {
        if (!r->snap || !r->snap->save || !r->snap->load) {
            snprintf(err, errlen, "%s at 0x%08x has no snapshot support", r->name, r->base);
            return -1;
        }
        const char *part = r->snap->missing ? r->snap->missing(r->snap_opaque) : NULL;
        if (part) {
            snprintf(err, errlen, "%s at 0x%08x: its %s has no snapshot support", r->name,
                     r->base, part);
            return -1;
        }
    }
    return 0;
}

/* ---- the configuration ---- */

static void append(char *buf, size_t len, size_t *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
    if (*at >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *at, len - *at, fmt, ap);
    va_end(ap);
    if (n > 0)
        *at += (size_t)n;
}

void machine_fingerprint(const struct machine *m, char *buf, size_t len)
{
    static const char *const clocks[] = { "host", "manual", "icount" };
    size_t at = 0;
    buf[0] = '\0';
    append(buf, len, &at, "board=virt harts=%u ram=%u clock=%s", m->nharts, m->ram_size,
           clocks[m->clock.mode]);
    if (m->clock.mode == CLOCK_INSNS)
        append(buf, len, &at, "/shift%u", m->clock.shift);
    const struct bus_region *r;
    for (unsigned i = 0; (r = bus_region_at(m->bus, i)); i++)
        append(buf, len, &at, " %s@%08x+%x", r->name, r->base, r->size);
    for (unsigned i = 0; i < MEMMAP_VIRTIO_COUNT; i++)
        if (virtio_mmio_device_id(m->virtio[i]))
            append(buf, len, &at, " slot%u=dev%u/v%u", i, virtio_mmio_device_id(m->virtio[i]),
                   virtio_mmio_version(m->virtio[i]));
    for (unsigned i = 0; i < MACHINE_MAX_DISKS; i++)
        if (m->disks[i])
            append(buf, len, &at, " disk%u=%llu/%s", i, (unsigned long long)m->disks[i]->size,
                   m->disks[i]->readonly ? "ro" : "rw");
}

/* The item of a fingerprint starting at *p, into item; false at the end. */
static bool next_item(const char **p, char *item, size_t len)
{
    while (**p == ' ')
        (*p)++;
    if (!**p)
        return false;
    size_t n = strcspn(*p, " ");
    snprintf(item, len, "%.*s", (int)n, *p);
    *p += n;
    return true;
}

int machine_fingerprint_compare(const char *here, const char *saved, char *err, size_t errlen)
{
    const char *a = here, *b = saved;
    char x[96], y[96];
    for (;;) {
        bool hx = next_item(&a, x, sizeof x), hy = next_item(&b, y, sizeof y);
        if (!hx && !hy)
            return 0;
        if (hx && hy && !strcmp(x, y))
            continue;
        snprintf(err, errlen, "a machine configured otherwise: the snapshot has %s, this "
                 "machine %s", hy ? y : "nothing more", hx ? x : "nothing more");
        return -1;
    }
}

/* ---- the state ---- */

/* 2: F and D, Sstc, the debug triggers and the hart's -cpu parts follow PMP. */
#define HART_SECTION_VERSION 2

static void hart_save(const struct hart *h, struct snap_writer *w)
{
    struct hart_saved s;
    hart_save_state(h, &s);
    snap_put_u32(w, s.hartid);
    for (unsigned i = 0; i < 32; i++)
        snap_put_u32(w, s.x[i]);
    snap_put_u32(w, s.pc);
    snap_put_u8(w, s.priv);
    snap_put_bool(w, s.waiting);
    snap_put_u64(w, s.retired);
    snap_put_u64(w, s.traps);
    snap_put_u32(w, HART_HISTORY_LEN);
    snap_put_u32(w, s.hist_pos);
    for (unsigned i = 0; i < HART_HISTORY_LEN; i++) {
        snap_put_u32(w, s.hist_from[i]);
        snap_put_u32(w, s.hist_to[i]);
    }
    snap_put_bool(w, s.reserved);
    snap_put_u32(w, s.reservation_pa);
    const uint32_t csrs[] = {
        s.mstatus, s.misa, s.medeleg, s.mideleg, s.mie, s.mip, s.irq_lines,
        s.mtvec, s.mscratch, s.mepc, s.mcause, s.mtval,
        s.stvec, s.sscratch, s.sepc, s.scause, s.stval, s.satp,
        s.mcounteren, s.scounteren, s.mcountinhibit, s.menvcfg, s.senvcfg,
    };
    snap_put_u32(w, sizeof csrs / sizeof csrs[0]);
    for (unsigned i = 0; i < sizeof csrs / sizeof csrs[0]; i++)
        snap_put_u32(w, csrs[i]);
    snap_put_u64(w, s.instret_base);
    snap_put_u64(w, s.cycle_base);
    snap_put_u64(w, s.instret_frozen);
    snap_put_u64(w, s.cycle_frozen);
    snap_put_bytes(w, s.pmpcfg, sizeof s.pmpcfg);
    for (unsigned i = 0; i < 16; i++)
        snap_put_u32(w, s.pmpaddr[i]);
    snap_put_u32(w, s.features);
    for (unsigned i = 0; i < 32; i++)
        snap_put_u64(w, s.f[i]);
    snap_put_u8(w, s.fflags);
    snap_put_u8(w, s.frm);
    snap_put_u64(w, s.stimecmp);
    snap_put_u32(w, s.menvcfgh);
    snap_put_u8(w, s.tselect);
    snap_put_u8(w, s.tcontrol);
    snap_put_u32(w, HART_TRIGGERS_SAVED);
    for (unsigned i = 0; i < HART_TRIGGERS_SAVED; i++) {
        snap_put_u32(w, s.tdata1[i]);
        snap_put_u32(w, s.tdata2[i]);
    }
}

static int hart_load(struct hart *h, struct snap_reader *r)
{
    struct hart_saved s;
    memset(&s, 0, sizeof s);
    s.hartid = snap_get_u32(r);
    for (unsigned i = 0; i < 32; i++)
        s.x[i] = snap_get_u32(r);
    s.pc = snap_get_u32(r);
    s.priv = snap_get_u8(r);
    s.waiting = snap_get_bool(r);
    s.retired = snap_get_u64(r);
    s.traps = snap_get_u64(r);
    uint32_t hist = snap_get_u32(r);
    if (snap_ok(r) && hist != HART_HISTORY_LEN)
        return snap_fail(r, "a history of %u moves, this hart keeps %u", hist,
                         HART_HISTORY_LEN);
    s.hist_pos = snap_get_u32(r);
    for (unsigned i = 0; i < HART_HISTORY_LEN; i++) {
        s.hist_from[i] = snap_get_u32(r);
        s.hist_to[i] = snap_get_u32(r);
    }
    s.reserved = snap_get_bool(r);
    s.reservation_pa = snap_get_u32(r);
    uint32_t *const csrs[] = {
        &s.mstatus, &s.misa, &s.medeleg, &s.mideleg, &s.mie, &s.mip, &s.irq_lines,
        &s.mtvec, &s.mscratch, &s.mepc, &s.mcause, &s.mtval,
        &s.stvec, &s.sscratch, &s.sepc, &s.scause, &s.stval, &s.satp,
        &s.mcounteren, &s.scounteren, &s.mcountinhibit, &s.menvcfg, &s.senvcfg,
    };
    uint32_t ncsr = snap_get_u32(r);
    if (snap_ok(r) && ncsr != sizeof csrs / sizeof csrs[0])
        return snap_fail(r, "%u CSRs saved, this hart has %zu", ncsr,
                         sizeof csrs / sizeof csrs[0]);
    for (unsigned i = 0; i < sizeof csrs / sizeof csrs[0]; i++)
        *csrs[i] = snap_get_u32(r);
    s.instret_base = snap_get_u64(r);
    s.cycle_base = snap_get_u64(r);
    s.instret_frozen = snap_get_u64(r);
    s.cycle_frozen = snap_get_u64(r);
    snap_get_bytes(r, s.pmpcfg, sizeof s.pmpcfg);
    for (unsigned i = 0; i < 16; i++)
        s.pmpaddr[i] = snap_get_u32(r);
    s.features = snap_get_u32(r);
    for (unsigned i = 0; i < 32; i++)
        s.f[i] = snap_get_u64(r);
    s.fflags = snap_get_u8(r);
    s.frm = snap_get_u8(r);
    s.stimecmp = snap_get_u64(r);
    s.menvcfgh = snap_get_u32(r);
    s.tselect = snap_get_u8(r);
    s.tcontrol = snap_get_u8(r);
    uint32_t ntrig = snap_get_u32(r);
    if (snap_ok(r) && ntrig != HART_TRIGGERS_SAVED)
        return snap_fail(r, "%u debug triggers saved, this hart has %u", ntrig,
                         HART_TRIGGERS_SAVED);
    for (unsigned i = 0; i < HART_TRIGGERS_SAVED; i++) {
        s.tdata1[i] = snap_get_u32(r);
        s.tdata2[i] = snap_get_u32(r);
    }
    if (!snap_ok(r))
        return -1;
    char why[160];
    if (hart_check_state(h, &s, why, sizeof why))
        return snap_fail(r, "%s", why);
    if (snap_applying(r))
        hart_load_state(h, &s);
    return 0;
}

/* With several harts: whose turn it is, and how much of it is left. */
static int turns_load(struct machine *m, struct snap_reader *r)
{
    uint32_t cur = snap_get_u32(r);
    uint64_t left = snap_get_u64(r);
    if (snap_ok(r) && (cur >= m->nharts || left > MACHINE_QUANTUM))
        return snap_fail(r, "hart %u's turn with %llu steps left", cur,
                         (unsigned long long)left);
    if (!snap_applying(r))
        return snap_status(r);
    m->cur = cur;
    m->quantum_left = left;
    return 0;
}

static void fields_save(const struct machine *m, struct snap_writer *w)
{
    snap_put_u32(w, m->power);
    snap_put_u32(w, m->exit_code);
    snap_put_u32(w, m->last_stop);
    snap_put_u64(w, m->last_retired);
    snap_put_u64(w, m->service_ns);
}

static int fields_load(struct machine *m, struct snap_reader *r)
{
    uint32_t power = snap_get_u32(r), code = snap_get_u32(r), stop = snap_get_u32(r);
    uint64_t retired = snap_get_u64(r), service = snap_get_u64(r);
    if (snap_ok(r) && (power > POWER_EXIT || stop > HART_STOP_WATCHPOINT))
        return snap_fail(r, "power request %u, stop %u", power, stop);
    if (!snap_applying(r))
        return snap_status(r);
    m->power = (enum power_request)power;
    m->exit_code = code;
    m->last_stop = (enum hart_stop)stop;
    m->last_retired = retired;
    m->service_ns = service;
    return 0;
}

int machine_state_save(struct machine *m, struct snap_writer *w)
{
    if (machine_snapshot_check(m, NULL, 0))
        return -1;
    /* Held by the host (a monitor's stop): the guest's time is where it was held. */
    if (m->clock_held)
        clock_set(&m->clock, m->held_ticks);
    snap_begin(w, "rvbox-machine", 1);
    snap_begin(w, "machine", 1);
    fields_save(m, w);
    snap_end(w);
    snap_begin(w, "clock", 1);
    clock_save(&m->clock, w);
    snap_end(w);
    for (unsigned i = 0; i < m->nharts; i++) {
        snap_begin(w, "hart", HART_SECTION_VERSION);
        hart_save(m->harts[i], w);
        snap_end(w);
    }
    if (m->nharts > 1) {
        snap_begin(w, "turns", 1);
        snap_put_u32(w, m->cur);
        snap_put_u64(w, m->quantum_left);
        snap_end(w);
    }
    const struct bus_region *r;
    for (unsigned i = 0; (r = bus_region_at(m->bus, i)); i++) {
        snap_begin(w, r->snap->name, r->snap->version);
        snap_put_u32(w, r->base);
        snap_put_u32(w, r->size);
        r->snap->save(r->snap_opaque, w);
        snap_end(w);
    }
    snap_end(w);
    return snap_writer_failed(w) ? -1 : 0;
}

/* One pass over a saved state: the check pass (apply false) or the apply pass. */
static int state_pass(struct machine *m, const void *state, size_t len, bool apply, char *err,
                      size_t errlen)
{
    struct snap_ctx ctx = { .apply = apply, .err = err, .errlen = errlen };
    struct snap_reader top, all, sec;
    snap_reader_init(&top, &ctx, state, len);
    if (!snap_enter(&top, "rvbox-machine", 1, &all))
        return -1;
    if (snap_enter(&all, "machine", 1, &sec) && !fields_load(m, &sec))
        snap_leave(&sec);
    if (snap_ok(&all) && snap_enter(&all, "clock", 1, &sec) && !clock_load(&m->clock, &sec))
        snap_leave(&sec);
    for (unsigned i = 0; i < m->nharts; i++)
        if (snap_ok(&all) && snap_enter(&all, "hart", HART_SECTION_VERSION, &sec) &&
            !hart_load(m->harts[i], &sec))
            snap_leave(&sec);
    if (m->nharts > 1 && snap_ok(&all) && snap_enter(&all, "turns", 1, &sec) &&
        !turns_load(m, &sec))
        snap_leave(&sec);
    const struct bus_region *r;
    for (unsigned i = 0; snap_ok(&all) && (r = bus_region_at(m->bus, i)); i++) {
        if (!r->snap)
            return snap_fail(&all, "%s at 0x%08x has no snapshot support", r->name, r->base);
        if (!snap_enter(&all, r->snap->name, r->snap->version, &sec))
            break;
        uint32_t base = snap_get_u32(&sec), size = snap_get_u32(&sec);
        if (snap_ok(&sec) && (base != r->base || size != r->size))
            return snap_fail(&sec, "saved at 0x%08x+0x%x, here at 0x%08x+0x%x", base, size,
                             r->base, r->size);
        if (!r->snap->load(r->snap_opaque, &sec))
            snap_leave(&sec);
    }
    if (snap_ok(&all) && !snap_at_end(&all)) {
        char name[SNAP_NAME_MAX + 1] = "?";
        snap_peek_name(&all, name);
        return snap_fail(&all, "section %s is more than this machine has", name);
    }
    if (snap_ok(&all))
        snap_leave(&all);
    if (snap_ok(&top) && !snap_at_end(&top))
        snap_fail(&top, "bytes after the machine's state");
    return snap_status(&top);
}

int machine_state_check(struct machine *m, const void *state, size_t len, char *err,
                        size_t errlen)
{
    return state_pass(m, state, len, false, err, errlen);
}

void machine_state_apply(struct machine *m, const void *state, size_t len)
{
    char err[8];
    state_pass(m, state, len, true, err, sizeof err);   /* checked: cannot fail */
    const struct bus_region *r;
    for (unsigned i = 0; (r = bus_region_at(m->bus, i)); i++)
        if (r->snap->post_load)
            r->snap->post_load(r->snap_opaque);
    for (unsigned i = 0; i < m->nharts; i++)
        hart_flush_caches(m->harts[i]);
    machine_loaded(m);
    /* Held by the host: it goes on from the loaded time when it lets go. */
    if (m->clock_held)
        m->held_ticks = clock_ticks(&m->clock);
}

const struct blockdev *machine_disk(const struct machine *m, unsigned slot)
{
    return slot < MACHINE_MAX_DISKS ? m->disks[slot] : NULL;
}

/* ---- in memory ---- */

static bool page_is_zero(const uint8_t *p)
{
    const uint64_t *q = (const uint64_t *)(const void *)p;
    uint64_t any = 0;
    for (unsigned i = 0; i < PAGE / 8; i++)
        any |= q[i];
    return any == 0;
}

static void page_unref(struct snap_page *p)
{
    if (p && --p->refs == 0)
        free(p);
}

/* RAM into s->pages: each page shared with `prev` where equal, NULL where zero, a new
 * copy otherwise. False when memory is short. */
static bool take_ram(struct machine *m, struct machine_snapshot *s,
                     const struct machine_snapshot *prev)
{
    s->npages = m->ram_size / PAGE;
    if (!(s->pages = calloc(s->npages, sizeof *s->pages)))
        return false;
    if (prev && prev->npages != s->npages)
        prev = NULL;
    for (uint32_t i = 0; i < s->npages; i++) {
        const uint8_t *p = m->ram + (size_t)i * PAGE;
        struct snap_page *old = prev ? prev->pages[i] : NULL;
        if (old && !memcmp(p, old->data, PAGE)) {
            old->refs++;
            s->pages[i] = old;
        } else if (!page_is_zero(p)) {
            struct snap_page *n = malloc(sizeof *n);
            if (!n)
                return false;
            n->refs = 1;
            memcpy(n->data, p, PAGE);
            s->pages[i] = n;
            s->own_bytes += PAGE;
        }
    }
    return true;
}

/* Disk marks: one per writable disk with an undo layer. */
static bool take_disks(struct machine *m, struct machine_snapshot *s)
{
    for (unsigned i = 0; i < MACHINE_MAX_DISKS; i++) {
        const struct blockdev *bd = m->disks[i];
        if (!bd || bd->readonly)
            continue;
        if (!bd->undo) {
            s->no_undo[i] = true;
            continue;
        }
        s->undo[i] = bd->undo;
        if (!(s->mark[i] = disk_undo_mark(bd->undo)))
            return false;
    }
    return true;
}

struct machine_snapshot *machine_snapshot_take(struct machine *m)
{
    struct machine_snapshot *s = calloc(1, sizeof *s);
    char fp[2048];
    struct snap_writer w;
    snap_writer_init(&w);
    if (!s || machine_state_save(m, &w))
        goto fail;
    machine_fingerprint(m, fp, sizeof fp);
    if (!(s->fingerprint = strdup(fp)))
        goto fail;
    s->state = w.buf;
    s->state_len = w.len;
    s->own_bytes = w.len;
    w.buf = NULL;
    s->position = machine_position(m);
    if (!take_ram(m, s, m->last_snap) || !take_disks(m, s))
        goto fail;
    if (m->last_snap)
        m->last_snap->owner = NULL;
    m->last_snap = s;
    s->owner = m;
    return s;
fail:
    snap_writer_free(&w);
    machine_snapshot_free(s);
    return NULL;
}

/* RAM back as s kept it: only pages that differ are written. */
static void restore_ram(struct machine *m, const struct machine_snapshot *s)
{
    for (uint32_t i = 0; i < s->npages; i++) {
        uint8_t *p = m->ram + (size_t)i * PAGE;
        const struct snap_page *sp = s->pages[i];
        if (!sp) {
            if (!page_is_zero(p))
                memset(p, 0, PAGE);
        } else if (memcmp(p, sp->data, PAGE)) {
            memcpy(p, sp->data, PAGE);
        }
    }
}

int machine_snapshot_restore(struct machine *m, const struct machine_snapshot *s, char *err,
                             size_t errlen)
{
    char fp[2048];
    machine_fingerprint(m, fp, sizeof fp);
    if (machine_fingerprint_compare(fp, s->fingerprint, err, errlen) ||
        machine_state_check(m, s->state, s->state_len, err, errlen))
        return -1;
    for (unsigned i = 0; i < MACHINE_MAX_DISKS; i++) {
        if (s->no_undo[i]) {
            snprintf(err, errlen, "disk %u has no undo layer: it cannot be put back", i);
            return -1;
        }
        if (s->mark[i] && (!m->disks[i] || m->disks[i]->undo != s->undo[i])) {
            snprintf(err, errlen, "disk %u is not the disk the snapshot was taken with", i);
            return -1;
        }
    }
    for (unsigned i = 0; i < MACHINE_MAX_DISKS; i++)
        if (s->mark[i] && disk_undo_revert(s->undo[i], s->mark[i], err, errlen))
            return -1;
    restore_ram(m, s);
    machine_state_apply(m, s->state, s->state_len);
    /* RAM is s's now: the next snapshot is best compared with it. */
    struct machine_snapshot *ms = (struct machine_snapshot *)s;
    if (ms->owner && ms->owner != m && ms->owner->last_snap == ms)
        ms->owner->last_snap = NULL;
    if (m->last_snap && m->last_snap != ms)
        m->last_snap->owner = NULL;
    m->last_snap = ms;
    ms->owner = m;
    return 0;
}

void machine_snapshot_free(struct machine_snapshot *s)
{
    if (!s)
        return;
    if (s->owner && s->owner->last_snap == s)
        s->owner->last_snap = NULL;
    for (uint32_t i = 0; s->pages && i < s->npages; i++)
        page_unref(s->pages[i]);
    for (unsigned i = 0; i < MACHINE_MAX_DISKS; i++)
        if (s->mark[i])
            disk_undo_release(s->undo[i], s->mark[i]);
    free(s->pages);
    free(s->state);
    free(s->fingerprint);
    free(s);
}

/* The machine is going away: its last snapshot no longer points back at it. */
void machine_snapshot_forget(struct machine *m)
{
    if (m->last_snap)
        m->last_snap->owner = NULL;
    m->last_snap = NULL;
}

uint64_t machine_snapshot_position(const struct machine_snapshot *s)
{
    return s->position;
}

size_t machine_snapshot_bytes(const struct machine_snapshot *s)
{
    return s->own_bytes;
}
