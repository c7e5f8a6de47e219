/*
 * Every hart's entry (the boot ROM's a0 = hart id, a1 = device tree): a stack of its
 * own, a trap vector that reports and fails, then smp_start(hartid, dtb).
 */
#define STACK_SIZE 4096
#define MAX_HARTS 8

    .section .text.start, "ax"
    .globl _start
_start:
    li      t0, MAX_HARTS
    bgeu    a0, t0, park
    la      t0, trap_entry
    csrw    mtvec, t0
    la      sp, stacks
    addi    t0, a0, 1
    li      t1, STACK_SIZE
    mul     t0, t0, t1
    add     sp, sp, t0
    call    smp_start
park:
    wfi
    j       park

    .balign 4
trap_entry:
    la      sp, trap_stack_top
    call    smp_trap                /* never returns */

    .bss
    .balign 16
stacks:
    .space  MAX_HARTS * STACK_SIZE
    .space  1024
trap_stack_top:
