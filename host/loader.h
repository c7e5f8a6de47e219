/*
 * Guest images: an ELF32 RISC-V executable (read with libelf: its PT_LOAD segments go to
 * their physical addresses) or a raw binary (one segment at a given address).
 *
 * Loading is two steps so that errors come before anything is built: image_open_*()
 * reads and checks the file, image_check_*() checks where it would go, image_copy()
 * puts it into a machine's RAM.
 */
#ifndef RVBOX_LOADER_H
#define RVBOX_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;

struct image_segment {
    uint32_t paddr;
    uint32_t filesz;            /* bytes taken from the file ... */
    uint32_t memsz;             /* ... and zeros up to memsz */
    const uint8_t *data;
};

struct image {
    const char *name;           /* for messages: the path, or "default guest" */
    uint8_t *buf;               /* the file's bytes, owned */
    size_t size;
    bool is_elf;
    uint32_t entry;
    size_t nsegs;
    struct image_segment *segs;
    bool has_tohost;            /* the ELF defines `tohost` (HTIF) */
    uint32_t tohost;
};

/* The largest ELF file rvbox reads (kernel, firmware, --symbols): it is read whole, and
 * an RV32 image with its symbols and debugging sections is far below this. */
#define LOADER_MAX_ELF (2ull << 30)

/* Read `path`. A file that is not ELF is a raw binary loaded at raw_base, so it must fit
 * below ram_end (RAM's base + size); an ELF may hold LOADER_MAX_ELF bytes. Only regular
 * files are read (never a FIFO or a device), and the size is checked before reading.
 * 0 on success; -1 with a one-line reason in err (without the "rvbox: " prefix). */
int image_open_file(struct image *img, const char *path, uint32_t raw_base, uint64_t ram_end,
                    char *err, size_t errlen);

/* The same from bytes in memory (copied): for images built into rvbox. */
int image_open_memory(struct image *img, const void *data, size_t size, const char *name,
                      uint32_t raw_base, char *err, size_t errlen);

void image_close(struct image *img);

/* Read a whole file of at most `max` bytes (an initrd, a device tree: max is the RAM
 * size). Only a regular file is read; one larger than max is refused before reading; an
 * empty file is an error. The caller frees *data. 0 on success; -1 with a one-line
 * reason in err. */
int loader_read_file(const char *path, uint64_t max, uint8_t **data, size_t *size, char *err,
                     size_t errlen);

/* The same for an ELF file read for its symbols: at most LOADER_MAX_ELF bytes. */
int loader_read_elf_file(const char *path, uint8_t **data, size_t *size, char *err,
                         size_t errlen);

/* Does every segment lie inside [ram_base, ram_base + ram_size)? */
int image_check_ram(const struct image *img, uint32_t ram_base, uint32_t ram_size,
                    char *err, size_t errlen);

/* Does every segment end at or below `limit`, where `what` begins? */
int image_check_below(const struct image *img, uint32_t limit, const char *what,
                      char *err, size_t errlen);

/* Do two images leave each other alone? */
int image_check_overlap(const struct image *a, const struct image *b, char *err, size_t errlen);

/* Copy the segments into the machine's RAM (zero-filling up to memsz). Call after
 * image_check_ram with the same machine's RAM. */
void image_copy(const struct image *img, struct machine *m);

#endif
