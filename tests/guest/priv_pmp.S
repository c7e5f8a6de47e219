/*
 * Physical memory protection enforced (privileged spec 3.7), as QEMU enforces it:
 *  - with no entry set, S-mode can fetch nothing (an mret to S-mode faults at once), while
 *    M-mode can do everything;
 *  - OFF, TOR (entry 0's bottom is 0; an empty range matches nothing), NA4, NAPOT;
 *  - R, W and X each; the lowest-numbered matching entry decides; an access only partly
 *    inside it fails; M-mode is held to an entry only with L;
 *  - MPRV: M-mode's loads and stores checked as MPP's;
 *  - page-table walks: S-mode reads of the entries, and the write that sets A;
 *  - what the hart caches (TLB, decoded blocks, translations) follows a change of the
 *    rules at once;
 *  - L: locks the entry (and a TOR entry the address below it) until reset, and holds
 *    M-mode to it. Last, since nothing undoes it.
 * Entry 15 allows everything once case 3 sets it; the cases put their rules below it.
 */
#include "test_macros.h"
#include "priv_macros.h"

/* pmpaddr n := reg */
.macro PMP_ADDR n, reg
        csrw    CSR_PMPADDR0 + \n, \reg
.endm

/* pmpcfg byte of entry n := cfg */
.macro PMP_CFG n, cfg
        li      t0, 0xff << (8 * (\n % 4))
        csrc    CSR_PMPCFG0 + \n / 4, t0
        li      t0, (\cfg) << (8 * (\n % 4))
        csrs    CSR_PMPCFG0 + \n / 4, t0
.endm

/* Entry n: the naturally aligned `size` bytes at `label`, with `cfg`'s R W X L. */
.macro PMP_NAPOT n, label, size, cfg
        la      t1, \label
        srli    t1, t1, 2
        li      t2, ((\size) >> 3) - 1
        or      t1, t1, t2
        PMP_ADDR \n, t1
        PMP_CFG \n, PMP_A_NAPOT | (\cfg)
.endm

/* Entry n: the 4 bytes at `label` + `off`. */
.macro PMP_NA4 n, label, off, cfg
        la      t1, \label
        addi    t1, t1, \off
        srli    t1, t1, 2
        PMP_ADDR \n, t1
        PMP_CFG \n, PMP_A_NA4 | (\cfg)
.endm

/* Case `num`: a call of `target` faults on its fetch (mepc, mtval = target). */
.macro TEST_CALL_FAULTS num, target
        TEST_CASE \num
        EXPECT_TRAP .Lcall_faults\@
        jal     ra, \target
        j       test_fail_notrap
.Lcall_faults\@:
        CHECK_CAUSE CAUSE_FETCH_ACCESS
        CHECK_TVAL_ADDR \target
        CHECK_EPC \target
.endm

/* Entries 0..14 off (15 stays). */
.macro PMP_RESET
        csrw    CSR_PMPCFG0, zero
        csrw    CSR_PMPCFG0 + 1, zero
        csrw    CSR_PMPCFG0 + 2, zero
        li      t0, 0x00ffffff                  /* entries 12..14, not 15 */
        csrc    CSR_PMPCFG0 + 3, t0
.endm

        .data
        .balign 4096
page_a: .fill   1024, 4, 0x0a0a0a0a
page_b: .fill   1024, 4, 0x0b0b0b0b
page_t: .fill   1024, 4, 0                      /* a page table (case 10) */

        .section .text.pmp_code, "ax", @progbits
        .balign 4096
code_page:                                      /* a page of code of its own */
        li      a0, 0x55
        ret
        .balign 4096

        TEST_START

        /* ---- no entry: S-mode fetches nothing, M-mode everything ---------------------- */
        TEST_CASE 1
        li      t0, MSTATUS_MPP | MSTATUS_MPIE
        csrc    mstatus, t0
        li      t0, MPP_S
        csrs    mstatus, t0
        la      t0, s_nothing
        csrw    mepc, t0
        EXPECT_TRAP_KEEP c1_back
        mret
s_nothing:
        j       test_fail                       /* not fetched */
c1_back:
        CHECK_CAUSE CAUSE_FETCH_ACCESS
        CHECK_TVAL_ADDR s_nothing
        CHECK_LEVEL LEVEL_M
        TEST_CASE 2
        la      a1, page_a
        lw      a0, 0(a1)
        CHECK   a0, 0x0a0a0a0a
        jal     ra, code_page
        CHECK   a0, 0x55

        /* ---- entry 15: everything, for everyone ---------------------------------------- */
        TEST_CASE 3
        li      t1, -1
        PMP_ADDR 15, t1
        PMP_CFG 15, PMP_A_NAPOT | PMP_R | PMP_W | PMP_X
        M_TO_S
        la      a1, page_a
        lw      a0, 4(a1)
        CHECK   a0, 0x0a0a0a0a
        sw      a0, 4(a1)
        jal     ra, code_page
        CHECK   a0, 0x55
        ECALL_UP

        /* ---- NA4 and priority: entry 0 takes 4 bytes of page_a from S-mode ----------- */
        PMP_NA4 0, page_a, 8, 0
        M_TO_S
        la      a1, page_a
        TEST_TRAP_AT 4, CAUSE_LOAD_ACCESS, c4_lw, lw a0, 8(a1)
        la      a2, page_a + 8
        la      t5, trap_record
        lw      t5, TR_TVAL(t5)
        CHECK_REG t5, a2
        TEST_TRAP_AT 5, CAUSE_STORE_ACCESS, c5_sb, sb a0, 11(a1)
        TEST_CASE 6                             /* the next word: entry 15's */
        lw      a0, 12(a1)
        CHECK   a0, 0x0a0a0a0a
        lw      a0, 4(a1)
        /* the page is not all alike: what was allowed in it did not open the rest */
        TEST_TRAP_AT 33, CAUSE_LOAD_ACCESS, c33_lw, lw a0, 8(a1)
        TEST_TRAP_AT 34, CAUSE_STORE_ACCESS, c34_sw, sw a0, 8(a1)
        /* a misaligned word half in entry 0: only partly matched, it fails */
        TEST_TRAP_AT 7, CAUSE_LOAD_ACCESS, c7_lw, lw a0, 6(a1)
        TEST_TRAP_AT 8, CAUSE_LOAD_ACCESS, c8_lh, lh a0, 11(a1)
        ECALL_UP
        TEST_CASE 9                             /* M-mode: entry 0 has no L */
        la      a1, page_a
        lw      a0, 8(a1)
        CHECK   a0, 0x0a0a0a0a
        PMP_RESET

        /* ---- TOR: entry 2 = [page_b, page_b + 4 KiB), read only ------------------------- */
        la      t1, page_b
        srli    t1, t1, 2
        PMP_ADDR 1, t1                          /* entry 1 OFF: only the bottom of 2 */
        li      t2, 4096 >> 2
        add     t1, t1, t2
        PMP_ADDR 2, t1
        PMP_CFG 2, PMP_A_TOR | PMP_R
        la      t1, page_a
        srli    t1, t1, 2
        PMP_ADDR 3, t1                          /* entry 3: TOR [page_b + 4K, page_a): */
        PMP_CFG 3, PMP_A_TOR                    /* empty, matches nothing */
        M_TO_S
        la      a1, page_b
        TEST_CASE 10
        lw      a0, 0(a1)
        CHECK   a0, 0x0b0b0b0b
        li      t1, 4092
        add     a2, a1, t1                      /* the last word of page_b */
        lw      a0, 0(a2)
        TEST_TRAP_AT 11, CAUSE_STORE_ACCESS, c11_sw, sw a0, 0(a1)
        TEST_TRAP_AT 12, CAUSE_STORE_ACCESS, c12_sw, sw a0, 0(a2)
        TEST_CASE 13                            /* below page_b and above it: entry 15's */
        lw      a0, -4(a1)
        la      a1, page_a
        lw      a0, 0(a1)
        CHECK   a0, 0x0a0a0a0a
        ECALL_UP
        PMP_RESET

        /* ---- X: the code page without it, from S-mode; M-mode needs none --------------- */
        PMP_NAPOT 0, code_page, 4096, PMP_R
        M_TO_S
        TEST_CALL_FAULTS 15, code_page
        ECALL_UP
        TEST_CASE 16
        li      a0, 0
        jal     ra, code_page
        CHECK   a0, 0x55
        PMP_RESET

        /* ---- the caches follow the rules: code run (and translated) from S-mode, then
         * taken away; data loaded (and in the TLB), then taken away -------------------- */
        TEST_CASE 17
        M_TO_S
        li      s2, 20
17:     li      a0, 0
        jal     ra, code_page                   /* often: the JIT translates it */
        CHECK   a0, 0x55
        la      a1, page_a
        lw      a0, 16(a1)
        addi    s2, s2, -1
        bnez    s2, 17b
        ECALL_UP
        PMP_NAPOT 0, code_page, 4096, PMP_R
        PMP_NAPOT 1, page_a, 4096, PMP_X
        M_TO_S
        TEST_CALL_FAULTS 18, code_page
        la      a1, page_a
        TEST_TRAP_AT 19, CAUSE_LOAD_ACCESS, c19_lw, lw a0, 16(a1)
        ECALL_UP
        PMP_RESET

        /* ---- MPRV: M-mode's loads and stores as S-mode's -------------------------------- */
        PMP_NAPOT 0, page_a, 4096, PMP_R
        li      t0, MSTATUS_MPP
        csrc    mstatus, t0
        li      t0, MPP_S | MSTATUS_MPRV
        csrs    mstatus, t0
        la      a1, page_a
        TEST_CASE 20
        lw      a0, 20(a1)
        CHECK   a0, 0x0a0a0a0a
        TEST_TRAP_AT 21, CAUSE_STORE_ACCESS, c21_sw, sw a0, 20(a1)
        TEST_CASE 22                            /* MPP = M: M-mode's own again */
        li      t0, MPP_M
        csrs    mstatus, t0
        sw      a0, 20(a1)
        li      t0, MSTATUS_MPRV | MSTATUS_MPP
        csrc    mstatus, t0
        PMP_RESET

        /* ---- page-table walks: S-mode reads the entries, and writes them to set A ------ */
        PT_MAP_IDENTITY page_t, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
        PT_MAP_ALIAS page_t, 0x40000000, PTE_V | PTE_R | PTE_W          /* A = D = 0 */
        SATP_SV32 page_t
        sfence.vma
        PMP_NAPOT 0, page_t, 4096, 0            /* the table: not for S-mode */
        EXPECT_TRAP_KEEP c23_back
        li      t0, MSTATUS_MPP | MSTATUS_MPIE
        csrc    mstatus, t0
        li      t0, MPP_S
        csrs    mstatus, t0
        la      t0, s_walk
        csrw    mepc, t0
        mret
s_walk:
        j       test_fail                       /* its walk cannot read the table */
c23_back:
        TEST_CASE 23
        CHECK_CAUSE CAUSE_FETCH_ACCESS          /* an access fault, not a page fault */
        CHECK_TVAL_ADDR s_walk
        PMP_CFG 0, PMP_A_NAPOT | PMP_R          /* read, but not written */
        M_TO_S
        LA_ALIAS a1, page_a, 0x40000000
        TEST_TRAP_AT 24, CAUSE_LOAD_ACCESS, c24_lw, lw a0, 0(a1)       /* A must be set */
        ECALL_UP
        TEST_CASE 25
        la      a1, page_t                      /* the alias's entry: A still clear */
        lw      a0, (0x40000000 >> 22) * 4(a1)
        CHECK_BITS a0, PTE_A, 0
        PMP_CFG 0, PMP_A_NAPOT | PMP_R | PMP_W
        M_TO_S
        LA_ALIAS a1, page_a, 0x40000000
        lw      a0, 0(a1)
        CHECK   a0, 0x0a0a0a0a
        ECALL_UP
        TEST_CASE 26
        la      a1, page_t
        lw      a0, (0x40000000 >> 22) * 4(a1)
        CHECK_BITS a0, PTE_A, PTE_A
        csrw    satp, zero
        sfence.vma
        PMP_RESET

        /* ---- L: M-mode too; locked until reset ----------------------------------------- */
        PMP_NA4 5, page_a, 32, PMP_L            /* nothing, for M-mode as well */
        PMP_NA4 6, page_a, 36, PMP_L | PMP_R
        la      a1, page_a
        TEST_TRAP_AT 27, CAUSE_LOAD_ACCESS, c27_lw, lw a0, 32(a1)
        TEST_CASE 28
        lw      a0, 36(a1)
        CHECK   a0, 0x0a0a0a0a
        TEST_TRAP_AT 29, CAUSE_STORE_ACCESS, c29_sw, sw a0, 36(a1)
        TEST_CASE 30                            /* the entries keep their values */
        csrw    CSR_PMPCFG0 + 1, zero
        csrr    a0, CSR_PMPCFG0 + 1
        CHECK   a0, (PMP_L | PMP_A_NA4) << 8 | (PMP_L | PMP_A_NA4 | PMP_R) << 16
        csrr    a2, CSR_PMPADDR0 + 5
        csrw    CSR_PMPADDR0 + 5, zero
        csrr    a0, CSR_PMPADDR0 + 5
        CHECK_REG a0, a2
        TEST_TRAP_AT 31, CAUSE_LOAD_ACCESS, c31_lw, lw a0, 32(a1)
        TEST_CASE 32                            /* the word after: entry 15 */
        lw      a0, 40(a1)
        CHECK   a0, 0x0a0a0a0a

        TEST_END
