/* Reads the goldfish RTC (TIME_LOW latches TIME_HIGH) and prints "rtc " and TIME_HIGH in
 * hex: the wall clock's nanoseconds since 1970 divided by 2^32 (units of ~4.3 s), which
 * the test compares with the host's clock. Then powers off. */
#include "board.h"
    .section .text.start, "ax"
    .globl _start
_start:
    li      s0, MEMMAP_RTC_BASE
    lw      t1, 0(s0)               /* TIME_LOW: latches the high half */
    lw      s1, 4(s0)               /* TIME_HIGH */
    la      a1, msg
1:  lbu     a0, 0(a1)
    beqz    a0, 2f
    PUTC
    addi    a1, a1, 1
    j       1b
2:  li      s2, 28                  /* print s1 as 8 hex digits */
3:  srl     a0, s1, s2
    andi    a0, a0, 15
    li      t1, 10
    blt     a0, t1, 4f
    addi    a0, a0, 'a' - 10 - '0'
4:  addi    a0, a0, '0'
    PUTC
    addi    s2, s2, -4
    bgez    s2, 3b
    li      a0, '\n'
    PUTC
    POWEROFF 0
    .section .rodata
msg: .asciz "rtc "
