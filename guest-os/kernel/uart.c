/* The 16550 UART (ns16550a): 8N1, polled output, interrupt-driven input. rvbox and
 * QEMU need no baud rate, so none is set.
 *
 * Input has flow control: when the console's input ring is full, bytes are left in the
 * UART's FIFO and its receive interrupt is turned off until the reader makes room. A
 * full FIFO holds the sender back (rvbox and QEMU take bytes from the terminal only as
 * the FIFO empties), so a paste faster than its reader waits instead of being lost.
 *
 * Two locks: tx_lock makes one hart at a time wait for room and send; rx_lock guards
 * the receive side, `rx_held` and the interrupt enable with it. uart_intr holds
 * rx_lock from its look at the console ("full?") until it has turned the interrupt
 * off, and uart_rx_resume takes rx_lock after the reader made room, so the two cannot
 * cross: either the resume sees `rx_held`, or the look sees the room. */
#include "uart.h"

#include <stdint.h>

#include "console.h"
#include "memlayout.h"
#include "printf.h"
#include "spinlock.h"

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
static struct spinlock tx_lock, rx_lock;
/* Bytes that arrived before the kernel (typed ahead, piped in): turning the FIFOs on
 * empties them, so they are kept here until the console can take them. */
static uint8_t early[16];
static int nearly;
static int rx_held;             /* input left in the FIFO: the console was full */

void uart_init(void)
{
    initlock(&tx_lock, "uart tx");
    initlock(&rx_lock, "uart rx");
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
    int locking = !panicking;
    if (locking)
        acquire(&tx_lock);
    if (c == '\n')
        put_raw('\r');
    put_raw(c);
    if (locking)
        release(&tx_lock);
}

void uart_intr(void)
{
    acquire(&rx_lock);
    for (int i = 0; i < nearly; i++)
        console_input(early[i]);
    nearly = 0;
    while (uart[LSR] & LSR_DR) {
        if (console_full()) {
            uart[IER] = 0;      /* until uart_rx_resume() */
            rx_held = 1;
            break;
        }
        console_input(uart[RBR]);
    }
    release(&rx_lock);
}

/* The receive interrupt back on: it comes at once, for the bytes that wait. The
 * console calls this after making room, holding none of its own locks. */
void uart_rx_resume(void)
{
    acquire(&rx_lock);
    if (rx_held) {
        rx_held = 0;
        uart[IER] = IER_RX;
    }
    release(&rx_lock);
}
