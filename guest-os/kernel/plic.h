/* The platform-level interrupt controller, as seen from hart 0's S-mode context. */
#ifndef KITE_PLIC_H
#define KITE_PLIC_H

void plic_init(void);               /* threshold 0; no source enabled yet */
void plic_enable(int irq);          /* priority 1, enabled for S-mode on hart 0 */
int plic_claim(void);               /* the highest pending source, 0 if none */
void plic_complete(int irq);

#endif
