#include "firmware/fdt.h"

/* The structure block is a stream of big-endian 32-bit tokens. */
#define FDT_MAGIC      0xd00dfeed
#define FDT_BEGIN_NODE 1            /* then the node's name, NUL-terminated, padded to 4 */
#define FDT_END_NODE   2
#define FDT_PROP       3            /* then len, nameoff, and len bytes padded to 4 */
#define FDT_NOP        4
#define FDT_END        9

/* Header fields: byte offsets from the start of the tree. */
#define HDR_MAGIC       0
#define HDR_TOTALSIZE   4
#define HDR_OFF_STRUCT  8
#define HDR_OFF_STRINGS 12
#define HDR_SIZE_STRUCT 36

#define MAX_DEPTH 4                 /* the walk only looks at nodes this close to the root */

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t align4(uint32_t n) { return (n + 3) & ~3u; }

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* "memory" matches "memory" and "memory@80000000": a node's name without its address. */
static int node_is(const char *name, const char *want)
{
    while (*want && *name == *want)
        name++, want++;
    return *want == 0 && (*name == 0 || *name == '@');
}

/* The length of the string at p, which must end before `end`; -1 if it does not. */
static int bounded_strlen(const uint8_t *p, const uint8_t *end)
{
    for (const uint8_t *q = p; q < end; q++)
        if (*q == 0)
            return (int)(q - p);
    return -1;
}

/* The last cell of an n-cell number: addresses and sizes above 4 GiB mean nothing to
 * an RV32 firmware, so the high cells are dropped. */
static uint32_t low_cell(const uint8_t *val, uint32_t ncells)
{
    return be32(val + 4 * (ncells - 1));
}

/* Does the ISA string (e.g. "rv32imafdc_zicsr_sstc") list the multi-letter extension
 * `ext`? Those come after the single letters, each after an underscore. */
static int isa_has(const char *isa, const char *ext)
{
    for (const char *p = isa; *p; p++) {
        if (*p != '_')
            continue;
        const char *a = p + 1, *b = ext;
        while (*b && *a == *b)
            a++, b++;
        if (*b == 0 && (*a == 0 || *a == '_'))
            return 1;
    }
    return 0;
}

struct walk {
    const char *path[MAX_DEPTH];    /* node names from the root (depth 0, name "") down */
    int depth;
    uint32_t address_cells, size_cells;     /* the root's, for /memory's reg */
    uint32_t isa_cpus, sstc_cpus;   /* cpu nodes with a riscv,isa, and with sstc in it */
};

/* One property of the node at w->path[w->depth]: keep it if it is one we want. */
static void property(struct walk *w, struct fdt_facts *f, const char *name,
                     const uint8_t *val, uint32_t len)
{
    if (w->depth == 0) {
        if (streq(name, "#address-cells") && len == 4)
            w->address_cells = be32(val);
        else if (streq(name, "#size-cells") && len == 4)
            w->size_cells = be32(val);
    } else if (w->depth == 1 && node_is(w->path[1], "memory") && streq(name, "reg")) {
        uint32_t na = w->address_cells, ns = w->size_cells;
        if (f->ram_size == 0 && na >= 1 && ns >= 1 && len >= 4 * (na + ns)) {
            f->ram_base = low_cell(val, na);
            f->ram_size = low_cell(val + 4 * na, ns);
        }
    } else if (w->depth == 1 && node_is(w->path[1], "chosen") &&
               streq(name, "rvbox,kernel-entry") && (len == 4 || len == 8)) {
        f->kernel_entry = low_cell(val, len / 4);
        f->has_kernel_entry = 1;
    } else if (w->depth == 2 && node_is(w->path[1], "cpus") && node_is(w->path[2], "cpu")) {
        if (streq(name, "reg") && len == 4) {
            uint32_t hart = be32(val);
            if (hart + 1 > f->nharts)
                f->nharts = hart + 1;
        } else if (streq(name, "riscv,isa") && len > 0 && val[len - 1] == 0) {
            w->isa_cpus++;
            w->sstc_cpus += isa_has((const char *)val, "sstc");
        }
    }
}

/* The walk itself: -1 on anything that is not a well-formed tree. */
static int walk_tree(const uint8_t *tree, struct fdt_facts *f)
{
    if (!tree || be32(tree + HDR_MAGIC) != FDT_MAGIC)
        return -1;
    const uint8_t *tree_end = tree + be32(tree + HDR_TOTALSIZE);
    const uint8_t *p = tree + be32(tree + HDR_OFF_STRUCT);
    const uint8_t *end = p + be32(tree + HDR_SIZE_STRUCT);
    const uint8_t *strings = tree + be32(tree + HDR_OFF_STRINGS);
    if (end > tree_end || strings > tree_end)
        return -1;

    struct walk w = { .depth = -1, .address_cells = 2, .size_cells = 1 };
    while (p + 4 <= end) {
        uint32_t token = be32(p);
        p += 4;
        if (token == FDT_BEGIN_NODE) {
            int n = bounded_strlen(p, end);
            if (n < 0)
                return -1;
            if (++w.depth < MAX_DEPTH)
                w.path[w.depth] = (const char *)p;
            p += align4((uint32_t)n + 1);
        } else if (token == FDT_END_NODE) {
            w.depth--;
        } else if (token == FDT_PROP) {
            if (p + 8 > end)
                return -1;
            uint32_t len = be32(p), nameoff = be32(p + 4);
            const uint8_t *val = p + 8;
            if (len > (uint32_t)(end - val) || nameoff >= (uint32_t)(tree_end - strings) ||
                bounded_strlen(strings + nameoff, tree_end) < 0)
                return -1;
            if (w.depth >= 0 && w.depth < MAX_DEPTH)
                property(&w, f, (const char *)(strings + nameoff), val, len);
            p = val + align4(len);
        } else if (token == FDT_END) {
            break;
        } else if (token != FDT_NOP) {
            return -1;
        }
    }
    f->has_sstc = w.isa_cpus > 0 && w.sstc_cpus == w.isa_cpus;
    return 0;
}

int fdt_read_facts(const void *fdt, struct fdt_facts *f)
{
    static const struct fdt_facts none;
    *f = none;
    if (walk_tree(fdt, f) < 0) {
        *f = none;
        return -1;
    }
    return 0;
}
