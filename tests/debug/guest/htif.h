/* Console output and exit through HTIF's tohost (see devices/htif.h). */
#ifndef DEBUG_GUEST_HTIF_H
#define DEBUG_GUEST_HTIF_H

#include <stdint.h>

void htif_putc(char c);
void htif_puts(const char *s);
void htif_putu(uint32_t v);
void htif_exit(uint32_t code) __attribute__((noreturn));

#endif
