/*
 * Where every hart starts (the boot ROM jumps here with a0 = hart id, a1 = the device
 * tree), and where every trap into M-mode arrives.
 *
 * Each hart has its own M-mode stack; the top FW_TRAP_FRAME_SIZE bytes of it are its
 * trap frame. While S-mode runs, mscratch holds the frame's address; while the
 * firmware itself runs, mscratch is 0, so a trap taken inside the firmware (a bug) is
 * told apart from one taken from S- or U-mode.
 */
#include "firmware/platform.h"

    .section .text.entry, "ax"
    .globl _start
_start:
    csrw    mie, zero
    csrw    mscratch, zero
    la      t0, fw_trap_entry
    csrw    mtvec, t0
    csrr    a0, mhartid             /* the boot ROM's a0, from the hart itself */
    mv      t0, a0
    li      t1, FW_BOOT_HART
    bne     t0, t1, secondary

    /* The boot hart clears .bss (stacks included: none is in use yet). */
    la      t1, __bss_start
    la      t2, __bss_end
1:  bgeu    t1, t2, 2f
    sw      zero, 0(t1)
    addi    t1, t1, 4
    j       1b
2:  j       call_main

    /* Other harts wait, touching no memory but fw_boot_done (in .data), until the boot
     * hart has cleared .bss and set up the firmware's state. A hart the firmware has no
     * stack for stays here: it is never started. */
secondary:
    li      t1, FW_MAX_HARTS
    bgeu    t0, t1, no_room
3:  lw      t1, fw_boot_done
    beqz    t1, 3b
    fence   r, rw

    /* sp = the top of this hart's stack, below its trap frame. */
call_main:
    addi    t1, t0, 1
    li      t2, FW_STACK_SIZE
    mul     t1, t1, t2
    la      sp, fw_stacks
    add     sp, sp, t1
    addi    sp, sp, -FW_TRAP_FRAME_SIZE
    call    fw_main                 /* (a0 = hart id, a1 = device tree): never returns */
no_room:
    wfi
    j       no_room

/* fw_mret(a0 = hart id, a1 = arg, a2 = entry, a3 = trap frame): leave for the mode in
 * mstatus.MPP at `entry`, with a0 and a1 as given and every other register zero. */
    .text
    .globl fw_mret
fw_mret:
    csrw    mepc, a2
    csrw    mscratch, a3
    .irp    r, 1,2,3,4,5,6,7,8,9,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    li      x\r, 0
    .endr
    mret

/* A trap into M-mode. */
    .balign 4
    .globl fw_trap_entry
fw_trap_entry:
    csrrw   sp, mscratch, sp        /* sp = the trap frame, mscratch = the trapped sp */
    beqz    sp, from_firmware
    .irp    r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sw      x\r, 4*\r(sp)
    .endr
    csrr    t0, mscratch
    sw      t0, 4*2(sp)
    csrw    mscratch, zero          /* from now on a trap is the firmware's own */
    mv      a0, sp
    call    fw_trap                 /* the C side: may change the saved registers */
    csrw    mscratch, sp            /* sp is the frame again (C keeps it) */
    .irp    r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    lw      x\r, 4*\r(sp)
    .endr
    lw      sp, 4*2(sp)
    mret

    /* The firmware trapped: put sp and mscratch back, then report on a stack of its
     * own (the hart's stack may be what went wrong). */
from_firmware:
    csrrw   sp, mscratch, sp
    la      sp, fw_panic_stack_top
    call    fw_trap_in_firmware     /* never returns */

    .data
    .balign 4
    .globl fw_boot_done
fw_boot_done:
    .word   0                       /* set to 1 by the boot hart (main.c) */

    .bss
    .balign 16
    .globl fw_stacks
fw_stacks:
    .space  FW_MAX_HARTS * FW_STACK_SIZE
    .balign 16
    .space  1024
fw_panic_stack_top:
