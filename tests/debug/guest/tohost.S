/* tohost for the assembly programs: a 64-bit word in its own page (debug.ld). */
    .section .tohost, "aw", @progbits
    .globl  tohost
    .balign 8
tohost: .dword 0
    .globl  fromhost
fromhost: .dword 0
