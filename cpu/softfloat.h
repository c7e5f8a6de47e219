/*
 * IEEE 754-2008 binary32 and binary64 arithmetic in integers, as the F and D extensions
 * define it (unprivileged spec, chapters "F" and "D"): every operation is computed exactly
 * and rounded once, in any of the five rounding modes (RMM included, which no host FPU
 * has), with tininess detected after rounding, and the accrued exception flags returned
 * rather than left in a host register. Nothing here touches the host's floating-point
 * unit, so the host's rounding mode and flags can neither leak into a guest nor be
 * changed by one, and every host computes the same bits.
 *
 * Values travel as their bit patterns in a uint64_t: a single in the low 32 bits (NaN-
 * boxing is the caller's, cpu/fpu.c). Every NaN a computation produces is the canonical
 * NaN (0x7fc00000, 0x7ff8000000000000); a signalling NaN operand raises invalid.
 */
#ifndef RVBOX_SOFTFLOAT_H
#define RVBOX_SOFTFLOAT_H

#include <stdbool.h>
#include <stdint.h>

/* Rounding modes, numbered as the instructions' rm field and frm number them. */
enum sf_round { SF_RNE = 0, SF_RTZ = 1, SF_RDN = 2, SF_RUP = 3, SF_RMM = 4 };

/* The exception flags, as fflags holds them. */
#define SF_NX 0x01u     /* inexact */
#define SF_UF 0x02u     /* underflow: tiny (after rounding) and inexact */
#define SF_OF 0x04u     /* overflow */
#define SF_DZ 0x08u     /* division by zero */
#define SF_NV 0x10u     /* invalid operation */

enum sf_format { SF_S, SF_D };

#define SF_S_NAN 0x7fc00000u
#define SF_D_NAN 0x7ff8000000000000ull

/* rm is an enum sf_round; *flags gets the exceptions raised (or'ed in). */
uint64_t sf_add(enum sf_format f, uint64_t a, uint64_t b, unsigned rm, unsigned *flags);
uint64_t sf_sub(enum sf_format f, uint64_t a, uint64_t b, unsigned rm, unsigned *flags);
uint64_t sf_mul(enum sf_format f, uint64_t a, uint64_t b, unsigned rm, unsigned *flags);
uint64_t sf_div(enum sf_format f, uint64_t a, uint64_t b, unsigned rm, unsigned *flags);
uint64_t sf_sqrt(enum sf_format f, uint64_t a, unsigned rm, unsigned *flags);

/* (a * b) + c with one rounding; neg_prod negates the product, neg_c the addend (fmsub
 * is neg_c, fnmsub neg_prod, fnmadd both). inf * 0 raises invalid even when c is a
 * quiet NaN, as the RISC-V specialisation of the standard has it. */
uint64_t sf_fma(enum sf_format f, uint64_t a, uint64_t b, uint64_t c, bool neg_prod,
                bool neg_c, unsigned rm, unsigned *flags);

/* fmin/fmax (version 2.2 of the F extension): -0 < +0; one NaN operand gives the other
 * operand; two give the canonical NaN; a signalling NaN raises invalid. */
uint64_t sf_min(enum sf_format f, uint64_t a, uint64_t b, unsigned *flags);
uint64_t sf_max(enum sf_format f, uint64_t a, uint64_t b, unsigned *flags);

/* feq is quiet (invalid only for a signalling NaN); flt and fle signal on any NaN. */
bool sf_eq(enum sf_format f, uint64_t a, uint64_t b, unsigned *flags);
bool sf_lt(enum sf_format f, uint64_t a, uint64_t b, unsigned *flags);
bool sf_le(enum sf_format f, uint64_t a, uint64_t b, unsigned *flags);

/* fclass: one of bits 0..9 (-inf, -normal, -subnormal, -0, +0, +subnormal, +normal,
 * +inf, signalling NaN, quiet NaN). */
uint32_t sf_class(enum sf_format f, uint64_t a);

/* To and from 32-bit integers. Out of range (after rounding), infinite or NaN: invalid,
 * and the nearest representable integer (NaN as the largest), never inexact too. */
uint32_t sf_to_i32(enum sf_format f, uint64_t a, unsigned rm, unsigned *flags);
uint32_t sf_to_u32(enum sf_format f, uint64_t a, unsigned rm, unsigned *flags);
uint64_t sf_from_i32(enum sf_format f, int32_t v, unsigned rm, unsigned *flags);
uint64_t sf_from_u32(enum sf_format f, uint32_t v, unsigned rm, unsigned *flags);

/* Between the formats (fcvt.s.d rounds; fcvt.d.s is exact). */
uint64_t sf_convert(enum sf_format to, enum sf_format from, uint64_t a, unsigned rm,
                    unsigned *flags);

#endif
