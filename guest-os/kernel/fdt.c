/*
 * A short walk over the flattened device tree (devicetree spec v0.4, chapter 5): the
 * structure block is a stream of big-endian tokens; we track the node path depth and
 * pick the few properties fdt.h lists. Bounds are checked against the header's sizes.
 */
#include "fdt.h"
#include "lib.h"
#include "memlayout.h"

#define FDT_MAGIC      0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

static uint32_t be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* A reg property with #address-cells = #size-cells = 2 (rvbox, QEMU) or 1: take the
 * low word of each. */
static void read_reg(const uint8_t *val, uint32_t len, uint32_t *base, uint32_t *size)
{
    if (len >= 16) {
        *base = be32(val + 4);
        *size = be32(val + 12);
    } else if (len >= 8) {
        *base = be32(val);
        *size = be32(val + 4);
    }
}

struct node {                   /* what we know about the node being walked */
    int is_memory, is_cpus, is_chosen, is_fb;
    int is_cpu, cpu_off;        /* a /cpus/cpu@N node; its status says "disabled" */
    uint32_t cpu_reg;           /* its reg: the hart id (#address-cells = 1) */
};

/* Does the ISA string (e.g. "rv32imac_zicsr_sstc") list the multi-letter extension
 * `ext`? Those come after the single letters, each after an underscore. */
static int isa_has(const char *isa, const char *ext)
{
    for (const char *p = isa; *p; p++) {
        if (*p != '_')
            continue;
        size_t n = strlen(ext);
        if (!strncmp(p + 1, ext, n) && (p[1 + n] == 0 || p[1 + n] == '_'))
            return 1;
    }
    return 0;
}

void fdt_read(const void *dtb, struct boot_info *bi)
{
    memset(bi, 0, sizeof *bi);
    bi->ram_base = MEMMAP_RAM_BASE;
    bi->ram_size = MEMMAP_RAM_DEFAULT;
    bi->timebase_hz = MEMMAP_TIMEBASE_HZ;
    const uint8_t *h = dtb;
    if (!h || be32(h) != FDT_MAGIC)
        return;
    uint32_t total = be32(h + 4);
    const uint8_t *st = h + be32(h + 8), *end = st + be32(h + 36);
    const char *strings = (const char *)h + be32(h + 12);
    bi->dtb_base = (uint32_t)(uintptr_t)dtb;
    bi->dtb_size = total;

    struct node stack[8] = { { 0 } };
    int depth = -1, isa_cpus = 0, sstc_cpus = 0;
    uint32_t fb_base = 0, fb_size = 0;
    for (const uint8_t *p = st; p + 4 <= end;) {
        uint32_t tok = be32(p);
        p += 4;
        if (tok == FDT_BEGIN_NODE) {
            const char *name = (const char *)p;
            size_t len = strlen(name);
            p += (len + 4) & ~3u;
            if (++depth < 8) {
                memset(&stack[depth], 0, sizeof stack[depth]);
                stack[depth].is_memory = depth == 1 && !strncmp(name, "memory", 6);
                stack[depth].is_cpus = depth == 1 && !strncmp(name, "cpus", 5);
                stack[depth].is_chosen = depth == 1 && !strncmp(name, "chosen", 7);
                stack[depth].is_cpu = depth == 2 && stack[1].is_cpus &&
                                      !strncmp(name, "cpu@", 4);
                stack[depth].cpu_reg = ~0u;
            }
        } else if (tok == FDT_END_NODE) {
            if (depth >= 0 && depth < 8 && stack[depth].is_fb) {
                bi->fb_base = fb_base;
                bi->fb_size = fb_size;
            }
            if (depth >= 0 && depth < 8 && stack[depth].is_cpu && !stack[depth].cpu_off &&
                stack[depth].cpu_reg < 32)
                bi->harts |= 1u << stack[depth].cpu_reg;
            depth--;
        } else if (tok == FDT_PROP) {
            if (p + 8 > end)
                return;
            uint32_t len = be32(p), name_off = be32(p + 4);
            const uint8_t *val = p + 8;
            p += 8 + ((len + 3) & ~3u);
            if (p > end || depth < 0 || depth >= 8)
                continue;
            const char *name = strings + name_off;
            struct node *n = &stack[depth];
            if (n->is_cpu && !strncmp(name, "reg", 4) && len >= 4) {
                n->cpu_reg = be32(val + len - 4);       /* the low word */
            } else if (n->is_cpu && !strncmp(name, "riscv,isa", 10)) {
                isa_cpus++;
                sstc_cpus += isa_has((const char *)val, "sstc");
            } else if (n->is_cpu && !strncmp(name, "status", 7)) {
                n->cpu_off = !strncmp((const char *)val, "disabled", 9);
            } else if (n->is_memory && !strncmp(name, "reg", 4)) {
                read_reg(val, len, &bi->ram_base, &bi->ram_size);
            } else if (n->is_cpus && !strncmp(name, "timebase-frequency", 19) && len >= 4) {
                bi->timebase_hz = be32(val);
            } else if (n->is_chosen && !strncmp(name, "bootargs", 9)) {
                safestrcpy(bi->bootargs, (const char *)val,
                           len < sizeof bi->bootargs ? len + 1 : sizeof bi->bootargs);
            } else if (!strncmp(name, "compatible", 11) &&
                       !strncmp((const char *)val, "simple-framebuffer", 19)) {
                n->is_fb = 1;
            } else if (!strncmp(name, "reg", 4)) {
                read_reg(val, len, &fb_base, &fb_size);     /* kept if this is the fb */
            } else if (n->is_fb && !strncmp(name, "width", 6) && len == 4) {
                bi->fb_width = be32(val);
            } else if (n->is_fb && !strncmp(name, "height", 7) && len == 4) {
                bi->fb_height = be32(val);
            } else if (n->is_fb && !strncmp(name, "stride", 7) && len == 4) {
                bi->fb_stride = be32(val);
            }
        } else if (tok == FDT_END) {
            break;
        } else if (tok != FDT_NOP) {
            break;
        }
    }
    bi->sstc = isa_cpus > 0 && sstc_cpus == isa_cpus;   /* as the firmware decides */
    if (bi->fb_size && !bi->fb_stride)
        bi->fb_stride = bi->fb_width * 4;
    if (!bi->fb_width || !bi->fb_height || bi->fb_stride * bi->fb_height > bi->fb_size)
        bi->fb_size = 0;        /* nothing usable */
}
