/*
 * A guest's own ebreak traps to the guest, debugger attached or not: the handler checks
 * mcause = breakpoint and mtval = the ebreak's address, skips it, and the program exits
 * with 0 (anything else: 1).
 */
    .option norelax
    .section .text.start, "ax", @progbits
    .globl  _start
_start:
    la      t0, handler
    csrw    mtvec, t0
    .globl  the_ebreak
the_ebreak:
    .option push
    .option norvc
    ebreak                      /* 4 bytes */
    .option pop
    li      t1, 1               /* (0 << 1) | 1 */
    j       done

    .balign 4
handler:
    csrr    t0, mcause
    li      t1, 3               /* breakpoint */
    bne     t0, t1, fail
    csrr    t0, mtval
    la      t1, the_ebreak
    bne     t0, t1, fail
    csrr    t0, mepc
    addi    t0, t0, 4
    csrw    mepc, t0
    mret
fail:
    li      t1, (1 << 1) | 1
done:
    la      t0, tohost
    sw      t1, 0(t0)
    sw      zero, 4(t0)
1:  j       1b
