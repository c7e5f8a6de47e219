#include "host/options.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus/memmap.h"

int options_parse_size(const char *text, uint32_t *bytes, char *err, size_t errlen)
{
    char *end;
    if (!isdigit((unsigned char)text[0])) {
        snprintf(err, errlen, "-m %s: not a size (try 128M or 1G)", text);
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
        snprintf(err, errlen, "-m %s: not a size (try 128M or 1G)", text);
        return -1;
    }
    if (n > MEMMAP_RAM_MAX / unit || n * unit > MEMMAP_RAM_MAX) {
        snprintf(err, errlen, "-m %s: too large (RAM at 0x80000000 holds at most 2G)", text);
        return -1;
    }
    if ((n * unit) % 4096) {
        snprintf(err, errlen, "-m %s: must be a multiple of 4K", text);
        return -1;
    }
    *bytes = (uint32_t)(n * unit);
    return 0;
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

int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->ram_size = MEMMAP_RAM_DEFAULT;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        /* Accept both -kernel and --kernel. */
        const char *name = arg[0] == '-' && arg[1] == '-' ? arg + 1 : arg;
        const char *v;
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
           "rvbox emulates a RISC-V RV32IMAC machine (QEMU's virt memory map). With no\n"
           "options it boots the bundled guest.\n"
           "\n"
           "Options:\n"
           "  -kernel FILE   guest to run: an ELF32 RISC-V executable (loaded at its\n"
           "                 physical addresses) or a raw binary (at 0x80400000 after a\n"
           "                 -bios FILE, else at 0x80000000)\n"
           "  -bios FILE     M-mode firmware at 0x80000000 (ELF or raw); `-bios none` (the\n"
           "                 default for now) runs -kernel directly in M-mode at its entry\n"
           "  -m SIZE        RAM size: 128M (default), 1G, 65536K; a plain number is MiB\n"
           "  -h, --help     show this help and exit\n"
           "  -V, --version  show the version and exit\n"
           "\n"
           "Test programs that define a `tohost` symbol end the run through HTIF: storing\n"
           "(code << 1) | 1 there exits rvbox with status 0 for code 0, non-zero otherwise.\n"
           "\n"
           "Exit status: the guest's exit code; 1 for bad input.\n",
           argv0);
}
