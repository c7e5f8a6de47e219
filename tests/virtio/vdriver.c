#include "vdriver.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static void vd_irq_set(void *opaque, unsigned num, bool level)
{
    struct vd_irq *irq = opaque;
    (void)num;
    if (level && !irq->level)
        irq->raises++;
    irq->level = level;
}

void vd_machine_init(struct vd_machine *m, unsigned version)
{
    memset(m, 0, sizeof *m);
    m->version = version;
    m->bus = bus_create();
    ck_assert_ptr_nonnull(m->bus);
    m->ram = calloc(1, VD_RAM_SIZE);
    ck_assert_ptr_nonnull(m->ram);
    ck_assert_int_eq(bus_add_memory(m->bus, "ram", VD_RAM_BASE, VD_RAM_SIZE, m->ram, true),
                     BUS_ERR_NONE);
    struct irq_line line = { .set = vd_irq_set, .opaque = &m->irq, .num = 1 };
    m->vm = virtio_mmio_create(m->bus, version, line);
    ck_assert_ptr_nonnull(m->vm);
    ck_assert_int_eq(virtio_mmio_attach(m->vm, m->bus, VD_MMIO_BASE), BUS_ERR_NONE);
}

void vd_machine_fini(struct vd_machine *m)
{
    virtio_mmio_destroy(m->vm);
    bus_destroy(m->bus);
    free(m->ram);
}

uint32_t vd_reg_read_sized(struct vd_machine *m, uint32_t off, unsigned size)
{
    uint32_t v = 0xdeadbeef;
    ck_assert_msg(bus_read(m->bus, VD_MMIO_BASE + off, size, &v),
                  "read of virtio register 0x%x (size %u) faulted", off, size);
    return v;
}

uint32_t vd_reg_read(struct vd_machine *m, uint32_t off)
{
    return vd_reg_read_sized(m, off, 4);
}

void vd_reg_write(struct vd_machine *m, uint32_t off, uint32_t value)
{
    ck_assert_msg(bus_write(m->bus, VD_MMIO_BASE + off, 4, value),
                  "write of virtio register 0x%x faulted", off);
}

uint8_t *vd_ram(struct vd_machine *m, uint32_t addr, uint32_t len)
{
    ck_assert_uint_ge(addr, VD_RAM_BASE);
    ck_assert_uint_le((uint64_t)addr - VD_RAM_BASE + len, VD_RAM_SIZE);
    return m->ram + (addr - VD_RAM_BASE);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
    return get16(p) | (uint32_t)get16(p + 2) << 16;
}

int vd_driver_init(struct vd_driver *d, struct vd_machine *m, uint32_t num,
                   uint64_t accept_mask)
{
    memset(d, 0, sizeof *d);
    d->m = m;
    d->num = num;
    bool v1 = m->version == 1;

    if (vd_reg_read(m, VD_MAGIC) != 0x74726976 || vd_reg_read(m, VD_VERSION) != m->version ||
        vd_reg_read(m, VD_DEVICE_ID) == 0)
        return 1;
    vd_reg_write(m, VD_STATUS, 0);
    if (vd_reg_read(m, VD_STATUS) != 0)
        return 2;
    uint32_t status = VIRTIO_STATUS_ACKNOWLEDGE;
    vd_reg_write(m, VD_STATUS, status);
    status |= VIRTIO_STATUS_DRIVER;
    vd_reg_write(m, VD_STATUS, status);

    vd_reg_write(m, VD_DEV_FEATURES_SEL, 1);
    d->offered = (uint64_t)vd_reg_read(m, VD_DEV_FEATURES) << 32;
    vd_reg_write(m, VD_DEV_FEATURES_SEL, 0);
    d->offered |= vd_reg_read(m, VD_DEV_FEATURES);
    if (!v1 && !(d->offered >> VIRTIO_F_VERSION_1 & 1))
        return 3;
    uint64_t transport = v1 ? 0 : 1ull << VIRTIO_F_VERSION_1;
    d->accepted = d->offered & (accept_mask | transport);
    vd_reg_write(m, VD_DRV_FEATURES_SEL, 1);
    vd_reg_write(m, VD_DRV_FEATURES, (uint32_t)(d->accepted >> 32));
    vd_reg_write(m, VD_DRV_FEATURES_SEL, 0);
    vd_reg_write(m, VD_DRV_FEATURES, (uint32_t)d->accepted);
    if (!v1) {
        status |= VIRTIO_STATUS_FEATURES_OK;
        vd_reg_write(m, VD_STATUS, status);
        if (!(vd_reg_read(m, VD_STATUS) & VIRTIO_STATUS_FEATURES_OK))
            return 4;
    } else {
        vd_reg_write(m, VD_GUEST_PAGE_SIZE, VD_PAGE);
    }

    vd_reg_write(m, VD_QUEUE_SEL, 0);
    if (vd_reg_read(m, v1 ? VD_QUEUE_PFN : VD_QUEUE_READY) != 0)
        return 5;
    uint32_t max = vd_reg_read(m, VD_QUEUE_NUM_MAX);
    if (max == 0 || max < num)
        return 6;
    memset(vd_ram(m, VD_QUEUE_BASE, 3 * VD_PAGE), 0, 3 * VD_PAGE);
    vd_reg_write(m, VD_QUEUE_NUM, num);
    if (v1) {
        /* One block: descriptors, then the avail ring, the used ring on the next page. */
        d->desc = VD_QUEUE_BASE;
        d->avail = d->desc + 16 * num;
        d->used = (d->avail + 6 + 2 * num + VD_PAGE - 1) & ~(VD_PAGE - 1);
        vd_reg_write(m, VD_QUEUE_ALIGN, VD_PAGE);
        vd_reg_write(m, VD_QUEUE_PFN, VD_QUEUE_BASE / VD_PAGE);
    } else {
        d->desc = VD_QUEUE_BASE;
        d->avail = VD_QUEUE_BASE + VD_PAGE;
        d->used = VD_QUEUE_BASE + 2 * VD_PAGE;
        vd_reg_write(m, VD_QUEUE_DESC_LO, d->desc);
        vd_reg_write(m, VD_QUEUE_DESC_HI, 0);
        vd_reg_write(m, VD_QUEUE_DRIVER_LO, d->avail);
        vd_reg_write(m, VD_QUEUE_DRIVER_HI, 0);
        vd_reg_write(m, VD_QUEUE_DEVICE_LO, d->used);
        vd_reg_write(m, VD_QUEUE_DEVICE_HI, 0);
        vd_reg_write(m, VD_QUEUE_READY, 1);
        if (vd_reg_read(m, VD_QUEUE_READY) != 1)
            return 7;
    }
    status |= VIRTIO_STATUS_DRIVER_OK;
    vd_reg_write(m, VD_STATUS, status);
    d->status = vd_reg_read(m, VD_STATUS);
    return d->status == status ? 0 : 8;
}

int vd_queue_init(struct vd_driver *d, const struct vd_driver *d0, unsigned q, uint32_t num,
                  uint32_t base)
{
    struct vd_machine *m = d0->m;
    *d = *d0;
    d->q = q;
    d->num = num;
    d->avail_idx = d->used_seen = 0;
    vd_reg_write(m, VD_QUEUE_SEL, q);
    uint32_t max = vd_reg_read(m, VD_QUEUE_NUM_MAX);
    if (max == 0 || max < num)
        return 1;
    memset(vd_ram(m, base, 3 * VD_PAGE), 0, 3 * VD_PAGE);
    vd_reg_write(m, VD_QUEUE_NUM, num);
    d->desc = base;
    if (m->version == 1) {
        d->avail = base + 16 * num;
        d->used = (d->avail + 6 + 2 * num + VD_PAGE - 1) & ~(VD_PAGE - 1);
        vd_reg_write(m, VD_QUEUE_ALIGN, VD_PAGE);
        vd_reg_write(m, VD_QUEUE_PFN, base / VD_PAGE);
    } else {
        d->avail = base + VD_PAGE;
        d->used = base + 2 * VD_PAGE;
        vd_reg_write(m, VD_QUEUE_DESC_LO, d->desc);
        vd_reg_write(m, VD_QUEUE_DESC_HI, 0);
        vd_reg_write(m, VD_QUEUE_DRIVER_LO, d->avail);
        vd_reg_write(m, VD_QUEUE_DRIVER_HI, 0);
        vd_reg_write(m, VD_QUEUE_DEVICE_LO, d->used);
        vd_reg_write(m, VD_QUEUE_DEVICE_HI, 0);
        vd_reg_write(m, VD_QUEUE_READY, 1);
    }
    return 0;
}

void vd_set_desc(struct vd_driver *d, unsigned idx, uint64_t addr, uint32_t len,
                 uint16_t flags, uint16_t next)
{
    ck_assert_uint_lt(idx, d->num);
    uint8_t *p = vd_ram(d->m, d->desc + 16 * idx, 16);
    put32(p, (uint32_t)addr);
    put32(p + 4, (uint32_t)(addr >> 32));
    put32(p + 8, len);
    put16(p + 12, flags);
    put16(p + 14, next);
}

void vd_notify(struct vd_driver *d)
{
    vd_reg_write(d->m, VD_QUEUE_NOTIFY, d->q);
}

void vd_make_avail(struct vd_driver *d, uint16_t head, bool notify)
{
    put16(vd_ram(d->m, d->avail + 4 + 2 * (d->avail_idx % d->num), 2), head);
    d->avail_idx++;
    put16(vd_ram(d->m, d->avail + 2, 2), d->avail_idx);
    if (notify)
        vd_notify(d);
}

uint16_t vd_used_idx(struct vd_driver *d)
{
    return get16(vd_ram(d->m, d->used + 2, 2));
}

bool vd_take_used(struct vd_driver *d, uint32_t *id, uint32_t *len)
{
    if (vd_used_idx(d) == d->used_seen)
        return false;
    const uint8_t *e = vd_ram(d->m, d->used + 4 + 8 * (d->used_seen % d->num), 8);
    *id = get32(e);
    *len = get32(e + 4);
    d->used_seen++;
    return true;
}

int vd_blk_request(struct vd_driver *d, uint32_t type, uint64_t sector, uint32_t data_addr,
                   uint32_t data_len, uint32_t *used_len)
{
    uint8_t *hdr = vd_ram(d->m, VD_HDR_ADDR, 16);
    put32(hdr, type);
    put32(hdr + 4, 0);
    put32(hdr + 8, (uint32_t)sector);
    put32(hdr + 12, (uint32_t)(sector >> 32));
    *vd_ram(d->m, VD_STATUS_ADDR, 1) = 0xff;        /* the device writes 0 on success */

    bool device_writes = type == 0 /* IN */ || type == 8 /* GET_ID */;
    /* Each request takes the next three descriptors, wrapping: heads and chains move
     * around the table as they do in a real driver. */
    unsigned first = (unsigned)d->avail_idx * 3 % d->num;
    unsigned i = first;
    vd_set_desc(d, i, VD_HDR_ADDR, 16, VD_DESC_F_NEXT, (uint16_t)((i + 1) % d->num));
    i = (i + 1) % d->num;
    if (data_len) {
        vd_set_desc(d, i, data_addr, data_len,
                    VD_DESC_F_NEXT | (device_writes ? VD_DESC_F_WRITE : 0),
                    (uint16_t)((i + 1) % d->num));
        i = (i + 1) % d->num;
    }
    vd_set_desc(d, i, VD_STATUS_ADDR, 1, VD_DESC_F_WRITE, 0);
    vd_make_avail(d, (uint16_t)first, true);

    uint32_t id, len;
    if (!vd_take_used(d, &id, &len))
        return -1;
    ck_assert_uint_eq(id, first);
    if (used_len)
        *used_len = len;
    return *vd_ram(d->m, VD_STATUS_ADDR, 1);
}

uint64_t vd_blk_capacity(struct vd_machine *m, bool bytewise)
{
    uint64_t cap = 0;
    if (bytewise) {
        for (unsigned i = 0; i < 8; i++)
            cap |= (uint64_t)vd_reg_read_sized(m, VD_CONFIG + i, 1) << (8 * i);
        return cap;
    }
    uint32_t gen;
    do {
        gen = vd_reg_read(m, VD_CONFIG_GEN);
        cap = vd_reg_read(m, VD_CONFIG) | (uint64_t)vd_reg_read(m, VD_CONFIG + 4) << 32;
    } while (gen != vd_reg_read(m, VD_CONFIG_GEN));
    return cap;
}
