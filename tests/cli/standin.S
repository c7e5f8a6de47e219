/*
 * A stand-in for the firmware and kernels that other projects run on
 * `qemu-system-riscv32 -M virt` (xv6, NuttX, FreeRTOS, OpenSBI, U-Boot): the CLI tests
 * (tests/cli/CMakeLists.txt, cli.qemu-line.*) start it with those projects' own command
 * lines. It says on UART0 that it runs, whether a1 points to a device tree, which
 * virtio-mmio slots hold a disk, a network card or a shared folder, and (built with -DSEMIHOST) says hello through
 * semihosting too; then it powers off through the syscon (status 0).
 * Built with -DJUMP_TO=ADDR it is a firmware that only jumps there, as OpenSBI's
 * fw_jump and U-Boot's SPL do, with a0 and a1 as it found them. With several harts
 * (-smp), every hart starts here (a0 = its hart id) and all but hart 0 wait forever.
 */
#define UART 0x10000000
#define SYSCON 0x100000
#define VIRTIO 0x10001000

    .section .text.start, "ax"
    .globl _start
_start:
#ifdef JUMP_TO
    li      t0, JUMP_TO
    jr      t0
#else
    bnez    a0, park
    mv      s0, a0
    mv      s1, a1
    la      a0, msg_up
    call    puts
    /* The device tree's magic, 0xd00dfeed big-endian. */
    la      a0, msg_dtb_bad
    beqz    s1, 1f
    lw      t0, 0(s1)
    li      t1, 0xedfe0dd0
    bne     t0, t1, 1f
    la      a0, msg_dtb_ok
1:  call    puts
    /* Every virtio-mmio slot: a DeviceID of 2 is a disk, 1 a network card, 9 a
     * shared folder (9P). */
    li      s2, 0
2:  li      t0, VIRTIO
    slli    t1, s2, 12
    add     t0, t0, t1
    lw      t1, 8(t0)
    la      a0, msg_disk
    li      t2, 2
    beq     t1, t2, 7f
    la      a0, msg_net
    li      t2, 1
    beq     t1, t2, 7f
    la      a0, msg_9p
    li      t2, 9
    bne     t1, t2, 3f
7:  call    puts
    addi    a0, s2, '0'
    call    putc
    li      a0, '\n'
    call    putc
3:  addi    s2, s2, 1
    li      t0, 8
    blt     s2, t0, 2b
#ifdef SEMIHOST
    li      a0, 0x04                /* SYS_WRITE0 */
    la      a1, msg_semihost
    .option push
    .option norvc
    slli    x0, x0, 0x1f
    ebreak
    srai    x0, x0, 7
    .option pop
#endif
    la      a0, msg_bye
    call    puts
    li      t0, SYSCON
    li      t1, 0x5555
    sw      t1, 0(t0)
4:  j       4b

park:
    wfi
    j       park

putc:
    li      t0, UART
    sb      a0, 0(t0)
    ret

puts:
    mv      t2, ra
    mv      t3, a0
5:  lbu     a0, 0(t3)
    beqz    a0, 6f
    call    putc
    addi    t3, t3, 1
    j       5b
6:  mv      ra, t2
    ret

msg_up:         .asciz "standin: up\n"
msg_dtb_ok:     .asciz "standin: a1 is a device tree\n"
msg_dtb_bad:    .asciz "standin: a1 is no device tree\n"
msg_disk:       .asciz "standin: disk in slot "
msg_net:        .asciz "standin: net in slot "
msg_9p:         .asciz "standin: 9p in slot "
msg_semihost:   .asciz "standin: semihosting ok\n"
msg_bye:        .asciz "standin: bye\n"
#endif
