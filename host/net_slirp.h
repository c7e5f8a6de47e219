/*
 * A user-mode network (QEMU's -netdev user) on Debian's libslirp: a virtual 10.0.2.0/24
 * with a gateway (10.0.2.2, which is also the host's loopback), a DHCP server handing out
 * 10.0.2.15 on, a DNS forwarder (10.0.2.3), outgoing TCP and UDP through the host's
 * sockets, and port forwarding from the host (hostfwd).
 *
 * It is a network backend (devices/netdev.h): frames from the guest go straight into
 * libslirp; frames libslirp makes for the guest wait in a queue here until the card
 * pulls them on the machine's service grid. libslirp's sockets and timers are served from
 * the host's run loop: net_slirp_fill/net_slirp_poll around the loop's sleep (so that
 * the host sleeps while the guest waits, and wakes when a socket has something), and
 * net_slirp_pump once a turn. Nothing here runs on another thread or touches guest
 * memory.
 */
#ifndef RVBOX_NET_SLIRP_H
#define RVBOX_NET_SLIRP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/netdev.h"
#include "host/options_net.h"

struct pollfd;

/* Frames waiting for the guest, at most: beyond, new ones are dropped (TCP sends them
 * again) as a card with a full ring drops them. */
#define NET_SLIRP_QUEUE_FRAMES 4096
#define NET_SLIRP_QUEUE_BYTES  (4u << 20)

struct net_slirp;

/* A network with the settings of `o` and its hostfwd rules listening. NULL with a
 * one-line reason in err (a port in use, ...). */
struct net_slirp *net_slirp_create(const struct netdev_option *o, char *err, size_t errlen);
void net_slirp_destroy(struct net_slirp *ns);

/* The backend a virtio-net card uses. */
const struct netdev *net_slirp_backend(struct net_slirp *ns);

/* Forward the host's fw->host_addr:host_port to the guest, or stop. -1 with a reason in
 * err (a port in use, a rule that does not exist). */
int net_slirp_hostfwd_add(struct net_slirp *ns, const struct hostfwd *fw, char *err,
                          size_t errlen);
int net_slirp_hostfwd_remove(struct net_slirp *ns, const struct hostfwd *fw, char *err,
                             size_t errlen);

/* For the loop's sleep: the file descriptors libslirp waits on, into fds (at most cap;
 * past that the sleep is cut to a millisecond and the rest wait for net_slirp_pump), and
 * *ms lowered to its next timer. Then net_slirp_poll with what the sleep's ppoll() said
 * about those same fds. */
unsigned net_slirp_fill(struct net_slirp *ns, struct pollfd *fds, unsigned cap, uint32_t *ms);
void net_slirp_poll(struct net_slirp *ns, const struct pollfd *fds, unsigned n, bool error);

/* Once a turn of the loop: serve libslirp's sockets that are ready, without waiting, and
 * its timers. */
void net_slirp_pump(struct net_slirp *ns);

/* Forget the frames waiting for the guest (the machine is built again). */
void net_slirp_flush(struct net_slirp *ns);

/* `info network` and `info usernet`: the settings and forwarding rules, and libslirp's
 * own table of connections. */
void net_slirp_info(struct net_slirp *ns, FILE *out);
void net_slirp_connections(struct net_slirp *ns, FILE *out);

#endif
