/*
 * Architectural constants from the privileged spec (v1.12): CSR numbers, register bits,
 * trap causes. Names follow the spec.
 */
#ifndef RVBOX_CSR_DEFS_H
#define RVBOX_CSR_DEFS_H

/* CSR numbers. Bits 11:10 say read-only (0b11), bits 9:8 the lowest privilege allowed. */
#define CSR_FFLAGS         0x001
#define CSR_FRM            0x002
#define CSR_FCSR           0x003

#define CSR_SSTATUS        0x100
#define CSR_SIE            0x104
#define CSR_STVEC          0x105
#define CSR_SCOUNTEREN     0x106
#define CSR_SENVCFG        0x10a
#define CSR_STIMECMP       0x14d
#define CSR_STIMECMPH      0x15d
#define CSR_SSCRATCH       0x140
#define CSR_SEPC           0x141
#define CSR_SCAUSE         0x142
#define CSR_STVAL          0x143
#define CSR_SIP            0x144
#define CSR_SATP           0x180

#define CSR_MSTATUS        0x300
#define CSR_MISA           0x301
#define CSR_MEDELEG        0x302
#define CSR_MIDELEG        0x303
#define CSR_MIE            0x304
#define CSR_MTVEC          0x305
#define CSR_MCOUNTEREN     0x306
#define CSR_MENVCFG        0x30a
#define CSR_MSTATUSH       0x310
#define CSR_MENVCFGH       0x31a
#define CSR_MCOUNTINHIBIT  0x320
#define CSR_MHPMEVENT3     0x323
#define CSR_MHPMEVENT31    0x33f
#define CSR_MSCRATCH       0x340
#define CSR_MEPC           0x341
#define CSR_MCAUSE         0x342
#define CSR_MTVAL          0x343
#define CSR_MIP            0x344
#define CSR_PMPCFG0        0x3a0
#define CSR_PMPCFG3        0x3a3
#define CSR_PMPADDR0       0x3b0
#define CSR_PMPADDR15      0x3bf
#define CSR_TSELECT        0x7a0
#define CSR_TDATA1         0x7a1
#define CSR_TDATA2         0x7a2
#define CSR_TDATA3         0x7a3
#define CSR_TINFO          0x7a4
#define CSR_TCONTROL       0x7a5

#define CSR_MCYCLE         0xb00
#define CSR_MINSTRET       0xb02
#define CSR_MHPMCOUNTER3   0xb03
#define CSR_MHPMCOUNTER31  0xb1f
#define CSR_MCYCLEH        0xb80
#define CSR_MINSTRETH      0xb82
#define CSR_MHPMCOUNTER3H  0xb83
#define CSR_MHPMCOUNTER31H 0xb9f

#define CSR_CYCLE          0xc00
#define CSR_TIME           0xc01
#define CSR_INSTRET        0xc02
#define CSR_HPMCOUNTER3    0xc03
#define CSR_HPMCOUNTER31   0xc1f
#define CSR_CYCLEH         0xc80
#define CSR_TIMEH          0xc81
#define CSR_INSTRETH       0xc82
#define CSR_HPMCOUNTER3H   0xc83
#define CSR_HPMCOUNTER31H  0xc9f

#define CSR_MVENDORID      0xf11
#define CSR_MARCHID        0xf12
#define CSR_MIMPID         0xf13
#define CSR_MHARTID        0xf14
#define CSR_MCONFIGPTR     0xf15

/* mstatus / sstatus */
#define MSTATUS_SIE        (1u << 1)
#define MSTATUS_MIE        (1u << 3)
#define MSTATUS_SPIE       (1u << 5)
#define MSTATUS_UBE        (1u << 6)
#define MSTATUS_MPIE       (1u << 7)
#define MSTATUS_SPP        (1u << 8)
#define MSTATUS_MPP_SHIFT  11
#define MSTATUS_MPP        (3u << MSTATUS_MPP_SHIFT)
#define MSTATUS_FS         (3u << 13)
#define MSTATUS_XS         (3u << 15)
#define MSTATUS_MPRV       (1u << 17)
#define MSTATUS_SUM        (1u << 18)
#define MSTATUS_MXR        (1u << 19)
#define MSTATUS_TVM        (1u << 20)
#define MSTATUS_TW         (1u << 21)
#define MSTATUS_TSR        (1u << 22)
#define MSTATUS_SD         (1u << 31)

/* The bits of mstatus that sstatus shows. */
#define SSTATUS_MASK (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_FS | \
                      MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SD)

/* mip / mie bits: the interrupt causes. */
#define IRQ_S_SOFT   1
#define IRQ_M_SOFT   3
#define IRQ_S_TIMER  5
#define IRQ_M_TIMER  7
#define IRQ_S_EXT    9
#define IRQ_M_EXT    11
#define MIP_SSIP     (1u << IRQ_S_SOFT)
#define MIP_MSIP     (1u << IRQ_M_SOFT)
#define MIP_STIP     (1u << IRQ_S_TIMER)
#define MIP_MTIP     (1u << IRQ_M_TIMER)
#define MIP_SEIP     (1u << IRQ_S_EXT)
#define MIP_MEIP     (1u << IRQ_M_EXT)
#define MIP_S_MASK   (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define MIP_ALL      (MIP_S_MASK | MIP_MSIP | MIP_MTIP | MIP_MEIP)

/* Exception causes (mcause with the interrupt bit clear). */
#define CAUSE_MISALIGNED_FETCH    0
#define CAUSE_FETCH_ACCESS        1
#define CAUSE_ILLEGAL_INSN        2
#define CAUSE_BREAKPOINT          3
#define CAUSE_MISALIGNED_LOAD     4
#define CAUSE_LOAD_ACCESS         5
#define CAUSE_MISALIGNED_STORE    6     /* also store/AMO */
#define CAUSE_STORE_ACCESS        7
#define CAUSE_ECALL_U             8
#define CAUSE_ECALL_S             9
#define CAUSE_ECALL_M             11
#define CAUSE_FETCH_PAGE_FAULT    12
#define CAUSE_LOAD_PAGE_FAULT     13
#define CAUSE_STORE_PAGE_FAULT    15
#define CAUSE_INTERRUPT           (1u << 31)

/* misa: MXL = 1 (32-bit) and the extension letters. */
#define MISA_MXL_32  (1u << 30)
#define MISA_EXT(c)  (1u << ((c) - 'A'))

/* menvcfg, senvcfg: FIOM (fences on I/O order memory too); menvcfgh: STCE (Sstc) */
#define ENVCFG_FIOM        (1u << 0)
#define MENVCFGH_STCE      (1u << 31)

/* tcontrol (Sdtrig) */
#define TCONTROL_MTE       (1u << 3)
#define TCONTROL_MPTE      (1u << 7)

/* mstatus.FS and XS values */
#define MSTATUS_FS_INITIAL (1u << 13)
#define MSTATUS_FS_CLEAN   (2u << 13)
#define MSTATUS_FS_DIRTY   (3u << 13)

/* satp (Sv32) */
#define SATP_MODE_SV32  (1u << 31)
#define SATP_ASID_SHIFT 22
#define SATP_ASID_MASK  (0x1ffu << SATP_ASID_SHIFT)
#define SATP_PPN_MASK   0x003fffffu

/* Sv32 page-table entries */
#define PTE_V  (1u << 0)
#define PTE_R  (1u << 1)
#define PTE_W  (1u << 2)
#define PTE_X  (1u << 3)
#define PTE_U  (1u << 4)
#define PTE_G  (1u << 5)
#define PTE_A  (1u << 6)
#define PTE_D  (1u << 7)

/* pmpcfg fields */
#define PMP_R      0x01
#define PMP_W      0x02
#define PMP_X      0x04
#define PMP_A      0x18
#define PMP_A_TOR  0x08
#define PMP_A_NA4  0x10
#define PMP_A_NAPOT 0x18
#define PMP_L      0x80

#endif
