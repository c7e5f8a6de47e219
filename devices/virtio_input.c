/*
 * virtio-input (virtio spec v1.2, 5.8): a keyboard or a tablet.
 *
 * The configuration space (5.8.4) is a question and its answer: the driver writes
 * `select` (offset 0) and `subsel` (offset 1), then reads `size` (offset 2) and the
 * 128-byte union at offset 8. The answer is computed once, when select or subsel is
 * written, into `config`, which reads then copy. A combination the device does not
 * support answers size 0 with the union zeroed (5.8.4.1: "MUST set the size field to
 * zero"). Strings carry no terminating NUL (Linux reads min(size, its buffer) into a
 * zeroed buffer).
 *
 * Events: vinput_send() appends to a ring of VINPUT_QUEUE_LEN events; delivery takes
 * chains from the event queue only while events wait, writes one 8-byte event per chain
 * (le16 type, le16 code, le32 value) across the chain's writable buffers, however the
 * driver cut them (2.7.4: no framing assumptions), and returns it with 8 written. It
 * runs on every vinput_send() and on every notification of the event queue (the driver
 * added buffers). Unlike QEMU, which drops a whole SYN_REPORT group when the guest has
 * no buffers for it, events wait here until the driver catches up; a full ring refuses
 * the newest events.
 *
 * A chain whose writable part is shorter than one event cannot carry it: it is returned
 * with 0 bytes written, and the event stays at the head of the ring for the next chain,
 * so a driver's bad buffer never loses the host's input. Chains the transport cannot
 * walk are its business (NEEDS_RESET, see virtio_mmio.h).
 *
 * The status queue carries the driver's LED and sound events (5.8.6.2); nothing here
 * advertises EV_LED or EV_SND, so they are consumed and returned with 0 written.
 */
#include "devices/virtio_input.h"

#include <stdlib.h>
#include <string.h>

#include "devices/snapshot.h"

#define VIRTIO_ID_INPUT          18
#define VINPUT_QUEUE_MAX         64     /* QueueNumMax: Linux fills up to 64 buffers */
#define VINPUT_EVENTQ            0
#define VINPUT_STATUSQ           1
#define VINPUT_EVENT_BYTES       8

/* struct virtio_input_config (5.8.4). */
#define CFG_SELECT               0
#define CFG_SUBSEL               1
#define CFG_SIZE                 2
#define CFG_UNION                8
#define CFG_UNION_BYTES          128
#define CFG_BYTES                (CFG_UNION + CFG_UNION_BYTES)

/* enum virtio_input_config_select. */
#define VIRTIO_INPUT_CFG_UNSET       0x00
#define VIRTIO_INPUT_CFG_ID_NAME     0x01
#define VIRTIO_INPUT_CFG_ID_SERIAL   0x02
#define VIRTIO_INPUT_CFG_ID_DEVIDS   0x03
#define VIRTIO_INPUT_CFG_PROP_BITS   0x10
#define VIRTIO_INPUT_CFG_EV_BITS     0x11
#define VIRTIO_INPUT_CFG_ABS_INFO    0x12

/* linux/input-event-codes.h and linux/input.h. */
#define KEY_ESC                  1
#define KEY_MICMUTE              248    /* the last code of the PC keyboard block */
#define REP_DELAY                0
#define REP_PERIOD               1
#define BUS_VIRTUAL              0x06

/* ID_DEVIDS: rvbox's own numbers (no vendor is imitated); product tells the kinds apart. */
#define VINPUT_VENDOR            0x0000
#define VINPUT_PRODUCT_KEYBOARD  0x0001
#define VINPUT_PRODUCT_TABLET    0x0002
#define VINPUT_VERSION           0x0001

struct vinput_event {
    uint16_t type, code;
    uint32_t value;
};

struct virtio_input {
    struct virtio_mmio *vm;
    enum vinput_kind kind;
    uint8_t config[CFG_BYTES];              /* select, subsel, and their answer */
    struct vinput_event ring[VINPUT_QUEUE_LEN];
    unsigned ring_head;                     /* oldest waiting event */
    unsigned ring_count;
    struct virtq_chain chain;               /* the chain being served */
    bool (*tap)(void *opaque, struct virtio_input *in, uint16_t type, uint16_t code,
                uint32_t value);                /* vinput_set_tap */
    void *tap_opaque;
};

static void put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    put_le16(p, (uint16_t)v);
    put_le16(p + 2, (uint16_t)(v >> 16));
}

/* ---- the configuration space ---- */

/* Set `bit` in the answer's bitmap and grow size to cover its byte. */
static void answer_bit(struct virtio_input *in, unsigned bit)
{
    in->config[CFG_UNION + bit / 8] |= (uint8_t)(1u << (bit % 8));
    if (in->config[CFG_SIZE] < bit / 8 + 1)
        in->config[CFG_SIZE] = (uint8_t)(bit / 8 + 1);
}

static void answer_string(struct virtio_input *in, const char *s)
{
    size_t n = strlen(s);
    if (n > CFG_UNION_BYTES)
        n = CFG_UNION_BYTES;
    memcpy(in->config + CFG_UNION, s, n);
    in->config[CFG_SIZE] = (uint8_t)n;
}

/* EV_BITS for event type `type`: the codes of that type the device may send. */
static void answer_ev_bits(struct virtio_input *in, unsigned type)
{
    bool keyboard = in->kind == VINPUT_KEYBOARD;
    switch (type) {
    case EV_SYN:
        answer_bit(in, SYN_REPORT);
        break;
    case EV_KEY:
        if (keyboard) {
            for (unsigned k = KEY_ESC; k <= KEY_MICMUTE; k++)
                answer_bit(in, k);
        } else {
            answer_bit(in, BTN_LEFT);
            answer_bit(in, BTN_RIGHT);
            answer_bit(in, BTN_MIDDLE);
        }
        break;
    case EV_REP:
        /* Linux only checks that the size is non-zero, then repeats keys itself. */
        if (keyboard) {
            answer_bit(in, REP_DELAY);
            answer_bit(in, REP_PERIOD);
        }
        break;
    case EV_ABS:
        if (!keyboard) {
            answer_bit(in, ABS_X);
            answer_bit(in, ABS_Y);
        }
        break;
    default:
        break;
    }
}

/* struct virtio_input_absinfo: min, max, fuzz, flat, res (le32 each). */
static void answer_abs_info(struct virtio_input *in, unsigned axis)
{
    if (in->kind != VINPUT_TABLET || (axis != ABS_X && axis != ABS_Y))
        return;
    uint8_t *u = in->config + CFG_UNION;
    put_le32(u + 0, 0);
    put_le32(u + 4, VINPUT_ABS_MAX);
    /* fuzz, flat and res stay 0: exact positions, no dead zone, no physical size. */
    in->config[CFG_SIZE] = 20;
}

/* Work out the answer to the select/subsel now in config. */
static void config_answer(struct virtio_input *in)
{
    unsigned select = in->config[CFG_SELECT], subsel = in->config[CFG_SUBSEL];
    memset(in->config + CFG_SIZE, 0, CFG_BYTES - CFG_SIZE);
    uint8_t *u = in->config + CFG_UNION;

    switch (select) {
    case VIRTIO_INPUT_CFG_ID_NAME:
        if (subsel == 0)
            answer_string(in, in->kind == VINPUT_KEYBOARD ? "rvbox keyboard" : "rvbox tablet");
        break;
    case VIRTIO_INPUT_CFG_ID_DEVIDS:
        if (subsel == 0) {
            put_le16(u + 0, BUS_VIRTUAL);
            put_le16(u + 2, VINPUT_VENDOR);
            put_le16(u + 4, in->kind == VINPUT_KEYBOARD ? VINPUT_PRODUCT_KEYBOARD
                                                        : VINPUT_PRODUCT_TABLET);
            put_le16(u + 6, VINPUT_VERSION);
            in->config[CFG_SIZE] = 8;
        }
        break;
    case VIRTIO_INPUT_CFG_EV_BITS:
        answer_ev_bits(in, subsel);
        break;
    case VIRTIO_INPUT_CFG_ABS_INFO:
        answer_abs_info(in, subsel);
        break;
    case VIRTIO_INPUT_CFG_ID_SERIAL:    /* no serial number, as QEMU without one */
    case VIRTIO_INPUT_CFG_PROP_BITS:    /* no input properties */
    case VIRTIO_INPUT_CFG_UNSET:
    default:
        break;
    }
}

static uint32_t vinput_config_read(void *dev, uint32_t off, unsigned size)
{
    const struct virtio_input *in = dev;
    uint32_t v = 0;
    for (unsigned i = 0; i < size && i < 4; i++)
        if (off + i < CFG_BYTES)
            v |= (uint32_t)in->config[off + i] << (8 * i);
    return v;
}

/* Only select and subsel are the driver's to write; a wider write that covers them
 * (a 16- or 32-bit store at offset 0) sets them too, and its other bytes are ignored. */
static void vinput_config_write(void *dev, uint32_t off, unsigned size, uint32_t value)
{
    struct virtio_input *in = dev;
    bool changed = false;
    for (unsigned i = 0; i < size && i < 4; i++) {
        uint32_t at = off + i;
        if (at == CFG_SELECT || at == CFG_SUBSEL) {
            in->config[at] = (uint8_t)(value >> (8 * i));
            changed = true;
        }
    }
    if (changed)
        config_answer(in);
}

/* ---- events ---- */

/* Write `len` bytes into the chain's writable buffers, in order. False if they are
 * shorter or guest memory refused. */
static bool chain_write(struct virtio_input *in, const uint8_t *src, uint32_t len)
{
    const struct virtq_chain *c = &in->chain;
    for (unsigned i = 0; i < c->count && len > 0; i++) {
        const struct virtq_buf *b = &c->bufs[i];
        if (!b->device_writes)
            continue;
        uint32_t n = b->len < len ? b->len : len;
        if (!virtio_dma_write(in->vm, b->addr, src, n))
            return false;
        src += n;
        len -= n;
    }
    return len == 0;
}

static uint64_t chain_room(const struct virtq_chain *c)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < c->count; i++)
        if (c->bufs[i].device_writes)
            n += c->bufs[i].len;
    return n;
}

/* Hand waiting events to the driver, oldest first, one per chain, while both last. */
static void deliver(struct virtio_input *in)
{
    while (in->ring_count > 0 && virtq_pop(in->vm, VINPUT_EVENTQ, &in->chain) == VIRTQ_GOT) {
        if (chain_room(&in->chain) < VINPUT_EVENT_BYTES) {
            virtq_push(in->vm, VINPUT_EVENTQ, in->chain.head, 0);   /* event kept */
            continue;
        }
        const struct vinput_event *e = &in->ring[in->ring_head];
        uint8_t bytes[VINPUT_EVENT_BYTES];
        put_le16(bytes, e->type);
        put_le16(bytes + 2, e->code);
        put_le32(bytes + 4, e->value);
        if (!chain_write(in, bytes, sizeof bytes)) {
            /* virtq_pop checked every buffer is writable RAM: not what it walked. */
            virtio_mmio_needs_reset(in->vm);
            return;
        }
        virtq_push(in->vm, VINPUT_EVENTQ, in->chain.head, VINPUT_EVENT_BYTES);
        in->ring_head = (in->ring_head + 1) % VINPUT_QUEUE_LEN;
        in->ring_count--;
    }
}

/* LED and sound changes from the driver: nothing here shows them. */
static void drain_status(struct virtio_input *in)
{
    while (virtq_pop(in->vm, VINPUT_STATUSQ, &in->chain) == VIRTQ_GOT)
        virtq_push(in->vm, VINPUT_STATUSQ, in->chain.head, 0);
}

bool vinput_send(struct virtio_input *in, uint16_t type, uint16_t code, uint32_t value)
{
    if (in->tap && !in->tap(in->tap_opaque, in, type, code, value))
        return false;
    if (in->ring_count == VINPUT_QUEUE_LEN)
        return false;
    unsigned tail = (in->ring_head + in->ring_count) % VINPUT_QUEUE_LEN;
    in->ring[tail] = (struct vinput_event){ .type = type, .code = code, .value = value };
    in->ring_count++;
    deliver(in);
    return true;
}

void vinput_set_tap(struct virtio_input *in,
                    bool (*tap)(void *opaque, struct virtio_input *in, uint16_t type,
                                uint16_t code, uint32_t value),
                    void *opaque)
{
    in->tap = tap;
    in->tap_opaque = opaque;
}

enum vinput_kind vinput_kind(const struct virtio_input *in)
{
    return in->kind;
}

static void vinput_queue_notify(void *dev, unsigned q)
{
    struct virtio_input *in = dev;
    if (q == VINPUT_EVENTQ)
        deliver(in);
    else if (q == VINPUT_STATUSQ)
        drain_status(in);
}

/* The driver reset the device: waiting events belong to the old session; the question
 * in the configuration space goes back to UNSET. */
static void vinput_reset(void *dev)
{
    struct virtio_input *in = dev;
    in->ring_head = 0;
    in->ring_count = 0;
    in->config[CFG_SELECT] = VIRTIO_INPUT_CFG_UNSET;
    in->config[CFG_SUBSEL] = 0;
    config_answer(in);
}

/* ---- snapshots: the configuration space (the question asked and its answer) and the
 * events waiting for driver buffers; the chain is only used within one delivery ---- */

SNAP_LAYOUT(struct virtio_input, 3000);

static void vinput_save(const void *opaque, struct snap_writer *w)
{
    const struct virtio_input *in = opaque;
    snap_put_u32(w, in->kind);
    snap_put_bytes(w, in->config, CFG_BYTES);
    snap_put_u32(w, VINPUT_QUEUE_LEN);
    snap_put_u32(w, in->ring_head);
    snap_put_u32(w, in->ring_count);
    for (unsigned i = 0; i < in->ring_count; i++) {
        const struct vinput_event *e = &in->ring[(in->ring_head + i) % VINPUT_QUEUE_LEN];
        snap_put_u16(w, e->type);
        snap_put_u16(w, e->code);
        snap_put_u32(w, e->value);
    }
}

static int vinput_load(void *opaque, struct snap_reader *r)
{
    struct virtio_input *in = opaque;
    uint32_t kind = snap_get_u32(r);
    if (snap_ok(r) && kind != (uint32_t)in->kind)
        return snap_fail(r, "a %s saved in this slot's %s", kind ? "tablet" : "keyboard",
                         in->kind ? "tablet" : "keyboard");
    uint8_t config[CFG_BYTES];
    snap_get_bytes(r, config, CFG_BYTES);
    uint32_t len = snap_get_u32(r), head = snap_get_u32(r), count = snap_get_u32(r);
    if (snap_ok(r) && (len != VINPUT_QUEUE_LEN || head >= len || count > len))
        return snap_fail(r, "an event ring of %u (head %u, %u waiting)", len, head, count);
    const uint8_t *events = snap_get_span(r, (size_t)count * VINPUT_EVENT_BYTES);
    if (!snap_applying(r))
        return snap_status(r);
    memcpy(in->config, config, CFG_BYTES);
    in->ring_head = head;
    in->ring_count = count;
    for (unsigned i = 0; i < count; i++) {
        const uint8_t *e = events + i * VINPUT_EVENT_BYTES;
        in->ring[(head + i) % VINPUT_QUEUE_LEN] = (struct vinput_event){
            .type = (uint16_t)(e[0] | e[1] << 8),
            .code = (uint16_t)(e[2] | e[3] << 8),
            .value = (uint32_t)e[4] | (uint32_t)e[5] << 8 | (uint32_t)e[6] << 16 |
                     (uint32_t)e[7] << 24,
        };
    }
    return 0;
}

static const struct snap_ops vinput_snap = {
    .name = "virtio-input", .version = 1, .save = vinput_save, .load = vinput_load,
};

struct virtio_input *vinput_create(struct virtio_mmio *vm, enum vinput_kind kind)
{
    if (!vm || (kind != VINPUT_KEYBOARD && kind != VINPUT_TABLET))
        return NULL;
    struct virtio_input *in = calloc(1, sizeof *in);
    if (!in)
        return NULL;
    in->vm = vm;
    in->kind = kind;
    vinput_reset(in);

    struct virtio_device_ops ops = {
        .device_id = VIRTIO_ID_INPUT,
        .num_queues = 2,
        .queue_max = VINPUT_QUEUE_MAX,
        .features = 0,                      /* virtio-input defines no feature bits */
        .config_read = vinput_config_read,
        .config_write = vinput_config_write,
        .queue_notify = vinput_queue_notify,
        .reset = vinput_reset,
        .snap = &vinput_snap,
    };
    virtio_mmio_set_device(vm, &ops, in);
    return in;
}

/* Frees the device only: the transport is not touched (it may be gone already), so
 * the guest must not run on this slot afterwards. */
void vinput_destroy(struct virtio_input *in)
{
    free(in);
}
