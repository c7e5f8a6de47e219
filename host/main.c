/*
 * rvbox: parse the command line, open the images, disks and console, build the machine,
 * run it; on a reboot build it again. Every way out goes through the end of main: disks
 * are flushed and closed, the terminal restored.
 */
#include <poll.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus/memmap.h"
#include "cpu/hart.h"
#include "devices/machine.h"
#include "host/disk_file.h"
#include "host/disk_memory.h"
#include "host/gdbstub.h"
#include "host/loader.h"
#include "host/monitor.h"
#include "host/net.h"
#include "host/options.h"
#include "host/p9_server.h"
#include "host/replay.h"
#include "host/run.h"
#include "host/screenshot.h"
#include "host/semihost.h"
#include "host/serial.h"
#include "host/snapshots.h"
#include "host/window.h"
#include "host/symbols.h"
#include "host/timeline.h"
#include "host/trace.h"

extern const unsigned char default_guest_elf[], default_guest_elf_end[];
extern const unsigned char default_disk[], default_disk_end[];
extern const unsigned char firmware_elf[], firmware_elf_end[];

#define ERR_LEN 512

/* Everything the host opened for the guest: it outlives reboots. */
struct session {
    struct options opt;
    struct image bios, kernel;
    bool have_bios, have_kernel;
    bool default_guest;         /* Kite, built in: no -kernel, no -bios */
    struct disk_memory *default_disk;   /* its disk when no -drive is given */
    uint8_t *initrd, *dtb;
    size_t initrd_size, dtb_size;
    struct disk_file *disks[OPTIONS_MAX_DRIVES];
    struct disk_memory *snapshots[OPTIONS_MAX_DRIVES];  /* -snapshot: the writes */
    struct snapshots *snaps;    /* the snapshot file, the disks' undo layers */
    const struct blockdev *backends[OPTIONS_MAX_DRIVES];    /* what the machine gets */
    const struct blockdev *default_backend;
    bool started;               /* the first boot is past (-loadvm is done) */
    struct image loaders[OPTIONS_MAX_LOADERS];  /* -device loader */
    unsigned nloaders;
    struct serial *semihost_console;    /* -semihosting-config chardev= of its own */
    struct serial *serial;
    struct window *window;
    bool window_tried;
    struct symbols *syms;       /* of the images and --symbols files */
    struct trace *trace;        /* -d, -D; the failure report */
    struct gdbstub *gdb;        /* -s, -gdb; NULL without; then the monitor's */
    struct monitor *mon;        /* -monitor, Ctrl-A c, GDB's monitor */
    struct replay *replay;      /* --record/--replay, or in memory for reverse execution */
    const struct blockdev *machine_disks[MACHINE_MAX_DISKS];   /* of the last boot */
    unsigned nmachine_disks;
    struct semihost *semihost;  /* -semihosting; NULL without */
    struct host_net *net;       /* -netdev, -nic: the networks and their captures */
    struct p9_server *shares[NET_MAX_SHARES];   /* -virtfs: each folder's 9P server */
};

static int die(const char *msg)
{
    fprintf(stderr, "rvbox: %s\n", msg);
    return 1;
}

/* Open the images the options name. Without -bios, a -kernel runs under rvbox's own
 * firmware; with neither, so does the default guest (Kite, guest-os/). */
static int open_images(struct session *s, char *err)
{
    const struct options *o = &s->opt;
    uint64_t ram_end = (uint64_t)MEMMAP_RAM_BASE + o->ram_size;   /* raw images end below */
    if (o->bios) {
        if (image_open_file(&s->bios, o->bios, MEMMAP_FIRMWARE_BASE, ram_end, err, ERR_LEN))
            return -1;
        s->have_bios = true;
    } else if (!o->bios_given) {
        if (image_open_memory(&s->bios, firmware_elf, (size_t)(firmware_elf_end - firmware_elf),
                              "rvbox firmware", MEMMAP_FIRMWARE_BASE, err, ERR_LEN))
            return -1;
        s->have_bios = true;
    }
    uint32_t raw_base = s->have_bios ? MEMMAP_KERNEL_BASE : MEMMAP_RAM_BASE;
    if (o->kernel) {
        if (image_open_file(&s->kernel, o->kernel, raw_base, ram_end, err, ERR_LEN))
            return -1;
        s->have_kernel = true;
    } else if (!o->bios) {
        if (o->bios_given) {
            snprintf(err, ERR_LEN, "-bios none needs -kernel FILE");
            return -1;
        }
        if (image_open_memory(&s->kernel, default_guest_elf,
                              (size_t)(default_guest_elf_end - default_guest_elf),
                              "default guest", raw_base, err, ERR_LEN))
            return -1;
        s->have_kernel = true;
        s->default_guest = true;
    }
    for (unsigned i = 0; i < o->nloaders; i++) {
        const struct loader_option *l = &o->loaders[i];
        /* An ELF goes where it says; anything else at addr=, which it then needs. */
        if (image_open_file(&s->loaders[i], l->file, l->has_addr ? l->addr : MEMMAP_RAM_BASE,
                            ram_end, err, ERR_LEN))
            return -1;
        s->nloaders = i + 1;
        if (!s->loaders[i].is_elf && !l->has_addr) {
            snprintf(err, ERR_LEN, "-device loader,file=%s: not an ELF file, so it needs addr=",
                     l->file);
            return -1;
        }
    }
    /* Each must fit in RAM; together, with the images, machine_create checks. */
    if (o->initrd &&
        loader_read_file(o->initrd, o->ram_size, &s->initrd, &s->initrd_size, err, ERR_LEN))
        return -1;
    if (o->dtb && loader_read_file(o->dtb, o->ram_size, &s->dtb, &s->dtb_size, err, ERR_LEN))
        return -1;
    return 0;
}

/* What SYS_GET_CMDLINE answers: the arg= list, else (as QEMU) the kernel's file name
 * followed by -append. */
static char *semihost_cmdline(const struct options *o)
{
    if (o->semihost.args)
        return strdup(o->semihost.args);
    const char *k = o->kernel ? o->kernel : "";
    size_t n = strlen(k) + (o->append ? strlen(o->append) + 1 : 0) + 1;
    char *c = malloc(n);
    if (c)
        snprintf(c, n, "%s%s%s", k, o->append ? " " : "", o->append ? o->append : "");
    return c;
}

static int open_semihosting(struct session *s, char *err)
{
    const struct options *o = &s->opt;
    if (!o->semihost.enabled)
        return 0;
    struct serial *console = NULL;
    if (o->semihost_on_serial)
        console = s->serial;
    else if (o->semihost_console &&
             !(console = s->semihost_console = serial_open(o->semihost_console, err, ERR_LEN)))
        return -1;
    char *cmdline = semihost_cmdline(o);
    if (!cmdline) {
        snprintf(err, ERR_LEN, "out of memory");
        return -1;
    }
    s->semihost = semihost_create(&o->semihost, cmdline, console, s->serial, err, ERR_LEN);
    free(cmdline);
    return s->semihost ? 0 : -1;
}

/* The in-memory copy of drive i's image that -snapshot runs on. */
static int snapshot_disk(struct session *s, unsigned i, char *err)
{
    const struct blockdev *bd = disk_file_backend(s->disks[i]);
    uint8_t *image = bd->size <= SIZE_MAX ? malloc((size_t)bd->size) : NULL;
    if (!image) {
        snprintf(err, ERR_LEN, "-snapshot: %s: no memory for a copy of its %llu bytes",
                 s->opt.drives[i].file, (unsigned long long)bd->size);
        return -1;
    }
    if (bd->read(bd->opaque, 0, image, (size_t)bd->size)) {
        snprintf(err, ERR_LEN, "-snapshot: %s: cannot read it", s->opt.drives[i].file);
        free(image);
        return -1;
    }
    s->snapshots[i] = disk_memory_create(image, (size_t)bd->size, err, ERR_LEN);
    free(image);
    return s->snapshots[i] ? 0 : -1;
}

/* Drive i's backend as the machine gets it: under its undo layer once open_devices
 * made one (--dump-dtb opens no disk). */
static const struct blockdev *drive_backend(struct session *s, unsigned i)
{
    if (s->backends[i])
        return s->backends[i];
    return s->snapshots[i] ? disk_memory_backend(s->snapshots[i])
                           : disk_file_backend(s->disks[i]);
}

/* The snapshot file (host/snapshots.h) and every writable disk under its undo layer,
 * for the disks' life: savevm marks them, loadvm puts them back. */
static int open_snapshots(struct session *s, char *err)
{
    const struct options *o = &s->opt;
    if (o->loadvm && o->time.rr != RR_NONE) {
        snprintf(err, ERR_LEN, "-loadvm: not with a recording or a replay (rr=): the run "
                 "would not start where the recording does");
        return -1;
    }
    if (!(s->snaps = snapshots_create(o->snapshot_dir, o->ndrives ? o->drives[0].file : NULL))) {
        snprintf(err, ERR_LEN, "out of memory");
        return -1;
    }
    for (unsigned i = 0; i < o->ndrives; i++) {
        if (s->snapshots[i])
            disk_memory_set_origin(s->snapshots[i], disk_file_backend(s->disks[i]));
        if (!(s->backends[i] = snapshots_disk(s->snaps, drive_backend(s, i)))) {
            snprintf(err, ERR_LEN, "out of memory");
            return -1;
        }
    }
    if (s->default_disk &&
        !(s->default_backend = snapshots_disk(s->snaps, disk_memory_backend(s->default_disk)))) {
        snprintf(err, ERR_LEN, "out of memory");
        return -1;
    }
    return 0;
}

static int open_devices(struct session *s, char *err)
{
    if (s->default_guest && s->opt.ndrives == 0 &&
        !(s->default_disk = disk_memory_create(default_disk,
                                               (size_t)(default_disk_end - default_disk), err,
                                               ERR_LEN)))
        return -1;
    for (unsigned i = 0; i < s->opt.ndrives; i++) {
        const struct drive_option *d = &s->opt.drives[i];
        /* -snapshot: the image is read (and locked as a reader), the writes stay in
         * memory. A read-only drive needs no copy. */
        bool copy = d->snapshot && !d->readonly;
        s->disks[i] = disk_file_open(d->file, d->readonly || copy, !d->no_locking, err, ERR_LEN);
        if (!s->disks[i] || (copy && snapshot_disk(s, i, err)))
            return -1;
    }
    if (open_snapshots(s, err))
        return -1;
    const char *mon = s->opt.monitor;
    if (mon && !strcmp(mon, "stdio") && strstr(s->opt.serial, "stdio")) {
        snprintf(err, ERR_LEN, "-monitor stdio: cannot use stdio by multiple character devices "
                 "(the serial console is there: Ctrl-A c reaches the monitor)");
        return -1;
    }
    if (!(s->net = host_net_open(&s->opt.net, err, ERR_LEN)))
        return -1;
    for (unsigned i = 0; i < s->opt.net.nshares; i++) {
        const struct share_option *sh = &s->opt.net.shares[i];
        if (sh->has_device &&
            !(s->shares[i] = p9_server_create(sh->path, sh->readonly, err, ERR_LEN)))
            return -1;
    }
    if (!(s->serial = serial_open(s->opt.serial, err, ERR_LEN)))
        return -1;
    const struct time_options *t = &s->opt.time;
    if (t->rr != RR_NONE &&
        !(s->replay = replay_open(t->rr == RR_RECORD ? REPLAY_RECORD : REPLAY_PLAY, t->rrfile,
                                  err, ERR_LEN)))
        return -1;
    /* A debugger under the instruction clock can go back in time (host/timeline.h): the
     * session's input is then kept in memory, to be given again. */
    bool outside = s->opt.net.nnics || s->opt.net.nshares;     /* input not recorded */
    if (!s->replay && t->icount && s->gdb && outside)
        fprintf(stderr, "rvbox: warning: no reverse execution with a network or a shared "
                "folder (what they bring in is not recorded)\n");
    else if (!s->replay && t->icount && s->gdb &&
             !(s->replay = replay_open(REPLAY_RECORD, NULL, err, ERR_LEN)))
        return -1;
    /* loadvm would take the run away from what is recorded: not while there is a
     * recording (--record, --replay, or the one reverse execution keeps). */
    struct monitor_config mc = {
        .version = RVBOX_VERSION, .spec = mon, .syms = s->syms, .trace = s->trace,
        .snapshot_path = snapshots_path(s->snaps),
        .loadvm_refused = s->replay ? "not while the run is recorded or replayed (--record, "
                                      "--replay, or reverse execution under -icount with a "
                                      "debugger): it would leave its recording" : NULL,
    };
    if (monitor_open(&mc, &s->mon, err, ERR_LEN))
        return -1;
    monitor_set_gdbstub(s->mon, s->gdb, s->opt.gdb.spec);   /* the monitor keeps it */
    monitor_set_net(s->mon, s->net);
    s->gdb = NULL;
    /* Ctrl-A c: where the monitor shares the serial console (mon:stdio, QEMU's default,
     * or a mux=on chardev). */
    if (s->opt.serial_monitor)
        serial_attach_monitor(s->serial, s->mon);
    return open_semihosting(s, err);
}

/* Symbols (of the ELF images, then --symbols files), the trace sink and the GDB stub:
 * before the devices, so that a port in use is reported before a tcp serial waits. */
static int open_debugging(struct session *s, char *err)
{
    const struct trace_options *t = &s->opt.trace;
    if (!(s->syms = symbols_create())) {
        snprintf(err, ERR_LEN, "out of memory");
        return -1;
    }
    if ((s->have_bios && s->bios.is_elf &&
         symbols_add_memory(s->syms, s->bios.buf, s->bios.size, s->bios.name, err, ERR_LEN) < 0) ||
        (s->have_kernel && s->kernel.is_elf &&
         symbols_add_memory(s->syms, s->kernel.buf, s->kernel.size, s->kernel.name, err,
                            ERR_LEN) < 0))
        return -1;
    for (unsigned i = 0; i < t->nsymbol_files; i++)
        if (symbols_add_file(s->syms, t->symbol_files[i], err, ERR_LEN))
            return -1;
    if (!(s->trace = trace_open(t, s->syms, err, ERR_LEN)))
        return -1;
    return gdbstub_open(&s->opt.gdb, s->syms, &s->gdb, err, ERR_LEN);
}

static uint64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Does every image stay in RAM, and apart from the other? */
static int check_images(struct session *s, char *err)
{
    uint32_t size = s->opt.ram_size;
    if ((s->have_bios && image_check_ram(&s->bios, MEMMAP_RAM_BASE, size, err, ERR_LEN)) ||
        (s->have_kernel && image_check_ram(&s->kernel, MEMMAP_RAM_BASE, size, err, ERR_LEN)) ||
        (s->have_bios && s->have_kernel &&
         image_check_overlap(&s->bios, &s->kernel, err, ERR_LEN)))
        return -1;
    for (unsigned i = 0; i < s->nloaders; i++) {
        const struct image *l = &s->loaders[i];
        if (image_check_ram(l, MEMMAP_RAM_BASE, size, err, ERR_LEN) ||
            (s->have_bios && image_check_overlap(l, &s->bios, err, ERR_LEN)) ||
            (s->have_kernel && image_check_overlap(l, &s->kernel, err, ERR_LEN)))
            return -1;
        for (unsigned j = 0; j < i; j++)
            if (image_check_overlap(l, &s->loaders[j], err, ERR_LEN))
                return -1;
    }
    return 0;
}

/* And below what the machine put at the top of RAM? */
static int check_reserved(struct session *s, struct machine *m, char *err)
{
    uint32_t limit = machine_reserved_base(m);
    const char *what = s->initrd ? "the initrd" : "the device tree";
    if ((s->have_bios && image_check_below(&s->bios, limit, what, err, ERR_LEN)) ||
        (s->have_kernel && image_check_below(&s->kernel, limit, what, err, ERR_LEN)))
        return -1;
    for (unsigned i = 0; i < s->nloaders; i++)
        if (image_check_below(&s->loaders[i], limit, what, err, ERR_LEN))
            return -1;
    return 0;
}

/* The largest stretch of RAM below what the machine reserved that no image occupies:
 * where semihosting's SYS_HEAPINFO puts the heap and the stack (as QEMU does). */
static void free_ram(const struct session *s, struct machine *m, uint32_t *base,
                     uint32_t *limit)
{
    const struct image *imgs[2 + OPTIONS_MAX_LOADERS] = {
        s->have_bios ? &s->bios : NULL, s->have_kernel ? &s->kernel : NULL };
    for (unsigned i = 0; i < s->nloaders; i++)
        imgs[2 + i] = &s->loaders[i];
    uint32_t end = machine_reserved_base(m), at = MEMMAP_RAM_BASE;
    *base = *limit = at;
    /* Walk up from the base: the next gap starts past every segment that covers `at`. */
    while (at < end) {
        uint32_t next = end;            /* where the gap from `at` ends */
        bool covered = false;
        for (unsigned k = 0; k < 2 + OPTIONS_MAX_LOADERS; k++)
            for (size_t i = 0; imgs[k] && i < imgs[k]->nsegs; i++) {
                const struct image_segment *g = &imgs[k]->segs[i];
                uint32_t lo = g->paddr, hi = g->paddr + g->memsz;
                if (lo <= at && at < hi) {
                    at = hi;
                    covered = true;
                } else if (lo > at && lo < next) {
                    next = lo;
                }
            }
        if (covered)
            continue;
        if (next - at > *limit - *base) {
            *base = at;
            *limit = next;
        }
        at = next;
    }
}

/* Build the machine and load it: at start and after every reboot. */
static struct machine *boot(struct session *s, char *err)
{
    const struct image *start = s->have_bios ? &s->bios : &s->kernel;
    /* HTIF belongs to whichever image defines tohost, the kernel first. */
    const struct image *htif = s->have_kernel && s->kernel.has_tohost ? &s->kernel
                             : s->have_bios && s->bios.has_tohost ? &s->bios : NULL;
    struct machine_config cfg = {
        .nharts = s->opt.smp,
        .threads = s->opt.threads,
        .ram_size = s->opt.ram_size,
        .start_pc = start->entry,
        .has_tohost = htif != NULL,
        .tohost = htif ? htif->tohost : 0,
        .kernel_entry = s->have_bios && s->have_kernel ? s->kernel.entry : 0,
        .virtio_version = s->opt.virtio_version,
        .bootargs = s->opt.append,
        .initrd = s->initrd, .initrd_size = (uint32_t)s->initrd_size,
        .dtb = s->dtb, .dtb_size = (uint32_t)s->dtb_size,
        .wall_ns = options_rtc_start(&s->opt.time, wall_ns()),
        .icount = s->opt.time.icount,
        .icount_shift = s->opt.time.shift,
        .fb_width = s->opt.fb_width, .fb_height = s->opt.fb_height,
        .input = true,
        .plic_strict = s->opt.plic_strict,
        .cpu_without = s->opt.cpu_without,
    };
    if (s->replay)
        cfg.wall_ns = replay_wall_ns(s->replay, cfg.wall_ns);
    if (s->serial)
        cfg.console = serial_chardev(s->serial);
    if (s->replay)
        cfg.console = replay_serial(s->replay, cfg.console);
    for (unsigned i = 0; i < s->opt.ndrives; i++)
        if (s->opt.drives[i].slot >= 0)
            cfg.disks[s->opt.drives[i].slot] = drive_backend(s, i);
    if (s->default_disk)
        cfg.disks[0] = s->default_backend ? s->default_backend
                                          : disk_memory_backend(s->default_disk);
    if (s->net)
        host_net_configure(s->net, &cfg);
    for (unsigned i = 0; i < s->opt.net.nshares; i++) {
        const struct share_option *sh = &s->opt.net.shares[i];
        if (s->shares[i] && sh->slot >= 0 && sh->slot < MACHINE_MAX_DISKS)
            cfg.shares[sh->slot] = (struct machine_share){
                .server = p9_server_backend(s->shares[i]), .tag = sh->tag };
    }
    if (check_images(s, err))
        return NULL;
    s->nmachine_disks = 0;
    for (unsigned i = 0; i < MACHINE_MAX_DISKS; i++)
        if (cfg.disks[i])
            s->machine_disks[s->nmachine_disks++] = cfg.disks[i];
    struct machine *m = machine_create(&cfg, err, ERR_LEN);
    if (!m)
        return NULL;
    if (check_reserved(s, m, err)) {
        machine_destroy(m);
        return NULL;
    }
    if (s->have_bios)
        image_copy(&s->bios, m);
    if (s->have_kernel)
        image_copy(&s->kernel, m);
    for (unsigned i = 0; i < s->nloaders; i++)
        image_copy(&s->loaders[i], m);
    return m;
}

/* --dump-dtb: the device tree of the machine the options describe. The drives are
 * opened (read-only) only so that their virtio slots are there. */
static int dump_dtb(struct session *s, char *err)
{
    for (unsigned i = 0; i < s->opt.ndrives; i++) {
        const struct drive_option *d = &s->opt.drives[i];
        if (!(s->disks[i] = disk_file_open(d->file, true, !d->no_locking, err, ERR_LEN)))
            return -1;
    }
    struct machine *m = boot(s, err);
    if (!m)
        return -1;
    uint32_t size, addr;
    const void *dtb = machine_dtb(m, &size, &addr);
    FILE *f = fopen(s->opt.dump_dtb, "wb");
    int rc = f && fwrite(dtb, 1, size, f) == size ? 0 : -1;
    if (f && fclose(f))
        rc = -1;
    if (rc)
        snprintf(err, ERR_LEN, "--dump-dtb %s: cannot write", s->opt.dump_dtb);
    machine_destroy(m);
    return rc;
}

/* The guest's exit code as a process status: 0 stays 0, anything else stays non-zero
 * (codes past 255 would wrap, so they become 255). */
static int exit_status(uint32_t code)
{
    if (code == 0)
        return 0;
    fprintf(stderr, "rvbox: guest exited with code %u\n", code);
    return code > 255 ? 255 : (int)code;
}

/* The window, opened at the first boot (so that start-up errors come first) unless
 * -nographic; without a display, rvbox says so in one line and goes on without it. */
static void show(struct session *s, struct machine *m)
{
    if (!s->window_tried && !s->opt.nographic) {
        char why[ERR_LEN];
        s->window_tried = true;
        s->window = window_open(s->opt.fb_width, s->opt.fb_height, s->opt.screenshot, why,
                                sizeof why);
        if (!s->window)
            fprintf(stderr, "rvbox: %s\n", why);
    }
    if (s->window) {
        /* A replay's keys and pointer come from the recording, not from the window. */
        bool live = !s->replay || replay_mode(s->replay) == REPLAY_RECORD;
        window_attach(s->window, machine_framebuffer(m), live ? machine_keyboard(m) : NULL,
                      live ? machine_tablet(m) : NULL);
        window_set_state(s->window, "running");
    }
}

/* The engine: -accel/--engine, else the environment's RVBOX_ACCEL (so that a test suite
 * can run every rvbox it starts on one engine), else the host's default. */
static int choose_engine(struct session *s, char *err)
{
    if (s->opt.engine >= 0)
        return 0;
    const char *env = getenv("RVBOX_ACCEL");
    if (!env || !*env) {
        s->opt.engine = hart_default_engine();
        return 0;
    }
    if ((s->opt.engine = options_parse_engine(env)) < 0) {
        snprintf(err, ERR_LEN, "RVBOX_ACCEL=%s: want jit, interp (block) or step", env);
        return -1;
    }
    return 0;
}

/*
 * -no-shutdown: the guest powered off (or failed) through the syscon, and rvbox stays, the
 * machine stopped, as QEMU 8.2 and later do (7.2 exits all the same): the window keeps
 * its last picture and the serial console its escapes, until Ctrl-A x, a signal or the
 * window's closing ends rvbox, with the guest's status. Its disks are flushed first.
 */
static enum run_end stay_stopped(struct session *s)
{
    fprintf(stderr, "rvbox: the guest powered off; stopped (-no-shutdown): Ctrl-A x quits\n");
    if (s->window)
        window_set_state(s->window, "powered off");
    for (;;) {
        if (run_signal())
            return RUN_SIGNAL;
        serial_pump(s->serial);
        if (serial_quit_requested(s->serial))
            return RUN_QUIT;
        struct chardev input = serial_chardev(s->serial);
        while (input.read(input.opaque) >= 0)
            ;                   /* no guest reads it: keep room for the escapes */
        if (s->window) {
            if (window_pump(s->window))
                return RUN_QUIT;
            window_redraw(s->window, false);
        }
        struct pollfd p;
        serial_pollfd(s->serial, &p);
        poll(&p, 1, s->window ? window_timeout_ms(s->window) : 100);
    }
}

/* Boot, run, and boot again while the guest reboots. */
static int run(struct session *s, char *err)
{
    run_catch_signals();
    for (;;) {
        struct machine *m = boot(s, err);
        if (!m)
            return die(err);
        for (unsigned i = 0; i < machine_nharts(m); i++) {
            struct hart *h = machine_hart_at(m, i);
            if (s->opt.jit_cache)
                hart_set_jit_cache(h, s->opt.jit_cache);
            if (s->opt.jit_threshold)
                hart_set_jit_threshold(h, s->opt.jit_threshold);
            hart_set_engine(h, (enum hart_engine)s->opt.engine);
        }
        if (s->semihost) {
            uint32_t base, limit;
            free_ram(s, m, &base, &limit);
            semihost_attach(s->semihost, m, base, limit);
        }
        /* The first boot takes up the snapshot file (the disks' histories), and -loadvm
         * starts from a snapshot; a reboot or system_reset boots afresh. This comes
         * before a recording starts (reverse execution keeps one), so that it starts
         * from the loaded machine. */
        if (!s->started) {
            s->started = true;
            if (snapshots_start(s->snaps, m, s->opt.loadvm, err, ERR_LEN)) {
                snapshots_end(s->snaps, m);
                machine_destroy(m);
                return die(err);
            }
        }
        if (s->replay && replay_attach(s->replay, m, s->machine_disks, s->nmachine_disks,
                                       s->opt.time.shift, err, ERR_LEN)) {
            machine_destroy(m);
            return die(err);
        }
        trace_attach(s->trace, m);
        host_net_attach(s->net, m);
        monitor_attach(s->mon, m);      /* and the GDB stub */
        struct gdbstub *gdb = monitor_gdbstub(s->mon);
        struct timeline *tl = NULL;
        if (gdb && s->replay && s->opt.time.icount &&
            !(tl = timeline_create(m, s->replay, err, ERR_LEN)))
            fprintf(stderr, "rvbox: warning: no reverse execution: %s\n", err);
        gdbstub_set_timeline(gdb, tl);
        show(s, m);
        struct run_io io = { .serial = s->serial, .monitor = s->mon, .window = s->window,
                             .replay = s->replay, .timeline = tl, .net = s->net,
                             .icount_sleep = s->opt.time.sleep };
        enum run_end end = run_machine(m, &io);
        uint32_t code = machine_exit_code(m);
        if (end == RUN_EXITED && s->opt.no_shutdown && machine_powered_off(m) &&
            machine_flush_disks(m))
            fprintf(stderr, "rvbox: warning: flushing a disk failed\n");
        /* -no-reboot: a reboot ends rvbox (status 0), as QEMU's does. */
        bool rebooting = end == RUN_REBOOT && !s->opt.no_reboot;
        enum run_end stopped = end;
        if (end == RUN_EXITED && s->opt.no_shutdown && machine_powered_off(m))
            stopped = stay_stopped(s);
        if (!rebooting && s->opt.screenshot &&
            screenshot_write(machine_framebuffer(m), s->opt.screenshot, err, ERR_LEN))
            fprintf(stderr, "rvbox: %s\n", err);
        if (!rebooting)
            trace_finish(s->trace);
        if (end == RUN_EXITED) {
            gdbstub_exited(monitor_gdbstub(s->mon), code);
            if (code)
                trace_report_failure(s->trace, m, stderr);
        }
        if (machine_flush_disks(m))
            fprintf(stderr, "rvbox: warning: flushing a disk failed\n");
        if (s->opt.time.icount && !rebooting)
            fprintf(stderr, "rvbox: icount: %" PRIu64 " instructions retired, position %"
                    PRIu64 "\n", machine_instructions(m), machine_position(m));
        if (s->replay) {
            enum replay_why why = rebooting ? REPLAY_REBOOT
                                : end == RUN_EXITED ? REPLAY_EXIT : REPLAY_QUIT;
            if (replay_detach(s->replay, why, err, ERR_LEN) == REPLAY_DIVERGED) {
                fprintf(stderr, "rvbox: %s\n", err);
                end = RUN_DIVERGED;
                rebooting = false;
            }
        }
        gdbstub_set_timeline(gdb, NULL);
        timeline_destroy(tl);
        /* The last machine: the snapshot file notes what the disks hold now, so that
         * the next rvbox can still put them back. */
        if (!rebooting)
            snapshots_end(s->snaps, m);
        if (s->window)
            window_attach(s->window, NULL, NULL, NULL);     /* the machine goes away */
        trace_detach(s->trace);
        host_net_attach(s->net, NULL);
        monitor_attach(s->mon, NULL);
        machine_destroy(m);
        if (stopped == RUN_SIGNAL)
            end = RUN_SIGNAL;
        switch (end) {
        case RUN_REBOOT:
            if (rebooting)
                continue;
            return 0;
        case RUN_EXITED:
            return exit_status(code);
        case RUN_QUIT:
            return 0;
        case RUN_DIVERGED:
            return 1;
        case RUN_SIGNAL:
            fprintf(stderr, "rvbox: terminating on signal %d\n", run_signal());
            return 128 + run_signal();
        }
    }
}

static void close_session(struct session *s)
{
    if (s->window)
        window_close(s->window);
    monitor_close(s->mon);              /* and its GDB stub */
    gdbstub_close(s->gdb);
    trace_close(s->trace);
    symbols_destroy(s->syms);
    semihost_destroy(s->semihost);
    serial_close(s->semihost_console);
    serial_close(s->serial);
    if (host_net_close(s->net))
        fprintf(stderr, "rvbox: warning: writing a packet capture failed\n");
    for (unsigned i = 0; i < NET_MAX_SHARES; i++)
        p9_server_destroy(s->shares[i]);
    if (replay_close(s->replay))
        fprintf(stderr, "rvbox: warning: writing the recording %s failed\n",
                s->opt.time.rrfile);
    snapshots_destroy(s->snaps);        /* the undo layers, over the disks below */
    for (unsigned i = 0; i < OPTIONS_MAX_DRIVES; i++)
        disk_memory_destroy(s->snapshots[i]);
    for (unsigned i = 0; i < s->nloaders; i++)
        image_close(&s->loaders[i]);
    disk_memory_destroy(s->default_disk);
    for (unsigned i = 0; i < OPTIONS_MAX_DRIVES; i++)
        if (s->disks[i] && disk_file_close(s->disks[i]))
            fprintf(stderr, "rvbox: warning: closing disk %s failed\n", s->opt.drives[i].file);
    if (s->have_bios)
        image_close(&s->bios);
    if (s->have_kernel)
        image_close(&s->kernel);
    free(s->initrd);
    free(s->dtb);
    options_free(&s->opt);
}

int main(int argc, char **argv)
{
    char err[ERR_LEN];
    static struct session s;
    if (options_parse(&s.opt, argc, argv, err, sizeof err)) {
        options_free(&s.opt);
        return die(err);
    }
    int status;
    if (s.opt.help) {
        options_print_help(argv[0]);
        status = 0;
    } else if (s.opt.info) {
        fputs(s.opt.info, stdout);
        status = 0;
    } else if (s.opt.version) {
        printf("rvbox %s\n", RVBOX_VERSION);
        status = 0;
    } else if (choose_engine(&s, err) || open_images(&s, err)) {
        status = die(err);
    } else if (s.opt.dump_dtb) {
        status = dump_dtb(&s, err) ? die(err) : 0;
    } else if (open_debugging(&s, err) || open_devices(&s, err)) {
        status = die(err);
    } else {
        status = run(&s, err);
    }
    close_session(&s);
    return status;
}
