/*
 * Traces for people debugging a guest (QEMU's -d and -D, in rvbox's words); `-d help`
 * lists the items:
 *
 *   -d exec     every executed instruction, before it runs:
 *               [M] 80000010 <_start+0x10>  addi x10, x10, 1
 *   -d int      every trap and interrupt, as it is taken:
 *               trap: illegal instruction (2) from S to M epc=80400010 <foo+0x4> tval=00000000
 *   -d cpu      the registers and the CSRs that matter before each block runs (blocks as
 *               the block engine cuts them; after a trap, the handler's first block)
 *   -d in_asm   each block's guest instructions when it is decoded (first run)
 *   -d out_asm  every block the JIT translates: the guest's instructions, then the x86-64
 *               code made of them (Capstone); a line when the code cache was flushed, and
 *               the counts at the end
 *   -d mmu      every Sv32 page-table walk (TLB misses) and its outcome, page faults too
 *   -d guest_errors  what the guest does wrong (unmapped addresses, registers a device
 *               does not have, bad virtio use), -d unimp  what it uses that rvbox lacks
 *               (unknown CSRs): reported by the core through its log (bus/log.h) and
 *               printed a few of each kind, then counted
 *
 * limited with --trace-range LO:HI (pc in [LO, HI); a block by its first pc),
 * --trace-first N (stop after N lines; a block or register dump counts as one),
 * --trace-last N (keep the last N exec and int lines in a ring, print them at the end),
 * and written to -D FILE (stderr by default). Symbols come from the ELF images and
 * --symbols FILE.
 *
 * Always on, whatever the options, and free while the guest runs: when the guest ends
 * with a failure code (a test's HTIF fail, a firmware's fatal-trap poweroff), the last
 * control transfers from the hart's history ring are printed to stderr with symbols and
 * disassembly (--history N, 0 to switch it off); a trap loop (the trap vector raising
 * the trap that entered it) is reported once on stderr with what led into it.
 *
 * With several harts (-smp), every line starts with the hart's number ("hart2 [S] ..."),
 * and the failure report names the hart that ended the run.
 *
 * With no -d, nothing is installed in the hart but the trap-loop hook: its fast loop runs
 * untouched. exec and cpu make it run the plain step (so nothing is translated while they
 * trace); int, in_asm, out_asm and mmu leave the engine as it is and are called only at
 * traps, decodes, translations and walks.
 */
#ifndef RVBOX_TRACE_H
#define RVBOX_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct hart;
struct machine;
struct symbols;

#define TRACE_EXEC         (1u << 0)
#define TRACE_INT          (1u << 1)
#define TRACE_OUT_ASM      (1u << 2)
#define TRACE_IN_ASM       (1u << 3)
#define TRACE_CPU          (1u << 4)
#define TRACE_MMU          (1u << 5)
#define TRACE_GUEST_ERRORS (1u << 6)
#define TRACE_UNIMP        (1u << 7)
/* The items printed as multi-line records, which --trace-last does not keep. */
#define TRACE_RECORDS      (TRACE_OUT_ASM | TRACE_IN_ASM | TRACE_CPU | TRACE_MMU)

#define TRACE_MAX_SYMBOL_FILES 16
#define TRACE_HISTORY_DEFAULT  16

struct trace_options {
    unsigned flags;             /* -d: TRACE_* */
    const char *file;           /* -D FILE, --trace-file FILE; NULL: stderr */
    bool has_range;             /* --trace-range LO:HI */
    uint32_t lo, hi;            /* pc in [lo, hi) */
    uint64_t first;             /* --trace-first N: 0 = no limit */
    uint64_t last;              /* --trace-last N: 0 = print as it goes */
    unsigned history;           /* --history N: transfers shown when the guest fails */
    unsigned nsymbol_files;
    const char *symbol_files[TRACE_MAX_SYMBOL_FILES];  /* --symbols FILE, in order */
};

/* Defaults: no trace, stderr, TRACE_HISTORY_DEFAULT transfers on failure. */
void trace_options_init(struct trace_options *o);

/* Parse one command-line option if it is one of the trace options (-d, -D, --trace,
 * --trace-file, --trace-range, --trace-first, --trace-last, --history, --symbols).
 * `name` is argv[*i] with a leading "--" turned into "-"; a value is taken from
 * argv[*i + 1] (and *i moved past it). Returns 1 if the option was ours, 0 if not,
 * -1 on a bad value (one-line reason in err). */
int trace_option(struct trace_options *o, const char *name, int *i, int argc, char **argv,
                 char *err, size_t errlen);

/* The option lines for --help. */
extern const char trace_help[];

/* The -d items and what each shows (-d help), one a line. */
void trace_print_items(FILE *out);

/* Parse a -d list ("int,guest_errors") into TRACE_* flags: 0, 1 if it asks for help
 * (nothing else is parsed), -1 with a reason in err. */
int trace_parse_items(const char *v, unsigned *flags, char *err, size_t errlen);

struct trace;

/* Open the sink (-D FILE). `syms` (may be NULL) is borrowed for the trace's lifetime.
 * NULL with a one-line reason in err. */
struct trace *trace_open(const struct trace_options *o, const struct symbols *syms,
                         char *err, size_t errlen);

/* Install the hooks the options ask for in this machine's hart: after every boot (a
 * reboot builds a new machine). */
void trace_attach(struct trace *t, struct machine *m);

/* Change the items traced while the machine runs (a monitor's `log ITEMS`; 0: none):
 * hooks come out and go in at once, --trace-first counts afresh. -1 with a reason in err
 * (--trace-last was given and the items print records; Capstone missing for out_asm). */
int trace_set_items(struct trace *t, unsigned flags, char *err, size_t errlen);
unsigned trace_items(const struct trace *t);

/* The machine goes away (before machine_destroy; a reboot attaches the next one). */
void trace_detach(struct trace *t);

/* Write out what is buffered (before other messages go to stderr). */
void trace_flush(struct trace *t);

/* The guest ended with a failure code: print the hart's last control transfers, with
 * symbols and disassembly, and the trap CSRs, to `out` (stderr). Call before
 * machine_destroy. */
void trace_report_failure(struct trace *t, struct machine *m, FILE *out);

/* The run is over: print the --trace-last ring (once) and flush. */
void trace_finish(struct trace *t);

/* trace_finish, then close the sink. NULL is allowed. */
void trace_close(struct trace *t);

/*
 * Shared with the debugger (host/gdbstub.c): the guest as a debugger sees it.
 */

/* Read or write guest memory as a debugger does: only RAM and ROM answer (never MMIO,
 * where even a read can change a device), and a debugger may write ROM. `virt`: the
 * addresses are virtual, translated as the hart would translate a load (or store) now,
 * without setting A/D bits; else physical. False, with nothing written, if any byte is
 * unmapped or not memory. A write drops the hart's cached translations and decodes. */
bool trace_guest_memory(struct machine *m, uint32_t addr, void *buf, uint32_t len, bool virt,
                        bool write);

/* The same for a debugger's own reads and writes (GDB's m and M packets), which also
 * reach device registers, as QEMU's do: through the device's read and write, with their
 * side effects (a read of the UART's receive buffer takes a byte, one of the PLIC's claim
 * register claims). Each device is accessed in the widest sizes it takes; a read
 * narrower than it takes reads the aligned register holding the bytes, a write that
 * narrow fails. False if any byte is unmapped (nothing done) or a device refused. */
bool trace_debugger_memory(struct machine *m, uint32_t addr, void *buf, uint32_t len,
                           bool virt, bool write);

/* The same through hart h's translation (a debugger's chosen hart: GDB's Hg, the
 * monitor's `cpu N`); the two above use hart 0's. */
bool trace_guest_memory_at(struct machine *m, struct hart *h, uint32_t addr, void *buf,
                           uint32_t len, bool virt, bool write);
bool trace_debugger_memory_at(struct machine *m, struct hart *h, uint32_t addr, void *buf,
                              uint32_t len, bool virt, bool write);

/* "illegal instruction", "supervisor timer interrupt", ...: the name of an mcause value. */
const char *trace_cause_name(uint32_t cause);

/* Print the hart's control-flow history (the last `max` entries, oldest first), one line
 * each: "  80000010 <f+0x4>  jal x1, 80000100  ->  80000100 <g>". */
void trace_print_history(FILE *out, struct machine *m, const struct symbols *syms,
                         unsigned max);
/* trace_print_history prints the history of the hart that ended the last run
 * (machine_stop_hart); this one hart h's. */
void trace_print_history_at(FILE *out, struct machine *m, struct hart *h,
                            const struct symbols *syms, unsigned max);

#endif
