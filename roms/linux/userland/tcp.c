/* rvbox userland: TCP by hand, IPv4 addresses only (no DNS).
 *   tcp connect HOST PORT [TEXT...]  connect, send TEXT and a newline (if
 *                                    given), close the sending side, print
 *                                    what comes back until the peer closes
 *   tcp serve PORT [TEXT...]         listen, say so, take one connection,
 *                                    print what it sends until it closes its
 *                                    side, answer TEXT and a newline, close
 *   tcp get HOST PORT                connect, read until the peer closes,
 *                                    print how much came in how long
 *   tcp put HOST PORT BYTES          connect, send BYTES bytes, close
 * Exit status 0, or 1 with the reason. */
#include "rv32_nolibc.h"
#include "rv32_net.h"

#define BUF 16384

static char buf[BUF];

static int die(const char *what)
{
	printf("tcp: %s (errno %d)\n", what, errno);
	return 1;
}

static int usage(void)
{
	printf("usage: tcp connect HOST PORT [TEXT...] | tcp serve PORT [TEXT...] |"
	       " tcp get HOST PORT | tcp put HOST PORT BYTES\n");
	return 2;
}

static int write_all(int fd, const char *p, int n)
{
	while (n > 0) {
		int w = write(fd, p, n);

		if (w <= 0)
			return -1;
		p += w;
		n -= w;
	}
	return 0;
}

/* the words of argv, blank-separated, and a newline */
static int send_words(int fd, int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (write_all(fd, argv[i], strlen(argv[i])) < 0 ||
		    write_all(fd, i + 1 < argc ? " " : "\n", 1) < 0)
			return -1;
	return 0;
}

/* everything the peer sends, to standard output */
static int print_all(int fd)
{
	int n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		write_all(1, buf, n);
	return n;
}

static int dial(const char *host, const char *port)
{
	struct sockaddr_in to;
	unsigned int ip;
	int fd, p = atoi(port);

	if (!rv_parse_ip(host, &ip) || p <= 0 || p > 65535) {
		printf("tcp: %s:%s: want an IPv4 address and a port\n", host, port);
		errno = EINVAL;
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	rv_sockaddr_in(&to, ip, p);
	if (connect(fd, &to, sizeof(to)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int cmd_connect(int argc, char **argv)
{
	int fd = dial(argv[0], argv[1]);

	if (fd < 0)
		return die("connect");
	if (argc > 2 && send_words(fd, argc - 2, argv + 2) < 0)
		return die("send");
	shutdown(fd, SHUT_WR);
	if (print_all(fd) < 0)
		return die("receive");
	close(fd);
	return 0;
}

static int cmd_serve(int argc, char **argv)
{
	struct sockaddr_in me, peer;
	int fd, c, one = 1, len = sizeof(peer), port = atoi(argv[0]);
	char ip[16];

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	rv_sockaddr_in(&me, 0, port);
	if (bind(fd, &me, sizeof(me)) < 0 || listen(fd, 1) < 0)
		return die("listen");
	printf("tcp: listening on port %d\n", port);
	c = accept(fd, &peer, &len);
	if (c < 0)
		return die("accept");
	close(fd);
	printf("tcp: connection from %s:%d\n",
	       rv_format_ip(peer.sin_addr.s_addr, ip),
	       rv_swap16(peer.sin_port));
	if (print_all(c) < 0)
		return die("receive");
	if (argc > 1 && send_words(c, argc - 1, argv + 1) < 0)
		return die("send");
	close(c);
	printf("tcp: closed\n");
	return 0;
}

static int cmd_get(char **argv)
{
	unsigned long long total = 0;
	long long start;
	int fd = dial(argv[0], argv[1]), n;

	if (fd < 0)
		return die("connect");
	start = rv_now_ms();
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	if (n < 0)
		return die("receive");
	close(fd);
	printf("tcp: received %llu bytes in %lld ms\n", total,
	       rv_now_ms() - start);
	return 0;
}

static int cmd_put(char **argv)
{
	unsigned long long left = (unsigned long)atol(argv[2]);
	int fd = dial(argv[0], argv[1]);

	if (fd < 0)
		return die("connect");
	memset(buf, 'x', sizeof(buf));
	while (left > 0) {
		int n = left < sizeof(buf) ? (int)left : (int)sizeof(buf);

		if (write_all(fd, buf, n) < 0)
			return die("send");
		left -= n;
	}
	shutdown(fd, SHUT_WR);
	print_all(fd);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "connect"))
		return cmd_connect(argc - 2, argv + 2);
	if (argc >= 3 && !strcmp(argv[1], "serve"))
		return cmd_serve(argc - 2, argv + 2);
	if (argc == 4 && !strcmp(argv[1], "get"))
		return cmd_get(argv + 2);
	if (argc == 5 && !strcmp(argv[1], "put"))
		return cmd_put(argv + 2);
	return usage();
}
