/*
 * Going back in time (host/timeline.h).
 *
 * Snapshots are kept sorted by position. Going to position p restores the last one at
 * or before p and runs on from it with the recording giving the input, as the run loop
 * would: where the run loop cuts its slices does not change what the guest does, so the
 * machine comes to p exactly as it was the first time. A step back far from every
 * snapshot leaves one a little before where it lands, so the steps back that follow
 * (a reverse-next is a string of them) re-run a short way each.
 */
#include "host/timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devices/machine.h"
#include "devices/machine_snapshot.h"
#include "host/replay.h"

/* A snapshot every this much host time the guest ran: a step back re-runs at most this
 * long (less once near snapshots exist), and a snapshot costs a pass over RAM. */
#define SNAP_EVERY_NS 100000000ull

/* Never two snapshots closer than this many positions (an idle guest moves little). */
#define SNAP_MIN_GAP (1ull << 16)

/* A snapshot every this many positions too, however fast they ran: going back to a
 * breakpoint re-runs a stretch in the plain step, which is slower than the engine that
 * ran it first. Unless snapshots would then cost more than a tenth of the run. */
#define SNAP_EVERY_POS (32ull << 20)

/* A step back that lands further than this from a snapshot leaves one NEAR_GAP / 2
 * before where it lands. */
#define NEAR_GAP 200000ull

/* The first piece of history a reverse continue scans, in positions. */
#define SCAN_FIRST (1ull << 20)

/* How much history is kept: older snapshots are thinned out past these. */
#define SNAP_MAX 256
#define SNAP_MAX_BYTES (1ull << 30)

/* A host pause longer than this between two ticks was the machine held (by the debugger
 * or the monitor), not running. */
#define TICK_MAX_NS 20000000ull

/* A re-run that makes no progress in this many turns is stuck (a bug, not the guest). */
#define STUCK_TURNS 100000

struct tl_snap {
    uint64_t pos;
    size_t cursor;                      /* the recording's, when it was taken */
    struct machine_snapshot *s;
};

struct timeline {
    struct machine *m;
    struct replay *r;
    struct tl_snap *snaps;
    size_t n, cap;
    uint64_t ran_ns;                    /* host time run since the last snapshot */
    uint64_t take_ns;                   /* what the last snapshot cost */
    uint64_t last_tick;
    bool need_snapshot;                 /* history starts again here (timeline_rewrite) */
    bool failed;                        /* snapshots are impossible: said once */
    void (*breaks)(void *opaque, bool in);  /* timeline_set_breaks */
    void *breaks_opaque;
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The last snapshot at or before position pos; -1 if none. */
static long snap_before(const struct timeline *t, uint64_t pos)
{
    long k = -1;
    for (size_t i = 0; i < t->n && t->snaps[i].pos <= pos; i++)
        k = (long)i;
    return k;
}

static void drop(struct timeline *t, size_t i)
{
    machine_snapshot_free(t->snaps[i].s);
    memmove(&t->snaps[i], &t->snaps[i + 1], (t->n - i - 1) * sizeof t->snaps[0]);
    t->n--;
}

/* Past SNAP_MAX snapshots or SNAP_MAX_BYTES, drop the one whose neighbours are closest
 * (never the first: it is where history starts), so that history thins out evenly. */
static void thin(struct timeline *t)
{
    for (;;) {
        size_t bytes = 0;
        for (size_t i = 0; i < t->n; i++)
            bytes += machine_snapshot_bytes(t->snaps[i].s);
        if ((t->n <= SNAP_MAX && bytes <= SNAP_MAX_BYTES) || t->n < 3)
            return;
        size_t best = 1;
        for (size_t i = 2; i + 1 < t->n; i++)
            if (t->snaps[i + 1].pos - t->snaps[i - 1].pos <
                t->snaps[best + 1].pos - t->snaps[best - 1].pos)
                best = i;
        drop(t, best);
    }
}

/* A snapshot of the machine now, kept in order. */
static int take(struct timeline *t, char *err, size_t errlen)
{
    uint64_t pos = machine_position(t->m);
    long k = snap_before(t, pos);
    if (k >= 0 && t->snaps[k].pos == pos)
        return 0;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        struct tl_snap *s = realloc(t->snaps, cap * sizeof *s);
        if (!s) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        t->snaps = s;
        t->cap = cap;
    }
    struct machine_snapshot *s = machine_snapshot_take(t->m);
    if (!s) {
        char why[256] = "out of memory";
        if (machine_snapshot_check(t->m, why, sizeof why) == 0)
            snprintf(why, sizeof why, "out of memory");
        snprintf(err, errlen, "cannot take a snapshot: %s", why);
        return -1;
    }
    size_t at = (size_t)(k + 1);
    memmove(&t->snaps[at + 1], &t->snaps[at], (t->n - at) * sizeof t->snaps[0]);
    t->snaps[at] = (struct tl_snap){ .pos = pos, .cursor = replay_cursor(t->r), .s = s };
    t->n++;
    thin(t);
    return 0;
}

struct timeline *timeline_create(struct machine *m, struct replay *r, char *err,
                                 size_t errlen)
{
    struct timeline *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->m = m;
    t->r = r;
    t->last_tick = now_ns();
    if (take(t, err, errlen)) {
        timeline_destroy(t);
        return NULL;
    }
    return t;
}

void timeline_destroy(struct timeline *t)
{
    if (!t)
        return;
    while (t->n)
        drop(t, t->n - 1);
    free(t->snaps);
    free(t);
}

void timeline_tick(struct timeline *t)
{
    if (!t || t->failed)
        return;
    uint64_t now = now_ns(), d = now - t->last_tick;
    t->last_tick = now;
    t->ran_ns += d < TICK_MAX_NS ? d : TICK_MAX_NS;
    uint64_t pos = machine_position(t->m);
    long k = snap_before(t, pos);
    uint64_t gap = k < 0 ? UINT64_MAX : pos - t->snaps[k].pos;
    bool due = t->need_snapshot || k < 0 ||
               (gap >= SNAP_MIN_GAP && t->ran_ns >= SNAP_EVERY_NS) ||
               (gap >= SNAP_EVERY_POS && t->ran_ns >= 10 * t->take_ns);
    if (!due)
        return;
    char err[300];
    uint64_t start = now_ns();
    int rc = take(t, err, sizeof err);
    t->take_ns = now_ns() - start;
    t->last_tick = now_ns();
    if (rc) {
        fprintf(stderr, "rvbox: reverse execution: %s; history ends here\n", err);
        t->failed = true;
        return;
    }
    t->need_snapshot = false;
    t->ran_ns = 0;
}

void timeline_rewrite(struct timeline *t)
{
    if (!t)
        return;
    uint64_t pos = machine_position(t->m);
    while (t->n && t->snaps[t->n - 1].pos >= pos)
        drop(t, t->n - 1);
    replay_truncate(t->r);
    t->need_snapshot = true;
}

void timeline_stats(const struct timeline *t, uint64_t *first, size_t *count, size_t *bytes)
{
    *first = t->n ? t->snaps[0].pos : 0;
    *count = t->n;
    *bytes = 0;
    for (size_t i = 0; i < t->n; i++)
        *bytes += machine_snapshot_bytes(t->snaps[i].s);
}

/* ---- re-running history ---- */

/* The last breakpoint or watchpoint hit a scan saw. */
struct hit {
    bool found;
    uint64_t pos;
    struct timeline_stop stop;
};

/* Run the machine on from where it is to position `until`, as the run loop does, with
 * the recording giving the input. With `scan`, every breakpoint and watchpoint stop is
 * noted there (a watchpoint at the accessing instruction's position) and the run goes on
 * through it. */
static int run_to(struct timeline *t, uint64_t until, struct hit *scan, char *err,
                  size_t errlen)
{
    char msg[512];
    uint64_t last_pos = UINT64_MAX, last_ns = 0;
    unsigned stuck = 0;
    while (machine_position(t->m) < until) {
        uint64_t pos = machine_position(t->m), ns = machine_guest_ns(t->m);
        stuck = pos == last_pos && ns == last_ns ? stuck + 1 : 0;
        last_pos = pos;
        last_ns = ns;
        if (stuck > STUCK_TURNS) {
            snprintf(err, errlen, "history cannot be re-run: stuck at position %llu",
                     (unsigned long long)pos);
            return -1;
        }
        enum replay_step st = replay_boundary(t->r, msg, sizeof msg);
        if (st != REPLAY_GO) {
            snprintf(err, errlen, "history cannot be re-run: %s",
                     st == REPLAY_END ? "the recording ends before it" : msg);
            return -1;
        }
        uint64_t budget = until - pos, limit = replay_limit(t->r);
        if (limit < budget)
            budget = limit;
        enum machine_state state = machine_run(t->m, budget);
        enum hart_stop why = machine_last_stop(t->m);
        unsigned hart = machine_stop_hart(t->m);
        if (scan && why == HART_STOP_BREAKPOINT) {
            *scan = (struct hit){ .found = true, .pos = machine_position(t->m),
                                  .stop = { .why = why, .hart = hart } };
        } else if (scan && why == HART_STOP_WATCHPOINT) {
            enum hart_watch kind;
            uint32_t addr = hart_watch_hit(machine_hart_at(t->m, hart), &kind);
            *scan = (struct hit){ .found = true, .pos = machine_position(t->m) - 1,
                                  .stop = { .why = why, .hart = hart, .watch_addr = addr,
                                            .watch_kind = kind } };
        }
        if (state == MACHINE_EXITED || state == MACHINE_REBOOT) {
            snprintf(err, errlen, "history cannot be re-run: the guest %s at position %llu",
                     state == MACHINE_REBOOT ? "rebooted" : "ended",
                     (unsigned long long)machine_position(t->m));
            return -1;
        }
        if (state == MACHINE_IDLE && machine_position(t->m) < until) {
            st = replay_idle(t->r, msg, sizeof msg);
            if (st != REPLAY_GO) {
                snprintf(err, errlen, "history cannot be re-run: %s",
                         st == REPLAY_END ? "the recording ends before it" : msg);
                return -1;
            }
        }
    }
    return 0;
}

/* Put the machine back as snapshot k left it, the recording with it. */
static int restore(struct timeline *t, size_t k, char *err, size_t errlen)
{
    char why[300];
    if (machine_snapshot_restore(t->m, t->snaps[k].s, why, sizeof why)) {
        snprintf(err, errlen, "cannot go back: %s", why);
        return -1;
    }
    replay_seek(t->r, t->snaps[k].cursor);
    return 0;
}

/* Bring the machine to position `target` (at or before where it is), from the last
 * snapshot before it; far from it, leave a snapshot near the target on the way. */
static int go_to(struct timeline *t, uint64_t target, char *err, size_t errlen)
{
    long k = snap_before(t, target);
    if (k < 0) {
        snprintf(err, errlen, "position %llu is before history", (unsigned long long)target);
        return -1;
    }
    if (restore(t, (size_t)k, err, errlen))
        return -1;
    if (target - t->snaps[k].pos > NEAR_GAP) {
        if (run_to(t, target - NEAR_GAP / 2, NULL, err, errlen))
            return -1;
        char why[300];
        if (take(t, why, sizeof why))
            fprintf(stderr, "rvbox: reverse execution: %s\n", why);
    }
    return run_to(t, target, NULL, err, errlen);
}

static void breaks(struct timeline *t, bool in)
{
    if (t->breaks)
        t->breaks(t->breaks_opaque, in);
}

void timeline_set_breaks(struct timeline *t, void (*fn)(void *opaque, bool in), void *opaque)
{
    t->breaks = fn;
    t->breaks_opaque = opaque;
}

int timeline_step_back(struct timeline *t, struct timeline_stop *stop, char *err,
                       size_t errlen)
{
    memset(stop, 0, sizeof *stop);
    stop->why = HART_STOP_BUDGET;
    uint64_t pos = machine_position(t->m);
    if (!t->n || pos <= t->snaps[0].pos) {
        stop->begin = true;
        return 0;
    }
    replay_mute(t->r, true);
    breaks(t, false);
    int rc = go_to(t, pos - 1, err, errlen);
    breaks(t, true);
    replay_mute(t->r, false);
    int next = machine_next_hart(t->m);     /* the hart that took that step */
    stop->hart = next >= 0 ? (unsigned)next : 0;
    return rc;
}

/* The last hit in [from, to): run from snapshot k to `from` without breakpoints (in the
 * fast engine), then on to `to` with them. */
static int scan(struct timeline *t, size_t k, uint64_t from, uint64_t to, struct hit *hit,
                char *err, size_t errlen)
{
    if (restore(t, k, err, errlen))
        return -1;
    breaks(t, false);
    int rc = run_to(t, from, NULL, err, errlen);
    breaks(t, true);
    return rc ? rc : run_to(t, to, hit, err, errlen);
}

/*
 * Scan history backwards for the last hit before now, then go there. Breakpoints and
 * watchpoints make the hart run the plain step (and watchpoints every access through
 * the page tables), so each stretch between two snapshots is scanned from its end in
 * pieces growing fourfold, each reached at full speed: a hit shortly before now is found
 * after a short scan, one far back costs about twice the scan of the way back to it.
 */
int timeline_continue_back(struct timeline *t, struct timeline_stop *stop, char *err,
                           size_t errlen)
{
    memset(stop, 0, sizeof *stop);
    stop->why = HART_STOP_BUDGET;
    uint64_t now = machine_position(t->m);
    if (!t->n || now <= t->snaps[0].pos) {
        stop->begin = true;
        return 0;
    }
    replay_mute(t->r, true);
    int rc = 0;
    uint64_t hi = now;
    struct hit hit = { .found = false };
    for (long k = snap_before(t, now - 1); k >= 0 && !hit.found && !rc; k--) {
        uint64_t lo = t->snaps[k].pos, piece = SCAN_FIRST;
        for (uint64_t top = hi; top > lo && !hit.found && !rc; piece *= 4) {
            uint64_t from = top - lo > piece ? top - piece : lo;
            rc = scan(t, (size_t)k, from, top, &hit, err, errlen);
            top = from;
        }
        hi = lo;
    }
    breaks(t, false);
    if (!rc && hit.found) {
        rc = go_to(t, hit.pos, err, errlen);
        *stop = hit.stop;
    } else if (!rc) {
        rc = go_to(t, t->snaps[0].pos, err, errlen);
        stop->begin = true;
    }
    breaks(t, true);
    replay_mute(t->r, false);
    return rc;
}
