/* The platform-level interrupt controller: routes device interrupts (UART, virtio) to
 * the harts, which claim and complete them. */
#ifndef KITE_PLIC_H
#define KITE_PLIC_H

void plic_inithart(int hart);       /* this hart's S context: the sources enabled so far */
void plic_enable(int irq);          /* priority 1, enabled for S-mode on every hart */
int plic_claim(void);               /* the highest pending source, 0 if none (this hart) */
void plic_complete(int irq);

#endif
