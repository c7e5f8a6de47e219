/*
 * The test kernel's entry (S-mode, from the firmware: a0 = hart id, a1 = device tree),
 * the entry of harts started with HSM hart_start, the S-mode trap vector, and two
 * helpers that C cannot write: a register-exact ecall and a trip to U-mode.
 */
    .section .text.start, "ax"
    .globl _start
_start:
    la      sp, stack_top
    mv      tp, a0                  /* tp = this hart's id, for the whole kernel */
    la      t0, strap_entry
    csrw    stvec, t0
    call    kernel_main             /* never returns */
1:  j       1b

/* hart_start: a0 = hart id, a1 = opaque. */
    .text
    .globl secondary_entry
    .balign 4
secondary_entry:
    la      sp, secondary_stack_top
    mv      tp, a0
    la      t0, strap_entry
    csrw    stvec, t0
    call    secondary_main          /* never returns */
1:  j       1b

/* hart_suspend, non-retentive, resumes here: a0 = hart id, a1 = opaque, the stack. */
    .globl resume_entry
    .balign 4
resume_entry:
    mv      sp, a1
    mv      tp, a0
    la      t0, strap_entry
    csrw    stvec, t0
    call    resume_main             /* never returns */
1:  j       1b

/* Traps, from S-mode or U-mode: all registers saved on the current stack. */
    .balign 4
strap_entry:
    addi    sp, sp, -128
    .irp    r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sw      x\r, 4*\r(sp)
    .endr
    mv      a0, sp
    call    s_trap
    .irp    r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    lw      x\r, 4*\r(sp)
    .endr
    addi    sp, sp, 128
    sret

/* ecall_probe(regs): load every register but sp from regs[] (regs[n] is xn; a7, a6,
 * a0..a5 carry the call), ecall, and store every register but sp back into regs[]. The
 * caller compares: the SBI may change a0 and a1 only (a0 only, for legacy calls). */
    .globl ecall_probe
ecall_probe:
    addi    sp, sp, -80
    sw      ra, 0(sp)
    sw      gp, 4(sp)
    sw      tp, 8(sp)
    sw      s0, 12(sp)
    sw      s1, 16(sp)
    sw      s2, 20(sp)
    sw      s3, 24(sp)
    sw      s4, 28(sp)
    sw      s5, 32(sp)
    sw      s6, 36(sp)
    sw      s7, 40(sp)
    sw      s8, 44(sp)
    sw      s9, 48(sp)
    sw      s10, 52(sp)
    sw      s11, 56(sp)
    sw      a0, 60(sp)
    .irp    r, 1,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    lw      x\r, 4*\r(a0)
    .endr
    lw      a0, 4*10(a0)
    ecall
    sw      x31, 64(sp)             /* x31 becomes the pointer to regs[] */
    lw      x31, 60(sp)
    .irp    r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
    sw      x\r, 4*\r(x31)
    .endr
    lw      x30, 64(sp)
    sw      x30, 4*31(x31)
    lw      ra, 0(sp)
    lw      gp, 4(sp)
    lw      tp, 8(sp)
    lw      s0, 12(sp)
    lw      s1, 16(sp)
    lw      s2, 20(sp)
    lw      s3, 24(sp)
    lw      s4, 28(sp)
    lw      s5, 32(sp)
    lw      s6, 36(sp)
    lw      s7, 40(sp)
    lw      s8, 44(sp)
    lw      s9, 48(sp)
    lw      s10, 52(sp)
    lw      s11, 56(sp)
    addi    sp, sp, 80
    ret

/* enter_umode(pc): sret to U-mode at pc. The U-mode code ecalls; the trap handler
 * sends the hart back to umode_resume in S-mode, with every register as it was. */
    .globl enter_umode
enter_umode:
    addi    sp, sp, -16
    sw      ra, 12(sp)
    csrw    sepc, a0
    li      t0, 1 << 8              /* sstatus.SPP = 0: sret goes to U-mode */
    csrc    sstatus, t0
    sret
    .globl umode_resume
umode_resume:
    lw      ra, 12(sp)
    addi    sp, sp, 16
    ret

    .globl umode_ecall
    .balign 4
umode_ecall:
    ecall
1:  j       1b

    .bss
    .balign 16
    .space  8192
stack_top:
    .space  4096
secondary_stack_top:
