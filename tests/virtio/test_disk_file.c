/*
 * host/disk_file.c: a raw image file as a block backend. A round trip on a temporary
 * file; the one-line errors for a missing file, a directory, a special file and a size
 * that is not a multiple of 512; images in other formats (qcow2, VDI, ...) refused by
 * name with the command that converts them; a read-only open that refuses writes; and the backend
 * under virtio-blk, driven by the fake guest driver, with the guest's writes found in
 * the file after close. Image locking: the bytes QEMU's protocol uses, writers excluding
 * everyone, readers sharing, file.locking=off (tests/virtio/disk_lock.sh does the same
 * across processes, and against QEMU).
 */
#define _GNU_SOURCE             /* F_OFD_SETLK */
#include <check.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/virtio_blk.h"
#include "host/disk_file.h"
#include "vdriver.h"

static char dir[256];
static char path[300];
static char err[512];

static void setup(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/rvbox-disk-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/disk.img", dir);
    err[0] = 0;
}

static void teardown(void)
{
    char p[320];
    const char *names[] = { "disk.img", "fifo", "odd.img", "disk.qcow2", "disk.vdi" };
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
}

/* A file of `size` bytes where byte i is pattern(i). */
static uint8_t pattern(uint64_t i)
{
    return (uint8_t)(i * 13 + i / 512);
}

static void make_file(const char *p, size_t size)
{
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    uint8_t *buf = malloc(size ? size : 1);
    ck_assert_ptr_nonnull(buf);
    for (size_t i = 0; i < size; i++)
        buf[i] = pattern(i);
    ck_assert_int_eq(write(fd, buf, size), (ssize_t)size);
    free(buf);
    close(fd);
}

static void read_file(const char *p, uint64_t off, void *buf, size_t len)
{
    int fd = open(p, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pread(fd, buf, len, (off_t)off), (ssize_t)len);
    close(fd);
}

START_TEST(test_round_trip)
{
    make_file(path, 16 * 512);
    struct disk_file *d = disk_file_open(path, false, true, err, sizeof err);
    ck_assert_msg(d != NULL, "open failed: %s", err);
    const struct blockdev *bd = disk_file_backend(d);
    ck_assert_uint_eq(bd->size, 16 * 512);
    ck_assert(!bd->readonly);

    uint8_t buf[1024], want[1024];
    ck_assert_int_eq(bd->read(bd->opaque, 512, buf, sizeof buf), 0);
    for (unsigned i = 0; i < sizeof buf; i++)
        ck_assert_uint_eq(buf[i], pattern(512 + i));

    for (unsigned i = 0; i < sizeof want; i++)
        want[i] = (uint8_t)~i;
    ck_assert_int_eq(bd->write(bd->opaque, 14 * 512, want, sizeof want), 0);  /* the end */
    ck_assert_int_eq(bd->flush(bd->opaque), 0);
    memset(buf, 0, sizeof buf);
    ck_assert_int_eq(bd->read(bd->opaque, 14 * 512, buf, sizeof buf), 0);
    ck_assert_mem_eq(buf, want, sizeof buf);
    /* Past the end: refused, never a short transfer. */
    ck_assert_int_eq(bd->read(bd->opaque, 15 * 512, buf, 1024), -1);
    ck_assert_int_eq(bd->write(bd->opaque, 16 * 512, want, 512), -1);
    ck_assert_int_eq(disk_file_close(d), 0);

    /* The data is in the file, and nothing else changed. */
    read_file(path, 14 * 512, buf, sizeof buf);
    ck_assert_mem_eq(buf, want, sizeof buf);
    read_file(path, 13 * 512, buf, 512);
    for (unsigned i = 0; i < 512; i++)
        ck_assert_uint_eq(buf[i], pattern(13 * 512 + i));
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_size, 16 * 512);
}
END_TEST

START_TEST(test_missing)
{
    ck_assert_ptr_null(disk_file_open(path, _i, true, err, sizeof err));
    ck_assert_msg(strstr(err, path) == err, "error does not name the file: %s", err);
    ck_assert_msg(strstr(err, "No such file"), "unclear error: %s", err);
    ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

START_TEST(test_directory)
{
    ck_assert_ptr_null(disk_file_open(dir, _i, true, err, sizeof err));
    ck_assert_msg(strstr(err, dir) == err, "error does not name the file: %s", err);
    ck_assert_msg(strstr(err, "not a regular file or block device"), "unclear error: %s", err);
}
END_TEST

/* A FIFO must be refused, not block the open forever; /dev/null is a character device. */
START_TEST(test_special_files)
{
    char fifo[320];
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    ck_assert_ptr_null(disk_file_open(fifo, _i, true, err, sizeof err));
    ck_assert_msg(strstr(err, "not a regular file or block device"), "unclear error: %s", err);
    ck_assert_ptr_null(disk_file_open("/dev/null", _i, true, err, sizeof err));
    ck_assert_msg(strstr(err, "not a regular file or block device"), "unclear error: %s", err);
}
END_TEST

START_TEST(test_odd_size)
{
    char odd[320];
    snprintf(odd, sizeof odd, "%s/odd.img", dir);
    make_file(odd, 1000);
    ck_assert_ptr_null(disk_file_open(odd, _i, true, err, sizeof err));
    ck_assert_msg(strstr(err, odd) == err, "error does not name the file: %s", err);
    ck_assert_msg(strstr(err, "1000") && strstr(err, "multiple of 512"), "unclear error: %s",
                  err);
}
END_TEST

/* A file whose first bytes are `magic` at `offset`, `size` bytes long. */
static void make_image(const char *p, size_t size, uint32_t offset, const void *magic, size_t len)
{
    make_file(p, size);
    int fd = open(p, O_WRONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pwrite(fd, magic, len, offset), (ssize_t)len);
    close(fd);
}

/* Other formats than raw are refused by name, whatever their size (_i: read-only, and a
 * qcow2 file that is not a multiple of 512), with the command that converts them; the
 * copy is named after the image. */
START_TEST(test_other_formats)
{
    char p[320], want[1024];
    snprintf(p, sizeof p, "%s/disk.qcow2", dir);
    make_image(p, _i ? 196616 : 196608, 0, "QFI\xfb\0\0\0\3", 8);
    ck_assert_ptr_null(disk_file_open(p, _i, true, err, sizeof err));
    snprintf(want, sizeof want, "%s: a qcow2 image; rvbox reads raw images: qemu-img convert "
             "-O raw %s %s/disk.img", p, p, dir);
    ck_assert_str_eq(err, want);

    snprintf(p, sizeof p, "%s/disk.vdi", dir);
    make_image(p, 4096, 0x40, "\x7f\x10\xda\xbe", 4);
    ck_assert_ptr_null(disk_file_open(p, _i, true, err, sizeof err));
    snprintf(want, sizeof want, "%s: a VirtualBox VDI image; rvbox reads raw images: "
             "qemu-img convert -O raw %s %s/disk.img", p, p, dir);
    ck_assert_str_eq(err, want);

    /* A VMDK named .img: the copy gets another name. */
    make_image(path, 4096, 0, "KDMV", 4);
    ck_assert_ptr_null(disk_file_open(path, _i, true, err, sizeof err));
    snprintf(want, sizeof want, "%s: a VMDK image; rvbox reads raw images: qemu-img convert "
             "-O raw %s %s/disk-raw.img", path, path, dir);
    ck_assert_str_eq(err, want);

    /* "QFI" without its last magic byte is just data. */
    make_image(path, 4096, 0, "QFI\xfa", 4);
    struct disk_file *d = disk_file_open(path, _i, true, err, sizeof err);
    ck_assert_msg(d != NULL, "open failed: %s", err);
    ck_assert_int_eq(disk_file_close(d), 0);
}
END_TEST

START_TEST(test_readonly)
{
    make_file(path, 4 * 512);
    struct disk_file *d = disk_file_open(path, true, true, err, sizeof err);
    ck_assert_msg(d != NULL, "open failed: %s", err);
    const struct blockdev *bd = disk_file_backend(d);
    ck_assert(bd->readonly);
    uint8_t buf[512];
    memset(buf, 0x77, sizeof buf);
    ck_assert_int_eq(bd->write(bd->opaque, 0, buf, sizeof buf), -1);
    ck_assert_int_eq(bd->read(bd->opaque, 0, buf, sizeof buf), 0);
    for (unsigned i = 0; i < sizeof buf; i++)
        ck_assert_uint_eq(buf[i], pattern(i));
    ck_assert_int_eq(bd->flush(bd->opaque), 0);
    ck_assert_int_eq(disk_file_close(d), 0);
    read_file(path, 0, buf, sizeof buf);
    for (unsigned i = 0; i < sizeof buf; i++)
        ck_assert_uint_eq(buf[i], pattern(i));
}
END_TEST

/* A file without write permission, opened for writing: a clear refusal (root ignores
 * permissions, so there the open succeeds and the test has nothing to check). */
START_TEST(test_no_write_permission)
{
    make_file(path, 512);
    ck_assert_int_eq(chmod(path, 0444), 0);
    struct disk_file *d = disk_file_open(path, false, true, err, sizeof err);
    if (geteuid() == 0) {
        ck_assert_ptr_nonnull(d);
        disk_file_close(d);
        return;
    }
    ck_assert_ptr_null(d);
    ck_assert_msg(strstr(err, "cannot open for writing"), "unclear error: %s", err);
    d = disk_file_open(path, true, true, err, sizeof err);
    ck_assert_msg(d != NULL, "read-only open failed: %s", err);
    ck_assert_int_eq(disk_file_close(d), 0);
}
END_TEST

/* The guest writes through virtio-blk; after close the file holds it. */
START_TEST(test_under_virtio_blk)
{
    make_file(path, 32 * 512);
    struct disk_file *d = disk_file_open(path, false, true, err, sizeof err);
    ck_assert_msg(d != NULL, "open failed: %s", err);
    struct vd_machine m;
    vd_machine_init(&m, _i);
    struct virtio_blk *b = vblk_create(m.vm, disk_file_backend(d), "file-disk");
    ck_assert_ptr_nonnull(b);
    struct vd_driver drv;
    ck_assert_int_eq(vd_driver_init(&drv, &m, 8, ~0ull), 0);
    ck_assert_uint_eq(vd_blk_capacity(&m, false), 32);

    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_IN, 30, VD_DATA_ADDR, 1024, NULL),
                     VIRTIO_BLK_S_OK);
    uint8_t *data = vd_ram(&m, VD_DATA_ADDR, 1024);
    for (unsigned i = 0; i < 1024; i++)
        ck_assert_uint_eq(data[i], pattern(30 * 512 + i));

    for (unsigned i = 0; i < 1024; i++)
        data[i] = (uint8_t)(i ^ 0x3c);
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_OUT, 1, VD_DATA_ADDR, 1024, NULL),
                     VIRTIO_BLK_S_OK);
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_FLUSH, 0, 0, 0, NULL), VIRTIO_BLK_S_OK);
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_IN, 32, VD_DATA_ADDR, 512, NULL),
                     VIRTIO_BLK_S_IOERR);
    /* The exit path: flush the device, close the disk. */
    ck_assert_int_eq(vblk_flush(b), 0);
    vblk_destroy(b);
    vd_machine_fini(&m);
    ck_assert_int_eq(disk_file_close(d), 0);

    uint8_t buf[1024];
    read_file(path, 512, buf, sizeof buf);
    for (unsigned i = 0; i < sizeof buf; i++)
        ck_assert_uint_eq(buf[i], (uint8_t)(i ^ 0x3c));
}
END_TEST

/* A read-only file under virtio-blk: F_RO offered, writes refused, the file unchanged. */
START_TEST(test_readonly_under_virtio_blk)
{
    make_file(path, 8 * 512);
    struct disk_file *d = disk_file_open(path, true, true, err, sizeof err);
    ck_assert_msg(d != NULL, "open failed: %s", err);
    struct vd_machine m;
    vd_machine_init(&m, _i);
    struct virtio_blk *b = vblk_create(m.vm, disk_file_backend(d), NULL);
    struct vd_driver drv;
    ck_assert_int_eq(vd_driver_init(&drv, &m, 8, ~0ull), 0);
    ck_assert(drv.offered & 1u << VIRTIO_BLK_F_RO);
    memset(vd_ram(&m, VD_DATA_ADDR, 512), 0xab, 512);
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_OUT, 0, VD_DATA_ADDR, 512, NULL),
                     VIRTIO_BLK_S_IOERR);
    /* GET_ID with no serial: all NUL. */
    memset(vd_ram(&m, VD_DATA_ADDR, 20), 0xab, 20);
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_GET_ID, 0, VD_DATA_ADDR, 20, NULL),
                     VIRTIO_BLK_S_OK);
    static const uint8_t zeros[20];
    ck_assert_mem_eq(vd_ram(&m, VD_DATA_ADDR, 20), zeros, 20);
    vblk_destroy(b);
    vd_machine_fini(&m);
    ck_assert_int_eq(disk_file_close(d), 0);
    uint8_t buf[512];
    read_file(path, 0, buf, sizeof buf);
    for (unsigned i = 0; i < sizeof buf; i++)
        ck_assert_uint_eq(buf[i], pattern(i));
}
END_TEST

/* ---- locking ---- */

/* Is `byte` of the file locked by an open file other than `fd`'s? */
static bool byte_locked(int fd, int byte)
{
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1 };
    ck_assert_int_eq(fcntl(fd, F_OFD_GETLK, &fl), 0);
    return fl.l_type != F_UNLCK;
}

/* Take a shared lock on `byte` through fd, as QEMU does on its own bytes. */
static void hold_byte(int fd, int byte)
{
    struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1 };
    ck_assert_int_eq(fcntl(fd, F_OFD_SETLK, &fl), 0);
}

/* Exactly QEMU 7.2's bytes for a virtio-blk drive: 100, 101 and 201 for a writer (uses
 * read and write, shares all but write), 100 and 201 for a reader. _i: readonly. */
START_TEST(test_lock_bytes)
{
    make_file(path, 512);
    struct disk_file *d = disk_file_open(path, _i, true, err, sizeof err);
    ck_assert_msg(d != NULL, "open failed: %s", err);
    int probe = open(path, O_RDONLY);
    ck_assert_int_ge(probe, 0);
    for (int byte = 98; byte < 206; byte++) {
        bool want = byte == 100 || byte == 201 || (byte == 101 && !_i);
        ck_assert_msg(byte_locked(probe, byte) == want, "byte %d %s", byte,
                      want ? "not locked" : "locked");
    }
    ck_assert_int_eq(disk_file_close(d), 0);
    ck_assert(!byte_locked(probe, 100) && !byte_locked(probe, 201));    /* released */
    close(probe);
}
END_TEST

/* A writer excludes a second writer and a reader; the lock goes with close. A second open
 * within one process is refused too (another open file), and says so. */
START_TEST(test_lock_writer_excludes)
{
    make_file(path, 512);
    struct disk_file *d = disk_file_open(path, false, true, err, sizeof err);
    ck_assert_msg(d != NULL, "open failed: %s", err);
    for (int ro = 0; ro < 2; ro++) {
        ck_assert_ptr_null(disk_file_open(path, ro, true, err, sizeof err));
        ck_assert_msg(strstr(err, path) == err && strstr(err, "in use by this process"),
                      "unclear error: %s", err);
        ck_assert_ptr_null(strchr(err, '\n'));
    }
    struct disk_file *unlocked = disk_file_open(path, false, false, err, sizeof err);
    ck_assert_msg(unlocked != NULL, "file.locking=off refused: %s", err);
    ck_assert_int_eq(disk_file_close(unlocked), 0);
    ck_assert_int_eq(disk_file_close(d), 0);
    d = disk_file_open(path, false, true, err, sizeof err);
    ck_assert_msg(d != NULL, "not released: %s", err);
    ck_assert_int_eq(disk_file_close(d), 0);
}
END_TEST

/* Readers share; a writer is refused while they hold the image. */
START_TEST(test_lock_readers_share)
{
    make_file(path, 512);
    struct disk_file *a = disk_file_open(path, true, true, err, sizeof err);
    ck_assert_msg(a != NULL, "open failed: %s", err);
    struct disk_file *b = disk_file_open(path, true, true, err, sizeof err);
    ck_assert_msg(b != NULL, "second reader refused: %s", err);
    ck_assert_ptr_null(disk_file_open(path, false, true, err, sizeof err));
    ck_assert_int_eq(disk_file_close(a), 0);
    ck_assert_int_eq(disk_file_close(b), 0);
}
END_TEST

/* QEMU's bytes held by someone else: a reader's (100, 201) keep a writer out, and a
 * writer's 101 keeps a reader out, each with its reason. */
START_TEST(test_lock_foreign_bytes)
{
    make_file(path, 512);
    int other = open(path, O_RDONLY);
    ck_assert_int_ge(other, 0);
    hold_byte(other, 100);
    hold_byte(other, 201);
    ck_assert_ptr_null(disk_file_open(path, false, true, err, sizeof err));
    ck_assert_msg(strstr(err, "in use"), "unclear error: %s", err);
    struct disk_file *d = disk_file_open(path, true, true, err, sizeof err);
    ck_assert_msg(d != NULL, "a reader beside a reader refused: %s", err);
    ck_assert_int_eq(disk_file_close(d), 0);
    hold_byte(other, 101);
    ck_assert_ptr_null(disk_file_open(path, true, true, err, sizeof err));
    close(other);
}
END_TEST

static Suite *disk_file_suite(void)
{
    Suite *s = suite_create("disk_file");
    TCase *tc = tcase_create("disk_file");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_round_trip);
    tcase_add_loop_test(tc, test_missing, 0, 2);          /* _i: readonly */
    tcase_add_loop_test(tc, test_directory, 0, 2);
    tcase_add_loop_test(tc, test_special_files, 0, 2);
    tcase_add_loop_test(tc, test_odd_size, 0, 2);
    tcase_add_loop_test(tc, test_other_formats, 0, 2);
    tcase_add_test(tc, test_readonly);
    tcase_add_test(tc, test_no_write_permission);
    tcase_add_loop_test(tc, test_under_virtio_blk, 1, 3);  /* _i: transport version */
    tcase_add_loop_test(tc, test_readonly_under_virtio_blk, 1, 3);
    tcase_add_loop_test(tc, test_lock_bytes, 0, 2);        /* _i: readonly */
    tcase_add_test(tc, test_lock_writer_excludes);
    tcase_add_test(tc, test_lock_readers_share);
    tcase_add_test(tc, test_lock_foreign_bytes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(disk_file_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
