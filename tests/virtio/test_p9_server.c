/*
 * The 9P2000.L server (host/p9_server.c) on a real directory, spoken to as Linux's client
 * speaks it (p9client.c). A temporary tree:
 *
 *   base/share/            the shared directory
 *     hello.txt            "hello from the host\n"
 *     dir/inner.txt        "inner\n"
 *     abs -> base/outside/secret.txt     an absolute symbolic link out
 *     rel -> ../outside/secret.txt       a relative one
 *     reldir -> ../outside               one to a directory
 *   base/outside/secret.txt  "secret\n": must never be read, written or listed
 *
 * Checked: files read and written, directories listed; ".." never above the directory;
 * names with '/' or "." refused; symbolic links never followed by the server, even when
 * a host process swaps a directory for one while the guest holds fids inside it (a race);
 * read-only refusing every change; no set-user-ID bit or device node made; malformed
 * messages answered with Rlerror (and the tag, when there is one); replies never past the
 * room given; the guest's fids and open files bounded.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "p9client.h"

static char base[64], share[128], outside[128];
static struct p9_server *server;
static struct p9c client;

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static char *path_in(const char *dir, const char *name)
{
    static char buf[4][256];
    static unsigned k;
    char *p = buf[k++ % 4];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

static void start(bool readonly)
{
    snprintf(base, sizeof base, "/tmp/rvbox-p9-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(base));
    snprintf(share, sizeof share, "%s/share", base);
    snprintf(outside, sizeof outside, "%s/outside", base);
    ck_assert_int_eq(mkdir(share, 0755), 0);
    ck_assert_int_eq(mkdir(outside, 0755), 0);
    ck_assert_int_eq(mkdir(path_in(share, "dir"), 0755), 0);
    put_file(path_in(share, "hello.txt"), "hello from the host\n");
    put_file(path_in(share, "dir/inner.txt"), "inner\n");
    put_file(path_in(outside, "secret.txt"), "secret\n");
    ck_assert_int_eq(symlink(path_in(outside, "secret.txt"), path_in(share, "abs")), 0);
    ck_assert_int_eq(symlink("../outside/secret.txt", path_in(share, "rel")), 0);
    ck_assert_int_eq(symlink("../outside", path_in(share, "reldir")), 0);
    char err[256];
    server = p9_server_create(share, readonly, err, sizeof err);
    ck_assert_msg(server != NULL, "%s", err);
    p9c_init(&client, server);
    p9c_session(&client);
}

static void finish(void)
{
    p9_server_destroy(server);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    ck_assert_int_eq(system(cmd), 0);
}

/* The secret is where it was, unchanged, and nothing new sits beside it. */
static void outside_untouched(void)
{
    char buf[64] = { 0 };
    FILE *f = fopen(path_in(outside, "secret.txt"), "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fread(buf, 1, sizeof buf - 1, f), 7);
    fclose(f);
    ck_assert_str_eq(buf, "secret\n");
    char cmd[300];
    snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 1 && test $(ls -A '%s' | wc -l) "
             "-eq 2", outside, base);
    ck_assert_msg(system(cmd) == 0, "something was made outside the shared directory");
}

static struct p9c *c = &client;

START_TEST(test_read_file)
{
    start(false);
    char buf[64] = { 0 };
    ck_assert_int_eq(p9c_walk1(c, 0, 1, "hello.txt"), 0);
    ck_assert_int_eq(p9c_lopen(c, 1, 0), 0);
    ck_assert_int_eq(p9c_read(c, 1, 0, buf, sizeof buf), 20);
    ck_assert_str_eq(buf, "hello from the host\n");
    ck_assert_int_eq(p9c_read(c, 1, 6, buf, 4), 4);
    ck_assert_int_eq(memcmp(buf, "from", 4), 0);
    uint32_t mode;
    uint8_t qtype;
    ck_assert_int_eq(p9c_getattr(c, 1, &mode, &qtype), 0);
    ck_assert(S_ISREG(mode));
    ck_assert_int_eq(p9c_clunk(c, 1), 0);
    ck_assert_int_eq(p9c_clunk(c, 1), EBADF);
    ck_assert_uint_eq(p9_server_open_files(server), 0);
    finish();
}
END_TEST

START_TEST(test_write_create)
{
    start(false);
    ck_assert_int_eq(p9c_walk(c, 0, 1, 0, NULL), 0);                /* clone the root */
    ck_assert_int_eq(p9c_lcreate(c, 1, "new.txt", 2 /* RDWR */, 04755), 0);
    ck_assert_int_eq(p9c_write(c, 1, 0, "from the guest\n", 15), 15);
    ck_assert_int_eq(p9c_clunk(c, 1), 0);
    char buf[64] = { 0 };
    FILE *f = fopen(path_in(share, "new.txt"), "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fread(buf, 1, sizeof buf, f), 15);
    fclose(f);
    ck_assert_str_eq(buf, "from the guest\n");
    struct stat st;
    ck_assert_int_eq(stat(path_in(share, "new.txt"), &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0755);                   /* no set-user-ID */
    ck_assert_int_eq(p9c_mkdir(c, 0, "newdir", 02775), 0);
    ck_assert_int_eq(stat(path_in(share, "newdir"), &st), 0);
    ck_assert_uint_eq(st.st_mode & 02000, 0);                      /* no set-group-ID */
    /* no device nodes */
    p9c_begin(c, P9C_TMKNOD);
    p9_put32(&c->w, 0);
    p9_put_str(&c->w, "null");
    p9_put32(&c->w, S_IFCHR | 0666);
    p9_put32(&c->w, 1);
    p9_put32(&c->w, 3);
    p9_put32(&c->w, 0);
    p9c_send(c);
    ck_assert_uint_eq(c->ecode, EPERM);
    ck_assert_int_eq(access(path_in(share, "null"), F_OK), -1);
    finish();
}
END_TEST

/* ".." stops at the shared directory, however many there are. */
START_TEST(test_dotdot)
{
    start(false);
    const char *up[] = { "dir", "..", "..", "..", "..", "hello.txt" };
    ck_assert_int_eq(p9c_walk(c, 0, 1, 6, up), 0);
    char buf[64] = { 0 };
    ck_assert_int_eq(p9c_lopen(c, 1, 0), 0);
    ck_assert_int_eq(p9c_read(c, 1, 0, buf, sizeof buf), 20);
    ck_assert_str_eq(buf, "hello from the host\n");
    const char *out[] = { "..", "outside", "secret.txt" };
    ck_assert_int_ne(p9c_walk(c, 0, 2, 3, out), 0);                /* there is no "outside" */
    outside_untouched();
    finish();
}
END_TEST

/* A name is one component: '/', "" and "." / ".." where a name is made are refused. */
START_TEST(test_bad_names)
{
    start(false);
    ck_assert_int_eq(p9c_walk1(c, 0, 1, "dir/inner.txt"), EINVAL);
    ck_assert_int_eq(p9c_walk1(c, 0, 1, "../outside"), EINVAL);
    ck_assert_int_eq(p9c_walk1(c, 0, 1, ""), EINVAL);
    ck_assert_int_eq(p9c_walk(c, 0, 1, 0, NULL), 0);
    ck_assert_int_eq(p9c_lcreate(c, 1, "../outside/new", 1, 0644), EINVAL);
    ck_assert_int_eq(p9c_lcreate(c, 1, "..", 1, 0644), EINVAL);
    ck_assert_int_eq(p9c_mkdir(c, 0, "../made", 0755), EINVAL);
    ck_assert_int_eq(p9c_mkdir(c, 0, ".", 0755), EINVAL);
    p9c_begin(c, P9C_TRENAMEAT);                    /* hello.txt to ../outside/x */
    p9_put32(&c->w, 0);
    p9_put_str(&c->w, "hello.txt");
    p9_put32(&c->w, 0);
    p9_put_str(&c->w, "../outside/x");
    p9c_send(c);
    ck_assert_uint_eq(c->ecode, EINVAL);
    outside_untouched();
    finish();
}
END_TEST

/* Symbolic links are the guest's to follow: the server shows a link as a link, gives
 * its text, and never opens, lists or walks through one. */
START_TEST(test_symlinks)
{
    start(false);
    uint32_t mode;
    uint8_t qtype;
    ck_assert_int_eq(p9c_walk1(c, 0, 1, "abs"), 0);
    ck_assert_int_eq(p9c_getattr(c, 1, &mode, &qtype), 0);
    ck_assert(S_ISLNK(mode));
    ck_assert_uint_eq(qtype, 0x02);
    ck_assert_int_eq(p9c_lopen(c, 1, 0), ELOOP);
    p9c_begin(c, P9C_TREADLINK);
    p9_put32(&c->w, 1);
    p9c_send(c);
    char target[256];
    ck_assert_uint_eq(c->ecode, 0);
    p9_get_str(&c->r, target, sizeof target);
    ck_assert_str_eq(target, path_in(outside, "secret.txt"));
    ck_assert_int_eq(p9c_walk1(c, 0, 2, "rel"), 0);
    ck_assert_int_eq(p9c_lopen(c, 2, 0), ELOOP);
    ck_assert_int_eq(p9c_walk1(c, 0, 3, "reldir"), 0);
    ck_assert_int_ne(p9c_walk1(c, 3, 4, "secret.txt"), 0);          /* through a link */
    const char *through[] = { "reldir", "secret.txt" };
    ck_assert_int_ne(p9c_walk(c, 0, 4, 2, through), 0);
    ck_assert_int_eq(p9c_getattr(c, 4, &mode, &qtype), EBADF);      /* no newfid */
    ck_assert_int_eq(p9c_lopen(c, 3, 0), ELOOP);                    /* no listing */
    ck_assert_int_ne(p9c_lcreate(c, 3, "planted", 1, 0644), 0);     /* no making */
    ck_assert_int_ne(p9c_mkdir(c, 3, "planted", 0755), 0);
    /* a guest may make links (to anywhere): they stay links on the host */
    p9c_begin(c, P9C_TSYMLINK);
    p9_put32(&c->w, 0);
    p9_put_str(&c->w, "mine");
    p9_put_str(&c->w, "/etc/passwd");
    p9_put32(&c->w, 0);
    p9c_send(c);
    ck_assert_uint_eq(c->ecode, 0);
    struct stat st;
    ck_assert_int_eq(lstat(path_in(share, "mine"), &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_int_eq(p9c_walk1(c, 0, 5, "mine"), 0);
    ck_assert_int_eq(p9c_lopen(c, 5, 0), ELOOP);
    outside_untouched();
    finish();
}
END_TEST

/* The guest holds fids inside dir/; a host process then swaps dir/ for a link to the
 * outside. Every later use of those fids fails; nothing outside is read or made. */
START_TEST(test_symlink_race)
{
    start(false);
    ck_assert_int_eq(p9c_walk1(c, 0, 1, "dir"), 0);
    ck_assert_int_eq(p9c_walk1(c, 1, 2, "inner.txt"), 0);
    ck_assert_int_eq(rename(path_in(share, "dir"), path_in(share, "dir.old")), 0);
    ck_assert_int_eq(symlink(outside, path_in(share, "dir")), 0);
    put_file(path_in(outside, "inner.txt"), "outer\n");             /* the bait */
    char buf[64] = { 0 };
    ck_assert_int_eq(p9c_lopen(c, 2, 0), ELOOP);
    ck_assert_int_ne(p9c_walk1(c, 1, 3, "secret.txt"), 0);
    ck_assert_int_ne(p9c_lcreate(c, 1, "planted", 1, 0644), 0);     /* ENOTDIR: a link */
    ck_assert_int_ne(p9c_mkdir(c, 1, "planted", 0755), 0);
    p9c_begin(c, P9C_TUNLINKAT);
    p9_put32(&c->w, 1);
    p9_put_str(&c->w, "inner.txt");
    p9_put32(&c->w, 0);
    p9c_send(c);
    ck_assert_uint_ne(c->ecode, 0);
    ck_assert_int_eq(access(path_in(outside, "inner.txt"), F_OK), 0);
    ck_assert_int_lt(p9c_read(c, 2, 0, buf, sizeof buf), 0);
    unlink(path_in(outside, "inner.txt"));
    outside_untouched();
    finish();
}
END_TEST

/* readonly=on: every change refused with EROFS, nothing changed. */
START_TEST(test_readonly)
{
    start(true);
    ck_assert_int_eq(p9c_walk(c, 0, 1, 0, NULL), 0);
    ck_assert_int_eq(p9c_lcreate(c, 1, "new.txt", 1, 0644), EROFS);
    ck_assert_int_eq(p9c_mkdir(c, 0, "newdir", 0755), EROFS);
    ck_assert_int_eq(p9c_walk1(c, 0, 2, "hello.txt"), 0);
    ck_assert_int_eq(p9c_lopen(c, 2, 1 /* WRONLY */), EROFS);
    ck_assert_int_eq(p9c_lopen(c, 2, 2 /* RDWR */), EROFS);
    ck_assert_int_eq(p9c_lopen(c, 2, 01000 /* TRUNC */), EROFS);
    ck_assert_int_eq(p9c_lopen(c, 2, 0), 0);
    ck_assert_int_eq(p9c_write(c, 2, 0, "x", 1), -EBADF);
    p9c_begin(c, P9C_TSETATTR);
    p9_put32(&c->w, 2);
    p9_put32(&c->w, 1 | 8);                         /* mode, size */
    p9_put32(&c->w, 0777);
    p9_put32(&c->w, 0);
    p9_put32(&c->w, 0);
    p9_put64(&c->w, 0);
    for (int i = 0; i < 4; i++)
        p9_put64(&c->w, 0);
    p9c_send(c);
    ck_assert_uint_eq(c->ecode, EROFS);
    p9c_begin(c, P9C_TUNLINKAT);
    p9_put32(&c->w, 0);
    p9_put_str(&c->w, "hello.txt");
    p9_put32(&c->w, 0);
    p9c_send(c);
    ck_assert_uint_eq(c->ecode, EROFS);
    p9c_begin(c, P9C_TRENAMEAT);
    p9_put32(&c->w, 0);
    p9_put_str(&c->w, "hello.txt");
    p9_put32(&c->w, 0);
    p9_put_str(&c->w, "moved.txt");
    p9c_send(c);
    ck_assert_uint_eq(c->ecode, EROFS);
    p9c_begin(c, P9C_TREMOVE);
    p9_put32(&c->w, 2);
    p9c_send(c);
    ck_assert_uint_eq(c->ecode, EROFS);
    struct stat st;
    ck_assert_int_eq(stat(path_in(share, "hello.txt"), &st), 0);
    ck_assert_int_eq(st.st_size, 20);
    ck_assert_uint_eq(st.st_mode & 0777, 0644);
    ck_assert_int_eq(access(path_in(share, "new.txt"), F_OK), -1);
    ck_assert_int_eq(access(path_in(share, "newdir"), F_OK), -1);
    finish();
}
END_TEST

/* Directories list their names; an entry's offset is where the next one is. */
START_TEST(test_readdir)
{
    start(false);
    ck_assert_int_eq(p9c_walk(c, 0, 1, 0, NULL), 0);
    ck_assert_int_eq(p9c_lopen(c, 1, 0), 0);
    char seen[512] = "";
    uint64_t offset = 0;
    for (int round = 0; round < 20; round++) {
        p9c_begin(c, P9C_TREADDIR);
        p9_put32(&c->w, 1);
        p9_put64(&c->w, offset);
        p9_put32(&c->w, 64);                        /* two or three entries a reply */
        p9c_send(c);
        ck_assert_uint_eq(c->ecode, 0);
        uint32_t n = p9_get32(&c->r);
        ck_assert_uint_le(n, 64);
        if (n == 0)
            break;
        size_t end = c->r.pos + n;
        while (c->r.pos < end) {
            char name[256];
            p9_take(&c->r, P9_QID_BYTES);
            offset = p9_get64(&c->r);
            p9_get8(&c->r);
            p9_get_str(&c->r, name, sizeof name);
            ck_assert(!c->r.bad);
            strcat(seen, name);
            strcat(seen, " ");
        }
    }
    ck_assert_ptr_nonnull(strstr(seen, "hello.txt "));
    ck_assert_ptr_nonnull(strstr(seen, "dir "));
    ck_assert_ptr_nonnull(strstr(seen, "reldir "));
    ck_assert_ptr_null(strstr(seen, "secret"));
    finish();
}
END_TEST

/* A rename moves the fids that named the file or lay inside it. */
START_TEST(test_rename_follows)
{
    start(false);
    const char *inner[] = { "dir", "inner.txt" };
    ck_assert_int_eq(p9c_walk(c, 0, 1, 2, inner), 0);
    p9c_begin(c, P9C_TRENAMEAT);
    p9_put32(&c->w, 0);
    p9_put_str(&c->w, "dir");
    p9_put32(&c->w, 0);
    p9_put_str(&c->w, "moved");
    p9c_send(c);
    ck_assert_uint_eq(c->ecode, 0);
    char buf[16] = { 0 };
    ck_assert_int_eq(p9c_lopen(c, 1, 0), 0);
    ck_assert_int_eq(p9c_read(c, 1, 0, buf, sizeof buf), 6);
    ck_assert_str_eq(buf, "inner\n");
    finish();
}
END_TEST

/* Send raw bytes; the reply's length. */
static size_t raw(const void *msg, size_t len, size_t max)
{
    return p9_server_request(server, msg, len, c->rep, max);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

START_TEST(test_malformed)
{
    start(false);
    /* too short for a header: Rlerror with no tag */
    static const uint8_t shorty[3] = { 3, 0, 0 };
    ck_assert_uint_eq(raw(shorty, 3, 100), 11);
    ck_assert_uint_eq(c->rep[4], P9C_RLERROR);
    ck_assert_uint_eq(c->rep[5] | c->rep[6] << 8, 0xffff);
    ck_assert_uint_eq(le32(c->rep + 7), EINVAL);
    /* a size past what came: Rlerror with the tag */
    uint8_t msg[64] = { 60, 0, 0, 0, P9C_TCLUNK, 0x34, 0x12, 1, 0, 0, 0 };
    ck_assert_uint_eq(raw(msg, 11, 100), 11);
    ck_assert_uint_eq(c->rep[5] | c->rep[6] << 8, 0x1234);
    ck_assert_uint_eq(le32(c->rep + 7), EINVAL);
    /* a message cut short of its fields */
    msg[0] = 9;
    ck_assert_uint_eq(raw(msg, 9, 100), 11);
    ck_assert_uint_eq(le32(c->rep + 7), EINVAL);
    /* unknown types, and an R-message */
    msg[0] = 11;
    msg[4] = 200;
    raw(msg, 11, 100);
    ck_assert_uint_eq(le32(c->rep + 7), EOPNOTSUPP);
    msg[4] = P9C_TCLUNK + 1;
    raw(msg, 11, 100);
    ck_assert_uint_eq(le32(c->rep + 7), EOPNOTSUPP);
    /* no room for even an error: nothing */
    ck_assert_uint_eq(raw(msg, 11, 10), 0);
    /* a walk of 17 names; a string running past the message; a NUL inside a name */
    p9c_begin(c, P9C_TWALK);
    p9_put32(&c->w, 0);
    p9_put32(&c->w, 1);
    p9_put16(&c->w, 17);
    for (int i = 0; i < 17; i++)
        p9_put_str(&c->w, "dir");
    p9c_send(c);
    ck_assert_uint_eq(c->ecode, EINVAL);
    p9c_begin(c, P9C_TWALK);
    p9_put32(&c->w, 0);
    p9_put32(&c->w, 1);
    p9_put16(&c->w, 1);
    p9_put16(&c->w, 200);
    p9_put_bytes(&c->w, "dir", 3);
    p9c_send(c);
    ck_assert_uint_eq(c->ecode, EINVAL);
    p9c_begin(c, P9C_TWALK);
    p9_put32(&c->w, 0);
    p9_put32(&c->w, 1);
    p9_put16(&c->w, 1);
    p9_put16(&c->w, 5);
    p9_put_bytes(&c->w, "di\0r.", 5);
    p9c_send(c);
    ck_assert_uint_eq(c->ecode, EINVAL);
    /* a fid nobody attached */
    ck_assert_int_eq(p9c_lopen(c, 77, 0), EBADF);
    /* a read larger than the room: cut to the room */
    ck_assert_int_eq(p9c_walk1(c, 0, 1, "hello.txt"), 0);
    ck_assert_int_eq(p9c_lopen(c, 1, 0), 0);
    c->max = 15;
    char buf[64];
    ck_assert_int_eq(p9c_read(c, 1, 0, buf, 1u << 30), 4);
    c->max = P9C_MSIZE;
    finish();
}
END_TEST

/* The guest's fids and open files are bounded. */
START_TEST(test_limits)
{
    start(false);
    uint32_t fid;
    for (fid = 1; fid < P9_MAX_FIDS; fid++)
        ck_assert_int_eq(p9c_walk(c, 0, fid, 0, NULL), 0);
    ck_assert_int_eq(p9c_walk(c, 0, fid, 0, NULL), EMFILE);
    for (fid = 1; fid <= P9_MAX_OPEN; fid++)
        ck_assert_int_eq(p9c_lopen(c, fid, 0), 0);
    ck_assert_int_eq(p9c_lopen(c, fid, 0), EMFILE);
    ck_assert_uint_eq(p9_server_open_files(server), P9_MAX_OPEN);
    /* a new version ends the session: every fid goes */
    p9c_session(c);
    ck_assert_uint_eq(p9_server_fids(server), 1);
    ck_assert_uint_eq(p9_server_open_files(server), 0);
    finish();
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("p9_server");
    TCase *tc = tcase_create("p9");
    tcase_add_test(tc, test_read_file);
    tcase_add_test(tc, test_write_create);
    tcase_add_test(tc, test_dotdot);
    tcase_add_test(tc, test_bad_names);
    tcase_add_test(tc, test_symlinks);
    tcase_add_test(tc, test_symlink_race);
    tcase_add_test(tc, test_readonly);
    tcase_add_test(tc, test_readdir);
    tcase_add_test(tc, test_rename_follows);
    tcase_add_test(tc, test_malformed);
    tcase_add_test(tc, test_limits);
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
