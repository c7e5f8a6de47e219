/*
 * What the boot ROM hands over, printed on the UART, for tests/board/bootinfo.sh to
 * compare with QEMU's: a0 (the hart id), a1 (the device tree) and the first word there
 * (the FDT magic, big-endian d00dfeed), a2 and the struct fw_dynamic_info behind it
 * (OpenSBI's fw_dynamic reads it: magic "OSBI" 4942534f, version, next_addr, next_mode,
 * options, boot_hart). Built as a -bios: it runs first, in M-mode, at 0x80000000.
 */
#include "board.h"
    .section .text.start, "ax"
    .globl _start
_start:
    mv      s0, a0
    mv      s1, a1
    mv      s2, a2
    la      a0, s_a0
    mv      a1, s0
    jal     field
    la      a0, s_a1
    mv      a1, s1
    jal     field
    la      a0, s_fdt
    lw      a1, 0(s1)
    jal     field
    la      a0, s_a2
    mv      a1, s2
    jal     field
    la      s3, names
    li      s4, 0
1:  mv      a0, s3
    add     t0, s2, s4
    lw      a1, 0(t0)
    jal     field
2:  lbu     t0, 0(s3)               /* the next name */
    addi    s3, s3, 1
    bnez    t0, 2b
    addi    s4, s4, 4
    li      t0, 24
    bltu    s4, t0, 1b
    POWEROFF 0

/* Print "NAME=XXXXXXXX\n": a0 = the name (NUL-terminated), a1 = the value. Clobbers t0-t3. */
field:
    li      t1, MEMMAP_UART0_BASE
1:  lbu     t0, 0(a0)
    beqz    t0, 2f
    sb      t0, UART_THR(t1)
    addi    a0, a0, 1
    j       1b
2:  li      t0, '='
    sb      t0, UART_THR(t1)
    li      t2, 28
3:  srl     t0, a1, t2
    andi    t0, t0, 15
    li      t3, 10
    bltu    t0, t3, 4f
    addi    t0, t0, 'a' - '0' - 10
4:  addi    t0, t0, '0'
    sb      t0, UART_THR(t1)
    addi    t2, t2, -4
    bgez    t2, 3b
    li      t0, '\n'
    sb      t0, UART_THR(t1)
    ret

    .section .rodata
s_a0:   .asciz "a0"
s_a1:   .asciz "a1"
s_fdt:  .asciz "a1[0]"
s_a2:   .asciz "a2"
names:  .asciz "magic"
        .asciz "version"
        .asciz "next_addr"
        .asciz "next_mode"
        .asciz "options"
        .asciz "boot_hart"
