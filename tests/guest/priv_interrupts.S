/*
 * Interrupts, raised in software (privileged spec 3.1.9, 3.1.6.1, 4.1.3).
 *
 * M-mode sets the S-level pending bits (SSIP, STIP, SEIP) in mip itself; nothing else
 * raises an interrupt here. What is checked:
 *  - mip's software-writable bits; sip and sie show only what mideleg delegates, and
 *    writes through them reach only those bits; S-mode may clear SSIP, never STIP.
 *  - an interrupt for M-mode is taken in M-mode only when MIE = 1, always below M-mode;
 *    one delegated to S-mode is never taken in M-mode, taken in S-mode when SIE = 1, and
 *    always in U-mode. mcause/scause have bit 31 set, xtval = 0, xepc = the instruction
 *    that did not run.
 *  - mtvec/stvec in vectored mode send an interrupt to base + 4 * cause, an exception to
 *    the base (the vector tables record the entry they came through in mscratch/sscratch).
 *  - priority: SEI > SSI > STI; an interrupt bound for M-mode before any bound for S-mode.
 *  - wfi with an interrupt pending and enabled in mie, but not taken (MIE = 0, or SIE = 0
 *    for a delegated one), goes on without trapping.
 * Interrupts are taken with EXPECT_TRAP_KEEP: the handler returns with the global enable
 * off, so that the interrupt, still pending, is not taken again before the test clears it.
 */
#include "test_macros.h"
#include "priv_macros.h"

#define INT(code) (CAUSE_INTERRUPT | (code))

        TEST_START
        PMP_ALLOW_ALL

        /* ---- mip, sip, sie, mideleg -------------------------------------------------- */

        /* M-mode writes SSIP, STIP and SEIP; the M-level bits are read-only, they say
         * what the devices say (QEMU's CLINT raises MTIP from reset: mtimecmp = 0) */
#define MIP_M_LEVEL (MIP_MSIP | MIP_MTIP | MIP_MEIP)
        TEST_CASE 1
        csrr    a2, mip
        li      t0, MIP_M_LEVEL
        and     a2, a2, t0
        li      a0, -1
        csrw    mip, a0
        csrr    a1, mip
        CHECK_BITS a1, MIP_S_MASK, MIP_S_MASK
        li      t0, MIP_M_LEVEL
        and     a1, a1, t0
        CHECK_REG a1, a2
        TEST_CASE 2
        csrw    mip, zero
        csrr    a1, mip
        CHECK_BITS a1, MIP_S_MASK, 0
        li      t0, MIP_M_LEVEL
        and     a1, a1, t0
        CHECK_REG a1, a2

        /* mideleg delegates the S-level interrupts, not the M-level ones */
        TEST_CASE 3
        li      a0, -1
        csrw    mideleg, a0
        csrr    a1, mideleg
        CHECK_BITS a1, MIP_ALL, MIP_SSIP | MIP_STIP | MIP_SEIP

        /* sip and sie read 0 where mideleg is 0 */
        TEST_CASE 4
        csrw    mideleg, zero
        li      a0, MIP_SSIP
        csrw    mip, a0
        li      a0, MIP_SSIP | MIP_STIP
        csrw    mie, a0
        csrr    a1, sip
        CHECK   a1, 0
        csrr    a1, sie
        CHECK   a1, 0
        TEST_CASE 5
        li      a0, MIP_SSIP | MIP_STIP
        csrw    mideleg, a0
        csrr    a1, sip
        CHECK   a1, MIP_SSIP
        csrr    a1, sie
        CHECK   a1, MIP_SSIP | MIP_STIP

        /* sie writes reach only the delegated bits of mie */
        TEST_CASE 6
        li      a0, MIP_SSIP
        csrw    mideleg, a0
        csrw    mie, zero
        li      a0, -1
        csrw    sie, a0
        csrr    a1, mie
        CHECK   a1, MIP_SSIP

        /* sip.SSIP is writable when SSIP is delegated */
        TEST_CASE 7
        csrw    mip, zero
        csrsi   sip, MIP_SSIP
        csrr    a1, mip
        CHECK_BITS a1, MIP_SSIP, MIP_SSIP
        csrci   sip, MIP_SSIP
        csrr    a1, mip
        CHECK_BITS a1, MIP_SSIP, 0
        csrw    mideleg, zero
        csrw    mie, zero

        /* ---- interrupts for M-mode ------------------------------------------------------ */

        /* SSIP pending and enabled in mie, not delegated, MIE = 0: not taken */
        TEST_CASE 8
        li      a0, MIP_SSIP
        csrw    mie, a0
        csrs    mip, a0
        READ_TRAP_COUNT s1
        nop
        nop
        CHECK_NO_TRAP_SINCE s1

        /* MIE = 1: taken at once, mcause = interrupt 1, mepc = the next instruction,
         * mtval = 0, MPIE = 1, MPP = M */
        TEST_CASE 9
        li      a0, 0x1234
        csrw    mtval, a0
        EXPECT_TRAP_KEEP .Lc9_m
        csrsi   mstatus, MSTATUS_MIE
.Lc9_next:
        j       test_fail_notrap
.Lc9_m:
        CHECK_LEVEL LEVEL_M
        CHECK_CAUSE INT(IRQ_S_SOFT)
        CHECK_EPC .Lc9_next
        CHECK_TVAL 0
        CHECK_TRAP_STATUS MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MPIE | MPP_M

        /* below M-mode it is taken whatever MIE says: at the first U-mode instruction */
        TEST_CASE 10
        csrr    a0, mstatus
        CHECK_BITS a0, MSTATUS_MIE, 0
        EXPECT_TRAP_KEEP .Lc10_m
        li      t0, MSTATUS_MPP | MSTATUS_MPIE
        csrc    mstatus, t0
        la      t0, .Lc10_u
        csrw    mepc, t0
        mret
.Lc10_u:
        j       test_fail_notrap
.Lc10_m:
        CHECK_LEVEL LEVEL_M
        CHECK_CAUSE INT(IRQ_S_SOFT)
        CHECK_EPC .Lc10_u
        CHECK_TRAP_STATUS MSTATUS_MPP, MPP_U
        csrw    mip, zero

        /* ---- interrupts delegated to S-mode ----------------------------------------- */

        /* delegated: never taken in M-mode, even with MIE = 1 */
        TEST_CASE 11
        li      a0, MIP_SSIP | MIP_STIP
        csrw    mideleg, a0
        li      a0, MIP_SSIP
        csrw    mie, a0
        csrs    mip, a0
        csrsi   mstatus, MSTATUS_MIE
        READ_TRAP_COUNT s1
        nop
        nop
        CHECK_NO_TRAP_SINCE s1
        csrci   mstatus, MSTATUS_MIE

        /* S-mode with SIE = 1: taken there, scause = interrupt 1, sepc = the first S-mode
         * instruction, SPP = S, SPIE = 1 */
        TEST_CASE 12
        csrsi   sstatus, MSTATUS_SIE
        EXPECT_TRAP_KEEP .Lc12_s
        li      t0, MSTATUS_MPP | MSTATUS_MPIE
        csrc    mstatus, t0
        li      t0, MPP_S
        csrs    mstatus, t0
        la      t0, .Lc12_first
        csrw    mepc, t0
        mret
.Lc12_first:
        j       test_fail_notrap
.Lc12_s:
        CHECK_LEVEL LEVEL_S
        CHECK_CAUSE INT(IRQ_S_SOFT)
        CHECK_EPC .Lc12_first
        CHECK_TVAL 0
        CHECK_TRAP_STATUS MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPP | MSTATUS_SPIE

        /* S-mode clears SSIP itself */
        TEST_CASE 13
        csrci   sip, MIP_SSIP
        csrr    a1, sip
        CHECK_BITS a1, MIP_SSIP, 0

        /* SIE = 0 in S-mode: not taken */
        TEST_CASE 14
        csrr    a1, sstatus
        CHECK_BITS a1, MSTATUS_SIE, 0
        csrsi   sip, MIP_SSIP
        READ_TRAP_COUNT s1
        nop
        nop
        CHECK_NO_TRAP_SINCE s1

        /* ... but taken in U-mode, whatever SIE says */
        TEST_CASE 15
        EXPECT_TRAP_KEEP .Lc15_s
        li      t0, MSTATUS_SPP | MSTATUS_SPIE
        csrc    sstatus, t0
        la      t0, .Lc15_u
        csrw    sepc, t0
        sret
.Lc15_u:
        j       test_fail_notrap
.Lc15_s:
        CHECK_LEVEL LEVEL_S
        CHECK_CAUSE INT(IRQ_S_SOFT)
        CHECK_EPC .Lc15_u
        CHECK_TRAP_STATUS MSTATUS_SPP, 0
        csrci   sip, MIP_SSIP
        ECALL_UP

        /* STIP: M-mode sets it, S-mode cannot clear it through sip */
        TEST_CASE 16
        li      a0, MIP_STIP
        csrw    mie, a0
        csrs    mip, a0
        M_TO_S
        li      a0, MIP_STIP
        csrc    sip, a0
        csrr    a1, sip
        CHECK_BITS a1, MIP_STIP, MIP_STIP
        /* SIE = 1: the supervisor timer interrupt, cause 5 */
        TEST_CASE 17
        EXPECT_TRAP_KEEP .Lc17_s
        csrsi   sstatus, MSTATUS_SIE
.Lc17_next:
        j       test_fail_notrap
.Lc17_s:
        CHECK_LEVEL LEVEL_S
        CHECK_CAUSE INT(IRQ_S_TIMER)
        CHECK_EPC .Lc17_next
        ECALL_UP
        csrw    mip, zero

        /* ---- vectored mode ------------------------------------------------------------ */

        /* stvec vectored: an interrupt comes in at base + 4 * cause */
        TEST_CASE 18
        la      a0, s_vectors
        ori     a0, a0, 1
        csrw    stvec, a0
        li      a0, MIP_SSIP | MIP_STIP
        csrw    mie, a0
        li      a0, MIP_STIP
        csrs    mip, a0
        M_TO_S
        csrwi   sscratch, 31
        EXPECT_TRAP_KEEP .Lc18_s
        csrsi   sstatus, MSTATUS_SIE
        j       test_fail_notrap
.Lc18_s:
        CHECK_CAUSE INT(IRQ_S_TIMER)
        csrr    a1, sscratch
        CHECK   a1, IRQ_S_TIMER
        ECALL_UP
        csrw    mip, zero
        TEST_CASE 19
        li      a0, MIP_SSIP
        csrs    mip, a0
        M_TO_S
        EXPECT_TRAP_KEEP .Lc19_s
        csrsi   sstatus, MSTATUS_SIE
        j       test_fail_notrap
.Lc19_s:
        CHECK_CAUSE INT(IRQ_S_SOFT)
        csrr    a1, sscratch
        CHECK   a1, IRQ_S_SOFT
        csrci   sip, MIP_SSIP
        ECALL_UP
        la      a0, strap_entry
        csrw    stvec, a0
        csrw    mideleg, zero

        /* mtvec vectored, the same for M-mode; an exception still comes in at the base */
        TEST_CASE 20
        la      a0, m_vectors
        ori     a0, a0, 1
        csrw    mtvec, a0
        csrwi   mscratch, 31
        li      a0, MIP_SSIP
        csrw    mie, a0
        csrs    mip, a0
        EXPECT_TRAP_KEEP .Lc20_m
        csrsi   mstatus, MSTATUS_MIE
        j       test_fail_notrap
.Lc20_m:
        CHECK_CAUSE INT(IRQ_S_SOFT)
        csrr    a1, mscratch
        CHECK   a1, IRQ_S_SOFT
        TEST_CASE 21
        csrw    mip, zero
        li      a0, MIP_STIP
        csrw    mie, a0
        csrs    mip, a0
        EXPECT_TRAP_KEEP .Lc21_m
        csrsi   mstatus, MSTATUS_MIE
        j       test_fail_notrap
.Lc21_m:
        CHECK_CAUSE INT(IRQ_S_TIMER)
        csrr    a1, mscratch
        CHECK   a1, IRQ_S_TIMER
        csrw    mip, zero
        TEST_TRAP 22, CAUSE_BREAKPOINT, ebreak
        csrr    a1, mscratch
        CHECK   a1, 0
        la      a0, trap_entry
        csrw    mtvec, a0
        csrw    mie, zero

        /* ---- priority ------------------------------------------------------------------- */

        /* SSI and STI both pending for S-mode: SSI first, then STI */
        TEST_CASE 23
        li      a0, MIP_SSIP | MIP_STIP
        csrw    mideleg, a0
        csrw    mie, a0
        csrs    mip, a0
        M_TO_S
        EXPECT_TRAP_KEEP .Lc23_s
        csrsi   sstatus, MSTATUS_SIE
        j       test_fail_notrap
.Lc23_s:
        CHECK_CAUSE INT(IRQ_S_SOFT)
        TEST_CASE 24
        csrci   sip, MIP_SSIP
        EXPECT_TRAP_KEEP .Lc24_s
        csrsi   sstatus, MSTATUS_SIE
        j       test_fail_notrap
.Lc24_s:
        CHECK_CAUSE INT(IRQ_S_TIMER)
        ECALL_UP
        csrw    mip, zero

        /* one bound for M-mode comes before one bound for S-mode: STI not delegated beats
         * SSI delegated, in S-mode with SIE = 1 */
        TEST_CASE 25
        li      a0, MIP_SSIP
        csrw    mideleg, a0
        li      a0, MIP_SSIP | MIP_STIP
        csrw    mie, a0
        csrs    mip, a0
        csrsi   sstatus, MSTATUS_SIE
        EXPECT_TRAP_KEEP .Lc25_m
        M_TO_S
        j       test_fail_notrap
.Lc25_m:
        CHECK_LEVEL LEVEL_M
        CHECK_CAUSE INT(IRQ_S_TIMER)
        CHECK_TRAP_STATUS MSTATUS_MPP, MPP_S
        /* STIP gone, SSI is taken by S-mode */
        TEST_CASE 26
        li      a0, MIP_STIP
        csrc    mip, a0
        csrsi   sstatus, MSTATUS_SIE
        EXPECT_TRAP_KEEP .Lc26_s
        M_TO_S
        j       test_fail_notrap
.Lc26_s:
        CHECK_LEVEL LEVEL_S
        CHECK_CAUSE INT(IRQ_S_SOFT)
        csrci   sip, MIP_SSIP
        ECALL_UP
        csrw    mip, zero
        csrw    mie, zero
        csrw    mideleg, zero
        csrci   sstatus, MSTATUS_SIE

        /* all three S-level interrupts pending for M-mode: SEI, then SSI, then STI */
        TEST_CASE 27
        li      a0, MIP_SSIP | MIP_STIP | MIP_SEIP
        csrw    mie, a0
        csrw    mip, a0
        EXPECT_TRAP_KEEP .Lc27_m
        csrsi   mstatus, MSTATUS_MIE
        j       test_fail_notrap
.Lc27_m:
        CHECK_CAUSE INT(IRQ_S_EXT)
        TEST_CASE 28
        li      a0, MIP_SEIP
        csrc    mip, a0
        EXPECT_TRAP_KEEP .Lc28_m
        csrsi   mstatus, MSTATUS_MIE
        j       test_fail_notrap
.Lc28_m:
        CHECK_CAUSE INT(IRQ_S_SOFT)
        TEST_CASE 29
        li      a0, MIP_SSIP
        csrc    mip, a0
        EXPECT_TRAP_KEEP .Lc29_m
        csrsi   mstatus, MSTATUS_MIE
        j       test_fail_notrap
.Lc29_m:
        CHECK_CAUSE INT(IRQ_S_TIMER)
        csrw    mip, zero
        csrw    mie, zero

        /* ---- wfi ---------------------------------------------------------------------- */

        /* MIE = 0, SSIP pending and enabled in mie: wfi goes on, nothing is taken */
        TEST_CASE 30
        li      a0, MIP_SSIP
        csrw    mie, a0
        csrw    mip, a0
        READ_TRAP_COUNT s1
        wfi
        CHECK_NO_TRAP_SINCE s1
        /* the same in S-mode for a delegated one with SIE = 0 */
        TEST_CASE 31
        csrw    mideleg, a0
        M_TO_S
        csrci   sstatus, MSTATUS_SIE
        READ_TRAP_COUNT s1
        wfi
        CHECK_NO_TRAP_SINCE s1
        ECALL_UP
        csrw    mip, zero
        csrw    mie, zero
        csrw    mideleg, zero

        TEST_END

/* The vector tables: entry n writes n to sscratch/mscratch and goes to the handler. */
        .text
        .balign 64
s_vectors:
        .irp    n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
        j       .Ls_vector_\n
        .endr
        .irp    n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
.Ls_vector_\n:
        csrwi   sscratch, \n
        j       strap_entry
        .endr

        .balign 64
m_vectors:
        .irp    n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
        j       .Lm_vector_\n
        .endr
        .irp    n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
.Lm_vector_\n:
        csrwi   mscratch, \n
        j       trap_entry
        .endr
