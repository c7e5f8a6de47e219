#include "bus/bus.h"

#include <stdlib.h>
#include <string.h>

struct bus {
    unsigned count;
    struct bus_region regions[BUS_MAX_REGIONS];    /* sorted by base */
};

struct bus *bus_create(void)
{
    return calloc(1, sizeof(struct bus));
}

void bus_destroy(struct bus *bus)
{
    free(bus);
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

const struct bus_region *bus_find(const struct bus *bus, uint32_t addr)
{
    for (unsigned i = 0; i < bus->count; i++) {
        const struct bus_region *r = &bus->regions[i];
        if (addr < r->base)
            break;
        if (addr - r->base < r->size)
            return r;
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
        memcpy(&v, r->host + off, size);     /* host and guest are both little-endian */
        *value = v;
        return true;
    }
    if (!mmio_access_ok(r, off, size))
        return false;
    return r->read(r->opaque, off, size, value);
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
        memcpy(r->host + off, &value, size);
        return true;
    }
    if (!mmio_access_ok(r, off, size))
        return false;
    return r->write(r->opaque, off, size, value);
}
