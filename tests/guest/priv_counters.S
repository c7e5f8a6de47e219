/*
 * The counters below M-mode and their controls (privileged spec 3.1.11-3.1.13, 4.1.5;
 * unprivileged Zicntr).
 *
 *  - mcounteren bit n lets S-mode (and, with scounteren bit n, U-mode) read cycle (0),
 *    time (1), instret (2), hpmcounter3..31 (3..31) and their high halves; a read that is
 *    not allowed is an illegal instruction. M-mode reads them all.
 *  - mcountinhibit CY / IR stop mcycle / minstret (and cycle / instret); a stopped counter
 *    holds a written value; bit 1 (TM) does not exist and reads 0.
 *  - minstreth is written like the low half; instret counts exactly the instructions that
 *    retired (two reads n instructions apart differ by n, in U-mode too).
 *  - mhpmcounter3 and mhpmevent3 read 0 and ignore writes (rvbox counts no events), and
 *    hpmcounter3 is readable where enabled, reading 0.
 *  - time reads the same clock in U-mode as in M-mode.
 * The exact-count and time cases come last: QEMU's instret is not exact, and the time
 * CSR traps on QEMU's spike machine (see qemu-check.sh).
 */
#include "test_macros.h"
#include "priv_macros.h"

#define EN_CY   (1 << 0)
#define EN_TM   (1 << 1)
#define EN_IR   (1 << 2)
#define EN_HPM3 (1 << 3)

        TEST_START
        PMP_ALLOW_ALL

        /* ---- who may read what ------------------------------------------------------ */

        /* mcounteren = 0: S-mode reads nothing */
        csrw    mcounteren, zero
        csrw    scounteren, zero
        M_TO_S
        TEST_ILLEGAL 1, rdcycle a0
        TEST_ILLEGAL 2, rdtime a0
        TEST_ILLEGAL 3, rdinstret a0
        TEST_ILLEGAL 4, rdcycleh a0
        TEST_ILLEGAL 5, rdtimeh a0
        TEST_ILLEGAL 6, rdinstreth a0
        TEST_ILLEGAL 7, csrr a0, CSR_HPMCOUNTER3
        TEST_ILLEGAL 8, csrr a0, CSR_HPMCOUNTER3H
        TEST_ILLEGAL 9, csrr a0, CSR_HPMCOUNTER31
        ECALL_UP
        /* ... nor U-mode, whatever scounteren says */
        li      a0, -1
        csrw    scounteren, a0
        M_TO_U
        TEST_ILLEGAL 10, rdcycle a0
        TEST_ILLEGAL 11, rdtime a0
        TEST_ILLEGAL 12, rdinstret a0
        ECALL_UP

        /* mcounteren = CY TM IR: S-mode reads them; with scounteren = 0, U-mode does not */
        li      a0, EN_CY | EN_TM | EN_IR
        csrw    mcounteren, a0
        csrw    scounteren, zero
        M_TO_S
        TEST_CASE 13
        rdcycle a0
        rdcycleh a0
        rdinstret a0
        rdinstreth a0
        TEST_ILLEGAL 14, csrr a0, CSR_HPMCOUNTER3     /* its bit is clear */
        SRET_TO_U
        TEST_ILLEGAL 15, rdcycle a0
        TEST_ILLEGAL 16, rdtime a0
        TEST_ILLEGAL 17, rdinstret a0
        TEST_ILLEGAL 18, rdinstreth a0
        ECALL_UP

        /* both enable: U-mode reads */
        li      a0, EN_CY | EN_TM | EN_IR
        csrw    scounteren, a0
        M_TO_U
        TEST_CASE 19
        rdcycle a0
        rdcycleh a0
        rdinstret a0
        rdinstreth a0
        ECALL_UP

        /* each bit gates its own counter: mcounteren = CY only */
        li      a0, EN_CY
        csrw    mcounteren, a0
        li      a0, EN_CY | EN_TM | EN_IR
        csrw    scounteren, a0
        M_TO_U
        TEST_CASE 20
        rdcycle a0
        rdcycleh a0
        TEST_ILLEGAL 21, rdtime a0
        TEST_ILLEGAL 22, rdinstret a0
        ECALL_UP
        /* scounteren = IR only */
        li      a0, EN_CY | EN_TM | EN_IR
        csrw    mcounteren, a0
        li      a0, EN_IR
        csrw    scounteren, a0
        M_TO_U
        TEST_CASE 23
        rdinstret a0
        rdinstreth a0
        TEST_ILLEGAL 24, rdcycle a0
        TEST_ILLEGAL 25, rdtimeh a0
        ECALL_UP

        /* hpmcounter3: readable where bit 3 allows, and reads 0 */
        li      a0, EN_HPM3
        csrw    mcounteren, a0
        csrw    scounteren, a0
        M_TO_S
        TEST_CASE 26
        li      a0, 0x5a
        csrr    a0, CSR_HPMCOUNTER3
        CHECK   a0, 0
        li      a0, 0x5a
        csrr    a0, CSR_HPMCOUNTER3H
        CHECK   a0, 0
        TEST_ILLEGAL 27, rdcycle a0
        SRET_TO_U
        TEST_CASE 28
        li      a0, 0x5a
        csrr    a0, CSR_HPMCOUNTER3
        CHECK   a0, 0
        TEST_ILLEGAL 29, csrr a0, CSR_HPMCOUNTER3 + 1 /* hpmcounter4: bit 4 clear */
        ECALL_UP

        /* the enables hold at least the bits for the counters that exist */
        TEST_CASE 30
        li      a0, -1
        csrw    mcounteren, a0
        csrw    scounteren, a0
        csrr    a1, mcounteren
        CHECK_BITS a1, 0xf, 0xf
        csrr    a1, scounteren
        CHECK_BITS a1, 0xf, 0xf

        /* ---- mcountinhibit ------------------------------------------------------------ */

        /* IR: minstret stops */
        TEST_CASE 31
        li      a0, EN_IR
        csrw    CSR_MCOUNTINHIBIT, a0
        csrr    a1, minstret
        nop
        nop
        csrr    a2, minstret
        CHECK_REG a2, a1
        /* CY: mcycle stops */
        TEST_CASE 32
        li      a0, EN_CY | EN_IR
        csrw    CSR_MCOUNTINHIBIT, a0
        csrr    a1, mcycle
        nop
        nop
        csrr    a2, mcycle
        CHECK_REG a2, a1
        /* so does instret as U-mode sees it */
        TEST_CASE 33
        M_TO_U
        rdinstret a1
        nop
        nop
        rdinstret a2
        ECALL_UP
        CHECK_REG a2, a1
        /* a stopped counter holds what is written to it */
        TEST_CASE 34
        li      a0, 0x12345678
        csrw    minstret, a0
        nop
        csrr    a1, minstret
        CHECK   a1, 0x12345678
        li      a0, 0x9abc
        csrw    minstreth, a0
        csrr    a1, minstreth
        CHECK   a1, 0x9abc
        TEST_CASE 35
        li      a0, 0x87654321
        csrw    mcycle, a0
        nop
        csrr    a1, mcycle
        CHECK   a1, 0x87654321
        /* ... and counts on from there once released */
        TEST_CASE 36
        csrw    CSR_MCOUNTINHIBIT, zero
        nop
        nop
        csrr    a1, minstret
        li      a2, 0x12345678
        bgtu    a1, a2, 1f
        j       test_fail
1:      csrr    a1, minstreth
        CHECK   a1, 0x9abc
        /* there is no TM bit */
        TEST_CASE 37
        li      a0, EN_CY | EN_TM | EN_IR
        csrw    CSR_MCOUNTINHIBIT, a0
        csrr    a1, CSR_MCOUNTINHIBIT
        csrw    CSR_MCOUNTINHIBIT, zero
        CHECK_BITS a1, EN_CY | EN_TM | EN_IR, EN_CY | EN_IR

        /* ---- minstreth, mhpmcounter3 ----------------------------------------------------- */

        /* minstreth written, and seen by U-mode as instreth */
        TEST_CASE 38
        csrw    minstret, zero
        li      a0, 0x38
        csrw    minstreth, a0
        csrr    a1, minstreth
        CHECK   a1, 0x38
        li      a0, EN_IR
        csrw    mcounteren, a0
        csrw    scounteren, a0
        M_TO_U
        rdinstreth a1
        ECALL_UP
        CHECK   a1, 0x38

        /* mhpmcounter3 (h) and mhpmevent3 read 0, and stay 0 when written */
        TEST_CASE 39
        csrr    a0, CSR_MHPMCOUNTER3
        CHECK   a0, 0
        csrr    a0, CSR_MHPMCOUNTER3H
        CHECK   a0, 0
        csrr    a0, CSR_MHPMEVENT3
        CHECK   a0, 0
        TEST_CASE 40
        li      a1, 5
        csrw    CSR_MHPMCOUNTER3, a1
        csrw    CSR_MHPMCOUNTER3H, a1
        csrw    CSR_MHPMEVENT3, a1
        csrr    a0, CSR_MHPMCOUNTER3
        CHECK   a0, 0
        csrr    a0, CSR_MHPMCOUNTER3H
        CHECK   a0, 0
        csrr    a0, CSR_MHPMEVENT3
        CHECK   a0, 0

        /* ---- exact counts and time (QEMU differs here) ------------------------------- */

        /* instret in U-mode: two reads 5 instructions apart differ by 5 */
        TEST_CASE 41
        li      a0, EN_CY | EN_TM | EN_IR
        csrw    mcounteren, a0
        csrw    scounteren, a0
        M_TO_U
        rdinstret a1
        nop
        nop
        nop
        nop
        rdinstret a2
        ECALL_UP
        sub     a0, a2, a1
        CHECK   a0, 5
        /* cycle goes forward in U-mode too */
        TEST_CASE 42
        M_TO_U
        rdcycle a1
        nop
        rdcycle a2
        ECALL_UP
        bgtu    a2, a1, 1f
        j       test_fail
1:
        /* time: M-mode, then U-mode, reads one clock: never backwards */
        TEST_CASE 43
        csrr    a1, time
        M_TO_U
        rdtime  a2
        ECALL_UP
        bgeu    a2, a1, 1f
        j       test_fail
1:

        csrw    mcounteren, zero
        csrw    scounteren, zero
        TEST_END
