/*
 * A virtio-blk driver that never acknowledges its interrupts (never writes InterruptACK),
 * as some kernels in the wild do, which run on QEMU. In M-mode, with interrupts on, it
 * reads sector 0 sixteen times, one request at a time, waiting in WFI for each one's
 * interrupt; the handler claims it at the PLIC, notes the used ring's index and completes
 * it, leaving InterruptStatus set. On QEMU (and rvbox's default PLIC) the interrupt comes
 * once per notification: it prints "requests 16 interrupts 16" and powers off. Under a
 * strictly level-triggered PLIC the completed interrupt comes back at once, forever: past
 * 10000 interrupts without the request count moving, it prints "storm" and powers off
 * with code 3. Legacy (version 1) transport in slot 0; tests/board/CMakeLists.txt.
 */
#include "board.h"

#define VIO           MEMMAP_VIRTIO_BASE
#define VIO_MAGIC     0x000
#define VIO_VERSION   0x004
#define VIO_DEVICE_ID 0x008
#define VIO_DRV_FEAT  0x020
#define VIO_PAGE_SIZE 0x028
#define VIO_QUEUE_SEL 0x030
#define VIO_QUEUE_NUM 0x038
#define VIO_QUEUE_ALIGN 0x03c
#define VIO_QUEUE_PFN 0x040
#define VIO_NOTIFY    0x050
#define VIO_STATUS    0x070
#define QNUM          8
#define PLIC_PRIO1    (MEMMAP_PLIC_BASE + 4 * MEMMAP_VIRTIO_IRQ0)
#define PLIC_ENABLE0  (MEMMAP_PLIC_BASE + 0x2000)
#define PLIC_THRESH0  (MEMMAP_PLIC_BASE + 0x200000)
#define PLIC_CLAIM0   (MEMMAP_PLIC_BASE + 0x200004)
#define REQUESTS      16
#define STORM         10000

    .section .text.start, "ax"
    .globl _start
_start:
    la      sp, stack_top
    la      t0, m_trap
    csrw    mtvec, t0
    li      s0, VIO
    lw      t0, VIO_MAGIC(s0)
    li      t1, 0x74726976
    bne     t0, t1, fail
    lw      t0, VIO_VERSION(s0)
    li      t1, 1
    bne     t0, t1, fail
    lw      t0, VIO_DEVICE_ID(s0)
    li      t1, 2
    bne     t0, t1, fail
    /* reset, ACKNOWLEDGE | DRIVER, no features, the queue, DRIVER_OK */
    sw      zero, VIO_STATUS(s0)
    li      t0, 3
    sw      t0, VIO_STATUS(s0)
    sw      zero, VIO_DRV_FEAT(s0)
    li      t0, 4096
    sw      t0, VIO_PAGE_SIZE(s0)
    sw      zero, VIO_QUEUE_SEL(s0)
    li      t0, QNUM
    sw      t0, VIO_QUEUE_NUM(s0)
    li      t0, 4096
    sw      t0, VIO_QUEUE_ALIGN(s0)
    la      t0, queue
    srli    t0, t0, 12
    sw      t0, VIO_QUEUE_PFN(s0)
    li      t0, 7
    sw      t0, VIO_STATUS(s0)
    /* the request's three descriptors: header, data (device writes), status (ditto) */
    la      t0, queue
    la      t1, req
    sw      t1, 0(t0)
    sw      zero, 4(t0)
    li      t1, 16
    sw      t1, 8(t0)
    li      t1, (1 << 16) | 1           /* flags NEXT, next 1 */
    sw      t1, 12(t0)
    la      t1, data
    sw      t1, 16(t0)
    sw      zero, 20(t0)
    li      t1, 512
    sw      t1, 24(t0)
    li      t1, (2 << 16) | 3           /* flags NEXT | WRITE, next 2 */
    sw      t1, 28(t0)
    la      t1, status
    sw      t1, 32(t0)
    sw      zero, 36(t0)
    li      t1, 1
    sw      t1, 40(t0)
    li      t1, 2                       /* flags WRITE */
    sw      t1, 44(t0)
    /* the PLIC: source 1 to context 0 (M-mode) */
    li      t0, PLIC_PRIO1
    li      t1, 1
    sw      t1, 0(t0)
    li      t0, PLIC_ENABLE0
    li      t1, 1 << MEMMAP_VIRTIO_IRQ0
    sw      t1, 0(t0)
    li      t0, PLIC_THRESH0
    sw      zero, 0(t0)
    li      t0, 1 << 11                 /* mie.MEIE */
    csrw    mie, t0
    csrsi   mstatus, 8                  /* mstatus.MIE */

    li      s1, 0                       /* requests done */
next:
    li      t0, 0xff
    la      t1, status
    sb      t0, 0(t1)
    /* avail.ring[s1 % QNUM] = 0, then avail.idx = s1 + 1 */
    la      t0, queue + 16 * QNUM       /* the avail ring */
    andi    t1, s1, QNUM - 1
    slli    t1, t1, 1
    add     t1, t0, t1
    sh      zero, 4(t1)
    fence
    addi    t1, s1, 1
    sh      t1, 2(t0)
    fence
    sw      zero, VIO_NOTIFY(s0)
wait:                                   /* WFI with interrupts masked: none is lost */
    csrci   mstatus, 8
    la      t0, used_seen
    lw      t0, 0(t0)
    addi    t1, s1, 1
    bgeu    t0, t1, done_one
    wfi
    csrsi   mstatus, 8                  /* the interrupt is taken here */
    j       wait
done_one:
    csrsi   mstatus, 8
    la      t0, status
    lbu     t0, 0(t0)
    bnez    t0, fail                    /* VIRTIO_BLK_S_OK is 0 */
    addi    s1, s1, 1
    li      t0, REQUESTS
    bltu    s1, t0, next

    csrci   mstatus, 8
    la      a1, msg_requests
    call    puts
    mv      a0, s1
    call    putdec
    la      a1, msg_interrupts
    call    puts
    la      t0, interrupts
    lw      a0, 0(t0)
    call    putdec
    li      a0, '\n'
    PUTC
    POWEROFF 0

fail:
    POWEROFF 9

/* Print a1's string. Clobbers a0, a1, t0. */
puts:
    lbu     a0, 0(a1)
    beqz    a0, 2f
    PUTC
    addi    a1, a1, 1
    j       puts
2:  ret

/* Print a0 in decimal (below 10^6). Clobbers a0-a3, t0. */
putdec:
    li      a1, 100000
    li      a2, 0                       /* a digit printed yet */
1:  divu    a3, a0, a1
    remu    a0, a0, a1
    bnez    a3, 2f
    bnez    a2, 2f
    li      t0, 1
    bne     a1, t0, 3f
2:  li      a2, 1
    mv      t0, a0
    addi    a0, a3, '0'
    li      a3, MEMMAP_UART0_BASE
    sb      a0, UART_THR(a3)
    mv      a0, t0
3:  li      t0, 10
    divu    a1, a1, t0
    bnez    a1, 1b
    ret

/* The interrupt: claim, note the used index, complete. InterruptACK is never written. */
    .balign 4
m_trap:
    csrw    mscratch, t0
    la      t0, saved
    sw      t1, 0(t0)
    sw      t2, 4(t0)
    sw      t3, 8(t0)
    csrr    t1, mcause
    bgez    t1, fail                    /* not an interrupt */
    li      t1, PLIC_CLAIM0
    lw      t2, 0(t1)
    la      t3, interrupts
    lw      t0, 0(t3)
    addi    t0, t0, 1
    sw      t0, 0(t3)
    li      t3, STORM
    bgeu    t0, t3, storm
    la      t3, queue + 4096            /* the used ring */
    lhu     t3, 2(t3)
    la      t0, used_seen
    sw      t3, 0(t0)
    sw      t2, 0(t1)                   /* complete */
    la      t0, saved
    lw      t1, 0(t0)
    lw      t2, 4(t0)
    lw      t3, 8(t0)
    csrr    t0, mscratch
    mret
storm:
    la      a1, msg_storm
    call    puts
    POWEROFF 3

    .section .rodata
msg_requests:   .asciz "requests "
msg_interrupts: .asciz " interrupts "
msg_storm:      .asciz "storm\n"

    .data
    .balign 4
interrupts: .word 0
used_seen:  .word 0
saved:      .space 16
req:        .word 0, 0, 0, 0            /* VIRTIO_BLK_T_IN, reserved, sector 0 */
status:     .byte 0xff
    .balign 16
data:       .space 512
    .balign 4096
queue:      .space 8192
