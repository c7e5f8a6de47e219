/*
 * Sv32 translation (privileged spec 4.3, with rvbox's choices: A/D set by hardware, and a
 * faulting access sets neither; misaligned accesses done in hardware, all or nothing):
 * page tables built in the harness RAM, 4 KiB pages and 4 MiB superpages, every R/W/X
 * combination for loads, stores and fetches, the U bit with SUM, MXR and MPRV, A/D
 * updates, malformed entries, page tables and pages outside memory, sfence.vma and satp
 * writes, accesses that straddle two pages, and misaligned atomics.
 *
 * The harness RAM (64 KiB at 0x80000000), page by page:
 *   0-3  code (BASE)         4  HARNESS_DATA          8  the trap stops
 *   9    PA_A, a test page   10 PA_B, a test page     11 PA_C, a test page
 *   12   ROOT                13 L0 (for VA 0x40000000-0x403fffff)
 *   14   ROOT2 (a second root, superpages only)
 * Every table maps RAM at 0x80000000 with an identity superpage (U in the U-mode tests,
 * so the code can run), and the test pages at VA 0x40000000 up.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "cpu/csr_defs.h"
#include "harness.h"

#define BASE    HARNESS_RAM_BASE
#define MARK    0x5555aaaau
#define PA_A    (BASE + 0x9000u)
#define PA_B    (BASE + 0xa000u)
#define PA_C    (BASE + 0xb000u)
#define ROOT    (BASE + 0xc000u)
#define L0      (BASE + 0xd000u)
#define ROOT2   (BASE + 0xe000u)

#define VA_A    0x40000000u         /* 4 KiB pages through L0 */
#define VA_B    0x40001000u
#define VA_SP   0x40400000u         /* a 4 MiB superpage slot (over RAM: PA = VA - VA_SP + BASE) */
#define VA_PTR  0x40800000u         /* a level-1 pointer slot, for the malformed cases */

#define DATA_OFF  0x10u             /* where the data word of a test page sits */
#define VAL_A     0xa1a2a3a4u
#define VAL_B     0xb1b2b3b4u
#define VAL_C     0xc1c2c3c4u
#define STORED    0x5a5a0f0fu       /* what the store tests write */
#define FETCHED   7u                /* what the fetched `addi x5, x0, 7` puts in x5 */

#define LR_X5_X10      0x100522afu  /* lr.w x5, (x10) */
#define SC_X5_X6_X10   0x186522afu  /* sc.w x5, x6, (x10) */
#define AMOADD_X5_X10  0x006522afu  /* amoadd.w x5, x6, (x10) */
#define LH_X5_X10      0x00051283u  /* lh x5, 0(x10) */
#define SH_X6_X10      0x00651023u  /* sh x6, 0(x10) */
#define SFENCE_ALL     0x12000073u  /* sfence.vma x0, x0 */
#define SFENCE_X10     0x12050073u  /* sfence.vma x10, x0 */
#define CSRW_SATP_X11  0x18059073u  /* csrrw x0, satp, x11 */
#define C_LI_X5_7      0x429du      /* c.li x5, 7 */

#define RWX     (PTE_R | PTE_W | PTE_X)
#define AD      (PTE_A | PTE_D)

static struct harness *t;

static void setup(void)
{
    t = harness_create();
}

static void teardown(void)
{
    harness_destroy(t);
}

static uint32_t pte(uint32_t pa, uint32_t flags)
{
    return (pa >> 12) << 10 | flags;
}

static uint32_t pte_addr_4k(uint32_t va) { return L0 + 4 * ((va >> 12) & 0x3ff); }
static uint32_t pte_addr_4m(uint32_t root, uint32_t va) { return root + 4 * (va >> 22); }

static void clear_page(uint32_t pa)
{
    for (uint32_t i = 0; i < 4096; i += 4)
        harness_poke(t, pa + i, 0);
}

/*
 * The tables every test starts from: ROOT with the identity superpage over RAM and a
 * pointer to L0 for VA 0x40000000; L0 empty; satp = Sv32 at ROOT. The test pages hold
 * their data word, and an `addi x5, x0, 7` at offset 0 for the fetch tests.
 */
static void map_base(bool user)
{
    clear_page(ROOT);
    clear_page(L0);
    harness_poke(t, pte_addr_4m(ROOT, BASE), pte(BASE, PTE_V | RWX | AD | (user ? PTE_U : 0)));
    harness_poke(t, pte_addr_4m(ROOT, VA_A), pte(L0, PTE_V));
    static const uint32_t pages[] = { PA_A, PA_B, PA_C };
    static const uint32_t vals[] = { VAL_A, VAL_B, VAL_C };
    for (size_t i = 0; i < 3; i++) {
        clear_page(pages[i]);
        harness_poke(t, pages[i], enc_addi(5, 0, FETCHED));
        harness_poke(t, pages[i] + DATA_OFF, vals[i]);
    }
    harness_set_csr(t, CSR_SATP, SATP_MODE_SV32 | ROOT >> 12);
    hart_flush_caches(t->hart);
}

static void map4k(uint32_t va, uint32_t pa, uint32_t flags)
{
    harness_poke(t, pte_addr_4k(va), pte(pa, flags));
}

static void map4m(uint32_t va, uint32_t pa, uint32_t flags)
{
    harness_poke(t, pte_addr_4m(ROOT, va), pte(pa, flags));
}

enum acc { LOAD, STORE, FETCH };
static const char *const acc_name[] = { "load", "store", "fetch" };
static const uint32_t page_fault[] = { CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_PAGE_FAULT,
                                       CAUSE_FETCH_PAGE_FAULT };
static const uint32_t access_fault[] = { CAUSE_LOAD_ACCESS, CAUSE_STORE_ACCESS,
                                         CAUSE_FETCH_ACCESS };

/*
 * One access of `kind` at `va` in `priv` (a load or store at va + DATA_OFF by the
 * instruction at BASE; a fetch of the instruction at va). True if it completed; then its
 * effect is checked against the physical page `pa`.
 */
static bool do_access(enum hart_priv priv, enum acc kind, uint32_t va, uint32_t pa)
{
    uint32_t word = kind == LOAD ? enc_lw(5, 10, DATA_OFF) : enc_sw(6, 10, DATA_OFF);
    harness_load(t, &word, 1);
    harness_set_reg(t, 5, MARK);
    harness_set_reg(t, 6, STORED);
    harness_set_reg(t, 10, va);
    hart_set_pc(t->hart, kind == FETCH ? va : BASE);
    hart_set_priv(t->hart, priv);
    uint32_t before = harness_peek(t, pa + DATA_OFF);
    bool done = harness_run(t, 1) == 1;
    if (!done) {
        ck_assert_uint_eq(harness_reg(t, 5), MARK);
        ck_assert_uint_eq(harness_peek(t, pa + DATA_OFF), before);
        return false;
    }
    switch (kind) {
    case LOAD:  ck_assert_uint_eq(harness_reg(t, 5), before); break;
    case STORE: ck_assert_uint_eq(harness_peek(t, pa + DATA_OFF), STORED); break;
    case FETCH: ck_assert_uint_eq(harness_reg(t, 5), FETCHED); break;
    }
    return true;
}

/* The last access trapped into M with `cause`, tval = the faulting virtual address. */
static void assert_fault(const char *what, uint32_t cause, uint32_t tval, uint32_t epc)
{
    ck_assert_msg(harness_csr(t, CSR_MCAUSE) == cause, "%s: mcause %u, want %u", what,
                  harness_csr(t, CSR_MCAUSE), cause);
    ck_assert_msg(harness_csr(t, CSR_MTVAL) == tval, "%s: mtval 0x%08x, want 0x%08x", what,
                  harness_csr(t, CSR_MTVAL), tval);
    ck_assert_uint_eq(harness_csr(t, CSR_MEPC), epc);
    ck_assert_uint_eq(harness_pc(t), HARNESS_TRAP_VEC);
}

/* Expect `kind` at va to fault with the page fault (or access fault) for that access. */
static void expect_fault(const char *what, enum hart_priv priv, enum acc kind, uint32_t va,
                         uint32_t pa, bool access)
{
    ck_assert_msg(!do_access(priv, kind, va, pa), "%s: %s at 0x%08x completed", what,
                  acc_name[kind], va);
    uint32_t cause = access ? access_fault[kind] : page_fault[kind];
    assert_fault(what, cause, kind == FETCH ? va : va + DATA_OFF, kind == FETCH ? va : BASE);
}

/* ---- permissions ---- */

/* Whether a leaf with these R/W/X bits allows `kind` (spec 4.3.1: W without R is
 * reserved and faults for every access). */
static bool rwx_allows(uint32_t rwx, enum acc kind)
{
    if ((rwx & PTE_W) && !(rwx & PTE_R))
        return false;
    switch (kind) {
    case LOAD:  return rwx & PTE_R;
    case STORE: return rwx & PTE_W;
    default:    return rwx & PTE_X;
    }
}

/* All eight R/W/X combinations on a 4 KiB leaf (0 is a pointer at level 0: a fault), for
 * loads, stores and fetches, from S (S page) and from U (U page). */
START_TEST(test_rwx_4k)
{
    uint32_t rwx = (uint32_t)_i << 1;
    static const enum hart_priv privs[] = { PRIV_S, PRIV_U };
    for (size_t p = 0; p < 2; p++)
        for (enum acc kind = LOAD; kind <= FETCH; kind++) {
            bool user = privs[p] == PRIV_U;
            map_base(user);
            map4k(VA_A, PA_A, PTE_V | rwx | AD | (user ? PTE_U : 0));
            bool want = rwx && rwx_allows(rwx, kind);
            bool done = do_access(privs[p], kind, VA_A, PA_A);
            ck_assert_msg(done == want, "RWX=%u%u%u %s from %s: %s", !!(rwx & PTE_R),
                          !!(rwx & PTE_W), !!(rwx & PTE_X), acc_name[kind],
                          user ? "U" : "S", done ? "done" : "faulted");
            if (!done)
                assert_fault(acc_name[kind], page_fault[kind],
                             kind == FETCH ? VA_A : VA_A + DATA_OFF,
                             kind == FETCH ? VA_A : BASE);
        }
}
END_TEST

/* The same on a 4 MiB superpage (RWX = 0 there is a pointer, so it is left out). */
START_TEST(test_rwx_4m)
{
    uint32_t rwx = (uint32_t)(_i + 1) << 1;
    static const enum hart_priv privs[] = { PRIV_S, PRIV_U };
    uint32_t va = VA_SP + (PA_A - BASE);
    for (size_t p = 0; p < 2; p++)
        for (enum acc kind = LOAD; kind <= FETCH; kind++) {
            bool user = privs[p] == PRIV_U;
            map_base(user);
            map4m(VA_SP, BASE, PTE_V | rwx | AD | (user ? PTE_U : 0));
            bool want = rwx_allows(rwx, kind);
            bool done = do_access(privs[p], kind, va, PA_A);
            ck_assert_msg(done == want, "superpage RWX=%u%u%u %s from %s: %s",
                          !!(rwx & PTE_R), !!(rwx & PTE_W), !!(rwx & PTE_X), acc_name[kind],
                          user ? "U" : "S", done ? "done" : "faulted");
            if (!done)
                assert_fault(acc_name[kind], page_fault[kind],
                             kind == FETCH ? va : va + DATA_OFF, kind == FETCH ? va : BASE);
        }
}
END_TEST

/* The U bit: U-mode reaches only U pages; S-mode (SUM = 0) only non-U pages. */
START_TEST(test_u_bit)
{
    for (unsigned user_page = 0; user_page < 2; user_page++)
        for (unsigned user_mode = 0; user_mode < 2; user_mode++)
            for (enum acc kind = LOAD; kind <= FETCH; kind++) {
                map_base(user_mode);
                map4k(VA_A, PA_A, PTE_V | RWX | AD | (user_page ? PTE_U : 0));
                bool want = user_page == user_mode;
                bool done = do_access(user_mode ? PRIV_U : PRIV_S, kind, VA_A, PA_A);
                ck_assert_msg(done == want, "%s of a %s page from %s: %s", acc_name[kind],
                              user_page ? "U" : "S", user_mode ? "U" : "S",
                              done ? "done" : "faulted");
                if (!done)
                    assert_fault("U bit", page_fault[kind],
                                 kind == FETCH ? VA_A : VA_A + DATA_OFF,
                                 kind == FETCH ? VA_A : BASE);
            }
}
END_TEST

/* SUM lets S load and store U pages, never fetch from them; it changes nothing for U. */
START_TEST(test_sum)
{
    for (enum acc kind = LOAD; kind <= FETCH; kind++) {
        map_base(false);
        harness_set_csr(t, CSR_MSTATUS, MSTATUS_SUM);
        map4k(VA_A, PA_A, PTE_V | RWX | AD | PTE_U);
        bool done = do_access(PRIV_S, kind, VA_A, PA_A);
        ck_assert_msg(done == (kind != FETCH), "SUM: S %s of a U page: %s", acc_name[kind],
                      done ? "done" : "faulted");
        if (!done)
            assert_fault("SUM fetch", CAUSE_FETCH_PAGE_FAULT, VA_A, VA_A);
        /* U still cannot reach an S page */
        map_base(true);
        harness_set_csr(t, CSR_MSTATUS, MSTATUS_SUM);
        map4k(VA_A, PA_A, PTE_V | RWX | AD);
        expect_fault("SUM, U to S page", PRIV_U, kind, VA_A, PA_A, false);
    }
}
END_TEST

/* MXR makes execute-only pages readable by loads (from S and U); stores and the W-less
 * page are unaffected, and so is a page with neither R nor X. */
START_TEST(test_mxr)
{
    static const enum hart_priv privs[] = { PRIV_S, PRIV_U };
    for (size_t p = 0; p < 2; p++) {
        bool user = privs[p] == PRIV_U;
        uint32_t u = user ? PTE_U : 0;
        map_base(user);
        harness_set_csr(t, CSR_MSTATUS, 0);
        map4k(VA_A, PA_A, PTE_V | PTE_X | AD | u);
        expect_fault("no MXR, X-only", privs[p], LOAD, VA_A, PA_A, false);
        harness_set_csr(t, CSR_MSTATUS, MSTATUS_MXR);
        ck_assert_msg(do_access(privs[p], LOAD, VA_A, PA_A), "MXR load of X-only from %s",
                      user ? "U" : "S");
        expect_fault("MXR, X-only store", privs[p], STORE, VA_A, PA_A, false);
        ck_assert(do_access(privs[p], FETCH, VA_A, PA_A));
    }
}
END_TEST

/* MPRV in M: loads and stores translate with MPP's privilege; fetches do not translate. The
 * tables here do not even map the code: M fetches it physically. */
START_TEST(test_mprv)
{
    for (enum acc kind = LOAD; kind <= STORE; kind++) {
        /* MPP = U: U pages only */
        map_base(false);
        clear_page(ROOT);                               /* no mapping for the code */
        harness_poke(t, pte_addr_4m(ROOT, VA_A), pte(L0, PTE_V));
        map4k(VA_A, PA_A, PTE_V | RWX | AD | PTE_U);
        map4k(VA_B, PA_B, PTE_V | RWX | AD);
        harness_set_csr(t, CSR_MSTATUS, MSTATUS_MPRV | PRIV_U << MSTATUS_MPP_SHIFT);
        ck_assert_msg(do_access(PRIV_M, kind, VA_A, PA_A), "MPRV MPP=U %s of a U page",
                      acc_name[kind]);
        expect_fault("MPRV MPP=U, S page", PRIV_M, kind, VA_B, PA_B, false);
        ck_assert_int_eq(hart_get_priv(t->hart), PRIV_M);

        /* MPP = S: S pages, and U pages only with SUM */
        harness_set_csr(t, CSR_MSTATUS, MSTATUS_MPRV | PRIV_S << MSTATUS_MPP_SHIFT);
        ck_assert(do_access(PRIV_M, kind, VA_B, PA_B));
        expect_fault("MPRV MPP=S, U page", PRIV_M, kind, VA_A, PA_A, false);
        harness_set_csr(t, CSR_MSTATUS,
                        MSTATUS_MPRV | MSTATUS_SUM | PRIV_S << MSTATUS_MPP_SHIFT);
        ck_assert(do_access(PRIV_M, kind, VA_A, PA_A));

        /* MPP = M, or MPRV clear: no translation (VA_A is no physical memory) */
        harness_set_csr(t, CSR_MSTATUS, MSTATUS_MPRV | PRIV_M << MSTATUS_MPP_SHIFT);
        expect_fault("MPRV MPP=M", PRIV_M, kind, VA_A, PA_A, true);
        harness_set_csr(t, CSR_MSTATUS, PRIV_S << MSTATUS_MPP_SHIFT);
        expect_fault("no MPRV", PRIV_M, kind, VA_A, PA_A, true);
    }
}
END_TEST

/* MPRV does not apply to fetches: M with MPRV and MPP = U runs code from a non-U page,
 * with the identity superpage present (so a wrongly translated fetch would fault). */
START_TEST(test_mprv_not_fetch)
{
    map_base(false);
    harness_set_csr(t, CSR_MSTATUS, MSTATUS_MPRV | PRIV_U << MSTATUS_MPP_SHIFT);
    const uint32_t prog[] = { enc_addi(5, 0, 1), enc_addi(6, 0, 2) };
    harness_load(t, prog, 2);
    ck_assert_uint_eq(harness_run(t, 2), 2);
    ck_assert_uint_eq(harness_reg(t, 6), 2);
}
END_TEST

/* ---- A and D ---- */

/* A set by any access, D by stores only; a load after a store leaves D set. */
START_TEST(test_ad_set)
{
    for (enum acc kind = LOAD; kind <= FETCH; kind++) {
        map_base(false);
        map4k(VA_A, PA_A, PTE_V | RWX);
        ck_assert(do_access(PRIV_S, kind, VA_A, PA_A));
        uint32_t e = harness_peek(t, pte_addr_4k(VA_A));
        ck_assert_msg(e & PTE_A, "%s did not set A", acc_name[kind]);
        ck_assert_msg(!(e & PTE_D) == (kind != STORE), "%s: D = %u", acc_name[kind],
                      !!(e & PTE_D));
        ck_assert_uint_eq(e & ~(PTE_A | PTE_D), pte(PA_A, PTE_V | RWX));
        /* the pointer to L0 is left alone */
        ck_assert_uint_eq(harness_peek(t, pte_addr_4m(ROOT, VA_A)), pte(L0, PTE_V));
    }
    /* superpage: in the level-1 entry */
    map_base(false);
    map4m(VA_SP, BASE, PTE_V | RWX);
    ck_assert(do_access(PRIV_S, STORE, VA_SP + (PA_A - BASE), PA_A));
    ck_assert_uint_eq(harness_peek(t, pte_addr_4m(ROOT, VA_SP)), pte(BASE, PTE_V | RWX | AD));
}
END_TEST

/* An access that faults on permissions sets neither A nor D. */
START_TEST(test_ad_not_set_on_fault)
{
    static const struct { uint32_t flags; enum acc kind; enum hart_priv priv; } f[] = {
        { PTE_V | PTE_R, STORE, PRIV_S },               /* read-only */
        { PTE_V | PTE_R | PTE_W, FETCH, PRIV_S },       /* not executable */
        { PTE_V | PTE_X, LOAD, PRIV_S },                /* execute-only, no MXR */
        { PTE_V | RWX | PTE_U, LOAD, PRIV_S },          /* U page from S */
        { PTE_V | RWX, STORE, PRIV_U },                 /* S page from U */
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        map_base(f[i].priv == PRIV_U);
        map4k(VA_A, PA_A, f[i].flags);
        expect_fault("A/D on fault", f[i].priv, f[i].kind, VA_A, PA_A, false);
        ck_assert_msg(harness_peek(t, pte_addr_4k(VA_A)) == pte(PA_A, f[i].flags),
                      "case %zu: PTE 0x%08x after a fault, was 0x%08x", i,
                      harness_peek(t, pte_addr_4k(VA_A)), pte(PA_A, f[i].flags));
    }
}
END_TEST

/* ---- malformed entries ---- */

/* A superpage whose PPN[0] is not zero is misaligned: a page fault, and no A set. */
START_TEST(test_misaligned_superpage)
{
    for (enum acc kind = LOAD; kind <= FETCH; kind++) {
        map_base(false);
        map4m(VA_SP, BASE + 0x1000, PTE_V | RWX);
        uint32_t va = VA_SP + (PA_A - BASE);
        expect_fault("misaligned superpage", PRIV_S, kind, va, PA_A, false);
        ck_assert_uint_eq(harness_peek(t, pte_addr_4m(ROOT, VA_SP)),
                          pte(BASE + 0x1000, PTE_V | RWX));
    }
}
END_TEST

/* V = 0 (whatever else is set) at either level, W without R at either level, and a
 * pointer (no R, W, X) at level 0: page faults. */
START_TEST(test_invalid_entries)
{
    static const struct { const char *what; bool level1; uint32_t flags; } bad[] = {
        { "V=0 leaf", false, RWX | AD | PTE_U },
        { "V=0 level 1", true, RWX | AD },
        { "V=0 pointer", true, 0 },
        { "W without R at level 0", false, PTE_V | PTE_W | AD },
        { "WX without R at level 1", true, PTE_V | PTE_W | PTE_X | AD },
        { "pointer at level 0", false, PTE_V },
        { "pointer at level 0 with A/D", false, PTE_V | AD },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        for (enum acc kind = LOAD; kind <= FETCH; kind++) {
            map_base(false);
            uint32_t va = bad[i].level1 ? VA_PTR : VA_A;
            if (bad[i].level1)
                harness_poke(t, pte_addr_4m(ROOT, VA_PTR), pte(PA_C, bad[i].flags));
            else
                map4k(VA_A, PA_C, bad[i].flags);
            expect_fault(bad[i].what, PRIV_S, kind, va, PA_C, false);
        }
}
END_TEST

/* A page-table entry that no memory holds: an access fault of the access's kind, tval the
 * virtual address. First an L0 table outside memory, then a root outside memory. */
START_TEST(test_pte_outside_memory)
{
    for (enum acc kind = LOAD; kind <= FETCH; kind++) {
        map_base(false);
        harness_poke(t, pte_addr_4m(ROOT, VA_A), pte(HARNESS_UNMAPPED, PTE_V));
        expect_fault("L0 table outside memory", PRIV_S, kind, VA_A, PA_A, true);
    }
    /* the root outside memory: even the fetch of the code at BASE faults */
    map_base(false);
    harness_set_csr(t, CSR_SATP, SATP_MODE_SV32 | HARNESS_UNMAPPED >> 12);
    ck_assert(!do_access(PRIV_S, LOAD, VA_A, PA_A));
    assert_fault("root outside memory", CAUSE_FETCH_ACCESS, BASE, BASE);
    /* a root beyond 4 GiB (satp.PPN has 22 bits) */
    map_base(false);
    harness_set_csr(t, CSR_SATP, SATP_MODE_SV32 | SATP_PPN_MASK);
    ck_assert(!do_access(PRIV_S, LOAD, VA_A, PA_A));
    assert_fault("root beyond 4 GiB", CAUSE_FETCH_ACCESS, BASE, BASE);
}
END_TEST

/* A leaf whose PPN puts the page past 4 GiB (Sv32 makes 34-bit addresses, the bus has 32):
 * an access fault, tval the virtual address. 4 KiB and 4 MiB leaves. */
START_TEST(test_pa_beyond_4g)
{
    for (enum acc kind = LOAD; kind <= FETCH; kind++) {
        map_base(false);
        harness_poke(t, pte_addr_4k(VA_A), (1u << 20 | PA_A >> 12) << 10 | PTE_V | RWX | AD);
        expect_fault("4 KiB page past 4 GiB", PRIV_S, kind, VA_A, PA_A, true);
        map_base(false);
        harness_poke(t, pte_addr_4m(ROOT, VA_SP), (1u << 21 | BASE >> 12) << 10 |
                                                   PTE_V | RWX | AD);
        expect_fault("superpage past 4 GiB", PRIV_S, kind, VA_SP + (PA_A - BASE), PA_A, true);
    }
}
END_TEST

/* The leaves of the access-fault cases: the page past 4 GiB, or where no memory is. */
static const struct { const char *what; uint32_t pte; } af_leaves[] = {
    { "page past 4 GiB", (1u << 20 | PA_A >> 12) << 10 | PTE_V | RWX },
    { "page with no memory", (HARNESS_UNMAPPED >> 12) << 10 | PTE_V | RWX },
};

/* A store that was not done must not set D (the spec wants D updates exact; rvbox: a
 * faulting access sets neither A nor D), access faults included. */
START_TEST(test_d_not_set_on_access_fault)
{
    map_base(false);
    harness_poke(t, pte_addr_4k(VA_A), af_leaves[_i].pte);
    expect_fault(af_leaves[_i].what, PRIV_S, STORE, VA_A, PA_A, true);
    uint32_t e = harness_peek(t, pte_addr_4k(VA_A));
    ck_assert_msg(!(e & PTE_D), "%s: a store that faulted set D (PTE 0x%08x)",
                  af_leaves[_i].what, e);
}
END_TEST

/* rvbox's choice: no A either for a load, store or fetch that ends in an access fault (the
 * spec would allow a speculative A; rvbox promises none). */
START_TEST(test_a_not_set_on_access_fault)
{
    for (enum acc kind = LOAD; kind <= FETCH; kind++) {
        map_base(false);
        harness_poke(t, pte_addr_4k(VA_A), af_leaves[_i].pte);
        expect_fault(af_leaves[_i].what, PRIV_S, kind, VA_A, PA_A, true);
        uint32_t e = harness_peek(t, pte_addr_4k(VA_A));
        ck_assert_msg(!(e & PTE_A), "%s: a %s that faulted set A (PTE 0x%08x)",
                      af_leaves[_i].what, acc_name[kind], e);
    }
}
END_TEST

/* ---- the trap as S sees it ---- */

/* Page faults delegated to S: scause per access kind, stval the faulting virtual address
 * (not the page), sepc the instruction. */
START_TEST(test_page_fault_delegated)
{
    for (enum acc kind = LOAD; kind <= FETCH; kind++) {
        map_base(true);
        harness_set_csr(t, CSR_MEDELEG, 1u << CAUSE_LOAD_PAGE_FAULT |
                                        1u << CAUSE_STORE_PAGE_FAULT |
                                        1u << CAUSE_FETCH_PAGE_FAULT);
        map4k(VA_A, PA_A, PTE_V | RWX | AD);            /* an S page: U faults */
        uint32_t va = VA_A + 0x124;
        uint32_t word = kind == LOAD ? enc_lw(5, 10, 0) : enc_sw(6, 10, 0);
        harness_load(t, &word, 1);
        harness_set_reg(t, 10, va);
        hart_set_pc(t->hart, kind == FETCH ? va : BASE);
        hart_set_priv(t->hart, PRIV_U);
        ck_assert_uint_eq(harness_run(t, 1), 0);
        ck_assert_int_eq(hart_get_priv(t->hart), PRIV_S);
        ck_assert_uint_eq(harness_pc(t), HARNESS_STRAP_VEC);
        ck_assert_uint_eq(harness_csr(t, CSR_SCAUSE), page_fault[kind]);
        ck_assert_uint_eq(harness_csr(t, CSR_STVAL), va);
        ck_assert_uint_eq(harness_csr(t, CSR_SEPC), kind == FETCH ? va : BASE);
    }
}
END_TEST

/* ---- changing translations ---- */

/* A PTE changed in memory takes effect after sfence.vma (all, or by address). Whether
 * the old one is still used before the sfence is not tested: the TLB may keep it. */
START_TEST(test_sfence_vma)
{
    static const uint32_t fences[] = { SFENCE_ALL, SFENCE_X10 };
    for (size_t f = 0; f < 2; f++) {
        map_base(false);
        map4k(VA_A, PA_A, PTE_V | RWX | AD);
        const uint32_t prog[] = { enc_lw(5, 10, DATA_OFF), fences[f], enc_lw(7, 10, DATA_OFF),
                                  fences[f], enc_lw(8, 10, DATA_OFF) };
        harness_load(t, prog, 5);
        harness_set_reg(t, 10, VA_A);
        hart_set_pc(t->hart, BASE);
        hart_set_priv(t->hart, PRIV_S);
        ck_assert_uint_eq(harness_run(t, 1), 1);
        ck_assert_uint_eq(harness_reg(t, 5), VAL_A);
        map4k(VA_A, PA_B, PTE_V | RWX | AD);            /* remapped ... */
        ck_assert_uint_eq(harness_run(t, 2), 2);
        ck_assert_uint_eq(harness_reg(t, 7), VAL_B);
        map4k(VA_A, PA_B, RWX | AD);                    /* ... then invalid */
        ck_assert_uint_eq(harness_run(t, 2), 1);
        assert_fault("after sfence, invalid", CAUSE_LOAD_PAGE_FAULT, VA_A + DATA_OFF,
                     BASE + 16);
    }
}
END_TEST

/* Permissions too: a page made read-only stops stores after sfence.vma. */
START_TEST(test_sfence_vma_permissions)
{
    map_base(false);
    map4k(VA_A, PA_A, PTE_V | RWX | AD);
    const uint32_t prog[] = { enc_sw(6, 10, DATA_OFF), SFENCE_ALL, enc_sw(6, 10, DATA_OFF) };
    harness_load(t, prog, 3);
    harness_set_reg(t, 10, VA_A);
    harness_set_reg(t, 6, STORED);
    hart_set_priv(t->hart, PRIV_S);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    map4k(VA_A, PA_A, PTE_V | PTE_R | AD);
    ck_assert_uint_eq(harness_run(t, 2), 1);
    assert_fault("store after sfence", CAUSE_STORE_PAGE_FAULT, VA_A + DATA_OFF, BASE + 8);
}
END_TEST

/* A satp write switches tables at once: VA_A + 0xa000 is PA_A's page through ROOT and
 * PA_B's (a superpage over RAM) through ROOT2. */
START_TEST(test_satp_switch)
{
    map_base(false);
    uint32_t va = VA_A + (PA_B - BASE);
    map4k(va, PA_A, PTE_V | RWX | AD);
    clear_page(ROOT2);
    harness_poke(t, pte_addr_4m(ROOT2, BASE), pte(BASE, PTE_V | RWX | AD));
    harness_poke(t, pte_addr_4m(ROOT2, VA_A), pte(BASE, PTE_V | RWX | AD));
    const uint32_t prog[] = { enc_lw(5, 10, DATA_OFF), CSRW_SATP_X11, enc_lw(7, 10, DATA_OFF) };
    harness_load(t, prog, 3);
    harness_set_reg(t, 10, va);
    harness_set_reg(t, 11, SATP_MODE_SV32 | ROOT2 >> 12);
    hart_set_priv(t->hart, PRIV_S);
    ck_assert_uint_eq(harness_run(t, 3), 3);
    ck_assert_uint_eq(harness_reg(t, 5), VAL_A);
    ck_assert_uint_eq(harness_reg(t, 7), VAL_B);
}
END_TEST

/* Writing satp to Bare from M switches translation off for S. */
START_TEST(test_satp_bare)
{
    map_base(false);
    map4k(VA_A, PA_A, PTE_V | RWX | AD);
    ck_assert(do_access(PRIV_S, LOAD, VA_A, PA_A));
    harness_set_csr(t, CSR_SATP, 0);
    ck_assert(do_access(PRIV_S, LOAD, PA_B, PA_B));           /* physical now */
    expect_fault("bare, no memory", PRIV_S, LOAD, VA_A, PA_A, true);
}
END_TEST

/* ---- translations cached across mode and mstatus changes ---- */

#define ECALL 0x00000073u
#define SRET  0x10200073u

/* Run `n` steps of the program at BASE in `priv` with x10 = va, x11 = arg. */
static uint64_t run_prog(const uint32_t *prog, size_t len, enum hart_priv priv, uint32_t va,
                         uint32_t arg, uint64_t n)
{
    harness_load(t, prog, len);
    harness_set_reg(t, 5, MARK);
    harness_set_reg(t, 7, MARK);
    harness_set_reg(t, 10, va);
    harness_set_reg(t, 11, arg);
    hart_set_pc(t->hart, BASE);
    hart_set_priv(t->hart, priv);
    return harness_run(t, n);
}

/* Clearing SUM or MXR takes effect at once, without sfence.vma (priv spec 4.1.1): a load
 * that worked a moment ago through a cached translation now faults. */
START_TEST(test_sum_mxr_cleared_at_once)
{
    static const struct { const char *what; uint32_t bit, flags; } c[] = {
        { "SUM", MSTATUS_SUM, PTE_V | RWX | AD | PTE_U },
        { "MXR", MSTATUS_MXR, PTE_V | PTE_X | AD },
    };
    for (size_t i = 0; i < 2; i++) {
        map_base(false);
        map4k(VA_A, PA_A, c[i].flags);
        harness_set_csr(t, CSR_MSTATUS, c[i].bit);
        const uint32_t prog[] = { enc_lw(5, 10, DATA_OFF), enc_csrrc(0, CSR_SSTATUS, 11),
                                  enc_lw(7, 10, DATA_OFF) };
        ck_assert_uint_eq(run_prog(prog, 3, PRIV_S, VA_A, c[i].bit, 3), 2);
        ck_assert_uint_eq(harness_reg(t, 5), VAL_A);
        assert_fault(c[i].what, CAUSE_LOAD_PAGE_FAULT, VA_A + DATA_OFF, BASE + 8);
        ck_assert_uint_eq(harness_reg(t, 7), MARK);
    }
}
END_TEST

/* Clearing MPRV, or changing MPP under it, takes effect at once for M's loads. */
START_TEST(test_mprv_cleared_at_once)
{
    static const struct { const char *what; uint32_t clear, cause; } c[] = {
        { "MPRV cleared", MSTATUS_MPRV, CAUSE_LOAD_ACCESS },        /* untranslated */
        { "MPP S -> U", 1u << MSTATUS_MPP_SHIFT, CAUSE_LOAD_PAGE_FAULT },
    };
    for (size_t i = 0; i < 2; i++) {
        map_base(false);
        map4k(VA_A, PA_A, PTE_V | RWX | AD);
        harness_set_csr(t, CSR_MSTATUS, MSTATUS_MPRV | PRIV_S << MSTATUS_MPP_SHIFT);
        const uint32_t prog[] = { enc_lw(5, 10, DATA_OFF), enc_csrrc(0, CSR_MSTATUS, 11),
                                  enc_lw(7, 10, DATA_OFF) };
        ck_assert_uint_eq(run_prog(prog, 3, PRIV_M, VA_A, c[i].clear, 3), 2);
        ck_assert_uint_eq(harness_reg(t, 5), VAL_A);
        assert_fault(c[i].what, c[i].cause, VA_A + DATA_OFF, BASE + 8);
    }
}
END_TEST

/* S loads an S page, then sret to U, where the same load must fault: a translation cached
 * for S does not serve U. */
START_TEST(test_sret_to_u_rechecks)
{
    map_base(false);
    map4k(VA_A, PA_A, PTE_V | RWX | AD);                    /* S data */
    map4k(VA_B, PA_B, PTE_V | PTE_R | PTE_X | AD | PTE_U);  /* U code */
    harness_poke(t, PA_B, enc_lw(7, 10, DATA_OFF));
    harness_set_csr(t, CSR_SEPC, VA_B);
    harness_set_csr(t, CSR_MSTATUS, 0);                     /* SPP = U */
    const uint32_t prog[] = { enc_lw(5, 10, DATA_OFF), SRET };
    ck_assert_uint_eq(run_prog(prog, 2, PRIV_S, VA_A, 0, 3), 2);
    ck_assert_uint_eq(harness_reg(t, 5), VAL_A);
    assert_fault("U after S", CAUSE_LOAD_PAGE_FAULT, VA_A + DATA_OFF, VA_B);
    ck_assert_uint_eq(harness_csr(t, CSR_MSTATUS) & MSTATUS_MPP, PRIV_U << MSTATUS_MPP_SHIFT);
    ck_assert_uint_eq(harness_reg(t, 7), MARK);
}
END_TEST

/* U loads a U page, then ecall (delegated) into S, which without SUM must fault on the
 * same load: a translation cached for U does not serve S. */
START_TEST(test_trap_to_s_rechecks)
{
    map_base(false);
    map4k(VA_A, PA_A, PTE_V | RWX | AD | PTE_U);            /* U data */
    map4k(VA_B, PA_B, PTE_V | PTE_R | PTE_X | AD | PTE_U);  /* U code */
    harness_poke(t, PA_B, enc_lw(5, 10, DATA_OFF));
    harness_poke(t, PA_B + 4, ECALL);
    harness_poke(t, BASE + 0x100, enc_lw(7, 10, DATA_OFF)); /* the S handler */
    harness_set_csr(t, CSR_STVEC, BASE + 0x100);
    harness_set_csr(t, CSR_MEDELEG, 1u << CAUSE_ECALL_U);
    harness_set_reg(t, 10, VA_A);
    harness_set_reg(t, 7, MARK);
    hart_flush_caches(t->hart);
    hart_set_pc(t->hart, VA_B);
    hart_set_priv(t->hart, PRIV_U);
    ck_assert_uint_eq(harness_run(t, 3), 1);
    ck_assert_uint_eq(harness_reg(t, 5), VAL_A);
    ck_assert_uint_eq(harness_csr(t, CSR_SCAUSE), CAUSE_ECALL_U);
    assert_fault("S after U", CAUSE_LOAD_PAGE_FAULT, VA_A + DATA_OFF, BASE + 0x100);
    ck_assert_uint_eq(harness_reg(t, 7), MARK);
}
END_TEST

/* ---- accesses straddling two pages ---- */

/* A misaligned store whose second page faults writes nothing (not even in the first page),
 * sets no A/D in the first page's PTE, and reports the start of the second page. */
START_TEST(test_straddling_store_faults)
{
    static const struct { const char *what; uint32_t second; } seconds[] = {
        { "second page invalid", 0 },
        { "second page read-only", PTE_V | PTE_R | AD },
        { "second page a U page", PTE_V | RWX | AD | PTE_U },
    };
    static const struct { uint32_t word; unsigned size; } stores[] = {
        { enc_sw(6, 10, 0), 4 }, { SH_X6_X10, 2 },
    };
    for (size_t i = 0; i < 3; i++)
        for (size_t s = 0; s < 2; s++) {
            map_base(false);
            map4k(VA_A, PA_A, PTE_V | RWX);             /* A and D clear */
            map4k(VA_B, PA_B, seconds[i].second);
            harness_poke(t, PA_A + 0xffc, 0x11223344u);
            harness_poke(t, PA_B, 0x55667788u);
            uint32_t va = VA_B - stores[s].size + 1;    /* the last byte in page B */
            harness_load(t, &stores[s].word, 1);
            harness_set_reg(t, 10, va);
            harness_set_reg(t, 6, 0xdeadbeefu);
            hart_set_pc(t->hart, BASE);
            hart_set_priv(t->hart, PRIV_S);
            ck_assert_uint_eq(harness_run(t, 1), 0);
            assert_fault(seconds[i].what, CAUSE_STORE_PAGE_FAULT, VA_B, BASE);
            ck_assert_msg(harness_peek(t, PA_A + 0xffc) == 0x11223344u,
                          "%s: first page written: 0x%08x", seconds[i].what,
                          harness_peek(t, PA_A + 0xffc));
            ck_assert_uint_eq(harness_peek(t, PA_B), 0x55667788u);
        }
}
END_TEST

/*
 * rvbox: a faulting access sets neither A nor D, and a misaligned access is one access.
 * So when the second page of a straddling load, store or fetch faults, the first page's
 * PTE (valid, permissions fine, A and D clear) keeps A and D clear. For the store, D set
 * without the store being done also breaks the spec's rule that D updates are exact.
 */
static const struct { const char *what; enum acc kind; uint32_t word; unsigned size; }
straddles[] = {
    { "sw", STORE, enc_sw(6, 10, 0), 4 },
    { "sh", STORE, SH_X6_X10, 2 },
    { "lw", LOAD, enc_lw(5, 10, 0), 4 },
    { "lh", LOAD, LH_X5_X10, 2 },
    { "32-bit fetch", FETCH, 0, 4 },
};

START_TEST(test_straddle_fault_sets_no_ad)
{
    map_base(false);
    map4k(VA_A, PA_A, PTE_V | RWX);                     /* A and D clear */
    uint32_t va = VA_B - straddles[_i].size + 1;
    if (straddles[_i].kind == FETCH) {
        uint32_t insn = enc_addi(5, 0, FETCHED);
        harness_poke(t, PA_A + 0xffc, (insn & 0xffff) << 16);
        hart_set_pc(t->hart, va = VA_B - 2);
    } else {
        harness_load(t, &straddles[_i].word, 1);
        harness_set_reg(t, 10, va);
        hart_set_pc(t->hart, BASE);
    }
    hart_flush_caches(t->hart);
    hart_set_priv(t->hart, PRIV_S);
    ck_assert_uint_eq(harness_run(t, 1), 0);
    assert_fault(straddles[_i].what, page_fault[straddles[_i].kind], VA_B,
                 straddles[_i].kind == FETCH ? va : BASE);
    uint32_t e = harness_peek(t, pte_addr_4k(VA_A));
    ck_assert_msg(!(e & (PTE_A | PTE_D)), "straddling %s, second page faulted: the first "
                  "page's PTE got%s%s (0x%08x)", straddles[_i].what, e & PTE_A ? " A" : "",
                  e & PTE_D ? " D" : "", e);
}
END_TEST

/* A misaligned load whose second page faults: load page fault at the second page, rd kept. */
START_TEST(test_straddling_load_faults)
{
    static const struct { uint32_t word; unsigned size; } loads[] = {
        { enc_lw(5, 10, 0), 4 }, { LH_X5_X10, 2 },
    };
    for (size_t s = 0; s < 2; s++) {
        map_base(false);
        map4k(VA_A, PA_A, PTE_V | RWX | AD);
        uint32_t va = VA_B - loads[s].size + 1;
        harness_load(t, &loads[s].word, 1);
        harness_set_reg(t, 10, va);
        harness_set_reg(t, 5, MARK);
        hart_set_pc(t->hart, BASE);
        hart_set_priv(t->hart, PRIV_S);
        ck_assert_uint_eq(harness_run(t, 1), 0);
        assert_fault("straddling load", CAUSE_LOAD_PAGE_FAULT, VA_B, BASE);
        ck_assert_uint_eq(harness_reg(t, 5), MARK);
    }
}
END_TEST

/* Both pages mapped (to physical pages that are not neighbours): the bytes go where each
 * page's translation says. */
START_TEST(test_straddling_access_done)
{
    map_base(false);
    map4k(VA_A, PA_C, PTE_V | RWX | AD);
    map4k(VA_B, PA_A, PTE_V | RWX | AD);
    harness_poke(t, PA_C + 0xffc, 0);
    harness_poke(t, PA_A, 0);
    const uint32_t prog[] = { enc_sw(6, 10, 0), enc_lw(7, 10, 0) };
    harness_load(t, prog, 2);
    harness_set_reg(t, 10, VA_B - 2);
    harness_set_reg(t, 6, 0xa1b2c3d4u);
    hart_set_priv(t->hart, PRIV_S);
    ck_assert_uint_eq(harness_run(t, 2), 2);
    ck_assert_uint_eq(harness_peek(t, PA_C + 0xffc), 0xc3d40000u);
    ck_assert_uint_eq(harness_peek(t, PA_A), 0x0000a1b2u);
    ck_assert_uint_eq(harness_reg(t, 7), 0xa1b2c3d4u);
}
END_TEST

/* A 32-bit instruction in the last two bytes of a page whose successor is unmapped (or not
 * executable): a fetch page fault, tval the second page, epc the instruction. A 16-bit one
 * there runs. */
START_TEST(test_fetch_straddle)
{
    static const uint32_t seconds[] = { 0, PTE_V | PTE_R | PTE_W | AD };
    for (size_t i = 0; i < 2; i++) {
        map_base(false);
        map4k(VA_A, PA_A, PTE_V | PTE_X | AD);
        map4k(VA_B, PA_B, seconds[i]);
        /* addi x5, x0, 7 split over the pages */
        uint32_t insn = enc_addi(5, 0, FETCHED);
        harness_poke(t, PA_A + 0xffc, (insn & 0xffff) << 16);
        harness_poke(t, PA_B, insn >> 16);
        hart_flush_caches(t->hart);
        hart_set_pc(t->hart, VA_B - 2);
        hart_set_priv(t->hart, PRIV_S);
        harness_set_reg(t, 5, MARK);
        ck_assert_uint_eq(harness_run(t, 1), 0);
        assert_fault("straddling fetch", CAUSE_FETCH_PAGE_FAULT, VA_B, VA_B - 2);
        ck_assert_uint_eq(harness_reg(t, 5), MARK);
    }
    map_base(false);
    map4k(VA_A, PA_A, PTE_V | PTE_X | AD);
    harness_poke(t, PA_A + 0xffc, C_LI_X5_7 << 16);
    hart_flush_caches(t->hart);
    hart_set_pc(t->hart, VA_B - 2);
    hart_set_priv(t->hart, PRIV_S);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_reg(t, 5), 7);
    ck_assert_uint_eq(harness_pc(t), VA_B);
}
END_TEST

/* ---- atomics ---- */

/* Misaligned atomics (through translation): lr.w -> load address misaligned (4), sc.w and
 * AMOs -> store/AMO address misaligned (6), tval the address; nothing written, no A/D. */
START_TEST(test_misaligned_atomics)
{
    static const struct { uint32_t word; uint32_t cause; unsigned off; } amo[] = {
        { LR_X5_X10, CAUSE_MISALIGNED_LOAD, 2 },
        { SC_X5_X6_X10, CAUSE_MISALIGNED_STORE, 1 },
        { AMOADD_X5_X10, CAUSE_MISALIGNED_STORE, 3 },
        { AMOADD_X5_X10, CAUSE_MISALIGNED_STORE, 2 },
    };
    for (size_t i = 0; i < sizeof amo / sizeof amo[0]; i++) {
        map_base(false);
        map4k(VA_A, PA_A, PTE_V | RWX);
        uint32_t va = VA_A + DATA_OFF + amo[i].off;
        harness_load(t, &amo[i].word, 1);
        harness_set_reg(t, 10, va);
        harness_set_reg(t, 5, MARK);
        harness_set_reg(t, 6, STORED);
        hart_set_pc(t->hart, BASE);
        hart_set_priv(t->hart, PRIV_S);
        ck_assert_uint_eq(harness_run(t, 1), 0);
        assert_fault("misaligned atomic", amo[i].cause, va, BASE);
        ck_assert_uint_eq(harness_reg(t, 5), MARK);
        ck_assert_uint_eq(harness_peek(t, PA_A + DATA_OFF), VAL_A);
        ck_assert_uint_eq(harness_peek(t, pte_addr_4k(VA_A)), pte(PA_A, PTE_V | RWX));
    }
}
END_TEST

/* Atomics need the right permissions: an AMO on a read-only page is a store/AMO page fault
 * (nothing written, rd kept), lr.w on a page without R a load page fault; on an RW page
 * both work and set A (and D for the AMO). */
START_TEST(test_atomic_permissions)
{
    map_base(false);
    map4k(VA_A, PA_A, PTE_V | PTE_R | AD);
    harness_load(t, (const uint32_t[]){ AMOADD_X5_X10 }, 1);
    harness_set_reg(t, 10, VA_A + DATA_OFF);
    harness_set_reg(t, 5, MARK);
    harness_set_reg(t, 6, 1);
    hart_set_priv(t->hart, PRIV_S);
    ck_assert_uint_eq(harness_run(t, 1), 0);
    assert_fault("amoadd on read-only", CAUSE_STORE_PAGE_FAULT, VA_A + DATA_OFF, BASE);
    ck_assert_uint_eq(harness_peek(t, PA_A + DATA_OFF), VAL_A);
    ck_assert_uint_eq(harness_reg(t, 5), MARK);

    map_base(false);
    map4k(VA_A, PA_A, PTE_V | PTE_X | AD);
    harness_load(t, (const uint32_t[]){ LR_X5_X10 }, 1);
    harness_set_reg(t, 10, VA_A + DATA_OFF);
    hart_set_pc(t->hart, BASE);
    hart_set_priv(t->hart, PRIV_S);
    ck_assert_uint_eq(harness_run(t, 1), 0);
    assert_fault("lr.w on execute-only", CAUSE_LOAD_PAGE_FAULT, VA_A + DATA_OFF, BASE);

    map_base(false);
    map4k(VA_A, PA_A, PTE_V | PTE_R | PTE_W);
    harness_load(t, (const uint32_t[]){ AMOADD_X5_X10 }, 1);
    hart_set_pc(t->hart, BASE);
    hart_set_priv(t->hart, PRIV_S);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_reg(t, 5), VAL_A);
    ck_assert_uint_eq(harness_peek(t, PA_A + DATA_OFF), VAL_A + 1);
    ck_assert_uint_eq(harness_peek(t, pte_addr_4k(VA_A)), pte(PA_A, PTE_V | PTE_R | PTE_W | AD));
}
END_TEST

static Suite *mmu_suite(void)
{
    Suite *s = suite_create("mmu");
    TCase *tc = tcase_create("permissions");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_rwx_4k, 0, 8);
    tcase_add_loop_test(tc, test_rwx_4m, 0, 7);
    tcase_add_test(tc, test_u_bit);
    tcase_add_test(tc, test_sum);
    tcase_add_test(tc, test_mxr);
    tcase_add_test(tc, test_mprv);
    tcase_add_test(tc, test_mprv_not_fetch);
    suite_add_tcase(s, tc);

    tc = tcase_create("entries");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_ad_set);
    tcase_add_test(tc, test_ad_not_set_on_fault);
    tcase_add_test(tc, test_misaligned_superpage);
    tcase_add_test(tc, test_invalid_entries);
    tcase_add_test(tc, test_pte_outside_memory);
    tcase_add_test(tc, test_pa_beyond_4g);
    tcase_add_loop_test(tc, test_d_not_set_on_access_fault, 0, 2);
    tcase_add_loop_test(tc, test_a_not_set_on_access_fault, 0, 2);
    tcase_add_test(tc, test_page_fault_delegated);
    suite_add_tcase(s, tc);

    tc = tcase_create("changes");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_sfence_vma);
    tcase_add_test(tc, test_sfence_vma_permissions);
    tcase_add_test(tc, test_satp_switch);
    tcase_add_test(tc, test_satp_bare);
    suite_add_tcase(s, tc);

    tc = tcase_create("cached");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_sum_mxr_cleared_at_once);
    tcase_add_test(tc, test_mprv_cleared_at_once);
    tcase_add_test(tc, test_sret_to_u_rechecks);
    tcase_add_test(tc, test_trap_to_s_rechecks);
    suite_add_tcase(s, tc);

    tc = tcase_create("straddle");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_straddling_store_faults);
    tcase_add_test(tc, test_straddling_load_faults);
    tcase_add_loop_test(tc, test_straddle_fault_sets_no_ad, 0,
                        (int)(sizeof straddles / sizeof straddles[0]));
    tcase_add_test(tc, test_straddling_access_done);
    tcase_add_test(tc, test_fetch_straddle);
    tcase_add_test(tc, test_misaligned_atomics);
    tcase_add_test(tc, test_atomic_permissions);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(mmu_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
