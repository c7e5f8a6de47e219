/*
 * The hart's control and status registers as the firmware uses them: one inline
 * accessor per CSR (as xv6's riscv.h does), with its bits beside it. Names follow the
 * privileged spec. RV32 only: every CSR is 32 bits wide.
 */
#ifndef FW_RISCV_H
#define FW_RISCV_H

#include <stdint.h>

#define CSR_READ(name)                                                                   \
    ({ uint32_t v_; __asm__ volatile("csrr %0, " #name : "=r"(v_)); v_; })
#define CSR_WRITE(name, v) __asm__ volatile("csrw " #name ", %0" : : "r"((uint32_t)(v)))
#define CSR_SET(name, v) __asm__ volatile("csrs " #name ", %0" : : "r"((uint32_t)(v)))
#define CSR_CLEAR(name, v) __asm__ volatile("csrc " #name ", %0" : : "r"((uint32_t)(v)))

/* mhartid: this hart's number (0 on a one-hart machine). */
static inline uint32_t r_mhartid(void) { return CSR_READ(mhartid); }

/* mvendorid, marchid, mimpid: who made the hart; SBI's BASE extension passes them on. */
static inline uint32_t r_mvendorid(void) { return CSR_READ(mvendorid); }
static inline uint32_t r_marchid(void) { return CSR_READ(marchid); }
static inline uint32_t r_mimpid(void) { return CSR_READ(mimpid); }

/* mstatus: the global interrupt enables and the previous privilege. */
#define MSTATUS_SIE      (1u << 1)      /* S-mode interrupts enabled */
#define MSTATUS_MIE      (1u << 3)      /* M-mode interrupts enabled */
#define MSTATUS_SPIE     (1u << 5)
#define MSTATUS_MPIE     (1u << 7)      /* MIE after mret */
#define MSTATUS_SPP      (1u << 8)
#define MSTATUS_MPP_MASK (3u << 11)     /* the privilege mret returns to */
#define MSTATUS_MPP_S    (1u << 11)
#define MSTATUS_MPRV     (1u << 17)     /* M-mode loads/stores as MPP */
#define MSTATUS_SUM      (1u << 18)
#define MSTATUS_MXR      (1u << 19)
#define MSTATUS_TVM      (1u << 20)     /* trap satp and sfence.vma in S */
#define MSTATUS_TW       (1u << 21)     /* trap wfi in S */
#define MSTATUS_TSR      (1u << 22)     /* trap sret in S */
#define MSTATUS_FS       (3u << 13)     /* the floating-point unit: Off .. Dirty */
static inline uint32_t r_mstatus(void) { return CSR_READ(mstatus); }
static inline void w_mstatus(uint32_t x) { CSR_WRITE(mstatus, x); }

/* mtvec: where traps into M-mode go (direct mode: the low two bits are 0). */
static inline void w_mtvec(uint32_t x) { CSR_WRITE(mtvec, x); }

/* mscratch: the firmware keeps this hart's trap frame address here while S-mode runs,
 * and 0 while the firmware itself runs (entry.S tells the two apart by it). */
static inline void w_mscratch(uint32_t x) { CSR_WRITE(mscratch, x); }

/* mepc, mcause, mtval: what the last trap into M-mode was, and where. */
#define MCAUSE_INTERRUPT (1u << 31)
static inline uint32_t r_mepc(void) { return CSR_READ(mepc); }
static inline void w_mepc(uint32_t x) { CSR_WRITE(mepc, x); }
static inline uint32_t r_mcause(void) { return CSR_READ(mcause); }
static inline uint32_t r_mtval(void) { return CSR_READ(mtval); }

/* Exception causes (mcause without the interrupt bit); medeleg has one bit per cause. */
#define EXC_FETCH_MISALIGNED  0
#define EXC_FETCH_ACCESS      1
#define EXC_ILLEGAL_INSN      2
#define EXC_BREAKPOINT        3
#define EXC_LOAD_MISALIGNED   4
#define EXC_LOAD_ACCESS       5
#define EXC_STORE_MISALIGNED  6
#define EXC_STORE_ACCESS      7
#define EXC_ECALL_U           8
#define EXC_ECALL_S           9
#define EXC_ECALL_M           11
#define EXC_FETCH_PAGE_FAULT  12
#define EXC_LOAD_PAGE_FAULT   13
#define EXC_STORE_PAGE_FAULT  15
static inline void w_medeleg(uint32_t x) { CSR_WRITE(medeleg, x); }

/* Interrupt numbers: mip/mie/mideleg have one bit per interrupt. */
#define IRQ_S_SOFT  1
#define IRQ_M_SOFT  3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT   9
#define IRQ_M_EXT   11
#define MIP_SSIP (1u << IRQ_S_SOFT)     /* supervisor software interrupt (IPIs) */
#define MIP_MSIP (1u << IRQ_M_SOFT)     /* machine software: the CLINT's msip */
#define MIP_STIP (1u << IRQ_S_TIMER)    /* supervisor timer: set by this firmware */
#define MIP_MTIP (1u << IRQ_M_TIMER)    /* machine timer: mtime >= mtimecmp */
#define MIP_SEIP (1u << IRQ_S_EXT)      /* supervisor external: the PLIC */
#define MIE_MSIE MIP_MSIP
#define MIE_MTIE MIP_MTIP
static inline void w_mideleg(uint32_t x) { CSR_WRITE(mideleg, x); }
static inline uint32_t r_mip(void) { return CSR_READ(mip); }
static inline void mip_set(uint32_t bits) { CSR_SET(mip, bits); }
static inline void mip_clear(uint32_t bits) { CSR_CLEAR(mip, bits); }
static inline uint32_t r_mie(void) { return CSR_READ(mie); }
static inline void w_mie(uint32_t x) { CSR_WRITE(mie, x); }
static inline void mie_set(uint32_t bits) { CSR_SET(mie, bits); }
static inline void mie_clear(uint32_t bits) { CSR_CLEAR(mie, bits); }

/* misa: the extensions, one bit per letter. */
#define MISA_F (1u << ('F' - 'A'))
#define MISA_D (1u << ('D' - 'A'))
static inline uint32_t r_misa(void) { return CSR_READ(misa); }

/* The floating-point registers and fcsr, all zero (+0.0), as OpenSBI leaves them: with D,
 * fcvt.d.w fN, x0 (a double +0.0), else fmv.w.x fN, x0. The firmware is built without F
 * and D (the assembler refuses their registers), so the instructions are spelt as words.
 * mstatus.FS must be on. */
static inline void fp_clear(int with_d)
{
#define FP_ZERO_D(n) __asm__ volatile(".word 0xd2000053 | (" #n " << 7)")   /* fcvt.d.w */
#define FP_ZERO_F(n) __asm__ volatile(".word 0xf0000053 | (" #n " << 7)")   /* fmv.w.x */
#define FP_ZERO_ALL(Z) Z(0); Z(1); Z(2); Z(3); Z(4); Z(5); Z(6); Z(7); Z(8); Z(9); Z(10);    \
    Z(11); Z(12); Z(13); Z(14); Z(15); Z(16); Z(17); Z(18); Z(19); Z(20); Z(21); Z(22);    \
    Z(23); Z(24); Z(25); Z(26); Z(27); Z(28); Z(29); Z(30); Z(31)
    if (with_d) {
        FP_ZERO_ALL(FP_ZERO_D);
    } else {
        FP_ZERO_ALL(FP_ZERO_F);
    }
    __asm__ volatile("csrw 0x003, zero");       /* fcsr */
#undef FP_ZERO_D
#undef FP_ZERO_F
#undef FP_ZERO_ALL
}

/* mcounteren: which counters (bit 0 cycle, 1 time, 2 instret, 3..31 hpm) S-mode may
 * read. */
static inline void w_mcounteren(uint32_t x) { CSR_WRITE(mcounteren, x); }

/* Physical memory protection: 16 entries, pmpcfg0..3 four one-byte configurations
 * each, pmpaddr0..15 an address each (bits 33:2). A NAPOT entry's address is the
 * region's base >> 2 with (size >> 3) - 1 added (size a power of two, base aligned). */
#define PMP_R     0x01
#define PMP_W     0x02
#define PMP_X     0x04
#define PMP_NAPOT 0x18                  /* naturally aligned power-of-two region */
static inline uint32_t pmp_napot(uint32_t base, uint32_t size)
{
    return (base >> 2) | ((size >> 3) - 1);
}
static inline void w_pmpcfg0(uint32_t x) { CSR_WRITE(pmpcfg0, x); }
static inline void w_pmpcfg3(uint32_t x) { CSR_WRITE(pmpcfg3, x); }
static inline void w_pmpaddr0(uint32_t x) { CSR_WRITE(pmpaddr0, x); }
static inline void w_pmpaddr1(uint32_t x) { CSR_WRITE(pmpaddr1, x); }
static inline void w_pmpaddr15(uint32_t x) { CSR_WRITE(pmpaddr15, x); }

/* menvcfgh, the high half of menvcfg on RV32: STCE (bit 63 of menvcfg) lets S-mode use
 * stimecmp. stimecmp, stimecmph: the supervisor timer compare of the Sstc extension;
 * with STCE set, the hart itself raises STIP when time >= stimecmp. These CSRs exist
 * only on harts with Sstc (the assembler is given their numbers, which any version
 * knows). */
#define MENVCFGH_STCE (1u << 31)
static inline void menvcfgh_set(uint32_t bits) { __asm__ volatile("csrs 0x31a, %0" : : "r"(bits)); }
static inline void w_stimecmp(uint32_t x) { __asm__ volatile("csrw 0x14d, %0" : : "r"(x)); }
static inline void w_stimecmph(uint32_t x) { __asm__ volatile("csrw 0x15d, %0" : : "r"(x)); }

/* satp: S-mode address translation; 0 = bare (no paging). */
static inline void w_satp(uint32_t x) { CSR_WRITE(satp, x); }

static inline void wfi(void) { __asm__ volatile("wfi"); }
static inline void fence_i(void) { __asm__ volatile("fence.i" ::: "memory"); }
static inline void sfence_vma_all(void) { __asm__ volatile("sfence.vma" ::: "memory"); }

/* Flush one page's translation: for every address space, or for one ASID. */
static inline void sfence_vma_page(uint32_t va)
{
    __asm__ volatile("sfence.vma %0, zero" : : "r"(va) : "memory");
}

static inline void sfence_vma_page_asid(uint32_t va, uint32_t asid)
{
    __asm__ volatile("sfence.vma %0, %1" : : "r"(va), "r"(asid) : "memory");
}

static inline void sfence_vma_asid(uint32_t asid)
{
    __asm__ volatile("sfence.vma zero, %0" : : "r"(asid) : "memory");
}

#endif
