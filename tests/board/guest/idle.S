/* Prints "idle\n" and waits for interrupts forever with none enabled: rvbox must sleep
 * (not spin) and still end on Ctrl-A x or a signal. */
#include "board.h"
    .section .text.start, "ax"
    .globl _start
_start:
    la      a1, msg
1:  lbu     a0, 0(a1)
    beqz    a0, 2f
    PUTC
    addi    a1, a1, 1
    j       1b
2:  wfi
    j       2b
    .section .rodata
msg: .asciz "idle\n"
