/*
 * Several harts in one machine, through the library (devices/machine.h), running
 * tests/smp/guest/spinlock.c on 4 harts under the instruction clock:
 *
 *  - where the host cuts the run into budgets changes nothing: runs cut at odd sizes end
 *    with the same state, output and position as one run in large slices; so does
 *    asking an idle machine to run again and again before its clock skips ahead
 *    (tests/smp/guest/wakeup.c: harts sleeping on their timers, woken by IPIs);
 *  - a snapshot taken in the middle of a hart's turn, restored, runs on to the same end
 *    (every hart's registers, the turns, RAM, the output), on every engine;
 *  - machine_set_step steps one hart while the others take their turns as usual;
 *  - with a host thread per hart (config.threads, on the host's clock), the spinlock and
 *    wakeup programs end well through runs of odd budgets, a snapshot taken and loaded
 *    between runs, and steps of one hart (turns) in the middle; the threads go away
 *    with the machine.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devices/machine.h"
#include "devices/machine_snapshot.h"
#include "host/loader.h"

#define RAM     (16u << 20)
#define OUT_MAX (16u << 10)
#define HARTS   4

struct run {
    struct machine *m;
    char out[OUT_MAX];
    size_t nout;
};

static void out_write(void *opaque, uint8_t byte)
{
    struct run *r = opaque;
    ck_assert_uint_lt(r->nout, OUT_MAX);
    r->out[r->nout++] = (char)byte;
}

static int no_input(void *opaque)
{
    (void)opaque;
    return -1;
}

static void run_make_cfg(struct run *r, enum hart_engine engine, const char *elf,
                         bool threads);

static void run_make_elf(struct run *r, enum hart_engine engine, const char *elf)
{
    run_make_cfg(r, engine, elf, false);
}

/* threads: a host thread per hart, on the host's clock (not deterministic). */
static void run_make_cfg(struct run *r, enum hart_engine engine, const char *elf,
                         bool threads)
{
    memset(r, 0, sizeof *r);
    struct image img;
    char err[256] = "";
    ck_assert_msg(image_open_file(&img, elf, MEMMAP_RAM_BASE,
                                  (uint64_t)MEMMAP_RAM_BASE + RAM, err, sizeof err) == 0,
                  "%s", err);
    struct machine_config cfg = {
        .nharts = HARTS, .ram_size = RAM, .start_pc = img.entry, .virtio_version = 1,
        .console = { .opaque = r, .write = out_write, .read = no_input },
        .wall_ns = 1700000000000000000ull, .icount = !threads, .icount_shift = 1,
        .threads = threads,
    };
    r->m = machine_create(&cfg, err, sizeof err);
    ck_assert_msg(r->m, "%s", err);
    image_copy(&img, r->m);
    image_close(&img);
    ck_assert_uint_eq(machine_nharts(r->m), HARTS);
    for (unsigned i = 0; i < HARTS; i++)
        ck_assert_int_eq(hart_set_engine(machine_hart_at(r->m, i), engine), engine);
}

static void run_make(struct run *r, enum hart_engine engine)
{
    run_make_elf(r, engine, RVBOX_SMP_SPINLOCK);
}

/* Run to position `pos` (or the end) in budgets of `slice`; an idle machine is asked to
 * run `idle_runs` more times before its clock skips to its next event. */
static enum machine_state run_idle(struct run *r, uint64_t pos, uint64_t slice,
                                   unsigned idle_runs)
{
    enum machine_state st = MACHINE_RUNNING;
    while (machine_position(r->m) < pos) {
        uint64_t left = pos - machine_position(r->m);
        st = machine_run(r->m, left < slice ? left : slice);
        if (st == MACHINE_EXITED || st == MACHINE_REBOOT)
            break;
        if (st == MACHINE_IDLE) {
            for (unsigned k = 0; k < idle_runs; k++)
                ck_assert_int_eq(machine_run(r->m, slice), MACHINE_IDLE);
            ck_assert_msg(machine_skip_idle(r->m, false), "idle with nothing ahead");
        }
    }
    return st;
}

static enum machine_state run_to(struct run *r, uint64_t pos, uint64_t slice)
{
    return run_idle(r, pos, slice, 0);
}

/* Where a run is: every hart's registers, pc, mode and position, RAM, the output. (Not
 * the whole saved state: it also keeps what the last machine_run did, which depends on
 * the budgets the host gave.) */
struct outcome {
    uint32_t regs[HARTS][33];
    uint64_t pos[HARTS];
    uint8_t *ram;
    char out[OUT_MAX];
    size_t nout;
    uint64_t position;
};

static void moment_take(struct run *r, struct outcome *o)
{
    for (unsigned i = 0; i < HARTS; i++) {
        struct hart *h = machine_hart_at(r->m, i);
        for (unsigned k = 0; k < 32; k++)
            o->regs[i][k] = hart_get_reg(h, k);
        o->regs[i][32] = hart_get_pc(h) ^ (uint32_t)hart_get_priv(h) << 30;
        o->pos[i] = hart_position(h);
    }
    o->ram = malloc(RAM);
    memcpy(o->ram, machine_ram(r->m, MEMMAP_RAM_BASE, RAM), RAM);
    memcpy(o->out, r->out, r->nout);
    o->nout = r->nout;
    o->position = machine_position(r->m);
}

static void outcome_take(struct run *r, struct outcome *o)
{
    moment_take(r, o);
    ck_assert_uint_eq(machine_exit_code(r->m), 0);
    ck_assert_msg(strstr(r->out, ": ok\n"), "%.*s", (int)r->nout, r->out);
}

static void outcome_compare(const struct outcome *a, const struct outcome *b)
{
    ck_assert_uint_eq(a->position, b->position);
    ck_assert_msg(a->nout == b->nout && !memcmp(a->out, b->out, a->nout),
                  "the output differs:\n%.*s\n---\n%.*s", (int)a->nout, a->out,
                  (int)b->nout, b->out);
    for (unsigned i = 0; i < HARTS; i++) {
        ck_assert_uint_eq(a->pos[i], b->pos[i]);
        ck_assert_msg(!memcmp(a->regs[i], b->regs[i], sizeof a->regs[i]),
                      "hart %u's registers differ", i);
    }
    ck_assert_msg(!memcmp(a->ram, b->ram, RAM), "RAM differs");
}

static void outcome_free(struct outcome *o)
{
    free(o->ram);
}

static const enum hart_engine engines[] = { HART_ENGINE_JIT, HART_ENGINE_BLOCK,
                                            HART_ENGINE_STEP };

/* Large slices, or odd small ones: the same end. */
START_TEST(test_slicing)
{
    struct run a, b;
    struct outcome oa, ob;
    run_make(&a, engines[_i]);
    ck_assert_int_eq(run_to(&a, UINT64_MAX, 1u << 20), MACHINE_EXITED);
    outcome_take(&a, &oa);
    run_make(&b, engines[_i]);
    ck_assert_int_eq(run_to(&b, UINT64_MAX, 777), MACHINE_EXITED);
    outcome_take(&b, &ob);
    outcome_compare(&oa, &ob);
    machine_destroy(a.m);
    machine_destroy(b.m);
    outcome_free(&oa);
    outcome_free(&ob);
}
END_TEST

/* Harts that sleep: the same end however often the idle machine is asked to run. */
START_TEST(test_idle_runs)
{
    struct run a, b;
    struct outcome oa, ob;
    run_make_elf(&a, engines[_i], RVBOX_SMP_WAKEUP);
    ck_assert_int_eq(run_idle(&a, UINT64_MAX, 1u << 20, 0), MACHINE_EXITED);
    outcome_take(&a, &oa);
    run_make_elf(&b, engines[_i], RVBOX_SMP_WAKEUP);
    ck_assert_int_eq(run_idle(&b, UINT64_MAX, 555, 3), MACHINE_EXITED);
    outcome_take(&b, &ob);
    outcome_compare(&oa, &ob);
    machine_destroy(a.m);
    machine_destroy(b.m);
    outcome_free(&oa);
    outcome_free(&ob);
}
END_TEST

/* A snapshot in the middle of a turn (positions that are no multiple of the quantum),
 * run on, restored, run on again; and restored into another machine. */
START_TEST(test_snapshot)
{
    struct run r, r2;
    struct outcome first, second, third;
    run_make(&r, engines[_i]);
    uint64_t at = 1234567;
    ck_assert_int_eq(run_to(&r, at, 100000), MACHINE_RUNNING);
    size_t out_at = r.nout;
    struct machine_snapshot *s = machine_snapshot_take(r.m);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(machine_snapshot_position(s), at);
    ck_assert_int_eq(run_to(&r, UINT64_MAX, 100000), MACHINE_EXITED);
    outcome_take(&r, &first);

    char err[256] = "";
    ck_assert_msg(machine_snapshot_restore(r.m, s, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(machine_position(r.m), at);
    r.nout = out_at;
    ck_assert_int_eq(run_to(&r, UINT64_MAX, 3333), MACHINE_EXITED);
    outcome_take(&r, &second);
    outcome_compare(&first, &second);

    run_make(&r2, engines[_i]);
    ck_assert_msg(machine_snapshot_restore(r2.m, s, err, sizeof err) == 0, "%s", err);
    memcpy(r2.out, r.out, out_at);
    r2.nout = out_at;
    ck_assert_int_eq(run_to(&r2, UINT64_MAX, 100000), MACHINE_EXITED);
    outcome_take(&r2, &third);
    outcome_compare(&first, &third);

    machine_snapshot_free(s);
    machine_destroy(r.m);
    machine_destroy(r2.m);
    outcome_free(&first);
    outcome_free(&second);
    outcome_free(&third);
}
END_TEST

/* A snapshot of a 4-hart machine does not load into a 1-hart one. */
START_TEST(test_other_harts_refused)
{
    struct run r;
    run_make(&r, HART_ENGINE_BLOCK);
    struct machine_snapshot *s = machine_snapshot_take(r.m);
    ck_assert_ptr_nonnull(s);
    char err[256] = "";
    struct machine_config cfg = { .nharts = 1, .ram_size = RAM, .virtio_version = 1,
                                  .icount = true, .icount_shift = 1 };
    struct machine *one = machine_create(&cfg, err, sizeof err);
    ck_assert_msg(one, "%s", err);
    ck_assert_int_eq(machine_snapshot_restore(one, s, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "harts"), "%s", err);
    machine_snapshot_free(s);
    machine_destroy(one);
    machine_destroy(r.m);
}
END_TEST

/* Stepping hart 2: the run ends as soon as it has taken one step, wherever its turn
 * falls; the other harts ran meanwhile as they would have. */
START_TEST(test_step_one_hart)
{
    struct run r, ref;
    run_make(&r, engines[_i]);
    run_make(&ref, engines[_i]);
    ck_assert_int_eq(run_to(&r, 500000, 100000), MACHINE_RUNNING);
    ck_assert_int_eq(run_to(&ref, 500000, 100000), MACHINE_RUNNING);
    struct hart *h2 = machine_hart_at(r.m, 2);
    for (int k = 0; k < 5; k++) {
        uint64_t before = hart_position(h2);
        machine_set_step(r.m, 2);
        enum machine_state st = machine_run(r.m, UINT64_MAX);
        machine_set_step(r.m, -1);
        ck_assert_int_eq(st, MACHINE_RUNNING);
        ck_assert(machine_stepped(r.m));
        ck_assert_uint_eq(hart_position(h2), before + 1);
        ck_assert_uint_eq(machine_stop_hart(r.m), 2);
    }
    /* The same moment reached without stepping is the same, and so is the end: the
     * steps did not move the turns. */
    struct outcome a, b;
    ck_assert_int_eq(run_to(&ref, machine_position(r.m), 100000), MACHINE_RUNNING);
    moment_take(&r, &a);
    moment_take(&ref, &b);
    outcome_compare(&a, &b);
    outcome_free(&a);
    outcome_free(&b);
    ck_assert_int_eq(run_to(&r, UINT64_MAX, 100000), MACHINE_EXITED);
    ck_assert_int_eq(run_to(&ref, UINT64_MAX, 100000), MACHINE_EXITED);
    outcome_take(&r, &a);
    outcome_take(&ref, &b);
    outcome_compare(&a, &b);
    outcome_free(&a);
    outcome_free(&b);
    machine_destroy(r.m);
    machine_destroy(ref.m);
}
END_TEST

/* The harts in threads of their own: the programs end well however the host cuts the
 * runs and whatever it does between them. */
START_TEST(test_threads)
{
    static const char *const elfs[2] = { RVBOX_SMP_SPINLOCK, RVBOX_SMP_WAKEUP };
    static const char *const oks[2] = { "smp-spinlock: ok\n", "smp-wakeup: ok\n" };
    for (unsigned p = 0; p < 2; p++) {
        struct run r;
        run_make_cfg(&r, engines[_i], elfs[p], true);
        enum machine_state st = MACHINE_RUNNING;
        for (unsigned k = 0; st != MACHINE_EXITED && k < 2000000; k++) {
            st = machine_run(r.m, 777 + 1000 * (k % 7));
            ck_assert_int_ne(st, MACHINE_REBOOT);
            if (st == MACHINE_IDLE)     /* every hart waits for its timer: host time */
                nanosleep(&(struct timespec){ .tv_nsec = 100000 }, NULL);
            if (k == 50) {          /* between runs the machine stands still */
                struct machine_snapshot *snap = machine_snapshot_take(r.m);
                ck_assert_ptr_nonnull(snap);
                char err[256] = "";
                ck_assert_msg(machine_snapshot_restore(r.m, snap, err, sizeof err) == 0,
                              "%s", err);
                machine_snapshot_free(snap);
            }
            if (k >= 100 && k < 105) {   /* a step of hart 1 takes turns, then back */
                machine_set_step(r.m, 1);
                machine_run(r.m, UINT64_MAX);
                machine_set_step(r.m, -1);
            }
        }
        ck_assert_int_eq(st, MACHINE_EXITED);
        ck_assert_uint_eq(machine_exit_code(r.m), 0);
        r.out[r.nout < OUT_MAX ? r.nout : OUT_MAX - 1] = 0;
        ck_assert_msg(strstr(r.out, oks[p]), "%s", r.out);
        machine_destroy(r.m);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("smp machine");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 120);
    tcase_add_loop_test(t, test_slicing, 0, 3);
    tcase_add_loop_test(t, test_idle_runs, 0, 3);
    tcase_add_loop_test(t, test_snapshot, 0, 3);
    tcase_add_test(t, test_other_harts_refused);
    tcase_add_loop_test(t, test_step_one_hart, 0, 3);
    tcase_add_loop_test(t, test_threads, 0, 3);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
