/*
 * Every trap enters at trapvec (stvec, direct mode). sscratch tells where from: while a
 * process runs in user mode it holds that process's trapframe (proc.h); in the kernel
 * it holds 0. The kernel is mapped in every address space, so no page-table switch.
 *
 *   from user mode     save all the user registers in the trapframe, switch to the
 *                      process's kernel stack and the hart id in tp, call usertrap()
 *   from the kernel    save the registers C may clobber on the current stack, call
 *                      kerneltrap(), restore them, sret back into the kernel
 */
#define TF_EPC       128
#define TF_KERNEL_SP 132
#define TF_KERNEL_TP 136

    .section .text
    .globl trapvec
    .balign 4
trapvec:
    csrrw sp, sscratch, sp
    beqz sp, from_kernel

    /* From user mode: sp = trapframe. Save x1, x3..x31; x2 (the user sp) is in sscratch. */
    sw ra, 4(sp)
    sw gp, 12(sp)
    sw tp, 16(sp)
    sw t0, 20(sp)
    sw t1, 24(sp)
    sw t2, 28(sp)
    sw s0, 32(sp)
    sw s1, 36(sp)
    sw a0, 40(sp)
    sw a1, 44(sp)
    sw a2, 48(sp)
    sw a3, 52(sp)
    sw a4, 56(sp)
    sw a5, 60(sp)
    sw a6, 64(sp)
    sw a7, 68(sp)
    sw s2, 72(sp)
    sw s3, 76(sp)
    sw s4, 80(sp)
    sw s5, 84(sp)
    sw s6, 88(sp)
    sw s7, 92(sp)
    sw s8, 96(sp)
    sw s9, 100(sp)
    sw s10, 104(sp)
    sw s11, 108(sp)
    sw t3, 112(sp)
    sw t4, 116(sp)
    sw t5, 120(sp)
    sw t6, 124(sp)
    csrrw t0, sscratch, zero        /* the user sp; sscratch = 0: now in the kernel */
    sw t0, 8(sp)
    csrr t0, sepc
    sw t0, TF_EPC(sp)
    lw tp, TF_KERNEL_TP(sp)         /* the user may have used tp: the hart id again */
    lw sp, TF_KERNEL_SP(sp)
    call usertrap                   /* never returns: it leaves through userret */

from_kernel:
    /* A trap in the kernel: put sp back, save what C may clobber (kerneltrap saves the
     * rest, being C; a yield in it switches stacks through swtch and comes back). */
    csrrw sp, sscratch, sp
    addi sp, sp, -80
    sw ra, 0(sp)
    sw t0, 4(sp)
    sw t1, 8(sp)
    sw t2, 12(sp)
    sw a0, 16(sp)
    sw a1, 20(sp)
    sw a2, 24(sp)
    sw a3, 28(sp)
    sw a4, 32(sp)
    sw a5, 36(sp)
    sw a6, 40(sp)
    sw a7, 44(sp)
    sw t3, 48(sp)
    sw t4, 52(sp)
    sw t5, 56(sp)
    sw t6, 60(sp)
    call kerneltrap
    lw ra, 0(sp)
    lw t0, 4(sp)
    lw t1, 8(sp)
    lw t2, 12(sp)
    lw a0, 16(sp)
    lw a1, 20(sp)
    lw a2, 24(sp)
    lw a3, 28(sp)
    lw a4, 32(sp)
    lw a5, 36(sp)
    lw a6, 40(sp)
    lw a7, 44(sp)
    lw t3, 48(sp)
    lw t4, 52(sp)
    lw t5, 56(sp)
    lw t6, 60(sp)
    addi sp, sp, 80
    sret

/* userret(tf): back to user mode with the registers in tf; sepc and sstatus are set. */
    .globl userret
userret:
    csrw sscratch, a0
    mv sp, a0
    lw ra, 4(sp)
    lw gp, 12(sp)
    lw tp, 16(sp)
    lw t0, 20(sp)
    lw t1, 24(sp)
    lw t2, 28(sp)
    lw s0, 32(sp)
    lw s1, 36(sp)
    lw a0, 40(sp)
    lw a1, 44(sp)
    lw a2, 48(sp)
    lw a3, 52(sp)
    lw a4, 56(sp)
    lw a5, 60(sp)
    lw a6, 64(sp)
    lw a7, 68(sp)
    lw s2, 72(sp)
    lw s3, 76(sp)
    lw s4, 80(sp)
    lw s5, 84(sp)
    lw s6, 88(sp)
    lw s7, 92(sp)
    lw s8, 96(sp)
    lw s9, 100(sp)
    lw s10, 104(sp)
    lw s11, 108(sp)
    lw t3, 112(sp)
    lw t4, 116(sp)
    lw t5, 120(sp)
    lw t6, 124(sp)
    lw sp, 8(sp)
    sret
