/*
 * virtio-input (virtio spec v1.2, section 5.8) as Linux's virtio_input driver expects:
 * an event queue (0) the driver fills with 8-byte buffers and the device returns with
 * events (le16 type, le16 code, le32 value, the evdev encoding), a status queue (1) whose
 * buffers (LED changes) are consumed and ignored, and the configuration space that
 * answers select/subsel queries (ID_NAME, ID_SERIAL, ID_DEVIDS, PROP_BITS, EV_BITS,
 * ABS_INFO).
 *
 * Two kinds: a keyboard (EV_KEY for the keys of a PC keyboard, EV_REP, EV_SYN) and a
 * tablet: an absolute pointer (EV_ABS X and Y over 0..VINPUT_ABS_MAX, EV_KEY BTN_LEFT,
 * BTN_RIGHT, BTN_MIDDLE, EV_SYN), like QEMU's virtio-keyboard-device and
 * virtio-tablet-device.
 *
 * The host sends events with vinput_send(); they wait in a small ring until the driver
 * provides buffers, and are dropped (oldest first is NOT what happens: the newest are
 * refused) only when the ring is full.
 */
#ifndef RVBOX_VIRTIO_INPUT_H
#define RVBOX_VIRTIO_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/virtio_mmio.h"

#define VINPUT_ABS_MAX   32767
#define VINPUT_QUEUE_LEN 256        /* host events waiting for driver buffers */

/* evdev event types and codes used by the host side (linux/input-event-codes.h). */
#define EV_SYN      0x00
#define EV_KEY      0x01
#define EV_REL      0x02
#define EV_ABS      0x03
#define EV_REP      0x14
#define SYN_REPORT  0
#define ABS_X       0x00
#define ABS_Y       0x01
#define BTN_LEFT    0x110
#define BTN_RIGHT   0x111
#define BTN_MIDDLE  0x112

enum vinput_kind { VINPUT_KEYBOARD, VINPUT_TABLET };

struct virtio_input;

/* Creates the device and plugs it into `vm`. */
struct virtio_input *vinput_create(struct virtio_mmio *vm, enum vinput_kind kind);
void vinput_destroy(struct virtio_input *in);

/* Queue one event and deliver what the driver has room for. False: the ring is full
 * (the event is dropped). Send EV_SYN/SYN_REPORT after each group, as evdev does. */
bool vinput_send(struct virtio_input *in, uint16_t type, uint16_t code, uint32_t value);

/* Call `tap` with every event vinput_send() is given, before it is queued: a recording
 * of the session's input (host/replay.c). The tap returning false drops the event (live
 * input while a recording plays back). NULL: none. */
void vinput_set_tap(struct virtio_input *in,
                    bool (*tap)(void *opaque, struct virtio_input *in, uint16_t type,
                                uint16_t code, uint32_t value),
                    void *opaque);

/* VINPUT_KEYBOARD or VINPUT_TABLET. */
enum vinput_kind vinput_kind(const struct virtio_input *in);

#endif
