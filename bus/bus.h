/*
 * The physical address space of one machine.
 *
 * The bus owns the memory map: a sorted table of regions, each either
 *   - memory (RAM, ROM): backed by a host buffer that the bus does not own; the CPU asks
 *     bus_host_ptr() once per page and then loads, stores and fetches through the host
 *     pointer, never through a callback; or
 *   - MMIO: a device's read/write callbacks, which see only an offset into the region and
 *     only the access sizes the device declared legal.
 * Regions never overlap: registration refuses it. An access that hits no region, or an MMIO
 * access of an illegal size or alignment, fails; the CPU turns that into an access fault.
 *
 * The bus knows neither the CPU nor any device: devices are opaque pointers to it.
 */
#ifndef RVBOX_BUS_H
#define RVBOX_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus/log.h"

#define BUS_MAX_REGIONS 32

struct snap_ops;

/* Legal access sizes of an MMIO region, as a mask. */
#define BUS_SIZE_1   (1u << 0)
#define BUS_SIZE_2   (1u << 1)
#define BUS_SIZE_4   (1u << 2)
#define BUS_SIZE_ALL (BUS_SIZE_1 | BUS_SIZE_2 | BUS_SIZE_4)

/* An MMIO device's callbacks. `offset` is relative to the region's base, aligned to `size`
 * (1, 2 or 4), and `size` is one the region declared legal. Returning false reports an
 * access fault to the CPU (e.g. a write to a read-only register that must fault). */
typedef bool (*bus_read_fn)(void *opaque, uint32_t offset, unsigned size, uint32_t *value);
typedef bool (*bus_write_fn)(void *opaque, uint32_t offset, unsigned size, uint32_t value);

struct bus_region {
    const char *name;
    uint32_t base;
    uint32_t size;
    uint8_t *host;          /* memory regions: the backing buffer; NULL for MMIO */
    bool writable;          /* memory regions: RAM true, ROM false */
    unsigned sizes;         /* MMIO regions: BUS_SIZE_* mask */
    void *opaque;           /* MMIO regions: handed back to read/write */
    bus_read_fn read;
    bus_write_fn write;
    /* How the region's state is saved in a snapshot (devices/snapshot.h): the bus only
       carries it for whoever mapped the region (bus_set_snapshot). */
    const struct snap_ops *snap;
    void *snap_opaque;
};

enum bus_error {
    BUS_ERR_NONE = 0,
    BUS_ERR_OVERLAP,        /* the new region overlaps a registered one */
    BUS_ERR_RANGE,          /* size 0, or base + size wraps past 4 GiB */
    BUS_ERR_FULL,           /* BUS_MAX_REGIONS reached */
    BUS_ERR_SIZES,          /* an MMIO region with no legal access size or no callbacks */
};

struct bus;

struct bus *bus_create(void);
void bus_destroy(struct bus *bus);

/* Map `size` bytes of `host` at `base`. The buffer stays the caller's. */
enum bus_error bus_add_memory(struct bus *bus, const char *name, uint32_t base, uint32_t size,
                              uint8_t *host, bool writable);

/* Map an MMIO device at `base`. */
enum bus_error bus_add_mmio(struct bus *bus, const char *name, uint32_t base, uint32_t size,
                            unsigned sizes, void *opaque, bus_read_fn read, bus_write_fn write);

const char *bus_error_str(enum bus_error err);

/* Say how the region at `base` is saved in a snapshot: `ops` with `opaque` handed back.
 * Every region of a machine must have one (machine_snapshot_check walks them). False:
 * no region starts at `base`. */
bool bus_set_snapshot(struct bus *bus, uint32_t base, const struct snap_ops *ops,
                      void *opaque);

/* The host address of [addr, addr + len) if that range lies inside one memory region
 * (writable ones only when `write`), else NULL. The CPU caches the answer per page. */
uint8_t *bus_host_ptr(struct bus *bus, uint32_t addr, uint32_t len, bool write);

/* A load or store of 1, 2 or 4 bytes, little-endian. False: nothing answers at `addr`, the
 * size or alignment is illegal there, the region is read-only (stores), or the device
 * refused. Memory regions accept any size and alignment within them. */
bool bus_read(struct bus *bus, uint32_t addr, unsigned size, uint32_t *value);
bool bus_write(struct bus *bus, uint32_t addr, unsigned size, uint32_t value);

/*
 * Code pages. A CPU that keeps instructions decoded (cpu/block.c) marks the physical
 * pages they came from; the first write to a marked page, by a store that reaches the
 * bus or by a device's DMA (bus_dma_ptr), unmarks it and tells every listener, which
 * then forgets what it decoded there. A CPU's own fast stores never reach the bus, so
 * it must not cache store translations for marked pages (bus_is_code).
 */
typedef void (*bus_code_fn)(void *opaque, uint32_t page);    /* page: physical, 4K-aligned */

#define BUS_MAX_CODE_LISTENERS 8

/* Register a listener (false: too many). `written` is called when a marked page is
 * written; `marked` (may be NULL) when a page is marked, so that listeners drop their
 * store translations for it. */
bool bus_add_code_listener(struct bus *bus, bus_code_fn written, bus_code_fn marked,
                           void *opaque);
void bus_remove_code_listener(struct bus *bus, void *opaque);

void bus_mark_code(struct bus *bus, uint32_t addr);
bool bus_is_code(const struct bus *bus, uint32_t addr);

/*
 * Reservations across harts (LR/SC). A hart's own fast stores never reach the bus, so a
 * page where a hart that is not running holds a reservation is *watched* (the machine
 * says which, devices/machine.c): like a code page, a CPU caches no store translation for
 * it (bus_is_watched; bus_watch_page tells the `marked` code listeners to drop theirs),
 * so every store to it reaches the bus. The store listeners hear of every write to a
 * watched page that reaches the bus, and of every DMA write anywhere (`dma` true), with
 * its physical range, and break the reservations it touches. (With the harts in threads
 * of their own nothing is watched: reservations compare values there, cpu/exec.c.)
 */
typedef void (*bus_store_fn)(void *opaque, uint32_t addr, uint32_t len, bool dma);

#define BUS_MAX_WATCHED 8

bool bus_add_store_listener(struct bus *bus, bus_store_fn fn, void *opaque);
void bus_remove_store_listener(struct bus *bus, void *opaque);

/* Watch the page holding addr, or stop watching it; at most BUS_MAX_WATCHED pages are
 * watched at once (false: no room). */
bool bus_watch_page(struct bus *bus, uint32_t addr, bool on);
bool bus_is_watched(const struct bus *bus, uint32_t addr);

/* bus_host_ptr for a device about to write [addr, addr + len) by DMA (write true), or to
 * read it: a write first invalidates the code of the pages it covers, and breaks the
 * reservations in it (the store listeners). */
uint8_t *bus_dma_ptr(struct bus *bus, uint32_t addr, uint32_t len, bool write);

/* The physical address of a host pointer into a memory region, if it is one. */
bool bus_host_to_phys(const struct bus *bus, const void *host, uint32_t *addr);

/* The region holding `addr`, or NULL: for monitors, loaders and tests. */
const struct bus_region *bus_find(const struct bus *bus, uint32_t addr);

/* Region i in address order, or NULL past the last. */
const struct bus_region *bus_region_at(const struct bus *bus, unsigned i);

/*
 * One host thread per hart (-accel ...,thread=multi; devices/machine.c). While the
 * machine runs its harts in parallel, bus_lock() is the machine's one lock (QEMU's "big
 * lock"): the bus takes it around every MMIO callback, every write of guest memory that
 * goes through it (so that the code map and its listeners, and the reservations' store
 * listeners, see one write at a time) and the marking of code pages; a hart takes it
 * around whatever else touches another hart's or a device's state. It is recursive.
 * Outside parallel runs (the machine's harts parked, or one thread) it costs a test.
 * The machine switches parallel on and off only while no hart runs.
 */
void bus_set_parallel(struct bus *bus, bool on);
bool bus_parallel(const struct bus *bus);
void bus_lock(struct bus *bus);
void bus_unlock(struct bus *bus);

/* Guest RAM copied by the bus's slow path and its page walks, kept apart (like the
 * hart's fast path) for ThreadSanitizer's suppressions: guest memory races are the
 * guest's (tests/tsan.supp). */
void bus_ram_read(void *dst, const uint8_t *ram, size_t len);
void bus_ram_write(uint8_t *ram, const void *src, size_t len);

/* The machine's log (bus/log.h): the hart and the devices report through it, the host
 * fills in its sink. It lives as long as the bus. */
struct guest_log *bus_log(struct bus *bus);

#endif
