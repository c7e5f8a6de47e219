/*
 * The host's side of the guest's networks: the -netdev user networks (host/net_slirp.c),
 * the packet captures on them (host/pcap.c), and which card in which virtio slot uses
 * which network. It outlives the machine (a reboot builds a new one on the same
 * networks), feeds the run loop the networks' descriptors and timers, and answers the
 * monitor's `info network`, `info usernet`, `hostfwd_add` and `hostfwd_remove`.
 */
#ifndef RVBOX_NET_H
#define RVBOX_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "host/options_net.h"

struct machine;
struct machine_config;
struct pollfd;

struct host_net;

/* Every -netdev listening (hostfwd) and every capture file open. NULL with a one-line
 * reason in err. With no netdev at all, a host_net that does nothing. */
struct host_net *host_net_open(const struct net_options *o, char *err, size_t errlen);

/* Closes the networks and the captures; -1 if a capture could not be written. */
int host_net_close(struct host_net *net);

/* The cards into a machine's config (cfg->nics), at their slots. */
void host_net_configure(struct host_net *net, struct machine_config *cfg);

/* The machine the cards are in, for `info network` (NULL when it goes away). A new
 * machine gets none of the frames that waited for the last. */
void host_net_attach(struct host_net *net, struct machine *m);

/* For the run loop's sleep: the networks' descriptors into fds (at most cap), and *ns
 * lowered to their next timer. After the ppoll(), host_net_poll with what it said. */
unsigned host_net_fill(struct host_net *net, struct pollfd *fds, unsigned cap, uint64_t *ns);
void host_net_poll(struct host_net *net, const struct pollfd *fds, unsigned n, bool error);

/* Once a turn of the run loop: serve what the networks' sockets and timers have. */
void host_net_pump(struct host_net *net);

/* The monitor's commands; their output (and errors) go to `out`. `args` is what follows
 * the command's name. */
void host_net_info(struct host_net *net, FILE *out);
void host_net_usernet(struct host_net *net, FILE *out);
void host_net_hostfwd(struct host_net *net, bool add, const char *args, FILE *out);

#endif
