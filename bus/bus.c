#define _DEFAULT_SOURCE     /* MAP_ANONYMOUS */
#include "bus/bus.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE_SHIFT 12
#define CODE_MAP_BYTES ((1u << (32 - PAGE_SHIFT)) / 8)     /* one bit per 4K page */

struct code_listener {
    bus_code_fn written, marked;
    void *opaque;
};

struct store_listener {
    bus_store_fn fn;
    void *opaque;
};

struct bus {
    unsigned count;
    unsigned last;                                  /* the region found last: a hint */
    struct bus_region regions[BUS_MAX_REGIONS];    /* sorted by base */
    uint8_t *code_map;                              /* bit per page: decoded code there */
    unsigned nlisteners;
    struct code_listener listeners[BUS_MAX_CODE_LISTENERS];
    unsigned nstore;
    struct store_listener store[BUS_MAX_CODE_LISTENERS];
    unsigned nwatched;
    uint32_t watched[BUS_MAX_WATCHED];              /* page numbers */
    struct guest_log log;                           /* bus/log.h */
    /* One host thread per hart (bus_set_parallel): the machine's lock, QEMU's BQL. It
       is recursive: a device's write may DMA (bus_dma_ptr), which takes it again. */
    bool parallel;
    pthread_mutex_t lock;
};

struct bus *bus_create(void)
{
    struct bus *bus = calloc(1, sizeof(struct bus));
    if (!bus)
        return NULL;
    /* Mapped, not allocated: a zero page costs nothing until a page of code is marked. */
    void *map = mmap(NULL, CODE_MAP_BYTES, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) {
        free(bus);
        return NULL;
    }
    bus->code_map = map;
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&bus->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    return bus;
}

void bus_set_parallel(struct bus *bus, bool on)
{
    bus->parallel = on;
}

bool bus_parallel(const struct bus *bus)
{
    return bus->parallel;
}

void bus_lock(struct bus *bus)
{
    if (bus->parallel)
        pthread_mutex_lock(&bus->lock);
}

void bus_unlock(struct bus *bus)
{
    if (bus->parallel)
        pthread_mutex_unlock(&bus->lock);
}

/*
 * Guest RAM, read and written by the bus's slow path. Other harts read and write the same
 * bytes from their own threads without any lock (their TLB's fast path, and code built
 * from it): races in guest memory are the guest's business, which is why these two are
 * functions of their own, named in tests/tsan.supp.
 */
__attribute__((noinline)) void bus_ram_read(void *dst, const uint8_t *ram, size_t len)
{
    memcpy(dst, ram, len);
}

__attribute__((noinline)) void bus_ram_write(uint8_t *ram, const void *src, size_t len)
{
    memcpy(ram, src, len);
}

void bus_destroy(struct bus *bus)
{
    if (!bus)
        return;
    munmap(bus->code_map, CODE_MAP_BYTES);
    pthread_mutex_destroy(&bus->lock);
    free(bus);
}

bool bus_add_code_listener(struct bus *bus, bus_code_fn written, bus_code_fn marked,
                           void *opaque)
{
    if (bus->nlisteners == BUS_MAX_CODE_LISTENERS || !written)
        return false;
    bus->listeners[bus->nlisteners++] = (struct code_listener){ written, marked, opaque };
    return true;
}

void bus_remove_code_listener(struct bus *bus, void *opaque)
{
    for (unsigned i = 0; i < bus->nlisteners; i++) {
        if (bus->listeners[i].opaque == opaque) {
            bus->listeners[i] = bus->listeners[--bus->nlisteners];
            return;
        }
    }
}

/* The code map's bits are read without the lock (a hart asking whether a page still
 * holds code), written under it. */
bool bus_is_code(const struct bus *bus, uint32_t addr)
{
    uint32_t page = addr >> PAGE_SHIFT;
    return __atomic_load_n(&bus->code_map[page / 8], __ATOMIC_RELAXED) & (1u << (page % 8));
}

void bus_mark_code(struct bus *bus, uint32_t addr)
{
    if (bus_is_code(bus, addr))
        return;
    bus_lock(bus);
    uint32_t page = addr >> PAGE_SHIFT;
    __atomic_fetch_or(&bus->code_map[page / 8], (uint8_t)(1u << (page % 8)), __ATOMIC_RELAXED);
    for (unsigned i = 0; i < bus->nlisteners; i++)
        if (bus->listeners[i].marked)
            bus->listeners[i].marked(bus->listeners[i].opaque, page << PAGE_SHIFT);
    bus_unlock(bus);
}

bool bus_add_store_listener(struct bus *bus, bus_store_fn fn, void *opaque)
{
    if (bus->nstore == BUS_MAX_CODE_LISTENERS || !fn)
        return false;
    bus->store[bus->nstore++] = (struct store_listener){ fn, opaque };
    return true;
}

void bus_remove_store_listener(struct bus *bus, void *opaque)
{
    for (unsigned i = 0; i < bus->nstore; i++) {
        if (bus->store[i].opaque == opaque) {
            bus->store[i] = bus->store[--bus->nstore];
            return;
        }
    }
}

bool bus_is_watched(const struct bus *bus, uint32_t addr)
{
    uint32_t page = addr >> PAGE_SHIFT;
    for (unsigned i = 0; i < bus->nwatched; i++)
        if (bus->watched[i] == page)
            return true;
    return false;
}

bool bus_watch_page(struct bus *bus, uint32_t addr, bool on)
{
    uint32_t page = addr >> PAGE_SHIFT;
    for (unsigned i = 0; i < bus->nwatched; i++) {
        if (bus->watched[i] != page)
            continue;
        if (!on)
            bus->watched[i] = bus->watched[--bus->nwatched];
        return true;
    }
    if (!on)
        return true;
    if (bus->nwatched == BUS_MAX_WATCHED)
        return false;
    bus->watched[bus->nwatched++] = page;
    for (unsigned i = 0; i < bus->nlisteners; i++)
        if (bus->listeners[i].marked)
            bus->listeners[i].marked(bus->listeners[i].opaque, page << PAGE_SHIFT);
    return true;
}

static void tell_stored(struct bus *bus, uint32_t addr, uint32_t len, bool dma)
{
    for (unsigned i = 0; i < bus->nstore; i++)
        bus->store[i].fn(bus->store[i].opaque, addr, len, dma);
}

/* A write is about to change [addr, addr + len): decoded code there is stale. */
static void code_written(struct bus *bus, uint32_t addr, uint32_t len)
{
    if (len == 0)
        return;
    uint32_t first = addr >> PAGE_SHIFT, last = (uint32_t)(((uint64_t)addr + len - 1) >> PAGE_SHIFT);
    for (uint32_t page = first; page <= last; page++) {
        uint8_t bit = (uint8_t)(1u << (page % 8));
        if (!(__atomic_load_n(&bus->code_map[page / 8], __ATOMIC_RELAXED) & bit))
            continue;
        __atomic_fetch_and(&bus->code_map[page / 8], (uint8_t)~bit, __ATOMIC_RELAXED);
        for (unsigned i = 0; i < bus->nlisteners; i++)
            bus->listeners[i].written(bus->listeners[i].opaque, page << PAGE_SHIFT);
    }
}

const char *bus_error_str(enum bus_error err)
{
    switch (err) {
    case BUS_ERR_NONE:    return "no error";
    case BUS_ERR_OVERLAP: return "overlaps an existing region";
    case BUS_ERR_RANGE:   return "empty or wraps past 4 GiB";
    case BUS_ERR_FULL:    return "too many regions";
    case BUS_ERR_SIZES:   return "no legal access size or no callbacks";
    }
    return "unknown bus error";
}

/* Insert keeping the table sorted, so lookups can stop early and listings are in order. */
static enum bus_error bus_insert(struct bus *bus, const struct bus_region *r)
{
    if (r->size == 0 || (uint64_t)r->base + r->size > 0x100000000ull)
        return BUS_ERR_RANGE;
    if (bus->count == BUS_MAX_REGIONS)
        return BUS_ERR_FULL;
    uint64_t end = (uint64_t)r->base + r->size;
    unsigned pos = 0;
    for (unsigned i = 0; i < bus->count; i++) {
        const struct bus_region *o = &bus->regions[i];
        uint64_t o_end = (uint64_t)o->base + o->size;
        if (r->base < o_end && o->base < end)
            return BUS_ERR_OVERLAP;
        if (o->base < r->base)
            pos = i + 1;
    }
    memmove(&bus->regions[pos + 1], &bus->regions[pos],
            (bus->count - pos) * sizeof(struct bus_region));
    bus->regions[pos] = *r;
    bus->count++;
    return BUS_ERR_NONE;
}

enum bus_error bus_add_memory(struct bus *bus, const char *name, uint32_t base, uint32_t size,
                              uint8_t *host, bool writable)
{
    if (!host)
        return BUS_ERR_SIZES;
    struct bus_region r = { .name = name, .base = base, .size = size,
                            .host = host, .writable = writable };
    return bus_insert(bus, &r);
}

enum bus_error bus_add_mmio(struct bus *bus, const char *name, uint32_t base, uint32_t size,
                            unsigned sizes, void *opaque, bus_read_fn read, bus_write_fn write)
{
    if ((sizes & BUS_SIZE_ALL) == 0 || !read || !write)
        return BUS_ERR_SIZES;
    struct bus_region r = { .name = name, .base = base, .size = size, .sizes = sizes,
                            .opaque = opaque, .read = read, .write = write };
    return bus_insert(bus, &r);
}

bool bus_set_snapshot(struct bus *bus, uint32_t base, const struct snap_ops *ops,
                      void *opaque)
{
    for (unsigned i = 0; i < bus->count; i++) {
        if (bus->regions[i].base == base) {
            bus->regions[i].snap = ops;
            bus->regions[i].snap_opaque = opaque;
            return true;
        }
    }
    return false;
}

/* Page walks, DMA and slow-path accesses mostly hit the region they hit last (RAM):
 * look there first. */
const struct bus_region *bus_find(const struct bus *bus, uint32_t addr)
{
    unsigned last = __atomic_load_n(&bus->last, __ATOMIC_RELAXED);
    if (last < bus->count) {
        const struct bus_region *r = &bus->regions[last];
        if (addr - r->base < r->size)
            return r;
    }
    for (unsigned i = 0; i < bus->count; i++) {
        const struct bus_region *r = &bus->regions[i];
        if (addr < r->base)
            break;
        if (addr - r->base < r->size) {
            /* a hint, not state: const to callers (and shared by the harts' threads) */
            __atomic_store_n(&((struct bus *)bus)->last, i, __ATOMIC_RELAXED);
            return r;
        }
    }
    return NULL;
}

const struct bus_region *bus_region_at(const struct bus *bus, unsigned i)
{
    return i < bus->count ? &bus->regions[i] : NULL;
}

uint8_t *bus_host_ptr(struct bus *bus, uint32_t addr, uint32_t len, bool write)
{
    const struct bus_region *r = bus_find(bus, addr);
    if (!r || !r->host || (write && !r->writable))
        return NULL;
    if (len > r->size - (addr - r->base))
        return NULL;
    return r->host + (addr - r->base);
}

uint8_t *bus_dma_ptr(struct bus *bus, uint32_t addr, uint32_t len, bool write)
{
    uint8_t *p = bus_host_ptr(bus, addr, len, write);
    if (p && write) {
        bus_lock(bus);
        code_written(bus, addr, len);
        tell_stored(bus, addr, len, true);
        bus_unlock(bus);
    }
    return p;
}

bool bus_host_to_phys(const struct bus *bus, const void *host, uint32_t *addr)
{
    uintptr_t h = (uintptr_t)host;
    for (unsigned i = 0; i < bus->count; i++) {
        const struct bus_region *r = &bus->regions[i];
        if (r->host && h >= (uintptr_t)r->host && h - (uintptr_t)r->host < r->size) {
            *addr = r->base + (uint32_t)(h - (uintptr_t)r->host);
            return true;
        }
    }
    return false;
}

/* An MMIO access must be of a declared size and naturally aligned. */
static bool mmio_access_ok(const struct bus_region *r, uint32_t off, unsigned size)
{
    if (size != 1 && size != 2 && size != 4)
        return false;
    if (!(r->sizes & size))     /* BUS_SIZE_n == n for n = 1, 2, 4 */
        return false;
    return (off & (size - 1)) == 0 && size <= r->size - off;
}

bool bus_read(struct bus *bus, uint32_t addr, unsigned size, uint32_t *value)
{
    const struct bus_region *r = bus_find(bus, addr);
    if (!r)
        return false;
    uint32_t off = addr - r->base;
    if (r->host) {
        if (size > r->size - off || (size != 1 && size != 2 && size != 4))
            return false;
        uint32_t v = 0;
        bus_ram_read(&v, r->host + off, size);     /* host and guest: little-endian */
        *value = v;
        return true;
    }
    if (!mmio_access_ok(r, off, size))
        return false;
    bus_lock(bus);
    bool ok = r->read(r->opaque, off, size, value);
    bus_unlock(bus);
    return ok;
}

bool bus_write(struct bus *bus, uint32_t addr, unsigned size, uint32_t value)
{
    const struct bus_region *r = bus_find(bus, addr);
    if (!r)
        return false;
    uint32_t off = addr - r->base;
    if (r->host) {
        if (!r->writable || size > r->size - off || (size != 1 && size != 2 && size != 4))
            return false;
        bus_lock(bus);
        code_written(bus, addr, size);
        if (bus->nwatched && (bus_is_watched(bus, addr) || bus_is_watched(bus, addr + size - 1)))
            tell_stored(bus, addr, size, false);
        bus_ram_write(r->host + off, &value, size);
        bus_unlock(bus);
        return true;
    }
    if (!mmio_access_ok(r, off, size))
        return false;
    bus_lock(bus);
    bool ok = r->write(r->opaque, off, size, value);
    bus_unlock(bus);
    return ok;
}

struct guest_log *bus_log(struct bus *bus)
{
    return &bus->log;
}
