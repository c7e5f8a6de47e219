/*
 * The host end of the console: a chardev backend on the process's stdout (and, once the
 * UART arrives, stdin and the terminal's raw mode).
 */
#ifndef RVBOX_CONSOLE_H
#define RVBOX_CONSOLE_H

#include "devices/chardev.h"

/* A chardev writing unbuffered to standard output. */
struct chardev console_stdio(void);

#endif
