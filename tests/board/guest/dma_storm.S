/* A DMA storm: drives the virtio-blk disk in slot 0 through the legacy interface and
 * reads 124 MiB per request, forever, walking the whole disk (wrapping at its end), each
 * request waited for by spinning on the used ring with interrupts off. Prints "storm"
 * once the first request has been made available and notified, so that a test knows the
 * storm is on; prints "no disk" and fails if slot 0 holds no block device. The host must
 * still answer Ctrl-A x and signals at once (tests/board/dma_storm.sh). */
#include "board.h"

#define VIRTIO_MAGIC_VALUE      0x000
#define VIRTIO_DEVICE_ID        0x008
#define VIRTIO_DRIVER_FEATURES  0x020
#define VIRTIO_GUEST_PAGE_SIZE  0x028
#define VIRTIO_QUEUE_SEL        0x030
#define VIRTIO_QUEUE_NUM        0x038
#define VIRTIO_QUEUE_ALIGN      0x03c
#define VIRTIO_QUEUE_PFN        0x040
#define VIRTIO_QUEUE_NOTIFY     0x050
#define VIRTIO_STATUS           0x070
#define VIRTIO_CONFIG           0x100   /* virtio_blk_config: capacity (le64) first */

#define QUEUE_NUM       8
#define QUEUE_AVAIL     (16 * QUEUE_NUM)        /* legacy layout: avail after the table */
#define QUEUE_USED      4096                    /* used ring on the next page */
#define DESC_F_NEXT     1
#define DESC_F_WRITE    2

#define DATA_ADDR       (MEMMAP_RAM_BASE + 0x100000)    /* 124 MiB from 1 MiB into RAM */
#define DATA_BYTES      (124 << 20)
#define DATA_SECTORS    (DATA_BYTES / 512)

    .section .text.start, "ax"
    .globl _start
_start:
    la      sp, stack_top
    li      s0, MEMMAP_VIRTIO_BASE
    lw      t1, VIRTIO_MAGIC_VALUE(s0)
    li      t2, 0x74726976
    bne     t1, t2, no_disk
    lw      t1, VIRTIO_DEVICE_ID(s0)
    li      t2, 2
    bne     t1, t2, no_disk

    /* Reset, ACKNOWLEDGE | DRIVER, no features, the legacy queue setup, DRIVER_OK. */
    sw      zero, VIRTIO_STATUS(s0)
    li      t1, 1 | 2
    sw      t1, VIRTIO_STATUS(s0)
    sw      zero, VIRTIO_DRIVER_FEATURES(s0)
    li      t1, 4096
    sw      t1, VIRTIO_GUEST_PAGE_SIZE(s0)
    sw      zero, VIRTIO_QUEUE_SEL(s0)
    li      t1, QUEUE_NUM
    sw      t1, VIRTIO_QUEUE_NUM(s0)
    li      t1, 4096
    sw      t1, VIRTIO_QUEUE_ALIGN(s0)
    la      s1, queue
    srli    t1, s1, 12
    sw      t1, VIRTIO_QUEUE_PFN(s0)
    li      t1, 1 | 2 | 4
    sw      t1, VIRTIO_STATUS(s0)

    /* One chain, descriptors 0 -> 1 -> 2: header, the data (device writes), status. */
    la      t1, header
    sw      t1, 0(s1)
    sw      zero, 4(s1)
    li      t1, 16
    sw      t1, 8(s1)
    li      t1, DESC_F_NEXT | 1 << 16
    sw      t1, 12(s1)
    li      t1, DATA_ADDR
    sw      t1, 16(s1)
    sw      zero, 20(s1)
    li      t1, DATA_BYTES
    sw      t1, 24(s1)
    li      t1, DESC_F_NEXT | DESC_F_WRITE | 2 << 16
    sw      t1, 28(s1)
    la      t1, status
    sw      t1, 32(s1)
    sw      zero, 36(s1)
    li      t1, 1
    sw      t1, 40(s1)
    li      t1, DESC_F_WRITE
    sw      t1, 44(s1)

    lw      s2, VIRTIO_CONFIG(s0)   /* capacity in sectors (a 2 GiB disk fits 32 bits) */
    li      s3, 0                   /* the next request's sector */
    li      s4, 0                   /* avail->idx */
    li      s5, 1                   /* "storm" still to be printed */
    li      s6, DATA_SECTORS
    li      t1, QUEUE_USED
    add     s7, s1, t1              /* the used ring */

request:
    la      t1, header              /* IN at sector s3 */
    sw      zero, 0(t1)
    sw      zero, 4(t1)
    sw      s3, 8(t1)
    sw      zero, 12(t1)
    andi    t1, s4, QUEUE_NUM - 1   /* avail->ring[idx % num] = head 0 */
    slli    t1, t1, 1
    add     t1, t1, s1
    sh      zero, QUEUE_AVAIL + 4(t1)
    fence   w, w
    addi    s4, s4, 1
    slli    s4, s4, 16
    srli    s4, s4, 16
    sh      s4, QUEUE_AVAIL + 2(s1)
    fence   w, o
    sw      zero, VIRTIO_QUEUE_NOTIFY(s0)
    beqz    s5, wait
    li      s5, 0
    la      a1, msg_storm
    call    puts

wait:                               /* until used->idx catches up with avail->idx */
    lhu     t1, 2(s7)
    bne     t1, s4, wait
    fence   r, rw

    add     s3, s3, s6              /* the next 124 MiB, or the start again */
    add     t1, s3, s6
    bleu    t1, s2, request
    li      s3, 0
    j       request

no_disk:
    la      a1, msg_no_disk
    call    puts
    POWEROFF 3

puts:
    lbu     a0, 0(a1)
    beqz    a0, 1f
    PUTC
    addi    a1, a1, 1
    j       puts
1:  ret

    .section .rodata
msg_storm:   .asciz "storm\n"
msg_no_disk: .asciz "no disk\n"

    .section .bss
    .balign 4096
queue:  .space 8192                 /* the legacy queue: table and avail, then used */
header: .space 16
status: .space 4
