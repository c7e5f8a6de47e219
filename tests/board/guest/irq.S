/*
 * Interrupts through the board, in M-mode: a CLINT timer interrupt, then a UART receive
 * interrupt routed through the PLIC (source 10, context 0). Prints "timer\n", then
 * "uart:X\n" for the byte X that arrived, and powers off. The test feeds the byte on
 * stdin. A wrong claim id powers off with failure 3.
 */
#include "board.h"

#define CLINT_MTIMECMP (MEMMAP_CLINT_BASE + 0x4000)
#define CLINT_MTIME    (MEMMAP_CLINT_BASE + 0xbff8)
#define PLIC_PRIORITY(src) (MEMMAP_PLIC_BASE + 4 * (src))
#define PLIC_ENABLE0   (MEMMAP_PLIC_BASE + 0x2000)
#define PLIC_THRESHOLD0 (MEMMAP_PLIC_BASE + 0x200000)
#define PLIC_CLAIM0    (MEMMAP_PLIC_BASE + 0x200004)

    .section .text.start, "ax"
    .globl _start
_start:
    la      sp, stack_top
    la      t0, trap
    csrw    mtvec, t0
    li      s0, 0                   /* s0: 1 once the timer fired */
    li      s1, -1                  /* s1: the byte the UART interrupt read */

    /* mtimecmp = mtime + 1 ms, written high word first so no early match */
    li      t0, CLINT_MTIME
    lw      t1, 0(t0)
    lw      t2, 4(t0)
    li      t3, 10000
    add     t3, t1, t3
    sltu    t4, t3, t1
    add     t2, t2, t4
    li      t0, CLINT_MTIMECMP
    li      t5, -1
    sw      t5, 4(t0)
    sw      t3, 0(t0)
    sw      t2, 4(t0)
    li      t0, 1 << 7              /* MTIE */
    csrs    mie, t0
    /* Wait without the race of check-then-wfi: with MIE off, an interrupt that comes
     * between the check and wfi still wakes wfi; it is taken when MIE goes back on. */
1:  bnez    s0, 5f
    wfi
    csrsi   mstatus, 8              /* MIE: take it */
    csrci   mstatus, 8
    j       1b
5:
    la      a1, timer_msg
    call    puts

    /* UART receive interrupt through the PLIC */
    li      t0, PLIC_PRIORITY(MEMMAP_UART0_IRQ)
    li      t1, 1
    sw      t1, 0(t0)
    li      t0, PLIC_ENABLE0
    li      t1, 1 << MEMMAP_UART0_IRQ
    sw      t1, 0(t0)
    li      t0, PLIC_THRESHOLD0
    sw      zero, 0(t0)
    li      t0, MEMMAP_UART0_BASE
    li      t1, 1                   /* IER.ERBFI */
    sb      t1, UART_IER(t0)
    li      t0, 1 << 11             /* MEIE */
    csrs    mie, t0
2:  bgez    s1, 6f
    wfi
    csrsi   mstatus, 8
    csrci   mstatus, 8
    j       2b
6:
    la      a1, uart_msg
    call    puts
    mv      a0, s1
    PUTC
    li      a0, '\n'
    PUTC
    POWEROFF 0

/* Print the string at a1. */
puts:
    lbu     a0, 0(a1)
    beqz    a0, 1f
    PUTC
    addi    a1, a1, 1
    j       puts
1:  ret

    .balign 4
trap:
    csrr    t0, mcause
    li      t1, 0x80000007
    beq     t0, t1, timer
    li      t1, 0x8000000b
    beq     t0, t1, external
    POWEROFF 2                      /* anything else: fail */
timer:
    li      t0, CLINT_MTIMECMP      /* push the compare far away: MTIP falls */
    li      t1, -1
    sw      t1, 4(t0)
    sw      t1, 0(t0)
    li      s0, 1
    mret
external:
    li      t0, PLIC_CLAIM0
    lw      t1, 0(t0)
    li      t2, MEMMAP_UART0_IRQ
    bne     t1, t2, bad_claim
    li      t2, MEMMAP_UART0_BASE
3:  lbu     t3, UART_LSR(t2)        /* drain the FIFO; keep the last byte */
    andi    t3, t3, LSR_DR
    beqz    t3, 4f
    lbu     s1, UART_RBR(t2)
    j       3b
4:  sw      t1, 0(t0)               /* complete */
    mret
bad_claim:
    POWEROFF 3

    .section .rodata
timer_msg: .asciz "timer\n"
uart_msg:  .asciz "uart:"
