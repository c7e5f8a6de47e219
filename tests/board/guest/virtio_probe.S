/* Reads virtio-mmio slot 0's MagicValue, Version and DeviceID and prints
 * "virtio <magic ok|bad> v<version> id <device id>", then powers off. */
#include "board.h"
    .section .text.start, "ax"
    .globl _start
_start:
    li      s0, MEMMAP_VIRTIO_BASE
    la      a1, msg_virtio
    call    puts
    lw      t1, 0(s0)               /* MagicValue: "virt" */
    li      t2, 0x74726976
    la      a1, msg_ok
    beq     t1, t2, 1f
    la      a1, msg_bad
1:  call    puts
    lw      a0, 4(s0)               /* Version */
    addi    a0, a0, '0'
    PUTC
    la      a1, msg_id
    call    puts
    lw      a0, 8(s0)               /* DeviceID (single digit here: 0 or 2) */
    addi    a0, a0, '0'
    PUTC
    li      a0, '\n'
    PUTC
    POWEROFF 0

puts:
    lbu     a0, 0(a1)
    beqz    a0, 2f
    PUTC
    addi    a1, a1, 1
    j       puts
2:  ret

    .section .rodata
msg_virtio: .asciz "virtio "
msg_ok:     .asciz "magic ok v"
msg_bad:    .asciz "magic bad v"
msg_id:     .asciz " id "
