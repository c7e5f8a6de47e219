/*
 * The disk undo layer (devices/disk_undo.h) over an in-memory disk: writes pass through,
 * marks put the disk back exactly, along any path of the history tree (an older mark
 * restored, then a newer one again), marks let go of are merged away until nothing is
 * kept, and a saved history loads into a fresh layer over the same disk.
 *
 * The random test checks every step against a model that keeps a full copy of the disk
 * for each mark.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "devices/disk_undo.h"
#include "devices/snapshot.h"

#define BLK DISK_UNDO_BLOCK
#define DISK_SIZE (40 * BLK + 1536)     /* a short last block */

struct mem_disk {
    struct blockdev bd;
    uint8_t data[DISK_SIZE];
    bool fail_reads;
    unsigned reads, writes;
};

static int md_read(void *o, uint64_t off, void *buf, size_t len)
{
    struct mem_disk *d = o;
    ck_assert_uint_le(off + len, DISK_SIZE);
    d->reads++;
    if (d->fail_reads)
        return -1;
    memcpy(buf, d->data + off, len);
    return 0;
}

static int md_write(void *o, uint64_t off, const void *buf, size_t len)
{
    struct mem_disk *d = o;
    ck_assert_uint_le(off + len, DISK_SIZE);
    d->writes++;
    memcpy(d->data + off, buf, len);
    return 0;
}

static struct mem_disk *disk_new(void)
{
    struct mem_disk *d = calloc(1, sizeof *d);
    ck_assert_ptr_nonnull(d);
    for (size_t i = 0; i < DISK_SIZE; i++)
        d->data[i] = (uint8_t)(i * 7 + i / 4096);
    d->bd = (struct blockdev){ .opaque = d, .size = DISK_SIZE, .read = md_read,
                               .write = md_write };
    return d;
}

/* A write of `len` bytes of `fill` at `off`, through the layer. */
static void put(struct disk_undo *u, uint64_t off, size_t len, uint8_t fill)
{
    uint8_t *buf = malloc(len);
    memset(buf, fill, len);
    const struct blockdev *bd = disk_undo_backend(u);
    ck_assert_int_eq(bd->write(bd->opaque, off, buf, len), 0);
    free(buf);
}

static void revert(struct disk_undo *u, struct undo_node *n)
{
    char err[200] = "";
    ck_assert_msg(disk_undo_revert(u, n, err, sizeof err) == 0, "%s", err);
}

START_TEST(test_no_mark_costs_nothing)
{
    struct mem_disk *d = disk_new();
    struct disk_undo *u = disk_undo_create(&d->bd);
    put(u, 100, 5000, 0xaa);
    ck_assert_uint_eq(d->reads, 0);                 /* no old contents read */
    ck_assert_uint_eq(disk_undo_bytes(u), 0);
    ck_assert_uint_eq(d->data[100], 0xaa);
    ck_assert(disk_undo_written(u));
    disk_undo_destroy(u);
    free(d);
}
END_TEST

START_TEST(test_mark_revert)
{
    struct mem_disk *d = disk_new();
    struct disk_undo *u = disk_undo_create(&d->bd);
    uint8_t *orig = malloc(DISK_SIZE);
    memcpy(orig, d->data, DISK_SIZE);
    struct undo_node *a = disk_undo_mark(u);
    put(u, 10, 3, 0x11);                            /* part of block 0 */
    put(u, BLK - 2, 4, 0x22);                       /* across blocks 0 and 1 */
    put(u, 40 * BLK + 1000, 536, 0x33);             /* the short last block */
    put(u, 10, 3, 0x44);                            /* block 0 again: saved once */
    ck_assert_uint_eq(disk_undo_bytes(u), 3 * BLK);
    ck_assert_uint_ne(d->data[10], orig[10]);
    revert(u, a);
    ck_assert_mem_eq(d->data, orig, DISK_SIZE);
    /* Written again after the revert, and put back again. */
    put(u, 0, 2 * BLK, 0x55);
    revert(u, a);
    ck_assert_mem_eq(d->data, orig, DISK_SIZE);
    disk_undo_release(u, a);
    ck_assert_uint_eq(disk_undo_marks(u), 0);
    ck_assert_uint_eq(disk_undo_bytes(u), 0);
    free(orig);
    disk_undo_destroy(u);
    free(d);
}
END_TEST

/* savevm A, savevm B, loadvm A, loadvm B, loadvm A: every one exact. */
START_TEST(test_back_and_forth)
{
    struct mem_disk *d = disk_new();
    struct disk_undo *u = disk_undo_create(&d->bd);
    uint8_t *sa = malloc(DISK_SIZE), *sb = malloc(DISK_SIZE), *sc = malloc(DISK_SIZE);
    put(u, 0, BLK, 1);
    struct undo_node *a = disk_undo_mark(u);
    memcpy(sa, d->data, DISK_SIZE);
    put(u, 0, 100, 2);
    put(u, 5 * BLK, BLK, 3);
    struct undo_node *b = disk_undo_mark(u);
    memcpy(sb, d->data, DISK_SIZE);
    put(u, 5 * BLK, 10, 4);
    put(u, 9 * BLK, 10, 5);
    revert(u, a);
    ck_assert_mem_eq(d->data, sa, DISK_SIZE);
    put(u, 9 * BLK, 10, 6);                         /* a new branch from a */
    struct undo_node *c = disk_undo_mark(u);
    memcpy(sc, d->data, DISK_SIZE);
    put(u, 5 * BLK, 10, 7);
    revert(u, b);
    ck_assert_mem_eq(d->data, sb, DISK_SIZE);
    revert(u, c);
    ck_assert_mem_eq(d->data, sc, DISK_SIZE);
    revert(u, a);
    ck_assert_mem_eq(d->data, sa, DISK_SIZE);
    /* Let go of a (the fork): b and c stay reachable. */
    disk_undo_release(u, a);
    revert(u, b);
    ck_assert_mem_eq(d->data, sb, DISK_SIZE);
    revert(u, c);
    ck_assert_mem_eq(d->data, sc, DISK_SIZE);
    disk_undo_release(u, c);
    disk_undo_release(u, b);
    ck_assert_uint_eq(disk_undo_marks(u), 0);
    ck_assert_uint_eq(disk_undo_bytes(u), 0);
    free(sa);
    free(sb);
    free(sc);
    disk_undo_destroy(u);
    free(d);
}
END_TEST

/* Old contents that cannot be read: the write is refused, nothing written. */
START_TEST(test_unreadable_refuses_write)
{
    struct mem_disk *d = disk_new();
    struct disk_undo *u = disk_undo_create(&d->bd);
    struct undo_node *a = disk_undo_mark(u);
    uint8_t before = d->data[0];
    d->fail_reads = true;
    const struct blockdev *bd = disk_undo_backend(u);
    uint8_t x = (uint8_t)~before;
    ck_assert_int_eq(bd->write(bd->opaque, 0, &x, 1), -1);
    ck_assert_uint_eq(d->data[0], before);
    d->fail_reads = false;
    disk_undo_release(u, a);
    disk_undo_destroy(u);
    free(d);
}
END_TEST

/* A history saved and loaded into a fresh layer over the same disk: the marks it holds
 * put the disk back as before. */
START_TEST(test_save_load)
{
    struct mem_disk *d = disk_new();
    struct disk_undo *u = disk_undo_create(&d->bd);
    uint8_t *sa = malloc(DISK_SIZE), *sb = malloc(DISK_SIZE);
    struct undo_node *a = disk_undo_mark(u);
    memcpy(sa, d->data, DISK_SIZE);
    put(u, 3 * BLK, 2 * BLK, 9);
    struct undo_node *b = disk_undo_mark(u);
    memcpy(sb, d->data, DISK_SIZE);
    put(u, 4 * BLK, BLK, 8);
    revert(u, a);
    put(u, 20 * BLK, 7, 7);                         /* the open set, saved too */
    uint64_t ida = disk_undo_node_id(a), idb = disk_undo_node_id(b);
    uint32_t crc_before;
    ck_assert_int_eq(disk_undo_covered_crc(u, &crc_before), 0);

    struct snap_writer w;
    snap_writer_init(&w);
    disk_undo_save(u, &w);
    disk_undo_release(u, a);
    disk_undo_release(u, b);
    disk_undo_destroy(u);

    u = disk_undo_create(&d->bd);
    char err[200] = "";
    struct snap_ctx ctx = { .apply = true, .err = err, .errlen = sizeof err };
    struct snap_reader r;
    snap_reader_init(&r, &ctx, w.buf, w.len);
    ck_assert_msg(disk_undo_load(u, &r) == 0, "%s", err);
    uint32_t crc_after;
    ck_assert_int_eq(disk_undo_covered_crc(u, &crc_after), 0);
    ck_assert_uint_eq(crc_before, crc_after);
    a = disk_undo_find(u, ida);
    b = disk_undo_find(u, idb);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    disk_undo_hold(u, a);
    disk_undo_hold(u, b);
    disk_undo_prune(u);
    revert(u, b);
    ck_assert_mem_eq(d->data, sb, DISK_SIZE);
    revert(u, a);
    ck_assert_mem_eq(d->data, sa, DISK_SIZE);
    /* A new mark after a load does not reuse a number. */
    struct undo_node *c = disk_undo_mark(u);
    ck_assert_uint_gt(disk_undo_node_id(c), idb);
    disk_undo_release(u, c);

    /* A layer already written refuses a history; a history of another disk size too. */
    struct disk_undo *v = disk_undo_create(&d->bd);
    put(v, 0, 1, 1);
    ctx.failed = false;
    snap_reader_init(&r, &ctx, w.buf, w.len);
    ck_assert_int_eq(disk_undo_load(v, &r), -1);
    ck_assert_msg(strstr(err, "written or marked before its history was read"), "%s", err);
    disk_undo_destroy(v);
    struct mem_disk *small = disk_new();
    small->bd.size = 8 * BLK;
    v = disk_undo_create(&small->bd);
    ctx.failed = false;
    snap_reader_init(&r, &ctx, w.buf, w.len);
    ck_assert_int_eq(disk_undo_load(v, &r), -1);
    ck_assert_msg(strstr(err, "this disk has 32768 bytes"), "%s", err);
    ck_assert_uint_eq(disk_undo_marks(v), 0);
    disk_undo_destroy(v);
    free(small);

    snap_writer_free(&w);
    free(sa);
    free(sb);
    disk_undo_release(u, a);
    disk_undo_release(u, b);
    disk_undo_destroy(u);
    free(d);
}
END_TEST

/* ---- random operations against a model with a full copy per mark ---- */

#define MAX_MARKS 12

static uint32_t rnd_state;
static uint32_t rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return rnd_state >> 8;
}

START_TEST(test_random_history)
{
    rnd_state = 1000u + (uint32_t)_i;
    struct mem_disk *d = disk_new();
    struct disk_undo *u = disk_undo_create(&d->bd);
    struct undo_node *mark[MAX_MARKS] = { 0 };
    uint8_t *copy[MAX_MARKS] = { 0 };
    for (int step = 0; step < 3000; step++) {
        uint32_t op = rnd() % 100;
        int k = (int)(rnd() % MAX_MARKS);
        if (op < 60) {                              /* a write somewhere */
            uint64_t off = rnd() % DISK_SIZE;
            size_t len = 1 + rnd() % (3 * BLK);
            if (off + len > DISK_SIZE)
                len = DISK_SIZE - off;
            put(u, off, len, (uint8_t)rnd());
        } else if (op < 75) {                       /* take a mark */
            if (mark[k])
                continue;
            mark[k] = disk_undo_mark(u);
            copy[k] = malloc(DISK_SIZE);
            memcpy(copy[k], d->data, DISK_SIZE);
        } else if (op < 92) {                       /* go back (or forward) to one */
            if (!mark[k])
                continue;
            revert(u, mark[k]);
            ck_assert_msg(!memcmp(d->data, copy[k], DISK_SIZE), "step %d: mark %d wrong",
                          step, k);
        } else {                                    /* let go of one */
            if (!mark[k])
                continue;
            disk_undo_release(u, mark[k]);
            mark[k] = NULL;
            free(copy[k]);
            copy[k] = NULL;
        }
        /* Held marks, and where branches part (at most one fewer than the leaves). */
        ck_assert_uint_le(disk_undo_marks(u), 2 * MAX_MARKS);
    }
    for (int k = 0; k < MAX_MARKS; k++) {           /* every mark still exact */
        if (!mark[k])
            continue;
        revert(u, mark[k]);
        ck_assert_mem_eq(d->data, copy[k], DISK_SIZE);
    }
    for (int k = 0; k < MAX_MARKS; k++) {
        if (mark[k])
            disk_undo_release(u, mark[k]);
        free(copy[k]);
    }
    ck_assert_uint_eq(disk_undo_marks(u), 0);
    ck_assert_uint_eq(disk_undo_bytes(u), 0);
    disk_undo_destroy(u);
    free(d);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("disk undo");
    TCase *t = tcase_create("undo");
    tcase_add_test(t, test_no_mark_costs_nothing);
    tcase_add_test(t, test_mark_revert);
    tcase_add_test(t, test_back_and_forth);
    tcase_add_test(t, test_unreadable_refuses_write);
    tcase_add_test(t, test_save_load);
    tcase_add_loop_test(t, test_random_history, 0, 8);
    tcase_set_timeout(t, 60);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
