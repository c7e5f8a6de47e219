/*
 * Sstc (the supervisor timer of privileged spec 1.12's Sstc chapter), with menvcfg:
 *  - stimecmp/stimecmph hold 64 bits; S-mode may use them only with menvcfg.STCE and
 *    mcounteren.TM (as QEMU), M-mode always;
 *  - with STCE, STIP is time >= stimecmp, at once on a write of either, and M-mode cannot
 *    write it; without STCE it is M-mode's bit as before and stimecmp changes nothing
 *    (QEMU 7.2 moves STIP on a stimecmp write even then);
 *  - the interrupt: taken in S-mode when delegated, in M-mode when not; a wfi wakes on
 *    it (the machine sleeps until the deadline: no other timer is armed here).
 * sstc_exact.S is this program again, run with -icount: the interrupt must then come
 * exactly when time reaches stimecmp.
 */
#include "test_macros.h"
#include "priv_macros.h"

#define INT(code)   (CAUSE_INTERRUPT | (code))
#define TM          (1 << 1)            /* mcounteren.TM */
#define STCE        0x80000000          /* menvcfgh.STCE */
#define DELAY       2000                /* ticks of 100 ns: 200 us */

/* lo, hi := time, read carry-safe (clobbers t0) */
.macro READ_TIME lo, hi
.Lread_time\@:
        csrr    \hi, timeh
        csrr    \lo, time
        csrr    t0, timeh
        bne     t0, \hi, .Lread_time\@
.endm

/* stimecmp := hi:lo, the high word parked at all ones meanwhile (no early match) */
.macro SET_STIMECMP lo, hi
        li      t0, -1
        csrw    CSR_STIMECMPH, t0
        csrw    CSR_STIMECMP, \lo
        csrw    CSR_STIMECMPH, \hi
.endm

/* stimecmp := time + DELAY; s2, s3 := that deadline */
.macro ARM_TIMER
        READ_TIME s2, s3
        li      t1, DELAY
        add     t1, s2, t1
        sltu    t2, t1, s2
        add     s3, s3, t2
        mv      s2, t1
        SET_STIMECMP s2, s3
.endm

        .data
        .balign 4
irq_time:   .word   0, 0                /* time read first thing after the interrupt */

        TEST_START
        PMP_ALLOW_ALL

        TEST_CASE 1                     /* 64 bits, read and written by M-mode */
        li      a1, 0x12345678
        li      a2, 0x9abcdef0
        csrw    CSR_STIMECMP, a1
        csrw    CSR_STIMECMPH, a2
        csrr    a0, CSR_STIMECMP
        CHECK_REG a0, a1
        csrr    a0, CSR_STIMECMPH
        CHECK_REG a0, a2

        /* ---- STCE off: STIP is M-mode's ------------------------------------------------ */
        TEST_CASE 2
        csrw    CSR_STIMECMPH, zero
        csrw    CSR_STIMECMP, zero      /* long past: no effect */
        csrr    a0, mip
        CHECK_BITS a0, MIP_STIP, 0
        li      t0, MIP_STIP
        csrs    mip, t0
        csrr    a0, mip
        CHECK_BITS a0, MIP_STIP, MIP_STIP
        csrc    mip, t0
        csrr    a0, mip
        CHECK_BITS a0, MIP_STIP, 0

        /* ---- who may touch stimecmp below M-mode ---------------------------------------- */
        li      t0, TM
        csrw    mcounteren, t0
        M_TO_S
        TEST_ILLEGAL 3, csrr a0, CSR_STIMECMP           /* no STCE */
        ECALL_UP
        csrw    mcounteren, zero
        li      t0, STCE
        csrw    CSR_MENVCFGH, t0
        M_TO_S
        TEST_ILLEGAL 4, csrw CSR_STIMECMPH, zero        /* STCE, no TM */
        ECALL_UP
        li      t0, TM
        csrw    mcounteren, t0
        li      t0, -1
        csrw    CSR_STIMECMP, t0
        M_TO_S
        TEST_CASE 5                     /* both */
        li      t1, -1
        csrw    CSR_STIMECMPH, t1
        csrr    a0, CSR_STIMECMPH
        CHECK   a0, 0xffffffff
        TEST_ILLEGAL 6, csrr a0, CSR_MENVCFGH           /* M-mode's */
        ECALL_UP

        /* ---- STCE on: STIP = time >= stimecmp, not M-mode's to write ------------------- */
        TEST_CASE 7
        SET_STIMECMP zero, zero
        csrr    a0, mip
        CHECK_BITS a0, MIP_STIP, MIP_STIP
        li      t1, -1
        SET_STIMECMP t1, t1
        csrr    a0, mip
        CHECK_BITS a0, MIP_STIP, 0
        TEST_CASE 8
        li      t0, MIP_STIP
        csrs    mip, t0
        csrr    a0, mip
        CHECK_BITS a0, MIP_STIP, 0
        SET_STIMECMP zero, zero
        csrc    mip, t0
        csrr    a0, mip
        CHECK_BITS a0, MIP_STIP, MIP_STIP
        li      t1, -1
        SET_STIMECMP t1, t1

        /* ---- the interrupt, in S-mode ----------------------------------------------------- */
        li      t0, MIP_STIP
        csrw    mideleg, t0
        csrw    mie, t0
        M_TO_S
        TEST_CASE 9
        ARM_TIMER
        csrr    a0, sip                 /* not yet */
        CHECK_BITS a0, MIP_STIP, 0
        li      s4, 100000000           /* bounded: a lost interrupt fails, never hangs */
        EXPECT_TRAP_KEEP c9_irq
        csrsi   sstatus, MSTATUS_SIE
1:      addi    s4, s4, -1
        bnez    s4, 1b
        j       test_fail_notrap
c9_irq:
        READ_TIME a0, a1
        la      t1, irq_time
        sw      a0, 0(t1)
        sw      a1, 4(t1)
        CHECK_CAUSE INT(IRQ_S_TIMER)
        CHECK_LEVEL LEVEL_S
        CHECK_TVAL 0
        TEST_CASE 10                    /* not early: at or after the deadline */
        bltu    a1, s3, test_fail
        bne     a1, s3, 2f
        bltu    a0, s2, test_fail
2:
#ifdef SSTC_EXACT
        TEST_CASE 11                    /* under -icount: in the very tick it fell due */
        CHECK_REG a1, s3
        CHECK_REG a0, s2
#endif
        TEST_CASE 12                    /* a later stimecmp takes STIP back */
        li      t1, -1
        SET_STIMECMP t1, t1
        csrr    a0, sip
        CHECK_BITS a0, MIP_STIP, 0

        /* ---- wfi wakes on it (SIE off: not taken) ------------------------------------------ */
        TEST_CASE 13
        ARM_TIMER
        READ_TRAP_COUNT s5
        wfi
        csrr    a0, sip
        CHECK_BITS a0, MIP_STIP, MIP_STIP
        READ_TIME a0, a1
        bltu    a1, s3, test_fail
        bne     a1, s3, 3f
        bltu    a0, s2, test_fail
3:      CHECK_NO_TRAP_SINCE s5
        ECALL_UP

        /* ---- STCE off again: STIP stays as it was, M-mode's once more --------------------- */
        TEST_CASE 14
        csrw    CSR_MENVCFGH, zero
        csrr    a0, mip
        CHECK_BITS a0, MIP_STIP, MIP_STIP
        li      t0, MIP_STIP
        csrc    mip, t0
        csrr    a0, mip
        CHECK_BITS a0, MIP_STIP, 0
        TEST_CASE 15                    /* STCE on with stimecmp past: STIP at once */
        SET_STIMECMP zero, zero
        csrr    a0, mip
        CHECK_BITS a0, MIP_STIP, 0
        li      t0, STCE
        csrw    CSR_MENVCFGH, t0
        csrr    a0, mip
        CHECK_BITS a0, MIP_STIP, MIP_STIP

        /* ---- not delegated: M-mode takes it ----------------------------------------------- */
        TEST_CASE 16
        csrw    mideleg, zero
        EXPECT_TRAP_KEEP c16_irq
        csrsi   mstatus, MSTATUS_MIE
        j       test_fail_notrap
c16_irq:
        CHECK_CAUSE INT(IRQ_S_TIMER)
        CHECK_LEVEL LEVEL_M
        li      t1, -1
        SET_STIMECMP t1, t1
        csrw    mie, zero
        csrw    CSR_MENVCFGH, zero

        TEST_END
