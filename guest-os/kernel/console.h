/*
 * The console: output goes to the UART and the framebuffer, input comes from the UART
 * and the keyboard, edited a line at a time (backspace, Ctrl-U erases the line, Ctrl-D
 * ends input, Ctrl-C kills the process fg() named) before read() sees it.
 */
#ifndef KITE_CONSOLE_H
#define KITE_CONSOLE_H

#include <stdint.h>

void console_init(void);
void console_putc(int c);                       /* kernel output */
/* read()/write() on the console: `user` says whether addr is a user address. */
int console_read(int user, uint32_t addr, int n);
int console_write(int user, uint32_t addr, int n);
void console_input(int c);                      /* from the UART and keyboard drivers */
int console_full(void);                         /* console_input() would drop c */
void console_set_fg(int pid);

#endif
