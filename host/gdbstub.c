#include "host/gdbstub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bus/bus.h"
#include "bus/memmap.h"
#include "cpu/csr.h"
#include "cpu/csr_defs.h"
#include "devices/machine.h"
#include "host/gdb_monitor.h"
#include "host/symbols.h"
#include "host/timeline.h"
#include "host/trace.h"

/* GDB's register numbers in our target description: x0..x31, pc, then each CSR at
 * 65 + its number and the privilege mode after the last CSR, as GDB numbers them. */
#define REG_PC        32
#define REG_F0        33                /* f0..f31: 33..64, 64 bits each (F and D) */
#define REG_F31       64
#define REG_CSR_BASE  65
#define REG_PRIV      (REG_CSR_BASE + 4096)

#define PACKET_SIZE   0x4000            /* what we tell GDB in qSupported */
#define IN_MAX        (2 * PACKET_SIZE)
#define SEND_TIMEOUT_MS 5000            /* a GDB that reads nothing this long is gone */

/* GDB's threads are the harts: thread id i + 1 is hart i. */

enum gdb_state {
    GDB_RUNNING,                /* the machine runs (GDB may or may not be attached) */
    GDB_HALTED,                 /* held for GDB */
    GDB_STEPPING,               /* one instruction, then halted again */
};

struct gdb_break {
    uint32_t addr, len;
    enum hart_watch kind;       /* 0 for a breakpoint */
};

#define MAX_BREAKS (HART_MAX_BREAKPOINTS + HART_MAX_WATCHPOINTS)

struct gdbstub {
    int listen_fd, fd;          /* fd: the connection, or -1 */
    const struct symbols *syms;
    struct machine *m;
    struct monitor *monitor;    /* where `monitor CMD` goes */
    enum gdb_state state;
    bool no_ack;                /* QStartNoAckMode */
    bool phys;                  /* `monitor phys on`: m/M are physical */
    bool killed;
    bool watch_done;            /* a watchpoint stop was reported: see start() */
    char in[IN_MAX];
    size_t in_len;
    /* What GDB inserted, as it inserted it (the same address may come twice, as Z0 and
     * Z1): kept to put back after a reboot and to remove on detach. */
    struct gdb_break breaks[MAX_BREAKS];
    unsigned nbreaks;
    char *xml;                  /* the target description */
    size_t xml_len;
    struct timeline *timeline;  /* reverse execution, when the run allows it */
    unsigned gthread;           /* Hg: the hart registers and memory are read through */
    int cthread;                /* Hc: the hart a step steps; -1: GDB said any or all */
    unsigned step_hart;         /* the hart being stepped (GDB_STEPPING) */
    unsigned stop_hart;         /* the hart the last stop reply named */
};

/* ---- options ---- */

const char gdbstub_help[] =
    "  -gdb tcp::PORT wait for GDB's remote protocol on 127.0.0.1:PORT (0: any free\n"
    "                 port, printed at start)\n"
    "  -s             the same as -gdb tcp::1234\n"
    "  -S             hold the hart at reset until the debugger continues\n";

static int parse_spec(struct gdb_options *o, const char *v, char *err, size_t errlen)
{
    static const char *const prefixes[] = { "tcp::", "tcp:127.0.0.1:", "tcp:localhost:" };
    for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++) {
        size_t n = strlen(prefixes[k]);
        if (strncmp(v, prefixes[k], n))
            continue;
        char *end;
        errno = 0;
        unsigned long port = strtoul(v + n, &end, 10);
        if (v[n] < '0' || v[n] > '9' || *end || errno || port > 65535)
            break;
        o->port = (uint16_t)port;
        o->spec = v;
        return 0;
    }
    snprintf(err, errlen, "-gdb %s: want tcp::PORT (rvbox listens on 127.0.0.1 only)", v);
    return -1;
}

int gdbstub_option(struct gdb_options *o, const char *name, int *i, int argc, char **argv,
                   char *err, size_t errlen)
{
    if (!strcmp(name, "-s"))
        return parse_spec(o, "tcp::1234", err, errlen) ? -1 : 1;
    if (!strcmp(name, "-S")) {
        o->wait = true;
        return 1;
    }
    if (strcmp(name, "-gdb"))
        return 0;
    if (*i + 1 >= argc) {
        snprintf(err, errlen, "%s needs a value (try --help)", argv[*i]);
        return -1;
    }
    return parse_spec(o, argv[++*i], err, errlen) ? -1 : 1;
}

/* ---- the connection ---- */

static const char hexdigits[] = "0123456789abcdef";

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void drop_connection(struct gdbstub *g);

/* Write all of buf, waiting while the socket is full; a peer that stops reading is
 * dropped. */
static void send_raw(struct gdbstub *g, const char *buf, size_t len)
{
    while (g->fd >= 0 && len) {
        ssize_t n = send(g->fd, buf, len, MSG_NOSIGNAL);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd p = { .fd = g->fd, .events = POLLOUT };
            if (poll(&p, 1, SEND_TIMEOUT_MS) > 0)
                continue;
        }
        drop_connection(g);
    }
}

/* Frame and send one packet: $data#ck, with '$', '#', '}' and '*' escaped so that any
 * byte (binary qXfer data included) goes through. */
static void send_packet_len(struct gdbstub *g, const char *data, size_t len)
{
    size_t cap = 2 * len + 5;
    char *buf = malloc(cap);
    if (!buf)
        return;
    size_t n = 0;
    unsigned sum = 0;
    buf[n++] = '$';
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (c == '$' || c == '#' || c == '}' || c == '*') {
            buf[n++] = '}';
            sum += '}';
            c ^= 0x20;
        }
        buf[n++] = c;
        sum += (unsigned char)c;
    }
    buf[n++] = '#';
    buf[n++] = hexdigits[(sum >> 4) & 0xf];
    buf[n++] = hexdigits[sum & 0xf];
    send_raw(g, buf, n);
    free(buf);
}

static void send_packet(struct gdbstub *g, const char *data)
{
    send_packet_len(g, data, strlen(data));
}

static void send_error(struct gdbstub *g, int code)
{
    char buf[8];
    snprintf(buf, sizeof buf, "E%02x", code & 0xff);
    send_packet(g, buf);
}

static struct hart *hart_of(struct gdbstub *g)
{
    struct hart *h = machine_hart_at(g->m, g->gthread);
    return h ? h : machine_hart(g->m);
}

static unsigned nharts(const struct gdbstub *g)
{
    return g->m ? machine_nharts(g->m) : 1;
}

/* ---- breakpoints and watchpoints ---- */

/* Put one of GDB's breakpoints or watchpoints into every hart, or take it out: a hit on
 * any hart stops them all. */
static bool break_hart(struct gdbstub *g, const struct gdb_break *b, bool insert)
{
    bool ok = true;
    for (unsigned i = 0; i < nharts(g); i++) {
        struct hart *h = machine_hart_at(g->m, i);
        ok &= b->kind ? hart_watchpoint(h, b->addr, b->len, b->kind, insert)
                      : hart_breakpoint(h, b->addr, insert);
    }
    return ok;
}

static bool break_insert_hart(struct gdbstub *g, const struct gdb_break *b)
{
    if (break_hart(g, b, true))
        return true;
    break_hart(g, b, false);        /* a table filled up: none of it stays */
    return false;
}

static bool same_break(const struct gdb_break *a, const struct gdb_break *b)
{
    return a->addr == b->addr && a->kind == b->kind && (!a->kind || a->len == b->len);
}

static bool break_insert(struct gdbstub *g, struct gdb_break b)
{
    if (g->nbreaks == MAX_BREAKS || !break_insert_hart(g, &b))
        return false;
    g->breaks[g->nbreaks++] = b;
    return true;
}

/* Remove one of GDB's entries; the hart's goes only when no other entry needs it. */
static bool break_remove(struct gdbstub *g, struct gdb_break b)
{
    for (unsigned i = 0; i < g->nbreaks; i++) {
        if (!same_break(&g->breaks[i], &b))
            continue;
        g->breaks[i] = g->breaks[--g->nbreaks];
        for (unsigned k = 0; k < g->nbreaks; k++)
            if (same_break(&g->breaks[k], &b))
                return true;
        break_hart(g, &b, false);
        return true;
    }
    return false;
}

static void break_remove_all(struct gdbstub *g)
{
    while (g->nbreaks)
        break_remove(g, g->breaks[g->nbreaks - 1]);
}

/* ---- connection life ---- */

/* Detach, a closed connection or an error: take every breakpoint out and let the
 * machine run on, as QEMU does. */
static void drop_connection(struct gdbstub *g)
{
    if (g->fd < 0)
        return;
    close(g->fd);
    g->fd = -1;
    g->in_len = 0;
    if (g->m)
        break_remove_all(g);
    g->nbreaks = 0;
    g->state = GDB_RUNNING;
}

static void try_accept(struct gdbstub *g)
{
    int fd = accept(g->listen_fd, NULL, NULL);
    if (fd < 0)
        return;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    g->fd = fd;
    g->in_len = 0;
    g->no_ack = false;
    g->phys = false;
    g->watch_done = false;
    g->state = GDB_HALTED;      /* GDB expects a stopped target when it connects */
}

/* Read what the socket has without blocking. */
static void read_input(struct gdbstub *g)
{
    while (g->fd >= 0) {
        if (g->in_len == IN_MAX)
            g->in_len = 0;      /* no packet is this long: drop the garbage */
        ssize_t n = recv(g->fd, g->in + g->in_len, IN_MAX - g->in_len, 0);
        if (n > 0) {
            g->in_len += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        drop_connection(g);     /* end of file or an error: GDB went away */
    }
}

static void consume(struct gdbstub *g, size_t n)
{
    memmove(g->in, g->in + n, g->in_len - n);
    g->in_len -= n;
}

/* ---- the target description ---- */

static const char *const abi_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0", "a1", "a2", "a3",
    "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
    "t3", "t4", "t5", "t6",
};

static int build_xml(struct gdbstub *g)
{
    FILE *f = open_memstream(&g->xml, &g->xml_len);
    if (!f)
        return -1;
    fprintf(f, "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
               "<target version=\"1.0\">\n<architecture>riscv:rv32</architecture>\n"
               "<feature name=\"org.gnu.gdb.riscv.cpu\">\n");
    for (int i = 0; i < 32; i++) {
        const char *type = i == 1 ? "code_ptr" : (i >= 2 && i <= 4) ? "data_ptr" : "int";
        fprintf(f, "<reg name=\"%s\" bitsize=\"32\" regnum=\"%d\" type=\"%s\"/>\n",
                abi_names[i], i, type);
    }
    fprintf(f, "<reg name=\"pc\" bitsize=\"32\" regnum=\"%d\" type=\"code_ptr\"/>\n"
               "</feature>\n", REG_PC);
    /* The floating-point registers as QEMU describes them for D (fflags, frm and fcsr are
     * in the CSR feature, where GDB looks for them too). A hart without F answers them
     * as unavailable. */
    static const char *const fnames[32] = {
        "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0", "fa1",
        "fa2", "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7",
        "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
    };
    fprintf(f, "<feature name=\"org.gnu.gdb.riscv.fpu\">\n<union id=\"riscv_double\">\n"
               "<field name=\"float\" type=\"ieee_single\"/>\n"
               "<field name=\"double\" type=\"ieee_double\"/>\n</union>\n");
    for (int i = 0; i < 32; i++)
        fprintf(f, "<reg name=\"%s\" bitsize=\"64\" regnum=\"%d\" type=\"riscv_double\"/>\n",
                fnames[i], REG_F0 + i);
    fprintf(f, "</feature>\n<feature name=\"org.gnu.gdb.riscv.csr\">\n");
    for (int c = csr_next(-1); c >= 0; c = csr_next(c)) {
        char name[32];
        if (csr_name((unsigned)c, name, sizeof name))
            fprintf(f, "<reg name=\"%s\" bitsize=\"32\" regnum=\"%d\" type=\"int\"/>\n",
                    name, REG_CSR_BASE + c);
    }
    fprintf(f, "</feature>\n<feature name=\"org.gnu.gdb.riscv.virtual\">\n"
               "<reg name=\"priv\" bitsize=\"32\" regnum=\"%d\" type=\"int\"/>\n"
               "</feature>\n</target>\n", REG_PRIV);
    return fclose(f) ? -1 : 0;
}

/* ---- open, attach, close ---- */

int gdbstub_open(const struct gdb_options *o, const struct symbols *syms,
                 struct gdbstub **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!o->spec) {
        if (o->wait) {
            snprintf(err, errlen, "-S holds the hart for a debugger: add -s or -gdb tcp::PORT");
            return -1;
        }
        return 0;
    }
    struct gdbstub *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    g->fd = -1;
    g->syms = syms;
    g->state = o->wait ? GDB_HALTED : GDB_RUNNING;
    g->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(o->port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    if (g->listen_fd < 0 ||
        setsockopt(g->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        bind(g->listen_fd, (struct sockaddr *)&a, sizeof a) || listen(g->listen_fd, 1) ||
        fcntl(g->listen_fd, F_SETFL, O_NONBLOCK)) {
        snprintf(err, errlen, "-gdb %s: %s", o->spec, strerror(errno));
        goto fail;
    }
    if (build_xml(g)) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    socklen_t alen = sizeof a;
    getsockname(g->listen_fd, (struct sockaddr *)&a, &alen);
    if (o->port == 0 || o->wait) {
        fprintf(stderr, "rvbox: gdb: listening on tcp::%u%s\n", ntohs(a.sin_port),
                o->wait ? "; the hart waits at reset until the debugger continues" : "");
        fflush(stderr);
    }
    *out = g;
    return 0;
fail:
    if (g->listen_fd >= 0)
        close(g->listen_fd);
    free(g->xml);
    free(g);
    return -1;
}

void gdbstub_close(struct gdbstub *g)
{
    if (!g)
        return;
    if (g->fd >= 0)
        close(g->fd);
    close(g->listen_fd);
    free(g->xml);
    free(g);
}

void gdbstub_attach(struct gdbstub *g, struct machine *m)
{
    if (!g)
        return;
    g->m = m;
    g->gthread = g->step_hart = g->stop_hart = 0;
    g->cthread = -1;
    unsigned n = g->nbreaks;
    g->nbreaks = 0;
    for (unsigned i = 0; i < n; i++)
        break_insert(g, g->breaks[i]);
}

int gdbstub_fd(const struct gdbstub *g)
{
    return !g ? -1 : g->fd >= 0 ? g->fd : g->listen_fd;
}

/* ---- stop replies ---- */

/* A stop reply; for a watchpoint, the address and access that hit it. */
static void send_stop_watch(struct gdbstub *g, int sig, enum hart_stop why, uint32_t addr,
                            enum hart_watch access)
{
    char buf[80];
    const char *what = "";
    if (why == HART_STOP_WATCHPOINT) {
        /* Name the kind of watchpoint GDB set that covers the address: "watch" for a write
         * one, "rwatch" for a read one, "awatch" for an access one. */
        what = "awatch";
        for (unsigned i = 0; i < g->nbreaks; i++) {
            const struct gdb_break *b = &g->breaks[i];
            if (b->kind == access && addr >= b->addr && addr - b->addr < b->len)
                what = access == HART_WATCH_WRITE ? "watch" : "rwatch";
        }
    }
    if (*what)
        snprintf(buf, sizeof buf, "T%02x%s:%x;thread:%x;", sig, what, addr, g->stop_hart + 1);
    else
        snprintf(buf, sizeof buf, "T%02xthread:%x;", sig, g->stop_hart + 1);
    send_packet(g, buf);
}

/* The machine stopped because of hart `hart` (its breakpoint, its step; the last to run
 * for Ctrl-C): GDB's current thread becomes it, as QEMU's does. */
static void stopped_at(struct gdbstub *g, unsigned hart)
{
    g->stop_hart = g->gthread = hart < nharts(g) ? hart : 0;
    g->cthread = -1;
}

static void send_stop(struct gdbstub *g, int sig, enum hart_stop why)
{
    enum hart_watch access = 0;
    uint32_t addr = why == HART_STOP_WATCHPOINT
                    ? hart_watch_hit(machine_hart_at(g->m, g->stop_hart), &access) : 0;
    send_stop_watch(g, sig, why, addr, access);
}

#define SIGTRAP_GDB 5
#define SIGINT_GDB  2

/* ---- registers ---- */

static bool reg_get(struct gdbstub *g, unsigned n, uint32_t *v)
{
    struct hart *h = hart_of(g);
    if (n < 32)
        *v = hart_get_reg(h, n);
    else if (n == REG_PC)
        *v = hart_get_pc(h);
    else if (n == REG_PRIV)
        *v = (uint32_t)hart_get_priv(h);
    else if (n >= REG_CSR_BASE && n < REG_CSR_BASE + 4096)
        return hart_csr_get(h, (uint16_t)(n - REG_CSR_BASE), v);
    else
        return false;
    return true;
}

/* A register or memory the debugger changes: what history held after now will not
 * happen (writing a value that is already there changes nothing). */
static void rewrites(struct gdbstub *g)
{
    timeline_rewrite(g->timeline);
}

static bool reg_set(struct gdbstub *g, unsigned n, uint32_t v)
{
    struct hart *h = hart_of(g);
    uint32_t old;
    if (g->timeline && (!reg_get(g, n, &old) || old != v))
        rewrites(g);
    if (n < 32)
        hart_set_reg(h, n, v);
    else if (n == REG_PC)
        hart_set_pc(h, v);
    else if (n == REG_PRIV) {
        if (v != PRIV_U && v != PRIV_S && v != PRIV_M)
            return false;
        hart_set_priv(h, (enum hart_priv)v);
    } else if (n >= REG_CSR_BASE && n < REG_CSR_BASE + 4096)
        return hart_csr_set(h, (uint16_t)(n - REG_CSR_BASE), v);
    else
        return false;
    return true;
}

/* 32-bit values travel as 8 hex digits in target (little-endian) byte order. */
static void put_word(char *out, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        uint8_t b = (uint8_t)(v >> (8 * i));
        out[2 * i] = hexdigits[b >> 4];
        out[2 * i + 1] = hexdigits[b & 0xf];
    }
}

static bool get_word(const char *in, uint32_t *v)
{
    uint32_t r = 0;
    for (int k = 0; k < 4; k++) {
        int hi = hexval(in[2 * k]), lo = hi < 0 ? -1 : hexval(in[2 * k + 1]);
        if (lo < 0)
            return false;
        r |= (uint32_t)(hi << 4 | lo) << (8 * k);
    }
    *v = r;
    return true;
}

/* A hex number up to a delimiter; *p moves past it. */
static bool get_hex(const char **p, uint32_t *v)
{
    uint64_t r = 0;
    const char *s = *p;
    int d;
    while ((d = hexval(*s)) >= 0) {
        r = r * 16 + (uint64_t)d;
        if (r > UINT32_MAX)
            return false;
        s++;
    }
    if (s == *p)
        return false;
    *v = (uint32_t)r;
    *p = s;
    return true;
}

static void handle_g(struct gdbstub *g)
{
    char buf[33 * 8 + 1];
    for (unsigned i = 0; i <= REG_PC; i++) {
        uint32_t v = 0;
        reg_get(g, i, &v);
        put_word(buf + 8 * i, v);
    }
    buf[33 * 8] = '\0';
    send_packet(g, buf);
}

static void handle_G(struct gdbstub *g, const char *p, size_t len)
{
    if (len < 33 * 8) {
        send_error(g, 22);
        return;
    }
    uint32_t v[33];
    for (unsigned i = 0; i <= REG_PC; i++)
        if (!get_word(p + 8 * i, &v[i])) {
            send_error(g, 22);
            return;
        }
    for (unsigned i = 0; i <= REG_PC; i++)
        reg_set(g, i, v[i]);
    send_packet(g, "OK");
}

/* f0..f31: 16 hex digits, little-endian; all 'x' (unavailable) on a hart without F. */
static void handle_p_freg(struct gdbstub *g, unsigned i)
{
    char buf[17];
    uint64_t v;
    if (hart_get_freg(hart_of(g), i, &v)) {
        put_word(buf, (uint32_t)v);
        put_word(buf + 8, (uint32_t)(v >> 32));
    } else {
        memset(buf, 'x', 16);
    }
    buf[16] = '\0';
    send_packet(g, buf);
}

static void handle_p(struct gdbstub *g, const char *p)
{
    uint32_t n, v;
    char buf[9];
    const char *q = p;
    if (get_hex(&q, &n) && n >= REG_F0 && n <= REG_F31) {
        handle_p_freg(g, n - REG_F0);
        return;
    }
    if (!get_hex(&p, &n) || !reg_get(g, n, &v)) {
        send_error(g, 22);
        return;
    }
    put_word(buf, v);
    buf[8] = '\0';
    send_packet(g, buf);
}

static void handle_P(struct gdbstub *g, const char *p)
{
    uint32_t n, v, hi;
    const char *q = p;
    if (get_hex(&q, &n) && n >= REG_F0 && n <= REG_F31) {
        if (*q++ != '=' || !get_word(q, &v) || !get_word(q + 8, &hi) ||
            !hart_set_freg(hart_of(g), n - REG_F0, (uint64_t)hi << 32 | v)) {
            send_error(g, 22);
            return;
        }
        send_packet(g, "OK");
        return;
    }
    if (!get_hex(&p, &n) || *p++ != '=' || !get_word(p, &v) || !reg_set(g, n, v)) {
        send_error(g, 22);
        return;
    }
    send_packet(g, "OK");
}

/* ---- memory ---- */

static void handle_m(struct gdbstub *g, const char *p)
{
    uint32_t addr, len;
    if (!get_hex(&p, &addr) || *p++ != ',' || !get_hex(&p, &len)) {
        send_error(g, 22);
        return;
    }
    if (len > PACKET_SIZE / 2)
        len = PACKET_SIZE / 2;
    uint8_t data[PACKET_SIZE / 2];
    if (!trace_debugger_memory_at(g->m, hart_of(g), addr, data, len, !g->phys, false)) {
        send_error(g, 14);      /* EFAULT: unmapped, or a device refused */
        return;
    }
    char out[PACKET_SIZE + 1];
    for (uint32_t i = 0; i < len; i++) {
        out[2 * i] = hexdigits[data[i] >> 4];
        out[2 * i + 1] = hexdigits[data[i] & 0xf];
    }
    out[2 * len] = '\0';
    send_packet(g, out);
}

static void handle_M(struct gdbstub *g, const char *p)
{
    uint32_t addr, len;
    if (!get_hex(&p, &addr) || *p++ != ',' || !get_hex(&p, &len) || *p++ != ':' ||
        len > PACKET_SIZE / 2 || strlen(p) < 2 * (size_t)len) {
        send_error(g, 22);
        return;
    }
    uint8_t data[PACKET_SIZE / 2];
    for (uint32_t i = 0; i < len; i++) {
        int hi = hexval(p[2 * i]), lo = hexval(p[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            send_error(g, 22);
            return;
        }
        data[i] = (uint8_t)(hi << 4 | lo);
    }
    uint8_t old[PACKET_SIZE / 2];
    if (g->timeline &&
        (!trace_debugger_memory_at(g->m, hart_of(g), addr, old, len, !g->phys, false) ||
         memcmp(old, data, len)))
        rewrites(g);
    if (!trace_debugger_memory_at(g->m, hart_of(g), addr, data, len, !g->phys, true)) {
        send_error(g, 14);
        return;
    }
    send_packet(g, "OK");
}

/* Z/z TYPE,ADDR,KIND: 0 software and 1 hardware breakpoints (the same to us), 2 write,
 * 3 read and 4 access watchpoints. */
static void handle_Z(struct gdbstub *g, const char *p, bool insert)
{
    static const enum hart_watch kinds[5] = { 0, 0, HART_WATCH_WRITE, HART_WATCH_READ,
                                              HART_WATCH_ACCESS };
    uint32_t type, addr, kind;
    if (!get_hex(&p, &type) || *p++ != ',' || !get_hex(&p, &addr) || *p++ != ',' ||
        !get_hex(&p, &kind)) {
        send_error(g, 22);
        return;
    }
    if (type > 4) {
        send_packet(g, "");     /* not supported: GDB falls back */
        return;
    }
    struct gdb_break b = { .addr = addr, .len = type >= 2 ? kind : 0, .kind = kinds[type] };
    if (b.kind && b.len == 0) {
        send_error(g, 22);
        return;
    }
    bool ok = insert ? break_insert(g, b) : break_remove(g, b);
    if (ok)
        send_packet(g, "OK");
    else
        send_error(g, insert ? 28 : 2);     /* ENOSPC: the hart's table is full */
}

/* qRcmd,HEX: run a monitor command; its output goes back as O packets, then OK. */
static void handle_rcmd(struct gdbstub *g, const char *hex)
{
    size_t n = strlen(hex) / 2;
    char *cmd = malloc(n + 1);
    char *text = NULL;
    size_t len = 0;
    FILE *f = cmd ? open_memstream(&text, &len) : NULL;
    if (!f) {
        free(cmd);
        send_error(g, 12);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        cmd[i] = hi < 0 || lo < 0 ? '?' : (char)(hi << 4 | lo);
    }
    cmd[n] = '\0';
    gdb_monitor(g->monitor, &g->phys, f, cmd);
    fclose(f);
    /* O packets of at most 1 KiB of text each. */
    char out[1 + 2 * 1024 + 1];
    for (size_t off = 0; off < len; off += 1024) {
        size_t chunk = len - off < 1024 ? len - off : 1024;
        out[0] = 'O';
        for (size_t i = 0; i < chunk; i++) {
            unsigned char c = (unsigned char)text[off + i];
            out[1 + 2 * i] = hexdigits[c >> 4];
            out[2 + 2 * i] = hexdigits[c & 0xf];
        }
        out[1 + 2 * chunk] = '\0';
        send_packet(g, out);
    }
    send_packet(g, "OK");
    free(text);
    free(cmd);
}

/* ---- threads: the harts ---- */

/* A thread id from GDB: the hart it names (id - 1); -1 for 0 ("any") or -1 ("all");
 * -2 if there is no such thread. *p moves past it. */
static int thread_of(struct gdbstub *g, const char **p)
{
    uint32_t id;
    if (**p == '-' && (*p)[1] == '1') {
        *p += 2;
        return -1;
    }
    if (**p == 'p') {               /* multiprocess form pPID.TID: the TID counts */
        const char *dot = strchr(*p, '.');
        if (!dot)
            return -2;
        *p = dot + 1;
        return thread_of(g, p);
    }
    if (!get_hex(p, &id))
        return -2;
    if (id == 0)
        return -1;
    return id <= nharts(g) ? (int)id - 1 : -2;
}

/* Hg ID / Hc ID: the thread later packets mean. */
static void handle_H(struct gdbstub *g, const char *p)
{
    char op = *p++;
    int hart = thread_of(g, &p);
    if (hart == -2 || (op != 'g' && op != 'c')) {
        send_error(g, 22);
        return;
    }
    if (op == 'g' && hart >= 0)
        g->gthread = (unsigned)hart;
    else if (op == 'c')
        g->cthread = hart;
    send_packet(g, "OK");
}

/* T ID: is the thread alive? Every hart is. */
static void handle_T(struct gdbstub *g, const char *p)
{
    int hart = thread_of(g, &p);
    if (hart < 0)
        send_error(g, 22);
    else
        send_packet(g, "OK");
}

/* qThreadExtraInfo,ID: "CPU#2 [halted]" (waiting in WFI) or "[running]", as QEMU says. */
static void handle_extra_info(struct gdbstub *g, const char *p)
{
    int hart = thread_of(g, &p);
    if (hart < 0) {
        send_error(g, 22);
        return;
    }
    char text[32], out[2 * sizeof text + 1];
    snprintf(text, sizeof text, "CPU#%d [%s]", hart,
             hart_waiting(machine_hart_at(g->m, (unsigned)hart)) ? "halted" : "running");
    size_t n = strlen(text);
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hexdigits[(unsigned char)text[i] >> 4];
        out[2 * i + 1] = hexdigits[text[i] & 0xf];
    }
    out[2 * n] = '\0';
    send_packet(g, out);
}

/* ---- queries ---- */

/* qXfer:features:read:target.xml:OFFSET,LENGTH */
static void handle_xfer(struct gdbstub *g, const char *p)
{
    static const char want[] = "features:read:target.xml:";
    uint32_t off, len;
    if (strncmp(p, want, sizeof want - 1)) {
        send_packet(g, "");
        return;
    }
    p += sizeof want - 1;
    if (!get_hex(&p, &off) || *p++ != ',' || !get_hex(&p, &len)) {
        send_error(g, 22);
        return;
    }
    if (off > g->xml_len)
        off = (uint32_t)g->xml_len;
    if (len > PACKET_SIZE / 2)
        len = PACKET_SIZE / 2;
    size_t left = g->xml_len - off;
    size_t n = left < len ? left : len;
    char *buf = malloc(n + 1);
    if (!buf) {
        send_error(g, 12);
        return;
    }
    buf[0] = n < left ? 'm' : 'l';
    memcpy(buf + 1, g->xml + off, n);
    send_packet_len(g, buf, n + 1);
    free(buf);
}

static void handle_query(struct gdbstub *g, const char *p)
{
    if (!strncmp(p, "qSupported", 10)) {
        /* vContSupported+: our vCont;s really steps. (GDB 13 still steps RISC-V by
         * planting a breakpoint on the next instruction; other clients need not.) */
        char buf[160];
        snprintf(buf, sizeof buf,
                 "PacketSize=%x;qXfer:features:read+;QStartNoAckMode+;vContSupported+%s",
                 PACKET_SIZE, g->timeline ? ";ReverseStep+;ReverseContinue+" : "");
        send_packet(g, buf);
    } else if (!strncmp(p, "qXfer:", 6)) {
        handle_xfer(g, p + 6);
    } else if (!strcmp(p, "qAttached") || !strncmp(p, "qAttached:", 10)) {
        send_packet(g, "1");    /* an existing machine: detach, not kill, on quit */
    } else if (!strcmp(p, "qC")) {
        char buf[16];
        snprintf(buf, sizeof buf, "QC%x", g->gthread + 1);
        send_packet(g, buf);
    } else if (!strcmp(p, "qfThreadInfo")) {
        char buf[8 * 4 + 2] = "m";
        for (unsigned i = 0; i < nharts(g); i++)
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%x", i ? "," : "", i + 1);
        send_packet(g, buf);
    } else if (!strcmp(p, "qsThreadInfo")) {
        send_packet(g, "l");
    } else if (!strncmp(p, "qThreadExtraInfo,", 17)) {
        handle_extra_info(g, p + 17);
    } else if (!strncmp(p, "qRcmd,", 6)) {
        handle_rcmd(g, p + 6);
    } else if (!strncmp(p, "qSymbol", 7)) {
        send_packet(g, "OK");
    } else {
        send_packet(g, "");     /* unknown: GDB does without */
    }
}

/* ---- resuming ---- */

/*
 * Continue or step. GDB believes RISC-V watchpoints fire before the access (its
 * riscv-tdep says "nonsteppable"), so after a watchpoint stop it takes the watchpoint out
 * and steps over the accessing instruction (with a breakpoint after it and a continue:
 * GDB steps RISC-V in software) before it tells the user. The hart stops after that
 * instruction has completed: the step is already done, so the resume that follows a
 * watchpoint stop is answered at once without running anything, which leaves pc just
 * after the access, where the user expects it.
 */
static void start(struct gdbstub *g, bool step, int hart)
{
    bool done = g->watch_done;
    g->watch_done = false;
    if (done) {
        send_stop(g, SIGTRAP_GDB, HART_STOP_BUDGET);
        return;
    }
    g->step_hart = hart >= 0 ? (unsigned)hart : g->gthread;
    g->state = step ? GDB_STEPPING : GDB_RUNNING;
}

/* The hart's breakpoints and watchpoints out (GDB's list kept) or back in. */
static void hart_breaks(struct gdbstub *g, bool in)
{
    for (unsigned i = 0; i < g->nbreaks; i++)
        break_hart(g, &g->breaks[i], in);
}

static void hart_breaks_cb(void *opaque, bool in)
{
    hart_breaks(opaque, in);
}

/*
 * bs, bc: one step back, or back to the last breakpoint or watchpoint hit (host/
 * timeline.h), answered when the machine is there. The machine stays halted. A
 * watchpoint found going back leaves the hart before the accessing instruction, which
 * GDB (believing the access is still to come) then steps over backwards: that step is
 * already done, as after a watchpoint going forward (see start()).
 */
static void reverse(struct gdbstub *g, bool step)
{
    if (!g->timeline) {
        send_packet(g, "");
        return;
    }
    bool done = g->watch_done;
    g->watch_done = false;
    if (done && step) {
        send_stop(g, SIGTRAP_GDB, HART_STOP_BUDGET);
        return;
    }
    struct timeline_stop st;
    char err[400];
    timeline_set_breaks(g->timeline, hart_breaks_cb, g);
    int rc = step ? timeline_step_back(g->timeline, &st, err, sizeof err)
                  : timeline_continue_back(g->timeline, &st, err, sizeof err);
    if (rc) {
        fprintf(stderr, "rvbox: reverse execution: %s\n", err);
        send_packet(g, "E05");
        return;
    }
    if (st.begin) {
        char buf[48];
        snprintf(buf, sizeof buf, "T05replaylog:begin;thread:%x;", g->gthread + 1);
        send_packet(g, buf);
        return;
    }
    stopped_at(g, st.hart);
    g->watch_done = st.why == HART_STOP_WATCHPOINT;
    send_stop_watch(g, SIGTRAP_GDB, st.why, st.watch_addr, st.watch_kind);
}

/* c/s [ADDR], C/S SIG[;ADDR]: resume at ADDR if given (the signal means nothing here). */
static void resume(struct gdbstub *g, const char *p, bool step, bool has_sig)
{
    uint32_t v;
    if (has_sig) {
        get_hex(&p, &v);
        if (*p == ';')
            p++;
    }
    int hart = step && g->cthread >= 0 ? g->cthread : (int)g->gthread;
    if (get_hex(&p, &v)) {
        hart_set_pc(machine_hart_at(g->m, (unsigned)hart), v);
        g->watch_done = false;
    }
    start(g, step, hart);
}

/*
 * vCont;ACTION[:THREAD][;ACTION...]: a step (s, S) for one thread, or for all (no
 * thread), steps that hart (all: the current thread's) while the others run their turns
 * as usual; anything else continues every hart. Threads not named take the action
 * without a thread, which for us is continue.
 */
static void handle_vcont(struct gdbstub *g, const char *p)
{
    int step_hart = -2;
    bool any = false;
    while (*p) {
        char a = *p++;
        if (a == 'C' || a == 'S') {             /* a signal: it means nothing here */
            uint32_t sig;
            if (!get_hex(&p, &sig)) {
                send_error(g, 22);
                return;
            }
        } else if (a != 'c' && a != 's') {
            send_error(g, 22);
            return;
        }
        int hart = -1;
        if (*p == ':') {
            p++;
            if ((hart = thread_of(g, &p)) == -2) {
                send_error(g, 22);
                return;
            }
        }
        if ((a == 's' || a == 'S') && step_hart == -2)
            step_hart = hart >= 0 ? hart : (int)g->gthread;
        any = true;
        if (*p == ';')
            p++;
        else if (*p) {
            send_error(g, 22);
            return;
        }
    }
    if (!any) {
        send_error(g, 22);
        return;
    }
    start(g, step_hart >= 0, step_hart >= 0 ? step_hart : -1);
}

static void handle_v(struct gdbstub *g, const char *p)
{
    if (!strcmp(p, "vCont?"))
        send_packet(g, "vCont;c;C;s;S");
    else if (!strncmp(p, "vCont;", 6))
        handle_vcont(g, p + 6);
    else if (!strncmp(p, "vKill", 5)) {
        send_packet(g, "OK");
        g->killed = true;
    } else
        send_packet(g, "");
}

/* One packet's payload (NUL-terminated). */
static void handle_packet(struct gdbstub *g, char *p, size_t len)
{
    switch (p[0]) {
    case '?': send_stop(g, SIGTRAP_GDB, HART_STOP_BUDGET); break;
    case 'g': handle_g(g); break;
    case 'G': handle_G(g, p + 1, len - 1); break;
    case 'p': handle_p(g, p + 1); break;
    case 'P': handle_P(g, p + 1); break;
    case 'm': handle_m(g, p + 1); break;
    case 'M': handle_M(g, p + 1); break;
    case 'c': resume(g, p + 1, false, false); break;
    case 's': resume(g, p + 1, true, false); break;
    case 'C': resume(g, p + 1, false, true); break;
    case 'S': resume(g, p + 1, true, true); break;
    case 'b':
        if (p[1] == 's' || p[1] == 'c')
            reverse(g, p[1] == 's');
        else
            send_packet(g, "");
        break;
    case 'Z': handle_Z(g, p + 1, true); break;
    case 'z': handle_Z(g, p + 1, false); break;
    case 'H': handle_H(g, p + 1); break;
    case 'T': handle_T(g, p + 1); break;
    case 'q': handle_query(g, p); break;
    case 'v': handle_v(g, p); break;
    case 'Q':
        if (!strcmp(p, "QStartNoAckMode")) {
            send_packet(g, "OK");
            g->no_ack = true;
        } else {
            send_packet(g, "");
        }
        break;
    case 'D':
        send_packet(g, "OK");
        drop_connection(g);
        break;
    case 'k':
        g->killed = true;       /* no reply: GDB does not wait for one */
        break;
    default:
        send_packet(g, "");     /* X, R, !, ...: not supported */
        break;
    }
}

/* Find one $packet#ck at the start of the input (after stray acks). Returns its total
 * length once complete, 0 while incomplete; *payload_len gets the payload's. */
static size_t frame_length(const struct gdbstub *g, size_t *payload_len)
{
    for (size_t i = 1; i < g->in_len; i++) {
        if (g->in[i] == '}') {
            i++;                /* an escaped byte, never the end */
            continue;
        }
        if (g->in[i] == '#') {
            if (i + 2 >= g->in_len)
                return 0;
            *payload_len = i - 1;
            return i + 3;
        }
    }
    return 0;
}

/* Serve what is in the input buffer: while the machine runs only Ctrl-C matters; while
 * it is halted, packets are answered until one resumes it. */
static void process_input(struct gdbstub *g)
{
    while (g->fd >= 0 && g->in_len) {
        if (g->state != GDB_HALTED) {
            char *c = memchr(g->in, 0x03, g->in_len);
            if (!c)
                return;
            consume(g, (size_t)(c - g->in) + 1);
            g->state = GDB_HALTED;
            if (g->m) {
                machine_set_step(g->m, -1);
                stopped_at(g, machine_stop_hart(g->m));
            }
            send_stop(g, SIGINT_GDB, HART_STOP_BUDGET);
            continue;
        }
        if (g->in[0] != '$') {
            consume(g, 1);      /* '+', '-', a Ctrl-C while halted, noise */
            continue;
        }
        size_t plen, total = frame_length(g, &plen);
        if (!total)
            return;             /* wait for the rest */
        unsigned sum = 0;
        for (size_t i = 1; i <= plen; i++)
            sum += (unsigned char)g->in[i];
        int hi = hexval(g->in[plen + 2]), lo = hexval(g->in[plen + 3]);
        bool good = hi >= 0 && lo >= 0 && (unsigned)(hi << 4 | lo) == (sum & 0xff);
        char *payload = malloc(plen + 1);
        if (!payload)
            return;
        memcpy(payload, g->in + 1, plen);
        payload[plen] = '\0';
        consume(g, total);
        if (!g->no_ack)
            send_raw(g, good ? "+" : "-", 1);
        if (good && g->fd >= 0)
            handle_packet(g, payload, plen);
        free(payload);
        if (g->state != GDB_HALTED || g->killed)
            return;             /* later packets wait for the next stop */
    }
}

/* ---- the run loop's side ---- */

long gdbstub_poll(struct gdbstub *g, long slice)
{
    if (g->fd < 0)
        try_accept(g);
    if (g->fd >= 0) {
        read_input(g);
        process_input(g);
    }
    if (g->killed)
        return GDBSTUB_KILL;
    switch (g->state) {
    case GDB_HALTED:
        return 0;
    case GDB_STEPPING:
        /* The machine runs until the hart has taken its step; with one hart, that is a
         * budget of one. */
        machine_set_step(g->m, (int)g->step_hart);
        return nharts(g) == 1 ? 1 : slice;
    case GDB_RUNNING:
        break;
    }
    return slice;
}

void gdbstub_wait(struct gdbstub *g, int timeout_ms)
{
    struct pollfd p = { .fd = gdbstub_fd(g), .events = POLLIN };
    poll(&p, 1, timeout_ms);
}

void gdbstub_ran(struct gdbstub *g, enum hart_stop stop)
{
    if (g->m)
        machine_set_step(g->m, -1);
    if (g->fd < 0)
        return;
    bool hit = stop == HART_STOP_BREAKPOINT || stop == HART_STOP_WATCHPOINT;
    if ((g->state == GDB_STEPPING && (hit || machine_stepped(g->m))) ||
        (g->state == GDB_RUNNING && hit)) {
        g->state = GDB_HALTED;
        g->watch_done = stop == HART_STOP_WATCHPOINT;
        stopped_at(g, hit ? machine_stop_hart(g->m) : g->step_hart);
        send_stop(g, SIGTRAP_GDB, stop);
    }
}

void gdbstub_exited(struct gdbstub *g, uint32_t code)
{
    if (!g || g->fd < 0)
        return;
    char buf[8];
    snprintf(buf, sizeof buf, "W%02x", code & 0xff);
    send_packet(g, buf);
    drop_connection(g);
}

void gdbstub_set_timeline(struct gdbstub *g, struct timeline *t)
{
    if (g)
        g->timeline = t;
}

void gdbstub_set_monitor(struct gdbstub *g, struct monitor *mon)
{
    if (g)
        g->monitor = mon;
}

bool gdbstub_connected(const struct gdbstub *g)
{
    return g && g->fd >= 0;
}
