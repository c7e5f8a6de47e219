#!/usr/bin/env python3
"""
Writes tests/guest/fp_cases_s.h and fp_cases_d.h: the vector part of the guest tests
rv32uf.S and rv32ud.S, every F and D instruction that computes, in every rounding mode
(the five static ones, and dyn with frm set), with the result's bits and the flags it
must raise.

The expected values come from fpref.py, an IEEE 754 reference in exact rational
arithmetic (Python's fractions), not from rvbox. The operands are the special values
(zeros, infinities, NaNs quiet and signalling, subnormals, the largest and smallest
normals), values whose results are exact ties between two neighbours (where RNE, RMM and
the directed modes part), results that overflow, that underflow or only just do not
(tininess after rounding), conversions at the edges of the integer range, and a few
random values from a fixed seed. Run it from anywhere:

    python3 tests/guest/gen/gen_fp.py

and review the diff: the files are committed as they are.
"""
import os
import random
import sys
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fpref as R  # noqa: E402

GUEST = os.path.dirname(HERE)
RM_NAMES = ["rne", "rtz", "rdn", "rup", "rmm"]


def bits_of(F, v, rm=R.RNE):
    """The nearest value of the format to the rational v (or 0)."""
    if v == 0:
        return 0
    return R.round_to(F, Fraction(v), rm)[0]


def specials(F):
    s = F.sign
    one = F.bias << F.frac
    return [
        0, s, one, one | s, F.inf, F.inf | s, F.nan, F.nan | s, F.inf | 1,   # sNaN
        1, (1 << F.frac) - 1, 1 << F.frac, F.inf - 1, (F.inf - 1) | s,
        bits_of(F, Fraction(3, 2)), bits_of(F, -Fraction(5, 2)), bits_of(F, Fraction(1, 10)),
        bits_of(F, Fraction(314159, 100000)),
    ]


def random_value(F, rng):
    e = rng.randrange(F.bias - 20, F.bias + 20)
    return rng.randrange(2) << (F.bits - 1) | e << F.frac | rng.randrange(1 << F.frac)


def find(F, rng, make, want, tries=20000, count=3):
    """Operand tuples from make(rng) for which want(tuple) holds (ties, edges...)."""
    found = []
    for _ in range(tries):
        t = make(rng)
        if want(t):
            found.append(t)
            if len(found) == count:
                break
    return found


def parts(op_rne, op_rmm, op_rdn, op_rup):
    return op_rne != op_rmm or op_rdn != op_rup


def binary_operands(F, fn, rng):
    sp = specials(F)
    pairs = [(sp[2], sp[14]), (sp[0], sp[1]), (sp[1], sp[1]), (sp[2], sp[3]), (sp[4], sp[5]),
             (sp[4], sp[4]), (sp[6], sp[2]), (sp[8], sp[2]), (sp[2], sp[8]), (sp[4], sp[0]),
             (sp[0], sp[0]), (sp[12], sp[12]), (sp[9], sp[9]), (sp[10], sp[11]),
             (sp[11], sp[15]), (sp[16], sp[17]), (sp[13], sp[2])]
    few = lambda r: (r.randrange(2) << (F.bits - 1)) | (r.randrange(F.bias - 3, F.bias + 3) << F.frac) | \
        (r.randrange(1 << 5) << (F.frac - 5)) | r.randrange(2)
    near = lambda r: (few(r), few(r) ^ r.randrange(1 << F.frac))
    ties = find(F, rng, near,
                lambda t: fn(F, t[0], t[1], R.RNE)[0] != fn(F, t[0], t[1], R.RMM)[0])
    tiny = lambda r: (r.randrange(1, 4) << F.frac | r.randrange(1 << F.frac),
                      (r.randrange(F.bias - 3, F.bias) << F.frac) | r.randrange(1 << F.frac))
    under = find(F, rng, tiny, lambda t: fn(F, t[0], t[1], R.RNE)[1] & R.UF, count=2)
    # a result that rounds up to the smallest normal: no underflow after rounding
    edge = find(F, rng, tiny, lambda t: fn(F, t[0], t[1], R.RNE)[0] == 1 << F.frac and
                fn(F, t[0], t[1], R.RNE)[1] == R.NX, tries=200000, count=1)
    if fn is R.mul:
        # 2^emin - 2^(emin-P-2) exactly: tiny before rounding, not after (RNE, RMM and RUP
        # round it up to the smallest normal: inexact without underflow)
        m = (1 << (F.P + 2)) - 1
        k1 = (1 << 13) - 1 if F.P == 24 else 31
        k2 = m // k1
        assert k1 * k2 == m
        e = F.emin - F.P - 2
        edge.append((bits_of(F, Fraction(k1) * Fraction(2) ** (e // 2)),
                     bits_of(F, -Fraction(k2) * Fraction(2) ** (e - e // 2))))
    rand = [(random_value(F, rng), random_value(F, rng)) for _ in range(3)]
    return pairs + ties + under + edge + rand


def fma_operands(F, rng):
    sp = specials(F)
    trip = [(sp[2], sp[2], sp[2]), (sp[4], sp[0], sp[6]), (sp[0], sp[4], sp[2]),
            (sp[4], sp[2], sp[5]), (sp[2], sp[8], sp[2]), (sp[2], sp[2], sp[8]),
            (sp[0], sp[2], sp[1]), (sp[1], sp[2], sp[0]), (sp[12], sp[12], sp[13]),
            (sp[9], sp[9], sp[0]), (sp[16], sp[17], sp[15]), (sp[14], sp[14], sp[3])]
    few = lambda r: (r.randrange(2) << (F.bits - 1)) | (r.randrange(F.bias - 2, F.bias + 2) << F.frac) | \
        (r.randrange(1 << 8) << (F.frac - 8)) | r.randrange(2)
    # a*b - c with c the product rounded: the exact remainder, which only an fma keeps
    def cancel(r):
        a, b = few(r), few(r)
        return (a, b, R.mul(F, a, b, R.RNE)[0] ^ F.sign)
    ties = find(F, rng, lambda r: (few(r), few(r), few(r)),
                lambda t: R.fma(F, *t, False, False, R.RNE)[0] != R.fma(F, *t, False, False, R.RMM)[0])
    rand = [(random_value(F, rng), random_value(F, rng), random_value(F, rng)) for _ in range(3)]
    return trip + [cancel(rng) for _ in range(3)] + ties + rand


def sqrt_operands(F, rng):
    sp = specials(F)
    vals = [sp[0], sp[1], sp[2], sp[3], sp[4], sp[5], sp[6], sp[8], sp[9], sp[10], sp[12],
            bits_of(F, 2), bits_of(F, 4), bits_of(F, Fraction(9, 4)), sp[16]]
    vals += find(F, rng, lambda r: random_value(F, r) & ~F.sign,
                 lambda a: R.sqrt(F, a, R.RDN)[0] != R.sqrt(F, a, R.RUP)[0], count=4)
    return [(v,) for v in vals]


def to_int_operands(F, rng):
    vals = [0, F.sign, F.nan, F.nan | F.sign, F.inf | 1, F.inf, F.inf | F.sign, 1]
    for v in [Fraction(1, 2), Fraction(-1, 2), Fraction(3, 2), Fraction(5, 2), Fraction(-5, 2),
              Fraction(-3, 10), Fraction(7, 10), Fraction(2 ** 31 - 1), Fraction(2 ** 31),
              -Fraction(2 ** 31), -Fraction(2 ** 31 + 1), Fraction(2 ** 32 - 1), Fraction(2 ** 32),
              Fraction(2 ** 31 - 1) + Fraction(1, 2), Fraction(2 ** 32) - Fraction(1, 2),
              -Fraction(2 ** 31) - Fraction(1, 2), Fraction(-1), Fraction(123456789, 7)]:
        b = bits_of(F, v)
        if R.value(F, b) == v or F.bits == 64:
            vals.append(b)
        elif v not in (Fraction(2 ** 31 - 1),):
            vals.append(b)
    return [(v,) for v in dict.fromkeys(vals)]


INTS = [0, 1, -1, 2 ** 31 - 1, -2 ** 31, 2 ** 24 + 1, 2 ** 24 + 3, -(2 ** 24 + 1), 2 ** 25 + 6,
        0x7ffffff7, 0x12345678, -0x12345679, 16777217, 100]


class Out:
    def __init__(self, F, tag):
        self.F, self.tag = F, tag
        self.lines = []
        self.n = 0
        self.case = 0

    def case_start(self, title):
        self.case += 1
        assert self.case < 50, "cases 1..49 are the generated ones"
        self.lines.append("")
        self.lines.append("        /* case %d: %s */" % (self.case, title))
        self.lines.append("        TEST_CASE %d" % self.case)

    def word(self, v):
        return "0x%0*x" % (self.F.bits // 4, v)

    def emit(self, insn, ins, expect, flags, res, src, frm=None):
        """One vector: operands ins (bits; an integer for src 'x'; a single, NaN-boxed in
        the D tests, for src 's'), the instruction with f3 (or a0) as its destination,
        the expected result and flags. res: 'f' a register of the file's format, 'x' an
        integer register, 's' a single NaN-boxed in a D register."""
        label = "fv%s_%d" % (self.tag, self.n)
        d = ".dword" if self.F.bits == 64 else ".word"
        ops = list(ins) + [0] * (3 - len(ins))
        if src == "s":
            ops = [0xffffffff00000000 | x for x in ops]
        if src == "x":
            ops[0] &= 0xffffffff
        if res == "s":
            expect, res = 0xffffffff00000000 | expect, "f"
        L = self.lines
        L.append("        li      s7, %d" % self.n)
        L.append("        la      a1, %s" % label)
        L.append("        jal     ra, fp_load_%s" % self.tag)
        if frm is not None:
            L.append("        li      t0, %d" % frm)
            L.append("        csrw    frm, t0")
        L.append("        %s" % insn)
        L.append("        jal     ra, fp_check_%s_%s" % (self.tag, res))
        L.append("        .pushsection .data")
        L.append("        .balign 8")
        L.append("%s:" % label)
        L.append("        %s %s" % (d, ", ".join(self.word(x) for x in ops + [expect])))
        L.append("        .word 0x%02x, 0" % flags)
        L.append("        .popsection")
        self.n += 1


def gen(F, tag, suffix, path, seed):
    rng = random.Random(seed)
    o = Out(F, tag)
    fs = suffix
    ops2 = [("fadd", R.add), ("fsub", R.sub), ("fmul", R.mul), ("fdiv", R.div)]
    for name, fn in ops2:
        o.case_start("%s.%s in every rounding mode" % (name, fs))
        operands = binary_operands(F, fn, rng)
        for a, b in operands:
            for rm in range(5):
                r, fl = fn(F, a, b, rm)
                o.emit("%s.%s f3, f1, f2, %s" % (name, fs, RM_NAMES[rm]), (a, b), r, fl, "f", "f")
        for (a, b), frm in zip(operands[-6:], [R.RMM, R.RDN, R.RUP, R.RTZ, R.RNE, R.RMM]):
            r, fl = fn(F, a, b, frm)
            o.emit("%s.%s f3, f1, f2" % (name, fs), (a, b), r, fl, "f", "f", frm=frm)
    o.case_start("fsqrt.%s" % fs)
    for (a,) in sqrt_operands(F, rng):
        for rm in range(5):
            r, fl = R.sqrt(F, a, rm)
            o.emit("fsqrt.%s f3, f1, %s" % (fs, RM_NAMES[rm]), (a,), r, fl, "f", "f")
    fmas = [("fmadd", False, False), ("fmsub", False, True), ("fnmsub", True, False),
            ("fnmadd", True, True)]
    for name, np_, nc in fmas:
        o.case_start("%s.%s" % (name, fs))
        operands = fma_operands(F, rng)
        for a, b, c in operands:
            for rm in range(5):
                r, fl = R.fma(F, a, b, c, np_, nc, rm)
                o.emit("%s.%s f3, f1, f2, f4, %s" % (name, fs, RM_NAMES[rm]), (a, b, c), r, fl,
                       "f", "f")
        for (a, b, c), frm in zip(operands[-3:], [R.RMM, R.RUP, R.RDN]):
            r, fl = R.fma(F, a, b, c, np_, nc, frm)
            o.emit("%s.%s f3, f1, f2, f4" % (name, fs), (a, b, c), r, fl, "f", "f", frm=frm)
    sp = specials(F)
    pairs = [(sp[i], sp[j]) for i, j in [(0, 1), (1, 0), (2, 3), (3, 2), (6, 2), (2, 6), (8, 2),
                                         (2, 8), (6, 8), (6, 7), (4, 13), (5, 12), (9, 0), (14, 14),
                                         (15, 16), (10, 11)]]
    for name, is_max in [("fmin", False), ("fmax", True)]:
        o.case_start("%s.%s" % (name, fs))
        for a, b in pairs:
            r, fl = R.minmax(F, a, b, is_max)
            o.emit("%s.%s f3, f1, f2" % (name, fs), (a, b), r, fl, "f", "f")
    for name, fn in [("feq", R.feq), ("flt", R.flt), ("fle", R.fle)]:
        o.case_start("%s.%s" % (name, fs))
        for a, b in pairs:
            r, fl = fn(F, a, b)
            o.emit("%s.%s a0, f1, f2" % (name, fs), (a, b), r, fl, "x", "f")
    o.case_start("fclass.%s" % fs)
    for a in sp + [F.inf | F.sign | 1, 5 | F.sign, (1 << F.frac) | F.sign]:
        o.emit("fclass.%s a0, f1" % fs, (a,), R.fclass(F, a), 0, "x", "f")
    for name, signed in [("fcvt.w", True), ("fcvt.wu", False)]:
        o.case_start("%s.%s" % (name, fs))
        operands = to_int_operands(F, rng)
        for (a,) in operands:
            for rm in range(5):
                r, fl = R.to_int(F, a, rm, signed)
                o.emit("%s.%s a0, f1, %s" % (name, fs, RM_NAMES[rm]), (a,), r, fl, "x", "f")
        for (a,), frm in zip(operands[8:14], [R.RMM, R.RDN, R.RUP, R.RTZ, R.RNE, R.RDN]):
            r, fl = R.to_int(F, a, frm, signed)
            o.emit("%s.%s a0, f1" % (name, fs), (a,), r, fl, "x", "f", frm=frm)
    for name, signed in [("w", True), ("wu", False)]:
        o.case_start("fcvt.%s.%s" % (fs, name))
        for v in INTS:
            v = v if signed else v & 0xffffffff
            for rm in range(5):
                r, fl = R.from_int(F, v, rm)
                if F.bits == 64:    # exact: the assembler takes no rounding mode for it
                    insn = ".insn r 0x53, %d, 0x69, f3, a2, x%d    /* fcvt.d.%s f3, a2, %s */" \
                        % (rm, 0 if signed else 1, name, RM_NAMES[rm])
                else:
                    insn = "fcvt.%s.%s f3, a2, %s" % (fs, name, RM_NAMES[rm])
                o.emit(insn, (v,), r, fl, "f", "x")
    for name, k in [("fsgnj", 0), ("fsgnjn", 1), ("fsgnjx", 2)]:
        o.case_start("%s.%s" % (name, fs))
        for a, b in pairs:
            sa, sb = a & F.sign, b & F.sign
            s = sb if k == 0 else (sb ^ F.sign) if k == 1 else sa ^ sb
            o.emit("%s.%s f3, f1, f2" % (name, fs), (a, b), (a & ~F.sign) | s, 0, "f", "f")
    if F.bits == 64:
        o.case_start("fcvt.s.d")
        vals = sp + [bits_of(R.D, Fraction(1) + Fraction(1, 2 ** 24)),
                     bits_of(R.D, Fraction(1) + Fraction(3, 2 ** 24)),
                     bits_of(R.D, Fraction(2 ** 128)), bits_of(R.D, Fraction(1, 2 ** 149)),
                     bits_of(R.D, Fraction(3, 2 ** 151)), bits_of(R.D, Fraction(1, 2 ** 127)),
                     bits_of(R.D, Fraction(2 ** 24 - 1, 2 ** 150))]
        for a in vals:
            for rm in range(5):
                r, fl = R.convert(R.S, R.D, a, rm)
                o.emit("fcvt.s.d f3, f1, %s" % RM_NAMES[rm], (a,), r, fl, "s", "f")
        o.case_start("fcvt.d.s")
        for a in specials(R.S) + [R.S.inf | 5]:
            r, fl = R.convert(R.D, R.S, a, R.RNE)
            o.emit("fcvt.d.s f3, f1", (a,), r, fl, "f", "s")
    with open(path, "w") as f:
        f.write("/*\n * GENERATED by tests/guest/gen/gen_fp.py (expected values from gen/fpref.py,\n"
                " * exact rational arithmetic). Do not edit: rerun the script and review the diff.\n"
                " * %d vectors in cases 1..%d.\n */\n" % (o.n, o.case))
        f.write("\n".join(o.lines))
        f.write("\n")


def main():
    gen(R.S, "s", "s", os.path.join(GUEST, "fp_cases_s.h"), 1)
    gen(R.D, "d", "d", os.path.join(GUEST, "fp_cases_d.h"), 2)


if __name__ == "__main__":
    main()
