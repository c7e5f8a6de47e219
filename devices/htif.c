#include "devices/htif.h"

#include <stdlib.h>
#include <string.h>

#include "devices/snapshot.h"

#define HTIF_PAGE_SIZE 4096u

struct htif {
    uint8_t *page;
    uint32_t page_base;
    uint32_t tohost_off;            /* offset of tohost in the page */
    struct chardev console;
    void (*stop)(void *opaque);
    void *stop_opaque;
    bool lo_written, hi_written;    /* halves of tohost stored since the last request */
    bool exited;
    uint32_t exit_code;
};

struct htif *htif_create(uint8_t *page, uint32_t page_base, uint32_t tohost,
                         const struct chardev *console, void (*stop)(void *opaque),
                         void *stop_opaque)
{
    struct htif *htif = calloc(1, sizeof *htif);
    if (!htif)
        return NULL;
    htif->page = page;
    htif->page_base = page_base;
    htif->tohost_off = tohost - page_base;
    if (console)
        htif->console = *console;
    htif->stop = stop;
    htif->stop_opaque = stop_opaque;
    return htif;
}

void htif_destroy(struct htif *htif)
{
    free(htif);
}

bool htif_exited(const struct htif *htif, uint32_t *code)
{
    if (htif->exited && code)
        *code = htif->exit_code;
    return htif->exited;
}

static uint32_t page_word(const struct htif *htif, uint32_t off)
{
    uint32_t v;
    memcpy(&v, htif->page + off, 4);
    return v;
}

static void clear_tohost(struct htif *htif)
{
    memset(htif->page + htif->tohost_off, 0, 8);
}

/* The program stored the low word of tohost: carry out the request. */
static void htif_command(struct htif *htif)
{
    uint32_t lo = page_word(htif, htif->tohost_off);
    uint32_t hi = page_word(htif, htif->tohost_off + 4);
    unsigned device = hi >> 24, command = (hi >> 16) & 0xff;

    if (device == 0 && command == 0 && (lo & 1) && (hi & 0xffff) == 0) {
        htif->exited = true;
        htif->exit_code = lo >> 1;
        if (htif->stop)
            htif->stop(htif->stop_opaque);
        return;                     /* tohost keeps the value, as on Spike */
    }
    if (device == 1 && command == 1 && htif->console.write)
        htif->console.write(htif->console.opaque, (uint8_t)lo);
    /* Anything else (riscv-tests' syscall proxy, unknown devices) is not supported:
     * acknowledge it so the program does not wait forever. */
    clear_tohost(htif);
}

static bool htif_read(void *opaque, uint32_t off, unsigned size, uint32_t *value)
{
    struct htif *htif = opaque;
    uint32_t v = 0;
    memcpy(&v, htif->page + off, size);
    *value = v;
    return true;
}

/* A request is complete once both 32-bit halves of tohost have been stored, in either
 * order: riscv-tests and QEMU store the low word first, others the high word first. */
static bool htif_write(void *opaque, uint32_t off, unsigned size, uint32_t value)
{
    struct htif *htif = opaque;
    memcpy(htif->page + off, &value, size);
    if (size != 4)
        return true;
    htif->lo_written |= off == htif->tohost_off;
    htif->hi_written |= off == htif->tohost_off + 4;
    if (htif->lo_written && htif->hi_written) {
        htif->lo_written = htif->hi_written = false;
        htif_command(htif);
    }
    return true;
}

/* ---- snapshots: which halves of tohost were stored, and whether the program ended;
 * the page's bytes are RAM's and are saved with it ---- */

SNAP_LAYOUT(struct htif, 64);

static void htif_save(const void *opaque, struct snap_writer *w)
{
    const struct htif *htif = opaque;
    snap_put_u32(w, htif->page_base + htif->tohost_off);
    snap_put_bool(w, htif->lo_written);
    snap_put_bool(w, htif->hi_written);
    snap_put_bool(w, htif->exited);
    snap_put_u32(w, htif->exit_code);
}

static int htif_load(void *opaque, struct snap_reader *r)
{
    struct htif *htif = opaque;
    struct htif s = *htif;
    uint32_t tohost = snap_get_u32(r);
    if (snap_ok(r) && tohost != htif->page_base + htif->tohost_off)
        return snap_fail(r, "tohost was at 0x%08x, here it is at 0x%08x", tohost,
                         htif->page_base + htif->tohost_off);
    s.lo_written = snap_get_bool(r);
    s.hi_written = snap_get_bool(r);
    s.exited = snap_get_bool(r);
    s.exit_code = snap_get_u32(r);
    if (!snap_applying(r))
        return snap_status(r);
    *htif = s;
    return 0;
}

static const struct snap_ops htif_snap = {
    .name = "htif", .version = 1, .save = htif_save, .load = htif_load,
};

enum bus_error htif_attach(struct htif *htif, struct bus *bus)
{
    enum bus_error e = bus_add_mmio(bus, "htif", htif->page_base, HTIF_PAGE_SIZE, BUS_SIZE_ALL,
                                    htif, htif_read, htif_write);
    if (!e)
        bus_set_snapshot(bus, htif->page_base, &htif_snap, htif);
    return e;
}
