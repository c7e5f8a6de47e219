/*
 * Sv32 address translation from S-mode (privileged spec 4.3, 3.1.6.3).
 *
 * M-mode builds the page tables below, delegates page faults and ecall from U to S-mode,
 * and the cases run in S-mode (the program itself through an identity megapage), some in
 * U-mode, the MPRV ones in M-mode. What is checked:
 *  - 4 KiB leaves and 4 MiB megapages translate; a megapage whose PPN[0] is not zero is
 *    misaligned: a page fault.
 *  - R, W, X: a load, store or fetch the PTE does not allow is a load (13), store/AMO (15)
 *    or fetch (12) page fault with stval = the address; V = 0, W without R, and a pointer
 *    PTE at the last level are page faults too.
 *  - U pages: S-mode loads and stores only with SUM, never executes; U-mode touches only
 *    U pages. MXR lets loads read execute-only pages.
 *  - A and D are set by the hardware (rvbox's choice; the spec also allows a page fault)
 *    on a load (A) or store (A, D), in leaves and megapages, and never by an access that
 *    faults.
 *  - sfence.vma (whole, or one address) makes a changed PTE take effect.
 *  - A misaligned store whose second part is on an unmapped page faults with stval = the
 *    first byte of that page, writes nothing and sets no A/D bit in the first page's PTE;
 *    a load faults the same way. An instruction that
 *    straddles into an unmapped page faults with sepc = its address, stval = the page's.
 *  - MPRV: M-mode loads and stores translated with MPP's privilege (and SUM, MXR),
 *    fetches not; mret and sret to a mode below M clear MPRV.
 *  - A walk that reads a PTE where there is no memory, and a leaf whose (34-bit)
 *    physical address has no memory, are access faults of the access's kind.
 */
#include "test_macros.h"
#include "priv_macros.h"

/* Virtual addresses: L1[0x100] -> pt_l0, whose entry i maps VA(i). */
#define VA_BASE      0x40000000
#define VA(i)        (VA_BASE + (i) * 0x1000)
#define VA_SUPER_R   0x40400000     /* megapage: the program, R, A = 0 */
#define VA_SUPER_BAD 0x40800000     /* megapage with PPN[0] = 1: misaligned */
#define VA_SUPER_RW  0x40c00000     /* megapage: the program, R W, A = 1, D = 0 */
#define VA_SUPER_WONLY 0x41000000   /* W without R at level 1 (case 57) */

#define PTE_AD       (PTE_A | PTE_D)

/* Offsets of the routines in code_page (placed there with .org) */
#define U_ECALL      0x40
#define U_LOAD       0x80
#define U_STORE      0xc0

#define WORD_A       0xaaaa0001     /* the first word of each data page */
#define WORD_B       0xbbbb0002
#define WORD_D       0xdddd0004
#define LAST_F       0xf0f1f2f3     /* the last word of page_f */

#define MEDELEG_S ((1 << CAUSE_FETCH_PAGE_FAULT) | (1 << CAUSE_LOAD_PAGE_FAULT) | \
                   (1 << CAUSE_STORE_PAGE_FAULT) | (1 << CAUSE_ECALL_U))

/* pt_l0[index] := a leaf for the page at `label`, PTE bits `flags`. M-mode. */
.macro MAP_4K index, label, flags
        la      t0, \label
        srli    t0, t0, 12
        slli    t0, t0, 10
        ori     t0, t0, \flags
        la      t1, pt_l0
        sw      t0, (\index) * 4(t1)
.endm

/* Fail unless the last trap's tval is the value of `reg` (not t5, t6). */
.macro CHECK_REG_TVAL reg
        la      t5, trap_record
        lw      t5, TR_TVAL(t5)
        mv      t6, \reg
        beq     t5, t6, .Lcheck_ok\@
        j       test_fail_value
.Lcheck_ok\@:
.endm

/* Run U-mode from virtual address `va` until its next trap (delegated: back in S-mode,
 * with the trap recorded). S-mode. */
.macro U_RUN va
        li      t0, \va
        csrw    sepc, t0
        li      t0, MSTATUS_SPP
        csrc    sstatus, t0
        EXPECT_TRAP_KEEP .Lu_run\@
        sret
        j       test_fail
.Lu_run\@:
.endm

        .section .bss.page_tables, "aw", @nobits
        .balign 4096
pt_l1:  .skip   4096
pt_l0:  .skip   4096

        .data
        .balign 4096
page_a: .word   WORD_A
        .fill   1023, 4, 0xa5a5a5a5
page_b: .word   WORD_B
        .fill   1023, 4, 0xb5b5b5b5
page_d: .word   WORD_D
        .fill   1023, 4, 0xd5d5d5d5
page_f: .fill   1023, 4, 0xf5f5f5f5
page_f_last:
        .word   LAST_F
scratch_word:
        .word   0

        TEST_START
        PMP_ALLOW_ALL

        /* ---- the page tables (M-mode, untranslated) ------------------------------ */
        PT_CLEAR pt_l1
        PT_CLEAR pt_l0
        PT_MAP_IDENTITY pt_l1, PTE_V | PTE_R | PTE_W | PTE_X | PTE_AD
        la      a0, pt_l0
        srli    a0, a0, 12
        slli    a0, a0, 10
        ori     a0, a0, PTE_V
        PT_SET  pt_l1, VA_BASE >> 22, a0
        PT_MAP_ALIAS pt_l1, VA_SUPER_R, PTE_V | PTE_R
        PT_MAP_ALIAS pt_l1, VA_SUPER_RW, PTE_V | PTE_R | PTE_W | PTE_A
        PT_MAP_ALIAS pt_l1, VA_SUPER_BAD, PTE_V | PTE_R | PTE_W | PTE_X | PTE_AD
        la      t0, pt_l1
        li      t1, (VA_SUPER_BAD >> 22) * 4
        add     t0, t0, t1
        lw      t1, 0(t0)
        li      t2, 1 << 10                     /* PPN[0] = 1 */
        add     t1, t1, t2
        sw      t1, 0(t0)
        MAP_4K  0, page_a, PTE_V | PTE_R | PTE_W                /* A = D = 0 */
        MAP_4K  1, page_b, PTE_V | PTE_R                        /* A = 0 */
        MAP_4K  2, code_page, PTE_V | PTE_X | PTE_A
        /* 3: invalid */
        MAP_4K  4, page_a, PTE_V | PTE_W | PTE_AD               /* W without R */
        MAP_4K  5, page_d, PTE_V | PTE_R | PTE_W | PTE_U | PTE_AD
        MAP_4K  6, code_page, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A
        MAP_4K  7, page_a, PTE_V | PTE_R | PTE_W | PTE_AD
        MAP_4K  8, page_f, PTE_V | PTE_R | PTE_W | PTE_AD
        /* 9: invalid */
        li      a0, PTE_V                                       /* a pointer at level 0 */
        PT_SET  pt_l0, 10, a0
        MAP_4K  11, page_b, PTE_V | PTE_R | PTE_W | PTE_AD
        /* 12: invalid, until case 41 */

        li      a0, MEDELEG_S
        csrw    medeleg, a0
        M_TO_S
        SATP_SV32 pt_l1
        sfence.vma

        /* satp reads back what was written */
        TEST_CASE 1
        csrr    a0, satp
        la      a1, pt_l1
        srli    a1, a1, 12
        li      t0, SATP_MODE_SV32
        or      a1, a1, t0
        CHECK_REG a0, a1

        /* ---- 4 KiB leaves, A and D ---------------------------------------------- */

        /* a load through VA 0 reads page_a and sets A, not D */
        TEST_CASE 2
        li      a1, VA(0)
        lw      a0, 0(a1)
        CHECK   a0, WORD_A
        TEST_CASE 3
        la      a3, pt_l0
        lw      a0, 0(a3)
        CHECK_BITS a0, PTE_AD, PTE_A
        /* a store writes page_a and sets D */
        TEST_CASE 4
        li      a2, 0x04040404
        sw      a2, 4(a1)
        CHECK_MEM page_a, 4, 0x04040404
        lw      a0, 0(a3)
        CHECK_BITS a0, PTE_AD, PTE_AD

        /* read-only (VA 1): a store faults, sets neither A nor D, writes nothing */
        li      a1, VA(1)
        li      a2, 0x55
        TEST_TRAP 5, CAUSE_STORE_PAGE_FAULT, sw a2, 8(a1)
        CHECK_LEVEL LEVEL_S
        CHECK_TVAL VA(1) + 8
        CHECK_MEM page_b, 8, 0xb5b5b5b5
        TEST_CASE 6
        lw      a0, 4(a3)
        CHECK_BITS a0, PTE_AD, 0
        /* a load works and sets A */
        TEST_CASE 7
        lw      a0, 0(a1)
        CHECK   a0, WORD_B
        lw      a0, 4(a3)
        CHECK_BITS a0, PTE_AD, PTE_A
        /* an AMO needs write permission: store/AMO page fault */
        li      a0, 0x88
        TEST_TRAP 8, CAUSE_STORE_PAGE_FAULT, amoadd.w a0, a2, (a1)
        CHECK_TVAL VA(1)
        CHECK   a0, 0x88

        /* ---- execute-only (VA 2), MXR --------------------------------------------- */

        TEST_CASE 9
        li      a1, VA(2)
        li      a0, 0
        jalr    ra, 0(a1)               /* code_page: a0 = 0x5a5 */
        CHECK   a0, 0x5a5
        li      a0, 0x99
        TEST_TRAP 10, CAUSE_LOAD_PAGE_FAULT, lw a0, 0(a1)
        CHECK_TVAL VA(2)
        CHECK   a0, 0x99
        TEST_TRAP 11, CAUSE_STORE_PAGE_FAULT, sw a0, 4(a1)
        CHECK_TVAL VA(2) + 4
        TEST_TRAP 12, CAUSE_LOAD_PAGE_FAULT, lr.w a0, (a1)
        CHECK_TVAL VA(2)
        /* MXR = 1: loads may read executable pages */
        TEST_CASE 13
        li      t0, MSTATUS_MXR
        csrs    sstatus, t0
        lw      a0, 0(a1)
        lw      a2, code_page
        CHECK_REG a0, a2
        /* MXR = 0 again: no longer (nothing cached may remember MXR) */
        li      t0, MSTATUS_MXR
        csrc    sstatus, t0
        TEST_TRAP 14, CAUSE_LOAD_PAGE_FAULT, lw a0, 0(a1)

        /* ---- other faulting PTEs -------------------------------------------------- */

        /* not executable (VA 0, R W): the jump links, the fetch faults, stval = sepc */
        TEST_CASE 15
        li      a1, VA(0)
        EXPECT_TRAP .Lc15_resume
        jalr    ra, 0(a1)
        j       test_fail_notrap
.Lc15_resume:
        CHECK_CAUSE CAUSE_FETCH_PAGE_FAULT
        CHECK_MEM trap_record, TR_EPC, VA(0)
        CHECK_TVAL VA(0)
        /* invalid (VA 3) */
        li      a1, VA(3)
        TEST_TRAP 16, CAUSE_LOAD_PAGE_FAULT, lw a0, 0x10(a1)
        CHECK_TVAL VA(3) + 0x10
        TEST_TRAP 17, CAUSE_STORE_PAGE_FAULT, sb a0, 0x11(a1)
        CHECK_TVAL VA(3) + 0x11
        TEST_CASE 18
        EXPECT_TRAP .Lc18_resume
        jalr    ra, 0x20(a1)
        j       test_fail_notrap
.Lc18_resume:
        CHECK_CAUSE CAUSE_FETCH_PAGE_FAULT
        CHECK_TVAL VA(3) + 0x20
        /* W without R (VA 4) is reserved: page faults */
        li      a1, VA(4)
        TEST_TRAP 19, CAUSE_LOAD_PAGE_FAULT, lw a0, 0(a1)
        TEST_TRAP 20, CAUSE_STORE_PAGE_FAULT, sw a0, 0(a1)
        CHECK_MEM page_a, 0, WORD_A
        /* a pointer (no R, W, X) at the last level (VA 10) */
        li      a1, VA(10)
        TEST_TRAP 21, CAUSE_LOAD_PAGE_FAULT, lw a0, 0(a1)
        CHECK_TVAL VA(10)

        /* ---- U pages from S-mode: SUM ---------------------------------------------- */

        li      a1, VA(5)
        TEST_TRAP 22, CAUSE_LOAD_PAGE_FAULT, lw a0, 0(a1)
        CHECK_TVAL VA(5)
        TEST_TRAP 23, CAUSE_STORE_PAGE_FAULT, sw a0, 0(a1)
        TEST_CASE 24
        li      t0, MSTATUS_SUM
        csrs    sstatus, t0
        lw      a0, 0(a1)
        CHECK   a0, WORD_D
        li      a2, 0x24242424
        sw      a2, 4(a1)
        CHECK_MEM page_d, 4, 0x24242424
        /* SUM does not let S-mode execute from a U page (VA 6) */
        TEST_CASE 25
        li      a1, VA(6)
        EXPECT_TRAP .Lc25_resume
        jalr    ra, 0(a1)
        j       test_fail_notrap
.Lc25_resume:
        CHECK_CAUSE CAUSE_FETCH_PAGE_FAULT
        CHECK_TVAL VA(6)
        li      t0, MSTATUS_SUM
        csrc    sstatus, t0
        li      a1, VA(5)
        TEST_TRAP 26, CAUSE_LOAD_PAGE_FAULT, lw a0, 0(a1)

        /* ---- U-mode ------------------------------------------------------------------ */

        /* U-mode runs code from a U page: a0 = 0x777, then ecall (delegated) */
        TEST_CASE 27
        li      a0, 0
        U_RUN   VA(6) + U_ECALL
        CHECK_LEVEL LEVEL_S
        CHECK_CAUSE CAUSE_ECALL_U
        CHECK_MEM trap_record, TR_EPC, VA(6) + U_ECALL + 4
        CHECK   a0, 0x777
        /* U-mode loads from and stores to a U page */
        TEST_CASE 28
        li      a1, VA(5)
        U_RUN   VA(6) + U_LOAD
        CHECK_CAUSE CAUSE_ECALL_U
        CHECK   a0, WORD_D
        TEST_CASE 29
        li      a2, 0x29292929
        U_RUN   VA(6) + U_STORE
        CHECK_CAUSE CAUSE_ECALL_U
        CHECK_MEM page_d, 8, 0x29292929
        /* U-mode may not load from a page without U (VA 11) */
        TEST_CASE 30
        li      a1, VA(11)
        li      a0, 0x30
        U_RUN   VA(6) + U_LOAD
        CHECK_LEVEL LEVEL_S
        CHECK_CAUSE CAUSE_LOAD_PAGE_FAULT
        CHECK_TVAL VA(11)
        CHECK_MEM trap_record, TR_EPC, VA(6) + U_LOAD
        CHECK   a0, 0x30
        /* nor run code from one (VA 2: executable, not U) */
        TEST_CASE 31
        U_RUN   VA(2)
        CHECK_CAUSE CAUSE_FETCH_PAGE_FAULT
        CHECK_TVAL VA(2)
        CHECK_TRAP_STATUS MSTATUS_SPP, 0

        /* ---- megapages ------------------------------------------------------------------ */

        /* a 4 MiB leaf: any offset within it (here well beyond 4 KiB) */
        TEST_CASE 32
        LA_ALIAS a1, page_a, VA_SUPER_R
        lw      a0, 0(a1)
        CHECK   a0, WORD_A
        LA_ALIAS a1, page_d, VA_SUPER_R
        lw      a0, 0(a1)
        CHECK   a0, WORD_D
        /* A set in the L1 PTE, D not */
        TEST_CASE 33
        la      a3, pt_l1
        li      t0, (VA_SUPER_R >> 22) * 4
        add     a3, a3, t0
        lw      a0, 0(a3)
        CHECK_BITS a0, PTE_AD, PTE_A
        /* read-only: a store faults */
        TEST_TRAP 34, CAUSE_STORE_PAGE_FAULT, sw a0, 0(a1)
        CHECK_REG_TVAL a1
        /* a store to a writable one sets its D */
        TEST_CASE 35
        LA_ALIAS a1, scratch_word, VA_SUPER_RW
        li      a2, 0x35353535
        sw      a2, 0(a1)
        CHECK_MEM scratch_word, 0, 0x35353535
        la      a3, pt_l1
        li      t0, (VA_SUPER_RW >> 22) * 4
        add     a3, a3, t0
        lw      a0, 0(a3)
        CHECK_BITS a0, PTE_AD, PTE_AD
        /* misaligned (PPN[0] != 0): page faults for loads, stores and fetches */
        li      a1, VA_SUPER_BAD
        TEST_TRAP 36, CAUSE_LOAD_PAGE_FAULT, lw a0, 0(a1)
        CHECK_TVAL VA_SUPER_BAD
        TEST_TRAP 37, CAUSE_STORE_PAGE_FAULT, sw a0, 4(a1)
        CHECK_TVAL VA_SUPER_BAD + 4
        TEST_CASE 38
        EXPECT_TRAP .Lc38_resume
        jalr    ra, 8(a1)
        j       test_fail_notrap
.Lc38_resume:
        CHECK_CAUSE CAUSE_FETCH_PAGE_FAULT
        CHECK_TVAL VA_SUPER_BAD + 8

        /* ---- sfence.vma ------------------------------------------------------------------ */

        /* VA 7 -> page_a; remapped to page_b; sfence.vma; the new mapping is used */
        TEST_CASE 39
        li      a1, VA(7)
        lw      a0, 0(a1)
        CHECK   a0, WORD_A
        la      t0, page_b
        srli    t0, t0, 12
        slli    t0, t0, 10
        ori     a2, t0, PTE_V | PTE_R | PTE_W | PTE_AD
        PT_SET  pt_l0, 7, a2
        sfence.vma
        lw      a0, 0(a1)
        CHECK   a0, WORD_B
        /* and back, with an sfence.vma for that address only */
        TEST_CASE 40
        la      t0, page_a
        srli    t0, t0, 12
        slli    t0, t0, 10
        ori     a2, t0, PTE_V | PTE_R | PTE_W | PTE_AD
        PT_SET  pt_l0, 7, a2
        sfence.vma a1, zero
        lw      a0, 0(a1)
        CHECK   a0, WORD_A
        /* an invalid PTE made valid */
        li      a1, VA(12)
        TEST_TRAP 41, CAUSE_LOAD_PAGE_FAULT, lw a0, 0(a1)
        TEST_CASE 42
        la      t0, page_d
        srli    t0, t0, 12
        slli    t0, t0, 10
        ori     a2, t0, PTE_V | PTE_R | PTE_AD
        PT_SET  pt_l0, 12, a2
        sfence.vma
        lw      a0, 0(a1)
        CHECK   a0, WORD_D

        /* ---- accesses across a page boundary ------------------------------------------ */

        /* a misaligned store from page_f (VA 8) into VA 9 (unmapped): a store page fault
         * at the first byte of VA 9, and page_f's last bytes are not written */
        TEST_CASE 43
        li      a1, VA(8) + 0xffe
        li      a2, 0x11223344
        EXPECT_TRAP .Lc43_resume
.Lc43_insn:
        sw      a2, 0(a1)
        j       test_fail_notrap
.Lc43_resume:
        CHECK_CAUSE CAUSE_STORE_PAGE_FAULT
        CHECK_EPC .Lc43_insn
        CHECK_TVAL VA(9)
        CHECK_MEM page_f_last, 0, LAST_F
        /* the same for loads, and the destination is left alone */
        li      a1, VA(8) + 0xffd
        li      a0, 0x44
        TEST_TRAP 44, CAUSE_LOAD_PAGE_FAULT, lw a0, 0(a1)
        CHECK_TVAL VA(9)
        CHECK   a0, 0x44
        li      a1, VA(8) + 0xfff
        TEST_TRAP 45, CAUSE_LOAD_PAGE_FAULT, lh a0, 0(a1)
        CHECK_TVAL VA(9)
        CHECK   a0, 0x44
        TEST_TRAP 46, CAUSE_STORE_PAGE_FAULT, sh a0, 0(a1)
        CHECK_TVAL VA(9)
        CHECK_MEM page_f_last, 0, LAST_F
        /* a 32-bit instruction at the last two bytes of VA 2 (code_page + 0xffe), after a
         * c.nop: a fetch page fault with sepc = the instruction, stval = VA 3 */
        TEST_CASE 47
        li      a1, VA(2) + 0xffc
        li      a0, 0x47
        EXPECT_TRAP .Lc47_resume
        jalr    ra, 0(a1)
        j       test_fail_notrap
.Lc47_resume:
        CHECK_CAUSE CAUSE_FETCH_PAGE_FAULT
        CHECK_MEM trap_record, TR_EPC, VA(2) + 0xffe
        CHECK_TVAL VA(3)
        CHECK   a0, 0x47

        /* ---- MPRV (M-mode) ---------------------------------------------------------------- */
        ECALL_UP

        /* MPRV = 1, MPP = S: M-mode loads and stores go through S-mode's translation
         * (fetches do not: this code goes on untranslated) */
        TEST_CASE 48
        li      t0, MSTATUS_MPP
        csrc    mstatus, t0
        li      t0, MPP_S | MSTATUS_MPRV
        csrs    mstatus, t0
        li      a1, VA(7)
        lw      a0, 0(a1)
        li      a2, 0x48484848
        sw      a2, 8(a1)
        li      t0, MSTATUS_MPRV
        csrc    mstatus, t0
        CHECK   a0, WORD_A
        CHECK_MEM page_a, 8, 0x48484848
        /* with MXR, loads read an execute-only page (VA 2) */
        TEST_CASE 49
        li      t0, MSTATUS_MPRV | MSTATUS_MXR
        csrs    mstatus, t0
        li      a1, VA(2)
        lw      a0, 0(a1)
        li      t0, MSTATUS_MPRV | MSTATUS_MXR
        csrc    mstatus, t0
        lw      a2, code_page
        CHECK_REG a0, a2
        /* MPP = U: VA 7 is not a U page; the page fault is M-mode's own (raised in M-mode,
         * never delegated), mtval = the address. The trap's mret leaves MPP = U with MPRV
         * still 1: clear MPRV before any other load. */
        TEST_CASE 50
        li      t0, MSTATUS_MPP
        csrc    mstatus, t0
        li      t0, MSTATUS_MPRV
        csrs    mstatus, t0
        li      a1, VA(7)
        EXPECT_TRAP .Lc50_resume
.Lc50_insn:
        lw      a0, 0(a1)
        j       test_fail_notrap
.Lc50_resume:
        li      t0, MSTATUS_MPRV
        csrc    mstatus, t0
        CHECK_LEVEL LEVEL_M
        CHECK_CAUSE CAUSE_LOAD_PAGE_FAULT
        CHECK_EPC .Lc50_insn
        CHECK_TVAL VA(7)
        /* ... while a U page (VA 5) is fine */
        TEST_CASE 51
        li      t0, MSTATUS_MPP
        csrc    mstatus, t0
        li      t0, MSTATUS_MPRV
        csrs    mstatus, t0
        li      a1, VA(5)
        lw      a0, 0(a1)
        li      t0, MSTATUS_MPRV
        csrc    mstatus, t0
        CHECK   a0, WORD_D

        /* mret to S-mode clears MPRV */
        TEST_CASE 52
        li      t0, MSTATUS_MPRV
        csrs    mstatus, t0
        M_TO_S
        ECALL_UP
        li      t0, MSTATUS_MPRV        /* if it was not cleared: before any load */
        csrc    mstatus, t0
        CHECK_TRAP_STATUS MSTATUS_MPRV, 0
        /* so does an sret from M-mode to S-mode */
        TEST_CASE 53
        li      t0, MSTATUS_MPRV
        csrs    mstatus, t0
        li      t0, MSTATUS_SPP
        csrs    sstatus, t0
        la      t0, .Lc53_s
        csrw    sepc, t0
        sret
        j       test_fail
.Lc53_s:
        ECALL_UP
        li      t0, MSTATUS_MPRV
        csrc    mstatus, t0
        CHECK_CAUSE CAUSE_ECALL_S
        CHECK_TRAP_STATUS MSTATUS_MPRV, 0

        /* ---- walks and leaves that reach no memory: access faults -------------------- */

        /* a leaf whose physical address is above 4 GiB (Sv32 makes 34-bit addresses),
         * where there is nothing: a load access fault (5) with mtval = the address. Run
         * with MPRV (MPP = S) from M-mode; cause 5 is not delegated anyway. */
        TEST_CASE 54
        li      a0, (0x100000 << 10) | PTE_V | PTE_R | PTE_W | PTE_AD
        PT_SET  pt_l0, 13, a0
        sfence.vma
        li      t0, MSTATUS_MPP
        csrc    mstatus, t0
        li      t0, MPP_S | MSTATUS_MPRV
        csrs    mstatus, t0
        li      a1, VA(13)
        EXPECT_TRAP .Lc54_resume
.Lc54_insn:
        lw      a0, 8(a1)
        j       test_fail_notrap
.Lc54_resume:
        li      t0, MSTATUS_MPRV
        csrc    mstatus, t0
        CHECK_CAUSE CAUSE_LOAD_ACCESS
        CHECK_EPC .Lc54_insn
        CHECK_TVAL VA(13) + 8

        /* a page table where there is no memory (satp's PPN -> 0x10000, past the boot
         * ROM): the walk's PTE read is an access fault, for the kind of the access */
#define NOWHERE_PPN 0x10
        TEST_CASE 55
        li      t0, SATP_MODE_SV32 | NOWHERE_PPN
        csrw    satp, t0
        li      t0, MSTATUS_MPP
        csrc    mstatus, t0
        li      t0, MPP_S | MSTATUS_MPRV
        csrs    mstatus, t0
        li      a1, VA(0)
        EXPECT_TRAP .Lc55_resume
.Lc55_insn:
        lw      a0, 0(a1)
        j       test_fail_notrap
.Lc55_resume:
        li      t0, MSTATUS_MPRV
        csrc    mstatus, t0
        CHECK_CAUSE CAUSE_LOAD_ACCESS
        CHECK_EPC .Lc55_insn
        CHECK_TVAL VA(0)
        TEST_CASE 56
        li      t0, MSTATUS_MPP
        csrc    mstatus, t0
        li      t0, MPP_S | MSTATUS_MPRV
        csrs    mstatus, t0
        EXPECT_TRAP .Lc56_resume
.Lc56_insn:
        sw      a0, 4(a1)
        j       test_fail_notrap
.Lc56_resume:
        li      t0, MSTATUS_MPRV
        csrc    mstatus, t0
        CHECK_CAUSE CAUSE_STORE_ACCESS
        CHECK_EPC .Lc56_insn
        CHECK_TVAL VA(0) + 4

        /* ---- more walks, through MPRV (MPP = S) from M-mode ----------------------------- */
        SATP_SV32 pt_l1
        sfence.vma

        /* W without R at level 1 is reserved too, not a pointer to the next level (this
         * one points at pt_l0, whose entry 7 would map page_a) */
        TEST_CASE 57
        la      a0, pt_l0
        srli    a0, a0, 12
        slli    a0, a0, 10
        ori     a0, a0, PTE_V | PTE_W
        PT_SET  pt_l1, VA_SUPER_WONLY >> 22, a0
        sfence.vma
        li      t0, MSTATUS_MPP
        csrc    mstatus, t0
        li      t0, MPP_S | MSTATUS_MPRV
        csrs    mstatus, t0
        li      a1, VA_SUPER_WONLY + 7 * 0x1000
        EXPECT_TRAP .Lc57_resume
        lw      a0, 0(a1)
        j       test_fail_notrap
.Lc57_resume:
        li      t0, MSTATUS_MPRV
        csrc    mstatus, t0
        CHECK_CAUSE CAUSE_LOAD_PAGE_FAULT
        CHECK_TVAL VA_SUPER_WONLY + 7 * 0x1000

        /* a misaligned store from a page whose PTE has A = D = 0 (VA 14, page_f again)
         * into an unmapped one (VA 15): it faults at VA 15, and the first page's PTE is
         * left alone, since the store never happened */
        TEST_CASE 58
        la      a0, page_f
        srli    a0, a0, 12
        slli    a0, a0, 10
        ori     a0, a0, PTE_V | PTE_R | PTE_W
        PT_SET  pt_l0, 14, a0
        sfence.vma
        li      t0, MSTATUS_MPP
        csrc    mstatus, t0
        li      t0, MPP_S | MSTATUS_MPRV
        csrs    mstatus, t0
        li      a1, VA(14) + 0xffd
        EXPECT_TRAP .Lc58_resume
        sw      a0, 0(a1)
        j       test_fail_notrap
.Lc58_resume:
        li      t0, MSTATUS_MPRV
        csrc    mstatus, t0
        CHECK_CAUSE CAUSE_STORE_PAGE_FAULT
        CHECK_TVAL VA(15)
        CHECK_MEM page_f_last, 0, LAST_F
        la      a3, pt_l0
        lw      a0, 14 * 4(a3)
        CHECK_BITS a0, PTE_AD, 0

        csrw    satp, zero
        csrw    medeleg, zero
        TEST_END

/* Code mapped at VA 2 (execute-only, S-mode) and VA 6 (U-mode). Offsets matter: the
 * tests compute virtual addresses from them. */
        .text
        .balign 4096                    /* before norelax: the linker keeps it aligned */
        .option push
        .option norelax
code_page:
        addi    a0, zero, 0x5a5         /* S-mode calls it */
        ret
        .org    code_page + U_ECALL
        addi    a0, zero, 0x777
        ecall
        j       .
        .org    code_page + U_LOAD
        lw      a0, 0(a1)
        ecall
        j       .
        .org    code_page + U_STORE
        sw      a2, 8(a1)
        ecall
        j       .
        .org    code_page + 0xffc
        .half   0x0001                  /* c.nop */
        .half   0x0513, 0x0015          /* addi a0, a0, 1, across into the next page */
        .option pop
