/*
 * Decoded blocks under Sv32 (cpu/block.c: blocks are keyed by the physical address of
 * their code and never cross a page). The cases run in S-mode through an identity
 * megapage, with 4 KiB mappings at VA(i) = 0x40000000 + i * 4 KiB; every trap goes to
 * M-mode (nothing delegated). Each case that faults runs twice, the second time from
 * blocks already decoded.
 *  - A straight line that runs into an unmapped page: an instruction page fault with
 *    mepc = mtval = that page's first address, the instructions before it all done, and
 *    minstret exact (read in the fault handler's first instruction; checked last, as
 *    cases 30-38): 5 instructions, and 100 (more than one block); also when that page
 *    was mapped and run (so the fetch translation was cached) until sfence.vma.
 *  - A 32-bit instruction at offset 0xffe whose second half is in the next virtual page:
 *    unmapped: a fetch page fault with mepc = the instruction, mtval = the next page;
 *    mapped to the physically next page: it runs; mapped to another physical page: its
 *    second half comes from there; unmapped again: the fault again.
 *  - One virtual page remapped (PTE change and sfence.vma) to another physical page
 *    with other code: the new code runs; remapped back: the old code runs.
 *  - One physical page at two virtual addresses (and at its physical one): auipc, jal
 *    and a trap's mepc follow the address actually executed, whichever ran first.
 *  - Code patched through a writable alias (another virtual address of the same page,
 *    whose store translation was cached before the page became code): the next call
 *    through the executable address runs the new bytes, with and without fence.i.
 *  - A page-table page that is also code: a hardware A-bit update (an M-mode load with
 *    MPRV) turns the PTE's word from `sh x0, 0x200(x0)` (it traps) into `bne x0, x0`
 *    (it does not): the next run of it must not trap; nor the instruction right after
 *    the load, in the same block.
 */
#include "test_macros.h"

        .option norelax                 /* page offsets and .if checks stay exact */
#include "priv_macros.h"

#define VA_BASE      0x40000000
#define VA(i)        (VA_BASE + (i) * 0x1000)
#define VA_AD        0x40400000     /* L1 entry 0x101: points at ad_page as an L0 table */
#define VA_AD2       (VA_AD + 16 * 0x1000)  /* its L0 entry 16 */

#define RUN_SHORT    5              /* run_page ends with RUN_LONG addi a0, a0, 1 */
#define RUN_LONG     100
#define STRADDLE_K   10             /* addi's before the c.addi before the straddler */
#define STRADDLE_START (VA(2) + 4096 - 4 - 4 * STRADDLE_K)

#define PTE_AD       (PTE_A | PTE_D)
#define PTE_CODE     (PTE_V | PTE_R | PTE_X | PTE_A)
#define PTE_DATA     (PTE_V | PTE_R | PTE_W | PTE_AD)

/* The word at ad_page: a PTE (V R G, A clear, PPN 0x80004: RAM) that decodes as
 * `sh x0, 0x200(x0)`; with A set it decodes as `bne x0, x0, .+0x200`. */
#define AD_PTE       0x20001023

/* pt_l0[index] := a leaf for the page at `label`, PTE bits `flags`. Any mode with
 * pt_l0 writable. Clobbers t0, t1. */
.macro MAP_4K index, label, flags
        la      t0, \label
        srli    t0, t0, 12
        slli    t0, t0, 10
        ori     t0, t0, \flags
        la      t1, pt_l0
        sw      t0, (\index) * 4(t1)
.endm

.macro UNMAP_4K index
        la      t1, pt_l0
        sw      zero, (\index) * 4(t1)
.endm

/* From M-mode: jump to `start` in S-mode with a0 = 0 and the instret count in s0; the
 * code there must fault (in M-mode) on a fetch: count_trap records minstret, mcause,
 * mepc and mtval in s1..s4 and resumes here, in M-mode. Checks all but the count, which
 * goes to counts[num] for CHECK_COUNT at the end (QEMU's are not exact: the other cases
 * are checked on QEMU too, tests/guest/qemu-check.sh). */
.macro RUN_TO_FAULT num, start, count, epc, tval, a0val
        TEST_CASE \num
        la      t0, count_trap
        csrw    mtvec, t0
        la      s10, .Lfault\@
        M_TO_S
        li      t1, \start
        li      a0, 0
        la      ra, test_fail                   /* should the code return, it failed */
        csrr    s0, instret
        jr      t1
        j       test_fail
.Lfault\@:
        CHECK   s2, CAUSE_FETCH_PAGE_FAULT
        CHECK   s3, \epc
        CHECK   s4, \tval
        CHECK   a0, \a0val
        sub     t2, s1, s0
        la      t0, counts
        sw      t2, 4 * \num(t0)
.endm

/* Case `num`: the instructions counted in case `of` (RUN_TO_FAULT) were `count`. */
.macro CHECK_COUNT num, of, count
        TEST_CASE \num
        CHECK_MEM counts, 4 * \of, \count
.endm

/* S-mode: call the code at virtual address `va`. */
.macro CALL_VA va
        li      t1, \va
        jalr    ra, 0(t1)
.endm

        .section .bss.page_tables, "aw", @nobits
        .balign 4096
pt_l1:  .skip   4096
pt_l0:  .skip   4096

        .data
        .balign 4
counts: .skip   4 * 16                          /* RUN_TO_FAULT's counts, by case */
        .balign 4096
ad_page:
        .word   AD_PTE                          /* L0 entry 0, and code */
        ret                                     /* L0 entry 1 (never used as a PTE) */
        .skip   60 - 8
        lw      t2, 0(t1)                       /* L0 entry 15 (never used as a PTE) */
        .word   AD_PTE                          /* L0 entry 16, and code */
        ret
        .balign 4096
new_words:
new_li2: addi   a0, zero, 2
new_li3: addi   a0, zero, 3

        TEST_START
        PMP_ALLOW_ALL
        PT_CLEAR pt_l1
        PT_CLEAR pt_l0
        PT_MAP_IDENTITY pt_l1, PTE_V | PTE_R | PTE_W | PTE_X | PTE_AD
        la      a0, pt_l0
        srli    a0, a0, 12
        slli    a0, a0, 10
        ori     a0, a0, PTE_V
        PT_SET  pt_l1, VA_BASE >> 22, a0
        la      a0, ad_page
        srli    a0, a0, 12
        slli    a0, a0, 10
        ori     a0, a0, PTE_V
        PT_SET  pt_l1, VA_AD >> 22, a0
        MAP_4K  0, run_page, PTE_CODE
        /* 1: unmapped */
        MAP_4K  2, straddle_page, PTE_CODE
        /* 3: unmapped for now */
        MAP_4K  4, code_a, PTE_CODE
        MAP_4K  5, shared_page, PTE_CODE
        MAP_4K  6, shared_page, PTE_CODE
        MAP_4K  7, patch_page, PTE_DATA
        MAP_4K  8, patch_page, PTE_CODE
        li      t0, 7
        csrw    mcounteren, t0                  /* S may read cycle, time, instret */
        SATP_SV32 pt_l1
        sfence.vma

        /* ---- a straight line into an unmapped page ------------------------------- */
        RUN_TO_FAULT 1, VA(1) - 4 * RUN_SHORT, RUN_SHORT + 2, VA(1), VA(1), RUN_SHORT
        RUN_TO_FAULT 2, VA(1) - 4 * RUN_SHORT, RUN_SHORT + 2, VA(1), VA(1), RUN_SHORT
        RUN_TO_FAULT 3, VA(1) - 4 * RUN_LONG, RUN_LONG + 2, VA(1), VA(1), RUN_LONG
        RUN_TO_FAULT 4, VA(1) - 4 * RUN_LONG, RUN_LONG + 2, VA(1), VA(1), RUN_LONG

        /* ---- a 32-bit instruction at 0xffe, its second half in the next page ------ */
        RUN_TO_FAULT 5, STRADDLE_START, STRADDLE_K + 3, VA(2) + 0xffe, VA(3), STRADDLE_K + 1
        RUN_TO_FAULT 6, STRADDLE_START, STRADDLE_K + 3, VA(2) + 0xffe, VA(3), STRADDLE_K + 1

        TEST_CASE 7                             /* the next page mapped: it runs */
        M_TO_S
        MAP_4K  3, straddle_next, PTE_CODE
        sfence.vma
        li      a0, 0
        CALL_VA STRADDLE_START
        CHECK   a0, STRADDLE_K + 1 + 16
        li      a0, 0
        CALL_VA STRADDLE_START
        CHECK   a0, STRADDLE_K + 1 + 16
        TEST_CASE 8                             /* another physical page behind it */
        MAP_4K  3, alt_page, PTE_CODE
        sfence.vma
        li      a0, 0
        CALL_VA STRADDLE_START
        CHECK   a0, STRADDLE_K + 1 + 32
        li      a0, 0
        CALL_VA STRADDLE_START
        CHECK   a0, STRADDLE_K + 1 + 32
        UNMAP_4K 3
        sfence.vma
        ECALL_UP
        RUN_TO_FAULT 9, STRADDLE_START, STRADDLE_K + 3, VA(2) + 0xffe, VA(3), STRADDLE_K + 1

        /* ---- the line runs into a page that was mapped, then is not ------------- */
        TEST_CASE 10
        M_TO_S
        MAP_4K  1, code_a, PTE_CODE
        sfence.vma
        li      a0, 0
        CALL_VA VA(1) - 4 * RUN_SHORT
        CHECK   a0, 0xa
        li      a0, 0
        CALL_VA VA(1) - 4 * RUN_SHORT               /* TLB warm: blocks may chain */
        CHECK   a0, 0xa
        UNMAP_4K 1
        sfence.vma
        CALL_VA VA(0)                           /* VA(0)'s translation back in the TLB */
        ECALL_UP
        RUN_TO_FAULT 11, VA(1) - 4 * RUN_SHORT, RUN_SHORT + 2, VA(1), VA(1), RUN_SHORT
        RUN_TO_FAULT 12, VA(1) - 4 * RUN_LONG, RUN_LONG + 2, VA(1), VA(1), RUN_LONG

        /* ---- one virtual page remapped to another physical page ------------------ */
        TEST_CASE 13
        M_TO_S
        CALL_VA VA(4)
        CALL_VA VA(4)
        CALL_VA VA(4)
        CHECK   a0, 0xa
        TEST_CASE 14
        MAP_4K  4, code_b, PTE_CODE
        sfence.vma
        CALL_VA VA(4)
        CHECK   a0, 0xb
        CALL_VA VA(4)
        CHECK   a0, 0xb
        TEST_CASE 15
        MAP_4K  4, code_a, PTE_CODE
        sfence.vma
        CALL_VA VA(4)
        CHECK   a0, 0xa
        jal     ra, code_b                      /* the physical addresses, identity-mapped */
        CHECK   a0, 0xb
        jal     ra, code_a
        CHECK   a0, 0xa

        /* ---- one physical page at two virtual addresses -------------------------- */
        TEST_CASE 16
        CALL_VA VA(5)
        CHECK   a0, VA(5)
        CHECK   a1, VA(5) + 8
        CHECK   a2, VA(5) + 16
        TEST_CASE 17
        CALL_VA VA(6)
        CHECK   a0, VA(6)
        CHECK   a1, VA(6) + 8
        CHECK   a2, VA(6) + 16
        TEST_CASE 18
        CALL_VA VA(5)
        CHECK   a0, VA(5)
        CHECK   a1, VA(5) + 8
        CHECK   a2, VA(5) + 16
        jal     ra, shared_page
        CHECK_ADDR a0, shared_page
        la      t0, shared_page + 16
        CHECK_REG a2, t0
        TEST_CASE 19                            /* a trap's epc: the address executed */
        EXPECT_TRAP .Lresume19
        CALL_VA VA(6) + 28
        j       test_fail_notrap
.Lresume19:
        CHECK_CAUSE CAUSE_BREAKPOINT
        CHECK_MEM trap_record, TR_EPC, VA(6) + 28
        TEST_CASE 20
        EXPECT_TRAP .Lresume20
        CALL_VA VA(5) + 28
        j       test_fail_notrap
.Lresume20:
        CHECK_MEM trap_record, TR_EPC, VA(5) + 28

        /* ---- code patched through a writable alias ------------------------------- */
        TEST_CASE 21
        li      t1, VA(7)
        li      t2, 0x5a5a5a5a
        sw      t2, 0x7f0(t1)                   /* a store translation for VA(7) */
        CALL_VA VA(8)
        CALL_VA VA(8)
        CALL_VA VA(8)
        CHECK   a0, 1
        TEST_CASE 22
        lw      t2, new_li2
        li      t1, VA(7)
        sw      t2, 0(t1)
        fence.i
        CALL_VA VA(8)
        CHECK   a0, 2
        TEST_CASE 23
        lw      t2, new_li3
        li      t1, VA(7)
        sw      t2, 0(t1)
        CALL_VA VA(8)
        CHECK   a0, 3
        jal     ra, patch_page
        CHECK   a0, 3
        ECALL_UP

        /* ---- an A-bit update rewrites code --------------------------------------- */
        TEST_CASE 24
        CHECK_MEM ad_page, 0, AD_PTE
        EXPECT_TRAP .Lresume24
        jal     ra, ad_page
        j       test_fail_notrap
.Lresume24:
        CHECK_CAUSE CAUSE_STORE_ACCESS
        CHECK_EPC ad_page
        CHECK_TVAL 0x200
        TEST_CASE 25
        EXPECT_TRAP .Lresume25
        jal     ra, ad_page
        j       test_fail_notrap
.Lresume25:
        CHECK_CAUSE CAUSE_STORE_ACCESS
        TEST_CASE 26                            /* a load through it sets A */
        li      t0, MSTATUS_MPP
        csrc    mstatus, t0
        li      t0, MPP_S | MSTATUS_MPRV
        csrs    mstatus, t0
        li      t1, VA_AD
        lw      t2, 0(t1)
        li      t0, MSTATUS_MPRV
        csrc    mstatus, t0
        CHECK_MEM ad_page, 0, AD_PTE | PTE_A
        TEST_CASE 27                            /* now a branch never taken: no trap */
        READ_TRAP_COUNT s5
        fence.i                                 /* (rvbox needs none) */
        jal     ra, ad_page
        CHECK_NO_TRAP_SINCE s5

        /* The same with the load that sets A and the code it rewrites in one block:
         * ad_page + 60 is `lw t2, 0(t1)`, then entry 16 (VA_AD2's PTE, the same word),
         * then ret. Run twice with a plain RAM address in t1 (the word traps), then
         * with t1 = VA_AD2 under MPRV: the word after the load must be the new one. */
        TEST_CASE 28
        CHECK_MEM ad_page, 64, AD_PTE
        li      s6, 2
.Lwarm28:
        la      t1, ad_page
        EXPECT_TRAP .Lresume28
        jal     ra, ad_page + 60
        j       test_fail_notrap
.Lresume28:
        CHECK_CAUSE CAUSE_STORE_ACCESS
        addi    s6, s6, -1
        bnez    s6, .Lwarm28
        TEST_CASE 29
        READ_TRAP_COUNT s5
        li      t0, MSTATUS_MPP
        csrc    mstatus, t0
        li      t0, MPP_S | MSTATUS_MPRV
        li      t1, VA_AD2
        csrs    mstatus, t0
        jal     ra, ad_page + 60
        li      t0, MSTATUS_MPRV
        csrc    mstatus, t0
        CHECK_NO_TRAP_SINCE s5
        CHECK_MEM ad_page, 64, AD_PTE | PTE_A

        /* ---- the instructions retired up to each fetch fault (rvbox-exact) -------- */
        CHECK_COUNT 30, 1, RUN_SHORT + 2
        CHECK_COUNT 31, 2, RUN_SHORT + 2
        CHECK_COUNT 32, 3, RUN_LONG + 2
        CHECK_COUNT 33, 4, RUN_LONG + 2
        CHECK_COUNT 34, 5, STRADDLE_K + 3
        CHECK_COUNT 35, 6, STRADDLE_K + 3
        CHECK_COUNT 36, 9, STRADDLE_K + 3
        CHECK_COUNT 37, 11, RUN_SHORT + 2
        CHECK_COUNT 38, 12, RUN_LONG + 2

        j       .Lend

/* Fetch faults land here (mtvec, while RUN_TO_FAULT arms it): minstret first. */
        .balign 4
count_trap:
        csrr    s1, minstret
        csrr    s2, mcause
        csrr    s3, mepc
        csrr    s4, mtval
        la      t0, trap_entry
        csrw    mtvec, t0
        mv      t0, s10
        li      s10, 0
        jr      t0

/* ---- the pages mapped at VA(i) ---------------------------------------------------- */
        .balign 4096
run_page:                                       /* VA(0): a straight line to its end */
        ret                                     /* (to fill the fetch TLB: case 10) */
        .skip   4096 - 4 - 4 * RUN_LONG
        .rept   RUN_LONG
        addi    a0, a0, 1
        .endr

        .balign 4096
straddle_page:                                  /* VA(2) */
        .skip   4096 - 4 - 4 * STRADDLE_K
        .rept   STRADDLE_K
        addi    a0, a0, 1
        .endr
        .option push
        .option rvc
        c.addi  a0, 1
        .option pop
        .half   0x0513                          /* addi a0, a0, 16 (0x01050513): low half */
straddle_next:                                  /* the physically next page */
        .if     straddle_next - straddle_page != 4096
        .error  "the straddling instruction must start at offset 0xffe"
        .endif
        .half   0x0105                          /* its high half */
        .half   0x8067, 0x0000                  /* ret */
        .balign 4096
alt_page:                                       /* what VA(3) maps to in case 8 */
        .half   0x0205                          /* high half: addi a0, a0, 32 */
        .half   0x8067, 0x0000                  /* ret */

        .balign 4096
code_a:
        li      a0, 0xa
        ret
        .balign 4096
code_b:
        li      a0, 0xb
        ret

        .balign 4096
shared_page:                                    /* VA(5) and VA(6) */
        auipc   a0, 0                           /* +0 */
        jal     a1, 1f                          /* +4: a1 = +8 */
1:      li      t0, 3                           /* +8 */
2:      addi    t0, t0, -1                      /* +12 */
        auipc   a2, 0                           /* +16 */
        bnez    t0, 2b                          /* +20 */
        ret                                     /* +24 */
        ebreak                                  /* +28 */
        ret

        .balign 4096
patch_page:                                     /* VA(7) writable, VA(8) executable */
        li      a0, 1
        ret
        .balign 4096

.Lend:
        TEST_END
