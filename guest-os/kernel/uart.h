/* The 16550 UART: output by polling (short and never lost), input by interrupt. */
#ifndef KITE_UART_H
#define KITE_UART_H

void uart_init(void);               /* 8N1, FIFOs on, receive interrupt on */
void uart_putc(int c);              /* waits for room; '\n' is sent as "\r\n" */
void uart_intr(void);               /* hands every received byte to console_input() */

#endif
