/*
 * The test/syscon device (devices/syscon.h): a store to its one register asks the machine
 * to power off or reboot. The device only decodes the request and hands it to the
 * machine's callback; acting on it (ending the run, resetting) is the machine's job,
 * between runs of the harts.
 *
 * 16- and 32-bit accesses, as QEMU's sifive_test takes them; reads return 0.
 */
#include "devices/syscon.h"

#include <stdlib.h>

#include "bus/log.h"
#include "bus/memmap.h"
#include "devices/snapshot.h"

#define SYSCON_FAIL_CODE  0x3333u   /* (code << 16) | 0x3333 */
#define SYSCON_PASS_CODE  0x5555u
#define SYSCON_RESET_CODE 0x7777u

struct syscon {
    void (*action)(void *opaque, enum syscon_action what, uint32_t code);
    void *opaque;
    struct guest_log *log;      /* -d guest_errors: the bus's, once attached */
};

struct syscon *syscon_create(void (*action)(void *opaque, enum syscon_action what,
                                            uint32_t code),
                             void *opaque)
{
    struct syscon *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->action = action;
    s->opaque = opaque;
    return s;
}

void syscon_destroy(struct syscon *s)
{
    free(s);
}

static void syscon_request(struct syscon *s, enum syscon_action what, uint32_t code)
{
    if (s->action)
        s->action(s->opaque, what, code);
}

static bool syscon_read(void *opaque, uint32_t off, unsigned size, uint32_t *value)
{
    (void)opaque;
    (void)off;
    (void)size;
    *value = 0;
    return true;
}

/* A failure code of 0 would read as success: report it as 1, as QEMU does. */
static bool syscon_write(void *opaque, uint32_t off, unsigned size, uint32_t value)
{
    struct syscon *s = opaque;
    (void)size;
    if (off != 0) {
        GUEST_LOG(s->log, GUEST_LOG_ERROR, "syscon: write of %08x to offset %03x: only "
                  "offset 0 takes commands (ignored)", value, off);
        return true;
    }
    switch (value & 0xffffu) {
    case SYSCON_PASS_CODE:
        syscon_request(s, SYSCON_POWEROFF, 0);
        break;
    case SYSCON_FAIL_CODE: {
        uint32_t code = value >> 16;
        syscon_request(s, SYSCON_FAIL, code ? code : 1);
        break;
    }
    case SYSCON_RESET_CODE:
        syscon_request(s, SYSCON_REBOOT, 0);
        break;
    default:                        /* anything else is ignored, as QEMU's sifive_test */
        GUEST_LOG(s->log, GUEST_LOG_ERROR, "syscon: write of %08x: not a command (0x5555 "
                  "power off, 0x3333 fail, 0x7777 reboot, in the low 16 bits): ignored",
                  value);
        break;
    }
    return true;
}

/* ---- snapshots: the syscon holds no state (a request is the machine's, saved with it;
 * the log is the bus's); its section is empty, and says so ---- */

SNAP_LAYOUT(struct syscon, 24);

static void syscon_save(const void *opaque, struct snap_writer *w)
{
    (void)opaque, (void)w;
}

static int syscon_load(void *opaque, struct snap_reader *r)
{
    (void)opaque;
    return snap_status(r);
}

static const struct snap_ops syscon_snap = {
    .name = "syscon", .version = 1, .save = syscon_save, .load = syscon_load,
};

enum bus_error syscon_attach(struct syscon *s, struct bus *bus, uint32_t base)
{
    s->log = bus_log(bus);
    enum bus_error e = bus_add_mmio(bus, "syscon", base, MEMMAP_SYSCON_SIZE,
                                    BUS_SIZE_2 | BUS_SIZE_4, s, syscon_read, syscon_write);
    if (!e)
        bus_set_snapshot(bus, base, &syscon_snap, s);
    return e;
}
