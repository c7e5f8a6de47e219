/*
 * Named snapshots in a file (host/snapshot_file.h).
 *
 * A snapshot record:
 *   u16 + name, u64 date_ns, u64 position, u64 guest_ns, u32 RAM bytes,
 *   u32 slots, per slot: u64 history, u64 mark (0 0: no disk to put back), u8 flags
 *   (SLOT_TRANSIENT: the disk's writes were kept in memory only),
 *   u64 state bytes, u64 compressed bytes, zstd frame of the state (sections),
 *   RAM (host/snapshot_ram.h)
 * The disks record (the latest one counts):
 *   u32 slots, per slot: u8 present, and if present: u64 size, i64 mtime_ns (-1:
 *   unknown), u32 CRC-32C of the blocks the history covers, u64 history bytes,
 *   u64 compressed bytes, zstd frame of the history (disk_undo_save)
 *
 * What this process knows of a file is kept in an attachment per path and set of disks:
 * the undo layers it read the histories into, which marks the file's snapshots hold
 * there, and why a disk's old history could not be taken (then its old snapshots are
 * refused).
 *
 * A transient disk (blockdev.transient: -snapshot's copy in memory, the built-in disk)
 * loses its writes when rvbox ends, so its history is good for this run only: it gets a
 * history number of its own (its snapshots are refused by a later run, which says why),
 * and the disks record keeps, for its slot, what the file held before (the history of
 * the image below, which a -snapshot run never writes), so that snapshots of the image
 * saved by other runs stay good.
 */
#define _FILE_OFFSET_BITS 64

#include "host/snapshot_file.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "devices/disk_undo.h"
#include "devices/machine.h"
#include "devices/machine_snapshot.h"
#include "devices/snapshot.h"
#include "host/snapshot_ram.h"

#define SLOTS MACHINE_MAX_DISKS
#define FP_MAX 4096
#define SUMMARY_MAX (2 + SNAPFILE_NAME_MAX + 8 * 3 + 4 + 4 + 17 * SLOTS)
#define SLOT_TRANSIENT 1u

/* A snapshot of the file whose disk marks this process holds, and the histories the
 * marks belong to (a record of that name must name the same ones to use them). */
struct held {
    char name[SNAPFILE_NAME_MAX + 1];
    struct undo_node *node[SLOTS];
    uint64_t history[SLOTS];
};

struct attachment {
    char *path;
    struct disk_undo *undo[SLOTS];
    uint64_t history[SLOTS];        /* each layer's history number once attached: a layer
                                       made later at a freed one's address has another */
    char why[SLOTS][200];           /* the disk's old history was not taken: why */
    uint8_t *carry[SLOTS];          /* a transient disk's slot in the disks record as the
                                       file had it (raw), to write back unchanged */
    size_t carry_len[SLOTS];
    struct held *held;
    size_t nheld;
    struct attachment *next;
};

static struct attachment *attachments;

/* ---- small helpers ---- */

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A number for a new disk history: random, so that no two histories share one. */
static uint64_t new_history_id(void)
{
    uint64_t id = 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        if (read(fd, &id, sizeof id) != sizeof id)
            id = 0;
        close(fd);
    }
    if (!id)
        id = now_ns() ^ ((uint64_t)getpid() << 32);
    return id ? id : 1;
}

/* The undo layer of the writable disk in slot i, or NULL. */
static struct disk_undo *slot_undo(struct machine *m, unsigned i)
{
    const struct blockdev *bd = machine_disk(m, i);
    return bd && !bd->readonly ? bd->undo : NULL;
}

static bool transient(struct disk_undo *u)
{
    return u && disk_undo_backend(u)->transient;
}

static bool name_ok(const char *name, char *err, size_t errlen)
{
    size_t n = strlen(name);
    bool ok = n > 0 && n <= SNAPFILE_NAME_MAX;
    for (size_t i = 0; ok && i < n; i++)
        ok = name[i] >= 0x20 && name[i] < 0x7f;
    if (!ok)
        snprintf(err, errlen, "a snapshot name is 1 to %d printable characters",
                 SNAPFILE_NAME_MAX);
    return ok;
}

/* zstd of p[0..len) appended to w as u64 len, u64 compressed len, frame. */
static int put_compressed(struct snap_writer *w, const void *p, size_t len, char *err,
                          size_t errlen)
{
    size_t cap = ZSTD_compressBound(len);
    void *out = malloc(cap);
    if (!out) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t n = ZSTD_compress(out, cap, p, len, 1);
    if (ZSTD_isError(n)) {
        free(out);
        snprintf(err, errlen, "compressing: %s", ZSTD_getErrorName(n));
        return -1;
    }
    snap_put_u64(w, len);
    snap_put_u64(w, n);
    snap_put_bytes(w, out, n);
    free(out);
    return 0;
}

/* The reverse, from r: a malloc'd buffer of *len bytes. */
static uint8_t *get_compressed(struct snap_reader *r, size_t *len, const char *what)
{
    uint64_t raw = snap_get_u64(r), clen = snap_get_u64(r);
    const uint8_t *frame = snap_get_span(r, clen);
    if (!snap_ok(r))
        return NULL;
    if (raw > (1ull << 32)) {
        snap_fail(r, "%s of %llu bytes", what, (unsigned long long)raw);
        return NULL;
    }
    uint8_t *out = malloc(raw ? raw : 1);
    if (!out) {
        snap_fail(r, "out of memory");
        return NULL;
    }
    size_t n = ZSTD_decompress(out, raw, frame, clen);
    if (ZSTD_isError(n) || n != raw) {
        free(out);
        snap_fail(r, "%s: %s", what, ZSTD_isError(n) ? ZSTD_getErrorName(n) : "wrong size");
        return NULL;
    }
    *len = raw;
    return out;
}

/* Open the file and check it is this machine's: 1 open, 0 no file, -1 refused. To
 * create, the file is made if missing (1). */
enum open_mode { FOR_READ, FOR_WRITE, FOR_CREATE };

static int open_for(struct snapfile *f, const char *path, struct machine *m,
                    enum open_mode mode, char *err, size_t errlen)
{
    char fp[FP_MAX], why[512];
    machine_fingerprint(m, fp, sizeof fp);
    int rc = mode == FOR_CREATE ? (snapfile_open_create(f, path, fp, err, errlen) ? -1 : 1)
                                : snapfile_open(f, path, mode == FOR_WRITE, err, errlen);
    if (rc <= 0)
        return rc;
    if (machine_fingerprint_compare(fp, f->fingerprint, why, sizeof why)) {
        snprintf(err, errlen, "%s: snapshots of %s", path, why);
        return -1;
    }
    return 1;
}

/* ---- a snapshot record's summary ---- */

struct summary {
    struct snapshot_info info;
    uint32_t ram_size;
    uint64_t history[SLOTS], mark[SLOTS];
    uint8_t flags[SLOTS];
};

static int read_summary(struct snap_reader *r, struct summary *s)
{
    memset(s, 0, sizeof *s);
    uint16_t n = snap_get_u16(r);
    if (snap_ok(r) && (n == 0 || n > SNAPFILE_NAME_MAX))
        return snap_fail(r, "a name of %u bytes", n);
    snap_get_bytes(r, s->info.name, n);
    s->info.date_ns = snap_get_u64(r);
    s->info.position = snap_get_u64(r);
    s->info.guest_ns = snap_get_u64(r);
    s->ram_size = snap_get_u32(r);
    uint32_t slots = snap_get_u32(r);
    if (snap_ok(r) && slots != SLOTS)
        return snap_fail(r, "%u disk slots", slots);
    for (unsigned i = 0; i < SLOTS; i++) {
        s->history[i] = snap_get_u64(r);
        s->mark[i] = snap_get_u64(r);
        s->flags[i] = snap_get_u8(r);
    }
    return snap_status(r);
}

/* The summary of a live record, from its first bytes only. */
static int peek_summary(struct snapfile *f, const struct snapfile_rec *rec, struct summary *s)
{
    uint8_t buf[SUMMARY_MAX];
    size_t got;
    char err[8];
    if (snapfile_peek(f, rec, buf, sizeof buf, &got))
        return -1;
    struct snap_ctx ctx = { .err = err, .errlen = sizeof err };
    struct snap_reader r;
    snap_reader_init(&r, &ctx, buf, got);
    if (read_summary(&r, s))
        return -1;
    s->info.bytes = rec->len + 24;
    return 0;
}

/* ---- the disks record ---- */

/* Flush each disk, then write down who it is and its history (a transient disk's slot:
 * what the file had, a = NULL: nothing). */
static int disks_record(struct attachment *a, struct machine *m, struct snap_writer *w,
                        char *err, size_t errlen)
{
    if (machine_flush_disks(m)) {
        snprintf(err, errlen, "cannot flush the disks");
        return -1;
    }
    snap_put_u32(w, SLOTS);
    for (unsigned i = 0; i < SLOTS; i++) {
        struct disk_undo *u = slot_undo(m, i);
        if (transient(u)) {
            bool carry = a && a->carry[i];
            snap_put_bool(w, carry);
            if (carry)
                snap_put_bytes(w, a->carry[i], a->carry_len[i]);
            continue;
        }
        snap_put_bool(w, u != NULL);
        if (!u)
            continue;
        const struct blockdev *bd = disk_undo_backend(u);
        uint64_t size = bd->size;
        int64_t mtime = -1;
        if (bd->identity && bd->identity(bd->opaque, &size, &mtime))
            mtime = -1;
        uint32_t crc;
        if (disk_undo_covered_crc(u, &crc)) {
            snprintf(err, errlen, "disk %u: cannot read it", i);
            return -1;
        }
        snap_put_u64(w, size);
        snap_put_u64(w, (uint64_t)mtime);
        snap_put_u32(w, crc);
        struct snap_writer h;
        snap_writer_init(&h);
        disk_undo_save(u, &h);
        int rc = snap_writer_failed(&h) ? -1 : put_compressed(w, h.buf, h.len, err, errlen);
        snap_writer_free(&h);
        if (rc)
            return -1;
    }
    if (snap_writer_failed(w)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* Take slot i's history from the disks record into u, if the disk is the one it was
 * saved with; else say why in a->why[i]. */
static void take_history(struct attachment *a, unsigned i, struct disk_undo *u,
                         struct snap_reader *r)
{
    uint64_t size = snap_get_u64(r);
    int64_t mtime = (int64_t)snap_get_u64(r);
    uint32_t crc = snap_get_u32(r);
    size_t len = 0;
    uint8_t *blob = get_compressed(r, &len, "a disk history");
    if (!blob)
        return;
    const struct blockdev *bd = disk_undo_backend(u);
    uint64_t now_size = bd->size;
    int64_t now_mtime = -1;
    if (bd->identity && bd->identity(bd->opaque, &now_size, &now_mtime))
        now_mtime = -1;
    char *why = a->why[i];
    size_t wl = sizeof a->why[i];
    if (disk_undo_written(u) || disk_undo_marks(u))
        snprintf(why, wl, "disk %u was written before its snapshots' history was read", i);
    else if (now_size != size)
        snprintf(why, wl, "disk %u is %llu bytes, its snapshots were of %llu bytes", i,
                 (unsigned long long)now_size, (unsigned long long)size);
    else if (mtime >= 0 && now_mtime >= 0 && mtime != now_mtime)
        snprintf(why, wl, "disk %u was modified since its snapshots' state was written down "
                 "(rvbox killed, or the image edited)", i);
    if (!why[0]) {
        /* The contents the history covers must be what they were: read them through a
         * scratch layer first, so that u takes the history only if they are. */
        char e[200] = "";
        struct snap_ctx ctx = { .apply = true, .err = e, .errlen = sizeof e };
        struct snap_reader hr;
        struct disk_undo *t = disk_undo_create(bd);
        uint32_t now_crc = 0;
        snap_reader_init(&hr, &ctx, blob, len);
        if (!t || disk_undo_load(t, &hr) || disk_undo_covered_crc(t, &now_crc))
            snprintf(why, wl, "disk %u: its snapshots' history is unreadable: %s", i, e);
        else if (now_crc != crc)
            snprintf(why, wl, "disk %u's contents changed since its snapshots' state was "
                     "written down (rvbox killed, or the image edited)", i);
        disk_undo_destroy(t);
        if (!why[0]) {
            ctx.failed = false;
            snap_reader_init(&hr, &ctx, blob, len);
            if (disk_undo_load(u, &hr))
                snprintf(why, wl, "disk %u: %s", i, e);
        }
    }
    free(blob);
}

/* ---- attachments ---- */

/* The attachment of `path` for these disks: one per file and set of undo layers, so
 * that two machines of one process using one file keep their own marks. */
static struct attachment *find_attachment(const char *path, struct machine *m)
{
    for (struct attachment *a = attachments; a; a = a->next) {
        bool same = !strcmp(a->path, path);
        for (unsigned i = 0; same && i < SLOTS; i++) {
            struct disk_undo *u = slot_undo(m, i);
            same = a->undo[i] == u && (!u || a->history[i] == disk_undo_history(u));
        }
        if (same)
            return a;
    }
    return NULL;
}

static void drop_attachment(struct attachment *a)
{
    for (struct attachment **p = &attachments; *p; p = &(*p)->next) {
        if (*p == a) {
            *p = a->next;
            break;
        }
    }
    for (size_t k = 0; k < a->nheld; k++)
        for (unsigned i = 0; i < SLOTS; i++)
            if (a->held[k].node[i])
                disk_undo_release(a->undo[i], a->held[k].node[i]);
    for (unsigned i = 0; i < SLOTS; i++)
        free(a->carry[i]);
    free(a->held);
    free(a->path);
    free(a);
}

static struct held *find_held(struct attachment *a, const char *name)
{
    for (size_t k = 0; k < a->nheld; k++)
        if (!strcmp(a->held[k].name, name))
            return &a->held[k];
    return NULL;
}

/* Let go of the marks snapshot `name` held (it was deleted or saved anew). */
static void release_held(struct attachment *a, const char *name)
{
    struct held *h = find_held(a, name);
    if (!h)
        return;
    for (unsigned i = 0; i < SLOTS; i++)
        if (h->node[i])
            disk_undo_release(a->undo[i], h->node[i]);
    *h = a->held[--a->nheld];
}

static int add_held(struct attachment *a, const struct held *h)
{
    struct held *n = realloc(a->held, (a->nheld + 1) * sizeof *n);
    if (!n)
        return -1;
    a->held = n;
    a->held[a->nheld++] = *h;
    return 0;
}

/* Hold, in each disk, the marks of the file's snapshots of the history it has now. */
static int hold_marks(struct attachment *a, struct snapfile *f)
{
    for (size_t k = 0; k < f->nsnaps; k++) {
        struct summary s;
        if (peek_summary(f, &f->snaps[k], &s))
            continue;                   /* a load of it will say what is wrong */
        struct held h = { 0 };
        snprintf(h.name, sizeof h.name, "%s", s.info.name);
        for (unsigned i = 0; i < SLOTS; i++) {
            struct disk_undo *u = a->undo[i];
            if (!u || !s.mark[i] || s.history[i] != disk_undo_history(u))
                continue;
            if ((h.node[i] = disk_undo_find(u, s.mark[i]))) {
                disk_undo_hold(u, h.node[i]);
                h.history[i] = s.history[i];
            }
        }
        if (add_held(a, &h))
            return -1;
    }
    return 0;
}

static int attach(const char *path, struct machine *m, struct attachment **out, char *err,
                  size_t errlen)
{
    struct attachment *a = find_attachment(path, m);
    if (a) {
        *out = a;
        return 0;
    }
    if (!(a = calloc(1, sizeof *a)) || !(a->path = strdup(path))) {
        free(a);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (unsigned i = 0; i < SLOTS; i++)
        a->undo[i] = slot_undo(m, i);

    struct snapfile f;
    int rc = open_for(&f, path, m, FOR_READ, err, errlen);
    uint8_t *disks = NULL;
    if (rc > 0 && f.has_disks && snapfile_read(&f, &f.disks, &disks, err, errlen))
        rc = -1;
    if (rc < 0) {
        snapfile_close(&f);
        free(a->path);
        free(a);
        return -1;
    }
    if (disks) {
        char e[200] = "";
        struct snap_ctx ctx = { .err = e, .errlen = sizeof e };
        struct snap_reader r;
        snap_reader_init(&r, &ctx, disks, f.disks.len);
        uint32_t slots = snap_get_u32(&r);
        for (unsigned i = 0; i < SLOTS && slots == SLOTS && snap_ok(&r); i++) {
            if (!snap_get_bool(&r))
                continue;
            size_t start = r.pos;
            if (a->undo[i]) {
                take_history(a, i, a->undo[i], &r);
            } else {                    /* read only, or not under an undo layer */
                snap_get_u64(&r);
                snap_get_u64(&r);
                snap_get_u32(&r);
                free(get_compressed(&r, &(size_t){ 0 }, "a disk history"));
            }
            if (snap_ok(&r) && transient(a->undo[i]) &&
                (a->carry[i] = malloc(r.pos - start))) {
                memcpy(a->carry[i], disks + start, r.pos - start);
                a->carry_len[i] = r.pos - start;
            }
        }
        if (!snap_ok(&r) || slots != SLOTS)
            for (unsigned i = 0; i < SLOTS; i++)
                if (a->undo[i] && !a->why[i][0])
                    snprintf(a->why[i], sizeof a->why[i], "the disks' record is damaged: %s",
                             e);
        free(disks);
    }
    for (unsigned i = 0; i < SLOTS; i++) {
        struct disk_undo *u = a->undo[i];
        if (u && (!disk_undo_history(u) || a->why[i][0]))
            disk_undo_set_history(u, new_history_id());
    }
    if (rc > 0 && hold_marks(a, &f)) {
        snapfile_close(&f);
        drop_attachment(a);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snapfile_close(&f);
    /* A transient disk's marks from now on are of this run only (the ones it read stay
     * held, under the number they were saved with). */
    for (unsigned i = 0; i < SLOTS; i++)
        if (transient(a->undo[i]))
            disk_undo_set_history(a->undo[i], new_history_id());
    for (unsigned i = 0; i < SLOTS; i++)
        a->history[i] = a->undo[i] ? disk_undo_history(a->undo[i]) : 0;
    for (unsigned i = 0; i < SLOTS; i++)
        if (a->undo[i])
            disk_undo_prune(a->undo[i]);
    a->next = attachments;
    attachments = a;
    *out = a;
    return 0;
}

int snapshot_file_attach(const char *path, struct machine *m, char *err, size_t errlen)
{
    struct attachment *a;
    return attach(path, m, &a, err, errlen);
}

/* ---- save ---- */

/* The whole record for the machine as it is, marking each disk (the marks, held for
 * the file, go into h). */
static int build_record(struct machine *m, const char *name, struct held *h,
                        struct snap_writer *w, char *err, size_t errlen)
{
    size_t n = strlen(name);
    snap_put_u16(w, (uint16_t)n);
    snap_put_bytes(w, name, n);
    snap_put_u64(w, now_ns());
    snap_put_u64(w, machine_position(m));
    snap_put_u64(w, machine_guest_ns(m));
    snap_put_u32(w, machine_ram_size(m));
    snap_put_u32(w, SLOTS);
    for (unsigned i = 0; i < SLOTS; i++) {
        struct disk_undo *u = slot_undo(m, i);
        if (u && !(h->node[i] = disk_undo_mark(u))) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        h->history[i] = u ? disk_undo_history(u) : 0;
        snap_put_u64(w, h->history[i]);
        snap_put_u64(w, u ? disk_undo_node_id(h->node[i]) : 0);
        snap_put_u8(w, transient(u) ? SLOT_TRANSIENT : 0);
    }
    struct snap_writer state;
    snap_writer_init(&state);
    int rc = machine_state_save(m, &state);
    if (rc)
        snprintf(err, errlen, "out of memory");
    else
        rc = put_compressed(w, state.buf, state.len, err, errlen);
    snap_writer_free(&state);
    if (rc)
        return -1;
    uint32_t size = machine_ram_size(m);
    if (snapshot_ram_save(machine_ram(m, MEMMAP_RAM_BASE, size), size, w, err, errlen))
        return -1;
    if (snap_writer_failed(w)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

static void release_marks(struct attachment *a, struct held *h)
{
    for (unsigned i = 0; i < SLOTS; i++)
        if (h->node[i])
            disk_undo_release(a->undo[i], h->node[i]);
}

/* Append the disks record, make it all durable, compact if worth it. */
static int finish(struct snapfile *f, struct attachment *a, struct machine *m, char *err,
                  size_t errlen)
{
    struct snap_writer w;
    snap_writer_init(&w);
    int rc = disks_record(a, m, &w, err, errlen);
    if (!rc)
        rc = snapfile_append(f, REC_DISKS, w.buf, w.len, err, errlen);
    snap_writer_free(&w);
    if (!rc)
        rc = snapfile_sync(f, err, errlen);
    if (!rc)
        rc = snapfile_maybe_compact(f, err, errlen);
    return rc;
}

int snapshot_file_save(const char *path, const char *name, struct machine *m, char *err,
                       size_t errlen)
{
    if (!name_ok(name, err, errlen) || machine_snapshot_check(m, err, errlen))
        return -1;
    for (unsigned i = 0; i < SLOTS; i++) {
        const struct blockdev *bd = machine_disk(m, i);
        if (bd && !bd->readonly && !bd->undo) {
            snprintf(err, errlen, "disk %u is not under an undo layer: a snapshot could not "
                     "put it back", i);
            return -1;
        }
    }
    struct attachment *a;
    if (attach(path, m, &a, err, errlen))
        return -1;
    struct snapfile f;
    int rc = open_for(&f, path, m, FOR_CREATE, err, errlen);
    if (rc < 0) {
        snapfile_close(&f);
        return -1;
    }
    struct held h = { 0 };
    snprintf(h.name, sizeof h.name, "%s", name);
    struct snap_writer w;
    snap_writer_init(&w);
    rc = build_record(m, name, &h, &w, err, errlen);
    if (!rc)
        rc = snapfile_append(&f, REC_SNAPSHOT, w.buf, w.len, err, errlen);
    snap_writer_free(&w);
    if (rc) {
        release_marks(a, &h);
        snapfile_close(&f);
        return -1;
    }
    release_held(a, name);              /* the snapshot it replaces */
    if (add_held(a, &h)) {
        release_marks(a, &h);
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    if (!rc)
        rc = finish(&f, a, m, err, errlen);
    snapfile_close(&f);
    return rc;
}

/* ---- load ---- */

/* Every disk's way back to the snapshot's marks: each must be one this process holds
 * for a snapshot of that name, of the history the record names. */
static int find_marks(struct attachment *a, const char *name, const struct summary *s,
                      struct undo_node *node[SLOTS], char *err, size_t errlen)
{
    const struct held *h = find_held(a, name);
    for (unsigned i = 0; i < SLOTS; i++) {
        node[i] = NULL;
        struct disk_undo *u = a->undo[i];
        if (!s->mark[i]) {
            if (u) {
                snprintf(err, errlen, "disk %u has no saved state in this snapshot", i);
                return -1;
            }
            continue;
        }
        if (!u) {
            snprintf(err, errlen, "disk %u has no undo layer: it cannot be put back", i);
            return -1;
        }
        if (h && h->node[i] && h->history[i] == s->history[i] &&
            disk_undo_node_id(h->node[i]) == s->mark[i]) {
            node[i] = h->node[i];
            continue;
        }
        if (s->flags[i] & SLOT_TRANSIENT)
            snprintf(err, errlen, "cannot put disk %u back: it was saved by a run that kept "
                     "the disk's writes in memory only (-snapshot, or the built-in disk), "
                     "and they went with it", i);
        else
            snprintf(err, errlen, "cannot put disk %u back: %s", i,
                     a->why[i][0] ? a->why[i] : "its state at this snapshot is not known "
                                               "(saved by another run since?)");
        return -1;
    }
    return 0;
}

int snapshot_file_load(const char *path, const char *name, struct machine *m, char *err,
                       size_t errlen)
{
    struct attachment *a;
    if (attach(path, m, &a, err, errlen))
        return -1;
    struct snapfile f;
    int rc = open_for(&f, path, m, FOR_READ, err, errlen);
    const struct snapfile_rec *rec = rc > 0 ? snapfile_find(&f, name) : NULL;
    uint8_t *payload = NULL, *state = NULL;
    size_t state_len = 0;
    if (rc == 0)
        snprintf(err, errlen, "%s: no such file, so no snapshot %s", path, name);
    else if (rc > 0 && !rec)
        snprintf(err, errlen, "no snapshot named %s in %s", name, path);
    if (!rec || snapfile_read(&f, rec, &payload, err, errlen))
        goto fail;

    char e[256] = "";
    struct snap_ctx ctx = { .err = e, .errlen = sizeof e };
    struct snap_reader r;
    struct summary s;
    snap_reader_init(&r, &ctx, payload, rec->len);
    struct undo_node *node[SLOTS];
    if (read_summary(&r, &s) || !(state = get_compressed(&r, &state_len, "the state"))) {
        snprintf(err, errlen, "snapshot %s: %s", name, e);
        goto fail;
    }
    struct snapshot_ram ram;
    if (s.ram_size != machine_ram_size(m) ||
        snapshot_ram_check(payload + r.pos, rec->len - r.pos, machine_ram_size(m), &ram, e,
                           sizeof e) ||
        machine_state_check(m, state, state_len, e, sizeof e)) {
        snprintf(err, errlen, "snapshot %s: %s", name, e[0] ? e : "RAM of another size");
        goto fail;
    }
    if (find_marks(a, name, &s, node, err, errlen))
        goto fail;
    /* Everything checked: now apply. */
    for (unsigned i = 0; i < SLOTS; i++)
        if (node[i] && disk_undo_revert(a->undo[i], node[i], err, errlen))
            goto fail;
    if (snapshot_ram_apply(&ram, machine_ram(m, MEMMAP_RAM_BASE, s.ram_size), err, errlen))
        goto fail;
    machine_state_apply(m, state, state_len);
    free(state);
    free(payload);
    snapfile_close(&f);
    return 0;
fail:
    free(state);
    free(payload);
    snapfile_close(&f);
    return -1;
}

/* ---- delete, list, detach ---- */

int snapshot_file_delete(const char *path, const char *name, struct machine *m, char *err,
                         size_t errlen)
{
    struct attachment *a;
    if (attach(path, m, &a, err, errlen))
        return -1;
    struct snapfile f;
    int rc = open_for(&f, path, m, FOR_WRITE, err, errlen);
    if (rc == 0 || (rc > 0 && !snapfile_find(&f, name))) {
        snprintf(err, errlen, "no snapshot named %s in %s", name, path);
        rc = -1;
    }
    if (rc > 0) {
        size_t n = strlen(name);
        uint8_t rec[2 + SNAPFILE_NAME_MAX];
        rec[0] = (uint8_t)n;
        rec[1] = (uint8_t)(n >> 8);
        memcpy(rec + 2, name, n);
        rc = snapfile_append(&f, REC_DELETE, rec, 2 + n, err, errlen);
        if (!rc) {
            release_held(a, name);
            rc = finish(&f, a, m, err, errlen);
        }
    }
    snapfile_close(&f);
    return rc < 0 ? -1 : 0;
}

int snapshot_file_list(const char *path, struct snapshot_info **list, size_t *count,
                       char *err, size_t errlen)
{
    *list = NULL;
    *count = 0;
    struct snapfile f;
    int rc = snapfile_open(&f, path, false, err, errlen);
    if (rc > 0 && f.nsnaps) {
        *list = calloc(f.nsnaps, sizeof **list);
        if (!*list) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
        for (size_t k = 0; rc > 0 && k < f.nsnaps; k++) {
            struct summary s;
            if (peek_summary(&f, &f.snaps[k], &s)) {
                snprintf(err, errlen, "%s: snapshot %s is damaged", path, f.snaps[k].name);
                rc = -1;
                break;
            }
            (*list)[(*count)++] = s.info;
        }
        if (rc < 0) {
            free(*list);
            *list = NULL;
            *count = 0;
        }
    }
    snapfile_close(&f);
    return rc < 0 ? -1 : 0;
}

int snapshot_file_detach(const char *path, struct machine *m, char *err, size_t errlen)
{
    struct attachment *a = find_attachment(path, m);
    struct snapfile f;
    int rc = open_for(&f, path, m, FOR_WRITE, err, errlen);
    if (rc > 0)
        rc = finish(&f, a, m, err, errlen);
    snapfile_close(&f);
    if (a)
        drop_attachment(a);
    return rc < 0 ? -1 : 0;
}

void snapshot_file_forget(const char *path, struct machine *m)
{
    struct attachment *a = find_attachment(path, m);
    if (a)
        drop_attachment(a);
}

void snapshot_file_default_path(const char *dir, const char *first_disk, char *out,
                                size_t len)
{
    const char *slash = first_disk ? strrchr(first_disk, '/') : NULL;
    const char *base = !first_disk ? "rvbox" : slash ? slash + 1 : first_disk;
    if (dir)
        snprintf(out, len, "%s/%s.rvsnap", dir, base);
    else if (slash)
        snprintf(out, len, "%.*s/%s.rvsnap", (int)(slash - first_disk), first_disk, base);
    else
        snprintf(out, len, "%s.rvsnap", base);
}
