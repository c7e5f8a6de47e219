/*
 * The CSR file's public face: names and enumeration, for the disassembler, tracers and the
 * GDB stub. Access from guest instructions goes through csr_op() (cpu/hart_state.h).
 */
#ifndef RVBOX_CSR_H
#define RVBOX_CSR_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the CSR's name ("mstatus", "pmpaddr3") into buf; false if no such CSR exists
 * (buf then gets its number in hex). */
bool csr_name(unsigned num, char *buf, size_t len);

/* The next implemented CSR number after `num` (start with -1), or -1 past the last. */
int csr_next(int num);

#endif
