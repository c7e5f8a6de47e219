/*
 * Privilege modes and the traps between them (privileged spec 3.1.6, 3.1.8, 3.3.2, 4.1).
 *
 *  - mret and sret go to the mode in MPP/SPP and set MIE/SIE from MPIE/SPIE, MPIE/SPIE to
 *    1 and MPP/SPP to U; a trap into M or S saves the mode in MPP/SPP and xIE in xPIE.
 *  - ecall is cause 8, 9 or 11 from U, S or M, with tval 0.
 *  - medeleg sends exceptions raised in U or S to S-mode (scause, sepc, stval, sstatus,
 *    stvec), never those raised in M; ecall from M cannot be delegated. Page faults too.
 *  - stvec in vectored mode still sends exceptions to its base.
 *  - sstatus is a view of mstatus: S-mode cannot change the M-mode bits through it.
 *  - U-mode may not touch S or M CSRs, nor run sret, mret, sfence.vma or wfi; S-mode may
 *    not touch M CSRs nor run mret. All are illegal instructions with mtval = the bits.
 *  - TSR makes sret illegal in S-mode, TW makes wfi illegal in S-mode, TVM makes satp and
 *    sfence.vma illegal in S-mode; none of them concerns M-mode.
 */
#include "test_macros.h"
#include "priv_macros.h"

#define ALIAS_VA    0x40000000          /* the program again, for U-mode (U = 1) */
#define UNMAPPED_VA 0x10000000          /* nothing mapped there */

#define MEDELEG_PAGE_FAULTS ((1 << CAUSE_FETCH_PAGE_FAULT) | (1 << CAUSE_LOAD_PAGE_FAULT) | \
                             (1 << CAUSE_STORE_PAGE_FAULT))

        .section .bss.page_table, "aw", @nobits
        .balign 4096
page_table:
        .skip   4096

        TEST_START
        PMP_ALLOW_ALL

        /* ---- mret, sret and mstatus ---------------------------------------------- */

        /* mret to S-mode sets MIE from MPIE; ecall there is cause 9, taken in M-mode with
         * MPP = S, MPIE = the MIE it interrupted, MIE = 0 */
        TEST_CASE 1
        li      t0, MSTATUS_MPP
        csrc    mstatus, t0
        li      t0, MPP_S | MSTATUS_MPIE
        csrs    mstatus, t0
        la      t0, .Lc1_s
        csrw    mepc, t0
        mret
        j       test_fail
.Lc1_s:
        EXPECT_TRAP_KEEP .Lc1_m
.Lc1_ecall:
        ecall
        j       test_fail_notrap
.Lc1_m:
        CHECK_CAUSE CAUSE_ECALL_S
        CHECK_EPC .Lc1_ecall
        CHECK_TVAL 0
        CHECK_LEVEL LEVEL_M
        TEST_CASE 2
        CHECK_TRAP_STATUS MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE, MPP_S | MSTATUS_MPIE
        /* back in M-mode by an mret with MPP = M, MPIE = 0: MIE = 0, MPIE = 1, MPP = U */
        TEST_CASE 3
        csrr    a0, mscratch            /* traps unless in M-mode */
        csrr    a0, mstatus
        CHECK_BITS a0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MPIE

        /* mret to U-mode: ecall is cause 8, MPP = U */
        TEST_CASE 4
        M_TO_U
        EXPECT_TRAP_KEEP .Lc4_m
.Lc4_ecall:
        ecall
        j       test_fail_notrap
.Lc4_m:
        CHECK_CAUSE CAUSE_ECALL_U
        CHECK_EPC .Lc4_ecall
        CHECK_TVAL 0
        CHECK_LEVEL LEVEL_M
        TEST_CASE 5
        CHECK_TRAP_STATUS MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE, MPP_U

        /* ecall in M-mode: cause 11, MPP = M */
        TEST_TRAP 6, CAUSE_ECALL_M, ecall
        CHECK_TVAL 0
        CHECK_LEVEL LEVEL_M
        CHECK_TRAP_STATUS MSTATUS_MPP, MPP_M

        /* M -> S -> U: sret sets SIE from SPIE, SPIE = 1, SPP = U */
        TEST_CASE 7
        M_TO_S
        li      t0, MSTATUS_SPP | MSTATUS_SIE
        csrc    sstatus, t0
        li      t0, MSTATUS_SPIE
        csrs    sstatus, t0
        la      t0, .Lc7_u
        csrw    sepc, t0
        sret
        j       test_fail
.Lc7_u:
        EXPECT_TRAP_KEEP .Lc7_m
.Lc7_ecall:
        ecall
        j       test_fail_notrap
.Lc7_m:
        CHECK_CAUSE CAUSE_ECALL_U
        CHECK_EPC .Lc7_ecall
        TEST_CASE 8
        CHECK_TRAP_STATUS MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_MPP, MSTATUS_SIE | MSTATUS_SPIE | MPP_U
        csrci   sstatus, MSTATUS_SIE

        /* sret from S to S: SIE = SPIE = 0, SPIE = 1, SPP = U */
        TEST_CASE 9
        M_TO_S
        li      t0, MSTATUS_SPIE
        csrc    sstatus, t0
        li      t0, MSTATUS_SPP | MSTATUS_SIE
        csrs    sstatus, t0
        la      t0, .Lc9_s
        csrw    sepc, t0
        sret
        j       test_fail
.Lc9_s:
        csrr    a0, sstatus
        CHECK_BITS a0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP, MSTATUS_SPIE
        TEST_CASE 10                    /* and it is S-mode: ecall is cause 9 */
        ECALL_UP
        CHECK_CAUSE CAUSE_ECALL_S

        /* MPP is WARL: 2 (reserved without the H extension) never reads back */
        TEST_CASE 11
        li      t0, MSTATUS_MPP
        csrc    mstatus, t0
        li      t0, 2 << MSTATUS_MPP_SHIFT
        csrs    mstatus, t0
        csrr    a0, mstatus
        li      t0, MSTATUS_MPP
        and     a0, a0, t0
        li      t0, 2 << MSTATUS_MPP_SHIFT
        bne     a0, t0, 1f
        j       test_fail
1:

        /* sstatus is a window on mstatus: all ones written from S-mode set only the bits
         * sstatus shows (SIE SPIE UBE SPP VS FS XS SUM MXR SD; rvbox has no V, F or
         * custom state, QEMU's VS and FS are writable), and none of the M-mode ones */
#define SSTATUS_VIEW (SSTATUS_MASK | (3 << 9))  /* + VS, which csr_defs.h does not name */
        TEST_CASE 12
        csrw    mstatus, zero
        M_TO_S
        li      a1, -1
        csrw    sstatus, a1
        csrr    a0, sstatus
        csrw    sstatus, zero
        CHECK_BITS a0, ~SSTATUS_VIEW, 0
        TEST_CASE 13
        CHECK_BITS a0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR
        TEST_CASE 14
        ECALL_UP
        CHECK_TRAP_STATUS MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPRV | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR, 0
        /* the same from M-mode, where MPP can be seen afterwards */
        li      t0, MPP_S
        csrw    mstatus, t0
        li      a1, -1
        csrw    sstatus, a1
        csrr    a0, mstatus
        csrw    sstatus, zero
        CHECK_BITS a0, MSTATUS_MPP | MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPRV | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR, MPP_S

        /* ---- medeleg --------------------------------------------------------------- */

        /* WARL: ecall from M (bit 11) cannot be delegated; the usual exceptions can */
#define DELEGABLE ((1 << CAUSE_ILLEGAL_INSN) | (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_ECALL_U) | \
                   (1 << CAUSE_ECALL_S) | MEDELEG_PAGE_FAULTS)
        TEST_CASE 15
        li      a0, -1
        csrw    medeleg, a0
        csrr    a0, medeleg
        csrw    medeleg, zero
        CHECK_BITS a0, DELEGABLE | (1 << CAUSE_ECALL_M), DELEGABLE

        /* ecall from U delegated: S-mode takes it with scause 8, sepc, stval 0, SPP = U,
         * SPIE = the SIE U-mode ran with, SIE = 0 */
        TEST_CASE 16
        li      a0, 1 << CAUSE_ECALL_U
        csrw    medeleg, a0
        M_TO_S
        li      t0, MSTATUS_SPP | MSTATUS_SIE
        csrc    sstatus, t0
        li      t0, MSTATUS_SPIE
        csrs    sstatus, t0
        la      t0, .Lc16_u
        csrw    sepc, t0
        sret
        j       test_fail
.Lc16_u:
        EXPECT_TRAP_KEEP .Lc16_s
.Lc16_ecall:
        ecall
        j       test_fail_notrap
.Lc16_s:
        CHECK_LEVEL LEVEL_S
        CHECK_CAUSE CAUSE_ECALL_U
        CHECK_EPC .Lc16_ecall
        CHECK_TVAL 0
        TEST_CASE 17
        CHECK_TRAP_STATUS MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPIE
        /* back in S-mode (sscratch reads) with SIE off; ecall from S is not delegated */
        TEST_CASE 18
        csrr    a0, sscratch
        csrr    a0, sstatus
        CHECK_BITS a0, MSTATUS_SIE | MSTATUS_SPP, 0
        ECALL_UP
        CHECK_LEVEL LEVEL_M
        CHECK_CAUSE CAUSE_ECALL_S

        /* ecall from S delegated as well: S-mode takes it with SPP = S. Back to M-mode
         * with an exception that is not delegated: an M-mode CSR from S-mode (cause 2) */
        TEST_CASE 19
        li      a0, (1 << CAUSE_ECALL_U) | (1 << CAUSE_ECALL_S)
        csrw    medeleg, a0
        M_TO_S
        EXPECT_TRAP_KEEP .Lc19_s
.Lc19_ecall:
        ecall
        j       test_fail_notrap
.Lc19_s:
        CHECK_LEVEL LEVEL_S
        CHECK_CAUSE CAUSE_ECALL_S
        CHECK_EPC .Lc19_ecall
        CHECK_TRAP_STATUS MSTATUS_SPP, MSTATUS_SPP
        TEST_CASE 20
        EXPECT_TRAP_KEEP .Lc20_m
.Lc20_insn:
        csrr    a0, mstatus
        j       test_fail_notrap
.Lc20_m:
        CHECK_LEVEL LEVEL_M
        CHECK_CAUSE CAUSE_ILLEGAL_INSN
        CHECK_EPC .Lc20_insn
        CHECK_TVAL_INSN .Lc20_insn
        CHECK_TRAP_STATUS MSTATUS_MPP, MPP_S

        /* traps never go down: with everything delegated, M-mode keeps its own */
        li      a0, -1
        csrw    medeleg, a0
        TEST_TRAP 21, CAUSE_ECALL_M, ecall
        CHECK_LEVEL LEVEL_M
        TEST_TRAP 22, CAUSE_BREAKPOINT, ebreak
        CHECK_LEVEL LEVEL_M
        TEST_TRAP 23, CAUSE_ILLEGAL_INSN, .word 0
        CHECK_LEVEL LEVEL_M
        csrw    medeleg, zero

        /* ---- page faults delegated to S-mode ----------------------------------------- */

        /* Sv32 with one L1 table: the program at VA = PA for S-mode, again at ALIAS_VA for
         * U-mode, nothing at UNMAPPED_VA. S-mode takes the page faults. */
        PT_CLEAR page_table
        PT_MAP_IDENTITY page_table, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
        PT_MAP_ALIAS page_table, ALIAS_VA, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D
        li      a0, MEDELEG_PAGE_FAULTS
        csrw    medeleg, a0
        M_TO_S
        SATP_SV32 page_table
        sfence.vma
        li      a1, UNMAPPED_VA
        li      a0, 0x2424
        TEST_TRAP 24, CAUSE_LOAD_PAGE_FAULT, lw a0, 0(a1)
        CHECK_LEVEL LEVEL_S
        CHECK_TVAL UNMAPPED_VA
        CHECK   a0, 0x2424
        TEST_TRAP 25, CAUSE_STORE_PAGE_FAULT, sw a0, 8(a1)
        CHECK_LEVEL LEVEL_S
        CHECK_TVAL UNMAPPED_VA + 8
        /* a jump there: the jump completes (and links), the fetch at the target faults */
        TEST_CASE 26
        EXPECT_TRAP .Lc26_resume
        jalr    ra, 0(a1)
.Lc26_link:
        j       test_fail_notrap
.Lc26_resume:
        CHECK_LEVEL LEVEL_S
        CHECK_CAUSE CAUSE_FETCH_PAGE_FAULT
        CHECK_MEM trap_record, TR_EPC, UNMAPPED_VA
        CHECK_TVAL UNMAPPED_VA
        CHECK_ADDR ra, .Lc26_link

        /* from U-mode, running at the alias: S-mode takes it, sepc = the alias address */
        TEST_CASE 27
        LA_ALIAS a2, .Lc27_u, ALIAS_VA
        csrw    sepc, a2
        li      t0, MSTATUS_SPP
        csrc    sstatus, t0
        EXPECT_TRAP_KEEP .Lc27_s
        sret
        j       test_fail
.Lc27_u:
        lw      a0, 4(a1)
        j       test_fail_notrap
.Lc27_s:
        CHECK_LEVEL LEVEL_S
        CHECK_CAUSE CAUSE_LOAD_PAGE_FAULT
        CHECK_TVAL UNMAPPED_VA + 4
        CHECK_TRAP_STATUS MSTATUS_SPP, 0
        la      a3, trap_record
        lw      a3, TR_EPC(a3)
        CHECK_REG a3, a2

        /* not delegated: M-mode takes the same fault, with mtval */
        ECALL_UP
        csrw    medeleg, zero
        M_TO_S                          /* satp is still on */
        li      a1, UNMAPPED_VA
        TEST_TRAP 28, CAUSE_LOAD_PAGE_FAULT, lw a0, 12(a1)
        CHECK_LEVEL LEVEL_M
        CHECK_TVAL UNMAPPED_VA + 12
        CHECK_TRAP_STATUS MSTATUS_MPP, MPP_S
        ECALL_UP
        csrw    satp, zero

        /* ---- stvec, sscratch ------------------------------------------------------- */

        /* stvec in vectored mode: an exception still goes to the base */
        TEST_CASE 29
        la      a1, s_vector_table
        ori     a1, a1, 1
        csrw    stvec, a1
        csrr    a0, stvec
        CHECK_REG a0, a1
        TEST_CASE 30
        li      a0, 1 << CAUSE_ECALL_U
        csrw    medeleg, a0
        M_TO_U
        ECALL_UP
        CHECK_LEVEL LEVEL_S
        CHECK_CAUSE CAUSE_ECALL_U
        ECALL_UP
        CHECK_LEVEL LEVEL_M
        la      a0, strap_entry
        csrw    stvec, a0
        csrw    medeleg, zero

        /* sscratch: S-mode's own scratch register; M-mode sees the same */
        TEST_CASE 31
        M_TO_S
        li      a1, 0x5c5c5c5c
        csrw    sscratch, a1
        li      a2, 0x12345678
        csrrw   a0, sscratch, a2
        CHECK   a0, 0x5c5c5c5c
        csrr    a0, sscratch
        CHECK   a0, 0x12345678
        ECALL_UP
        csrr    a0, sscratch
        CHECK   a0, 0x12345678

        /* ---- what U-mode may not do ------------------------------------------------ */
        M_TO_U
        li      a0, 0x7a7a
        TEST_ILLEGAL 32, csrr a0, sstatus
        CHECK   a0, 0x7a7a
        TEST_ILLEGAL 33, csrw sscratch, a0
        TEST_ILLEGAL 34, csrr a0, satp
        TEST_ILLEGAL 35, csrr a0, stvec
        TEST_ILLEGAL 36, csrr a0, sip
        TEST_ILLEGAL 37, csrr a0, mstatus
        TEST_ILLEGAL 38, csrw mscratch, a0
        TEST_ILLEGAL 39, csrr a0, mhartid
        TEST_ILLEGAL 40, sret
        TEST_ILLEGAL 41, mret
        TEST_ILLEGAL 42, sfence.vma
        CHECK   a0, 0x7a7a
        TEST_CASE 43                    /* still U-mode after all that */
        ECALL_UP
        CHECK_CAUSE CAUSE_ECALL_U

        /* ---- what S-mode may not do ------------------------------------------------ */
        M_TO_S
        TEST_ILLEGAL 44, csrr a0, mstatus
        TEST_ILLEGAL 45, csrw mscratch, a0
        TEST_ILLEGAL 46, csrr a0, medeleg
        TEST_ILLEGAL 47, csrr a0, mepc
        TEST_ILLEGAL 48, csrr a0, mhartid
        TEST_ILLEGAL 49, csrr a0, CSR_PMPCFG0
        TEST_ILLEGAL 50, mret
        TEST_CASE 51
        ECALL_UP
        CHECK_CAUSE CAUSE_ECALL_S

        /* ---- TSR --------------------------------------------------------------------- */

        /* TSR = 1: sret in S-mode is illegal */
        li      t0, MSTATUS_TSR
        csrs    mstatus, t0
        M_TO_S
        TEST_ILLEGAL 52, sret
        CHECK_TRAP_STATUS MSTATUS_TSR | MSTATUS_MPP, MSTATUS_TSR | MPP_S
        ECALL_UP
        /* ... but not in M-mode: sret there goes to S-mode */
        TEST_CASE 53
        li      t0, MSTATUS_SPP
        csrs    sstatus, t0
        la      t0, .Lc53_s
        csrw    sepc, t0
        sret
        j       test_fail
.Lc53_s:
        ECALL_UP
        CHECK_CAUSE CAUSE_ECALL_S
        /* TSR = 0: sret in S-mode works */
        TEST_CASE 54
        li      t0, MSTATUS_TSR
        csrc    mstatus, t0
        M_TO_S
        SRET_TO_S
        ECALL_UP
        CHECK_CAUSE CAUSE_ECALL_S

        /* ---- TW and wfi ------------------------------------------------------------- */

        /* TW = 1: wfi in S-mode is illegal. An interrupt is pending and enabled (SSIP,
         * delegated, SIE = 0: not taken), so that a wfi that wrongly runs does not wait. */
        li      t0, MSTATUS_TW
        csrs    mstatus, t0
        li      t0, MIP_SSIP
        csrw    mideleg, t0
        csrw    mie, t0
        csrw    mip, t0
        M_TO_S
        csrci   sstatus, MSTATUS_SIE
        TEST_ILLEGAL 55, wfi
        ECALL_UP
        csrw    mip, zero
        csrw    mie, zero
        csrw    mideleg, zero
        /* TW does not concern M-mode. An interrupt pending and enabled in mie (not taken:
         * MIE = 0) makes wfi return at once, so a wfi that does not trap cannot hang. */
        TEST_CASE 56
        li      t0, MIP_SSIP
        csrs    mie, t0
        csrs    mip, t0
        READ_TRAP_COUNT s1
        wfi
        CHECK_NO_TRAP_SINCE s1
        /* TW = 0: wfi in S-mode does not trap. SSIP delegated, pending, enabled in sie,
         * SIE = 0: not taken, and wfi does not wait. */
        TEST_CASE 57
        li      t0, MSTATUS_TW
        csrc    mstatus, t0
        li      t0, MIP_SSIP
        csrw    mideleg, t0
        M_TO_S
        csrci   sstatus, MSTATUS_SIE
        READ_TRAP_COUNT s1
        wfi
        CHECK_NO_TRAP_SINCE s1
        ECALL_UP
        csrw    mip, zero
        csrw    mie, zero
        csrw    mideleg, zero
        /* wfi in U-mode is illegal, TW = 0 or not */
        M_TO_U
        TEST_ILLEGAL 58, wfi
        ECALL_UP

        /* ---- TVM --------------------------------------------------------------------- */

        /* TVM = 1: satp and sfence.vma are illegal in S-mode, not in M-mode */
        li      t0, MSTATUS_TVM
        csrs    mstatus, t0
        TEST_CASE 59
        csrr    a0, satp
        sfence.vma
        M_TO_S
        TEST_ILLEGAL 60, csrr a0, satp
        TEST_ILLEGAL 61, csrw satp, zero
        TEST_ILLEGAL 62, sfence.vma
        TEST_ILLEGAL 63, sfence.vma a0, zero
        ECALL_UP
        /* TVM = 0: both fine in S-mode */
        TEST_CASE 64
        li      t0, MSTATUS_TVM
        csrc    mstatus, t0
        M_TO_S
        csrr    a0, satp
        csrw    satp, zero
        sfence.vma
        ECALL_UP
        CHECK_CAUSE CAUSE_ECALL_S

        TEST_END

/* stvec's vectored table: exceptions must come in at the base (entry 0). */
        .text
        .balign 64
s_vector_table:
        j       strap_entry
        .rept   15
        j       s_wrong_vector
        .endr
s_wrong_vector:
        j       test_fail
