/*
 * virtio-input (devices/virtio_input.h) in a virtio-mmio slot on a real bus, driven by
 * the virtio tests' fake guest driver (tests/virtio/vdriver.c): the driver reaches the
 * device only through the slot's registers and through rings and buffers in guest RAM.
 *
 * What Linux's virtio_input driver relies on: DeviceID 18, two queues, the
 * configuration space answering select/subsel (ID_NAME, ID_SERIAL, ID_DEVIDS,
 * PROP_BITS, EV_BITS per type, ABS_INFO per axis), events in 8-byte buffers of the event
 * queue in the order sent, waiting while the driver has given no buffer, status-queue
 * buffers consumed, and a reset that forgets waiting events.
 *
 * Most tests run twice, with _i = 1 (legacy, QueuePFN) and _i = 2 (modern).
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio_input.h"
#include "devices/virtio_mmio.h"
#include "vdriver.h"

#define EVQ_NUM         16                  /* event queue size the driver picks */
#define EVBUF_ADDR      VD_DATA_ADDR        /* event buffer i at EVBUF_ADDR + 8 * i */
#define STQ_BASE        0x80050000u         /* status queue areas: 3 pages */
#define STQ_NUM         8
#define STBUF_ADDR      0x80060000u

/* Config selectors and codes, as a driver's headers spell them (linux/virtio_input.h,
 * linux/input-event-codes.h), written out here rather than taken from the device. */
#define CFG_UNSET       0x00
#define CFG_ID_NAME     0x01
#define CFG_ID_SERIAL   0x02
#define CFG_ID_DEVIDS   0x03
#define CFG_PROP_BITS   0x10
#define CFG_EV_BITS     0x11
#define CFG_ABS_INFO    0x12
#define CFG_OFF_SELECT  0
#define CFG_OFF_SUBSEL  1
#define CFG_OFF_SIZE    2
#define CFG_OFF_U       8

#define T_EV_SYN   0x00
#define T_EV_KEY   0x01
#define T_EV_REL   0x02
#define T_EV_ABS   0x03
#define T_EV_MSC   0x04
#define T_EV_LED   0x11
#define T_EV_REP   0x14
#define K_ESC      1
#define K_ENTER    28
#define K_A        30
#define K_LEFTSHIFT 42
#define K_F12      88
#define K_MICMUTE  248
#define B_LEFT     0x110
#define B_RIGHT    0x111
#define B_MIDDLE   0x112
#define B_TOUCH    0x14a
#define LED_CAPSL  1

static struct vd_machine m;
static struct virtio_input *in;
static struct vd_driver drv;
static unsigned given;                      /* event buffers handed to the device so far */

static void start(unsigned version, enum vinput_kind kind)
{
    vd_machine_init(&m, version);
    in = vinput_create(m.vm, kind);
    ck_assert_ptr_nonnull(in);
    given = 0;
}

static void teardown(void)
{
    vinput_destroy(in);
    in = NULL;
    vd_machine_fini(&m);
}

static void up(void)
{
    ck_assert_int_eq(vd_driver_init(&drv, &m, EVQ_NUM, 0), 0);
    given = 0;
}

/* ---- the event queue, as Linux fills it: one 8-byte device-writable buffer per
 * descriptor, descriptor i always pointing at buffer i ---- */

static void give_buffers(unsigned n, bool notify)
{
    for (unsigned k = 0; k < n; k++) {
        unsigned i = given++ % EVQ_NUM;
        memset(vd_ram(&m, EVBUF_ADDR + 8 * i, 8), 0xee, 8);
        vd_set_desc(&drv, i, EVBUF_ADDR + 8 * i, 8, VD_DESC_F_WRITE, 0);
        vd_make_avail(&drv, (uint16_t)i, false);
    }
    if (notify)
        vd_notify(&drv);
}

static uint32_t get_le(const uint8_t *p, unsigned bytes)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

/* The next returned event buffer, which must hold 8 bytes. False: none returned. */
static bool take_event(uint16_t *type, uint16_t *code, uint32_t *value)
{
    uint32_t id, len;
    if (!vd_take_used(&drv, &id, &len))
        return false;
    ck_assert_uint_lt(id, EVQ_NUM);
    ck_assert_uint_eq(len, 8);
    const uint8_t *e = vd_ram(&m, EVBUF_ADDR + 8 * id, 8);
    *type = (uint16_t)get_le(e, 2);
    *code = (uint16_t)get_le(e + 2, 2);
    *value = get_le(e + 4, 4);
    return true;
}

#define ck_event(t, c, v)                                                              \
    do {                                                                               \
        uint16_t t_, c_;                                                               \
        uint32_t v_;                                                                   \
        ck_assert_msg(take_event(&t_, &c_, &v_), "no event where (%u, %u, %u) was due", \
                      (unsigned)(t), (unsigned)(c), (unsigned)(v));                    \
        ck_assert_msg(t_ == (t) && c_ == (c) && v_ == (uint32_t)(v),                   \
                      "event (%u, %u, 0x%x), expected (%u, %u, 0x%x)", t_, c_, v_,     \
                      (unsigned)(t), (unsigned)(c), (unsigned)(v));                    \
    } while (0)

static void ck_no_event(void)
{
    uint16_t t, c;
    uint32_t v;
    ck_assert_msg(!take_event(&t, &c, &v), "unexpected event (%u, %u, 0x%x)", t, c, v);
}

/* ---- the status queue (queue 1), which vd_driver_init leaves alone ---- */

static void statusq_init(struct vd_driver *s)
{
    memset(s, 0, sizeof *s);
    s->m = &m;
    s->num = STQ_NUM;
    memset(vd_ram(&m, STQ_BASE, 3 * VD_PAGE), 0, 3 * VD_PAGE);
    vd_reg_write(&m, VD_QUEUE_SEL, 1);
    ck_assert_uint_ge(vd_reg_read(&m, VD_QUEUE_NUM_MAX), STQ_NUM);
    vd_reg_write(&m, VD_QUEUE_NUM, STQ_NUM);
    if (m.version == 1) {
        s->desc = STQ_BASE;
        s->avail = s->desc + 16 * STQ_NUM;
        s->used = (s->avail + 6 + 2 * STQ_NUM + VD_PAGE - 1) & ~(VD_PAGE - 1);
        vd_reg_write(&m, VD_QUEUE_ALIGN, VD_PAGE);
        vd_reg_write(&m, VD_QUEUE_PFN, STQ_BASE / VD_PAGE);
    } else {
        s->desc = STQ_BASE;
        s->avail = STQ_BASE + VD_PAGE;
        s->used = STQ_BASE + 2 * VD_PAGE;
        vd_reg_write(&m, VD_QUEUE_DESC_LO, s->desc);
        vd_reg_write(&m, VD_QUEUE_DESC_HI, 0);
        vd_reg_write(&m, VD_QUEUE_DRIVER_LO, s->avail);
        vd_reg_write(&m, VD_QUEUE_DRIVER_HI, 0);
        vd_reg_write(&m, VD_QUEUE_DEVICE_LO, s->used);
        vd_reg_write(&m, VD_QUEUE_DEVICE_HI, 0);
        vd_reg_write(&m, VD_QUEUE_READY, 1);
    }
    vd_reg_write(&m, VD_QUEUE_SEL, 0);
}

/* ---- the configuration space, as Linux's virtinput_cfg_select() asks: byte writes of
 * select and subsel, a byte read of size, then the union ---- */

static void cfg_wr8(uint32_t off, uint8_t v)
{
    ck_assert(bus_write(m.bus, VD_MMIO_BASE + VD_CONFIG + off, 1, v));
}

static uint8_t cfg_rd8(uint32_t off)
{
    return (uint8_t)vd_reg_read_sized(&m, VD_CONFIG + off, 1);
}

static unsigned cfg_select(uint8_t select, uint8_t subsel)
{
    cfg_wr8(CFG_OFF_SELECT, select);
    cfg_wr8(CFG_OFF_SUBSEL, subsel);
    return cfg_rd8(CFG_OFF_SIZE);
}

/* The union's bytes, read one at a time (virtio_cread_bytes). */
static void cfg_union(uint8_t *out, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        out[i] = cfg_rd8(CFG_OFF_U + i);
}

static bool bit_set(const uint8_t *bitmap, unsigned bit)
{
    return bitmap[bit / 8] >> (bit % 8) & 1;
}

static unsigned bits_set(const uint8_t *bitmap, unsigned bytes)
{
    unsigned n = 0;
    for (unsigned i = 0; i < 8 * bytes; i++)
        n += bit_set(bitmap, i);
    return n;
}

/* ---- identity and transport ---- */

START_TEST(test_identity)
{
    start((unsigned)_i, VINPUT_KEYBOARD);
    ck_assert_uint_eq(vd_reg_read(&m, VD_DEVICE_ID), 18);
    ck_assert_int_eq(vd_driver_init(&drv, &m, EVQ_NUM, ~0ull), 0);
    /* No device feature bits; the modern transport adds VERSION_1 alone. */
    uint64_t want = _i == 2 ? 1ull << VIRTIO_F_VERSION_1 : 0;
    ck_assert_uint_eq(drv.offered, want);
    for (uint32_t q = 0; q < 2; q++) {
        vd_reg_write(&m, VD_QUEUE_SEL, q);
        ck_assert_uint_ge(vd_reg_read(&m, VD_QUEUE_NUM_MAX), 64);  /* Linux fills 64 */
    }
    vd_reg_write(&m, VD_QUEUE_SEL, 2);                  /* no third queue */
    ck_assert_uint_eq(vd_reg_read(&m, VD_QUEUE_NUM_MAX), 0);
    teardown();
}
END_TEST

START_TEST(test_tablet_identity)
{
    start((unsigned)_i, VINPUT_TABLET);
    ck_assert_uint_eq(vd_reg_read(&m, VD_DEVICE_ID), 18);
    up();
    teardown();
}
END_TEST

START_TEST(test_create_refuses)
{
    vd_machine_init(&m, 2);
    ck_assert_ptr_null(vinput_create(NULL, VINPUT_KEYBOARD));
    ck_assert_ptr_null(vinput_create(m.vm, (enum vinput_kind)7));
    ck_assert_uint_eq(vd_reg_read(&m, VD_DEVICE_ID), 0);    /* the slot stayed empty */
    vd_machine_fini(&m);
}
END_TEST

/* ---- configuration ---- */

START_TEST(test_config_names)
{
    static const struct { enum vinput_kind kind; const char *name; } cases[] = {
        { VINPUT_KEYBOARD, "rvbox keyboard" },
        { VINPUT_TABLET, "rvbox tablet" },
    };
    for (unsigned c = 0; c < 2; c++) {
        start((unsigned)_i, cases[c].kind);
        up();
        unsigned size = cfg_select(CFG_ID_NAME, 0);
        ck_assert_uint_eq(size, strlen(cases[c].name));
        char name[129] = { 0 };
        cfg_union((uint8_t *)name, size);
        ck_assert_str_eq(name, cases[c].name);
        ck_assert_uint_eq(cfg_rd8(CFG_OFF_U + size), 0);    /* the rest is zero */
        ck_assert_uint_eq(cfg_select(CFG_ID_NAME, 1), 0);   /* subsel must be 0 */
        teardown();
    }
}
END_TEST

START_TEST(test_config_ids)
{
    uint16_t product[2];
    for (unsigned c = 0; c < 2; c++) {
        start((unsigned)_i, c == 0 ? VINPUT_KEYBOARD : VINPUT_TABLET);
        up();
        ck_assert_uint_eq(cfg_select(CFG_ID_SERIAL, 0), 0);     /* no serial */
        ck_assert_uint_eq(cfg_select(CFG_PROP_BITS, 0), 0);     /* no properties */
        ck_assert_uint_eq(cfg_select(CFG_ID_DEVIDS, 0), 8);
        uint8_t ids[8];
        cfg_union(ids, 8);
        ck_assert_uint_eq(get_le(ids, 2), 0x06);                /* BUS_VIRTUAL */
        product[c] = (uint16_t)get_le(ids + 4, 2);
        ck_assert_uint_ne(get_le(ids + 6, 2), 0);               /* a version */
        teardown();
    }
    ck_assert_uint_ne(product[0], product[1]);                  /* the kinds differ */
}
END_TEST

START_TEST(test_config_keyboard_bits)
{
    start((unsigned)_i, VINPUT_KEYBOARD);
    up();
    uint8_t bm[128];

    unsigned size = cfg_select(CFG_EV_BITS, T_EV_KEY);
    ck_assert_uint_eq(size, 32);                    /* codes up to 248: 32 bytes */
    cfg_union(bm, 128);
    ck_assert(!bit_set(bm, 0));                     /* KEY_RESERVED */
    ck_assert(bit_set(bm, K_ESC));
    ck_assert(bit_set(bm, K_ENTER));
    ck_assert(bit_set(bm, K_A));
    ck_assert(bit_set(bm, K_LEFTSHIFT));
    ck_assert(bit_set(bm, K_F12));
    ck_assert(bit_set(bm, K_MICMUTE));
    ck_assert_uint_eq(bits_set(bm, 128), K_MICMUTE); /* exactly 1..248 */
    ck_assert(!bit_set(bm, B_LEFT));                /* not a mouse */

    ck_assert_uint_ne(cfg_select(CFG_EV_BITS, T_EV_REP), 0);   /* Linux: autorepeat */
    ck_assert_uint_ne(cfg_select(CFG_EV_BITS, T_EV_SYN), 0);
    cfg_union(bm, 1);
    ck_assert(bit_set(bm, 0));                      /* SYN_REPORT */
    ck_assert_uint_eq(cfg_select(CFG_EV_BITS, T_EV_ABS), 0);
    ck_assert_uint_eq(cfg_select(CFG_EV_BITS, T_EV_REL), 0);
    ck_assert_uint_eq(cfg_select(CFG_EV_BITS, T_EV_MSC), 0);
    ck_assert_uint_eq(cfg_select(CFG_EV_BITS, T_EV_LED), 0);
    ck_assert_uint_eq(cfg_select(CFG_ABS_INFO, 0), 0);
    teardown();
}
END_TEST

START_TEST(test_config_tablet_bits)
{
    start((unsigned)_i, VINPUT_TABLET);
    up();
    uint8_t bm[128];

    unsigned size = cfg_select(CFG_EV_BITS, T_EV_KEY);
    ck_assert_uint_eq(size, B_MIDDLE / 8 + 1);      /* 35 bytes: up to code 0x112 */
    cfg_union(bm, 128);
    ck_assert(bit_set(bm, B_LEFT));
    ck_assert(bit_set(bm, B_RIGHT));
    ck_assert(bit_set(bm, B_MIDDLE));
    ck_assert_uint_eq(bits_set(bm, 128), 3);        /* nothing else: no keys, no touch */
    ck_assert(!bit_set(bm, B_TOUCH));

    ck_assert_uint_eq(cfg_select(CFG_EV_BITS, T_EV_ABS), 1);
    cfg_union(bm, 1);
    ck_assert_uint_eq(bm[0], 0x03);                 /* ABS_X, ABS_Y */
    ck_assert_uint_ne(cfg_select(CFG_EV_BITS, T_EV_SYN), 0);
    ck_assert_uint_eq(cfg_select(CFG_EV_BITS, T_EV_REP), 0);
    ck_assert_uint_eq(cfg_select(CFG_EV_BITS, T_EV_REL), 0);
    ck_assert_uint_eq(cfg_select(CFG_EV_BITS, T_EV_LED), 0);
    teardown();
}
END_TEST

/* ABS_INFO as Linux's virtinput_cfg_abs() reads it: 32-bit reads of min, max, fuzz,
 * flat, res. */
START_TEST(test_config_abs_info)
{
    start((unsigned)_i, VINPUT_TABLET);
    up();
    for (uint8_t axis = 0; axis < 2; axis++) {
        ck_assert_uint_eq(cfg_select(CFG_ABS_INFO, axis), 20);
        ck_assert_uint_eq(vd_reg_read(&m, VD_CONFIG + CFG_OFF_U + 0), 0);           /* min */
        ck_assert_uint_eq(vd_reg_read(&m, VD_CONFIG + CFG_OFF_U + 4), VINPUT_ABS_MAX);
        ck_assert_uint_eq(vd_reg_read(&m, VD_CONFIG + CFG_OFF_U + 8), 0);           /* fuzz */
        ck_assert_uint_eq(vd_reg_read(&m, VD_CONFIG + CFG_OFF_U + 12), 0);          /* flat */
        ck_assert_uint_eq(vd_reg_read(&m, VD_CONFIG + CFG_OFF_U + 16), 0);          /* res */
    }
    ck_assert_uint_eq(VINPUT_ABS_MAX, 32767);
    ck_assert_uint_eq(cfg_select(CFG_ABS_INFO, 2), 0);      /* ABS_Z: not there */
    ck_assert_uint_eq(vd_reg_read(&m, VD_CONFIG + CFG_OFF_U + 4), 0);
    ck_assert_uint_eq(cfg_select(CFG_ABS_INFO, 0x35), 0);   /* ABS_MT_POSITION_X */
    teardown();
}
END_TEST

/* An unsupported question answers size 0 and a zeroed union, whatever came before. */
START_TEST(test_config_unsupported)
{
    start((unsigned)_i, VINPUT_KEYBOARD);
    up();
    ck_assert_uint_ne(cfg_select(CFG_EV_BITS, T_EV_KEY), 0);
    ck_assert_uint_eq(cfg_select(0x55, 0), 0);
    uint8_t u[128];
    cfg_union(u, 128);
    for (unsigned i = 0; i < 128; i++)
        ck_assert_msg(u[i] == 0, "union byte %u is 0x%x after an unsupported select", i, u[i]);
    ck_assert_uint_eq(cfg_select(CFG_UNSET, 0), 0);
    ck_assert_uint_eq(cfg_select(CFG_EV_BITS, 0x1f), 0);
    ck_assert_uint_eq(cfg_rd8(0x88), 0);                    /* past the structure */
    teardown();
}
END_TEST

/* select and subsel read back; size and the union are the device's (writes ignored);
 * a 32-bit store at offset 0 sets select and subsel from its low bytes. */
START_TEST(test_config_registers)
{
    start((unsigned)_i, VINPUT_KEYBOARD);
    up();
    unsigned size = cfg_select(CFG_ID_NAME, 0);
    ck_assert_uint_eq(vd_reg_read(&m, VD_CONFIG), CFG_ID_NAME | size << 16);
    cfg_wr8(CFG_OFF_SIZE, 99);
    cfg_wr8(CFG_OFF_U, 'X');
    ck_assert_uint_eq(cfg_rd8(CFG_OFF_SIZE), size);
    ck_assert_uint_eq(cfg_rd8(CFG_OFF_U), 'r');
    vd_reg_write(&m, VD_CONFIG, 0xffff0000u | T_EV_REP << 8 | CFG_EV_BITS);
    ck_assert_uint_eq(cfg_rd8(CFG_OFF_SELECT), CFG_EV_BITS);
    ck_assert_uint_eq(cfg_rd8(CFG_OFF_SUBSEL), T_EV_REP);
    ck_assert_uint_ne(cfg_rd8(CFG_OFF_SIZE), 0);
    ck_assert_uint_ne(cfg_rd8(CFG_OFF_SIZE), 0xff);
    /* A 16-bit read of the first two bytes, as some drivers do. */
    ck_assert_uint_eq(vd_reg_read_sized(&m, VD_CONFIG, 2), T_EV_REP << 8 | CFG_EV_BITS);
    teardown();
}
END_TEST

/* ---- events ---- */

START_TEST(test_events_in_order)
{
    start((unsigned)_i, VINPUT_KEYBOARD);
    up();
    give_buffers(8, true);
    ck_assert_uint_eq(vd_used_idx(&drv), 0);            /* buffers alone: nothing back */
    unsigned raises = m.irq.raises;

    ck_assert(vinput_send(in, EV_KEY, K_A, 1));
    ck_assert(vinput_send(in, EV_SYN, SYN_REPORT, 0));
    ck_assert(vinput_send(in, EV_KEY, K_A, 0));
    ck_assert(vinput_send(in, EV_SYN, SYN_REPORT, 0));
    ck_assert(m.irq.level);
    ck_assert_uint_gt(m.irq.raises, raises);
    ck_assert_uint_eq(vd_reg_read(&m, VD_INT_STATUS) & 1, 1);
    ck_event(T_EV_KEY, K_A, 1);
    ck_event(T_EV_SYN, 0, 0);
    ck_event(T_EV_KEY, K_A, 0);
    ck_event(T_EV_SYN, 0, 0);
    ck_no_event();
    teardown();
}
END_TEST

/* Every field in its place: codes above 255, values with all 32 bits. */
START_TEST(test_event_encoding)
{
    start((unsigned)_i, VINPUT_TABLET);
    up();
    give_buffers(6, true);
    ck_assert(vinput_send(in, EV_ABS, ABS_X, VINPUT_ABS_MAX));
    ck_assert(vinput_send(in, EV_ABS, ABS_Y, 0x1234));
    ck_assert(vinput_send(in, EV_KEY, BTN_LEFT, 1));
    ck_assert(vinput_send(in, EV_KEY, BTN_MIDDLE, 0));
    ck_assert(vinput_send(in, EV_REL, 8, 0xffffffffu));     /* REL_WHEEL -1: passed as is */
    ck_assert(vinput_send(in, EV_SYN, SYN_REPORT, 0));
    const uint8_t *e = vd_ram(&m, EVBUF_ADDR + 8 * 2, 8);   /* BTN_LEFT, in raw bytes */
    static const uint8_t want[8] = { 0x01, 0x00, 0x10, 0x01, 0x01, 0x00, 0x00, 0x00 };
    ck_assert_mem_eq(e, want, 8);
    ck_event(T_EV_ABS, 0, 32767);
    ck_event(T_EV_ABS, 1, 0x1234);
    ck_event(T_EV_KEY, B_LEFT, 1);
    ck_event(T_EV_KEY, B_MIDDLE, 0);
    ck_event(T_EV_REL, 8, 0xffffffffu);
    ck_event(T_EV_SYN, 0, 0);
    ck_no_event();
    teardown();
}
END_TEST

/* Events sent before the driver gives buffers wait; each buffer then takes the oldest,
 * on the driver's notification. */
START_TEST(test_events_wait_for_buffers)
{
    start((unsigned)_i, VINPUT_KEYBOARD);
    ck_assert(vinput_send(in, EV_KEY, K_ESC, 1));           /* before the driver is up */
    up();                                                   /* up() resets: forgotten */
    ck_assert(vinput_send(in, EV_KEY, K_ENTER, 1));
    ck_assert(vinput_send(in, EV_SYN, SYN_REPORT, 0));
    ck_assert(vinput_send(in, EV_KEY, K_ENTER, 0));
    ck_assert_uint_eq(vd_used_idx(&drv), 0);

    give_buffers(2, false);
    ck_assert_uint_eq(vd_used_idx(&drv), 0);                /* not yet notified */
    vd_notify(&drv);
    ck_event(T_EV_KEY, K_ENTER, 1);
    ck_event(T_EV_SYN, 0, 0);
    ck_no_event();

    ck_assert(vinput_send(in, EV_SYN, SYN_REPORT, 0));      /* behind the waiting one */
    give_buffers(4, true);
    ck_event(T_EV_KEY, K_ENTER, 0);
    ck_event(T_EV_SYN, 0, 0);
    ck_no_event();
    /* Two buffers are left: the next events go straight out. */
    ck_assert(vinput_send(in, EV_KEY, K_A, 2));
    ck_event(T_EV_KEY, K_A, 2);
    teardown();
}
END_TEST

/* The ring holds VINPUT_QUEUE_LEN events; one more is refused and never delivered; all
 * the others arrive in order; then there is room again. */
START_TEST(test_ring_overflow)
{
    start((unsigned)_i, VINPUT_KEYBOARD);
    up();
    for (uint32_t k = 0; k < VINPUT_QUEUE_LEN; k++)
        ck_assert_msg(vinput_send(in, EV_KEY, K_A, k), "event %u refused", k);
    ck_assert(!vinput_send(in, EV_KEY, K_ESC, 999));
    ck_assert(!vinput_send(in, EV_SYN, SYN_REPORT, 0));
    for (uint32_t k = 0; k < VINPUT_QUEUE_LEN; k += EVQ_NUM) {
        give_buffers(EVQ_NUM, true);
        for (uint32_t j = 0; j < EVQ_NUM; j++)
            ck_event(T_EV_KEY, K_A, k + j);
        ck_no_event();
    }
    give_buffers(EVQ_NUM, true);
    ck_no_event();                                          /* the refused ones: gone */
    ck_assert(vinput_send(in, EV_KEY, K_ESC, 1));
    ck_event(T_EV_KEY, K_ESC, 1);
    teardown();
}
END_TEST

/* The ring wraps: more events pass through it than it holds, in bursts that leave some
 * waiting across the wrap. */
START_TEST(test_ring_wraps)
{
    start((unsigned)_i, VINPUT_KEYBOARD);
    up();
    uint32_t sent = 0, seen = 0;
    while (seen < 3 * VINPUT_QUEUE_LEN) {
        for (unsigned k = 0; k < 37; k++)
            ck_assert(vinput_send(in, T_EV_MSC, 4, sent++));
        give_buffers(EVQ_NUM, true);
        for (unsigned k = 0; k < EVQ_NUM; k++)
            ck_event(T_EV_MSC, 4, seen++);
        /* Drain what is left so the ring never overflows. */
        while (sent - seen >= EVQ_NUM) {
            give_buffers(EVQ_NUM, true);
            for (unsigned k = 0; k < EVQ_NUM; k++)
                ck_event(T_EV_MSC, 4, seen++);
        }
    }
    teardown();
}
END_TEST

/* A buffer too short for an event comes back empty and the event goes into the next;
 * an event may be split across two buffers of one chain; a chain the driver made
 * readable only carries nothing. */
START_TEST(test_odd_buffers)
{
    start((unsigned)_i, VINPUT_KEYBOARD);
    up();
    /* Chain 0: 4 writable bytes. Chain 1: 3 + 5 bytes. Chain 3: 8 readable bytes.
     * Chain 4: a normal buffer. */
    vd_set_desc(&drv, 0, EVBUF_ADDR, 4, VD_DESC_F_WRITE, 0);
    vd_set_desc(&drv, 1, EVBUF_ADDR + 0x100, 3, VD_DESC_F_WRITE | VD_DESC_F_NEXT, 2);
    vd_set_desc(&drv, 2, EVBUF_ADDR + 0x200, 5, VD_DESC_F_WRITE, 0);
    vd_set_desc(&drv, 3, EVBUF_ADDR + 0x300, 8, 0, 0);
    vd_set_desc(&drv, 4, EVBUF_ADDR + 0x400, 8, VD_DESC_F_WRITE, 0);
    memset(vd_ram(&m, EVBUF_ADDR, 0x408), 0xee, 0x408);
    vd_make_avail(&drv, 0, false);
    vd_make_avail(&drv, 1, false);
    vd_make_avail(&drv, 3, false);
    vd_make_avail(&drv, 4, true);

    ck_assert(vinput_send(in, EV_KEY, 0x0201, 0x04030201));
    uint32_t id, len;
    ck_assert(vd_take_used(&drv, &id, &len));
    ck_assert_uint_eq(id, 0);
    ck_assert_uint_eq(len, 0);
    ck_assert_uint_eq(*vd_ram(&m, EVBUF_ADDR, 1), 0xee);   /* untouched */
    ck_assert(vd_take_used(&drv, &id, &len));
    ck_assert_uint_eq(id, 1);
    ck_assert_uint_eq(len, 8);
    static const uint8_t want[8] = { 0x01, 0x00, 0x01, 0x02, 0x01, 0x02, 0x03, 0x04 };
    ck_assert_mem_eq(vd_ram(&m, EVBUF_ADDR + 0x100, 3), want, 3);
    ck_assert_mem_eq(vd_ram(&m, EVBUF_ADDR + 0x200, 5), want + 3, 5);
    ck_assert(!vd_take_used(&drv, &id, &len));              /* chains 3, 4 still free */

    ck_assert(vinput_send(in, EV_SYN, SYN_REPORT, 0));
    ck_assert(vd_take_used(&drv, &id, &len));
    ck_assert_uint_eq(id, 3);
    ck_assert_uint_eq(len, 0);
    ck_assert_uint_eq(*vd_ram(&m, EVBUF_ADDR + 0x300, 1), 0xee);
    ck_assert(vd_take_used(&drv, &id, &len));
    ck_assert_uint_eq(id, 4);
    ck_assert_uint_eq(len, 8);
    ck_assert_uint_eq(get_le(vd_ram(&m, EVBUF_ADDR + 0x400, 8), 4), 0);    /* EV_SYN */
    ck_assert_uint_eq(vd_reg_read(&m, VD_STATUS) & VIRTIO_STATUS_NEEDS_RESET, 0);
    teardown();
}
END_TEST

/* A chain the transport cannot walk (a buffer outside RAM) breaks the device
 * (NEEDS_RESET); the event waits, and after a reset the ring is empty. */
START_TEST(test_malformed_chain)
{
    start((unsigned)_i, VINPUT_KEYBOARD);
    up();
    vd_set_desc(&drv, 0, 0x20000000u, 8, VD_DESC_F_WRITE, 0);
    vd_make_avail(&drv, 0, true);
    ck_assert(vinput_send(in, EV_KEY, K_A, 1));
    ck_assert_uint_ne(vd_reg_read(&m, VD_STATUS) & VIRTIO_STATUS_NEEDS_RESET, 0);
    ck_assert_uint_eq(vd_used_idx(&drv), 0);
    up();
    give_buffers(4, true);
    ck_no_event();
    teardown();
}
END_TEST

START_TEST(test_notify_without_events)
{
    start((unsigned)_i, VINPUT_TABLET);
    up();
    give_buffers(EVQ_NUM, true);
    vd_notify(&drv);
    vd_notify(&drv);
    ck_assert_uint_eq(vd_used_idx(&drv), 0);
    ck_assert(!m.irq.level);
    teardown();
}
END_TEST

/* ---- the status queue ---- */

START_TEST(test_statusq_consumed)
{
    start((unsigned)_i, VINPUT_KEYBOARD);
    up();
    struct vd_driver st;
    statusq_init(&st);
    give_buffers(4, true);
    /* Linux's virtinput_send_status: one readable 8-byte event (EV_LED CAPSL on). */
    for (unsigned k = 0; k < 3; k++) {
        uint8_t *p = vd_ram(&m, STBUF_ADDR + 8 * k, 8);
        const uint8_t ev[8] = { T_EV_LED, 0, LED_CAPSL, 0, (uint8_t)(k & 1), 0, 0, 0 };
        memcpy(p, ev, 8);
        vd_set_desc(&st, k, STBUF_ADDR + 8 * k, 8, 0, 0);
        vd_make_avail(&st, (uint16_t)k, false);
    }
    vd_reg_write(&m, VD_QUEUE_NOTIFY, 1);
    for (unsigned k = 0; k < 3; k++) {
        uint32_t id, len;
        ck_assert_msg(vd_take_used(&st, &id, &len), "status buffer %u not returned", k);
        ck_assert_uint_eq(id, k);
        ck_assert_uint_eq(len, 0);
    }
    ck_assert(!vd_take_used(&st, &(uint32_t){ 0 }, &(uint32_t){ 0 }));
    ck_assert_uint_eq(vd_used_idx(&drv), 0);                /* the event queue: untouched */
    ck_assert_uint_eq(vd_reg_read(&m, VD_STATUS) & VIRTIO_STATUS_NEEDS_RESET, 0);
    /* The keyboard works as before. */
    ck_assert(vinput_send(in, EV_KEY, K_A, 1));
    ck_event(T_EV_KEY, K_A, 1);
    teardown();
}
END_TEST

/* ---- reset ---- */

START_TEST(test_reset_forgets_events)
{
    start((unsigned)_i, VINPUT_KEYBOARD);
    up();
    ck_assert(vinput_send(in, EV_KEY, K_A, 1));
    ck_assert(vinput_send(in, EV_SYN, SYN_REPORT, 0));
    ck_assert_uint_ne(cfg_select(CFG_ID_NAME, 0), 0);
    vd_reg_write(&m, VD_STATUS, 0);                         /* the driver resets */
    ck_assert_uint_eq(cfg_rd8(CFG_OFF_SELECT), CFG_UNSET);
    ck_assert_uint_eq(cfg_rd8(CFG_OFF_SIZE), 0);
    up();
    give_buffers(4, true);
    ck_no_event();
    ck_assert(vinput_send(in, EV_KEY, K_A, 0));
    ck_event(T_EV_KEY, K_A, 0);

    /* A full ring is empty again after a machine reset (virtio_mmio_reset). */
    virtio_mmio_reset(m.vm);                                /* no queue: nothing leaves */
    for (unsigned k = 0; k < VINPUT_QUEUE_LEN; k++)
        ck_assert(vinput_send(in, EV_KEY, K_A, 1));
    ck_assert(!vinput_send(in, EV_KEY, K_A, 1));
    virtio_mmio_reset(m.vm);
    ck_assert_uint_eq(vd_reg_read(&m, VD_STATUS), 0);
    ck_assert(!m.irq.level);
    up();
    give_buffers(4, true);
    ck_no_event();
    ck_assert(vinput_send(in, EV_KEY, K_F12, 1));
    ck_event(T_EV_KEY, K_F12, 1);
    ck_no_event();
    teardown();
}
END_TEST

static Suite *virtio_input_suite(void)
{
    Suite *s = suite_create("virtio_input");
    TCase *tc = tcase_create("virtio_input");
    tcase_add_loop_test(tc, test_identity, 1, 3);
    tcase_add_loop_test(tc, test_tablet_identity, 1, 3);
    tcase_add_test(tc, test_create_refuses);
    tcase_add_loop_test(tc, test_config_names, 1, 3);
    tcase_add_loop_test(tc, test_config_ids, 1, 3);
    tcase_add_loop_test(tc, test_config_keyboard_bits, 1, 3);
    tcase_add_loop_test(tc, test_config_tablet_bits, 1, 3);
    tcase_add_loop_test(tc, test_config_abs_info, 1, 3);
    tcase_add_loop_test(tc, test_config_unsupported, 1, 3);
    tcase_add_loop_test(tc, test_config_registers, 1, 3);
    tcase_add_loop_test(tc, test_events_in_order, 1, 3);
    tcase_add_loop_test(tc, test_event_encoding, 1, 3);
    tcase_add_loop_test(tc, test_events_wait_for_buffers, 1, 3);
    tcase_add_loop_test(tc, test_ring_overflow, 1, 3);
    tcase_add_loop_test(tc, test_ring_wraps, 1, 3);
    tcase_add_loop_test(tc, test_odd_buffers, 1, 3);
    tcase_add_loop_test(tc, test_malformed_chain, 1, 3);
    tcase_add_loop_test(tc, test_notify_without_events, 1, 3);
    tcase_add_loop_test(tc, test_statusq_consumed, 1, 3);
    tcase_add_loop_test(tc, test_reset_forgets_events, 1, 3);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(virtio_input_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
