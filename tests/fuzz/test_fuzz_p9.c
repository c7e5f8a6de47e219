/*
 * A fuzzer for the 9P2000.L server (host/p9_server.c), fed as a hostile guest would feed
 * it through virtio-9p: per seed a fresh shared directory (files, a subdirectory, links
 * out of it) beside an "outside" directory holding a canary, then a stream of messages:
 *   - well-formed ones of every type, with fids from a small pool (so they meet each
 *     other's fids), names from a pool of the troublesome ("..", ".", "", "a/b",
 *     "../outside", links, 255 and 300 bytes, bytes past ASCII), open flags and modes
 *     valid and not, offsets and counts at the edges;
 *   - the same, mutated: bytes flipped, cut short, lengthened, the size field lied about;
 *   - random bytes;
 * each answered into a room of random size (sometimes too small for any reply).
 *
 * Pass: nothing crashes (or trips the sanitizers); every reply fits its room, its size
 * field is its length, its type an R-message, its tag the request's (NOTAG only for a
 * message too short to have one); the guest never holds more than P9_MAX_FIDS fids and
 * P9_MAX_OPEN open files; the canary is untouched and nothing appears outside the shared
 * directory; the server leaves no file descriptor open once destroyed.
 * Seeds and knobs as the other fuzz suites (fuzz_common.h): RVBOX_FUZZ_SEED,
 * RVBOX_FUZZ_SCALE, RVBOX_FUZZ_SEEDS.
 */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "tests/virtio/p9client.h"

#define SEEDS            8
#define MSGS_PER_SEED    20000u
#define FIDS             12

static struct fz_rng r;
static char base[64], share[128], outside[128];
static struct p9_server *server;
static uint8_t req[P9C_MSIZE + 512], rep[P9C_MSIZE];
static uint64_t replies, errors;

static void put_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    ck_assert_int_lt(snprintf(path, sizeof path, "%s/%s", dir, name), (int)sizeof path);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void make_tree(void)
{
    char path[512], target[512];
    snprintf(base, sizeof base, "/tmp/rvbox-fuzz-p9-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(base));
    snprintf(share, sizeof share, "%s/share", base);
    snprintf(outside, sizeof outside, "%s/outside", base);
    ck_assert_int_eq(mkdir(share, 0755), 0);
    ck_assert_int_eq(mkdir(outside, 0755), 0);
    put_file(outside, "canary", "canary\n");
    put_file(share, "hello.txt", "hello from the host\n");
    snprintf(path, sizeof path, "%s/dir", share);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    put_file(path, "inner.txt", "inner\n");
    snprintf(path, sizeof path, "%s/abs", share);
    snprintf(target, sizeof target, "%s/canary", outside);
    ck_assert_int_eq(symlink(target, path), 0);
    snprintf(path, sizeof path, "%s/reldir", share);
    ck_assert_int_eq(symlink("../outside", path), 0);
    snprintf(path, sizeof path, "%s/fifo", share);
    ck_assert_int_eq(mkfifo(path, 0644), 0);      /* opening it must never block */
}

static unsigned count_fds(void)
{
    unsigned n = 0;
    DIR *d = opendir("/proc/self/fd");
    ck_assert_ptr_nonnull(d);
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

/* ---- building messages ---- */

static const char *const names[] = {
    "hello.txt", "dir", "inner.txt", "abs", "reldir", "fifo", "new", "new2", "sub",
    "..", ".", "", "a/b", "../outside", "/etc/passwd", "dir/..", "canary",
    "\xff\xfe\x80", "new\n",
};

static void put_name(struct p9_writer *w)
{
    uint32_t k = fz_below(&r, 40);
    if (k < 34) {
        p9_put_str(w, names[k % (sizeof names / sizeof names[0])]);
    } else if (k < 37) {
        char big[301];
        unsigned n = k == 34 ? 255 : k == 35 ? 256 : 300;
        memset(big, 'n', n);
        big[n] = '\0';
        p9_put_str(w, big);
    } else {
        char junk[16];
        unsigned n = fz_below(&r, sizeof junk);
        for (unsigned i = 0; i < n; i++)
            junk[i] = (char)fz_u32(&r);
        p9_put16(w, (uint16_t)n);
        p9_put_bytes(w, junk, n);
    }
}

static uint32_t some_fid(void)
{
    return fz_chance(&r, 15, 16) ? fz_below(&r, FIDS) : fz_interesting(&r);
}

static uint32_t some_flags(void)
{
    static const uint32_t flags[] = { 0, 1, 2, 3, 01000, 02000, 0100, 0200, 0200000,
                                      01002, 0400000 };
    return fz_chance(&r, 7, 8) ? flags[fz_below(&r, sizeof flags / sizeof flags[0])]
                               : fz_u32(&r);
}

static uint32_t some_mode(void)
{
    static const uint32_t modes[] = { 0644, 0755, 04755, 02775, 01777, 0, 0100644,
                                      0020666, 0060600, 0010644, 0140755, 0120777 };
    return fz_chance(&r, 7, 8) ? modes[fz_below(&r, sizeof modes / sizeof modes[0])]
                               : fz_u32(&r);
}

static uint64_t some_offset(void)
{
    switch (fz_below(&r, 6)) {
    case 0: return fz_next64(&r);
    case 1: return UINT64_MAX - fz_below(&r, 4);
    case 2: return (uint64_t)INT64_MAX + fz_below(&r, 3) - 1;
    default: return fz_below(&r, 64);
    }
}

static uint32_t some_count(void)
{
    return fz_chance(&r, 3, 4) ? fz_below(&r, 9000) : fz_interesting(&r);
}

/*
 * The fields of each T-message, one letter each: F fid, f open flags, m mode, s name,
 * S any string, 4 a 32-bit word, 2 a 16-bit one, b a byte, q a 64-bit word, o an offset,
 * c a count, d a count and that many bytes, W a walk's names (count, then the names).
 */
static const struct { uint8_t type; const char *shape; } shapes[] = {
    { P9C_TSTATFS, "F" }, { P9C_TLOPEN, "Ff" }, { P9C_TLCREATE, "Fsfm4" },
    { P9C_TSYMLINK, "FsS4" }, { P9C_TMKNOD, "Fsm444" }, { P9C_TRENAME, "FFs" },
    { P9C_TREADLINK, "F" }, { P9C_TGETATTR, "Fq" }, { P9C_TSETATTR, "F4m44qqqqq" },
    { P9C_TXATTRWALK, "FFs" }, { P9C_TXATTRCREATE, "Fsq4" }, { P9C_TREADDIR, "Foc" },
    { P9C_TFSYNC, "F4" }, { P9C_TLOCK, "Fb4qq4S" }, { P9C_TGETLOCK, "Fbqq4S" },
    { P9C_TLINK, "FFs" }, { P9C_TMKDIR, "Fsm4" }, { P9C_TRENAMEAT, "FsFs" },
    { P9C_TUNLINKAT, "Fs4" }, { P9C_TVERSION, "cS" }, { P9C_TAUTH, "4SS4" },
    { P9C_TATTACH, "F4SS4" }, { P9C_TFLUSH, "2" }, { P9C_TWALK, "FFW" },
    { P9C_TREAD, "Foc" }, { P9C_TWRITE, "Fod" }, { P9C_TCLUNK, "F" }, { P9C_TREMOVE, "F" },
};

/* A well-formed message into req; its length. Version is rare: it ends the session. */
static size_t build(uint16_t tag)
{
    unsigned k;
    do
        k = fz_below(&r, sizeof shapes / sizeof shapes[0]);
    while (shapes[k].type == P9C_TVERSION && !fz_chance(&r, 1, 20));
    struct p9_writer w = { .p = req, .max = sizeof req, .pos = 7 };
    for (const char *f = shapes[k].shape; *f; f++) {
        switch (*f) {
        case 'F': p9_put32(&w, some_fid()); break;
        case 'f': p9_put32(&w, some_flags()); break;
        case 'm': p9_put32(&w, some_mode()); break;
        case 's': put_name(&w); break;
        case 'S': p9_put_str(&w, fz_chance(&r, 1, 2) ? "9P2000.L" : names[fz_below(&r, 17)]);
                  break;
        case '4': p9_put32(&w, fz_chance(&r, 1, 2) ? fz_below(&r, 4) : fz_u32(&r)); break;
        case '2': p9_put16(&w, (uint16_t)fz_u32(&r)); break;
        case 'b': p9_put8(&w, (uint8_t)fz_below(&r, 4)); break;
        case 'q': p9_put64(&w, fz_next64(&r)); break;
        case 'o': p9_put64(&w, some_offset()); break;
        case 'c': p9_put32(&w, shapes[k].type == P9C_TVERSION && fz_chance(&r, 3, 4)
                                   ? P9_MAX_MSIZE >> fz_below(&r, 6) : some_count());
                  break;
        case 'd': {
            uint32_t n = fz_below(&r, 3000);
            p9_put32(&w, fz_chance(&r, 7, 8) ? n : fz_interesting(&r));
            for (uint32_t i = 0; i < n; i++)
                p9_put8(&w, (uint8_t)i);
            break;
        }
        case 'W': {
            unsigned n = fz_chance(&r, 15, 16) ? fz_below(&r, 5) : fz_below(&r, 20);
            p9_put16(&w, (uint16_t)n);
            for (unsigned i = 0; i < n; i++)
                put_name(&w);
            break;
        }
        }
    }
    ck_assert(!w.bad);
    uint32_t size = (uint32_t)w.pos;
    memcpy(req, &size, 4);
    req[4] = shapes[k].type;
    req[5] = (uint8_t)tag;
    req[6] = (uint8_t)(tag >> 8);
    return w.pos;
}

/* The message spoilt: bytes flipped, cut, lengthened, or its size field a lie. */
static size_t mutate(size_t len)
{
    switch (fz_below(&r, 4)) {
    case 0:
        for (unsigned n = 1 + fz_below(&r, 4); n; n--)
            req[fz_below(&r, (uint32_t)len)] ^= (uint8_t)(1u << fz_below(&r, 8));
        return len;
    case 1:
        return fz_below(&r, (uint32_t)len);
    case 2: {
        size_t more = fz_below(&r, 64);
        for (size_t i = 0; i < more; i++)
            req[len + i] = (uint8_t)fz_u32(&r);
        return len + more;
    }
    default: {
        uint32_t size = fz_interesting(&r);
        memcpy(req, &size, 4);
        return len;
    }
    }
}

/* ---- one exchange, checked ---- */

static void exchange(unsigned seed, uint64_t n)
{
    uint16_t tag = (uint16_t)fz_u32(&r);
    if (tag == 0xffff)
        tag = 0;
    size_t len;
    uint32_t k = fz_below(&r, 100);
    if (k < 70) {
        len = build(tag);
    } else if (k < 95) {
        len = mutate(build(tag));
    } else {
        len = fz_below(&r, 200);
        for (size_t i = 0; i < len; i++)
            req[i] = (uint8_t)fz_u32(&r);
    }
    size_t max = fz_chance(&r, 7, 8) ? sizeof rep : fz_below(&r, 64);
    memset(rep, 0xcc, sizeof rep);
    size_t out = p9_server_request(server, req, len, rep, max);
    ck_assert_msg(out <= max, "seed %u message %" PRIu64 ": a reply of %zu bytes in %zu",
                  seed, n, out, max);
    ck_assert_msg(max == sizeof rep || rep[max] == 0xcc,
                  "seed %u message %" PRIu64 ": written past the room", seed, n);
    ck_assert_msg(out == 0 || out >= 7, "seed %u message %" PRIu64 ": a reply of %zu bytes",
                  seed, n, out);
    if (out == 0) {
        ck_assert_msg(max < 11, "seed %u message %" PRIu64 ": no reply in %zu bytes", seed,
                      n, max);
        return;
    }
    uint32_t size;
    memcpy(&size, rep, 4);
    ck_assert_msg(size == out, "seed %u message %" PRIu64 ": size %u, length %zu", seed, n,
                  size, out);
    ck_assert_msg(rep[4] & 1, "seed %u message %" PRIu64 ": reply type %u", seed, n, rep[4]);
    uint16_t rtag = (uint16_t)(rep[5] | rep[6] << 8);
    ck_assert_msg(rtag == (len >= 7 ? (uint16_t)(req[5] | req[6] << 8) : 0xffff),
                  "seed %u message %" PRIu64 ": tag %04x", seed, n, rtag);
    ck_assert_uint_le(p9_server_fids(server), P9_MAX_FIDS);
    ck_assert_uint_le(p9_server_open_files(server), P9_MAX_OPEN);
    replies++;
    errors += rep[4] == P9C_RLERROR;
}

/* Nothing outside the shared directory moved. */
static void check_outside(unsigned seed)
{
    char path[512], buf[32] = { 0 };
    snprintf(path, sizeof path, "%s/canary", outside);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "seed %u: the canary is gone", seed);
    ck_assert_uint_eq(fread(buf, 1, sizeof buf - 1, f), 7);
    fclose(f);
    ck_assert_str_eq(buf, "canary\n");
    unsigned in_base = 0, in_outside = 0;
    struct dirent *e;
    DIR *d = opendir(base);
    while ((e = readdir(d)))
        in_base += e->d_name[0] != '.';
    closedir(d);
    d = opendir(outside);
    while ((e = readdir(d)))
        in_outside += e->d_name[0] != '.';
    closedir(d);
    ck_assert_msg(in_base == 2 && in_outside == 1,
                  "seed %u: something was made outside the shared directory", seed);
}

START_TEST(test_p9_messages)
{
    unsigned seed = (unsigned)_i;
    if (!fz_seed_selected(seed))
        return;
    clock_t t0 = clock();
    fz_seed(&r, fz_seed_for(41, seed));
    make_tree();
    unsigned fds = count_fds();
    char err[256];
    server = p9_server_create(share, seed % 4 == 3, err, sizeof err);
    ck_assert_msg(server != NULL, "%s", err);
    struct p9c c;                                   /* a session to start from */
    p9c_init(&c, server);
    p9c_session(&c);
    replies = errors = 0;
    const uint64_t target = fz_scaled(MSGS_PER_SEED);
    for (uint64_t n = 0; n < target; n++) {
        exchange(seed, n);
        if (fz_chance(&r, 1, 500))
            p9c_session(&c);                        /* attach again now and then */
    }
    p9_server_destroy(server);
    ck_assert_uint_eq(count_fds(), fds);
    check_outside(seed);
    fprintf(stderr, "fuzz_p9 seed %u%s: %" PRIu64 " replies (%" PRIu64 " Rlerror), %.2f s\n",
            seed, seed % 4 == 3 ? " (read-only)" : "", replies, errors,
            (double)(clock() - t0) / CLOCKS_PER_SEC);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", base, base);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fuzz_p9");
    TCase *tc = tcase_create("p9");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_p9_messages, 0, (int)fz_seed_count(SEEDS));
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
