/*
 * HTIF, the host-target interface of Spike and riscv-tests, as far as test programs use it:
 * a program that defines the symbol `tohost` (a 64-bit word) talks to the emulator by
 * storing to it.
 *
 *   low word = (code << 1) | 1, high word 0      ends the run; code 0 is a pass
 *   high word = device << 24 | command << 16,    a request
 *   low word = the payload
 *   device 1, command 1                           writes the payload's low byte to the console
 *
 * A 32-bit program stores the two halves with two `sw`; the request is carried out when
 * both have been stored, in either order (riscv-tests and QEMU's HTIF store the low word
 * first). rvbox clears tohost when a request is done (programs wait for that).
 *
 * The HTIF claims the 4 KiB page of RAM that holds tohost: every other byte of that page
 * still reads and writes as RAM, through the same RAM buffer.
 */
#ifndef RVBOX_HTIF_H
#define RVBOX_HTIF_H

#include <stdbool.h>
#include <stdint.h>

#include "bus/bus.h"
#include "devices/chardev.h"

struct htif;

/* `page` is the host memory behind the guest page at `page_base`, which holds `tohost`.
 * `stop` is called when the program asks to end, so the machine can stop the hart. */
struct htif *htif_create(uint8_t *page, uint32_t page_base, uint32_t tohost,
                         const struct chardev *console, void (*stop)(void *opaque),
                         void *stop_opaque);
void htif_destroy(struct htif *htif);

/* Map the page on the bus. */
enum bus_error htif_attach(struct htif *htif, struct bus *bus);

/* Has the program asked to end, and with which code? */
bool htif_exited(const struct htif *htif, uint32_t *code);

#endif
