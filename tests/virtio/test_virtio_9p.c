/*
 * virtio-9p driven as a guest driver drives it (vdriver.c), on a fake 9P server that
 * records each request and answers with a reply the test chooses. Both transports.
 *
 * What is checked: the mount tag in the configuration space; a request gathered from
 * however many buffers, served only at vp9_update (never at the notification), its reply
 * scattered into the writable part with the used length; a reply never larger than the
 * room the driver gave; a request larger than VP9_MAX_MESSAGE handed over cut (the server
 * refuses it); a chain with no room answered empty; a reset reaching the server.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio_9p.h"
#include "tests/test_engine.h"
#include "vdriver.h"

#define REQ_BUF    0x80030000u
#define REPLY_BUF  0x80100000u
#define QNUM       16

struct fake_server {
    struct p9dev dev;
    uint8_t last[VP9_MAX_MESSAGE + 1];
    size_t last_len, last_max;
    unsigned requests, resets;
    size_t reply_len;               /* what the next reply is: bytes 0x90 + i */
};

static size_t fs_request(void *opaque, const uint8_t *req, size_t len, uint8_t *reply,
                         size_t max)
{
    struct fake_server *f = opaque;
    ck_assert_uint_le(len, VP9_MAX_MESSAGE);
    memcpy(f->last, req, len);
    f->last_len = len;
    f->last_max = max;
    f->requests++;
    size_t n = f->reply_len < max ? f->reply_len : max;
    for (size_t i = 0; i < n; i++)
        reply[i] = (uint8_t)(0x90 + i);
    return n;
}

static void fs_reset(void *opaque)
{
    ((struct fake_server *)opaque)->resets++;
}

static struct vd_machine m;
static struct fake_server server;
static struct virtio_9p *dev;
static struct vd_driver q;

static void start(unsigned version, const char *tag)
{
    vd_machine_init(&m, version);
    memset(&server, 0, sizeof server);
    server.dev = (struct p9dev){ .opaque = &server, .request = fs_request,
                                 .reset = fs_reset };
    server.reply_len = 11;
    dev = vp9_create(m.vm, &server.dev, tag);
    ck_assert_ptr_nonnull(dev);
    ck_assert_int_eq(vd_driver_init(&q, &m, QNUM, ~0ull), 0);
}

static void teardown(void)
{
    vp9_destroy(dev);
    vd_machine_fini(&m);
}

/* A request of `len` bytes (i ^ 0x33) at REQ_BUF, and `room` bytes for the reply. */
static void request(uint32_t len, uint32_t room)
{
    uint8_t *p = vd_ram(&m, REQ_BUF, len);
    for (uint32_t i = 0; i < len; i++)
        p[i] = (uint8_t)(i ^ 0x33);
    memset(vd_ram(&m, REPLY_BUF, room + 16), 0xee, room + 16);
    vd_set_desc(&q, 0, REQ_BUF, len, VD_DESC_F_NEXT, 1);
    vd_set_desc(&q, 1, REPLY_BUF, room, VD_DESC_F_WRITE, 0);
    vd_make_avail(&q, 0, true);
}

START_TEST(test_tag)
{
    start(_i, "hostshare");
    ck_assert_uint_eq(vd_reg_read(&m, VD_DEVICE_ID), 9);
    ck_assert(q.offered & 1ull << VIRTIO_9P_MOUNT_TAG);
    ck_assert_uint_eq(vd_reg_read_sized(&m, VD_CONFIG, 2), 9);
    char tag[10] = { 0 };
    for (unsigned i = 0; i < 9; i++)
        tag[i] = (char)vd_reg_read_sized(&m, VD_CONFIG + 2 + i, 1);
    ck_assert_str_eq(tag, "hostshare");
    ck_assert_uint_eq(vd_reg_read_sized(&m, VD_CONFIG + 11, 1), 0);
    ck_assert_ptr_null(vp9_create(m.vm, &server.dev, ""));     /* refused before use */
    teardown();
}
END_TEST

START_TEST(test_served_at_update)
{
    start(_i, "t");
    request(40, 100);
    ck_assert_uint_eq(server.requests, 0);      /* not inside the notification */
    ck_assert(vp9_busy(dev));
    vp9_update(dev);
    ck_assert(!vp9_busy(dev));
    ck_assert_uint_eq(server.requests, 1);
    ck_assert_uint_eq(server.last_len, 40);
    ck_assert_uint_eq(server.last_max, 100);
    for (unsigned i = 0; i < 40; i++)
        ck_assert_uint_eq(server.last[i], (uint8_t)(i ^ 0x33));
    uint32_t id, len;
    ck_assert(vd_take_used(&q, &id, &len));
    ck_assert_uint_eq(len, 11);
    const uint8_t *r = vd_ram(&m, REPLY_BUF, 12);
    for (unsigned i = 0; i < 11; i++)
        ck_assert_uint_eq(r[i], 0x90 + i);
    ck_assert_uint_eq(r[11], 0xee);
    ck_assert(m.irq.level);
    teardown();
}
END_TEST

/* A request in three pieces, the reply room in two. */
START_TEST(test_scattered)
{
    start(_i, "t");
    uint8_t *p = vd_ram(&m, REQ_BUF, 300);
    for (unsigned i = 0; i < 300; i++)
        p[i] = (uint8_t)i;
    server.reply_len = 200;
    vd_set_desc(&q, 5, REQ_BUF, 7, VD_DESC_F_NEXT, 9);
    vd_set_desc(&q, 9, REQ_BUF + 7, 93, VD_DESC_F_NEXT, 2);
    vd_set_desc(&q, 2, REQ_BUF + 100, 200, VD_DESC_F_NEXT, 3);
    vd_set_desc(&q, 3, REPLY_BUF, 50, VD_DESC_F_WRITE | VD_DESC_F_NEXT, 4);
    vd_set_desc(&q, 4, REPLY_BUF + 0x1000, 500, VD_DESC_F_WRITE, 0);
    vd_make_avail(&q, 5, true);
    vp9_update(dev);
    ck_assert_uint_eq(server.last_len, 300);
    for (unsigned i = 0; i < 300; i++)
        ck_assert_uint_eq(server.last[i], (uint8_t)i);
    ck_assert_uint_eq(server.last_max, 550);
    uint32_t id, len;
    ck_assert(vd_take_used(&q, &id, &len));
    ck_assert_uint_eq(id, 5);
    ck_assert_uint_eq(len, 200);
    ck_assert_uint_eq(vd_ram(&m, REPLY_BUF + 49, 1)[0], 0x90 + 49);
    ck_assert_uint_eq(vd_ram(&m, REPLY_BUF + 0x1000, 1)[0], 0x90 + 50);
    teardown();
}
END_TEST

/* Too large a request is cut at VP9_MAX_MESSAGE; too much room is offered as no more
 * than VP9_MAX_MESSAGE; no room at all gets an empty answer without asking. */
START_TEST(test_limits)
{
    start(_i, "t");
    request(VP9_MAX_MESSAGE + 5000, VP9_MAX_MESSAGE + 5000);
    vp9_update(dev);
    ck_assert_uint_eq(server.last_len, VP9_MAX_MESSAGE);
    ck_assert_uint_eq(server.last_max, VP9_MAX_MESSAGE);

    vd_set_desc(&q, 0, REQ_BUF, 20, 0, 0);      /* no writable part */
    vd_make_avail(&q, 0, true);
    vp9_update(dev);
    uint32_t id, len;
    ck_assert(vd_take_used(&q, &id, &len));
    ck_assert(vd_take_used(&q, &id, &len));
    ck_assert_uint_eq(len, 0);
    teardown();
}
END_TEST

START_TEST(test_reset)
{
    start(_i, "t");
    unsigned before = server.resets;            /* the driver's own reset at start */
    request(20, 100);
    vd_reg_write(&m, VD_STATUS, 0);             /* before the update: dropped */
    vp9_update(dev);
    ck_assert_uint_eq(server.requests, 0);
    ck_assert_uint_eq(server.resets, before + 1);
    teardown();
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("virtio_9p");
    TCase *tc = tcase_create("9p");
    tcase_add_loop_test(tc, test_tag, 1, 3);
    tcase_add_loop_test(tc, test_served_at_update, 1, 3);
    tcase_add_loop_test(tc, test_scattered, 1, 3);
    tcase_add_loop_test(tc, test_limits, 1, 3);
    tcase_add_loop_test(tc, test_reset, 1, 3);
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
