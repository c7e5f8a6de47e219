/*
 * Where the guest's serial console goes: `-serial stdio` (the default), `pty`,
 * `tcp:127.0.0.1:PORT,server`, `file:PATH` or `none`, in QEMU's spelling.
 *
 * On stdio the terminal is put in raw mode (restored on every exit path) and QEMU's
 * escapes work: Ctrl-A x quits, Ctrl-A h lists the escapes, Ctrl-A Ctrl-A sends Ctrl-A,
 * Ctrl-A c switches the console between the guest and the monitor (as QEMU's mon:stdio;
 * the guest's output still shows while the monitor has the keyboard).
 * When stdin is not a terminal (a pipe, CI) input is read from it as it comes. The
 * guest's output is written at the end of every slice of the run loop (serial_flush),
 * at most ~1 ms after the guest sent it, so scripts can drive the guest.
 *
 * On a pty, clients may open it whenever they like, leave and come back: while nobody
 * has it open, the master's hang-up is not the end of input (serial_pty_open).
 *
 * Input is read by serial_pump() into a buffer that the guest's UART drains through the
 * chardev; nothing here blocks.
 */
#ifndef RVBOX_SERIAL_H
#define RVBOX_SERIAL_H

#include <stdbool.h>
#include <stddef.h>

#include "devices/chardev.h"

struct serial;

/* NULL with a one-line reason in err. For tcp, waits for the first connection. */
struct serial *serial_open(const char *spec, char *err, size_t errlen);

/* Restores the terminal and closes what was opened. */
void serial_close(struct serial *s);

/* The backend for the UART (and HTIF's console). */
struct chardev serial_chardev(struct serial *s);

struct pollfd;

/* What to wait on for input (fd -1: nothing): bytes while the input buffer has room, a
 * tcp client connecting or hanging up. */
void serial_pollfd(const struct serial *s, struct pollfd *p);

/* Read whatever input is waiting, without blocking. */
void serial_pump(struct serial *s);

/* Input is waiting for the guest. */
bool serial_has_input(const struct serial *s);

/* Write the guest's output gathered since the last call (the run loop calls it after
 * every slice; serial_close too). */
void serial_flush(struct serial *s);

/* The user typed Ctrl-A x. */
bool serial_quit_requested(const struct serial *s);

struct monitor;

/* Let Ctrl-A c reach this monitor (stdio only; without it, Ctrl-A c does nothing). */
void serial_attach_monitor(struct serial *s, struct monitor *mon);

/* A new pty, raw, for -serial pty and -monitor pty: its master (non-blocking) and, in
 * `path`, the name a client opens; -1 with errno if none can be made. While no client
 * has it open the master hangs up (POLLHUP, reads fail with EIO): that is no end. */
int serial_pty_open(char *path, size_t pathlen);

#endif
