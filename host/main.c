/*
 * rvbox: parse the command line, open the images, disks and console, build the machine,
 * run it; on a reboot build it again. Every way out goes through the end of main: disks
 * are flushed and closed, the terminal restored.
 */
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
#include "host/options.h"
#include "host/run.h"
#include "host/screenshot.h"
#include "host/serial.h"
#include "host/window.h"
#include "host/symbols.h"
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
    struct serial *serial;
    struct window *window;
    bool window_tried;
    struct symbols *syms;       /* of the images and --symbols files */
    struct trace *trace;        /* -d, -D; the failure report */
    struct gdbstub *gdb;        /* -s, -gdb; NULL without; then the monitor's */
    struct monitor *mon;        /* -monitor, Ctrl-A c, GDB's monitor */
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
    /* Each must fit in RAM; together, with the images, machine_create checks. */
    if (o->initrd &&
        loader_read_file(o->initrd, o->ram_size, &s->initrd, &s->initrd_size, err, ERR_LEN))
        return -1;
    if (o->dtb && loader_read_file(o->dtb, o->ram_size, &s->dtb, &s->dtb_size, err, ERR_LEN))
        return -1;
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
        s->disks[i] = disk_file_open(d->file, d->readonly, !d->no_locking, err, ERR_LEN);
        if (!s->disks[i])
            return -1;
    }
    const char *mon = s->opt.monitor;
    if (mon && !strcmp(mon, "stdio") && strstr(s->opt.serial, "stdio")) {
        snprintf(err, ERR_LEN, "-monitor stdio: cannot use stdio by multiple character devices "
                 "(the serial console is there: Ctrl-A c reaches the monitor)");
        return -1;
    }
    if (!(s->serial = serial_open(s->opt.serial, err, ERR_LEN)))
        return -1;
    struct monitor_config mc = { .version = RVBOX_VERSION, .spec = mon, .syms = s->syms,
                                 .trace = s->trace };
    if (monitor_open(&mc, &s->mon, err, ERR_LEN))
        return -1;
    monitor_set_gdbstub(s->mon, s->gdb, s->opt.gdb.spec);   /* the monitor keeps it */
    s->gdb = NULL;
    if (!mon || strcmp(mon, "none"))
        serial_attach_monitor(s->serial, s->mon);
    return 0;
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
    return 0;
}

/* Build the machine and load it: at start and after every reboot. */
static struct machine *boot(struct session *s, char *err)
{
    const struct image *start = s->have_bios ? &s->bios : &s->kernel;
    /* HTIF belongs to whichever image defines tohost, the kernel first. */
    const struct image *htif = s->have_kernel && s->kernel.has_tohost ? &s->kernel
                             : s->have_bios && s->bios.has_tohost ? &s->bios : NULL;
    struct machine_config cfg = {
        .ram_size = s->opt.ram_size,
        .start_pc = start->entry,
        .has_tohost = htif != NULL,
        .tohost = htif ? htif->tohost : 0,
        .kernel_entry = s->have_bios && s->have_kernel ? s->kernel.entry : 0,
        .virtio_version = s->opt.virtio_version,
        .bootargs = s->opt.append,
        .initrd = s->initrd, .initrd_size = (uint32_t)s->initrd_size,
        .dtb = s->dtb, .dtb_size = (uint32_t)s->dtb_size,
        .wall_ns = wall_ns(),
        .fb_width = s->opt.fb_width, .fb_height = s->opt.fb_height,
        .input = true,
    };
    if (s->serial)
        cfg.console = serial_chardev(s->serial);
    for (unsigned i = 0; i < s->opt.ndrives; i++)
        cfg.disks[i] = disk_file_backend(s->disks[i]);
    if (s->default_disk)
        cfg.disks[0] = disk_memory_backend(s->default_disk);
    if (check_images(s, err))
        return NULL;
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
    return m;
}

static int dump_dtb(struct session *s, char *err)
{
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
        window_attach(s->window, machine_framebuffer(m), machine_keyboard(m), machine_tablet(m));
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

/* Boot, run, and boot again while the guest reboots. */
static int run(struct session *s, char *err)
{
    run_catch_signals();
    for (;;) {
        struct machine *m = boot(s, err);
        if (!m)
            return die(err);
        struct hart *h = machine_hart(m);
        if (s->opt.jit_cache)
            hart_set_jit_cache(h, s->opt.jit_cache);
        if (s->opt.jit_threshold)
            hart_set_jit_threshold(h, s->opt.jit_threshold);
        hart_set_engine(h, (enum hart_engine)s->opt.engine);
        trace_attach(s->trace, m);
        monitor_attach(s->mon, m);      /* and the GDB stub */
        show(s, m);
        struct run_io io = { .serial = s->serial, .monitor = s->mon, .window = s->window };
        enum run_end end = run_machine(m, &io);
        uint32_t code = machine_exit_code(m);
        if (end != RUN_REBOOT && s->opt.screenshot &&
            screenshot_write(machine_framebuffer(m), s->opt.screenshot, err, ERR_LEN))
            fprintf(stderr, "rvbox: %s\n", err);
        if (end != RUN_REBOOT)
            trace_finish(s->trace);
        if (end == RUN_EXITED) {
            gdbstub_exited(monitor_gdbstub(s->mon), code);
            if (code)
                trace_report_failure(s->trace, m, stderr);
        }
        if (machine_flush_disks(m))
            fprintf(stderr, "rvbox: warning: flushing a disk failed\n");
        if (s->window)
            window_attach(s->window, NULL, NULL, NULL);     /* the machine goes away */
        trace_detach(s->trace);
        monitor_attach(s->mon, NULL);
        machine_destroy(m);
        switch (end) {
        case RUN_REBOOT:
            continue;
        case RUN_EXITED:
            return exit_status(code);
        case RUN_QUIT:
            return 0;
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
    serial_close(s->serial);
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
