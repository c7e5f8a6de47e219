/*
 * The greeter: rvbox's default guest until the tiny OS arrives. It writes a greeting to
 * the console through HTIF (device 1, command 1: one byte per request) and ends the run
 * with exit code 0.
 */
    .section .text.start
    .globl _start
_start:
    la      s0, greeting
    la      s1, tohost
    li      s2, 0x01010000          /* high word: device 1, command 1 (putchar) */
1:  lbu     a0, 0(s0)
    beqz    a0, 3f
    sw      s2, 4(s1)               /* high word first: the low word is the trigger */
    sw      a0, 0(s1)
2:  lw      t0, 0(s1)               /* wait until rvbox has taken the byte */
    bnez    t0, 2b
    addi    s0, s0, 1
    j       1b
3:  sw      zero, 4(s1)
    li      t0, 1                   /* (code 0 << 1) | 1: exit with success */
    sw      t0, 0(s1)
4:  wfi
    j       4b

    .section .rodata
greeting:
    .asciz  "Hello from rvbox! This RV32IMAC machine is alive.\n"

    .section .tohost, "aw", @progbits
    .align  6
    .globl  tohost
tohost:     .dword 0
    .globl  fromhost
fromhost:   .dword 0
