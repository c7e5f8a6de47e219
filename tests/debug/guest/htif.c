#include "htif.h"

#define HTIF_CONSOLE_PUTCHAR 0x01010000u /* device 1 (console), command 1 (putchar) */

/* The 64-bit tohost word as its two halves: [0] is the low word. */
volatile uint32_t tohost[2] __attribute__((section(".tohost"), aligned(8)));
volatile uint32_t fromhost[2] __attribute__((section(".tohost"), aligned(8)));

void htif_putc(char c)
{
    tohost[1] = HTIF_CONSOLE_PUTCHAR;
    tohost[0] = (uint8_t)c;
    while (tohost[0] != 0) {
        /* the host clears tohost once the byte is out */
    }
}

void htif_puts(const char *s)
{
    while (*s)
        htif_putc(*s++);
}

void htif_putu(uint32_t v)
{
    char buf[11];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        htif_putc(buf[--n]);
}

void htif_exit(uint32_t code)
{
    tohost[1] = 0;
    tohost[0] = (code << 1) | 1;
    for (;;)
        __asm__ volatile("wfi");
}
