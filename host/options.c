#include "host/options.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus/memmap.h"
#include "cpu/hart.h"
#include "devices/framebuffer.h"

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
                snprintf(err, errlen, "-drive: format=%s is not supported (only raw)", value);
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
            if (strcmp(value, "virtio")) {
                snprintf(err, errlen, "-drive: if=%s is not supported (only virtio)", value);
                goto fail;
            }
        } else if (strcmp(key, "id") && strcmp(key, "media") && strcmp(key, "cache")) {
            snprintf(err, errlen, "-drive: unknown parameter '%s'", key);
            goto fail;
        }
    }
    if (!d->file || !d->file[0]) {
        snprintf(err, errlen, "-drive %s: needs file=PATH", text);
        goto fail;
    }
    return 0;
fail:
    free(d->file);
    d->file = NULL;
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
    for (unsigned i = 0; i < o->ndrives; i++)
        free(o->drives[i].file);
    o->ndrives = 0;
}

int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->ram_size = MEMMAP_RAM_DEFAULT;
    o->serial = "stdio";
    o->virtio_version = 1;
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
            if (!(v = value_of(&i, argc, argv, err, errlen)) ||
                options_parse_size(v, &o->ram_size, err, errlen))
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
            if (!(o->serial = value_of(&i, argc, argv, err, errlen)))
                return 1;
        } else if (!strcmp(name, "-monitor")) {
            if (!(o->monitor = value_of(&i, argc, argv, err, errlen)))
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
            if ((o->engine = options_parse_engine(v)) < 0) {
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
        } else if (!strcmp(name, "-display")) {
            if (!(v = value_of(&i, argc, argv, err, errlen)))
                return 1;
            if (strcmp(v, "none") && strcmp(v, "sdl")) {
                snprintf(err, errlen, "-display %s: want sdl or none", v);
                return 1;
            }
            o->nographic = !strcmp(v, "none");
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
        } else if ((r = gdbstub_option(&o->gdb, name, &i, argc, argv, err, errlen)) ||
                   (r = trace_option(&o->trace, name, &i, argc, argv, err, errlen))) {
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
    return 0;
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
           "  -drive file=F,format=raw[,readonly=on][,file.locking=off]\n"
           "                 a raw disk image on virtio-blk (first -drive: slot 0, /dev/vda).\n"
           "                 It is locked as QEMU locks it: a writer excludes every other\n"
           "                 user; file.locking=off opens it regardless\n"
           "  --disk F       the same, short\n"
           "  -serial DEV    the serial console: stdio (default), pty,\n"
           "                 tcp:127.0.0.1:PORT,server, file:PATH or none\n"
           "  -monitor DEV   a console of its own for the monitor: stdio, pty,\n"
           "                 tcp:127.0.0.1:PORT,server[,nowait] or none (none also turns\n"
           "                 Ctrl-A c off)\n"
           "  --virtio-version 1|2\n"
           "                 virtio-mmio legacy (1, QEMU's default) or modern (2); also\n"
           "                 -global virtio-mmio.force-legacy=off\n"
           "  -dtb FILE      boot with this device tree instead of the generated one\n"
           "  --dump-dtb FILE  write the generated device tree to FILE and exit\n"
           "  -nographic     no window (also -display none); the serial console stays\n"
           "  -g WxH         framebuffer size (default 800x600), also --framebuffer\n"
           "  -accel jit|interp|step, --engine jit|block|step\n"
           "                 how instructions run: translated to host code (jit, the\n"
           "                 default on x86-64; tcg means the same), decoded blocks\n"
           "                 (interp, also called block), or the plain one-at-a-time\n"
           "                 interpreter the others are checked against (step). Without\n"
           "                 this option, the environment variable RVBOX_ACCEL (the same\n"
           "                 names) chooses\n"
           "  --jit-cache SIZE  the JIT's code cache (default 64M): 16M, 256K...\n"
           "  --jit-threshold N  runs of a block before the JIT translates it (default 8;\n"
           "                 1: everything at once)\n"
           "  --screenshot FILE.png\n"
           "                 write the framebuffer as PNG at exit, and on Ctrl-Alt-S\n"
           "  -h, --help     show this help and exit\n"
           "  -V, --version  show the version and exit\n"
           "\n"
           "Debugging (docs/debugging.md):\n"
           "%s%s"
           "\n"
           "On stdio, Ctrl-A x quits (disks are flushed), Ctrl-A c switches to the monitor\n"
           "and back, Ctrl-A h lists the escapes.\n"
           "\n"
           "Test programs that define a `tohost` symbol end the run through HTIF: storing\n"
           "(code << 1) | 1 there exits rvbox with status 0 for code 0, non-zero otherwise.\n"
           "\n"
           "Exit status: the guest's exit code; 1 for bad input.\n",
           argv0, gdbstub_help, trace_help);
}
