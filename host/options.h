/*
 * The rvbox command line, in QEMU's spelling where QEMU has one (`-kernel`, `-bios`, `-m`);
 * `--kernel` works too.
 */
#ifndef RVBOX_OPTIONS_H
#define RVBOX_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct options {
    const char *kernel;         /* -kernel FILE, or NULL */
    const char *bios;           /* -bios FILE, or NULL for "none" */
    bool bios_given;            /* -bios was on the command line */
    uint32_t ram_size;          /* -m, bytes */
    bool help, version;
};

/* 0: run; 1: error (message in err); the caller prints help/version when asked. */
int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen);

/* Parse a RAM size: "128M", "1G", "65536K", or a plain number of MiB as QEMU does.
 * 0 on success. */
int options_parse_size(const char *text, uint32_t *bytes, char *err, size_t errlen);

void options_print_help(const char *argv0);

#endif
