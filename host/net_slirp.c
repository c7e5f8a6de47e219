/*
 * -netdev user on libslirp (host/net_slirp.h).
 *
 * libslirp is driven the way QEMU's main loop drives it: slirp_pollfds_fill names the
 * sockets to watch and shortens the sleep to its next TCP timer, slirp_pollfds_poll
 * reads and writes the sockets that are ready and runs those timers, and slirp_input
 * takes the guest's frames. Its own timers (only IPv6's router advertisements use them,
 * and IPv6 is off) run from the same calls. Its clock is the host's monotonic clock: the
 * network's timing is the host's, whatever the guest's clock does.
 */
#define _GNU_SOURCE             /* strdup */
#include "host/net_slirp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libslirp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_TIMERS 8

struct frame {
    size_t len;
    uint8_t data[];
};

struct slirp_timer {
    bool used, armed;
    int64_t expire_ms;
    SlirpTimerId id;                    /* timer_new_opaque's */
    SlirpTimerCb cb;                    /* timer_new's */
    void *cb_opaque;
};

struct net_slirp {
    Slirp *slirp;
    struct netdev_option cfg;           /* the settings; cfg.fwd: the rules in force */
    struct netdev backend;
    /* Frames for the guest: a ring of NET_SLIRP_QUEUE_FRAMES. */
    struct frame *queue[NET_SLIRP_QUEUE_FRAMES];
    unsigned head, count;
    size_t queued_bytes;
    uint64_t dropped, guest_errors;
    struct slirp_timer timers[MAX_TIMERS];
    /* The descriptors of the last fill: libslirp's indices point into this. */
    struct pollfd *fds;
    unsigned nfds, fds_cap;
};

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- the frames waiting for the guest (the backend's receive side) ---- */

/* libslirp has a frame for the guest: queue a copy, or drop it when the queue is full. */
static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
    struct net_slirp *ns = opaque;
    if (ns->count == NET_SLIRP_QUEUE_FRAMES || ns->queued_bytes + len > NET_SLIRP_QUEUE_BYTES) {
        ns->dropped++;
        return (ssize_t)len;            /* as a card with a full ring: TCP sends it again */
    }
    struct frame *f = malloc(sizeof *f + len);
    if (!f) {
        ns->dropped++;
        return (ssize_t)len;
    }
    f->len = len;
    memcpy(f->data, buf, len);
    ns->queue[(ns->head + ns->count) % NET_SLIRP_QUEUE_FRAMES] = f;
    ns->count++;
    ns->queued_bytes += len;
    return (ssize_t)len;
}

static size_t be_peek(void *opaque)
{
    struct net_slirp *ns = opaque;
    return ns->count ? ns->queue[ns->head]->len : 0;
}

static size_t be_receive(void *opaque, void *buf, size_t max)
{
    struct net_slirp *ns = opaque;
    if (!ns->count)
        return 0;
    struct frame *f = ns->queue[ns->head];
    ns->head = (ns->head + 1) % NET_SLIRP_QUEUE_FRAMES;
    ns->count--;
    ns->queued_bytes -= f->len;
    size_t len = f->len;
    memcpy(buf, f->data, len < max ? len : max);
    free(f);
    return len;
}

/* A frame from the guest. */
static void be_send(void *opaque, const void *frame, size_t len)
{
    struct net_slirp *ns = opaque;
    slirp_input(ns->slirp, frame, (int)len);
}

void net_slirp_flush(struct net_slirp *ns)
{
    while (ns->count) {
        free(ns->queue[ns->head]);
        ns->head = (ns->head + 1) % NET_SLIRP_QUEUE_FRAMES;
        ns->count--;
    }
    ns->queued_bytes = 0;
}

/* ---- libslirp's callbacks ---- */

static void cb_guest_error(const char *msg, void *opaque)
{
    struct net_slirp *ns = opaque;
    (void)msg;                          /* the guest's business; counted for `info network` */
    ns->guest_errors++;
}

static int64_t cb_clock_get_ns(void *opaque)
{
    (void)opaque;
    return now_ns();
}

static struct slirp_timer *timer_alloc(struct net_slirp *ns)
{
    for (unsigned i = 0; i < MAX_TIMERS; i++)
        if (!ns->timers[i].used) {
            memset(&ns->timers[i], 0, sizeof ns->timers[i]);
            ns->timers[i].used = true;
            return &ns->timers[i];
        }
    return NULL;                        /* libslirp makes one (RA); never reached */
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    struct slirp_timer *t = timer_alloc(opaque);
    if (t) {
        t->cb = cb;
        t->cb_opaque = cb_opaque;
    }
    return t;
}

static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
    struct slirp_timer *t = timer_alloc(opaque);
    if (t) {
        t->id = id;
        t->cb_opaque = cb_opaque;
    }
    return t;
}

static void cb_timer_free(void *timer, void *opaque)
{
    (void)opaque;
    if (timer)
        ((struct slirp_timer *)timer)->used = false;
}

/* expire_time is in ms of the clock cb_clock_get_ns reads. */
static void cb_timer_mod(void *timer, int64_t expire_time, void *opaque)
{
    (void)opaque;
    struct slirp_timer *t = timer;
    if (t) {
        t->armed = true;
        t->expire_ms = expire_time;
    }
}

static void cb_nothing_fd(int fd, void *opaque)
{
    (void)fd, (void)opaque;             /* the fds come from slirp_pollfds_fill */
}

static void cb_notify(void *opaque)
{
    (void)opaque;                       /* the loop looks again every turn anyway */
}

static const SlirpCb callbacks = {
    .send_packet = cb_send_packet,
    .guest_error = cb_guest_error,
    .clock_get_ns = cb_clock_get_ns,
    .timer_new = cb_timer_new,
    .timer_free = cb_timer_free,
    .timer_mod = cb_timer_mod,
    .register_poll_fd = cb_nothing_fd,
    .unregister_poll_fd = cb_nothing_fd,
    .notify = cb_notify,
    .timer_new_opaque = cb_timer_new_opaque,
};

static void run_timers(struct net_slirp *ns)
{
    int64_t now = now_ns() / 1000000;
    for (unsigned i = 0; i < MAX_TIMERS; i++) {
        struct slirp_timer *t = &ns->timers[i];
        if (!t->used || !t->armed || t->expire_ms > now)
            continue;
        t->armed = false;
        if (t->cb)
            t->cb(t->cb_opaque);
        else
            slirp_handle_timer(ns->slirp, t->id, t->cb_opaque);
    }
}

/* ms until the next armed timer, if sooner than *ms. */
static void timers_timeout(const struct net_slirp *ns, uint32_t *ms)
{
    int64_t now = now_ns() / 1000000;
    for (unsigned i = 0; i < MAX_TIMERS; i++) {
        const struct slirp_timer *t = &ns->timers[i];
        if (t->used && t->armed) {
            int64_t d = t->expire_ms > now ? t->expire_ms - now : 0;
            if (d < *ms)
                *ms = (uint32_t)d;
        }
    }
}

/* ---- polling ---- */

static int add_poll(int fd, int events, void *opaque)
{
    struct net_slirp *ns = opaque;
    if (ns->nfds == ns->fds_cap) {
        unsigned cap = ns->fds_cap ? 2 * ns->fds_cap : 16;
        struct pollfd *f = realloc(ns->fds, cap * sizeof *f);
        if (!f)
            return -1;                  /* not watched this time */
        ns->fds = f;
        ns->fds_cap = cap;
    }
    struct pollfd *p = &ns->fds[ns->nfds];
    p->fd = fd;
    p->events = (short)(((events & SLIRP_POLL_IN) ? POLLIN : 0) |
                        ((events & SLIRP_POLL_OUT) ? POLLOUT : 0) |
                        ((events & SLIRP_POLL_PRI) ? POLLPRI : 0));
    p->revents = 0;
    return (int)ns->nfds++;
}

static int get_revents(int idx, void *opaque)
{
    struct net_slirp *ns = opaque;
    if (idx < 0 || (unsigned)idx >= ns->nfds)
        return 0;
    short r = ns->fds[idx].revents;
    return ((r & POLLIN) ? SLIRP_POLL_IN : 0) | ((r & POLLOUT) ? SLIRP_POLL_OUT : 0) |
           ((r & POLLPRI) ? SLIRP_POLL_PRI : 0) | ((r & POLLERR) ? SLIRP_POLL_ERR : 0) |
           ((r & POLLHUP) ? SLIRP_POLL_HUP : 0);
}

/* libslirp's descriptors into ns->fds, and *ms lowered to its timers. */
static void fill(struct net_slirp *ns, uint32_t *ms)
{
    ns->nfds = 0;
    slirp_pollfds_fill(ns->slirp, ms, add_poll, ns);
    timers_timeout(ns, ms);
}

unsigned net_slirp_fill(struct net_slirp *ns, struct pollfd *fds, unsigned cap, uint32_t *ms)
{
    fill(ns, ms);
    unsigned n = ns->nfds < cap ? ns->nfds : cap;
    if (n)                              /* ns->fds is NULL until libslirp has a socket */
        memcpy(fds, ns->fds, n * sizeof *fds);
    if (n < ns->nfds && *ms > 1)
        *ms = 1;                        /* the rest are looked at by the next pump */
    return n;
}

void net_slirp_poll(struct net_slirp *ns, const struct pollfd *fds, unsigned n, bool error)
{
    for (unsigned i = 0; i < ns->nfds; i++)
        ns->fds[i].revents = i < n ? fds[i].revents : 0;
    slirp_pollfds_poll(ns->slirp, error, get_revents, ns);
    run_timers(ns);
}

void net_slirp_pump(struct net_slirp *ns)
{
    uint32_t ms = UINT32_MAX;
    fill(ns, &ms);
    int r = ns->nfds ? poll(ns->fds, ns->nfds, 0) : 0;
    if (r == 0 && ns->nfds)
        for (unsigned i = 0; i < ns->nfds; i++)
            ns->fds[i].revents = 0;
    slirp_pollfds_poll(ns->slirp, r < 0, get_revents, ns);
    run_timers(ns);
}

/* ---- forwarding ---- */

/* The guest address a rule means: its own, or the first DHCP address. */
static struct in_addr guest_of(const struct net_slirp *ns, const struct hostfwd *fw)
{
    return fw->guest_addr.s_addr ? fw->guest_addr : ns->cfg.dhcp_start;
}

static bool same_host_side(const struct hostfwd *a, const struct hostfwd *b)
{
    return a->udp == b->udp && a->host_port == b->host_port &&
           a->host_addr.s_addr == b->host_addr.s_addr;
}

int net_slirp_hostfwd_add(struct net_slirp *ns, const struct hostfwd *fw, char *err,
                          size_t errlen)
{
    char rule[96], host[INET_ADDRSTRLEN];
    hostfwd_format(fw, rule, sizeof rule);
    inet_ntop(AF_INET, &fw->host_addr, host, sizeof host);
    if (ns->cfg.nfwd == NET_MAX_HOSTFWDS) {
        snprintf(err, errlen, "hostfwd %s: netdev %s has %d rules already", rule, ns->cfg.id,
                 NET_MAX_HOSTFWDS);
        return -1;
    }
    for (unsigned i = 0; i < ns->cfg.nfwd; i++)
        if (same_host_side(&ns->cfg.fwd[i], fw)) {
            snprintf(err, errlen, "hostfwd %s: %s:%u is forwarded already", rule, host,
                     fw->host_port);
            return -1;
        }
    errno = 0;
    if (slirp_add_hostfwd(ns->slirp, fw->udp, fw->host_addr, fw->host_port, guest_of(ns, fw),
                          fw->guest_port) < 0) {
        snprintf(err, errlen, "hostfwd %s: cannot listen on %s port %s:%u: %s", rule,
                 fw->udp ? "udp" : "tcp", host, fw->host_port,
                 errno ? strerror(errno) : "in use, or not an address of this host");
        return -1;
    }
    ns->cfg.fwd[ns->cfg.nfwd++] = *fw;
    return 0;
}

int net_slirp_hostfwd_remove(struct net_slirp *ns, const struct hostfwd *fw, char *err,
                             size_t errlen)
{
    for (unsigned i = 0; i < ns->cfg.nfwd; i++) {
        if (!same_host_side(&ns->cfg.fwd[i], fw))
            continue;
        slirp_remove_hostfwd(ns->slirp, fw->udp, fw->host_addr, fw->host_port);
        ns->cfg.fwd[i] = ns->cfg.fwd[--ns->cfg.nfwd];
        return 0;
    }
    char host[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &fw->host_addr, host, sizeof host);
    snprintf(err, errlen, "netdev %s forwards no %s port %s:%u", ns->cfg.id,
             fw->udp ? "udp" : "tcp", host, fw->host_port);
    return -1;
}

/* ---- the network ---- */

struct net_slirp *net_slirp_create(const struct netdev_option *o, char *err, size_t errlen)
{
    struct net_slirp *ns = calloc(1, sizeof *ns);
    if (!ns) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ns->cfg = *o;
    ns->cfg.nfwd = 0;                   /* the rules below, as they start listening */
    ns->cfg.id = strdup(o->id);
    ns->cfg.hostname = o->hostname ? strdup(o->hostname) : NULL;
    ns->cfg.domainname = o->domainname ? strdup(o->domainname) : NULL;
    SlirpConfig sc = {
        .version = 4,
        .restricted = o->restricted,
        .in_enabled = true,
        .vnetwork = o->net,
        .vnetmask = o->mask,
        .vhost = o->host,
        .in6_enabled = false,
        .vhostname = ns->cfg.hostname,
        .vdhcp_start = o->dhcp_start,
        .vnameserver = o->dns,
        .vdomainname = ns->cfg.domainname,
    };
    if (!ns->cfg.id || !(ns->slirp = slirp_new(&sc, &callbacks, ns))) {
        snprintf(err, errlen, "-netdev user,id=%s: libslirp could not start", o->id);
        net_slirp_destroy(ns);
        return NULL;
    }
    ns->backend = (struct netdev){ .opaque = ns, .send = be_send, .peek = be_peek,
                                   .receive = be_receive, .checksummed = true };
    for (unsigned i = 0; i < o->nfwd; i++)
        if (net_slirp_hostfwd_add(ns, &o->fwd[i], err, errlen)) {
            net_slirp_destroy(ns);
            return NULL;
        }
    return ns;
}

void net_slirp_destroy(struct net_slirp *ns)
{
    if (!ns)
        return;
    if (ns->slirp)
        slirp_cleanup(ns->slirp);
    net_slirp_flush(ns);
    free(ns->fds);
    free(ns->cfg.id);
    free(ns->cfg.hostname);
    free(ns->cfg.domainname);
    free(ns);
}

const struct netdev *net_slirp_backend(struct net_slirp *ns)
{
    return &ns->backend;
}

void net_slirp_info(struct net_slirp *ns, FILE *out)
{
    char net[INET_ADDRSTRLEN], host[INET_ADDRSTRLEN], dns[INET_ADDRSTRLEN],
        dhcp[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &ns->cfg.net, net, sizeof net);
    inet_ntop(AF_INET, &ns->cfg.host, host, sizeof host);
    inet_ntop(AF_INET, &ns->cfg.dns, dns, sizeof dns);
    inet_ntop(AF_INET, &ns->cfg.dhcp_start, dhcp, sizeof dhcp);
    unsigned bits = (unsigned)__builtin_popcount(ns->cfg.mask.s_addr);
    fprintf(out, "%s: index=0,type=user,net=%s/%u,host=%s,dns=%s,dhcpstart=%s,restrict=%s\n",
            ns->cfg.id, net, bits, host, dns, dhcp, ns->cfg.restricted ? "on" : "off");
    for (unsigned i = 0; i < ns->cfg.nfwd; i++) {
        char rule[96];
        struct hostfwd fw = ns->cfg.fwd[i];
        fw.guest_addr = guest_of(ns, &fw);
        hostfwd_format(&fw, rule, sizeof rule);
        fprintf(out, "  hostfwd=%s\n", rule);
    }
    fprintf(out, "  frames waiting for the guest: %u (%zu bytes); dropped (queue full): %llu; "
            "guest errors: %llu\n", ns->count, ns->queued_bytes,
            (unsigned long long)ns->dropped, (unsigned long long)ns->guest_errors);
}

void net_slirp_connections(struct net_slirp *ns, FILE *out)
{
    char *s = slirp_connection_info(ns->slirp);
    fprintf(out, "Hub -1 (%s):\n%s", ns->cfg.id, s ? s : "");
    free(s);                            /* g_strdup'd: glib's allocator is malloc's */
}
