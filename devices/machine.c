/*
 * The virt board: creates the bus, maps RAM and the devices at bus/memmap.h's addresses,
 * creates the hart, and runs them in turn.
 */
#include "devices/machine.h"

#include <stdio.h>
#include <stdlib.h>

#include "bus/bus.h"
#include "bus/memmap.h"
#include "cpu/hart.h"
#include "devices/clock.h"
#include "devices/htif.h"

#define PAGE_SIZE 4096u

struct machine {
    struct bus *bus;
    struct hart *hart;
    struct clock clock;
    uint8_t *ram;
    uint32_t ram_size;
    struct htif *htif;
};

static void stop_hart(void *opaque)
{
    hart_yield(opaque);
}

/* Map RAM around the HTIF page, if there is one: [base, page) htif [page + 4K, end). */
static enum bus_error map_ram(struct machine *m, const struct machine_config *cfg)
{
    uint32_t base = MEMMAP_RAM_BASE, size = cfg->ram_size;
    if (!m->htif)
        return bus_add_memory(m->bus, "ram", base, size, m->ram, true);
    uint32_t page = cfg->tohost & ~(PAGE_SIZE - 1);
    uint32_t below = page - base, above = size - below - PAGE_SIZE;
    enum bus_error e = BUS_ERR_NONE;
    if (below)
        e = bus_add_memory(m->bus, "ram", base, below, m->ram, true);
    if (!e && above)
        e = bus_add_memory(m->bus, "ram", page + PAGE_SIZE, above, m->ram + below + PAGE_SIZE,
                           true);
    if (!e)
        e = htif_attach(m->htif, m->bus);
    return e;
}

struct machine *machine_create(const struct machine_config *cfg, char *err, size_t errlen)
{
    if (cfg->ram_size == 0 || cfg->ram_size % PAGE_SIZE || cfg->ram_size > MEMMAP_RAM_MAX) {
        snprintf(err, errlen, "RAM size must be a multiple of 4 KiB, at most 2 GiB");
        return NULL;
    }
    if (cfg->has_tohost && (cfg->tohost < MEMMAP_RAM_BASE ||
                            cfg->tohost - MEMMAP_RAM_BASE > cfg->ram_size - 8 ||
                            (cfg->tohost & 7))) {
        snprintf(err, errlen, "tohost at 0x%08x is not an aligned address in RAM", cfg->tohost);
        return NULL;
    }
    struct machine *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    m->ram_size = cfg->ram_size;
    m->ram = calloc(1, cfg->ram_size);
    m->bus = bus_create();
    if (!m->ram || !m->bus) {
        snprintf(err, errlen, "cannot allocate %u MiB of guest RAM", cfg->ram_size >> 20);
        machine_destroy(m);
        return NULL;
    }
    clock_init(&m->clock);
    struct hart_config hc = {
        .hartid = 0, .reset_pc = cfg->reset_pc, .bus = m->bus,
        .time_now = clock_ticks_cb, .time_opaque = &m->clock,
    };
    m->hart = hart_create(&hc);
    if (m->hart && cfg->has_tohost) {
        uint32_t page = cfg->tohost & ~(PAGE_SIZE - 1);
        m->htif = htif_create(m->ram + (page - MEMMAP_RAM_BASE), page, cfg->tohost,
                              &cfg->console, stop_hart, m->hart);
    }
    if (!m->hart || (cfg->has_tohost && !m->htif)) {
        snprintf(err, errlen, "out of memory");
        machine_destroy(m);
        return NULL;
    }
    enum bus_error e = map_ram(m, cfg);
    if (e) {
        snprintf(err, errlen, "cannot map RAM: %s", bus_error_str(e));
        machine_destroy(m);
        return NULL;
    }
    return m;
}

void machine_destroy(struct machine *m)
{
    if (!m)
        return;
    if (m->htif)
        htif_destroy(m->htif);
    hart_destroy(m->hart);
    bus_destroy(m->bus);
    free(m->ram);
    free(m);
}

enum machine_state machine_run(struct machine *m, uint64_t budget)
{
    enum hart_stop stop = hart_run(m->hart, budget, NULL);
    if (m->htif && htif_exited(m->htif, NULL))
        return MACHINE_EXITED;
    return stop == HART_STOP_WFI ? MACHINE_IDLE : MACHINE_RUNNING;
}

uint32_t machine_exit_code(const struct machine *m)
{
    uint32_t code = 0;
    if (m->htif)
        htif_exited(m->htif, &code);
    return code;
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

struct hart *machine_hart(struct machine *m) { return m->hart; }
struct bus *machine_bus(struct machine *m) { return m->bus; }
uint64_t machine_time(const struct machine *m) { return clock_ticks(&m->clock); }
