/*
 * Dies like a firmware on an unexpected trap: work() calls broken(), which runs an
 * illegal instruction; the trap handler gives up with exit code 3. rvbox must then print
 * the last control transfers (tests/debug/CMakeLists.txt, debug.failure-report).
 */
    .option norelax
    .section .text.start, "ax", @progbits
    .globl  _start
_start:
    la      t0, fatal_trap
    csrw    mtvec, t0
    la      sp, __stack_top
    call    work
1:  j       1b

    .globl  work
    .type   work, @function
work:
    addi    sp, sp, -16
    sw      ra, 12(sp)
    call    broken
    lw      ra, 12(sp)
    addi    sp, sp, 16
    ret
    .size   work, . - work

    .globl  broken
    .type   broken, @function
broken:
    li      a0, 42
    .word   0xffffffff          /* illegal */
    ret
    .size   broken, . - broken

    .balign 4
    .globl  fatal_trap
fatal_trap:
    la      t0, tohost
    li      t1, (3 << 1) | 1    /* exit code 3 */
    sw      t1, 0(t0)
    sw      zero, 4(t0)
2:  j       2b
