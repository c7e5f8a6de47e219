/*
 * The virtio-mmio transport (virtio spec v1.2, 4.2), version 1 (legacy, 4.2.4) and
 * version 2, and the split virtqueue (2.7) as the device side sees it.
 *
 * Where the spec leaves room, rvbox does what QEMU does, so that guests written against
 * QEMU's virt board run unchanged:
 *   - VendorID is "QEMU" (0x554d4551); an empty slot reads DeviceID 0.
 *   - A register access that is not 32 bits wide reads 0 and is ignored (QEMU logs it);
 *     the device configuration space at 0x100 accepts 8-, 16- and 32-bit accesses.
 *   - Notifications are served whatever the Status says (QEMU does not wait for
 *     DRIVER_OK either), except after the device set NEEDS_RESET: then nothing more is
 *     consumed until the driver resets it.
 *   - The v2 transport offers VIRTIO_F_VERSION_1 but does not insist that the driver
 *     accepts it (xv6's version-2 driver never writes the high feature word).
 *   - A used buffer always raises InterruptStatus bit 0 (the avail ring's NO_INTERRUPT
 *     hint is a "SHOULD NOT", and a spurious interrupt is harmless where a lost one is
 *     not).
 *
 * What a driver does wrong (a register that is not 32 bits wide, one that does not exist,
 * a write to a read-only one, a malformed queue or chain and why, features it was not
 * offered) is reported under -d guest_errors through the bus's log (bus/log.h); the PLIC
 * reports an interrupt the driver never acknowledged.
 *
 * Queue addresses are only checked when a queue is used, never when a register is
 * written: drivers write the queue registers in different orders (Linux's legacy path
 * writes QueueNum, QueueAlign, then QueuePFN; xv6 writes no QueueAlign at all and gets
 * the default 4096), so only the moment of use sees a complete set. GuestPageSize also
 * starts at 4096, for a legacy driver that never writes it.
 */
#include "devices/virtio_mmio.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bus/log.h"
#include "devices/snapshot.h"

/* Registers (4.2.2; the legacy-only ones from 4.2.4). */
#define REG_MAGIC_VALUE          0x000
#define REG_VERSION              0x004
#define REG_DEVICE_ID            0x008
#define REG_VENDOR_ID            0x00c
#define REG_DEVICE_FEATURES      0x010
#define REG_DEVICE_FEATURES_SEL  0x014
#define REG_DRIVER_FEATURES      0x020
#define REG_DRIVER_FEATURES_SEL  0x024
#define REG_GUEST_PAGE_SIZE      0x028      /* v1 */
#define REG_QUEUE_SEL            0x030
#define REG_QUEUE_NUM_MAX        0x034
#define REG_QUEUE_NUM            0x038
#define REG_QUEUE_ALIGN          0x03c      /* v1 */
#define REG_QUEUE_PFN            0x040      /* v1 */
#define REG_QUEUE_READY          0x044      /* v2 */
#define REG_QUEUE_NOTIFY         0x050
#define REG_INTERRUPT_STATUS     0x060
#define REG_INTERRUPT_ACK        0x064
#define REG_STATUS               0x070
#define REG_QUEUE_DESC_LOW       0x080      /* v2 */
#define REG_QUEUE_DESC_HIGH      0x084
#define REG_QUEUE_DRIVER_LOW     0x090
#define REG_QUEUE_DRIVER_HIGH    0x094
#define REG_QUEUE_DEVICE_LOW     0x0a0
#define REG_QUEUE_DEVICE_HIGH    0x0a4
#define REG_SHM_LEN_LOW          0x0b0      /* v2: no shared memory regions */
#define REG_SHM_LEN_HIGH         0x0b4
#define REG_SHM_BASE_LOW         0x0b8
#define REG_SHM_BASE_HIGH        0x0bc
#define REG_CONFIG_GENERATION    0x0fc      /* v2 */
#define REG_CONFIG               0x100

#define VIRTIO_MMIO_MAGIC        0x74726976u   /* "virt" */
#define VIRTIO_MMIO_VENDOR       0x554d4551u   /* "QEMU" */

/* InterruptStatus bits. */
#define VIRTIO_INT_USED_BUFFER   1u
#define VIRTIO_INT_CONFIG        2u

/* Split virtqueue descriptor flags (2.7.5). */
#define VIRTQ_DESC_F_NEXT        1
#define VIRTQ_DESC_F_WRITE       2
#define VIRTQ_DESC_F_INDIRECT    4

#define VIRTQ_DESC_SIZE          16
#define VIRTQ_MAX_SIZE           32768u     /* the largest Queue Size a split ring has */
#define LEGACY_DEFAULT_PAGE      4096u
#define LEGACY_DEFAULT_ALIGN     4096u

struct virtq {
    uint32_t num;               /* QueueNum, as written */
    bool ready;                 /* v2 QueueReady */
    uint32_t pfn;               /* v1 QueuePFN; the queue is live when non-zero */
    uint32_t align;             /* v1 QueueAlign */
    uint64_t desc, driver, device;  /* v2 addresses, as written (64-bit) */
    uint16_t last_avail;        /* next avail ring entry the device will take */
    uint16_t used_idx;          /* the device's copy of used->idx */
};

/* A queue's areas resolved to 32-bit guest physical addresses. */
struct virtq_layout {
    uint32_t num;
    uint32_t desc, avail, used;
};

struct virtio_mmio {
    struct bus *dma;
    unsigned version;
    struct irq_line irq;
    struct virtio_device_ops ops;   /* a copy; device_id 0 when the slot is empty */
    void *dev;
    bool has_device;

    uint32_t device_features_sel;
    uint32_t driver_features_sel;
    uint64_t driver_features;
    uint32_t guest_page_size;
    uint32_t queue_sel;
    uint32_t interrupt_status;
    uint32_t status;
    struct virtq queues[VIRTIO_MAX_QUEUES];
    struct guest_log *log;      /* -d guest_errors: the bus's */
    uint32_t base;              /* where it is mapped, to name it in reports */
};

/* -d guest_errors: "virtio-mmio@10001000: ..." */
#define VLOG(vm, ...) GUEST_LOG((vm)->log, GUEST_LOG_ERROR, "virtio-mmio@%08x: " __VA_ARGS__)

static void virtio_mmio_update_irq(struct virtio_mmio *vm)
{
    irq_set(&vm->irq, vm->interrupt_status != 0);
}

/* Every feature bit this slot offers: the device's own plus the transport's. */
static uint64_t offered_features(const struct virtio_mmio *vm)
{
    if (!vm->has_device)
        return 0;
    uint64_t f = vm->ops.features;
    if (vm->version >= 2)
        f |= 1ull << VIRTIO_F_VERSION_1;
    return f;
}

/* The transport's registers back to their reset values (the device's own state is the
 * device's business: its reset op). */
static void transport_reset(struct virtio_mmio *vm)
{
    vm->device_features_sel = 0;
    vm->driver_features_sel = 0;
    vm->driver_features = 0;
    vm->guest_page_size = LEGACY_DEFAULT_PAGE;
    vm->queue_sel = 0;
    vm->interrupt_status = 0;
    vm->status = 0;
    memset(vm->queues, 0, sizeof vm->queues);
    for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++)
        vm->queues[q].align = LEGACY_DEFAULT_ALIGN;
}

struct virtio_mmio *virtio_mmio_create(struct bus *dma, unsigned version, struct irq_line irq)
{
    if (version != 1 && version != 2)
        return NULL;
    struct virtio_mmio *vm = calloc(1, sizeof *vm);
    if (!vm)
        return NULL;
    vm->dma = dma;
    vm->log = bus_log(dma);
    vm->version = version;
    vm->irq = irq;
    transport_reset(vm);
    return vm;
}

void virtio_mmio_destroy(struct virtio_mmio *vm)
{
    free(vm);
}

void virtio_mmio_set_device(struct virtio_mmio *vm, const struct virtio_device_ops *ops,
                            void *dev)
{
    memset(&vm->ops, 0, sizeof vm->ops);
    vm->has_device = ops != NULL;
    vm->dev = dev;
    if (ops) {
        vm->ops = *ops;
        if (vm->ops.num_queues > VIRTIO_MAX_QUEUES)
            vm->ops.num_queues = VIRTIO_MAX_QUEUES;
        if (vm->ops.queue_max > VIRTQ_MAX_SIZE)
            vm->ops.queue_max = VIRTQ_MAX_SIZE;
    }
}

void virtio_mmio_reset(struct virtio_mmio *vm)
{
    transport_reset(vm);
    if (vm->has_device && vm->ops.reset)
        vm->ops.reset(vm->dev);
    virtio_mmio_update_irq(vm);
}

/* The driver broke the queue: say why, and mark the device broken. */
static void broken(struct virtio_mmio *vm, unsigned q, const char *why)
{
    VLOG(vm, "queue %u: %s; the device needs a reset (Status NEEDS_RESET) and serves no "
         "more requests until then", vm->base, q, why);
    virtio_mmio_needs_reset(vm);
}

void virtio_mmio_needs_reset(struct virtio_mmio *vm)
{
    vm->status |= VIRTIO_STATUS_NEEDS_RESET;
    vm->interrupt_status |= VIRTIO_INT_CONFIG;
    virtio_mmio_update_irq(vm);
}

unsigned virtio_mmio_version(const struct virtio_mmio *vm)
{
    return vm->version;
}

uint32_t virtio_mmio_device_id(const struct virtio_mmio *vm)
{
    return vm->has_device ? vm->ops.device_id : 0;
}

bool virtio_driver_has_feature(const struct virtio_mmio *vm, unsigned bit)
{
    if (bit >= 64)
        return false;
    return ((vm->driver_features & offered_features(vm)) >> bit) & 1;
}

/* ---- guest memory ---- */

bool virtio_dma_read(struct virtio_mmio *vm, uint32_t addr, void *buf, uint32_t len)
{
    if (len == 0)
        return true;
    const uint8_t *p = bus_host_ptr(vm->dma, addr, len, false);
    if (!p)
        return false;
    memcpy(buf, p, len);
    return true;
}

bool virtio_dma_write(struct virtio_mmio *vm, uint32_t addr, const void *buf, uint32_t len)
{
    if (len == 0)
        return true;
    uint8_t *p = bus_dma_ptr(vm->dma, addr, len, true);
    if (!p)
        return false;
    memcpy(p, buf, len);
    return true;
}

uint64_t virtq_chain_bytes(const struct virtq_chain *c, bool writable)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < c->count; i++)
        if (c->bufs[i].device_writes == writable)
            n += c->bufs[i].len;
    return n;
}

/* Copy between the host and offset `off` of one part of the chain (chain_copy's two
 * directions: `to_guest` writes the writable part, else reads the readable part). */
static bool chain_copy(struct virtio_mmio *vm, const struct virtq_chain *c, bool to_guest,
                       uint64_t off, uint8_t *p, uint32_t len)
{
    for (unsigned i = 0; i < c->count && len > 0; i++) {
        const struct virtq_buf *b = &c->bufs[i];
        if (b->device_writes != to_guest)
            continue;
        if (off >= b->len) {
            off -= b->len;
            continue;
        }
        uint32_t n = b->len - (uint32_t)off;
        if (n > len)
            n = len;
        uint32_t addr = b->addr + (uint32_t)off;
        if (!(to_guest ? virtio_dma_write(vm, addr, p, n) : virtio_dma_read(vm, addr, p, n)))
            return false;
        p += n;
        len -= n;
        off = 0;
    }
    return len == 0;
}

bool virtq_chain_read(struct virtio_mmio *vm, const struct virtq_chain *c, uint64_t off,
                      void *buf, uint32_t len)
{
    return chain_copy(vm, c, false, off, buf, len);
}

bool virtq_chain_write(struct virtio_mmio *vm, const struct virtq_chain *c, uint64_t off,
                       const void *buf, uint32_t len)
{
    return chain_copy(vm, c, true, off, (uint8_t *)(uintptr_t)buf, len);
}

uint32_t virtio_mmio_base(const struct virtio_mmio *vm)
{
    return vm->base;
}

struct guest_log *virtio_mmio_log(const struct virtio_mmio *vm)
{
    return vm->log;
}

static bool dma_read16(struct virtio_mmio *vm, uint32_t addr, uint16_t *v)
{
    uint8_t b[2];
    if (!virtio_dma_read(vm, addr, b, 2))
        return false;
    *v = (uint16_t)(b[0] | b[1] << 8);
    return true;
}

static bool dma_write16(struct virtio_mmio *vm, uint32_t addr, uint16_t v)
{
    uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    return virtio_dma_write(vm, addr, b, 2);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A guest-physical range [addr, addr + len) as a 32-bit address, if it is all in memory
 * the device may access (writable memory when `write`). */
static bool range_ok(struct virtio_mmio *vm, uint64_t addr, uint32_t len, bool write)
{
    if (addr > UINT32_MAX)
        return false;
    return bus_host_ptr(vm->dma, (uint32_t)addr, len, write) != NULL;
}

/* ---- the split virtqueue ---- */

static bool queue_live(const struct virtio_mmio *vm, const struct virtq *vq)
{
    return vm->version == 1 ? vq->pfn != 0 : vq->ready;
}

/* Where queue q's descriptor table, avail ring and used ring are, checked: Queue Size a
 * power of 2 no larger than QueueNumMax, every area in RAM. False: the driver set the
 * queue up wrongly (the caller marks the device NEEDS_RESET). */
static bool queue_layout(struct virtio_mmio *vm, unsigned q, struct virtq_layout *l,
                         const char **why)
{
    const struct virtq *vq = &vm->queues[q];
    uint32_t num = vq->num;
    if (num == 0 || num > vm->ops.queue_max || (num & (num - 1)) != 0) {
        *why = num == 0 ? "QueueNum was never written"
             : num > vm->ops.queue_max ? "QueueNum is larger than QueueNumMax"
                                       : "QueueNum is not a power of 2";
        return false;
    }

    uint64_t desc, avail, used;
    if (vm->version == 1) {
        /* 2.7 legacy layout: one block at QueuePFN * GuestPageSize; the used ring
         * starts at the first QueueAlign boundary after the avail ring (flags, idx,
         * ring[num], used_event). */
        uint32_t page = vm->guest_page_size, align = vq->align;
        if (page == 0 || (page & (page - 1)) || align == 0 || (align & (align - 1))) {
            *why = page == 0 || (page & (page - 1)) ? "GuestPageSize is not a power of 2"
                                                    : "QueueAlign is not a power of 2";
            return false;
        }
        desc = (uint64_t)vq->pfn * page;
        avail = desc + (uint64_t)VIRTQ_DESC_SIZE * num;
        used = (avail + 6 + 2ull * num + align - 1) & ~(uint64_t)(align - 1);
    } else {
        desc = vq->desc;
        avail = vq->driver;
        used = vq->device;
    }
    if (!range_ok(vm, desc, VIRTQ_DESC_SIZE * num, false) ||
        !range_ok(vm, avail, 4 + 2 * num, false) ||
        !range_ok(vm, used, 4 + 8 * num, true)) {
        *why = !range_ok(vm, desc, VIRTQ_DESC_SIZE * num, false)
                   ? "its descriptor table is not in RAM"
               : !range_ok(vm, avail, 4 + 2 * num, false) ? "its available ring is not in RAM"
                                                         : "its used ring is not in RAM";
        return false;
    }
    l->num = num;
    l->desc = (uint32_t)desc;
    l->avail = (uint32_t)avail;
    l->used = (uint32_t)used;
    return true;
}

static enum virtq_pop_result pop_malformed(struct virtio_mmio *vm, unsigned q,
                                           const char *why)
{
    broken(vm, q, why);
    return VIRTQ_MALFORMED;
}

/* Walk the chain that starts at `head` into `chain`: every index inside the table, no
 * more descriptors than the table holds nor than VIRTQ_MAX_CHAIN (so a loop ends here),
 * no indirect descriptors (not offered), readable buffers before writable ones, every
 * buffer in RAM. */
static bool walk_chain(struct virtio_mmio *vm, const struct virtq_layout *l, uint16_t head,
                       struct virtq_chain *chain, const char **why)
{
    chain->head = head;
    chain->count = 0;
    uint32_t i = head;
    bool seen_writable = false;
    for (;;) {
        if (i >= l->num) {
            *why = "a descriptor index is past the end of the table";
            return false;
        }
        if (chain->count >= VIRTQ_MAX_CHAIN || chain->count >= l->num) {
            *why = "a descriptor chain is longer than the table (a loop?)";
            return false;
        }
        uint8_t d[VIRTQ_DESC_SIZE];
        if (!virtio_dma_read(vm, l->desc + i * VIRTQ_DESC_SIZE, d, sizeof d)) {
            *why = "its descriptor table is not in RAM";
            return false;
        }
        uint64_t addr = get_le32(d) | (uint64_t)get_le32(d + 4) << 32;
        uint32_t len = get_le32(d + 8);
        uint16_t flags = (uint16_t)(d[12] | d[13] << 8);
        uint16_t next = (uint16_t)(d[14] | d[15] << 8);

        if (flags & VIRTQ_DESC_F_INDIRECT) {
            *why = "an indirect descriptor (VIRTIO_F_INDIRECT_DESC was not offered)";
            return false;
        }
        bool writes = flags & VIRTQ_DESC_F_WRITE;
        if (!writes && seen_writable) {
            *why = "a device-readable buffer after a device-writable one";
            return false;
        }
        seen_writable |= writes;
        if (len != 0 && !range_ok(vm, addr, len, writes)) {
            *why = writes ? "a buffer the device must write is not in RAM"
                          : "a buffer the device must read is not in RAM";
            return false;
        }

        struct virtq_buf *b = &chain->bufs[chain->count++];
        b->addr = (uint32_t)addr;
        b->len = len;
        b->device_writes = writes;
        if (!(flags & VIRTQ_DESC_F_NEXT))
            return true;
        i = next;
    }
}

enum virtq_pop_result virtq_pop(struct virtio_mmio *vm, unsigned q, struct virtq_chain *chain)
{
    if (!vm->has_device || q >= vm->ops.num_queues)
        return VIRTQ_EMPTY;
    if (vm->status & VIRTIO_STATUS_NEEDS_RESET)
        return VIRTQ_EMPTY;                 /* broken: consume nothing until reset */
    struct virtq *vq = &vm->queues[q];
    if (!queue_live(vm, vq))
        return VIRTQ_EMPTY;

    struct virtq_layout l;
    uint16_t avail_idx;
    const char *why = "its available ring is not in RAM";
    if (!queue_layout(vm, q, &l, &why) || !dma_read16(vm, l.avail + 2, &avail_idx))
        return pop_malformed(vm, q, why);
    uint16_t pending = (uint16_t)(avail_idx - vq->last_avail);
    if (pending == 0)
        return VIRTQ_EMPTY;
    if (pending > l.num)                    /* the driver moved idx by more than a ring */
        return pop_malformed(vm, q, "the available ring's idx moved by more than the ring "
                             "holds");

    uint16_t head;
    if (!dma_read16(vm, l.avail + 4 + 2 * (vq->last_avail % l.num), &head))
        return pop_malformed(vm, q, why);
    if (!walk_chain(vm, &l, head, chain, &why))
        return pop_malformed(vm, q, why);
    vq->last_avail++;
    return VIRTQ_GOT;
}

bool virtq_has_avail(struct virtio_mmio *vm, unsigned q)
{
    if (!vm->has_device || q >= vm->ops.num_queues || (vm->status & VIRTIO_STATUS_NEEDS_RESET))
        return false;
    const struct virtq *vq = &vm->queues[q];
    struct virtq_layout l;
    const char *why;
    uint16_t avail_idx;
    if (!queue_live(vm, vq) || !queue_layout(vm, q, &l, &why) ||
        !dma_read16(vm, l.avail + 2, &avail_idx))
        return false;
    return avail_idx != vq->last_avail;
}

void virtq_push(struct virtio_mmio *vm, unsigned q, uint16_t head, uint32_t written)
{
    if (!vm->has_device || q >= vm->ops.num_queues)
        return;
    struct virtq *vq = &vm->queues[q];
    struct virtq_layout l;
    const char *why = "the queue was switched off while the device served it";
    if (!queue_live(vm, vq) || !queue_layout(vm, q, &l, &why)) {
        broken(vm, q, why);
        return;
    }
    uint8_t elem[8];
    put_le32(elem, head);
    put_le32(elem + 4, written);
    uint32_t slot = l.used + 4 + 8 * (vq->used_idx % l.num);
    if (!virtio_dma_write(vm, slot, elem, sizeof elem) ||
        !dma_write16(vm, l.used + 2, (uint16_t)(vq->used_idx + 1))) {
        broken(vm, q, "its used ring is not in RAM");
        return;
    }
    vq->used_idx++;
    vm->interrupt_status |= VIRTIO_INT_USED_BUFFER;
    virtio_mmio_update_irq(vm);
}

/* ---- registers ---- */

static struct virtq *selected_queue(struct virtio_mmio *vm)
{
    if (!vm->has_device || vm->queue_sel >= vm->ops.num_queues)
        return NULL;
    return &vm->queues[vm->queue_sel];
}

/* The registers' names (4.2.2), for reports; NULL where there is none. */
static const char *register_name(uint32_t off)
{
    switch (off) {
    case REG_MAGIC_VALUE: return "MagicValue";
    case REG_VERSION: return "Version";
    case REG_DEVICE_ID: return "DeviceID";
    case REG_VENDOR_ID: return "VendorID";
    case REG_DEVICE_FEATURES: return "DeviceFeatures";
    case REG_DEVICE_FEATURES_SEL: return "DeviceFeaturesSel";
    case REG_DRIVER_FEATURES: return "DriverFeatures";
    case REG_DRIVER_FEATURES_SEL: return "DriverFeaturesSel";
    case REG_GUEST_PAGE_SIZE: return "GuestPageSize";
    case REG_QUEUE_SEL: return "QueueSel";
    case REG_QUEUE_NUM_MAX: return "QueueNumMax";
    case REG_QUEUE_NUM: return "QueueNum";
    case REG_QUEUE_ALIGN: return "QueueAlign";
    case REG_QUEUE_PFN: return "QueuePFN";
    case REG_QUEUE_READY: return "QueueReady";
    case REG_QUEUE_NOTIFY: return "QueueNotify";
    case REG_INTERRUPT_STATUS: return "InterruptStatus";
    case REG_INTERRUPT_ACK: return "InterruptACK";
    case REG_STATUS: return "Status";
    case REG_QUEUE_DESC_LOW: return "QueueDescLow";
    case REG_QUEUE_DESC_HIGH: return "QueueDescHigh";
    case REG_QUEUE_DRIVER_LOW: return "QueueDriverLow";
    case REG_QUEUE_DRIVER_HIGH: return "QueueDriverHigh";
    case REG_QUEUE_DEVICE_LOW: return "QueueDeviceLow";
    case REG_QUEUE_DEVICE_HIGH: return "QueueDeviceHigh";
    case REG_SHM_LEN_LOW: return "SHMLenLow";
    case REG_SHM_LEN_HIGH: return "SHMLenHigh";
    case REG_SHM_BASE_LOW: return "SHMBaseLow";
    case REG_SHM_BASE_HIGH: return "SHMBaseHigh";
    case REG_CONFIG_GENERATION: return "ConfigGeneration";
    default: return NULL;
    }
}

/* Registers of one version only: 1 legacy, 2 modern; 0 both. */
static unsigned register_version(uint32_t off)
{
    switch (off) {
    case REG_GUEST_PAGE_SIZE: case REG_QUEUE_ALIGN: case REG_QUEUE_PFN:
        return 1;
    case REG_QUEUE_READY: case REG_QUEUE_DESC_LOW: case REG_QUEUE_DESC_HIGH:
    case REG_QUEUE_DRIVER_LOW: case REG_QUEUE_DRIVER_HIGH: case REG_QUEUE_DEVICE_LOW:
    case REG_QUEUE_DEVICE_HIGH: case REG_SHM_LEN_LOW: case REG_SHM_LEN_HIGH:
    case REG_SHM_BASE_LOW: case REG_SHM_BASE_HIGH: case REG_CONFIG_GENERATION:
        return 2;
    default:
        return 0;
    }
}

/* -d guest_errors: an access the register at `off` does not take (a read of a write-only
 * one, a write to a read-only one), one of the other version's, or an offset with no
 * register. */
static void bad_register(struct virtio_mmio *vm, uint32_t off, bool write, uint32_t value,
                         const char *what)
{
    const char *name = register_name(off);
    unsigned v = register_version(off);
    if (!name)
        VLOG(vm, "%s offset %03x, which is no register", vm->base,
             write ? "write to" : "read of", off);
    else if (v && v != vm->version)
        VLOG(vm, "%s %s, a %s register, on a %s (version %u) transport: ignored", vm->base,
             write ? "write to" : "read of", name, v == 1 ? "legacy" : "modern",
             vm->version == 1 ? "legacy" : "modern", vm->version);
    else if (write)
        VLOG(vm, "write of %08x to %s, which is %s: ignored", vm->base, value, name, what);
    else
        VLOG(vm, "read of %s, which is %s: reads 0", vm->base, name, what);
}

/* A queue register with QueueSel naming no queue. */
static void no_queue(struct virtio_mmio *vm, uint32_t off)
{
    VLOG(vm, "%s with QueueSel %u, which is no queue (the device has %u): ignored", vm->base,
         register_name(off), vm->queue_sel, vm->ops.num_queues);
}

static uint32_t read_register(struct virtio_mmio *vm, uint32_t off)
{
    bool v1 = vm->version == 1, v2 = !v1;
    struct virtq *vq = selected_queue(vm);

    switch (off) {
    case REG_MAGIC_VALUE:
        return VIRTIO_MMIO_MAGIC;
    case REG_VERSION:
        return vm->version;
    case REG_DEVICE_ID:
        return vm->has_device ? vm->ops.device_id : 0;
    case REG_VENDOR_ID:
        return VIRTIO_MMIO_VENDOR;
    }
    if (!vm->has_device)
        return 0;           /* an empty slot: the driver stops at DeviceID 0 */

    switch (off) {
    case REG_DEVICE_FEATURES:
        if (vm->device_features_sel > 1)
            return 0;
        return (uint32_t)(offered_features(vm) >> (32 * vm->device_features_sel));
    case REG_QUEUE_NUM_MAX:
        return vq ? vm->ops.queue_max : 0;  /* 0 for no queue: how drivers count them */
    case REG_QUEUE_PFN:
        if (!v1)
            break;
        return vq ? vq->pfn : 0;
    case REG_QUEUE_READY:
        if (!v2)
            break;
        return vq ? vq->ready : 0;
    case REG_INTERRUPT_STATUS:
        return vm->interrupt_status;
    case REG_STATUS:
        return vm->status;
    case REG_SHM_LEN_LOW:
    case REG_SHM_LEN_HIGH:
    case REG_SHM_BASE_LOW:
    case REG_SHM_BASE_HIGH:
        if (!v2)
            break;
        return UINT32_MAX;              /* all ones: "no such region" */
    case REG_CONFIG_GENERATION:
        if (v1)
            break;
        return 0;                       /* the configuration never changes under it */
    case REG_QUEUE_DESC_LOW: case REG_QUEUE_DESC_HIGH: case REG_QUEUE_DRIVER_LOW:
    case REG_QUEUE_DRIVER_HIGH: case REG_QUEUE_DEVICE_LOW: case REG_QUEUE_DEVICE_HIGH:
        return 0;                       /* write-only in the spec; QEMU reads them back */
    default:
        break;
    }
    bad_register(vm, off, false, 0, "write-only");
    return 0;
}

/* The driver wrote Status: 0 resets; FEATURES_OK sticks only if the driver accepted
 * nothing that was not offered (3.1.1); NEEDS_RESET is the device's to set and stays. */
static void write_status(struct virtio_mmio *vm, uint32_t value)
{
    if (value == 0) {
        virtio_mmio_reset(vm);
        return;
    }
    uint32_t status = (value & 0xff & ~(uint32_t)VIRTIO_STATUS_NEEDS_RESET) |
                      (vm->status & VIRTIO_STATUS_NEEDS_RESET);
    if ((status & VIRTIO_STATUS_FEATURES_OK) && !(vm->status & VIRTIO_STATUS_FEATURES_OK) &&
        (vm->driver_features & ~offered_features(vm)) != 0) {
        VLOG(vm, "FEATURES_OK with features the device did not offer (%016" PRIx64 "): "
             "refused (Status keeps FEATURES_OK clear)", vm->base,
             vm->driver_features & ~offered_features(vm));
        status &= ~(uint32_t)VIRTIO_STATUS_FEATURES_OK;
    }
    vm->status = status;
}

/* Half of a 64-bit queue address. */
static void set_half(uint64_t *addr, bool high, uint32_t value)
{
    if (high)
        *addr = (*addr & UINT32_MAX) | (uint64_t)value << 32;
    else
        *addr = (*addr & ~(uint64_t)UINT32_MAX) | value;
}

static void write_register(struct virtio_mmio *vm, uint32_t off, uint32_t value)
{
    if (!vm->has_device)
        return;
    bool v1 = vm->version == 1, v2 = !v1;
    struct virtq *vq = selected_queue(vm);

    switch (off) {
    case REG_DEVICE_FEATURES_SEL:
        vm->device_features_sel = value;
        break;
    case REG_DRIVER_FEATURES_SEL:
        vm->driver_features_sel = value;
        break;
    case REG_DRIVER_FEATURES:
        /* Fixed once the driver said FEATURES_OK; words past the second are ignored. */
        if (vm->status & VIRTIO_STATUS_FEATURES_OK) {
            VLOG(vm, "DriverFeatures written after FEATURES_OK: ignored", vm->base);
            break;
        }
        if (vm->driver_features_sel == 0)
            vm->driver_features = (vm->driver_features & ~(uint64_t)UINT32_MAX) | value;
        else if (vm->driver_features_sel == 1)
            vm->driver_features = (vm->driver_features & UINT32_MAX) | (uint64_t)value << 32;
        break;
    case REG_GUEST_PAGE_SIZE:
        if (!v1)
            goto bad;
        vm->guest_page_size = value;
        break;
    case REG_QUEUE_SEL:
        vm->queue_sel = value;
        break;
    case REG_QUEUE_NUM:
        if (vq)
            vq->num = value;
        else
            no_queue(vm, off);
        break;
    case REG_QUEUE_ALIGN:
    case REG_QUEUE_PFN:
        if (!v1)
            goto bad;
        if (!vq)
            no_queue(vm, off);
        else if (off == REG_QUEUE_ALIGN)
            vq->align = value;
        else
            vq->pfn = value;
        break;
    case REG_QUEUE_READY:
        if (!v2)
            goto bad;
        if (vq)
            vq->ready = value & 1;
        else
            no_queue(vm, off);
        break;
    case REG_QUEUE_NOTIFY:
        if (value >= vm->ops.num_queues)
            VLOG(vm, "QueueNotify of queue %u, which does not exist (the device has %u): "
                 "ignored", vm->base, value, vm->ops.num_queues);
        else if (vm->ops.queue_notify && !(vm->status & VIRTIO_STATUS_NEEDS_RESET))
            vm->ops.queue_notify(vm->dev, value);
        break;
    case REG_INTERRUPT_ACK:
        vm->interrupt_status &= ~value;
        virtio_mmio_update_irq(vm);
        break;
    case REG_STATUS:
        write_status(vm, value);
        break;
    case REG_QUEUE_DESC_LOW:
    case REG_QUEUE_DESC_HIGH:
    case REG_QUEUE_DRIVER_LOW:
    case REG_QUEUE_DRIVER_HIGH:
    case REG_QUEUE_DEVICE_LOW:
    case REG_QUEUE_DEVICE_HIGH:
        if (!v2)
            goto bad;
        if (!vq)
            no_queue(vm, off);
        else if (off <= REG_QUEUE_DESC_HIGH)
            set_half(&vq->desc, off == REG_QUEUE_DESC_HIGH, value);
        else if (off <= REG_QUEUE_DRIVER_HIGH)
            set_half(&vq->driver, off == REG_QUEUE_DRIVER_HIGH, value);
        else
            set_half(&vq->device, off == REG_QUEUE_DEVICE_HIGH, value);
        break;
    default:
    bad:
        bad_register(vm, off, true, value, "read-only");     /* ignored */
        break;
    }
}

static bool virtio_mmio_read(void *opaque, uint32_t off, unsigned size, uint32_t *value)
{
    struct virtio_mmio *vm = opaque;
    if (off >= REG_CONFIG) {
        *value = vm->has_device && vm->ops.config_read
                     ? vm->ops.config_read(vm->dev, off - REG_CONFIG, size)
                     : 0;
        return true;
    }
    if (size != 4) {
        if (vm->has_device)
            VLOG(vm, "%u-byte read of %s (registers below 0x100 take 32-bit accesses): "
                 "reads 0", vm->base, size, register_name(off & ~3u) ? register_name(off & ~3u)
                                                                 : "a register");
        *value = 0;
        return true;
    }
    *value = read_register(vm, off);
    return true;
}

static bool virtio_mmio_write(void *opaque, uint32_t off, unsigned size, uint32_t value)
{
    struct virtio_mmio *vm = opaque;
    if (off >= REG_CONFIG) {
        if (vm->has_device && vm->ops.config_write)
            vm->ops.config_write(vm->dev, off - REG_CONFIG, size, value);
        return true;
    }
    if (size == 4)
        write_register(vm, off, value);
    else if (vm->has_device)
        VLOG(vm, "%u-byte write to %s (registers below 0x100 take 32-bit accesses): ignored",
             vm->base, size, register_name(off & ~3u) ? register_name(off & ~3u)
                                                      : "a register");
    return true;
}

/* ---- snapshots: the transport's registers, every queue's addresses and the indexes
 * the device keeps (the next avail entry, its used idx), then the device's own section
 * nested in the slot's. The log and the base address are configuration ---- */

SNAP_LAYOUT(struct virtio_mmio, 360);

static void vmmio_save(const void *opaque, struct snap_writer *w)
{
    const struct virtio_mmio *vm = opaque;
    snap_put_u32(w, vm->version);
    snap_put_u32(w, vm->has_device ? vm->ops.device_id : 0);
    snap_put_u32(w, vm->device_features_sel);
    snap_put_u32(w, vm->driver_features_sel);
    snap_put_u64(w, vm->driver_features);
    snap_put_u32(w, vm->guest_page_size);
    snap_put_u32(w, vm->queue_sel);
    snap_put_u32(w, vm->interrupt_status);
    snap_put_u32(w, vm->status);
    snap_put_u32(w, VIRTIO_MAX_QUEUES);
    for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++) {
        const struct virtq *vq = &vm->queues[q];
        snap_put_u32(w, vq->num);
        snap_put_bool(w, vq->ready);
        snap_put_u32(w, vq->pfn);
        snap_put_u32(w, vq->align);
        snap_put_u64(w, vq->desc);
        snap_put_u64(w, vq->driver);
        snap_put_u64(w, vq->device);
        snap_put_u16(w, vq->last_avail);
        snap_put_u16(w, vq->used_idx);
    }
    if (!vm->has_device)
        return;
    if (!vm->ops.snap) {
        w->failed = true;               /* machine_snapshot_check said so first */
        return;
    }
    snap_begin(w, vm->ops.snap->name, vm->ops.snap->version);
    vm->ops.snap->save(vm->dev, w);
    snap_end(w);
}

static int vmmio_load(void *opaque, struct snap_reader *r)
{
    struct virtio_mmio *vm = opaque;
    struct virtio_mmio s = *vm;
    uint32_t version = snap_get_u32(r), id = snap_get_u32(r);
    uint32_t here = vm->has_device ? vm->ops.device_id : 0;
    if (snap_ok(r) && (version != vm->version || id != here))
        return snap_fail(r, "device %u on transport v%u saved, this slot has device %u on v%u",
                         id, version, here, vm->version);
    s.device_features_sel = snap_get_u32(r);
    s.driver_features_sel = snap_get_u32(r);
    s.driver_features = snap_get_u64(r);
    s.guest_page_size = snap_get_u32(r);
    s.queue_sel = snap_get_u32(r);
    s.interrupt_status = snap_get_u32(r);
    s.status = snap_get_u32(r);
    uint32_t nq = snap_get_u32(r);
    if (snap_ok(r) && nq != VIRTIO_MAX_QUEUES)
        return snap_fail(r, "%u queues saved, a slot has %u", nq, VIRTIO_MAX_QUEUES);
    for (unsigned q = 0; q < VIRTIO_MAX_QUEUES && snap_ok(r); q++) {
        struct virtq *vq = &s.queues[q];
        vq->num = snap_get_u32(r);
        vq->ready = snap_get_bool(r);
        vq->pfn = snap_get_u32(r);
        vq->align = snap_get_u32(r);
        vq->desc = snap_get_u64(r);
        vq->driver = snap_get_u64(r);
        vq->device = snap_get_u64(r);
        vq->last_avail = snap_get_u16(r);
        vq->used_idx = snap_get_u16(r);
    }
    if (snap_ok(r) && (s.status > 0xff || s.interrupt_status > 3))
        return snap_fail(r, "Status 0x%x, InterruptStatus 0x%x", s.status, s.interrupt_status);
    if (!vm->has_device)
        return snap_status(r);
    if (!vm->ops.snap)
        return snap_fail(r, "device %u has no snapshot support", id);
    struct snap_reader sub;
    if (!snap_enter(r, vm->ops.snap->name, vm->ops.snap->version, &sub))
        return -1;
    if (vm->ops.snap->load(vm->dev, &sub) || !snap_leave(&sub))
        return -1;
    if (snap_applying(r)) {
        /* The device's part is loaded; the transport's registers follow. */
        vm->device_features_sel = s.device_features_sel;
        vm->driver_features_sel = s.driver_features_sel;
        vm->driver_features = s.driver_features;
        vm->guest_page_size = s.guest_page_size;
        vm->queue_sel = s.queue_sel;
        vm->interrupt_status = s.interrupt_status;
        vm->status = s.status;
        memcpy(vm->queues, s.queues, sizeof vm->queues);
    }
    return snap_status(r);
}

static void vmmio_post_load(void *opaque)
{
    struct virtio_mmio *vm = opaque;
    if (vm->has_device && vm->ops.snap && vm->ops.snap->post_load)
        vm->ops.snap->post_load(vm->dev);
    virtio_mmio_update_irq(vm);
}

static const char *vmmio_missing(const void *opaque)
{
    const struct virtio_mmio *vm = opaque;
    static const char *const names[] = { [2] = "virtio-blk", [18] = "virtio-input" };
    if (!vm->has_device || vm->ops.snap)
        return NULL;
    uint32_t id = vm->ops.device_id;
    return id < sizeof names / sizeof names[0] && names[id] ? names[id] : "a virtio device";
}

static const struct snap_ops vmmio_snap = {
    .name = "virtio-mmio", .version = 1,
    .save = vmmio_save, .load = vmmio_load, .post_load = vmmio_post_load,
    .missing = vmmio_missing,
};

enum bus_error virtio_mmio_attach(struct virtio_mmio *vm, struct bus *bus, uint32_t base)
{
    vm->base = base;
    enum bus_error e = bus_add_mmio(bus, "virtio-mmio", base, VIRTIO_MMIO_SIZE, BUS_SIZE_ALL,
                                    vm, virtio_mmio_read, virtio_mmio_write);
    if (!e)
        bus_set_snapshot(bus, base, &vmmio_snap, vm);
    return e;
}
