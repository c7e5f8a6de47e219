/*
 * Record and replay (host/replay.h).
 *
 * An event's moment is (position, guest ns): the position alone does not tell apart the
 * moments before and after an idle machine skipped ahead to its next deadline. Moments
 * only grow, so play keeps one cursor into the recording and every event is due exactly
 * when the machine is at its moment; one found behind the machine means the run went
 * another way than the recorded one.
 */
#include "host/replay.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "bus/memmap.h"
#include "cpu/hart.h"
#include "devices/machine.h"
#include "devices/virtio_input.h"

#define RR_MAGIC "RVBOXRR1"
#define RR_FORMAT 1u
#define RR_MAX_DISKS 8u

/* Steps between two checkpoints: ~20 ms of a fast guest, ~100 bytes a second. */
#define RR_CHECK_EVERY (1ull << 24)

enum rr_kind {
    RR_SERIAL = 1,      /* a byte to the UART */
    RR_INPUT,           /* a virtio-input event: device, type, code, value */
    RR_CHECK,           /* pc and the registers' hash */
    RR_REBOOT,          /* the guest rebooted here (pc, hash); positions start again */
    RR_END,             /* the recording ends here (pc, hash) */
    RR_WARP,            /* the idle hart's clock skipped ahead by value | hash << 32 ns */
};

/* One event as it is stored: 32 bytes, little-endian. */
#define RR_EVENT_BYTES 32

struct rr_event {
    uint8_t kind;
    uint8_t dev;            /* RR_INPUT: enum vinput_kind */
    uint8_t byte;           /* RR_SERIAL */
    uint16_t type, code;    /* RR_INPUT */
    uint32_t value;         /* RR_INPUT: the value; RR_CHECK and the ends: pc */
    uint64_t pos, ns;       /* the moment */
    uint64_t hash;          /* RR_CHECK and the ends */
};

struct replay {
    enum replay_mode mode;
    char *path;                 /* NULL: a recording kept in memory only */
    FILE *out;                  /* record, to a file */
    bool write_failed;
    struct rr_event *events;    /* the whole recording (record: so far) */
    size_t nevents, cap, next;  /* next: the first event not given yet (record: live
                                   while next == nevents, catching up before) */
    bool catching_up;           /* record: played back the events after a seek */
    bool muted;                 /* replay_mute: the guest's output goes nowhere */
    bool feeding;               /* giving a recorded input event (not live input) */
    uint64_t wall_ns;
    bool wall_set;
    struct machine *m;          /* attached, or NULL */
    unsigned boots;             /* machines attached so far */
    uint64_t next_check;        /* record: the position of the next checkpoint */
    struct chardev live;        /* the console's own input */
    uint8_t header[128];        /* play: the recording's, checked by replay_attach */
    size_t idle_at;             /* play: 1 + the event replay_idle last left to a boundary */
};

/* A 64-bit hash of words: not cryptographic, only to tell two machines apart. */
static uint64_t hash_mix(uint64_t h, uint64_t w)
{
    h ^= w * 0x9e3779b97f4a7c15ull;
    h = (h << 31) | (h >> 33);
    return h * 0xbf58476d1ce4e5b9ull;
}

static uint64_t hash_bytes(uint64_t h, const uint8_t *p, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = hash_mix(h, w);
    }
    uint64_t tail = 0;
    memcpy(&tail, p + i, n - i);
    return hash_mix(h, tail ^ (uint64_t)n << 56);
}

/* What a checkpoint compares: everything in the hart a run would change first. */
static uint64_t hart_hash(struct hart *h)
{
    uint64_t x = hash_mix(0, hart_get_pc(h));
    for (unsigned i = 1; i < 32; i++)
        x = hash_mix(x, hart_get_reg(h, i));
    x = hash_mix(x, hart_get_priv(h));
    static const uint16_t csrs[] = { 0x300, 0x341, 0x342, 0x100, 0x141, 0x142, 0x180 };
    for (size_t i = 0; i < sizeof csrs / sizeof csrs[0]; i++) {
        uint32_t v = 0;
        hart_csr_get(h, csrs[i], &v);
        x = hash_mix(x, v);
    }
    return x;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void encode(uint8_t *b, const struct rr_event *e)
{
    memset(b, 0, RR_EVENT_BYTES);
    b[0] = e->kind;
    b[1] = e->dev;
    b[2] = e->byte;
    put_le(b + 4, e->type, 2);
    put_le(b + 6, e->code, 2);
    put_le(b + 8, e->value, 4);
    put_le(b + 12, e->pos, 8);
    put_le(b + 20, e->ns, 8);
    put_le(b + 28, e->hash & 0xffffffffu, 4);   /* a 32-bit check is plenty */
}

static void decode(const uint8_t *b, struct rr_event *e)
{
    e->kind = b[0];
    e->dev = b[1];
    e->byte = b[2];
    e->type = (uint16_t)get_le(b + 4, 2);
    e->code = (uint16_t)get_le(b + 6, 2);
    e->value = (uint32_t)get_le(b + 8, 4);
    e->pos = get_le(b + 12, 8);
    e->ns = get_le(b + 20, 8);
    e->hash = get_le(b + 28, 4);
}

/* The moment the attached machine is at. */
static struct rr_event now_event(const struct replay *r, enum rr_kind kind)
{
    return (struct rr_event){ .kind = (uint8_t)kind, .pos = machine_position(r->m),
                              .ns = machine_guest_ns(r->m) };
}

static void with_state(struct replay *r, struct rr_event *e)
{
    struct hart *h = machine_hart(r->m);
    e->value = hart_get_pc(h);
    uint64_t x = hart_hash(h);
    for (unsigned i = 1; i < machine_nharts(r->m); i++)      /* the others, when several */
        x = hash_mix(x, hart_hash(machine_hart_at(r->m, i)));
    e->hash = x & 0xffffffffu;
}

static bool append_event(struct replay *r, const struct rr_event *e)
{
    if (r->nevents == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 1024;
        struct rr_event *n = realloc(r->events, cap * sizeof *n);
        if (!n)
            return false;
        r->events = n;
        r->cap = cap;
    }
    r->events[r->nevents++] = *e;
    return true;
}

/* Record: an event, live (never while catching up), kept in memory for seeks back and
 * written to the file. */
static void write_event(struct replay *r, const struct rr_event *e)
{
    if (!append_event(r, e) && !r->write_failed) {
        r->write_failed = true;
        fprintf(stderr, "rvbox: record: out of memory: the recording is incomplete\n");
    }
    r->next = r->nevents;
    if (!r->out)
        return;
    uint8_t b[RR_EVENT_BYTES];
    encode(b, e);
    if (fwrite(b, 1, sizeof b, r->out) != sizeof b && !r->write_failed) {
        r->write_failed = true;
        fprintf(stderr, "rvbox: record %s: %s: the recording is incomplete\n", r->path,
                strerror(errno));
    }
}

/* -1, 0, 1 as the moment of `e` is before, at or after where the machine is. */
static int moment_cmp(const struct rr_event *e, uint64_t pos, uint64_t ns)
{
    if (e->pos != pos)
        return e->pos < pos ? -1 : 1;
    if (e->ns != ns)
        return e->ns < ns ? -1 : 1;
    return 0;
}

static const struct rr_event *peek(const struct replay *r)
{
    return r->next < r->nevents ? &r->events[r->next] : NULL;
}

/* Events are given from the recording: a replay, or a recording gone back in time
 * (replay_seek) that has not caught up with its end yet. */
static bool playing(const struct replay *r)
{
    return r->mode == REPLAY_PLAY || r->next < r->nevents;
}

static const char *kind_name(uint8_t kind)
{
    switch (kind) {
    case RR_SERIAL: return "serial input";
    case RR_INPUT:  return "an input event";
    case RR_CHECK:  return "a checkpoint";
    case RR_REBOOT: return "a reboot";
    case RR_END:    return "its end";
    case RR_WARP:   return "idle time skipped";
    default:        return "an unknown event";
    }
}

static void diverged(const struct replay *r, const struct rr_event *e, const char *what,
                     char *err, size_t errlen)
{
    snprintf(err, errlen,
             "replay diverged at instruction position %" PRIu64 ", guest time %" PRIu64
             " ns (pc 0x%08x): %s; the recording has %s at position %" PRIu64 ", %" PRIu64
             " ns", machine_position(r->m), machine_guest_ns(r->m),
             hart_get_pc(machine_hart(r->m)), what,
             e ? kind_name(e->kind) : "nothing more", e ? e->pos : 0, e ? e->ns : 0);
}

/* ---- the file ---- */

static int write_header(struct replay *r, uint64_t machine_hash, unsigned shift,
                        const uint64_t *disk_hash, unsigned ndisks)
{
    uint8_t h[128];
    memset(h, 0, sizeof h);
    memcpy(h, RR_MAGIC, 8);
    put_le(h + 8, RR_FORMAT, 4);
    put_le(h + 12, shift, 4);
    put_le(h + 16, r->wall_ns, 8);
    put_le(h + 24, machine_hash, 8);
    put_le(h + 32, ndisks, 4);
    for (unsigned i = 0; i < ndisks; i++)
        put_le(h + 40 + 8 * i, disk_hash[i], 8);
    snprintf((char *)h + 104, 24, "%s", RVBOX_VERSION);
    return fwrite(h, 1, sizeof h, r->out) == sizeof h ? 0 : -1;
}

static void fail_open(struct replay *r, FILE *f)
{
    if (f)
        fclose(f);
    replay_close(r);
}

struct replay *replay_open(enum replay_mode mode, const char *path, char *err, size_t errlen)
{
    struct replay *r = calloc(1, sizeof *r);
    if (!r || (path && !(r->path = strdup(path)))) {
        free(r);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    r->mode = mode;
    r->next_check = RR_CHECK_EVERY;
    if (mode == REPLAY_RECORD) {
        if (path && !(r->out = fopen(path, "wb"))) {
            snprintf(err, errlen, "record: cannot create %s: %s", path, strerror(errno));
            fail_open(r, NULL);
            return NULL;
        }
        return r;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "replay: cannot open %s: %s", path, strerror(errno));
        fail_open(r, NULL);
        return NULL;
    }
    uint8_t *h = r->header;
    if (fread(h, 1, sizeof r->header, f) != sizeof r->header || memcmp(h, RR_MAGIC, 8)) {
        snprintf(err, errlen, "replay: %s is not an rvbox recording", path);
        fail_open(r, f);
        return NULL;
    }
    if (get_le(h + 8, 4) != RR_FORMAT) {
        snprintf(err, errlen, "replay: %s is a recording in format %u; this rvbox reads %u",
                 path, (unsigned)get_le(h + 8, 4), RR_FORMAT);
        fail_open(r, f);
        return NULL;
    }
    r->wall_ns = get_le(h + 16, 8);
    size_t got;
    uint8_t b[RR_EVENT_BYTES];
    while ((got = fread(b, 1, sizeof b, f)) == sizeof b) {
        struct rr_event e;
        decode(b, &e);
        if (!append_event(r, &e)) {
            snprintf(err, errlen, "out of memory");
            fail_open(r, f);
            return NULL;
        }
    }
    fclose(f);
    if (got != 0 || r->nevents == 0 || r->events[r->nevents - 1].kind != RR_END)
        fprintf(stderr, "rvbox: replay: %s is cut short (was rvbox killed while recording?); "
                "it replays as far as it goes\n", path);
    return r;
}

int replay_close(struct replay *r)
{
    if (!r)
        return 0;
    int rc = r->write_failed ? -1 : 0;
    if (r->out && fclose(r->out))
        rc = -1;
    free(r->events);
    free(r->path);
    free(r);
    return rc;
}

enum replay_mode replay_mode(const struct replay *r)
{
    return r->mode;
}

uint64_t replay_wall_ns(struct replay *r, uint64_t live)
{
    /* One epoch for the whole recording, reboots included. */
    if (r->mode == REPLAY_RECORD && !r->wall_set) {
        r->wall_ns = live;
        r->wall_set = true;
    }
    return r->wall_ns;
}

/* ---- input ---- */

static int serial_read(void *opaque)
{
    struct replay *r = opaque;
    if (!playing(r)) {
        int c = r->live.read ? r->live.read(r->live.opaque) : -1;
        if (c >= 0 && r->m) {
            struct rr_event e = now_event(r, RR_SERIAL);
            e.byte = (uint8_t)c;
            write_event(r, &e);
        }
        return c;
    }
    const struct rr_event *e = peek(r);
    if (!r->m || !e || e->kind != RR_SERIAL ||
        moment_cmp(e, machine_position(r->m), machine_guest_ns(r->m)) != 0)
        return -1;
    r->next++;
    return e->byte;
}

static void serial_write(void *opaque, uint8_t byte)
{
    struct replay *r = opaque;
    if (r->live.write && !r->muted)
        r->live.write(r->live.opaque, byte);
}

struct chardev replay_serial(struct replay *r, struct chardev live)
{
    r->live = live;
    return (struct chardev){ .opaque = r, .write = serial_write, .read = serial_read };
}

/* Record: write down a key or pointer event the host gives. While the recording catches
 * up after a seek back, the recorded events are given and live ones dropped. */
static bool input_tap(void *opaque, struct virtio_input *in, uint16_t type, uint16_t code,
                      uint32_t value)
{
    struct replay *r = opaque;
    if (r->feeding)
        return true;
    if (!r->m)
        return true;
    if (playing(r))
        return false;
    struct rr_event e = now_event(r, RR_INPUT);
    e.dev = (uint8_t)vinput_kind(in);
    e.type = type;
    e.code = code;
    e.value = value;
    write_event(r, &e);
    return true;
}

/* ---- machines ---- */

/* What identifies the machine as built and loaded: its RAM (images, device tree,
 * initrd) and its size. */
static uint64_t machine_hash(struct machine *m)
{
    uint32_t size = machine_ram_size(m);
    const uint8_t *ram = machine_ram(m, MEMMAP_RAM_BASE, size);
    return hash_bytes(hash_mix(0, size), ram, size);
}

static int disk_hash(const struct blockdev *d, uint64_t *out)
{
    static uint8_t buf[1 << 20];
    uint64_t h = hash_mix(0, d->size);
    for (uint64_t off = 0; off < d->size; off += sizeof buf) {
        size_t n = d->size - off < sizeof buf ? (size_t)(d->size - off) : sizeof buf;
        if (d->read(d->opaque, off, buf, n))
            return -1;
        h = hash_bytes(h, buf, n);
    }
    *out = h;
    return 0;
}

/* Play: the first machine against the recording's header. */
static int check_header(struct replay *r, uint64_t mhash, unsigned shift,
                        const uint64_t *dh, unsigned ndisks, char *err, size_t errlen)
{
    const uint8_t *h = r->header;
    char version[25];
    memcpy(version, h + 104, 24);
    version[24] = 0;
    if (strcmp(version, RVBOX_VERSION))
        fprintf(stderr, "rvbox: replay: %s was recorded by rvbox %s, this is %s: it may "
                "diverge\n", r->path, version, RVBOX_VERSION);
    if (get_le(h + 12, 4) != shift) {
        snprintf(err, errlen, "replay: %s was recorded with -icount shift=%u, not %u", r->path,
                 (unsigned)get_le(h + 12, 4), shift);
        return -1;
    }
    if (get_le(h + 24, 8) != mhash) {
        snprintf(err, errlen, "replay: %s is a recording of another machine (other images, "
                 "-m, -append or device tree)", r->path);
        return -1;
    }
    if (get_le(h + 32, 4) != ndisks) {
        snprintf(err, errlen, "replay: %s was recorded with %u disks, not %u", r->path,
                 (unsigned)get_le(h + 32, 4), ndisks);
        return -1;
    }
    for (unsigned i = 0; i < ndisks; i++)
        if (get_le(h + 40 + 8 * i, 8) != dh[i]) {
            snprintf(err, errlen, "replay: disk %u is not what it was when %s was recorded "
                     "(its contents differ)", i, r->path);
            return -1;
        }
    return 0;
}

int replay_attach(struct replay *r, struct machine *m, const struct blockdev *const *disks,
                  unsigned ndisks, unsigned shift, char *err, size_t errlen)
{
    r->m = m;
    if (r->mode == REPLAY_RECORD) {
        struct virtio_input *in[2] = { machine_keyboard(m), machine_tablet(m) };
        for (int i = 0; i < 2; i++)
            if (in[i])
                vinput_set_tap(in[i], input_tap, r);
    }
    if (r->boots++ > 0) {
        r->next_check = RR_CHECK_EVERY;
        return 0;                       /* after a reboot: replay_detach checked it */
    }
    if (!r->path)
        return 0;                       /* in memory: nothing to identify it by */
    if (ndisks > RR_MAX_DISKS) {
        snprintf(err, errlen, "record/replay: at most %u disks", RR_MAX_DISKS);
        return -1;
    }
    uint64_t dh[RR_MAX_DISKS];
    for (unsigned i = 0; i < ndisks; i++)
        if (disk_hash(disks[i], &dh[i])) {
            snprintf(err, errlen, "record/replay: cannot read disk %u", i);
            return -1;
        }
    uint64_t mh = machine_hash(m);
    if (r->mode == REPLAY_PLAY)
        return check_header(r, mh, shift, dh, ndisks, err, errlen);
    if (write_header(r, mh, shift, dh, ndisks)) {
        snprintf(err, errlen, "record: cannot write %s: %s", r->path, strerror(errno));
        return -1;
    }
    return 0;
}

/* ---- the run ---- */

enum replay_step replay_boundary(struct replay *r, char *err, size_t errlen)
{
    uint64_t pos = machine_position(r->m), ns = machine_guest_ns(r->m);
    if (r->catching_up && !playing(r)) {
        /* Caught up with the end of the recording: live again from here. */
        r->catching_up = false;
        r->next_check = (pos / RR_CHECK_EVERY + 1) * RR_CHECK_EVERY;
    }
    if (!playing(r)) {
        if (pos >= r->next_check) {
            struct rr_event e = now_event(r, RR_CHECK);
            with_state(r, &e);
            write_event(r, &e);
            r->next_check = (pos / RR_CHECK_EVERY + 1) * RR_CHECK_EVERY;
        }
        return REPLAY_GO;
    }
    /* The live console's bytes go nowhere (but its escapes still work). */
    while (r->live.read && r->live.read(r->live.opaque) >= 0)
        ;
    for (const struct rr_event *e; (e = peek(r)); r->next++) {
        int c = moment_cmp(e, pos, ns);
        if (c > 0 && e->pos == pos && !machine_waiting(r->m)) {
            /* Time moves on at one position only while every hart waits. */
            diverged(r, e, "the hart runs where the recording waited", err, errlen);
            return REPLAY_DIVERGED;
        }
        if (c > 0)
            return REPLAY_GO;
        if (c < 0) {
            diverged(r, e, "the recording's next event is behind it", err, errlen);
            return REPLAY_DIVERGED;
        }
        struct rr_event now = *e;
        switch (e->kind) {
        case RR_SERIAL:
            return REPLAY_GO;           /* the UART takes it in the run that follows */
        case RR_WARP:
            if (!machine_waiting(r->m)) {
                diverged(r, e, "the hart runs where the recording waited", err, errlen);
                return REPLAY_DIVERGED;
            }
            return REPLAY_GO;           /* replay_idle skips when the run finds it idle */
        case RR_INPUT: {
            struct virtio_input *in = e->dev == VINPUT_TABLET ? machine_tablet(r->m)
                                                              : machine_keyboard(r->m);
            r->feeding = true;
            if (in)
                vinput_send(in, e->type, e->code, e->value);
            r->feeding = false;
            break;
        }
        case RR_CHECK:
        case RR_END:
            with_state(r, &now);
            if (now.value != e->value || now.hash != e->hash) {
                diverged(r, e, "the hart's registers differ from the recording's", err,
                         errlen);
                return REPLAY_DIVERGED;
            }
            if (e->kind == RR_END)
                return REPLAY_END;
            break;
        default:
            diverged(r, e, "the guest goes on where the recording rebooted", err, errlen);
            return REPLAY_DIVERGED;
        }
    }
    return REPLAY_GO;
}

uint64_t replay_limit(const struct replay *r)
{
    const struct rr_event *e = playing(r) ? peek(r) : NULL;
    if (!e || !r->m)
        return UINT64_MAX;
    uint64_t pos = machine_position(r->m);
    /* An event at this position but a later time waits for the clock to skip ahead
     * while the hart is idle: the run may not move on. */
    return e->pos > pos ? e->pos - pos : 0;
}

void replay_warped(struct replay *r, uint64_t from_ns)
{
    if (playing(r) || !r->m)
        return;
    struct rr_event e = now_event(r, RR_WARP);
    uint64_t delta = e.ns - from_ns;
    e.ns = from_ns;
    e.value = (uint32_t)delta;
    e.hash = delta >> 32;
    write_event(r, &e);
}

/* The hash field holds 32 bits on file: a warp's high half. */
enum replay_step replay_idle(struct replay *r, char *err, size_t errlen)
{
    const struct rr_event *e = peek(r);
    if (!e)
        return REPLAY_END;
    /* Input that came while the recording's hart waited: the next boundary gives it. */
    if (e->kind != RR_WARP &&
        moment_cmp(e, machine_position(r->m), machine_guest_ns(r->m)) == 0) {
        if (r->idle_at != r->next + 1) {
            r->idle_at = r->next + 1;
            return REPLAY_GO;
        }
        diverged(r, e, "the guest does not take the input the recording gave here", err,
                 errlen);
        return REPLAY_DIVERGED;
    }
    if (e->kind != RR_WARP ||
        moment_cmp(e, machine_position(r->m), machine_guest_ns(r->m)) != 0) {
        diverged(r, e, "the guest waits where the recording did not", err, errlen);
        return REPLAY_DIVERGED;
    }
    machine_warp(r->m, (uint64_t)e->value | (e->hash & 0xffffffffu) << 32);
    r->next++;
    return REPLAY_GO;
}

bool replay_finished(const struct replay *r)
{
    return r->mode == REPLAY_PLAY && r->next >= r->nevents;
}

enum replay_step replay_detach(struct replay *r, enum replay_why why, char *err,
                               size_t errlen)
{
    enum replay_step step = REPLAY_GO;
    if (!r->m)
        return step;
    if (r->mode == REPLAY_RECORD) {
        replay_truncate(r);             /* left while catching up: the rest did not happen */
        r->catching_up = false;
        struct rr_event e = now_event(r, why == REPLAY_REBOOT ? RR_REBOOT : RR_END);
        with_state(r, &e);
        write_event(r, &e);
        if (why != REPLAY_REBOOT && r->out)
            fflush(r->out);
    } else if (why != REPLAY_QUIT) {
        const struct rr_event *e = peek(r);
        struct rr_event now = now_event(r, why == REPLAY_REBOOT ? RR_REBOOT : RR_END);
        with_state(r, &now);
        if (!e || e->kind != now.kind || moment_cmp(e, now.pos, now.ns) ||
            e->value != now.value || e->hash != now.hash) {
            diverged(r, e, why == REPLAY_REBOOT ? "the guest rebooted" : "the guest ended",
                     err, errlen);
            step = REPLAY_DIVERGED;
        } else {
            r->next++;
        }
    }
    if (r->mode == REPLAY_RECORD) {
        struct virtio_input *in[2] = { machine_keyboard(r->m), machine_tablet(r->m) };
        for (int i = 0; i < 2; i++)
            if (in[i])
                vinput_set_tap(in[i], NULL, NULL);
    }
    r->m = NULL;
    return step;
}

bool replay_playing(const struct replay *r)
{
    return playing(r);
}

size_t replay_cursor(const struct replay *r)
{
    return r->next;
}

void replay_seek(struct replay *r, size_t cursor)
{
    r->next = cursor < r->nevents ? cursor : r->nevents;
    r->idle_at = 0;
    if (r->mode == REPLAY_RECORD && r->next < r->nevents)
        r->catching_up = true;
}

int replay_truncate(struct replay *r)
{
    if (r->mode != REPLAY_RECORD || r->next >= r->nevents)
        return 0;
    r->nevents = r->next;
    r->catching_up = false;
    if (r->m)
        r->next_check = (machine_position(r->m) / RR_CHECK_EVERY + 1) * RR_CHECK_EVERY;
    if (!r->out)
        return 0;
    off_t len = (off_t)(sizeof r->header + r->nevents * RR_EVENT_BYTES);
    if (fflush(r->out) || ftruncate(fileno(r->out), len) || fseeko(r->out, len, SEEK_SET)) {
        fprintf(stderr, "rvbox: record %s: %s: the recording is incomplete\n", r->path,
                strerror(errno));
        r->write_failed = true;
        return -1;
    }
    return 0;
}

void replay_mute(struct replay *r, bool muted)
{
    r->muted = muted;
}
