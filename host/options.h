/*
 * The rvbox command line, in QEMU's spelling where QEMU has one (`-kernel`, `-bios`, `-m`);
 * `--kernel` works too.
 */
#ifndef RVBOX_OPTIONS_H
#define RVBOX_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host/gdbstub.h"
#include "host/trace.h"

#define OPTIONS_MAX_DRIVES 6     /* virtio slots 0-5; the last two hold keyboard and tablet */

struct drive_option {
    char *file;                 /* owned (commas unescaped) */
    bool readonly;
    bool no_locking;            /* file.locking=off: do not lock the image (QEMU's key) */
};

struct options {
    const char *kernel;         /* -kernel FILE, or NULL */
    const char *bios;           /* -bios FILE, or NULL for "none" */
    bool bios_given;            /* -bios was on the command line */
    uint32_t ram_size;          /* -m, bytes */
    const char *append;         /* -append: the kernel command line */
    const char *initrd;         /* -initrd FILE */
    const char *dtb;            /* -dtb FILE: use this device tree instead of ours */
    const char *dump_dtb;       /* --dump-dtb FILE: write ours and exit */
    const char *serial;         /* -serial: stdio (default), pty, tcp:..., file:..., none */
    const char *monitor;        /* -monitor: stdio, pty, tcp:...,server[,nowait], none; NULL:
                                   none of its own (Ctrl-A c still reaches it) */
    unsigned virtio_version;    /* 1 (legacy, QEMU's default) or 2 */
    bool nographic;             /* -nographic, -display none: no window */
    int engine;                 /* --engine/-accel: enum hart_engine, or -1: RVBOX_ACCEL
                                   or the default (host/main.c) */
    uint32_t jit_cache;         /* --jit-cache SIZE in bytes; 0: the default */
    unsigned jit_threshold;     /* --jit-threshold N; 0: the default */
    unsigned fb_width, fb_height;   /* -g WxH (800x600) */
    const char *screenshot;     /* --screenshot FILE.png: at exit, and on Ctrl-Alt-S */
    unsigned ndrives;
    struct drive_option drives[OPTIONS_MAX_DRIVES];
    struct gdb_options gdb;     /* -s, -S, -gdb */
    struct trace_options trace; /* -d, -D, --trace-*, --symbols, --history */
    bool help, version;
};

/* 0: run; 1: error (message in err); the caller prints help/version when asked. */
int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen);

/* Parse a RAM size: "128M", "1G", "65536K", or a plain number of MiB as QEMU does.
 * 0 on success. */
int options_parse_size(const char *text, uint32_t *bytes, char *err, size_t errlen);

/* Parse a -drive value: file=F,format=raw[,readonly=on][,if=virtio]
 * [,file.locking=on|off|auto] (",," is a comma inside a value, as in QEMU). 0 on success. */
int options_parse_drive(const char *text, struct drive_option *d, char *err, size_t errlen);

/* An engine's name as -accel/--engine take it (jit, tcg, interp, block, step): an enum
 * hart_engine, or -1 for anything else. Also the syntax of RVBOX_ACCEL. */
int options_parse_engine(const char *name);

/* Free what options_parse allocated. */
void options_free(struct options *o);

void options_print_help(const char *argv0);

#endif
