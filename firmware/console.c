#include "firmware/console.h"

#include <stdarg.h>

#include "bus/memmap.h"

/* 16550 registers, byte offsets from MEMMAP_UART0_BASE. */
#define UART_RBR 0                  /* receive buffer (read) */
#define UART_THR 0                  /* transmit holding (write) */
#define UART_DLL 0                  /* divisor latch, low byte (LCR_DLAB set) */
#define UART_IER 1                  /* interrupt enable */
#define UART_DLM 1                  /* divisor latch, high byte (LCR_DLAB set) */
#define UART_LCR 3                  /* line control */
#define UART_LSR 5                  /* line status */

#define LCR_8N1         0x03        /* 8 data bits, no parity, 1 stop bit */
#define LCR_DLAB        0x80        /* registers 0 and 1 are the divisor */
#define LSR_RX_READY    0x01        /* a byte waits in RBR */
#define LSR_TX_IDLE     0x20        /* THR can take a byte */

/* 115200 baud from the board's 3.6864 MHz UART clock: 3686400 / (16 * 115200). */
#define UART_DIVISOR    2

static volatile uint8_t *const uart = (volatile uint8_t *)MEMMAP_UART0_BASE;

/* What a real 16550 needs after reset: the line format and speed (emulated ones ignore
 * the speed), no interrupts. The FIFOs are left alone: switching them on would throw away
 * bytes already received, and the kernel's driver sets them up as it likes. */
void console_init(void)
{
    uart[UART_IER] = 0;
    uart[UART_LCR] = LCR_DLAB;
    uart[UART_DLL] = UART_DIVISOR;
    uart[UART_DLM] = 0;
    uart[UART_LCR] = LCR_8N1;
}

void console_putc(uint8_t c)
{
    while (!(uart[UART_LSR] & LSR_TX_IDLE))
        ;
    uart[UART_THR] = c;
}

int console_getc(void)
{
    if (!(uart[UART_LSR] & LSR_RX_READY))
        return -1;
    return uart[UART_RBR];
}

static void put_str(const char *s)
{
    while (*s)
        console_putc((uint8_t)*s++);
}

static void put_num(uint32_t v, unsigned base, unsigned min_digits)
{
    char buf[10];
    unsigned n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (n < min_digits)
        buf[n++] = '0';
    while (n)
        console_putc((uint8_t)buf[--n]);
}

void console_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            if (*fmt == '\n')
                console_putc('\r');
            console_putc((uint8_t)*fmt);
            continue;
        }
        unsigned digits = 0;
        if (fmt[1] == '0' && fmt[2] == '8') {
            digits = 8;
            fmt += 2;
        }
        switch (*++fmt) {
        case 's': put_str(va_arg(ap, const char *)); break;
        case 'c': console_putc((uint8_t)va_arg(ap, int)); break;
        case 'u': put_num(va_arg(ap, uint32_t), 10, digits); break;
        case 'x': put_num(va_arg(ap, uint32_t), 16, digits); break;
        case '%': console_putc('%'); break;
        default: console_putc('?'); break;       /* a firmware bug: make it visible */
        }
    }
    va_end(ap);
}
