/*
 * One RISC-V hart: RV32IMAC, Zicsr, Zifencei, Zicntr, machine/supervisor/user modes and
 * the Sv32 MMU.
 *
 * The contract:
 *  - The hart reaches memory only through the bus it was created with. RAM and ROM pages
 *    are reached through host pointers cached in a software TLB; everything else through
 *    bus_read/bus_write. An access nothing answers is an access fault in the guest.
 *  - hart_run() executes up to `budget` instructions and returns; it never blocks and
 *    never touches the host. Interrupts are taken at instruction boundaries when their
 *    lines (hart_set_irq) and the CSRs allow; lines change only between hart_run calls,
 *    but for harts running in threads of their own (hart_set_parallel).
 *  - A guest can do nothing that crashes the emulator: every malformed instruction,
 *    access or CSR operation becomes a trap inside the guest.
 *  - Time is not the hart's: the time CSR reads the machine's clock through `time_now`.
 *  - All architectural state lives in the struct itself (no pointers into it from
 *    outside), so a machine can be saved and restored by copying it.
 */
#ifndef RVBOX_HART_H
#define RVBOX_HART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bus;
struct hart;

enum hart_priv { PRIV_U = 0, PRIV_S = 1, PRIV_M = 3 };

/* Interrupt lines into mip, driven by the CLINT and the PLIC. */
#define HART_IRQ_SSIP (1u << 1)
#define HART_IRQ_MSIP (1u << 3)
#define HART_IRQ_STIP (1u << 5)
#define HART_IRQ_MTIP (1u << 7)
#define HART_IRQ_SEIP (1u << 9)
#define HART_IRQ_MEIP (1u << 11)

/*
 * The hart's optional parts (hart_config.features). Without any, it is RV32IMAC with
 * the PMP registers held but not checked. QEMU's rv32 has them all (HART_FEATURES_QEMU).
 */
#define HART_F       (1u << 0)  /* F: single-precision floating point */
#define HART_D       (1u << 1)  /* D: double precision (only with F) */
#define HART_PMP     (1u << 2)  /* PMP checked on every access (the CSRs exist always) */
#define HART_SSTC    (1u << 3)  /* Sstc: stimecmp, menvcfg.STCE */
#define HART_SDTRIG  (1u << 4)  /* Sdtrig: the debug triggers (tselect, tdata1-3, ...) */
#define HART_FEATURES_QEMU (HART_F | HART_D | HART_PMP | HART_SSTC | HART_SDTRIG)

struct hart_config {
    uint32_t hartid;
    uint32_t reset_pc;
    uint32_t features;          /* HART_* */
    struct bus *bus;
    /* The machine's one clock in timebase ticks (10 MHz); NULL reads as 0. */
    uint64_t (*time_now)(void *opaque);
    void *time_opaque;
};

/* Why hart_run returned. */
enum hart_stop {
    HART_STOP_BUDGET,       /* ran the whole budget, or left early to let devices act */
    HART_STOP_WFI,          /* waiting for an interrupt: nothing to do until a line rises */
    HART_STOP_BREAKPOINT,   /* about to execute an instruction at a breakpoint */
    HART_STOP_WATCHPOINT,   /* an instruction accessed a watched address (it completed) */
};

struct hart *hart_create(const struct hart_config *cfg);
void hart_destroy(struct hart *h);

/* Reset state: M-mode, pc = reset_pc, mstatus.MIE = 0, satp bare, counters at zero. */
void hart_reset(struct hart *h);

/* Execute up to `budget` instructions; *retired (if not NULL) gets how many retired. */
enum hart_stop hart_run(struct hart *h, uint64_t budget, uint64_t *retired);

/* Raise or lower interrupt lines (HART_IRQ_* bits) in mip. */
void hart_set_irq(struct hart *h, uint32_t lines, bool level);

/*
 * Sstc: the hart's own supervisor timer (stimecmp, while menvcfg.STCE is set), which
 * raises STIP when the clock reaches it. Like a device's timer, it is checked between
 * runs: hart_timer_deadline() is when it is due (in clock ticks; UINT64_MAX when not
 * armed), hart_timer_update() brings STIP up to date with the clock. A write that moves
 * the deadline makes hart_run return (as a CLINT write does), so that the machine can
 * end its next run there.
 */
uint64_t hart_timer_deadline(const struct hart *h);
void hart_timer_update(struct hart *h);

/* Make hart_run return at the next instruction boundary: for a device that ends the run
 * (HTIF exit, poweroff) from inside an MMIO access, or a debugger's interrupt. */
void hart_yield(struct hart *h);

/* Instructions retired since reset (not minstret: the guest may write that), for a
 * clock that runs on instructions; the callback form takes the hart as opaque. */
uint64_t hart_instructions(const struct hart *h);
uint64_t hart_instructions_cb(void *hart);

/* Where the hart is in its run: instructions retired plus traps taken since reset. Each
 * step of hart_run's budget moves it by one, whatever the engine, so a run cut into
 * slices anywhere comes to the same state at the same position: record/replay and the
 * reverse debugger name moments by it. */
uint64_t hart_position(const struct hart *h);

/* The LR/SC reservation: true, with the reserved word's physical address, while the
 * hart holds one. A write that reaches the bus's memory while the hart is not running
 * (another hart's store to a page the machine watches, bus.h) or a DMA write at any
 * time breaks it where it touches the reserved word. */
bool hart_reservation(const struct hart *h, uint32_t *pa);

/*
 * One host thread per hart (devices/machine.c, thread=multi). While `on`, this hart runs
 * in its own thread beside the others': its atomics work on host memory with the
 * host's atomic instructions (sc.w is a compare-and-swap from the value lr.w read, as
 * in QEMU's MTTCG: a store of the same value by another hart does not break the
 * reservation), fence orders the host's accesses, and code written by another thread
 * is forgotten at this hart's next block boundary or its fence.i. The machine switches
 * it only while the hart does not run. Lines (hart_set_irq) and hart_yield may then
 * come from any thread.
 */
void hart_set_parallel(struct hart *h, bool on);

/* Does the host debug or trace this hart (breakpoints, watchpoints, any trace hook:
 * instructions, traps, decoded blocks, translations, page walks): what a parallel run
 * cannot stop for exactly, and hooks that write one trace without a lock. */
bool hart_host_debug(const struct hart *h);

/* True while the hart sleeps in WFI with no enabled interrupt pending. */
bool hart_waiting(const struct hart *h);

/* Register access for loaders, debuggers and tests. x0 reads 0 and ignores writes. */
uint32_t hart_get_reg(const struct hart *h, unsigned i);
void hart_set_reg(struct hart *h, unsigned i, uint32_t value);
uint32_t hart_get_pc(const struct hart *h);
void hart_set_pc(struct hart *h, uint32_t pc);
enum hart_priv hart_get_priv(const struct hart *h);
void hart_set_priv(struct hart *h, enum hart_priv priv);

/* The features it was created with (HART_*). */
uint32_t hart_features(const struct hart *h);

/* The floating-point registers f0..f31 for a debugger: 64 bits (a single NaN-boxed in
 * the low half). False: no F, or no such register. A write marks mstatus.FS dirty. */
bool hart_get_freg(const struct hart *h, unsigned i, uint64_t *value);
bool hart_set_freg(struct hart *h, unsigned i, uint64_t value);

/* A debugger's view of a CSR: no privilege checks and no side effects on reads.
 * False: no such CSR. */
bool hart_csr_get(struct hart *h, uint16_t csr, uint32_t *value);
bool hart_csr_set(struct hart *h, uint16_t csr, uint32_t value);

/*
 * How hart_run executes: the JIT (guest blocks translated to host code, cpu/jit; the
 * default where the host has one), the block engine (guest code decoded once into
 * blocks, cpu/exec_block.c), or the plain one-instruction step, the reference both are
 * checked against. Debugging (hooks, breakpoints, watchpoints) always runs the step.
 * Returns the engine in use: the JIT falls back to the block engine on hosts without
 * one. `jit_cache_bytes` (0: the default) bounds the JIT's translations.
 */
enum hart_engine { HART_ENGINE_STEP, HART_ENGINE_BLOCK, HART_ENGINE_JIT };
enum hart_engine hart_set_engine(struct hart *h, enum hart_engine engine);
enum hart_engine hart_get_engine(const struct hart *h);
void hart_set_jit_cache(struct hart *h, size_t bytes);
/* How many times a block runs in the block engine before the JIT translates it (default
 * 8: most code of a boot runs a few times, which interpreting costs less than
 * translating); 1 translates everything at its first run. */
void hart_set_jit_threshold(struct hart *h, unsigned runs);
enum hart_engine hart_default_engine(void);

/*
 * The JIT's translations as it makes them (for -d out_asm): the block's pc where it was
 * first run, its guest instructions (raw bits: 16 of them for a compressed one; len 2
 * or 4), and the host code made of them. A hook costs nothing while none is set and
 * does not make the hart leave its engine (unlike the trace hooks).
 */
struct hart_translation {
    uint32_t pc;
    uint32_t pa;                /* the physical address of pc */
    unsigned ninsns;
    uint32_t raw[64];
    uint8_t len[64];
    const uint8_t *code;        /* where the host code runs */
    size_t code_len;
};
void hart_set_translation_hook(struct hart *h,
                               void (*fn)(void *opaque, const struct hart_translation *t),
                               void *opaque);

/* The JIT's counts so far: translations made, and whole-cache flushes (a full cache,
 * or code forgotten for a debugger). False: no JIT on this hart. */
bool hart_jit_counts(const struct hart *h, uint64_t *translations, uint64_t *flushes);

/*
 * Semihosting (host/semihost.c does the host's side). While a handler is set, an
 * uncompressed ebreak between `slli x0, x0, 0x1f` and `srai x0, x0, 7` (the RISC-V
 * semihosting sequence: three 32-bit instructions in one page, as QEMU requires) calls
 * it instead of trapping. The handler reads a0 (the operation) and a1 (the parameter),
 * carries out the call and returns true; a0 then holds its result and the hart goes on
 * after the ebreak. Returning false leaves the ebreak to trap as a breakpoint (a call
 * the host refuses, such as one from U-mode). The instructions around the ebreak are
 * read without side effects: through a translation that sets no A/D bit and raises
 * nothing, from RAM or ROM only. Every engine runs ebreak through the same code.
 */
typedef bool (*hart_semihost_fn)(void *opaque, struct hart *h);
void hart_set_semihosting(struct hart *h, hart_semihost_fn fn, void *opaque);

/* The bus this hart was created with. */
struct bus *hart_bus(const struct hart *h);

/* Drop every cached translation and decoded instruction: after the host changed guest
 * memory behind the hart's back (a loader, a debugger, a snapshot restore). */
void hart_flush_caches(struct hart *h);

/*
 * Debugging and tracing (cpu/debug.c). While no trace hook, breakpoint or watchpoint is
 * set, none of it costs anything: hart_run takes a separate, checking loop only then.
 */
struct hart_trace {
    void *opaque;
    /* Before each instruction executes: where, its bits, and the mode it runs in. */
    void (*insn)(void *opaque, uint32_t pc, uint32_t raw, enum hart_priv priv);
    /* On every trap entry (exceptions and interrupts), after delegation is decided. */
    void (*trap)(void *opaque, uint32_t cause, uint32_t epc, uint32_t tval,
                 enum hart_priv from, enum hart_priv to);
};

/* Install trace hooks (copied), or remove them with NULL. An `insn` hook makes the hart
 * run the plain step while it is set; a `trap` hook alone does not (every engine takes
 * its traps and interrupts through the same code, which calls it). */
void hart_set_trace(struct hart *h, const struct hart_trace *trace);

/*
 * Blocks as the block engine decodes them (for -d in_asm): the hook sees each block when
 * it is decoded, with the pc it was first run at and its instructions (the `code` fields
 * are empty). It costs one test per decoded block and does not change the engine.
 */
void hart_set_decode_hook(struct hart *h,
                          void (*fn)(void *opaque, const struct hart_translation *t),
                          void *opaque);

/* The block the block engine would decode at virtual `pc` now (translated as a fetch,
 * without side effects): its instructions up to and including the one that ends it (a
 * branch or jump, SYSTEM, a CSR access, fence.i, an illegal encoding), the end of the
 * page, or 64 instructions. False if pc does not translate to memory. For tracing
 * blocks while the plain step runs. */
bool hart_block_at(struct hart *h, uint32_t pc, struct hart_translation *out);

/*
 * Page-table walks (for -d mmu): the hook sees every Sv32 walk the hart makes for an
 * access (on a TLB miss; never a debugger's), with the entries it read and the outcome.
 * A walk of a fetch that straddles a page, or of a misaligned access, may be seen twice.
 */
struct hart_walk {
    uint32_t va;
    uint8_t access;             /* 0 load, 1 store, 2 fetch */
    uint8_t priv;               /* enum hart_priv the access is checked for (MPRV's) */
    uint32_t satp;
    unsigned levels;            /* page-table entries read: 0, 1 or 2 */
    uint32_t pte_addr[2], pte[2];   /* an access fault on an entry: pte_addr[levels] */
    bool fault;
    uint32_t cause;             /* fault: the exception (a page fault, or an access fault
                                   for an entry that is not in memory) */
    uint32_t pa;                /* no fault: the physical address */
    uint32_t ad_set;            /* no fault: A/D bits the access sets in the leaf entry */
};
void hart_set_walk_hook(struct hart *h, void (*fn)(void *opaque, const struct hart_walk *w),
                        void *opaque);

/*
 * Trap loops. When an exception is taken at the very address the previous one entered
 * (the trap vector's first instruction raises it), with the same cause, tval and mode,
 * the hart is in a loop that nothing but an interrupt can break (a jump to 0 with mtvec
 * still 0; an stvec that is not mapped). The repeats are then neither traced (the trace
 * hooks' `trap`) nor kept in the control-flow history, which keeps what led into the
 * loop, even across interrupts taken meanwhile; the hook is called once, at the first
 * repeat. Always checked, in every engine: a few compares per exception.
 */
struct hart_trap_loop {
    uint32_t cause, epc, tval;
    enum hart_priv from, to;
};
void hart_set_trap_loop_hook(struct hart *h,
                             void (*fn)(void *opaque, const struct hart_trap_loop *l),
                             void *opaque);

/* The loop the hart's last exception is part of, and how many times it repeated (0: it is
 * in none). */
uint64_t hart_trap_loop(const struct hart *h, struct hart_trap_loop *l);

#define HART_MAX_BREAKPOINTS 64
#define HART_MAX_WATCHPOINTS 8

/* Breakpoints on virtual addresses: hart_run stops before executing there. Running again
 * from the stop executes that instruction. False: the table is full (or, to remove, no
 * such breakpoint). */
bool hart_breakpoint(struct hart *h, uint32_t va, bool insert);

enum hart_watch { HART_WATCH_WRITE = 1, HART_WATCH_READ = 2, HART_WATCH_ACCESS = 3 };

/* Watchpoints on virtual data addresses [va, va + len): an instruction whose load or store
 * touches the range completes, then hart_run stops. While any is set, the TLB caches no
 * page, so every access is checked. */
bool hart_watchpoint(struct hart *h, uint32_t va, uint32_t len, enum hart_watch kind,
                     bool insert);

/* After HART_STOP_WATCHPOINT: the watched address that was hit, and how. */
uint32_t hart_watch_hit(const struct hart *h, enum hart_watch *kind);

/* The control-flow history, always kept: the last HART_HISTORY_LEN times the pc did not
 * simply move on to the next instruction (taken branches, jumps, traps, xRET), as
 * from/to pairs, oldest first. Returns how many were copied. */
#define HART_HISTORY_LEN 64
unsigned hart_history(const struct hart *h, uint32_t from[], uint32_t to[], unsigned max);

/* A debugger's translation of a virtual address as the hart would do it now, without
 * setting A/D bits or raising anything. False: not mapped (or not for that access). */
bool hart_debug_translate(struct hart *h, uint32_t va, bool write, uint32_t *pa);

/* The software TLB's valid entries, for a debugger's `monitor tlb`: the access kind it
 * serves (0 load, 1 store, 2 fetch), the virtual page and the physical page. Returns how
 * many were copied (at most max; HART_TLB_ENTRIES is every slot). */
#define HART_TLB_ENTRIES (3 * 256)
struct hart_tlb_entry {
    uint8_t kind;
    uint32_t va, pa;
};
unsigned hart_tlb_entries(const struct hart *h, struct hart_tlb_entry *out, unsigned max);

#endif
