/* A test fixture: ends the run through HTIF with exit code EXIT_CODE (set by CMake),
 * or, built with -DJUMP_TO=ADDR, jumps to ADDR like a firmware handing over to a kernel. */
    .section .text.start, "ax"
    .globl _start
_start:
#ifdef JUMP_TO
    li      t0, JUMP_TO
    jr      t0
#else
    la      t0, tohost
    li      t1, (EXIT_CODE << 1) | 1
    sw      zero, 4(t0)
    sw      t1, 0(t0)
1:  j       1b

    .section .tohost, "aw", @progbits
    .balign 4096
    .globl tohost
tohost: .dword 0
#endif
