/*
 * virtio over MMIO (virtio 1.1, section 4.2): the register block, both the legacy
 * (version 1) and the modern (version 2) layout, and the split virtqueue.
 */
#ifndef KITE_VIRTIO_H
#define KITE_VIRTIO_H

#include <stdint.h>

#define VIRTIO_MAGIC_VALUE 0x74726976u  /* "virt" */

#define VIRTIO_MMIO_MAGIC            0x000
#define VIRTIO_MMIO_VERSION          0x004   /* 1 legacy, 2 modern */
#define VIRTIO_MMIO_DEVICE_ID        0x008   /* 2 block, 18 input; 0 empty slot */
#define VIRTIO_MMIO_VENDOR_ID        0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES  0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES  0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE  0x028   /* legacy */
#define VIRTIO_MMIO_QUEUE_SEL        0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX    0x034
#define VIRTIO_MMIO_QUEUE_NUM        0x038
#define VIRTIO_MMIO_QUEUE_ALIGN      0x03c   /* legacy */
#define VIRTIO_MMIO_QUEUE_PFN        0x040   /* legacy */
#define VIRTIO_MMIO_QUEUE_READY      0x044   /* modern */
#define VIRTIO_MMIO_QUEUE_NOTIFY     0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK    0x064
#define VIRTIO_MMIO_STATUS           0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW   0x080   /* modern */
#define VIRTIO_MMIO_QUEUE_DESC_HIGH  0x084
#define VIRTIO_MMIO_DRIVER_DESC_LOW  0x090
#define VIRTIO_MMIO_DRIVER_DESC_HIGH 0x094
#define VIRTIO_MMIO_DEVICE_DESC_LOW  0x0a0
#define VIRTIO_MMIO_DEVICE_DESC_HIGH 0x0a4
#define VIRTIO_MMIO_CONFIG           0x100

#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER      2
#define VIRTIO_STATUS_DRIVER_OK   4
#define VIRTIO_STATUS_FEATURES_OK 8

#define VIRTIO_DEV_BLOCK 2
#define VIRTIO_DEV_INPUT 18

#define VIRTQ_DESC_F_NEXT  1
#define VIRTQ_DESC_F_WRITE 2

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};
struct virtq_used_elem {
    uint32_t id;
    uint32_t len;
};

/* A queue of up to VIRTQ_MAX entries laid out the legacy way, which modern devices
 * accept too: descriptors and the available ring in the first page, the used ring at
 * the start of the second. Two pages, page-aligned. */
#define VIRTQ_MAX 16
struct virtq {
    struct virtq_desc desc[VIRTQ_MAX];
    uint16_t avail_flags, avail_idx, avail_ring[VIRTQ_MAX], used_event;
    uint8_t pad[4096 - VIRTQ_MAX * 16 - 6 - VIRTQ_MAX * 2];
    uint16_t used_flags, used_idx;
    struct virtq_used_elem used_ring[VIRTQ_MAX];
    uint16_t avail_event;
    uint8_t pad2[4096 - 4 - VIRTQ_MAX * 8 - 2];
} __attribute__((aligned(4096)));

/* virtio.c: is the device at `base` a `device_id`? Bring it up with `q` as queue 0
 * (0, or -1 if it cannot be driven); acknowledge its interrupt. */
int virtio_is(uint32_t base, uint32_t device_id);
int virtio_setup(uint32_t base, struct virtq *q);
void virtio_ack(uint32_t base);

#endif
