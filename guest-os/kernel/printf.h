/* Kernel messages: to the console (UART and framebuffer). %d %u %x %p %s %c %%,
 * with an optional width and '0' flag (%08x). No format attribute: this toolchain's
 * uint32_t is `unsigned long`, and every argument is 32 bits anyway. */
#ifndef KITE_PRINTF_H
#define KITE_PRINTF_H

void printf_init(void);
void kprintf(const char *fmt, ...);
extern volatile int panicking;      /* set by panic(): console output takes no lock now */
/* Print "panic: ..." and stop the machine for good (SBI shutdown with failure). */
void panic(const char *fmt, ...) __attribute__((noreturn));

#endif
