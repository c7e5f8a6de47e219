/*
 * Shared by the snapshot suites: a machine running tests/snapshot/guest/snapguest.elf
 * under the instruction clock, with its serial output caught in a buffer and a disk
 * under an undo layer, run to exact positions; and what a run ends with (state, RAM,
 * output, disk), to compare two continuations bit for bit.
 */
#ifndef RVBOX_TESTS_SNAPRUN_H
#define RVBOX_TESTS_SNAPRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/blockdev.h"
#include "devices/machine.h"
#include "devices/snapshot.h"

#define SNAPRUN_RAM  (32u << 20)
#define SNAPRUN_DISK (1u << 20)
#define SNAPRUN_OUT  (64u << 10)

struct mem_disk {
    struct blockdev bd;
    uint8_t data[SNAPRUN_DISK];
};

/* A zeroed in-memory disk of SNAPRUN_DISK bytes (malloc'd). */
struct mem_disk *mem_disk_new(bool readonly);

struct disk_undo;

struct run {
    struct machine *m;
    struct mem_disk *own;               /* the disk the run made, if it made one */
    const struct blockdev *below;       /* the disk under the undo layer */
    struct disk_undo *undo;
    char out[SNAPRUN_OUT];
    size_t nout;
};

/* snapguest on engine e, with `below` (NULL: a disk of its own in memory) under a new
 * undo layer, and `ram` bytes of RAM. */
void run_make(struct run *r, enum hart_engine e, const struct blockdev *below, uint32_t ram);
/* The same with the configuration changed by `tweak` before the machine is made. */
void run_make_with(struct run *r, enum hart_engine e, const struct blockdev *below,
                   uint32_t ram, void (*tweak)(struct machine_config *cfg));
void run_free(struct run *r);

/* Run until the hart's position is `pos` (or the guest powers off), skipping idle time. */
enum machine_state run_to(struct run *r, uint64_t pos);

/* A run's end: the machine's state as saved (registers, CSRs, every device), RAM, the
 * serial output since `from`, the disk, the exit code and the position. */
struct outcome {
    struct snap_writer state;
    uint8_t *ram;
    uint32_t ram_size;
    char *out;
    size_t nout;
    uint8_t *disk;
    uint32_t exit_code;
    uint64_t position;
};

void outcome_take(struct run *r, size_t from, struct outcome *o);
void outcome_compare(const struct outcome *a, const struct outcome *b);
void outcome_free(struct outcome *o);

#endif
