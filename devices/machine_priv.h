/*
 * The machine's insides, shared by devices/machine.c (the board) and
 * devices/machine_snapshot.c (saving and loading it). Everyone else uses machine.h.
 */
#ifndef RVBOX_MACHINE_PRIV_H
#define RVBOX_MACHINE_PRIV_H

#include <pthread.h>

#include "devices/clock.h"
#include "devices/machine.h"

struct clint;
struct plic;
struct uart;
struct syscon;
struct rtc;
struct htif;
struct virtio_mmio;
struct virtio_blk;
struct virtio_net;
struct virtio_9p;
struct machine_snapshot;
struct snap_ops;

/* POWER_EXIT: the run ended without the syscon (HTIF, or the host: semihosting). */
enum power_request { POWER_NONE, POWER_OFF, POWER_REBOOT, POWER_EXIT };

/* A wire into hart i: what its interrupt lines and its thread are given. */
struct machine_wire {
    struct machine *m;
    unsigned i;
};

/*
 * One host thread per hart (config.threads, devices/machine.c). The threads are made
 * at the first parallel run and sleep on `go` between runs; hart 0 runs in the caller's
 * thread. `lock` guards the counts and the conditions (never held while taking the
 * bus lock: the order is bus lock, then this).
 */
struct machine_threads {
    pthread_mutex_t lock;
    pthread_cond_t go;          /* a new run (gen moved) or quit */
    pthread_cond_t wake;        /* a hart waiting in WFI may go on: a line rose, a hart
                                   finished, the run ends */
    pthread_cond_t done;        /* the last hart finished its share */
    bool made, quit;
    uint64_t gen;               /* runs started */
    uint64_t share;             /* steps each hart may take in this run */
    unsigned unfinished;        /* harts still in this run */
    unsigned running;           /* of those, harts not asleep in WFI */
    uint64_t steps[MACHINE_MAX_HARTS], retired[MACHINE_MAX_HARTS];
    pthread_t thread[MACHINE_MAX_HARTS];
};

struct machine {
    struct bus *bus;
    struct hart *hart;                  /* hart 0 */
    struct hart *harts[MACHINE_MAX_HARTS];
    unsigned nharts;
    /* The harts take turns (machine_run): `cur` runs next, for up to `quantum_left` more
     * steps of its quantum. Part of the machine's state: where the turns fall is a
     * function of the position, and a snapshot keeps it. */
    unsigned cur;
    uint64_t quantum_left;
    unsigned stop_hart;                 /* whose stop ended the last run (machine_stop_hart) */
    int step_hart;                      /* machine_set_step: -1, or the hart to step */
    bool step_done;
    bool yield;                         /* a device or the host asked the run to end
                                           (in parallel: an atomic, set by any thread) */
    bool threads;                       /* config.threads */
    bool parallel;                      /* the harts are in parallel mode now (changed
                                           only between runs) */
    struct machine_threads mt;
    unsigned nharts_threaded;           /* threads made: harts 1 to this - 1 */
    struct machine_wire wires[MACHINE_MAX_HARTS];
    uint32_t watched[MACHINE_MAX_HARTS];    /* the page each hart's reservation watches
                                               (bus_watch_page), or UINT32_MAX */
    struct clock clock;
    uint8_t *ram;
    uint32_t ram_size;
    uint8_t rom[MEMMAP_BOOTROM_SIZE];
    struct clint *clint;
    struct plic *plic;
    struct uart *uart;
    struct syscon *syscon;
    struct rtc *rtc;
    struct htif *htif;
    struct virtio_mmio *virtio[MEMMAP_VIRTIO_COUNT];
    struct virtio_blk *vblk[MEMMAP_VIRTIO_COUNT];
    struct virtio_net *vnet[MEMMAP_VIRTIO_COUNT];
    struct virtio_9p *vp9[MEMMAP_VIRTIO_COUNT];
    struct framebuffer *fb;
    struct virtio_input *keyboard, *tablet;
    char irq_names[MEMMAP_VIRTIO_COUNT][32];    /* the PLIC's names for the virtio slots */
    uint64_t last_retired;      /* instructions the last machine_run retired */
    uint8_t *dtb;
    uint32_t dtb_size, dtb_addr;
    uint32_t reserved_base;
    enum power_request power;
    uint32_t exit_code;
    enum hart_stop last_stop;   /* of the last hart_run */
    uint64_t service_ns;        /* instruction clock: the next service (clock_elapsed_ns) */
    bool clock_held;            /* machine_hold_clock */
    uint64_t held_ticks;        /* the clock when it was held */
    const struct blockdev *disks[MACHINE_MAX_DISKS];    /* as the config gave them */
    struct machine_snapshot *last_snap;     /* the in-memory snapshot RAM was last
                                               compared with (machine_snapshot.c) */
};

/* devices/machine_snapshot.c: how RAM's and the boot ROM's regions are saved, and the
 * machine's last in-memory snapshot let go of when the machine goes away. */
extern const struct snap_ops machine_ram_snap, machine_rom_snap;
void machine_snapshot_forget(struct machine *m);

/* devices/machine.c: after a state was loaded, what the machine derives from it (the
 * pages its harts' reservations watch). */
void machine_loaded(struct machine *m);

#endif
