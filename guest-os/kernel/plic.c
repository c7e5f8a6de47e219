/* The PLIC (RISC-V PLIC spec v1.0): hart 0's supervisor context is context 1. */
#include "plic.h"

#include <stdint.h>

#include "memlayout.h"

#define PLIC_PRIORITY(irq)  (PLIC + 4 * (irq))
#define PLIC_SENABLE        (PLIC + 0x2000 + 0x80 * 1)
#define PLIC_STHRESHOLD     (PLIC + 0x200000 + 0x1000 * 1)
#define PLIC_SCLAIM         (PLIC_STHRESHOLD + 4)

#define REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

void plic_init(void)
{
    REG(PLIC_STHRESHOLD) = 0;
}

void plic_enable(int irq)
{
    REG(PLIC_PRIORITY(irq)) = 1;
    REG(PLIC_SENABLE + 4 * (irq / 32)) |= 1u << (irq % 32);
}

int plic_claim(void)
{
    return (int)REG(PLIC_SCLAIM);
}

void plic_complete(int irq)
{
    REG(PLIC_SCLAIM) = (uint32_t)irq;
}
