/* The snapshot suites' guest runs (snaprun.h). */
#include "snaprun.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/disk_undo.h"
#include "devices/machine_snapshot.h"
#include "host/loader.h"

static int md_read(void *o, uint64_t off, void *buf, size_t len)
{
    memcpy(buf, ((struct mem_disk *)o)->data + off, len);
    return 0;
}

static int md_write(void *o, uint64_t off, const void *buf, size_t len)
{
    memcpy(((struct mem_disk *)o)->data + off, buf, len);
    return 0;
}

struct mem_disk *mem_disk_new(bool readonly)
{
    struct mem_disk *d = calloc(1, sizeof *d);
    ck_assert_ptr_nonnull(d);
    d->bd = (struct blockdev){ .opaque = d, .size = SNAPRUN_DISK, .readonly = readonly,
                               .read = md_read, .write = readonly ? NULL : md_write };
    return d;
}

static void out_write(void *opaque, uint8_t byte)
{
    struct run *r = opaque;
    ck_assert_uint_lt(r->nout, SNAPRUN_OUT);
    r->out[r->nout++] = (char)byte;
}

static int no_input(void *opaque)
{
    (void)opaque;
    return -1;
}

void run_make(struct run *r, enum hart_engine e, const struct blockdev *below, uint32_t ram)
{
    run_make_with(r, e, below, ram, NULL);
}

void run_make_with(struct run *r, enum hart_engine e, const struct blockdev *below,
                   uint32_t ram, void (*tweak)(struct machine_config *cfg))
{
    memset(r, 0, sizeof *r);
    if (!below) {
        r->own = mem_disk_new(false);
        below = &r->own->bd;
    }
    r->below = below;
    r->undo = disk_undo_create(below);
    ck_assert_ptr_nonnull(r->undo);

    struct image img;
    char err[256] = "";
    ck_assert_msg(image_open_file(&img, RVBOX_SNAPGUEST, MEMMAP_RAM_BASE,
                                  (uint64_t)MEMMAP_RAM_BASE + ram, err, sizeof err) == 0,
                  "%s", err);
    struct machine_config cfg = {
        .ram_size = ram, .start_pc = img.entry, .virtio_version = 1,
        .console = { .opaque = r, .write = out_write, .read = no_input },
        .disks = { disk_undo_backend(r->undo) },
        .wall_ns = 1700000000000000000ull,
        .icount = true, .icount_shift = 2,
    };
    if (tweak)
        tweak(&cfg);
    r->m = machine_create(&cfg, err, sizeof err);
    ck_assert_msg(r->m, "%s", err);
    image_copy(&img, r->m);
    image_close(&img);
    ck_assert_int_eq(hart_set_engine(machine_hart(r->m), e), e);
}

void run_free(struct run *r)
{
    machine_destroy(r->m);
    disk_undo_destroy(r->undo);
    free(r->own);
}

enum machine_state run_to(struct run *r, uint64_t pos)
{
    enum machine_state st = MACHINE_RUNNING;
    unsigned idle = 0;
    while (machine_position(r->m) < pos) {
        st = machine_run(r->m, pos - machine_position(r->m));
        if (st == MACHINE_EXITED || st == MACHINE_REBOOT)
            break;
        if (st == MACHINE_IDLE) {
            ck_assert_msg(machine_skip_idle(r->m, false), "idle with nothing ahead");
            ck_assert_uint_lt(++idle, 1000000);
        }
    }
    return st;
}

void outcome_take(struct run *r, size_t from, struct outcome *o)
{
    snap_writer_init(&o->state);
    ck_assert_int_eq(machine_state_save(r->m, &o->state), 0);
    o->ram_size = machine_ram_size(r->m);
    o->ram = malloc(o->ram_size);
    memcpy(o->ram, machine_ram(r->m, MEMMAP_RAM_BASE, o->ram_size), o->ram_size);
    o->nout = r->nout - from;
    o->out = malloc(o->nout + 1);
    memcpy(o->out, r->out + from, o->nout);
    o->out[o->nout] = '\0';
    o->disk = malloc(r->below->size);
    ck_assert_int_eq(r->below->read(r->below->opaque, 0, o->disk, r->below->size), 0);
    o->exit_code = machine_exit_code(r->m);
    o->position = machine_position(r->m);
}

void outcome_compare(const struct outcome *a, const struct outcome *b)
{
    ck_assert_uint_eq(a->position, b->position);
    ck_assert_uint_eq(a->exit_code, b->exit_code);
    ck_assert_uint_eq(a->nout, b->nout);
    ck_assert_msg(!memcmp(a->out, b->out, a->nout), "the serial output differs:\n%s\n---\n%s",
                  a->out, b->out);
    ck_assert_uint_eq(a->state.len, b->state.len);
    ck_assert_msg(!memcmp(a->state.buf, b->state.buf, a->state.len),
                  "registers or device state differ");
    ck_assert_uint_eq(a->ram_size, b->ram_size);
    for (uint32_t p = 0; p < a->ram_size; p += 4096)
        ck_assert_msg(!memcmp(a->ram + p, b->ram + p, 4096), "RAM page 0x%08x differs",
                      MEMMAP_RAM_BASE + p);
    ck_assert_msg(!memcmp(a->disk, b->disk, SNAPRUN_DISK), "the disk differs");
}

void outcome_free(struct outcome *o)
{
    snap_writer_free(&o->state);
    free(o->ram);
    free(o->out);
    free(o->disk);
}
