/* rvbox userland: sockets and interface configuration on nolibc, which in 6.1
 * has no socket calls. The system calls are the generic ones (socket, bind,
 * connect...: rv32 has no socketcall multiplexer). struct ifreq and struct
 * rtentry are spelled here with the kernel's layout: the UAPI linux/if.h and
 * linux/route.h want a libc's <sys/socket.h>. Include after rv32_nolibc.h. */
#ifndef RVBOX_RV32_NET_H
#define RVBOX_RV32_NET_H

#include <linux/in.h>
#include <linux/sockios.h>
#include <asm/socket.h>

#define AF_INET 2
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SHUT_WR 1
#define IFNAMSIZ 16
#define IFF_UP 0x1
#define RTF_UP 0x1
#define RTF_GATEWAY 0x2
#define RV_CLOCK_MONOTONIC 1

struct sockaddr {
	unsigned short sa_family;
	char sa_data[14];
};

struct ifreq {
	char ifr_name[IFNAMSIZ];
	union {
		struct sockaddr addr;
		struct sockaddr hwaddr;
		short flags;
		int ifindex;
		char pad[16];
	} u;
};

struct rtentry {
	unsigned long rt_pad1;
	struct sockaddr rt_dst;
	struct sockaddr rt_gateway;
	struct sockaddr rt_genmask;
	unsigned short rt_flags;
	short rt_pad2;
	unsigned long rt_pad3;
	void *rt_pad4;
	short rt_metric;
	char *rt_dev;
	unsigned long rt_mtu;
	unsigned long rt_window;
	unsigned short rt_irtt;
};

/* byte order (libgcc's __bswapsi2 is not there for rv32) */
static __attribute__((unused)) unsigned int rv_swap32(unsigned int v)
{
	return v >> 24 | (v >> 8 & 0xff00) | (v << 8 & 0xff0000) | v << 24;
}

static __attribute__((unused)) unsigned short rv_swap16(unsigned short v)
{
	return (unsigned short)(v >> 8 | v << 8);
}

static __attribute__((unused)) int socket(int domain, int type, int proto)
{
	return rv_ret(my_syscall3(__NR_socket, domain, type, proto));
}

static __attribute__((unused)) int bind(int fd, const void *addr, int len)
{
	return rv_ret(my_syscall3(__NR_bind, fd, addr, len));
}

static __attribute__((unused)) int connect(int fd, const void *addr, int len)
{
	return rv_ret(my_syscall3(__NR_connect, fd, addr, len));
}

static __attribute__((unused)) int listen(int fd, int backlog)
{
	return rv_ret(my_syscall2(__NR_listen, fd, backlog));
}

static __attribute__((unused)) int accept(int fd, void *addr, int *len)
{
	return rv_ret(my_syscall3(__NR_accept, fd, addr, len));
}

static __attribute__((unused)) int shutdown(int fd, int how)
{
	return rv_ret(my_syscall2(__NR_shutdown, fd, how));
}

static __attribute__((unused)) int setsockopt(int fd, int level, int name,
					      const void *val, int len)
{
	return rv_ret(my_syscall5(__NR_setsockopt, fd, level, name, val, len));
}

static __attribute__((unused)) int sendto(int fd, const void *buf, int len,
					  int flags, const void *addr,
					  int alen)
{
	return rv_ret(my_syscall6(__NR_sendto, fd, buf, len, flags, addr,
				  alen));
}

static __attribute__((unused)) int recvfrom(int fd, void *buf, int len,
					    int flags, void *addr, int *alen)
{
	return rv_ret(my_syscall6(__NR_recvfrom, fd, buf, len, flags, addr,
				  alen));
}

/* milliseconds of CLOCK_MONOTONIC */
static __attribute__((unused)) long long rv_now_ms(void)
{
	struct timespec ts = { 0, 0 };

	my_syscall2(__NR_clock_gettime64, RV_CLOCK_MONOTONIC, &ts);
	/* unsigned: the helpers for signed 64-bit division are not there */
	return (long long)((unsigned long long)ts.tv_sec * 1000 +
			   (unsigned long long)ts.tv_nsec / 1000000);
}

/* "10.0.2.2" to a network-order address; 0 if it is not one */
static __attribute__((unused)) int rv_parse_ip(const char *s, unsigned int *ip)
{
	unsigned int v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned int part = 0;
		int digits = 0;

		while (*s >= '0' && *s <= '9' && digits < 4) {
			part = part * 10 + (*s++ - '0');
			digits++;
		}
		if (!digits || part > 255 || (i < 3 ? *s++ != '.' : *s != 0))
			return 0;
		v = v << 8 | part;
	}
	*ip = rv_swap32(v);
	return 1;
}

/* a network-order address as "10.0.2.15" into buf (16 bytes) */
static __attribute__((unused)) char *rv_format_ip(unsigned int ip, char *buf)
{
	unsigned char *b = (unsigned char *)&ip;
	char *p = buf;
	int i;

	for (i = 0; i < 4; i++) {
		p += utoa_r(b[i], p);
		*p++ = i < 3 ? '.' : 0;
	}
	return buf;
}

static __attribute__((unused)) void rv_sockaddr_in(struct sockaddr_in *sa,
						   unsigned int ip,
						   unsigned short port)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = rv_swap16(port);
	sa->sin_addr.s_addr = ip;
}

#endif /* RVBOX_RV32_NET_H */
