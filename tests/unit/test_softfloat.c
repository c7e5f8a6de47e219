/*
 * cpu/softfloat.c against the host's FPU: x86-64's SSE and the C library round
 * correctly in four of the five RISC-V rounding modes (not RMM) and raise the same
 * flags, with tininess after rounding (as RISC-V has it). Random operands from a fixed
 * seed, biased to the places where rounding is hard: subnormals, the edges of the
 * exponent range, values with few or many significant bits, infinities and NaNs. A host
 * NaN is compared as the canonical NaN (RISC-V produces no other).
 *
 * RMM, and the corners the host cannot judge, are in the guest tests rv32uf/rv32ud,
 * whose expected values come from an exact rational reference (tests/guest/gen).
 *
 * One place where the host differs from RISC-V, by the spec: fma(inf, 0, qNaN) raises
 * invalid on RISC-V ("even when the addend is a quiet NaN"); x86 does not.
 */
#include <check.h>
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/softfloat.h"

/* (GCC has no #pragma STDC FENV_ACCESS: -frounding-math does its work.) */

#define CASES 60000

static uint64_t state = 0x243f6a8885a308d3ull;
static uint64_t rnd(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static uint32_t some_single(void)
{
    uint32_t r = (uint32_t)rnd();
    switch (rnd() % 12) {
    case 0: return r & 0x807fffffu;                                 /* subnormal, zero */
    case 1: return (r & 0x80000000u) | 0x7f800000u | (rnd() % 3 ? r & 0x7fffffu : 0);
    case 2: return (r & 0x80ffffffu) | (uint32_t)(rnd() % 4) << 23;  /* tiny normals */
    case 3: return (r & 0x807fffffu) | (uint32_t)(250 + rnd() % 5) << 23;   /* huge */
    case 4: return (r & 0x80000000u) | 0x3f800000u | (r & 7);
    case 5: return (r & 0xff800000u) | (r & 0xf);
    default: return r;
    }
}

static uint64_t some_double(void)
{
    uint64_t r = rnd();
    switch (rnd() % 12) {
    case 0: return r & 0x800fffffffffffffull;
    case 1: return (r & 0x8000000000000000ull) | 0x7ff0000000000000ull |
                   (rnd() % 3 ? r & 0xfffffffffffffull : 0);
    case 2: return (r & 0x801fffffffffffffull) | (rnd() % 4) << 52;
    case 3: return (r & 0x800fffffffffffffull) | (2040 + rnd() % 7) << 52;
    case 4: return (r & 0x8000000000000000ull) | 0x3ff0000000000000ull | (r & 7);
    case 5: return (r & 0xfff0000000000000ull) | (r & 0xff);
    case 6: return (r & 0x800fffffffffffffull) | (uint64_t)(486 + rnd() % 10) << 52;
    default: return r;
    }
}

static const int host_mode[4] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD };

static unsigned host_flags(void)
{
    int e = fetestexcept(FE_ALL_EXCEPT);
    return (e & FE_INEXACT ? SF_NX : 0) | (e & FE_UNDERFLOW ? SF_UF : 0) |
           (e & FE_OVERFLOW ? SF_OF : 0) | (e & FE_DIVBYZERO ? SF_DZ : 0) |
           (e & FE_INVALID ? SF_NV : 0);
}

static bool nan32(uint32_t x) { return (x & 0x7fffffffu) > 0x7f800000u; }
static bool nan64(uint64_t x) { return (x & 0x7fffffffffffffffull) > 0x7ff0000000000000ull; }
static bool inf_times_zero_plus_qnan32(uint32_t a, uint32_t b, uint32_t c)
{
    bool ab = ((a & 0x7fffffffu) == 0x7f800000u && (b & 0x7fffffffu) == 0) ||
              ((b & 0x7fffffffu) == 0x7f800000u && (a & 0x7fffffffu) == 0);
    return ab && nan32(c);
}
static bool inf_times_zero_plus_qnan64(uint64_t a, uint64_t b, uint64_t c)
{
    const uint64_t m = 0x7fffffffffffffffull, inf = 0x7ff0000000000000ull;
    bool ab = ((a & m) == inf && (b & m) == 0) || ((b & m) == inf && (a & m) == 0);
    return ab && nan64(c);
}

enum { ADD, SUB, MUL, DIV, SQRT, FMA, NOPS };

/* What cpu/softfloat.c says for `op`, in either format. */
static uint64_t soft_op(enum sf_format f, unsigned op, uint64_t a, uint64_t b, uint64_t c,
                        unsigned rm, unsigned *sf)
{
    switch (op) {
    case ADD:  return sf_add(f, a, b, rm, sf);
    case SUB:  return sf_sub(f, a, b, rm, sf);
    case MUL:  return sf_mul(f, a, b, rm, sf);
    case DIV:  return sf_div(f, a, b, rm, sf);
    case SQRT: return sf_sqrt(f, a, rm, sf);
    default:   return sf_fma(f, a, b, c, false, false, rm, sf);
    }
}

START_TEST(test_singles_against_host)
{
    for (int i = 0; i < CASES; i++) {
        unsigned rm = (unsigned)(rnd() % 4), op = _i;
        uint32_t a = some_single(), b = some_single(), c = some_single();
        float x, y, z;
        memcpy(&x, &a, 4);
        memcpy(&y, &b, 4);
        memcpy(&z, &c, 4);
        volatile float r;
        fesetround(host_mode[rm]);
        feclearexcept(FE_ALL_EXCEPT);
        switch (op) {
        case ADD:  r = x + y; break;
        case SUB:  r = x - y; break;
        case MUL:  r = x * y; break;
        case DIV:  r = x / y; break;
        case SQRT: r = sqrtf(x); break;
        default:   r = fmaf(x, y, z); break;
        }
        unsigned hf = host_flags();
        fesetround(FE_TONEAREST);
        float rr = r;
        uint32_t hr;
        memcpy(&hr, &rr, 4);
        if (nan32(hr))
            hr = SF_S_NAN;
        unsigned sf = 0;
        uint64_t s = soft_op(SF_S, op, a, b, c, rm, &sf);
        if (op == FMA && inf_times_zero_plus_qnan32(a, b, c))
            hf |= SF_NV;
        ck_assert_msg((uint32_t)s == hr && sf == hf,
                      "op %u rm %u a %08x b %08x c %08x: host %08x flags %02x, soft %08x %02x",
                      op, rm, a, b, c, hr, hf, (uint32_t)s, sf);
    }
}
END_TEST

START_TEST(test_doubles_against_host)
{
    for (int i = 0; i < CASES; i++) {
        unsigned rm = (unsigned)(rnd() % 4), op = _i;
        uint64_t a = some_double(), b = some_double(), c = some_double();
        double x, y, z;
        memcpy(&x, &a, 8);
        memcpy(&y, &b, 8);
        memcpy(&z, &c, 8);
        volatile double r;
        fesetround(host_mode[rm]);
        feclearexcept(FE_ALL_EXCEPT);
        switch (op) {
        case ADD:  r = x + y; break;
        case SUB:  r = x - y; break;
        case MUL:  r = x * y; break;
        case DIV:  r = x / y; break;
        case SQRT: r = sqrt(x); break;
        default:   r = fma(x, y, z); break;
        }
        unsigned hf = host_flags();
        fesetround(FE_TONEAREST);
        double rr = r;
        uint64_t hr;
        memcpy(&hr, &rr, 8);
        if (nan64(hr))
            hr = SF_D_NAN;
        unsigned sf = 0;
        uint64_t s = soft_op(SF_D, op, a, b, c, rm, &sf);
        if (op == FMA && inf_times_zero_plus_qnan64(a, b, c))
            hf |= SF_NV;
        ck_assert_msg(s == hr && sf == hf,
                      "op %u rm %u a %016llx b %016llx c %016llx: host %016llx flags %02x, "
                      "soft %016llx %02x", op, rm, (unsigned long long)a,
                      (unsigned long long)b, (unsigned long long)c, (unsigned long long)hr,
                      hf, (unsigned long long)s, sf);
    }
}
END_TEST

/* Conversions: double -> single, integers -> both, double -> int32 where in range. */
START_TEST(test_conversions_against_host)
{
    for (int i = 0; i < CASES; i++) {
        unsigned rm = (unsigned)(rnd() % 4), sf = 0;
        uint64_t a = some_double();
        double x;
        memcpy(&x, &a, 8);
        volatile float r;
        fesetround(host_mode[rm]);
        feclearexcept(FE_ALL_EXCEPT);
        r = (float)x;
        unsigned hf = host_flags();
        fesetround(FE_TONEAREST);
        float rr = r;
        uint32_t hr;
        memcpy(&hr, &rr, 4);
        if (nan32(hr))
            hr = SF_S_NAN;
        uint64_t s = sf_convert(SF_S, SF_D, a, rm, &sf);
        ck_assert_msg((uint32_t)s == hr && sf == hf, "fcvt.s.d rm %u %016llx: host %08x %02x, "
                      "soft %08x %02x", rm, (unsigned long long)a, hr, hf, (uint32_t)s, sf);

        int32_t v = (int32_t)rnd() >> (rnd() % 32);
        fesetround(host_mode[rm]);
        feclearexcept(FE_ALL_EXCEPT);
        r = (float)v;
        hf = host_flags();
        fesetround(FE_TONEAREST);
        rr = r;
        memcpy(&hr, &rr, 4);
        sf = 0;
        s = sf_from_i32(SF_S, v, rm, &sf);
        ck_assert_msg((uint32_t)s == hr && sf == hf, "fcvt.s.w rm %u %d", rm, v);

        volatile double t;
        fesetround(host_mode[rm]);
        t = nearbyint(x);
        fesetround(FE_TONEAREST);
        if (!isnan(x) && t >= -2147483648.0 && t <= 2147483647.0) {
            sf = 0;
            uint32_t si = sf_to_i32(SF_D, a, rm, &sf);
            ck_assert_msg((int32_t)si == (int32_t)t && sf == (t != x ? SF_NX : 0u),
                          "fcvt.w.d rm %u %016llx: %d, want %d", rm, (unsigned long long)a,
                          (int32_t)si, (int32_t)t);
        }
    }
}
END_TEST

/* The RISC-V rules no host FPU follows, one example each. */
START_TEST(test_riscv_rules)
{
    unsigned f = 0;
    /* RMM: a tie goes away from zero (1 + 2^-24 lies halfway between 1 and 1 + 2^-23) */
    ck_assert_uint_eq(sf_add(SF_S, 0x3f800000, 0x33800000, SF_RMM, &f), 0x3f800001);
    ck_assert_uint_eq(sf_add(SF_S, 0x3f800000, 0x33800000, SF_RNE, &f), 0x3f800000);
    ck_assert_uint_eq(f, SF_NX);
    /* every NaN result is the canonical one, with invalid for a signalling operand */
    f = 0;
    ck_assert_uint_eq(sf_add(SF_S, 0x7fc12345, 0x3f800000, SF_RNE, &f), SF_S_NAN);
    ck_assert_uint_eq(f, 0);
    ck_assert_uint_eq(sf_mul(SF_D, 0xfff0000000000001ull, 0, SF_RNE, &f), SF_D_NAN);
    ck_assert_uint_eq(f, SF_NV);
    /* conversions saturate: NaN to the largest, invalid and never inexact */
    f = 0;
    ck_assert_uint_eq(sf_to_i32(SF_S, SF_S_NAN, SF_RNE, &f), 0x7fffffff);
    ck_assert_uint_eq(sf_to_u32(SF_S, 0xff800000, SF_RNE, &f), 0);
    ck_assert_uint_eq(sf_to_u32(SF_S, 0xbf000000, SF_RTZ, &f), 0);  /* -0.5: 0, inexact */
    ck_assert_uint_eq(f, SF_NV | SF_NX);
    /* fmin/fmax: -0 < +0, a NaN gives the other operand */
    f = 0;
    ck_assert_uint_eq(sf_min(SF_S, 0, 0x80000000, &f), 0x80000000);
    ck_assert_uint_eq(sf_max(SF_S, 0x80000000, 0, &f), 0);
    ck_assert_uint_eq(sf_max(SF_S, 0x7f800001, 0x3f800000, &f), 0x3f800000);
    ck_assert_uint_eq(f, SF_NV);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("softfloat");
    TCase *tc = tcase_create("host");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_singles_against_host, 0, NOPS);
    tcase_add_loop_test(tc, test_doubles_against_host, 0, NOPS);
    tcase_add_test(tc, test_conversions_against_host);
    tcase_add_test(tc, test_riscv_rules);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
