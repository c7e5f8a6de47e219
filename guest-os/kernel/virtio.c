/* What every virtio-mmio driver does the same way: bring a device up with one queue. */
#include "virtio.h"

#define VIRTIO_F_VERSION_1_HI 1u    /* feature bit 32: bit 0 of the second word */

#define REG(off) (*(volatile uint32_t *)(uintptr_t)(base + (off)))

/* Reset, accept no optional feature (a modern device: VERSION_1 only, which it
 * requires), and hand over `q` as queue 0 in the layout the version wants. */
int virtio_setup(uint32_t base, struct virtq *q)
{
    uint32_t version = REG(VIRTIO_MMIO_VERSION);
    if (version != 1 && version != 2)
        return -1;
    uint32_t st = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
    REG(VIRTIO_MMIO_STATUS) = 0;
    REG(VIRTIO_MMIO_STATUS) = st;
    REG(VIRTIO_MMIO_DRIVER_FEATURES_SEL) = 0;
    REG(VIRTIO_MMIO_DRIVER_FEATURES) = 0;
    if (version == 2) {
        REG(VIRTIO_MMIO_DRIVER_FEATURES_SEL) = 1;
        REG(VIRTIO_MMIO_DRIVER_FEATURES) = VIRTIO_F_VERSION_1_HI;
        st |= VIRTIO_STATUS_FEATURES_OK;
        REG(VIRTIO_MMIO_STATUS) = st;
        if (!(REG(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
            return -1;
    } else {
        REG(VIRTIO_MMIO_GUEST_PAGE_SIZE) = 4096;
    }
    REG(VIRTIO_MMIO_QUEUE_SEL) = 0;
    if (REG(VIRTIO_MMIO_QUEUE_NUM_MAX) < VIRTQ_MAX)
        return -1;
    REG(VIRTIO_MMIO_QUEUE_NUM) = VIRTQ_MAX;
    if (version == 2) {
        REG(VIRTIO_MMIO_QUEUE_DESC_LOW) = (uint32_t)(uintptr_t)q->desc;
        REG(VIRTIO_MMIO_QUEUE_DESC_HIGH) = 0;
        REG(VIRTIO_MMIO_DRIVER_DESC_LOW) = (uint32_t)(uintptr_t)&q->avail_flags;
        REG(VIRTIO_MMIO_DRIVER_DESC_HIGH) = 0;
        REG(VIRTIO_MMIO_DEVICE_DESC_LOW) = (uint32_t)(uintptr_t)&q->used_flags;
        REG(VIRTIO_MMIO_DEVICE_DESC_HIGH) = 0;
        REG(VIRTIO_MMIO_QUEUE_READY) = 1;
    } else {
        REG(VIRTIO_MMIO_QUEUE_ALIGN) = 4096;
        REG(VIRTIO_MMIO_QUEUE_PFN) = (uint32_t)(uintptr_t)q >> 12;
    }
    REG(VIRTIO_MMIO_STATUS) = st | VIRTIO_STATUS_DRIVER_OK;
    return 0;
}

int virtio_is(uint32_t base, uint32_t device_id)
{
    return REG(VIRTIO_MMIO_MAGIC) == VIRTIO_MAGIC_VALUE && REG(VIRTIO_MMIO_DEVICE_ID) == device_id;
}

/* Acknowledge the device's interrupt (used buffer and configuration change). */
void virtio_ack(uint32_t base)
{
    REG(VIRTIO_MMIO_INTERRUPT_ACK) = REG(VIRTIO_MMIO_INTERRUPT_STATUS) & 3;
}
