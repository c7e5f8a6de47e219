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
 * id on a tie) and clears its pending bit.
 *
 * The gateway, where QEMU's PLIC (hw/intc/sifive_plic.c, 7.2) and the spec's part ways:
 *  - strict (what plic_create makes): level-triggered. A source is pending while its line
 *    is high and it is not claimed; it is not pending again until it is completed, after
 *    which a still-high line makes it pending again at once. A completion is ignored
 *    unless the source is claimed and enabled for the completing context.
 *  - QEMU's (plic_set_qemu): for the sources given (the machine gives the virtio slots),
 *    a source is made pending each time its device signals it (drives its line high:
 *    virtio does at each notification), even while claimed, and not again at completion
 *    while the line stays high; a guest that never acknowledges a virtio interrupt (never
 *    writes InterruptACK) still gets one interrupt per notification, as on QEMU, instead of
 *    an endless storm. The other sources stay level-triggered: the devices there (UART,
 *    RTC) signal QEMU's PLIC again at every register access while their line is high, which
 *    comes to the same. Completions unclaim the source whatever the enables say (QEMU).
 *
 * -d guest_errors (bus/log.h, through the bus the PLIC is attached to): accesses to
 * registers that do not exist, writes to the pending bits, completions of sources that are
 * not claimed, and, once per source, an interrupt completed while its device still asserts
 * it without having signalled again ("interrupt never acknowledged").
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

/* QEMU's gateway (above): the sources in `signalled` (a bit per source) are made pending at
 * each signal, the others stay level-triggered; completions ignore the enables. */
void plic_set_qemu(struct plic *p, uint32_t signalled);

/* What source `src` is, for -d guest_errors ("virtio-mmio@10001000"), and, for a source
 * whose device must be acknowledged, how ("InterruptStatus not written to InterruptACK"):
 * an interrupt completed while it still asserts its line is then reported once. Both
 * strings are borrowed for the PLIC's lifetime. */
void plic_name_source(struct plic *p, unsigned src, const char *name, const char *ack);
/* For a monitor, without side effects: the sources' input lines as the devices drive
 * them, and the sources claimed but not completed yet (bit n = source n). */
uint32_t plic_levels(const struct plic *p);
uint32_t plic_claimed(const struct plic *p);

#endif
