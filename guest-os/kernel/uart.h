/* The 16550 UART: output by polling (short and never lost), input by interrupt. */
#ifndef KITE_UART_H
#define KITE_UART_H

void uart_init(void);               /* 8N1, FIFOs on, receive interrupt on */
void uart_putc(int c);              /* waits for room; '\n' is sent as "\r\n" */
/* Hands the received bytes to console_input(), as long as the console has room; the
 * rest wait in the UART, its receive interrupt off, until uart_rx_resume(). */
void uart_intr(void);
void uart_rx_resume(void);

#endif
