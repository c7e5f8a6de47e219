/*
 * Console and exit through HTIF (see devices/htif.h): for rvbox before it has a UART.
 * `tohost` sits in a 4 KiB page of its own (bench.ld), because rvbox's HTIF device claims
 * the whole page that holds it.
 */
#include <stdint.h>

#include "console.h"

#define HTIF_CONSOLE_PUTCHAR 0x01010000u /* device 1 (console), command 1 (putchar) */

/* The 64-bit tohost word as its two halves: [0] is the low word, the trigger. */
volatile uint32_t tohost[2] __attribute__((section(".tohost"), aligned(8)));
volatile uint32_t fromhost[2] __attribute__((section(".tohost"), aligned(8)));

void console_putc(char c)
{
    tohost[1] = HTIF_CONSOLE_PUTCHAR; /* high word first: the low word triggers */
    tohost[0] = (uint8_t)c;
    while (tohost[0] != 0) {
        /* the host clears tohost once it has written the byte */
    }
}

void console_exit(int code)
{
    tohost[1] = 0;
    tohost[0] = ((uint32_t)code << 1) | 1;
    for (;;)
        __asm__ volatile("wfi");
}
