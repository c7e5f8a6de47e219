/*
 * The virt board's test/syscon device (`sifive,test0`, driven by Linux's syscon-poweroff
 * and syscon-reboot through a `syscon` node): one 32-bit register at offset 0.
 *
 *   0x5555               power off: the run ends with success
 *   (code << 16) | 0x3333  power off with failure `code` (0 is reported as 1)
 *   0x7777               reboot: the machine resets, disks stay
 * Other values are ignored. Reads return 0.
 */
#ifndef RVBOX_SYSCON_H
#define RVBOX_SYSCON_H

#include <stdint.h>

#include "bus/bus.h"

enum syscon_action { SYSCON_POWEROFF, SYSCON_FAIL, SYSCON_REBOOT };

struct syscon;

/* `action` is called from inside the guest's store: it must only record the request
 * (and may stop the harts); the machine acts on it between runs. */
struct syscon *syscon_create(void (*action)(void *opaque, enum syscon_action what,
                                            uint32_t code),
                             void *opaque);
void syscon_destroy(struct syscon *s);
enum bus_error syscon_attach(struct syscon *s, struct bus *bus, uint32_t base);

#endif
