/*
 * The 16550A UART (devices/uart16550.h) through the bus, with a fake character backend and
 * a fake interrupt sink: every register (DLAB, SCR, LCR, IER masking, MCR, MSR, LSR), THR
 * output, the receive FIFO (order, its 16-byte limit, overrun), the RX / THRE / line
 * status interrupts with their IIR codes and priority, FCR, loopback, and the access
 * sizes the region refuses.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bus/memmap.h"
#include "devices/uart16550.h"
#include "fakes.h"

#define BASE MEMMAP_UART0_BASE
#define RBR  (BASE + 0)
#define THR  (BASE + 0)
#define DLL  (BASE + 0)
#define IER  (BASE + 1)
#define DLM  (BASE + 1)
#define IIR  (BASE + 2)
#define FCR  (BASE + 2)
#define LCR  (BASE + 3)
#define MCR  (BASE + 4)
#define LSR  (BASE + 5)
#define MSR  (BASE + 6)
#define SCR  (BASE + 7)

#define IRQ_NUM 10

static struct bus *bus;
static struct fake_irq sink;
static struct fake_char chr;
static struct uart *uart;

static void setup(void)
{
    memset(&sink, 0, sizeof sink);
    memset(&chr, 0, sizeof chr);
    bus = bus_create();
    ck_assert_ptr_nonnull(bus);
    struct chardev dev = fake_char_dev(&chr);
    uart = uart_create(&dev, fake_irq_line(&sink, IRQ_NUM));
    ck_assert_ptr_nonnull(uart);
    ck_assert_int_eq(uart_attach(uart, bus, BASE), BUS_ERR_NONE);
}

static void teardown(void)
{
    uart_destroy(uart);
    bus_destroy(bus);
}

static bool line(void) { return sink.level[IRQ_NUM]; }

static void feed(const char *s)
{
    fake_char_feed(&chr, s, strlen(s));
}

START_TEST(test_reset_state)
{
    ck_assert_uint_eq(rd8(bus, IER), 0);
    ck_assert_uint_eq(rd8(bus, IIR), 0x01);
    ck_assert_uint_eq(rd8(bus, LCR), 0);
    ck_assert_uint_eq(rd8(bus, MCR), 0);
    ck_assert_uint_eq(rd8(bus, LSR), 0x60);        /* THRE | TEMT, no data */
    ck_assert_uint_eq(rd8(bus, MSR), 0xb0);        /* DCD | DSR | CTS */
    ck_assert_uint_eq(rd8(bus, SCR), 0);
    ck_assert(!line());
    /* uart_reset puts a programmed UART back */
    wr8(bus, IER, 0x0f);
    wr8(bus, SCR, 0x5a);
    feed("x");
    uart_update(uart);
    ck_assert(line());
    uart_reset(uart);
    ck_assert(!line());
    ck_assert_uint_eq(rd8(bus, IER), 0);
    ck_assert_uint_eq(rd8(bus, SCR), 0);
    ck_assert_uint_eq(rd8(bus, LSR), 0x60);
}
END_TEST

START_TEST(test_dlab)
{
    wr8(bus, LCR, 0x83);                            /* DLAB, 8 bits */
    wr8(bus, DLL, 0x12);
    wr8(bus, DLM, 0x34);
    ck_assert_uint_eq(rd8(bus, DLL), 0x12);
    ck_assert_uint_eq(rd8(bus, DLM), 0x34);
    ck_assert_uint_eq(chr.nout, 0);                 /* DLL is not THR */
    ck_assert_uint_eq(rd8(bus, LCR), 0x83);
    wr8(bus, LCR, 0x03);
    ck_assert_uint_eq(rd8(bus, IER), 0);            /* DLM is not IER */
    wr8(bus, THR, 'A');
    ck_assert_uint_eq(chr.nout, 1);
    wr8(bus, IER, 0x05);
    wr8(bus, LCR, 0x83);
    ck_assert_uint_eq(rd8(bus, DLL), 0x12);         /* THR and IER did not touch them */
    ck_assert_uint_eq(rd8(bus, DLM), 0x34);
    wr8(bus, LCR, 0x03);
    ck_assert_uint_eq(rd8(bus, IER), 0x05);
}
END_TEST

START_TEST(test_dlab_hides_rbr)
{
    feed("q");
    uart_update(uart);
    wr8(bus, LCR, 0x80);
    wr8(bus, DLL, 0x01);
    ck_assert_uint_eq(rd8(bus, RBR), 0x01);         /* DLL, the byte stays */
    ck_assert_uint_eq(rd8(bus, LSR) & 0x01, 0x01);
    wr8(bus, LCR, 0x00);
    ck_assert_uint_eq(rd8(bus, RBR), 'q');
}
END_TEST

START_TEST(test_plain_registers)
{
    wr8(bus, SCR, 0xa5);
    ck_assert_uint_eq(rd8(bus, SCR), 0xa5);
    wr8(bus, SCR, 0x3c);
    ck_assert_uint_eq(rd8(bus, SCR), 0x3c);
    wr8(bus, LCR, 0x7f);
    ck_assert_uint_eq(rd8(bus, LCR), 0x7f);
    wr8(bus, IER, 0xff);
    ck_assert_uint_eq(rd8(bus, IER), 0x0f);         /* only the low 4 bits */
    wr8(bus, IER, 0xf0);
    ck_assert_uint_eq(rd8(bus, IER), 0x00);
    wr8(bus, MCR, 0xff);
    ck_assert_uint_eq(rd8(bus, MCR), 0x1f);
    wr8(bus, MCR, 0x00);
    wr8(bus, LSR, 0x00);                            /* read-only: ignored */
    ck_assert_uint_eq(rd8(bus, LSR), 0x60);
    wr8(bus, MSR, 0x00);
    ck_assert_uint_eq(rd8(bus, MSR), 0xb0);
    ck_assert_uint_eq(chr.nout, 0);
}
END_TEST

START_TEST(test_thr_output)
{
    const char *msg = "hi\n\x00\xff";
    for (size_t i = 0; i < 5; i++) {
        wr8(bus, THR, (uint8_t)msg[i]);
        ck_assert_uint_eq(chr.nout, i + 1);         /* sent at once */
        ck_assert_uint_eq(rd8(bus, LSR) & 0x60, 0x60);
    }
    ck_assert_mem_eq(chr.out, msg, 5);
}
END_TEST

START_TEST(test_rx_order)
{
    feed("abc");
    ck_assert_uint_eq(rd8(bus, LSR) & 0x01, 0);     /* nothing until uart_update */
    uart_update(uart);
    ck_assert_uint_eq(rd8(bus, LSR), 0x61);
    ck_assert_uint_eq(rd8(bus, RBR), 'a');
    ck_assert_uint_eq(rd8(bus, RBR), 'b');
    ck_assert_uint_eq(rd8(bus, LSR) & 0x01, 0x01);
    ck_assert_uint_eq(rd8(bus, RBR), 'c');
    ck_assert_uint_eq(rd8(bus, LSR), 0x60);
    ck_assert_uint_eq(rd8(bus, RBR), 0);            /* empty */
    feed("d");
    uart_update(uart);
    ck_assert_uint_eq(rd8(bus, RBR), 'd');
}
END_TEST

/* The FIFO takes 16 bytes; the backend keeps the rest until the guest makes room. */
START_TEST(test_rx_fifo_limit)
{
    char in[UART_FIFO_SIZE + 5];
    for (size_t i = 0; i < sizeof in; i++)
        in[i] = (char)('A' + i);
    fake_char_feed(&chr, in, sizeof in);
    ck_assert(uart_can_receive(uart));
    uart_update(uart);
    ck_assert(!uart_can_receive(uart));
    ck_assert_uint_eq(chr.in_pos, UART_FIFO_SIZE);
    unsigned reads = chr.reads;
    uart_update(uart);                              /* full: the backend is not asked */
    ck_assert_uint_eq(chr.reads, reads);
    ck_assert_uint_eq(rd8(bus, LSR) & 0x02, 0);     /* no overrun: nothing was lost */
    for (size_t i = 0; i < 3; i++)
        ck_assert_uint_eq(rd8(bus, RBR), (uint8_t)in[i]);
    ck_assert(uart_can_receive(uart));
    uart_update(uart);                              /* 3 more fit */
    ck_assert_uint_eq(chr.in_pos, UART_FIFO_SIZE + 3);
    for (size_t i = 3; i < UART_FIFO_SIZE + 3; i++)
        ck_assert_uint_eq(rd8(bus, RBR), (uint8_t)in[i]);
    ck_assert_uint_eq(rd8(bus, LSR) & 0x01, 0);
    uart_update(uart);
    ck_assert_uint_eq(rd8(bus, RBR), (uint8_t)in[UART_FIFO_SIZE + 3]);
    ck_assert_uint_eq(rd8(bus, RBR), (uint8_t)in[UART_FIFO_SIZE + 4]);
    ck_assert_uint_eq(rd8(bus, LSR), 0x60);
}
END_TEST

/* A byte that arrives at a full FIFO (in loopback) is dropped and sets LSR.OE. */
START_TEST(test_rx_overrun_drops)
{
    wr8(bus, MCR, 0x10);
    for (unsigned i = 0; i < UART_FIFO_SIZE + 2; i++)
        wr8(bus, THR, 0x30 + i);
    uint8_t lsr = (uint8_t)rd8(bus, LSR);
    ck_assert_uint_eq(lsr & 0x03, 0x03);            /* DR | OE */
    ck_assert_uint_eq(rd8(bus, LSR) & 0x02, 0);     /* OE clears on read */
    for (unsigned i = 0; i < UART_FIFO_SIZE; i++)
        ck_assert_uint_eq(rd8(bus, RBR), 0x30 + i); /* the first 16, in order */
    ck_assert_uint_eq(rd8(bus, LSR) & 0x01, 0);
    ck_assert_uint_eq(chr.nout, 0);
}
END_TEST

START_TEST(test_rx_interrupt)
{
    wr8(bus, IER, 0x01);                            /* ERBFI */
    ck_assert(!line());
    ck_assert_uint_eq(rd8(bus, IIR), 0x01);
    feed("zy");
    uart_update(uart);
    ck_assert(line());
    ck_assert_uint_eq(rd8(bus, IIR), 0x04);
    ck_assert_uint_eq(rd8(bus, IIR), 0x04);         /* reading IIR does not clear RDA */
    ck_assert_uint_eq(rd8(bus, RBR), 'z');
    ck_assert(line());
    ck_assert_uint_eq(rd8(bus, RBR), 'y');
    ck_assert(!line());
    ck_assert_uint_eq(rd8(bus, IIR), 0x01);
    feed("w");
    uart_update(uart);
    ck_assert(line());
    wr8(bus, IER, 0x00);                            /* masked */
    ck_assert(!line());
    ck_assert_uint_eq(rd8(bus, IIR), 0x01);
    wr8(bus, IER, 0x01);
    ck_assert(line());
}
END_TEST

START_TEST(test_thre_interrupt)
{
    wr8(bus, IER, 0x02);                            /* ETBEI: THR is empty, so at once */
    ck_assert(line());
    ck_assert_uint_eq(rd8(bus, IIR), 0x02);
    ck_assert(!line());                             /* reported once */
    ck_assert_uint_eq(rd8(bus, IIR), 0x01);
    wr8(bus, THR, 'x');                             /* a new THR empty event */
    ck_assert(line());
    ck_assert_uint_eq(rd8(bus, IIR), 0x02);
    ck_assert_uint_eq(rd8(bus, IIR), 0x01);
    wr8(bus, IER, 0x02);                            /* already set: not a new event */
    ck_assert(!line());
    wr8(bus, IER, 0x00);
    wr8(bus, IER, 0x02);                            /* enabling again reports it again */
    ck_assert(line());
    ck_assert_uint_eq(rd8(bus, IIR), 0x02);
    wr8(bus, THR, 'y');
    ck_assert(line());
    wr8(bus, IER, 0x00);                            /* masked */
    ck_assert(!line());
    ck_assert_uint_eq(chr.nout, 2);
}
END_TEST

/* Received data outranks THRE; reading IIR while it says RDA leaves THRE pending. */
START_TEST(test_interrupt_priority)
{
    feed("k");
    uart_update(uart);
    wr8(bus, IER, 0x03);
    ck_assert(line());
    ck_assert_uint_eq(rd8(bus, IIR), 0x04);
    ck_assert_uint_eq(rd8(bus, IIR), 0x04);
    ck_assert_uint_eq(rd8(bus, RBR), 'k');
    ck_assert(line());
    ck_assert_uint_eq(rd8(bus, IIR), 0x02);
    ck_assert(!line());
    ck_assert_uint_eq(rd8(bus, IIR), 0x01);
}
END_TEST

/* An overrun with IER.ELSI reports the line status interrupt, above everything. */
/* A guest polling LSR, or output with no interrupt enabled, never touches the line. */
START_TEST(test_polling_quiet)
{
    unsigned sets = sink.sets;
    for (unsigned i = 0; i < 10; i++) {
        ck_assert_uint_eq(rd8(bus, LSR) & 0x20, 0x20);
        wr8(bus, THR, 'a' + i);
    }
    uart_update(uart);
    ck_assert_uint_eq(sink.sets, sets);
    wr8(bus, IER, 0x01);
    feed("x");
    uart_update(uart);
    ck_assert_uint_eq(sink.sets, sets + 1);
    ck_assert(line());
    rd8(bus, LSR);
    uart_update(uart);
    ck_assert_uint_eq(sink.sets, sets + 1);
}
END_TEST

START_TEST(test_line_status_interrupt)
{
    wr8(bus, MCR, 0x10);
    wr8(bus, IER, 0x07);
    ck_assert_uint_eq(rd8(bus, IIR), 0x02);         /* clear the THRE report */
    for (unsigned i = 0; i <= UART_FIFO_SIZE; i++)
        wr8(bus, THR, i);
    ck_assert(line());
    ck_assert_uint_eq(rd8(bus, IIR), 0x06);
    ck_assert_uint_eq(rd8(bus, LSR) & 0x03, 0x03);
    ck_assert_uint_eq(rd8(bus, IIR), 0x04);         /* the data is still there */
}
END_TEST

START_TEST(test_fcr)
{
    ck_assert_uint_eq(rd8(bus, IIR) & 0xc0, 0);
    wr8(bus, FCR, 0x01);
    ck_assert_uint_eq(rd8(bus, IIR), 0xc1);
    wr8(bus, IER, 0x01);
    feed("abc");
    uart_update(uart);
    ck_assert_uint_eq(rd8(bus, IIR), 0xc4);
    wr8(bus, FCR, 0x07);                            /* clear both FIFOs, keep them on */
    ck_assert_uint_eq(rd8(bus, LSR), 0x60);
    ck_assert(!line());
    ck_assert_uint_eq(rd8(bus, IIR), 0xc1);
    feed("d");
    uart_update(uart);
    wr8(bus, FCR, 0x01);                            /* no clear bit: data stays */
    ck_assert_uint_eq(rd8(bus, LSR) & 0x01, 0x01);
    wr8(bus, FCR, 0x00);                            /* FIFOs off: emptied, IIR bits gone */
    ck_assert_uint_eq(rd8(bus, LSR) & 0x01, 0);
    ck_assert_uint_eq(rd8(bus, IIR), 0x01);
}
END_TEST

START_TEST(test_loopback)
{
    wr8(bus, MCR, 0x10);
    wr8(bus, THR, 'L');
    ck_assert_uint_eq(chr.nout, 0);                 /* not sent out */
    ck_assert_uint_eq(rd8(bus, LSR), 0x61);
    ck_assert_uint_eq(rd8(bus, RBR), 'L');
    /* modem outputs come back as inputs: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD */
    wr8(bus, MCR, 0x10 | 0x0a);
    ck_assert_uint_eq(rd8(bus, MSR), 0x90);
    wr8(bus, MCR, 0x10 | 0x05);
    ck_assert_uint_eq(rd8(bus, MSR), 0x60);
    wr8(bus, MCR, 0x10);
    ck_assert_uint_eq(rd8(bus, MSR), 0x00);
    /* the outside world is not heard in loopback */
    feed("o");
    ck_assert(!uart_can_receive(uart));
    uart_update(uart);
    ck_assert_uint_eq(rd8(bus, LSR) & 0x01, 0);
    wr8(bus, IER, 0x01);
    wr8(bus, THR, 'M');
    ck_assert(line());
    ck_assert_uint_eq(rd8(bus, RBR), 'M');
    ck_assert(!line());
    wr8(bus, MCR, 0x00);                            /* back to normal */
    ck_assert_uint_eq(rd8(bus, MSR), 0xb0);
    uart_update(uart);
    ck_assert_uint_eq(rd8(bus, RBR), 'o');
    wr8(bus, THR, 'N');
    ck_assert_uint_eq(chr.nout, 1);
    ck_assert_uint_eq(chr.out[0], 'N');
}
END_TEST

START_TEST(test_no_backend)
{
    struct uart *u = uart_create(NULL, (struct irq_line){ 0 });
    ck_assert_ptr_nonnull(u);
    uart_update(u);
    ck_assert(uart_can_receive(u));
    uart_destroy(u);
}
END_TEST

START_TEST(test_sizes_refused)
{
    uint32_t v;
    feed("s");
    uart_update(uart);
    ck_assert(!bus_read(bus, RBR, 2, &v));
    ck_assert(!bus_read(bus, RBR, 4, &v));
    ck_assert(!bus_write(bus, THR, 2, 'x'));
    ck_assert(!bus_write(bus, THR, 4, 'x'));
    ck_assert(!bus_write(bus, LCR - 1, 4, 0x80));
    ck_assert_uint_eq(chr.nout, 0);
    ck_assert_uint_eq(rd8(bus, LCR), 0);
    ck_assert_uint_eq(rd8(bus, RBR), 's');          /* the refused reads popped nothing */
    ck_assert_uint_eq(rd8(bus, BASE + 8), 0);       /* past the registers */
    wr8(bus, BASE + 8, 0xff);
    ck_assert(bus_read(bus, BASE + MEMMAP_UART0_SIZE - 1, 1, &v));
    ck_assert(!bus_read(bus, BASE + MEMMAP_UART0_SIZE, 1, &v));
}
END_TEST

static Suite *uart_suite(void)
{
    Suite *s = suite_create("uart16550");
    TCase *tc = tcase_create("registers");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_reset_state);
    tcase_add_test(tc, test_dlab);
    tcase_add_test(tc, test_dlab_hides_rbr);
    tcase_add_test(tc, test_plain_registers);
    tcase_add_test(tc, test_fcr);
    tcase_add_test(tc, test_no_backend);
    tcase_add_test(tc, test_sizes_refused);
    suite_add_tcase(s, tc);

    tc = tcase_create("data");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_thr_output);
    tcase_add_test(tc, test_rx_order);
    tcase_add_test(tc, test_rx_fifo_limit);
    tcase_add_test(tc, test_rx_overrun_drops);
    tcase_add_test(tc, test_loopback);
    suite_add_tcase(s, tc);

    tc = tcase_create("interrupts");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_rx_interrupt);
    tcase_add_test(tc, test_thre_interrupt);
    tcase_add_test(tc, test_interrupt_priority);
    tcase_add_test(tc, test_line_status_interrupt);
    tcase_add_test(tc, test_polling_quiet);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(uart_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
