/*
 * The RISC-V supervisor-mode machinery the kernel touches: CSR access, the bits it uses,
 * and Sv32 page-table entries. Privileged spec v1.12, chapters 4 (S-mode) and 4.3 (Sv32).
 */
#ifndef KITE_RISCV_H
#define KITE_RISCV_H

#include <stdint.h>

#define csr_read(csr) ({ uint32_t v_; __asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, val) __asm__ volatile("csrw " #csr ", %0" ::"rK"(val))
#define csr_set(csr, bits) __asm__ volatile("csrs " #csr ", %0" ::"rK"(bits))
#define csr_clear(csr, bits) __asm__ volatile("csrc " #csr ", %0" ::"rK"(bits))

/* sstatus */
#define SSTATUS_SIE   (1u << 1)     /* interrupts on in S-mode */
#define SSTATUS_SPIE  (1u << 5)     /* SIE before the trap; sret restores it */
#define SSTATUS_SPP   (1u << 8)     /* mode before the trap: 1 = S, 0 = U */
#define SSTATUS_SUM   (1u << 18)    /* S-mode may touch U pages (Kite leaves it clear) */

/* sie / sip */
#define SIE_SSIE (1u << 1)
#define SIP_SSIP (1u << 1)   /* a software interrupt (an IPI) is pending */
#define SIE_STIE (1u << 5)
#define SIE_SEIE (1u << 9)

/* scause */
#define SCAUSE_INTR        0x80000000u
#define IRQ_S_SOFT         1
#define IRQ_S_TIMER        5
#define IRQ_S_EXT          9
#define EXC_INSN_MISALIGNED 0
#define EXC_INSN_ACCESS     1
#define EXC_ILLEGAL         2
#define EXC_BREAKPOINT      3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS     5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS    7
#define EXC_ECALL_U         8
#define EXC_INSN_PAGE      12
#define EXC_LOAD_PAGE      13
#define EXC_STORE_PAGE     15

static inline void intr_on(void)  { csr_set(sstatus, SSTATUS_SIE); }
static inline void intr_off(void) { csr_clear(sstatus, SSTATUS_SIE); }
static inline int intr_get(void)   { return (csr_read(sstatus) & SSTATUS_SIE) != 0; }
static inline uint64_t rdtime(void)
{
    uint32_t hi, lo, hi2;
    do {
        __asm__ volatile("rdtimeh %0" : "=r"(hi));
        __asm__ volatile("rdtime %0" : "=r"(lo));
        __asm__ volatile("rdtimeh %0" : "=r"(hi2));
    } while (hi != hi2);
    return ((uint64_t)hi << 32) | lo;
}
static inline void sfence_vma(void) { __asm__ volatile("sfence.vma zero, zero" ::: "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi"); }

/* Sv32 */
#define PGSIZE   4096u
#define PGSHIFT  12
#define MEGAPAGE (4u << 20)                     /* a leaf in the root table maps 4 MiB */
#define PGROUNDUP(a)   (((a) + PGSIZE - 1) & ~(PGSIZE - 1))
#define PGROUNDDOWN(a) ((a) & ~(PGSIZE - 1))

#define PTE_V (1u << 0)
#define PTE_R (1u << 1)
#define PTE_W (1u << 2)
#define PTE_X (1u << 3)
#define PTE_U (1u << 4)
#define PTE_G (1u << 5)
#define PTE_A (1u << 6)
#define PTE_D (1u << 7)
#define PTE_DEVICE (1u << 8)    /* software bit (RSW): not RAM, never freed */

#define PA2PTE(pa)   (((uint32_t)(pa) >> 12) << 10)
#define PTE2PA(pte)  (((pte) >> 10) << 12)      /* physical addresses stay below 4 GiB */
#define VPN1(va)     (((uint32_t)(va) >> 22) & 0x3ff)
#define VPN0(va)     (((uint32_t)(va) >> 12) & 0x3ff)
#define SATP_SV32    (1u << 31)
#define MAKE_SATP(pt) (SATP_SV32 | ((uint32_t)(pt) >> 12))

typedef uint32_t pte_t;
typedef pte_t *pagetable_t;     /* 1024 entries, one page */

#endif
