/*
 * A trap loop and what led into it. In S-mode, go_wrong() jumps to address 0, where
 * nothing is mapped; the instruction access fault is delegated to S-mode, whose stvec is
 * still 0, so the fault comes again at once, forever. A machine timer interrupt (taken
 * in M-mode whatever S-mode does) ends the run with exit code 5 some 20 ms later: by then
 * rvbox must have reported the loop once, and the history must still show the jump to 0
 * (tests/debug/trap_loop.sh).
 */
    .option norelax
#define CLINT_MTIMECMP 0x02004000
#define CLINT_MTIME    0x0200bff8
#define MIE_MTIE       (1 << 7)
    .section .text.start, "ax", @progbits
    .globl  _start
_start:
    la      t0, m_timer
    csrw    mtvec, t0
    li      t0, 1 << 1                  /* instruction access faults go to S-mode */
    csrw    medeleg, t0
    /* mtimecmp = mtime + 200000 ticks (20 ms at 10 MHz); mtime is near 0 at reset */
    li      t0, CLINT_MTIME
    lw      t1, 0(t0)
    lw      t2, 4(t0)
    li      t3, 200000
    add     t1, t1, t3
    li      t0, CLINT_MTIMECMP
    li      t3, -1
    sw      t3, 0(t0)
    sw      t2, 4(t0)
    sw      t1, 0(t0)
    li      t0, MIE_MTIE
    csrw    mie, t0
    li      t0, 3 << 11                 /* mstatus.MPP = S */
    csrc    mstatus, t0
    li      t0, 1 << 11
    csrs    mstatus, t0
    la      t0, s_main
    csrw    mepc, t0
    mret

s_main:
    call    go_wrong
1:  j       1b

    .globl  go_wrong
    .type   go_wrong, @function
go_wrong:
    li      t0, 0
    jr      t0
    .size   go_wrong, . - go_wrong

    .balign 4
    .globl  m_timer
m_timer:
    la      t0, tohost
    li      t1, (5 << 1) | 1            /* exit code 5 */
    sw      t1, 0(t0)
    sw      zero, 4(t0)
2:  j       2b
