/*
 * Guest errors and unimplemented features for -d guest_errors and -d unimp (tests/debug,
 * debug.trace-guest-errors): each faulting access is skipped by the trap handler (mepc
 * moves past it), so the program goes on to the next:
 *   a CSR rvbox does not have (0x7c0, custom): unimp
 *   a load from 0x20000000, where nothing is mapped
 *   a 32-bit store to the UART, which takes bytes only
 *   a store to the boot ROM
 *   a write to the PLIC's pending bits (read-only)
 *   on the keyboard's virtio-mmio slot (6, modern): a QueueNotify of queue 7, which it
 *     does not have; a 16-bit read of Status; a read of QueuePFN, a legacy register
 *   a write to the CLINT where it has no register, and a syscon command that is none
 *   20 loads from unmapped addresses in a row: 10 are shown, the rest counted
 * then exits with code 0.
 */
    .option norelax
    .section .text.start, "ax", @progbits
    .globl  _start
_start:
    la      t0, skip
    csrw    mtvec, t0
    csrr    a0, 0x7c0
    li      t0, 0x20000000
    lw      a0, 0(t0)
    li      t0, 0x10000000
    li      t1, 0x41414141
    sw      t1, 0(t0)
    li      t0, 0x1000
    sw      zero, 0(t0)
    li      t0, 0x0c001000
    li      t1, 2
    sw      t1, 0(t0)
    li      t0, 0x10007000
    li      t1, 7
    sw      t1, 0x50(t0)
    lhu     a0, 0x70(t0)
    lw      a0, 0x40(t0)
    li      t0, 0x02008000
    sw      zero, 0(t0)
    li      t0, 0x00100000
    li      t1, 0x1234
    sw      t1, 0(t0)
    li      s0, 20
    li      t0, 0x30000000
1:  lw      a0, 0(t0)
    addi    t0, t0, 4
    addi    s0, s0, -1
    bnez    s0, 1b
    la      t0, tohost
    li      t1, 1                       /* exit 0 */
    sw      t1, 0(t0)
    sw      zero, 4(t0)
2:  j       2b

/* Past the instruction that trapped: 2 or 4 bytes. */
    .balign 4
skip:
    csrr    t5, mepc
    lhu     t6, 0(t5)
    andi    t6, t6, 3
    addi    t5, t5, 2
    li      t4, 3
    bne     t6, t4, 3f
    addi    t5, t5, 2
3:  csrw    mepc, t5
    mret
