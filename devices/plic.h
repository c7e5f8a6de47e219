/*
 * The PLIC, as Linux's `sifive,plic-1.0.0` driver and OpenSBI expect it (the layout of
 * QEMU's virt): sources 1..PLIC_SOURCES-1 (0 is "no interrupt"), level-triggered, and
 * contexts 2*hart (M-mode) and 2*hart+1 (S-mode).
 *
 *   0x000000 + 4*src          priority (0 = never; 1..7)
 *   0x001000                  pending bits, read-only
 *   0x002000 + 0x80*ctx       enable bits per context
 *   0x200000 + 0x1000*ctx     threshold        (+0)
 *                             claim/complete   (+4)
 *
 * A context's line is asserted while some source is pending, enabled for it and of a
 * priority above its threshold. A claim returns the highest-priority such source (lowest
 * id on a tie) and clears its pending bit; the source is not pending again until it is
 * completed, after which a still-high level makes it pending again.
 */
#ifndef RVBOX_PLIC_H
#define RVBOX_PLIC_H

#include <stdbool.h>
#include <stdint.h>

#include "bus/bus.h"
#include "devices/irq.h"

#define PLIC_SOURCES   32       /* ids 0..31; riscv,ndev = 31 */
#define PLIC_MAX_CONTEXTS 16

struct plic;

/* ctx_lines[c] is context c's output (hart's MEIP for even c, SEIP for odd c). */
struct plic *plic_create(unsigned ncontexts, const struct irq_line *ctx_lines);
void plic_destroy(struct plic *p);
void plic_reset(struct plic *p);
enum bus_error plic_attach(struct plic *p, struct bus *bus, uint32_t base);

/* Drive source `src` (1..PLIC_SOURCES-1) to `level`. */
void plic_set_source(struct plic *p, unsigned src, bool level);

/* An irq_line for a device, wired to source `src`. */
struct irq_line plic_line(struct plic *p, unsigned src);

/* For a monitor, without side effects: the sources' input lines as the devices drive
 * them, and the sources claimed but not completed yet (bit n = source n). */
uint32_t plic_levels(const struct plic *p);
uint32_t plic_claimed(const struct plic *p);

#endif
