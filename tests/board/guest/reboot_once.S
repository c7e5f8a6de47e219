/* Prints "boot" and asks the syscon for a reboot, on every boot: a reboot reloads the
 * images into fresh RAM, so each boot is the first. The test counts the lines. */
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
2:  li      t0, MEMMAP_SYSCON_BASE
    li      t1, 0x7777
    sw      t1, 0(t0)
3:  j       3b
    .section .rodata
msg: .asciz "boot\n"
