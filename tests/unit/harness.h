/*
 * A tiny machine for CPU unit tests: a bus with 64 KiB of RAM at 0x80000000 and one hart
 * that resets there, in M-mode, with mtvec pointing at a trap stop (an endless `jal x0, 0`)
 * so that a trap leaves mcause/mepc/mtval for the test to read and goes nowhere. stvec
 * points at a second stop, so that a trap delegated to S-mode is told apart by the pc.
 * The hart runs on the engine RVBOX_ACCEL names, else the host's default
 * (tests/test_engine.h).
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
#define HARNESS_STRAP_VEC (HARNESS_RAM_BASE + 0x8100u)  /* stvec: `jal x0, 0` */
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

/* Run the one instruction `word` at HARNESS_RAM_BASE in mode `priv`: one step, so either
 * it retires (returns 1) or it traps (returns 0, the trap taken, pc at the vector). */
uint64_t harness_exec(struct harness *t, enum hart_priv priv, uint32_t word);

/*
 * Encoders for the instructions the privileged-architecture suites generate by the
 * thousand (every CSR number, every mode). Macros, so that they are constant expressions
 * in tables. Each matches riscv64-unknown-elf-as: test_csr checks them against words the
 * assembler produced.
 */
#define ENC_CSR(funct3, rd, csr, rs1) \
    ((uint32_t)((csr) & 0xfffu) << 20 | (uint32_t)((rs1) & 31u) << 15 | \
     (uint32_t)((funct3) & 7u) << 12 | (uint32_t)((rd) & 31u) << 7 | 0x73u)
#define enc_csrrw(rd, csr, rs1)   ENC_CSR(1, rd, csr, rs1)     /* csrrw rd, csr, rs1 */
#define enc_csrrs(rd, csr, rs1)   ENC_CSR(2, rd, csr, rs1)
#define enc_csrrc(rd, csr, rs1)   ENC_CSR(3, rd, csr, rs1)
#define enc_csrrwi(rd, csr, uimm) ENC_CSR(5, rd, csr, uimm)    /* csrrwi rd, csr, uimm */
#define enc_csrrsi(rd, csr, uimm) ENC_CSR(6, rd, csr, uimm)
#define enc_csrrci(rd, csr, uimm) ENC_CSR(7, rd, csr, uimm)

/* I-type (loads: opcode 0x03, funct3 = width; addi: 0x13, 0) and S-type stores (0x23). */
#define ENC_I(opcode, funct3, rd, rs1, imm) \
    ((uint32_t)(imm) << 20 | (uint32_t)((rs1) & 31u) << 15 | \
     (uint32_t)((funct3) & 7u) << 12 | (uint32_t)((rd) & 31u) << 7 | (uint32_t)(opcode))
#define ENC_S(funct3, rs2, rs1, imm) \
    (((uint32_t)(imm) & 0xfe0u) << 20 | (uint32_t)((rs2) & 31u) << 20 | \
     (uint32_t)((rs1) & 31u) << 15 | (uint32_t)((funct3) & 7u) << 12 | \
     ((uint32_t)(imm) & 31u) << 7 | 0x23u)
#define enc_lw(rd, rs1, imm)   ENC_I(0x03, 2, rd, rs1, imm)     /* lw rd, imm(rs1) */
#define enc_sw(rs2, rs1, imm)  ENC_S(2, rs2, rs1, imm)          /* sw rs2, imm(rs1) */
#define enc_addi(rd, rs1, imm) ENC_I(0x13, 0, rd, rs1, imm)     /* addi rd, rs1, imm */

#endif
