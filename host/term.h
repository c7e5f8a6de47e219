/*
 * The terminal on standard input: raw mode for the serial console, and its restoration on
 * every way out of rvbox (normal exit, error, SIGTERM/SIGINT through the run loop, and a
 * crash through the fatal-signal handlers installed here).
 */
#ifndef RVBOX_TERM_H
#define RVBOX_TERM_H

#include <stdbool.h>

/* Put stdin's terminal in raw mode (no echo, no line editing, no signals from keys;
 * output still turns \n into \r\n). False if stdin is not a terminal. */
bool term_raw(void);

/* Put it back as it was. Safe to call more than once and from a signal handler. */
void term_restore(void);

#endif
