/* The platform-level interrupt controller: routes device interrupts (UART, virtio) to
 * the harts, which claim and complete them. */
#ifndef KITE_PLIC_H
#define KITE_PLIC_H

void plic_inithart(int hart);       /* this hart's S context: on the boot hart, the
                                       sources enabled so far; on another, none */
void plic_enable(int irq);          /* priority 1, enabled for the boot hart's S-mode */
int plic_claim(void);               /* the highest pending source, 0 if none (this hart) */
void plic_complete(int irq);

#endif
