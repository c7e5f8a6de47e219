/*
 * The VM test environment (test_macros.h includes it when TEST_ENV_VM is defined): the
 * same test bodies as the M-mode environment, run in U-mode under Sv32.
 *
 *   M-mode  _start: installs the trap handlers, lets S and U at memory through PMP
 *           (QEMU checks it), delegates nothing, and drops to S-mode with mret.
 *   S-mode  builds the page tables with translation still off, writes satp, and enters
 *           the test body in U-mode with sret.
 *   U-mode  the test body, at VA = PA + VM_OFFSET: 0x80000000 -> 0x40000000.
 *
 * The page tables (in the program's .bss):
 *   L1[PA >> 22]  a 4 MiB megapage, VA = PA, R W X, U = 0: S-mode's code after it turns
 *                 translation on (the instruction after `csrw satp` is fetched through it)
 *   L1[VA >> 22]  points to L0, which maps every 4 KiB page of the program, _start to
 *                 _end (tohost's page included), at PA + VM_OFFSET with R W X U. Nothing
 *                 else is mapped for U-mode, so an access below TEST_BASE, above the
 *                 program, or to a low address is a page fault.
 * A and D are set in every PTE: the environment does not rely on the hardware setting
 * them (priv_vm tests that).
 *
 * Every trap goes to M-mode (medeleg = 0): trap_entry runs untranslated, records the
 * trap and resumes at s10 (a virtual address) in U-mode with mret. Addresses are
 * pc-relative (`la` is auipc + addi under -mcmodel=medany), so one program works at both
 * addresses as long as the offset is the same for every page, which it is.
 */
#ifndef RVBOX_TEST_ENV_VM_H
#define RVBOX_TEST_ENV_VM_H

#define VM_OFFSET               0xc0000000  /* VA = PA + VM_OFFSET (mod 2^32) */
#define TEST_BASE               0x40000000  /* link.ld's 0x80000000 + VM_OFFSET */
#define CAUSE_LOAD_UNMAPPED     CAUSE_LOAD_PAGE_FAULT
#define CAUSE_STORE_UNMAPPED    CAUSE_STORE_PAGE_FAULT
#define CAUSE_FETCH_UNMAPPED    CAUSE_FETCH_PAGE_FAULT

#define VM_PTE_KERNEL (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define VM_PTE_USER   (VM_PTE_KERNEL | PTE_U)

.macro TEST_START
        .text                           /* link.ld puts this object's .text first */
        .globl  _start
_start:
        la      sp, _stack_top
        TEST_RESET_M
        PMP_ALLOW_ALL
        li      t0, 1 << MSTATUS_MPP_SHIFT      /* MPP = S */
        csrs    mstatus, t0
        la      t0, vm_env_supervisor
        csrw    mepc, t0
        mret

/* S-mode, translation off. a0 = L1 table, a1 = L0 table, t3 = VM_OFFSET. */
vm_env_supervisor:
        la      a0, vm_env_tables
        li      t0, 4096
        add     a1, a0, t0
        li      t3, VM_OFFSET
        mv      t0, a0                  /* clear both tables (2 x 1024 entries) */
        li      t1, 2048
1:      sw      zero, 0(t0)
        addi    t0, t0, 4
        addi    t1, t1, -1
        bnez    t1, 1b

        la      t0, _start              /* the identity megapage for S-mode */
        srli    t1, t0, 22
        slli    t2, t1, 2
        add     t2, a0, t2
        slli    t1, t1, 20              /* PPN[1] << 20 = (PA >> 22) << 10 << 10 */
        ori     t1, t1, VM_PTE_KERNEL
        sw      t1, 0(t2)

        add     t0, t0, t3              /* L1[VA >> 22] -> L0 */
        srli    t1, t0, 22
        slli    t1, t1, 2
        add     t2, a0, t1
        srli    t1, a1, 12
        slli    t1, t1, 10
        ori     t1, t1, PTE_V
        sw      t1, 0(t2)

        la      t0, _start              /* L0: every page of the program, for U-mode */
        la      t4, _end
2:      add     t1, t0, t3
        srli    t1, t1, 12
        andi    t1, t1, 0x3ff
        slli    t1, t1, 2
        add     t2, a1, t1
        srli    t1, t0, 12
        slli    t1, t1, 10
        ori     t1, t1, VM_PTE_USER
        sw      t1, 0(t2)
        li      t1, 4096
        add     t0, t0, t1
        bltu    t0, t4, 2b

        srli    t0, a0, 12
        li      t1, SATP_MODE_SV32
        or      t0, t0, t1
        csrw    satp, t0
        sfence.vma
        li      t0, MSTATUS_SPP         /* to U-mode, at the alias */
        csrc    sstatus, t0
        la      t0, vm_env_user
        add     t0, t0, t3
        csrw    sepc, t0
        sret

/* U-mode, translated: the test body follows. */
vm_env_user:
        la      sp, _stack_top
.endm

/* The page tables, emitted with the rest of the runtime. */
.macro TEST_ENV_DATA
        .section .bss.vm_env, "aw", @nobits
        .balign 4096
vm_env_tables:
        .skip   8192
.endm

#endif
