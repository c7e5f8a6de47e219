/* Shared by the board test programs: addresses from the memory map, UART and syscon
 * helpers as assembler macros. */
#include "bus/memmap.h"

#define UART_THR 0
#define UART_RBR 0
#define UART_IER 1
#define UART_IIR 2
#define UART_LSR 5
#define LSR_DR   0x01
#define LSR_THRE 0x20

/* Power off with exit code `code` (0: success) through the syscon. Clobbers t0, t1. */
.macro POWEROFF code
    li      t0, MEMMAP_SYSCON_BASE
.if \code == 0
    li      t1, 0x5555
.else
    li      t1, (\code << 16) | 0x3333
.endif
    sw      t1, 0(t0)
1:  j       1b
.endm

/* Send the byte in a0 on UART0. Clobbers t0. */
.macro PUTC
    li      t0, MEMMAP_UART0_BASE
    sb      a0, UART_THR(t0)
.endm
