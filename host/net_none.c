/*
 * The run loop's side of host/net.h where there is no network (the browser build, which
 * has no libslirp): nothing to wait on, nothing to serve.
 */
#include "host/net.h"

unsigned host_net_fill(struct host_net *net, struct pollfd *fds, unsigned cap, uint64_t *ns)
{
    (void)net, (void)fds, (void)cap, (void)ns;
    return 0;
}

void host_net_poll(struct host_net *net, const struct pollfd *fds, unsigned n, bool error)
{
    (void)net, (void)fds, (void)n, (void)error;
}

void host_net_pump(struct host_net *net)
{
    (void)net;
}
