/*
 * Snapshots of the whole machine in memory (devices/machine_snapshot.h), on a guest that
 * exercises it all (tests/snapshot/guest/snapguest.c: S-mode under Sv32 with a page
 * remapped every iteration, timer interrupts, WFI, atomics, megabytes of RAM stirred,
 * serial output and disk writes), under the instruction clock so that runs repeat
 * exactly:
 *
 *   run to a point, take a snapshot, run on to the end (continuation 1), restore, run on
 *   again (continuation 2): both must end with the same registers, device state, RAM,
 *   serial output and disk contents, on the JIT and on the interpreter.
 *
 * And: every region of a fully configured machine has snapshot support (a device added
 * without it fails here); a snapshot is refused by a machine configured otherwise.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bus/bus.h"
#include "devices/disk_undo.h"
#include "devices/machine.h"
#include "devices/machine_snapshot.h"
#include "devices/netdev.h"
#include "devices/p9dev.h"
#include "devices/snapshot.h"
#include "devices/virtio_mmio.h"
#include "snaprun.h"

static const enum hart_engine engines[] = { HART_ENGINE_JIT, HART_ENGINE_BLOCK,
                                            HART_ENGINE_STEP };

/* The run to the end: how long it is, so that snapshot points can be placed in it. */
static uint64_t full_length(enum hart_engine e)
{
    struct run r;
    run_make(&r, e, NULL, SNAPRUN_RAM);
    ck_assert_int_eq(run_to(&r, UINT64_MAX), MACHINE_EXITED);
    ck_assert_uint_eq(machine_exit_code(r.m), 0);
    ck_assert_msg(strstr(r.out, "done "), "%s", r.out);
    uint64_t n = machine_position(r.m);
    run_free(&r);
    return n;
}

/* Snapshot at 2/5 of the run, run to the end, restore, run to the end again. */
START_TEST(test_continue_twice)
{
    enum hart_engine e = engines[_i];
    uint64_t len = full_length(e);
    struct run r;
    run_make(&r, e, NULL, SNAPRUN_RAM);
    uint64_t at = len * 2 / 5;
    ck_assert_int_eq(run_to(&r, at), MACHINE_RUNNING);
    size_t out_at = r.nout;
    struct machine_snapshot *s = machine_snapshot_take(r.m);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(machine_snapshot_position(s), at);

    struct outcome first, second;
    ck_assert_int_eq(run_to(&r, UINT64_MAX), MACHINE_EXITED);
    outcome_take(&r, out_at, &first);
    ck_assert_uint_eq(first.position, len);

    char err[256] = "";
    ck_assert_msg(machine_snapshot_restore(r.m, s, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(machine_position(r.m), at);
    r.nout = out_at;
    ck_assert_int_eq(run_to(&r, UINT64_MAX), MACHINE_EXITED);
    outcome_take(&r, out_at, &second);
    outcome_compare(&first, &second);
    ck_assert_msg(strstr(second.out, "done "), "%s", second.out);
    machine_snapshot_free(s);
    outcome_free(&first);
    outcome_free(&second);
    run_free(&r);
}
END_TEST

/* A snapshot taken while the hart waits in WFI (between the run that stopped there and
 * the skip to the next tick) wakes the same way after a restore. */
START_TEST(test_while_waiting)
{
    struct run r;
    run_make(&r, engines[_i], NULL, SNAPRUN_RAM);
    enum machine_state st;
    while ((st = machine_run(r.m, 100000)) != MACHINE_IDLE)
        ck_assert_int_eq(st, MACHINE_RUNNING);
    ck_assert(hart_waiting(machine_hart(r.m)));
    uint64_t at = machine_position(r.m), guest_ns = machine_guest_ns(r.m);
    size_t out_at = r.nout;
    struct machine_snapshot *s = machine_snapshot_take(r.m);
    ck_assert_ptr_nonnull(s);
    struct outcome first, second;
    ck_assert(machine_skip_idle(r.m, false));
    ck_assert_int_eq(run_to(&r, UINT64_MAX), MACHINE_EXITED);
    outcome_take(&r, out_at, &first);

    char err[256] = "";
    ck_assert_msg(machine_snapshot_restore(r.m, s, err, sizeof err) == 0, "%s", err);
    ck_assert(hart_waiting(machine_hart(r.m)));
    ck_assert_uint_eq(machine_position(r.m), at);
    ck_assert_uint_eq(machine_guest_ns(r.m), guest_ns);
    r.nout = out_at;
    ck_assert(machine_skip_idle(r.m, false));
    ck_assert_int_eq(run_to(&r, UINT64_MAX), MACHINE_EXITED);
    outcome_take(&r, out_at, &second);
    outcome_compare(&first, &second);
    machine_snapshot_free(s);
    outcome_free(&first);
    outcome_free(&second);
    run_free(&r);
}
END_TEST

/* Several snapshots along the run (sharing pages), then restored newest to oldest and
 * oldest to newest, each continued a while and compared with the first time through;
 * and one restored into a second machine configured alike. */
START_TEST(test_many_points)
{
    enum hart_engine e = engines[_i];
    uint64_t len = full_length(e);
    struct run r, r2;
    run_make(&r, e, NULL, SNAPRUN_RAM);
    enum { N = 4 };
    struct machine_snapshot *s[N];
    struct outcome seen[N];
    size_t out_at[N];
    uint64_t step = len / (N + 1);
    for (int k = 0; k < N; k++) {
        run_to(&r, step * (k + 1));
        out_at[k] = r.nout;
        ck_assert_ptr_nonnull(s[k] = machine_snapshot_take(r.m));
        ck_assert_uint_le(machine_snapshot_bytes(s[k]), SNAPRUN_RAM);
    }
    for (int k = 0; k < N; k++) {                   /* what follows each point */
        char err[256] = "";
        ck_assert_msg(machine_snapshot_restore(r.m, s[k], err, sizeof err) == 0, "%s", err);
        r.nout = out_at[k];
        run_to(&r, step * (k + 1) + step / 2);
        outcome_take(&r, out_at[k], &seen[k]);
    }
    for (int k = N - 1; k >= 0; k--) {              /* again, in the other order */
        char err[256] = "";
        ck_assert_msg(machine_snapshot_restore(r.m, s[k], err, sizeof err) == 0, "%s", err);
        r.nout = out_at[k];
        run_to(&r, step * (k + 1) + step / 2);
        struct outcome again;
        outcome_take(&r, out_at[k], &again);
        outcome_compare(&seen[k], &again);
        outcome_free(&again);
    }
    /* Into a fresh machine: the disk under it is r's (at its state now), so its undo
     * layer is not the one the snapshot marked: refused, unless the disk is the same. */
    run_make(&r2, e, NULL, SNAPRUN_RAM);
    char err[256] = "";
    ck_assert_int_eq(machine_snapshot_restore(r2.m, s[1], err, sizeof err), -1);
    ck_assert_msg(strstr(err, "disk 0 is not the disk the snapshot was taken with"), "%s", err);
    ck_assert_uint_eq(machine_position(r2.m), 0);
    run_free(&r2);
    for (int k = 0; k < N; k++) {
        machine_snapshot_free(s[k]);
        outcome_free(&seen[k]);
    }
    run_free(&r);
}
END_TEST

/* ---- every device has snapshot support ---- */

static void null_write(void *o, uint8_t b) { (void)o, (void)b; }
static int no_input(void *o) { (void)o; return -1; }

/* Every option of the machine is on in full_machine(): a field added to machine_config
 * (a new device, a new way to build one) fails the build here until full_machine turns
 * it on, so that the device it brings is checked for snapshot support below. */
#if UINTPTR_MAX == UINT64_MAX && defined(__x86_64__)
_Static_assert(sizeof(struct machine_config) == 368,
               "struct machine_config changed: turn the new option on in full_machine(), "
               "then update the size here");
#endif

/* A network with nothing on it and a 9P server that refuses everything: enough for the
 * devices to be built. */
static void net_send(void *o, const void *f, size_t n) { (void)o, (void)f, (void)n; }
static size_t net_peek(void *o) { (void)o; return 0; }
static size_t net_receive(void *o, void *b, size_t n) { (void)o, (void)b, (void)n; return 0; }
static const struct netdev null_net = { .send = net_send, .peek = net_peek,
                                        .receive = net_receive };
static size_t p9_request(void *o, const uint8_t *q, size_t n, uint8_t *r, size_t max)
{
    (void)o, (void)q, (void)n, (void)r, (void)max;
    return 0;
}
static void p9_reset(void *o) { (void)o; }
static const struct p9dev null_p9 = { .request = p9_request, .reset = p9_reset };

/* A machine with everything: two disks, a network card, a shared folder, the keyboard
 * and tablet, a framebuffer, HTIF, the strict PLIC gateway. */
static struct machine *full_machine(struct mem_disk *d0, struct mem_disk *d1,
                                    struct disk_undo **u0)
{
    *u0 = disk_undo_create(&d0->bd);
    struct machine_config cfg = {
        .ram_size = 16u << 20, .start_pc = MEMMAP_RAM_BASE, .virtio_version = 2,
        .console = { .write = null_write, .read = no_input },
        .disks = { disk_undo_backend(*u0), &d1->bd },
        .nics = { [2] = { .backend = &null_net, .mac = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 } } },
        .shares = { [3] = { .server = &null_p9, .tag = "share" } },
        .has_tohost = true, .tohost = MEMMAP_RAM_BASE + 0x1000,
        .fb_width = 320, .fb_height = 200, .input = true, .plic_strict = true,
        .icount = true, .icount_shift = 3,
    };
    char err[256] = "";
    struct machine *m = machine_create(&cfg, err, sizeof err);
    ck_assert_msg(m, "%s", err);
    return m;
}

static bool dummy_read(void *o, uint32_t off, unsigned size, uint32_t *v)
{
    (void)o, (void)off, (void)size;
    *v = 0;
    return true;
}

static bool dummy_write(void *o, uint32_t off, unsigned size, uint32_t v)
{
    (void)o, (void)off, (void)size, (void)v;
    return true;
}

START_TEST(test_every_device_covered)
{
    struct mem_disk *d0 = mem_disk_new(false), *d1 = mem_disk_new(true);
    struct disk_undo *u0;
    struct machine *m = full_machine(d0, d1, &u0);
    char err[256] = "";
    ck_assert_msg(machine_snapshot_check(m, err, sizeof err) == 0, "%s", err);
    /* Each kind is there: a walk of the bus meets every one of them. */
    const char *kinds[] = { "bootrom", "syscon", "rtc", "clint", "plic", "uart16550",
                            "virtio-mmio", "framebuffer", "ram", "htif" };
    for (unsigned k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        bool found = false;
        const struct bus_region *r;
        for (unsigned i = 0; (r = bus_region_at(machine_bus(m), i)); i++)
            found |= !strcmp(r->snap->name, kinds[k]);
        ck_assert_msg(found, "no %s region", kinds[k]);
    }
    struct machine_snapshot *s = machine_snapshot_take(m);
    ck_assert_ptr_nonnull(s);
    ck_assert_msg(machine_snapshot_restore(m, s, err, sizeof err) == 0, "%s", err);
    machine_snapshot_free(s);

    /* A device added without snapshot support is caught, and a snapshot refused. */
    ck_assert_int_eq(bus_add_mmio(machine_bus(m), "newdev", 0x20000000, 0x1000, BUS_SIZE_4,
                                  NULL, dummy_read, dummy_write), BUS_ERR_NONE);
    ck_assert_int_eq(machine_snapshot_check(m, err, sizeof err), -1);
    ck_assert_str_eq(err, "newdev at 0x20000000 has no snapshot support");
    ck_assert_ptr_null(machine_snapshot_take(m));
    machine_destroy(m);
    disk_undo_destroy(u0);
    free(d0);
    free(d1);
}
END_TEST

/* A virtio device plugged into a slot without snapshot support is caught too. */
static void probe_notify(void *dev, unsigned q) { (void)dev, (void)q; }

START_TEST(test_virtio_device_covered)
{
    struct mem_disk *d0 = mem_disk_new(false), *d1 = mem_disk_new(true);
    struct disk_undo *u0;
    struct machine *m = full_machine(d0, d1, &u0);
    const struct bus_region *slot = bus_find(machine_bus(m), MEMMAP_VIRTIO_BASE + 0x2000);
    ck_assert_ptr_nonnull(slot);
    struct virtio_device_ops ops = { .device_id = 4, .num_queues = 1, .queue_max = 8,
                                     .queue_notify = probe_notify };
    virtio_mmio_set_device(slot->opaque, &ops, NULL);
    char err[256] = "";
    ck_assert_int_eq(machine_snapshot_check(m, err, sizeof err), -1);
    ck_assert_str_eq(err, "virtio-mmio at 0x10003000: its a virtio device has no snapshot "
                          "support");
    machine_destroy(m);
    disk_undo_destroy(u0);
    free(d0);
    free(d1);
}
END_TEST

/* A snapshot of one machine is refused by one configured otherwise, which is left as
 * it was. */
START_TEST(test_other_machine_refused)
{
    struct run a, b;
    run_make(&a, HART_ENGINE_BLOCK, NULL, SNAPRUN_RAM);
    run_to(&a, 200000);
    struct machine_snapshot *s = machine_snapshot_take(a.m);
    ck_assert_ptr_nonnull(s);

    struct mem_disk *d0 = mem_disk_new(false), *d1 = mem_disk_new(true);
    struct disk_undo *u0;
    struct machine *other = full_machine(d0, d1, &u0);
    char err[256] = "";
    ck_assert_int_eq(machine_snapshot_restore(other, s, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "a machine configured otherwise: the snapshot has ram=33554432, "
                              "this machine ram=16777216"), "%s", err);
    machine_destroy(other);
    disk_undo_destroy(u0);
    free(d0);
    free(d1);

    /* The same configuration but the host's clock: refused, by the fingerprint. */
    run_make(&b, HART_ENGINE_BLOCK, NULL, SNAPRUN_RAM);
    char fa[2048], fb[2048];
    machine_fingerprint(a.m, fa, sizeof fa);
    machine_fingerprint(b.m, fb, sizeof fb);
    ck_assert_str_eq(fa, fb);
    ck_assert_int_eq(machine_fingerprint_compare("board=virt ram=1 clock=host",
                                                 "board=virt ram=1 clock=icount/shift2", err,
                                                 sizeof err), -1);
    ck_assert_str_eq(err, "a machine configured otherwise: the snapshot has "
                          "clock=icount/shift2, this machine clock=host");
    run_free(&b);
    machine_snapshot_free(s);
    run_free(&a);
}
END_TEST

/* Freeing a snapshot after its machine is gone, and the machine after its snapshots,
 * both work (the sanitizer build checks for the rest). */
START_TEST(test_lifetimes)
{
    struct run r;
    run_make(&r, HART_ENGINE_BLOCK, NULL, SNAPRUN_RAM);
    run_to(&r, 100000);
    struct machine_snapshot *a = machine_snapshot_take(r.m);
    run_to(&r, 200000);
    struct machine_snapshot *b = machine_snapshot_take(r.m);
    machine_snapshot_free(a);
    machine_destroy(r.m);
    r.m = NULL;
    machine_snapshot_free(b);
    disk_undo_destroy(r.undo);
    free(r.own);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("snapshot machine");
    TCase *t = tcase_create("continue");
    /* _i: 0 the JIT, 1 the block interpreter, 2 the plain step (slow: one case). */
    tcase_add_loop_test(t, test_continue_twice, 0, 3);
    tcase_add_loop_test(t, test_many_points, 0, 2);
    tcase_add_loop_test(t, test_while_waiting, 0, 2);
    tcase_set_timeout(t, 120);
    suite_add_tcase(s, t);
    t = tcase_create("machine");
    tcase_add_test(t, test_every_device_covered);
    tcase_add_test(t, test_virtio_device_covered);
    tcase_add_test(t, test_other_machine_refused);
    tcase_add_test(t, test_lifetimes);
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
