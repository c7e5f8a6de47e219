/*
 * Zicsr in M-mode. csrrw/csrrs/csrrc and their immediate forms on mscratch return the old
 * value and write the new one (the immediate is a zero-extended 5-bit value). csrrs/csrrc
 * with rs1 = x0 and csrrsi/csrrci with 0 do not write, so they may read read-only CSRs;
 * every other form writes, and writing a read-only CSR is an illegal instruction (with
 * mtval = the instruction, and the destination register left alone), as is an unknown
 * CSR. misa says RV32 (MXL = 1) with I, M, A, C, S and U; mhartid is 0.
 */
#include "test_macros.h"

#define CSR_UNKNOWN_CUSTOM    0x7c0     /* custom M-mode read/write space: nothing here */
#define CSR_UNKNOWN_CUSTOM_RO 0xfc0     /* custom M-mode read-only space: nothing here */

        TEST_START

        /* csrrw: old value out, new value in */
        TEST_CASE 1
        li      a1, 0x11111111
        csrw    mscratch, a1
        li      a2, 0xfedcba98
        csrrw   a0, mscratch, a2
        CHECK   a0, 0x11111111
        csrr    a0, mscratch
        CHECK   a0, 0xfedcba98

        /* csrrs sets the bits of rs1 */
        TEST_CASE 2
        li      a1, 0x0f0f0f0f
        csrw    mscratch, a1
        li      a2, 0x80000001
        csrrs   a0, mscratch, a2
        CHECK   a0, 0x0f0f0f0f
        csrr    a0, mscratch
        CHECK   a0, 0x8f0f0f0f

        /* csrrc clears the bits of rs1 */
        TEST_CASE 3
        li      a2, 0x0000ff0f
        csrrc   a0, mscratch, a2
        CHECK   a0, 0x8f0f0f0f
        csrr    a0, mscratch
        CHECK   a0, 0x8f0f0000

        /* csrrwi: the 5-bit immediate is zero-extended */
        TEST_CASE 4
        csrrwi  a0, mscratch, 31
        CHECK   a0, 0x8f0f0000
        csrr    a0, mscratch
        CHECK   a0, 31

        /* csrrsi and csrrci */
        TEST_CASE 5
        li      a1, 0x12340000
        csrw    mscratch, a1
        csrrsi  a0, mscratch, 0x15
        CHECK   a0, 0x12340000
        csrr    a0, mscratch
        CHECK   a0, 0x12340015
        TEST_CASE 6
        csrrci  a0, mscratch, 0x11
        CHECK   a0, 0x12340015
        csrr    a0, mscratch
        CHECK   a0, 0x12340004

        /* rd = x0 still writes; rd = rs1 swaps */
        TEST_CASE 7
        li      a1, 0x77777777
        csrrw   zero, mscratch, a1
        csrr    a0, mscratch
        CHECK   a0, 0x77777777
        TEST_CASE 8
        li      a1, 0x88888888
        csrrw   a1, mscratch, a1
        CHECK   a1, 0x77777777
        csrr    a0, mscratch
        CHECK   a0, 0x88888888

        /* csrrs/csrrc with x0 and csrrsi/csrrci with 0 read without writing */
        TEST_CASE 9
        li      a1, 0x99999999
        csrw    mscratch, a1
        csrrs   a0, mscratch, zero
        CHECK   a0, 0x99999999
        csrrc   a0, mscratch, zero
        csrrsi  a0, mscratch, 0
        csrrci  a0, mscratch, 0
        csrr    a0, mscratch
        CHECK   a0, 0x99999999

        /* ... so they may read read-only CSRs without trapping */
        TEST_CASE 10
        li      a0, -1
        csrrs   a0, mhartid, zero
        CHECK   a0, 0
        TEST_CASE 11
        csrrc   a0, mvendorid, zero
        csrrsi  a0, marchid, 0
        csrrci  a0, mimpid, 0
        csrrs   zero, mhartid, zero
        csrr    a0, cycle
        csrr    a0, instret

        /* every form that writes a read-only CSR is illegal, with mtval = the instruction
         * and the destination register unchanged */
        li      a0, 0x5a5a5a5a
        li      a1, 0
        TEST_TRAP_AT 12, CAUSE_ILLEGAL_INSN, .Lc12_insn, csrrw a0, mhartid, a1
        CHECK_TVAL_INSN .Lc12_insn
        CHECK   a0, 0x5a5a5a5a
        /* csrrs with rs1 != x0 writes even when the value is 0 */
        TEST_TRAP_AT 13, CAUSE_ILLEGAL_INSN, .Lc13_insn, csrrs a0, mhartid, a1
        CHECK_TVAL_INSN .Lc13_insn
        CHECK   a0, 0x5a5a5a5a
        TEST_TRAP_AT 14, CAUSE_ILLEGAL_INSN, .Lc14_insn, csrrc a0, mvendorid, a1
        CHECK_TVAL_INSN .Lc14_insn
        CHECK   a0, 0x5a5a5a5a
        TEST_TRAP_AT 15, CAUSE_ILLEGAL_INSN, .Lc15_insn, csrrwi a0, marchid, 0
        CHECK_TVAL_INSN .Lc15_insn
        CHECK   a0, 0x5a5a5a5a
        TEST_TRAP_AT 16, CAUSE_ILLEGAL_INSN, .Lc16_insn, csrrsi a0, mimpid, 1
        CHECK_TVAL_INSN .Lc16_insn
        CHECK   a0, 0x5a5a5a5a
        TEST_TRAP_AT 17, CAUSE_ILLEGAL_INSN, .Lc17_insn, csrrw zero, cycle, a1
        CHECK_TVAL_INSN .Lc17_insn
        TEST_TRAP_AT 18, CAUSE_ILLEGAL_INSN, .Lc18_insn, csrrci a0, instret, 2
        CHECK_TVAL_INSN .Lc18_insn
        CHECK   a0, 0x5a5a5a5a

        /* an unknown CSR is illegal, read or written */
        TEST_TRAP_AT 19, CAUSE_ILLEGAL_INSN, .Lc19_insn, csrr a0, CSR_UNKNOWN_CUSTOM
        CHECK_TVAL_INSN .Lc19_insn
        CHECK   a0, 0x5a5a5a5a
        TEST_TRAP_AT 20, CAUSE_ILLEGAL_INSN, .Lc20_insn, csrw CSR_UNKNOWN_CUSTOM, a1
        CHECK_TVAL_INSN .Lc20_insn
        TEST_TRAP_AT 21, CAUSE_ILLEGAL_INSN, .Lc21_insn, csrr a0, CSR_UNKNOWN_CUSTOM_RO
        CHECK_TVAL_INSN .Lc21_insn
        CHECK   a0, 0x5a5a5a5a

        /* misa: MXL = 1 (RV32) in bits 31:30, zeros in 29:26, I M A C S U present,
         * E (the reduced base, exclusive with I) absent */
        TEST_CASE 22
        csrr    a0, misa
        srli    a1, a0, 30
        CHECK   a1, 1
        TEST_CASE 23
        srli    a1, a0, 26
        andi    a1, a1, 0xf
        CHECK   a1, 0
        TEST_CASE 24
        li      a2, MISA_EXT('I') | MISA_EXT('M') | MISA_EXT('A') | MISA_EXT('C') | MISA_EXT('S') | MISA_EXT('U')
        and     a1, a0, a2
        CHECK_REG a1, a2
        TEST_CASE 25
        andi    a1, a0, MISA_EXT('E')
        CHECK   a1, 0

        /* mhartid */
        TEST_CASE 26
        li      a0, -1
        csrr    a0, mhartid
        CHECK   a0, 0

        /* the S-mode scratch register is there for M-mode too, all 32 bits */
        TEST_CASE 27
        li      a1, 0xa5a5a5a5
        csrw    sscratch, a1
        csrr    a0, sscratch
        CHECK   a0, 0xa5a5a5a5
        csrr    a0, mscratch
        CHECK   a0, 0x99999999

        /* sstatus is a view of mstatus: SIE set through one shows in the other */
        TEST_CASE 28
        csrsi   sstatus, MSTATUS_SIE
        csrr    a0, mstatus
        andi    a0, a0, MSTATUS_SIE
        CHECK   a0, MSTATUS_SIE
        csrci   mstatus, MSTATUS_SIE
        csrr    a0, sstatus
        andi    a0, a0, MSTATUS_SIE
        CHECK   a0, 0

        /* mepc and mtvec: their low bits are not all writable, but a word address is */
        TEST_CASE 29
        la      a1, .Lc29_somewhere
        csrw    mepc, a1
        csrr    a0, mepc
        CHECK_ADDR a0, .Lc29_somewhere
.Lc29_somewhere:

        TEST_END
