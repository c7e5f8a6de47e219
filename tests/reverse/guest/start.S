/* The reverse-debugging test kernel's entry (S-mode, from the firmware) and its trap
 * vector: every register saved, s_trap() called, every register restored. */
    .section .text.start, "ax"
    .globl _start
_start:
    la      sp, stack_top
    la      t0, strap_entry
    csrw    stvec, t0
    call    kernel_main
1:  j       1b

    .balign 4
strap_entry:
    addi    sp, sp, -128
    .irp    r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sw      x\r, 4*\r(sp)
    .endr
    call    s_trap
    .irp    r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    lw      x\r, 4*\r(sp)
    .endr
    addi    sp, sp, 128
    sret

    .bss
    .balign 16
    .space  8192
stack_top:
