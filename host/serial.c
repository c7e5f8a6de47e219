/* grantpt, unlockpt, ptsname, cfmakeraw */
#define _DEFAULT_SOURCE
#define _XOPEN_SOURCE 700
#define _GNU_SOURCE             /* POLLRDHUP */

#include "host/serial.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "host/monitor.h"
#include "host/term.h"

#define ESCAPE_CHAR 0x01            /* Ctrl-A, as QEMU */
#define INPUT_BUFFER 4096
#define OUTPUT_BUFFER 4096
/* Clients waiting while one is served: one at a time talks to the guest, but a client
 * that comes while the queue is full has its connection dropped and retried seconds
 * later by its kernel. */
#define TCP_BACKLOG 64

enum serial_kind { SERIAL_STDIO, SERIAL_PTY, SERIAL_TCP, SERIAL_FILE, SERIAL_NONE };

struct serial {
    enum serial_kind kind;
    int in_fd, out_fd;              /* -1 when absent */
    int listen_fd;                  /* tcp: the listening socket */
    bool pty_idle;                  /* pty: nobody has the other side open */
    bool escapes;                   /* stdio: Ctrl-A commands */
    bool escape_pending;
    bool quit;
    struct monitor_term *monitor;   /* Ctrl-A c: the monitor's side of the console */
    bool monitor_focus;             /* typed keys go to the monitor, not the guest */
    unsigned head, tail;            /* input ring: bytes [tail, head) */
    unsigned char ring[INPUT_BUFFER];
    unsigned out_len;               /* guest output not yet written (serial_flush) */
    unsigned char out[OUTPUT_BUFFER];
};

static void write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;                 /* a closed or full pty/socket: the byte is dropped */
        p += n;
        len -= (size_t)n;
    }
}

void serial_flush(struct serial *s)
{
    if (!s)
        return;
    if (s->out_len && s->out_fd >= 0)
        write_all(s->out_fd, s->out, s->out_len);
    s->out_len = 0;
}

/* Kept until the end of the slice: a write(2) per byte to a pty cost the host more
 * than running the guest code that made the byte (a guest echoing a paste spent most
 * of its slices in them). */
static void serial_write(void *opaque, uint8_t byte)
{
    struct serial *s = opaque;
    if (s->out_fd < 0)
        return;
    if (s->out_len == sizeof s->out)
        serial_flush(s);
    s->out[s->out_len++] = byte;
}

static int serial_read(void *opaque)
{
    struct serial *s = opaque;
    if (s->tail == s->head)
        return -1;
    return s->ring[s->tail++ % INPUT_BUFFER];
}

static void push_input(struct serial *s, unsigned char c)
{
    if (s->head - s->tail < INPUT_BUFFER)
        s->ring[s->head++ % INPUT_BUFFER] = c;
}

static void print_escapes(const struct serial *s)
{
    static const char help[] =
        "\r\nC-a h    print this help\r\n"
        "C-a x    exit rvbox (disks are flushed)\r\n"
        "C-a C-a  send C-a to the guest\r\n";
    static const char monitor[] = "C-a c    switch between console and monitor\r\n";
    write_all(STDERR_FILENO, help, sizeof help - 1);
    if (s->monitor)
        write_all(STDERR_FILENO, monitor, sizeof monitor - 1);
}

/* A typed byte goes to whoever has the console: the guest or the monitor. */
static void deliver(struct serial *s, unsigned char c)
{
    if (s->monitor_focus)
        monitor_term_input(s->monitor, &c, 1);
    else
        push_input(s, c);
}

/* QEMU's escapes: Ctrl-A then a command letter. Unknown commands are dropped. */
static void take_input(struct serial *s, unsigned char c)
{
    if (!s->escapes) {
        push_input(s, c);
        return;
    }
    if (s->escape_pending) {
        s->escape_pending = false;
        if (c == 'x' || c == 'X') {
            s->quit = true;
        } else if (c == 'h' || c == 'H' || c == '?') {
            print_escapes(s);
        } else if ((c == 'c' || c == 'C') && s->monitor) {
            s->monitor_focus = !s->monitor_focus;
            if (s->monitor_focus)
                monitor_term_enter(s->monitor);
            else
                write_all(s->out_fd, "\r\n", 2);
        } else if (c == ESCAPE_CHAR) {
            deliver(s, c);
        }
        return;
    }
    if (c == ESCAPE_CHAR)
        s->escape_pending = true;
    else
        deliver(s, c);
}

/* tcp: accept a waiting client, if any (the listening socket is non-blocking). */
static void tcp_accept(struct serial *s)
{
    int fd = accept(s->listen_fd, NULL, NULL);
    if (fd < 0)
        return;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    s->in_fd = s->out_fd = fd;
}

/* The input ends: end of file, an error, or a tcp client gone. A client that hung up
 * with more unread than the buffer holds was flooding: what it sent goes with it, and
 * the next client starts afresh. One that said its piece and left (everything read)
 * has it delivered. */
static void input_ended(struct serial *s, bool flooded)
{
    if (s->kind == SERIAL_TCP) {
        close(s->in_fd);
        s->out_fd = -1;
        if (flooded)
            s->head = s->tail = 0;
    }
    s->in_fd = -1;
}

static unsigned ring_room(const struct serial *s)
{
    return INPUT_BUFFER - (s->head - s->tail);
}

/* What to wait for on the input: bytes only while the ring has room (else an unread
 * descriptor would end every wait at once), and a tcp client hanging up always. */
static short input_events(const struct serial *s)
{
    short ev = ring_room(s) || s->monitor_focus ? POLLIN : 0;
    if (s->kind == SERIAL_TCP)
        ev |= POLLRDHUP;
    return ev;
}

static bool pump_input(struct serial *s);
static void pump_pty(struct serial *s);

void serial_pump(struct serial *s)
{
    if (s->kind == SERIAL_PTY) {
        pump_pty(s);
        return;
    }
    /* A client that hung up makes room for the next at once: round again. */
    for (int round = 0; round < TCP_BACKLOG + 1; round++) {
        if (s->kind == SERIAL_TCP && s->in_fd < 0)
            tcp_accept(s);
        if (s->in_fd < 0 || !pump_input(s) || s->kind != SERIAL_TCP)
            return;
    }
}

/* Read what the input has, while the buffer has room. True if the input ended. */
static bool pump_input(struct serial *s)
{
    unsigned char buf[256];
    for (;;) {
        /* Ask first, so that a blocking descriptor (stdin is left blocking: it may be
         * shared with the shell) is only read when it has something. */
        struct pollfd pfd = { .fd = s->in_fd, .events = input_events(s) };
        if (pfd.events == 0 || poll(&pfd, 1, 0) <= 0)
            return false;
        /* The monitor takes what it is typed whatever the guest's ring holds. */
        unsigned room = s->monitor_focus ? sizeof buf : ring_room(s);
        if (room == 0) {
            /* The guest is not reading: leave the rest waiting, unless the peer left. */
            if (!(pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)))
                return false;
            input_ended(s, true);
            return true;
        }
        if (!(pfd.revents & (POLLIN | POLLRDHUP | POLLHUP | POLLERR)))
            return false;
        ssize_t n = read(s->in_fd, buf, room < sizeof buf ? room : sizeof buf);
        if (n > 0) {
            for (ssize_t i = 0; i < n; i++)
                take_input(s, buf[i]);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return false;
        input_ended(s, false);  /* end of input or an error; a tcp client may come back */
        return true;
    }
}

/* A pty master hangs up (POLLHUP, and reads fail with EIO) while no client has the other
 * side open: before the first one comes, and after each one leaves. That is no end of
 * input: read what a client left behind, then look again at every turn of the run loop
 * until one opens it (serial_pollfd leaves the master out of the loop's sleep meanwhile,
 * so an idle guest still sleeps; the loop wakes at least every 100 ms). */
static void pump_pty(struct serial *s)
{
    unsigned char buf[256];
    for (;;) {
        struct pollfd pfd = { .fd = s->in_fd, .events = input_events(s) };
        if (poll(&pfd, 1, 0) < 0)
            return;
        s->pty_idle = (pfd.revents & (POLLHUP | POLLERR)) && !(pfd.revents & POLLIN);
        unsigned room = ring_room(s);
        if (!(pfd.revents & POLLIN) || room == 0)
            return;
        ssize_t n = read(s->in_fd, buf, room < sizeof buf ? room : sizeof buf);
        if (n > 0) {
            for (ssize_t i = 0; i < n; i++)
                take_input(s, buf[i]);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0 || errno == EIO)
            s->pty_idle = true;     /* the client left: wait for the next */
        return;
    }
}

static int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* A pty master whose slave can be opened by its name. In some containers /dev/ptmx
 * belongs to another devpts instance than the one mounted on /dev/pts, and the names
 * it hands out do not exist: then /dev/pts/ptmx is the right multiplexer. */
static int open_pty_master(void)
{
    static const char *const muxes[] = { "/dev/ptmx", "/dev/pts/ptmx" };
    for (size_t i = 0; i < 2; i++) {
        int fd = open(muxes[i], O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
            continue;
        const char *name;
        if (grantpt(fd) == 0 && unlockpt(fd) == 0 && (name = ptsname(fd)) &&
            access(name, F_OK) == 0)
            return fd;
        close(fd);
    }
    return -1;
}

int serial_pty_open(char *path, size_t pathlen)
{
    int fd = open_pty_master();
    if (fd < 0 || set_nonblock(fd)) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        errno = e;
        return -1;
    }
    /* The slave starts in cooked mode; make it raw as QEMU does, so that the guest's
     * bytes pass through untouched whoever opens it. */
    int slave = open(ptsname(fd), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave >= 0) {
        struct termios t;
        if (tcgetattr(slave, &t) == 0) {
            cfmakeraw(&t);
            tcsetattr(slave, TCSANOW, &t);
        }
        close(slave);
    }
    snprintf(path, pathlen, "%s", ptsname(fd));
    return fd;
}

static int open_pty(struct serial *s, char *err, size_t errlen)
{
    char path[64];
    int fd = serial_pty_open(path, sizeof path);
    if (fd < 0) {
        snprintf(err, errlen, "-serial pty: cannot create a pty (%s)", strerror(errno));
        return -1;
    }
    fprintf(stderr, "rvbox: serial console on %s\n", path);
    s->in_fd = s->out_fd = fd;
    return 0;
}

/* A TCP port (1 to 65535, decimal digits only) at the start of `s`; *end after it. Not
 * sscanf's %u, which takes "-1" and wraps 4294967297 to 1. */
static bool parse_port(const char *s, const char **end, unsigned *port)
{
    unsigned v = 0;
    if (!isdigit((unsigned char)*s))
        return false;
    for (; isdigit((unsigned char)*s); s++) {
        v = v * 10 + (unsigned)(*s - '0');
        if (v > 65535)
            return false;
    }
    *port = v;
    *end = s;
    return v != 0;
}

/* "tcp:127.0.0.1:PORT,server" (also "tcp::PORT,server"): listen, wait for a client. */
static int open_tcp(struct serial *s, const char *spec, char *err, size_t errlen)
{
    char host[64] = "127.0.0.1";
    unsigned port;
    int n = 0;
    const char *rest = spec + 4;
    if (rest[0] == ':')
        rest++;
    else if (sscanf(rest, "%63[^:]:%n", host, &n) == 1 && n > 0)
        rest += n;
    else
        rest = "";
    const char *tail;
    /* ",nowait": the guest starts at once, and a client is accepted when it comes (the
     * spelling host/options.c makes of QEMU's nowait and wait=off) */
    bool nowait = parse_port(rest, &tail, &port) && !strcmp(tail, ",server,nowait");
    if (!parse_port(rest, &tail, &port) ||
        (strcmp(tail, ",server") && strcmp(tail, ",server,wait") && strcmp(tail, ",server=on") &&
         !nowait)) {
        snprintf(err, errlen, "-serial %s: want tcp:127.0.0.1:PORT,server", spec);
        return -1;
    }
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        snprintf(err, errlen, "-serial %s: '%s' is not an IPv4 address", spec, host);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (fd < 0) {
        snprintf(err, errlen, "-serial %s: %s", spec, strerror(errno));
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) || listen(fd, TCP_BACKLOG)) {
        snprintf(err, errlen, "-serial %s: %s", spec, strerror(errno));
        close(fd);
        return -1;
    }
    s->listen_fd = fd;
    if (nowait) {
        set_nonblock(fd);
        fprintf(stderr, "rvbox: serial console on tcp:%s:%u\n", host, port);
        return 0;
    }
    fprintf(stderr, "rvbox: waiting for a connection on tcp:%s:%u\n", host, port);
    int client;
    while ((client = accept(fd, NULL, NULL)) < 0 && errno == EINTR)
        ;
    set_nonblock(fd);
    if (client >= 0) {
        set_nonblock(client);
        s->in_fd = s->out_fd = client;
    }
    return 0;
}

struct serial *serial_open(const char *spec, char *err, size_t errlen)
{
    struct serial *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->in_fd = s->out_fd = s->listen_fd = -1;
    int rc = 0;
    if (!strcmp(spec, "stdio") || !strcmp(spec, "mon:stdio")) {
        s->kind = SERIAL_STDIO;
        s->in_fd = STDIN_FILENO;
        s->out_fd = STDOUT_FILENO;
        s->escapes = true;
        term_raw();                 /* only if stdin is a terminal */
    } else if (!strcmp(spec, "pty")) {
        s->kind = SERIAL_PTY;
        rc = open_pty(s, err, errlen);
    } else if (!strncmp(spec, "tcp:", 4)) {
        s->kind = SERIAL_TCP;
        rc = open_tcp(s, spec, err, errlen);
    } else if (!strncmp(spec, "file:", 5)) {
        s->kind = SERIAL_FILE;
        s->out_fd = open(spec + 5, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (s->out_fd < 0) {
            snprintf(err, errlen, "-serial %s: %s", spec, strerror(errno));
            rc = -1;
        }
    } else if (!strcmp(spec, "none") || !strcmp(spec, "null")) {
        s->kind = SERIAL_NONE;
    } else {
        snprintf(err, errlen, "-serial %s: want stdio, pty, tcp:127.0.0.1:PORT,server, "
                 "file:PATH or none", spec);
        rc = -1;
    }
    if (rc) {
        serial_close(s);
        return NULL;
    }
    return s;
}

/* The monitor's text on the console, after what the guest printed before it. */
static void monitor_write(void *opaque, const char *text, size_t len)
{
    struct serial *s = opaque;
    serial_flush(s);
    if (s->out_fd >= 0)
        write_all(s->out_fd, text, len);
}

void serial_attach_monitor(struct serial *s, struct monitor *mon)
{
    if (s->kind != SERIAL_STDIO || s->monitor)
        return;
    s->monitor = monitor_term_create(mon, monitor_write, s);
}

void serial_close(struct serial *s)
{
    if (!s)
        return;
    monitor_term_destroy(s->monitor);
    serial_flush(s);
    if (s->kind == SERIAL_STDIO) {
        term_restore();
    } else {
        if (s->in_fd >= 0)
            close(s->in_fd);
        else if (s->out_fd >= 0)
            close(s->out_fd);
    }
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    free(s);
}

struct chardev serial_chardev(struct serial *s)
{
    return (struct chardev){ .opaque = s, .write = serial_write, .read = serial_read };
}

void serial_pollfd(const struct serial *s, struct pollfd *p)
{
    p->revents = 0;
    if (!s) {
        p->fd = -1;
        p->events = 0;
    } else if (s->kind == SERIAL_TCP && s->in_fd < 0) {
        p->fd = s->listen_fd;
        p->events = POLLIN;
    } else {
        p->fd = s->in_fd;
        p->events = input_events(s);
        if (!p->events || s->pty_idle)
            p->fd = -1;         /* nothing to wait for: a full ring and not tcp, or a pty
                                   nobody has open (it would end every wait at once) */
    }
}

bool serial_has_input(const struct serial *s)
{
    return s && s->head != s->tail;
}

bool serial_quit_requested(const struct serial *s)
{
    return s->quit;
}
