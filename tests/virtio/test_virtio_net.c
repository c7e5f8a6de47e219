/*
 * virtio-net driven as a guest driver drives it (vdriver.c: registers on the bus, rings in
 * guest RAM), on a fake network backend that records what it is sent and hands out the
 * frames a test queues. Both transports (_i = 1 legacy, 2 modern): the header is 10 bytes
 * on the first, 12 on the second.
 *
 * What is checked: the configuration; frames out whole whatever the chain's cut; frames
 * in only from vnet_update (never at a notification), into the driver's buffers, with
 * the header saying DATA_VALID; and what a driver or a network gets wrong: chains too
 * short or too long, a chain of the wrong direction, a descriptor loop, a receive buffer
 * too small, an oversized frame from the backend, no receive buffer at all. Never a
 * crash, never a byte written past a buffer.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio_net.h"
#include "tests/test_engine.h"
#include "vdriver.h"

#define RXQ_BASE   0x80010000u
#define TXQ_BASE   0x80014000u
#define TX_BUF     0x80030000u         /* frames to send */
#define RX_BUF     0x80100000u         /* receive buffers, RX_STRIDE apart */
#define RX_STRIDE  0x10000u
#define QNUM       32
#define MAX_FRAMES 64

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* ---- a network that records what it is sent and hands out what a test queues ---- */

struct fake_net {
    struct netdev nd;
    uint8_t *sent[MAX_FRAMES];
    size_t sent_len[MAX_FRAMES];
    unsigned nsent;
    uint8_t *in[MAX_FRAMES];
    size_t in_len[MAX_FRAMES];
    unsigned nin, in_pos;
};

static void fn_send(void *opaque, const void *frame, size_t len)
{
    struct fake_net *f = opaque;
    ck_assert_uint_lt(f->nsent, MAX_FRAMES);
    f->sent[f->nsent] = malloc(len);
    memcpy(f->sent[f->nsent], frame, len);
    f->sent_len[f->nsent++] = len;
}

static size_t fn_peek(void *opaque)
{
    struct fake_net *f = opaque;
    return f->in_pos < f->nin ? f->in_len[f->in_pos] : 0;
}

static size_t fn_receive(void *opaque, void *buf, size_t max)
{
    struct fake_net *f = opaque;
    if (f->in_pos == f->nin)
        return 0;
    size_t len = f->in_len[f->in_pos];
    memcpy(buf, f->in[f->in_pos], len < max ? len : max);
    f->in_pos++;
    return len;
}

/* A frame of `len` bytes for the guest: bytes i*3+seed. */
static void fn_queue(struct fake_net *f, size_t len, uint8_t seed)
{
    ck_assert_uint_lt(f->nin, MAX_FRAMES);
    f->in[f->nin] = malloc(len);
    for (size_t i = 0; i < len; i++)
        f->in[f->nin][i] = (uint8_t)(i * 3 + seed);
    f->in_len[f->nin++] = len;
}

/* ---- fixture: a card in the slot, the driver with both queues ---- */

static struct vd_machine m;
static struct fake_net net;
static struct virtio_net *card;
static struct vd_driver rxq, txq;
static unsigned hdr;

static void start(unsigned version, uint64_t accept)
{
    vd_machine_init(&m, version);
    memset(&net, 0, sizeof net);
    net.nd = (struct netdev){ .opaque = &net, .send = fn_send, .peek = fn_peek,
                              .receive = fn_receive, .checksummed = true };
    card = vnet_create(m.vm, &net.nd, mac);
    ck_assert_ptr_nonnull(card);
    ck_assert_int_eq(vd_driver_init(&rxq, &m, QNUM, accept), 0);
    ck_assert_int_eq(vd_queue_init(&txq, &rxq, 1, QNUM, TXQ_BASE), 0);
    hdr = version == 2 ? 12 : 10;
}

static void teardown(void)
{
    vnet_destroy(card);
    vd_machine_fini(&m);
    for (unsigned i = 0; i < net.nsent; i++)
        free(net.sent[i]);
    for (unsigned i = 0; i < net.nin; i++)
        free(net.in[i]);
}

/* The test's frame of `len` bytes at TX_BUF + hdr, after a header of zeros. */
static void tx_fill(uint32_t len)
{
    memset(vd_ram(&m, TX_BUF, hdr), 0, hdr);
    uint8_t *p = vd_ram(&m, TX_BUF + hdr, len);
    for (uint32_t i = 0; i < len; i++)
        p[i] = (uint8_t)(i ^ 0x5a);
}

static void tx_check(unsigned n, uint32_t len)
{
    ck_assert_uint_gt(net.nsent, n);
    ck_assert_uint_eq(net.sent_len[n], len);
    for (uint32_t i = 0; i < len; i++)
        ck_assert_uint_eq(net.sent[n][i], (uint8_t)(i ^ 0x5a));
}

/* Give the driver's receive buffer `slot` of `len` bytes (one descriptor). */
static void rx_give(unsigned slot, uint32_t len, bool notify)
{
    uint32_t addr = RX_BUF + slot * RX_STRIDE;
    memset(vd_ram(&m, addr, RX_STRIDE), 0xee, RX_STRIDE);
    vd_set_desc(&rxq, slot, addr, len, VD_DESC_F_WRITE, 0);
    vd_make_avail(&rxq, (uint16_t)slot, notify);
}

/* ---- tests ---- */

START_TEST(test_config)
{
    start(_i, ~0ull);
    ck_assert_uint_eq(vd_reg_read(&m, VD_DEVICE_ID), 1);
    for (unsigned i = 0; i < 6; i++)
        ck_assert_uint_eq(vd_reg_read_sized(&m, VD_CONFIG + i, 1), mac[i]);
    ck_assert_uint_eq(vd_reg_read_sized(&m, VD_CONFIG + 6, 2), VIRTIO_NET_S_LINK_UP);
    ck_assert(rxq.offered & 1ull << VIRTIO_NET_F_MAC);
    ck_assert(rxq.offered & 1ull << VIRTIO_NET_F_STATUS);
    ck_assert(rxq.offered & 1ull << VIRTIO_NET_F_GUEST_CSUM);
    ck_assert(!(rxq.offered & 1ull << 15));     /* no mergeable buffers */
    ck_assert(!(rxq.offered & 1ull << 0));      /* no checksum offload on transmit */
    vd_reg_write(&m, VD_QUEUE_SEL, 2);          /* no control queue */
    ck_assert_uint_eq(vd_reg_read(&m, VD_QUEUE_NUM_MAX), 0);
    teardown();
}
END_TEST

START_TEST(test_tx_whole)
{
    start(_i, ~0ull);
    tx_fill(60);
    vd_set_desc(&txq, 0, TX_BUF, hdr + 60, 0, 0);
    vd_make_avail(&txq, 0, true);
    tx_check(0, 60);                            /* sent inside the notification */
    uint32_t id, len;
    ck_assert(vd_take_used(&txq, &id, &len));
    ck_assert_uint_eq(id, 0);
    ck_assert_uint_eq(len, 0);
    ck_assert(m.irq.level);
    ck_assert_uint_eq(vnet_stats(card)->tx_frames, 1);
    teardown();
}
END_TEST

/* The header cut in two, the frame in three pieces: the same frame comes out. */
START_TEST(test_tx_scattered)
{
    start(_i, ~0ull);
    tx_fill(1514);
    vd_set_desc(&txq, 3, TX_BUF, 4, VD_DESC_F_NEXT, 7);
    vd_set_desc(&txq, 7, TX_BUF + 4, hdr - 4 + 100, VD_DESC_F_NEXT, 1);
    vd_set_desc(&txq, 1, TX_BUF + hdr + 100, 1000, VD_DESC_F_NEXT, 2);
    vd_set_desc(&txq, 2, TX_BUF + hdr + 1100, 414, 0, 0);
    vd_make_avail(&txq, 3, true);
    tx_check(0, 1514);
    teardown();
}
END_TEST

/* No frame: shorter than a header and an Ethernet header, longer than VNET_MAX_FRAME, or
 * all of it device-writable. Each is dropped, counted, and given back. */
START_TEST(test_tx_not_frames)
{
    start(_i, ~0ull);
    tx_fill(VNET_MAX_FRAME + 1);
    vd_set_desc(&txq, 0, TX_BUF, hdr + 13, 0, 0);                   /* too short */
    vd_set_desc(&txq, 1, TX_BUF, hdr + VNET_MAX_FRAME + 1, 0, 0);  /* too long */
    vd_set_desc(&txq, 2, TX_BUF, hdr + 60, VD_DESC_F_WRITE, 0);   /* wrong way */
    vd_set_desc(&txq, 3, TX_BUF, hdr + VNET_MAX_FRAME, 0, 0);     /* the largest: sent */
    for (uint16_t i = 0; i < 4; i++)
        vd_make_avail(&txq, i, true);
    ck_assert_uint_eq(net.nsent, 1);
    tx_check(0, VNET_MAX_FRAME);
    ck_assert_uint_eq(vnet_stats(card)->tx_dropped, 3);
    uint32_t id, len;
    for (unsigned i = 0; i < 4; i++)
        ck_assert(vd_take_used(&txq, &id, &len));
    ck_assert_uint_eq(vd_reg_read(&m, VD_STATUS) & VIRTIO_STATUS_NEEDS_RESET, 0);
    teardown();
}
END_TEST

/* A descriptor loop or an index past the table: the device stops (NEEDS_RESET), sends
 * nothing, and a reset brings it back. */
START_TEST(test_tx_malformed_chain)
{
    start(_i, ~0ull);
    tx_fill(60);
    vd_set_desc(&txq, 0, TX_BUF, 8, VD_DESC_F_NEXT, 1);
    vd_set_desc(&txq, 1, TX_BUF + 8, 8, VD_DESC_F_NEXT, 0);         /* back to 0 */
    vd_make_avail(&txq, 0, true);
    ck_assert_uint_eq(net.nsent, 0);
    ck_assert(vd_reg_read(&m, VD_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
    vnet_update(card);
    ck_assert_uint_eq(net.nsent, 0);

    ck_assert_int_eq(vd_driver_init(&rxq, &m, QNUM, ~0ull), 0);
    ck_assert_int_eq(vd_queue_init(&txq, &rxq, 1, QNUM, TXQ_BASE), 0);
    vd_set_desc(&txq, 0, TX_BUF, hdr + 60, VD_DESC_F_NEXT, QNUM + 5);  /* past the table */
    vd_make_avail(&txq, 0, true);
    ck_assert_uint_eq(net.nsent, 0);
    ck_assert(vd_reg_read(&m, VD_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
    teardown();
}
END_TEST

/* Frames come in from vnet_update only, into the buffers given, with the header. */
START_TEST(test_rx_pulled)
{
    start(_i, ~0ull);
    fn_queue(&net, 98, 1);
    vnet_update(card);                          /* no buffer yet: the frame waits */
    ck_assert_uint_eq(net.in_pos, 0);
    ck_assert(!vnet_busy(card));                /* nothing the guest could take */
    rx_give(0, 2048, true);
    ck_assert_uint_eq(net.in_pos, 0);           /* not at the notification */
    ck_assert(vnet_busy(card));
    vnet_update(card);
    ck_assert_uint_eq(net.in_pos, 1);
    uint32_t id, len;
    ck_assert(vd_take_used(&rxq, &id, &len));
    ck_assert_uint_eq(id, 0);
    ck_assert_uint_eq(len, hdr + 98);
    const uint8_t *p = vd_ram(&m, RX_BUF, hdr + 99);
    ck_assert_uint_eq(p[0], VIRTIO_NET_HDR_F_DATA_VALID);
    ck_assert_uint_eq(p[1], 0);                 /* no GSO */
    if (hdr == 12)
        ck_assert_uint_eq(p[10], 1);            /* num_buffers */
    for (unsigned i = 0; i < 98; i++)
        ck_assert_uint_eq(p[hdr + i], (uint8_t)(i * 3 + 1));
    ck_assert_uint_eq(p[hdr + 98], 0xee);       /* nothing past the frame */
    ck_assert(m.irq.level);
    ck_assert(!vnet_busy(card));
    teardown();
}
END_TEST

/* Without VIRTIO_NET_F_GUEST_CSUM the header says nothing of checksums. */
START_TEST(test_rx_no_csum)
{
    start(_i, ~(1ull << VIRTIO_NET_F_GUEST_CSUM));
    fn_queue(&net, 60, 2);
    rx_give(0, 2048, false);
    vnet_update(card);
    ck_assert_uint_eq(vd_ram(&m, RX_BUF, 1)[0], 0);
    teardown();
}
END_TEST

/* A frame larger than the buffer is dropped and the buffer kept for the next; a frame
 * larger than any frame may be is dropped too. Nothing is written past a buffer. */
START_TEST(test_rx_too_big)
{
    start(_i, ~0ull);
    fn_queue(&net, 1000, 3);                    /* too big for the 512-byte buffer */
    fn_queue(&net, VNET_MAX_FRAME + 100, 4);    /* too big for any */
    fn_queue(&net, 400, 5);                     /* fits */
    rx_give(0, 512, false);
    vnet_update(card);
    ck_assert_uint_eq(net.in_pos, 3);
    ck_assert_uint_eq(vnet_stats(card)->rx_dropped, 2);
    ck_assert_uint_eq(vnet_stats(card)->rx_frames, 1);
    uint32_t id, len;
    ck_assert(vd_take_used(&rxq, &id, &len));
    ck_assert_uint_eq(len, hdr + 400);
    ck_assert_uint_eq(vd_ram(&m, RX_BUF + hdr, 1)[0], 5);
    ck_assert_uint_eq(vd_ram(&m, RX_BUF + 512, 1)[0], 0xee);
    ck_assert(!vd_take_used(&rxq, &id, &len));
    teardown();
}
END_TEST

/* A receive buffer made of a readable part and several writable pieces: the header and
 * the frame go into the writable pieces in order. */
START_TEST(test_rx_scattered)
{
    start(_i, ~0ull);
    fn_queue(&net, 300, 6);
    vd_set_desc(&rxq, 4, TX_BUF, 16, VD_DESC_F_NEXT, 5);            /* readable: skipped */
    vd_set_desc(&rxq, 5, RX_BUF, 7, VD_DESC_F_WRITE | VD_DESC_F_NEXT, 6);
    vd_set_desc(&rxq, 6, RX_BUF + RX_STRIDE, 1000, VD_DESC_F_WRITE, 0);
    memset(vd_ram(&m, RX_BUF, 2 * RX_STRIDE), 0xee, 2 * RX_STRIDE);
    vd_make_avail(&rxq, 4, false);
    vnet_update(card);
    uint32_t id, len;
    ck_assert(vd_take_used(&rxq, &id, &len));
    ck_assert_uint_eq(len, hdr + 300);
    const uint8_t *rest = vd_ram(&m, RX_BUF + RX_STRIDE, hdr - 7 + 300);
    for (unsigned i = 0; i < 300; i++)
        ck_assert_uint_eq(rest[hdr - 7 + i], (uint8_t)(i * 3 + 6));
    ck_assert_uint_eq(vd_ram(&m, RX_BUF + 7, 1)[0], 0xee);
    teardown();
}
END_TEST

/* An update takes about VNET_SLICE_BYTES in; the rest waits for the next. */
START_TEST(test_rx_bounded)
{
    start(_i, ~0ull);
    for (unsigned i = 0; i < 40; i++)
        fn_queue(&net, 60000, (uint8_t)i);     /* 2.4 MB, buffers for 1.9 MB */
    for (unsigned i = 0; i < QNUM; i++)
        rx_give(i, RX_STRIDE, false);
    vnet_update(card);
    unsigned first = net.in_pos;
    ck_assert_uint_gt(first, 0);
    ck_assert_uint_le((uint64_t)first * 60000, VNET_SLICE_BYTES + 60000);
    ck_assert_uint_lt(first, 20);
    vnet_update(card);
    ck_assert_uint_gt(net.in_pos, first);
    teardown();
}
END_TEST

/* A reset forgets the buffer the device held; the frames stay in the backend. */
START_TEST(test_rx_reset)
{
    start(_i, ~0ull);
    fn_queue(&net, 1000, 7);
    rx_give(0, 100, false);
    vnet_update(card);                          /* dropped: too big; buffer held */
    vd_reg_write(&m, VD_STATUS, 0);
    fn_queue(&net, 50, 8);
    vnet_update(card);                          /* no queue now: nothing taken */
    ck_assert_uint_eq(net.in_pos, 1);
    ck_assert_int_eq(vd_driver_init(&rxq, &m, QNUM, ~0ull), 0);
    rx_give(1, 100, false);
    vnet_update(card);
    uint32_t id, len;
    ck_assert(vd_take_used(&rxq, &id, &len));
    ck_assert_uint_eq(id, 1);
    ck_assert_uint_eq(len, hdr + 50);
    teardown();
}
END_TEST

/* Legacy drivers may write the MAC; modern ones may not. */
START_TEST(test_mac_write)
{
    start(_i, ~0ull);
    bus_write(m.bus, VD_MMIO_BASE + VD_CONFIG, 1, 0x02);
    ck_assert_uint_eq(vd_reg_read_sized(&m, VD_CONFIG, 1), _i == 1 ? 0x02 : mac[0]);
    bus_write(m.bus, VD_MMIO_BASE + VD_CONFIG + 6, 2, 0);
    ck_assert_uint_eq(vd_reg_read_sized(&m, VD_CONFIG + 6, 2), VIRTIO_NET_S_LINK_UP);
    teardown();
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("virtio_net");
    TCase *tc = tcase_create("net");
    tcase_add_loop_test(tc, test_config, 1, 3);
    tcase_add_loop_test(tc, test_tx_whole, 1, 3);
    tcase_add_loop_test(tc, test_tx_scattered, 1, 3);
    tcase_add_loop_test(tc, test_tx_not_frames, 1, 3);
    tcase_add_loop_test(tc, test_tx_malformed_chain, 1, 3);
    tcase_add_loop_test(tc, test_rx_pulled, 1, 3);
    tcase_add_loop_test(tc, test_rx_no_csum, 1, 3);
    tcase_add_loop_test(tc, test_rx_too_big, 1, 3);
    tcase_add_loop_test(tc, test_rx_scattered, 1, 3);
    tcase_add_loop_test(tc, test_rx_bounded, 1, 3);
    tcase_add_loop_test(tc, test_rx_reset, 1, 3);
    tcase_add_loop_test(tc, test_mac_write, 1, 3);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
