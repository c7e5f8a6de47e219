/*
 * The network and shared-folder options (host/options_net.h): parsed into plain
 * settings here, opened by host/net.c and host/main.c.
 */
#define _GNU_SOURCE             /* strdup, strndup */
#include "host/options_net.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/option_list.h"
#include "host/pcap.h"

const char net_help[] =
    "  -netdev user,id=ID[,net=10.0.2.0/24][,hostfwd=tcp:127.0.0.1:2222-:22]...\n"
    "                 user-mode networking (libslirp): DHCP, DNS, the host's loopback\n"
    "                 as 10.0.2.2; hostfwd listens on 127.0.0.1 unless an address is\n"
    "                 given\n"
    "  -device virtio-net-device,netdev=ID[,mac=52:54:00:12:34:56]\n"
    "                 a network card on that netdev\n"
    "  -nic user[,mac=MAC][,hostfwd=...]  both at once\n"
    "  -object filter-dump,id=ID,netdev=ID,file=F.pcap[,maxlen=N], --net-dump F.pcap\n"
    "                 write the frames of a netdev (the first) to a pcap file\n"
    "  -virtfs local,path=DIR,mount_tag=TAG,security_model=none[,readonly=on]\n"
    "                 share DIR with the guest on virtio-9p: mount -t 9p -o\n"
    "                 trans=virtio TAG /mnt; the guest reaches nothing outside DIR\n";

static int on_off(const char *opt, const char *key, const char *v, bool *out, char *err,
                  size_t errlen)
{
    if (!v || !strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true"))
        *out = true;
    else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"))
        *out = false;
    else {
        snprintf(err, errlen, "%s: %s=%s: want on or off", opt, key, v);
        return -1;
    }
    return 0;
}

/* A decimal number 1..max, digits only. */
static bool parse_number(const char *s, unsigned long max, unsigned long *out)
{
    if (!s || !isdigit((unsigned char)*s))
        return false;
    unsigned long v = 0;
    for (; isdigit((unsigned char)*s); s++) {
        v = v * 10 + (unsigned long)(*s - '0');
        if (v > max)
            return false;
    }
    *out = v;
    return *s == '\0' && v > 0;
}

static bool parse_ipv4(const char *s, struct in_addr *a)
{
    return s && inet_pton(AF_INET, s, a) == 1;
}

/* virtio-mmio-bus.N: N, or -1. */
static int parse_bus(const char *v)
{
    unsigned long n;
    if (!v || strncmp(v, "virtio-mmio-bus.", 16) || !isdigit((unsigned char)v[16]))
        return -1;
    if (!strcmp(v + 16, "0"))
        return 0;
    return parse_number(v + 16, 99, &n) ? (int)n : -1;
}

/* 52:54:00:12:34:56, a unicast address. */
static bool parse_mac(const char *v, uint8_t mac[6])
{
    unsigned b[6];
    char end;
    if (!v || sscanf(v, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
                     &end) != 6 || strlen(v) != 17)
        return false;
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)b[i];
    return !(mac[0] & 1);
}

/* ---- hostfwd rules ---- */

/* "[ADDR]:PORT" at text (up to `end`), into *addr (unchanged when ADDR is empty) and
 * *port. */
static bool addr_port(const char *text, size_t len, struct in_addr *addr, uint16_t *port)
{
    char buf[64];
    if (len >= sizeof buf)
        return false;
    memcpy(buf, text, len);
    buf[len] = '\0';
    char *colon = strrchr(buf, ':');
    if (!colon)
        return false;
    *colon = '\0';
    unsigned long n;
    if (!parse_number(colon + 1, 65535, &n))
        return false;
    *port = (uint16_t)n;
    return !buf[0] || parse_ipv4(buf, addr);
}

int hostfwd_parse(const char *text, bool host_only, struct hostfwd *fw, char *err,
                  size_t errlen)
{
    const char *spell = host_only ? "[tcp|udp]:[HOSTADDR]:HOSTPORT"
                                  : "[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT";
    memset(fw, 0, sizeof fw[0]);
    fw->host_addr.s_addr = htonl(INADDR_LOOPBACK);
    const char *p = text;
    if (!strncmp(p, "tcp:", 4)) {
        p += 4;
    } else if (!strncmp(p, "udp:", 4)) {
        fw->udp = true;
        p += 4;
    } else if (*p == ':') {
        p++;                            /* QEMU's ":HOSTADDR:..." is tcp */
    } else {
        snprintf(err, errlen, "hostfwd %s: want %s", text, spell);
        return -1;
    }
    const char *dash = strchr(p, '-');
    if (host_only ? dash != NULL : dash == NULL) {
        snprintf(err, errlen, "hostfwd %s: want %s", text, spell);
        return -1;
    }
    size_t hlen = dash ? (size_t)(dash - p) : strlen(p);
    if (!addr_port(p, hlen, &fw->host_addr, &fw->host_port) ||
        (dash && !addr_port(dash + 1, strlen(dash + 1), &fw->guest_addr, &fw->guest_port))) {
        snprintf(err, errlen, "hostfwd %s: want %s (ports 1 to 65535, IPv4 addresses)", text,
                 spell);
        return -1;
    }
    return 0;
}

void hostfwd_format(const struct hostfwd *fw, char *buf, size_t len)
{
    char host[INET_ADDRSTRLEN], guest[INET_ADDRSTRLEN] = "";
    inet_ntop(AF_INET, &fw->host_addr, host, sizeof host);
    if (fw->guest_addr.s_addr)
        inet_ntop(AF_INET, &fw->guest_addr, guest, sizeof guest);
    snprintf(buf, len, "%s:%s:%u-%s:%u", fw->udp ? "udp" : "tcp", host, fw->host_port, guest,
             fw->guest_port);
}

/* ---- -netdev user ---- */

/* The address `n` hosts into the network (10.0.2.0/24 + 2 = 10.0.2.2). */
static struct in_addr host_in(struct in_addr net, uint32_t n)
{
    struct in_addr a = { htonl(ntohl(net.s_addr) + n) };
    return a;
}

static bool in_network(const struct netdev_option *d, struct in_addr a)
{
    return (a.s_addr & d->mask.s_addr) == d->net.s_addr;
}

/* net=ADDR[/BITS|/MASK]; without a mask /24. */
static int parse_net(const char *opt, const char *v, struct netdev_option *d, char *err,
                     size_t errlen)
{
    char addr[64];
    const char *slash = v ? strchr(v, '/') : NULL;
    size_t n = v ? (slash ? (size_t)(slash - v) : strlen(v)) : 0;
    unsigned long bits = 24;
    bool ok = v && n < sizeof addr;
    if (ok) {
        memcpy(addr, v, n);
        addr[n] = '\0';
        ok = parse_ipv4(addr, &d->net);
    }
    if (ok && slash && strchr(slash + 1, '.')) {
        uint32_t m;
        ok = parse_ipv4(slash + 1, &d->mask);
        m = ntohl(d->mask.s_addr);
        ok = ok && (~m & (~m + 1)) == 0;           /* contiguous ones */
        for (bits = 0; ok && bits < 32 && (m << bits) & 0x80000000u; bits++)
            ;
    } else if (ok && slash) {
        ok = parse_number(slash + 1, 30, &bits);
    }
    if (!ok || bits < 8 || bits > 30) {
        snprintf(err, errlen, "%s: net=%s: want ADDRESS[/BITS] with 8 to 30 bits, e.g. "
                 "10.0.2.0/24", opt, v ? v : "");
        return -1;
    }
    d->mask.s_addr = htonl(~0u << (32 - bits));
    d->net.s_addr &= d->mask.s_addr;
    return 0;
}

static void netdev_defaults(struct netdev_option *d)
{
    inet_pton(AF_INET, "10.0.2.0", &d->net);
    inet_pton(AF_INET, "255.255.255.0", &d->mask);
}

/* What the user did not give follows from the network: host .2, DNS .3, DHCP from .15. */
static int netdev_finish(const char *opt, struct netdev_option *d, bool host, bool dns,
                         bool dhcp, char *err, size_t errlen)
{
    if (!host)
        d->host = host_in(d->net, 2);
    if (!dns)
        d->dns = host_in(d->net, 3);
    if (!dhcp)
        d->dhcp_start = host_in(d->net, 15);
    const char *bad = !in_network(d, d->host) ? "host" : !in_network(d, d->dns) ? "dns"
                    : !in_network(d, d->dhcp_start) ? "dhcpstart" : NULL;
    if (bad) {
        snprintf(err, errlen, "%s: %s= is not in the network net=", opt, bad);
        return -1;
    }
    return 0;
}

static void netdev_free(struct netdev_option *d)
{
    free(d->id);
    free(d->hostname);
    free(d->domainname);
    memset(d, 0, sizeof *d);
}

/* One -netdev user setting (also -nic user's); 1 if `k` was one, 0 if not, -1 on an
 * error. *host, *dns, *dhcp say which addresses were given. */
static int netdev_setting(const char *opt, struct netdev_option *d, const char *k,
                          const char *v, bool *host, bool *dns, bool *dhcp, char *err,
                          size_t errlen)
{
    bool b;
    if (!strcmp(k, "net")) {
        return parse_net(opt, v, d, err, errlen) ? -1 : 1;
    } else if (!strcmp(k, "host") || !strcmp(k, "dns") || !strcmp(k, "dhcpstart")) {
        struct in_addr *a = k[0] == 'h' ? &d->host : k[1] == 'n' ? &d->dns : &d->dhcp_start;
        if (!parse_ipv4(v, a)) {
            snprintf(err, errlen, "%s: %s=%s: want an IPv4 address", opt, k, v ? v : "");
            return -1;
        }
        *(k[0] == 'h' ? host : k[1] == 'n' ? dns : dhcp) = true;
    } else if (!strcmp(k, "hostfwd")) {
        if (d->nfwd == NET_MAX_HOSTFWDS) {
            snprintf(err, errlen, "%s: more than %d hostfwd rules", opt, NET_MAX_HOSTFWDS);
            return -1;
        }
        if (hostfwd_parse(v ? v : "", false, &d->fwd[d->nfwd], err, errlen))
            return -1;
        d->nfwd++;
    } else if (!strcmp(k, "hostname") || !strcmp(k, "domainname")) {
        char **s = k[0] == 'h' ? &d->hostname : &d->domainname;
        free(*s);
        if (!(*s = strdup(v ? v : ""))) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    } else if (!strcmp(k, "restrict")) {
        if (on_off(opt, k, v, &d->restricted, err, errlen))
            return -1;
    } else if (!strcmp(k, "ipv4")) {
        if (on_off(opt, k, v, &b, err, errlen))
            return -1;
        if (!b) {
            snprintf(err, errlen, "%s: ipv4=off: rvbox's user network is IPv4", opt);
            return -1;
        }
    } else if (!strcmp(k, "ipv6")) {
        if (on_off(opt, k, v, &b, err, errlen))
            return -1;
        if (b) {
            snprintf(err, errlen, "%s: ipv6=on: rvbox's user network is IPv4 only (ipv6=off)",
                     opt);
            return -1;
        }
    } else if (!strcmp(k, "tftp") || !strcmp(k, "bootfile") || !strcmp(k, "smb") ||
               !strcmp(k, "guestfwd") || !strcmp(k, "tftp-server-name") ||
               !strncmp(k, "ipv6-", 5) || !strcmp(k, "dnssearch") ||
               !strcmp(k, "smbserver")) {
        snprintf(err, errlen, "%s: %s= is not supported (rvbox's user network has DHCP, DNS, "
                 "hostfwd and the host's loopback)", opt, k);
        return -1;
    } else {
        return 0;
    }
    return 1;
}

static struct netdev_option *find_netdev(struct net_options *n, const char *id)
{
    for (unsigned i = 0; i < n->nnetdevs; i++)
        if (!strcmp(n->netdevs[i].id, id))
            return &n->netdevs[i];
    return NULL;
}

/* A new netdev named `id`, unless the name is taken. */
static struct netdev_option *new_netdev(struct net_options *n, const char *opt, const char *id,
                                        char *err, size_t errlen)
{
    if (find_netdev(n, id)) {
        snprintf(err, errlen, "%s: a netdev with id=%s exists already", opt, id);
        return NULL;
    }
    if (n->nnetdevs == NET_MAX_NETDEVS) {
        snprintf(err, errlen, "%s: more than %d netdevs", opt, NET_MAX_NETDEVS);
        return NULL;
    }
    struct netdev_option *d = &n->netdevs[n->nnetdevs];
    memset(d, 0, sizeof *d);
    netdev_defaults(d);
    if (!(d->id = strdup(id))) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    return d;
}

static const char netdev_types[] =
    "rvbox has -netdev user (libslirp's user-mode network) only";

/* -netdev user,id=ID,... */
static int parse_netdev(struct net_options *n, const char *v, char *err, size_t errlen)
{
    struct option_list l;
    char opt[600];
    snprintf(opt, sizeof opt, "-netdev %s", v);
    if (option_list_split(opt, v, &l, err, errlen))
        return -1;
    const char *type = l.it[0].value ? NULL : l.it[0].key;
    if (l.it[0].value && !strcmp(l.it[0].key, "type"))
        type = l.it[0].value;
    if (!type || strcmp(type, "user")) {
        snprintf(err, errlen, "%s: %s", opt, netdev_types);
        return -1;
    }
    const char *id = NULL;
    for (unsigned i = 1; i < l.n; i++)
        if (!strcmp(l.it[i].key, "id"))
            id = l.it[i].value;
    if (!id || !*id) {
        snprintf(err, errlen, "%s: needs id=ID", opt);
        return -1;
    }
    struct netdev_option *d = new_netdev(n, opt, id, err, errlen);
    if (!d)
        return -1;
    bool host = false, dns = false, dhcp = false;
    for (unsigned i = 1; i < l.n; i++) {
        const char *k = l.it[i].key, *val = l.it[i].value;
        if (!strcmp(k, "id"))
            continue;
        int r = netdev_setting(opt, d, k, val, &host, &dns, &dhcp, err, errlen);
        if (r == 0)
            snprintf(err, errlen, "%s: unknown setting '%s'", opt, k);
        if (r <= 0) {
            netdev_free(d);
            return -1;
        }
    }
    if (netdev_finish(opt, d, host, dns, dhcp, err, errlen)) {
        netdev_free(d);
        return -1;
    }
    n->nnetdevs++;
    return 0;
}

static int add_nic(struct net_options *n, const char *opt, const char *netdev,
                   const uint8_t *mac, int bus, char *err, size_t errlen)
{
    if (n->nnics == NET_MAX_NICS) {
        snprintf(err, errlen, "%s: more than %d network cards", opt, NET_MAX_NICS);
        return -1;
    }
    struct nic_option *c = &n->nics[n->nnics];
    memset(c, 0, sizeof *c);
    c->bus = bus;
    c->slot = -1;
    if (mac) {
        memcpy(c->mac, mac, 6);
        c->has_mac = true;
    }
    if (!(c->netdev = strdup(netdev)) || !(c->text = strdup(opt))) {
        free(c->netdev);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    n->nnics++;
    return 0;
}

/* -nic user[,id=ID][,model=virtio-net-device][,mac=MAC][,netdev settings], or -nic none
 * (-net none): a netdev and its card at once. */
static int parse_nic(struct net_options *n, const char *name, const char *v, char *err,
                     size_t errlen)
{
    char opt[600];
    snprintf(opt, sizeof opt, "-%s %s", name, v);
    if (!strcmp(v, "none"))
        return 0;
    if (!strcmp(name, "net")) {
        snprintf(err, errlen, "%s: the legacy -net is not supported; -nic user (or -netdev "
                 "user,id=ID with -device virtio-net-device,netdev=ID) makes a card", opt);
        return -1;
    }
    struct option_list l;
    if (option_list_split(opt, v, &l, err, errlen))
        return -1;
    if (l.it[0].value || strcmp(l.it[0].key, "user")) {
        snprintf(err, errlen, "%s: %s", opt, netdev_types);
        return -1;
    }
    char id[32];
    snprintf(id, sizeof id, "#net%u", n->auto_ids++);
    for (unsigned i = 1; i < l.n; i++)
        if (!strcmp(l.it[i].key, "id") && l.it[i].value)
            snprintf(id, sizeof id, "%s", l.it[i].value);
    struct netdev_option *d = new_netdev(n, opt, id, err, errlen);
    if (!d)
        return -1;
    bool host = false, dns = false, dhcp = false, has_mac = false;
    uint8_t mac[6];
    for (unsigned i = 1; i < l.n; i++) {
        const char *k = l.it[i].key, *val = l.it[i].value;
        int r = 1;
        if (!strcmp(k, "id")) {
            continue;
        } else if (!strcmp(k, "model")) {
            if (!val || (strcmp(val, "virtio-net-device") && strcmp(val, "virtio"))) {
                snprintf(err, errlen, "%s: model=%s: rvbox's network card is "
                         "virtio-net-device", opt, val ? val : "");
                r = -1;
            }
        } else if (!strcmp(k, "mac")) {
            if (!(has_mac = parse_mac(val, mac))) {
                snprintf(err, errlen, "%s: mac=%s: want a unicast address like "
                         "52:54:00:12:34:56", opt, val ? val : "");
                r = -1;
            }
        } else if ((r = netdev_setting(opt, d, k, val, &host, &dns, &dhcp, err, errlen)) == 0) {
            snprintf(err, errlen, "%s: unknown setting '%s'", opt, k);
            r = -1;
        }
        if (r < 0) {
            netdev_free(d);
            return -1;
        }
    }
    if (netdev_finish(opt, d, host, dns, dhcp, err, errlen) ||
        add_nic(n, opt, id, has_mac ? mac : NULL, -1, err, errlen)) {
        netdev_free(d);
        return -1;
    }
    n->nnetdevs++;
    return 0;
}

/* ---- captures ---- */

static int add_dump(struct net_options *n, const char *opt, const char *netdev,
                    const char *file, uint32_t snaplen, bool rx, bool tx, char *err,
                    size_t errlen)
{
    if (n->ndumps == NET_MAX_DUMPS) {
        snprintf(err, errlen, "%s: more than %d packet captures", opt, NET_MAX_DUMPS);
        return -1;
    }
    struct dump_option *d = &n->dumps[n->ndumps];
    memset(d, 0, sizeof *d);
    d->snaplen = snaplen;
    d->rx = rx;
    d->tx = tx;
    if ((netdev && !(d->netdev = strdup(netdev))) || !(d->file = strdup(file))) {
        free(d->netdev);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    n->ndumps++;
    return 0;
}

/* -object filter-dump,id=ID,netdev=ID,file=F[,maxlen=N][,queue=all|rx|tx] */
static int parse_object(struct net_options *n, const char *v, char *err, size_t errlen)
{
    char opt[600];
    snprintf(opt, sizeof opt, "-object %s", v);
    struct option_list l;
    if (option_list_split(opt, v, &l, err, errlen))
        return -1;
    const char *type = l.it[0].value && !strcmp(l.it[0].key, "qom-type") ? l.it[0].value
                     : l.it[0].value ? NULL : l.it[0].key;
    if (!type || strcmp(type, "filter-dump")) {
        snprintf(err, errlen, "%s: rvbox knows -object filter-dump only", opt);
        return -1;
    }
    const char *netdev = NULL, *file = NULL;
    unsigned long snaplen = PCAP_DEFAULT_SNAPLEN;
    bool rx = true, tx = true;
    for (unsigned i = 1; i < l.n; i++) {
        const char *k = l.it[i].key, *val = l.it[i].value;
        if (!strcmp(k, "netdev") && val && *val) {
            netdev = val;
        } else if (!strcmp(k, "file") && val && *val) {
            file = val;
        } else if (!strcmp(k, "maxlen")) {
            if (!parse_number(val, 1u << 20, &snaplen)) {
                snprintf(err, errlen, "%s: maxlen=%s: want a number of bytes", opt,
                         val ? val : "");
                return -1;
            }
        } else if (!strcmp(k, "queue") && val &&
                   (!strcmp(val, "all") || !strcmp(val, "rx") || !strcmp(val, "tx"))) {
            rx = strcmp(val, "tx") != 0;
            tx = strcmp(val, "rx") != 0;
        } else if (strcmp(k, "id") && strcmp(k, "status") && strcmp(k, "position") &&
                   strcmp(k, "insert")) {
            snprintf(err, errlen, "%s: '%s' is not supported (filter-dump takes netdev=, "
                     "file=, maxlen=, queue=)", opt, k);
            return -1;
        }
    }
    if (!netdev || !file) {
        snprintf(err, errlen, "%s: needs netdev=ID and file=FILE", opt);
        return -1;
    }
    return add_dump(n, opt, netdev, file, (uint32_t)snaplen, rx, tx, err, errlen);
}

/* ---- shared folders ---- */

static struct share_option *find_share(struct net_options *n, const char *id)
{
    for (unsigned i = 0; i < n->nshares; i++)
        if (n->shares[i].id && !strcmp(n->shares[i].id, id))
            return &n->shares[i];
    return NULL;
}

/* -virtfs local,path=DIR,mount_tag=TAG,security_model=M[,readonly=on][,id=ID] and
 * -fsdev local,id=ID,path=DIR,security_model=M[,readonly=on] (`fsdev`: no tag). */
static int parse_share(struct net_options *n, bool fsdev, const char *v, char *err,
                       size_t errlen)
{
    char opt[600];
    snprintf(opt, sizeof opt, "-%s %s", fsdev ? "fsdev" : "virtfs", v);
    struct option_list l;
    if (option_list_split(opt, v, &l, err, errlen))
        return -1;
    if (l.it[0].value || strcmp(l.it[0].key, "local")) {
        snprintf(err, errlen, "%s: rvbox shares host directories (local) only", opt);
        return -1;
    }
    const char *path = NULL, *tag = NULL, *id = NULL, *model = NULL;
    bool readonly = false;
    for (unsigned i = 1; i < l.n; i++) {
        const char *k = l.it[i].key, *val = l.it[i].value;
        if (!strcmp(k, "path")) {
            path = val;
        } else if (!strcmp(k, "mount_tag") && !fsdev) {
            tag = val;
        } else if (!strcmp(k, "id")) {
            id = val;
        } else if (!strcmp(k, "security_model")) {
            model = val;
        } else if (!strcmp(k, "readonly")) {
            if (on_off(opt, k, val, &readonly, err, errlen))
                return -1;
        } else if (strcmp(k, "writeout") && strcmp(k, "multidevs") &&
                   strcmp(k, "throttling.bps-total")) {
            snprintf(err, errlen, "%s: '%s' is not supported (rvbox takes path=, %s"
                     "security_model=, readonly=, id=)", opt, k, fsdev ? "" : "mount_tag=, ");
            return -1;
        }
    }
    if (!path || !*path) {
        snprintf(err, errlen, "%s: needs path=DIR (the host directory to share)", opt);
        return -1;
    }
    if (!fsdev && (!tag || !*tag)) {
        snprintf(err, errlen, "%s: needs mount_tag=TAG (what the guest mounts)", opt);
        return -1;
    }
    if (tag && strlen(tag) > 255) {
        snprintf(err, errlen, "%s: mount_tag= has more than 255 bytes", opt);
        return -1;
    }
    if (fsdev && (!id || !*id)) {
        snprintf(err, errlen, "%s: needs id=ID", opt);
        return -1;
    }
    if (!model) {
        snprintf(err, errlen, "%s: needs security_model=none (as QEMU)", opt);
        return -1;
    }
    if (strcmp(model, "none") && strcmp(model, "passthrough")) {
        snprintf(err, errlen, "%s: security_model=%s is not supported: rvbox passes owners "
                 "and modes through as they are (security_model=none)", opt, model);
        return -1;
    }
    if (id && find_share(n, id)) {
        snprintf(err, errlen, "%s: a shared folder with id=%s exists already", opt, id);
        return -1;
    }
    if (n->nshares == NET_MAX_SHARES) {
        snprintf(err, errlen, "%s: more than %d shared folders", opt, NET_MAX_SHARES);
        return -1;
    }
    struct share_option *s = &n->shares[n->nshares];
    memset(s, 0, sizeof *s);
    s->readonly = readonly;
    s->has_device = !fsdev;
    s->bus = s->slot = -1;
    if (!(s->path = strdup(path)) || (tag && !(s->tag = strdup(tag))) ||
        (id && !(s->id = strdup(id)))) {
        free(s->path);
        free(s->tag);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    n->nshares++;
    return 0;
}

/* ---- -device virtio-net-device, virtio-9p-device ---- */

int net_device_option(struct net_options *n, const char *text, char *err, size_t errlen)
{
    bool net = !strncmp(text, "virtio-net-device", 17) && (!text[17] || text[17] == ',');
    bool p9 = !strncmp(text, "virtio-9p-device", 16) && (!text[16] || text[16] == ',');
    if (!net && !p9)
        return 0;
    char opt[600];
    snprintf(opt, sizeof opt, "-device %s", text);
    struct option_list l;
    if (option_list_split(opt, text, &l, err, errlen))
        return -1;
    const char *backend = NULL, *tag = NULL;
    uint8_t mac[6];
    bool has_mac = false;
    int bus = -1;
    for (unsigned i = 1; i < l.n; i++) {
        const char *k = l.it[i].key, *val = l.it[i].value;
        if (!strcmp(k, net ? "netdev" : "fsdev") && val && *val) {
            backend = val;
        } else if (net && !strcmp(k, "mac")) {
            if (!(has_mac = parse_mac(val, mac))) {
                snprintf(err, errlen, "%s: mac=%s: want a unicast address like "
                         "52:54:00:12:34:56", opt, val ? val : "");
                return -1;
            }
        } else if (!net && !strcmp(k, "mount_tag") && val && *val) {
            tag = val;
        } else if (!strcmp(k, "bus")) {
            if ((bus = parse_bus(val)) < 0) {
                snprintf(err, errlen, "%s: bus=%s: want virtio-mmio-bus.N", opt, val ? val : "");
                return -1;
            }
        } else if (strcmp(k, "id") && !(net && !strcmp(k, "romfile"))) {
            snprintf(err, errlen, "%s: '%s' is not supported", opt, k);
            return -1;
        }
    }
    if (!backend) {
        snprintf(err, errlen, "%s: needs %s", opt, net ? "netdev=ID (a -netdev user,id=ID)"
                                                       : "fsdev=ID (an -fsdev local,id=ID)");
        return -1;
    }
    if (net)
        return add_nic(n, opt, backend, has_mac ? mac : NULL, bus, err, errlen) ? -1 : 1;
    struct share_option *s = find_share(n, backend);
    if (!s || s->has_device) {
        snprintf(err, errlen, s ? "%s: fsdev %s is another device's already"
                                : "%s: no -fsdev with id=%s", opt, backend);
        return -1;
    }
    if (!tag || strlen(tag) > 255) {
        snprintf(err, errlen, "%s: needs mount_tag=TAG (1 to 255 bytes)", opt);
        return -1;
    }
    if (!(s->tag = strdup(tag))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->has_device = true;
    s->bus = bus;
    return 1;
}

/* ---- the options themselves ---- */

int net_option(struct net_options *n, const char *name, int *i, int argc, char **argv,
               char *err, size_t errlen)
{
    static const char *const names[] = { "-netdev", "-nic", "-net", "-object", "-net-dump",
                                          "-virtfs", "-fsdev" };
    unsigned which;
    for (which = 0; which < sizeof names / sizeof names[0]; which++)
        if (!strcmp(name, names[which]))
            break;
    if (which == sizeof names / sizeof names[0])
        return 0;
    if (*i + 1 >= argc) {
        snprintf(err, errlen, "%s needs a value (try --help)", argv[*i]);
        return -1;
    }
    const char *v = argv[++*i];
    int r;
    switch (which) {
    case 0: r = parse_netdev(n, v, err, errlen); break;
    case 1: r = parse_nic(n, "nic", v, err, errlen); break;
    case 2: r = parse_nic(n, "net", v, err, errlen); break;
    case 3: r = parse_object(n, v, err, errlen); break;
    case 4:
        r = add_dump(n, "--net-dump", NULL, v, PCAP_DEFAULT_SNAPLEN, true, true, err, errlen);
        break;
    case 5: r = parse_share(n, false, v, err, errlen); break;
    default: r = parse_share(n, true, v, err, errlen); break;
    }
    return r ? -1 : 1;
}

/* Slot `bus` for `what`, or the highest free one. -1 with err set when none is left. */
static int take_slot(bool *used, unsigned nslots, int bus, const char *what, char *err,
                     size_t errlen)
{
    if (bus >= (int)nslots) {
        snprintf(err, errlen, "%s: virtio-mmio-bus.%d is not for it (rvbox's slots 0 to %u "
                 "take disks, network cards and shared folders)", what, bus, nslots - 1);
        return -1;
    }
    if (bus >= 0) {
        if (used[bus]) {
            snprintf(err, errlen, "%s: virtio-mmio-bus.%d has a device already", what, bus);
            return -1;
        }
        used[bus] = true;
        return bus;
    }
    for (int s = (int)nslots - 1; s >= 0; s--)
        if (!used[s]) {
            used[s] = true;
            return s;
        }
    snprintf(err, errlen, "%s: no virtio slot left (rvbox has %u for disks, network cards "
             "and shared folders)", what, nslots);
    return -1;
}

int options_net_place(struct net_options *n, bool *used, unsigned nslots, char *err,
                      size_t errlen)
{
    for (unsigned i = 0; i < n->nnics; i++) {
        struct nic_option *c = &n->nics[i];
        if (!find_netdev(n, c->netdev)) {
            snprintf(err, errlen, "%s: no -netdev with id=%s", c->text, c->netdev);
            return -1;
        }
        for (unsigned j = 0; j < i; j++)
            if (!strcmp(n->nics[j].netdev, c->netdev)) {
                snprintf(err, errlen, "%s: netdev %s is another card's already", c->text,
                         c->netdev);
                return -1;
            }
        if (!c->has_mac) {                  /* QEMU's: 52:54:00:12:34:56, then :57... */
            static const uint8_t base[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
            memcpy(c->mac, base, 6);
            c->mac[5] = (uint8_t)(base[5] + i);
        }
    }
    for (unsigned i = 0; i < n->ndumps; i++) {
        struct dump_option *d = &n->dumps[i];
        if (!d->netdev && n->nnetdevs == 0) {
            snprintf(err, errlen, "--net-dump %s: there is no network to capture (add -nic "
                     "user)", d->file);
            return -1;
        }
        if (d->netdev && !find_netdev(n, d->netdev)) {
            snprintf(err, errlen, "-object filter-dump,netdev=%s: no -netdev with id=%s",
                     d->netdev, d->netdev);
            return -1;
        }
    }
    /* Explicit slots first, then the rest from the top down, cards before folders. */
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < n->nnics; i++) {
            struct nic_option *c = &n->nics[i];
            if ((c->bus >= 0) == (pass == 0) &&
                (c->slot = take_slot(used, nslots, c->bus, c->text, err, errlen)) < 0)
                return -1;
        }
        for (unsigned i = 0; i < n->nshares; i++) {
            struct share_option *s = &n->shares[i];
            char what[300];
            snprintf(what, sizeof what, "shared folder %s", s->path);
            if (s->has_device && (s->bus >= 0) == (pass == 0) &&
                (s->slot = take_slot(used, nslots, s->bus, what, err, errlen)) < 0)
                return -1;
        }
    }
    return 0;
}

bool options_net_any(const struct net_options *n)
{
    return n->nnetdevs > 0 || n->nnics > 0 || n->nshares > 0;
}

void options_net_free(struct net_options *n)
{
    for (unsigned i = 0; i < n->nnetdevs; i++)
        netdev_free(&n->netdevs[i]);
    for (unsigned i = 0; i < n->nnics; i++) {
        free(n->nics[i].netdev);
        free(n->nics[i].text);
    }
    for (unsigned i = 0; i < n->ndumps; i++) {
        free(n->dumps[i].netdev);
        free(n->dumps[i].file);
    }
    for (unsigned i = 0; i < n->nshares; i++) {
        free(n->shares[i].id);
        free(n->shares[i].path);
        free(n->shares[i].tag);
    }
    memset(n, 0, sizeof *n);
}
