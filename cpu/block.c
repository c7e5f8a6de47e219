#define _DEFAULT_SOURCE     /* MAP_ANONYMOUS */
/*
 * The decoded-block cache (cpu/block.h): building blocks, finding them, forgetting them
 * when their code changes.
 */
#include "cpu/block.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bus/bus.h"
#include "cpu/jit/jit.h"
#include "cpu/mmu.h"

#define PAGE_SIZE 4096u
#define ARENA_BYTES (64u << 20)
#define PAGE_BUCKETS (sizeof ((struct block_cache *)0)->pages / sizeof(struct block *))

static unsigned page_bucket(uint32_t pa)
{
    return (pa >> 12) % PAGE_BUCKETS;
}

/* The bus says a page holding decoded code was written: its blocks are stale. The
 * running block may be one of them: the engine learns it from code_dirty and leaves it
 * after the instruction that wrote. */
static void forget_page(struct hart *h, uint32_t page)
{
    struct block_cache *c = h->blocks;
    struct block **link = &c->pages[page_bucket(page)];
    while (*link) {
        struct block *b = *link;
        if ((b->pa & ~(PAGE_SIZE - 1)) != page) {
            link = &b->page_next;
            continue;
        }
        b->valid = false;
        unsigned slot = block_slot(b->host);
        if (c->table[slot] == b)
            c->table[slot] = NULL;
        *link = b->page_next;           /* it never needs finding again */
    }
    h->code_dirty = true;
}

/*
 * The bus says a page holding decoded code was written (under the bus lock). In
 * parallel, another hart's thread must not touch this hart's blocks or translations,
 * which it may be running: the page is posted, and this hart forgets it at its next
 * block boundary (exec_boundary) or fence.i, in its own thread. RISC-V asks no more:
 * a hart sees another's new code after its own fence.i.
 */
static void page_written(void *opaque, uint32_t page)
{
    struct hart *h = opaque;
    if (!h->parallel || hart_on_this_thread == h) {
        forget_page(h, page);
        return;
    }
    if (h->code_nposted < sizeof h->code_posted / sizeof h->code_posted[0])
        h->code_posted[h->code_nposted++] = page;
    else
        h->code_post_all = true;
    __atomic_store_n(&h->code_pending, true, __ATOMIC_SEQ_CST);
    hart_leave(h);
}

void block_take_posted(struct hart *h)
{
    uint32_t pages[sizeof h->code_posted / sizeof h->code_posted[0]];
    bus_lock(h->bus);
    unsigned n = h->code_nposted;
    bool all = h->code_post_all;
    memcpy(pages, h->code_posted, n * sizeof pages[0]);
    h->code_nposted = 0;
    h->code_post_all = false;
    __atomic_store_n(&h->code_pending, false, __ATOMIC_SEQ_CST);
    bus_unlock(h->bus);
    if (all)
        block_flush(h);
    else
        for (unsigned i = 0; i < n; i++)
            forget_page(h, pages[i]);
}

/* A page became code (on this hart or another): stores to it must now take the slow
 * path, so none may stay cached. */
static void page_marked(void *opaque, uint32_t page)
{
    struct hart *h = opaque;
    const uint8_t *host = bus_host_ptr(h->bus, page, PAGE_SIZE, false);
    if (host)
        tlb_forget_store_page(h, host);
}

/* Zeroed memory, mapped so that only the pages used cost anything: the tables and the
 * arena are large and mostly untouched by short runs (and a machine is cheap to make). */
static void *map_zeroed(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

int block_cache_create(struct hart *h)
{
    struct block_cache *c = map_zeroed(sizeof *c);
    if (!c)
        return -1;
    c->size = ARENA_BYTES;
    if (!(c->arena = map_zeroed(c->size)) ||
        !bus_add_code_listener(h->bus, page_written, page_marked, h)) {
        if (c->arena)
            munmap(c->arena, c->size);
        munmap(c, sizeof *c);
        return -1;
    }
    h->blocks = c;
    return 0;
}

void block_cache_destroy(struct hart *h)
{
    struct block_cache *c = h->blocks;
    if (!c)
        return;
    bus_remove_code_listener(h->bus, h);
    munmap(c->arena, c->size);
    munmap(c, sizeof *c);
    h->blocks = NULL;
}

/* Bytes a block of n instructions takes in the arena. */
static size_t block_bytes(unsigned n)
{
    size_t size = sizeof(struct block) + (n + 1) * sizeof(struct block_insn);
    return (size + 15) & ~(size_t)15;
}

/* Forget every block. Only the table slots and page lists the arena's blocks used are
 * cleared: a flush after a few blocks (a debugger's write, a test) touches little. */
void block_flush(struct hart *h)
{
    struct block_cache *c = h->blocks;
    if (!c)
        return;
    jit_flush(h->jit);          /* translations point into blocks and at each other */
    for (size_t at = 0; at < c->used;) {
        struct block *b = (struct block *)(c->arena + at);
        c->table[block_slot(b->host)] = NULL;
        c->pages[page_bucket(b->pa)] = NULL;
        at += block_bytes(b->ninsns);
    }
    c->used = 0;
}

void block_set_handlers(struct hart *h, const void *const *handlers)
{
    h->blocks->handlers = handlers;
}

const void *const *block_handlers(const struct hart *h)
{
    return h->blocks->handlers;
}

/* Does this instruction end a block? Control transfers, and whatever may change what
 * the next instructions mean or whether an interrupt is due: SYSTEM, CSR accesses,
 * fence.i, and an illegal encoding (it traps). */
static bool ends_block(unsigned op)
{
    switch (op) {
    case OP_JAL: case OP_JALR:
    case OP_BEQ: case OP_BNE: case OP_BLT: case OP_BGE: case OP_BLTU: case OP_BGEU:
    case OP_ECALL: case OP_EBREAK: case OP_MRET: case OP_SRET: case OP_WFI:
    case OP_SFENCE_VMA: case OP_FENCE_I:
    case OP_CSRRW: case OP_CSRRS: case OP_CSRRC:
    case OP_CSRRWI: case OP_CSRRSI: case OP_CSRRCI:
    case OP_ILLEGAL:
        return true;
    default:
        return false;
    }
}

/* Does the instruction write rd? Those with rd = x0 write XSINK instead. */
static bool writes_rd(unsigned op)
{
    switch (insn_table[op].format) {
    case FMT_R: case FMT_I: case FMT_SH: case FMT_L: case FMT_U: case FMT_J: case FMT_JR:
    case FMT_CSR: case FMT_CSRI: case FMT_AMO: case FMT_LR:
    case FMT_FXF: case FMT_FXFN: case FMT_FCMP:     /* F/D ops with an integer rd */
        return true;
    default:
        return false;
    }
}

/* Register-to-register arithmetic (formats R, I, SH, U): writing x0, it does nothing. */
static bool is_alu(unsigned op)
{
    switch (insn_table[op].format) {
    case FMT_R: case FMT_I: case FMT_SH: case FMT_U:
        return true;
    default:
        return false;
    }
}

/* Decode up to BLOCK_MAX_INSNS instructions from `code` (in-page offset `off0`), into
 * `out`. Returns how many, and the bytes they cover in *bytes. */
static unsigned decode_run(struct hart *h, const uint8_t *code, unsigned off0,
                           struct block_insn *out, unsigned *bytes)
{
    const void *const *handlers = h->blocks->handlers;
    unsigned n = 0, off = 0;
    while (n < BLOCK_MAX_INSNS) {
        unsigned room = PAGE_SIZE - (off0 + off);
        if (room < 2)
            break;
        uint16_t lo;
        memcpy(&lo, code + off, 2);
        uint32_t raw = lo;
        if (insn_length(lo) == 4) {
            if (room < 4)
                break;                  /* crosses the page: the plain step fetches it */
            uint16_t hi;
            memcpy(&hi, code + off + 2, 2);
            raw |= (uint32_t)hi << 16;
        }
        struct block_insn *bi = &out[n++];
        insn_decode(raw, &bi->i);
        bi->off = (uint16_t)off;
        unsigned op = bi->i.op;
        bi->handler = handlers[op];
        if (bi->i.rd == 0 && writes_rd(op)) {
            bi->i.rd = XSINK;
            if (is_alu(op))
                bi->handler = handlers[BLOCK_OP_NOP];
        }
        off += bi->i.len;
        if (ends_block(op))
            break;
    }
    *bytes = off;
    return n;
}

struct block *block_find(struct hart *h, const uint8_t *host, uint32_t pa)
{
    struct block_cache *c = h->blocks;
    struct block *b = block_lookup(h, host);
    if (b)
        return b;
    for (b = c->pages[page_bucket(pa)]; b; b = b->page_next) {
        if (b->host == (uintptr_t)host && b->valid) {
            c->table[block_slot(b->host)] = b;
            return b;
        }
    }
    return NULL;
}

/* Show a newly decoded block to the hook (-d in_asm). */
static void report_decode(struct hart *h, const struct block *b, uint32_t pc)
{
    struct hart_translation t = { .pc = pc, .pa = b->pa, .ninsns = b->ninsns };
    for (unsigned i = 0; i < b->ninsns && i < BLOCK_MAX_INSNS; i++) {
        t.raw[i] = b->insns[i].i.raw;
        t.len[i] = b->insns[i].i.len;
    }
    h->decode_hook(h->decode_opaque, &t);
}

struct block *block_build(struct hart *h, const uint8_t *host, uint32_t pc, bool *flushed)
{
    struct block_cache *c = h->blocks;
    *flushed = false;
    if (c->size - c->used < block_bytes(BLOCK_MAX_INSNS)) {
        block_flush(h);
        *flushed = true;
    }
    uint32_t pa;
    if (!bus_host_to_phys(h->bus, host, &pa))
        return NULL;
    struct block *b = block_find(h, host, pa);
    if (b)
        return b;               /* only the table had lost it */
    /* From now on, writes to this page must be seen: marked before the decode, so that
     * with harts in threads a store another hart makes while this one decodes is posted
     * to it (marked after, that store would go by unseen, and a later fence.i keep the
     * stale block). */
    bus_mark_code(h->bus, pa);
    b = (struct block *)(c->arena + c->used);
    unsigned bytes;
    unsigned n = decode_run(h, host, pc & (PAGE_SIZE - 1), b->insns, &bytes);
    if (n == 0)
        return NULL;
    struct block_insn *exit = &b->insns[n];
    memset(exit, 0, sizeof *exit);
    exit->handler = c->handlers[BLOCK_OP_EXIT];
    exit->i.op = BLOCK_OP_EXIT;
    exit->off = (uint16_t)bytes;
    b->host = (uintptr_t)host;
    b->pa = pa;
    b->ninsns = (uint16_t)n;
    b->valid = true;
    b->chain[0] = b->chain[1] = b->chain[2] = NULL;
    b->jit = NULL;
    b->jit_link[0] = b->jit_link[1] = NULL;
    b->jit_count = 0;
    b->jit_failed = false;
    b->heat = 0;
    unsigned bucket = page_bucket(pa);
    b->page_next = c->pages[bucket];
    c->pages[bucket] = b;
    c->table[block_slot(b->host)] = b;
    c->used += block_bytes(n);
    if (unlikely(h->decode_hook))
        report_decode(h, b, pc);
    return b;
}

bool hart_block_at(struct hart *h, uint32_t pc, struct hart_translation *out)
{
    uint32_t pa;
    if (!mmu_peek(h, pc, ACC_EXEC, &pa))
        return false;
    unsigned off0 = pa & (PAGE_SIZE - 1);
    const uint8_t *code = bus_host_ptr(h->bus, pa, PAGE_SIZE - off0, false);
    if (!code)
        return false;
    memset(out, 0, sizeof *out);
    out->pc = pc;
    out->pa = pa;
    unsigned off = 0;
    while (out->ninsns < BLOCK_MAX_INSNS) {
        unsigned room = PAGE_SIZE - (off0 + off);
        if (room < 2)
            break;
        uint16_t lo, hi = 0;
        memcpy(&lo, code + off, 2);
        if (insn_length(lo) == 4) {
            if (room < 4)
                break;
            memcpy(&hi, code + off + 2, 2);
        }
        struct insn d;
        insn_decode(lo | (uint32_t)hi << 16, &d);
        out->raw[out->ninsns] = d.raw;
        out->len[out->ninsns++] = (uint8_t)d.len;
        off += d.len;
        if (ends_block(d.op))
            break;
    }
    return out->ninsns > 0;
}
