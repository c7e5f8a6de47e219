/*
 * Snapshots of each device (devices/snapshot.h) and the section format itself.
 *
 * Each device is put in a state worth keeping through its registers on a real bus (a
 * FIFO holding bytes, a claimed interrupt, an armed alarm, a request half done...), its
 * region saved, and loaded into a second, fresh device of the same kind: the check pass
 * must change nothing, the loaded device must save to the very same bytes, read the same
 * through its registers, drive its lines to the same levels, and go on exactly as the
 * first would.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bus/memmap.h"
#include "devices/clint.h"
#include "devices/framebuffer.h"
#include "devices/htif.h"
#include "devices/plic.h"
#include "devices/rtc.h"
#include "devices/snapshot.h"
#include "devices/syscon.h"
#include "devices/uart16550.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_input.h"
#include "devices/virtio_mmio.h"
#include "fakes.h"
#include "vdriver.h"

/* ---- helpers: a region saved as one section, and loaded back ---- */

static void save_region(struct bus *bus, uint32_t base, struct snap_writer *w)
{
    const struct bus_region *r = bus_find(bus, base);
    ck_assert_ptr_nonnull(r);
    ck_assert_msg(r->snap != NULL, "%s has no snapshot ops", r->name);
    snap_writer_init(w);
    snap_begin(w, r->snap->name, r->snap->version);
    r->snap->save(r->snap_opaque, w);
    snap_end(w);
    ck_assert(!snap_writer_failed(w));
}

static int load_pass(struct bus *bus, uint32_t base, const void *p, size_t len, bool apply,
                     char *err, size_t errlen)
{
    const struct bus_region *r = bus_find(bus, base);
    struct snap_ctx ctx = { .apply = apply, .err = err, .errlen = errlen };
    struct snap_reader top, sec;
    snap_reader_init(&top, &ctx, p, len);
    if (!snap_enter(&top, r->snap->name, r->snap->version, &sec))
        return -1;
    if (r->snap->load(r->snap_opaque, &sec) || !snap_leave(&sec))
        return -1;
    return snap_status(&top);
}

/* Load `saved` into the region at base: the check pass (after which the region must
 * save as before: nothing changed), then the apply pass and post_load. */
static int load_region(struct bus *bus, uint32_t base, const struct snap_writer *saved,
                       char *err, size_t errlen)
{
    struct snap_writer before, after;
    save_region(bus, base, &before);
    int rc = load_pass(bus, base, saved->buf, saved->len, false, err, errlen);
    save_region(bus, base, &after);
    ck_assert_uint_eq(before.len, after.len);
    ck_assert_msg(!memcmp(before.buf, after.buf, before.len), "the check pass changed it");
    snap_writer_free(&before);
    snap_writer_free(&after);
    if (rc)
        return rc;
    ck_assert_int_eq(load_pass(bus, base, saved->buf, saved->len, true, err, errlen), 0);
    const struct bus_region *r = bus_find(bus, base);
    if (r->snap->post_load)
        r->snap->post_load(r->snap_opaque);
    return 0;
}

/* Save a's region, load it into b's, and check b saves to the same bytes. */
static void roundtrip(struct bus *a, struct bus *b, uint32_t base)
{
    struct snap_writer wa, wb;
    char err[200] = "";
    save_region(a, base, &wa);
    ck_assert_msg(load_region(b, base, &wa, err, sizeof err) == 0, "%s", err);
    save_region(b, base, &wb);
    ck_assert_uint_eq(wa.len, wb.len);
    ck_assert_msg(!memcmp(wa.buf, wb.buf, wa.len), "the loaded device saves differently");
    snap_writer_free(&wa);
    snap_writer_free(&wb);
}

/* ---- the format ---- */

START_TEST(test_format_roundtrip)
{
    struct snap_writer w;
    snap_writer_init(&w);
    snap_begin(&w, "outer", 3);
    snap_put_u8(&w, 0xab);
    snap_put_u16(&w, 0xbeef);
    snap_begin(&w, "inner", 1);
    snap_put_u32(&w, 0x12345678);
    snap_put_u64(&w, 0x0123456789abcdefull);
    snap_put_bool(&w, true);
    snap_end(&w);
    snap_put_bytes(&w, "xyz", 3);
    snap_end(&w);
    /* Little-endian, length after the version. */
    ck_assert_uint_eq(w.buf[0], 5);
    ck_assert_mem_eq(w.buf + 1, "outer", 5);
    ck_assert_uint_eq(w.buf[6], 3);
    ck_assert_uint_eq(w.buf[10], w.len - 14);

    char err[200] = "";
    struct snap_ctx ctx = { .apply = true, .err = err, .errlen = sizeof err };
    struct snap_reader top, outer, inner;
    snap_reader_init(&top, &ctx, w.buf, w.len);
    ck_assert(snap_enter(&top, "outer", 3, &outer));
    ck_assert_uint_eq(snap_get_u8(&outer), 0xab);
    ck_assert_uint_eq(snap_get_u16(&outer), 0xbeef);
    char name[SNAP_NAME_MAX + 1];
    ck_assert(snap_peek_name(&outer, name));
    ck_assert_str_eq(name, "inner");
    ck_assert(snap_enter(&outer, "inner", 1, &inner));
    ck_assert_uint_eq(snap_get_u32(&inner), 0x12345678);
    ck_assert_uint_eq(snap_get_u64(&inner), 0x0123456789abcdefull);
    ck_assert(snap_get_bool(&inner));
    ck_assert(snap_leave(&inner));
    char xyz[3];
    snap_get_bytes(&outer, xyz, 3);
    ck_assert_mem_eq(xyz, "xyz", 3);
    ck_assert(snap_leave(&outer));
    ck_assert(snap_at_end(&top));
    ck_assert_int_eq(snap_status(&top), 0);
    snap_writer_free(&w);
}
END_TEST

/* A section of another name, another version, one read short or past its end: each
 * refused with a reason that names the section. */
START_TEST(test_format_refusals)
{
    struct snap_writer w;
    snap_writer_init(&w);
    snap_begin(&w, "thing", 2);
    snap_put_u32(&w, 7);
    snap_put_u8(&w, 2);             /* not a flag */
    snap_end(&w);

    char err[200];
    struct snap_reader top, sec;
    struct snap_ctx ctx = { .err = err, .errlen = sizeof err };

    snap_reader_init(&top, &ctx, w.buf, w.len);
    ck_assert(!snap_enter(&top, "other", 2, &sec));
    ck_assert_msg(strstr(err, "found section thing where other was expected"), "%s", err);

    ctx.failed = false;
    snap_reader_init(&top, &ctx, w.buf, w.len);
    ck_assert(!snap_enter(&top, "thing", 1, &sec));
    ck_assert_msg(strstr(err, "layout version 2; this rvbox reads version 1"), "%s", err);

    ctx.failed = false;
    snap_reader_init(&top, &ctx, w.buf, w.len);
    ck_assert(snap_enter(&top, "thing", 2, &sec));
    ck_assert_uint_eq(snap_get_u32(&sec), 7);
    ck_assert(!snap_leave(&sec));
    ck_assert_msg(strstr(err, "section thing: 1 of its 5 bytes left unread"), "%s", err);

    ctx.failed = false;
    snap_reader_init(&top, &ctx, w.buf, w.len);
    ck_assert(snap_enter(&top, "thing", 2, &sec));
    snap_get_u32(&sec);
    snap_get_bool(&sec);
    ck_assert(!snap_ok(&sec));
    ck_assert_msg(strstr(err, "a flag reads 2"), "%s", err);

    ctx.failed = false;
    snap_reader_init(&top, &ctx, w.buf, w.len);
    ck_assert(snap_enter(&top, "thing", 2, &sec));
    snap_get_u64(&sec);
    ck_assert_uint_eq(snap_get_u32(&sec), 0);       /* past the end reads 0, and fails */
    ck_assert_int_eq(snap_status(&sec), -1);
    ck_assert_msg(strstr(err, "ends early"), "%s", err);

    /* A blob cut short inside the section. */
    ctx.failed = false;
    snap_reader_init(&top, &ctx, w.buf, w.len - 1);
    ck_assert(!snap_enter(&top, "thing", 2, &sec));
    ck_assert_msg(strstr(err, "ends early"), "%s", err);
    snap_writer_free(&w);
}
END_TEST

/* ---- the UART: registers, the FIFO with bytes in it, the interrupt ---- */

#define UART 10                     /* its PLIC source */

START_TEST(test_uart)
{
    struct fake_irq sa = { 0 }, sb = { 0 };
    struct fake_char ca = { 0 }, cb = { 0 };
    struct chardev da = fake_char_dev(&ca), db = fake_char_dev(&cb);
    struct bus *a = bus_create(), *b = bus_create();
    struct uart *ua = uart_create(&da, fake_irq_line(&sa, UART));
    struct uart *ub = uart_create(&db, fake_irq_line(&sb, UART));
    ck_assert_int_eq(uart_attach(ua, a, MEMMAP_UART0_BASE), 0);
    ck_assert_int_eq(uart_attach(ub, b, MEMMAP_UART0_BASE), 0);
    uint32_t base = MEMMAP_UART0_BASE;
    wr8(a, base + 3, 0x80);             /* DLAB */
    wr8(a, base + 0, 0x0c);
    wr8(a, base + 1, 0x00);
    wr8(a, base + 3, 0x03);
    wr8(a, base + 2, 0x07);             /* FIFOs on */
    wr8(a, base + 4, 0x0b);
    wr8(a, base + 7, 0x5a);
    wr8(a, base + 1, 0x01);             /* receive interrupt */
    fake_char_feed(&ca, "hello, world", 12);
    uart_update(ua);
    ck_assert_uint_eq(rd8(a, base + 0), 'h');
    ck_assert(sa.level[UART]);

    roundtrip(a, b, base);
    ck_assert(sb.level[UART]);                      /* the line driven to its level */
    ck_assert_uint_eq(rd8(b, base + 5), rd8(a, base + 5));
    ck_assert_uint_eq(rd8(b, base + 2), rd8(a, base + 2));
    ck_assert_uint_eq(rd8(b, base + 7), 0x5a);
    wr8(b, base + 3, 0x83);
    ck_assert_uint_eq(rd8(b, base + 0), 0x0c);
    wr8(b, base + 3, 0x03);
    /* The bytes left in the FIFO come out of the loaded UART, in order. */
    for (const char *p = "ello, world"; *p; p++)
        ck_assert_uint_eq(rd8(b, base + 0), (uint8_t)*p);
    ck_assert(!sb.level[UART]);
    uart_destroy(ua);
    uart_destroy(ub);
    bus_destroy(a);
    bus_destroy(b);
}
END_TEST

/* ---- the CLINT: msip, mtimecmp and the lines; mtime is the clock's ---- */

START_TEST(test_clint)
{
    struct clock ka, kb;
    clock_init_manual(&ka);
    clock_init_manual(&kb);
    struct fake_irq msa = { 0 }, mta = { 0 }, msb = { 0 }, mtb = { 0 };
    struct irq_line la[2] = { fake_irq_line(&msa, 0), fake_irq_line(&msa, 1) };
    struct irq_line ta[2] = { fake_irq_line(&mta, 0), fake_irq_line(&mta, 1) };
    struct irq_line lb[2] = { fake_irq_line(&msb, 0), fake_irq_line(&msb, 1) };
    struct irq_line tb[2] = { fake_irq_line(&mtb, 0), fake_irq_line(&mtb, 1) };
    struct bus *a = bus_create(), *b = bus_create();
    struct clint *c1 = clint_create(2, &ka, la, ta), *c2 = clint_create(2, &kb, lb, tb);
    uint32_t base = MEMMAP_CLINT_BASE;
    ck_assert_int_eq(clint_attach(c1, a, base), 0);
    ck_assert_int_eq(clint_attach(c2, b, base), 0);
    wr32(a, base + 4, 1);                           /* msip of hart 1 */
    wr32(a, base + 0x4000, 100);                    /* hart 0 at 100 */
    wr32(a, base + 0x4004, 0);
    wr32(a, base + 0x4008, 5000);                   /* hart 1 at 5000 */
    wr32(a, base + 0x400c, 0);
    clock_advance(&ka, 200);
    clint_update(c1);
    ck_assert(mta.level[0] && !mta.level[1] && msa.level[1]);

    clock_advance(&kb, 200);                        /* the clock is saved with the machine */
    roundtrip(a, b, base);
    ck_assert(mtb.level[0] && !mtb.level[1] && msb.level[1] && !msb.level[0]);
    ck_assert_uint_eq(rd32(b, base + 0x4008), 5000);
    ck_assert_uint_eq(clint_next_deadline(c2), 5000);
    clock_advance(&kb, 5000);
    clint_update(c2);
    ck_assert(mtb.level[1]);

    /* A CLINT of another size refuses it. */
    struct clint *c3 = clint_create(1, &kb, lb, tb);
    struct bus *c = bus_create();
    ck_assert_int_eq(clint_attach(c3, c, base), 0);
    struct snap_writer w;
    char err[200];
    save_region(a, base, &w);
    ck_assert_int_eq(load_region(c, base, &w, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "2 harts saved, this CLINT has 1"), "%s", err);
    snap_writer_free(&w);
    clint_destroy(c1);
    clint_destroy(c2);
    clint_destroy(c3);
    bus_destroy(a);
    bus_destroy(b);
    bus_destroy(c);
}
END_TEST

/* ---- the PLIC: priorities, enables, thresholds, pending and claimed sources ---- */

static uint32_t plic_ctx(unsigned ctx, unsigned reg)
{
    return MEMMAP_PLIC_BASE + 0x200000u + 0x1000u * ctx + reg;
}

START_TEST(test_plic)
{
    struct fake_irq sa = { 0 }, sb = { 0 };
    struct irq_line la[2] = { fake_irq_line(&sa, 0), fake_irq_line(&sa, 1) };
    struct irq_line lb[2] = { fake_irq_line(&sb, 0), fake_irq_line(&sb, 1) };
    struct bus *a = bus_create(), *b = bus_create();
    struct plic *p1 = plic_create(2, la), *p2 = plic_create(2, lb);
    uint32_t base = MEMMAP_PLIC_BASE;
    ck_assert_int_eq(plic_attach(p1, a, base), 0);
    ck_assert_int_eq(plic_attach(p2, b, base), 0);
    for (unsigned s = 1; s < 8; s++)
        wr32(a, base + 4 * s, s % 7 + 1);
    wr32(a, base + 0x2000, 0xfe);                   /* context 0: sources 1..7 */
    wr32(a, base + 0x2080, 0x28);                   /* context 1: sources 3, 5 */
    wr32(a, plic_ctx(1, 0), 2);
    plic_set_source(p1, 3, true);
    plic_set_source(p1, 5, true);
    plic_set_source(p1, 6, true);
    ck_assert_uint_eq(rd32(a, plic_ctx(0, 4)), 6);  /* priority 7: claimed */
    ck_assert(sa.level[0] && sa.level[1]);

    roundtrip(a, b, base);
    ck_assert(sb.level[0] && sb.level[1]);
    ck_assert_uint_eq(rd32(b, base + 0x1000), rd32(a, base + 0x1000));
    ck_assert_uint_eq(rd32(b, plic_ctx(1, 0)), 2);
    /* The same claims follow, and the claimed source comes back on completion while its
     * line (kept in the PLIC) is still high. */
    ck_assert_uint_eq(rd32(b, plic_ctx(0, 4)), rd32(a, plic_ctx(0, 4)));
    ck_assert_uint_eq(rd32(b, plic_ctx(1, 4)), rd32(a, plic_ctx(1, 4)));
    wr32(b, plic_ctx(0, 4), 6);
    ck_assert_uint_eq(rd32(b, plic_ctx(0, 4)), 6);
    plic_destroy(p1);
    plic_destroy(p2);
    bus_destroy(a);
    bus_destroy(b);
}
END_TEST

/* ---- the RTC: the time as set by the guest, the alarm, the interrupt ---- */

START_TEST(test_rtc)
{
    struct clock ka, kb;
    clock_init_manual(&ka);
    clock_init_manual(&kb);
    struct fake_irq sa = { 0 }, sb = { 0 };
    struct bus *a = bus_create(), *b = bus_create();
    struct rtc *r1 = rtc_create(&ka, 1000000000000ull, fake_irq_line(&sa, 11));
    struct rtc *r2 = rtc_create(&kb, 5, fake_irq_line(&sb, 11));
    uint32_t base = MEMMAP_RTC_BASE;
    ck_assert_int_eq(rtc_attach(r1, a, base), 0);
    ck_assert_int_eq(rtc_attach(r2, b, base), 0);
    wr32(a, base + 0x04, 0x12);                     /* the guest sets the time */
    wr32(a, base + 0x00, 0x34567800);
    wr32(a, base + 0x10, 1);
    wr32(a, base + 0x0c, 0x12);                     /* an alarm 1000 ticks ahead */
    wr32(a, base + 0x08, 0x34567800 + 100000);
    uint32_t lo = rd32(a, base + 0x00);
    (void)lo;
    ck_assert(!sa.level[11]);

    roundtrip(a, b, base);
    ck_assert_uint_eq(rd32(b, base + 0x00), rd32(a, base + 0x00));
    ck_assert_uint_eq(rd32(b, base + 0x04), 0x12);
    ck_assert_uint_eq(rd32(b, base + 0x18), 1);     /* armed */
    ck_assert_uint_eq(rtc_next_deadline(r2), rtc_next_deadline(r1));
    clock_advance(&kb, 1000);
    rtc_update(r2);
    ck_assert(sb.level[11]);
    ck_assert_uint_eq(rd32(b, base + 0x18), 0);
    rtc_destroy(r1);
    rtc_destroy(r2);
    bus_destroy(a);
    bus_destroy(b);
}
END_TEST

/* ---- the syscon (no state) and HTIF (half a request stored) ---- */

static unsigned htif_stops;
static void htif_stop(void *opaque)
{
    (void)opaque;
    htif_stops++;
}

START_TEST(test_syscon_htif)
{
    struct bus *a = bus_create(), *b = bus_create();
    struct syscon *s1 = syscon_create(NULL, NULL), *s2 = syscon_create(NULL, NULL);
    ck_assert_int_eq(syscon_attach(s1, a, MEMMAP_SYSCON_BASE), 0);
    ck_assert_int_eq(syscon_attach(s2, b, MEMMAP_SYSCON_BASE), 0);
    roundtrip(a, b, MEMMAP_SYSCON_BASE);

    static uint8_t pa[4096], pb[4096];
    struct fake_char ca = { 0 }, cb = { 0 };
    struct chardev da = fake_char_dev(&ca), db = fake_char_dev(&cb);
    uint32_t page = 0x80001000u, tohost = page + 0x40;
    struct htif *h1 = htif_create(pa, page, tohost, &da, htif_stop, NULL);
    struct htif *h2 = htif_create(pb, page, tohost, &db, htif_stop, NULL);
    ck_assert_int_eq(htif_attach(h1, a), 0);
    ck_assert_int_eq(htif_attach(h2, b), 0);
    wr32(a, tohost + 4, 0x01010000);                /* console putchar: high word first */
    roundtrip(a, b, page);
    memcpy(pb, pa, sizeof pa);                      /* the page is RAM: saved with it */
    wr32(b, tohost, 'Q');
    ck_assert_uint_eq(cb.nout, 1);
    ck_assert_uint_eq(cb.out[0], 'Q');
    ck_assert_uint_eq(ca.nout, 0);
    /* An exit loads as an exit. */
    wr32(a, tohost + 4, 0);
    wr32(a, tohost, (3 << 1) | 1);
    uint32_t code = 0;
    ck_assert(htif_exited(h1, &code));
    roundtrip(a, b, page);
    ck_assert(htif_exited(h2, &code));
    ck_assert_uint_eq(code, 3);
    syscon_destroy(s1);
    syscon_destroy(s2);
    htif_destroy(h1);
    htif_destroy(h2);
    bus_destroy(a);
    bus_destroy(b);
}
END_TEST

/* ---- the framebuffer's pixels, and a screen of another size refused ---- */

START_TEST(test_framebuffer)
{
    struct bus *a = bus_create(), *b = bus_create(), *c = bus_create();
    struct framebuffer *f1 = fb_create(64, 48), *f2 = fb_create(64, 48), *f3 = fb_create(48, 64);
    uint32_t base = MEMMAP_FB_BASE;
    ck_assert_int_eq(fb_attach(f1, a, base), 0);
    ck_assert_int_eq(fb_attach(f2, b, base), 0);
    ck_assert_int_eq(fb_attach(f3, c, base), 0);
    for (uint32_t i = 0; i < 64 * 48; i += 7)
        wr32(a, base + 4 * i, i * 0x01020304u);
    roundtrip(a, b, base);
    ck_assert_mem_eq(fb_pixels(f2), fb_pixels(f1), 64 * 48 * 4);
    unsigned y0, y1;
    ck_assert(fb_damage(f2, &y0, &y1));             /* the window redraws what loaded */

    struct snap_writer w;
    char err[200];
    save_region(a, base, &w);
    ck_assert_int_eq(load_region(c, base, &w, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "a 64x48 screen saved, this one is 48x64"), "%s", err);
    snap_writer_free(&w);
    fb_destroy(f1);
    fb_destroy(f2);
    fb_destroy(f3);
    bus_destroy(a);
    bus_destroy(b);
    bus_destroy(c);
}
END_TEST

/* ---- virtio-blk: a request in flight goes on where it stopped ---- */

#define MIB (1u << 20)
#define BIG (6 * MIB)

struct mem_disk {
    struct blockdev bd;
    uint8_t *data;
};

static int md_read(void *o, uint64_t off, void *buf, size_t len)
{
    memcpy(buf, ((struct mem_disk *)o)->data + off, len);
    return 0;
}

static int md_write(void *o, uint64_t off, const void *buf, size_t len)
{
    memcpy(((struct mem_disk *)o)->data + off, buf, len);
    return 0;
}

static void md_init(struct mem_disk *d, size_t size)
{
    d->data = malloc(size);
    ck_assert_ptr_nonnull(d->data);
    for (size_t i = 0; i < size; i++)
        d->data[i] = (uint8_t)(i * 13 + i / 4096);
    d->bd = (struct blockdev){ .opaque = d, .size = size, .read = md_read, .write = md_write };
}

START_TEST(test_virtio_blk_in_flight)
{
    unsigned version = (unsigned)_i;
    struct vd_machine ma, mb;
    struct mem_disk da, db;
    vd_machine_init(&ma, version);
    vd_machine_init(&mb, version);
    md_init(&da, 16 * MIB);
    md_init(&db, 16 * MIB);
    struct virtio_blk *ba = vblk_create(ma.vm, &da.bd, "a");
    struct virtio_blk *bb = vblk_create(mb.vm, &db.bd, "a");
    struct vd_driver drv;
    ck_assert_int_eq(vd_driver_init(&drv, &ma, 8, ~0ull), 0);

    /* A read of BIG bytes from sector 8: header, data, status. */
    uint8_t hdr[16] = { 0 };
    hdr[0] = VIRTIO_BLK_T_IN;
    hdr[8] = 8;
    memcpy(vd_ram(&ma, VD_HDR_ADDR, 16), hdr, 16);
    vd_set_desc(&drv, 0, VD_HDR_ADDR, 16, VD_DESC_F_NEXT, 1);
    vd_set_desc(&drv, 1, VD_BIG_ADDR, BIG, VD_DESC_F_NEXT | VD_DESC_F_WRITE, 2);
    vd_set_desc(&drv, 2, VD_STATUS_ADDR, 1, VD_DESC_F_WRITE, 0);
    vd_make_avail(&drv, 0, true);
    vblk_update(ba);
    ck_assert(vblk_busy(ba));
    ck_assert_uint_eq(vd_used_idx(&drv), 0);

    /* Machine b: a's RAM and a's slot; the disk below holds the same. */
    memcpy(mb.ram, ma.ram, VD_RAM_SIZE);
    roundtrip(ma.bus, mb.bus, VD_MMIO_BASE);
    ck_assert(vblk_busy(bb));
    struct vd_driver drv_b = drv;
    drv_b.m = &mb;
    unsigned runs = 0;
    while (vd_used_idx(&drv) == 0 || vd_used_idx(&drv_b) == 0) {
        vblk_update(ba);
        vblk_update(bb);
        ck_assert_uint_eq(vd_used_idx(&drv), vd_used_idx(&drv_b));
        ck_assert_uint_lt(++runs, 10);
    }
    ck_assert_mem_eq(vd_ram(&mb, VD_BIG_ADDR, BIG), da.data + 8 * 512, BIG);
    ck_assert_mem_eq(mb.ram, ma.ram, VD_RAM_SIZE);
    ck_assert(mb.irq.level && ma.irq.level);
    vblk_destroy(ba);
    vblk_destroy(bb);
    vd_machine_fini(&ma);
    vd_machine_fini(&mb);
    free(da.data);
    free(db.data);
}
END_TEST

/* ---- virtio-input: events waiting for buffers, the configuration question ---- */

START_TEST(test_virtio_input_waiting)
{
    struct vd_machine ma, mb;
    vd_machine_init(&ma, 2);
    vd_machine_init(&mb, 2);
    struct virtio_input *ia = vinput_create(ma.vm, VINPUT_TABLET);
    struct virtio_input *ib = vinput_create(mb.vm, VINPUT_TABLET);
    struct vd_driver drv;
    ck_assert_int_eq(vd_driver_init(&drv, &ma, 16, ~0ull), 0);
    vd_reg_write(&ma, VD_CONFIG, 0x0112);           /* select ABS_INFO, subsel Y */
    for (uint32_t i = 0; i < 5; i++)
        ck_assert(vinput_send(ia, EV_ABS, ABS_X, i * 1000));
    ck_assert(vinput_send(ia, EV_SYN, SYN_REPORT, 0));

    memcpy(mb.ram, ma.ram, VD_RAM_SIZE);
    roundtrip(ma.bus, mb.bus, VD_MMIO_BASE);
    ck_assert_uint_eq(vd_reg_read_sized(&mb, VD_CONFIG + 2, 1), 20);
    ck_assert_uint_eq(vd_reg_read(&mb, VD_CONFIG + 12), 32767);
    struct vd_driver drv_b = drv;
    drv_b.m = &mb;
    for (unsigned i = 0; i < 6; i++) {
        vd_set_desc(&drv_b, i, VD_DATA_ADDR + 8 * i, 8, VD_DESC_F_WRITE, 0);
        vd_make_avail(&drv_b, (uint16_t)i, false);
    }
    vd_notify(&drv_b);
    for (uint32_t i = 0; i < 6; i++) {
        uint32_t id, len;
        ck_assert(vd_take_used(&drv_b, &id, &len));
        const uint8_t *e = vd_ram(&mb, VD_DATA_ADDR + 8 * id, 8);
        uint32_t value = (uint32_t)e[4] | (uint32_t)e[5] << 8 | (uint32_t)e[6] << 16;
        ck_assert_uint_eq(e[0], i < 5 ? EV_ABS : EV_SYN);
        ck_assert_uint_eq(value, i < 5 ? i * 1000 : 0);
    }
    /* A keyboard's slot refuses a tablet's state. */
    struct vd_machine mc;
    vd_machine_init(&mc, 2);
    struct virtio_input *ic = vinput_create(mc.vm, VINPUT_KEYBOARD);
    struct snap_writer w;
    char err[200];
    save_region(ma.bus, VD_MMIO_BASE, &w);
    ck_assert_int_eq(load_region(mc.bus, VD_MMIO_BASE, &w, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "a tablet saved in this slot's keyboard"), "%s", err);
    snap_writer_free(&w);
    vinput_destroy(ia);
    vinput_destroy(ib);
    vinput_destroy(ic);
    vd_machine_fini(&ma);
    vd_machine_fini(&mb);
    vd_machine_fini(&mc);
}
END_TEST

/* A device's section loaded into a slot with no device, or another device, is refused
 * before anything changes (load_region checks the check pass changes nothing). */
START_TEST(test_virtio_slot_mismatch)
{
    struct vd_machine ma, mb;
    struct mem_disk d;
    md_init(&d, MIB);
    vd_machine_init(&ma, 1);
    vd_machine_init(&mb, 2);
    struct virtio_blk *blk = vblk_create(ma.vm, &d.bd, "x");
    struct snap_writer w;
    char err[200];
    save_region(ma.bus, VD_MMIO_BASE, &w);
    ck_assert_int_eq(load_region(mb.bus, VD_MMIO_BASE, &w, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "device 2 on transport v1 saved, this slot has device 0 on v2"),
                  "%s", err);
    snap_writer_free(&w);
    vblk_destroy(blk);
    vd_machine_fini(&ma);
    vd_machine_fini(&mb);
    free(d.data);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("snapshot devices");
    TCase *t = tcase_create("format");
    tcase_add_test(t, test_format_roundtrip);
    tcase_add_test(t, test_format_refusals);
    suite_add_tcase(s, t);
    t = tcase_create("devices");
    tcase_add_test(t, test_uart);
    tcase_add_test(t, test_clint);
    tcase_add_test(t, test_plic);
    tcase_add_test(t, test_rtc);
    tcase_add_test(t, test_syscon_htif);
    tcase_add_test(t, test_framebuffer);
    tcase_add_loop_test(t, test_virtio_blk_in_flight, 1, 3);
    tcase_add_test(t, test_virtio_input_waiting);
    tcase_add_test(t, test_virtio_slot_mismatch);
    tcase_set_timeout(t, 30);
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
