/*
 * The F and D extensions (unprivileged spec, chapters "F" and "D"): the instructions,
 * run by every engine through exec_fp(), and the arithmetic in cpu/softfloat.c.
 *
 * Each instruction is checked before it does anything: the hart must have the extension
 * (D only with F), mstatus.FS must not be Off, and an instruction that rounds must name a
 * valid rounding mode (rm 5 or 6, or dyn with frm 5..7, is illegal). Then it reads its
 * operands (a single from a register not properly NaN-boxed reads as the canonical NaN),
 * computes, and only then writes: its destination, the flags it raised accrued into
 * fflags, and mstatus.FS set to Dirty (SD with it) when it wrote a floating-point
 * register or raised a flag, as Spike does. A trapping instruction writes nothing.
 */
#include "cpu/exec.h"

#include "cpu/csr_defs.h"
#include "cpu/mmu.h"
#include "cpu/softfloat.h"

#define BOX 0xffffffff00000000ull

/* The single in f[r]: its low half when NaN-boxed, else the canonical NaN. */
static inline uint32_t get_s(const struct hart *h, unsigned r)
{
    uint64_t v = h->fpu.f[r];
    return (v & BOX) == BOX ? (uint32_t)v : SF_S_NAN;
}

static inline void dirty(struct hart *h)
{
    h->mstatus |= MSTATUS_FS | MSTATUS_SD;
}

static inline void set_f(struct hart *h, unsigned r, uint64_t v)
{
    h->fpu.f[r] = v;
    dirty(h);
}

static inline void set_s(struct hart *h, unsigned r, uint32_t v)
{
    set_f(h, r, BOX | v);
}

static trap_t illegal(const struct insn *d)
{
    return trap_make(CAUSE_ILLEGAL_INSN, d->raw);
}

/* Is the op one of D's? (F's and D's are two runs of the list, in that order.) */
static inline bool is_double(unsigned op)
{
    return op >= OP_FLD;
}

_Static_assert(OP_FLD == OP_FMV_W_X + 1, "F's instructions, then D's");

/* May this hart run floating-point instructions (of D too, if `dbl`) now? */
static inline bool fp_usable(const struct hart *h, bool dbl)
{
    uint32_t need = dbl ? HART_F | HART_D : HART_F;
    return (h->features & need) == need && (h->mstatus & MSTATUS_FS);
}

trap_t exec_fp(struct hart *h, const struct insn *d)
{
    unsigned op = d->op;
    bool dbl = is_double(op);
    if (!fp_usable(h, dbl))
        return illegal(d);
    enum sf_format fmt = dbl ? SF_D : SF_S;
    /* (a compressed one's bits hold no rm: it is a load or store, which has none) */
    unsigned rm = insn_rm(d) == 7 ? h->fpu.frm : insn_rm(d);
    unsigned flags = 0;
    uint64_t a, b;
    if (dbl) {
        a = h->fpu.f[d->rs1];
        b = h->fpu.f[d->rs2];
    } else {
        a = get_s(h, d->rs1);
        b = get_s(h, d->rs2);
    }
    uint32_t addr = h->x[d->rs1] + (uint32_t)d->imm;
    uint64_t r;
    trap_t t;

    /* Those that round (or might: the conversions to double are exact, but they have an
     * rm field, and Spike and QEMU check it too). */
    switch (op) {
    case OP_FLW: case OP_FLD: case OP_FSW: case OP_FSD:
    case OP_FSGNJ_S: case OP_FSGNJN_S: case OP_FSGNJX_S: case OP_FMIN_S: case OP_FMAX_S:
    case OP_FSGNJ_D: case OP_FSGNJN_D: case OP_FSGNJX_D: case OP_FMIN_D: case OP_FMAX_D:
    case OP_FEQ_S: case OP_FLT_S: case OP_FLE_S: case OP_FEQ_D: case OP_FLT_D: case OP_FLE_D:
    case OP_FCLASS_S: case OP_FCLASS_D: case OP_FMV_X_W: case OP_FMV_W_X:
        break;
    default:
        if (rm > SF_RMM)
            return illegal(d);
        break;
    }

    switch (op) {
    /* loads and stores: no rounding, no flags; a load writes its register */
    case OP_FLW: {
        uint32_t v;
        if (trap_raised(t = mmu_load(h, addr, 4, &v)))
            return t;
        set_s(h, d->rd, v);
        return TRAP_NONE;
    }
    case OP_FLD: {
        uint64_t v;
        if (trap_raised(t = mmu_load64(h, addr, &v)))
            return t;
        set_f(h, d->rd, v);
        return TRAP_NONE;
    }
    case OP_FSW:    /* the register's low half as it is, boxed or not */
        return mmu_store(h, addr, 4, (uint32_t)h->fpu.f[d->rs2]);
    case OP_FSD:
        return mmu_store64(h, addr, h->fpu.f[d->rs2]);

    /* moves: bits as they are */
    case OP_FMV_X_W:
        h->x[d->rd] = (uint32_t)h->fpu.f[d->rs1];
        return TRAP_NONE;
    case OP_FMV_W_X:
        set_s(h, d->rd, h->x[d->rs1]);
        return TRAP_NONE;
    case OP_FCLASS_S: case OP_FCLASS_D:
        h->x[d->rd] = sf_class(fmt, a);
        return TRAP_NONE;

    /* to the integer registers */
    case OP_FEQ_S: case OP_FEQ_D:
        h->x[d->rd] = sf_eq(fmt, a, b, &flags);
        break;
    case OP_FLT_S: case OP_FLT_D:
        h->x[d->rd] = sf_lt(fmt, a, b, &flags);
        break;
    case OP_FLE_S: case OP_FLE_D:
        h->x[d->rd] = sf_le(fmt, a, b, &flags);
        break;
    case OP_FCVT_W_S: case OP_FCVT_W_D:
        h->x[d->rd] = sf_to_i32(fmt, a, rm, &flags);
        break;
    case OP_FCVT_WU_S: case OP_FCVT_WU_D:
        h->x[d->rd] = sf_to_u32(fmt, a, rm, &flags);
        break;

    /* to the floating-point registers */
    default:
        switch (op) {
        case OP_FADD_S: case OP_FADD_D: r = sf_add(fmt, a, b, rm, &flags); break;
        case OP_FSUB_S: case OP_FSUB_D: r = sf_sub(fmt, a, b, rm, &flags); break;
        case OP_FMUL_S: case OP_FMUL_D: r = sf_mul(fmt, a, b, rm, &flags); break;
        case OP_FDIV_S: case OP_FDIV_D: r = sf_div(fmt, a, b, rm, &flags); break;
        case OP_FSQRT_S: case OP_FSQRT_D: r = sf_sqrt(fmt, a, rm, &flags); break;
        case OP_FMIN_S: case OP_FMIN_D: r = sf_min(fmt, a, b, &flags); break;
        case OP_FMAX_S: case OP_FMAX_D: r = sf_max(fmt, a, b, &flags); break;
        case OP_FMADD_S: case OP_FMSUB_S: case OP_FNMSUB_S: case OP_FNMADD_S:
        case OP_FMADD_D: case OP_FMSUB_D: case OP_FNMSUB_D: case OP_FNMADD_D: {
            unsigned k = dbl ? op - OP_FMADD_D : op - OP_FMADD_S;  /* madd msub nmsub nmadd */
            uint64_t c = dbl ? h->fpu.f[insn_rs3(d)] : get_s(h, insn_rs3(d));
            r = sf_fma(fmt, a, b, c, k >= 2, k == 1 || k == 3, rm, &flags);
            break;
        }
        case OP_FSGNJ_S: case OP_FSGNJN_S: case OP_FSGNJX_S:
        case OP_FSGNJ_D: case OP_FSGNJN_D: case OP_FSGNJX_D: {
            uint64_t sign = dbl ? 1ull << 63 : 1ull << 31;
            unsigned k = dbl ? op - OP_FSGNJ_D : op - OP_FSGNJ_S;
            uint64_t s = k == 0 ? b & sign : k == 1 ? ~b & sign : (a ^ b) & sign;
            r = (a & ~sign) | s;
            break;
        }
        case OP_FCVT_S_W: r = sf_from_i32(SF_S, (int32_t)h->x[d->rs1], rm, &flags); break;
        case OP_FCVT_S_WU: r = sf_from_u32(SF_S, h->x[d->rs1], rm, &flags); break;
        case OP_FCVT_D_W: r = sf_from_i32(SF_D, (int32_t)h->x[d->rs1], rm, &flags); break;
        case OP_FCVT_D_WU: r = sf_from_u32(SF_D, h->x[d->rs1], rm, &flags); break;
        case OP_FCVT_S_D: r = sf_convert(SF_S, SF_D, h->fpu.f[d->rs1], rm, &flags); break;
        case OP_FCVT_D_S: r = sf_convert(SF_D, SF_S, get_s(h, d->rs1), rm, &flags); break;
        default:
            return illegal(d);      /* not reached: every F and D op is above */
        }
        /* D's ops make doubles, but for fcvt.s.d; F's make singles */
        if (dbl && op != OP_FCVT_S_D)
            set_f(h, d->rd, r);
        else
            set_s(h, d->rd, (uint32_t)r);
        break;
    }
    if (flags) {
        h->fpu.fflags |= (uint8_t)flags;
        dirty(h);
    }
    return TRAP_NONE;
}

bool hart_get_freg(const struct hart *h, unsigned i, uint64_t *value)
{
    if (!(h->features & HART_F) || i >= 32)
        return false;
    *value = h->fpu.f[i];
    return true;
}

bool hart_set_freg(struct hart *h, unsigned i, uint64_t value)
{
    if (!(h->features & HART_F) || i >= 32)
        return false;
    set_f(h, i, value);
    return true;
}
