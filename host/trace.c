#include "host/trace.h"

#include <capstone.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus/bus.h"
#include "cpu/csr_defs.h"
#include "cpu/disasm.h"
#include "cpu/hart.h"
#include "devices/machine.h"
#include "host/symbols.h"

#define PAGE_SIZE 4096u

/* ---- options ---- */

/* The -d items, in -d help's order. */
static const struct {
    const char *name;
    unsigned flag;              /* 0: accepted, does nothing */
    const char *help;
} items[] = {
    { "exec", TRACE_EXEC, "every instruction, before it runs (runs the plain step)" },
    { "cpu", TRACE_CPU, "the registers and main CSRs before each block runs, and so after\n"
      "               each trap (runs the plain step)" },
    { "in_asm", TRACE_IN_ASM, "each block's guest instructions, when it is first decoded" },
    { "out_asm", TRACE_OUT_ASM, "each block the JIT translates: its guest instructions, then "
      "the\n               host code made of them" },
    { "int", TRACE_INT, "every trap and interrupt, as it is taken" },
    { "mmu", TRACE_MMU, "every Sv32 page-table walk (a TLB miss) and its outcome, page\n"
      "               faults included" },
    { "guest_errors", TRACE_GUEST_ERRORS, "what the guest does wrong: accesses to unmapped "
      "addresses,\n               registers a device does not have, bad virtio use "
      "(never fatal;\n               a few of each kind are shown, the rest counted)" },
    { "unimp", TRACE_UNIMP, "what the guest uses that rvbox does not implement: unknown "
      "CSRs\n               (the guest gets illegal instruction, as the spec says)" },
    { "nochain", 0, "accepted for QEMU's sake: rvbox's traces see every block anyway" },
    { "help", 0, "this list" },
};

const char trace_help[] =
    "  -d ITEMS, --trace ITEMS\n"
    "                 trace ITEMS, a comma list: exec, cpu, in_asm, out_asm, int, mmu,\n"
    "                 guest_errors, unimp (-d help says what each shows)\n"
    "  -D FILE, --trace-file FILE\n"
    "                 write the trace to FILE instead of stderr\n"
    "  --trace-range LO:HI  trace only instructions with pc in [LO, HI) (hex)\n"
    "  --trace-first N      stop tracing after N lines\n"
    "  --trace-last N       keep only the last N lines, printed when rvbox ends\n"
    "  --symbols FILE       read symbols from this ELF too (several allowed); those of\n"
    "                       -kernel and -bios are always read\n"
    "  --history N          when the guest fails, print its last N control transfers\n"
    "                       (default 16, at most 64; 0: none)\n";

void trace_options_init(struct trace_options *o)
{
    memset(o, 0, sizeof *o);
    o->history = TRACE_HISTORY_DEFAULT;
}

static const char *value_of(int *i, int argc, char **argv, char *err, size_t errlen)
{
    if (*i + 1 >= argc) {
        snprintf(err, errlen, "%s needs a value (try --help)", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

void trace_print_items(FILE *out)
{
    fprintf(out, "Trace items for -d (a comma list, e.g. -d int,guest_errors):\n");
    for (size_t k = 0; k < sizeof items / sizeof items[0]; k++)
        fprintf(out, "%-14s %s\n", items[k].name, items[k].help);
    fprintf(out, "-D FILE writes them to FILE; --trace-range, --trace-first and --trace-last "
            "limit them\n(see docs/debugging.md).\n");
}

int trace_parse_items(const char *v, unsigned *flags, char *err, size_t errlen)
{
    const char *p = v;
    bool any = false;
    *flags = 0;
    while (*p) {
        size_t n = strcspn(p, ","), k;
        for (k = 0; k < sizeof items / sizeof items[0]; k++)
            if (strlen(items[k].name) == n && !strncmp(p, items[k].name, n))
                break;
        if (k == sizeof items / sizeof items[0]) {
            snprintf(err, errlen, "-d %s: unknown item '%.*s' (-d help lists them)", v,
                     (int)n, p);
            return -1;
        }
        if (!strcmp(items[k].name, "help"))
            return 1;
        *flags |= items[k].flag;
        any = true;
        p += n;
        if (*p == ',')
            p++;
    }
    if (!any) {
        snprintf(err, errlen, "-d needs items (e.g. -d exec,int; -d help lists them)");
        return -1;
    }
    return 0;
}

static int parse_items(struct trace_options *o, const char *v, char *err, size_t errlen)
{
    unsigned flags;
    int r = trace_parse_items(v, &flags, err, errlen);
    if (r == 1) {
        /* -d help, as QEMU's: the list, and nothing else is done. */
        trace_print_items(stdout);
        fflush(stdout);
        exit(0);
    }
    if (r == 0)
        o->flags |= flags;
    return r;
}

/* A number in `base` (16 also takes a 0x prefix) that must fill the whole string.
 * It must start with a digit: strtoull skips blanks and takes a sign, so " -1" would
 * wrap to 2^64 - 1 without an error. */
static bool parse_u64(const char *s, int base, uint64_t *out)
{
    char *end;
    if (!(base == 16 ? isxdigit((unsigned char)*s) : isdigit((unsigned char)*s)))
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, base);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

static int parse_range(struct trace_options *o, const char *v, char *err, size_t errlen)
{
    char lo[32], hi[32];
    const char *colon = strchr(v, ':');
    uint64_t a, b;
    if (!colon || (size_t)(colon - v) >= sizeof lo || strlen(colon + 1) >= sizeof hi)
        goto bad;
    memcpy(lo, v, (size_t)(colon - v));
    lo[colon - v] = '\0';
    strcpy(hi, colon + 1);
    if (!parse_u64(lo, 16, &a) || !parse_u64(hi, 16, &b) || a > UINT32_MAX || b > 0x100000000ull ||
        a >= b)
        goto bad;
    o->has_range = true;
    o->lo = (uint32_t)a;
    o->hi = (uint32_t)b;                /* 0x100000000 wraps to 0: see in_range() */
    return 0;
bad:
    snprintf(err, errlen, "--trace-range %s: want LO:HI in hex with LO < HI (e.g. 80000000:80001000)", v);
    return -1;
}

int trace_option(struct trace_options *o, const char *name, int *i, int argc, char **argv,
                 char *err, size_t errlen)
{
    const char *v;
    uint64_t n;
    if (!strcmp(name, "-d") || !strcmp(name, "-trace")) {
        if (!(v = value_of(i, argc, argv, err, errlen)) || parse_items(o, v, err, errlen))
            return -1;
    } else if (!strcmp(name, "-D") || !strcmp(name, "-trace-file")) {
        if (!(o->file = value_of(i, argc, argv, err, errlen)))
            return -1;
    } else if (!strcmp(name, "-trace-range")) {
        if (!(v = value_of(i, argc, argv, err, errlen)) || parse_range(o, v, err, errlen))
            return -1;
    } else if (!strcmp(name, "-trace-first") || !strcmp(name, "-trace-last")) {
        if (!(v = value_of(i, argc, argv, err, errlen)))
            return -1;
        if (!parse_u64(v, 10, &n) || n == 0) {
            snprintf(err, errlen, "%s %s: want a positive number", argv[*i - 1], v);
            return -1;
        }
        if (name[7] == 'f')
            o->first = n;
        else
            o->last = n;
    } else if (!strcmp(name, "-history")) {
        if (!(v = value_of(i, argc, argv, err, errlen)))
            return -1;
        if (!parse_u64(v, 10, &n) || n > HART_HISTORY_LEN) {
            snprintf(err, errlen, "--history %s: want 0 to %d", v, HART_HISTORY_LEN);
            return -1;
        }
        o->history = (unsigned)n;
    } else if (!strcmp(name, "-symbols")) {
        if (!(v = value_of(i, argc, argv, err, errlen)))
            return -1;
        if (o->nsymbol_files == TRACE_MAX_SYMBOL_FILES) {
            snprintf(err, errlen, "too many --symbols files (at most %d)", TRACE_MAX_SYMBOL_FILES);
            return -1;
        }
        o->symbol_files[o->nsymbol_files++] = v;
    } else {
        return 0;
    }
    return 1;
}

/* ---- guest memory, as a debugger sees it ---- */

/* Host memory behind physical [pa, pa + len): RAM (including pages a device overlays,
 * such as HTIF's) or ROM, never MMIO. */
static uint8_t *host_memory(struct machine *m, uint32_t pa, uint32_t len)
{
    uint8_t *p = machine_ram(m, pa, len);
    if (p)
        return p;
    const struct bus_region *r = bus_find(machine_bus(m), pa);
    if (!r || !r->host || len > r->size - (pa - r->base))
        return NULL;
    return r->host + (pa - r->base);
}

/* Physical address of virtual `va` for a debugger: a mapping readable now, else one
 * writable (so that a debugger can read and patch what loads could not reach). */
static bool debug_translate(struct hart *h, uint32_t va, uint32_t *pa)
{
    return hart_debug_translate(h, va, false, pa) || hart_debug_translate(h, va, true, pa);
}

/* Something the debugger wrote changed memory behind every hart's back. */
static void flush_all(struct machine *m)
{
    for (unsigned i = 0; i < machine_nharts(m); i++)
        hart_flush_caches(machine_hart_at(m, i));
}

bool trace_guest_memory(struct machine *m, uint32_t addr, void *buf, uint32_t len, bool virt,
                        bool write)
{
    return trace_guest_memory_at(m, machine_hart(m), addr, buf, len, virt, write);
}

bool trace_guest_memory_at(struct machine *m, struct hart *h, uint32_t addr, void *buf,
                           uint32_t len, bool virt, bool write)
{
    /* Check every page first, so that a write that cannot complete writes nothing. */
    for (int pass = 0; pass < 2; pass++) {
        uint32_t done = 0;
        while (done < len) {
            uint32_t a = addr + done;
            uint32_t chunk = PAGE_SIZE - (a & (PAGE_SIZE - 1));
            if (chunk > len - done)
                chunk = len - done;
            uint32_t pa = a;
            if (virt && !debug_translate(h, a, &pa))
                return false;
            uint8_t *host = host_memory(m, pa, chunk);
            if (!host)
                return false;
            if (pass == 1 && write)
                memcpy(host, (uint8_t *)buf + done, chunk);
            else if (pass == 1)
                memcpy((uint8_t *)buf + done, host, chunk);
            done += chunk;
        }
    }
    if (write && len)
        flush_all(m);
    return true;
}

/* Part of a device's registers, as a debugger reads or writes them: in the widest
 * accesses the device takes that are aligned and fit. A read narrower than any access it
 * takes reads the aligned access holding the bytes (as QEMU's debugger accesses do); a
 * write that narrow is refused (it would write the other bytes too). */
static bool mmio_debug_access(struct bus *bus, const struct bus_region *r, uint32_t pa,
                              uint8_t *buf, uint32_t len, bool write)
{
    while (len) {
        unsigned size = 4;
        while (size > 1 && (!(r->sizes & size) || (pa & (size - 1)) || size > len))
            size /= 2;
        uint32_t v = 0;
        if (r->sizes & size) {
            if (write) {
                memcpy(&v, buf, size);
                if (!bus_write(bus, pa, size, v))
                    return false;
            } else {
                if (!bus_read(bus, pa, size, &v))
                    return false;
                memcpy(buf, &v, size);
            }
            pa += size;
            buf += size;
            len -= size;
            continue;
        }
        if (write)
            return false;
        unsigned wide = (r->sizes & BUS_SIZE_2) ? 2 : 4;
        uint32_t base = pa & ~(uint32_t)(wide - 1), off = pa - base;
        uint32_t n = wide - off < len ? wide - off : len;
        if (!bus_read(bus, base, wide, &v))
            return false;
        memcpy(buf, (uint8_t *)&v + off, n);
        pa += n;
        buf += n;
        len -= n;
    }
    return true;
}

bool trace_debugger_memory(struct machine *m, uint32_t addr, void *buf, uint32_t len,
                           bool virt, bool write)
{
    return trace_debugger_memory_at(m, machine_hart(m), addr, buf, len, virt, write);
}

bool trace_debugger_memory_at(struct machine *m, struct hart *h, uint32_t addr, void *buf,
                              uint32_t len, bool virt, bool write)
{
    struct bus *bus = machine_bus(m);
    bool wrote_memory = false;
    /* Check every piece first, so that an access that cannot complete does nothing. */
    for (int pass = 0; pass < 2; pass++) {
        uint32_t done = 0;
        while (done < len) {
            uint32_t a = addr + done;
            uint32_t chunk = PAGE_SIZE - (a & (PAGE_SIZE - 1));
            if (chunk > len - done)
                chunk = len - done;
            uint32_t pa = a;
            if (virt && !debug_translate(h, a, &pa))
                return false;
            uint8_t *host = host_memory(m, pa, chunk), *p = (uint8_t *)buf + done;
            if (!host) {
                const struct bus_region *r = bus_find(bus, pa);
                if (!r)
                    return false;
                if (chunk > r->size - (pa - r->base))
                    chunk = r->size - (pa - r->base);
                if (r->host) {
                    host = r->host + (pa - r->base);        /* memory, up to its end */
                } else {
                    if (pass == 1 && !mmio_debug_access(bus, r, pa, p, chunk, write))
                        return false;
                    done += chunk;
                    continue;
                }
            }
            if (pass == 1 && write) {
                memcpy(host, p, chunk);
                wrote_memory = true;
            } else if (pass == 1) {
                memcpy(p, host, chunk);
            }
            done += chunk;
        }
    }
    if (wrote_memory)
        flush_all(m);
    return true;
}

/* ---- names ---- */

const char *trace_cause_name(uint32_t cause)
{
    static const char *const exceptions[16] = {
        [CAUSE_MISALIGNED_FETCH] = "instruction address misaligned",
        [CAUSE_FETCH_ACCESS] = "instruction access fault",
        [CAUSE_ILLEGAL_INSN] = "illegal instruction",
        [CAUSE_BREAKPOINT] = "breakpoint",
        [CAUSE_MISALIGNED_LOAD] = "load address misaligned",
        [CAUSE_LOAD_ACCESS] = "load access fault",
        [CAUSE_MISALIGNED_STORE] = "store/AMO address misaligned",
        [CAUSE_STORE_ACCESS] = "store/AMO access fault",
        [CAUSE_ECALL_U] = "environment call from U-mode",
        [CAUSE_ECALL_S] = "environment call from S-mode",
        [CAUSE_ECALL_M] = "environment call from M-mode",
        [CAUSE_FETCH_PAGE_FAULT] = "instruction page fault",
        [CAUSE_LOAD_PAGE_FAULT] = "load page fault",
        [CAUSE_STORE_PAGE_FAULT] = "store/AMO page fault",
    };
    static const char *const interrupts[12] = {
        [IRQ_S_SOFT] = "supervisor software interrupt",
        [IRQ_M_SOFT] = "machine software interrupt",
        [IRQ_S_TIMER] = "supervisor timer interrupt",
        [IRQ_M_TIMER] = "machine timer interrupt",
        [IRQ_S_EXT] = "supervisor external interrupt",
        [IRQ_M_EXT] = "machine external interrupt",
    };
    uint32_t code = cause & ~CAUSE_INTERRUPT;
    const char *name = NULL;
    if (cause & CAUSE_INTERRUPT)
        name = code < 12 ? interrupts[code] : NULL;
    else
        name = code < 16 ? exceptions[code] : NULL;
    return name ? name : (cause & CAUSE_INTERRUPT) ? "unknown interrupt" : "unknown exception";
}

static char priv_letter(enum hart_priv p)
{
    return p == PRIV_M ? 'M' : p == PRIV_S ? 'S' : p == PRIV_U ? 'U' : '?';
}

/* ---- the trace ---- */

/* One trace line kept for --trace-last, formatted only when printed. */
struct event {
    bool is_trap;
    uint8_t priv, from, to;
    uint8_t hart;               /* said when the machine has several */
    uint32_t pc, raw;           /* exec: where and what; trap: epc and tval */
    uint32_t cause;
};

/* -d guest_errors, unimp: how many of each kind of report are printed (then counted). */
#define LOG_SHOWN_PER_SITE 10
#define LOG_SITES 128

struct log_site {
    const char *site;           /* the report's format: its kind */
    uint64_t count;
};

/* What the hooks of one hart get: the trace, and which hart calls. */
struct trace_hart {
    struct trace *t;
    struct hart *h;
    unsigned id;
    /* blocks while the plain step runs (-d cpu, and in_asm then) */
    uint32_t block_next;        /* where the current block's next instruction is */
    unsigned block_left;        /* instructions of it still to come; 0: a block starts */
    bool loop_told;             /* the hart's current trap loop was reported */
};

struct trace {
    struct trace_options o;
    const struct symbols *syms;
    FILE *out;
    bool own_out;
    struct machine *m;          /* the current machine */
    struct hart *hart;          /* its hart 0 (NULL: no machine) */
    struct trace_hart th[MACHINE_MAX_HARTS];    /* each hart's hooks' context */
    unsigned nharts;            /* of the machine; several: lines say which hart */
    uint64_t lines;             /* lines traced so far (for --trace-first) */
    bool done;                  /* --trace-first reached */
    struct event *ring;         /* --trace-last: the last o.last events */
    uint64_t ring_pos;
    uint32_t *seen;             /* in_asm on the plain step: physical pcs of blocks shown, */
    size_t nseen, seen_cap;     /* an open-addressing set of pa | 1 */
    /* -d guest_errors, unimp */
    struct log_site sites[LOG_SITES];
    unsigned nsites;
    char last_msg[256];         /* the last report printed, and how often it came again */
    enum guest_log_kind last_kind;
    uint64_t last_repeats;
    uint64_t not_shown[2];      /* reports over their kind's share: errors, unimp */
    /* -d out_asm */
    csh capstone;
    cs_insn *insn;              /* Capstone's one-instruction buffer */
    bool told_no_jit;           /* said once that the JIT is not running */
    uint64_t seen_flushes[MACHINE_MAX_HARTS];   /* of each hart's JIT, at its last
                                                   translation */
    uint64_t translations, flushes;     /* of machines gone (reboots) */
    bool counted;               /* the counts were printed */
};

/* With several harts, every line starts with the hart's number: "hart2 ". */
static void print_hart(FILE *out, const struct trace *t, unsigned id)
{
    if (t->nharts > 1)
        fprintf(out, "hart%u ", id);
}

/* "[M] 80000010 <_start+0x10>  addi x10, x10, 1" */
static void print_exec(FILE *out, const struct symbols *syms, const struct event *e)
{
    char text[96], sym[160];
    disasm(e->raw, e->pc, text, sizeof text);
    symbols_format(syms, e->pc, sym, sizeof sym);
    fprintf(out, "[%c] %08x %s%s %s\n", priv_letter((enum hart_priv)e->priv), e->pc, sym,
            sym[0] ? " " : "", text);
}

/* "trap: illegal instruction (2) from S to M epc=80400010 <foo+0x4> tval=00000000" */
static void print_trap(FILE *out, const struct symbols *syms, const struct event *e)
{
    char esym[160], tsym[160];
    symbols_format(syms, e->pc, esym, sizeof esym);
    if (e->raw)
        symbols_format(syms, e->raw, tsym, sizeof tsym);
    else
        tsym[0] = '\0';
    bool irq = e->cause & CAUSE_INTERRUPT;
    fprintf(out, "trap: %s (%s%u) from %c to %c epc=%08x%s%s tval=%08x%s%s\n",
            trace_cause_name(e->cause), irq ? "irq " : "", e->cause & ~CAUSE_INTERRUPT,
            priv_letter((enum hart_priv)e->from), priv_letter((enum hart_priv)e->to), e->pc,
            esym[0] ? " " : "", esym, e->raw, tsym[0] ? " " : "", tsym);
}

static void print_event(const struct trace *t, const struct event *e)
{
    FILE *out = t->out;
    const struct symbols *syms = t->syms;
    print_hart(out, t, e->hart);
    if (e->is_trap)
        print_trap(out, syms, e);
    else
        print_exec(out, syms, e);
}

/* --trace-first reached: every trace hook comes out (the log and the trap-loop hook stay:
 * they are not trace lines). */
static void stop_tracing(struct trace *t)
{
    t->done = true;
    for (unsigned i = 0; i < t->nharts; i++) {
        struct hart *h = t->th[i].h;
        hart_set_trace(h, NULL);    /* back to the hart's fast loop */
        hart_set_translation_hook(h, NULL, NULL);
        hart_set_decode_hook(h, NULL, NULL);
        hart_set_walk_hook(h, NULL, NULL);
    }
}

/* A line (or a block, a register dump) went out: count it for --trace-first. */
static void count_line(struct trace *t)
{
    if (t->o.first && ++t->lines >= t->o.first)
        stop_tracing(t);
}

/* exec and int events go through here: printed now, or kept in the --trace-last ring. */
static void record(struct trace *t, const struct event *e)
{
    if (t->done)
        return;
    if (t->ring)
        t->ring[t->ring_pos++ % t->o.last] = *e;
    else
        print_event(t, e);
    count_line(t);
}

static bool in_range(const struct trace *t, uint32_t pc)
{
    if (!t->o.has_range)
        return true;
    return pc >= t->o.lo && (t->o.hi == 0 || pc < t->o.hi);
}

/* Is pc the trapping instruction of the loop the hart is in (hart.h)? Its repeats are
 * not traced again. */
static bool in_loop_at(const struct trace_hart *th, uint32_t addr)
{
    struct hart_trap_loop l;
    return th->loop_told && hart_trap_loop(th->h, &l) && (l.epc == addr || l.tval == addr);
}

/* ---- blocks: -d in_asm, and the plain step's blocks for -d cpu ---- */

/* "IN: 80000018 <add_two> (2 instructions)", then one line per instruction. */
static void print_block(struct trace *t, unsigned hart, const struct hart_translation *b)
{
    char sym[160], text[96];
    symbols_format(t->syms, b->pc, sym, sizeof sym);
    print_hart(t->out, t, hart);
    fprintf(t->out, "IN: %08x%s%s (%u instruction%s)\n", b->pc, sym[0] ? " " : "", sym,
            b->ninsns, b->ninsns == 1 ? "" : "s");
    uint32_t pc = b->pc;
    for (unsigned i = 0; i < b->ninsns && i < sizeof b->raw / sizeof b->raw[0]; i++) {
        disasm(b->raw[i], pc, text, sizeof text);
        symbols_format(t->syms, pc, sym, sizeof sym);
        fprintf(t->out, "  %08x %s%s %s\n", pc, sym, sym[0] ? " " : "", text);
        pc += b->len[i];
    }
}

/* The block engine decoded a block (-d in_asm on the block engine and the JIT). */
static void on_decode(void *opaque, const struct hart_translation *b)
{
    struct trace_hart *th = opaque;
    struct trace *t = th->t;
    if (t->done || !in_range(t, b->pc))
        return;
    print_block(t, th->id, b);
    fputc('\n', t->out);
    count_line(t);
}

/* In the set of blocks shown (the plain step's in_asm)? Adds it if not. */
static bool seen_before(struct trace *t, uint32_t pa)
{
    uint32_t key = pa | 1;
    if (2 * (t->nseen + 1) > t->seen_cap) {
        size_t cap = t->seen_cap ? 2 * t->seen_cap : 1024;
        uint32_t *set = calloc(cap, sizeof *set);
        if (!set)
            return true;        /* out of memory: show nothing more */
        for (size_t k = 0; k < t->seen_cap; k++) {
            if (!t->seen[k])
                continue;
            size_t j = (t->seen[k] * 2654435761u) & (cap - 1);
            while (set[j])
                j = (j + 1) & (cap - 1);
            set[j] = t->seen[k];
        }
        free(t->seen);
        t->seen = set;
        t->seen_cap = cap;
    }
    size_t j = (key * 2654435761u) & (t->seen_cap - 1);
    while (t->seen[j]) {
        if (t->seen[j] == key)
            return true;
        j = (j + 1) & (t->seen_cap - 1);
    }
    t->seen[j] = key;
    t->nseen++;
    return false;
}

static const char *const abi_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3",
    "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
    "t3", "t4", "t5", "t6",
};

/* -d cpu: the registers and the CSRs that matter, before the block at pc runs:
 *   cpu: [M] pc 80000018 <add_two>
 *     x0/zero 00000000  x1/ra   80000012  x2/sp   80001000  x3/gp   00000000
 *     ... (32 registers, 4 a line)
 *     mstatus  00001800  mie      00000080  mip      00000000  mtvec    8000001c
 *     ... (the M-mode trap CSRs, delegation, satp and the S-mode trap CSRs) */
static void print_cpu(struct trace_hart *th, uint32_t pc, enum hart_priv priv)
{
    struct trace *t = th->t;
    struct hart *h = th->h;
    char sym[160], name[16];
    symbols_format(t->syms, pc, sym, sizeof sym);
    print_hart(t->out, t, th->id);
    fprintf(t->out, "cpu: [%c] pc %08x%s%s\n", priv_letter(priv), pc, sym[0] ? " " : "", sym);
    for (unsigned r = 0; r < 32; r++) {
        snprintf(name, sizeof name, "x%u/%s", r, abi_names[r]);
        fprintf(t->out, "  %-8s%08x%s", name, hart_get_reg(h, r),
                r % 4 == 3 ? "\n" : "");
    }
    static const struct { uint16_t csr; const char *name; } csrs[16] = {
        { CSR_MSTATUS, "mstatus" }, { CSR_MIE, "mie" }, { CSR_MIP, "mip" },
        { CSR_MTVEC, "mtvec" }, { CSR_MSCRATCH, "mscratch" }, { CSR_MEPC, "mepc" },
        { CSR_MCAUSE, "mcause" }, { CSR_MTVAL, "mtval" },
        { CSR_MEDELEG, "medeleg" }, { CSR_MIDELEG, "mideleg" }, { CSR_SATP, "satp" },
        { CSR_STVEC, "stvec" }, { CSR_SSCRATCH, "sscratch" }, { CSR_SEPC, "sepc" },
        { CSR_SCAUSE, "scause" }, { CSR_STVAL, "stval" },
    };
    for (unsigned k = 0; k < 16; k++) {
        uint32_t v = 0;
        hart_csr_get(h, csrs[k].csr, &v);
        fprintf(t->out, "  %-9s%08x%s", csrs[k].name, v, k % 4 == 3 ? "\n" : "");
    }
}

/* A block starts at pc while the plain step runs: its instructions (in_asm, once per
 * physical address) and the registers (cpu). */
static void block_start(struct trace_hart *th, uint32_t pc, enum hart_priv priv)
{
    struct trace *t = th->t;
    struct hart_translation b;
    if (!hart_block_at(th->h, pc, &b)) {
        th->block_left = 1;     /* not memory: the step will fault on it */
        return;
    }
    th->block_left = b.ninsns;
    if (!in_range(t, pc) || in_loop_at(th, pc))
        return;
    if ((t->o.flags & TRACE_IN_ASM) && !seen_before(t, b.pa)) {
        print_block(t, th->id, &b);
        if (!(t->o.flags & TRACE_CPU))
            fputc('\n', t->out);
        count_line(t);
    }
    if ((t->o.flags & TRACE_CPU) && !t->done) {
        print_cpu(th, pc, priv);
        count_line(t);
    }
}

static void on_insn(void *opaque, uint32_t pc, uint32_t raw, enum hart_priv priv)
{
    struct trace_hart *th = opaque;
    struct trace *t = th->t;
    if (t->done)
        return;
    if (t->o.flags & (TRACE_CPU | TRACE_IN_ASM)) {
        if (pc != th->block_next || th->block_left == 0)
            block_start(th, pc, priv);
        th->block_left--;
        th->block_next = pc + ((raw & 3) == 3 ? 4 : 2);
    }
    if (!(t->o.flags & TRACE_EXEC) || !in_range(t, pc) || in_loop_at(th, pc) || t->done)
        return;
    struct event e = { .is_trap = false, .priv = (uint8_t)priv, .hart = (uint8_t)th->id,
                       .pc = pc, .raw = raw };
    record(t, &e);
}

static void on_trap(void *opaque, uint32_t cause, uint32_t epc, uint32_t tval,
                    enum hart_priv from, enum hart_priv to)
{
    struct trace_hart *th = opaque;
    struct trace *t = th->t;
    if (!(cause & CAUSE_INTERRUPT))
        th->loop_told = false;  /* a new exception: any loop is over */
    struct event e = { .is_trap = true, .from = (uint8_t)from, .to = (uint8_t)to,
                       .hart = (uint8_t)th->id, .pc = epc, .raw = tval, .cause = cause };
    record(t, &e);
}

/* ---- -d mmu ---- */

/* "mmu: load c0001234 [S] satp 80081234: 81234c00 = 20001c01, 80007004 = 2001e0cf
 *  -> 80078234 (sets A)", or "-> instruction page fault (12)". */
static void on_walk(void *opaque, const struct hart_walk *w)
{
    struct trace_hart *th = opaque;
    struct trace *t = th->t;
    static const char *const access[3] = { "load", "store", "fetch" };
    if (t->done || in_loop_at(th, w->va))
        return;
    print_hart(t->out, t, th->id);
    fprintf(t->out, "mmu: %s %08x [%c] satp %08x:", access[w->access % 3], w->va,
            priv_letter((enum hart_priv)w->priv), w->satp);
    for (unsigned i = 0; i < w->levels && i < 2; i++)
        fprintf(t->out, "%s pte %08x = %08x", i ? "," : "", w->pte_addr[i], w->pte[i]);
    if (w->fault && (w->cause == CAUSE_LOAD_ACCESS || w->cause == CAUSE_STORE_ACCESS ||
                     w->cause == CAUSE_FETCH_ACCESS) && w->levels < 2)
        fprintf(t->out, "%s pte %08x not in memory", w->levels ? "," : "",
                w->pte_addr[w->levels]);
    if (w->fault)
        fprintf(t->out, " -> %s (%u)\n", trace_cause_name(w->cause), w->cause);
    else
        fprintf(t->out, " -> %08x%s\n", w->pa,
                w->ad_set & PTE_D ? " (sets A and D)" : w->ad_set ? " (sets A)" : "");
    count_line(t);
}

/* ---- -d guest_errors, unimp: the core's log ---- */

static const char *log_prefix(enum guest_log_kind kind)
{
    return kind == GUEST_LOG_UNIMP ? "unimp" : "guest_errors";
}

/* The report that came again (and again) before this line: say how often. */
static void flush_repeats(struct trace *t)
{
    if (t->last_repeats)
        fprintf(t->out, "%s: (the same %" PRIu64 " more time%s)\n", log_prefix(t->last_kind),
                t->last_repeats, t->last_repeats == 1 ? "" : "s");
    t->last_repeats = 0;
}

/* One report from the core. The same report again at once is counted, not printed; of
 * each kind (its format), LOG_SHOWN_PER_SITE + 1 are printed, the last saying so, and
 * the rest counted (the total comes at the end). */
static void on_log(void *opaque, enum guest_log_kind kind, const char *site, const char *msg)
{
    struct trace *t = opaque;
    if (kind == t->last_kind && !strcmp(msg, t->last_msg)) {
        t->last_repeats++;
        return;
    }
    struct log_site *s = NULL;
    for (unsigned k = 0; k < t->nsites && !s; k++)
        if (t->sites[k].site == site)
            s = &t->sites[k];
    if (!s && t->nsites < LOG_SITES) {
        s = &t->sites[t->nsites++];
        s->site = site;
        s->count = 0;
    }
    uint64_t n = s ? ++s->count : LOG_SHOWN_PER_SITE + 2;
    if (n > LOG_SHOWN_PER_SITE + 1) {
        t->not_shown[kind == GUEST_LOG_UNIMP]++;
        return;
    }
    flush_repeats(t);
    fprintf(t->out, "%s: %s%s\n", log_prefix(kind), msg,
            n == LOG_SHOWN_PER_SITE + 1 ? " (and more of this kind: counted, not shown)" : "");
    snprintf(t->last_msg, sizeof t->last_msg, "%s", msg);
    t->last_kind = kind;
}

/* ---- trap loops ---- */

/* The hart entered a trap loop: once, on stderr (and in the -d int trace), with the
 * transfers that led into it. */
static void on_trap_loop(void *opaque, const struct hart_trap_loop *l)
{
    struct trace_hart *th = opaque;
    struct trace *t = th->t;
    th->loop_told = true;
    char sym[160];
    symbols_format(t->syms, l->epc, sym, sizeof sym);
    if ((t->o.flags & TRACE_INT) && !t->done) {
        print_hart(t->out, t, th->id);
        fprintf(t->out, "trap: the same %s again and again at %08x%s%s: a trap loop (rvbox "
                "shows it once)\n", trace_cause_name(l->cause), l->epc, sym[0] ? " " : "", sym);
    }
    if (!t->o.history)
        return;
    trace_flush(t);
    char who[24] = "";
    if (t->nharts > 1)
        snprintf(who, sizeof who, "hart %u: ", th->id);
    fprintf(stderr, "rvbox: %strap loop: %s (%u) at %08x%s%s, tval=%08x, taken from %c to %c "
            "again and again: the trap vector (%s) raises it itself; it came from:\n", who,
            trace_cause_name(l->cause), l->cause, l->epc, sym[0] ? " " : "", sym, l->tval,
            priv_letter(l->from), priv_letter(l->to), l->to == PRIV_M ? "mtvec" : "stvec");
    trace_print_history_at(stderr, t->m, th->h, t->syms, 4);
    fflush(stderr);
}

/* ---- -d out_asm: the JIT's translations ---- */

/* The host code, one instruction a line: "  7f12a4c01040:  mov eax, dword ptr [rbx + 0x48]".
 * What Capstone cannot decode is shown as bytes. */
static void print_host_code(struct trace *t, const uint8_t *code, size_t len)
{
    const uint8_t *p = code;
    size_t left = len;
    uint64_t addr = (uint64_t)(uintptr_t)code;
    while (left) {
        if (cs_disasm_iter(t->capstone, &p, &left, &addr, t->insn)) {
            fprintf(t->out, "  %012" PRIx64 ":  %s%s%s\n", t->insn->address, t->insn->mnemonic,
                    t->insn->op_str[0] ? " " : "", t->insn->op_str);
            continue;
        }
        fprintf(t->out, "  %012" PRIx64 ":  .byte 0x%02x\n", addr, *p);
        p++;
        left--;
        addr++;
    }
}

static void on_translation(void *opaque, const struct hart_translation *tr)
{
    struct trace_hart *th = opaque;
    struct trace *t = th->t;
    uint64_t translations, flushes;
    if (t->done)
        return;
    /* A flush is reported whatever the range, as traps are. */
    if (hart_jit_counts(th->h, &translations, &flushes) && flushes != t->seen_flushes[th->id]) {
        print_hart(t->out, t, th->id);
        fprintf(t->out, "---- the code cache was flushed (%" PRIu64 " flush%s so far); "
                "everything is translated again ----\n\n", flushes, flushes == 1 ? "" : "es");
        t->seen_flushes[th->id] = flushes;
    }
    if (!in_range(t, tr->pc))
        return;
    print_block(t, th->id, tr);
    fprintf(t->out, "OUT: %zu bytes at %012" PRIxPTR "\n", tr->code_len, (uintptr_t)tr->code);
    print_host_code(t, tr->code, tr->code_len);
    fputc('\n', t->out);
    count_line(t);
}

/* -d out_asm: the totals, once, to the trace. */
static void print_counts(struct trace *t)
{
    if (!(t->o.flags & TRACE_OUT_ASM) || t->counted)
        return;
    uint64_t translations = t->translations, flushes = t->flushes, n, f;
    for (unsigned i = 0; t->hart && i < t->nharts; i++) {
        if (hart_jit_counts(t->th[i].h, &n, &f)) {
            translations += n;
            flushes += f;
        }
    }
    fprintf(t->out, "out_asm: %" PRIu64 " translation%s, %" PRIu64 " flush%s of the code cache\n",
            translations, translations == 1 ? "" : "s", flushes, flushes == 1 ? "" : "es");
    t->counted = true;
}

struct trace *trace_open(const struct trace_options *o, const struct symbols *syms,
                         char *err, size_t errlen)
{
    if (!o->flags && (o->has_range || o->first || o->last)) {
        snprintf(err, errlen, "--trace-%s limits a trace: add -d and its items (-d help "
                 "lists them)",
                 o->has_range ? "range" : o->first ? "first" : "last");
        return NULL;
    }
    if ((o->flags & TRACE_RECORDS) && o->last) {
        snprintf(err, errlen, "--trace-last keeps exec and int lines, not -d %s's records "
                 "(try --trace-first or --trace-range)",
                 o->flags & TRACE_OUT_ASM ? "out_asm" : o->flags & TRACE_IN_ASM ? "in_asm"
                 : o->flags & TRACE_CPU ? "cpu" : "mmu");
        return NULL;
    }
    struct trace *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->o = *o;
    t->syms = syms;
    if (o->flags & TRACE_OUT_ASM) {
        cs_err e = cs_open(CS_ARCH_X86, CS_MODE_64, &t->capstone);
        if (e != CS_ERR_OK || !(t->insn = cs_malloc(t->capstone))) {
            snprintf(err, errlen, "-d out_asm: Capstone cannot disassemble x86-64: %s",
                     cs_strerror(e != CS_ERR_OK ? e : CS_ERR_MEM));
            if (e == CS_ERR_OK)
                cs_close(&t->capstone);
            free(t);
            return NULL;
        }
    }
    if (o->last && (o->flags & (TRACE_EXEC | TRACE_INT))) {
        if (o->last > (64u << 20) / sizeof(struct event) ||
            !(t->ring = calloc(o->last, sizeof *t->ring))) {
            snprintf(err, errlen, "--trace-last %llu: too many to keep",
                     (unsigned long long)o->last);
            free(t);            /* no Capstone: out_asm refuses --trace-last */
            return NULL;
        }
    }
    if (o->file && o->flags) {
        if (!(t->out = fopen(o->file, "w"))) {
            snprintf(err, errlen, "-D %s: %s", o->file, strerror(errno));
            free(t->ring);
            if (t->insn) {
                cs_free(t->insn, 1);
                cs_close(&t->capstone);
            }
            free(t);
            return NULL;
        }
        t->own_out = true;
    } else {
        t->out = stderr;
        /* An instruction trace on an unbuffered stderr would cost a write() a line. */
        if (o->flags && !isatty(STDERR_FILENO))
            setvbuf(stderr, NULL, _IOFBF, 1 << 16);
    }
    return t;
}

void trace_attach(struct trace *t, struct machine *m)
{
    if (!t)
        return;
    t->m = m;
    t->hart = machine_hart(m);
    t->nharts = machine_nharts(m);
    for (unsigned i = 0; i < t->nharts; i++) {
        t->th[i] = (struct trace_hart){ .t = t, .h = machine_hart_at(m, i), .id = i };
        hart_set_trap_loop_hook(t->th[i].h, on_trap_loop, &t->th[i]);
    }
    unsigned f = t->o.flags;
    if (f & (TRACE_GUEST_ERRORS | TRACE_UNIMP)) {
        struct guest_log *log = bus_log(machine_bus(m));
        log->sink = on_log;
        log->opaque = t;
        log->mask = (f & TRACE_GUEST_ERRORS ? GUEST_LOG_ERROR : 0) |
                    (f & TRACE_UNIMP ? GUEST_LOG_UNIMP : 0);
    }
    if (!f || t->done)
        return;
    bool told = false;
    for (unsigned i = 0; i < t->nharts; i++) {
        struct trace_hart *th = &t->th[i];
        struct hart *h = th->h;
        /* in_asm sees blocks as the block engine decodes them; on the plain step (-accel
         * step, or exec and cpu, which run it) it finds them itself, instruction by
         * instruction. */
        bool step = (f & (TRACE_EXEC | TRACE_CPU)) ||
                    ((f & TRACE_IN_ASM) && hart_get_engine(h) == HART_ENGINE_STEP);
        if (step || (f & TRACE_INT)) {
            struct hart_trace hooks = { .opaque = th };
            if (step)
                hooks.insn = on_insn;
            if (f & TRACE_INT)
                hooks.trap = on_trap;
            hart_set_trace(h, &hooks);
        }
        if ((f & TRACE_IN_ASM) && !step)
            hart_set_decode_hook(h, on_decode, th);
        if (f & TRACE_MMU)
            hart_set_walk_hook(h, on_walk, th);
        if (f & TRACE_OUT_ASM) {
            uint64_t n;
            t->seen_flushes[i] = 0;
            if (!hart_jit_counts(h, &n, &t->seen_flushes[i]) && !t->told_no_jit && !told) {
                fprintf(stderr, "rvbox: -d out_asm: the JIT is not running (-accel, "
                        "RVBOX_ACCEL), so there is nothing to show\n");
                told = true;
            }
            hart_set_translation_hook(h, on_translation, th);
        }
    }
    if (told)
        t->told_no_jit = true;
}

/* Every hook the trace may have installed comes out (the trap-loop hook stays). */
static void unhook(struct trace *t)
{
    for (unsigned i = 0; i < t->nharts; i++) {
        struct hart *h = t->th[i].h;
        hart_set_trace(h, NULL);
        hart_set_translation_hook(h, NULL, NULL);
        hart_set_decode_hook(h, NULL, NULL);
        hart_set_walk_hook(h, NULL, NULL);
    }
    struct guest_log *log = bus_log(machine_bus(t->m));
    log->mask = 0;
}

unsigned trace_items(const struct trace *t)
{
    return t ? t->o.flags : 0;
}

int trace_set_items(struct trace *t, unsigned flags, char *err, size_t errlen)
{
    if ((flags & TRACE_RECORDS) && t->ring) {
        snprintf(err, errlen, "--trace-last keeps exec and int lines only");
        return -1;
    }
    if ((flags & TRACE_OUT_ASM) && !t->insn) {
        cs_err e = cs_open(CS_ARCH_X86, CS_MODE_64, &t->capstone);
        if (e != CS_ERR_OK || !(t->insn = cs_malloc(t->capstone))) {
            snprintf(err, errlen, "out_asm: Capstone cannot disassemble x86-64: %s",
                     cs_strerror(e != CS_ERR_OK ? e : CS_ERR_MEM));
            if (e == CS_ERR_OK)
                cs_close(&t->capstone);
            return -1;
        }
    }
    if (flags && t->o.file && !t->own_out) {
        FILE *f = fopen(t->o.file, "w");       /* -D without -d at start */
        if (!f) {
            snprintf(err, errlen, "-D %s: %s", t->o.file, strerror(errno));
            return -1;
        }
        fflush(t->out);
        t->out = f;
        t->own_out = true;
    }
    fflush(t->out);                 /* what the old items traced is there to read */
    t->o.flags = flags;
    t->done = false;
    t->lines = 0;
    t->counted = false;
    if (t->hart) {
        unhook(t);
        trace_attach(t, t->m);
    }
    return 0;
}

void trace_detach(struct trace *t)
{
    uint64_t n, f;
    if (!t || !t->hart)
        return;
    for (unsigned i = 0; i < t->nharts; i++) {
        if (hart_jit_counts(t->th[i].h, &n, &f)) {
            t->translations += n;
            t->flushes += f;
        }
    }
    t->hart = NULL;
    t->m = NULL;
}

void trace_flush(struct trace *t)
{
    if (t && t->out)
        fflush(t->out);
}

void trace_finish(struct trace *t)
{
    if (!t)
        return;
    if (t->ring) {
        uint64_t n = t->ring_pos < t->o.last ? t->ring_pos : t->o.last;
        for (uint64_t k = 0; k < n; k++)
            print_event(t, &t->ring[(t->ring_pos - n + k) % t->o.last]);
        free(t->ring);
        t->ring = NULL;
        t->done = true;         /* nothing more is recorded */
    }
    struct hart_trap_loop l;
    uint64_t repeats;
    for (unsigned i = 0; (t->o.flags & TRACE_INT) && t->hart && i < t->nharts; i++) {
        if ((repeats = hart_trap_loop(t->th[i].h, &l))) {
            print_hart(t->out, t, i);
            fprintf(t->out, "trap: the trap loop at %08x repeated %" PRIu64 " time%s\n",
                    l.epc, repeats, repeats == 1 ? "" : "s");
        }
    }
    flush_repeats(t);
    for (int k = 0; k < 2; k++) {
        if (t->not_shown[k])
            fprintf(t->out, "%s: %" PRIu64 " more report%s not shown\n",
                    log_prefix(k ? GUEST_LOG_UNIMP : GUEST_LOG_ERROR), t->not_shown[k],
                    t->not_shown[k] == 1 ? "" : "s");
        t->not_shown[k] = 0;
    }
    print_counts(t);
    fflush(t->out);
}

void trace_close(struct trace *t)
{
    if (!t)
        return;
    trace_finish(t);
    if (t->own_out)
        fclose(t->out);
    else
        fflush(t->out);
    if (t->insn) {
        cs_free(t->insn, 1);
        cs_close(&t->capstone);
    }
    free(t->seen);
    free(t);
}

/* ---- the failure report ---- */

/* Disassemble the instruction at virtual `pc` (as hart h sees it) into buf, or say it
 * cannot be read. */
static void disasm_at(struct machine *m, struct hart *h, uint32_t pc, char *buf, size_t len)
{
    uint16_t lo, hi = 0;
    if (!trace_guest_memory_at(m, h, pc, &lo, 2, true, false) ||
        ((lo & 3) == 3 && !trace_guest_memory_at(m, h, pc + 2, &hi, 2, true, false))) {
        snprintf(buf, len, "(not readable)");
        return;
    }
    disasm((uint32_t)lo | (uint32_t)hi << 16, pc, buf, len);
}

void trace_print_history(FILE *out, struct machine *m, const struct symbols *syms,
                         unsigned max)
{
    trace_print_history_at(out, m, machine_hart_at(m, machine_stop_hart(m)), syms, max);
}

void trace_print_history_at(FILE *out, struct machine *m, struct hart *h,
                            const struct symbols *syms, unsigned max)
{
    uint32_t from[HART_HISTORY_LEN], to[HART_HISTORY_LEN];
    if (max > HART_HISTORY_LEN)
        max = HART_HISTORY_LEN;
    unsigned n = hart_history(h, from, to, max);
    for (unsigned k = 0; k < n; k++) {
        char text[96], sym[160], where[180];
        disasm_at(m, h, from[k], text, sizeof text);
        snprintf(where, sizeof where, "%08x %s", from[k], symbols_format(syms, from[k], sym, sizeof sym));
        symbols_format(syms, to[k], sym, sizeof sym);
        fprintf(out, "  %-32s %-26s -> %08x%s%s\n", where, text, to[k], sym[0] ? " " : "", sym);
    }
    if (!n)
        fprintf(out, "  (none)\n");
}

/* "mcause=00000002 (illegal instruction) mepc=80000010 <f+0x4> mtval=00000000" */
static void print_trap_csrs(FILE *out, struct hart *h, const struct symbols *syms,
                            const char *prefix, uint16_t cause_csr, uint16_t epc_csr,
                            uint16_t tval_csr)
{
    uint32_t cause = 0, epc = 0, tval = 0;
    hart_csr_get(h, cause_csr, &cause);
    hart_csr_get(h, epc_csr, &epc);
    hart_csr_get(h, tval_csr, &tval);
    if (!cause && !epc && !tval)
        return;                 /* this mode never took a trap */
    char sym[160];
    symbols_format(syms, epc, sym, sizeof sym);
    fprintf(out, "rvbox: %scause=%08x (%s) %sepc=%08x%s%s %stval=%08x\n", prefix, cause,
            trace_cause_name(cause), prefix, epc, sym[0] ? " " : "", sym, prefix, tval);
}

void trace_report_failure(struct trace *t, struct machine *m, FILE *out)
{
    unsigned max = t ? t->o.history : TRACE_HISTORY_DEFAULT;
    const struct symbols *syms = t ? t->syms : NULL;
    if (!max)
        return;
    trace_flush(t);
    /* With several harts: the one that ended the run first (it made the failing
     * request), then where each of the others stood. */
    unsigned n = machine_nharts(m), first = machine_stop_hart(m);
    struct hart *h = machine_hart_at(m, first);
    if (n > 1)
        fprintf(out, "rvbox: the guest failed on hart %u; its last control transfers, oldest "
                "first:\n", first);
    else
        fprintf(out, "rvbox: the guest failed; its last control transfers, oldest first:\n");
    trace_print_history_at(out, m, h, syms, max);
    for (unsigned k = 0; k < n; k++) {
        h = machine_hart_at(m, (first + k) % n);
        char text[96], sym[160], who[24] = "";
        uint32_t pc = hart_get_pc(h);
        disasm_at(m, h, pc, text, sizeof text);
        symbols_format(syms, pc, sym, sizeof sym);
        if (n > 1)
            snprintf(who, sizeof who, "hart %u ", (first + k) % n);
        fprintf(out, "rvbox: %sstopped in %c-mode at %08x%s%s  %s%s\n", who,
                priv_letter(hart_get_priv(h)), pc, sym[0] ? " " : "", sym, text,
                hart_waiting(h) ? " (waiting)" : "");
        print_trap_csrs(out, h, syms, "m", CSR_MCAUSE, CSR_MEPC, CSR_MTVAL);
        print_trap_csrs(out, h, syms, "s", CSR_SCAUSE, CSR_SEPC, CSR_STVAL);
    }
    fflush(out);
}
