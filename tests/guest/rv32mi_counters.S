/*
 * The Zicntr counters seen from M-mode. cycle, time and instret and their high halves
 * read without trapping (as do the machine counters and hpmcounter3); instret counts
 * exactly the instructions retired (a read returns the count before the reading
 * instruction); a write to minstret takes effect instead of the writing instruction's
 * own increment; a carry out of minstret reaches minstreth; cycle advances; time advances
 * by itself while the program spins.
 */
#include "test_macros.h"

        TEST_START

        /* every counter and high half reads without trapping (time: case 13) */
        TEST_CASE 1
        csrr    a0, cycle
        csrr    a0, cycleh
        csrr    a0, instret
        csrr    a0, instreth
        csrr    a0, mcycle
        csrr    a0, mcycleh
        csrr    a0, minstret
        csrr    a0, minstreth
        csrr    a0, mhpmcounter3
        csrr    a0, mhpmcounter3h
        csrr    a0, hpmcounter3
        csrr    a0, hpmcounter3h

        /* instret: two reads five instructions apart differ by six (the first read
         * retires too) */
        TEST_CASE 2
        csrr    a0, instret
        nop
        addi    a2, a2, 1
        nop
        xor     a3, a3, a3
        nop
        csrr    a1, instret
        sub     a1, a1, a0
        CHECK   a1, 6

        /* back to back: one apart; minstret is the same counter */
        TEST_CASE 3
        csrr    a0, instret
        csrr    a1, instret
        sub     a1, a1, a0
        CHECK   a1, 1
        TEST_CASE 4
        csrr    a0, minstret
        csrr    a1, instret
        sub     a1, a1, a0
        CHECK   a1, 1

        /* a taken branch, a jump and a not-taken branch count one each */
        TEST_CASE 5
        li      a2, 1
        csrr    a0, instret
        bnez    a2, 1f
        nop
1:      j       2f
        nop
2:      beqz    a2, 3f
3:      csrr    a1, instret
        sub     a1, a1, a0
        CHECK   a1, 4

        /* a write to minstret is what the next instruction reads: the writing
         * instruction does not add its own increment */
        TEST_CASE 6
        li      a2, 0x1000
        csrw    minstret, a2
        csrr    a0, minstret
        csrr    a1, minstret
        CHECK   a0, 0x1000
        CHECK   a1, 0x1001
        TEST_CASE 7
        li      a2, 0x2000
        csrw    minstret, a2
        csrr    a0, instret
        CHECK   a0, 0x2000

        /* csrrw on minstret returns the count before it */
        TEST_CASE 8
        li      a2, 0x3000
        csrw    minstret, a2
        nop
        li      a3, 0x4000
        csrrw   a0, minstret, a3
        csrr    a1, minstret
        CHECK   a0, 0x3002
        CHECK   a1, 0x4000

        /* minstreth is writable and readable as instreth */
        TEST_CASE 9
        csrw    minstret, zero
        li      a2, 7
        csrw    minstreth, a2
        csrr    a0, minstreth
        csrr    a1, instreth
        CHECK   a0, 7
        CHECK   a1, 7

        /* a carry out of minstret reaches minstreth */
        TEST_CASE 10
        csrw    minstret, zero
        li      a2, 5
        csrw    minstreth, a2
        li      a2, -1
        csrw    minstret, a2            /* 0x5_ffffffff, its own increment dropped */
        nop                             /* 0x6_00000000 */
        csrr    a0, minstreth           /* reads 6, then 0x6_00000001 */
        csrr    a1, minstret
        CHECK   a0, 6
        CHECK   a1, 1
        csrw    minstreth, zero

        /* cycle advances */
        TEST_CASE 11
        csrr    a0, cycle
        li      a2, 100
1:      addi    a2, a2, -1
        bnez    a2, 1b
        csrr    a1, cycle
        sub     a1, a1, a0
        beqz    a1, test_fail_cycle

        /* mcycle and mcycleh are writable */
        TEST_CASE 12
        csrw    mcycle, zero
        li      a2, 3
        csrw    mcycleh, a2
        csrr    a0, mcycleh
        CHECK   a0, 3
        csrr    a1, cycleh
        CHECK   a1, 3

        /* time and timeh read without trapping (rvbox implements the time CSR in the
         * hart; QEMU's spike machine traps it for M-mode software to emulate) */
        TEST_CASE 13
        csrr    a0, timeh
        csrr    a0, time
        /* and time advances by itself: spin (boundedly) until it changes */
        li      a2, 20000000
1:      csrr    a1, time
        bne     a1, a0, 2f
        addi    a2, a2, -1
        bnez    a2, 1b
        j       test_fail
2:

        /* a consistent 64-bit read of time: high, low, high again */
        TEST_CASE 14
1:      csrr    a0, timeh
        csrr    a1, time
        csrr    a2, timeh
        bne     a0, a2, 1b
        csrr    a3, timeh
        bltu    a3, a0, test_fail       /* time never runs backwards */

        TEST_END

test_fail_cycle:
        j       test_fail
