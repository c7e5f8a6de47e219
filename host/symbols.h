/*
 * Symbol tables for traces and the debugger: the ELF symbols of the firmware, the kernel
 * and any file given with --symbols, merged into one table sorted by address, so that an
 * address can be printed as <name+offset>.
 *
 * Which symbols: functions, objects and plain labels that live in an allocated section.
 * Section and file symbols, absolute and undefined ones, the assembler's local labels
 * (.L*) and RISC-V mapping symbols ($x, $d) are left out. A symbol with a size covers
 * [value, value + size); a label without one (assembly) covers up to the next symbol or
 * the end of its section, whichever comes first.
 *
 * Addresses are the ELF's virtual addresses: the pc as the hart sees it.
 */
#ifndef RVBOX_SYMBOLS_H
#define RVBOX_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct symbols;

struct symbols *symbols_create(void);
void symbols_destroy(struct symbols *s);

/* Add the symbols of an ELF32 file. 0 on success; -1 with a one-line reason in err when
 * the file cannot be read, is not ELF32, or has no symbol table. */
int symbols_add_file(struct symbols *s, const char *path, char *err, size_t errlen);

/* The same from an ELF image in memory (not kept after the call). An image without a
 * symbol table adds nothing and is not an error: a stripped kernel still runs. Returns how
 * many symbols were added, or -1 (with err) if the bytes are not ELF32 at all. */
int symbols_add_memory(struct symbols *s, const void *elf, size_t size, const char *name,
                       char *err, size_t errlen);

/* The symbol that covers addr, and addr's offset into it; NULL if none does. */
const char *symbols_lookup(const struct symbols *s, uint32_t addr, uint32_t *offset);

/* "<name>" or "<name+0x1c>" into buf (empty when no symbol covers addr, or s is NULL).
 * Returns buf. */
char *symbols_format(const struct symbols *s, uint32_t addr, char *buf, size_t len);

/* The address of the symbol called `name`; false if there is none. */
bool symbols_find(const struct symbols *s, const char *name, uint32_t *addr);

size_t symbols_count(const struct symbols *s);

#endif
