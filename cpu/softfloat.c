/*
 * Floating-point arithmetic in integers (cpu/softfloat.h).
 *
 * The method, for every operation: unpack each operand into sign, exponent and an integer
 * significand (value = sig * 2^exp); compute the exact result as such a triple in 128
 * bits, folding any bits that must fall off into the lowest bit (a "sticky" bit, which
 * only says that something non-zero was lost); then round once, in round_pack(). 128
 * bits hold a double product (106 bits) exactly and leave more than 60 bits below the
 * rounding point of any result, so the sticky bit never reaches it.
 */
#include "cpu/softfloat.h"

__extension__ typedef unsigned __int128 u128;

/* A format's shape. P: the significand's precision in bits, the implicit one included. */
struct fmt {
    unsigned bits, frac, P;
    int bias, emin, emax;
    uint64_t nan;
};

static const struct fmt formats[2] = {
    [SF_S] = { 32, 23, 24, 127, -126, 127, SF_S_NAN },
    [SF_D] = { 64, 52, 53, 1023, -1022, 1023, SF_D_NAN },
};

enum cls { C_ZERO, C_FINITE, C_INF, C_QNAN, C_SNAN };

struct unp {
    enum cls cls;
    bool sign;
    int exp;
    u128 sig;                   /* C_FINITE: non-zero, value = sig * 2^exp */
};

static uint64_t sign_bit(const struct fmt *F) { return 1ull << (F->bits - 1); }
static uint64_t frac_mask(const struct fmt *F) { return (1ull << F->frac) - 1; }
static uint64_t exp_all_ones(const struct fmt *F) { return (1ull << (F->bits - 1 - F->frac)) - 1; }
static uint64_t inf_bits(const struct fmt *F) { return exp_all_ones(F) << F->frac; }
static uint64_t max_finite(const struct fmt *F) { return inf_bits(F) - 1; }

static struct unp unpack(const struct fmt *F, uint64_t x)
{
    struct unp u = { .sign = (x >> (F->bits - 1)) & 1 };
    uint64_t e = (x >> F->frac) & exp_all_ones(F), m = x & frac_mask(F);
    if (e == exp_all_ones(F)) {
        u.cls = m == 0 ? C_INF : (m >> (F->frac - 1)) & 1 ? C_QNAN : C_SNAN;
    } else if (e == 0) {
        u.cls = m == 0 ? C_ZERO : C_FINITE;
        u.sig = m;
        u.exp = 1 - F->bias - (int)F->frac;
    } else {
        u.cls = C_FINITE;
        u.sig = m | 1ull << F->frac;
        u.exp = (int)e - F->bias - (int)F->frac;
    }
    return u;
}

static bool is_nan(enum cls c) { return c == C_QNAN || c == C_SNAN; }

static int clz128(u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64);
    return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)x);
}

/* sig >> shift, rounded in mode rm for a value of that sign; *inexact: bits were lost. */
static u128 round_shift(u128 sig, int shift, bool sign, unsigned rm, bool *inexact)
{
    u128 q;
    bool r, s;
    if (shift <= 0) {
        *inexact = false;
        return sig;
    }
    if (shift > 128) {
        q = 0;
        r = false;
        s = sig != 0;
    } else if (shift == 128) {
        q = 0;
        r = (sig >> 127) & 1;
        s = (sig << 1) != 0;
    } else {
        q = sig >> shift;
        r = (sig >> (shift - 1)) & 1;
        s = shift > 1 && (sig << (129 - shift)) != 0;
    }
    *inexact = r || s;
    bool up;
    switch (rm) {
    case SF_RNE: up = r && (s || (q & 1)); break;
    case SF_RDN: up = (r || s) && sign; break;
    case SF_RUP: up = (r || s) && !sign; break;
    case SF_RMM: up = r; break;
    default:     up = false; break;                     /* RTZ */
    }
    return q + up;
}

/*
 * The one rounding: sign * sig * 2^exp (sig non-zero, any width, the lowest bit perhaps
 * sticky) to the nearest value of the format in mode rm, with overflow, underflow
 * (tininess after rounding: the result rounded to P bits with an unbounded exponent is
 * below the smallest normal) and inexact.
 */
static uint64_t round_pack(const struct fmt *F, bool sign, int exp, u128 sig, unsigned rm,
                           unsigned *flags)
{
    int n = clz128(sig);
    sig <<= n;
    exp -= n;
    int E = exp + 127;          /* the value is in [2^E, 2^(E+1)) */
    uint64_t s = sign ? sign_bit(F) : 0;
    bool inexact;
    if (E >= F->emin) {
        u128 q = round_shift(sig, 128 - (int)F->P, sign, rm, &inexact);
        if (q >> F->P) {        /* rounding carried into a new bit */
            q >>= 1;
            E++;
        }
        if (E > F->emax) {
            *flags |= SF_OF | SF_NX;
            bool to_inf = rm == SF_RNE || rm == SF_RMM || (rm == SF_RUP && !sign) ||
                          (rm == SF_RDN && sign);
            return s | (to_inf ? inf_bits(F) : max_finite(F));
        }
        if (inexact)
            *flags |= SF_NX;
        return s | (uint64_t)(E + F->bias) << F->frac | ((uint64_t)q & frac_mask(F));
    }
    bool tiny = true;
    if (E == F->emin - 1) {
        bool unused;
        if (round_shift(sig, 128 - (int)F->P, sign, rm, &unused) >> F->P)
            tiny = false;       /* rounds up to the smallest normal */
    }
    /* A subnormal: q counts units of 2^(emin - (P - 1)); q = 2^(P-1) is the smallest
     * normal, whose encoding it is too. */
    u128 q = round_shift(sig, 128 - (int)F->P + (F->emin - E), sign, rm, &inexact);
    if (inexact)
        *flags |= SF_NX | (tiny ? SF_UF : 0);
    return s | (uint64_t)q;
}

static uint64_t zero(const struct fmt *F, bool sign) { return sign ? sign_bit(F) : 0; }
static uint64_t inf(const struct fmt *F, bool sign) { return zero(F, sign) | inf_bits(F); }

/* The canonical NaN, with invalid when an operand was a signalling NaN. */
static uint64_t nan_result(const struct fmt *F, bool signalling, unsigned *flags)
{
    if (signalling)
        *flags |= SF_NV;
    return F->nan;
}

static uint64_t invalid(const struct fmt *F, unsigned *flags)
{
    *flags |= SF_NV;
    return F->nan;
}

/* The exact sum of two non-zero values (significands below 2^126), rounded. */
static uint64_t add_core(const struct fmt *F, bool sa, int ea, u128 siga, bool sb, int eb,
                         u128 sigb, unsigned rm, unsigned *flags)
{
    int na = clz128(siga) - 2, nb = clz128(sigb) - 2;
    siga <<= na;                /* both with their top bit at 125: room for a carry */
    ea -= na;
    sigb <<= nb;
    eb -= nb;
    if (ea < eb || (ea == eb && siga < sigb)) {     /* a is the larger in magnitude */
        bool ts = sa; sa = sb; sb = ts;
        int te = ea; ea = eb; eb = te;
        u128 tm = siga; siga = sigb; sigb = tm;
    }
    int d = ea - eb;
    if (d >= 127)
        sigb = 1;
    else if (d > 0)
        sigb = (sigb >> d) | ((sigb << (128 - d)) != 0);
    u128 r;
    if (sa == sb) {
        r = siga + sigb;
    } else {
        r = siga - sigb;
        if (r == 0)             /* x + (-x): +0, or -0 rounding down */
            return zero(F, rm == SF_RDN);
    }
    return round_pack(F, sa, ea, r, rm, flags);
}

uint64_t sf_add(enum sf_format f, uint64_t a, uint64_t b, unsigned rm, unsigned *flags)
{
    const struct fmt *F = &formats[f];
    struct unp x = unpack(F, a), y = unpack(F, b);
    if (is_nan(x.cls) || is_nan(y.cls))
        return nan_result(F, x.cls == C_SNAN || y.cls == C_SNAN, flags);
    if (x.cls == C_INF) {
        if (y.cls == C_INF && x.sign != y.sign)
            return invalid(F, flags);
        return inf(F, x.sign);
    }
    if (y.cls == C_INF)
        return inf(F, y.sign);
    if (x.cls == C_ZERO && y.cls == C_ZERO)
        return zero(F, x.sign == y.sign ? x.sign : rm == SF_RDN);
    if (x.cls == C_ZERO)
        return b;
    if (y.cls == C_ZERO)
        return a;
    return add_core(F, x.sign, x.exp, x.sig, y.sign, y.exp, y.sig, rm, flags);
}

uint64_t sf_sub(enum sf_format f, uint64_t a, uint64_t b, unsigned rm, unsigned *flags)
{
    return sf_add(f, a, b ^ sign_bit(&formats[f]), rm, flags);
}

uint64_t sf_mul(enum sf_format f, uint64_t a, uint64_t b, unsigned rm, unsigned *flags)
{
    const struct fmt *F = &formats[f];
    struct unp x = unpack(F, a), y = unpack(F, b);
    bool sign = x.sign ^ y.sign;
    if (is_nan(x.cls) || is_nan(y.cls))
        return nan_result(F, x.cls == C_SNAN || y.cls == C_SNAN, flags);
    if (x.cls == C_INF || y.cls == C_INF) {
        if (x.cls == C_ZERO || y.cls == C_ZERO)
            return invalid(F, flags);
        return inf(F, sign);
    }
    if (x.cls == C_ZERO || y.cls == C_ZERO)
        return zero(F, sign);
    return round_pack(F, sign, x.exp + y.exp, x.sig * y.sig, rm, flags);
}

uint64_t sf_div(enum sf_format f, uint64_t a, uint64_t b, unsigned rm, unsigned *flags)
{
    const struct fmt *F = &formats[f];
    struct unp x = unpack(F, a), y = unpack(F, b);
    bool sign = x.sign ^ y.sign;
    if (is_nan(x.cls) || is_nan(y.cls))
        return nan_result(F, x.cls == C_SNAN || y.cls == C_SNAN, flags);
    if (x.cls == C_INF)
        return y.cls == C_INF ? invalid(F, flags) : inf(F, sign);
    if (y.cls == C_INF)
        return zero(F, sign);
    if (y.cls == C_ZERO) {
        if (x.cls == C_ZERO)
            return invalid(F, flags);
        *flags |= SF_DZ;
        return inf(F, sign);
    }
    if (x.cls == C_ZERO)
        return zero(F, sign);
    /* The dividend's top bit at 127: the quotient has at least 74 bits. */
    int n = clz128(x.sig);
    u128 num = x.sig << n;
    u128 q = num / y.sig, r = num % y.sig;
    return round_pack(F, sign, x.exp - n - y.exp, q | (r != 0), rm, flags);
}

/* floor(sqrt(x)), and the remainder in *rem. */
static u128 isqrt(u128 x, u128 *rem)
{
    u128 op = x, res = 0, one = (u128)1 << 126;
    while (one > op)
        one >>= 2;
    while (one) {
        if (op >= res + one) {
            op -= res + one;
            res = (res >> 1) + one;
        } else {
            res >>= 1;
        }
        one >>= 2;
    }
    *rem = op;
    return res;
}

uint64_t sf_sqrt(enum sf_format f, uint64_t a, unsigned rm, unsigned *flags)
{
    const struct fmt *F = &formats[f];
    struct unp x = unpack(F, a);
    if (is_nan(x.cls))
        return nan_result(F, x.cls == C_SNAN, flags);
    if (x.cls == C_ZERO)
        return a;               /* sqrt(-0) = -0 */
    if (x.sign)
        return invalid(F, flags);
    if (x.cls == C_INF)
        return a;
    /* 126 or 127 significant bits and an even exponent: a root of 63 bits. */
    int k = clz128(x.sig);
    if ((x.exp - k) & 1)
        k--;
    u128 rem, root = isqrt(x.sig << k, &rem);
    return round_pack(F, false, (x.exp - k) / 2, root | (rem != 0), rm, flags);
}

uint64_t sf_fma(enum sf_format f, uint64_t a, uint64_t b, uint64_t c, bool neg_prod,
                bool neg_c, unsigned rm, unsigned *flags)
{
    const struct fmt *F = &formats[f];
    struct unp x = unpack(F, a), y = unpack(F, b), z = unpack(F, c);
    bool sp = x.sign ^ y.sign ^ neg_prod, sc = z.sign ^ neg_c;
    bool snan = x.cls == C_SNAN || y.cls == C_SNAN || z.cls == C_SNAN;
    if (is_nan(x.cls) || is_nan(y.cls))
        return nan_result(F, snan, flags);
    if ((x.cls == C_INF && y.cls == C_ZERO) || (x.cls == C_ZERO && y.cls == C_INF))
        return invalid(F, flags);
    if (is_nan(z.cls))
        return nan_result(F, snan, flags);
    if (x.cls == C_INF || y.cls == C_INF) {
        if (z.cls == C_INF && sc != sp)
            return invalid(F, flags);
        return inf(F, sp);
    }
    if (z.cls == C_INF)
        return inf(F, sc);
    if (x.cls == C_ZERO || y.cls == C_ZERO) {
        if (z.cls == C_ZERO)
            return zero(F, sp == sc ? sp : rm == SF_RDN);
        return c ^ (neg_c ? sign_bit(F) : 0);       /* exactly c */
    }
    u128 prod = x.sig * y.sig;
    if (z.cls == C_ZERO)
        return round_pack(F, sp, x.exp + y.exp, prod, rm, flags);
    return add_core(F, sp, x.exp + y.exp, prod, sc, z.exp, z.sig, rm, flags);
}

/* a < b for two values that are not NaNs (-0 and +0 equal). */
static bool less(const struct fmt *F, uint64_t a, uint64_t b)
{
    bool sa = (a >> (F->bits - 1)) & 1, sb = (b >> (F->bits - 1)) & 1;
    uint64_t mag = ~sign_bit(F) & (F->bits == 64 ? ~0ull : 0xffffffffull);
    if (((a | b) & mag) == 0)
        return false;
    if (sa != sb)
        return sa;
    return sa ? a > b : a < b;
}

bool sf_eq(enum sf_format f, uint64_t a, uint64_t b, unsigned *flags)
{
    const struct fmt *F = &formats[f];
    struct unp x = unpack(F, a), y = unpack(F, b);
    if (is_nan(x.cls) || is_nan(y.cls)) {
        if (x.cls == C_SNAN || y.cls == C_SNAN)
            *flags |= SF_NV;
        return false;
    }
    return a == b || (x.cls == C_ZERO && y.cls == C_ZERO);
}

bool sf_lt(enum sf_format f, uint64_t a, uint64_t b, unsigned *flags)
{
    const struct fmt *F = &formats[f];
    if (is_nan(unpack(F, a).cls) || is_nan(unpack(F, b).cls)) {
        *flags |= SF_NV;
        return false;
    }
    return less(F, a, b);
}

bool sf_le(enum sf_format f, uint64_t a, uint64_t b, unsigned *flags)
{
    const struct fmt *F = &formats[f];
    if (is_nan(unpack(F, a).cls) || is_nan(unpack(F, b).cls)) {
        *flags |= SF_NV;
        return false;
    }
    return !less(F, b, a);
}

static uint64_t min_max(enum sf_format f, uint64_t a, uint64_t b, bool max, unsigned *flags)
{
    const struct fmt *F = &formats[f];
    struct unp x = unpack(F, a), y = unpack(F, b);
    if (x.cls == C_SNAN || y.cls == C_SNAN)
        *flags |= SF_NV;
    if (is_nan(x.cls) && is_nan(y.cls))
        return F->nan;
    if (is_nan(x.cls))
        return b;
    if (is_nan(y.cls))
        return a;
    /* -0 is below +0 here */
    bool a_below = less(F, a, b) || (x.cls == C_ZERO && y.cls == C_ZERO && x.sign && !y.sign);
    return a_below != max ? a : b;
}

uint64_t sf_min(enum sf_format f, uint64_t a, uint64_t b, unsigned *flags)
{
    return min_max(f, a, b, false, flags);
}

uint64_t sf_max(enum sf_format f, uint64_t a, uint64_t b, unsigned *flags)
{
    return min_max(f, a, b, true, flags);
}

uint32_t sf_class(enum sf_format f, uint64_t a)
{
    const struct fmt *F = &formats[f];
    struct unp x = unpack(F, a);
    bool subnormal = x.cls == C_FINITE && ((a >> F->frac) & exp_all_ones(F)) == 0;
    switch (x.cls) {
    case C_INF:    return x.sign ? 1u << 0 : 1u << 7;
    case C_ZERO:   return x.sign ? 1u << 3 : 1u << 4;
    case C_SNAN:   return 1u << 8;
    case C_QNAN:   return 1u << 9;
    default:
        if (subnormal)
            return x.sign ? 1u << 2 : 1u << 5;
        return x.sign ? 1u << 1 : 1u << 6;
    }
}

static uint32_t to_int(enum sf_format f, uint64_t a, unsigned rm, unsigned *flags,
                       bool is_signed)
{
    const struct fmt *F = &formats[f];
    struct unp x = unpack(F, a);
    uint32_t top = is_signed ? 0x7fffffffu : 0xffffffffu;
    uint32_t bottom = is_signed ? 0x80000000u : 0;
    if (is_nan(x.cls)) {
        *flags |= SF_NV;
        return top;
    }
    if (x.cls == C_INF) {
        *flags |= SF_NV;
        return x.sign ? bottom : top;
    }
    if (x.cls == C_ZERO)
        return 0;
    u128 mag;
    bool inexact = false;
    if (x.exp >= 0)
        mag = x.exp > 64 ? (u128)1 << 64 : x.sig << x.exp;     /* far out of range */
    else
        mag = round_shift(x.sig, -x.exp, x.sign, rm, &inexact);
    if (is_signed) {
        if (mag > (x.sign ? (u128)0x80000000u : (u128)0x7fffffffu)) {
            *flags |= SF_NV;
            return x.sign ? bottom : top;
        }
    } else if ((x.sign && mag != 0) || mag > 0xffffffffu) {
        *flags |= SF_NV;
        return x.sign ? bottom : top;
    }
    if (inexact)
        *flags |= SF_NX;
    uint32_t v = (uint32_t)mag;
    return x.sign ? 0u - v : v;
}

uint32_t sf_to_i32(enum sf_format f, uint64_t a, unsigned rm, unsigned *flags)
{
    return to_int(f, a, rm, flags, true);
}

uint32_t sf_to_u32(enum sf_format f, uint64_t a, unsigned rm, unsigned *flags)
{
    return to_int(f, a, rm, flags, false);
}

uint64_t sf_from_i32(enum sf_format f, int32_t v, unsigned rm, unsigned *flags)
{
    if (v == 0)
        return 0;
    uint32_t mag = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
    return round_pack(&formats[f], v < 0, 0, mag, rm, flags);
}

uint64_t sf_from_u32(enum sf_format f, uint32_t v, unsigned rm, unsigned *flags)
{
    if (v == 0)
        return 0;
    return round_pack(&formats[f], false, 0, v, rm, flags);
}

uint64_t sf_convert(enum sf_format to, enum sf_format from, uint64_t a, unsigned rm,
                    unsigned *flags)
{
    const struct fmt *T = &formats[to];
    struct unp x = unpack(&formats[from], a);
    switch (x.cls) {
    case C_QNAN:
    case C_SNAN: return nan_result(T, x.cls == C_SNAN, flags);
    case C_INF:  return inf(T, x.sign);
    case C_ZERO: return zero(T, x.sign);
    default:     return round_pack(T, x.sign, x.exp, x.sig, rm, flags);
    }
}
