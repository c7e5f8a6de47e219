/* The firmware enters here in S-mode: a0 = hart id, a1 = device tree, paging off.
 * Each hart gets its own stack (BOOT_STACK bytes, param.h) and keeps its id in tp for
 * good (cpuid(), proc.h). The first hart in clears .bss; then main(hartid, dtb).
 * A hart id the kernel has no room for (NCPU) waits here forever. */
#include "param.h"

    .section .text.entry
    .globl _entry
_entry:
    li t0, NCPU
    bgeu a0, t0, park
    mv tp, a0
    la sp, boot_stacks
    li t0, BOOT_STACK
    addi t1, a0, 1
    mul t0, t0, t1
    add sp, sp, t0              /* the top of this hart's stack */
    la t0, bss_cleared
    lw t1, 0(t0)
    bnez t1, 2f                 /* a later hart: .bss is in use already */
    la t0, bss_start
    la t1, bss_end
1:  bgeu t0, t1, 2f
    sw zero, 0(t0)
    addi t0, t0, 4
    j 1b
2:  la t0, bss_cleared
    li t1, 1
    sw t1, 0(t0)
    call main
park:
    wfi
    j park

    .section .data
    .balign 4
bss_cleared:                    /* in .data: clearing .bss must not clear it */
    .word 0

    .section .bss
    .balign 16
    .globl boot_stacks
boot_stacks:
    .space BOOT_STACK * NCPU
