/*
 * A short program whose trace is known line by line (tests/debug/trace.expected): a
 * call and return, an ecall trap into its handler, then the HTIF exit. Relaxation is off
 * so that the instructions stay what is written here.
 */
    .option norelax
    .section .text.start, "ax", @progbits
    .globl  _start
_start:
    la      t0, handler
    csrw    mtvec, t0
    li      a0, 1
    jal     add_two
    ecall
1:  j       1b

add_two:
    addi    a0, a0, 2
    ret

    .balign 4
handler:
    csrr    t1, mcause
    la      t0, tohost
    li      t1, 1               /* (0 << 1) | 1: exit with code 0 */
    sw      t1, 0(t0)
    sw      zero, 4(t0)
2:  j       2b
