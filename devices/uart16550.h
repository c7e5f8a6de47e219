/*
 * A 16550A UART (`ns16550a`), as Linux's 8250 driver, OpenSBI and xv6 use it: registers
 * at byte offsets 0..7 (reg-shift 0), 1-byte accesses.
 *
 *   0 RBR (read) / THR (write) / DLL (DLAB=1)   4 MCR
 *   1 IER / DLM (DLAB=1)                        5 LSR (read-only)
 *   2 IIR (read) / FCR (write)                  6 MSR
 *   3 LCR (bit 7: DLAB)                         7 SCR
 *
 * Transmit is immediate (THR empty again at once: LSR.THRE/TEMT stay set), so a THRE
 * interrupt is pending whenever IER.ETBEI is set and IIR has not just reported it. Received
 * bytes enter a 16-byte FIFO from the backend; IER.ERBFI raises the line while it holds data.
 * MCR loopback (bit 4) sends THR back to RBR.
 */
#ifndef RVBOX_UART16550_H
#define RVBOX_UART16550_H

#include <stdbool.h>
#include <stdint.h>

#include "bus/bus.h"
#include "devices/chardev.h"
#include "devices/irq.h"

#define UART_FIFO_SIZE 16

struct uart;

struct uart *uart_create(const struct chardev *backend, struct irq_line irq);
void uart_destroy(struct uart *u);
void uart_reset(struct uart *u);
enum bus_error uart_attach(struct uart *u, struct bus *bus, uint32_t base);

/* Pull waiting input from the backend into the receive FIFO and drive the line: the
 * machine calls it between runs of the harts. */
void uart_update(struct uart *u);

/* True when the receive FIFO has room: the host need not read input it cannot deliver. */
bool uart_can_receive(const struct uart *u);

#endif
