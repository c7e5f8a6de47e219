/*
 * Bare-metal start for the benchmark, in M-mode at the ELF entry: catch traps, set the
 * stack, clear .bss, run bench_main() and end the run with its return value.
 */
    .section .text.start, "ax", @progbits
    .globl  _start
_start:
    la      t0, trap_entry
    csrw    mtvec, t0
    la      sp, __stack_top
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sw      zero, 0(t0)
    addi    t0, t0, 4
    j       1b
2:  call    bench_main
    call    console_exit            /* a0 = bench_main's result; never returns */
3:  j       3b

/* Any trap is a failure: report it (bench_trap prints and exits, never returns). */
    .text
    .balign 4
trap_entry:
    la      sp, __stack_top
    csrr    a0, mcause
    csrr    a1, mepc
    csrr    a2, mtval
    call    bench_trap
4:  j       4b
