/*
 * The virtio-mmio transport (virtio spec v1.2, section 4.2), in both versions:
 *   version 1, "legacy" (QEMU's default, what xv6 and other teaching OSes speak): the queue
 *     is one block at QueuePFN * GuestPageSize, used ring aligned to QueueAlign;
 *   version 2, "modern": separate 64-bit descriptor/driver/device area addresses,
 *     QueueReady, feature bit VIRTIO_F_VERSION_1, the status handshake.
 * A slot with no device reads DeviceID 0, as on QEMU, and the guest ignores it.
 *
 * The transport owns the queues; a device (virtio_blk, later virtio_input) plugs in with
 * virtio_device_ops and, when notified, pops descriptor chains and pushes used entries.
 * Guest memory is reached through the bus by physical address. Nothing a guest writes
 * into a descriptor or a register can crash rvbox: a malformed chain makes the device
 * set NEEDS_RESET in Status (and stop processing), never an abort.
 */
#ifndef RVBOX_VIRTIO_MMIO_H
#define RVBOX_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "bus/bus.h"
#include "devices/irq.h"

#define VIRTIO_MMIO_SIZE      0x1000
#define VIRTIO_MAX_QUEUES     4
#define VIRTQ_MAX_CHAIN       64        /* descriptors in one chain, at most */

/* Feature bits the transport itself knows. */
#define VIRTIO_F_VERSION_1    32

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE  1
#define VIRTIO_STATUS_DRIVER       2
#define VIRTIO_STATUS_DRIVER_OK    4
#define VIRTIO_STATUS_FEATURES_OK  8
#define VIRTIO_STATUS_NEEDS_RESET  64
#define VIRTIO_STATUS_FAILED       128

struct virtio_mmio;
struct snap_ops;

struct virtio_device_ops {
    uint32_t device_id;         /* 2: block, 18: input */
    unsigned num_queues;
    unsigned queue_max;         /* QueueNumMax */
    uint64_t features;          /* device-specific feature bits offered */
    /* Device-specific configuration space at offset 0x100: off is relative to it. */
    uint32_t (*config_read)(void *dev, uint32_t off, unsigned size);
    void (*config_write)(void *dev, uint32_t off, unsigned size, uint32_t value);
    /* The driver notified queue `q` (QueueNotify): process what it made available. */
    void (*queue_notify)(void *dev, unsigned q);
    /* The driver reset the device (Status written 0). */
    void (*reset)(void *dev);
    /* How the device's own state is saved in a snapshot, in a section nested in the
     * slot's (devices/snapshot.h). Every device must have one. */
    const struct snap_ops *snap;
};

/* One buffer of a chain, and a chain as the device sees it: readable (driver-written)
 * buffers first, then writable ones, as the spec requires. */
struct virtq_buf {
    uint32_t addr;              /* guest physical */
    uint32_t len;
    bool device_writes;         /* VIRTQ_DESC_F_WRITE */
};

struct virtq_chain {
    uint16_t head;              /* give back to virtq_push */
    unsigned count;
    struct virtq_buf bufs[VIRTQ_MAX_CHAIN];
};

enum virtq_pop_result { VIRTQ_EMPTY = 0, VIRTQ_GOT = 1, VIRTQ_MALFORMED = -1 };

/* `dma` is the bus through which queues and buffers in guest memory are reached. */
struct virtio_mmio *virtio_mmio_create(struct bus *dma, unsigned version, struct irq_line irq);
void virtio_mmio_destroy(struct virtio_mmio *vm);
enum bus_error virtio_mmio_attach(struct virtio_mmio *vm, struct bus *bus, uint32_t base);

/* Plug a device into this slot (before the guest runs). */
void virtio_mmio_set_device(struct virtio_mmio *vm, const struct virtio_device_ops *ops,
                            void *dev);

/* Reset the transport and the device (machine reset). */
void virtio_mmio_reset(struct virtio_mmio *vm);

/* Take the next available chain of queue q. VIRTQ_MALFORMED (a loop, an index past the
 * queue, a chain too long, a readable buffer after a writable one, memory that is not RAM)
 * also marks the device NEEDS_RESET and raises a configuration-change interrupt. */
enum virtq_pop_result virtq_pop(struct virtio_mmio *vm, unsigned q, struct virtq_chain *chain);

/* Has the driver made chains available in queue q that the device has not taken yet?
 * Only looks: a queue set up wrongly says false here and is reported when popped. */
bool virtq_has_avail(struct virtio_mmio *vm, unsigned q);

/* Return a chain to the driver with `written` bytes written into it, and interrupt. */
void virtq_push(struct virtio_mmio *vm, unsigned q, uint16_t head, uint32_t written);

/* A chain's readable (writable false: what the driver wrote) or writable part, seen as
 * one stream of bytes across its buffers: its length, and copies of `len` bytes at
 * offset `off` of it. False if the stream is shorter or guest memory refused the copy. */
uint64_t virtq_chain_bytes(const struct virtq_chain *c, bool writable);
bool virtq_chain_read(struct virtio_mmio *vm, const struct virtq_chain *c, uint64_t off,
                      void *buf, uint32_t len);
bool virtq_chain_write(struct virtio_mmio *vm, const struct virtq_chain *c, uint64_t off,
                       const void *buf, uint32_t len);

/* Where the slot is mapped and the bus's log, for a device's own -d guest_errors
 * reports ("virtio-net@10001000: ..."). */
uint32_t virtio_mmio_base(const struct virtio_mmio *vm);
struct guest_log *virtio_mmio_log(const struct virtio_mmio *vm);

/* Copy between guest physical memory and the host. False if the range is not memory. */
bool virtio_dma_read(struct virtio_mmio *vm, uint32_t addr, void *buf, uint32_t len);
bool virtio_dma_write(struct virtio_mmio *vm, uint32_t addr, const void *buf, uint32_t len);

/* Did the driver accept feature bit `bit`? */
bool virtio_driver_has_feature(const struct virtio_mmio *vm, unsigned bit);

/* Mark the device broken (NEEDS_RESET) and tell the driver. */
void virtio_mmio_needs_reset(struct virtio_mmio *vm);

/* The slot's transport version (1 or 2) and its device's id (0: empty). */
unsigned virtio_mmio_version(const struct virtio_mmio *vm);
uint32_t virtio_mmio_device_id(const struct virtio_mmio *vm);

#endif
