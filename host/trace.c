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

const char trace_help[] =
    "  -d ITEMS, --trace ITEMS\n"
    "                 trace ITEMS, a comma list: exec (every instruction), int (every\n"
    "                 trap and interrupt), out_asm (every block the JIT translates:\n"
    "                 its guest instructions and the host code made of them)\n"
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

static int parse_items(struct trace_options *o, const char *v, char *err, size_t errlen)
{
    const char *p = v;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n == 4 && !strncmp(p, "exec", 4))
            o->flags |= TRACE_EXEC;
        else if (n == 3 && !strncmp(p, "int", 3))
            o->flags |= TRACE_INT;
        else if (n == 7 && !strncmp(p, "out_asm", 7))
            o->flags |= TRACE_OUT_ASM;
        else {
            snprintf(err, errlen, "-d %s: unknown item '%.*s' (known: exec, int, out_asm)", v,
                     (int)n, p);
            return -1;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    if (!o->flags) {
        snprintf(err, errlen, "-d needs exec, int or out_asm (e.g. -d exec,int)");
        return -1;
    }
    return 0;
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

bool trace_guest_memory(struct machine *m, uint32_t addr, void *buf, uint32_t len, bool virt,
                        bool write)
{
    struct hart *h = machine_hart(m);
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
        hart_flush_caches(h);
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
    uint32_t pc, raw;           /* exec: where and what; trap: epc and tval */
    uint32_t cause;
};

struct trace {
    struct trace_options o;
    const struct symbols *syms;
    FILE *out;
    bool own_out;
    struct hart *hart;          /* the current machine's, for switching hooks off */
    struct machine *machine;    /* the current machine (trace_set_items) */
    uint64_t lines;             /* lines traced so far (for --trace-first) */
    bool done;                  /* --trace-first reached */
    struct event *ring;         /* --trace-last: the last o.last events */
    uint64_t ring_pos;
    /* -d out_asm */
    csh capstone;
    cs_insn *insn;              /* Capstone's one-instruction buffer */
    bool told_no_jit;           /* said once that the JIT is not running */
    uint64_t seen_flushes;      /* of the current hart's JIT, at the last translation */
    uint64_t translations, flushes;     /* of machines gone (reboots) */
    bool counted;               /* the counts were printed */
};

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

static void print_event(FILE *out, const struct symbols *syms, const struct event *e)
{
    if (e->is_trap)
        print_trap(out, syms, e);
    else
        print_exec(out, syms, e);
}

/* --trace-first reached: every hook comes out. */
static void stop_tracing(struct trace *t)
{
    t->done = true;
    hart_set_trace(t->hart, NULL);  /* back to the hart's fast loop */
    hart_set_translation_hook(t->hart, NULL, NULL);
}

/* Every traced event goes through here: printed now, or kept in the --trace-last ring. */
static void record(struct trace *t, const struct event *e)
{
    if (t->done)
        return;
    if (t->ring)
        t->ring[t->ring_pos++ % t->o.last] = *e;
    else
        print_event(t->out, t->syms, e);
    if (t->o.first && ++t->lines >= t->o.first)
        stop_tracing(t);
}

static bool in_range(const struct trace *t, uint32_t pc)
{
    if (!t->o.has_range)
        return true;
    return pc >= t->o.lo && (t->o.hi == 0 || pc < t->o.hi);
}

static void on_insn(void *opaque, uint32_t pc, uint32_t raw, enum hart_priv priv)
{
    struct trace *t = opaque;
    if (!in_range(t, pc))
        return;
    struct event e = { .is_trap = false, .priv = (uint8_t)priv, .pc = pc, .raw = raw };
    record(t, &e);
}

static void on_trap(void *opaque, uint32_t cause, uint32_t epc, uint32_t tval,
                    enum hart_priv from, enum hart_priv to)
{
    struct trace *t = opaque;
    struct event e = { .is_trap = true, .from = (uint8_t)from, .to = (uint8_t)to,
                       .pc = epc, .raw = tval, .cause = cause };
    record(t, &e);
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
    struct trace *t = opaque;
    uint64_t translations, flushes;
    if (t->done)
        return;
    /* A flush is reported whatever the range, as traps are. */
    if (hart_jit_counts(t->hart, &translations, &flushes) && flushes != t->seen_flushes) {
        fprintf(t->out, "---- the code cache was flushed (%" PRIu64 " flush%s so far); "
                "everything is translated again ----\n\n", flushes, flushes == 1 ? "" : "es");
        t->seen_flushes = flushes;
    }
    if (!in_range(t, tr->pc))
        return;
    char sym[160], text[96];
    symbols_format(t->syms, tr->pc, sym, sizeof sym);
    fprintf(t->out, "IN: %08x%s%s (%u instruction%s)\n", tr->pc, sym[0] ? " " : "", sym,
            tr->ninsns, tr->ninsns == 1 ? "" : "s");
    uint32_t pc = tr->pc;
    for (unsigned i = 0; i < tr->ninsns && i < sizeof tr->raw / sizeof tr->raw[0]; i++) {
        disasm(tr->raw[i], pc, text, sizeof text);
        symbols_format(t->syms, pc, sym, sizeof sym);
        fprintf(t->out, "  %08x %s%s %s\n", pc, sym, sym[0] ? " " : "", text);
        pc += tr->len[i];
    }
    fprintf(t->out, "OUT: %zu bytes at %012" PRIxPTR "\n", tr->code_len, (uintptr_t)tr->code);
    print_host_code(t, tr->code, tr->code_len);
    fputc('\n', t->out);
    if (t->o.first && ++t->lines >= t->o.first)
        stop_tracing(t);
}

/* -d out_asm: the totals, once, to the trace. */
static void print_counts(struct trace *t)
{
    if (!(t->o.flags & TRACE_OUT_ASM) || t->counted)
        return;
    uint64_t translations = t->translations, flushes = t->flushes, n, f;
    if (t->hart && hart_jit_counts(t->hart, &n, &f)) {
        translations += n;
        flushes += f;
    }
    fprintf(t->out, "out_asm: %" PRIu64 " translation%s, %" PRIu64 " flush%s of the code cache\n",
            translations, translations == 1 ? "" : "s", flushes, flushes == 1 ? "" : "es");
    t->counted = true;
}

struct trace *trace_open(const struct trace_options *o, const struct symbols *syms,
                         char *err, size_t errlen)
{
    if (!o->flags && (o->has_range || o->first || o->last)) {
        snprintf(err, errlen, "--trace-%s limits a trace: add -d exec, int or out_asm",
                 o->has_range ? "range" : o->first ? "first" : "last");
        return NULL;
    }
    if ((o->flags & TRACE_OUT_ASM) && o->last) {
        snprintf(err, errlen, "--trace-last keeps exec and int lines, not -d out_asm's "
                 "translations (try --trace-first or --trace-range)");
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
    if (o->last && o->flags) {
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
    t->hart = machine_hart(m);
    t->machine = m;
    if (!t->o.flags || t->done)
        return;
    if (t->o.flags & (TRACE_EXEC | TRACE_INT)) {
        struct hart_trace hooks = { .opaque = t };
        if (t->o.flags & TRACE_EXEC)
            hooks.insn = on_insn;
        if (t->o.flags & TRACE_INT)
            hooks.trap = on_trap;
        hart_set_trace(t->hart, &hooks);
    }
    if (t->o.flags & TRACE_OUT_ASM) {
        uint64_t n;
        t->seen_flushes = 0;
        if (!hart_jit_counts(t->hart, &n, &t->seen_flushes) && !t->told_no_jit) {
            fprintf(stderr, "rvbox: -d out_asm: the JIT is not running (-accel, RVBOX_ACCEL), "
                    "so there is nothing to show\n");
            t->told_no_jit = true;
        }
        hart_set_translation_hook(t->hart, on_translation, t);
    }
}

void trace_detach(struct trace *t)
{
    uint64_t n, f;
    if (!t || !t->hart)
        return;
    if (hart_jit_counts(t->hart, &n, &f)) {
        t->translations += n;
        t->flushes += f;
    }
    t->hart = NULL;
    t->machine = NULL;
}

int trace_set_items(struct trace *t, const char *items, char *err, size_t errlen)
{
    struct trace_options o = t->o;
    o.flags = 0;
    if (strcmp(items, "none") && parse_items(&o, items, err, errlen))
        return -1;
    if ((o.flags & TRACE_OUT_ASM) && !t->insn) {
        cs_err e = cs_open(CS_ARCH_X86, CS_MODE_64, &t->capstone);
        if (e != CS_ERR_OK || !(t->insn = cs_malloc(t->capstone))) {
            snprintf(err, errlen, "out_asm: Capstone cannot disassemble x86-64: %s",
                     cs_strerror(e != CS_ERR_OK ? e : CS_ERR_MEM));
            if (e == CS_ERR_OK)
                cs_close(&t->capstone);
            return -1;
        }
    }
    if (o.flags && o.file && !t->own_out) {
        FILE *f = fopen(o.file, "w");
        if (!f) {
            snprintf(err, errlen, "-D %s: %s", o.file, strerror(errno));
            return -1;
        }
        t->out = f;
        t->own_out = true;
    }
    t->o.flags = o.flags;
    t->done = false;
    t->lines = 0;
    if (t->hart) {
        hart_set_trace(t->hart, NULL);
        hart_set_translation_hook(t->hart, NULL, NULL);
        fflush(t->out);
    }
    if (t->machine)
        trace_attach(t, t->machine);
    return 0;
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
            print_event(t->out, t->syms, &t->ring[(t->ring_pos - n + k) % t->o.last]);
        free(t->ring);
        t->ring = NULL;
        t->done = true;         /* nothing more is recorded */
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
    free(t);
}

/* ---- the failure report ---- */

/* Disassemble the instruction at virtual `pc` into buf, or say it cannot be read. */
static void disasm_at(struct machine *m, uint32_t pc, char *buf, size_t len)
{
    uint16_t lo, hi = 0;
    if (!trace_guest_memory(m, pc, &lo, 2, true, false) ||
        ((lo & 3) == 3 && !trace_guest_memory(m, pc + 2, &hi, 2, true, false))) {
        snprintf(buf, len, "(not readable)");
        return;
    }
    disasm((uint32_t)lo | (uint32_t)hi << 16, pc, buf, len);
}

void trace_print_history(FILE *out, struct machine *m, const struct symbols *syms,
                         unsigned max)
{
    uint32_t from[HART_HISTORY_LEN], to[HART_HISTORY_LEN];
    if (max > HART_HISTORY_LEN)
        max = HART_HISTORY_LEN;
    unsigned n = hart_history(machine_hart(m), from, to, max);
    for (unsigned k = 0; k < n; k++) {
        char text[96], sym[160], where[180];
        disasm_at(m, from[k], text, sizeof text);
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
    struct hart *h = machine_hart(m);
    fprintf(out, "rvbox: the guest failed; its last control transfers, oldest first:\n");
    trace_print_history(out, m, syms, max);
    char text[96], sym[160];
    uint32_t pc = hart_get_pc(h);
    disasm_at(m, pc, text, sizeof text);
    symbols_format(syms, pc, sym, sizeof sym);
    fprintf(out, "rvbox: stopped in %c-mode at %08x%s%s  %s\n", priv_letter(hart_get_priv(h)),
            pc, sym[0] ? " " : "", sym, text);
    print_trap_csrs(out, h, syms, "m", CSR_MCAUSE, CSR_MEPC, CSR_MTVAL);
    print_trap_csrs(out, h, syms, "s", CSR_SCAUSE, CSR_SEPC, CSR_STVAL);
    fflush(out);
}
