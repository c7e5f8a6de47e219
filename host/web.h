/*
 * The browser build's host side (web/, scripts/web.sh): what its files tell each other
 * beyond the interfaces they fill in (host/serial.h: web_console.c, host/window.h:
 * web_display.c, host/monitor.h and host/gdbstub.h: web_controls.c). web_main.c drives
 * the run loop one turn at a time from the page's callbacks (host/run.h).
 */
#ifndef RVBOX_WEB_H
#define RVBOX_WEB_H

#include "host/monitor.h"

struct serial;

/* The console takes input for a new run after Ctrl-A x stopped the last one. */
void web_console_rearm(struct serial *s);

/* A button of the page asks the run loop, as the monitor's commands do: MONITOR_QUIT
 * (power off) or MONITOR_RESET, taken at the next turn (host/web_controls.c). */
void web_controls_request(enum monitor_request request);

#endif
