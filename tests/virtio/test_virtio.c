/*
 * virtio-mmio (both versions) and virtio-blk, driven as a guest driver drives them: a
 * fake driver (vdriver.c) reaches the slot only through its registers on the bus and
 * through rings and descriptor chains in guest RAM; the disk is an in-memory block
 * backend that counts what it is asked to do.
 *
 * Most tests run twice, with _i = 1 (legacy, QueuePFN) and _i = 2 (modern).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus/log.h"
#include "devices/machine.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_mmio.h"
#include "tests/test_engine.h"
#include "vdriver.h"

#define DISK_SECTORS    64
#define SERIAL          "rvbox-disk-0"
#define ALL_FEATURES    (~0ull)

/* ---- an in-memory disk that counts calls and can be told to fail ---- */

struct mem_disk {
    struct blockdev bd;
    uint8_t *data;
    size_t stored;          /* bytes backed by `data`; beyond it (a huge declared
                             * size) reads give zeros and writes are dropped */
    unsigned reads, writes, flushes;
    uint64_t read_bytes, written_bytes;
    bool fail_reads, fail_flush;
};

static int md_read(void *opaque, uint64_t off, void *buf, size_t len)
{
    struct mem_disk *md = opaque;
    ck_assert_msg(off <= md->bd.size && len <= md->bd.size - off,
                  "backend read past the disk: %llu+%zu", (unsigned long long)off, len);
    md->reads++;
    md->read_bytes += len;
    if (md->fail_reads)
        return -1;
    memset(buf, 0, len);
    if (off < md->stored)
        memcpy(buf, md->data + off, len < md->stored - off ? len : md->stored - off);
    return 0;
}

static int md_write(void *opaque, uint64_t off, const void *buf, size_t len)
{
    struct mem_disk *md = opaque;
    ck_assert_msg(off <= md->bd.size && len <= md->bd.size - off,
                  "backend write past the disk: %llu+%zu", (unsigned long long)off, len);
    ck_assert_msg(!md->bd.readonly, "backend write on a read-only disk");
    md->writes++;
    md->written_bytes += len;
    if (off < md->stored)
        memcpy(md->data + off, buf, len < md->stored - off ? len : md->stored - off);
    return 0;
}

static int md_flush(void *opaque)
{
    struct mem_disk *md = opaque;
    md->flushes++;
    return md->fail_flush ? -1 : 0;
}

static void md_init(struct mem_disk *md, uint64_t size, size_t stored, bool readonly)
{
    memset(md, 0, sizeof *md);
    md->data = calloc(1, stored);
    ck_assert_ptr_nonnull(md->data);
    md->stored = stored;
    for (size_t i = 0; i < stored; i++)
        md->data[i] = (uint8_t)(i * 7 + i / 512);   /* differs in every sector */
    md->bd = (struct blockdev){ .opaque = md, .size = size, .readonly = readonly,
                                .read = md_read, .write = md_write, .flush = md_flush };
}

/* ---- fixture: a machine with a 64-sector disk in the slot ---- */

static struct vd_machine m;
static struct mem_disk disk;
static struct virtio_blk *blk;
static struct vd_driver drv;

static void start(unsigned version, uint64_t size, size_t stored, bool readonly)
{
    vd_machine_init(&m, version);
    md_init(&disk, size, stored, readonly);
    blk = vblk_create(m.vm, &disk.bd, SERIAL);
    ck_assert_ptr_nonnull(blk);
}

static void start_disk(unsigned version)
{
    start(version, DISK_SECTORS * 512, DISK_SECTORS * 512, false);
}

static void teardown(void)
{
    vblk_destroy(blk);
    blk = NULL;
    vd_machine_fini(&m);
    free(disk.data);
    disk.data = NULL;
}

static void up(uint32_t num, uint64_t accept)
{
    ck_assert_int_eq(vd_driver_init(&drv, &m, num, accept), 0);
}

static unsigned backend_calls(void)
{
    return disk.reads + disk.writes + disk.flushes;
}

/* ---- the registers ---- */

START_TEST(test_identity)
{
    start_disk(_i);
    ck_assert_uint_eq(vd_reg_read(&m, VD_MAGIC), 0x74726976);
    ck_assert_uint_eq(vd_reg_read(&m, VD_VERSION), _i);
    ck_assert_uint_eq(vd_reg_read(&m, VD_DEVICE_ID), 2);
    ck_assert_uint_eq(vd_reg_read(&m, VD_VENDOR_ID), 0x554d4551);
    ck_assert_uint_ge(vd_reg_read(&m, VD_QUEUE_NUM_MAX), 8);       /* xv6's NUM */
    vd_reg_write(&m, VD_QUEUE_SEL, 1);                              /* no queue 1 */
    ck_assert_uint_eq(vd_reg_read(&m, VD_QUEUE_NUM_MAX), 0);
    ck_assert_uint_eq(vd_reg_read(&m, VD_STATUS), 0);
    ck_assert_uint_eq(vd_reg_read(&m, VD_INT_STATUS), 0);
    ck_assert(!m.irq.level);
    teardown();
}
END_TEST

START_TEST(test_features)
{
    start_disk(_i);
    vd_reg_write(&m, VD_DEV_FEATURES_SEL, 0);
    uint32_t lo = vd_reg_read(&m, VD_DEV_FEATURES);
    vd_reg_write(&m, VD_DEV_FEATURES_SEL, 1);
    uint32_t hi = vd_reg_read(&m, VD_DEV_FEATURES);
    vd_reg_write(&m, VD_DEV_FEATURES_SEL, 2);
    ck_assert_uint_eq(vd_reg_read(&m, VD_DEV_FEATURES), 0);

    ck_assert(lo & 1u << VIRTIO_BLK_F_FLUSH);
    ck_assert(!(lo & 1u << VIRTIO_BLK_F_RO));
    ck_assert(!(lo & 1u << 28));                /* VIRTIO_F_INDIRECT_DESC: not offered */
    ck_assert(!(lo & 1u << 29));                /* VIRTIO_F_EVENT_IDX: not offered */
    /* VIRTIO_F_VERSION_1 (bit 32) on the modern transport only. */
    ck_assert_uint_eq(hi, _i == 2 ? 1u : 0u);
    teardown();
}
END_TEST

START_TEST(test_driver_init)
{
    start_disk(_i);
    up(8, ALL_FEATURES);
    uint32_t want = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK |
                    (_i == 2 ? VIRTIO_STATUS_FEATURES_OK : 0);
    ck_assert_uint_eq(drv.status, want);
    ck_assert(virtio_driver_has_feature(m.vm, VIRTIO_BLK_F_FLUSH));
    ck_assert(virtio_driver_has_feature(m.vm, VIRTIO_F_VERSION_1) == (_i == 2));
    ck_assert_uint_eq(vd_reg_read(&m, _i == 1 ? VD_QUEUE_PFN : VD_QUEUE_READY),
                      _i == 1 ? VD_QUEUE_BASE / VD_PAGE : 1);
    teardown();
}
END_TEST

START_TEST(test_features_ok_refused)
{
    start_disk(2);
    vd_reg_write(&m, VD_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    vd_reg_write(&m, VD_DRV_FEATURES_SEL, 0);
    vd_reg_write(&m, VD_DRV_FEATURES, 1u << VIRTIO_BLK_F_FLUSH | 1u << 28);  /* 28 not offered */
    vd_reg_write(&m, VD_DRV_FEATURES_SEL, 1);
    vd_reg_write(&m, VD_DRV_FEATURES, 1);
    vd_reg_write(&m, VD_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                                    VIRTIO_STATUS_FEATURES_OK);
    ck_assert_uint_eq(vd_reg_read(&m, VD_STATUS),
                      VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);

    /* The same with only what was offered: accepted. */
    vd_reg_write(&m, VD_DRV_FEATURES_SEL, 0);
    vd_reg_write(&m, VD_DRV_FEATURES, 1u << VIRTIO_BLK_F_FLUSH);
    vd_reg_write(&m, VD_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                                    VIRTIO_STATUS_FEATURES_OK);
    ck_assert_uint_eq(vd_reg_read(&m, VD_STATUS), VIRTIO_STATUS_ACKNOWLEDGE |
                                                      VIRTIO_STATUS_DRIVER |
                                                      VIRTIO_STATUS_FEATURES_OK);
    teardown();
}
END_TEST

START_TEST(test_empty_slot)
{
    vd_machine_init(&m, _i);
    ck_assert_uint_eq(vd_reg_read(&m, VD_MAGIC), 0x74726976);
    ck_assert_uint_eq(vd_reg_read(&m, VD_VERSION), _i);
    ck_assert_uint_eq(vd_reg_read(&m, VD_DEVICE_ID), 0);
    ck_assert_uint_eq(vd_reg_read(&m, VD_VENDOR_ID), 0x554d4551);
    ck_assert_uint_eq(vd_reg_read(&m, VD_DEV_FEATURES), 0);
    ck_assert_uint_eq(vd_reg_read(&m, VD_QUEUE_NUM_MAX), 0);
    vd_reg_write(&m, VD_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    vd_reg_write(&m, VD_QUEUE_NOTIFY, 0);
    ck_assert_uint_eq(vd_reg_read(&m, VD_STATUS), 0);
    ck_assert_uint_eq(vd_reg_read(&m, VD_CONFIG), 0);
    ck_assert(!m.irq.level);
    vd_machine_fini(&m);
}
END_TEST

/* Registers are 32-bit: other widths read 0 and are ignored, never a fault (the bus
 * would turn a fault into an access-fault trap for the guest). */
START_TEST(test_register_widths)
{
    start_disk(_i);
    ck_assert_uint_eq(vd_reg_read_sized(&m, VD_MAGIC, 1), 0);
    ck_assert_uint_eq(vd_reg_read_sized(&m, VD_MAGIC, 2), 0);
    ck_assert(bus_write(m.bus, VD_MMIO_BASE + VD_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE));
    ck_assert_uint_eq(vd_reg_read(&m, VD_STATUS), 0);
    /* Reserved offsets read 0. */
    ck_assert_uint_eq(vd_reg_read(&m, 0x018), 0);
    ck_assert_uint_eq(vd_reg_read(&m, 0x0f0), 0);
    teardown();
}
END_TEST

START_TEST(test_capacity)
{
    start_disk(_i);
    ck_assert_uint_eq(vd_blk_capacity(&m, false), DISK_SECTORS);
    ck_assert_uint_eq(vd_blk_capacity(&m, true), DISK_SECTORS);
    ck_assert_uint_eq(vd_reg_read_sized(&m, VD_CONFIG, 2), DISK_SECTORS);
    ck_assert_uint_eq(vd_reg_read_sized(&m, VD_CONFIG + 2, 2), 0);
    ck_assert_uint_eq(vd_reg_read(&m, VD_CONFIG + 20), 512);       /* blk_size */
    ck_assert_uint_eq(vd_reg_read(&m, VD_CONFIG + 0x200), 0);      /* past the fields */
    /* Config space is read-only here: a write changes nothing. */
    ck_assert(bus_write(m.bus, VD_MMIO_BASE + VD_CONFIG, 4, 5));
    ck_assert_uint_eq(vd_blk_capacity(&m, false), DISK_SECTORS);
    teardown();
}
END_TEST

/* A disk of 2^32 + 3 sectors: the high word of capacity matters. */
START_TEST(test_capacity_high_word)
{
    start(_i, ((1ull << 32) + 3) * 512, 4096, false);
    ck_assert_uint_eq(vd_blk_capacity(&m, false), (1ull << 32) + 3);
    ck_assert_uint_eq(vd_blk_capacity(&m, true), (1ull << 32) + 3);
    ck_assert_uint_eq(vd_reg_read(&m, VD_CONFIG + 4), 1);
    teardown();
}
END_TEST

/* ---- requests ---- */

START_TEST(test_read)
{
    start_disk(_i);
    up(8, ALL_FEATURES);
    uint8_t *buf = vd_ram(&m, VD_DATA_ADDR, 1024 + 16);
    memset(buf, 0x5a, 1024 + 16);
    uint32_t used = 0;
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_IN, 3, VD_DATA_ADDR, 1024, &used),
                     VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(buf, disk.data + 3 * 512, 1024);
    ck_assert_uint_eq(buf[1024], 0x5a);                 /* nothing past the buffer */
    ck_assert_uint_eq(used, 1024 + 1);                  /* data + status byte */
    ck_assert_uint_gt(disk.reads, 0);
    ck_assert_uint_eq(disk.writes, 0);

    /* The used-buffer interrupt, and its acknowledgement. */
    ck_assert_uint_eq(vd_reg_read(&m, VD_INT_STATUS), 1);
    ck_assert(m.irq.level);
    vd_reg_write(&m, VD_INT_ACK, 1);
    ck_assert_uint_eq(vd_reg_read(&m, VD_INT_STATUS), 0);
    ck_assert(!m.irq.level);
    teardown();
}
END_TEST

START_TEST(test_write)
{
    start_disk(_i);
    up(8, ALL_FEATURES);
    uint8_t *buf = vd_ram(&m, VD_DATA_ADDR, 1536);
    for (int i = 0; i < 1536; i++)
        buf[i] = (uint8_t)(0xc3 ^ i);
    uint8_t before[512];
    memcpy(before, disk.data + 12 * 512, 512);
    uint32_t used = 0;
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_OUT, 9, VD_DATA_ADDR, 1536, &used),
                     VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(disk.data + 9 * 512, buf, 1536);
    ck_assert_mem_eq(disk.data + 12 * 512, before, 512);   /* the next sector untouched */
    ck_assert_uint_eq(used, 1);
    ck_assert_uint_eq(disk.flushes, 0);         /* FLUSH negotiated: write-back */

    /* Read it back through the device. */
    memset(vd_ram(&m, VD_DATA_ADDR + 0x2000, 1536), 0, 1536);
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_IN, 9, VD_DATA_ADDR + 0x2000, 1536,
                                    NULL), VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(vd_ram(&m, VD_DATA_ADDR + 0x2000, 1536), buf, 1536);
    teardown();
}
END_TEST

/* A driver that did not accept VIRTIO_BLK_F_FLUSH gets a write-through disk. */
START_TEST(test_write_through)
{
    start_disk(_i);
    up(8, 0);
    ck_assert(!virtio_driver_has_feature(m.vm, VIRTIO_BLK_F_FLUSH));
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_OUT, 0, VD_DATA_ADDR, 512, NULL),
                     VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(disk.writes, 1);
    ck_assert_uint_eq(disk.flushes, 1);
    teardown();
}
END_TEST

START_TEST(test_flush)
{
    start_disk(_i);
    up(8, ALL_FEATURES);
    uint32_t used = 0;
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_FLUSH, 0, 0, 0, &used), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(disk.flushes, 1);
    ck_assert_uint_eq(used, 1);
    disk.fail_flush = true;
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_FLUSH, 0, 0, 0, NULL),
                     VIRTIO_BLK_S_IOERR);
    ck_assert_uint_eq(disk.flushes, 2);
    /* vblk_flush, as the host's exit path calls it. */
    ck_assert_int_eq(vblk_flush(blk), -1);
    disk.fail_flush = false;
    ck_assert_int_eq(vblk_flush(blk), 0);
    ck_assert_uint_eq(disk.flushes, 4);
    teardown();
}
END_TEST

START_TEST(test_get_id)
{
    start_disk(_i);
    up(8, ALL_FEATURES);
    uint8_t *buf = vd_ram(&m, VD_DATA_ADDR, 32);
    memset(buf, 0xaa, 32);
    uint32_t used = 0;
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_GET_ID, 0, VD_DATA_ADDR, 20, &used),
                     VIRTIO_BLK_S_OK);
    uint8_t want[20] = SERIAL;                  /* NUL-padded */
    ck_assert_mem_eq(buf, want, 20);
    ck_assert_uint_eq(buf[20], 0xaa);
    ck_assert_uint_eq(used, 21);

    /* A shorter buffer gets the serial cut to its size. */
    memset(buf, 0xaa, 32);
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_GET_ID, 0, VD_DATA_ADDR, 5, &used),
                     VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(buf, "rvbox", 5);
    ck_assert_uint_eq(buf[5], 0xaa);
    ck_assert_uint_eq(used, 6);
    ck_assert_uint_eq(backend_calls(), 0);
    teardown();
}
END_TEST

START_TEST(test_out_of_range)
{
    start_disk(_i);
    up(8, ALL_FEATURES);
    static const struct { uint64_t sector; uint32_t len; } bad[] = {
        { DISK_SECTORS - 1, 1024 },             /* last sector and one past it */
        { DISK_SECTORS, 512 },                  /* just past the end */
        { UINT64_MAX, 512 },                    /* sector + count wraps */
        { 1ull << 55, 512 },                    /* sector * 512 wraps */
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint32_t used = 0;
        ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_IN, bad[i].sector, VD_DATA_ADDR,
                                        bad[i].len, &used), VIRTIO_BLK_S_IOERR);
        ck_assert_uint_eq(used, 1);
        ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_OUT, bad[i].sector, VD_DATA_ADDR,
                                        bad[i].len, NULL), VIRTIO_BLK_S_IOERR);
    }
    ck_assert_uint_eq(backend_calls(), 0);
    /* The last sector itself is fine. */
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_IN, DISK_SECTORS - 1, VD_DATA_ADDR, 512,
                                    NULL), VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(vd_ram(&m, VD_DATA_ADDR, 512), disk.data + (DISK_SECTORS - 1) * 512, 512);
    teardown();
}
END_TEST

/* Requests the device understands but that are wrong: IOERR, the backend untouched. */
START_TEST(test_bad_requests)
{
    start_disk(_i);
    up(8, ALL_FEATURES);
    /* Not a whole number of sectors. */
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_IN, 0, VD_DATA_ADDR, 100, NULL),
                     VIRTIO_BLK_S_IOERR);
    /* A header too short: 8 bytes, then the status. */
    *vd_ram(&m, VD_STATUS_ADDR, 1) = 0xff;
    vd_set_desc(&drv, 0, VD_HDR_ADDR, 8, VD_DESC_F_NEXT, 1);
    vd_set_desc(&drv, 1, VD_STATUS_ADDR, 1, VD_DESC_F_WRITE, 0);
    vd_make_avail(&drv, 0, true);
    uint32_t id, len;
    ck_assert(vd_take_used(&drv, &id, &len));
    ck_assert_uint_eq(*vd_ram(&m, VD_STATUS_ADDR, 1), VIRTIO_BLK_S_IOERR);
    /* An IN whose data buffer the device may not write (wrong direction). */
    uint8_t *hdr = vd_ram(&m, VD_HDR_ADDR, 16);
    memset(hdr, 0, 16);                         /* IN, sector 0 */
    vd_set_desc(&drv, 2, VD_HDR_ADDR, 16, VD_DESC_F_NEXT, 3);
    vd_set_desc(&drv, 3, VD_DATA_ADDR, 512, VD_DESC_F_NEXT, 4);
    vd_set_desc(&drv, 4, VD_STATUS_ADDR, 1, VD_DESC_F_WRITE, 0);
    vd_make_avail(&drv, 2, true);
    ck_assert(vd_take_used(&drv, &id, &len));
    ck_assert_uint_eq(id, 2);
    ck_assert_uint_eq(*vd_ram(&m, VD_STATUS_ADDR, 1), VIRTIO_BLK_S_IOERR);
    ck_assert_uint_eq(backend_calls(), 0);
    /* Unknown types: SCSI_CMD (2), DISCARD (11). */
    uint32_t used = 0;
    ck_assert_int_eq(vd_blk_request(&drv, 2, 0, VD_DATA_ADDR, 512, &used), VIRTIO_BLK_S_UNSUPP);
    ck_assert_uint_eq(used, 1);
    ck_assert_int_eq(vd_blk_request(&drv, 11, 0, VD_DATA_ADDR, 16, NULL), VIRTIO_BLK_S_UNSUPP);
    ck_assert_uint_eq(backend_calls(), 0);
    /* The device still works. */
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_IN, 0, VD_DATA_ADDR, 512, NULL),
                     VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(vd_reg_read(&m, VD_STATUS) & VIRTIO_STATUS_NEEDS_RESET, 0);
    teardown();
}
END_TEST

START_TEST(test_backend_read_error)
{
    start_disk(_i);
    up(8, ALL_FEATURES);
    disk.fail_reads = true;
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_IN, 0, VD_DATA_ADDR, 512, NULL),
                     VIRTIO_BLK_S_IOERR);
    disk.fail_reads = false;
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_IN, 0, VD_DATA_ADDR, 512, NULL),
                     VIRTIO_BLK_S_OK);
    teardown();
}
END_TEST

START_TEST(test_readonly)
{
    start(_i, DISK_SECTORS * 512, DISK_SECTORS * 512, true);
    vd_reg_write(&m, VD_DEV_FEATURES_SEL, 0);
    ck_assert(vd_reg_read(&m, VD_DEV_FEATURES) & 1u << VIRTIO_BLK_F_RO);
    up(8, ALL_FEATURES);
    ck_assert(virtio_driver_has_feature(m.vm, VIRTIO_BLK_F_RO));
    uint8_t before[512];
    memcpy(before, disk.data, 512);
    memset(vd_ram(&m, VD_DATA_ADDR, 512), 0x11, 512);
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_OUT, 0, VD_DATA_ADDR, 512, NULL),
                     VIRTIO_BLK_S_IOERR);
    ck_assert_uint_eq(disk.writes, 0);
    ck_assert_mem_eq(disk.data, before, 512);
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_IN, 0, VD_DATA_ADDR, 512, NULL),
                     VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(vd_ram(&m, VD_DATA_ADDR, 512), before, 512);
    teardown();
}
END_TEST

/* Header cut in two, data and status sharing one writable buffer: the device must not
 * assume the usual three-descriptor framing (5.2.6.4). */
START_TEST(test_any_layout)
{
    start_disk(_i);
    up(8, ALL_FEATURES);
    uint8_t *hdr = vd_ram(&m, VD_HDR_ADDR, 16);
    memset(hdr, 0, 16);
    hdr[8] = 5;                                 /* IN, sector 5 */
    uint8_t *buf = vd_ram(&m, VD_DATA_ADDR, 513);
    memset(buf, 0xee, 513);
    vd_set_desc(&drv, 5, VD_HDR_ADDR, 8, VD_DESC_F_NEXT, 2);
    vd_set_desc(&drv, 2, VD_HDR_ADDR + 8, 8, VD_DESC_F_NEXT, 7);
    vd_set_desc(&drv, 7, VD_DATA_ADDR, 513, VD_DESC_F_WRITE, 0);
    vd_make_avail(&drv, 5, true);
    uint32_t id, len;
    ck_assert(vd_take_used(&drv, &id, &len));
    ck_assert_uint_eq(id, 5);
    ck_assert_uint_eq(len, 513);
    ck_assert_mem_eq(buf, disk.data + 5 * 512, 512);
    ck_assert_uint_eq(buf[512], VIRTIO_BLK_S_OK);
    teardown();
}
END_TEST

/* Several chains made available before one notification; then enough requests to wrap
 * both rings several times. */
START_TEST(test_batch_and_wrap)
{
    start_disk(_i);
    up(8, ALL_FEATURES);
    uint8_t *hdr = vd_ram(&m, VD_HDR_ADDR, 16);
    memset(hdr, 0, 16);                         /* IN, sector 0 */
    for (unsigned c = 0; c < 2; c++) {
        unsigned d0 = 3 * c;
        vd_set_desc(&drv, d0, VD_HDR_ADDR, 16, VD_DESC_F_NEXT, (uint16_t)(d0 + 1));
        vd_set_desc(&drv, d0 + 1, VD_DATA_ADDR + 512 * c, 512, VD_DESC_F_NEXT | VD_DESC_F_WRITE,
                    (uint16_t)(d0 + 2));
        vd_set_desc(&drv, d0 + 2, VD_STATUS_ADDR + c, 1, VD_DESC_F_WRITE, 0);
        vd_make_avail(&drv, (uint16_t)d0, false);
    }
    ck_assert_uint_eq(vd_used_idx(&drv), 0);    /* nothing before the notification */
    vd_notify(&drv);
    ck_assert_uint_eq(vd_used_idx(&drv), 2);
    uint32_t id, len;
    ck_assert(vd_take_used(&drv, &id, &len) && id == 0 && len == 513);
    ck_assert(vd_take_used(&drv, &id, &len) && id == 3 && len == 513);
    ck_assert_uint_eq(m.irq.raises, 1);

    for (unsigned r = 0; r < 40; r++) {
        uint32_t sector = r % DISK_SECTORS;
        ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_IN, sector, VD_DATA_ADDR, 512, NULL),
                         VIRTIO_BLK_S_OK);
        ck_assert_mem_eq(vd_ram(&m, VD_DATA_ADDR, 512), disk.data + sector * 512, 512);
    }
    ck_assert_uint_eq(vd_used_idx(&drv), 42);
    teardown();
}
END_TEST

START_TEST(test_interrupt_ack)
{
    start_disk(_i);
    up(8, ALL_FEATURES);
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_FLUSH, 0, 0, 0, NULL), VIRTIO_BLK_S_OK);
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_FLUSH, 0, 0, 0, NULL), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(vd_reg_read(&m, VD_INT_STATUS), 1);
    ck_assert_uint_eq(m.irq.raises, 1);         /* a level: raised once, stays up */
    vd_reg_write(&m, VD_INT_ACK, 2);            /* the other bit: changes nothing */
    ck_assert_uint_eq(vd_reg_read(&m, VD_INT_STATUS), 1);
    ck_assert(m.irq.level);
    vd_reg_write(&m, VD_INT_ACK, 1);
    ck_assert(!m.irq.level);
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_FLUSH, 0, 0, 0, NULL), VIRTIO_BLK_S_OK);
    ck_assert(m.irq.level);
    ck_assert_uint_eq(m.irq.raises, 2);
    teardown();
}
END_TEST

/* Status 0 resets the device: registers, interrupt, and the queue indices (a driver
 * that sets up fresh rings must be served from index 0 again). */
START_TEST(test_reset)
{
    start_disk(_i);
    up(8, ALL_FEATURES);
    for (int r = 0; r < 3; r++)
        ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_IN, 0, VD_DATA_ADDR, 512, NULL),
                         VIRTIO_BLK_S_OK);
    ck_assert(m.irq.level);
    vd_reg_write(&m, VD_STATUS, 0);
    ck_assert_uint_eq(vd_reg_read(&m, VD_STATUS), 0);
    ck_assert_uint_eq(vd_reg_read(&m, VD_INT_STATUS), 0);
    ck_assert(!m.irq.level);
    ck_assert_uint_eq(vd_reg_read(&m, VD_QUEUE_PFN), 0);
    ck_assert_uint_eq(vd_reg_read(&m, VD_QUEUE_READY), 0);
    ck_assert(!virtio_driver_has_feature(m.vm, VIRTIO_BLK_F_FLUSH));
    /* The old rings are still in RAM with avail idx 3: a device that did not reset
     * its indices would be confused by the new, zeroed rings. */
    up(8, ALL_FEATURES);
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_IN, 1, VD_DATA_ADDR, 512, NULL),
                     VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(vd_ram(&m, VD_DATA_ADDR, 512), disk.data + 512, 512);
    ck_assert_uint_eq(vd_used_idx(&drv), 1);

    /* A machine reset does the same. */
    virtio_mmio_reset(m.vm);
    ck_assert_uint_eq(vd_reg_read(&m, VD_STATUS), 0);
    ck_assert(!m.irq.level);
    teardown();
}
END_TEST

/* xv6 as it was (legacy): FEATURES_OK written even on v1, no QueueAlign (the default
 * 4096 applies), NUM 8. */
START_TEST(test_xv6_legacy_sequence)
{
    start_disk(1);
    ck_assert_uint_eq(vd_reg_read(&m, VD_VERSION), 1);
    uint32_t status = VIRTIO_STATUS_ACKNOWLEDGE;
    vd_reg_write(&m, VD_STATUS, status);
    status |= VIRTIO_STATUS_DRIVER;
    vd_reg_write(&m, VD_STATUS, status);
    uint32_t features = vd_reg_read(&m, VD_DEV_FEATURES);
    features &= ~(1u << VIRTIO_BLK_F_RO | 1u << 7 | 1u << 11 | 1u << 12 | 1u << 27 |
                  1u << 28 | 1u << 29);
    vd_reg_write(&m, VD_DRV_FEATURES, features);
    status |= VIRTIO_STATUS_FEATURES_OK;
    vd_reg_write(&m, VD_STATUS, status);
    status |= VIRTIO_STATUS_DRIVER_OK;
    vd_reg_write(&m, VD_STATUS, status);
    vd_reg_write(&m, VD_GUEST_PAGE_SIZE, VD_PAGE);
    vd_reg_write(&m, VD_QUEUE_SEL, 0);
    ck_assert_uint_ge(vd_reg_read(&m, VD_QUEUE_NUM_MAX), 8);
    vd_reg_write(&m, VD_QUEUE_NUM, 8);
    memset(vd_ram(&m, VD_QUEUE_BASE, 2 * VD_PAGE), 0, 2 * VD_PAGE);
    vd_reg_write(&m, VD_QUEUE_PFN, VD_QUEUE_BASE / VD_PAGE);
    ck_assert_uint_eq(vd_reg_read(&m, VD_STATUS), status);

    /* The driver's view of the layout: desc, avail right after, used on the next page. */
    memset(&drv, 0, sizeof drv);
    drv.m = &m;
    drv.num = 8;
    drv.desc = VD_QUEUE_BASE;
    drv.avail = VD_QUEUE_BASE + 8 * 16;
    drv.used = VD_QUEUE_BASE + VD_PAGE;
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_IN, 2, VD_DATA_ADDR, 1024, NULL),
                     VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(vd_ram(&m, VD_DATA_ADDR, 1024), disk.data + 2 * 512, 1024);
    ck_assert_uint_eq(disk.flushes, 0);
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_OUT, 2, VD_DATA_ADDR, 1024, NULL),
                     VIRTIO_BLK_S_OK);
    /* This xv6 keeps VIRTIO_BLK_F_FLUSH (its mask does not name it) yet never sends a
     * FLUSH: write-back, made durable by the host's flush on exit. */
    ck_assert(virtio_driver_has_feature(m.vm, VIRTIO_BLK_F_FLUSH));
    ck_assert_uint_eq(disk.flushes, 0);
    teardown();
}
END_TEST

/* xv6 today (v2): writes only the low feature word, so never accepts VERSION_1; three
 * separate pages for the areas. rvbox still serves it, as QEMU does. */
START_TEST(test_xv6_modern_sequence)
{
    start_disk(2);
    ck_assert_uint_eq(vd_reg_read(&m, VD_VERSION), 2);
    vd_reg_write(&m, VD_STATUS, 0);
    uint32_t status = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
    vd_reg_write(&m, VD_STATUS, status);
    uint32_t features = vd_reg_read(&m, VD_DEV_FEATURES) & ~(1u << VIRTIO_BLK_F_FLUSH);
    vd_reg_write(&m, VD_DRV_FEATURES, features);
    status |= VIRTIO_STATUS_FEATURES_OK;
    vd_reg_write(&m, VD_STATUS, status);
    ck_assert(vd_reg_read(&m, VD_STATUS) & VIRTIO_STATUS_FEATURES_OK);
    vd_reg_write(&m, VD_QUEUE_SEL, 0);
    ck_assert_uint_eq(vd_reg_read(&m, VD_QUEUE_READY), 0);
    vd_reg_write(&m, VD_QUEUE_NUM, 8);
    memset(vd_ram(&m, VD_QUEUE_BASE, 3 * VD_PAGE), 0, 3 * VD_PAGE);
    vd_reg_write(&m, VD_QUEUE_DESC_LO, VD_QUEUE_BASE);
    vd_reg_write(&m, VD_QUEUE_DESC_HI, 0);
    vd_reg_write(&m, VD_QUEUE_DRIVER_LO, VD_QUEUE_BASE + VD_PAGE);
    vd_reg_write(&m, VD_QUEUE_DRIVER_HI, 0);
    vd_reg_write(&m, VD_QUEUE_DEVICE_LO, VD_QUEUE_BASE + 2 * VD_PAGE);
    vd_reg_write(&m, VD_QUEUE_DEVICE_HI, 0);
    vd_reg_write(&m, VD_QUEUE_READY, 1);
    status |= VIRTIO_STATUS_DRIVER_OK;
    vd_reg_write(&m, VD_STATUS, status);

    memset(&drv, 0, sizeof drv);
    drv.m = &m;
    drv.num = 8;
    drv.desc = VD_QUEUE_BASE;
    drv.avail = VD_QUEUE_BASE + VD_PAGE;
    drv.used = VD_QUEUE_BASE + 2 * VD_PAGE;
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_IN, 7, VD_DATA_ADDR, 1024, NULL),
                     VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(vd_ram(&m, VD_DATA_ADDR, 1024), disk.data + 7 * 512, 1024);
    /* xv6's interrupt handler: ACK what InterruptStatus says. */
    vd_reg_write(&m, VD_INT_ACK, vd_reg_read(&m, VD_INT_STATUS) & 3);
    ck_assert(!m.irq.level);
    /* This xv6 declines VIRTIO_BLK_F_FLUSH: every write is flushed (write-through). */
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_OUT, 7, VD_DATA_ADDR, 512, NULL),
                     VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(disk.flushes, 1);
    teardown();
}
END_TEST

/* ---- malformed queues and chains: NEEDS_RESET, a configuration interrupt, no backend
 * call, no crash, one report saying why (-d guest_errors); and a reset brings the device
 * back ---- */

/* Each scenario sets up queue 0 (8 entries) wrongly and notifies. */
static void bad_loop(void)
{
    vd_set_desc(&drv, 0, VD_HDR_ADDR, 16, VD_DESC_F_NEXT, 1);
    vd_set_desc(&drv, 1, VD_DATA_ADDR, 512, VD_DESC_F_NEXT, 0);     /* back to 0 */
    vd_make_avail(&drv, 0, true);
}

static void bad_next_index(void)
{
    vd_set_desc(&drv, 0, VD_HDR_ADDR, 16, VD_DESC_F_NEXT, 8);       /* num is 8 */
    vd_make_avail(&drv, 0, true);
}

static void bad_head_index(void)
{
    vd_set_desc(&drv, 0, VD_HDR_ADDR, 16, VD_DESC_F_NEXT, 1);
    vd_set_desc(&drv, 1, VD_STATUS_ADDR, 1, VD_DESC_F_WRITE, 0);
    vd_make_avail(&drv, 200, true);
}

static void bad_writable_first(void)
{
    vd_set_desc(&drv, 0, VD_STATUS_ADDR, 1, VD_DESC_F_WRITE | VD_DESC_F_NEXT, 1);
    vd_set_desc(&drv, 1, VD_HDR_ADDR, 16, 0, 0);
    vd_make_avail(&drv, 0, true);
}

static void bad_buffer_not_ram(void)
{
    vd_set_desc(&drv, 0, VD_HDR_ADDR, 16, VD_DESC_F_NEXT, 1);
    vd_set_desc(&drv, 1, VD_MMIO_BASE, 512, VD_DESC_F_WRITE | VD_DESC_F_NEXT, 2);  /* MMIO */
    vd_set_desc(&drv, 2, VD_STATUS_ADDR, 1, VD_DESC_F_WRITE, 0);
    vd_make_avail(&drv, 0, true);
}

static void bad_buffer_past_ram(void)
{
    vd_set_desc(&drv, 0, VD_HDR_ADDR, 16, VD_DESC_F_NEXT, 1);
    vd_set_desc(&drv, 1, VD_RAM_BASE + VD_RAM_SIZE - 256, 512,     /* straddles the end */
                VD_DESC_F_WRITE | VD_DESC_F_NEXT, 2);
    vd_set_desc(&drv, 2, VD_STATUS_ADDR, 1, VD_DESC_F_WRITE, 0);
    vd_make_avail(&drv, 0, true);
}

static void bad_buffer_high_address(void)
{
    vd_set_desc(&drv, 0, (1ull << 32) | VD_HDR_ADDR, 16, VD_DESC_F_NEXT, 1);
    vd_set_desc(&drv, 1, VD_STATUS_ADDR, 1, VD_DESC_F_WRITE, 0);
    vd_make_avail(&drv, 0, true);
}

static void bad_indirect(void)
{
    vd_set_desc(&drv, 0, VD_DATA_ADDR, 32, VD_DESC_F_INDIRECT, 0);
    vd_make_avail(&drv, 0, true);
}

static void bad_avail_jump(void)
{
    vd_set_desc(&drv, 0, VD_HDR_ADDR, 16, VD_DESC_F_NEXT, 1);
    vd_set_desc(&drv, 1, VD_STATUS_ADDR, 1, VD_DESC_F_WRITE, 0);
    uint8_t *idx = vd_ram(&m, drv.avail + 2, 2);
    idx[0] = 9;                                 /* 9 new entries in a ring of 8 */
    vd_notify(&drv);
}

static void bad_queue_past_ram(void)
{
    /* Re-point queue 0 beyond RAM, then use it. */
    if (m.version == 1)
        vd_reg_write(&m, VD_QUEUE_PFN, (VD_RAM_BASE + VD_RAM_SIZE) / VD_PAGE);
    else
        vd_reg_write(&m, VD_QUEUE_DEVICE_LO, VD_RAM_BASE + VD_RAM_SIZE - 16);
    bad_head_index();
}

static void bad_queue_high_address(void)
{
    if (m.version == 1)
        vd_reg_write(&m, VD_GUEST_PAGE_SIZE, 1u << 20);    /* PFN * page >= 4 GiB */
    else
        vd_reg_write(&m, VD_QUEUE_DESC_HI, 1);
    vd_set_desc(&drv, 0, VD_HDR_ADDR, 16, VD_DESC_F_NEXT, 1);
    vd_set_desc(&drv, 1, VD_STATUS_ADDR, 1, VD_DESC_F_WRITE, 0);
    vd_make_avail(&drv, 0, true);
}

static void bad_queue_size(void)
{
    vd_reg_write(&m, VD_QUEUE_NUM, 6);          /* not a power of 2 */
    vd_set_desc(&drv, 0, VD_HDR_ADDR, 16, VD_DESC_F_NEXT, 1);
    vd_set_desc(&drv, 1, VD_STATUS_ADDR, 1, VD_DESC_F_WRITE, 0);
    vd_make_avail(&drv, 0, true);
}

static void bad_queue_too_big(void)
{
    vd_reg_write(&m, VD_QUEUE_NUM, vd_reg_read(&m, VD_QUEUE_NUM_MAX) * 2);
    vd_set_desc(&drv, 0, VD_HDR_ADDR, 16, VD_DESC_F_NEXT, 1);
    vd_set_desc(&drv, 1, VD_STATUS_ADDR, 1, VD_DESC_F_WRITE, 0);
    vd_make_avail(&drv, 0, true);
}

static void (*const bad_scenarios[])(void) = {
    bad_loop, bad_next_index, bad_head_index, bad_writable_first, bad_buffer_not_ram,
    bad_buffer_past_ram, bad_buffer_high_address, bad_indirect, bad_avail_jump,
    bad_queue_past_ram, bad_queue_high_address, bad_queue_size, bad_queue_too_big,
};
#define N_BAD (sizeof bad_scenarios / sizeof bad_scenarios[0])

/* What -d guest_errors says for each (bus/log.h): the reason, in the report. */
static const char *const bad_reasons[N_BAD] = {
    "a descriptor chain is longer than the table (a loop?)",
    "a descriptor index is past the end of the table",
    "a descriptor index is past the end of the table",
    "a device-readable buffer after a device-writable one",
    "a buffer the device must write is not in RAM",
    "a buffer the device must write is not in RAM",
    "a buffer the device must read is not in RAM",
    "an indirect descriptor (VIRTIO_F_INDIRECT_DESC was not offered)",
    "the available ring's idx moved by more than the ring holds",
    "is not in RAM",
    "is not in RAM",
    "QueueNum is not a power of 2",
    "QueueNum is larger than QueueNumMax",
};

static char last_report[256];
static unsigned reports;

static void report_sink(void *opaque, enum guest_log_kind kind, const char *site,
                        const char *msg)
{
    (void)opaque, (void)site;
    ck_assert_int_eq(kind, GUEST_LOG_ERROR);
    snprintf(last_report, sizeof last_report, "%s", msg);
    reports++;
}

START_TEST(test_malformed)
{
    unsigned version = 1 + _i % 2, scenario = _i / 2;
    start_disk(version);
    up(8, ALL_FEATURES);
    struct guest_log *log = bus_log(m.bus);
    log->mask = GUEST_LOG_ERROR;
    log->sink = report_sink;
    reports = 0;
    bad_scenarios[scenario]();
    ck_assert_uint_eq(reports, 1);
    ck_assert_msg(strstr(last_report, "queue 0: ") && strstr(last_report, bad_reasons[scenario])
                  && strstr(last_report, "needs a reset"),
                  "v%u scenario %u: the report says \"%s\"", version, scenario, last_report);

    uint32_t status = vd_reg_read(&m, VD_STATUS);
    ck_assert_msg(status & VIRTIO_STATUS_NEEDS_RESET,
                  "v%u scenario %u: status 0x%x without NEEDS_RESET", version, scenario, status);
    ck_assert(status & VIRTIO_STATUS_DRIVER_OK);        /* the driver's bits stay */
    ck_assert_uint_eq(vd_reg_read(&m, VD_INT_STATUS) & 2, 2);
    ck_assert(m.irq.level);
    ck_assert_uint_eq(backend_calls(), 0);
    ck_assert_uint_eq(vd_used_idx(&drv), 0);

    /* Broken until reset: notifications are ignored, the driver cannot clear the bit. */
    vd_notify(&drv);
    vd_reg_write(&m, VD_STATUS, status & ~(uint32_t)VIRTIO_STATUS_NEEDS_RESET);
    ck_assert(vd_reg_read(&m, VD_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
    ck_assert_uint_eq(backend_calls(), 0);

    /* Reset and start again: the device serves requests. */
    up(8, ALL_FEATURES);
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_IN, 4, VD_DATA_ADDR, 512, NULL),
                     VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(vd_ram(&m, VD_DATA_ADDR, 512), disk.data + 4 * 512, 512);
    teardown();
}
END_TEST

/* A chain longer than VIRTQ_MAX_CHAIN, with no loop, in a queue large enough to hold it. */
START_TEST(test_chain_too_long)
{
    start_disk(_i);
    up(128, ALL_FEATURES);
    unsigned n = VIRTQ_MAX_CHAIN + 1;
    vd_set_desc(&drv, 0, VD_HDR_ADDR, 16, VD_DESC_F_NEXT, 1);
    for (unsigned i = 1; i < n - 1; i++)
        vd_set_desc(&drv, i, VD_DATA_ADDR + 512 * i, 512, VD_DESC_F_NEXT | VD_DESC_F_WRITE,
                    (uint16_t)(i + 1));
    vd_set_desc(&drv, n - 1, VD_STATUS_ADDR, 1, VD_DESC_F_WRITE, 0);
    vd_make_avail(&drv, 0, true);
    ck_assert(vd_reg_read(&m, VD_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
    ck_assert_uint_eq(backend_calls(), 0);

    /* One descriptor fewer is a legal request of 62 sectors. */
    up(128, ALL_FEATURES);
    n = VIRTQ_MAX_CHAIN;
    uint8_t *hdr = vd_ram(&m, VD_HDR_ADDR, 16);
    memset(hdr, 0, 16);
    vd_set_desc(&drv, 0, VD_HDR_ADDR, 16, VD_DESC_F_NEXT, 1);
    for (unsigned i = 1; i < n - 1; i++)
        vd_set_desc(&drv, i, VD_DATA_ADDR + 512 * (i - 1), 512,
                    VD_DESC_F_NEXT | VD_DESC_F_WRITE, (uint16_t)(i + 1));
    vd_set_desc(&drv, n - 1, VD_STATUS_ADDR, 1, VD_DESC_F_WRITE, 0);
    vd_make_avail(&drv, 0, true);
    uint32_t id, len;
    ck_assert(vd_take_used(&drv, &id, &len));
    ck_assert_uint_eq(len, 512 * (n - 2) + 1);
    ck_assert_uint_eq(*vd_ram(&m, VD_STATUS_ADDR, 1), VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(vd_ram(&m, VD_DATA_ADDR, 512 * (n - 2)), disk.data, 512 * (n - 2));
    teardown();
}
END_TEST

/* ---- long requests in slices: no request holds the host for more than a slice's
 * worth of work (VBLK_SLICE_BYTES per vblk_update); small ones still complete at once ---- */

#define MIB             (1u << 20)
#define BIG             (8 * MIB)               /* a request of 8 slices */
#define BIG_DISK        (16 * MIB)
#define SL_QUEUE        256
#define SL_MAX_PIECES   4

/* A request with its own header and status byte (so that several can be outstanding) in
 * descriptors slot * 6 and on: the header, `len` bytes of data at `data_addr` cut into
 * `pieces` equal buffers (none when len is 0), the status byte. Made available, and
 * notified if `notify`. Returns its head. */
static uint16_t sl_submit(unsigned slot, uint32_t type, uint64_t sector, uint32_t data_addr,
                          uint32_t len, unsigned pieces, bool notify)
{
    ck_assert_uint_le(pieces, SL_MAX_PIECES);
    uint32_t hdr_addr = VD_HDR_ADDR + 16 * (slot % 16), status_addr = VD_STATUS_ADDR + slot;
    uint8_t *hdr = vd_ram(&m, hdr_addr, 16);
    memset(hdr, 0, 16);
    hdr[0] = (uint8_t)type;
    for (unsigned i = 0; i < 8; i++)
        hdr[8 + i] = (uint8_t)(sector >> (8 * i));
    *vd_ram(&m, status_addr, 1) = 0xff;

    uint16_t first = (uint16_t)(slot * (2 + SL_MAX_PIECES)), d = first;
    uint16_t dw = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID ? VD_DESC_F_WRITE : 0;
    vd_set_desc(&drv, d, hdr_addr, 16, VD_DESC_F_NEXT, (uint16_t)(d + 1));
    d++;
    for (unsigned p = 0; len && p < pieces; p++, d++)
        vd_set_desc(&drv, d, data_addr + p * (len / pieces), len / pieces,
                    VD_DESC_F_NEXT | dw, (uint16_t)(d + 1));
    vd_set_desc(&drv, d, status_addr, 1, VD_DESC_F_WRITE, 0);
    vd_make_avail(&drv, first, notify);
    return first;
}

static uint8_t sl_status(unsigned slot)
{
    return *vd_ram(&m, VD_STATUS_ADDR + slot, 1);
}

/* The next used entry is `head`, `len` bytes long. */
static void sl_take(uint16_t head, uint32_t len)
{
    uint32_t id, got;
    ck_assert(vd_take_used(&drv, &id, &got));
    ck_assert_uint_eq(id, head);
    ck_assert_uint_eq(got, len);
}

/* Call vblk_update until the used ring holds `want` entries; returns how many calls it
 * took, failing past `max`. */
static unsigned sl_updates_until_used(uint16_t want, unsigned max)
{
    unsigned n = 0;
    while (vd_used_idx(&drv) != want) {
        ck_assert_msg(n < max, "used ring at %u, not %u, after %u updates", vd_used_idx(&drv),
                      want, n);
        vblk_update(blk);
        n++;
    }
    return n;
}

static void sl_fill(uint32_t addr, uint32_t len, uint8_t seed)
{
    uint8_t *p = vd_ram(&m, addr, len);
    for (uint32_t i = 0; i < len; i++)
        p[i] = (uint8_t)(seed + i * 13 + (i >> 12));
}

/* An 8 MiB read: served over several updates, completed (status, used entry, interrupt)
 * exactly once, at the end, with every byte in place. */
START_TEST(test_large_read)
{
    start(_i, BIG_DISK, BIG_DISK, false);
    up(SL_QUEUE, ALL_FEATURES);
    memset(vd_ram(&m, VD_BIG_ADDR, BIG + 16), 0x5a, BIG + 16);
    uint16_t head = sl_submit(0, VIRTIO_BLK_T_IN, 2048, VD_BIG_ADDR, BIG, 1, true);
    ck_assert(vblk_busy(blk));
    unsigned n = 0;
    while (vd_used_idx(&drv) == 0) {
        ck_assert_uint_eq(sl_status(0), 0xff);
        ck_assert(!m.irq.level);
        ck_assert(vblk_busy(blk));
        ck_assert_uint_le(disk.read_bytes, (uint64_t)(n + 1) * VBLK_SLICE_BYTES);
        ck_assert_uint_le(n, BIG / VBLK_SLICE_BYTES + 1);
        vblk_update(blk);
        n++;
    }
    ck_assert_uint_ge(n, BIG / VBLK_SLICE_BYTES - 1);
    ck_assert(!vblk_busy(blk));
    sl_take(head, BIG + 1);
    ck_assert_uint_eq(sl_status(0), VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(vd_ram(&m, VD_BIG_ADDR, BIG), disk.data + 2048 * 512, BIG);
    ck_assert_uint_eq(*vd_ram(&m, VD_BIG_ADDR + BIG, 1), 0x5a);
    ck_assert_uint_eq(disk.read_bytes, BIG);
    ck_assert_uint_eq(m.irq.raises, 1);
    ck_assert_uint_eq(vd_reg_read(&m, VD_INT_STATUS), 1);
    for (int i = 0; i < 3; i++)
        vblk_update(blk);
    ck_assert_uint_eq(vd_used_idx(&drv), 1);
    ck_assert_uint_eq(m.irq.raises, 1);
    teardown();
}
END_TEST

/* An 8 MiB write cut into four buffers, for a driver without VIRTIO_BLK_F_FLUSH: the data
 * reaches the disk piece by piece, the write-through flush comes once, at the end; then
 * read back in slices too. */
START_TEST(test_large_write)
{
    start(_i, BIG_DISK, BIG_DISK, false);
    up(SL_QUEUE, 0);
    sl_fill(VD_BIG_ADDR, BIG, 0x21);
    uint8_t before = disk.data[4096 * 512 - 1], after = disk.data[4096 * 512 + BIG];
    uint16_t head = sl_submit(0, VIRTIO_BLK_T_OUT, 4096, VD_BIG_ADDR, BIG, 4, true);
    unsigned n = 0;
    while (vd_used_idx(&drv) == 0) {
        ck_assert_uint_eq(disk.flushes, 0);
        ck_assert_uint_eq(sl_status(0), 0xff);
        ck_assert_uint_le(n, BIG / VBLK_SLICE_BYTES + 1);
        vblk_update(blk);
        n++;
    }
    ck_assert_uint_ge(n, BIG / VBLK_SLICE_BYTES - 1);
    sl_take(head, 1);
    ck_assert_uint_eq(sl_status(0), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(disk.flushes, 1);
    ck_assert_uint_eq(disk.written_bytes, BIG);
    ck_assert_mem_eq(disk.data + 4096 * 512, vd_ram(&m, VD_BIG_ADDR, BIG), BIG);
    ck_assert_uint_eq(disk.data[4096 * 512 - 1], before);
    ck_assert_uint_eq(disk.data[4096 * 512 + BIG], after);

    memset(vd_ram(&m, VD_BIG_ADDR + BIG, BIG), 0, BIG);
    head = sl_submit(1, VIRTIO_BLK_T_IN, 4096, VD_BIG_ADDR + BIG, BIG, 2, true);
    sl_updates_until_used(2, BIG / VBLK_SLICE_BYTES + 2);
    sl_take(head, BIG + 1);
    ck_assert_uint_eq(sl_status(1), VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(vd_ram(&m, VD_BIG_ADDR + BIG, BIG), vd_ram(&m, VD_BIG_ADDR, BIG), BIG);
    teardown();
}
END_TEST

/* Small requests complete inside the notification, without any update (boot speed);
 * and again once a large request is done and a new slice began. */
START_TEST(test_small_in_notify)
{
    start(_i, BIG_DISK, BIG_DISK, false);
    up(SL_QUEUE, ALL_FEATURES);
    for (uint32_t r = 0; r < 64; r++) {
        ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_IN, 8 * r, VD_DATA_ADDR, 4096, NULL),
                         VIRTIO_BLK_S_OK);
        ck_assert_mem_eq(vd_ram(&m, VD_DATA_ADDR, 4096), disk.data + 8 * r * 512, 4096);
    }
    ck_assert(!vblk_busy(blk));

    uint16_t used = vd_used_idx(&drv);
    drv.used_seen = used;
    sl_submit(0, VIRTIO_BLK_T_IN, 0, VD_BIG_ADDR, BIG, 1, true);
    sl_updates_until_used((uint16_t)(used + 1), BIG / VBLK_SLICE_BYTES + 2);
    drv.used_seen++;
    vblk_update(blk);
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_IN, 1, VD_DATA_ADDR, 4096, NULL),
                     VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(vd_ram(&m, VD_DATA_ADDR, 4096), disk.data + 512, 4096);
    teardown();
}
END_TEST

/* Notifications while a request is half done only mark the queue: nothing is popped
 * twice or lost, and requests complete in order. */
START_TEST(test_notify_while_pending)
{
    start(_i, BIG_DISK, BIG_DISK, false);
    up(SL_QUEUE, ALL_FEATURES);
    uint16_t big = sl_submit(0, VIRTIO_BLK_T_IN, 0, VD_BIG_ADDR, BIG, 1, true);
    for (int i = 0; i < 5; i++)
        vd_notify(&drv);
    ck_assert_uint_eq(vd_used_idx(&drv), 0);
    uint16_t small = sl_submit(1, VIRTIO_BLK_T_IN, 100, VD_DATA_ADDR, 4096, 1, true);
    vblk_update(blk);
    for (int i = 0; i < 3; i++)
        vd_notify(&drv);
    ck_assert_uint_eq(vd_used_idx(&drv), 0);    /* the small one waits behind the big one */
    sl_updates_until_used(2, BIG / VBLK_SLICE_BYTES + 2);
    sl_take(big, BIG + 1);
    sl_take(small, 4096 + 1);
    ck_assert_uint_eq(sl_status(0), VIRTIO_BLK_S_OK);
    ck_assert_uint_eq(sl_status(1), VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(vd_ram(&m, VD_BIG_ADDR, BIG), disk.data, BIG);
    ck_assert_mem_eq(vd_ram(&m, VD_DATA_ADDR, 4096), disk.data + 100 * 512, 4096);
    ck_assert_uint_eq(disk.read_bytes, BIG + 4096);         /* each served once */
    ck_assert(!vblk_busy(blk));
    for (int i = 0; i < 3; i++) {
        vd_notify(&drv);
        vblk_update(blk);
    }
    ck_assert_uint_eq(vd_used_idx(&drv), 2);
    ck_assert_uint_eq(disk.read_bytes, BIG + 4096);
    teardown();
}
END_TEST

/* A reset by the driver (Status 0) or of the machine drops the request in progress: no
 * more backend calls, no used entry; the device then serves a new driver. */
START_TEST(test_reset_while_pending)
{
    start(_i, BIG_DISK, BIG_DISK, false);
    up(SL_QUEUE, ALL_FEATURES);
    sl_submit(0, VIRTIO_BLK_T_IN, 0, VD_BIG_ADDR, BIG, 1, true);
    vblk_update(blk);
    ck_assert(vblk_busy(blk));
    vd_reg_write(&m, VD_STATUS, 0);
    ck_assert(!vblk_busy(blk));
    unsigned calls = backend_calls();
    for (int i = 0; i < 10; i++)
        vblk_update(blk);
    ck_assert_uint_eq(backend_calls(), calls);
    ck_assert_uint_eq(vd_used_idx(&drv), 0);
    ck_assert_uint_eq(sl_status(0), 0xff);
    ck_assert(!m.irq.level);

    up(SL_QUEUE, ALL_FEATURES);
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_IN, 3, VD_DATA_ADDR, 512, NULL),
                     VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(vd_ram(&m, VD_DATA_ADDR, 512), disk.data + 3 * 512, 512);

    /* A write half done, then the machine's reset. */
    sl_fill(VD_BIG_ADDR, BIG, 0x77);
    sl_submit(1, VIRTIO_BLK_T_OUT, 0, VD_BIG_ADDR, BIG, 2, true);
    vblk_update(blk);
    ck_assert(vblk_busy(blk));
    virtio_mmio_reset(m.vm);
    ck_assert(!vblk_busy(blk));
    calls = backend_calls();
    for (int i = 0; i < 10; i++)
        vblk_update(blk);
    ck_assert_uint_eq(backend_calls(), calls);
    ck_assert_uint_lt(disk.written_bytes, BIG);
    up(SL_QUEUE, ALL_FEATURES);
    ck_assert_int_eq(vd_blk_request(&drv, VIRTIO_BLK_T_FLUSH, 0, 0, 0, NULL), VIRTIO_BLK_S_OK);
    teardown();
}
END_TEST

/* One slice's credit is shared by every notification in it: half a slice completes, the
 * second half-slice request does not fit, and what comes after it waits too. */
START_TEST(test_credit_shared)
{
    start(_i, BIG_DISK, BIG_DISK, false);
    up(SL_QUEUE, ALL_FEATURES);
    uint32_t half = VBLK_SLICE_BYTES / 2;
    uint16_t a = sl_submit(0, VIRTIO_BLK_T_IN, 0, VD_BIG_ADDR, half, 1, true);
    ck_assert_uint_eq(vd_used_idx(&drv), 1);
    uint16_t b = sl_submit(1, VIRTIO_BLK_T_IN, 0, VD_BIG_ADDR + half, half, 1, true);
    ck_assert_uint_eq(vd_used_idx(&drv), 1);
    uint16_t c = sl_submit(2, VIRTIO_BLK_T_GET_ID, 0, VD_DATA_ADDR, 20, 1, true);
    ck_assert_uint_eq(vd_used_idx(&drv), 1);
    ck_assert(vblk_busy(blk));
    vblk_update(blk);
    ck_assert_uint_eq(vd_used_idx(&drv), 3);
    sl_take(a, half + 1);
    sl_take(b, half + 1);
    sl_take(c, 20 + 1);
    ck_assert_mem_eq(vd_ram(&m, VD_BIG_ADDR, half), disk.data, half);
    ck_assert_mem_eq(vd_ram(&m, VD_BIG_ADDR + half, half), disk.data, half);
    ck_assert_mem_eq(vd_ram(&m, VD_DATA_ADDR, 12), SERIAL, 12);
    teardown();
}
END_TEST

/* Requests without data cost something too: a ring full of FLUSH requests is not served
 * in one go, but all of it is served over a few updates. */
START_TEST(test_empty_requests_bounded)
{
    start(_i, BIG_DISK, BIG_DISK, false);
    up(SL_QUEUE, ALL_FEATURES);
    enum { N = 40 };
    for (unsigned r = 0; r < N; r++)
        sl_submit(r, VIRTIO_BLK_T_FLUSH, 0, 0, 0, 0, false);
    vd_notify(&drv);
    uint16_t at_once = vd_used_idx(&drv);
    ck_assert_uint_gt(at_once, 0);
    ck_assert_uint_lt(at_once, N);
    sl_updates_until_used(N, N);
    ck_assert_uint_eq(disk.flushes, N);
    for (unsigned r = 0; r < N; r++) {
        sl_take((uint16_t)(r * (2 + SL_MAX_PIECES)), 1);
        ck_assert_uint_eq(sl_status(r), VIRTIO_BLK_S_OK);
    }
    ck_assert(!vblk_busy(blk));
    teardown();
}
END_TEST

/* A notification that finds nothing (the queue not set up, or empty) leaves no work
 * behind: the host may sleep. */
START_TEST(test_idle_after_empty_notify)
{
    start(_i, BIG_DISK, BIG_DISK, false);
    vd_reg_write(&m, VD_QUEUE_NOTIFY, 0);
    ck_assert(!vblk_busy(blk));
    up(SL_QUEUE, ALL_FEATURES);
    vd_notify(&drv);
    ck_assert(!vblk_busy(blk));
    teardown();
}
END_TEST

static void null_write(void *opaque, uint8_t byte)
{
    (void)opaque, (void)byte;
}

static int null_read(void *opaque)
{
    (void)opaque;
    return -1;
}

/* The whole board: each machine_run serves a slice of the request (the machine calls
 * vblk_update), and an idle machine is told not to sleep while the disk is busy. A
 * machine destroyed with a request half done frees everything (the sanitizer build
 * checks). */
START_TEST(test_machine_serves_in_runs)
{
    md_init(&disk, BIG_DISK, BIG_DISK, false);
    struct machine_config cfg = {
        .ram_size = VD_RAM_SIZE, .start_pc = MEMMAP_RAM_BASE, .virtio_version = _i,
        .console = { .write = null_write, .read = null_read },
        .disks = { &disk.bd },
    };
    char err[200] = "";
    struct machine *mm = machine_create(&cfg, err, sizeof err);
    ck_assert_msg(mm, "%s", err);
    test_use_engine(machine_hart(mm));
    /* The hart waits for an interrupt, none enabled: wfi; j .-4 */
    static const uint8_t code[] = { 0x73, 0x00, 0x50, 0x10, 0x6f, 0xf0, 0xdf, 0xff };
    memcpy(machine_ram(mm, MEMMAP_RAM_BASE, sizeof code), code, sizeof code);
    ck_assert_int_eq(machine_run(mm, 100), MACHINE_IDLE);
    ck_assert_uint_ne(machine_next_event_ns(mm), 0);

    /* The fake driver, on slot 0 of the board. */
    ck_assert_uint_eq(VD_MMIO_BASE, MEMMAP_VIRTIO_BASE);
    memset(&m, 0, sizeof m);
    m.bus = machine_bus(mm);
    m.ram = machine_ram(mm, VD_RAM_BASE, VD_RAM_SIZE);
    m.version = _i;
    up(SL_QUEUE, ALL_FEATURES);
    uint16_t head = sl_submit(0, VIRTIO_BLK_T_IN, 0, VD_BIG_ADDR, BIG, 1, true);
    unsigned runs = 0;
    while (vd_used_idx(&drv) == 0) {
        ck_assert_uint_eq(machine_next_event_ns(mm), 0);
        ck_assert_uint_le(runs, BIG / VBLK_SLICE_BYTES + 1);
        ck_assert_int_eq(machine_run(mm, 100), MACHINE_IDLE);
        runs++;
    }
    ck_assert_uint_ge(runs, BIG / VBLK_SLICE_BYTES - 1);
    sl_take(head, BIG + 1);
    ck_assert_uint_eq(sl_status(0), VIRTIO_BLK_S_OK);
    ck_assert_mem_eq(vd_ram(&m, VD_BIG_ADDR, BIG), disk.data, BIG);
    ck_assert_uint_ne(machine_next_event_ns(mm), 0);

    sl_submit(1, VIRTIO_BLK_T_IN, 0, VD_BIG_ADDR, BIG, 1, true);
    ck_assert_uint_eq(machine_next_event_ns(mm), 0);
    machine_destroy(mm);
    free(disk.data);
    disk.data = NULL;
}
END_TEST

/* ---- the transport's device API, with a probe device in place of virtio-blk ---- */

struct probe {
    struct virtio_mmio *vm;
    enum virtq_pop_result results[4];
    unsigned calls;
    struct virtq_chain chain;
    unsigned resets;
};

static void probe_notify(void *dev, unsigned q)
{
    struct probe *p = dev;
    ck_assert_uint_eq(q, 0);
    for (unsigned i = 0; i < 4; i++)
        p->results[i] = virtq_pop(p->vm, 0, &p->chain);
    p->calls++;
}

static void probe_reset(void *dev)
{
    ((struct probe *)dev)->resets++;
}

START_TEST(test_pop_api)
{
    vd_machine_init(&m, _i);
    struct probe p = { .vm = m.vm };
    struct virtio_device_ops ops = {
        .device_id = 42, .num_queues = 1, .queue_max = 16, .features = 0,
        .queue_notify = probe_notify, .reset = probe_reset,
    };
    virtio_mmio_set_device(m.vm, &ops, &p);
    ck_assert_uint_eq(vd_reg_read(&m, VD_DEVICE_ID), 42);
    up(16, 0);
    ck_assert_uint_eq(p.resets, 1);             /* the driver's Status 0 */

    /* A good chain: two readable, two writable, reported in order. */
    vd_set_desc(&drv, 9, VD_DATA_ADDR, 10, VD_DESC_F_NEXT, 3);
    vd_set_desc(&drv, 3, VD_DATA_ADDR + 100, 20, VD_DESC_F_NEXT, 15);
    vd_set_desc(&drv, 15, VD_DATA_ADDR + 200, 30, VD_DESC_F_NEXT | VD_DESC_F_WRITE, 0);
    vd_set_desc(&drv, 0, VD_DATA_ADDR + 300, 40, VD_DESC_F_WRITE, 0);
    vd_make_avail(&drv, 9, true);
    ck_assert_uint_eq(p.calls, 1);
    ck_assert_int_eq(p.results[0], VIRTQ_GOT);
    ck_assert_int_eq(p.results[1], VIRTQ_EMPTY);
    ck_assert_uint_eq(p.chain.head, 9);
    ck_assert_uint_eq(p.chain.count, 4);
    static const uint32_t addrs[4] = { VD_DATA_ADDR, VD_DATA_ADDR + 100, VD_DATA_ADDR + 200,
                                       VD_DATA_ADDR + 300 };
    for (unsigned i = 0; i < 4; i++) {
        ck_assert_uint_eq(p.chain.bufs[i].addr, addrs[i]);
        ck_assert_uint_eq(p.chain.bufs[i].len, 10 * (i + 1));
        ck_assert(p.chain.bufs[i].device_writes == (i >= 2));
    }
    ck_assert(!m.irq.level);                    /* nothing pushed yet */
    virtq_push(m.vm, 0, 9, 70);
    uint32_t id, len;
    ck_assert(vd_take_used(&drv, &id, &len));
    ck_assert_uint_eq(id, 9);
    ck_assert_uint_eq(len, 70);
    ck_assert(m.irq.level);
    ck_assert_uint_eq(vd_reg_read(&m, VD_INT_STATUS), 1);

    /* DMA helpers: RAM yes, MMIO and past-the-end no. */
    uint8_t b[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, c[8];
    ck_assert(virtio_dma_write(m.vm, VD_DATA_ADDR, b, 8));
    ck_assert(virtio_dma_read(m.vm, VD_DATA_ADDR, c, 8));
    ck_assert_mem_eq(b, c, 8);
    ck_assert(!virtio_dma_read(m.vm, VD_MMIO_BASE, c, 4));
    ck_assert(!virtio_dma_write(m.vm, VD_RAM_BASE + VD_RAM_SIZE - 4, b, 8));

    /* A loop: MALFORMED once, then EMPTY (the device is broken until reset). */
    vd_set_desc(&drv, 1, VD_DATA_ADDR, 8, VD_DESC_F_NEXT, 2);
    vd_set_desc(&drv, 2, VD_DATA_ADDR, 8, VD_DESC_F_NEXT, 1);
    vd_make_avail(&drv, 1, true);
    ck_assert_int_eq(p.results[0], VIRTQ_MALFORMED);
    ck_assert_int_eq(p.results[1], VIRTQ_EMPTY);
    ck_assert(vd_reg_read(&m, VD_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
    ck_assert_uint_eq(vd_reg_read(&m, VD_INT_STATUS), 3);

    /* virtio_mmio_needs_reset by the device itself, after a reset. */
    vd_reg_write(&m, VD_STATUS, 0);
    ck_assert_uint_eq(p.resets, 2);
    ck_assert(!m.irq.level);
    virtio_mmio_needs_reset(m.vm);
    ck_assert_uint_eq(vd_reg_read(&m, VD_STATUS), VIRTIO_STATUS_NEEDS_RESET);
    ck_assert_uint_eq(vd_reg_read(&m, VD_INT_STATUS), 2);
    ck_assert(m.irq.level);
    vd_machine_fini(&m);
}
END_TEST

static Suite *virtio_suite(void)
{
    Suite *s = suite_create("virtio");
    TCase *regs = tcase_create("registers");
    tcase_add_loop_test(regs, test_identity, 1, 3);
    tcase_add_loop_test(regs, test_features, 1, 3);
    tcase_add_loop_test(regs, test_driver_init, 1, 3);
    tcase_add_test(regs, test_features_ok_refused);
    tcase_add_loop_test(regs, test_empty_slot, 1, 3);
    tcase_add_loop_test(regs, test_register_widths, 1, 3);
    tcase_add_loop_test(regs, test_capacity, 1, 3);
    tcase_add_loop_test(regs, test_capacity_high_word, 1, 3);
    tcase_add_loop_test(regs, test_interrupt_ack, 1, 3);
    tcase_add_loop_test(regs, test_reset, 1, 3);
    suite_add_tcase(s, regs);

    TCase *req = tcase_create("requests");
    tcase_add_loop_test(req, test_read, 1, 3);
    tcase_add_loop_test(req, test_write, 1, 3);
    tcase_add_loop_test(req, test_write_through, 1, 3);
    tcase_add_loop_test(req, test_flush, 1, 3);
    tcase_add_loop_test(req, test_get_id, 1, 3);
    tcase_add_loop_test(req, test_out_of_range, 1, 3);
    tcase_add_loop_test(req, test_bad_requests, 1, 3);
    tcase_add_loop_test(req, test_backend_read_error, 1, 3);
    tcase_add_loop_test(req, test_readonly, 1, 3);
    tcase_add_loop_test(req, test_any_layout, 1, 3);
    tcase_add_loop_test(req, test_batch_and_wrap, 1, 3);
    tcase_add_test(req, test_xv6_legacy_sequence);
    tcase_add_test(req, test_xv6_modern_sequence);
    suite_add_tcase(s, req);

    TCase *bad = tcase_create("malformed");
    tcase_add_loop_test(bad, test_malformed, 0, 2 * N_BAD);
    tcase_add_loop_test(bad, test_chain_too_long, 1, 3);
    tcase_add_loop_test(bad, test_pop_api, 1, 3);
    suite_add_tcase(s, bad);

    TCase *slices = tcase_create("slices");
    tcase_add_loop_test(slices, test_large_read, 1, 3);
    tcase_add_loop_test(slices, test_large_write, 1, 3);
    tcase_add_loop_test(slices, test_small_in_notify, 1, 3);
    tcase_add_loop_test(slices, test_notify_while_pending, 1, 3);
    tcase_add_loop_test(slices, test_reset_while_pending, 1, 3);
    tcase_add_loop_test(slices, test_credit_shared, 1, 3);
    tcase_add_loop_test(slices, test_empty_requests_bounded, 1, 3);
    tcase_add_loop_test(slices, test_idle_after_empty_notify, 1, 3);
    tcase_add_loop_test(slices, test_machine_serves_in_runs, 1, 3);
    suite_add_tcase(s, slices);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(virtio_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
