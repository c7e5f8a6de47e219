/*
 * rvbox: parse the command line, load the images, build the machine, run it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bus/memmap.h"
#include "cpu/hart.h"
#include "devices/machine.h"
#include "host/console.h"
#include "host/loader.h"
#include "host/options.h"
#include "host/run.h"

extern const unsigned char default_guest_elf[], default_guest_elf_end[];

#define ERR_LEN 512

static int die(const char *msg)
{
    fprintf(stderr, "rvbox: %s\n", msg);
    return 1;
}

/* Open the images the options name; the default guest when none is named. */
static int open_images(const struct options *o, struct image *bios, struct image *kernel,
                       bool *have_bios, bool *have_kernel, char *err)
{
    *have_bios = *have_kernel = false;
    if (o->bios) {
        if (image_open_file(bios, o->bios, MEMMAP_FIRMWARE_BASE, err, ERR_LEN))
            return -1;
        *have_bios = true;
    }
    uint32_t raw_base = o->bios ? MEMMAP_KERNEL_BASE : MEMMAP_RAM_BASE;
    if (o->kernel) {
        if (image_open_file(kernel, o->kernel, raw_base, err, ERR_LEN))
            return -1;
        *have_kernel = true;
    } else if (!o->bios) {
        if (o->bios_given) {
            snprintf(err, ERR_LEN, "-bios none needs -kernel FILE");
            return -1;
        }
        if (image_open_memory(kernel, default_guest_elf,
                              (size_t)(default_guest_elf_end - default_guest_elf),
                              "default guest", raw_base, err, ERR_LEN))
            return -1;
        *have_kernel = true;
    }
    return 0;
}

int main(int argc, char **argv)
{
    char err[ERR_LEN];
    struct options o;
    if (options_parse(&o, argc, argv, err, sizeof err))
        return die(err);
    if (o.help) {
        options_print_help(argv[0]);
        return 0;
    }
    if (o.version) {
        printf("rvbox %s\n", RVBOX_VERSION);
        return 0;
    }

    struct image bios, kernel;
    bool have_bios, have_kernel;
    if (open_images(&o, &bios, &kernel, &have_bios, &have_kernel, err))
        return die(err);

    int status = 1;
    struct machine *m = NULL;
    if ((have_bios && image_check_ram(&bios, MEMMAP_RAM_BASE, o.ram_size, err, ERR_LEN)) ||
        (have_kernel && image_check_ram(&kernel, MEMMAP_RAM_BASE, o.ram_size, err, ERR_LEN)) ||
        (have_bios && have_kernel && image_check_overlap(&bios, &kernel, err, ERR_LEN))) {
        die(err);
        goto out;
    }

    /* HTIF belongs to whichever image defines tohost, the kernel first. */
    const struct image *htif_owner = have_kernel && kernel.has_tohost ? &kernel
                                   : have_bios && bios.has_tohost ? &bios : NULL;
    struct machine_config cfg = {
        .ram_size = o.ram_size,
        .reset_pc = have_bios ? bios.entry : kernel.entry,
        .has_tohost = htif_owner != NULL,
        .tohost = htif_owner ? htif_owner->tohost : 0,
        .console = console_stdio(),
    };
    m = machine_create(&cfg, err, sizeof err);
    if (!m) {
        die(err);
        goto out;
    }
    if (have_bios)
        image_copy(&bios, m);
    if (have_kernel)
        image_copy(&kernel, m);
    status = run_machine(m);

out:
    machine_destroy(m);
    if (have_bios)
        image_close(&bios);
    if (have_kernel)
        image_close(&kernel);
    return status;
}
