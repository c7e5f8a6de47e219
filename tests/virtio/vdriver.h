/*
 * A fake guest driver for the virtio tests: a machine with RAM on a real bus at
 * 0x80000000 and one virtio-mmio slot at 0x10001000, and a driver that reaches the slot
 * only through bus_read/bus_write of its registers and through descriptor tables and
 * rings it builds in that RAM, as a kernel would (Linux's virtio_mmio.c, xv6's
 * virtio_disk.c): both the legacy (v1, QueuePFN) and the modern (v2, separate area
 * addresses) interfaces.
 */
#ifndef RVBOX_TESTS_VDRIVER_H
#define RVBOX_TESTS_VDRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "bus/bus.h"
#include "devices/virtio_mmio.h"

#define VD_RAM_BASE     0x80000000u
#define VD_RAM_SIZE     0x02000000u         /* 32 MiB: room for multi-MiB requests */
#define VD_MMIO_BASE    0x10001000u
#define VD_PAGE         4096u

/* Where the driver keeps things in guest RAM. */
#define VD_QUEUE_BASE   0x80010000u         /* queue areas: 3 pages */
#define VD_HDR_ADDR     0x80020000u         /* request header */
#define VD_STATUS_ADDR  0x80020100u         /* status byte */
#define VD_DATA_ADDR    0x80030000u         /* data buffers, up to 64 KiB */
#define VD_BIG_ADDR     0x80100000u         /* large data buffers, up to 31 MiB */

/* Register offsets, as a driver's header spells them. */
#define VD_MAGIC            0x000
#define VD_VERSION          0x004
#define VD_DEVICE_ID        0x008
#define VD_VENDOR_ID        0x00c
#define VD_DEV_FEATURES     0x010
#define VD_DEV_FEATURES_SEL 0x014
#define VD_DRV_FEATURES     0x020
#define VD_DRV_FEATURES_SEL 0x024
#define VD_GUEST_PAGE_SIZE  0x028
#define VD_QUEUE_SEL        0x030
#define VD_QUEUE_NUM_MAX    0x034
#define VD_QUEUE_NUM        0x038
#define VD_QUEUE_ALIGN      0x03c
#define VD_QUEUE_PFN        0x040
#define VD_QUEUE_READY      0x044
#define VD_QUEUE_NOTIFY     0x050
#define VD_INT_STATUS       0x060
#define VD_INT_ACK          0x064
#define VD_STATUS           0x070
#define VD_QUEUE_DESC_LO    0x080
#define VD_QUEUE_DESC_HI    0x084
#define VD_QUEUE_DRIVER_LO  0x090
#define VD_QUEUE_DRIVER_HI  0x094
#define VD_QUEUE_DEVICE_LO  0x0a0
#define VD_QUEUE_DEVICE_HI  0x0a4
#define VD_CONFIG_GEN       0x0fc
#define VD_CONFIG           0x100

#define VD_DESC_F_NEXT      1
#define VD_DESC_F_WRITE     2
#define VD_DESC_F_INDIRECT  4

/* An interrupt line that remembers its level and counts rising edges. */
struct vd_irq {
    bool level;
    unsigned raises;
};

struct vd_machine {
    struct bus *bus;
    uint8_t *ram;
    struct vd_irq irq;
    struct virtio_mmio *vm;
    unsigned version;
};

/* Bus, RAM and an empty virtio-mmio slot of `version` attached at VD_MMIO_BASE. */
void vd_machine_init(struct vd_machine *m, unsigned version);
void vd_machine_fini(struct vd_machine *m);

uint32_t vd_reg_read(struct vd_machine *m, uint32_t off);
void vd_reg_write(struct vd_machine *m, uint32_t off, uint32_t value);
uint32_t vd_reg_read_sized(struct vd_machine *m, uint32_t off, unsigned size);

/* Host pointer into guest RAM; the range must be RAM. */
uint8_t *vd_ram(struct vd_machine *m, uint32_t addr, uint32_t len);

struct vd_driver {
    struct vd_machine *m;
    unsigned q;                     /* which queue: 0 after vd_driver_init */
    uint32_t num;                   /* queue size */
    uint32_t desc, avail, used;     /* guest physical */
    uint16_t avail_idx;             /* the driver's avail->idx */
    uint16_t used_seen;             /* used entries taken so far */
    uint64_t offered;               /* DeviceFeatures, both words */
    uint64_t accepted;              /* what the driver wrote back */
    uint32_t status;                /* Status as read back at the end */
};

/* Bring the device up as a driver does (3.1.1, plus the legacy steps for v1): reset,
 * ACKNOWLEDGE, DRIVER, features (accept offered & accept_mask; v2 also VERSION_1),
 * FEATURES_OK (v2) and check it stuck, queue 0 of `num` entries at VD_QUEUE_BASE,
 * DRIVER_OK. Returns 0, or the number of the step that failed. */
int vd_driver_init(struct vd_driver *d, struct vd_machine *m, uint32_t num,
                   uint64_t accept_mask);

/* After vd_driver_init(d0): queue q of `num` entries at `base` (three pages), driven
 * through `d` (its own rings; same machine and features as d0). Returns 0 or the step
 * that failed. */
int vd_queue_init(struct vd_driver *d, const struct vd_driver *d0, unsigned q, uint32_t num,
                  uint32_t base);

/* Descriptor `idx` of the driver's queue's table in guest RAM. */
void vd_set_desc(struct vd_driver *d, unsigned idx, uint64_t addr, uint32_t len,
                 uint16_t flags, uint16_t next);

/* Put chain `head` in the avail ring (idx += 1); notify the queue if `notify`. */
void vd_make_avail(struct vd_driver *d, uint16_t head, bool notify);
void vd_notify(struct vd_driver *d);

/* Take the next used entry; false if the device has not returned one. */
bool vd_take_used(struct vd_driver *d, uint32_t *id, uint32_t *len);

/* used->idx and avail->idx as they are in RAM. */
uint16_t vd_used_idx(struct vd_driver *d);

/* A block request in the classic shape (descriptors 0, 1, 2 from `first`): header at
 * VD_HDR_ADDR, `data_len` bytes at `data_addr` (none when 0), written by the device
 * for IN and GET_ID, and the status byte at VD_STATUS_ADDR. Returns the status byte
 * the device wrote, or -1 if the chain did not come back (with *used_len untouched). */
int vd_blk_request(struct vd_driver *d, uint32_t type, uint64_t sector, uint32_t data_addr,
                   uint32_t data_len, uint32_t *used_len);

/* The virtio-blk capacity from the configuration space, read as Linux does for v2
 * (two 32-bit reads) or byte by byte (legacy drivers). */
uint64_t vd_blk_capacity(struct vd_machine *m, bool bytewise);

#endif
