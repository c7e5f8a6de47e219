/*
 * Code overwritten by a virtio-blk read (DMA), for the block engine: a device's write
 * into a page holding decoded code must drop that code (bus_dma_ptr). Needs a disk in
 * virtio slot 0 made by tests/guest/make_block_disk.sh: sectors 0, 1 and 3072 each hold
 * a routine `li a0, 0; 126 x addi a0, a0, 3k; ret` with k = 1, 2, 3 (a0 = 378, 756, 1134).
 * Driven by hand through the legacy interface, polling the used ring, interrupts off.
 *  1. a routine run until hot, then overwritten by a read of sector 0, fence.i, called
 *  2. the read lands in the page that holds the running code (the request is served
 *     inside the notify store): the wait loop and the call that follows are in that
 *     page; no fence.i
 *  3. a read of 1.5 MiB whose last sector lands in the page of the wait loop: it is
 *     served over several runs of the machine, while the hart spins in that page
 * Case 1 also fails (exit 1) when slot 0 holds no block device: QEMU's spike has none.
 */
#include "test_macros.h"

        .option norelax                 /* page offsets and .if checks stay exact */
#include "bus/memmap.h"

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
#define VIRTIO_CONFIG           0x100

#define QUEUE_NUM       8
#define QUEUE_AVAIL     (16 * QUEUE_NUM)
#define QUEUE_USED      4096
#define DESC_F_NEXT     1
#define DESC_F_WRITE    2

#define SUM_K1          378
#define SUM_K2          756
#define SUM_K3          1134
#define BIG_SECTORS     3071                    /* case 3: sectors 1..3071, then 3072 */
#define BIG_BUFFER      (MEMMAP_RAM_BASE + 0x800000)

/* Notify queue 0 and spin until the device has used every request made available
 * (s4 = avail->idx). Inline, so that it runs in the page it is written in. */
.macro NOTIFY_WAIT
        li      t0, MEMMAP_VIRTIO_BASE
        sw      zero, VIRTIO_QUEUE_NOTIFY(t0)
        la      t1, queue + QUEUE_USED
.Lwait\@:
        lhu     t2, 2(t1)
        bne     t2, s4, .Lwait\@
        fence   r, rw
.endm

        TEST_START
        li      s4, 0                           /* avail->idx */

        /* cases 2 and 3 run in the pages they overwrite (branches make the distance
         * unknown to the assembler: checked here) */
        TEST_CASE 1
        la      t0, dma_page2_end - 4
        srli    t0, t0, 12
        la      t1, dma_page2
        srli    t1, t1, 12
        bne     t0, t1, test_fail
        la      t0, dma_page3_end - 4
        srli    t0, t0, 12
        la      t1, dma_page3
        srli    t1, t1, 12
        bne     t0, t1, test_fail

        /* slot 0: a block device, capacity for sector 3072 */
        TEST_CASE 1
        li      s0, MEMMAP_VIRTIO_BASE
        lw      a0, VIRTIO_MAGIC_VALUE(s0)
        CHECK   a0, 0x74726976
        lw      a0, VIRTIO_DEVICE_ID(s0)
        CHECK   a0, 2
        lw      a0, VIRTIO_CONFIG(s0)
        li      t0, 3073
        bgeu    a0, t0, 1f
        j       test_fail
1:
        /* reset, ACKNOWLEDGE | DRIVER, no features, the legacy queue, DRIVER_OK */
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
        la      t1, queue
        srli    t1, t1, 12
        sw      t1, VIRTIO_QUEUE_PFN(s0)
        li      t1, 1 | 2 | 4
        sw      t1, VIRTIO_STATUS(s0)

        /* ---- 1: a hot routine overwritten, fence.i, called --------------------- */
        TEST_CASE 2
        jal     ra, dma_page1
        jal     ra, dma_page1
        jal     ra, dma_page1
        CHECK   a0, 1
        TEST_CASE 3
        li      a1, 0
        la      a2, dma_page1
        li      a3, 512
        li      a4, 0
        jal     ra, prepare_read
        NOTIFY_WAIT
        CHECK_MEM status, 0, 0
        fence.i
        jal     ra, dma_page1
        CHECK   a0, SUM_K1
        jal     ra, dma_page1
        CHECK   a0, SUM_K1

        /* ---- 2 and 3 run in the pages they overwrite ----------------------------- */
        j       dma_page2_code
back2:
        j       dma_page3_code
back3:
        j       .Lend

/* prepare_read(a1 = sector, a2 = buffer, a3 = length, a4 = second buffer of 512 bytes
 * or 0): one request (header, the buffer(s), status) made available, not notified.
 * s4 = the new avail->idx. Clobbers t0..t3. */
prepare_read:
        la      t0, header
        sw      zero, 0(t0)                     /* VIRTIO_BLK_T_IN */
        sw      zero, 4(t0)
        sw      a1, 8(t0)
        sw      zero, 12(t0)
        la      t3, status
        li      t1, 0xff
        sb      t1, 0(t3)
        la      t2, queue                       /* descriptor 0: the header */
        sw      t0, 0(t2)
        sw      zero, 4(t2)
        li      t1, 16
        sw      t1, 8(t2)
        li      t1, DESC_F_NEXT | 1 << 16
        sw      t1, 12(t2)
        sw      a2, 16(t2)                      /* descriptor 1: the buffer */
        sw      zero, 20(t2)
        sw      a3, 24(t2)
        li      t1, DESC_F_NEXT | DESC_F_WRITE | 3 << 16
        beqz    a4, 1f
        li      t1, DESC_F_NEXT | DESC_F_WRITE | 2 << 16
        sw      a4, 32(t2)                      /* descriptor 2: the second buffer */
        sw      zero, 36(t2)
        li      t0, 512
        sw      t0, 40(t2)
        li      t0, DESC_F_NEXT | DESC_F_WRITE | 3 << 16
        sw      t0, 44(t2)
1:      sw      t1, 28(t2)
        sw      t3, 48(t2)                      /* descriptor 3: the status */
        sw      zero, 52(t2)
        li      t1, 1
        sw      t1, 56(t2)
        li      t1, DESC_F_WRITE
        sw      t1, 60(t2)
        andi    t1, s4, QUEUE_NUM - 1           /* avail->ring[idx % num] = 0 */
        slli    t1, t1, 1
        add     t1, t1, t2
        sh      zero, QUEUE_AVAIL + 4(t1)
        fence   w, w
        addi    s4, s4, 1
        slli    s4, s4, 16
        srli    s4, s4, 16
        sh      s4, QUEUE_AVAIL + 2(t2)
        fence   w, o
        ret

        .balign 4096
dma_page1:
        li      a0, 1
        ret

        .balign 4096
dma_page2:
        li      a0, 2
        ret
        .skip   512 - 8
dma_page2_code:
        TEST_CASE 4
        jal     ra, dma_page2
        jal     ra, dma_page2
        jal     ra, dma_page2
        CHECK   a0, 2
        TEST_CASE 5
        li      a1, 1
        la      a2, dma_page2
        li      a3, 512
        li      a4, 0
        jal     ra, prepare_read
        NOTIFY_WAIT                             /* the DMA lands in this page */
        jal     ra, dma_page2
        CHECK   a0, SUM_K2
        CHECK_MEM status, 0, 0
        j       back2
dma_page2_end:

        .balign 4096
dma_page3:
        li      a0, 3
        ret
        .skip   512 - 8
dma_page3_code:
        TEST_CASE 6
        jal     ra, dma_page3
        jal     ra, dma_page3
        jal     ra, dma_page3
        CHECK   a0, 3
        TEST_CASE 7
        li      a1, 1
        li      a2, BIG_BUFFER
        li      a3, BIG_SECTORS * 512
        la      a4, dma_page3
        jal     ra, prepare_read
        NOTIFY_WAIT                             /* spins here while the DMA goes on */
        jal     ra, dma_page3
        CHECK   a0, SUM_K3
        CHECK_MEM status, 0, 0
        j       back3
dma_page3_end:
        .balign 4096

        .section .bss.virtio, "aw", @nobits
        .balign 4096
queue:  .skip   8192
header: .skip   16
status: .skip   4

        .text
.Lend:
        TEST_END
