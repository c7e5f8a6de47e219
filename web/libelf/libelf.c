/* web/libelf/libelf.h: just enough of libelf for host/loader.c, over ELF32 in memory. */
#include "gelf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct Elf_Scn {
    Elf *elf;
    size_t index;
    Elf_Data data;
};

struct Elf {
    char *buf;
    size_t size;
    Elf32_Ehdr *eh;             /* NULL: not a usable ELF32 file */
    size_t nscn;
    Elf_Scn *scns;              /* nscn of them, or NULL without a usable table */
};

static const char *last_error = "no error";

static void *fail(const char *why)
{
    last_error = why;
    return NULL;
}

unsigned elf_version(unsigned version)
{
    return version == EV_NONE ? EV_CURRENT : version;
}

const char *elf_errmsg(int error)
{
    (void)error;
    return last_error;
}

/* Does [off, off + len) lie in the file? */
static int inside(const Elf *elf, uint64_t off, uint64_t len)
{
    return off <= elf->size && len <= elf->size - off;
}

static const Elf32_Shdr *shdr(const Elf *elf, size_t index)
{
    return (const Elf32_Shdr *)(elf->buf + elf->eh->e_shoff) + index;
}

Elf *elf_memory(char *image, size_t size)
{
    Elf *elf = calloc(1, sizeof *elf);
    if (!elf)
        return fail("out of memory");
    elf->buf = image;
    elf->size = size;
    if (size < sizeof(Elf32_Ehdr) || memcmp(image, ELFMAG, SELFMAG) ||
        image[EI_CLASS] != ELFCLASS32 || image[EI_DATA] != ELFDATA2LSB)
        return elf;                     /* elf32_getehdr says no */
    elf->eh = (Elf32_Ehdr *)image;
    const Elf32_Ehdr *eh = elf->eh;
    if (eh->e_shoff && eh->e_shnum && eh->e_shentsize == sizeof(Elf32_Shdr) &&
        inside(elf, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf32_Shdr))) {
        elf->scns = calloc(eh->e_shnum, sizeof *elf->scns);
        if (!elf->scns) {
            free(elf);
            return fail("out of memory");
        }
        elf->nscn = eh->e_shnum;
        for (size_t i = 0; i < elf->nscn; i++) {
            const Elf32_Shdr *sh = shdr(elf, i);
            elf->scns[i].elf = elf;
            elf->scns[i].index = i;
            if (sh->sh_type != SHT_NOBITS && inside(elf, sh->sh_offset, sh->sh_size))
                elf->scns[i].data = (Elf_Data){ image + sh->sh_offset, sh->sh_size };
        }
    }
    return elf;
}

int elf_end(Elf *elf)
{
    if (elf) {
        free(elf->scns);
        free(elf);
    }
    return 0;
}

Elf32_Ehdr *elf32_getehdr(Elf *elf)
{
    return elf && elf->eh ? elf->eh : fail("not a little-endian ELF32 file");
}

int elf_getphdrnum(Elf *elf, size_t *phnum)
{
    if (!elf32_getehdr(elf))
        return -1;
    *phnum = elf->eh->e_phnum;
    return 0;
}

Elf32_Phdr *elf32_getphdr(Elf *elf)
{
    if (!elf32_getehdr(elf))
        return NULL;
    const Elf32_Ehdr *eh = elf->eh;
    if (!eh->e_phnum)
        return fail("no program headers");
    if (eh->e_phentsize != sizeof(Elf32_Phdr) ||
        !inside(elf, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr)))
        return fail("program headers outside the file");
    return (Elf32_Phdr *)(elf->buf + eh->e_phoff);
}

Elf_Scn *elf_nextscn(Elf *elf, Elf_Scn *scn)
{
    size_t next = scn ? scn->index + 1 : 1;    /* section 0 is the null section */
    return elf && next < elf->nscn ? &elf->scns[next] : NULL;
}

GElf_Shdr *gelf_getshdr(Elf_Scn *scn, GElf_Shdr *dst)
{
    if (!scn)
        return fail("no section");
    const Elf32_Shdr *sh = shdr(scn->elf, scn->index);
    *dst = (GElf_Shdr){
        .sh_name = sh->sh_name, .sh_type = sh->sh_type, .sh_flags = sh->sh_flags,
        .sh_addr = sh->sh_addr, .sh_offset = sh->sh_offset, .sh_size = sh->sh_size,
        .sh_link = sh->sh_link, .sh_info = sh->sh_info, .sh_addralign = sh->sh_addralign,
        .sh_entsize = sh->sh_entsize,
    };
    return dst;
}

Elf_Data *elf_getdata(Elf_Scn *scn, Elf_Data *data)
{
    if (!scn || data || !scn->data.d_buf)
        return fail("no data");
    return &scn->data;
}

GElf_Sym *gelf_getsym(Elf_Data *data, int index, GElf_Sym *dst)
{
    if (!data || index < 0 || ((uint64_t)index + 1) * sizeof(Elf32_Sym) > data->d_size)
        return fail("no such symbol");
    Elf32_Sym s;
    memcpy(&s, (const char *)data->d_buf + (size_t)index * sizeof s, sizeof s);
    *dst = (GElf_Sym){ .st_name = s.st_name, .st_info = s.st_info, .st_other = s.st_other,
                       .st_shndx = s.st_shndx, .st_value = s.st_value, .st_size = s.st_size };
    return dst;
}

char *elf_strptr(Elf *elf, size_t section, size_t offset)
{
    if (!elf || section >= elf->nscn || shdr(elf, section)->sh_type != SHT_STRTAB)
        return fail("not a string table");
    const Elf_Data *d = &elf->scns[section].data;
    if (!d->d_buf || offset >= d->d_size)
        return fail("string outside its table");
    const char *s = (const char *)d->d_buf + offset;
    if (!memchr(s, '\0', d->d_size - offset))
        return fail("unterminated string");
    return (char *)s;
}
