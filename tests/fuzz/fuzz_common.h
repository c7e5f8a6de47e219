/*
 * Shared pieces of the robustness ("fuzz") suites: a small seeded generator, the seed
 * list and the work scale, backends that never fail the guest (a console that discards,
 * an in-memory disk that checks every request it gets), random but real instruction
 * encodings, and a run loop that keeps a machine going whatever the guest does.
 *
 * Runs are reproducible: each seed gives the same guest, the same register and CSR state
 * and the same MMIO traffic every time. Environment knobs:
 *   RVBOX_FUZZ_SEED=N    run only seed N (a crash's seed, printed in its failure)
 *   RVBOX_FUZZ_SCALE=K   multiply the work per seed by K (a longer soak); default 1
 *   RVBOX_FUZZ_SEEDS=N   run seeds 0..N-1 instead of each suite's own count (a wider soak)
 * Under AddressSanitizer the default work per seed is cut so the suite still runs fast.
 */
#ifndef RVBOX_TESTS_FUZZ_COMMON_H
#define RVBOX_TESTS_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/blockdev.h"
#include "devices/chardev.h"
#include "devices/machine.h"

struct hart;

/* ---- a seeded generator (splitmix64: tiny, fast, good enough for test inputs) ---- */

struct fz_rng {
    uint64_t state;
};

void fz_seed(struct fz_rng *r, uint64_t seed);
uint64_t fz_next64(struct fz_rng *r);
uint32_t fz_u32(struct fz_rng *r);
/* Uniform in [0, n); n > 0. */
uint32_t fz_below(struct fz_rng *r, uint32_t n);
/* True with probability num/den. */
bool fz_chance(struct fz_rng *r, uint32_t num, uint32_t den);
/* A value that tends to break things: 0, 1, all ones, sign bits, small and large. */
uint32_t fz_interesting(struct fz_rng *r);

/* ---- seeds and scale ---- */

/* Seed i of a suite (fixed, so runs are reproducible); `salt` keeps suites apart. */
uint64_t fz_seed_for(unsigned suite_salt, unsigned i);
/* How many seeds a suite runs: `def`, or RVBOX_FUZZ_SEEDS. */
unsigned fz_seed_count(unsigned def);
/* True when this run should do seed i (all of them, or just RVBOX_FUZZ_SEED). */
bool fz_seed_selected(unsigned i);
/* The work multiplier: 1 normally, a fraction under the sanitizers (as a percentage),
 * times RVBOX_FUZZ_SCALE. */
uint64_t fz_scaled(uint64_t work);
/* True in a sanitizer build (AddressSanitizer). */
bool fz_sanitized(void);

/* ---- the engine ---- */

/* Put the machine's hart on the engine RVBOX_ACCEL names, else the host's default
 * (tests/test_engine.h): right after machine_create. */
void fz_use_engine(struct machine *m);

/* ---- backends ---- */

/* A console that discards output; its input is random bytes now and then when `rng` is
 * set (UART receive path), never otherwise. */
struct fz_console {
    struct fz_rng *rng;
    uint64_t written;
};
struct chardev fz_console_chardev(struct fz_console *c);

/* An in-memory disk. Every request must lie inside the disk and never write a read-only
 * one: the device contract says the backend is never called past `size`. Violations are
 * counted (not asserted inside the callback, so the test can name its seed). */
struct fz_disk {
    struct blockdev bd;
    uint8_t *data;
    unsigned reads, writes, flushes;
    unsigned out_of_range, readonly_writes;
    bool fail_some;             /* answer some requests with an I/O error */
    uint64_t ios;
};
void fz_disk_init(struct fz_disk *d, uint64_t size, bool readonly, bool fail_some);
void fz_disk_fini(struct fz_disk *d);

/* ---- instructions ---- */

/* A real 32-bit encoding: a random line of insn_table[] with random fields; CSR numbers
 * are picked among the CSRs that exist about half of the time. */
uint32_t fz_insn32(struct fz_rng *r);
/* PMP rules for a random machine: mostly entry 15 open to everyone (as firmware leaves
 * it), and a few random rules in front of it (pages, NAPOT ranges, NA4/TOR words in RAM
 * or at devices; now and then locked). */
void fz_setup_pmp(struct fz_rng *r, struct hart *h, uint32_t ram_size);
/* A value for a floating-point register (NaN-boxed singles, doubles, specials). */
uint64_t fz_fp_value(struct fz_rng *r);
/* A 16-bit parcel that rvc_expand() accepts (a real compressed instruction), or a random
 * non-32-bit parcel if none was found in a few tries. */
uint16_t fz_insn16(struct fz_rng *r);

enum fz_code_mode {
    FZ_CODE_RANDOM,         /* random words */
    FZ_CODE_VALID32,        /* real 32-bit encodings */
    FZ_CODE_MIXED,          /* real 32- and 16-bit encodings, packed in halfwords */
    FZ_CODE_SPRINKLED,      /* mostly real encodings, some random words and PTE-like words */
    FZ_CODE_MODES
};
const char *fz_code_mode_name(enum fz_code_mode mode);
/* Fill `len` bytes (a multiple of 4) with guest code of that kind. */
void fz_fill_code(struct fz_rng *r, uint8_t *buf, size_t len, enum fz_code_mode mode);

/* A register value a guest would find useful: RAM addresses (near the start, the end, a
 * random page), device bases, small numbers, or random bits. */
uint32_t fz_reg_value(struct fz_rng *r, uint32_t ram_size);

/* ---- running ---- */

struct fz_run_stats {
    uint64_t retired;           /* instructions retired over the whole run */
    unsigned slices;            /* machine_run calls */
    unsigned idles;             /* MACHINE_IDLE answers (the hart sat in WFI) */
    unsigned wakeups;           /* of those, ones the test woke with a CLINT msip */
    unsigned exits, reboots;    /* the guest powered the machine off / asked to reboot */
    unsigned kicks;             /* trap loops the test broke (new pc and vectors) */
};

/*
 * Invariants that must hold whatever the guest did: a valid privilege level, MPP never the
 * reserved 2, mepc/sepc bit 0 clear (IALIGN=16). Returns NULL when all hold, else what
 * broke (a static string).
 */
const char *fz_check_hart(struct machine *m);

/* Get a guest out of a loop (a whole slice of traps and nothing retired: the vector
 * holds an illegal instruction, say; or fz_stuck; legal, but it tests nothing new): new trap vectors
 * into RAM, a new pc in RAM, a random privilege level. */
void fz_kick(struct machine *m, struct fz_rng *r, uint32_t ram_size);

/* True when the hart has been going round a tiny loop: its last HART_HISTORY_LEN
 * control-flow changes land on at most two addresses (a trap loop, `j .`). */
bool fz_stuck(struct machine *m);

/* A trap vector: into RAM (direct or vectored, sometimes in its last bytes) nearly
 * always, anywhere at all now and then. */
uint32_t fz_vector(struct fz_rng *r, uint32_t ram_size);

/* Wake a hart that sits in WFI: raise the CLINT's msip and make sure mie lets it in. */
void fz_wake(struct machine *m);
/* Lower the CLINT's msip again. */
void fz_unwake(struct machine *m);

#endif
