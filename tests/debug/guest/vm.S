/*
 * Turns on Sv32 and drops to S-mode, so that GDB can read memory both ways: the first
 * 4 MiB of RAM are mapped twice, at 0x80000000 (itself, where the code runs) and at
 * 0xc0000000, and the UART's page at 0x50000000 (so that GDB reads device registers
 * through a mapping too). `secret` is read through the 0xc0000000 alias; GDB stops at
 * vm_stop.
 * Exits with 0 if `secret` still holds its value, else with secret's low byte.
 */
    .option norelax
#define PTE_LEAF_RWX 0xcf               /* V R W X A D */
#define PTE_LEAF_RW  0xc7               /* V R W A D */
#define ALIAS 0x40000000                /* 0xc0000000 - 0x80000000 */
    .section .text.start, "ax", @progbits
    .globl  _start
_start:
    la      t0, vm_trap
    csrw    mtvec, t0
    la      t0, pt_root
    /* a superpage PTE for PA 0x80000000: PPN = 0x80000 */
    li      t1, (0x80000 << 10) | PTE_LEAF_RWX
    li      t2, 0x200 * 4               /* VPN[1] of 0x80000000 */
    add     t2, t0, t2
    sw      t1, 0(t2)
    li      t2, 0x300 * 4               /* VPN[1] of 0xc0000000 */
    add     t2, t0, t2
    sw      t1, 0(t2)
    /* a superpage PTE for the UART's 4 MiB at 0x10000000, at VA 0x50000000 */
    li      t1, (0x10000 << 10) | PTE_LEAF_RW
    li      t2, 0x140 * 4               /* VPN[1] of 0x50000000 */
    add     t2, t0, t2
    sw      t1, 0(t2)
    srli    t0, t0, 12
    li      t1, 1 << 31                 /* MODE = Sv32 */
    or      t0, t0, t1
    csrw    satp, t0
    sfence.vma
    li      t0, 3 << 11                 /* mstatus.MPP = S */
    csrc    mstatus, t0
    li      t0, 1 << 11
    csrs    mstatus, t0
    la      t0, in_s
    csrw    mepc, t0
    mret

in_s:
    la      t1, secret
    li      t0, ALIAS
    add     t1, t1, t0
    lw      a0, 0(t1)
    .globl  vm_stop
vm_stop:
    nop
    lw      a0, 0(t1)                   /* again: GDB may have written it */
    li      t0, 0x5ec2e7
    li      t1, 1
    beq     a0, t0, 1f
    andi    t1, a0, 0xff
    slli    t1, t1, 1
    ori     t1, t1, 1
1:  la      t0, tohost
    sw      t1, 0(t0)
    sw      zero, 4(t0)
2:  j       2b

    .balign 4
vm_trap:
    la      t0, tohost
    li      t1, (99 << 1) | 1
    sw      t1, 0(t0)
    sw      zero, 4(t0)
3:  j       3b

    .data
    .balign 4
    .globl  secret
secret: .word 0x5ec2e7

    .section .bss
    .balign 4096
pt_root: .space 4096
