/*
 * Console and exit on the virt board: bytes go to UART0 (ns16550a) and the run ends
 * through the test/syscon device ("sifive,test"), as on `qemu-system-riscv32 -M virt`.
 * The UART needs no set-up to transmit; we only wait for room in the holding register.
 */
#include <stdint.h>

#include "bus/memmap.h"
#include "console.h"

#define UART_THR      0x0    /* transmit holding register (write) */
#define UART_LSR      0x5    /* line status register */
#define UART_LSR_THRE 0x20   /* the holding register can take a byte */

#define SYSCON_FINISHER_FAIL 0x3333 /* exit status in bits 31:16 */
#define SYSCON_FINISHER_PASS 0x5555

static volatile uint8_t *const uart = (volatile uint8_t *)MEMMAP_UART0_BASE;
static volatile uint32_t *const syscon = (volatile uint32_t *)MEMMAP_SYSCON_BASE;

void console_putc(char c)
{
    while ((uart[UART_LSR] & UART_LSR_THRE) == 0) {
    }
    uart[UART_THR] = (uint8_t)c;
}

void console_exit(int code)
{
    *syscon = code == 0 ? SYSCON_FINISHER_PASS
                        : ((uint32_t)code << 16) | SYSCON_FINISHER_FAIL;
    for (;;)
        __asm__ volatile("wfi");
}
