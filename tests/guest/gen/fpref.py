"""
An IEEE 754 reference for the F and D extensions, in exact rational arithmetic
(fractions.Fraction): every result is the exact value rounded once, with the RISC-V
rules for NaNs (always the canonical NaN; signalling operands raise invalid), fmin/fmax
(version 2.2), conversions (saturating) and tininess (after rounding).

It shares nothing with rvbox's cpu/softfloat.c but the spec: the values are rationals
here, integer significands there. gen_fp.py uses it to write the expected values of the
guest F/D tests.
"""
from fractions import Fraction
import math

RNE, RTZ, RDN, RUP, RMM = range(5)
NX, UF, OF, DZ, NV = 1, 2, 4, 8, 16


class Fmt:
    def __init__(self, bits, frac):
        self.bits, self.frac = bits, frac
        self.ebits = bits - 1 - frac
        self.bias = (1 << (self.ebits - 1)) - 1
        self.P = frac + 1
        self.emin, self.emax = 1 - self.bias, self.bias
        self.sign = 1 << (bits - 1)
        self.inf = ((1 << self.ebits) - 1) << frac
        self.nan = self.inf | (1 << (frac - 1))
        self.mask = (1 << bits) - 1


S = Fmt(32, 23)
D = Fmt(64, 52)


def kind(F, x):
    e = (x >> F.frac) & ((1 << F.ebits) - 1)
    m = x & ((1 << F.frac) - 1)
    if e == (1 << F.ebits) - 1:
        if m == 0:
            return "inf"
        return "qnan" if m >> (F.frac - 1) else "snan"
    return "num"


def is_nan(F, x):
    return kind(F, x) in ("qnan", "snan")


def is_snan(F, x):
    return kind(F, x) == "snan"


def neg(F, x):
    return x & F.sign != 0


def value(F, x):
    """The exact value of a finite x (zeros give 0: look at the sign bit apart)."""
    e = (x >> F.frac) & ((1 << F.ebits) - 1)
    m = x & ((1 << F.frac) - 1)
    if e == 0:
        v = Fraction(m) * Fraction(2) ** (F.emin - F.frac)
    else:
        v = Fraction(m + (1 << F.frac)) * Fraction(2) ** (e - F.bias - F.frac)
    return -v if neg(F, x) else v


def zero(F, sign):
    return F.sign if sign else 0


def inf(F, sign):
    return (F.sign if sign else 0) | F.inf


def floor_log2(a):
    """E with 2^E <= a < 2^(E+1), for a rational a > 0."""
    E = a.numerator.bit_length() - a.denominator.bit_length()
    while Fraction(2) ** E > a:
        E -= 1
    while Fraction(2) ** (E + 1) <= a:
        E += 1
    return E


def round_int(a, sign, rm):
    """a >= 0 rounded to an integer, for a value of that sign; (n, inexact)."""
    n = math.floor(a)
    rest = a - n
    if rest == 0:
        return n, False
    half = Fraction(1, 2)
    if rm == RNE:
        up = rest > half or (rest == half and n % 2 == 1)
    elif rm == RTZ:
        up = False
    elif rm == RDN:
        up = sign
    elif rm == RUP:
        up = not sign
    else:
        up = rest >= half
    return n + (1 if up else 0), True


def round_to(F, v, rm, sign=None):
    """A non-zero rational v to the format: (bits, flags)."""
    s = v < 0 if sign is None else sign
    a = abs(v)
    E = floor_log2(a)
    flags = 0
    if E >= F.emin:
        q = Fraction(2) ** (E - (F.P - 1))
        n, inexact = round_int(a / q, s, rm)
        if n == 1 << F.P:
            n >>= 1
            E += 1
        if E > F.emax:
            to_inf = rm in (RNE, RMM) or (rm == RUP and not s) or (rm == RDN and s)
            return ((F.sign if s else 0) | (F.inf if to_inf else F.inf - 1)), OF | NX
        if inexact:
            flags |= NX
        return (F.sign if s else 0) | (E + F.bias) << F.frac | (n - (1 << (F.P - 1))), flags
    # tiny unless rounding to P bits with an unbounded exponent reaches 2^emin
    q = Fraction(2) ** (E - (F.P - 1))
    n_unbounded, _ = round_int(a / q, s, rm)
    tiny = not (n_unbounded == 1 << F.P and E + 1 >= F.emin)
    n, inexact = round_int(a / Fraction(2) ** (F.emin - (F.P - 1)), s, rm)
    if inexact:
        flags |= NX | (UF if tiny else 0)
    return (F.sign if s else 0) | n, flags


def nan_result(F, *operands):
    return F.nan, NV if any(is_snan(F, x) for x in operands) else 0


def add(F, a, b, rm):
    if is_nan(F, a) or is_nan(F, b):
        return nan_result(F, a, b)
    ka, kb = kind(F, a), kind(F, b)
    if ka == "inf" and kb == "inf":
        return (F.nan, NV) if neg(F, a) != neg(F, b) else (a, 0)
    if ka == "inf":
        return a, 0
    if kb == "inf":
        return b, 0
    va, vb = value(F, a), value(F, b)
    t = va + vb
    if t == 0:
        if va == 0 and vb == 0 and neg(F, a) == neg(F, b):
            return zero(F, neg(F, a)), 0
        return zero(F, rm == RDN), 0
    return round_to(F, t, rm)


def sub(F, a, b, rm):
    return add(F, a, b ^ F.sign, rm)


def mul(F, a, b, rm):
    if is_nan(F, a) or is_nan(F, b):
        return nan_result(F, a, b)
    s = neg(F, a) != neg(F, b)
    ka, kb = kind(F, a), kind(F, b)
    if ka == "inf" or kb == "inf":
        other = b if ka == "inf" else a
        if kind(F, other) == "num" and value(F, other) == 0:
            return F.nan, NV
        return inf(F, s), 0
    t = value(F, a) * value(F, b)
    if t == 0:
        return zero(F, s), 0
    return round_to(F, t, rm)


def div(F, a, b, rm):
    if is_nan(F, a) or is_nan(F, b):
        return nan_result(F, a, b)
    s = neg(F, a) != neg(F, b)
    ka, kb = kind(F, a), kind(F, b)
    if ka == "inf":
        return (F.nan, NV) if kb == "inf" else (inf(F, s), 0)
    if kb == "inf":
        return zero(F, s), 0
    va, vb = value(F, a), value(F, b)
    if vb == 0:
        return (F.nan, NV) if va == 0 else (inf(F, s), DZ)
    if va == 0:
        return zero(F, s), 0
    return round_to(F, va / vb, rm)


def sqrt(F, a, rm):
    if is_nan(F, a):
        return nan_result(F, a)
    if kind(F, a) == "inf":
        return (F.nan, NV) if neg(F, a) else (a, 0)
    v = value(F, a)
    if v == 0:
        return a, 0
    if v < 0:
        return F.nan, NV
    # 2^E <= sqrt(v) < 2^(E+1); n = floor(sqrt(v) / q) for the quantum q of that binade
    E = floor_log2(v) // 2
    q = Fraction(2) ** (E - (F.P - 1))
    t = v / (q * q)
    n = math.isqrt(math.floor(t))
    exact = Fraction(n * n) == t
    h = (Fraction(n) + Fraction(1, 2)) ** 2
    if exact:
        up = False
    elif rm == RNE:
        up = t > h or (t == h and n % 2 == 1)
    elif rm == RMM:
        up = t >= h
    else:
        up = rm == RUP
    n += 1 if up else 0
    flags = 0 if exact else NX
    if n == 1 << F.P:
        n >>= 1
        E += 1
    return (E + F.bias) << F.frac | (n - (1 << (F.P - 1))), flags


def fma(F, a, b, c, neg_prod, neg_c, rm):
    if neg_prod:
        a ^= F.sign
    if neg_c:
        c ^= F.sign
    if is_nan(F, a) or is_nan(F, b):
        return nan_result(F, a, b, c)
    ka, kb, kc = kind(F, a), kind(F, b), kind(F, c)
    zero_a = ka == "num" and value(F, a) == 0
    zero_b = kb == "num" and value(F, b) == 0
    if (ka == "inf" and zero_b) or (kb == "inf" and zero_a):
        return F.nan, NV            # even with a quiet NaN for c (the spec says so)
    if is_nan(F, c):
        return nan_result(F, a, b, c)
    sp = neg(F, a) != neg(F, b)
    if ka == "inf" or kb == "inf":
        if kc == "inf" and neg(F, c) != sp:
            return F.nan, NV
        return inf(F, sp), 0
    if kc == "inf":
        return c, 0
    p = value(F, a) * value(F, b)
    vc = value(F, c)
    t = p + vc
    if t == 0:
        if p == 0 and vc == 0 and sp == neg(F, c):
            return zero(F, sp), 0
        return zero(F, rm == RDN), 0
    return round_to(F, t, rm)


def feq(F, a, b):
    if is_nan(F, a) or is_nan(F, b):
        return 0, NV if is_snan(F, a) or is_snan(F, b) else 0
    return int(value_or_inf(F, a) == value_or_inf(F, b)), 0


def value_or_inf(F, x):
    if kind(F, x) == "inf":
        return math.inf if not neg(F, x) else -math.inf
    return value(F, x)


def flt(F, a, b):
    if is_nan(F, a) or is_nan(F, b):
        return 0, NV
    return int(value_or_inf(F, a) < value_or_inf(F, b)), 0


def fle(F, a, b):
    if is_nan(F, a) or is_nan(F, b):
        return 0, NV
    return int(value_or_inf(F, a) <= value_or_inf(F, b)), 0


def minmax(F, a, b, is_max):
    flags = NV if is_snan(F, a) or is_snan(F, b) else 0
    if is_nan(F, a) and is_nan(F, b):
        return F.nan, flags
    if is_nan(F, a):
        return b, flags
    if is_nan(F, b):
        return a, flags
    va, vb = value_or_inf(F, a), value_or_inf(F, b)
    if va == vb:                    # -0 below +0
        a_below = neg(F, a) and not neg(F, b)
    else:
        a_below = va < vb
    return (b if a_below else a) if is_max else (a if a_below else b), flags


def fclass(F, a):
    k = kind(F, a)
    s = neg(F, a)
    if k == "inf":
        return 1 << (0 if s else 7)
    if k == "snan":
        return 1 << 8
    if k == "qnan":
        return 1 << 9
    if value(F, a) == 0:
        return 1 << (3 if s else 4)
    subnormal = (a >> F.frac) & ((1 << F.ebits) - 1) == 0
    if subnormal:
        return 1 << (2 if s else 5)
    return 1 << (1 if s else 6)


def to_int(F, a, rm, signed):
    top = 0x7fffffff if signed else 0xffffffff
    bottom = 0x80000000 if signed else 0
    if is_nan(F, a):
        return top, NV
    if kind(F, a) == "inf":
        return (bottom if neg(F, a) else top), NV
    v = value(F, a)
    s = neg(F, a)
    n, inexact = round_int(abs(v), s, rm)
    r = -n if s else n
    lo, hi = (-(1 << 31), (1 << 31) - 1) if signed else (0, (1 << 32) - 1)
    if r < lo or r > hi:
        return (bottom if s else top), NV
    return r & 0xffffffff, NX if inexact else 0


def from_int(F, v, rm):
    if v == 0:
        return 0, 0
    return round_to(F, Fraction(v), rm)


def convert(T, F, a, rm):
    if is_nan(F, a):
        return T.nan, NV if is_snan(F, a) else 0
    if kind(F, a) == "inf":
        return inf(T, neg(F, a)), 0
    v = value(F, a)
    if v == 0:
        return zero(T, neg(F, a)), 0
    return round_to(T, v, rm)
