/*
 * The M- and S-mode CSRs themselves, in M-mode (privileged spec 2, 3.1, 3.7, 4.1).
 *
 *  - every CSR the spec names for M and S mode (with Zicntr's counters) exists: a read
 *    in M-mode does not trap. An unexpected trap reports the csrr's bits in mtval, which
 *    name the CSR.
 *  - unknown CSRs are illegal instructions: a custom number (0x7c0).
 *  - menvcfg, menvcfgh and senvcfg hold FIOM and STCE, nothing else (the last cases).
 *  - PMP (enforced: priv_pmp.S tests that): pmpaddr holds 32 bits, pmpcfg one byte per
 *    entry; R = 0 with W = 1 is reserved and never reads back; bits 6:5 read 0; a locked
 *    entry (L) ignores writes to its pmpcfg byte and pmpaddr, and a locked TOR entry also
 *    locks the pmpaddr below it. Locked entries here match nothing (A = OFF, or an empty
 *    TOR range), since QEMU enforces them on M-mode too.
 *  - misa: MXL = 1, exactly I M A F D C S U (rvbox's default hart, QEMU's rv32 without
 *    its H), and writes are ignored.
 *  - mstatus.FS is writable (F is there), SD says FS is Dirty; XS reads 0.
 *  - mtvec/stvec modes 2 and 3 are reserved; mstatush reads 0; sepc bit 0 reads 0;
 *    satp holds MODE and PPN.
 */
#include "test_macros.h"
#include "priv_macros.h"

#define CSR_CUSTOM  0x7c0

/* csrr a0 from `count` consecutive CSRs from `first` */
.macro READ_CSRS first, count
        .set    csr_n, \first
        .rept   \count
        csrr    a0, csr_n
        .set    csr_n, csr_n + 1
        .endr
.endm

        TEST_START

        /* ---- they exist ------------------------------------------------------------------ */

        TEST_CASE 1                     /* supervisor */
        .irp    csr, CSR_SSTATUS, CSR_SIE, CSR_STVEC, CSR_SCOUNTEREN, CSR_SSCRATCH, CSR_SEPC, CSR_SCAUSE, CSR_STVAL, CSR_SIP, CSR_SATP
        csrr    a0, \csr
        .endr
        TEST_CASE 2                     /* machine information */
        .irp    csr, CSR_MVENDORID, CSR_MARCHID, CSR_MIMPID, CSR_MHARTID, CSR_MCONFIGPTR
        csrr    a0, \csr
        .endr
        TEST_CASE 3                     /* machine trap setup */
        .irp    csr, CSR_MSTATUS, CSR_MISA, CSR_MEDELEG, CSR_MIDELEG, CSR_MIE, CSR_MTVEC, CSR_MCOUNTEREN, CSR_MSTATUSH
        csrr    a0, \csr
        .endr
        TEST_CASE 4                     /* machine trap handling */
        .irp    csr, CSR_MSCRATCH, CSR_MEPC, CSR_MCAUSE, CSR_MTVAL, CSR_MIP
        csrr    a0, \csr
        .endr
        TEST_CASE 5                     /* PMP: 4 pmpcfg, 16 pmpaddr */
        READ_CSRS CSR_PMPCFG0, 4
        READ_CSRS CSR_PMPADDR0, 16
        TEST_CASE 6                     /* machine counters */
        .irp    csr, CSR_MCYCLE, CSR_MINSTRET, CSR_MCYCLEH, CSR_MINSTRETH
        csrr    a0, \csr
        .endr
        READ_CSRS CSR_MHPMCOUNTER3, 29
        READ_CSRS CSR_MHPMCOUNTER3H, 29
        TEST_CASE 7                     /* counter setup */
        csrr    a0, CSR_MCOUNTINHIBIT
        READ_CSRS CSR_MHPMEVENT3, 29
        TEST_CASE 8                     /* unprivileged counters, but time */
        .irp    csr, CSR_CYCLE, CSR_INSTRET, CSR_CYCLEH, CSR_INSTRETH
        csrr    a0, \csr
        .endr
        READ_CSRS CSR_HPMCOUNTER3, 29
        READ_CSRS CSR_HPMCOUNTER3H, 29

        /* ---- unknown ones ------------------------------------------------------------------ */

        TEST_ILLEGAL 9, csrr a0, CSR_CUSTOM
        TEST_ILLEGAL 10, csrw CSR_CUSTOM, a0
        TEST_ILLEGAL 11, csrrs a0, CSR_CUSTOM, zero

        /* ---- PMP ------------------------------------------------------------------------- */

        /* pmpaddr holds 32 bits */
        TEST_CASE 12
        li      a1, 0x12345678
        csrw    CSR_PMPADDR0, a1
        csrr    a0, CSR_PMPADDR0
        CHECK_REG a0, a1
        li      a1, 0xfedcba98
        csrw    CSR_PMPADDR15, a1
        csrr    a0, CSR_PMPADDR15
        CHECK_REG a0, a1
        csrw    CSR_PMPADDR0, zero
        csrw    CSR_PMPADDR15, zero
        /* pmpcfg: one byte per entry, legal values held (entries 0..3: NAPOT RWX, TOR R,
         * NA4 RX, OFF RW) */
        TEST_CASE 13
        li      a1, 0x0315091f
        csrw    CSR_PMPCFG0, a1
        csrr    a0, CSR_PMPCFG0
        CHECK_REG a0, a1
        li      a1, 0x1f0d0b07
        csrw    CSR_PMPCFG3, a1
        csrr    a0, CSR_PMPCFG3
        CHECK_REG a0, a1
        csrw    CSR_PMPCFG0, zero
        csrw    CSR_PMPCFG3, zero
        /* R = 0, W = 1 is reserved: it never reads back (entry 4, and entry 5 with X) */
        TEST_CASE 14
        li      a1, 0x00000602
        csrw    CSR_PMPCFG0 + 1, a1
        csrr    a0, CSR_PMPCFG0 + 1
        andi    a1, a0, PMP_R | PMP_W
        li      t0, PMP_W
        bne     a1, t0, 1f
        j       test_fail
1:      srli    a1, a0, 8
        andi    a1, a1, PMP_R | PMP_W
        bne     a1, t0, 2f
        j       test_fail
2:
        /* bits 6:5 read 0 */
        TEST_CASE 15
        li      a1, 0x61
        csrw    CSR_PMPCFG0 + 1, a1
        csrr    a0, CSR_PMPCFG0 + 1
        CHECK   a0, 0x01
        csrw    CSR_PMPCFG0 + 1, zero

        /* entry 2 locked (A = OFF): its byte and its pmpaddr ignore writes, the other
         * entries of pmpcfg0 do not */
        TEST_CASE 16
        li      a1, 0x20000000
        csrw    CSR_PMPADDR0 + 2, a1
        li      a1, (PMP_L | PMP_R) << 16
        csrw    CSR_PMPCFG0, a1
        csrr    a0, CSR_PMPCFG0
        CHECK_REG a0, a1
        TEST_CASE 17
        li      a1, 0x03030303
        csrw    CSR_PMPCFG0, a1
        csrr    a0, CSR_PMPCFG0
        CHECK   a0, 0x03810303
        TEST_CASE 18
        csrw    CSR_PMPCFG0, zero
        csrr    a0, CSR_PMPCFG0
        CHECK   a0, 0x00810000
        TEST_CASE 19
        li      a1, 0x55
        csrw    CSR_PMPADDR0 + 2, a1
        csrr    a0, CSR_PMPADDR0 + 2
        CHECK   a0, 0x20000000
        /* the entries around it are not locked (entry 2 is not TOR) */
        TEST_CASE 20
        li      a1, 0x11
        csrw    CSR_PMPADDR0 + 1, a1
        csrr    a0, CSR_PMPADDR0 + 1
        CHECK   a0, 0x11
        li      a1, 0x33
        csrw    CSR_PMPADDR0 + 3, a1
        csrr    a0, CSR_PMPADDR0 + 3
        CHECK   a0, 0x33

        /* entry 5 locked as TOR over an empty range [0x40, 0x40): pmpaddr5 and pmpaddr4
         * (its lower bound) ignore writes; pmpaddr6 does not */
        TEST_CASE 21
        li      a1, 0x10
        csrw    CSR_PMPADDR0 + 4, a1
        csrw    CSR_PMPADDR0 + 5, a1
        li      a1, (PMP_L | PMP_A_TOR | PMP_R) << 8
        csrw    CSR_PMPCFG0 + 1, a1
        csrr    a0, CSR_PMPCFG0 + 1
        CHECK_REG a0, a1
        TEST_CASE 22
        li      a1, 0x77
        csrw    CSR_PMPADDR0 + 5, a1
        csrr    a0, CSR_PMPADDR0 + 5
        CHECK   a0, 0x10
        TEST_CASE 23
        csrw    CSR_PMPADDR0 + 4, a1
        csrr    a0, CSR_PMPADDR0 + 4
        CHECK   a0, 0x10
        TEST_CASE 24
        csrw    CSR_PMPADDR0 + 6, a1
        csrr    a0, CSR_PMPADDR0 + 6
        CHECK   a0, 0x77

        /* ---- misa ----------------------------------------------------------------------- */

#define MISA_IMACSU (MISA_EXT('I') | MISA_EXT('M') | MISA_EXT('A') | MISA_EXT('C') | \
                     MISA_EXT('S') | MISA_EXT('U'))
        TEST_CASE 25                    /* MXL = 1: 32-bit */
        csrr    a0, misa
        srli    a1, a0, 30
        CHECK   a1, 1
        TEST_CASE 26                    /* I M A C S U are there */
        CHECK_BITS a0, MISA_IMACSU, MISA_IMACSU
        TEST_CASE 27                    /* writes are ignored */
        csrw    misa, zero
        csrr    a1, misa
        CHECK_REG a1, a0
        li      a2, MISA_MXL_32 | MISA_EXT('I')
        csrw    misa, a2
        csrr    a1, misa
        CHECK_REG a1, a0

        /* ---- other WARL fields ------------------------------------------------------------ */

        /* mtvec and stvec: modes 2 and 3 are reserved, never read back */
        TEST_CASE 28
        la      a1, trap_entry
        ori     a2, a1, 2
        csrw    mtvec, a2
        csrr    a0, mtvec
        csrw    mtvec, a1
        andi    a0, a0, 3
        CHECK_BITS a0, 2, 0
        TEST_CASE 29
        la      a1, strap_entry
        ori     a2, a1, 3
        csrw    stvec, a2
        csrr    a0, stvec
        csrw    stvec, a1
        CHECK_BITS a0, 2, 0
        /* mstatush: little-endian M and S modes, nothing else on RV32 */
        TEST_CASE 30
        csrr    a0, CSR_MSTATUSH
        CHECK   a0, 0
        /* satp holds MODE and PPN (no translation in M-mode, whatever it says) */
        TEST_CASE 31
        li      a1, SATP_MODE_SV32 | 0x00012345
        csrw    satp, a1
        csrr    a0, satp
        csrw    satp, zero
        CHECK_BITS a0, SATP_MODE_SV32 | SATP_PPN_MASK, SATP_MODE_SV32 | 0x00012345
        /* mstatus: FS holds its four states, SD is set exactly when FS is Dirty, XS reads
         * 0 (no custom state) */
        TEST_CASE 32
        li      a1, MSTATUS_FS | MSTATUS_XS
        csrs    mstatus, a1
        csrr    a0, mstatus
        CHECK_BITS a0, MSTATUS_FS | MSTATUS_XS | MSTATUS_SD, MSTATUS_FS | MSTATUS_SD
        csrc    mstatus, a1
        li      a1, MSTATUS_FS_CLEAN
        csrs    mstatus, a1
        csrr    a0, mstatus
        csrc    mstatus, a1
        CHECK_BITS a0, MSTATUS_FS | MSTATUS_XS | MSTATUS_SD, MSTATUS_FS_CLEAN
        /* sepc: bit 0 always reads 0 (IALIGN = 16) */
        TEST_CASE 33
        li      a1, 0x80001235
        csrw    sepc, a1
        csrr    a0, sepc
        CHECK   a0, 0x80001234
        /* misa: nothing but I M A F D C S U (QEMU's CPU also has H) */
        TEST_CASE 34
        csrr    a0, misa
        CHECK_BITS a0, 0x03ffffff, MISA_IMACSU | MISA_EXT('F') | MISA_EXT('D')

        /* ---- last: where QEMU's spike machine differs ------------------------------------ */

        /* time and timeh read in M-mode (they trap on QEMU's spike machine) */
        TEST_CASE 35
        csrr    a0, time
        csrr    a0, timeh
        /* menvcfg, menvcfgh, senvcfg (1.12, 3.1.18 and 4.1.4): FIOM in the low halves,
         * STCE (Sstc) in menvcfgh; nothing else (no CMO, no Svpbmt). QEMU keeps its CMO
         * bits (0xf0) and PBMTE too. */
        TEST_CASE 36
        li      a1, -1
        csrw    CSR_MENVCFG, a1
        csrr    a0, CSR_MENVCFG
        csrw    CSR_MENVCFG, zero
        CHECK   a0, 1
        TEST_CASE 37
        csrw    CSR_SENVCFG, a1
        csrr    a0, CSR_SENVCFG
        csrw    CSR_SENVCFG, zero
        CHECK   a0, 1
        TEST_CASE 38
        csrw    CSR_MENVCFGH, a1
        csrr    a0, CSR_MENVCFGH
        csrw    CSR_MENVCFGH, zero
        CHECK   a0, 0x80000000

        TEST_END
