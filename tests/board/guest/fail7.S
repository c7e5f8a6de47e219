/* Powers off with failure code 7 through the syscon: rvbox must exit with status 7. */
#include "board.h"
    .section .text.start, "ax"
    .globl _start
_start:
    POWEROFF 7
