#include "host/loader.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/machine.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

static int fail(char *err, size_t errlen, const char *fmt, const char *name, const char *what)
{
    snprintf(err, errlen, fmt, name, what);
    return -1;
}

static int add_segment(struct image *img, uint32_t paddr, uint32_t filesz, uint32_t memsz,
                       const uint8_t *data)
{
    struct image_segment *s = realloc(img->segs, (img->nsegs + 1) * sizeof *s);
    if (!s)
        return -1;
    img->segs = s;
    s[img->nsegs++] = (struct image_segment){ paddr, filesz, memsz, data };
    return 0;
}

/* Find `tohost` in the symbol tables, if any. */
static void find_tohost(struct image *img, Elf *elf)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn))) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || sh.sh_entsize == 0)
            continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        if (!data)
            continue;
        size_t count = sh.sh_size / sh.sh_entsize;
        for (size_t i = 0; i < count; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(data, (int)i, &sym))
                break;
            const char *name = elf_strptr(elf, sh.sh_link, sym.st_name);
            if (name && strcmp(name, "tohost") == 0) {
                img->has_tohost = true;
                img->tohost = (uint32_t)sym.st_value;
                return;
            }
        }
    }
}

static int parse_elf(struct image *img, char *err, size_t errlen)
{
    const char *name = img->name;
    if (img->size < EI_NIDENT)
        return fail(err, errlen, "%s: %s", name, "truncated ELF header");
    if (img->buf[EI_CLASS] == ELFCLASS64)
        return fail(err, errlen, "%s: %s", name,
                    "is a 64-bit ELF; rvbox runs 32-bit RISC-V (RV32) programs");
    if (img->buf[EI_CLASS] != ELFCLASS32) {
        snprintf(err, errlen, "%s: unknown ELF class %u, not ELF32", name, img->buf[EI_CLASS]);
        return -1;
    }
    if (img->buf[EI_DATA] != ELFDATA2LSB)
        return fail(err, errlen, "%s: %s", name, "is not a little-endian ELF (RISC-V is)");
    if (img->size < sizeof(Elf32_Ehdr))
        return fail(err, errlen, "%s: %s", name, "truncated ELF header");
    const Elf32_Ehdr *raw_eh = (const Elf32_Ehdr *)img->buf;
    if (raw_eh->e_phnum &&
        (uint64_t)raw_eh->e_phoff + (uint64_t)raw_eh->e_phnum * sizeof(Elf32_Phdr) > img->size)
        return fail(err, errlen, "%s: %s", name, "truncated ELF (program headers missing)");

    elf_version(EV_CURRENT);
    Elf *elf = elf_memory((char *)img->buf, img->size);
    if (!elf)
        return fail(err, errlen, "%s: %s", name, elf_errmsg(-1));
    int rc = -1;
    Elf32_Ehdr *eh = elf32_getehdr(elf);
    size_t phnum = 0;
    if (!eh) {
        fail(err, errlen, "%s: bad ELF header (%s)", name, elf_errmsg(-1));
        goto out;
    }
    if (eh->e_machine != EM_RISCV) {
        snprintf(err, errlen, "%s: is an ELF for machine %u, not RISC-V", name, eh->e_machine);
        goto out;
    }
    if (elf_getphdrnum(elf, &phnum) != 0 ||
        (uint64_t)eh->e_phoff + (uint64_t)phnum * sizeof(Elf32_Phdr) > img->size) {
        fail(err, errlen, "%s: %s", name, "truncated ELF (program headers missing)");
        goto out;
    }
    Elf32_Phdr *ph = elf32_getphdr(elf);
    if (!ph && phnum) {
        fail(err, errlen, "%s: bad program headers (%s)", name, elf_errmsg(-1));
        goto out;
    }
    for (size_t i = 0; i < phnum; i++) {
        const Elf32_Phdr *p = &ph[i];
        if (p->p_type != PT_LOAD || p->p_memsz == 0)
            continue;
        if ((uint64_t)p->p_offset + p->p_filesz > img->size) {
            fail(err, errlen, "%s: %s", name, "truncated ELF (a segment runs past the end)");
            goto out;
        }
        if (p->p_filesz > p->p_memsz || (uint64_t)p->p_paddr + p->p_memsz > 0x100000000ull) {
            fail(err, errlen, "%s: %s", name, "malformed ELF segment");
            goto out;
        }
        if (add_segment(img, p->p_paddr, p->p_filesz, p->p_memsz, img->buf + p->p_offset)) {
            fail(err, errlen, "%s: %s", name, "out of memory");
            goto out;
        }
    }
    if (img->nsegs == 0) {
        fail(err, errlen, "%s: %s", name, "ELF has no loadable segments");
        goto out;
    }
    img->is_elf = true;
    img->entry = eh->e_entry;
    find_tohost(img, elf);
    rc = 0;
out:
    elf_end(elf);
    return rc;
}

/* Takes ownership of buf. */
static int image_parse(struct image *img, uint8_t *buf, size_t size, const char *name,
                       uint32_t raw_base, char *err, size_t errlen)
{
    memset(img, 0, sizeof *img);
    img->name = name;
    img->buf = buf;
    img->size = size;
    int rc;
    if (size == 0)
        rc = fail(err, errlen, "%s: %s", name, "empty file");
    else if (size >= 4 && memcmp(buf, ELFMAG, SELFMAG) == 0)
        rc = parse_elf(img, err, errlen);
    else if (size > 0xffffffffu - raw_base + 1ull)
        rc = fail(err, errlen, "%s: %s", name, "too large for the address space");
    else {
        img->entry = raw_base;
        rc = add_segment(img, raw_base, (uint32_t)size, (uint32_t)size, buf);
        if (rc)
            fail(err, errlen, "%s: %s", name, "out of memory");
    }
    if (rc)
        image_close(img);
    return rc;
}

int image_open_memory(struct image *img, const void *data, size_t size, const char *name,
                      uint32_t raw_base, char *err, size_t errlen)
{
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf)
        return fail(err, errlen, "%s: %s", name, "out of memory");
    memcpy(buf, data, size);
    return image_parse(img, buf, size, name, raw_base, err, errlen);
}

/* The limit on ELF files, as the refusal words it. */
static const char elf_room[] = "bytes rvbox allows an ELF file";

/* What a file is, when it is not a regular file. */
static const char *kind_of(mode_t mode)
{
    return S_ISDIR(mode) ? "a directory" : S_ISFIFO(mode) ? "a FIFO"
         : S_ISCHR(mode) ? "a character device" : S_ISBLK(mode) ? "a block device"
         : S_ISSOCK(mode) ? "a socket" : "a special file";
}

/* Open `path` for reading if it is a regular file, and fstat it into *st. Anything else
 * is refused by what it is, and never opened when stat can tell first (opening a device
 * can do things; a FIFO would block the open): O_NONBLOCK covers a file swapped for a
 * FIFO in between, and the fstat check catches it. The fd, or -1 with a reason in err. */
static int open_regular(const char *path, struct stat *st, char *err, size_t errlen)
{
    if (stat(path, st) != 0)
        return fail(err, errlen, "%s: %s", path, strerror(errno));
    if (S_ISREG(st->st_mode)) {
        int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
            return fail(err, errlen, "%s: %s", path, strerror(errno));
        if (fstat(fd, st) != 0) {
            close(fd);
            return fail(err, errlen, "%s: %s", path, strerror(errno));
        }
        if (S_ISREG(st->st_mode))
            return fd;
        close(fd);
    }
    return fail(err, errlen, "%s: is %s, not a regular file", path, kind_of(st->st_mode));
}

/* Read up to `size` bytes from the start of fd into a new buffer (a file that shrank
 * since fstat gives fewer; one that grew, no more). 0, or -1 with a reason in err. */
static int read_up_to(int fd, const char *path, uint64_t size, uint8_t **data, size_t *got,
                      char *err, size_t errlen)
{
    uint8_t *buf = malloc(size ? (size_t)size : 1);
    if (!buf)
        return fail(err, errlen, "%s: %s", path, "out of memory");
    size_t len = 0;
    while (len < size) {
        ssize_t n = pread(fd, buf + len, (size_t)size - len, (off_t)len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            free(buf);
            return fail(err, errlen, "%s: read error: %s", path, strerror(errno));
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (len == 0) {
        free(buf);
        return fail(err, errlen, "%s: %s", path, "empty file");
    }
    *data = buf;
    *got = len;
    return 0;
}

/* Read the regular file `path` whole if it holds at most `max` bytes; `room` says what
 * max is, for the refusal ("bytes of RAM"). The size is checked before anything is read:
 * a 3 GiB file costs nothing to refuse. */
static int read_limited(const char *path, int fd, const struct stat *st, uint64_t max,
                        const char *room, uint8_t **data, size_t *size, char *err,
                        size_t errlen)
{
    uint64_t len = (uint64_t)st->st_size;
    if (len == 0)
        return fail(err, errlen, "%s: %s", path, "empty file");
    if (len > max) {
        snprintf(err, errlen, "%s: too large: %llu bytes do not fit in the %llu %s", path,
                 (unsigned long long)len, (unsigned long long)max, room);
        return -1;
    }
    return read_up_to(fd, path, len, data, size, err, errlen);
}

/* Open and read `path` whole, at most `max` bytes (`room` as in read_limited). */
static int read_path(const char *path, uint64_t max, const char *room, uint8_t **data,
                     size_t *size, char *err, size_t errlen)
{
    struct stat st;
    int fd = open_regular(path, &st, err, errlen);
    if (fd < 0)
        return -1;
    int rc = read_limited(path, fd, &st, max, room, data, size, err, errlen);
    close(fd);
    return rc;
}

int loader_read_file(const char *path, uint64_t max, uint8_t **data, size_t *size, char *err,
                     size_t errlen)
{
    return read_path(path, max, "bytes of RAM", data, size, err, errlen);
}

int loader_read_elf_file(const char *path, uint8_t **data, size_t *size, char *err,
                         size_t errlen)
{
    return read_path(path, LOADER_MAX_ELF, elf_room, data, size, err, errlen);
}

/* Does the file start as an ELF does? Decides which limit applies before reading. */
static bool starts_as_elf(int fd)
{
    unsigned char magic[SELFMAG];
    ssize_t n;
    do
        n = pread(fd, magic, sizeof magic, 0);
    while (n < 0 && errno == EINTR);
    return n == SELFMAG && memcmp(magic, ELFMAG, SELFMAG) == 0;
}

int image_open_file(struct image *img, const char *path, uint32_t raw_base, uint64_t ram_end,
                    char *err, size_t errlen)
{
    memset(img, 0, sizeof *img);
    struct stat st;
    int fd = open_regular(path, &st, err, errlen);
    if (fd < 0)
        return -1;
    uint8_t *buf;
    size_t size;
    int rc;
    if (starts_as_elf(fd)) {
        rc = read_limited(path, fd, &st, LOADER_MAX_ELF, elf_room, &buf, &size, err, errlen);
    } else {
        char room[64];
        snprintf(room, sizeof room, "bytes of RAM from 0x%08x", raw_base);
        rc = read_limited(path, fd, &st, ram_end > raw_base ? ram_end - raw_base : 0, room,
                          &buf, &size, err, errlen);
    }
    close(fd);
    if (rc)
        return -1;
    return image_parse(img, buf, size, path, raw_base, err, errlen);
}

void image_close(struct image *img)
{
    free(img->segs);
    free(img->buf);
    img->segs = NULL;
    img->buf = NULL;
    img->nsegs = 0;
}

int image_check_ram(const struct image *img, uint32_t ram_base, uint32_t ram_size,
                    char *err, size_t errlen)
{
    uint64_t ram_end = (uint64_t)ram_base + ram_size;
    for (size_t i = 0; i < img->nsegs; i++) {
        const struct image_segment *s = &img->segs[i];
        uint64_t end = (uint64_t)s->paddr + s->memsz;
        if (s->paddr < ram_base || end > ram_end) {
            snprintf(err, errlen,
                     "%s: segment at 0x%08x-0x%08llx lies outside RAM (0x%08x-0x%08llx)",
                     img->name, s->paddr, (unsigned long long)end - 1, ram_base,
                     (unsigned long long)ram_end - 1);
            return -1;
        }
    }
    return 0;
}

int image_check_below(const struct image *img, uint32_t limit, const char *what,
                      char *err, size_t errlen)
{
    for (size_t i = 0; i < img->nsegs; i++) {
        const struct image_segment *s = &img->segs[i];
        if ((uint64_t)s->paddr + s->memsz > limit) {
            snprintf(err, errlen, "%s: segment at 0x%08x-0x%08llx overlaps %s at 0x%08x",
                     img->name, s->paddr, (unsigned long long)s->paddr + s->memsz - 1, what,
                     limit);
            return -1;
        }
    }
    return 0;
}

int image_check_overlap(const struct image *a, const struct image *b, char *err, size_t errlen)
{
    for (size_t i = 0; i < a->nsegs; i++)
        for (size_t j = 0; j < b->nsegs; j++) {
            const struct image_segment *s = &a->segs[i], *t = &b->segs[j];
            uint64_t s_end = (uint64_t)s->paddr + s->memsz, t_end = (uint64_t)t->paddr + t->memsz;
            if (s->paddr < t_end && t->paddr < s_end) {
                snprintf(err, errlen, "%s (0x%08x-0x%08llx) overlaps %s (0x%08x-0x%08llx)",
                         a->name, s->paddr, (unsigned long long)s_end - 1, b->name, t->paddr,
                         (unsigned long long)t_end - 1);
                return -1;
            }
        }
    return 0;
}

void image_copy(const struct image *img, struct machine *m)
{
    for (size_t i = 0; i < img->nsegs; i++) {
        const struct image_segment *s = &img->segs[i];
        uint8_t *dst = machine_ram(m, s->paddr, s->memsz);
        if (!dst)
            continue;           /* image_check_ram said no already */
        memcpy(dst, s->data, s->filesz);
        memset(dst + s->filesz, 0, s->memsz - s->filesz);
    }
}
