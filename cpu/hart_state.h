/*
 * The hart's insides, shared by the files of cpu/ (and by white-box unit tests).
 * Everyone else uses cpu/hart.h.
 *
 * The struct is ordered hot to cold: registers and the fetch state first, then the TLB,
 * then CSRs, then configuration.
 */
#ifndef RVBOX_HART_STATE_H
#define RVBOX_HART_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/hart.h"

#if defined(__GNUC__)
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define MUST_CHECK  __attribute__((warn_unused_result))
#else
#define likely(x)   (x)
#define unlikely(x) (x)
#define MUST_CHECK
#endif

/*
 * A trap raised by an instruction: returned, never thrown, so that the caller can see
 * that nothing was written. cause < 0 means no trap.
 */
typedef struct {
    int32_t cause;
    uint32_t tval;
} trap_t;

#define TRAP_NONE ((trap_t){ -1, 0 })
static inline trap_t trap_make(uint32_t cause, uint32_t tval)
{
    return (trap_t){ (int32_t)cause, tval };
}
static inline bool trap_raised(trap_t t) { return t.cause >= 0; }

/*
 * The software TLB: guest virtual page -> host pointer, one direct-mapped table per kind
 * of access, so a hit is one compare. Only RAM and ROM pages enter it, and only once the
 * page's permissions (and A/D bits) allow that access: a hit needs no further checks.
 *
 * What permissions allow depends on the mode the access is made in (and, for loads and
 * stores, on MPRV, SUM and MXR), so each entry is tagged with that context: the tag is
 * the virtual page number with the context above it (tlb_context()). Traps and xRETs
 * change the context, not the entries, so the TLB survives them; only what changes
 * translation itself (satp, sfence.vma) flushes it. Pages holding decoded code never
 * enter the store table, so that stores to them take the slow path, which invalidates
 * the code (cpu/block.c).
 */
#define TLB_BITS    8
#define TLB_SIZE    (1u << TLB_BITS)
#define TLB_INVALID 0xffffffffu         /* no context is all ones */

struct tlb_entry {
    uint32_t tag;           /* virtual page number | context << 20, or TLB_INVALID */
    uintptr_t addend;       /* host address = addend + virtual address */
};

/* Index and tag of the entry for `vpn` in a context (its `ix` and `tag` from
 * tlb_set_context): contexts spread over the table so that S and U mappings of one page
 * do not evict each other. */
#define TLB_INDEX(vpn, ix) (((vpn) ^ (ix)) & (TLB_SIZE - 1))
#define TLB_TAG(vpn, tag) ((vpn) | (tag))

struct tlb {
    struct tlb_entry read[TLB_SIZE];
    struct tlb_entry write[TLB_SIZE];
    struct tlb_entry exec[TLB_SIZE];
};

/* The block engine writes results for rd = x0 here instead of testing for x0. */
#define XSINK 32

struct block_cache;
struct block;
struct jit;

/* Sstc (cpu/csr.c): the supervisor timer compare, and menvcfg's high half, whose STCE
 * (bit 31) makes STIP follow time >= stimecmp. (menvcfg's low half and senvcfg are the
 * plain fields of struct hart.) */
struct sstc {
    uint64_t stimecmp;
    uint32_t menvcfgh;
};

/* The debug triggers (Sdtrig, cpu/trigger.c). */
#define HART_TRIGGERS 2
struct triggers {
    uint8_t tselect;
    uint8_t tcontrol;           /* mte (bit 3), mpte (bit 7) */
    bool armed;                 /* derived: some trigger is enabled (trigger_rearm()) */
    uint32_t tdata1[HART_TRIGGERS], tdata2[HART_TRIGGERS];
};

/* PMP (cpu/pmp.c): the rules that pmpcfg[] and pmpaddr[] describe, decoded by
 * pmp_update() after every write to them, in entry order. Derived state: whoever
 * restores pmpcfg and pmpaddr calls pmp_update(). */
struct pmp {
    uint8_t nrules;
    struct pmp_rule {
        uint64_t lo, hi;            /* [lo, hi): the physical bytes it matches */
        uint8_t perm;               /* pmpcfg's R, W, X and L */
    } rules[16];
};

/* F and D (cpu/fpu.c): the registers and fcsr. A single lives NaN-boxed in the low half
 * of its register (the upper 32 bits all ones). */
struct fpu {
    uint64_t f[32];
    uint8_t fflags;             /* accrued exceptions (cpu/softfloat.h's SF_*) */
    uint8_t frm;                /* the dynamic rounding mode, 0..7 as written (5..7 make
                                   an instruction that uses it illegal) */
};

struct hart {
    /* hot: every instruction */
    uint32_t x[33];                 /* x[XSINK] takes writes to x0 */
    uint32_t pc;
    uint8_t priv;               /* enum hart_priv */
    bool leave;                 /* leave the run loop at the next boundary: state changed that
                                   may enable an interrupt, or the host asked */
    bool waiting;               /* in WFI */
    bool yield;                 /* hart_yield(): return from hart_run at the next boundary */
    uint64_t retired;           /* instructions retired since reset: drives minstret/mcycle */
    uint64_t traps;             /* traps and interrupts taken since reset: with retired, the
                                   hart's position (hart_position), which every engine's
                                   budget counts in */
    bool debug;                 /* a trace hook, breakpoint or watchpoint is set, or a
                                   guest's debug trigger is armed */

    /* control-flow history: a ring of the last HART_HISTORY_LEN non-sequential pc moves */
    uint32_t hist_pos;
    uint32_t hist_from[HART_HISTORY_LEN], hist_to[HART_HISTORY_LEN];

    struct tlb tlb;
    uint32_t tlb_tag_data, tlb_ix_data;     /* the current contexts (tlb_set_context) */
    uint32_t tlb_tag_exec, tlb_ix_exec;

    uint8_t engine;             /* enum hart_engine: how hart_run executes */
    bool code_dirty;            /* a write just invalidated decoded code (cpu/block.c) */
    struct block_cache *blocks; /* decoded blocks, by host address of their code */

    /* the JIT (cpu/jit): what translated code and jit_run pass each other */
    struct jit *jit;
    uint64_t jit_left;          /* steps the translated code may still take */
    uint64_t jit_base;          /* jit_left when jit_run entered the code */
    uint64_t jit_tmp64;
    struct block *jit_exit_block;   /* the block whose exit returned to jit_run */
    trap_t jit_trap;            /* the trap a translated instruction raised */
    uint32_t jit_tmp;           /* a slow-path load's result */
    size_t jit_cache_bytes;     /* the code cache's size, when the JIT is made */
    uint16_t jit_threshold;     /* runs before a block is translated */
    void (*translation_hook)(void *opaque, const struct hart_translation *t);
    void *translation_opaque;

    /* LR/SC */
    bool reserved;
    uintptr_t reservation;      /* host address of the reserved word (in RAM) */
    uint32_t reserved_value;    /* what lr.w read: thread=multi's sc.w is a compare-and-
                                   swap from it, as QEMU's MTTCG does */

    /* thread=multi (devices/machine.c): set by the machine while the harts run in
       parallel. Code written by another thread is posted here (cpu/block.c) and
       forgotten by this hart's own thread at its next boundary or fence.i. */
    bool parallel;
    bool code_pending;          /* posted pages wait (other threads set it) */
    bool code_post_all;         /* too many: forget every block */
    unsigned code_nposted;
    uint32_t code_posted[16];   /* physical pages; guarded by the bus lock */
    bool running;               /* inside hart_run: the bus's writes are its own, which
                                   leave its reservation alone (but DMA does not) */

    /* CSRs */
    uint32_t mstatus;
    uint32_t misa;
    uint32_t medeleg, mideleg;
    uint32_t mie;
    uint32_t mip;               /* software-writable bits (SSIP, STIP, SEIP) */
    uint32_t irq_lines;         /* bits driven by devices (MSIP, MTIP, MEIP, SEIP) */
    uint32_t mtvec, mscratch, mepc, mcause, mtval;
    uint32_t stvec, sscratch, sepc, scause, stval;
    uint32_t satp;
    uint32_t mcounteren, scounteren, mcountinhibit;
    uint32_t menvcfg, senvcfg;  /* their FIOM bit: nothing else exists here */
    struct sstc sstc;
    struct triggers trig;
    /* minstret = retired + instret_base, mcycle = retired + cycle_base (one cycle per
       instruction), both frozen at *_frozen while mcountinhibit says so. */
    uint64_t instret_base, cycle_base;
    uint64_t instret_frozen, cycle_frozen;
    uint8_t pmpcfg[16];
    uint32_t pmpaddr[16];
    struct pmp pmp;             /* decoded from pmpcfg and pmpaddr */
    bool csr_debug_write;       /* the CSR write in progress is a debugger's, not an
                                   instruction's: no retire follows it */
    struct fpu fpu;

    /* debugging (cpu/debug.c): host-side configuration, not architectural state */
    struct hart_trace trace;
    unsigned nbreak;
    uint32_t breakpoints[HART_MAX_BREAKPOINTS];
    bool bp_resume;             /* the breakpoint at pc was just reported: run it once */
    unsigned nwatch;
    struct { uint32_t va, len; uint8_t kind; } watch[HART_MAX_WATCHPOINTS];
    bool watch_hit;
    uint32_t watch_addr;
    uint8_t watch_kind;
    void (*decode_hook)(void *opaque, const struct hart_translation *t);
    void *decode_opaque;
    void (*walk_hook)(void *opaque, const struct hart_walk *w);
    void *walk_opaque;
    void (*loop_hook)(void *opaque, const struct hart_trap_loop *l);
    void *loop_opaque;
    /* the last exception taken, to see it repeat (cpu/trap.c) */
    struct last_trap {
        bool valid;
        uint8_t from, to;
        uint32_t cause, epc, tval, target;
        uint64_t repeats;
        uint32_t mark;          /* hist_pos just after its history entry */
    } last_trap;
    uint32_t hist_floor;        /* the oldest history entry still valid (hart_history) */

    /* configuration */
    uint32_t hartid;
    uint32_t reset_pc;
    uint32_t features;          /* HART_*: what this hart has */
    struct bus *bus;
    uint64_t (*time_now)(void *opaque);
    void *time_opaque;
    hart_semihost_fn semihost;  /* hart_set_semihosting; NULL: ebreak always traps */
    void *semihost_opaque;
};

/*
 * Flags that another host thread may set while the hart runs (thread=multi: a device's
 * line, another hart's IPI, the machine ending the run, code written elsewhere):
 * h->leave, h->yield, h->code_pending. Reads and the owner's stores are relaxed atomics
 * (plain moves on the host); exec_boundary clears `leave` with a full barrier before it
 * reads the lines, so that a line raised just before is seen (hart_set_irq raises the
 * line first, then sets leave).
 */
static inline bool hart_flag(const bool *f) { return __atomic_load_n(f, __ATOMIC_RELAXED); }
static inline void hart_flag_set(bool *f, bool v) { __atomic_store_n(f, v, __ATOMIC_RELAXED); }
static inline void hart_leave(struct hart *h) { hart_flag_set(&h->leave, true); }

/* A store-TLB entry's tag: another thread may invalidate it (a page became code). */
static inline uint32_t tlb_store_tag(const struct tlb_entry *e)
{
    return __atomic_load_n(&e->tag, __ATOMIC_RELAXED);
}

/* cpu/trap.c */
void trap_take(struct hart *h, trap_t t);
bool trap_check_interrupts(struct hart *h);
uint32_t hart_pending_irqs(const struct hart *h);

/* cpu/csr.c */
trap_t csr_op(struct hart *h, uint32_t insn, unsigned csr, unsigned kind, uint32_t operand,
              bool write, uint32_t *old) MUST_CHECK;
uint64_t csr_minstret(const struct hart *h);
uint64_t csr_mcycle(const struct hart *h);

/* cpu/trigger.c */
void trigger_reset(struct hart *h);
/* After tdata1 changed behind trigger.c's back (a snapshot's load): h->trig.armed and
 * the checking loop anew. */
void trigger_rearm(struct hart *h);
uint32_t trigger_csr_read(struct hart *h, unsigned num);
void trigger_csr_write(struct hart *h, unsigned num, uint32_t v);
bool trigger_exec_match(const struct hart *h, uint32_t pc);
struct insn;
/* A breakpoint exception if an armed trigger matches what the load or store d (or
 * atomic) is about to touch; TRAP_NONE otherwise. */
trap_t trigger_data_check(struct hart *h, const struct insn *d) MUST_CHECK;
void trigger_trap_to_m(struct hart *h);
void trigger_mret(struct hart *h);

/* cpu/block.c: forget the blocks of the pages other threads posted (h->code_pending),
 * in the hart's own thread. */
void block_take_posted(struct hart *h);

/* cpu/exec.c: the hart inside hart_run on this host thread, if any. */
extern __thread struct hart *hart_on_this_thread;

/* cpu/mmu.c */
void tlb_flush(struct hart *h);
/* The privilege, MPRV, SUM, MXR or satp changed: the TLB contexts follow. */
void tlb_set_context(struct hart *h);

/* cpu/debug.c */
/* Debugging (a host's hooks, breakpoints, watchpoints, or the guest's own triggers)
 * needs the checking loop, or no longer does: h->debug follows. */
void debug_update_flag(struct hart *h);
bool debug_breakpoint_at(const struct hart *h, uint32_t pc);
void debug_watch_check(struct hart *h, uint32_t va, unsigned size, bool write);
/* The last exception came back at once (a trap loop): keep the history as it was when
 * the loop began, and tell the loop hook the first time. */
void debug_loop_repeat(struct hart *h);
/* -d guest_errors: an access fault at tval, about to be taken; says why. */
void debug_log_access_fault(struct hart *h, uint32_t cause, uint32_t tval);

/* Note a non-sequential move of the pc in the history ring. */
static inline void history_push(struct hart *h, uint32_t from, uint32_t to)
{
    unsigned i = h->hist_pos++ % HART_HISTORY_LEN;
    h->hist_from[i] = from;
    h->hist_to[i] = to;
}

#endif
