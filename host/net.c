/*
 * The guest's networks on the host (host/net.h).
 *
 * A capture sits between a card and its network as a backend of its own (struct tap):
 * it writes each frame to its pcap files on the way, out of the guest when the card
 * sends it, into the guest when the card takes it, and otherwise passes every call on.
 */
#define _GNU_SOURCE             /* strdup */
#include "host/net.h"

#include <ctype.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "devices/machine.h"
#include "devices/virtio_net.h"
#include "host/net_slirp.h"
#include "host/pcap.h"

/* One network and what captures it. */
struct tap {
    struct net_slirp *slirp;
    const struct netdev *inner;         /* the network's own backend */
    struct netdev outer;                /* what the card is given */
    struct pcap *pcaps[NET_MAX_DUMPS];
    bool rx[NET_MAX_DUMPS], tx[NET_MAX_DUMPS];
    unsigned npcaps;
};

struct host_net {
    const struct net_options *o;
    struct tap taps[NET_MAX_NETDEVS];
    unsigned ntaps;
    unsigned filled[NET_MAX_NETDEVS];   /* fds each network gave the last host_net_fill */
    struct machine *m;
};

static void tap_send(void *opaque, const void *frame, size_t len)
{
    struct tap *t = opaque;
    for (unsigned i = 0; i < t->npcaps; i++)
        if (t->tx[i])
            pcap_write(t->pcaps[i], frame, len);
    t->inner->send(t->inner->opaque, frame, len);
}

static size_t tap_peek(void *opaque)
{
    struct tap *t = opaque;
    return t->inner->peek(t->inner->opaque);
}

static size_t tap_receive(void *opaque, void *buf, size_t max)
{
    struct tap *t = opaque;
    size_t len = t->inner->receive(t->inner->opaque, buf, max);
    for (unsigned i = 0; len && i < t->npcaps; i++)
        if (t->rx[i])
            pcap_write(t->pcaps[i], buf, len < max ? len : max);
    return len;
}

static struct tap *find_tap(struct host_net *net, const char *id, unsigned *index)
{
    for (unsigned i = 0; i < net->ntaps; i++)
        if (!strcmp(net->o->netdevs[i].id, id)) {
            if (index)
                *index = i;
            return &net->taps[i];
        }
    return NULL;
}

struct host_net *host_net_open(const struct net_options *o, char *err, size_t errlen)
{
    struct host_net *net = calloc(1, sizeof *net);
    if (!net) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    net->o = o;
    for (unsigned i = 0; i < o->nnetdevs; i++) {
        struct tap *t = &net->taps[i];
        if (!(t->slirp = net_slirp_create(&o->netdevs[i], err, errlen)))
            goto fail;
        net->ntaps = i + 1;
        t->inner = net_slirp_backend(t->slirp);
        t->outer = (struct netdev){ .opaque = t, .send = tap_send, .peek = tap_peek,
                                    .receive = tap_receive,
                                    .checksummed = t->inner->checksummed };
    }
    for (unsigned i = 0; i < o->ndumps; i++) {
        const struct dump_option *d = &o->dumps[i];
        struct tap *t = d->netdev ? find_tap(net, d->netdev, NULL) : &net->taps[0];
        if (!t || !(t->pcaps[t->npcaps] = pcap_open(d->file, d->snaplen, err, errlen)))
            goto fail;
        t->rx[t->npcaps] = d->rx;
        t->tx[t->npcaps] = d->tx;
        t->npcaps++;
    }
    return net;
fail:
    host_net_close(net);
    return NULL;
}

int host_net_close(struct host_net *net)
{
    if (!net)
        return 0;
    int rc = 0;
    for (unsigned i = 0; i < NET_MAX_NETDEVS; i++) {
        struct tap *t = &net->taps[i];
        for (unsigned j = 0; j < t->npcaps; j++)
            if (pcap_close(t->pcaps[j]))
                rc = -1;
        net_slirp_destroy(t->slirp);
    }
    free(net);
    return rc;
}

void host_net_configure(struct host_net *net, struct machine_config *cfg)
{
    for (unsigned i = 0; i < net->o->nnics; i++) {
        const struct nic_option *c = &net->o->nics[i];
        struct tap *t = find_tap(net, c->netdev, NULL);
        if (!t || c->slot < 0 || c->slot >= MACHINE_MAX_DISKS)
            continue;                   /* options_net_place made sure: cannot happen */
        cfg->nics[c->slot].backend = &t->outer;
        memcpy(cfg->nics[c->slot].mac, c->mac, 6);
    }
}

void host_net_attach(struct host_net *net, struct machine *m)
{
    if (!net)
        return;
    if (m && m != net->m)
        for (unsigned i = 0; i < net->ntaps; i++)
            net_slirp_flush(net->taps[i].slirp);
    net->m = m;
}

unsigned host_net_fill(struct host_net *net, struct pollfd *fds, unsigned cap, uint64_t *ns)
{
    unsigned n = 0;
    if (!net)
        return 0;
    for (unsigned i = 0; i < net->ntaps; i++) {
        uint32_t ms = UINT32_MAX;
        net->filled[i] = net_slirp_fill(net->taps[i].slirp, fds + n, cap - n, &ms);
        n += net->filled[i];
        if (ms != UINT32_MAX && (uint64_t)ms * 1000000u < *ns)
            *ns = (uint64_t)ms * 1000000u;
    }
    return n;
}

void host_net_poll(struct host_net *net, const struct pollfd *fds, unsigned n, bool error)
{
    if (!net)
        return;
    unsigned at = 0;                    /* each network's fds follow the last's */
    for (unsigned i = 0; i < net->ntaps; i++) {
        unsigned mine = net->filled[i] <= n - at ? net->filled[i] : n - at;
        net_slirp_poll(net->taps[i].slirp, fds + at, mine, error);
        at += mine;
    }
}

void host_net_pump(struct host_net *net)
{
    if (!net)
        return;
    for (unsigned i = 0; i < net->ntaps; i++)
        net_slirp_pump(net->taps[i].slirp);
}

/* ---- the monitor ---- */

/* QEMU's shape: each card, then the network behind it. */
void host_net_info(struct host_net *net, FILE *out)
{
    if (!net || net->ntaps == 0) {
        fprintf(out, "no network (-nic user, or -netdev user with -device virtio-net-device, "
                "makes one)\n");
        return;
    }
    bool shown[NET_MAX_NETDEVS] = { false };
    for (unsigned i = 0; i < net->o->nnics; i++) {
        const struct nic_option *c = &net->o->nics[i];
        unsigned k;
        if (!find_tap(net, c->netdev, &k))
            continue;
        fprintf(out, "virtio-net-device.%u: index=%u,type=nic,model=virtio-net-device,"
                "macaddr=%02x:%02x:%02x:%02x:%02x:%02x,bus=virtio-mmio-bus.%d\n", i, i,
                c->mac[0], c->mac[1], c->mac[2], c->mac[3], c->mac[4], c->mac[5], c->slot);
        struct virtio_net *card = net->m ? machine_nic(net->m, (unsigned)c->slot) : NULL;
        if (card) {
            const struct vnet_stats *st = vnet_stats(card);
            fprintf(out, "  sent %llu frames (%llu bytes, %llu dropped), received %llu frames "
                    "(%llu bytes, %llu dropped)\n", (unsigned long long)st->tx_frames,
                    (unsigned long long)st->tx_bytes, (unsigned long long)st->tx_dropped,
                    (unsigned long long)st->rx_frames, (unsigned long long)st->rx_bytes,
                    (unsigned long long)st->rx_dropped);
        }
        fprintf(out, " \\ ");
        net_slirp_info(net->taps[k].slirp, out);
        shown[k] = true;
    }
    for (unsigned k = 0; k < net->ntaps; k++) {
        if (shown[k])
            continue;
        fprintf(out, "(no card) ");
        net_slirp_info(net->taps[k].slirp, out);
    }
    for (unsigned k = 0; k < net->ntaps; k++)
        for (unsigned j = 0; j < net->taps[k].npcaps; j++)
            fprintf(out, "filter-dump on %s: %s, %llu frames\n", net->o->netdevs[k].id,
                    pcap_path(net->taps[k].pcaps[j]),
                    (unsigned long long)pcap_frames(net->taps[k].pcaps[j]));
}

void host_net_usernet(struct host_net *net, FILE *out)
{
    for (unsigned k = 0; net && k < net->ntaps; k++)
        net_slirp_connections(net->taps[k].slirp, out);
}

/* hostfwd_add [NETDEV] RULE, hostfwd_remove [NETDEV] [tcp|udp]:[ADDR]:PORT: without
 * NETDEV, the first network. */
void host_net_hostfwd(struct host_net *net, bool add, const char *args, FILE *out)
{
    const char *name = add ? "hostfwd_add" : "hostfwd_remove";
    char w[2][256];
    unsigned nw = 0;
    const char *p = args;
    while (nw < 3) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        size_t len = strcspn(p, " \t");
        if (nw == 2 || len >= sizeof w[0]) {
            nw = 3;
            break;
        }
        memcpy(w[nw], p, len);
        w[nw][len] = '\0';
        nw++;
        p += len;
    }
    if (nw == 0 || nw > 2) {
        fprintf(out, "%s: want [netdev_id] %s\n", name,
                add ? "[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport"
                    : "[tcp|udp]:[hostaddr]:hostport");
        return;
    }
    struct tap *t = !net ? NULL : nw == 2 ? find_tap(net, w[0], NULL)
                                  : net->ntaps ? &net->taps[0] : NULL;
    if (!t) {
        if (nw == 2)
            fprintf(out, "%s: no netdev with id %s\n", name, w[0]);
        else
            fprintf(out, "%s: there is no user network (-nic user)\n", name);
        return;
    }
    struct hostfwd fw;
    char err[300];
    if (hostfwd_parse(w[nw - 1], !add, &fw, err, sizeof err) ||
        (add ? net_slirp_hostfwd_add(t->slirp, &fw, err, sizeof err)
             : net_slirp_hostfwd_remove(t->slirp, &fw, err, sizeof err)))
        fprintf(out, "%s: %s\n", name, err);
}
