/*
 * The debug triggers (Sdtrig, RISC-V Debug Specification 1.0, chapter 5), as QEMU 7.2
 * has them, for guest code and a guest's own debugger: two triggers, each an address
 * match (mcontrol, type 2, or mcontrol6, type 6) on the pc of an instruction about to
 * execute, or on the addresses a load or store is about to touch; one that fires raises a
 * breakpoint exception before the instruction does anything (timing = before, action =
 * 0), with mtval/stval = the address that matched (QEMU writes 0; the spec allows both).
 *
 * What the fields can hold: match = 0 (equal) and action = 0 only, no chain, no hit bits,
 * no select, no dmode (no debug mode), no maskmax, no vs/vu (no H); the size of type 2
 * (sizelo: any, 1, 2, 4 bytes) or type 6 (any, 1, 2, 4, 8). An execute trigger matches
 * the pc exactly; a load or store trigger matches an access that overlaps the bytes
 * [tdata2, tdata2 + size), size "any" counting as 4 (type 2) or 8 (type 6), as QEMU does.
 * A write of another type leaves the trigger disabled (type 2, nothing enabled: QEMU
 * would keep the old value, which may fire). tdata3 reads 0 (no textra matching).
 * Probing tselect goes as on QEMU: it takes 0 and 1 and ignores anything larger; tinfo
 * says 0x44 (types 2 and 6) for both.
 *
 * tcontrol (QEMU 7.2 has none): triggers fire in M-mode only while tcontrol.mte is set; a
 * trap into M-mode saves mte in mpte and clears it, mret restores it (cpu/trap.c,
 * cpu/exec.c), so that a handler does not trap on its own triggers. Reset: 0.
 *
 * While any trigger is enabled (h->trig.armed), hart_run runs the checking loop of the
 * plain step (cpu/exec.c checks each instruction before running it), as it does for a
 * host debugger's breakpoints: the block engine and the JIT step aside.
 */
#include "cpu/exec.h"

#include "cpu/csr_defs.h"

#define TDATA1_TYPE(v)  ((v) >> 28)
#define MC_LOAD         (1u << 0)
#define MC_STORE        (1u << 1)
#define MC_EXECUTE      (1u << 2)
#define MC_U            (1u << 3)
#define MC_S            (1u << 4)
#define MC_M            (1u << 6)
#define MC_MODES        (MC_U | MC_S | MC_M)
#define MC_RWX          (MC_LOAD | MC_STORE | MC_EXECUTE)
#define MC2_SIZELO      (3u << 16)
#define MC6_SIZE        (15u << 16)
#define TYPE_MCONTROL   2u
#define TYPE_MCONTROL6  6u
#define DISABLED        (TYPE_MCONTROL << 28)
#define TINFO_TYPES     (1u << TYPE_MCONTROL | 1u << TYPE_MCONTROL6)

/* Anything enabled: the checking loop is needed (cpu/debug.c keeps h->debug). */
void trigger_rearm(struct hart *h)
{
    bool armed = false;
    for (unsigned i = 0; i < HART_TRIGGERS; i++) {
        uint32_t v = h->trig.tdata1[i];
        armed |= (v & MC_MODES) && (v & MC_RWX);
    }
    h->trig.armed = armed;
    debug_update_flag(h);
}

void trigger_reset(struct hart *h)
{
    for (unsigned i = 0; i < HART_TRIGGERS; i++) {
        h->trig.tdata1[i] = DISABLED;
        h->trig.tdata2[i] = 0;
    }
    h->trig.tselect = 0;
    h->trig.tcontrol = 0;
    trigger_rearm(h);
}

/* tdata1 as written, made legal. */
static uint32_t legal_tdata1(uint32_t v)
{
    uint32_t keep = MC_MODES | MC_RWX;
    switch (TDATA1_TYPE(v)) {
    case TYPE_MCONTROL:
        return v & (0xf0000000u | keep | MC2_SIZELO);
    case TYPE_MCONTROL6: {
        unsigned size = (v & MC6_SIZE) >> 16;
        if (size > 5 || size == 4)
            v &= ~MC6_SIZE;                 /* a size it does not match: any */
        return v & (0xf0000000u | keep | MC6_SIZE);
    }
    default:
        return DISABLED;
    }
}

uint32_t trigger_csr_read(struct hart *h, unsigned num)
{
    unsigned i = h->trig.tselect;
    switch (num) {
    case CSR_TSELECT:  return i;
    case CSR_TDATA1:   return h->trig.tdata1[i];
    case CSR_TDATA2:   return h->trig.tdata2[i];
    case CSR_TINFO:    return TINFO_TYPES;
    case CSR_TCONTROL: return h->trig.tcontrol;
    default:           return 0;                    /* tdata3 */
    }
}

void trigger_csr_write(struct hart *h, unsigned num, uint32_t v)
{
    unsigned i = h->trig.tselect;
    switch (num) {
    case CSR_TSELECT:
        if (v < HART_TRIGGERS)
            h->trig.tselect = (uint8_t)v;           /* larger: ignored, as QEMU */
        break;
    case CSR_TDATA1:
        h->trig.tdata1[i] = legal_tdata1(v);
        trigger_rearm(h);
        break;
    case CSR_TDATA2:
        h->trig.tdata2[i] = v;
        break;
    case CSR_TCONTROL:
        h->trig.tcontrol = (uint8_t)(v & (TCONTROL_MTE | TCONTROL_MPTE));
        break;
    default:
        break;                                      /* tdata3: no textra */
    }
}

/* Can trigger v match in the current mode? */
static bool mode_matches(const struct hart *h, uint32_t v)
{
    switch (h->priv) {
    case PRIV_M: return (v & MC_M) && (h->trig.tcontrol & TCONTROL_MTE);
    case PRIV_S: return v & MC_S;
    default:     return v & MC_U;
    }
}

bool trigger_exec_match(const struct hart *h, uint32_t pc)
{
    for (unsigned i = 0; i < HART_TRIGGERS; i++) {
        uint32_t v = h->trig.tdata1[i];
        if ((v & MC_EXECUTE) && mode_matches(h, v) && h->trig.tdata2[i] == pc)
            return true;
    }
    return false;
}

/* The bytes a load or store trigger covers from tdata2. */
static uint32_t match_size(uint32_t v)
{
    if (TDATA1_TYPE(v) == TYPE_MCONTROL) {
        static const uint8_t sizes[4] = { 4, 1, 2, 4 };
        return sizes[(v & MC2_SIZELO) >> 16];
    }
    static const uint8_t sizes6[6] = { 8, 1, 2, 4, 0, 8 };
    return sizes6[(v & MC6_SIZE) >> 16];
}

static bool data_match(const struct hart *h, uint32_t va, unsigned size, uint32_t want)
{
    for (unsigned i = 0; i < HART_TRIGGERS; i++) {
        uint32_t v = h->trig.tdata1[i];
        if (!(v & want) || !mode_matches(h, v))
            continue;
        uint64_t lo = h->trig.tdata2[i], hi = lo + match_size(v);
        if (va < hi && lo < (uint64_t)va + size)
            return true;
    }
    return false;
}

trap_t trigger_data_check(struct hart *h, const struct insn *d)
{
    uint32_t va = h->x[d->rs1] + (uint32_t)d->imm;
    unsigned size = 4;
    uint32_t want;
    switch (d->op) {
    case OP_LB: case OP_LBU: size = 1; want = MC_LOAD; break;
    case OP_LH: case OP_LHU: size = 2; want = MC_LOAD; break;
    case OP_LW: case OP_FLW: want = MC_LOAD; break;
    case OP_FLD: size = 8; want = MC_LOAD; break;
    case OP_SB: size = 1; want = MC_STORE; break;
    case OP_SH: size = 2; want = MC_STORE; break;
    case OP_SW: case OP_FSW: want = MC_STORE; break;
    case OP_FSD: size = 8; want = MC_STORE; break;
    case OP_LR_W: va = h->x[d->rs1]; want = MC_LOAD; break;
    case OP_SC_W:               /* one that fails stores nothing (as QEMU and Spike) */
        if (!h->reserved)
            return TRAP_NONE;
        va = h->x[d->rs1];
        want = MC_STORE;
        break;
    case OP_AMOSWAP_W: case OP_AMOADD_W: case OP_AMOXOR_W: case OP_AMOAND_W:
    case OP_AMOOR_W: case OP_AMOMIN_W: case OP_AMOMAX_W: case OP_AMOMINU_W:
    case OP_AMOMAXU_W:
        va = h->x[d->rs1];
        want = MC_LOAD | MC_STORE;
        break;
    default:
        return TRAP_NONE;
    }
    if (data_match(h, va, size, want))
        return trap_make(CAUSE_BREAKPOINT, va);
    return TRAP_NONE;
}

/* A trap into M-mode: M-mode triggers off until mret (tcontrol.mpte keeps mte). */
void trigger_trap_to_m(struct hart *h)
{
    uint8_t c = h->trig.tcontrol;
    h->trig.tcontrol = (c & TCONTROL_MTE) ? TCONTROL_MPTE : 0;
}

void trigger_mret(struct hart *h)
{
    if (h->trig.tcontrol & TCONTROL_MPTE)
        h->trig.tcontrol |= TCONTROL_MTE;
    else
        h->trig.tcontrol &= (uint8_t)~TCONTROL_MTE;
}
