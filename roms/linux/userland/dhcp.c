/* rvbox userland: dhcp [IFACE] brings an interface (eth0 by default) up and
 * configures it by DHCP (RFC 2131): DISCOVER, OFFER, REQUEST, ACK, then the
 * address, the netmask and a default route through the router offered. It
 * prints what it got:
 *   dhcp: eth0 10.0.2.15/24 router 10.0.2.2 dns 10.0.2.3 lease 86400 s
 * and exits 0, or says why not and exits 1. A UDP socket bound to port 68 on
 * the interface (SO_BINDTODEVICE) does both ways: an interface without an
 * address sends from 0.0.0.0 to the broadcast address, and takes broadcasts. */
#include "rv32_nolibc.h"
#include "rv32_net.h"

#define BOOTREQUEST 1
#define DHCP_MAGIC 0x63825363u
#define DISCOVER 1
#define OFFER 2
#define REQUEST 3
#define ACK 5
#define NAK 6
#define OPT_SUBNET 1
#define OPT_ROUTER 3
#define OPT_DNS 6
#define OPT_REQUESTED_IP 50
#define OPT_LEASE 51
#define OPT_TYPE 53
#define OPT_SERVER_ID 54
#define OPT_PARAMS 55
#define OPT_END 255
#define TRIES 4
#define WAIT_MS 2000

struct bootp {
	unsigned char op, htype, hlen, hops;
	unsigned int xid;
	unsigned short secs, flags;
	unsigned int ciaddr, yiaddr, siaddr, giaddr;
	unsigned char chaddr[16];
	char sname[64], file[128];
	unsigned int magic;
	unsigned char options[312];
};

/* what a reply said */
struct lease {
	int type;
	unsigned int addr, server, mask, router, dns, seconds;
};

static const char *iface = "eth0";

static int die(const char *what)
{
	printf("dhcp: %s: %s (errno %d)\n", iface, what, errno);
	return 1;
}

static unsigned int be32(const unsigned char *p)
{
	return (unsigned int)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* a network-order address from 4 option bytes */
static unsigned int ip_at(const unsigned char *p)
{
	unsigned int v;

	memcpy(&v, p, 4);
	return v;
}

static int ifreq_ioctl(int fd, unsigned long req, struct ifreq *ifr)
{
	memset(ifr->ifr_name, 0, IFNAMSIZ);
	strncpy(ifr->ifr_name, iface, IFNAMSIZ - 1);
	return ioctl(fd, req, ifr);
}

static int set_addr(int fd, unsigned long req, unsigned int ip)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	rv_sockaddr_in((struct sockaddr_in *)&ifr.u.addr, ip, 0);
	return ifreq_ioctl(fd, req, &ifr);
}

/* the interface up, and its hardware address into mac */
static int bring_up(int fd, unsigned char *mac)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (ifreq_ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return -1;
	ifr.u.flags |= IFF_UP;
	if (ifreq_ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return -1;
	if (ifreq_ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return -1;
	memcpy(mac, ifr.u.hwaddr.sa_data, 6);
	return 0;
}

static int send_msg(int fd, unsigned int xid, const unsigned char *mac,
		    int type, const struct lease *offer)
{
	static struct bootp m;
	struct sockaddr_in to;
	unsigned char *o = m.options;

	memset(&m, 0, sizeof(m));
	m.op = BOOTREQUEST;
	m.htype = 1;			/* Ethernet */
	m.hlen = 6;
	m.xid = xid;
	m.flags = rv_swap16(0x8000);	/* answer by broadcast */
	memcpy(m.chaddr, mac, 6);
	m.magic = rv_swap32(DHCP_MAGIC);
	*o++ = OPT_TYPE;
	*o++ = 1;
	*o++ = type;
	if (offer) {
		*o++ = OPT_REQUESTED_IP;
		*o++ = 4;
		memcpy(o, &offer->addr, 4);
		o += 4;
		*o++ = OPT_SERVER_ID;
		*o++ = 4;
		memcpy(o, &offer->server, 4);
		o += 4;
	}
	*o++ = OPT_PARAMS;
	*o++ = 3;
	*o++ = OPT_SUBNET;
	*o++ = OPT_ROUTER;
	*o++ = OPT_DNS;
	*o++ = OPT_END;
	rv_sockaddr_in(&to, 0xffffffffu, 67);
	return sendto(fd, &m, sizeof(m), 0, &to, sizeof(to));
}

/* the options of a reply; 0 if it is not a DHCP reply to us */
static int parse(const struct bootp *m, int len, unsigned int xid,
		 struct lease *l)
{
	const unsigned char *o = m->options;
	const unsigned char *end = (const unsigned char *)m + len;

	memset(l, 0, sizeof(*l));
	if (len < (int)(sizeof(*m) - sizeof(m->options)) || m->op != 2 ||
	    m->xid != xid || rv_swap32(m->magic) != DHCP_MAGIC)
		return 0;
	l->addr = m->yiaddr;
	while (o < end && *o != OPT_END) {
		int code = *o++, n;

		if (code == 0)
			continue;	/* pad */
		if (o >= end || o + 1 + *o > end)
			break;
		n = *o++;
		if (code == OPT_TYPE && n >= 1)
			l->type = o[0];
		else if (code == OPT_SUBNET && n >= 4)
			l->mask = ip_at(o);
		else if (code == OPT_ROUTER && n >= 4)
			l->router = ip_at(o);
		else if (code == OPT_DNS && n >= 4)
			l->dns = ip_at(o);
		else if (code == OPT_SERVER_ID && n >= 4)
			l->server = ip_at(o);
		else if (code == OPT_LEASE && n >= 4)
			l->seconds = be32(o);
		o += n;
	}
	return l->type != 0;
}

/* send `type` and wait for an answer of `want` (or a NAK), a few times */
static int exchange(int fd, unsigned int xid, const unsigned char *mac,
		    int type, const struct lease *offer, int want,
		    struct lease *got)
{
	static struct bootp m;
	int try;

	for (try = 0; try < TRIES; try++) {
		long long deadline;

		if (send_msg(fd, xid, mac, type, offer) < 0)
			return -1;
		deadline = rv_now_ms() + WAIT_MS;
		for (;;) {
			struct pollfd p = { fd, POLLIN, 0 };
			long long left = deadline - rv_now_ms();
			int n;

			if (left <= 0 || poll(&p, 1, (int)left) <= 0)
				break;
			n = recvfrom(fd, &m, sizeof(m), 0, 0, 0);
			if (n > 0 && parse(&m, n, xid, got) &&
			    (got->type == want || got->type == NAK))
				return got->type == want ? 0 : -2;
		}
	}
	errno = ETIMEDOUT;
	return -1;
}

static int add_default_route(int fd, unsigned int router)
{
	struct rtentry rt;

	memset(&rt, 0, sizeof(rt));
	rv_sockaddr_in((struct sockaddr_in *)&rt.rt_dst, 0, 0);
	rv_sockaddr_in((struct sockaddr_in *)&rt.rt_genmask, 0, 0);
	rv_sockaddr_in((struct sockaddr_in *)&rt.rt_gateway, router, 0);
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	rt.rt_dev = (char *)iface;
	if (ioctl(fd, SIOCADDRT, &rt) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct lease offer, ack;
	unsigned char mac[6];
	unsigned int xid;
	char a[16], r[16], d[16];
	int fd, one = 1, bits, rc;
	struct sockaddr_in me;

	if (argc > 1)
		iface = argv[1];
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return die("socket");
	if (bring_up(fd, mac) < 0)
		return die("cannot bring it up");
	if (setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface,
		       strlen(iface) + 1) < 0)
		return die("setsockopt");
	rv_sockaddr_in(&me, 0, 68);
	if (bind(fd, &me, sizeof(me)) < 0)
		return die("bind to port 68");
	xid = (unsigned int)rv_now_ms() ^ (mac[4] << 24 | mac[5] << 16);
	rc = exchange(fd, xid, mac, DISCOVER, 0, OFFER, &offer);
	if (rc < 0)
		return die("no offer from a DHCP server");
	rc = exchange(fd, xid, mac, REQUEST, &offer, ACK, &ack);
	if (rc == -2) {
		printf("dhcp: %s: the server refused (NAK)\n", iface);
		return 1;
	}
	if (rc < 0)
		return die("no answer to the request");
	if (!ack.mask)
		ack.mask = rv_swap32(0xffffff00u);
	if (set_addr(fd, SIOCSIFADDR, ack.addr) < 0 ||
	    set_addr(fd, SIOCSIFNETMASK, ack.mask) < 0)
		return die("cannot set the address");
	if (ack.router && add_default_route(fd, ack.router) < 0)
		return die("cannot add the default route");
	for (bits = 0; bits < 32 && (ack.mask >> bits & 1); bits++)
		;			/* network order: the ones come first */
	printf("dhcp: %s %s/%d router %s dns %s lease %u s\n", iface,
	       rv_format_ip(ack.addr, a), bits,
	       rv_format_ip(ack.router, r), rv_format_ip(ack.dns, d),
	       ack.seconds);
	close(fd);
	return 0;
}
