/* The 16550 UART (ns16550a): 8N1, polled output, interrupt-driven input. rvbox and
 * QEMU need no baud rate, so none is set.
 *
 * Input has flow control: when the console's input ring is full, bytes are left in the
 * UART's FIFO and its receive interrupt is turned off until the reader makes room. A
 * full FIFO holds the sender back (rvbox and QEMU take bytes from the terminal only as
 * the FIFO empties), so a paste faster than its reader waits instead of being lost. */
#include "uart.h"

#include <stdint.h>

#include "console.h"
#include "memlayout.h"

#define RBR 0           /* receive buffer (read) */
#define THR 0           /* transmit holding (write) */
#define IER 1           /* interrupt enable */
#define FCR 2           /* FIFO control */
#define LCR 3           /* line control */
#define LSR 5           /* line status */

#define IER_RX      0x01
#define FCR_ENABLE  0x01    /* FIFOs on (this empties them) */
#define LCR_8N1     0x03
#define LSR_DR      0x01    /* a byte has arrived */
#define LSR_THRE    0x20    /* room to send */

static volatile uint8_t *const uart = (volatile uint8_t *)UART0;
/* Bytes that arrived before the kernel (typed ahead, piped in): turning the FIFOs on
 * empties them, so they are kept here until the console can take them. */
static uint8_t early[16];
static int nearly;
static int holding;             /* input left in the FIFO: the console was full */

void uart_init(void)
{
    uart[IER] = 0;
    while ((uart[LSR] & LSR_DR) && nearly < (int)sizeof early)
        early[nearly++] = uart[RBR];
    uart[LCR] = LCR_8N1;
    uart[FCR] = FCR_ENABLE;
    uart[IER] = IER_RX;
}

static void put_raw(int c)
{
    while (!(uart[LSR] & LSR_THRE))
        ;
    uart[THR] = (uint8_t)c;
}

void uart_putc(int c)
{
    if (c == '\n')
        put_raw('\r');
    put_raw(c);
}

void uart_intr(void)
{
    for (int i = 0; i < nearly; i++)
        console_input(early[i]);
    nearly = 0;
    while (uart[LSR] & LSR_DR) {
        if (console_full()) {
            uart[IER] = 0;      /* until uart_rx_resume() */
            holding = 1;
            return;
        }
        console_input(uart[RBR]);
    }
}

/* The receive interrupt back on: it comes at once, for the bytes that wait. */
void uart_rx_resume(void)
{
    if (holding) {
        holding = 0;
        uart[IER] = IER_RX;
    }
}
