/*
 * A tiny machine for CPU unit tests: a bus with 64 KiB of RAM at 0x80000000 and one hart
 * that resets there, in M-mode, with mtvec pointing at a trap stop (an endless `jal x0, 0`)
 * so that a trap leaves mcause/mepc/mtval for the test to read and goes nowhere.
 *
 *   struct harness *t = harness_create();
 *   harness_load(t, prog, n);          // instruction words at HARNESS_RAM_BASE
 *   harness_run(t, n);                 // n steps; a trap counts as one
 *   ck_assert_uint_eq(harness_reg(t, 10), 42);
 *
 * Programs are hand-assembled: the words come from riscv64-unknown-elf-as + objdump.
 */
#ifndef RVBOX_TESTS_HARNESS_H
#define RVBOX_TESTS_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/hart.h"

#define HARNESS_RAM_BASE 0x80000000u
#define HARNESS_RAM_SIZE 0x10000u
#define HARNESS_DATA     (HARNESS_RAM_BASE + 0x4000u)   /* scratch data for loads/stores */
#define HARNESS_TRAP_VEC (HARNESS_RAM_BASE + 0x8000u)   /* mtvec: `jal x0, 0` */
#define HARNESS_UNMAPPED 0x10000000u                    /* nothing answers here */

struct bus;

struct harness {
    struct bus *bus;
    struct hart *hart;
    uint8_t *ram;           /* HARNESS_RAM_SIZE bytes at HARNESS_RAM_BASE */
};

struct harness *harness_create(void);
void harness_destroy(struct harness *t);

/* Copy 32-bit instruction words to the reset pc (HARNESS_RAM_BASE). */
void harness_load(struct harness *t, const uint32_t *words, size_t n);

/* Copy 16-bit parcels (RVC code, or a mix written as parcels) to HARNESS_RAM_BASE. */
void harness_load16(struct harness *t, const uint16_t *parcels, size_t n);

/* Run `steps` steps (instructions or traps taken); returns how many instructions retired. */
uint64_t harness_run(struct harness *t, uint64_t steps);

uint32_t harness_reg(struct harness *t, unsigned i);
void harness_set_reg(struct harness *t, unsigned i, uint32_t value);
uint32_t harness_pc(struct harness *t);

/* A CSR's value, read as a debugger does (aborts if the hart has no such CSR). */
uint32_t harness_csr(struct harness *t, uint16_t csr);
void harness_set_csr(struct harness *t, uint16_t csr, uint32_t value);

/* 32-bit little-endian access to RAM, through the bus. */
uint32_t harness_peek(struct harness *t, uint32_t addr);
void harness_poke(struct harness *t, uint32_t addr, uint32_t value);

#endif
