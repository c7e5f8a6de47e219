/*
 * Where the monitor and the GDB stub would be, in the browser build: the page has
 * neither, but the run loop (host/run.c) asks them every turn. The monitor's requests
 * come from the page's buttons instead: power off is the monitor's `quit` (the same way
 * out as Ctrl-A x, disks flushed), reset its `system_reset`. The GDB stub is never
 * there (monitor_gdbstub is NULL), so the loop never calls the stub's functions; they
 * are here for the link.
 */
#include <poll.h>
#include <stdint.h>

#include "host/gdbstub.h"
#include "host/monitor.h"
#include "host/web.h"

static enum monitor_request pending = MONITOR_NONE;

void web_controls_request(enum monitor_request request)
{
    pending = request;
}

enum monitor_request monitor_take_request(struct monitor *mon)
{
    (void)mon;
    enum monitor_request r = pending;
    pending = MONITOR_NONE;
    return r;
}

void monitor_pump(struct monitor *mon)
{
    (void)mon;
}

void monitor_pollfd(const struct monitor *mon, struct pollfd *p)
{
    (void)mon;
    p->fd = -1;
    p->events = p->revents = 0;
}

uint64_t monitor_next_event_ns(const struct monitor *mon)
{
    (void)mon;
    return UINT64_MAX;
}

struct gdbstub *monitor_gdbstub(const struct monitor *mon)
{
    (void)mon;
    return NULL;
}

bool monitor_stopped(const struct monitor *mon)
{
    (void)mon;
    return false;
}

void monitor_debugger_holds(struct monitor *mon, bool held)
{
    (void)mon;
    (void)held;
}

long gdbstub_poll(struct gdbstub *g, long slice)
{
    (void)g;
    return slice;
}

int gdbstub_fd(const struct gdbstub *g)
{
    (void)g;
    return -1;
}

void gdbstub_ran(struct gdbstub *g, enum hart_stop stop)
{
    (void)g;
    (void)stop;
}
