/*
 * The monitor (host/monitor.h): the command table, its commands, the line editor of a
 * console, and -monitor's own console (stdio or a tcp server).
 *
 * A command is an entry {name|aliases, parameters, help, function} in `commands` (or,
 * for `info X`, in `info_commands`); the same lookup serves every way in. Parsing
 * follows QEMU's HMP: the name ends at a blank or a '/', `x/4x` takes a /FMT, numbers
 * are expressions ($reg, + - * / % & | ^ ~, parentheses, 0x hex, decimal, 'c'), and
 * mistakes are answered in QEMU's words ("unknown command: 'foo'", "Try "help x" for
 * more information").
 */
#define _GNU_SOURCE             /* open_memstream */

#include "host/monitor.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bus/bus.h"
#include "bus/memmap.h"
#include "cpu/csr.h"
#include "cpu/csr_defs.h"
#include "cpu/disasm.h"
#include "cpu/hart.h"
#include "devices/machine.h"
#include "devices/plic.h"
#include "devices/virtio_input.h"
#include "host/gdbstub.h"
#include "host/keymap.h"
#include "host/monitor_snapshot.h"
#include "host/screenshot.h"
#include "host/net.h"
#include "host/serial.h"
#include "host/symbols.h"
#include "host/term.h"
#include "host/trace.h"

#define PROMPT "(rvbox) "
#define LINE_MAX_LEN 1024
#define HISTORY_LINES 32
#define MAX_HELD_KEYS 16
#define SEND_TIMEOUT_MS 1000        /* a tcp client that reads nothing this long is gone */

enum console_kind { CONSOLE_NONE, CONSOLE_STDIO, CONSOLE_TCP, CONSOLE_PTY };

struct monitor {
    const char *version;
    const struct symbols *syms;
    struct trace *trace;
    char *snapshot_path;        /* NULL: no snapshot file */
    const char *loadvm_refused;
    struct machine *m;
    struct gdbstub *gdb;
    char gdb_spec[64];
    struct host_net *net;       /* borrowed: info network, hostfwd_add... */
    unsigned cpu;               /* `cpu N`: the hart commands look at (QEMU's default cpu) */
    bool stopped;               /* `stop` */
    bool debugger_holds;        /* the GDB stub holds the machine */
    enum monitor_request request;
    int fmt_format, fmt_size;   /* x, xp, print: the last /FMT, as QEMU remembers it */
    /* sendkey, system_powerdown: keys pressed, released at release_ns */
    uint16_t held[MAX_HELD_KEYS];
    unsigned nheld;
    uint64_t release_ns;
    /* -monitor: its own console */
    enum console_kind kind;
    int in_fd, out_fd;          /* stdio, or the tcp client; -1 when absent */
    int listen_fd;
    bool pty_idle;              /* pty: nobody has the other side open */
    struct monitor_term *term;
};

struct monitor_term {
    struct monitor *mon;
    void (*write)(void *opaque, const char *text, size_t len);
    void *opaque;
    bool greeted;
    bool phys;                  /* `phys`: this console's memory-access mode */
    bool after_cr;              /* "\r\n" is one end of line */
    int esc;                    /* 0; 1 after ESC; 2 inside ESC [ or ESC O */
    int telnet;                 /* bytes of a telnet command (IAC x y) still to drop */
    char line[LINE_MAX_LEN];
    size_t len;
    char history[HISTORY_LINES][LINE_MAX_LEN];
    unsigned nhistory;          /* lines kept, the newest last */
    unsigned browse;            /* up/down: nhistory = the line being typed */
};

/* What a command works with. */
struct ctx {
    struct monitor *mon;
    struct machine *m;
    FILE *out;
    bool *phys;
    const char *cmdline;        /* the line as typed, for messages */
    size_t cmdlen;              /* how much of it names the command */
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- parsing, as QEMU's HMP ---- */

static const char *skip_blanks(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

/* After a bad argument: QEMU's hint. */
static void try_help(struct ctx *c)
{
    fprintf(c->out, "Try \"help %.*s\" for more information\n", (int)c->cmdlen, c->cmdline);
}

/* Nothing may follow the arguments. */
static bool at_end(struct ctx *c, const char *p, const char *name)
{
    p = skip_blanks(p);
    if (!*p)
        return true;
    fprintf(c->out, "%s: extraneous characters at the end of line\n", name);
    try_help(c);
    return false;
}

/* A word, or a "quoted string" with \n \r \\ \' \" escapes (QEMU's get_str). */
static bool get_word(const char **pp, char *buf, size_t len)
{
    const char *p = skip_blanks(*pp);
    size_t n = 0;
    if (!*p)
        return false;
    if (*p == '"') {
        for (p++; *p && *p != '"'; p++) {
            char ch = *p;
            if (ch == '\\') {
                ch = *++p;
                if (ch == 'n')
                    ch = '\n';
                else if (ch == 'r')
                    ch = '\r';
                else if (ch != '\\' && ch != '\'' && ch != '"')
                    return false;
            }
            if (n + 1 < len)
                buf[n++] = ch;
        }
        if (*p != '"')
            return false;
        p++;
    } else {
        for (; *p && !isspace((unsigned char)*p); p++)
            if (n + 1 < len)
                buf[n++] = *p;
    }
    buf[n] = '\0';
    *pp = p;
    return true;
}

/* Expressions: QEMU's grammar, with GDB's register names after '$'. */
struct expr {
    struct ctx *c;
    const char *p;
    const char *error;          /* set on the first mistake */
    char errbuf[64];
};

static void expr_next(struct expr *e)
{
    if (*e->p)
        e->p = skip_blanks(e->p + 1);
}

static const char *const abi_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0", "a1", "a2", "a3",
    "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
    "t3", "t4", "t5", "t6",
};

static struct hart *hart_of(struct ctx *c);

/* $pc, $x10, $a0 (and $s0), $mstatus, $priv: false if no such register. */
static bool register_value(struct ctx *c, const char *name, uint32_t *v)
{
    struct hart *h = hart_of(c);
    if (!strcmp(name, "pc")) {
        *v = hart_get_pc(h);
        return true;
    }
    if (!strcmp(name, "priv")) {
        *v = (uint32_t)hart_get_priv(h);
        return true;
    }
    for (unsigned i = 0; i < 32; i++) {
        char xn[8];
        snprintf(xn, sizeof xn, "x%u", i);
        if (!strcmp(name, abi_names[i]) || !strcmp(name, xn) || (i == 8 && !strcmp(name, "s0"))) {
            *v = hart_get_reg(h, i);
            return true;
        }
    }
    for (int csr = csr_next(-1); csr >= 0; csr = csr_next(csr)) {
        char cn[32];
        if (csr_name((unsigned)csr, cn, sizeof cn) && !strcmp(cn, name))
            return hart_csr_get(h, (uint16_t)csr, v);
    }
    return false;
}

static int64_t expr_sum(struct expr *e);

static int64_t expr_fail(struct expr *e, const char *msg)
{
    if (!e->error)
        e->error = msg;
    return 0;
}

static int64_t expr_unary(struct expr *e)
{
    if (e->error)
        return 0;
    int64_t n;
    switch (*e->p) {
    case '+':
        expr_next(e);
        return expr_unary(e);
    case '-':
        expr_next(e);
        return -expr_unary(e);
    case '~':
        expr_next(e);
        return ~expr_unary(e);
    case '(':
        expr_next(e);
        n = expr_sum(e);
        if (*e->p != ')')
            return expr_fail(e, "')' expected");
        expr_next(e);
        return n;
    case '\'':
        e->p++;
        if (!*e->p)
            return expr_fail(e, "character constant expected");
        n = (unsigned char)*e->p++;
        if (*e->p != '\'')
            return expr_fail(e, "missing terminating ' character");
        expr_next(e);
        return n;
    case '$': {
        char name[64];
        size_t k = 0;
        e->p++;
        while (isalnum((unsigned char)*e->p) || *e->p == '_' || *e->p == '.') {
            if (k + 1 < sizeof name)
                name[k++] = *e->p;
            e->p++;
        }
        name[k] = '\0';
        e->p = skip_blanks(e->p);
        uint32_t v;
        if (!register_value(e->c, name, &v))
            return expr_fail(e, "unknown register");
        return v;
    }
    case '\0':
        return expr_fail(e, "unexpected end of expression");
    default: {
        char *end;
        errno = 0;
        n = (int64_t)strtoull(e->p, &end, 0);
        if (errno == ERANGE)
            return expr_fail(e, "number too large");
        if (end == e->p) {
            snprintf(e->errbuf, sizeof e->errbuf, "invalid char '%c' in expression", *e->p);
            return expr_fail(e, e->errbuf);
        }
        e->p = skip_blanks(end);
        return n;
    }
    }
}

static int64_t expr_prod(struct expr *e)
{
    int64_t v = expr_unary(e);
    while (!e->error && (*e->p == '*' || *e->p == '/' || *e->p == '%')) {
        char op = *e->p;
        expr_next(e);
        int64_t w = expr_unary(e);
        if (op == '*') {
            v = (int64_t)((uint64_t)v * (uint64_t)w);
        } else if (w == 0) {
            return expr_fail(e, "division by zero");
        } else if (w == -1) {
            v = op == '/' ? (int64_t)(0 - (uint64_t)v) : 0;    /* no INT64_MIN / -1 trap */
        } else {
            v = op == '/' ? v / w : v % w;
        }
    }
    return v;
}

static int64_t expr_logic(struct expr *e)
{
    int64_t v = expr_prod(e);
    while (!e->error && (*e->p == '&' || *e->p == '|' || *e->p == '^')) {
        char op = *e->p;
        expr_next(e);
        int64_t w = expr_prod(e);
        v = op == '&' ? v & w : op == '|' ? v | w : v ^ w;
    }
    return v;
}

static int64_t expr_sum(struct expr *e)
{
    int64_t v = expr_logic(e);
    while (!e->error && (*e->p == '+' || *e->p == '-')) {
        char op = *e->p;
        expr_next(e);
        int64_t w = expr_logic(e);
        v = (int64_t)(op == '+' ? (uint64_t)v + (uint64_t)w : (uint64_t)v - (uint64_t)w);
    }
    return v;
}

/* An expression at *pp; on a mistake QEMU's message, then false. */
static bool get_expr(struct ctx *c, const char **pp, int64_t *v)
{
    struct expr e = { .c = c, .p = skip_blanks(*pp) };
    *v = expr_sum(&e);
    *pp = e.p;
    if (e.error) {
        fprintf(c->out, "%s\n", e.error);
        try_help(c);
        return false;
    }
    return true;
}

/* /FMT: [count][format][size], format one of o d u x i c, size b h w g (QEMU's). Without
 * it, one item in the last format used. */
struct fmt {
    int count, format, size;    /* size -1: instructions (/i) */
};

static bool get_fmt(struct ctx *c, const char **pp, struct fmt *f)
{
    struct monitor *mon = c->mon;
    const char *p = skip_blanks(*pp);
    f->count = 1;
    if (*p != '/') {
        f->format = mon->fmt_format;
        f->size = f->format == 'i' ? -1 : mon->fmt_size;
        *pp = p;
        return true;
    }
    p++;
    if (isdigit((unsigned char)*p)) {
        f->count = 0;
        while (isdigit((unsigned char)*p)) {
            if (f->count < 1000000)
                f->count = f->count * 10 + (*p - '0');
            p++;
        }
        if (f->count > 1000000)
            f->count = 1000000;     /* a typo should not take minutes to print */
    }
    int format = -1, size = -1;
    for (;; p++) {
        if (strchr("oduxic", *p) && *p)
            format = *p;
        else if (*p == 'b')
            size = 1;
        else if (*p == 'h')
            size = 2;
        else if (*p == 'w')
            size = 4;
        else if (*p == 'g' || *p == 'L')
            size = 8;
        else
            break;
    }
    if (*p && !isspace((unsigned char)*p)) {
        fprintf(c->out, "invalid char in format: '%c'\n", *p);
        try_help(c);
        return false;
    }
    if (format < 0)
        format = mon->fmt_format;
    if (format != 'i') {
        if (size < 0)
            size = mon->fmt_size;
        mon->fmt_size = size;
    }
    mon->fmt_format = format;
    f->format = format;
    f->size = size;
    *pp = p;
    return true;
}

/* ---- small helpers ---- */

/* The hart `cpu N` chose (hart 0 unless told). */
static struct hart *hart_of(struct ctx *c)
{
    struct hart *h = machine_hart_at(c->m, c->mon->cpu);
    return h ? h : machine_hart(c->m);
}

static char priv_letter(enum hart_priv p)
{
    return p == PRIV_M ? 'M' : p == PRIV_S ? 'S' : p == PRIV_U ? 'U' : '?';
}

/* QEMU's monitor_printc: a character in quotes, escaped when it is not printable. */
static void print_char(FILE *f, unsigned ch)
{
    fputc('\'', f);
    if (ch == '\'')
        fputs("\\'", f);
    else if (ch == '\\')
        fputs("\\\\", f);
    else if (ch == '\n')
        fputs("\\n", f);
    else if (ch == '\r')
        fputs("\\r", f);
    else if (ch >= 32 && ch <= 126)
        fputc((int)ch, f);
    else
        fprintf(f, "\\x%02x", ch & 0xff);
    fputc('\'', f);
}

/* ---- the commands ---- */

static void cmd_help(struct ctx *c, const char *args);

static void cmd_quit(struct ctx *c, const char *args)
{
    if (at_end(c, args, "quit"))
        c->mon->request = MONITOR_QUIT;
}

static void cmd_stop(struct ctx *c, const char *args)
{
    if (at_end(c, args, "stop"))
        c->mon->stopped = true;
}

static void cmd_cont(struct ctx *c, const char *args)
{
    if (!at_end(c, args, "cont"))
        return;
    c->mon->stopped = false;
    if (c->mon->debugger_holds)
        fprintf(c->out, "the debugger holds the guest: continue it from GDB\n");
}

static void cmd_system_reset(struct ctx *c, const char *args)
{
    if (at_end(c, args, "system_reset"))
        c->mon->request = MONITOR_RESET;
}

/* Release the keys that sendkey pressed (in the reverse order). */
static void release_keys(struct monitor *mon)
{
    struct virtio_input *kbd = mon->m ? machine_keyboard(mon->m) : NULL;
    if (kbd && mon->nheld) {
        for (unsigned i = mon->nheld; i-- > 0;)
            vinput_send(kbd, EV_KEY, mon->held[i], 0);
        vinput_send(kbd, EV_SYN, SYN_REPORT, 0);
    }
    mon->nheld = 0;
    mon->release_ns = 0;
}

/* Press these keys at once and hold them for hold_ms (QEMU's sendkey). */
static bool press_keys(struct ctx *c, const uint16_t *codes, unsigned n, uint64_t hold_ms)
{
    struct monitor *mon = c->mon;
    struct virtio_input *kbd = machine_keyboard(c->m);
    if (!kbd) {
        fprintf(c->out, "the machine has no keyboard\n");
        return false;
    }
    release_keys(mon);          /* keys still held from the last one go up first */
    for (unsigned i = 0; i < n; i++) {
        vinput_send(kbd, EV_KEY, codes[i], 1);
        mon->held[mon->nheld++] = codes[i];
    }
    vinput_send(kbd, EV_SYN, SYN_REPORT, 0);
    mon->release_ns = now_ns() + hold_ms * 1000000u;
    return true;
}

/* system_powerdown: QEMU's virt board for RISC-V has no power button (nothing happens
 * there); ARM's virt has one, a gpio-keys KEY_POWER. rvbox presses KEY_POWER on its
 * virtio keyboard: a guest that listens (Kite; Linux with systemd-logind or acpid)
 * shuts down cleanly, one that does not keeps running. */
static void cmd_system_powerdown(struct ctx *c, const char *args)
{
    if (!at_end(c, args, "system_powerdown"))
        return;
    const uint16_t power = 116;         /* KEY_POWER */
    press_keys(c, &power, 1, 100);
}

static void cmd_sendkey(struct ctx *c, const char *args)
{
    char keys[256];
    const char *p = args;
    if (!get_word(&p, keys, sizeof keys)) {
        fprintf(c->out, "sendkey: string expected\n");
        try_help(c);
        return;
    }
    int64_t hold = 100;
    p = skip_blanks(p);
    if (*p && !get_expr(c, &p, &hold))
        return;
    if (!at_end(c, p, "sendkey"))
        return;
    if (hold <= 0)
        hold = 100;                     /* as QEMU: 0 means the default */
    uint16_t codes[MAX_HELD_KEYS];
    unsigned n = 0;
    for (char *k = keys, *next; k; k = next) {
        next = strchr(k, '-');
        if (next)
            *next++ = '\0';
        uint16_t code = keymap_qcode(k);
        if (!code && k[0] == '0' && (k[1] == 'x' || k[1] == 'X')) {
            char *end;
            unsigned long v = strtoul(k + 2, &end, 16);
            if (k[2] && !*end && v > 0 && v < 0x100)
                code = (uint16_t)v;     /* a key code as a number: evdev's numbering */
        }
        if (!code || n == MAX_HELD_KEYS) {
            fprintf(c->out, "invalid parameter: %s\n", k);
            return;
        }
        codes[n++] = code;
    }
    press_keys(c, codes, n, (uint64_t)hold);
}

static void cmd_screendump(struct ctx *c, const char *args)
{
    char file[1024], format[64] = "";
    const char *p = args;
    file[0] = '\0';
    while (*(p = skip_blanks(p))) {
        if (p[0] == '-' && p[1] == 'f' && (!p[2] || isspace((unsigned char)p[2]))) {
            p += 2;
            if (!get_word(&p, format, sizeof format)) {
                fprintf(c->out, "screendump: value expected for -f\n");
                try_help(c);
                return;
            }
        } else if (!file[0] && get_word(&p, file, sizeof file)) {
            continue;
        } else {
            fprintf(c->out, "screendump: extraneous characters at the end of line\n");
            try_help(c);
            return;
        }
    }
    if (!file[0]) {
        fprintf(c->out, "screendump: filename expected\n");
        try_help(c);
        return;
    }
    if (!format[0]) {           /* QEMU writes PPM unless told; a .png name means PNG */
        size_t n = strlen(file);
        snprintf(format, sizeof format, "%s",
                 n > 4 && !strcasecmp(file + n - 4, ".png") ? "png" : "ppm");
    }
    const struct framebuffer *fb = machine_framebuffer(c->m);
    if (!fb) {
        fprintf(c->out, "There is no console to take a screendump from.\n");
        return;
    }
    char err[512];
    int rc;
    if (!strcmp(format, "png"))
        rc = screenshot_write(fb, file, err, sizeof err);
    else if (!strcmp(format, "ppm"))
        rc = screenshot_write_ppm(fb, file, err, sizeof err);
    else {
        fprintf(c->out, "Parameter 'format' does not accept value '%s'\n", format);
        return;
    }
    if (rc)
        fprintf(c->out, "%s\n", err);
}

static void cmd_log(struct ctx *c, const char *args)
{
    char items[256], err[512];
    const char *p = args;
    if (!get_word(&p, items, sizeof items)) {
        fprintf(c->out, "log: string expected\n");
        try_help(c);
        return;
    }
    if (!at_end(c, p, "log"))
        return;
    if (!c->mon->trace) {
        fprintf(c->out, "log: no trace in this rvbox\n");
        return;
    }
    /* QEMU's `log ITEMS`: -d's list, or "none". */
    unsigned flags = 0;
    int r = strcmp(items, "none") ? trace_parse_items(items, &flags, err, sizeof err) : 0;
    if (r > 0)
        trace_print_items(c->out);
    else if (r < 0 || trace_set_items(c->mon->trace, flags, err, sizeof err))
        fprintf(c->out, "%s\n", err);
}

/* The port a stub listens on, from its socket (a requested port 0 picks one). */
static unsigned listening_port(struct gdbstub *g)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    if (getsockname(gdbstub_fd(g), (struct sockaddr *)&sa, &len))
        return 0;
    return ntohs(sa.sin_port);
}

static void cmd_gdbserver(struct ctx *c, const char *args)
{
    struct monitor *mon = c->mon;
    char dev[128] = "tcp::1234";
    const char *p = args;
    if (*skip_blanks(p))
        get_word(&p, dev, sizeof dev);
    if (!at_end(c, p, "gdbserver"))
        return;
    if (mon->gdb && gdbstub_connected(mon->gdb)) {
        fprintf(c->out, "gdbserver: a debugger is connected to %s; detach it first\n",
                mon->gdb_spec);
        return;
    }
    if (!strcmp(dev, "none")) {
        if (mon->gdb) {
            gdbstub_close(mon->gdb);
            mon->gdb = NULL;
            mon->debugger_holds = false;
        }
        fprintf(c->out, "Disabled gdbserver\n");
        return;
    }
    struct gdb_options o = { 0 };
    char err[256];
    char *argv[] = { "-gdb", dev, NULL };
    int i = 0;
    if (gdbstub_option(&o, "-gdb", &i, 2, argv, err, sizeof err) != 1) {
        fprintf(c->out, "Could not open gdbserver on device '%s': %s\n", dev, err);
        return;
    }
    if (mon->gdb) {             /* listening elsewhere, nobody connected: move */
        gdbstub_close(mon->gdb);
        mon->gdb = NULL;
    }
    struct gdbstub *g;
    if (gdbstub_open(&o, mon->syms, &g, err, sizeof err)) {
        fprintf(c->out, "Could not open gdbserver on device '%s': %s\n", dev, err);
        return;
    }
    gdbstub_set_monitor(g, mon);
    gdbstub_attach(g, c->m);
    mon->gdb = g;
    snprintf(mon->gdb_spec, sizeof mon->gdb_spec, "tcp::%u", listening_port(g));
    fprintf(c->out, "Waiting for gdb connection on device '%s'\n", mon->gdb_spec);
}

/* x, xp: QEMU's memory_dump. */
static void memory_dump(struct ctx *c, const struct fmt *f, uint64_t addr, bool physical)
{
    int count = f->count, format = f->format, wsize = f->size;
    bool virt = !physical;
    if (format == 'i') {
        for (int i = 0; i < count; i++) {
            uint16_t lo, hi = 0;
            uint32_t pc = (uint32_t)addr;
            if (addr > UINT32_MAX ||
                !trace_guest_memory_at(c->m, hart_of(c), pc, &lo, 2, virt, false) ||
                ((lo & 3) == 3 &&
                 !trace_guest_memory_at(c->m, hart_of(c), pc + 2, &hi, 2, virt, false))) {
                fprintf(c->out, "0x%08llx:  Cannot access memory\n", (unsigned long long)addr);
                return;
            }
            char text[96], sym[160];
            disasm((uint32_t)lo | (uint32_t)hi << 16, pc, text, sizeof text);
            symbols_format(c->mon->syms, pc, sym, sizeof sym);
            fprintf(c->out, "0x%08x:  %s%s%s\n", pc, text, sym[0] ? "  " : "", sym);
            addr += (lo & 3) == 3 ? 4 : 2;
        }
        return;
    }
    /* As QEMU: the length and line size come from the size asked for, even for /c. */
    int line_size = wsize == 1 ? 8 : 16, max_digits = 0;
    int64_t len = (int64_t)wsize * count;
    switch (format) {
    case 'o':
        max_digits = (wsize * 8 + 2) / 3;
        break;
    case 'u':
    case 'd':
        max_digits = (wsize * 8 * 10 + 32) / 33;
        break;
    case 'c':
        wsize = 1;
        break;
    default:
        max_digits = wsize * 2;
        break;
    }
    while (len > 0) {
        if (physical)
            fprintf(c->out, "%016llx:", (unsigned long long)addr);
        else
            fprintf(c->out, "%08x:", (uint32_t)addr);
        int l = len > line_size ? line_size : (int)len;
        uint8_t buf[16];
        if (addr > UINT32_MAX || (uint64_t)addr + (uint64_t)l - 1 > UINT32_MAX ||
            !trace_guest_memory_at(c->m, hart_of(c), (uint32_t)addr, buf, (uint32_t)l, virt,
                                   false)) {
            fprintf(c->out, " Cannot access memory\n");
            return;
        }
        for (int i = 0; i < l; i += wsize) {
            uint64_t v = 0;
            for (int k = wsize - 1; k >= 0; k--)
                v = v << 8 | (i + k < l ? buf[i + k] : 0);
            fputc(' ', c->out);
            switch (format) {
            case 'o':
                fprintf(c->out, "%#*llo", max_digits, (unsigned long long)v);
                break;
            case 'u':
                fprintf(c->out, "%*llu", max_digits, (unsigned long long)v);
                break;
            case 'd': {
                int shift = 64 - 8 * wsize;     /* sign-extend the item */
                long long s = shift ? (long long)(v << shift) >> shift : (long long)v;
                fprintf(c->out, "%*lld", max_digits, s);
                break;
            }
            case 'c':
                print_char(c->out, (unsigned)v);
                break;
            default:
                fprintf(c->out, "0x%0*llx", max_digits, (unsigned long long)v);
                break;
            }
        }
        fputc('\n', c->out);
        addr += (uint64_t)l;
        len -= l;
    }
}

static void cmd_x_common(struct ctx *c, const char *args, bool physical)
{
    struct fmt f;
    int64_t addr;
    const char *p = args;
    const char *name = physical ? "xp" : "x";
    if (!get_fmt(c, &p, &f) || !get_expr(c, &p, &addr) || !at_end(c, p, name))
        return;
    memory_dump(c, &f, physical ? (uint64_t)addr : (uint32_t)addr, physical);
}

static void cmd_x(struct ctx *c, const char *args)
{
    cmd_x_common(c, args, false);
}

static void cmd_xp(struct ctx *c, const char *args)
{
    cmd_x_common(c, args, true);
}

static void cmd_print(struct ctx *c, const char *args)
{
    struct fmt f;
    int64_t v;
    const char *p = args;
    if (!get_fmt(c, &p, &f) || !get_expr(c, &p, &v) || !at_end(c, p, "print"))
        return;
    switch (f.format) {
    case 'o':
        fprintf(c->out, "%#llo\n", (unsigned long long)v);
        break;
    case 'x':
        fprintf(c->out, "%#llx\n", (unsigned long long)v);
        break;
    case 'u':
        fprintf(c->out, "%llu\n", (unsigned long long)v);
        break;
    case 'c':
        print_char(c->out, (unsigned)v);
        fputc('\n', c->out);
        break;
    default:
        fprintf(c->out, "%lld\n", (long long)v);
        break;
    }
}

/* ---- info ---- */

static void info_version(struct ctx *c, const char *args)
{
    if (at_end(c, args, "version"))
        fprintf(c->out, "%s\n", c->mon->version);
}

static void info_status(struct ctx *c, const char *args)
{
    if (!at_end(c, args, "status"))
        return;
    const char *state = c->mon->debugger_holds ? "paused (debug)"
                      : c->mon->stopped ? "paused" : "running";
    fprintf(c->out, "VM status: %s\n", state);
}

/* QEMU's riscv_cpu_dump_state for rv32, and the privilege mode. */
static void info_registers(struct ctx *c, const char *args)
{
    static const uint16_t csrs[] = {
        CSR_MHARTID, CSR_MSTATUS, CSR_MSTATUSH, CSR_MIP, CSR_MIE, CSR_MIDELEG, CSR_MEDELEG,
        CSR_MTVEC, CSR_STVEC, CSR_MEPC, CSR_SEPC, CSR_MCAUSE, CSR_SCAUSE, CSR_MTVAL,
        CSR_STVAL, CSR_MSCRATCH, CSR_SSCRATCH, CSR_SATP,
    };
    static const char *const priv_names[4] = { "U", "S", "?", "M" };
    if (!at_end(c, args, "registers"))
        return;
    /* Every hart, each under a "CPU#N" line as QEMU's `info registers -a` has it, when
     * there are several. */
    unsigned n = machine_nharts(c->m);
    for (unsigned k = 0; k < n; k++) {
        struct hart *h = machine_hart_at(c->m, k);
        if (n > 1)
            fprintf(c->out, "%sCPU#%u\n", k ? "\n" : "", k);
        fprintf(c->out, " %-8s %08x\n", "pc", hart_get_pc(h));
        fprintf(c->out, " %-8s %s\n", "priv", priv_names[hart_get_priv(h) & 3]);
        for (size_t i = 0; i < sizeof csrs / sizeof csrs[0]; i++) {
            uint32_t v;
            char name[32];
            if (hart_csr_get(h, csrs[i], &v) && csr_name(csrs[i], name, sizeof name))
                fprintf(c->out, " %-8s %08x\n", name, v);
        }
        for (unsigned i = 0; i < 32; i++) {
            char name[16];
            snprintf(name, sizeof name, "x%u/%s", i, i == 8 ? "s0" : abi_names[i]);
            fprintf(c->out, " %-8s %08x", name, hart_get_reg(h, i));
            if ((i & 3) == 3)
                fputc('\n', c->out);
        }
    }
}

/* info cpus: QEMU's list, '*' at the current one (`cpu N`), with where each hart is and
 * whether it waits in WFI ("halted", QEMU's word). */
static void info_cpus(struct ctx *c, const char *args)
{
    if (!at_end(c, args, "cpus"))
        return;
    for (unsigned k = 0; k < machine_nharts(c->m); k++) {
        struct hart *h = machine_hart_at(c->m, k);
        fprintf(c->out, "%c CPU #%u: pc=0x%08x %c-mode%s\n", k == c->mon->cpu ? '*' : ' ', k,
                hart_get_pc(h), priv_letter(hart_get_priv(h)),
                hart_waiting(h) ? " (halted)" : "");
    }
}

/* cpu N: the hart the other commands look at (registers in expressions, x, info mem,
 * tlb, history, vtop). */
static void cmd_cpu(struct ctx *c, const char *args)
{
    const char *p = skip_blanks(args);
    char *end;
    unsigned long n = strtoul(p, &end, 10);
    if (!isdigit((unsigned char)*p) || *skip_blanks(end) || n >= machine_nharts(c->m)) {
        fprintf(c->out, "invalid CPU index (this machine has %u: 0 to %u)\n",
                machine_nharts(c->m), machine_nharts(c->m) - 1);
        return;
    }
    c->mon->cpu = (unsigned)n;
}

/* A physical word of a page table, read as a debugger reads: RAM and ROM only, nothing
 * set (no A/D bits), no device touched. */
static bool read_pte(struct machine *m, uint64_t addr, uint32_t *pte)
{
    return addr <= UINT32_MAX - 3 && trace_guest_memory(m, (uint32_t)addr, pte, 4, false, false);
}

/* A run of mappings that continue each other: QEMU's walk_pte merges them so. */
struct mem_run {
    uint32_t va;
    uint64_t pa, size;
    uint32_t attr;
};

static void mem_flush(FILE *f, const struct mem_run *r)
{
    if (!r->size)
        return;
    uint32_t a = r->attr;
    fprintf(f, "%08x %016llx %08llx %c%c%c%c%c%c%c\n", r->va, (unsigned long long)r->pa,
            (unsigned long long)r->size, a & 2 ? 'r' : '-', a & 4 ? 'w' : '-',
            a & 8 ? 'x' : '-', a & 16 ? 'u' : '-', a & 32 ? 'g' : '-', a & 64 ? 'a' : '-',
            a & 128 ? 'd' : '-');
}

static void mem_add(FILE *f, struct mem_run *r, uint32_t va, uint64_t pa, uint64_t size,
                    uint32_t pte)
{
    uint32_t attr = pte & 0xfe;
    if (r->size && r->attr == attr && r->pa + r->size == pa &&
        (uint64_t)r->va + r->size == va) {
        r->size += size;
        return;
    }
    mem_flush(f, r);
    *r = (struct mem_run){ va, pa, size, attr };
}

/* info mem: the Sv32 table satp points at, as QEMU's hmp_info_mem prints it. */
static void info_mem(struct ctx *c, const char *args)
{
    if (!at_end(c, args, "mem"))
        return;
    struct hart *h = hart_of(c);
    uint32_t satp = 0;
    hart_csr_get(h, CSR_SATP, &satp);
    if (!(satp >> 31)) {
        fprintf(c->out, "No translation or protection\n");
        return;
    }
    /* QEMU stops at "No translation or protection in M-mode"; a guest stopped in its
     * firmware (a timer tick) still has the table it runs on, so rvbox shows it. */
    if (hart_get_priv(h) == PRIV_M)
        fprintf(c->out, "(the hart is in M-mode, which is not translated; the table satp "
                        "points at:)\n");
    uint64_t root = (uint64_t)(satp & 0x3fffff) << 12;
    fprintf(c->out, "vaddr    paddr            size     attr\n"
                    "-------- ---------------- -------- -------\n");
    struct mem_run run = { 0 };
    for (uint32_t i = 0; i < 1024; i++) {
        uint32_t pte;
        if (!read_pte(c->m, root + 4 * i, &pte))
            break;
        if (!(pte & 1))
            continue;
        uint64_t ppn = pte >> 10;
        if (pte & 0xe) {
            mem_add(c->out, &run, i << 22, (ppn << 12) & ~0x3fffffull, 1u << 22, pte);
            continue;
        }
        for (uint32_t j = 0; j < 1024; j++) {
            uint32_t leaf;
            if (!read_pte(c->m, (ppn << 12) + 4 * j, &leaf))
                break;
            if ((leaf & 1) && (leaf & 0xe))
                mem_add(c->out, &run, i << 22 | j << 12, (uint64_t)(leaf >> 10) << 12, 4096,
                        leaf);
        }
    }
    mem_flush(c->out, &run);
}

static void print_tlb(struct ctx *c)
{
    static struct hart_tlb_entry e[HART_TLB_ENTRIES];
    static const char *const kinds[] = { "load", "store", "fetch" };
    unsigned n = hart_tlb_entries(hart_of(c), e, HART_TLB_ENTRIES);
    fprintf(c->out, "%u TLB entries (virtual page -> physical page, for which access)\n", n);
    for (unsigned i = 0; i < n; i++)
        fprintf(c->out, "  %08x -> %08x  %s\n", e[i].va, e[i].pa, kinds[e[i].kind % 3]);
}

static void info_tlb(struct ctx *c, const char *args)
{
    if (at_end(c, args, "tlb"))
        print_tlb(c);
}

static const char *region_kind(const struct bus_region *r)
{
    return !r->host ? "i/o" : r->writable ? "ram" : "rom";
}

/* info mtree: the bus, in QEMU's layout. */
static void info_mtree(struct ctx *c, const char *args)
{
    if (!at_end(c, args, "mtree"))
        return;
    struct bus *bus = machine_bus(c->m);
    const struct bus_region *r;
    fprintf(c->out, "address-space: memory\n"
                    "  0000000000000000-00000000ffffffff (prio 0, i/o): system\n");
    for (unsigned i = 0; (r = bus_region_at(bus, i)); i++)
        fprintf(c->out, "    %016llx-%016llx (prio 0, %s): %s\n", (unsigned long long)r->base,
                (unsigned long long)r->base + r->size - 1, region_kind(r), r->name);
}

/* Which PLIC source a device at `base` drives, 0 if none (bus/memmap.h's wiring). */
static unsigned irq_of(uint32_t base)
{
    if (base == MEMMAP_UART0_BASE)
        return MEMMAP_UART0_IRQ;
    if (base == MEMMAP_RTC_BASE)
        return MEMMAP_RTC_IRQ;
    if (base >= MEMMAP_VIRTIO_BASE &&
        base < MEMMAP_VIRTIO_BASE + MEMMAP_VIRTIO_COUNT * MEMMAP_VIRTIO_STRIDE)
        return MEMMAP_VIRTIO_IRQ0 + (base - MEMMAP_VIRTIO_BASE) / MEMMAP_VIRTIO_STRIDE;
    return 0;
}

/* What sits in a virtio-mmio slot: its DeviceID register, which reads without effect. */
static const char *virtio_device(struct ctx *c, uint32_t base)
{
    uint32_t id = 0;
    bus_read(machine_bus(c->m), base + 8, 4, &id);
    unsigned slot = (base - MEMMAP_VIRTIO_BASE) / MEMMAP_VIRTIO_STRIDE;
    switch (id) {
    case 1:
        return "virtio-net-device";
    case 2:
        return "virtio-blk-device";
    case 9:
        return "virtio-9p-device";
    case 18:
        return slot == MACHINE_KEYBOARD_SLOT ? "virtio-keyboard-device"
                                             : "virtio-tablet-device";
    case 0:
        return NULL;
    default:
        return "virtio-device";
    }
}

/* info qtree: every device on the bus with its registers and interrupt, QEMU's shape. */
static void info_qtree(struct ctx *c, const char *args)
{
    if (!at_end(c, args, "qtree"))
        return;
    struct bus *bus = machine_bus(c->m);
    const struct bus_region *r;
    fprintf(c->out, "bus: main-system-bus\n  type System\n");
    for (unsigned i = 0; (r = bus_region_at(bus, i)); i++) {
        if (!strcmp(r->name, "ram") || !strcmp(r->name, "bootrom"))
            continue;
        fprintf(c->out, "  dev: %s, id \"\"\n", r->name);
        unsigned irq = irq_of(r->base);
        if (irq)
            fprintf(c->out, "    irq %u (plic)\n", irq);
        fprintf(c->out, "    %s %016llx/%016llx\n", r->host ? "memory" : "mmio",
                (unsigned long long)r->base, (unsigned long long)r->size);
        if (!strcmp(r->name, "virtio-mmio")) {
            unsigned slot = (r->base - MEMMAP_VIRTIO_BASE) / MEMMAP_VIRTIO_STRIDE;
            const char *dev = virtio_device(c, r->base);
            fprintf(c->out, "    bus: virtio-mmio-bus.%u\n      type virtio-mmio-bus\n", slot);
            if (dev)
                fprintf(c->out, "      dev: %s, id \"\"\n", dev);
        }
    }
}

static const char *plic_source_name(unsigned src, char *buf, size_t len)
{
    if (src == MEMMAP_UART0_IRQ)
        return "uart0";
    if (src == MEMMAP_RTC_IRQ)
        return "rtc";
    if (src >= MEMMAP_VIRTIO_IRQ0 && src < MEMMAP_VIRTIO_IRQ0 + MEMMAP_VIRTIO_COUNT) {
        snprintf(buf, len, "virtio%u", src - MEMMAP_VIRTIO_IRQ0);
        return buf;
    }
    return "";
}

/* The PLIC's registers, read through the bus: priority, pending, enable and threshold
 * reads have no side effect (the claim register, which has one, is never read). With
 * `full`, also each source's line and whether it is claimed (plic.h's accessors). */
static void print_plic(struct ctx *c, bool full)
{
    struct bus *bus = machine_bus(c->m);
    const uint32_t base = MEMMAP_PLIC_BASE;
    static const char *const ctx_name[2] = { "M", "S" };
    uint32_t pending = 0, enable[2] = { 0, 0 }, threshold[2] = { 0, 0 };
    bool ok = bus_read(bus, base + 0x1000, 4, &pending);
    for (unsigned k = 0; k < 2; k++) {
        ok = ok && bus_read(bus, base + 0x2000 + 0x80 * k, 4, &enable[k]);
        ok = ok && bus_read(bus, base + 0x200000 + 0x1000 * k, 4, &threshold[k]);
    }
    if (!ok) {
        fprintf(c->out, "the PLIC does not answer at %08x\n", base);
        return;
    }
    uint32_t level = 0, claimed = 0;
    if (full) {
        level = plic_levels(machine_plic(c->m));
        claimed = plic_claimed(machine_plic(c->m));
    }
    fprintf(c->out, "PLIC at %08x, hart 0: threshold M %u, S %u\n", base, threshold[0],
            threshold[1]);
    fprintf(c->out, full ? "  src  name      prio  line  pending  claimed  enabled\n"
                         : "  src  name      prio  pending  enabled\n");
    unsigned shown = 0;
    for (unsigned src = 1; src < PLIC_SOURCES; src++) {
        uint32_t prio = 0;
        bus_read(bus, base + 4 * src, 4, &prio);
        bool pend = pending >> src & 1, high = level >> src & 1, busy = claimed >> src & 1;
        bool en[2] = { enable[0] >> src & 1, enable[1] >> src & 1 };
        /* `plic` shows every source with a priority; `info irq` those that take part */
        if (full ? !pend && !en[0] && !en[1] && !high && !busy
                 : !prio && !pend && !en[0] && !en[1])
            continue;
        char nb[16], enabled[8];
        snprintf(enabled, sizeof enabled, "%s%s%s", en[0] ? ctx_name[0] : "",
                 en[0] && en[1] ? "," : "", en[1] ? ctx_name[1] : (en[0] ? "" : "-"));
        if (full)
            fprintf(c->out, "  %3u  %-8s  %4u  %4s  %7s  %7s  %s\n", src,
                    plic_source_name(src, nb, sizeof nb), prio, high ? "high" : "low",
                    pend ? "yes" : "no", busy ? "yes" : "no", enabled);
        else
            fprintf(c->out, "  %3u  %-8s  %4u  %7s  %s\n", src,
                    plic_source_name(src, nb, sizeof nb), prio, pend ? "yes" : "no", enabled);
        shown++;
    }
    if (!shown)
        fprintf(c->out, full ? "  (no source is enabled, raised, pending or claimed)\n"
                             : "  (no source has a priority, is pending or is enabled)\n");
}

/* Interrupt bits by name: " mip 000000a0 (STIP MTIP)", " mie 00000008 (MSIE)". */
static void print_irq_bits(FILE *f, const char *what, uint32_t v, const char *suffix)
{
    static const char *const names[12] = {
        [1] = "SS", [3] = "MS", [5] = "ST", [7] = "MT", [9] = "SE", [11] = "ME",
    };
    fprintf(f, " %s %08x", what, v);
    bool first = true;
    for (unsigned b = 0; b < 12; b++) {
        if (!(v >> b & 1) || !names[b])
            continue;
        fprintf(f, "%s%s%s", first ? " (" : " ", names[b], suffix);
        first = false;
    }
    if (!first)
        fputc(')', f);
}

/* info irq: the interrupt controllers' state (QEMU prints per-source counts here, which
 * its RISC-V PLIC does not keep). */
static void info_irq(struct ctx *c, const char *args)
{
    if (!at_end(c, args, "irq"))
        return;
    print_plic(c, true);
    struct bus *bus = machine_bus(c->m);
    uint64_t mtime = machine_time(c->m);
    unsigned n = machine_nharts(c->m);
    fprintf(c->out, "CLINT at %08x: mtime %016llx (%llu.%06llu s, 10 MHz)\n", MEMMAP_CLINT_BASE,
            (unsigned long long)mtime, (unsigned long long)(mtime / 10000000u),
            (unsigned long long)(mtime % 10000000u / 10));
    for (unsigned k = 0; k < n; k++) {
        uint32_t msip = 0, lo = 0, hi = 0;
        bus_read(bus, MEMMAP_CLINT_BASE + 4 * k, 4, &msip);
        bus_read(bus, MEMMAP_CLINT_BASE + 0x4000 + 8 * k, 4, &lo);
        bus_read(bus, MEMMAP_CLINT_BASE + 0x4004 + 8 * k, 4, &hi);
        uint64_t cmp = (uint64_t)hi << 32 | lo;
        fprintf(c->out, "  hart %u: msip %u, mtimecmp %016llx", k, msip & 1,
                (unsigned long long)cmp);
        if (cmp == UINT64_MAX)
            fprintf(c->out, " (never)\n");
        else if (cmp > mtime)
            fprintf(c->out, " (in %llu us)\n", (unsigned long long)((cmp - mtime) / 10));
        else
            fprintf(c->out, " (passed)\n");
    }
    for (unsigned k = 0; k < n; k++) {
        struct hart *h = machine_hart_at(c->m, k);
        uint32_t mip = 0, mie = 0, mideleg = 0;
        hart_csr_get(h, CSR_MIP, &mip);
        hart_csr_get(h, CSR_MIE, &mie);
        hart_csr_get(h, CSR_MIDELEG, &mideleg);
        fprintf(c->out, "hart %u (%c-mode):", k, priv_letter(hart_get_priv(h)));
        print_irq_bits(c->out, "mip", mip, "IP");
        print_irq_bits(c->out, "mie", mie, "IE");
        print_irq_bits(c->out, "mideleg", mideleg, "I");
        fputc('\n', c->out);
    }
}

/* `history [N]`, `info history [N]`: N decimal, 16 when absent (or 0), at most 64. */
static void print_history(struct ctx *c, const char *args)
{
    unsigned long n = 16;
    const char *p = skip_blanks(args);
    if (*p) {
        char *end;
        errno = 0;
        n = strtoul(p, &end, 10);
        if (!isdigit((unsigned char)p[0]) || *skip_blanks(end) || errno) {
            fprintf(c->out, "usage: history [N] (N up to %d)\n", HART_HISTORY_LEN);
            return;
        }
    }
    if (n == 0)
        n = 16;
    trace_print_history_at(c->out, c->m, hart_of(c), c->mon->syms,
                           n > HART_HISTORY_LEN ? HART_HISTORY_LEN : (unsigned)n);
}

/* ---- rvbox's own (GDB's monitor had them first) ---- */

static void cmd_devices(struct ctx *c, const char *args)
{
    (void)args;
    struct bus *bus = machine_bus(c->m);
    const struct bus_region *r;
    for (unsigned i = 0; (r = bus_region_at(bus, i)); i++)
        fprintf(c->out, "  %08x-%08x  %-4s  %s\n", r->base, r->base + (r->size - 1),
                !r->host ? "mmio" : r->writable ? "ram" : "rom", r->name);
}

static void cmd_plic(struct ctx *c, const char *args)
{
    (void)args;
    print_plic(c, false);
}

static void cmd_tlb(struct ctx *c, const char *args)
{
    (void)args;
    print_tlb(c);
}

static void pte_flags(uint32_t pte, char out[9])
{
    static const char letters[] = "vrwxugad";
    for (int i = 0; i < 8; i++)
        out[i] = pte >> i & 1 ? letters[i] : '-';
    out[8] = '\0';
}

struct pt_run {
    bool open;
    uint32_t va;
    uint64_t pa, len;
    uint32_t flags;
};

static void pt_flush(FILE *f, struct pt_run *r)
{
    if (!r->open)
        return;
    char fl[9];
    pte_flags(r->flags, fl);
    fprintf(f, "  %08x-%08x -> %09llx-%09llx  %s\n", r->va, (uint32_t)(r->va + r->len - 1),
            (unsigned long long)r->pa, (unsigned long long)(r->pa + r->len - 1), fl);
    r->open = false;
}

/* Join mappings that continue each other (in va and pa, with the same flags). */
static void pt_add(FILE *f, struct pt_run *r, uint32_t va, uint64_t pa, uint64_t len,
                   uint32_t pte)
{
    uint32_t flags = pte & 0xff;
    if (r->open && r->va + r->len == va && r->pa + r->len == pa && r->flags == flags) {
        r->len += len;
        return;
    }
    pt_flush(f, r);
    *r = (struct pt_run){ true, va, pa, len, flags };
}

/* pt: the Sv32 page table that satp points at, as ranges of virtual -> physical. */
static void cmd_pt(struct ctx *c, const char *args)
{
    (void)args;
    FILE *f = c->out;
    uint32_t satp = 0;
    hart_csr_get(hart_of(c), CSR_SATP, &satp);
    if (!(satp >> 31)) {
        fprintf(f, "satp=%08x: bare, no translation\n", satp);
        return;
    }
    uint64_t root = (uint64_t)(satp & 0x3fffff) << 12;
    fprintf(f, "satp=%08x: Sv32, ASID %u, root table at %09llx\n", satp, (satp >> 22) & 0x1ff,
            (unsigned long long)root);
    struct pt_run run = { 0 };
    unsigned leaves = 0;
    for (uint32_t i = 0; i < 1024; i++) {
        uint32_t pte;
        if (!read_pte(c->m, root + 4 * i, &pte)) {
            fprintf(f, "  the root table is not in memory\n");
            return;
        }
        if (!(pte & 1))
            continue;
        uint64_t ppn = pte >> 10;
        if (pte & 0xe) {        /* a leaf: a 4 MiB superpage */
            pt_add(f, &run, i << 22, ppn << 12, 1u << 22, pte);
            leaves++;
            continue;
        }
        for (uint32_t j = 0; j < 1024; j++) {
            uint32_t pte0;
            if (!read_pte(c->m, (ppn << 12) + 4 * j, &pte0))
                break;
            if ((pte0 & 1) && (pte0 & 0xe)) {
                pt_add(f, &run, i << 22 | j << 12, (uint64_t)(pte0 >> 10) << 12, 4096, pte0);
                leaves++;
            }
        }
    }
    pt_flush(f, &run);
    if (!leaves)
        fprintf(f, "  (no valid leaf entries)\n");
}

static void cmd_vtop(struct ctx *c, const char *args)
{
    char arg[32];
    const char *p = args;
    char *end;
    unsigned long long v = 0;
    bool ok = get_word(&p, arg, sizeof arg) && !*skip_blanks(p) && arg[0] != '-';
    if (ok) {
        v = strtoull(arg, &end, 16);    /* takes an 0x prefix too */
        ok = !*end && v <= UINT32_MAX;
    }
    if (!ok) {
        fprintf(c->out, "usage: vtop ADDRESS (hex)\n");
        return;
    }
    uint32_t va = (uint32_t)v, pa, wpa;
    struct hart *h = hart_of(c);
    bool r = hart_debug_translate(h, va, false, &pa);
    bool w = hart_debug_translate(h, va, true, &wpa);
    if (!r && !w)
        fprintf(c->out, "%08x: not mapped for loads or stores in %c-mode now\n", va,
                priv_letter(hart_get_priv(h)));
    else
        fprintf(c->out, "%08x -> %08x (%s)\n", va, r ? pa : wpa,
                r && w ? "loads and stores" : r ? "loads only" : "stores only");
}

static void cmd_history(struct ctx *c, const char *args)
{
    print_history(c, args);
}

/* ---- snapshots (host/monitor_snapshot.c) ---- */

/* The snapshot file, or NULL after saying there is none. */
static const char *snapshot_path(struct ctx *c)
{
    if (!c->mon->snapshot_path)
        fprintf(c->out, "Error: this rvbox keeps no snapshot file\n");
    return c->mon->snapshot_path;
}

/* The one NAME argument: false after QEMU's complaint when it is missing (and
 * `optional` is false) or followed by more. */
static bool snapshot_name(struct ctx *c, const char **args, const char *cmd, bool optional,
                          char *name, size_t len)
{
    if (!get_word(args, name, len)) {
        if (optional) {
            name[0] = '\0';
            return true;
        }
        fprintf(c->out, "%s: Parameter 'name' is missing\n", cmd);
        try_help(c);
        return false;
    }
    return at_end(c, *args, cmd);
}

static void cmd_savevm(struct ctx *c, const char *args)
{
    char name[256];
    const char *path = snapshot_path(c);
    if (path && snapshot_name(c, &args, "savevm", true, name, sizeof name))
        monitor_savevm(c->out, c->m, path, name[0] ? name : NULL);
}

static void cmd_loadvm(struct ctx *c, const char *args)
{
    char name[256];
    const char *path = snapshot_path(c);
    if (!path || !snapshot_name(c, &args, "loadvm", false, name, sizeof name))
        return;
    if (c->mon->loadvm_refused)
        fprintf(c->out, "Error: loadvm: %s\n", c->mon->loadvm_refused);
    else
        monitor_loadvm(c->out, c->m, path, name);
}

static void cmd_delvm(struct ctx *c, const char *args)
{
    char name[256];
    const char *path = snapshot_path(c);
    if (path && snapshot_name(c, &args, "delvm", false, name, sizeof name))
        monitor_delvm(c->out, c->m, path, name);
}

static void info_snapshots(struct ctx *c, const char *args)
{
    const char *path = snapshot_path(c);
    if (path && at_end(c, args, "info snapshots"))
        monitor_info_snapshots(c->out, path);
}

static void cmd_phys(struct ctx *c, const char *args)
{
    const char *p = skip_blanks(args);
    if (!strcmp(p, "on"))
        *c->phys = true;
    else if (!strcmp(p, "off"))
        *c->phys = false;
    else if (*p) {
        fprintf(c->out, "usage: phys [on|off]\n");
        return;
    }
    fprintf(c->out, "memory access is %s\n", *c->phys ? "physical" : "virtual (through the MMU)");
}

/* ---- the network (host/net.c answers) ---- */

static void info_network(struct ctx *c, const char *args)
{
    if (at_end(c, args, "network"))
        host_net_info(c->mon->net, c->out);
}

static void info_usernet(struct ctx *c, const char *args)
{
    if (at_end(c, args, "usernet"))
        host_net_usernet(c->mon->net, c->out);
}

static void cmd_hostfwd_add(struct ctx *c, const char *args)
{
    host_net_hostfwd(c->mon->net, true, args, c->out);
}

static void cmd_hostfwd_remove(struct ctx *c, const char *args)
{
    host_net_hostfwd(c->mon->net, false, args, c->out);
}

/* ---- the tables ---- */

struct command {
    const char *name;           /* "quit|q": the name, then aliases */
    const char *params;
    const char *help;
    void (*fn)(struct ctx *c, const char *args);
    const struct command *sub;  /* info: its own table */
};

static void cmd_info(struct ctx *c, const char *args);

static const struct command info_commands[] = {
    { "version", "", "show the version of rvbox", info_version, NULL },
    { "status", "", "show the current VM status (running|paused)", info_status, NULL },
    { "registers", "", "show the cpu registers", info_registers, NULL },
    { "cpus", "", "show infos for each CPU", info_cpus, NULL },
    { "mem", "", "show the active virtual memory mappings", info_mem, NULL },
    { "tlb", "", "show the hart's TLB: cached virtual to physical translations", info_tlb,
      NULL },
    { "mtree", "", "show memory tree", info_mtree, NULL },
    { "qtree", "", "show device tree", info_qtree, NULL },
    { "irq", "", "show the interrupt controllers: the PLIC's sources, the CLINT's timer",
      info_irq, NULL },
    { "history", "[n]", "show the hart's last n control transfers (default 16, at most 64)",
      print_history, NULL },
    { "snapshots", "", "show the currently saved VM snapshots", info_snapshots, NULL },
    { "network", "", "show the network state", info_network, NULL },
    { "usernet", "", "show user network stack connection states", info_usernet, NULL },
    { NULL, NULL, NULL, NULL, NULL },
};

static const struct command commands[] = {
    { "help|?", "[cmd]", "show the help", cmd_help, NULL },
    { "quit|q", "", "quit the emulator (disks are flushed)", cmd_quit, NULL },
    { "stop|s", "", "stop emulation", cmd_stop, NULL },
    { "cont|c", "", "resume emulation", cmd_cont, NULL },
    { "system_reset", "", "reset the system", cmd_system_reset, NULL },
    { "system_powerdown", "", "send system power down event (KEY_POWER on the keyboard)",
      cmd_system_powerdown, NULL },
    { "cpu", "index", "set the default CPU", cmd_cpu, NULL },
    { "x", "/fmt addr", "virtual memory dump starting at 'addr'", cmd_x, NULL },
    { "xp", "/fmt addr", "physical memory dump starting at 'addr'", cmd_xp, NULL },
    { "print|p", "/fmt expr", "print expression value (use $reg for CPU register access)",
      cmd_print, NULL },
    { "sendkey", "keys [hold_ms]",
      "send keys to the VM (e.g. 'sendkey ctrl-alt-f1', default hold time=100 ms)",
      cmd_sendkey, NULL },
    { "screendump", "filename [-f format]",
      "save screen to a file (format png or ppm; ppm unless the name ends in .png)",
      cmd_screendump, NULL },
    { "log", "item1[,...]", "activate logging of the specified items (-d's; none: all off)",
      cmd_log, NULL },
    { "gdbserver", "[device]",
      "start gdbserver on given device (default 'tcp::1234'), stop with 'none'",
      cmd_gdbserver, NULL },
    { "savevm", "[tag]",
      "save a VM snapshot. If no tag is provided, a new snapshot is created", cmd_savevm,
      NULL },
    { "loadvm", "tag", "restore a VM snapshot from its tag", cmd_loadvm, NULL },
    { "delvm", "tag", "delete a VM snapshot from its tag", cmd_delvm, NULL },
    { "hostfwd_add", "[netdev_id] [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport",
      "redirect TCP or UDP connections from host to guest (requires -net user)",
      cmd_hostfwd_add, NULL },
    { "hostfwd_remove", "[netdev_id] [tcp|udp]:[hostaddr]:hostport",
      "remove host-to-guest TCP or UDP redirection", cmd_hostfwd_remove, NULL },
    { "info", "[subcommand]", "show various information about the system state", cmd_info,
      info_commands },
    { "devices", "", "the bus: RAM, ROM and each device's registers", cmd_devices, NULL },
    { "plic", "", "the PLIC: priorities, pending and enabled sources, thresholds", cmd_plic,
      NULL },
    { "tlb", "", "the hart's TLB: cached translations", cmd_tlb, NULL },
    { "pt", "", "the Sv32 page table satp points at", cmd_pt, NULL },
    { "vtop", "addr", "translate a virtual address (hex) as the hart would now", cmd_vtop,
      NULL },
    { "history", "[n]", "the last n (default 16, at most 64) control transfers", cmd_history,
      NULL },
    { "phys", "[on|off]",
      "GDB's memory reads and writes by physical address (on) or through the MMU (off)",
      cmd_phys, NULL },
    { NULL, NULL, NULL, NULL, NULL },
};

/* Is `name` (len bytes) one of the '|'-separated names of `list`? */
static bool name_matches(const char *name, size_t len, const char *list)
{
    for (const char *p = list;;) {
        size_t n = strcspn(p, "|");
        if (n == len && !memcmp(p, name, len))
            return true;
        if (!p[n])
            return false;
        p += n + 1;
    }
}

static const struct command *find(const struct command *table, const char *name, size_t len)
{
    for (const struct command *cmd = table; cmd->name; cmd++)
        if (name_matches(name, len, cmd->name))
            return cmd;
    return NULL;
}

static void help_one(FILE *f, const char *prefix, const struct command *cmd)
{
    fprintf(f, "%s%s %s -- %s\n", prefix, cmd->name, cmd->params, cmd->help);
}

static void help_table(FILE *f, const char *prefix, const struct command *table)
{
    for (const struct command *cmd = table; cmd->name; cmd++)
        help_one(f, prefix, cmd);
}

/* help [cmd [subcmd]] */
static void cmd_help(struct ctx *c, const char *args)
{
    char w1[64], w2[64];
    const char *p = args;
    if (!get_word(&p, w1, sizeof w1)) {
        help_table(c->out, "", commands);
        return;
    }
    const struct command *cmd = find(commands, w1, strlen(w1));
    if (!cmd) {
        fprintf(c->out, "unknown command: '%s'\n", w1);
        return;
    }
    if (!cmd->sub) {
        help_one(c->out, "", cmd);
        return;
    }
    if (!get_word(&p, w2, sizeof w2)) {
        help_table(c->out, "info ", cmd->sub);
        return;
    }
    const struct command *sub = find(cmd->sub, w2, strlen(w2));
    if (!sub)
        fprintf(c->out, "unknown command: '%s %s'\n", w1, w2);
    else
        help_one(c->out, "info ", sub);
}

static void cmd_info(struct ctx *c, const char *args)
{
    (void)args;                 /* only without a subcommand: the list */
    help_table(c->out, "info ", info_commands);
}

/* Commands that make sense without a machine (there is always one while the loop runs;
 * between a reboot's two machines nothing is read). */
static bool needs_machine(const struct command *cmd)
{
    return cmd->fn != cmd_help && cmd->fn != cmd_info && cmd->fn != cmd_quit &&
           cmd->fn != cmd_stop && cmd->fn != cmd_cont && cmd->fn != info_version &&
           cmd->fn != info_status && cmd->fn != cmd_log && cmd->fn != cmd_phys &&
           cmd->fn != info_snapshots && cmd->fn != info_network &&
           cmd->fn != info_usernet && cmd->fn != cmd_hostfwd_add &&
           cmd->fn != cmd_hostfwd_remove;
}

void monitor_command(struct monitor *mon, FILE *out, bool *phys, const char *line)
{
    struct ctx c = { .mon = mon, .m = mon->m, .out = out, .phys = phys, .cmdline = line };
    const char *p = skip_blanks(line);
    c.cmdline = p;
    const struct command *table = commands, *cmd = NULL;
    for (;;) {
        const char *name = skip_blanks(p);
        if (!*name)
            break;              /* a blank line, or `info` alone */
        p = name;
        while (*p && *p != '/' && !isspace((unsigned char)*p))
            p++;
        const struct command *found = find(table, name, (size_t)(p - name));
        if (!found) {
            fprintf(out, "unknown command: '%.*s'\n", (int)(p - c.cmdline), c.cmdline);
            return;
        }
        cmd = found;
        c.cmdlen = (size_t)(p - c.cmdline);
        if (!cmd->sub)
            break;
        table = cmd->sub;
    }
    if (!cmd)
        return;
    if (needs_machine(cmd) && !c.m) {
        fprintf(out, "No CPU available\n");
        return;
    }
    cmd->fn(&c, p);
}

/* ---- a console: the line editor ---- */

static void term_print(struct monitor_term *t, const char *text, size_t len)
{
    /* "\n" becomes "\r\n", as QEMU's monitor writes it. */
    char buf[512];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (n + 2 > sizeof buf) {
            t->write(t->opaque, buf, n);
            n = 0;
        }
        if (text[i] == '\n')
            buf[n++] = '\r';
        buf[n++] = text[i];
    }
    if (n)
        t->write(t->opaque, buf, n);
}

static void term_puts(struct monitor_term *t, const char *s)
{
    term_print(t, s, strlen(s));
}

struct monitor_term *monitor_term_create(struct monitor *mon,
                                         void (*write)(void *opaque, const char *text,
                                                       size_t len),
                                         void *opaque)
{
    struct monitor_term *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->mon = mon;
    t->write = write;
    t->opaque = opaque;
    return t;
}

void monitor_term_destroy(struct monitor_term *t)
{
    free(t);
}

void monitor_term_enter(struct monitor_term *t)
{
    if (!t->greeted) {
        char banner[128];
        snprintf(banner, sizeof banner, "rvbox %s monitor - type 'help' for more information\n",
                 t->mon->version);
        term_puts(t, banner);
        t->greeted = true;
    }
    term_puts(t, PROMPT);
    term_print(t, t->line, t->len);
}

/* Show `text` as the line being typed, in place of what is there. */
static void term_replace_line(struct monitor_term *t, const char *text)
{
    while (t->len) {
        term_puts(t, "\b \b");
        t->len--;
    }
    size_t n = strlen(text);
    if (n >= sizeof t->line)
        n = sizeof t->line - 1;
    memcpy(t->line, text, n);
    t->len = n;
    term_print(t, t->line, n);
}

static void term_remember(struct monitor_term *t)
{
    if (!t->len || (t->nhistory && !strcmp(t->history[t->nhistory - 1], t->line)))
        return;
    if (t->nhistory == HISTORY_LINES) {
        memmove(t->history[0], t->history[1], sizeof t->history[0] * (HISTORY_LINES - 1));
        t->nhistory--;
    }
    memcpy(t->history[t->nhistory++], t->line, t->len + 1);
}

/* Enter: run the line, print what it said and the next prompt. */
static void term_execute(struct monitor_term *t)
{
    t->line[t->len] = '\0';
    term_puts(t, "\n");
    term_remember(t);
    t->browse = t->nhistory;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f) {
        monitor_command(t->mon, f, &t->phys, t->line);
        fclose(f);
        term_print(t, text, len);
        free(text);
    }
    t->len = 0;
    if (t->mon->request != MONITOR_QUIT)
        term_puts(t, PROMPT);
}

/* ESC [ A / ESC O A: up; B: down; other sequences are read and dropped. */
static void term_escape(struct monitor_term *t, unsigned char ch)
{
    if (t->esc == 1) {
        t->esc = ch == '[' || ch == 'O' ? 2 : 0;
        return;
    }
    if (ch >= 0x40 && ch <= 0x7e)
        t->esc = 0;             /* the final byte */
    if (ch == 'A' && t->browse > 0) {
        t->browse--;
        term_replace_line(t, t->history[t->browse]);
    } else if (ch == 'B' && t->browse < t->nhistory) {
        t->browse++;
        term_replace_line(t, t->browse < t->nhistory ? t->history[t->browse] : "");
    }
}

void monitor_term_input(struct monitor_term *t, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = p[i];
        bool after_cr = t->after_cr;
        t->after_cr = ch == '\r';
        if (t->telnet) {
            t->telnet--;
        } else if (ch == 0xff) {    /* a telnet client's IAC: never in UTF-8 text */
            t->telnet = 2;
        } else if (t->esc) {
            term_escape(t, ch);
        } else if (ch == '\r' || ch == '\n') {
            if (ch == '\n' && after_cr)
                continue;       /* the \n of a \r\n */
            term_execute(t);
        } else if (ch == 0x7f || ch == '\b') {
            if (t->len) {
                t->len--;
                term_puts(t, "\b \b");
            }
        } else if (ch == 0x15) {    /* Ctrl-U: the whole line */
            term_replace_line(t, "");
        } else if (ch == 0x03) {    /* Ctrl-C: a fresh line */
            t->len = 0;
            term_puts(t, "\n" PROMPT);
        } else if (ch == 0x1b) {
            t->esc = 1;
        } else if (ch >= 0x20 && t->len + 1 < sizeof t->line) {
            t->line[t->len++] = (char)ch;
            t->write(t->opaque, (const char *)&ch, 1);
        }
    }
}

/* ---- -monitor's own console ---- */

static void console_write(void *opaque, const char *text, size_t len)
{
    struct monitor *mon = opaque;
    if (mon->kind == CONSOLE_PTY && mon->pty_idle)
        return;                 /* nobody to read it: the next client gets a fresh prompt */
    while (mon->out_fd >= 0 && len) {
        ssize_t n = mon->kind == CONSOLE_TCP ? send(mon->out_fd, text, len, MSG_NOSIGNAL)
                                             : write(mon->out_fd, text, len);
        if (n > 0) {
            text += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd p = { .fd = mon->out_fd, .events = POLLOUT };
            if (poll(&p, 1, SEND_TIMEOUT_MS) > 0)
                continue;
        }
        if (mon->kind != CONSOLE_TCP)
            return;             /* a closed stdout, a full pty: the text is dropped */
        close(mon->in_fd);      /* a tcp client that reads nothing is gone */
        mon->in_fd = mon->out_fd = -1;
    }
}

/* A new tcp client: a fresh line editor, the banner, the prompt. */
static void tcp_accept(struct monitor *mon)
{
    int fd = accept(mon->listen_fd, NULL, NULL);
    if (fd < 0)
        return;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    mon->in_fd = mon->out_fd = fd;
    monitor_term_destroy(mon->term);
    mon->term = monitor_term_create(mon, console_write, mon);
    if (mon->term)
        monitor_term_enter(mon->term);
}

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
    return true;
}

/* tcp:HOST:PORT,server[,nowait] (also server=on, wait=off, wait=on): listen, and wait
 * for the first client unless nowait. */
static int open_tcp(struct monitor *mon, const char *spec, char *err, size_t errlen)
{
    char host[64] = "127.0.0.1";
    const char *rest = spec + 4, *tail;
    unsigned port;
    if (*rest == ':') {
        rest++;
    } else {
        const char *colon = strchr(rest, ':');
        size_t n = colon ? (size_t)(colon - rest) : 0;
        if (!colon || n >= sizeof host)
            goto bad;
        memcpy(host, rest, n);
        host[n] = '\0';
        if (!strcmp(host, "localhost"))
            strcpy(host, "127.0.0.1");
        rest = colon + 1;
    }
    if (!parse_port(rest, &tail, &port))
        goto bad;
    bool server = false, wait = true;
    while (*tail == ',') {
        tail++;
        size_t n = strcspn(tail, ",");
        if ((n == 6 && !strncmp(tail, "server", 6)) || (n == 9 && !strncmp(tail, "server=on", 9)))
            server = true;
        else if ((n == 6 && !strncmp(tail, "nowait", 6)) || (n == 8 && !strncmp(tail, "wait=off", 8)))
            wait = false;
        else if ((n == 4 && !strncmp(tail, "wait", 4)) || (n == 7 && !strncmp(tail, "wait=on", 7)))
            wait = true;
        else
            goto bad;
        tail += n;
    }
    if (*tail || !server)
        goto bad;
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        snprintf(err, errlen, "-monitor %s: '%s' is not an IPv4 address", spec, host);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    if (fd < 0) {
        snprintf(err, errlen, "-monitor %s: %s", spec, strerror(errno));
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    socklen_t len = sizeof addr;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) || listen(fd, 4) ||
        getsockname(fd, (struct sockaddr *)&addr, &len)) {
        snprintf(err, errlen, "-monitor %s: %s", spec, strerror(errno));
        close(fd);
        return -1;
    }
    mon->listen_fd = fd;
    mon->kind = CONSOLE_TCP;
    if (port == 0)
        fprintf(stderr, "rvbox: monitor: listening on tcp:%s:%u\n", host, ntohs(addr.sin_port));
    if (wait) {
        fprintf(stderr, "rvbox: monitor: waiting for a connection on tcp:%s:%u\n", host,
                ntohs(addr.sin_port));
        struct pollfd p = { .fd = fd, .events = POLLIN };
        while (poll(&p, 1, -1) < 0 && errno == EINTR)
            ;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    if (wait)
        tcp_accept(mon);
    return 0;
bad:
    snprintf(err, errlen, "-monitor %s: want tcp:HOST:PORT,server[,nowait]", spec);
    return -1;
}

int monitor_open(const struct monitor_config *cfg, struct monitor **out, char *err,
                 size_t errlen)
{
    *out = NULL;
    struct monitor *mon = calloc(1, sizeof *mon);
    if (!mon) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    mon->version = cfg->version ? cfg->version : "";
    mon->syms = cfg->syms;
    mon->trace = cfg->trace;
    mon->loadvm_refused = cfg->loadvm_refused;
    if (cfg->snapshot_path && !(mon->snapshot_path = strdup(cfg->snapshot_path))) {
        free(mon);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    mon->fmt_format = 'x';
    mon->fmt_size = 4;
    mon->in_fd = mon->out_fd = mon->listen_fd = -1;
    const char *spec = cfg->spec;
    if (!spec || !strcmp(spec, "none")) {
        mon->kind = CONSOLE_NONE;
    } else if (!strcmp(spec, "stdio")) {
        mon->kind = CONSOLE_STDIO;
        mon->in_fd = STDIN_FILENO;
        mon->out_fd = STDOUT_FILENO;
        term_raw();             /* only if stdin is a terminal */
        if (!(mon->term = monitor_term_create(mon, console_write, mon))) {
            free(mon);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        monitor_term_enter(mon->term);
    } else if (!strncmp(spec, "tcp:", 4)) {
        if (open_tcp(mon, spec, err, errlen)) {
            free(mon);
            return -1;
        }
    } else if (!strcmp(spec, "pty")) {
        char path[64];
        if ((mon->in_fd = mon->out_fd = serial_pty_open(path, sizeof path)) < 0) {
            snprintf(err, errlen, "-monitor pty: cannot create a pty (%s)", strerror(errno));
            free(mon);
            return -1;
        }
        mon->kind = CONSOLE_PTY;
        mon->pty_idle = true;   /* the greeting waits for a client */
        fprintf(stderr, "rvbox: monitor on %s\n", path);
    } else {
        snprintf(err, errlen, "-monitor %s: want stdio, pty, tcp:HOST:PORT,server[,nowait] "
                 "or none", spec);
        free(mon);
        return -1;
    }
    *out = mon;
    return 0;
}

void monitor_close(struct monitor *mon)
{
    if (!mon)
        return;
    gdbstub_close(mon->gdb);
    if (mon->kind == CONSOLE_STDIO)
        term_restore();
    else if (mon->kind != CONSOLE_NONE && mon->in_fd >= 0)
        close(mon->in_fd);
    if (mon->listen_fd >= 0)
        close(mon->listen_fd);
    monitor_term_destroy(mon->term);
    free(mon->snapshot_path);
    free(mon);
}

void monitor_attach(struct monitor *mon, struct machine *m)
{
    if (!mon)
        return;
    mon->m = m;
    if (m && mon->cpu >= machine_nharts(m))
        mon->cpu = 0;
    mon->nheld = 0;             /* a new machine's keyboard has no key down */
    mon->release_ns = 0;
    if (m)
        gdbstub_attach(mon->gdb, m);
}

void monitor_set_net(struct monitor *mon, struct host_net *net)
{
    mon->net = net;
}

void monitor_set_gdbstub(struct monitor *mon, struct gdbstub *g, const char *spec)
{
    mon->gdb = g;
    snprintf(mon->gdb_spec, sizeof mon->gdb_spec, "%s", spec ? spec : "");
    if (g)
        gdbstub_set_monitor(g, mon);
}

struct gdbstub *monitor_gdbstub(const struct monitor *mon)
{
    return mon ? mon->gdb : NULL;
}

/* A pty hangs up while nobody has it open (serial_pty_open): look whether a client has
 * come, and greet it with a fresh line editor. True while nobody is there. */
static bool pty_idle(struct monitor *mon)
{
    struct pollfd p = { .fd = mon->in_fd, .events = POLLIN };
    if (poll(&p, 1, 0) < 0)
        return mon->pty_idle;
    bool idle = (p.revents & (POLLHUP | POLLERR)) && !(p.revents & POLLIN);
    if (mon->pty_idle && !idle) {
        mon->pty_idle = false;
        monitor_term_destroy(mon->term);
        if ((mon->term = monitor_term_create(mon, console_write, mon)))
            monitor_term_enter(mon->term);
    }
    mon->pty_idle = idle;
    return idle;
}

/* Read what the console has without blocking and hand it to the line editor. */
static void pump_console(struct monitor *mon)
{
    if (mon->kind == CONSOLE_TCP && mon->in_fd < 0)
        tcp_accept(mon);
    if (mon->kind == CONSOLE_PTY && pty_idle(mon))
        return;
    char buf[256];
    while (mon->in_fd >= 0) {
        struct pollfd p = { .fd = mon->in_fd, .events = POLLIN };
        if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP | POLLERR)))
            return;
        ssize_t n = read(mon->in_fd, buf, sizeof buf);
        if (n > 0) {
            monitor_term_input(mon->term, buf, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (mon->kind == CONSOLE_PTY) {     /* the client left: wait for the next */
            mon->pty_idle = true;
            return;
        }
        if (mon->kind == CONSOLE_TCP) {     /* the client left: the next may come */
            close(mon->in_fd);
            mon->out_fd = -1;
        }
        mon->in_fd = -1;                    /* stdin ended: nothing more to read */
    }
}

void monitor_pump(struct monitor *mon)
{
    if (!mon)
        return;
    if (mon->nheld && now_ns() >= mon->release_ns)
        release_keys(mon);
    if (mon->kind != CONSOLE_NONE)
        pump_console(mon);
}

void monitor_pollfd(const struct monitor *mon, struct pollfd *p)
{
    p->fd = -1;
    p->events = POLLIN;
    p->revents = 0;
    if (!mon)
        return;
    if (mon->kind == CONSOLE_TCP && mon->in_fd < 0)
        p->fd = mon->listen_fd;
    else if (mon->kind == CONSOLE_PTY && mon->pty_idle)
        p->fd = -1;             /* it would end every sleep at once; the loop looks at
                                   least every 100 ms */
    else if (mon->kind != CONSOLE_NONE)
        p->fd = mon->in_fd;
}

uint64_t monitor_next_event_ns(const struct monitor *mon)
{
    if (!mon || !mon->nheld)
        return UINT64_MAX;
    uint64_t now = now_ns();
    return mon->release_ns > now ? mon->release_ns - now : 0;
}

enum monitor_request monitor_take_request(struct monitor *mon)
{
    if (!mon)
        return MONITOR_NONE;
    enum monitor_request r = mon->request;
    mon->request = MONITOR_NONE;
    return r;
}

bool monitor_stopped(const struct monitor *mon)
{
    return mon && mon->stopped;
}

void monitor_debugger_holds(struct monitor *mon, bool held)
{
    if (!mon)
        return;
    if (mon->debugger_holds && !held)
        mon->stopped = false;   /* the debugger let it go: `stop` is over too */
    mon->debugger_holds = held;
}
