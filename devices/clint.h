/*
 * The CLINT (core-local interruptor, SiFive layout as on QEMU's virt): per hart a software
 * interrupt bit (msip) and a timer compare (mtimecmp), and one mtime shared by all.
 *
 *   0x0000 + 4*hart   msip      bit 0 drives the hart's MSIP line
 *   0x4000 + 8*hart   mtimecmp  64-bit; MTIP = (mtime >= mtimecmp)
 *   0xbff8            mtime     64-bit, the machine clock (devices/clock.h) at 10 MHz;
 *                               writable (writes set the clock, so the time CSR follows)
 *
 * 32-bit accesses to each half, and 64-bit registers written half by half, as rv32
 * software does. Written for N harts, used with one.
 */
#ifndef RVBOX_CLINT_H
#define RVBOX_CLINT_H

#include <stdint.h>

#include "bus/bus.h"
#include "devices/clock.h"
#include "devices/irq.h"

#define CLINT_MAX_HARTS 8

struct clint;

/* msip[i] and mtip[i] are hart i's MSIP and MTIP lines. */
struct clint *clint_create(unsigned nharts, struct clock *clock, const struct irq_line *msip,
                           const struct irq_line *mtip);
void clint_destroy(struct clint *c);
void clint_reset(struct clint *c);          /* msip 0, mtimecmp all-ones */
enum bus_error clint_attach(struct clint *c, struct bus *bus, uint32_t base);

/* Compare mtime with every mtimecmp and drive the MTIP lines: the machine calls it
 * between runs of the harts (and the CLINT itself after a register write). */
void clint_update(struct clint *c);

/* The earliest mtimecmp whose MTIP line is not raised yet, in clock ticks (it may have
 * passed already: then the next clint_update raises it); UINT64_MAX if none. How long an
 * idle machine may sleep, and where the run loop ends a slice. */
uint64_t clint_next_deadline(const struct clint *c);

/* Call `rearm` after every write that can move a deadline (mtimecmp, mtime): the run
 * loop sized its slice to end at the old deadline and must size it again. */
void clint_set_rearm(struct clint *c, void (*rearm)(void *opaque), void *opaque);

#endif
