/*
 * Traces for people debugging a guest (QEMU's -d and -D, in rvbox's words):
 *
 *   -d exec   every executed instruction, before it runs:
 *             [M] 80000010 <_start+0x10>  addi x10, x10, 1
 *   -d int    every trap and interrupt, as it is taken:
 *             trap: illegal instruction (2) from S to M epc=80400010 <foo+0x4> tval=00000000
 *   -d out_asm  every block the JIT translates, as it translates it: the guest's
 *             instructions, then the x86-64 code made of them (disassembled with
 *             Capstone); a line when the code cache was flushed, and the counts at the end
 *
 * limited with --trace-range LO:HI (pc in [LO, HI); a translation by its first pc),
 * --trace-first N (stop after N lines; a translation counts as one), --trace-last N
 * (keep the last N exec and int lines in a ring, print them at the end), and written
 * to -D FILE (stderr by default). Symbols come from the ELF images and --symbols FILE.
 *
 * Always on, whatever the options, and free while the guest runs: when the guest ends
 * with a failure code (a test's HTIF fail, a firmware's fatal-trap poweroff), the last
 * control transfers from the hart's history ring are printed to stderr with symbols and
 * disassembly (--history N, 0 to switch it off).
 *
 * With no -d, nothing is installed in the hart: its fast loop runs untouched. exec and
 * int make it run the plain step (so nothing is translated while they trace); out_asm
 * leaves the JIT running and is called only when it translates.
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

#define TRACE_EXEC (1u << 0)
#define TRACE_INT  (1u << 1)
#define TRACE_OUT_ASM (1u << 2)

#define TRACE_MAX_SYMBOL_FILES 16
#define TRACE_HISTORY_DEFAULT  16

struct trace_options {
    unsigned flags;             /* -d: TRACE_EXEC | TRACE_INT | TRACE_OUT_ASM */
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

struct trace;

/* Open the sink (-D FILE). `syms` (may be NULL) is borrowed for the trace's lifetime.
 * NULL with a one-line reason in err. */
struct trace *trace_open(const struct trace_options *o, const struct symbols *syms,
                         char *err, size_t errlen);

/* Install the hooks the options ask for in this machine's hart: after every boot (a
 * reboot builds a new machine). */
void trace_attach(struct trace *t, struct machine *m);

/* The machine goes away (before machine_destroy; a reboot attaches the next one). */
void trace_detach(struct trace *t);

/* The monitor's `log ITEMS`: trace these items from now on, instead of what -d (or the
 * last call) said; "none" traces nothing. ITEMS is -d's comma list. -D's file is opened
 * when a trace first needs it; --trace-first counts afresh. 0, or -1 with a one-line
 * reason in err (then nothing changed). */
int trace_set_items(struct trace *t, const char *items, char *err, size_t errlen);

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

/* "illegal instruction", "supervisor timer interrupt", ...: the name of an mcause value. */
const char *trace_cause_name(uint32_t cause);

/* Print the hart's control-flow history (the last `max` entries, oldest first), one line
 * each: "  80000010 <f+0x4>  jal x1, 80000100  ->  80000100 <g>". */
void trace_print_history(FILE *out, struct machine *m, const struct symbols *syms,
                         unsigned max);

#endif
