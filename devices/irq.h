/*
 * An interrupt line, as a value: whoever drives it calls irq_set(); whoever receives it
 * filled in `set`. Devices raise PLIC sources through lines; the PLIC and CLINT drive the
 * hart's external, timer and software interrupt bits through lines the machine wires to
 * hart_set_irq. No device ever holds a hart pointer.
 */
#ifndef RVBOX_IRQ_H
#define RVBOX_IRQ_H

#include <stdbool.h>
#include <stddef.h>

struct irq_line {
    void (*set)(void *opaque, unsigned num, bool level);
    void *opaque;
    unsigned num;
};

/* Drive the line to `level` (true: asserted). Level-triggered: calling again with the same
 * level is harmless. A line with no receiver does nothing. */
static inline void irq_set(const struct irq_line *line, bool level)
{
    if (line->set)
        line->set(line->opaque, line->num, level);
}

#endif
