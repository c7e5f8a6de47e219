/* The PLIC (RISC-V PLIC spec v1.0). On the virt board, hart h's supervisor context is
 * context 2h + 1 (2h is its machine context, the firmware's).
 *
 * Every device interrupt goes to the boot hart alone: one hart takes the console's keys
 * in the order they come, and the other harts' PLIC contexts enable nothing. A process
 * woken by an interrupt may still run on any hart (proc.c, wakeup). */
#include "plic.h"

#include <stdint.h>

#include "memlayout.h"
#include "proc.h"

#define PLIC_PRIORITY(irq)   (PLIC + 4 * (irq))
#define PLIC_SCONTEXT(hart)  (2 * (hart) + 1)
#define PLIC_SENABLE(hart)   (PLIC + 0x2000 + 0x80 * PLIC_SCONTEXT(hart))
#define PLIC_STHRESHOLD(hart) (PLIC + 0x200000 + 0x1000 * PLIC_SCONTEXT(hart))
#define PLIC_SCLAIM(hart)    (PLIC_STHRESHOLD(hart) + 4)

#define REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

static uint32_t enabled[2];         /* sources 0..63 enabled so far (plic_enable) */

/* The boot hart takes every source enabled so far, at any priority above 0; another
 * hart none. */
void plic_inithart(int hart)
{
    for (int w = 0; w < 2; w++)
        REG(PLIC_SENABLE(hart) + 4 * w) = hart == boot_hart ? enabled[w] : 0;
    REG(PLIC_STHRESHOLD(hart)) = 0;
}

/* Called at boot on the boot hart, before any other hart runs. */
void plic_enable(int irq)
{
    REG(PLIC_PRIORITY(irq)) = 1;
    enabled[irq / 32] |= 1u << (irq % 32);
    REG(PLIC_SENABLE(cpuid()) + 4 * (irq / 32)) = enabled[irq / 32];
}

int plic_claim(void)
{
    return (int)REG(PLIC_SCLAIM(cpuid()));
}

void plic_complete(int irq)
{
    REG(PLIC_SCLAIM(cpuid())) = (uint32_t)irq;
}
