/*
 * Exceptions in M-mode. Each records the right mcause, mepc (the trapping instruction)
 * and mtval: zero for ecall, the instruction bits for an illegal instruction (32- and
 * 16-bit, including slli/srli/srai with shamt bit 5 set, illegal on RV32), the address for
 * access faults on load, store and fetch. A trapping instruction writes no register
 * (a jalr whose target faults has completed, so it does link). Trap entry saves MIE in MPIE
 * and clears MIE, MPP = M; mret restores MIE from MPIE, sets MPIE and MPP = U. With mtvec
 * in vectored mode an exception still goes to the base.
 */
#include "test_macros.h"

#define NOTHING_LOAD   0x10             /* below the boot ROM: nothing answers there */
#define NOTHING_STORE  0x24
#define NOTHING_FETCH  0x30

        TEST_START

        /* a load that faults: cause 5, mtval = the address, destination untouched */
        li      a0, 0x1234
        li      a1, 0
        TEST_TRAP 1, CAUSE_LOAD_ACCESS, lw a0, NOTHING_LOAD(a1)
        CHECK_TVAL NOTHING_LOAD
        CHECK   a0, 0x1234
        li      a1, NOTHING_LOAD
        TEST_TRAP 2, CAUSE_LOAD_ACCESS, lbu a0, 3(a1)
        CHECK_TVAL NOTHING_LOAD + 3
        CHECK   a0, 0x1234

        /* a store that faults: cause 7 */
        li      a1, 0
        li      a2, 0x5678
        TEST_TRAP 3, CAUSE_STORE_ACCESS, sw a2, NOTHING_STORE(a1)
        CHECK_TVAL NOTHING_STORE
        li      a1, NOTHING_STORE
        TEST_TRAP 4, CAUSE_STORE_ACCESS, sh a2, 2(a1)
        CHECK_TVAL NOTHING_STORE + 2

        /* ecall from M-mode: cause 11, mtval 0 (the last trap left it non-zero) */
        TEST_TRAP 5, CAUSE_ECALL_M, ecall
        CHECK_TVAL 0

        /* trap entry: MPIE = the old MIE, MIE = 0, MPP = M; mret back restores MIE.
         * mie is 0, so setting MIE lets no interrupt in. */
        csrsi   mstatus, MSTATUS_MIE
        TEST_TRAP 6, CAUSE_ECALL_M, ecall
        la      a1, trap_record
        lw      a0, TR_STATUS(a1)
        andi    a0, a0, MSTATUS_MIE | MSTATUS_MPIE
        CHECK   a0, MSTATUS_MPIE
        TEST_CASE 7
        lw      a0, TR_STATUS(a1)
        li      a2, MSTATUS_MPP
        and     a0, a0, a2
        CHECK   a0, MSTATUS_MPP
        TEST_CASE 8
        csrr    a0, mstatus
        andi    a0, a0, MSTATUS_MIE
        CHECK   a0, MSTATUS_MIE
        csrci   mstatus, MSTATUS_MIE

        /* ebreak: cause 3 */
        TEST_TRAP 9, CAUSE_BREAKPOINT, ebreak

        /* illegal 32-bit instructions: mtval = the instruction bits, rd untouched */
        li      a0, 0x1234
        TEST_TRAP_AT 10, CAUSE_ILLEGAL_INSN, .Lc10_insn, .word 0x00003503  /* ld a0, 0(x0): RV64 only */
        CHECK_TVAL 0x00003503
        CHECK   a0, 0x1234
        TEST_TRAP_AT 11, CAUSE_ILLEGAL_INSN, .Lc11_insn, .word 0xfe050533  /* OP, funct7 = 0x7f */
        CHECK_TVAL 0xfe050533
        CHECK   a0, 0x1234
        TEST_TRAP_AT 12, CAUSE_ILLEGAL_INSN, .Lc12_insn, .word 0x00007503  /* LOAD, funct3 = 7 */
        CHECK_TVAL 0x00007503
        CHECK   a0, 0x1234

        /* slli/srli/srai a0, a0, 32: shamt bit 5 is illegal on RV32 */
        TEST_TRAP_AT 13, CAUSE_ILLEGAL_INSN, .Lc13_insn, .word 0x02051513
        CHECK_TVAL 0x02051513
        CHECK   a0, 0x1234
        TEST_TRAP_AT 14, CAUSE_ILLEGAL_INSN, .Lc14_insn, .word 0x02055513
        CHECK_TVAL 0x02055513
        CHECK   a0, 0x1234
        TEST_TRAP_AT 15, CAUSE_ILLEGAL_INSN, .Lc15_insn, .word 0x42055513
        CHECK_TVAL 0x42055513
        CHECK   a0, 0x1234
        /* ... and the same encodings with shamt 31 are fine (so the test above is fair) */
        TEST_CASE 16
        li      a0, 0x80000000
        .word   0x01f55513                                                /* srli a0, a0, 31 */
        CHECK   a0, 1

        /* illegal 16-bit instructions: mtval = the 16 bits */
        TEST_TRAP_AT 17, CAUSE_ILLEGAL_INSN, .Lc17_insn, .half 0x8002       /* c.jr x0 */
        CHECK_TVAL 0x00008002
        TEST_TRAP_AT 18, CAUSE_ILLEGAL_INSN, .Lc18_insn, .half 0x4002       /* c.lwsp x0 */
        CHECK_TVAL 0x00004002
        TEST_TRAP_AT 19, CAUSE_ILLEGAL_INSN, .Lc19_insn, .half 0x6101       /* c.addi16sp 0 */
        CHECK_TVAL 0x00006101
        TEST_TRAP_AT 20, CAUSE_ILLEGAL_INSN, .Lc20_insn, .half 0x0000       /* all zeros */
        CHECK_TVAL 0
        .balign 4

        /* a jump to where nothing answers: fetch access fault at the target; the jalr
         * itself completed, so it linked */
        TEST_CASE 21
        li      a1, NOTHING_FETCH
        li      ra, 0
        EXPECT_TRAP .Lc21_resume
        jalr    ra, 0(a1)
.Lc21_link:
        j       test_fail_notrap
.Lc21_resume:
        CHECK_CAUSE CAUSE_FETCH_ACCESS
        CHECK_MEM trap_record, TR_EPC, NOTHING_FETCH
        CHECK_TVAL NOTHING_FETCH
        CHECK_ADDR ra, .Lc21_link

        /* mtvec in vectored mode: an exception goes to the base all the same */
        TEST_CASE 22
        la      a1, vector_table
        ori     a1, a1, 1
        csrw    mtvec, a1
        csrr    a0, mtvec
        CHECK_REG a0, a1
        TEST_TRAP 23, CAUSE_ECALL_M, ecall
        TEST_TRAP 24, CAUSE_BREAKPOINT, ebreak
        la      a1, trap_entry
        csrw    mtvec, a1

        /* mret: MIE = MPIE, MPIE = 1, MPP = U, back at mepc in M-mode */
        TEST_CASE 25
        li      a1, MSTATUS_MPP | MSTATUS_MPIE
        csrs    mstatus, a1             /* MPP = M, MPIE = 1 */
        csrci   mstatus, MSTATUS_MIE
        la      a1, .Lc25_back
        csrw    mepc, a1
        mret
        j       test_fail
.Lc25_back:
        csrr    a0, mstatus
        andi    a1, a0, MSTATUS_MIE | MSTATUS_MPIE
        CHECK   a1, MSTATUS_MIE | MSTATUS_MPIE
        TEST_CASE 26
        li      a2, MSTATUS_MPP
        and     a1, a0, a2
        CHECK   a1, 0
        TEST_CASE 27
        csrr    a0, mscratch            /* still in M-mode: an M-mode CSR reads */
        TEST_CASE 28
        li      a1, MSTATUS_MPP
        csrs    mstatus, a1             /* MPP = M */
        li      a1, MSTATUS_MPIE | MSTATUS_MIE
        csrc    mstatus, a1             /* MPIE = 0, MIE = 0 */
        la      a1, .Lc28_back
        csrw    mepc, a1
        mret
        j       test_fail
.Lc28_back:
        csrr    a0, mstatus
        andi    a1, a0, MSTATUS_MIE | MSTATUS_MPIE
        CHECK   a1, MSTATUS_MPIE

        /* mepc: bit 0 always reads 0 */
        TEST_CASE 29
        li      a1, 0x80001235
        csrw    mepc, a1
        csrr    a0, mepc
        CHECK   a0, 0x80001234

        TEST_END

/* mtvec's vectored table: exceptions must come in at the base (entry 0); the others are
 * for interrupts, and none is enabled here. */
        .text
        .balign 64
vector_table:
        j       trap_entry
        .rept   15
        j       wrong_vector
        .endr
wrong_vector:
        la      a0, trap_entry
        csrw    mtvec, a0
        j       test_fail
