/* Where every program starts: exec left argc in a0 and argv in a1, and the stack set. */
    .section .text.start
    .globl _start
_start:
    call main
    call exit
