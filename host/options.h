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
#include "host/options_net.h"
#include "host/options_time.h"
#include "host/semihost.h"
#include "host/trace.h"

#define OPTIONS_MAX_DRIVES 8     /* -drive options; at most 6 attached (virtio slots 0-5) */
#define OPTIONS_MAX_CHARDEVS 8
#define OPTIONS_MAX_LOADERS 8

struct drive_option {
    char *file;                 /* owned (commas unescaped) */
    char *id;                   /* id=, owned, or NULL */
    bool readonly;
    bool no_locking;            /* file.locking=off: do not lock the image (QEMU's key) */
    bool snapshot;              /* snapshot=on, or -snapshot: writes kept in memory */
    enum { DRIVE_IF_DEFAULT, DRIVE_IF_VIRTIO, DRIVE_IF_NONE } interface;
    int slot;                   /* the virtio-mmio slot it is attached to, or -1: none
                                   (options_parse decides, after every option is read) */
};

/* -chardev BACKEND,id=ID,...: the backend as a -serial spelling (stdio, pty, file:PATH,
 * tcp:HOST:PORT,server[,nowait], none) that host/serial.c opens. */
struct chardev_option {
    char *id;                   /* owned */
    char *spec;                 /* owned */
    bool mux;                   /* mux=on */
};

/* -device loader,file=F[,addr=A]: an image loaded as it is (an ELF at its addresses, a
 * raw file at addr), before the hart starts. */
struct loader_option {
    char *file;                 /* owned */
    uint32_t addr;
    bool has_addr;
};

struct options {
    const char *kernel;         /* -kernel FILE, or NULL */
    const char *bios;           /* -bios FILE, or NULL for "none" */
    bool bios_given;            /* -bios was on the command line */
    uint32_t ram_size;          /* -m, bytes */
    const char *append;         /* -append: the kernel command line */
    const char *initrd;         /* -initrd FILE */
    const char *dtb;            /* -dtb FILE: use this device tree instead of ours */
    const char *dump_dtb;       /* --dump-dtb FILE, -M virt,dumpdtb=FILE: write ours, exit */
    /* -serial, resolved: stdio, mon:stdio, pty, tcp:HOST:PORT,server[,nowait],
     * file:PATH or none (what host/serial.c takes), whatever QEMU spelling named it
     * (telnet:, chardev:ID, null, -nographic's default...). */
    const char *serial;
    /*
     * The monitor (-monitor DEV, -mon chardev=ID[,mode=readline], -nographic's and the
     * default's mon:stdio), for the monitor's engineer: serial_monitor says the monitor
     * shares the serial console behind Ctrl-A c (QEMU's mon:stdio, a mux=on chardev
     * shared with -mon); `monitor` is a device of its own, in the same spelling as
     * `serial` (stdio, pty, tcp:..., file:...), or NULL. -qmp DEV and -mon mode=control
     * land in `qmp`, likewise (host/monitor.c serves readline monitors; QMP is not
     * spoken).
     */
    bool serial_monitor;
    const char *monitor;
    const char *qmp;
    unsigned virtio_version;    /* 1 (legacy, QEMU's default) or 2 */
    bool nographic;             /* -nographic, -display none: no window */
    bool nodefaults;            /* -nodefaults: no default serial console or monitor */
    bool no_reboot;             /* -no-reboot: a guest reboot ends rvbox */
    bool no_shutdown;           /* -no-shutdown: a guest poweroff stops it, rvbox stays */
    bool snapshot;              /* -snapshot: every disk's writes kept in memory */
    const char *loadvm;         /* -loadvm NAME: start from this snapshot */
    const char *snapshot_dir;   /* --snapshot-dir DIR: where the snapshot file goes */
    unsigned smp;               /* -smp: the harts, 1 to MACHINE_MAX_HARTS */
    uint32_t cpu_without;       /* -cpu rv32,f=off...: HART_* parts the harts go without */
    const char *name;           /* -name NAME, or NULL */
    int engine;                 /* --engine/-accel: enum hart_engine, or -1: RVBOX_ACCEL
                                   or the default (host/main.c) */
    bool threads;               /* -accel ...,thread=multi: a host thread per hart */
    uint32_t jit_cache;         /* --jit-cache SIZE in bytes; 0: the default */
    unsigned jit_threshold;     /* --jit-threshold N; 0: the default */
    unsigned fb_width, fb_height;   /* -g WxH (800x600) */
    const char *screenshot;     /* --screenshot FILE.png: at exit, and on Ctrl-Alt-S */
    bool plic_strict;           /* --strict-plic: the spec's level-triggered PLIC gateway */
    unsigned ndrives;
    struct drive_option drives[OPTIONS_MAX_DRIVES];
    unsigned nchardevs;
    struct chardev_option chardevs[OPTIONS_MAX_CHARDEVS];
    unsigned nloaders;
    struct loader_option loaders[OPTIONS_MAX_LOADERS];
    struct gdb_options gdb;     /* -s, -S, -gdb */
    struct trace_options trace; /* -d, -D, --trace-*, --symbols, --history */
    struct semihost_options semihost;   /* -semihosting, -semihosting-config */
    struct time_options time;   /* -icount, --deterministic, --record/--replay, -rtc */
    struct net_options net;     /* -netdev, -nic, -device virtio-net-device, -virtfs,
                                   -fsdev, -device virtio-9p-device, captures */
    const char *semihost_console;       /* its chardev=, resolved as `serial` is, when
                                           it is a device of its own */
    bool semihost_on_serial;    /* its chardev= is the serial console's (mux=on) */
    bool help, version;
    const char *info;           /* -M help, -cpu help, -device help: print and exit 0 */
    char *owned[16];            /* strings made while parsing, freed by options_free */
    unsigned nowned;
};

/* 0: run; 1: error (message in err); the caller prints help/version when asked. */
int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen);

/* Parse a RAM size: "128M", "1G", "65536K", or a plain number of MiB as QEMU does.
 * 0 on success. */
int options_parse_size(const char *text, uint32_t *bytes, char *err, size_t errlen);

/* Parse a -drive value: file=F,format=raw[,readonly=on][,if=virtio|none][,id=ID]
 * [,snapshot=on][,file.locking=on|off|auto] (",," is a comma inside a value, as in
 * QEMU). 0 on success. */
int options_parse_drive(const char *text, struct drive_option *d, char *err, size_t errlen);

/* An engine's name as -accel/--engine take it (jit, tcg, interp, block, step): an enum
 * hart_engine, or -1 for anything else. Also the syntax of RVBOX_ACCEL. */
int options_parse_engine(const char *name);

/* Free what options_parse allocated. */
void options_free(struct options *o);

void options_print_help(const char *argv0);

#endif
