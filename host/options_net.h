/*
 * The options about the network and shared folders, in QEMU's spellings:
 *   -netdev user,id=ID[,net=ADDR[/MASK]][,host=ADDR][,dhcpstart=ADDR][,dns=ADDR]
 *          [,hostname=NAME][,domainname=NAME][,restrict=on|off][,hostfwd=RULE]...
 *   -device virtio-net-device,netdev=ID[,mac=MAC][,bus=virtio-mmio-bus.N]
 *   -nic user[,model=virtio-net-device][,mac=MAC][,-netdev user's settings]
 *   -object filter-dump,id=ID,netdev=ID,file=F[,maxlen=N]   and   --net-dump F
 *   -virtfs local,path=DIR,mount_tag=TAG,security_model=none[,readonly=on][,id=ID]
 *   -fsdev local,id=ID,path=DIR,security_model=none[,readonly=on]
 *     + -device virtio-9p-device,fsdev=ID,mount_tag=TAG[,bus=virtio-mmio-bus.N]
 * A hostfwd RULE is [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT; HOSTADDR is
 * 127.0.0.1 unless given (QEMU: every interface), GUESTADDR the first address DHCP gives.
 */
#ifndef RVBOX_OPTIONS_NET_H
#define RVBOX_OPTIONS_NET_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NET_MAX_NETDEVS   4
#define NET_MAX_NICS      4
#define NET_MAX_HOSTFWDS  16
#define NET_MAX_DUMPS     4
#define NET_MAX_SHARES    4

/* One port forwarding rule. Addresses in network byte order; guest_addr 0: the first
 * address the DHCP server gives. */
struct hostfwd {
    bool udp;
    struct in_addr host_addr;
    uint16_t host_port;
    struct in_addr guest_addr;
    uint16_t guest_port;
};

/* -netdev user: libslirp's settings. Addresses in network byte order. */
struct netdev_option {
    char *id;                       /* owned */
    struct in_addr net, mask, host, dhcp_start, dns;
    bool restricted;                /* restrict=on: the guest reaches neither the host nor
                                       the outside (hostfwd rules still reach it) */
    char *hostname, *domainname;    /* owned, or NULL */
    unsigned nfwd;
    struct hostfwd fwd[NET_MAX_HOSTFWDS];
};

/* A virtio-net card (-device virtio-net-device, or -nic's). */
struct nic_option {
    char *netdev;                   /* the -netdev's id, owned */
    uint8_t mac[6];
    bool has_mac;
    int bus;                        /* bus=virtio-mmio-bus.N, or -1 */
    int slot;                       /* decided by options_net_place */
    char *text;                     /* the option as given, for messages; owned */
};

/* A packet capture of one netdev (-object filter-dump, --net-dump). */
struct dump_option {
    char *netdev;                   /* owned; NULL: --net-dump, the first netdev */
    char *file;                     /* owned */
    uint32_t snaplen;
    bool rx, tx;                    /* queue=all|rx|tx: which way (rx: into the guest) */
};

/* A shared folder on virtio-9p (-virtfs, or -fsdev + -device virtio-9p-device). */
struct share_option {
    char *id;                       /* -fsdev's id or -virtfs's id=, owned; may be NULL */
    char *path;                     /* owned */
    char *tag;                      /* owned; NULL until a -device names the fsdev */
    bool readonly;
    bool has_device;                /* -virtfs, or an -fsdev some -device uses */
    int bus;                        /* bus=virtio-mmio-bus.N, or -1 */
    int slot;
};

struct net_options {
    unsigned nnetdevs, nnics, ndumps, nshares;
    struct netdev_option netdevs[NET_MAX_NETDEVS];
    struct nic_option nics[NET_MAX_NICS];
    struct dump_option dumps[NET_MAX_DUMPS];
    struct share_option shares[NET_MAX_SHARES];
    unsigned auto_ids;              /* -nic without id=: "#net0", "#net1"... */
};

/* One of -netdev, -nic, -net, -object, --net-dump, -virtfs, -fsdev at argv[*i] (its
 * value from argv[*i + 1]): 1 if it was one, 0 if not, -1 on an error. `name` has one
 * leading dash. */
int net_option(struct net_options *n, const char *name, int *i, int argc, char **argv,
               char *err, size_t errlen);

/* -device TEXT, when TEXT is virtio-net-device or virtio-9p-device: 1 if it was, 0 if
 * not, -1 on an error. */
int net_device_option(struct net_options *n, const char *text, char *err, size_t errlen);

/* After the whole command line: resolve the ids, and put the cards and folders into
 * virtio slots: bus= where given, else the highest slot free (QEMU fills virtio-mmio
 * from the top down). used[0..nslots) says which slots the disks took, and gets these. */
int options_net_place(struct net_options *n, bool *used, unsigned nslots, char *err,
                      size_t errlen);

/* Does the machine talk to the outside world through these (a card or a folder)? */
bool options_net_any(const struct net_options *n);

void options_net_free(struct net_options *n);

/* A hostfwd rule, QEMU's spelling (above); for hostfwd_remove (`host_only`) the
 * [tcp|udp]:[HOSTADDR]:HOSTPORT part alone. 0, or -1 with a reason in err. */
int hostfwd_parse(const char *text, bool host_only, struct hostfwd *fw, char *err,
                  size_t errlen);

/* The rule in QEMU's spelling, every part given ("tcp:127.0.0.1:2222-10.0.2.15:22";
 * a guest address of 0 shows as nothing). */
void hostfwd_format(const struct hostfwd *fw, char *buf, size_t len);

/* The --help lines of these options. */
extern const char net_help[];

#endif
