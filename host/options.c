#define _GNU_SOURCE             /* vasprintf, strndup */
#include "host/options.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bus/memmap.h"
#include "cpu/hart.h"
#include "devices/framebuffer.h"
#include "devices/machine.h"
#include "host/option_list.h"

/* A size with K/M/G suffixes (none: MiB), a multiple of 4K, at most `max` bytes
 * (`max_text` says it in words); `opt` names the option in errors. */
static int parse_size(const char *opt, const char *text, uint64_t max, const char *max_text,
                      uint32_t *bytes, char *err, size_t errlen)
{
    char *end;
    if (!isdigit((unsigned char)text[0])) {
        snprintf(err, errlen, "%s %s: not a size (try 128M or 1G)", opt, text);
        return -1;
    }
    unsigned long long n = strtoull(text, &end, 10);
    unsigned long long unit = 1ull << 20;           /* no suffix: MiB, as QEMU */
    switch (toupper((unsigned char)*end)) {
    case 'K': unit = 1ull << 10; end++; break;
    case 'M': unit = 1ull << 20; end++; break;
    case 'G': unit = 1ull << 30; end++; break;
    default: break;
    }
    if (!strcmp(end, "iB") || !strcmp(end, "B"))   /* 128MiB, 128MB */
        end += strlen(end);
    if (*end != '\0' || n == 0) {
        snprintf(err, errlen, "%s %s: not a size (try 128M or 1G)", opt, text);
        return -1;
    }
    if (n > max / unit || n * unit > max) {
        snprintf(err, errlen, "%s %s: too large (%s)", opt, text, max_text);
        return -1;
    }
    if ((n * unit) % 4096) {
        snprintf(err, errlen, "%s %s: must be a multiple of 4K", opt, text);
        return -1;
    }
    *bytes = (uint32_t)(n * unit);
    return 0;
}

int options_parse_size(const char *text, uint32_t *bytes, char *err, size_t errlen)
{
    return parse_size("-m", text, MEMMAP_RAM_MAX, "RAM at 0x80000000 holds at most 2G",
                      bytes, err, errlen);
}

/* A decimal number no larger than `max`, digits only, at *p; *p moves past it. No sign,
 * no blanks, no wrapping: sscanf's %u took "4294967312" as 16. */
static bool parse_decimal(const char **p, unsigned max, unsigned *out)
{
    const char *s = *p;
    unsigned v = 0;
    if (!isdigit((unsigned char)*s))
        return false;
    for (; isdigit((unsigned char)*s); s++) {
        unsigned d = (unsigned)(*s - '0');
        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    *p = s;
    return true;
}

/* -g WxH: each side 16 to FB_MAX_*. */
static bool parse_fb_size(const char *v, unsigned *w, unsigned *h)
{
    return parse_decimal(&v, FB_MAX_WIDTH, w) && *v++ == 'x' &&
           parse_decimal(&v, FB_MAX_HEIGHT, h) && *v == '\0' && *w >= 16 && *h >= 16;
}

/* The option's value, or NULL with an error when it is the last word. */
static const char *value_of(int *i, int argc, char **argv, char *err, size_t errlen)
{
    if (*i + 1 >= argc) {
        snprintf(err, errlen, "%s needs a value (try --help)", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

/* Split off the next "key=value" of a comma-separated list, undoing ",," escapes.
 * Returns the rest after the separator, or NULL at the end. */
static const char *next_pair(const char *p, char *out, size_t outlen)
{
    size_t n = 0;
    while (*p) {
        if (*p == ',') {
            if (p[1] != ',') {
                p++;
                break;
            }
            p++;                    /* ",," is one comma */
        }
        if (n + 1 < outlen)
            out[n++] = *p;
        p++;
    }
    out[n] = '\0';
    return p;
}

static int parse_bool(const char *v, bool *out)
{
    if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1"))
        *out = true;
    else if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0"))
        *out = false;
    else
        return -1;
    return 0;
}

int options_parse_drive(const char *text, struct drive_option *d, char *err, size_t errlen)
{
    char pair[4096];
    memset(d, 0, sizeof *d);
    const char *p = text;
    while (*p) {
        p = next_pair(p, pair, sizeof pair);
        char *eq = strchr(pair, '=');
        if (!eq) {
            snprintf(err, errlen, "-drive %s: '%s' is not key=value", text, pair);
            goto fail;
        }
        *eq = '\0';
        const char *key = pair, *value = eq + 1;
        if (!strcmp(key, "file")) {
            free(d->file);
            d->file = strdup(value);
        } else if (!strcmp(key, "format")) {
            if (strcmp(value, "raw")) {
                snprintf(err, errlen, "-drive: format=%s is not supported (only raw: "
                         "qemu-img convert -O raw makes one)", value);
                goto fail;
            }
        } else if (!strcmp(key, "readonly")) {
            if (parse_bool(value, &d->readonly)) {
                snprintf(err, errlen, "-drive: readonly=%s: want on or off", value);
                goto fail;
            }
        } else if (!strcmp(key, "file.locking")) {
            /* QEMU's on|off|auto; auto locks wherever OFD locks exist, i.e. always here. */
            if (strcmp(value, "on") && strcmp(value, "off") && strcmp(value, "auto")) {
                snprintf(err, errlen, "-drive: file.locking=%s: want on, off or auto", value);
                goto fail;
            }
            d->no_locking = !strcmp(value, "off");
        } else if (!strcmp(key, "if")) {
            /* virtio: a disk of its own (rvbox's slots from 0 up); none: a backend for
             * -device virtio-blk-device,drive=ID. */
            if (!strcmp(value, "virtio")) {
                d->interface = DRIVE_IF_VIRTIO;
            } else if (!strcmp(value, "none")) {
                d->interface = DRIVE_IF_NONE;
            } else {
                snprintf(err, errlen, "-drive: if=%s: rvbox's disks are virtio-blk (if=virtio, "
                         "or if=none with -device virtio-blk-device)", value);
                goto fail;
            }
        } else if (!strcmp(key, "id")) {
            free(d->id);
            d->id = strdup(value);
        } else if (!strcmp(key, "snapshot")) {
            if (parse_bool(value, &d->snapshot)) {
                snprintf(err, errlen, "-drive: snapshot=%s: want on or off", value);
                goto fail;
            }
        } else if (!strcmp(key, "media")) {
            if (strcmp(value, "disk")) {
                snprintf(err, errlen, "-drive: media=%s: rvbox's disks are disks (media=disk)",
                         value);
                goto fail;
            }
        } else if (strcmp(key, "cache") && strcmp(key, "aio") && strcmp(key, "discard") &&
                   strcmp(key, "detect-zeroes")) {
            /* cache, aio, discard, detect-zeroes: how QEMU does I/O; rvbox's way is fixed */
            snprintf(err, errlen, "-drive: unknown parameter '%s'", key);
            goto fail;
        }
    }
    if (!d->file || !d->file[0]) {
        snprintf(err, errlen, "-drive %s: needs file=PATH", text);
        goto fail;
    }
    d->slot = -1;
    return 0;
fail:
    free(d->file);
    free(d->id);
    d->file = d->id = NULL;
    return -1;
}

static int add_drive(struct options *o, const char *text, bool simple, char *err, size_t errlen)
{
    if (o->ndrives == OPTIONS_MAX_DRIVES) {
        snprintf(err, errlen, "too many drives (at most %d)", OPTIONS_MAX_DRIVES);
        return -1;
    }
    struct drive_option *d = &o->drives[o->ndrives];
    if (simple) {
        memset(d, 0, sizeof *d);
        d->file = strdup(text);
        d->slot = -1;
    } else if (options_parse_drive(text, d, err, errlen)) {
        return -1;
    }
    o->ndrives++;
    return 0;
}

int options_parse_engine(const char *name)
{
    if (!strcmp(name, "jit") || !strcmp(name, "tcg"))
        return HART_ENGINE_JIT;
    if (!strcmp(name, "interp") || !strcmp(name, "block"))
        return HART_ENGINE_BLOCK;
    if (!strcmp(name, "step"))
        return HART_ENGINE_STEP;
    return -1;
}

void options_free(struct options *o)
{
    for (unsigned i = 0; i < o->ndrives; i++) {
        free(o->drives[i].file);
        free(o->drives[i].id);
    }
    o->ndrives = 0;
    for (unsigned i = 0; i < o->nchardevs; i++) {
        free(o->chardevs[i].id);
        free(o->chardevs[i].spec);
    }
    o->nchardevs = 0;
    for (unsigned i = 0; i < o->nloaders; i++)
        free(o->loaders[i].file);
    o->nloaders = 0;
    for (unsigned i = 0; i < o->nowned; i++)
        free(o->owned[i]);
    o->nowned = 0;
    semihost_options_free(&o->semihost);
    options_free_time(&o->time);
    options_net_free(&o->net);
}

/* ---- QEMU's spellings ---- */

/* A string made while parsing, kept until options_free. NULL (out of memory, or no room
 * left) leaves err set. */
static const char *keep(struct options *o, char *str, char *err, size_t errlen)
{
    if (!str || o->nowned == sizeof o->owned / sizeof o->owned[0]) {
        free(str);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    return o->owned[o->nowned++] = str;
}

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *out = NULL;
    if (vasprintf(&out, fmt, ap) < 0)
        out = NULL;
    va_end(ap);
    return out;
}

static bool is_on(const char *v)
{
    bool b;
    return v == NULL || (!parse_bool(v, &b) && b);    /* "flag" alone means on */
}

static bool is_off(const char *v)
{
    bool b;
    return v != NULL && !parse_bool(v, &b) && !b;
}

static bool ieq(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

static const char machines_help[] =
    "Supported machines are:\n"
    "virt                 RISC-V VirtIO board (QEMU's riscv32 virt; the only one)\n";

/* -M / -machine [type=]virt[,key=value...] */
static int parse_machine(struct options *o, const char *v, char *err, size_t errlen)
{
    struct option_list l;
    if (option_list_split("-machine", v, &l, err, errlen))
        return -1;
    const char *type = l.it[0].value ? (ieq(l.it[0].key, "type") ? l.it[0].value : NULL)
                                     : l.it[0].key;
    if (type && (!strcmp(type, "help") || !strcmp(type, "?"))) {
        o->info = machines_help;
        return 0;
    }
    if (!type || strcmp(type, "virt")) {
        snprintf(err, errlen, "-machine %s: rvbox emulates only the virt board (-M virt)",
                 type ? type : v);
        return -1;
    }
    for (unsigned i = 1; i < l.n; i++) {
        const char *k = l.it[i].key, *val = l.it[i].value ? l.it[i].value : "on";
        bool b;
        if (!strcmp(k, "aclint") && !parse_bool(val, &b)) {
            /* on: the CLINT is ACLINT's MSWI and MTIMER, register for register; only
             * the SSWI is missing (docs/usage.md). */
        } else if (!strcmp(k, "aia")) {
            if (strcmp(val, "none")) {
                snprintf(err, errlen, "-machine virt,aia=%s: rvbox has a PLIC, not the AIA "
                         "(aia=none)", val);
                return -1;
            }
        } else if (!strcmp(k, "acpi")) {
            if (strcmp(val, "off") && strcmp(val, "auto")) {
                snprintf(err, errlen, "-machine virt,acpi=%s: rvbox has no ACPI (acpi=off)", val);
                return -1;
            }
        } else if (!strcmp(k, "accel")) {
            if (strcmp(val, "tcg")) {
                snprintf(err, errlen, "-machine virt,accel=%s: rvbox has its own engines "
                         "(accel=tcg, or -accel jit|interp|step)", val);
                return -1;
            }
        } else if (!strcmp(k, "dumpdtb")) {
            o->dump_dtb = keep(o, strdup(val), err, errlen);
            if (!o->dump_dtb)
                return -1;
        } else if (!strcmp(k, "graphics") && !parse_bool(val, &b)) {
            if (!b)
                o->nographic = true;
        } else if ((!strcmp(k, "usb") || !strcmp(k, "iommu")) && is_off(val)) {
            /* there is none */
        } else if ((!strcmp(k, "dump-guest-core") || !strcmp(k, "mem-merge") ||
                    !strcmp(k, "suppress-vmdesc")) && !parse_bool(val, &b)) {
            /* the host's business, not the guest's */
        } else {
            snprintf(err, errlen, "-machine virt,%s=%s: not something rvbox's virt board has "
                     "(it takes aclint, aia=none, acpi=off, accel=tcg, dumpdtb, graphics)",
                     k, val);
            return -1;
        }
    }
    return 0;
}

static const char cpus_help[] =
    "Available CPUs (rvbox's hart is QEMU's rv32: RV32IMAFDC, Zicsr, Zifencei, Zicntr, M/S/U,\n"
    "Sv32, PMP; -cpu rv32,f=off,d=off,pmp=false... takes parts away):\n"
    "  rv32\n"
    "  any\n"
    "  sifive-e31\n";

/*
 * -cpu rv32[,ext=on|off...]: the names QEMU lists for riscv32 that rvbox's hart is. The
 * optional parts can be switched off (o->cpu_without gets their HART_* bits); what the
 * hart always has cannot be, and what it never has cannot be switched on.
 */
static int parse_cpu(struct options *o, const char *v, char *err, size_t errlen)
{
    /* What the hart has (and cannot be without), and what it lacks. */
    static const char *const has[] = {
        "i", "m", "a", "c", "s", "u", "zicsr", "zifencei", "zicntr", "zihintpause",
        "mmu", "sv32",
    };
    static const struct { const char *name; uint32_t bit; } optional[] = {
        { "f", HART_F }, { "d", HART_D }, { "pmp", HART_PMP }, { "sstc", HART_SSTC },
        { "debug", HART_SDTRIG }, { "sdtrig", HART_SDTRIG },
    };
    static const char *const lacks[] = {
        "e", "q", "v", "h", "b", "zfh", "zfhmin", "zfinx", "zdinx", "zhinx",
        "zhinxmin", "zfa", "zba", "zbb", "zbc", "zbs", "zbkb", "zbkc", "zbkx", "zk", "zkn",
        "zknd", "zkne", "zknh", "zkr", "zks", "zksed", "zksh", "zkt", "zicbom", "zicbop",
        "zicboz", "zicond", "zihpm", "zawrs", "zacas", "zcb", "zcmp", "zcmt", "zmmul",
        "zve32f", "zve64f", "zve64d", "svinval", "svnapot", "svpbmt", "svadu",
        "smaia", "ssaia", "smstateen", "sscofpmf", "smepmp", "epmp", "xtheadba",
    };
    struct option_list l;
    if (option_list_split("-cpu", v, &l, err, errlen))
        return -1;
    const char *model = l.it[0].key;
    if (!strcmp(model, "help") || !strcmp(model, "?")) {
        o->info = cpus_help;
        return 0;
    }
    if (l.it[0].value || (strcmp(model, "rv32") && strcmp(model, "any") &&
                          strcmp(model, "sifive-e31"))) {
        snprintf(err, errlen, "-cpu %s: rvbox's hart is QEMU's rv32 (-cpu rv32)", model);
        return -1;
    }
    uint32_t without = 0, with = 0;
    for (unsigned i = 1; i < l.n; i++) {
        const char *k = l.it[i].key, *val = l.it[i].value;
        bool found = false;
        for (size_t j = 0; j < sizeof has / sizeof has[0] && !found; j++)
            if (ieq(k, has[j])) {
                found = true;
                if (!is_on(val)) {
                    snprintf(err, errlen, "-cpu %s,%s=%s: rvbox's hart cannot be without %s",
                             model, k, val, k);
                    return -1;
                }
            }
        for (size_t j = 0; j < sizeof optional / sizeof optional[0] && !found; j++)
            if (ieq(k, optional[j].name)) {
                found = true;
                if (is_off(val)) {
                    without |= optional[j].bit;
                    with &= ~optional[j].bit;
                } else if (is_on(val)) {
                    with |= optional[j].bit;
                    without &= ~optional[j].bit;
                } else {
                    snprintf(err, errlen, "-cpu %s,%s=%s: want on or off", model, k, val);
                    return -1;
                }
            }
        for (size_t j = 0; j < sizeof lacks / sizeof lacks[0] && !found; j++)
            if (ieq(k, lacks[j])) {
                found = true;
                if (!is_off(val)) {
                    snprintf(err, errlen, "-cpu %s,%s=%s: rvbox's hart has no %s", model, k,
                             val ? val : "on", k);
                    return -1;
                }
            }
        if (found)
            continue;
        if (!strcmp(k, "priv_spec") || !strcmp(k, "vlen") || !strcmp(k, "elen") ||
            !strcmp(k, "vext_spec") || !strcmp(k, "cbom_blocksize") ||
            !strcmp(k, "cboz_blocksize"))
            continue;       /* settings of things it has not, or has as the spec says */
        snprintf(err, errlen, "-cpu %s,%s: not a property rvbox knows", model, k);
        return -1;
    }
    if ((without & HART_F) && (with & HART_D)) {
        snprintf(err, errlen, "-cpu %s: D needs F (f=off with d=on)", v);
        return -1;
    }
    if (without & HART_F)
        without |= HART_D;
    o->cpu_without = without;
    return 0;
}

/* -smp [cpus=]N[,sockets=,cores=,threads=,maxcpus=] */
static int parse_smp(struct options *o, const char *v, char *err, size_t errlen)
{
    struct option_list l;
    if (option_list_split("-smp", v, &l, err, errlen))
        return -1;
    for (unsigned i = 0; i < l.n; i++) {
        const char *k = l.it[i].key, *val = l.it[i].value;
        const char *num = !val && i == 0 ? k : val;
        unsigned n;
        const char *p = num;
        if (!num || !parse_decimal(&p, 1024, &n) || *p || (i == 0 && !val && n == 0)) {
            snprintf(err, errlen, "-smp %s: want a number of harts", v);
            return -1;
        }
        if (!val || !strcmp(k, "cpus"))
            o->smp = n;
        else if (strcmp(k, "sockets") && strcmp(k, "cores") && strcmp(k, "threads") &&
                 strcmp(k, "maxcpus") && strcmp(k, "dies") && strcmp(k, "clusters")) {
            snprintf(err, errlen, "-smp %s: unknown setting '%s'", v, k);
            return -1;
        }
    }
    if (o->smp == 0)
        o->smp = 1;
    if (o->smp > MACHINE_MAX_HARTS) {
        snprintf(err, errlen, "-smp %s: rvbox has room for 1 to %u harts", v,
                 MACHINE_MAX_HARTS);
        return -1;
    }
    return 0;
}

/* The host part of tcp:HOST:PORT or host=HOST: empty and localhost are 127.0.0.1
 * (QEMU listens on every interface for an empty host; rvbox stays on the loopback
 * unless told 0.0.0.0). IPv4 only. */
static const char *tcp_host(const char *h)
{
    return !*h || !strcmp(h, "localhost") ? "127.0.0.1" : h;
}

/* The TCP options after tcp:HOST:PORT (or a socket chardev's): listen, wait or not. */
static int tcp_flags(const char *opt, const char *whole, const char *k, const char *val,
                     bool *server, bool *nowait, char *err, size_t errlen)
{
    if (!strcmp(k, "server")) {
        *server = is_on(val);
    } else if (!strcmp(k, "nowait")) {
        *nowait = true;
    } else if (!strcmp(k, "wait")) {
        *nowait = !is_on(val);
    } else if (!strcmp(k, "telnet") || !strcmp(k, "tn3270") || !strcmp(k, "nodelay") ||
               !strcmp(k, "ipv4") || !strcmp(k, "mux") || !strcmp(k, "signal")) {
        /* telnet: treated as a plain socket (no telnet negotiation); nodelay: rvbox's
         * writes are whole slices anyway; ipv4: all it speaks */
    } else {
        snprintf(err, errlen, "%s %s: '%s' is not supported (rvbox's tcp console takes "
                 "server, wait=off/nowait, telnet)", opt, whole, k);
        return -1;
    }
    return 0;
}

static char *tcp_spec(const char *opt, const char *whole, const char *host, const char *port,
                      bool server, bool nowait, char *err, size_t errlen)
{
    const char *p = port;
    unsigned n;
    if (!port || !parse_decimal(&p, 65535, &n) || *p || n == 0) {
        snprintf(err, errlen, "%s %s: want tcp:HOST:PORT,server with PORT 1 to 65535", opt, whole);
        return NULL;
    }
    if (!server) {
        snprintf(err, errlen, "%s %s: rvbox's tcp console waits for a client to connect: add "
                 "server (server=on)", opt, whole);
        return NULL;
    }
    if (strchr(host, '[') || strchr(host, ']')) {
        snprintf(err, errlen, "%s %s: IPv6 is not supported; use 127.0.0.1", opt, whole);
        return NULL;
    }
    return format("tcp:%s:%u,server%s", tcp_host(host), n, nowait ? ",nowait" : "");
}

static const char char_backends[] =
    "stdio, mon:stdio, pty, tcp:HOST:PORT,server[,nowait], telnet:HOST:PORT,server[,nowait], "
    "file:PATH, null, none or chardev:ID";

/*
 * A character device as -serial, -monitor and -qmp spell it, made into the spelling
 * host/serial.c opens (struct options' `serial`): "chardev:ID" stays as it is until
 * every -chardev is known; "mon:DEV" sets *mon.
 */
static char *parse_char(const char *opt, const char *v, bool *mon, char *err, size_t errlen)
{
    *mon = false;
    if (!strncmp(v, "mon:", 4)) {
        *mon = true;
        v += 4;
    }
    if (!strcmp(v, "stdio") || !strcmp(v, "pty") || !strcmp(v, "none"))
        return strdup(v);
    if (!strcmp(v, "null"))
        return strdup("none");
    if (!strncmp(v, "file:", 5) && v[5])
        return strdup(v);
    if (!strncmp(v, "chardev:", 8) && v[8] && !*mon)
        return strdup(v);
    if (!strncmp(v, "tcp:", 4) || !strncmp(v, "telnet:", 7)) {
        const char *rest = strchr(v, ':') + 1;
        const char *colon = strrchr(rest, ':');
        const char *comma = strchr(rest, ',');
        if (!colon || (comma && colon > comma)) {
            snprintf(err, errlen, "%s %s: want %s:HOST:PORT,server", opt, v,
                     v[0] == 't' && v[1] == 'c' ? "tcp" : "telnet");
            return NULL;
        }
        char host[256], port[16] = "";
        snprintf(host, sizeof host, "%.*s", (int)(colon - rest), rest);
        snprintf(port, sizeof port, "%.*s", (int)(comma ? comma - colon - 1 : (long)strlen(colon + 1)),
                 colon + 1);
        bool server = false, nowait = false;
        if (comma) {
            struct option_list l;
            if (option_list_split(opt, comma + 1, &l, err, errlen))
                return NULL;
            for (unsigned i = 0; i < l.n; i++)
                if (tcp_flags(opt, v, l.it[i].key, l.it[i].value, &server, &nowait, err,
                              errlen))
                    return NULL;
        }
        return tcp_spec(opt, v, host, port, server, nowait, err, errlen);
    }
    if (!strncmp(v, "unix:", 5))
        snprintf(err, errlen, "%s %s: unix sockets are not supported; use "
                 "tcp:127.0.0.1:PORT,server", opt, v);
    else if (!strcmp(v, "vc") || !strncmp(v, "vc:", 3))
        snprintf(err, errlen, "%s %s: rvbox's window has no text console; use stdio or pty",
                 opt, v);
    else
        snprintf(err, errlen, "%s %s: want %s", opt, v, char_backends);
    return NULL;
}

/* -chardev BACKEND,id=ID,... */
static int parse_chardev(struct options *o, const char *v, char *err, size_t errlen)
{
    struct option_list l;
    if (option_list_split("-chardev", v, &l, err, errlen))
        return -1;
    const char *backend = l.it[0].key, *id = NULL, *path = NULL, *host = "", *port = NULL;
    bool server = false, nowait = false, mux = false;
    if (l.it[0].value) {
        snprintf(err, errlen, "-chardev %s: want BACKEND,id=ID,...", v);
        return -1;
    }
    bool socket = !strcmp(backend, "socket");
    if (!socket && strcmp(backend, "stdio") && strcmp(backend, "pty") &&
        strcmp(backend, "null") && strcmp(backend, "file")) {
        snprintf(err, errlen, "-chardev %s: rvbox has the stdio, pty, socket (a tcp server), "
                 "file and null backends", backend);
        return -1;
    }
    for (unsigned i = 1; i < l.n; i++) {
        const char *k = l.it[i].key, *val = l.it[i].value;
        if (!strcmp(k, "id")) {
            id = val;
        } else if (!strcmp(k, "mux")) {
            mux = is_on(val);
        } else if (!strcmp(k, "signal") || !strcmp(k, "logappend")) {
            /* signal=off: Ctrl-C goes to the guest; rvbox's stdio is raw either way */
        } else if (!strcmp(k, "path") && (socket || !strcmp(backend, "file"))) {
            path = val;
        } else if (socket && !strcmp(k, "host")) {
            host = val ? val : "";
        } else if (socket && !strcmp(k, "port")) {
            port = val;
        } else if (socket && !tcp_flags("-chardev", v, k, val, &server, &nowait, err, errlen)) {
            /* server, wait, telnet, ... */
        } else {
            if (!socket)
                snprintf(err, errlen, "-chardev %s: '%s' is not supported", v, k);
            return -1;
        }
    }
    if (!id || !*id) {
        snprintf(err, errlen, "-chardev %s: needs id=ID", v);
        return -1;
    }
    for (unsigned i = 0; i < o->nchardevs; i++)
        if (!strcmp(o->chardevs[i].id, id)) {
            snprintf(err, errlen, "-chardev %s: id %s is given twice", v, id);
            return -1;
        }
    if (o->nchardevs == OPTIONS_MAX_CHARDEVS) {
        snprintf(err, errlen, "-chardev %s: too many chardevs", v);
        return -1;
    }
    char *spec = NULL;
    if (!strcmp(backend, "stdio") || !strcmp(backend, "pty")) {
        spec = strdup(backend);
    } else if (!strcmp(backend, "null")) {
        spec = strdup("none");
    } else if (!strcmp(backend, "file")) {
        if (!path || !*path) {
            snprintf(err, errlen, "-chardev %s: needs path=FILE", v);
            return -1;
        }
        spec = format("file:%s", path);
    } else if (socket) {
        if (path) {
            snprintf(err, errlen, "-chardev %s: unix sockets are not supported; use "
                     "host=127.0.0.1,port=PORT,server=on", v);
            return -1;
        }
        if (!(spec = tcp_spec("-chardev", v, host, port, server, nowait, err, errlen)))
            return -1;
    }
    struct chardev_option *c = &o->chardevs[o->nchardevs];
    if (!spec || !(c->id = strdup(id))) {
        free(spec);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    c->spec = spec;
    c->mux = mux;
    o->nchardevs++;
    return 0;
}

static const struct chardev_option *find_chardev(const struct options *o, const char *id)
{
    for (unsigned i = 0; i < o->nchardevs; i++)
        if (!strcmp(o->chardevs[i].id, id))
            return &o->chardevs[i];
    return NULL;
}

/* -display none|sdl|gtk|default[,options] */
static int parse_display(struct options *o, const char *v, char *err, size_t errlen)
{
    struct option_list l;
    if (option_list_split("-display", v, &l, err, errlen))
        return -1;
    const char *kind = l.it[0].key;
    if (!strcmp(kind, "none")) {
        o->nographic = true;
        return 0;
    }
    /* gtk: a window all the same; rvbox's is SDL's, without GTK's menus */
    if (strcmp(kind, "sdl") && strcmp(kind, "gtk") && strcmp(kind, "default")) {
        snprintf(err, errlen, "-display %s: want sdl (gtk is taken as sdl) or none%s", kind,
                 !strcmp(kind, "curses") ? "; -nographic puts the console on the terminal" : "");
        return -1;
    }
    for (unsigned i = 1; i < l.n; i++) {
        const char *k = l.it[i].key;
        if (strcmp(k, "gl") && strcmp(k, "grab-on-hover") && strcmp(k, "zoom-to-fit") &&
            strcmp(k, "show-cursor") && strcmp(k, "window-close") && strcmp(k, "full-screen") &&
            strcmp(k, "show-tabs") && strcmp(k, "show-menubar")) {
            snprintf(err, errlen, "-display %s: unknown setting '%s'", v, k);
            return -1;
        }
    }
    o->nographic = false;
    return 0;
}

/* Parse "0x80200000" or "2149580800". */
static bool parse_addr(const char *v, uint32_t *out)
{
    char *end;
    if (!v || !isdigit((unsigned char)*v))
        return false;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 0);
    if (*end || errno || n > UINT32_MAX)
        return false;
    *out = (uint32_t)n;
    return true;
}

/* -device virtio-blk-device,...: resolved once every -drive is known. */
struct blk_device {
    char drive[128];
    int bus;                    /* -1: none given */
    char text[160];             /* for messages */
};

struct pending {
    unsigned nblk;
    struct blk_device blk[MEMMAP_VIRTIO_COUNT + 1];
    bool serial_given, monitor_given;
    bool nographic;             /* -nographic itself (not -display none) */
    const char *serial_raw;     /* -serial as given, before defaults and chardev: */
    bool serial_mon;            /* -serial mon:... */
    const char *mon_chardev;    /* -mon chardev=ID (mode=readline): in ids[0] */
    const char *qmp_chardev;    /* -mon chardev=ID,mode=control: in ids[1] */
    char ids[2][128];
};

static const char devices_help[] =
    "Devices rvbox has (-device NAME):\n"
    "  virtio-blk-device     drive=ID[,bus=virtio-mmio-bus.N]: a disk (N from 0 to 5)\n"
    "  virtio-keyboard-device  always present (virtio-mmio-bus.6)\n"
    "  virtio-tablet-device  always present (virtio-mmio-bus.7)\n"
    "  virtio-net-device     netdev=ID[,mac=MAC][,bus=virtio-mmio-bus.N]: a network card\n"
    "  virtio-9p-device      fsdev=ID,mount_tag=TAG[,bus=...]: a shared folder\n"
    "  loader                file=F[,addr=A]: an image loaded into memory\n";

/* virtio-mmio-bus.N: the slot, or -1 with err set. */
static int parse_bus(const char *dev, const char *v, char *err, size_t errlen)
{
    unsigned n;
    const char *p = v;
    if (!v || strncmp(v, "virtio-mmio-bus.", 16) || (p = v + 16, !parse_decimal(&p, 99, &n)) ||
        *p || n >= MEMMAP_VIRTIO_COUNT) {
        snprintf(err, errlen, "-device %s,bus=%s: want virtio-mmio-bus.0 to virtio-mmio-bus.%d",
                 dev, v ? v : "", MEMMAP_VIRTIO_COUNT - 1);
        return -1;
    }
    return (int)n;
}

static int parse_device(struct options *o, struct pending *pd, const char *v, char *err,
                        size_t errlen)
{
    struct option_list l;
    if (option_list_split("-device", v, &l, err, errlen))
        return -1;
    const char *dev = l.it[0].key;
    if (l.it[0].value) {
        snprintf(err, errlen, "-device %s: want DRIVER,key=value...", v);
        return -1;
    }
    if (!strcmp(dev, "help") || !strcmp(dev, "?")) {
        o->info = devices_help;
        return 0;
    }
    if (!strcmp(dev, "virtio-blk-device")) {
        struct blk_device *b = &pd->blk[pd->nblk];
        if (pd->nblk == sizeof pd->blk / sizeof pd->blk[0]) {
            snprintf(err, errlen, "-device %s: too many disks", v);
            return -1;
        }
        memset(b, 0, sizeof *b);
        b->bus = -1;
        snprintf(b->text, sizeof b->text, "%s", v);
        for (unsigned i = 1; i < l.n; i++) {
            const char *k = l.it[i].key, *val = l.it[i].value;
            if (!strcmp(k, "drive") && val) {
                snprintf(b->drive, sizeof b->drive, "%s", val);
            } else if (!strcmp(k, "bus")) {
                if ((b->bus = parse_bus(dev, val, err, errlen)) < 0)
                    return -1;
                if (b->bus >= MACHINE_MAX_DISKS) {
                    snprintf(err, errlen, "-device %s: virtio-mmio-bus.%d holds rvbox's %s "
                             "(disks go in virtio-mmio-bus.0 to .%d)", v, b->bus,
                             b->bus == MACHINE_KEYBOARD_SLOT ? "keyboard" : "tablet",
                             MACHINE_MAX_DISKS - 1);
                    return -1;
                }
            } else if (strcmp(k, "id") && strcmp(k, "serial")) {
                snprintf(err, errlen, "-device %s: '%s' is not supported", v, k);
                return -1;
            }
        }
        if (!b->drive[0]) {
            snprintf(err, errlen, "-device %s: needs drive=ID (a -drive if=none,id=ID)", v);
            return -1;
        }
        pd->nblk++;
        return 0;
    }
    if (!strcmp(dev, "virtio-keyboard-device") || !strcmp(dev, "virtio-tablet-device")) {
        /* rvbox always has both, in the last two slots */
        int slot = dev[7] == 'k' ? MACHINE_KEYBOARD_SLOT : MACHINE_TABLET_SLOT;
        for (unsigned i = 1; i < l.n; i++) {
            const char *k = l.it[i].key, *val = l.it[i].value;
            if (!strcmp(k, "bus")) {
                int bus = parse_bus(dev, val, err, errlen);
                if (bus < 0)
                    return -1;
                if (bus != slot) {
                    snprintf(err, errlen, "-device %s: rvbox's %s is always in "
                             "virtio-mmio-bus.%d", v, dev + 7, slot);
                    return -1;
                }
            } else if (strcmp(k, "id")) {
                snprintf(err, errlen, "-device %s: '%s' is not supported", v, k);
                return -1;
            }
        }
        return 0;
    }
    if (!strcmp(dev, "loader")) {
        struct loader_option *ld = &o->loaders[o->nloaders];
        if (o->nloaders == OPTIONS_MAX_LOADERS) {
            snprintf(err, errlen, "-device %s: too many loaders", v);
            return -1;
        }
        const char *file = NULL;
        bool has_addr = false;
        uint32_t addr = 0;
        for (unsigned i = 1; i < l.n; i++) {
            const char *k = l.it[i].key, *val = l.it[i].value;
            if (!strcmp(k, "file") && val && *val) {
                file = val;
            } else if (!strcmp(k, "addr")) {
                if (!parse_addr(val, &addr)) {
                    snprintf(err, errlen, "-device %s: addr=%s: want an address", v, val ? val : "");
                    return -1;
                }
                has_addr = true;
            } else if (!strcmp(k, "force-raw") && is_off(val)) {
                /* the default */
            } else if (strcmp(k, "id")) {
                snprintf(err, errlen, "-device %s: '%s' is not supported (rvbox's loader takes "
                         "file= and addr=)", v, k);
                return -1;
            }
        }
        if (!file) {
            snprintf(err, errlen, "-device %s: needs file=FILE (rvbox's loader loads files)", v);
            return -1;
        }
        if (!(ld->file = strdup(file))) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        ld->addr = addr;
        ld->has_addr = has_addr;
        o->nloaders++;
        return 0;
    }
    int r = net_device_option(&o->net, v, err, errlen);
    if (r)
        return r < 0 ? -1 : 0;
    size_t n = strlen(dev);
    if ((n > 4 && !strcmp(dev + n - 4, "-pci")) || !strncmp(dev, "pci", 3) ||
        !strcmp(dev, "ich9-ahci") || !strncmp(dev, "usb", 3) || !strncmp(dev, "nvme", 4) ||
        !strncmp(dev, "qemu-xhci", 9) || !strncmp(dev, "ide-", 4) || !strncmp(dev, "scsi", 4))
        snprintf(err, errlen, "-device %s: rvbox has no PCI bus (its devices are on "
                 "virtio-mmio: see -device help)", dev);
    else if (!strcmp(dev, "virtio-mouse-device"))
        snprintf(err, errlen, "-device %s: rvbox's pointer is virtio-tablet-device", dev);
    else
        snprintf(err, errlen, "-device %s: rvbox has no such device (it has "
                 "virtio-blk-device, virtio-net-device, virtio-9p-device, "
                 "virtio-keyboard-device, virtio-tablet-device, loader)", dev);
    return -1;
}

/* -mon chardev=ID[,mode=readline|control][,pretty=on|off] */
static int parse_mon(struct pending *pd, const char *v, char *err, size_t errlen)
{
    struct option_list l;
    if (option_list_split("-mon", v, &l, err, errlen))
        return -1;
    const char *id = NULL;
    bool control = false;
    for (unsigned i = 0; i < l.n; i++) {
        const char *k = l.it[i].key, *val = l.it[i].value;
        if (!strcmp(k, "chardev") && val)
            id = val;
        else if (!strcmp(k, "mode") && val && (!strcmp(val, "readline") || !strcmp(val, "control")))
            control = !strcmp(val, "control");
        else if (strcmp(k, "pretty") && strcmp(k, "id")) {
            snprintf(err, errlen, "-mon %s: want chardev=ID[,mode=readline|control]", v);
            return -1;
        }
    }
    if (!id) {
        snprintf(err, errlen, "-mon %s: needs chardev=ID", v);
        return -1;
    }
    char *copy = pd->ids[control];
    snprintf(copy, sizeof pd->ids[0], "%s", id);    /* `l` is gone after this */
    if (control)
        pd->qmp_chardev = copy;
    else
        pd->mon_chardev = copy;
    pd->monitor_given = true;
    return 0;
}

/* The spelling serial.c takes for a -serial/-monitor value: chardev:ID looked up. */
static const char *resolve_char(struct options *o, const char *opt, const char *spec,
                                bool *mux, char *err, size_t errlen)
{
    *mux = false;
    if (strncmp(spec, "chardev:", 8))
        return spec;
    const struct chardev_option *c = find_chardev(o, spec + 8);
    if (!c) {
        snprintf(err, errlen, "%s %s: no -chardev with id=%s", opt, spec, spec + 8);
        return NULL;
    }
    *mux = c->mux;
    return c->spec;
}

/* After every option: defaults, chardev references, disks to slots. */
static int finish(struct options *o, struct pending *pd, char *err, size_t errlen)
{
    if (options_check_time(&o->time, err, errlen))
        return -1;
    /* One thread per hart: the harts' interleaving is the host's, run to run. */
    if (o->threads && o->time.icount) {
        snprintf(err, errlen, "-accel ...,thread=multi: harts in threads of their own are "
                 "not deterministic; -icount, --deterministic, --record and --replay (and "
                 "so reverse debugging) need thread=single");
        return -1;
    }
    if (o->threads && o->trace.flags) {
        snprintf(err, errlen, "-accel ...,thread=multi: -d traces the harts one at a time; "
                 "use thread=single with -d");
        return -1;
    }
    /* The serial console and the monitor, as QEMU: -nographic puts both on stdio
     * (mon:stdio) unless either was given; -nodefaults gives neither. */
    bool default_serial = !pd->serial_given && !o->nodefaults;
    bool default_monitor = !pd->monitor_given && !o->nodefaults;
    bool mux = false;
    if (pd->serial_given) {
        if (!(o->serial = resolve_char(o, "-serial", pd->serial_raw, &mux, err, errlen)))
            return -1;
        o->serial_monitor = pd->serial_mon;
    } else if (default_serial) {
        o->serial = "stdio";
        o->serial_monitor = default_monitor;        /* QEMU: mon:stdio, or vc */
    } else {
        o->serial = "none";
    }
    /* -nographic with a -serial of its own: QEMU puts the monitor on stdio (and refuses
     * a serial console there too; rvbox shares stdio behind Ctrl-A c instead). Not
     * -display none: QEMU's default monitor is then nowhere. */
    if (pd->serial_given && default_monitor && pd->nographic) {
        if (strstr(o->serial, "stdio"))
            o->serial_monitor = true;
        else
            o->monitor = "stdio";
    }
    if (o->serial_monitor && !strcmp(o->serial, "stdio"))
        o->serial = "mon:stdio";
    if (pd->mon_chardev) {
        const struct chardev_option *c = find_chardev(o, pd->mon_chardev);
        if (!c) {
            snprintf(err, errlen, "-mon chardev=%s: no -chardev with id=%s", pd->mon_chardev,
                     pd->mon_chardev);
            return -1;
        }
        const char *sid = pd->serial_given && !strncmp(pd->serial_raw, "chardev:", 8)
                          ? pd->serial_raw + 8 : NULL;
        if (sid && !strcmp(sid, c->id)) {
            if (!c->mux) {
                snprintf(err, errlen, "-mon chardev=%s: the serial console has it already "
                         "(add mux=on to its -chardev to share it)", c->id);
                return -1;
            }
            o->serial_monitor = true;               /* shared behind Ctrl-A c */
            if (!strcmp(o->serial, "stdio"))
                o->serial = "mon:stdio";
        } else {
            o->monitor = c->spec;
        }
    } else if (o->monitor && !strncmp(o->monitor, "chardev:", 8)) {
        if (!(o->monitor = resolve_char(o, "-monitor", o->monitor, &mux, err, errlen)))
            return -1;
    }
    if (pd->qmp_chardev) {
        const struct chardev_option *c = find_chardev(o, pd->qmp_chardev);
        if (!c) {
            snprintf(err, errlen, "-mon chardev=%s: no -chardev with id=%s", pd->qmp_chardev,
                     pd->qmp_chardev);
            return -1;
        }
        o->qmp = c->spec;
    } else if (o->qmp && !(o->qmp = resolve_char(o, "-qmp", o->qmp, &mux, err, errlen))) {
        return -1;
    }
    if (o->monitor && !strcmp(o->monitor, "none"))
        o->monitor = NULL;
    if (o->monitor && !strcmp(o->monitor, "stdio") && strstr(o->serial, "stdio")) {
        snprintf(err, errlen, "-monitor stdio: stdio is the serial console's already (-serial "
                 "mon:stdio puts both there)");
        return -1;
    }
    if (o->semihost.chardev) {
        const struct chardev_option *c = find_chardev(o, o->semihost.chardev);
        if (!c) {
            snprintf(err, errlen, "-semihosting-config chardev=%s: no -chardev with id=%s",
                     o->semihost.chardev, o->semihost.chardev);
            return -1;
        }
        const char *sid = pd->serial_given && !strncmp(pd->serial_raw, "chardev:", 8)
                          ? pd->serial_raw + 8 : NULL;
        if (sid && !strcmp(sid, c->id)) {
            o->semihost_on_serial = true;           /* one device, shared */
        } else if (!strcmp(c->spec, "stdio") && strstr(o->serial, "stdio")) {
            snprintf(err, errlen, "-semihosting-config chardev=%s: stdio is the serial "
                     "console's already (give both the same chardev, with mux=on)", c->id);
            return -1;
        } else {
            o->semihost_console = c->spec;
        }
    }

    /* Disks: -device virtio-blk-device takes its drive to its bus=, else to the highest
     * free slot (QEMU fills virtio-mmio from the top down); a -drive no device claims
     * (if=virtio, or no if=) takes the lowest free slot, from 0 up, as rvbox always did;
     * an unclaimed if=none drive is opened but attached nowhere, as on QEMU. */
    bool used[MACHINE_MAX_DISKS] = { false };
    int claimed_by[OPTIONS_MAX_DRIVES];
    for (unsigned i = 0; i < OPTIONS_MAX_DRIVES; i++)
        claimed_by[i] = -1;
    for (unsigned b = 0; b < pd->nblk; b++) {
        unsigned i;
        for (i = 0; i < o->ndrives; i++)
            if (o->drives[i].id && !strcmp(o->drives[i].id, pd->blk[b].drive))
                break;
        if (i == o->ndrives) {
            snprintf(err, errlen, "-device %s: no -drive with id=%s", pd->blk[b].text,
                     pd->blk[b].drive);
            return -1;
        }
        if (claimed_by[i] >= 0) {
            snprintf(err, errlen, "-device %s: drive %s is another device's already",
                     pd->blk[b].text, pd->blk[b].drive);
            return -1;
        }
        if (o->drives[i].interface == DRIVE_IF_VIRTIO) {
            snprintf(err, errlen, "-device %s: drive %s has a disk of its own (if=virtio); "
                     "give it if=none", pd->blk[b].text, pd->blk[b].drive);
            return -1;
        }
        claimed_by[i] = (int)b;
    }
    for (unsigned b = 0; b < pd->nblk; b++)
        for (unsigned i = 0; i < o->ndrives; i++)
            if (claimed_by[i] == (int)b && pd->blk[b].bus >= 0) {
                if (used[pd->blk[b].bus]) {
                    snprintf(err, errlen, "-device %s: virtio-mmio-bus.%d has a disk already",
                             pd->blk[b].text, pd->blk[b].bus);
                    return -1;
                }
                used[pd->blk[b].bus] = true;
                o->drives[i].slot = pd->blk[b].bus;
            }
    for (unsigned i = 0; i < o->ndrives; i++) {
        if (claimed_by[i] >= 0 || o->drives[i].interface == DRIVE_IF_NONE)
            continue;
        int s = 0;
        while (s < MACHINE_MAX_DISKS && used[s])
            s++;
        if (s == MACHINE_MAX_DISKS) {
            snprintf(err, errlen, "-drive file=%s: no virtio slot left (rvbox has %d for disks)",
                     o->drives[i].file, MACHINE_MAX_DISKS);
            return -1;
        }
        used[s] = true;
        o->drives[i].slot = s;
    }
    for (unsigned b = 0; b < pd->nblk; b++)
        for (unsigned i = 0; i < o->ndrives; i++)
            if (claimed_by[i] == (int)b && pd->blk[b].bus < 0) {
                int s = MACHINE_MAX_DISKS - 1;
                while (s >= 0 && used[s])
                    s--;
                if (s < 0) {
                    snprintf(err, errlen, "-device %s: no virtio slot left (rvbox has %d for "
                             "disks)", pd->blk[b].text, MACHINE_MAX_DISKS);
                    return -1;
                }
                used[s] = true;
                o->drives[i].slot = s;
            }
    for (unsigned i = 0; i < o->ndrives; i++)
        if (o->snapshot)
            o->drives[i].snapshot = true;
    /* Network cards and shared folders in the slots the disks left. */
    if (options_net_place(&o->net, used, MACHINE_MAX_DISKS, err, errlen))
        return -1;
    if (o->time.rr != RR_NONE && options_net_any(&o->net)) {
        snprintf(err, errlen, "%s: what comes from the network and the shared folders "
                 "(-netdev, -nic, -virtfs) is not recorded, so the run could not be replayed",
                 o->time.rr == RR_RECORD ? "--record" : "--replay");
        return -1;
    }
    return 0;
}

int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->ram_size = MEMMAP_RAM_DEFAULT;
    o->serial = "stdio";
    o->smp = 1;
    o->virtio_version = 1;
    struct pending pd;
    memset(&pd, 0, sizeof pd);
    bool mon;
    char *spec;
    o->fb_width = FB_DEFAULT_WIDTH;
    o->fb_height = FB_DEFAULT_HEIGHT;
    o->engine = -1;
    trace_options_init(&o->trace);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        /* Accept both -kernel and --kernel. */
        const char *name = arg[0] == '-' && arg[1] == '-' ? arg + 1 : arg;
        const char *v;
        int r;
        if (!strcmp(name, "-h") || !strcmp(name, "-help")) {
            o->help = true;
        } else if (!strcmp(name, "-V") || !strcmp(name, "-version")) {
            o->version = true;
        } else if (!strcmp(name, "-kernel")) {
            if (!(o->kernel = value_of(&i, argc, argv, err, errlen)))
                return 1;
        } else if (!strcmp(name, "-bios")) {
            if (!(v = value_of(&i, argc, argv, err, errlen)))
                return 1;
            o->bios_given = true;
            o->bios = strcmp(v, "none") ? v : NULL;
        } else if (!strcmp(name, "-m")) {
            if (!(v = value_of(&i, argc, argv, err, errlen)))
                return 1;
            /* QEMU's -m [size=]SIZE[,slots=N,maxmem=SIZE]: no memory hotplug here */
            char size[64];
            snprintf(size, sizeof size, "%.*s", (int)strcspn(v, ","), v);
            if (v[strcspn(v, ",")]) {
                snprintf(err, errlen, "-m %s: memory hotplug (slots, maxmem) is not supported",
                         v);
                return 1;
            }
            if (options_parse_size(strncmp(size, "size=", 5) ? size : size + 5, &o->ram_size,
                                   err, errlen))
                return 1;
        } else if (!strcmp(name, "-append")) {
            if (!(o->append = value_of(&i, argc, argv, err, errlen)))
                return 1;
        } else if (!strcmp(name, "-initrd")) {
            if (!(o->initrd = value_of(&i, argc, argv, err, errlen)))
                return 1;
        } else if (!strcmp(name, "-dtb")) {
            if (!(o->dtb = value_of(&i, argc, argv, err, errlen)))
                return 1;
        } else if (!strcmp(name, "-dump-dtb")) {
            if (!(o->dump_dtb = value_of(&i, argc, argv, err, errlen)))
                return 1;
        } else if (!strcmp(name, "-serial")) {
            if (!(v = value_of(&i, argc, argv, err, errlen)) ||
                !(spec = parse_char("-serial", v, &mon, err, errlen)) ||
                !keep(o, spec, err, errlen))
                return 1;
            if (pd.serial_given && strcmp(spec, "none")) {
                snprintf(err, errlen, "-serial %s: the virt board has one UART, and an earlier "
                         "-serial has it", v);
                return 1;
            }
            if (!pd.serial_given) {
                pd.serial_given = true;
                pd.serial_raw = spec;
                pd.serial_mon = mon;
            }
        } else if (!strcmp(name, "-monitor") || !strcmp(name, "-qmp") ||
                   !strcmp(name, "-qmp-pretty")) {
            if (!(v = value_of(&i, argc, argv, err, errlen)) ||
                !(spec = parse_char(arg, v, &mon, err, errlen)) ||
                !keep(o, spec, err, errlen))
                return 1;
            if (name[1] == 'm') {
                o->monitor = spec;
                pd.monitor_given = true;
            } else {
                o->qmp = spec;
            }
        } else if (!strcmp(name, "-mon")) {
            if (!(v = value_of(&i, argc, argv, err, errlen)) || parse_mon(&pd, v, err, errlen))
                return 1;
        } else if (!strcmp(name, "-chardev")) {
            if (!(v = value_of(&i, argc, argv, err, errlen)) || parse_chardev(o, v, err, errlen))
                return 1;
        } else if (!strcmp(name, "-M") || !strcmp(name, "-machine")) {
            if (!(v = value_of(&i, argc, argv, err, errlen)) || parse_machine(o, v, err, errlen))
                return 1;
        } else if (!strcmp(name, "-cpu")) {
            if (!(v = value_of(&i, argc, argv, err, errlen)) || parse_cpu(o, v, err, errlen))
                return 1;
        } else if (!strcmp(name, "-smp")) {
            if (!(v = value_of(&i, argc, argv, err, errlen)) || parse_smp(o, v, err, errlen))
                return 1;
        } else if (!strcmp(name, "-device")) {
            if (!(v = value_of(&i, argc, argv, err, errlen)) ||
                parse_device(o, &pd, v, err, errlen))
                return 1;
        } else if (!strcmp(name, "-name")) {
            if (!(v = value_of(&i, argc, argv, err, errlen)))
                return 1;
            /* NAME[,process=P][,debug-threads=on]: the name is what rvbox keeps */
            if (!(o->name = keep(o, strndup(v, strcspn(v, ",")), err, errlen)))
                return 1;
            if (!strncmp(v, "guest=", 6))
                o->name += 6;
        } else if (!strcmp(name, "-nodefaults")) {
            o->nodefaults = true;
        } else if (!strcmp(name, "-no-reboot")) {
            o->no_reboot = true;
        } else if (!strcmp(name, "-no-shutdown")) {
            o->no_shutdown = true;
        } else if (!strcmp(name, "-snapshot")) {
            o->snapshot = true;
        } else if (!strcmp(name, "-loadvm")) {
            if (!(o->loadvm = value_of(&i, argc, argv, err, errlen)))
                return 1;
        } else if (!strcmp(name, "-snapshot-dir")) {
            if (!(o->snapshot_dir = value_of(&i, argc, argv, err, errlen)))
                return 1;
        } else if (!strcmp(name, "-vga")) {
            if (!(v = value_of(&i, argc, argv, err, errlen)))
                return 1;
            if (strcmp(v, "none")) {
                snprintf(err, errlen, "-vga %s: the virt board has no VGA (-vga none); its "
                         "display is a simple-framebuffer", v);
                return 1;
            }
        } else if (!strcmp(name, "-enable-kvm")) {
            snprintf(err, errlen, "-enable-kvm: rvbox runs RISC-V on any host with its own "
                     "engines (-accel jit|interp|step)");
            return 1;
        } else if (!strcmp(name, "-drive") || !strcmp(name, "-disk")) {
            if (!(v = value_of(&i, argc, argv, err, errlen)) ||
                add_drive(o, v, !strcmp(name, "-disk"), err, errlen))
                return 1;
        } else if (!strcmp(name, "-virtio-version")) {
            if (!(v = value_of(&i, argc, argv, err, errlen)))
                return 1;
            if (strcmp(v, "1") && strcmp(v, "2")) {
                snprintf(err, errlen, "--virtio-version %s: want 1 (legacy) or 2 (modern)", v);
                return 1;
            }
            o->virtio_version = (unsigned)(v[0] - '0');
        } else if (!strcmp(name, "-global")) {
            if (!(v = value_of(&i, argc, argv, err, errlen)))
                return 1;
            bool legacy;
            if (strncmp(v, "virtio-mmio.force-legacy=", 25) || parse_bool(v + 25, &legacy)) {
                snprintf(err, errlen, "-global %s: only virtio-mmio.force-legacy=on|off is known", v);
                return 1;
            }
            o->virtio_version = legacy ? 1 : 2;
        } else if (!strcmp(name, "-engine") || !strcmp(name, "-accel")) {
            if (!(v = value_of(&i, argc, argv, err, errlen)))
                return 1;
            /* QEMU's -accel tcg,thread=single|multi: the engine's name, and whether the
             * harts run by turns in one thread or in a thread each */
            char engine[32];
            snprintf(engine, sizeof engine, "%.*s", (int)strcspn(v, ","), v);
            const char *rest = v + strcspn(v, ",");
            if (!strcmp(rest, ",thread=multi")) {
#if !defined(__x86_64__)
                /* The engines' fences and interrupt checks rely on the host's total
                 * store order (docs/architecture.md, "A host thread per hart"). */
                snprintf(err, errlen, "%s %s: thread=multi needs an x86-64 host (its memory "
                         "order); thread=single", arg, v);
                return 1;
#endif
                o->threads = true;
            } else if (!strcmp(rest, ",thread=single")) {
                o->threads = false;
            } else if (*rest) {
                snprintf(err, errlen, "%s %s: want jit, interp (block) or step, and "
                         "thread=single or thread=multi", arg, v);
                return 1;
            }
            /* QEMU's accelerator name: whichever engine rvbox would choose by itself
             * (RVBOX_ACCEL, else the host's default), so that a suite run under
             * RVBOX_ACCEL=interp runs its QEMU command lines there too */
            if (!strcmp(engine, "tcg")) {
                o->engine = -1;
            } else if ((o->engine = options_parse_engine(engine)) < 0) {
                snprintf(err, errlen, "%s %s: want jit, interp (block) or step", arg, v);
                return 1;
            }
        } else if (!strcmp(name, "-jit-threshold")) {
            if (!(v = value_of(&i, argc, argv, err, errlen)))
                return 1;
            const char *p = v;
            unsigned n;
            if (!parse_decimal(&p, 65535, &n) || *p || n == 0) {
                snprintf(err, errlen, "--jit-threshold %s: want a number of runs, 1 to 65535", v);
                return 1;
            }
            o->jit_threshold = (unsigned)n;
        } else if (!strcmp(name, "-jit-cache")) {
            if (!(v = value_of(&i, argc, argv, err, errlen)) ||
                parse_size("--jit-cache", v, 1ull << 31, "at most 2G", &o->jit_cache, err,
                           errlen))
                return 1;
            if (o->jit_cache < 64 * 1024) {
                snprintf(err, errlen, "--jit-cache %s: at least 64K", v);
                return 1;
            }
        } else if (!strcmp(name, "-nographic")) {
            o->nographic = true;
            pd.nographic = true;
        } else if (!strcmp(name, "-display")) {
            if (!(v = value_of(&i, argc, argv, err, errlen)) || parse_display(o, v, err, errlen))
                return 1;
        } else if (!strcmp(name, "-g") || !strcmp(name, "-framebuffer")) {
            if (!(v = value_of(&i, argc, argv, err, errlen)))
                return 1;
            unsigned w, h;
            if (!parse_fb_size(v, &w, &h)) {
                snprintf(err, errlen, "%s %s: want WIDTHxHEIGHT, 16x16 to %ux%u", arg, v,
                         FB_MAX_WIDTH, FB_MAX_HEIGHT);
                return 1;
            }
            o->fb_width = w;
            o->fb_height = h;
        } else if (!strcmp(name, "-screenshot")) {
            if (!(o->screenshot = value_of(&i, argc, argv, err, errlen)))
                return 1;
        } else if (!strcmp(name, "-strict-plic")) {
            o->plic_strict = true;
        } else if ((r = gdbstub_option(&o->gdb, name, &i, argc, argv, err, errlen)) ||
                   (r = trace_option(&o->trace, name, &i, argc, argv, err, errlen)) ||
                   (r = semihost_option(&o->semihost, name, &i, argc, argv, err, errlen)) ||
                   (r = time_option(&o->time, name, &i, argc, argv, err, errlen)) ||
                   (r = net_option(&o->net, name, &i, argc, argv, err, errlen))) {
            if (r < 0)
                return 1;
        } else if (arg[0] == '-') {
            snprintf(err, errlen, "unknown option '%s' (try --help)", arg);
            return 1;
        } else {
            snprintf(err, errlen, "unexpected argument '%s' (try --help)", arg);
            return 1;
        }
    }
    return finish(o, &pd, err, errlen) ? 1 : 0;
}

void options_print_help(const char *argv0)
{
    printf("Usage: %s [options]\n"
           "\n"
           "rvbox emulates a RISC-V RV32IMAC machine (QEMU's virt memory map). Without\n"
           "-kernel it boots Kite, the bundled teaching OS, in a window with its serial\n"
           "console here; Kite's disk is then a copy in memory (changes last until rvbox\n"
           "exits) unless -drive names one, e.g. build/kite-disk.img to keep them.\n"
           "\n"
           "Options:\n"
           "  -kernel FILE   the guest kernel: an ELF32 RISC-V executable (loaded at its\n"
           "                 physical addresses) or a raw binary such as Linux's Image\n"
           "                 (at 0x80400000; at 0x80000000 with -bios none)\n"
           "  -bios FILE     M-mode firmware at 0x80000000 (ELF or raw). Without -bios,\n"
           "                 rvbox's own SBI firmware runs and enters the kernel in S-mode\n"
           "  -bios none     no firmware: -kernel runs in M-mode from its entry\n"
           "                 (bare-metal programs, test ELFs)\n"
           "  -m SIZE        RAM size: 128M (default), 1G, 65536K; a plain number is MiB\n"
           "  -append ARGS   the kernel command line (/chosen/bootargs)\n"
           "  -initrd FILE   an initial ramdisk, loaded near the top of RAM\n"
           "  -drive file=F,format=raw[,readonly=on][,file.locking=off][,snapshot=on]\n"
           "                 a raw disk image on virtio-blk (first -drive: slot 0, /dev/vda).\n"
           "                 It is locked as QEMU locks it: a writer excludes every other\n"
           "                 user; file.locking=off opens it regardless\n"
           "  -drive if=none,id=ID,file=F,format=raw + -device virtio-blk-device,drive=ID\n"
           "                 [,bus=virtio-mmio-bus.N]: QEMU's pair; without bus= the disk\n"
           "                 takes the highest free slot (5 down; 6, 7: keyboard, tablet)\n"
           "  --disk F       the same as -drive file=F, short\n"
           "  -snapshot      the disks' writes are kept in memory, the images untouched\n"
           "  -loadvm NAME   start from snapshot NAME (saved with the monitor's savevm)\n"
           "  --snapshot-dir DIR\n"
           "                 where the snapshot file goes (default: beside the first\n"
           "                 -drive's image, as IMAGE.rvsnap; rvbox.rvsnap here without one)\n"
           "  -device loader,file=F[,addr=A]\n"
           "                 load F too: an ELF at its addresses, anything else at A\n"
           "  -serial DEV    the serial console: stdio (default), mon:stdio, pty,\n"
           "                 tcp:HOST:PORT,server[,nowait|,wait=off], telnet:... (the\n"
           "                 same, without telnet's negotiation), file:PATH, null, none,\n"
           "                 chardev:ID\n"
           "  -chardev stdio|pty|null|file,path=F|socket,host=H,port=P,server=on[,wait=off]\n"
           "                 ,id=ID[,mux=on]: a device for -serial chardev:ID, -mon and\n"
           "                 -semihosting-config chardev=ID\n"
           "  -monitor DEV, -mon chardev=ID, -qmp DEV\n"
           "                 where the monitor goes (QEMU's spellings)\n"
           "  -M virt[,aclint=on|off,aia=none,acpi=off,dumpdtb=F]  the board (the only one)\n"
           "  -cpu rv32[,ext=on|off...]  the hart: rv32, any or sifive-e31 (all QEMU's rv32:\n"
           "                 RV32IMAFDC, PMP, Sstc, Sdtrig); f=off, d=off, pmp=off,\n"
           "                 sstc=off, debug=off take parts away;\n"
           "                 extensions it lacks (v, h, zfh...) are refused when on\n"
           "  -smp N         N harts (1 to 8; also cpus=N[,sockets=,cores=,threads=]),\n"
           "                 taking turns in one thread\n"
           "  -no-reboot     a guest reboot ends rvbox\n"
           "  -no-shutdown   a guest poweroff stops it; rvbox stays until Ctrl-A x\n"
           "  -nodefaults    no default serial console or monitor\n"
           "  -name NAME     the guest's name\n"
           "  --virtio-version 1|2\n"
           "                 virtio-mmio legacy (1, QEMU's default) or modern (2); also\n"
           "                 -global virtio-mmio.force-legacy=off\n"
           "  -dtb FILE      boot with this device tree instead of the generated one\n"
           "  --dump-dtb FILE  write the generated device tree to FILE and exit\n"
           "  -nographic     no window (also -display none); the serial console stays\n"
           "  -display sdl|gtk|none  a window (gtk is taken as sdl) or none\n"
           "  -g WxH         framebuffer size (default 800x600), also --framebuffer\n"
           "  -accel jit|interp|step[,thread=single|multi], --engine jit|block|step\n"
           "                 how instructions run: translated to host code (jit, the\n"
           "                 default on x86-64; tcg: the default), decoded blocks\n"
           "                 (interp, also called block), or the plain one-at-a-time\n"
           "                 interpreter the others are checked against (step). Without\n"
           "                 this option, the environment variable RVBOX_ACCEL (the same\n"
           "                 names) chooses. thread=multi runs each hart of -smp in a\n"
           "                 host thread of its own (faster, not deterministic: not with\n"
           "                 -icount, --record, --replay or -d); thread=single (the\n"
           "                 default) runs them by turns in one\n"
           "  --jit-cache SIZE  the JIT's code cache (default 64M): 16M, 256K...\n"
           "  --jit-threshold N  runs of a block before the JIT translates it (default 8;\n"
           "                 1: everything at once)\n"
           "  --strict-plic  the PLIC's gateway strictly level-triggered for every source\n"
           "                 (as the spec's; an interrupt completed while its line is high\n"
           "                 comes again at once), instead of QEMU's for virtio (pending\n"
           "                 at each notification)\n"
           "  --screenshot FILE.png\n"
           "                 write the framebuffer as PNG at exit, and on Ctrl-Alt-S\n"
           "  -h, --help     show this help and exit\n"
           "  -V, --version  show the version and exit\n"
           "\n"
           "Semihosting (docs/usage.md):\n"
           "%s"
           "\n"
           "Reproducible runs (docs/usage.md):\n"
           "%s"
           "\n"
           "The network and shared folders (docs/usage.md):\n"
           "%s"
           "\n"
           "Debugging (docs/debugging.md):\n"
           "%s%s"
           "\n"
           "On stdio, Ctrl-A x quits (disks are flushed), Ctrl-A c switches to the monitor\n"
           "and back (mon:stdio, the default), Ctrl-A h lists the escapes.\n"
           "QEMU's options rvbox cannot honour are refused with the reason, in one line\n"
           "(docs/usage.md lists them).\n"
           "\n"
           "Test programs that define a `tohost` symbol end the run through HTIF: storing\n"
           "(code << 1) | 1 there exits rvbox with status 0 for code 0, non-zero otherwise.\n"
           "\n"
           "Exit status: the guest's exit code; 1 for bad input.\n",
           argv0, semihost_help, time_help, net_help, gdbstub_help, trace_help);
}
