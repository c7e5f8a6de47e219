/*
 * The emulator as a library: one machine, the `virt` board (bus/memmap.h), with its RAM,
 * its hart and its devices. The CLI, the tests and the benchmarks all drive it through
 * this header; several machines may live in one process.
 *
 *   m = machine_create(&config, err, sizeof err);
 *   copy images into machine_ram(m, addr, len), hart_set_pc(machine_hart(m), entry);
 *   while (machine_run(m, budget) != MACHINE_EXITED) { wait when MACHINE_IDLE }
 *   machine_exit_code(m); machine_destroy(m);
 *
 * The machine never touches a terminal, a window or a file: its backends (the console)
 * come in the config.
 */
#ifndef RVBOX_MACHINE_H
#define RVBOX_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/chardev.h"

struct bus;
struct hart;

struct machine_config {
    uint32_t ram_size;          /* bytes, a multiple of 4 KiB, at MEMMAP_RAM_BASE */
    uint32_t reset_pc;          /* where the hart starts */
    bool has_tohost;            /* HTIF: the program's `tohost` symbol */
    uint32_t tohost;
    struct chardev console;     /* HTIF's console output */
};

enum machine_state {
    MACHINE_RUNNING,            /* ran its budget: call again */
    MACHINE_IDLE,               /* the hart waits for an interrupt */
    MACHINE_EXITED,             /* the guest asked to end: see machine_exit_code */
};

struct machine;

/* NULL on failure, with a one-line reason in err. */
struct machine *machine_create(const struct machine_config *cfg, char *err, size_t errlen);
void machine_destroy(struct machine *m);

/* Run up to `budget` instructions, then let devices act. */
enum machine_state machine_run(struct machine *m, uint64_t budget);

/* The guest's exit code once MACHINE_EXITED: 0 is success. */
uint32_t machine_exit_code(const struct machine *m);

/* Host pointer to guest RAM [addr, addr + len), or NULL if that is not all RAM. For
 * loaders: it reaches every byte of RAM, including pages a device overlays. */
uint8_t *machine_ram(struct machine *m, uint32_t addr, uint32_t len);

struct hart *machine_hart(struct machine *m);
struct bus *machine_bus(struct machine *m);

/* The machine's clock in timebase ticks (10 MHz). */
uint64_t machine_time(const struct machine *m);

#endif
