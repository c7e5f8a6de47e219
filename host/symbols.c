#include "host/symbols.h"

#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/loader.h"

/* How far back a lookup walks past symbols that end before the address (nested or
 * overlapping sized symbols): enough for real tables, bounded for speed. */
#define LOOKUP_WALK 32

struct symbol {
    uint32_t addr;
    uint32_t end;           /* exclusive: value + size; for a label, see settle() */
    uint8_t rank;           /* which to prefer at one address: higher wins */
    bool sized;
    char *name;
};

struct symbols {
    struct symbol *v;
    size_t n, cap;
};

struct symbols *symbols_create(void)
{
    return calloc(1, sizeof(struct symbols));
}

void symbols_destroy(struct symbols *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].name);
    free(s->v);
    free(s);
}

size_t symbols_count(const struct symbols *s)
{
    return s ? s->n : 0;
}

/* Names a reader wants to see: not the assembler's local labels or mapping symbols. */
static bool wanted_name(const char *name)
{
    if (!name || !name[0])
        return false;
    if (name[0] == '.' && name[1] == 'L')
        return false;
    if (name[0] == '$')
        return false;       /* $x, $d, $x.rv32i2p1... mapping symbols */
    return true;
}

/* At one address, prefer a global to a local, a function or object to a plain label,
 * and a sized symbol to an unsized one. */
static uint8_t rank_of(const GElf_Sym *sym)
{
    unsigned bind = GELF_ST_BIND(sym->st_info), type = GELF_ST_TYPE(sym->st_info);
    uint8_t r = 0;
    if (bind == STB_GLOBAL || bind == STB_WEAK)
        r += 4;
    if (type == STT_FUNC || type == STT_OBJECT)
        r += 2;
    if (sym->st_size)
        r += 1;
    return r;
}

static int push(struct symbols *s, uint32_t addr, uint32_t end, uint8_t rank, bool sized,
                const char *name)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        struct symbol *v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return -1;
        s->v = v;
        s->cap = cap;
    }
    char *copy = strdup(name);
    if (!copy)
        return -1;
    s->v[s->n++] = (struct symbol){ addr, end, rank, sized, copy };
    return 0;
}

static int by_addr(const void *a, const void *b)
{
    const struct symbol *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank > y->rank ? -1 : 1;      /* the preferred one first */
    return strcmp(x->name, y->name);
}

/* Sort, drop exact duplicates (the same file given twice, e.g. -kernel and --symbols),
 * and end each label (a symbol without a size) where the next symbol starts, if that
 * comes before the end of its section: the padding after a sized function then belongs
 * to no one. An empty table (a stripped ELF) has no array at all: qsort must not see
 * its NULL. */
static void settle(struct symbols *s)
{
    if (s->n == 0)
        return;
    qsort(s->v, s->n, sizeof *s->v, by_addr);
    size_t out = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (out && s->v[out - 1].addr == s->v[i].addr && !strcmp(s->v[out - 1].name, s->v[i].name)) {
            free(s->v[i].name);
            continue;
        }
        s->v[out++] = s->v[i];
    }
    s->n = out;
    size_t next = 0;            /* the first symbol starting above v[i] */
    for (size_t i = 0; i < s->n; i++) {
        while (next < s->n && s->v[next].addr <= s->v[i].addr)
            next++;
        if (!s->v[i].sized && next < s->n && s->v[next].addr < s->v[i].end)
            s->v[i].end = s->v[next].addr;
    }
}

/* Add one SHT_SYMTAB section's symbols. Returns how many, or -1 when out of memory. */
static long add_table(struct symbols *s, Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh)
{
    Elf_Data *data = elf_getdata(scn, NULL);
    if (!data || sh->sh_entsize == 0)
        return 0;
    long added = 0;
    size_t count = sh->sh_size / sh->sh_entsize;
    for (size_t i = 1; i < count; i++) {
        GElf_Sym sym;
        if (!gelf_getsym(data, (int)i, &sym))
            break;
        unsigned type = GELF_ST_TYPE(sym.st_info);
        if (type != STT_NOTYPE && type != STT_FUNC && type != STT_OBJECT)
            continue;
        if (sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE)
            continue;       /* undefined, absolute, common */
        GElf_Shdr sec;
        Elf_Scn *home = elf_getscn(elf, sym.st_shndx);
        if (!home || !gelf_getshdr(home, &sec) || !(sec.sh_flags & SHF_ALLOC))
            continue;
        const char *name = elf_strptr(elf, sh->sh_link, sym.st_name);
        if (!wanted_name(name))
            continue;
        uint64_t start = sym.st_value;
        uint64_t end = sym.st_size ? start + sym.st_size : sec.sh_addr + sec.sh_size;
        if (end <= start)
            end = start + 1;    /* a label at the very end of its section */
        if (end > UINT32_MAX)
            end = UINT32_MAX;
        if (push(s, (uint32_t)start, (uint32_t)end, rank_of(&sym), sym.st_size != 0, name))
            return -1;
        added++;
    }
    return added;
}

int symbols_add_memory(struct symbols *s, const void *image, size_t size, const char *name,
                       char *err, size_t errlen)
{
    const unsigned char *b = image;
    if (size < EI_NIDENT || memcmp(b, ELFMAG, SELFMAG) || b[EI_CLASS] != ELFCLASS32) {
        snprintf(err, errlen, "%s: not an ELF32 file", name);
        return -1;
    }
    /* libelf wants a writable buffer; it is read only, but keep the caller's intact. */
    char *copy = malloc(size);
    if (!copy) {
        snprintf(err, errlen, "%s: out of memory", name);
        return -1;
    }
    memcpy(copy, image, size);
    elf_version(EV_CURRENT);
    Elf *elf = elf_memory(copy, size);
    if (!elf || elf_kind(elf) != ELF_K_ELF) {
        snprintf(err, errlen, "%s: not an ELF file (%s)", name, elf_errmsg(-1));
        if (elf)
            elf_end(elf);
        free(copy);
        return -1;
    }
    long total = 0;
    Elf_Scn *scn = NULL;
    while (total >= 0 && (scn = elf_nextscn(elf, scn))) {
        GElf_Shdr sh;
        if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB) {
            long n = add_table(s, elf, scn, &sh);
            total = n < 0 ? -1 : total + n;
        }
    }
    elf_end(elf);
    free(copy);
    if (total < 0) {
        snprintf(err, errlen, "%s: out of memory reading symbols", name);
        return -1;
    }
    settle(s);
    return (int)(total > INT32_MAX ? INT32_MAX : total);
}

int symbols_add_file(struct symbols *s, const char *path, char *err, size_t errlen)
{
    uint8_t *buf;
    size_t n;
    char why[512];
    /* A regular file of a sane size only, as for -kernel: never a FIFO or a device. */
    if (loader_read_elf_file(path, &buf, &n, why, sizeof why)) {
        snprintf(err, errlen, "--symbols %s", why);
        return -1;
    }
    char label[512];
    snprintf(label, sizeof label, "--symbols %s", path);
    int added = symbols_add_memory(s, buf, n, label, err, errlen);
    free(buf);
    if (added == 0) {
        snprintf(err, errlen, "--symbols %s: no symbol table (a stripped file?)", path);
        return -1;
    }
    return added < 0 ? -1 : 0;
}

const char *symbols_lookup(const struct symbols *s, uint32_t addr, uint32_t *offset)
{
    if (!s || !s->n)
        return NULL;
    /* The first symbol starting above addr; everything before it starts at or below. */
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->v[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    const struct symbol *best = NULL;
    for (size_t k = 0, i = lo; i > 0 && k < LOOKUP_WALK; i--, k++) {
        const struct symbol *c = &s->v[i - 1];
        if (best && c->addr != best->addr)
            break;              /* the nearest start that covers addr has been seen */
        if (addr < c->end && (!best || c->rank > best->rank))
            best = c;
    }
    if (!best)
        return NULL;
    if (offset)
        *offset = addr - best->addr;
    return best->name;
}

char *symbols_format(const struct symbols *s, uint32_t addr, char *buf, size_t len)
{
    uint32_t off;
    const char *name = symbols_lookup(s, addr, &off);
    if (!name)
        snprintf(buf, len, "%s", "");
    else if (off)
        snprintf(buf, len, "<%s+0x%x>", name, off);
    else
        snprintf(buf, len, "<%s>", name);
    return buf;
}

bool symbols_find(const struct symbols *s, const char *name, uint32_t *addr)
{
    for (size_t i = 0; s && i < s->n; i++) {
        if (!strcmp(s->v[i].name, name)) {
            *addr = s->v[i].addr;
            return true;
        }
    }
    return false;
}
