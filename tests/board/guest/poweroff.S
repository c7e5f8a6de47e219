/* Prints "bye" on the UART, then powers off with success: the simplest program that
 * ends through the syscon rather than HTIF. */
#include "board.h"
    .section .text.start, "ax"
    .globl _start
_start:
    li      a0, 'b'
    PUTC
    li      a0, 'y'
    PUTC
    li      a0, 'e'
    PUTC
    li      a0, '\n'
    PUTC
    POWEROFF 0
