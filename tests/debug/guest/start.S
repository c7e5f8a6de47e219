/* Start for the C programs: catch traps, set the stack, clear .bss, exit with main's
 * result. An unexpected trap exits with code 99. */
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
2:  call    main
    call    htif_exit

    .text
    .balign 4
trap_entry:
    li      a0, 99
    call    htif_exit
