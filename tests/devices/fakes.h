/*
 * Fakes for device tests: an interrupt sink that records each line's level, and a
 * character backend made of two buffers. Devices are driven through a real bus
 * (bus_read/bus_write) with these at their edges and a manual clock (devices/clock.h).
 */
#ifndef RVBOX_TESTS_DEVICES_FAKES_H
#define RVBOX_TESTS_DEVICES_FAKES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus/bus.h"
#include "devices/chardev.h"
#include "devices/irq.h"

#define FAKE_IRQ_LINES 32
#define FAKE_CHAR_BUF  256

/* Lines 0..FAKE_IRQ_LINES-1; `sets` counts every irq_set call that reached it. */
struct fake_irq {
    bool level[FAKE_IRQ_LINES];
    unsigned sets;
};

struct irq_line fake_irq_line(struct fake_irq *sink, unsigned num);

/* `out` collects what the device sent; `in` is what the device may read, from in_pos. */
struct fake_char {
    uint8_t out[FAKE_CHAR_BUF];
    size_t nout;
    uint8_t in[FAKE_CHAR_BUF];
    size_t nin, in_pos;
    unsigned reads;                 /* read() calls, answered or not */
};

struct chardev fake_char_dev(struct fake_char *f);
void fake_char_feed(struct fake_char *f, const void *bytes, size_t n);

/* bus_read/bus_write that fail the test when the bus refuses, naming the caller's line. */
uint32_t rd_at(struct bus *bus, uint32_t addr, unsigned size, const char *file, int line);
void wr_at(struct bus *bus, uint32_t addr, unsigned size, uint32_t value, const char *file,
           int line);
#define rd(bus, a, size)    rd_at(bus, a, size, __FILE__, __LINE__)
#define wr(bus, a, size, v) wr_at(bus, a, size, v, __FILE__, __LINE__)
#define rd32(bus, a)    rd(bus, a, 4)
#define wr32(bus, a, v) wr(bus, a, 4, v)
#define rd8(bus, a)     rd(bus, a, 1)
#define wr8(bus, a, v)  wr(bus, a, 1, v)

#endif
