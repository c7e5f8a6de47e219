/*
 * A small disassembler over the instruction list, for tests, traces and the debugger.
 * Output follows the GNU assembler's spelling with numeric register names
 * ("addi x10, x10, 1", "lw x5, 8(x2)", "csrrs x10, mstatus, x0"); branch and jump
 * targets are printed as absolute addresses computed from `pc`.
 */
#ifndef RVBOX_DISASM_H
#define RVBOX_DISASM_H

#include <stddef.h>
#include <stdint.h>

struct insn;

/* Disassemble a decoded instruction at `pc` into buf. Returns the length written. */
int disasm_insn(const struct insn *d, uint32_t pc, char *buf, size_t len);

/* Decode and disassemble raw instruction bits (a 16-bit parcel or a 32-bit word). */
int disasm(uint32_t raw, uint32_t pc, char *buf, size_t len);

/* The mnemonic of a decoded instruction ("illegal" for OP_ILLEGAL). */
const char *disasm_mnemonic(const struct insn *d);

#endif
