/*
 * Sv32 walks for -d mmu (tests/debug, debug.trace-mmu): the code runs in S-mode from a
 * 4 MiB superpage mapping RAM at itself (a one-level walk); `data` is mapped read-only at
 * 0x40001000 through a second-level table (a two-level walk, which sets A). The S-mode
 * code loads from 0x40001000, then stores there: a store page fault (not delegated),
 * whose M-mode handler exits with code 0 if that is what it got.
 */
    .option norelax
#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_A 0x40
#define PTE_D 0x80
#define VA    0x40001000
    .section .text.start, "ax", @progbits
    .globl  _start
_start:
    la      t0, m_trap
    csrw    mtvec, t0
    la      s0, pt_root
    /* root[0x200]: a superpage for PA 0x80000000 at VA 0x80000000, A and D set */
    li      t1, (0x80000 << 10) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
    li      t2, 0x200 * 4
    add     t2, s0, t2
    sw      t1, 0(t2)
    /* root[0x100] -> pt_leaf (VA 0x40000000..0x403fffff) */
    la      s1, pt_leaf
    srli    t1, s1, 12
    slli    t1, t1, 10
    ori     t1, t1, PTE_V
    li      t2, 0x100 * 4
    add     t2, s0, t2
    sw      t1, 0(t2)
    /* pt_leaf[1]: VA 0x40001000 -> data, read-only, A clear */
    la      t1, data
    srli    t1, t1, 12
    slli    t1, t1, 10
    ori     t1, t1, PTE_V | PTE_R
    sw      t1, 4(s1)
    srli    t0, s0, 12
    li      t1, 1 << 31                 /* Sv32 */
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
    li      t1, VA
    lw      a0, 0(t1)
    sw      a0, 0(t1)                   /* not writable: a store page fault */
1:  j       1b

    .balign 4
m_trap:
    csrr    t0, mcause
    li      t1, 15
    li      t2, 1                       /* exit 0 */
    beq     t0, t1, 2f
    li      t2, (7 << 1) | 1            /* anything else: exit 7 */
2:  la      t0, tohost
    sw      t2, 0(t0)
    sw      zero, 4(t0)
3:  j       3b

    .data
    .balign 4096
data:   .word 0x12345678
    .section .bss
    .balign 4096
pt_root: .space 4096
pt_leaf: .space 4096
