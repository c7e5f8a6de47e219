/*
 * The benchmark's only contact with the machine: one byte out, and the end of the run.
 * Two files implement it, and each ELF links exactly one of them:
 *
 *   console_htif.c   HTIF putchar and exit through `tohost`   (bench-htif.elf, for rvbox)
 *   console_virt.c   ns16550a UART0 and the virt test device  (bench-virt.elf, for QEMU)
 *
 * Everything else (start.S, bench.c) is one object file shared by both ELFs, so both
 * execute the very same compute instructions.
 */
#ifndef RVBOX_BENCH_CONSOLE_H
#define RVBOX_BENCH_CONSOLE_H

/* Write one byte to the console, waiting until the device has taken it. */
void console_putc(char c);

/* End the run with exit status `code` (0 = success). Never returns. */
void console_exit(int code) __attribute__((noreturn));

#endif
