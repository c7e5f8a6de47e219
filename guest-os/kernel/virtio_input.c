/*
 * The virtio keyboard (virtio 1.1, 5.8): the device fills event buffers we post in
 * queue 0 with Linux input events; key presses become characters for the console,
 * through a US layout with Shift and Ctrl.
 */
#include "virtio_input.h"

#include "console.h"
#include "memlayout.h"
#include "spinlock.h"
#include "virtio.h"

#define CFG_SELECT  (VIRTIO_MMIO_CONFIG + 0)
#define CFG_SUBSEL  (VIRTIO_MMIO_CONFIG + 1)
#define CFG_SIZE    (VIRTIO_MMIO_CONFIG + 2)
#define CFG_DATA    (VIRTIO_MMIO_CONFIG + 8)
#define CFG_ID_NAME 1

#define EV_KEY 1
#define KEY_LEFTCTRL   29
#define KEY_LEFTSHIFT  42
#define KEY_RIGHTSHIFT 54
#define KEY_CAPSLOCK   58
#define KEY_KPENTER    96
#define KEY_RIGHTCTRL  97
#define KEY_KPSLASH    98

#define REG(off) (*(volatile uint32_t *)(uintptr_t)(base + (off)))
#define REG8(off) (*(volatile uint8_t *)(uintptr_t)(base + (off)))

struct input_event {
    uint16_t type, code;
    uint32_t value;             /* keys: 0 release, 1 press, 2 repeat */
};

static uint32_t base;
static int slot = -1;
static struct virtq q;
static struct input_event events[VIRTQ_MAX];
static uint16_t used_seen;
static int shift, ctrl, capslock;
static struct spinlock lock;        /* the queue and the modifier keys */

/* Linux key codes 0..83 (input-event-codes.h) on a US keyboard; 0 = no character.
 * 58 is Caps Lock; 59..70 the function keys and locks; 71..83 the keypad, read as if
 * Num Lock were on (Kite has no cursor keys to give it instead). */
#define NKEYS 84
static const char plain[NKEYS] = {
    0, 27, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', 0x7f, '\t',
    'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\r', 0, 'a', 's',
    'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\', 'z', 'x', 'c', 'v',
    'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' ', 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, '7', '8', '9', '-', '4', '5', '6', '+', '1',
    '2', '3', '0', '.',
};
static const char shifted[NKEYS] = {
    0, 27, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', 0x7f, '\t',
    'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\r', 0, 'A', 'S',
    'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0, '|', 'Z', 'X', 'C', 'V',
    'B', 'N', 'M', '<', '>', '?', 0, '*', 0, ' ', 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, '7', '8', '9', '-', '4', '5', '6', '+', '1',
    '2', '3', '0', '.',
};

/* Does the device's name (the ID_NAME config string) mention a keyboard? */
static int is_keyboard(void)
{
    REG8(CFG_SELECT) = CFG_ID_NAME;
    REG8(CFG_SUBSEL) = 0;
    uint32_t size = REG8(CFG_SIZE);
    for (uint32_t i = 0; i + 7 <= size; i++) {
        const char *want = "eyboard";
        uint32_t k = 0;
        while (k < 7 && REG8(CFG_DATA + i + k) == (uint8_t)want[k])
            k++;
        if (k == 7)
            return 1;
    }
    return 0;
}

/* Hand event buffer `id` (back) to the device. The ring entry must be in memory before
 * the index that announces it, since the device may look at any moment. */
static void post(uint16_t id)
{
    q.desc[id] = (struct virtq_desc){ (uint32_t)(uintptr_t)&events[id], sizeof events[id],
                                      VIRTQ_DESC_F_WRITE, 0 };
    q.avail_ring[q.avail_idx % VIRTQ_MAX] = id;
    __sync_synchronize();
    q.avail_idx++;
}

int vinput_init(void)
{
    int first = -1;
    initlock(&lock, "virtio_input");
    for (int n = 0; n < NVIRTIO && slot < 0; n++) {
        base = VIRTIO(n);
        if (!virtio_is(base, VIRTIO_DEV_INPUT))
            continue;
        if (first < 0)
            first = n;
        if (is_keyboard())
            slot = n;
    }
    if (slot < 0)
        slot = first;
    if (slot < 0)
        return -1;
    base = VIRTIO(slot);
    if (virtio_setup(base, &q) < 0) {
        slot = -1;
        return -1;
    }
    for (uint16_t i = 0; i < VIRTQ_MAX; i++)
        post(i);
    __sync_synchronize();
    REG(VIRTIO_MMIO_QUEUE_NOTIFY) = 0;
    return 0;
}

int vinput_irq(void) { return slot < 0 ? -1 : VIRTIO_IRQ(slot); }

static int is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The character a key event types, if any. Modifier state comes from the presses and
 * releases themselves, since the device only reports keys, never "shift is down". */
static void key(uint16_t code, uint32_t value)
{
    if (code == KEY_LEFTSHIFT || code == KEY_RIGHTSHIFT) {
        shift = value != 0;
        return;
    }
    if (code == KEY_LEFTCTRL || code == KEY_RIGHTCTRL) {
        ctrl = value != 0;
        return;
    }
    if (value == 0)
        return;                 /* a release */
    if (code == KEY_CAPSLOCK) {
        if (value == 1)
            capslock = !capslock;
        return;
    }
    char c = 0;
    if (code < NKEYS) {
        c = shift ? shifted[code] : plain[code];
        if (capslock && is_letter(c))
            c ^= 0x20;          /* Caps Lock swaps the case Shift chose */
    } else if (code == KEY_KPENTER) {
        c = '\r';
    } else if (code == KEY_KPSLASH) {
        c = '/';
    }
    if (ctrl && is_letter(c))
        c &= 0x1f;
    if (c)
        console_input(c);
}

/* Every used buffer holds one event: turn it into characters, then post the buffer
 * again at once, so the device never runs out of places to put key presses. */
void vinput_intr(void)
{
    acquire(&lock);
    virtio_ack(base);
    __sync_synchronize();
    while (used_seen != *(volatile uint16_t *)&q.used_idx) {
        uint16_t id = (uint16_t)q.used_ring[used_seen % VIRTQ_MAX].id;
        used_seen++;
        if (id >= VIRTQ_MAX)
            continue;
        if (events[id].type == EV_KEY)
            key(events[id].code, events[id].value);
        post(id);
    }
    __sync_synchronize();
    REG(VIRTIO_MMIO_QUEUE_NOTIFY) = 0;
    release(&lock);
}
