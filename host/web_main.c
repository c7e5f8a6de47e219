/*
 * rvbox in a web page (the WebAssembly build: web/, scripts/web.sh). main() opens the
 * images the page named, builds the machine and hands control back to the browser; the
 * page then calls web_turns() whenever js_schedule() asked it to, and each call runs
 * turns of the run loop (host/run.h) for at most TURNS_MS before yielding, so the page
 * stays responsive. When the guest waits (WFI), the next call is scheduled at its next
 * timer deadline (or the display's next frame) and nothing runs until then or until the
 * page has input for it: an idle guest costs no CPU.
 *
 * Arguments (the page passes them from its URL):
 *   --kernel PATH     the guest (default: Kite, embedded in the page at /rvbox/kite.elf)
 *   --bios PATH|none  the firmware (default: rvbox's own, /rvbox/rvbox-fw.elf)
 *   --disk PATH|none  the disk (default: Kite's with the default guest, else none)
 *   --accel interp|step   the engine (default interp: there is no JIT in WebAssembly)
 * Paths are in the page's in-memory file system, where the page put what it fetched.
 */
#include <emscripten.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus/memmap.h"
#include "cpu/hart.h"
#include "devices/framebuffer.h"
#include "devices/machine.h"
#include "host/loader.h"
#include "host/run.h"
#include "host/serial.h"
#include "host/web.h"
#include "host/web_disk.h"
#include "host/window.h"

#define ERR_LEN         512
#define RAM_SIZE        (128u << 20)    /* as the native default, -m 128M */
#define TURNS_MS        10.0            /* the longest one call runs the guest */
#define WAIT_MIN_MS     1.0             /* shorter waits are run through, not slept */

#define DEFAULT_KERNEL  "/rvbox/kite.elf"
#define DEFAULT_BIOS    "/rvbox/rvbox-fw.elf"
#define DEFAULT_DISK    "/rvbox/kite-disk.img"

static struct {
    struct image bios, kernel;
    bool have_bios;
    int engine;
    struct web_disk *disk;          /* NULL: none */
    struct serial *serial;
    struct window *window;
    struct machine *m;              /* NULL while stopped */
    struct run_loop *loop;
    struct run_io io;
    double started_ms;              /* when this machine was built */
} s;

/* The page: schedules the next web_turns() call (ms <= 0: as soon as it has handled
 * its events), lays the chunks it kept over a new disk, and hears how a run ended. */
EM_JS(void, js_schedule, (double ms), { Module.rvboxSchedule(ms); });
EM_JS(void, js_disk_ready, (uint8_t *bytes, double size), {
    Module.rvboxDiskReady(bytes, size);
});
EM_JS(void, js_disk_written, (void), { Module.rvboxDiskWritten(); });
EM_JS(void, js_stopped, (const char *why, unsigned code, double ms, double instructions), {
    Module.rvboxStopped(UTF8ToString(why), code, ms, instructions);
});
EM_JS(void, js_error, (const char *msg), { Module.rvboxError(UTF8ToString(msg)); });

static void fail(const char *msg)
{
    fprintf(stderr, "rvbox: %s\n", msg);
    js_error(msg);
}

static uint64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Replace the disk with the image in file `path` (NULL: no disk). */
static int open_disk(const char *path, char *err)
{
    web_disk_destroy(s.disk);
    s.disk = NULL;
    if (!path)
        return 0;
    uint8_t *data;
    size_t size;
    if (loader_read_file(path, UINT32_MAX, &data, &size, err, ERR_LEN))
        return -1;
    s.disk = web_disk_create(data, size, js_disk_written, err, ERR_LEN);
    free(data);
    if (!s.disk)
        return -1;
    js_disk_ready(web_disk_bytes(s.disk), (double)web_disk_size(s.disk));
    return 0;
}

static int open_images(const char *bios, const char *kernel, char *err)
{
    uint64_t ram_end = (uint64_t)MEMMAP_RAM_BASE + RAM_SIZE;
    if (strcmp(bios, "none")) {
        if (image_open_file(&s.bios, bios, MEMMAP_FIRMWARE_BASE, ram_end, err, ERR_LEN))
            return -1;
        s.have_bios = true;
    }
    uint32_t raw_base = s.have_bios ? MEMMAP_KERNEL_BASE : MEMMAP_RAM_BASE;
    if (image_open_file(&s.kernel, kernel, raw_base, ram_end, err, ERR_LEN))
        return -1;
    if (image_check_ram(&s.kernel, MEMMAP_RAM_BASE, RAM_SIZE, err, ERR_LEN) ||
        (s.have_bios && (image_check_ram(&s.bios, MEMMAP_RAM_BASE, RAM_SIZE, err, ERR_LEN) ||
                         image_check_overlap(&s.bios, &s.kernel, err, ERR_LEN))))
        return -1;
    return 0;
}

/* Build the machine from the images, as host/main.c's boot() does. */
static struct machine *build(char *err)
{
    const struct image *start = s.have_bios ? &s.bios : &s.kernel;
    const struct image *htif = s.kernel.has_tohost ? &s.kernel
                             : s.have_bios && s.bios.has_tohost ? &s.bios : NULL;
    struct machine_config cfg = {
        .ram_size = RAM_SIZE,
        .start_pc = start->entry,
        .has_tohost = htif != NULL,
        .tohost = htif ? htif->tohost : 0,
        .kernel_entry = s.have_bios ? s.kernel.entry : 0,
        .virtio_version = 1,
        .wall_ns = wall_ns(),
        .fb_width = FB_DEFAULT_WIDTH, .fb_height = FB_DEFAULT_HEIGHT,
        .input = true,
        .console = serial_chardev(s.serial),
    };
    if (s.disk)
        cfg.disks[0] = web_disk_backend(s.disk);
    struct machine *m = machine_create(&cfg, err, ERR_LEN);
    if (!m)
        return NULL;
    uint32_t limit = machine_reserved_base(m);
    if (image_check_below(&s.kernel, limit, "the device tree", err, ERR_LEN) ||
        (s.have_bios && image_check_below(&s.bios, limit, "the device tree", err, ERR_LEN))) {
        machine_destroy(m);
        return NULL;
    }
    if (s.have_bios)
        image_copy(&s.bios, m);
    image_copy(&s.kernel, m);
    hart_set_engine(machine_hart(m), (enum hart_engine)s.engine);
    return m;
}

static void boot(void)
{
    char err[ERR_LEN];
    if (!(s.m = build(err))) {
        fail(err);
        return;
    }
    s.io = (struct run_io){ .serial = s.serial, .window = s.window };
    if (!(s.loop = run_loop_create(s.m, &s.io))) {
        machine_destroy(s.m);
        s.m = NULL;
        fail("out of memory");
        return;
    }
    web_console_rearm(s.serial);
    window_attach(s.window, machine_framebuffer(s.m), machine_keyboard(s.m), machine_tablet(s.m));
    window_set_state(s.window, "running");
    s.started_ms = emscripten_get_now();
    js_schedule(0);
}

/* The one way out of a run, whatever ended it: the disk is flushed, the machine goes. */
static void shut_down(const char *why)
{
    if (!s.m)
        return;
    if (machine_flush_disks(s.m))
        fprintf(stderr, "rvbox: warning: flushing the disk failed\n");
    serial_flush(s.serial);
    double ms = emscripten_get_now() - s.started_ms;
    double instructions = (double)hart_instructions(machine_hart(s.m));
    unsigned code = machine_exit_code(s.m);
    window_attach(s.window, NULL, NULL, NULL);
    run_loop_destroy(s.loop);
    machine_destroy(s.m);
    s.loop = NULL;
    s.m = NULL;
    window_set_state(s.window, why);
    js_stopped(why, code, ms, instructions);
}

static void ended(enum run_end end)
{
    switch (end) {
    case RUN_REBOOT:
        shut_down("rebooting");
        boot();
        return;
    case RUN_EXITED:
        shut_down("powered off");
        return;
    case RUN_QUIT:
    case RUN_SIGNAL:
    case RUN_DIVERGED:
        shut_down("stopped");
        return;
    }
}

/* Run turns of the loop until the guest waits or TURNS_MS have passed, then ask the
 * page to call again: at once (it handles its events first), or when the guest's next
 * timer is due or the display wants a frame. */
EMSCRIPTEN_KEEPALIVE void web_turns(void)
{
    double start = emscripten_get_now();
    while (s.loop) {
        uint64_t wait_ns;
        enum run_end end;
        switch (run_turn(s.loop, &wait_ns, &end)) {
        case RUN_TURN_END:
            ended(end);
            return;
        case RUN_TURN_WAIT: {
            double ms = wait_ns == UINT64_MAX ? 1e9 : (double)wait_ns / 1e6;
            double frame = window_timeout_ms(s.window);
            if (frame < ms)
                ms = frame;
            if (ms >= WAIT_MIN_MS) {
                js_schedule(ms);        /* the guest sleeps, and so does the page */
                return;
            }
            break;
        }
        case RUN_TURN_AGAIN:
            break;
        }
        if (emscripten_get_now() - start >= TURNS_MS) {
            js_schedule(0);
            return;
        }
    }
}

/* The page's buttons. Reset reboots a running machine as the guest's own reboot does
 * (through the run loop) and boots a stopped one; power off stops it. */
EMSCRIPTEN_KEEPALIVE void web_reset(void)
{
    if (s.m) {
        web_controls_request(MONITOR_RESET);
        js_schedule(0);
    } else {
        boot();
    }
}

EMSCRIPTEN_KEEPALIVE void web_power_off(void)
{
    if (s.m) {
        web_controls_request(MONITOR_QUIT);
        js_schedule(0);
    }
}

/* Boot again on the disk image in file `path` (a loaded file, or the pristine image):
 * the machine stops first, its disk flushed, as at a power off. */
EMSCRIPTEN_KEEPALIVE int web_use_disk(const char *path)
{
    char err[ERR_LEN];
    shut_down("changing the disk");
    if (open_disk(path, err)) {
        fail(err);
        return -1;
    }
    boot();
    return 0;
}

/* The disk as it is now, for the page's download button and its store. */
EMSCRIPTEN_KEEPALIVE uint8_t *web_disk_pointer(void)
{
    return s.disk ? web_disk_bytes(s.disk) : NULL;
}

EMSCRIPTEN_KEEPALIVE double web_disk_length(void)
{
    return s.disk ? (double)web_disk_size(s.disk) : 0;
}

EMSCRIPTEN_KEEPALIVE unsigned web_disk_dirty(uint32_t *out, unsigned max)
{
    return s.disk ? web_disk_take_dirty(s.disk, out, max) : 0;
}

int main(int argc, char **argv)
{
    const char *kernel = DEFAULT_KERNEL, *bios = DEFAULT_BIOS, *disk = NULL;
    bool disk_given = false;
    s.engine = HART_ENGINE_BLOCK;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--kernel"))
            kernel = argv[i + 1];
        else if (!strcmp(argv[i], "--bios"))
            bios = argv[i + 1];
        else if (!strcmp(argv[i], "--disk"))
            disk = argv[i + 1], disk_given = true;
        else if (!strcmp(argv[i], "--accel"))
            s.engine = !strcmp(argv[i + 1], "step") ? HART_ENGINE_STEP : HART_ENGINE_BLOCK;
    }
    if (!disk_given && !strcmp(kernel, DEFAULT_KERNEL))
        disk = DEFAULT_DISK;            /* Kite boots on its disk, as natively */
    if (disk && !strcmp(disk, "none"))
        disk = NULL;
    char err[ERR_LEN];
    if (open_images(bios, kernel, err) || open_disk(disk, err) ||
        !(s.serial = serial_open("web", err, ERR_LEN)) ||
        !(s.window = window_open(FB_DEFAULT_WIDTH, FB_DEFAULT_HEIGHT, NULL, err, ERR_LEN))) {
        fail(err);
        return 1;
    }
    boot();
    return 0;
}
