/*
 * The console: UART0, a 16550 (registers as in devices/uart16550.h). Used by the
 * firmware's own messages and by the SBI console calls (DBCN and the legacy putchar and
 * getchar). No interrupts: the firmware polls.
 */
#ifndef FW_CONSOLE_H
#define FW_CONSOLE_H

#include <stdint.h>

void console_init(void);
void console_putc(uint8_t c);       /* waits until the transmitter has room */
int console_getc(void);             /* a received byte, or -1 when none is waiting */

/* printf for the firmware's messages: %s, %c, %u, %x (lower case, no padding), %08x
 * (eight digits); numbers are 32-bit (uint32_t, which this compiler makes a long, so
 * the compiler's printf format check is not asked for). "\n" goes out as "\r\n". */
void console_printf(const char *fmt, ...);

#endif
