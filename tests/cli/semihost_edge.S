/*
 * The edges of the semihosting hook (cpu/exec.c, host/semihost.c), by hand, run on
 * every engine by tests/cli/CMakeLists.txt (`-bios none -kernel semihost_edge.elf
 * -semihosting`): what is a call and what stays a breakpoint, calls from S-mode through
 * Sv32, parameter blocks the hart cannot reach. It ends with SYS_EXIT_EXTENDED: 0 when
 * every case passed, else the number of the first that failed.
 */
#define SYS_WRITEC 0x03
#define SYS_WRITE0 0x04
#define SYS_ERRNO 0x13
#define SYS_GET_CMDLINE 0x15
#define SYS_OPEN 0x01
#define SYS_EXIT_EXTENDED 0x20
#define EFAULT 14

/* The semihosting sequence, uncompressed whatever the assembler would choose. */
.macro semihost
    .option push
    .option norvc
    slli    x0, x0, 0x1f
    ebreak
    srai    x0, x0, 7
    .option pop
.endm

/* Fail with case n unless a0 == value. */
.macro expect_a0 value, n
    li      t6, \value
    li      s10, \n
    bne     a0, t6, fail
.endm

    .section .text.start, "ax"
    .globl _start
_start:
    la      t0, trap
    csrw    mtvec, t0
    li      s11, 0                  /* breakpoints taken, counted by the trap handler */

    /* 1: a call is carried out: WRITE0 prints, a0 is left alone by WRITEC */
    li      a0, SYS_WRITE0
    la      a1, hello
    semihost
    li      a0, SYS_WRITEC
    la      a1, letter
    semihost
    expect_a0 SYS_WRITEC, 1

    /* 2: a parameter block where there is no memory: -1, errno EFAULT, no trap */
    li      a0, SYS_OPEN
    li      a1, 0x100               /* nothing answers at 0x100 */
    semihost
    expect_a0 -1, 2
    li      a0, SYS_ERRNO
    semihost
    expect_a0 EFAULT, 2
    bnez    s11, fail

    /* 3: GET_CMDLINE into a buffer too small: -1 */
    li      a0, SYS_GET_CMDLINE
    la      a1, small_block
    semihost
    expect_a0 -1, 3

    /* 4: a compressed ebreak between the shifts is a breakpoint */
    li      s10, 4
    .option push
    .option norvc
    slli    x0, x0, 0x1f
    .option rvc
    c.ebreak
    .option norvc
    srai    x0, x0, 7
    .option pop
    li      t6, 1
    bne     s11, t6, fail

    /* 5: the sequence across a page boundary is a breakpoint (QEMU's rule: one page) */
    li      s10, 5
    call    split
    li      t6, 2
    bne     s11, t6, fail

    /* 6: from U-mode, without userspace=on: a breakpoint */
    li      s10, 6
    la      t0, user
    csrw    mepc, t0
    li      t0, 3 << 11
    csrc    mstatus, t0             /* MPP = U */
    mret
back_from_user:
    li      t6, 3
    bne     s11, t6, fail

    /* 7: from S-mode through Sv32: the block and the string are read at their virtual
     * addresses (VA 0x40000000 maps the first 4 MiB of RAM) */
    li      s10, 7
    la      t0, root_table
    li      t1, 0x80000000 >> 2     /* a megapage: PPN of 0x80000000, V R W X A D */
    ori     t1, t1, 0xcf
    sw      t1, (0x40000000 >> 22) * 4(t0)
    addi    t2, t0, 2047
    sw      t1, (0x80000000 >> 22) * 4 - 2047(t2)   /* and RAM itself, to run on */
    srli    t0, t0, 12
    li      t1, 1 << 31
    or      t0, t0, t1
    csrw    satp, t0
    sfence.vma
    la      t0, supervisor
    csrw    mepc, t0
    li      t0, 3 << 11
    csrc    mstatus, t0
    li      t0, 1 << 11             /* MPP = S */
    csrs    mstatus, t0
    mret
back_from_supervisor:
    csrw    satp, zero
    sfence.vma
    bnez    s9, fail

    /* every case passed */
    li      s10, 0
fail:
    la      a1, exit_block
    li      t0, 0x20026             /* ADP_Stopped_ApplicationExit */
    sw      t0, 0(a1)
    sw      s10, 4(a1)
    li      a0, SYS_EXIT_EXTENDED
    semihost
1:  j       1b

user:
    li      a0, SYS_WRITEC
    la      a1, letter
    semihost                        /* traps: s11 counts it */
    ecall                           /* back to M-mode */

supervisor:
    /* Case 7 runs here; s9 = 0 on success. */
    li      s9, 1
    li      a0, SYS_WRITE0
    la      a1, virt_hello
    li      t0, 0x80000000
    sub     a1, a1, t0
    li      t0, 0x40000000
    add     a1, a1, t0              /* its virtual address above 0x40000000 */
    semihost
    li      a0, SYS_OPEN
    li      a1, 0x50000000          /* not mapped: EFAULT, no page fault */
    semihost
    li      t6, -1
    bne     a0, t6, 1f
    li      s9, 0
1:  ecall

trap:
    csrr    t0, mcause
    li      t1, 3                   /* breakpoint: count it, step over the ebreak */
    beq     t0, t1, 2f
    li      t1, 8                   /* ecall from U */
    la      t2, back_from_user
    beq     t0, t1, 1f
    li      t1, 9                   /* ecall from S */
    la      t2, back_from_supervisor
    beq     t0, t1, 1f
    li      s10, 99                 /* anything else: a failure of its own */
    j       fail
1:  csrw    mepc, t2
    li      t0, 3 << 11             /* back in M-mode */
    csrs    mstatus, t0
    mret
2:  addi    s11, s11, 1
    csrr    t0, mepc
    lhu     t1, 0(t0)
    andi    t1, t1, 3
    li      t2, 3
    addi    t0, t0, 2
    bne     t1, t2, 3f              /* a compressed ebreak: 2 bytes */
    addi    t0, t0, 2
3:  csrw    mepc, t0
    mret

    /* The sequence straddling a page: slli ends one page, ebreak starts the next. */
    .balign 4096
    .space 4096 - 8
split:
    .option push
    .option norvc
    nop
    slli    x0, x0, 0x1f
    ebreak
    srai    x0, x0, 7
    .option pop
    ret

    .section .data
hello:      .asciz "edge: write0 ok\n"
virt_hello: .asciz "edge: through Sv32 ok\n"
letter:     .byte 'W'
    .balign 4
small_block: .word cmdline_buf, 2   /* room for 2 bytes: too small for any command line */
cmdline_buf: .space 8
exit_block: .word 0, 0
    .balign 4096
root_table: .space 4096
