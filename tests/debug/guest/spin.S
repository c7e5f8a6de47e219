/* Counts forever in `count`: for interrupting (Ctrl-C), detaching and killing. */
    .section .text.start, "ax", @progbits
    .globl  _start
_start:
    la      t0, count
    .globl  spin_loop
spin_loop:
    lw      t1, 0(t0)
    addi    t1, t1, 1
    sw      t1, 0(t0)
    j       spin_loop

    .data
    .balign 4
    .globl  count
count:  .word 0
