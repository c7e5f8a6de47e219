/*
 * The PLIC (devices/plic.h) through the bus, with two contexts (0: M-mode, 1: S-mode)
 * wired to a fake sink: priorities and thresholds (3-bit WARL), read-only pending bits,
 * enables, claim/complete with priority order and the lowest-id tie-break, level
 * re-triggering after completion, bogus completions, and the refused access sizes: the
 * strict gateway, plic_create's. Then QEMU's gateway (plic_set_qemu, the machine's
 * default) for signalled sources: pending at each signal, claimed or not, never again at
 * completion; completions that ignore the enables; and the -d guest_errors reports
 * (through the bus's log), "interrupt never acknowledged" once per source.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "bus/log.h"
#include "bus/memmap.h"
#include "devices/plic.h"
#include "fakes.h"

#define BASE            MEMMAP_PLIC_BASE
#define PRIO(src)       (BASE + 4u * (src))
#define PENDING         (BASE + 0x1000u)
#define ENABLE(ctx)     (BASE + 0x2000u + 0x80u * (ctx))
#define THRESHOLD(ctx)  (BASE + 0x200000u + 0x1000u * (ctx))
#define CLAIM(ctx)      (THRESHOLD(ctx) + 4u)
#define NCTX            2

static struct bus *bus;
static struct fake_irq sink;
static struct plic *plic;

static void setup(void)
{
    memset(&sink, 0, sizeof sink);
    bus = bus_create();
    ck_assert_ptr_nonnull(bus);
    struct irq_line lines[NCTX] = { fake_irq_line(&sink, 0), fake_irq_line(&sink, 1) };
    plic = plic_create(NCTX, lines);
    ck_assert_ptr_nonnull(plic);
    ck_assert_int_eq(plic_attach(plic, bus, BASE), BUS_ERR_NONE);
}

static void teardown(void)
{
    plic_destroy(plic);
    bus_destroy(bus);
}

static void prio(unsigned src, uint32_t p) { wr32(bus, PRIO(src), p); }
static void enable(unsigned ctx, uint32_t mask) { wr32(bus, ENABLE(ctx), mask); }
static void threshold(unsigned ctx, uint32_t t) { wr32(bus, THRESHOLD(ctx), t); }
static uint32_t claim(unsigned ctx) { return rd32(bus, CLAIM(ctx)); }
static void complete(unsigned ctx, uint32_t src) { wr32(bus, CLAIM(ctx), src); }
static void line_up(unsigned src) { plic_set_source(plic, src, true); }
static void line_down(unsigned src) { plic_set_source(plic, src, false); }

START_TEST(test_create_limits)
{
    ck_assert_ptr_null(plic_create(0, NULL));
    ck_assert_ptr_null(plic_create(PLIC_MAX_CONTEXTS + 1, NULL));
    struct plic *p = plic_create(PLIC_MAX_CONTEXTS, NULL);
    ck_assert_ptr_nonnull(p);
    plic_set_source(p, 3, true);
    plic_destroy(p);
}
END_TEST

START_TEST(test_reset_state)
{
    for (unsigned src = 0; src < PLIC_SOURCES; src++)
        ck_assert_uint_eq(rd32(bus, PRIO(src)), 0);
    ck_assert_uint_eq(rd32(bus, PENDING), 0);
    for (unsigned c = 0; c < NCTX; c++) {
        ck_assert_uint_eq(rd32(bus, ENABLE(c)), 0);
        ck_assert_uint_eq(rd32(bus, THRESHOLD(c)), 0);
        ck_assert_uint_eq(claim(c), 0);
        ck_assert(!sink.level[c]);
    }
    /* plic_reset forgets the programming but not a device's line */
    prio(4, 3);
    enable(0, 1u << 4);
    threshold(1, 2);
    line_up(4);
    ck_assert(sink.level[0]);
    plic_reset(plic);
    ck_assert(!sink.level[0]);
    ck_assert_uint_eq(rd32(bus, PRIO(4)), 0);
    ck_assert_uint_eq(rd32(bus, ENABLE(0)), 0);
    ck_assert_uint_eq(rd32(bus, THRESHOLD(1)), 0);
    ck_assert_uint_eq(rd32(bus, PENDING), 1u << 4);
}
END_TEST

START_TEST(test_priority_warl)
{
    prio(5, 0xffffffffu);
    ck_assert_uint_eq(rd32(bus, PRIO(5)), 7);
    prio(5, 9);
    ck_assert_uint_eq(rd32(bus, PRIO(5)), 1);
    prio(PLIC_SOURCES - 1, 6);
    ck_assert_uint_eq(rd32(bus, PRIO(PLIC_SOURCES - 1)), 6);
    prio(0, 7);                                     /* source 0 does not exist */
    ck_assert_uint_eq(rd32(bus, PRIO(0)), 0);
    prio(PLIC_SOURCES, 7);                          /* past the last source */
    ck_assert_uint_eq(rd32(bus, PRIO(PLIC_SOURCES)), 0);
    threshold(1, 0xfffffff9u);
    ck_assert_uint_eq(rd32(bus, THRESHOLD(1)), 1);
    ck_assert_uint_eq(rd32(bus, THRESHOLD(0)), 0);
}
END_TEST

START_TEST(test_pending_read_only)
{
    line_up(5);
    line_up(PLIC_SOURCES - 1);
    ck_assert_uint_eq(rd32(bus, PENDING), (1u << 5) | (1u << (PLIC_SOURCES - 1)));
    wr32(bus, PENDING, 0);
    ck_assert_uint_eq(rd32(bus, PENDING), (1u << 5) | (1u << (PLIC_SOURCES - 1)));
    wr32(bus, PENDING, 0xffffffffu);
    ck_assert_uint_eq(rd32(bus, PENDING), (1u << 5) | (1u << (PLIC_SOURCES - 1)));
    line_up(0);                                       /* not a source: ignored */
    line_up(PLIC_SOURCES);
    ck_assert_uint_eq(rd32(bus, PENDING) & 1, 0);
    ck_assert_uint_eq(rd32(bus, PENDING + 4), 0);   /* no sources there */
}
END_TEST

START_TEST(test_enable_bits)
{
    enable(0, 0xffffffffu);
    ck_assert_uint_eq(rd32(bus, ENABLE(0)), 0xfffffffeu);  /* source 0 not enableable */
    ck_assert_uint_eq(rd32(bus, ENABLE(1)), 0);
    enable(1, 0x00000600u);
    ck_assert_uint_eq(rd32(bus, ENABLE(1)), 0x00000600u);
    wr32(bus, ENABLE(0) + 4, 0xffffffffu);                 /* sources 32..63: none */
    ck_assert_uint_eq(rd32(bus, ENABLE(0) + 4), 0);
}
END_TEST

/* The line needs all three: pending, enabled, priority above the threshold. */
START_TEST(test_line_conditions)
{
    line_up(3);
    ck_assert(!sink.level[0]);
    prio(3, 1);
    ck_assert(!sink.level[0]);                      /* not enabled */
    enable(0, 1u << 3);
    ck_assert(sink.level[0]);
    ck_assert(!sink.level[1]);                      /* context 1 did not enable it */
    prio(3, 0);                                     /* priority 0 = never */
    ck_assert(!sink.level[0]);
    ck_assert_uint_eq(claim(0), 0);
    prio(3, 1);
    ck_assert(sink.level[0]);
    line_down(3);                                       /* a dropped line withdraws the request */
    ck_assert(!sink.level[0]);
    ck_assert_uint_eq(rd32(bus, PENDING), 0);
    ck_assert_uint_eq(claim(0), 0);
}
END_TEST

START_TEST(test_claim_clears_pending)
{
    prio(6, 2);
    enable(0, 1u << 6);
    line_up(6);
    ck_assert(sink.level[0]);
    ck_assert_uint_eq(claim(0), 6);
    ck_assert_uint_eq(rd32(bus, PENDING), 0);
    ck_assert(!sink.level[0]);
    ck_assert_uint_eq(claim(0), 0);                 /* claimed: not offered again */
}
END_TEST

START_TEST(test_claim_nothing_pending)
{
    enable(0, 0xfffffffeu);
    enable(1, 0xfffffffeu);
    for (unsigned src = 1; src < PLIC_SOURCES; src++)
        prio(src, 7);
    ck_assert_uint_eq(claim(0), 0);
    ck_assert_uint_eq(claim(1), 0);
    ck_assert_uint_eq(rd32(bus, PENDING), 0);
}
END_TEST

START_TEST(test_priority_order)
{
    prio(2, 1);
    prio(7, 5);
    prio(4, 3);
    enable(0, (1u << 2) | (1u << 4) | (1u << 7));
    line_up(2);
    line_up(4);
    line_up(7);
    ck_assert_uint_eq(claim(0), 7);
    ck_assert(sink.level[0]);                       /* 2 and 4 still wait */
    ck_assert_uint_eq(claim(0), 4);
    ck_assert_uint_eq(claim(0), 2);
    ck_assert(!sink.level[0]);
    ck_assert_uint_eq(claim(0), 0);
}
END_TEST

START_TEST(test_tie_lowest_id)
{
    prio(9, 2);
    prio(3, 2);
    prio(17, 2);
    enable(1, (1u << 3) | (1u << 9) | (1u << 17));
    line_up(17);
    line_up(9);
    line_up(3);
    ck_assert_uint_eq(claim(1), 3);
    ck_assert_uint_eq(claim(1), 9);
    ck_assert_uint_eq(claim(1), 17);
}
END_TEST

/* Level-triggered: a line still high at completion is pending again. */
START_TEST(test_level_retrigger)
{
    prio(5, 1);
    enable(0, 1u << 5);
    line_up(5);
    ck_assert_uint_eq(claim(0), 5);
    ck_assert(!sink.level[0]);
    complete(0, 5);
    ck_assert_uint_eq(rd32(bus, PENDING), 1u << 5);
    ck_assert(sink.level[0]);
    ck_assert_uint_eq(claim(0), 5);
    line_down(5);                                       /* the device was served */
    complete(0, 5);
    ck_assert_uint_eq(rd32(bus, PENDING), 0);
    ck_assert(!sink.level[0]);
    ck_assert_uint_eq(claim(0), 0);
}
END_TEST

/* While claimed, the source stays out even if its line moves; completion lets it in. */
START_TEST(test_claimed_source_gated)
{
    prio(8, 1);
    enable(0, 1u << 8);
    line_up(8);
    ck_assert_uint_eq(claim(0), 8);
    line_down(8);
    line_up(8);
    ck_assert_uint_eq(rd32(bus, PENDING), 0);
    ck_assert(!sink.level[0]);
    ck_assert_uint_eq(claim(0), 0);
    complete(0, 8);
    ck_assert(sink.level[0]);
    ck_assert_uint_eq(claim(0), 8);
}
END_TEST

START_TEST(test_disabled_not_claimed)
{
    prio(6, 4);
    enable(1, 1u << 6);                             /* only context 1 */
    line_up(6);
    ck_assert(!sink.level[0]);
    ck_assert(sink.level[1]);
    ck_assert_uint_eq(claim(0), 0);
    ck_assert_uint_eq(rd32(bus, PENDING), 1u << 6); /* context 0's claim took nothing */
    ck_assert_uint_eq(claim(1), 6);
    /* disabling a pending source masks it without losing it */
    line_up(7);
    prio(7, 1);
    enable(1, 1u << 7);
    ck_assert(sink.level[1]);
    enable(1, 0);
    ck_assert(!sink.level[1]);
    ck_assert_uint_eq(claim(1), 0);
    enable(1, 1u << 7);
    ck_assert_uint_eq(claim(1), 7);
}
END_TEST

START_TEST(test_threshold_masking)
{
    prio(12, 3);
    enable(0, 1u << 12);
    threshold(0, 3);                                /* needs priority > 3 */
    line_up(12);
    ck_assert(!sink.level[0]);
    ck_assert_uint_eq(claim(0), 0);
    ck_assert_uint_eq(rd32(bus, PENDING), 1u << 12);
    threshold(0, 2);
    ck_assert(sink.level[0]);
    threshold(0, 7);
    ck_assert(!sink.level[0]);
    prio(12, 7);                                    /* 7 > 7 is false: still masked */
    ck_assert(!sink.level[0]);
    threshold(0, 6);
    ck_assert(sink.level[0]);
    ck_assert_uint_eq(claim(0), 12);
}
END_TEST

/* With a threshold in the way, the claim skips the masked source for a lower id one. */
START_TEST(test_threshold_picks_among)
{
    prio(2, 2);
    prio(20, 5);
    enable(1, (1u << 2) | (1u << 20));
    threshold(1, 1);
    line_up(2);
    line_up(20);
    ck_assert_uint_eq(claim(1), 20);
    threshold(1, 2);
    ck_assert(!sink.level[1]);
    ck_assert_uint_eq(claim(1), 0);
    threshold(1, 1);
    ck_assert_uint_eq(claim(1), 2);
}
END_TEST

/* A source enabled in both contexts: either may claim it, and then neither sees it. */
START_TEST(test_two_contexts)
{
    prio(10, 1);
    enable(0, 1u << 10);
    enable(1, 1u << 10);
    line_up(10);
    ck_assert(sink.level[0] && sink.level[1]);
    ck_assert_uint_eq(claim(1), 10);
    ck_assert(!sink.level[0] && !sink.level[1]);
    ck_assert_uint_eq(claim(0), 0);
    complete(1, 10);
    ck_assert(sink.level[0] && sink.level[1]);
    /* independent thresholds */
    threshold(0, 1);
    ck_assert(!sink.level[0]);
    ck_assert(sink.level[1]);
}
END_TEST

START_TEST(test_bogus_complete_ignored)
{
    prio(5, 1);
    prio(9, 1);
    enable(0, (1u << 5) | (1u << 9));
    line_up(5);
    complete(0, 5);                                 /* pending, never claimed */
    ck_assert_uint_eq(rd32(bus, PENDING), 1u << 5);
    ck_assert_uint_eq(claim(0), 5);
    complete(1, 5);                                 /* context 1 has it disabled */
    ck_assert_uint_eq(rd32(bus, PENDING), 0);
    ck_assert(!sink.level[0]);
    complete(0, 0);
    complete(0, PLIC_SOURCES);
    complete(0, 0xffffffffu);
    complete(0, 9);                                 /* not claimed */
    ck_assert_uint_eq(rd32(bus, PENDING), 0);
    ck_assert(!sink.level[0]);
    complete(0, 5);                                 /* the real one */
    ck_assert_uint_eq(rd32(bus, PENDING), 1u << 5);
    ck_assert(sink.level[0]);
}
END_TEST

START_TEST(test_plic_line)
{
    struct irq_line line = plic_line(plic, 11);
    prio(11, 1);
    enable(0, 1u << 11);
    irq_set(&line, true);
    ck_assert_uint_eq(rd32(bus, PENDING), 1u << 11);
    ck_assert(sink.level[0]);
    irq_set(&line, false);
    ck_assert_uint_eq(rd32(bus, PENDING), 0);
    ck_assert(!sink.level[0]);
}
END_TEST

/* Context lines are driven only when they change: each drive costs the hart a re-check. */
START_TEST(test_drives_only_changes)
{
    unsigned sets = sink.sets;
    prio(3, 1);
    enable(0, 1u << 3);
    threshold(1, 4);
    ck_assert_uint_eq(sink.sets, sets);             /* nothing pending: no change */
    line_up(3);
    ck_assert_uint_eq(sink.sets, sets + 1);
    line_up(3);
    prio(3, 2);
    ck_assert_uint_eq(rd32(bus, PENDING), 1u << 3);
    ck_assert_uint_eq(sink.sets, sets + 1);
    ck_assert_uint_eq(claim(0), 3);
    ck_assert_uint_eq(sink.sets, sets + 2);
    ck_assert(!sink.level[0]);
}
END_TEST

START_TEST(test_absent_contexts)
{
    line_up(3);
    prio(3, 1);
    wr32(bus, ENABLE(NCTX), 1u << 3);
    ck_assert_uint_eq(rd32(bus, ENABLE(NCTX)), 0);
    wr32(bus, THRESHOLD(NCTX), 0);
    ck_assert_uint_eq(rd32(bus, CLAIM(NCTX)), 0);
    ck_assert_uint_eq(rd32(bus, PENDING), 1u << 3);
    ck_assert(!sink.level[0] && !sink.level[1]);
    wr32(bus, THRESHOLD(0) + 8, 0x1234);            /* reserved word in a context page */
    ck_assert_uint_eq(rd32(bus, THRESHOLD(0) + 8), 0);
}
END_TEST

START_TEST(test_sizes_refused)
{
    uint32_t v;
    static const uint32_t addrs[] = { PRIO(1), PENDING, ENABLE(0), THRESHOLD(0), CLAIM(0) };
    prio(1, 1);
    enable(0, 1u << 1);
    line_up(1);
    for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
        ck_assert(!bus_read(bus, addrs[i], 1, &v));
        ck_assert(!bus_read(bus, addrs[i], 2, &v));
        ck_assert(!bus_write(bus, addrs[i], 1, 0));
        ck_assert(!bus_write(bus, addrs[i], 2, 0));
    }
    ck_assert(!bus_read(bus, CLAIM(0) + 1, 4, &v));
    /* refused accesses had no effect: no claim happened, nothing changed */
    ck_assert_uint_eq(rd32(bus, PENDING), 1u << 1);
    ck_assert_uint_eq(rd32(bus, PRIO(1)), 1);
    ck_assert_uint_eq(claim(0), 1);
    ck_assert(bus_read(bus, BASE + MEMMAP_PLIC_SIZE - 4, 4, &v));
    ck_assert(!bus_read(bus, BASE + MEMMAP_PLIC_SIZE, 4, &v));
}
END_TEST

/* ---- QEMU's gateway ---- */

#define VIRTIO_SRC 1u           /* signalled, as the machine wires virtio slot 0 */
#define UART_SRC   10u          /* level-triggered */

static char logged[8][256];
static unsigned nlogged;

static void log_sink(void *opaque, enum guest_log_kind kind, const char *site, const char *msg)
{
    (void)opaque, (void)site;
    ck_assert_int_eq(kind, GUEST_LOG_ERROR);
    if (nlogged < 8)
        snprintf(logged[nlogged], sizeof logged[0], "%s", msg);
    nlogged++;
}

static void setup_qemu(void)
{
    setup();
    plic_set_qemu(plic, 1u << VIRTIO_SRC);
    plic_name_source(plic, VIRTIO_SRC, "virtio-mmio@10001000", "InterruptStatus not "
                     "written to InterruptACK");
    struct guest_log *log = bus_log(bus);
    log->mask = GUEST_LOG_ERROR;
    log->sink = log_sink;
    nlogged = 0;
    prio(VIRTIO_SRC, 1);
    prio(UART_SRC, 1);
    enable(1, (1u << VIRTIO_SRC) | (1u << UART_SRC));
}

/* A driver that never acknowledges: one interrupt per signal (notification), none at
 * completion while the line stays high; said once under -d guest_errors. */
START_TEST(test_qemu_no_storm)
{
    line_up(VIRTIO_SRC);
    ck_assert(sink.level[1]);
    for (int round = 0; round < 3; round++) {
        ck_assert_uint_eq(claim(1), VIRTIO_SRC);
        complete(1, VIRTIO_SRC);                    /* InterruptStatus still set */
        ck_assert_uint_eq(rd32(bus, PENDING), 0);
        ck_assert(!sink.level[1]);
        ck_assert_uint_eq(claim(1), 0);
        line_up(VIRTIO_SRC);                        /* the next notification */
        ck_assert(sink.level[1]);
    }
    ck_assert_uint_eq(nlogged, 1);
    ck_assert_str_eq(logged[0], "virtio-mmio@10001000 (PLIC source 1): interrupt never "
                     "acknowledged: completed while the device still asserts it "
                     "(InterruptStatus not written to InterruptACK); as on QEMU, it is "
                     "raised again only when the device signals again");
}
END_TEST

/* A signal while the source is claimed is remembered: pending again after completion. */
START_TEST(test_qemu_signal_while_claimed)
{
    line_up(VIRTIO_SRC);
    ck_assert_uint_eq(claim(1), VIRTIO_SRC);
    line_up(VIRTIO_SRC);                            /* a new used buffer meanwhile */
    ck_assert_uint_eq(rd32(bus, PENDING), 1u << VIRTIO_SRC);
    ck_assert(!sink.level[1]);                      /* claimed: not offered */
    complete(1, VIRTIO_SRC);
    ck_assert(sink.level[1]);
    ck_assert_uint_eq(claim(1), VIRTIO_SRC);
    line_down(VIRTIO_SRC);                          /* acknowledged */
    complete(1, VIRTIO_SRC);
    ck_assert(!sink.level[1]);
    ck_assert_uint_eq(nlogged, 0);                  /* it signalled, then was acked */
}
END_TEST

/* The line dropping withdraws the request, as in the strict gateway. */
START_TEST(test_qemu_drop_withdraws)
{
    line_up(VIRTIO_SRC);
    line_down(VIRTIO_SRC);
    ck_assert_uint_eq(rd32(bus, PENDING), 0);
    ck_assert(!sink.level[1]);
    ck_assert_uint_eq(claim(1), 0);
}
END_TEST

/* The UART's source stays level-triggered: still high at completion, pending again. */
START_TEST(test_qemu_level_sources)
{
    line_up(UART_SRC);
    ck_assert_uint_eq(claim(1), UART_SRC);
    complete(1, UART_SRC);
    ck_assert_uint_eq(rd32(bus, PENDING), 1u << UART_SRC);
    ck_assert_uint_eq(claim(1), UART_SRC);
    line_down(UART_SRC);
    complete(1, UART_SRC);
    ck_assert_uint_eq(claim(1), 0);
    ck_assert_uint_eq(nlogged, 0);                  /* no ack to forget: not named so */
}
END_TEST

/* QEMU unclaims whatever the enables say (a driver that masks before completing). */
START_TEST(test_qemu_complete_disabled)
{
    line_up(VIRTIO_SRC);
    ck_assert_uint_eq(claim(1), VIRTIO_SRC);
    enable(1, 1u << UART_SRC);
    line_down(VIRTIO_SRC);
    complete(1, VIRTIO_SRC);
    enable(1, (1u << VIRTIO_SRC) | (1u << UART_SRC));
    line_up(VIRTIO_SRC);
    ck_assert_uint_eq(claim(1), VIRTIO_SRC);        /* it was unclaimed */
}
END_TEST

/* The strict gateway storms on the same driver, and says so, once. */
START_TEST(test_strict_never_acknowledged)
{
    plic_name_source(plic, 1, "virtio-mmio@10001000", "InterruptStatus not written to "
                     "InterruptACK");
    struct guest_log *log = bus_log(bus);
    log->mask = GUEST_LOG_ERROR;
    log->sink = log_sink;
    nlogged = 0;
    prio(1, 1);
    enable(1, 1u << 1);
    line_up(1);
    for (int round = 0; round < 3; round++) {
        ck_assert_uint_eq(claim(1), 1);
        complete(1, 1);
        ck_assert(sink.level[1]);                   /* at once, again and again */
    }
    ck_assert_uint_eq(nlogged, 1);
    ck_assert(strstr(logged[0], "interrupt never acknowledged") &&
              strstr(logged[0], "the strict gateway raises it again at once"));
}
END_TEST

/* Registers that do not exist, and bogus completions, are reported, never fatal. */
START_TEST(test_guest_errors)
{
    uint32_t v;
    ck_assert(bus_read(bus, BASE + 0x1004, 4, &v));  /* pending bits of sources 32..63 */
    wr32(bus, PENDING, 1);
    complete(1, 7);                                 /* never claimed */
    complete(1, 40);                                /* no such source */
    wr32(bus, THRESHOLD(0) + 8, 1);                 /* a context page's reserved word */
    ck_assert_uint_eq(nlogged, 5);
    ck_assert_str_eq(logged[0], "plic: read of offset 001004, which is no register "
                     "(31 sources, 2 contexts)");
    ck_assert_str_eq(logged[1], "plic: write of 00000001 to the pending bits, which are "
                     "read-only");
    ck_assert_str_eq(logged[2], "plic: context 1 completed source 7, which is not claimed "
                     "(ignored)");
    ck_assert_str_eq(logged[3], "plic: context 1 completed source 40, which does not exist "
                     "(sources are 1 to 31)");
    ck_assert_str_eq(logged[4], "plic: write of 00000001 to offset 200008, which is no "
                     "register (31 sources, 2 contexts)");
}
END_TEST

static Suite *plic_suite(void)
{
    Suite *s = suite_create("plic");
    TCase *tc = tcase_create("registers");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_create_limits);
    tcase_add_test(tc, test_reset_state);
    tcase_add_test(tc, test_priority_warl);
    tcase_add_test(tc, test_pending_read_only);
    tcase_add_test(tc, test_enable_bits);
    tcase_add_test(tc, test_absent_contexts);
    tcase_add_test(tc, test_sizes_refused);
    suite_add_tcase(s, tc);

    tc = tcase_create("claim");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_line_conditions);
    tcase_add_test(tc, test_claim_clears_pending);
    tcase_add_test(tc, test_claim_nothing_pending);
    tcase_add_test(tc, test_priority_order);
    tcase_add_test(tc, test_tie_lowest_id);
    tcase_add_test(tc, test_level_retrigger);
    tcase_add_test(tc, test_claimed_source_gated);
    tcase_add_test(tc, test_disabled_not_claimed);
    tcase_add_test(tc, test_threshold_masking);
    tcase_add_test(tc, test_threshold_picks_among);
    tcase_add_test(tc, test_two_contexts);
    tcase_add_test(tc, test_bogus_complete_ignored);
    tcase_add_test(tc, test_plic_line);
    tcase_add_test(tc, test_drives_only_changes);
    tcase_add_test(tc, test_strict_never_acknowledged);
    suite_add_tcase(s, tc);

    tc = tcase_create("qemu");
    tcase_add_checked_fixture(tc, setup_qemu, teardown);
    tcase_add_test(tc, test_qemu_no_storm);
    tcase_add_test(tc, test_qemu_signal_while_claimed);
    tcase_add_test(tc, test_qemu_drop_withdraws);
    tcase_add_test(tc, test_qemu_level_sources);
    tcase_add_test(tc, test_qemu_complete_disabled);
    tcase_add_test(tc, test_guest_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(plic_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
