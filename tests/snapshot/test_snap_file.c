/*
 * Named snapshots in a file (host/snapshot_file.h), on snapguest under the instruction
 * clock (tests/snapshot/snaprun.h):
 *
 *   - save, list, load and delete round trips: a snapshot loaded and run on ends with
 *     the same registers, devices, RAM, serial output and disk as the first time
 *     through, older and newer ones in either order, and in a second machine over the
 *     same disk after the first one detached (a new rvbox);
 *   - every kind of bad file is refused with a one-line reason and the machine left
 *     exactly as it was: a byte corrupted (in a record, in a record's header, in the
 *     file's header), the file cut short, another format or rvbox version, not a
 *     snapshot file at all, a machine with another RAM size or another set of devices,
 *     a disk changed behind the file's back;
 *   - a transient disk (kept in memory: -snapshot, the built-in disk): its snapshots good
 *     for the run only, and a -snapshot run leaving the image's snapshots good;
 *   - names checked, the file compacted when saves have superseded most of it, two
 *     processes saving into one file at once.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "devices/checksum.h"
#include "devices/disk_undo.h"
#include "devices/machine.h"
#include "devices/machine_snapshot.h"
#include "host/snapshot_file.h"
#include "snaprun.h"

#define ENGINE HART_ENGINE_JIT

static char dir[64];
static char path[128];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/rvbox-snapfile-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/disk.img.rvsnap", dir);
}

static void teardown(void)
{
    char p[160];
    snprintf(p, sizeof p, "%s.new", path);
    unlink(p);
    unlink(path);
    rmdir(dir);
}

/* A run's end: what this process holds of the file for its disks let go (as rvbox does
 * at every end), then the machine and its disk's undo layer freed. */
static void run_done(struct run *r)
{
    snapshot_file_forget(path, r->m);
    run_free(r);
}

/* ---- file helpers ---- */

static uint8_t *slurp(const char *p, size_t *len)
{
    FILE *f = fopen(p, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(*len ? *len : 1);
    ck_assert_uint_eq(fread(b, 1, *len, f), *len);
    fclose(f);
    return b;
}

static void spill(const char *p, const uint8_t *b, size_t len)
{
    FILE *f = fopen(p, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(b, 1, len, f), len);
    fclose(f);
}

static off_t file_size(const char *p)
{
    struct stat st;
    ck_assert_int_eq(stat(p, &st), 0);
    return st.st_size;
}

static void save_ok(struct run *r, const char *name)
{
    char err[256] = "";
    ck_assert_msg(snapshot_file_save(path, name, r->m, err, sizeof err) == 0, "%s", err);
}

static void load_ok(struct run *r, const char *name)
{
    char err[256] = "";
    ck_assert_msg(snapshot_file_load(path, name, r->m, err, sizeof err) == 0, "%s", err);
}

/* A load that must fail with `why` in its reason and leave r's machine as it was. */
static void load_refused(struct run *r, const char *name, const char *why)
{
    struct outcome before, after;
    outcome_take(r, 0, &before);
    char err[512] = "";
    ck_assert_int_eq(snapshot_file_load(path, name, r->m, err, sizeof err), -1);
    ck_assert_msg(strstr(err, why), "expected \"%s\" in: %s", why, err);
    ck_assert_msg(!strchr(err, '\n'), "not one line: %s", err);
    outcome_take(r, 0, &after);
    outcome_compare(&before, &after);
    outcome_free(&before);
    outcome_free(&after);
}

/* The run's length to the end, so that points can be placed in it. */
static uint64_t full_length_on(enum hart_engine e)
{
    struct run r;
    run_make(&r, e, NULL, SNAPRUN_RAM);
    ck_assert_int_eq(run_to(&r, UINT64_MAX), MACHINE_EXITED);
    uint64_t n = machine_position(r.m);
    run_done(&r);
    return n;
}

static uint64_t full_length(void)
{
    return full_length_on(ENGINE);
}

static const enum hart_engine engines[] = { HART_ENGINE_JIT, HART_ENGINE_BLOCK,
                                            HART_ENGINE_STEP };

/* ---- round trips ---- */

/* Save at A and B, run to the end; load A and run on; load B (newer, after an older
 * was loaded) and run on: each continuation as the first time through, on each engine
 * (_i: the JIT, the block engine, the plain step). */
START_TEST(test_save_list_load)
{
    enum hart_engine e = engines[_i];
    uint64_t len = full_length_on(e);
    uint64_t at_a = len / 4, at_b = len / 2;
    struct run r;
    run_make(&r, e, NULL, SNAPRUN_RAM);
    run_to(&r, at_a);
    size_t out_a = r.nout;
    save_ok(&r, "a");
    run_to(&r, at_b);
    size_t out_b = r.nout;
    save_ok(&r, "b");
    ck_assert_int_eq(run_to(&r, UINT64_MAX), MACHINE_EXITED);
    struct outcome from_a, from_b, again;
    outcome_take(&r, out_a, &from_a);
    outcome_take(&r, out_b, &from_b);

    struct snapshot_info *list;
    size_t n;
    char err[256] = "";
    ck_assert_msg(snapshot_file_list(path, &list, &n, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(list[0].name, "a");
    ck_assert_str_eq(list[1].name, "b");
    ck_assert_uint_eq(list[0].position, at_a);
    ck_assert_uint_eq(list[1].position, at_b);
    ck_assert_uint_lt(list[0].guest_ns, list[1].guest_ns);
    ck_assert_uint_gt(list[0].bytes, 0);
    ck_assert_uint_gt(list[0].date_ns, 1700000000ull * 1000000000ull);
    free(list);

    load_ok(&r, "a");
    ck_assert_uint_eq(machine_position(r.m), at_a);
    r.nout = out_a;
    ck_assert_int_eq(run_to(&r, UINT64_MAX), MACHINE_EXITED);
    outcome_take(&r, out_a, &again);
    outcome_compare(&from_a, &again);
    outcome_free(&again);

    load_ok(&r, "b");
    ck_assert_uint_eq(machine_position(r.m), at_b);
    r.nout = out_b;
    ck_assert_int_eq(run_to(&r, UINT64_MAX), MACHINE_EXITED);
    outcome_take(&r, out_b, &again);
    outcome_compare(&from_b, &again);
    outcome_free(&again);

    outcome_free(&from_a);
    outcome_free(&from_b);
    run_done(&r);
}
END_TEST

/* A new rvbox: the first machine detaches at its end; a second one over the same disk
 * attaches, loads A and runs on as the first did from A. */
START_TEST(test_across_runs)
{
    uint64_t len = full_length();
    struct mem_disk *d = mem_disk_new(false);
    struct run r;
    run_make(&r, ENGINE, &d->bd, SNAPRUN_RAM);
    run_to(&r, len / 3);
    size_t out_a = r.nout;
    save_ok(&r, "a");
    run_to(&r, len / 2);
    save_ok(&r, "b");
    ck_assert_int_eq(run_to(&r, UINT64_MAX), MACHINE_EXITED);
    struct outcome first, second;
    outcome_take(&r, out_a, &first);
    char err[256] = "";
    ck_assert_msg(snapshot_file_detach(path, r.m, err, sizeof err) == 0, "%s", err);
    run_done(&r);

    struct run r2;
    run_make(&r2, ENGINE, &d->bd, SNAPRUN_RAM);
    ck_assert_msg(snapshot_file_attach(path, r2.m, err, sizeof err) == 0, "%s", err);
    load_ok(&r2, "a");
    ck_assert_int_eq(run_to(&r2, UINT64_MAX), MACHINE_EXITED);
    outcome_take(&r2, 0, &second);
    outcome_compare(&first, &second);
    outcome_free(&second);
    /* And on again from b, then a once more, in the same second run. */
    load_ok(&r2, "b");
    load_ok(&r2, "a");
    r2.nout = 0;
    ck_assert_int_eq(run_to(&r2, UINT64_MAX), MACHINE_EXITED);
    outcome_take(&r2, 0, &second);
    outcome_compare(&first, &second);
    outcome_free(&second);
    ck_assert_msg(snapshot_file_detach(path, r2.m, err, sizeof err) == 0, "%s", err);
    run_done(&r2);

    /* The disk changed behind the file's back (every block): a third run refuses to
     * put it back, and says why. */
    for (size_t off = 0; off < SNAPRUN_DISK; off += 4096)
        d->data[off] ^= 0x5a;
    struct run r3;
    run_make(&r3, ENGINE, &d->bd, SNAPRUN_RAM);
    ck_assert_msg(snapshot_file_attach(path, r3.m, err, sizeof err) == 0, "%s", err);
    run_to(&r3, 1000);
    load_refused(&r3, "a", "disk 0's contents changed since its snapshots' state was "
                 "written down");
    run_done(&r3);
    outcome_free(&first);
    free(d);
}
END_TEST

START_TEST(test_delete)
{
    struct run r;
    run_make(&r, ENGINE, NULL, SNAPRUN_RAM);
    run_to(&r, 100000);
    save_ok(&r, "a");
    run_to(&r, 200000);
    save_ok(&r, "b");
    unsigned marks = disk_undo_marks(r.undo);
    char err[256] = "";
    ck_assert_msg(snapshot_file_delete(path, "a", r.m, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_lt(disk_undo_marks(r.undo), marks);
    ck_assert_int_eq(snapshot_file_delete(path, "a", r.m, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "no snapshot named a"), "%s", err);
    struct snapshot_info *list;
    size_t n;
    ck_assert_msg(snapshot_file_list(path, &list, &n, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(list[0].name, "b");
    free(list);
    load_refused(&r, "a", "no snapshot named a");
    run_to(&r, 300000);
    load_ok(&r, "b");
    ck_assert_uint_eq(machine_position(r.m), 200000);
    /* Saved again under its name: replaced, still one. */
    run_to(&r, 250000);
    save_ok(&r, "b");
    ck_assert_msg(snapshot_file_list(path, &list, &n, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(list[0].position, 250000);
    free(list);
    run_done(&r);
}
END_TEST

/* No file: an empty list, a load that says so, a delete that says so. */
START_TEST(test_no_file)
{
    struct snapshot_info *list = (void *)1;
    size_t n = 7;
    char err[256] = "";
    ck_assert_int_eq(snapshot_file_list(path, &list, &n, err, sizeof err), 0);
    ck_assert_ptr_null(list);
    ck_assert_uint_eq(n, 0);
    struct run r;
    run_make(&r, ENGINE, NULL, SNAPRUN_RAM);
    run_to(&r, 10000);
    load_refused(&r, "a", "no such file");
    ck_assert_int_eq(snapshot_file_delete(path, "a", r.m, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "no snapshot named a"), "%s", err);
    ck_assert_int_eq(snapshot_file_detach(path, r.m, err, sizeof err), 0);
    ck_assert_int_eq(access(path, F_OK), -1);
    run_done(&r);
}
END_TEST

START_TEST(test_names)
{
    struct run r;
    run_make(&r, ENGINE, NULL, SNAPRUN_RAM);
    run_to(&r, 10000);
    char err[256] = "", long_name[80];
    memset(long_name, 'x', 64);
    long_name[64] = '\0';
    const char *bad[] = { "", "tab\there", "new\nline", long_name };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(snapshot_file_save(path, bad[i], r.m, err, sizeof err), -1);
        ck_assert_msg(strstr(err, "a snapshot name is 1 to 63 printable characters"), "%s",
                      err);
    }
    long_name[63] = '\0';
    save_ok(&r, long_name);
    save_ok(&r, "with spaces, and: punctuation!");
    load_ok(&r, long_name);
    run_done(&r);
}
END_TEST

/* ---- disks whose writes are kept in memory only ---- */

static struct mem_disk *transient_copy(const struct mem_disk *d)
{
    struct mem_disk *c = mem_disk_new(false);
    memcpy(c->data, d->data, SNAPRUN_DISK);
    c->bd.transient = true;
    return c;
}

/* Within the run, snapshots of a transient disk save and load like any; a later run
 * (the writes gone) refuses them, and says why. */
START_TEST(test_transient_run)
{
    uint64_t len = full_length();
    struct mem_disk *d = mem_disk_new(false);
    d->bd.transient = true;
    struct run r;
    run_make(&r, ENGINE, &d->bd, SNAPRUN_RAM);
    run_to(&r, len / 3);
    size_t out_a = r.nout;
    save_ok(&r, "a");
    ck_assert_int_eq(run_to(&r, UINT64_MAX), MACHINE_EXITED);
    struct outcome first, again;
    outcome_take(&r, out_a, &first);
    load_ok(&r, "a");
    r.nout = out_a;
    ck_assert_int_eq(run_to(&r, UINT64_MAX), MACHINE_EXITED);
    outcome_take(&r, out_a, &again);
    outcome_compare(&first, &again);
    outcome_free(&first);
    outcome_free(&again);
    char err[256] = "";
    ck_assert_msg(snapshot_file_detach(path, r.m, err, sizeof err) == 0, "%s", err);
    run_done(&r);
    free(d);

    struct mem_disk *fresh = mem_disk_new(false);
    fresh->bd.transient = true;
    run_make(&r, ENGINE, &fresh->bd, SNAPRUN_RAM);
    ck_assert_msg(snapshot_file_attach(path, r.m, err, sizeof err) == 0, "%s", err);
    run_to(&r, 1000);
    load_refused(&r, "a", "cannot put disk 0 back: it was saved by a run that kept the "
                 "disk's writes in memory only");
    run_done(&r);
    free(fresh);
}
END_TEST

/* A -snapshot run over an image: it loads the image's snapshots (into its copy), saves
 * its own; the next run on the image itself still loads the image's (the -snapshot run
 * left its history in the file as it was), and refuses the -snapshot run's. */
START_TEST(test_transient_over_image)
{
    uint64_t len = full_length();
    struct mem_disk *d = mem_disk_new(false);
    struct run r;
    run_make(&r, ENGINE, &d->bd, SNAPRUN_RAM);
    run_to(&r, len / 3);
    size_t out_p = r.nout;
    save_ok(&r, "p");
    ck_assert_int_eq(run_to(&r, UINT64_MAX), MACHINE_EXITED);
    struct outcome first, again;
    outcome_take(&r, out_p, &first);
    char err[256] = "";
    ck_assert_msg(snapshot_file_detach(path, r.m, err, sizeof err) == 0, "%s", err);
    run_done(&r);

    struct mem_disk *copy = transient_copy(d);
    run_make(&r, ENGINE, &copy->bd, SNAPRUN_RAM);
    ck_assert_msg(snapshot_file_attach(path, r.m, err, sizeof err) == 0, "%s", err);
    load_ok(&r, "p");
    ck_assert_int_eq(run_to(&r, UINT64_MAX), MACHINE_EXITED);
    outcome_take(&r, 0, &again);
    outcome_compare(&first, &again);
    outcome_free(&again);
    load_ok(&r, "p");
    run_to(&r, len / 2);
    save_ok(&r, "t");
    ck_assert_msg(snapshot_file_detach(path, r.m, err, sizeof err) == 0, "%s", err);
    run_done(&r);
    free(copy);

    run_make(&r, ENGINE, &d->bd, SNAPRUN_RAM);
    ck_assert_msg(snapshot_file_attach(path, r.m, err, sizeof err) == 0, "%s", err);
    run_to(&r, 1000);
    load_refused(&r, "t", "kept the disk's writes in memory only");
    load_ok(&r, "p");
    ck_assert_int_eq(run_to(&r, UINT64_MAX), MACHINE_EXITED);
    outcome_take(&r, 0, &again);
    outcome_compare(&first, &again);
    outcome_free(&again);
    outcome_free(&first);
    run_done(&r);
    free(d);
}
END_TEST

/* Two processes saving into one file at once (two built-in guests in one directory)
 * take turns: every snapshot of both is in the file and loads. */
START_TEST(test_two_writers)
{
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    struct run r;
    run_make(&r, ENGINE, NULL, SNAPRUN_RAM);
    const char *who = child == 0 ? "child" : "parent";
    char name[32];
    for (int i = 0; i < 6; i++) {
        run_to(&r, 100000 * (uint64_t)(i + 1));
        snprintf(name, sizeof name, "%s-%d", who, i);
        save_ok(&r, name);
    }
    for (int i = 0; i < 6; i++) {
        snprintf(name, sizeof name, "%s-%d", who, i);
        load_ok(&r, name);
        ck_assert_uint_eq(machine_position(r.m), 100000 * (uint64_t)(i + 1));
    }
    run_done(&r);
    if (child == 0)
        _exit(0);
    int status;
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child failed");
    struct snapshot_info *list;
    size_t n;
    char err[256] = "";
    ck_assert_msg(snapshot_file_list(path, &list, &n, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(n, 12);
    free(list);
}
END_TEST

/* A snapshot saved anew under its name by another process (another disk) is not put
 * back with this process's disk state of the old one. */
START_TEST(test_name_saved_elsewhere)
{
    struct run r;
    run_make(&r, ENGINE, NULL, SNAPRUN_RAM);
    run_to(&r, 100000);
    save_ok(&r, "x");
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        struct run c;
        run_make(&c, ENGINE, NULL, SNAPRUN_RAM);
        run_to(&c, 200000);
        save_ok(&c, "x");
        run_done(&c);
        _exit(0);
    }
    int status;
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child failed");
    run_to(&r, 150000);
    load_refused(&r, "x", "cannot put disk 0 back: its state at this snapshot is not known");
    run_done(&r);
}
END_TEST

/* ---- refusals ---- */

static uint64_t le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int k = n - 1; k >= 0; k--)
        v = v << 8 | p[k];
    return v;
}

/* Where the payload of the last record of `type` is in a file's bytes. */
static size_t last_record(const uint8_t *b, size_t len, uint32_t type, size_t *plen)
{
    size_t off = 16 + le(b + 12, 4), found = 0;
    while (off + 24 <= len) {
        uint64_t n = le(b + off + 8, 8);
        if (le(b + off + 4, 4) == type) {
            found = off + 24;
            *plen = n;
        }
        off += 24 + n;
    }
    ck_assert_uint_ne(found, 0);
    return found;
}

/* The file as saved (two snapshots), for each test to damage a copy of. */
static uint8_t *good_file(struct run *r, size_t *len)
{
    run_make(r, ENGINE, NULL, SNAPRUN_RAM);
    run_to(r, 150000);
    save_ok(r, "a");
    run_to(r, 300000);
    save_ok(r, "b");
    run_to(r, 400000);
    return slurp(path, len);
}

/* A byte of the file flipped: in the RAM of the last record, in a record's header, in
 * the file's header. Each refused; the good file back, the load works. */
START_TEST(test_corrupt_byte)
{
    struct run r;
    size_t len;
    uint8_t *good = good_file(&r, &len);
    uint8_t *bad = malloc(len);

    size_t plen, b_at = last_record(good, len, REC_SNAPSHOT, &plen);
    memcpy(bad, good, len);
    bad[b_at + plen / 2] ^= 0x01;       /* in b's RAM */
    spill(path, bad, len);
    load_refused(&r, "b", "fails its checksum");
    load_ok(&r, "a");                   /* a is whole */
    run_to(&r, 400000);

    memcpy(bad, good, len);
    size_t hlen = 16 + le(bad + 12, 4);
    bad[hlen + 9] ^= 0x10;              /* the first record's length */
    spill(path, bad, len);
    load_refused(&r, "a", "damaged at byte");

    memcpy(bad, good, len);
    bad[30] ^= 0x20;                    /* in the fingerprint */
    spill(path, bad, len);
    load_refused(&r, "a", "header is damaged");

    spill(path, good, len);
    load_ok(&r, "b");
    ck_assert_uint_eq(machine_position(r.m), 300000);
    free(bad);
    free(good);
    run_done(&r);
}
END_TEST

/* Cut short anywhere: in the header, in a record's header, in a payload. */
START_TEST(test_truncated)
{
    struct run r;
    size_t len;
    uint8_t *good = good_file(&r, &len);
    const size_t cuts[] = { 4, 12, 40, len / 2, len - 1 };
    const char *why[] = { "not an rvbox snapshot file", "cut short in its header",
                          "cut short in its header", "cut short", "cut short" };
    for (unsigned i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        spill(path, good, cuts[i]);
        load_refused(&r, "a", why[i]);
    }
    spill(path, good, 0);
    load_refused(&r, "a", "not an rvbox snapshot file");
    spill(path, good, len);
    load_ok(&r, "a");
    free(good);
    run_done(&r);
}
END_TEST

/* Another format number; another rvbox version (its header checksum made right). */
START_TEST(test_other_version)
{
    struct run r;
    size_t len;
    uint8_t *good = good_file(&r, &len);
    uint8_t *bad = malloc(len);
    memcpy(bad, good, len);
    bad[8] = 2;
    spill(path, bad, len);
    load_refused(&r, "a", "snapshot file format 2; this rvbox reads format 1");

    memcpy(bad, good, len);
    size_t hlen = 16 + le(bad + 12, 4);
    bad[18] = '9';                      /* the version's first character */
    uint32_t crc = crc32c(0, bad, hlen - 4);
    for (int k = 0; k < 4; k++)
        bad[hlen - 4 + k] = (uint8_t)(crc >> (8 * k));
    spill(path, bad, len);
    load_refused(&r, "a", "made by rvbox 9");
    free(bad);
    free(good);
    run_done(&r);
}
END_TEST

static void with_input(struct machine_config *cfg)
{
    cfg->input = true;
}

/* Make a damaged record's checksums right again, so that what reads its payload (the
 * summary, the state's sections, the RAM frame) meets the damage itself. */
static void fix_crcs(uint8_t *b, size_t payload_at, size_t plen)
{
    uint8_t *h = b + payload_at - 24;
    uint32_t crc = crc32c(0, b + payload_at, plen);
    for (int k = 0; k < 4; k++)
        h[16 + k] = (uint8_t)(crc >> (8 * k));
    crc = crc32c(0, h, 20);
    for (int k = 0; k < 4; k++)
        h[20 + k] = (uint8_t)(crc >> (8 * k));
}

/* The machine in short: its state as saved, and checksums of RAM and of the disk. */
static void glance(struct run *r, struct snap_writer *state, uint32_t *ram, uint32_t *disk)
{
    snap_writer_init(state);
    ck_assert_int_eq(machine_state_save(r->m, state), 0);
    uint32_t size = machine_ram_size(r->m);
    *ram = crc32c(0, machine_ram(r->m, MEMMAP_RAM_BASE, size), size);
    uint8_t *d = malloc(r->below->size);
    ck_assert_int_eq(r->below->read(r->below->opaque, 0, d, r->below->size), 0);
    *disk = crc32c(0, d, r->below->size);
    free(d);
}

/* Bytes flipped in a snapshot's summary, its compressed state and the start of its RAM,
 * with the checksums made right: every load either works (a field a load does not use,
 * a register's value) or is refused with one line and the machine as it was; none
 * crashes. */
START_TEST(test_damage_past_the_checksums)
{
    struct run r;
    size_t len;
    uint8_t *good = good_file(&r, &len);
    size_t plen, at = last_record(good, len, REC_SNAPSHOT, &plen);
    uint8_t *bad = malloc(len);
    load_ok(&r, "b");
    struct snap_writer ref, now;
    uint32_t ref_ram, ref_disk, ram, disk;
    glance(&r, &ref, &ref_ram, &ref_disk);
    srand(17);
    unsigned refused = 0;
    for (int i = 0; i < 300; i++) {
        memcpy(bad, good, len);
        size_t span = plen < 3000 ? plen : 3000;
        size_t off = at + (size_t)rand() % span;
        bad[off] ^= (uint8_t)(1u << (rand() % 8));
        fix_crcs(bad, at, plen);
        spill(path, bad, len);
        char err[512] = "";
        if (snapshot_file_load(path, "b", r.m, err, sizeof err) == 0) {
            spill(path, good, len);     /* back to b as it was saved */
            load_ok(&r, "b");
            continue;
        }
        refused++;
        ck_assert_msg(err[0] && !strchr(err, '\n'), "byte %zu: \"%s\"", off - at, err);
        glance(&r, &now, &ram, &disk);
        ck_assert_msg(now.len == ref.len && !memcmp(now.buf, ref.buf, ref.len) &&
                      ram == ref_ram && disk == ref_disk,
                      "byte %zu: refused (%s), but the machine changed", off - at, err);
        snap_writer_free(&now);
    }
    ck_assert_uint_gt(refused, 150);
    snap_writer_free(&ref);

    /* The disks record damaged the same way, read by a new machine over the disk (a new
     * rvbox): taken or not, never a crash, and a load then works or says why. */
    size_t dlen, dat = last_record(good, len, REC_DISKS, &dlen);
    for (int i = 0; i < 100; i++) {
        memcpy(bad, good, len);
        size_t off = dat + (size_t)rand() % dlen;
        bad[off] ^= (uint8_t)(1u << (rand() % 8));
        fix_crcs(bad, dat, dlen);
        spill(path, bad, len);
        struct run n;
        run_make(&n, ENGINE, r.below, SNAPRUN_RAM);
        char err[512] = "";
        if (snapshot_file_attach(path, n.m, err, sizeof err) == 0 &&
            snapshot_file_load(path, "b", n.m, err, sizeof err) != 0)
            ck_assert_msg(err[0] && !strchr(err, '\n'), "byte %zu: \"%s\"", off - dat, err);
        run_done(&n);
    }
    spill(path, good, len);
    load_ok(&r, "b");
    free(bad);
    free(good);
    run_done(&r);
}
END_TEST

/* A machine with another RAM size, and one with another set of devices (input),
 * refuse the file; the machine that made it still loads it. */
START_TEST(test_other_machine)
{
    struct run r;
    size_t len;
    uint8_t *good = good_file(&r, &len);
    char err[512] = "";
    free(good);

    struct run small;
    run_make(&small, ENGINE, NULL, 16u << 20);
    run_to(&small, 50000);
    load_refused(&small, "a", "a machine configured otherwise: the snapshot has "
                 "ram=33554432, this machine ram=16777216");
    ck_assert_int_eq(snapshot_file_save(path, "c", small.m, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "ram=16777216"), "%s", err);
    run_done(&small);

    struct run other;
    run_make_with(&other, ENGINE, NULL, SNAPRUN_RAM, with_input);
    run_to(&other, 50000);
    load_refused(&other, "a", "a machine configured otherwise");
    run_done(&other);

    load_ok(&r, "a");
    run_done(&r);
}
END_TEST

/* Saving one name over and over supersedes most of the file: it is rewritten with only
 * what is live, and still loads. */
START_TEST(test_compaction)
{
    uint64_t at = full_length() / 2;
    struct run r;
    run_make(&r, ENGINE, NULL, SNAPRUN_RAM);
    run_to(&r, at);
    save_ok(&r, "x");
    off_t one = file_size(path);
    ck_assert_int_gt(one, 1 << 20);     /* so that a few saves are worth compacting */
    for (int i = 0; i < 8; i++) {
        run_to(&r, at + 50000 * (uint64_t)(i + 1));
        save_ok(&r, "x");
    }
    ck_assert_msg(file_size(path) < 3 * one, "%lld bytes after 9 saves, one save %lld",
                  (long long)file_size(path), (long long)one);
    run_to(&r, at + 500000);
    load_ok(&r, "x");
    ck_assert_uint_eq(machine_position(r.m), at + 400000);
    struct snapshot_info *list;
    size_t n;
    char err[256] = "";
    ck_assert_int_eq(snapshot_file_list(path, &list, &n, err, sizeof err), 0);
    ck_assert_uint_eq(n, 1);
    free(list);
    run_done(&r);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("snapshot file");
    TCase *t = tcase_create("round trips");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_loop_test(t, test_save_list_load, 0, 3);
    tcase_add_test(t, test_across_runs);
    tcase_add_test(t, test_delete);
    tcase_add_test(t, test_no_file);
    tcase_add_test(t, test_names);
    tcase_add_test(t, test_compaction);
    tcase_add_test(t, test_transient_run);
    tcase_add_test(t, test_transient_over_image);
    tcase_add_test(t, test_two_writers);
    tcase_add_test(t, test_name_saved_elsewhere);
    tcase_set_timeout(t, 120);
    suite_add_tcase(s, t);
    t = tcase_create("refusals");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, test_corrupt_byte);
    tcase_add_test(t, test_truncated);
    tcase_add_test(t, test_other_version);
    tcase_add_test(t, test_other_machine);
    tcase_add_test(t, test_damage_past_the_checksums);
    tcase_set_timeout(t, 120);
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
