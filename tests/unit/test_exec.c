/*
 * The hart executing hand-assembled programs (words from riscv64-unknown-elf-as + objdump):
 * x0, links of jal/jalr/c.jal/c.jalr, traps that write no register and their
 * mcause/mepc/mtval, mret, and the minstret counter.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "cpu/csr_defs.h"
#include "cpu/hart_state.h"
#include "harness.h"

#define BASE     HARNESS_RAM_BASE
#define RAM_END  (HARNESS_RAM_BASE + HARNESS_RAM_SIZE)
#define MARK     0x5555aaaau        /* a destination register's value before */
#define NOP      0x00000013u        /* addi x0, x0, 0 */

static struct harness *t;

static void setup(void)
{
    t = harness_create();
}

static void teardown(void)
{
    harness_destroy(t);
}

static uint32_t mstatus(void)
{
    return harness_csr(t, CSR_MSTATUS);
}

/* The instruction at `pc` trapped: cause and mepc as given, now at the trap vector in M. */
static void assert_trap(uint32_t cause, uint32_t pc)
{
    ck_assert_msg(harness_csr(t, CSR_MCAUSE) == cause, "mcause %u, want %u",
                  harness_csr(t, CSR_MCAUSE), cause);
    ck_assert_uint_eq(harness_csr(t, CSR_MEPC), pc);
    ck_assert_uint_eq(harness_pc(t), HARNESS_TRAP_VEC);
    ck_assert_int_eq(hart_get_priv(t->hart), PRIV_M);
}

/* ---- x0 ---- */

START_TEST(test_x0_stays_zero)
{
    const uint32_t prog[] = {
        0x00500013,     /* addi x0, x0, 5 */
        0x12345037,     /* lui x0, 0x12345 */
        0x0040006f,     /* jal x0, .+4 */
        0x000002b3,     /* add x5, x0, x0 */
        0x00052003,     /* lw x0, 0(x10) */
        0x00000333,     /* add x6, x0, x0 */
        0x1005202f,     /* lr.w x0, (x10) */
        0x00b5202f,     /* amoadd.w x0, x11, (x10) */
        0x34061073,     /* csrrw x0, mscratch, x12 */
        0x34002073,     /* csrrs x0, mscratch, x0 */
        0x00001017,     /* auipc x0, 0x1 */
        0x00000393,     /* addi x7, x0, 0 */
    };
    harness_load(t, prog, sizeof prog / 4);
    harness_poke(t, HARNESS_DATA, 0x1234);
    harness_set_reg(t, 5, MARK);
    harness_set_reg(t, 6, MARK);
    harness_set_reg(t, 7, MARK);
    harness_set_reg(t, 10, HARNESS_DATA);
    harness_set_reg(t, 11, 5);
    harness_set_reg(t, 12, 0xabc);
    ck_assert_uint_eq(harness_run(t, 12), 12);
    ck_assert_uint_eq(harness_pc(t), BASE + 48);
    ck_assert_uint_eq(harness_reg(t, 5), 0);
    ck_assert_uint_eq(harness_reg(t, 6), 0);
    ck_assert_uint_eq(harness_reg(t, 7), 0);
    ck_assert_uint_eq(t->hart->x[0], 0);            /* inside too, not just the accessor */
    ck_assert_uint_eq(harness_peek(t, HARNESS_DATA), 0x1234 + 5);  /* the AMO did happen */
    ck_assert_uint_eq(harness_csr(t, CSR_MSCRATCH), 0xabc);
}
END_TEST

/* The compressed HINTs that name x0 as rd leave it 0 too. */
START_TEST(test_x0_stays_zero_rvc)
{
    const uint16_t prog[] = {
        0x4015,         /* c.li x0, 5 */
        0x8016,         /* c.mv x0, x5 */
        0x6005,         /* c.lui x0, 1 */
        0x9016,         /* c.add x0, x5 */
    };
    harness_load16(t, prog, sizeof prog / 2);
    harness_set_reg(t, 5, MARK);
    ck_assert_uint_eq(harness_run(t, 4), 4);
    ck_assert_uint_eq(t->hart->x[0], 0);
    ck_assert_uint_eq(harness_pc(t), BASE + 8);
}
END_TEST

START_TEST(test_hart_set_reg_x0_ignored)
{
    harness_set_reg(t, 0, MARK);
    ck_assert_uint_eq(harness_reg(t, 0), 0);
    ck_assert_uint_eq(t->hart->x[0], 0);
}
END_TEST

/* ---- links ---- */

START_TEST(test_jal_jalr_link)
{
    const uint32_t prog[] = {
        0x008000ef,     /* 0x00: jal x1, .+8 */
        0x00100f93,     /* 0x04: addi x31, x0, 1 */
        0x002302e7,     /* 0x08: jalr x5, 2(x6) */
        0x00200f93,     /* 0x0c: addi x31, x0, 2 */
        0x000080e7,     /* 0x10: jalr x1, 0(x1) */
        0xfedff0ef,     /* 0x14: jal x1, .-20 */
    };
    harness_load(t, prog, 6);
    harness_set_reg(t, 6, BASE + 0xf);      /* + 2 = BASE + 0x11: bit 0 is cleared */
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_reg(t, 1), BASE + 4);
    ck_assert_uint_eq(harness_pc(t), BASE + 8);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_reg(t, 5), BASE + 0xc);
    ck_assert_uint_eq(harness_pc(t), BASE + 0x10);
    /* rd == rs1: the target is the old x1 */
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_pc(t), BASE + 4);
    ck_assert_uint_eq(harness_reg(t, 1), BASE + 0x14);
    ck_assert_uint_eq(harness_reg(t, 31), 0);       /* nothing skipped ran */
    /* a backward jal */
    hart_set_pc(t->hart, BASE + 0x14);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_pc(t), BASE);
    ck_assert_uint_eq(harness_reg(t, 1), BASE + 0x18);
}
END_TEST

START_TEST(test_compressed_links_pc_plus_2)
{
    const uint16_t prog[] = {
        0x2019,         /* 0x00: c.jal .+6 */
        0x0001,         /* 0x02: c.nop */
        0x0001,         /* 0x04: c.nop */
        0x9302,         /* 0x06: c.jalr x6 */
        0x0001, 0x0001, 0x0001, 0x0001,
        0xa011,         /* 0x10: c.j .+4 */
        0x0001,         /* 0x12: c.nop */
        0x439d,         /* 0x14: c.li x7, 7 */
        0x8282,         /* 0x16: c.jr x5 */
    };
    harness_load16(t, prog, sizeof prog / 2);
    harness_set_reg(t, 6, BASE + 0x10);
    harness_set_reg(t, 5, BASE);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_pc(t), BASE + 6);
    ck_assert_uint_eq(harness_reg(t, 1), BASE + 2);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_pc(t), BASE + 0x10);
    ck_assert_uint_eq(harness_reg(t, 1), BASE + 8);
    ck_assert_uint_eq(harness_run(t, 1), 1);        /* c.j links nothing */
    ck_assert_uint_eq(harness_pc(t), BASE + 0x14);
    ck_assert_uint_eq(harness_reg(t, 1), BASE + 8);
    ck_assert_uint_eq(harness_run(t, 2), 2);
    ck_assert_uint_eq(harness_reg(t, 7), 7);
    ck_assert_uint_eq(harness_pc(t), BASE);         /* c.jr x5 links nothing */
    ck_assert_uint_eq(harness_reg(t, 1), BASE + 8);
}
END_TEST

/* A 32-bit instruction at a 2-byte boundary, after a compressed one. */
START_TEST(test_32bit_after_16bit)
{
    const uint16_t prog[] = { 0x0001, 0x0393, 0x0070, 0x0001 };  /* c.nop; addi x7, x0, 7 */
    harness_load16(t, prog, 4);
    ck_assert_uint_eq(harness_run(t, 2), 2);
    ck_assert_uint_eq(harness_reg(t, 7), 7);
    ck_assert_uint_eq(harness_pc(t), BASE + 6);
}
END_TEST

/* ---- loads, stores, compares ---- */

START_TEST(test_load_extension)
{
    static const struct { uint32_t word; const char *name; uint32_t want; } ld[] = {
        { 0x00050283, "lb", 0xffffff80u },
        { 0x00054283, "lbu", 0x00000080u },
        { 0x00051283, "lh", 0xffff8080u },
        { 0x00055283, "lhu", 0x00008080u },
        { 0x00052283, "lw", 0x80018080u },
    };
    for (size_t i = 0; i < sizeof ld / sizeof ld[0]; i++) {
        harness_load(t, &ld[i].word, 1);
        hart_set_pc(t->hart, BASE);
        harness_poke(t, HARNESS_DATA, 0x80018080u);
        harness_set_reg(t, 10, HARNESS_DATA);
        ck_assert_uint_eq(harness_run(t, 1), 1);
        ck_assert_msg(harness_reg(t, 5) == ld[i].want, "%s: 0x%08x, want 0x%08x", ld[i].name,
                      harness_reg(t, 5), ld[i].want);
    }
}
END_TEST

START_TEST(test_store_widths)
{
    const uint32_t prog[] = { 0x006500a3, 0x00651123 };    /* sb x6, 1(x10); sh x6, 2(x10) */
    harness_load(t, prog, 2);
    harness_poke(t, HARNESS_DATA, 0x11223344u);
    harness_set_reg(t, 10, HARNESS_DATA);
    harness_set_reg(t, 6, 0xaabbccddu);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_peek(t, HARNESS_DATA), 0x1122dd44u);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_peek(t, HARNESS_DATA), 0xccdddd44u);
}
END_TEST

/* Signed and unsigned compares: branches (`b x5, x6, .+8`) and set-less-than into x7. */
enum { BRANCH, SET };
static const struct {
    uint32_t word;
    const char *name;
    int kind;
    uint32_t a, b, want;        /* BRANCH: want 1 = taken */
} compares[] = {
    { 0x00628463, "beq", BRANCH, 0xffffffffu, 1, 0 },
    { 0x00629463, "bne", BRANCH, 0xffffffffu, 1, 1 },
    { 0x0062c463, "blt", BRANCH, 0xffffffffu, 1, 1 },
    { 0x0062d463, "bge", BRANCH, 0xffffffffu, 1, 0 },
    { 0x0062e463, "bltu", BRANCH, 0xffffffffu, 1, 0 },
    { 0x0062f463, "bgeu", BRANCH, 0xffffffffu, 1, 1 },
    { 0x0062c463, "blt", BRANCH, 1, 0xffffffffu, 0 },
    { 0x0062d463, "bge", BRANCH, 1, 0xffffffffu, 1 },
    { 0x0062e463, "bltu", BRANCH, 1, 0xffffffffu, 1 },
    { 0x0062f463, "bgeu", BRANCH, 1, 0xffffffffu, 0 },
    { 0x00628463, "beq", BRANCH, 0x80000000u, 0x80000000u, 1 },
    { 0x00629463, "bne", BRANCH, 0x80000000u, 0x80000000u, 0 },
    { 0x0062c463, "blt", BRANCH, 0x80000000u, 0x80000000u, 0 },
    { 0x0062d463, "bge", BRANCH, 0x80000000u, 0x80000000u, 1 },
    { 0x0062e463, "bltu", BRANCH, 0x80000000u, 0x80000000u, 0 },
    { 0x0062f463, "bgeu", BRANCH, 0x80000000u, 0x80000000u, 1 },
    { 0x0062a3b3, "slt", SET, 0xffffffffu, 1, 1 },
    { 0x0062b3b3, "sltu", SET, 0xffffffffu, 1, 0 },
    { 0x0062a3b3, "slt", SET, 1, 0xffffffffu, 0 },
    { 0x0062b3b3, "sltu", SET, 1, 0xffffffffu, 1 },
    { 0xfff2a393, "slti -1", SET, 0xffffffffu, 0, 0 },
    { 0xfff2b393, "sltiu -1", SET, 0xffffffffu, 0, 0 },
    { 0xfff2a393, "slti -1", SET, 1, 0, 0 },
    { 0xfff2b393, "sltiu -1", SET, 1, 0, 1 },     /* -1 sign-extends to 0xffffffff */
    { 0xfff2a393, "slti -1", SET, 0x80000000u, 0, 1 },
};

START_TEST(test_compare)
{
    const uint32_t prog[] = { compares[_i].word };
    harness_load(t, prog, 1);
    harness_set_reg(t, 5, compares[_i].a);
    harness_set_reg(t, 6, compares[_i].b);
    harness_set_reg(t, 7, MARK);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    uint32_t got = compares[_i].kind == BRANCH ? harness_pc(t) == BASE + 8 : harness_reg(t, 7);
    ck_assert_msg(got == compares[_i].want, "%s 0x%08x, 0x%08x: %u, want %u", compares[_i].name,
                  compares[_i].a, compares[_i].b, got, compares[_i].want);
    if (compares[_i].kind == BRANCH)
        ck_assert_uint_eq(harness_reg(t, 7), MARK);
}
END_TEST

/* ---- traps write no register ---- */

START_TEST(test_load_fault_writes_nothing)
{
    const uint32_t prog[] = {
        0x10000337,     /* lui x6, 0x10000 */
        0x00032283,     /* lw x5, 0(x6) */
    };
    harness_load(t, prog, 2);
    harness_set_reg(t, 5, MARK);
    ck_assert_uint_eq(harness_run(t, 2), 1);
    assert_trap(CAUSE_LOAD_ACCESS, BASE + 4);
    ck_assert_uint_eq(harness_csr(t, CSR_MTVAL), HARNESS_UNMAPPED);
    ck_assert_uint_eq(harness_reg(t, 5), MARK);
    ck_assert_uint_eq(harness_reg(t, 6), HARNESS_UNMAPPED);
}
END_TEST

/* One faulting access at a time, each first in its program. */
static const struct {
    uint32_t word;
    const char *name;
    uint32_t base;          /* x6 = base for x6 forms; x7 = base for x7 forms */
    uint32_t cause;
    uint32_t tval_lo, tval_hi;      /* mtval must lie in [lo, hi] */
} faults[] = {
    { 0x00832283, "lw x5, 8(x6)", HARNESS_UNMAPPED, CAUSE_LOAD_ACCESS,
      HARNESS_UNMAPPED + 8, HARNESS_UNMAPPED + 8 },
    { 0x00532223, "sw x5, 4(x6)", HARNESS_UNMAPPED, CAUSE_STORE_ACCESS,
      HARNESS_UNMAPPED + 4, HARNESS_UNMAPPED + 4 },
    /* misaligned and straddling the end of RAM: mtval names the part that faulted */
    { 0xffe3a283, "lw x5, -2(x7)", RAM_END, CAUSE_LOAD_ACCESS, RAM_END, RAM_END + 1 },
    { 0xfff39283, "lh x5, -1(x7)", RAM_END, CAUSE_LOAD_ACCESS, RAM_END, RAM_END },
    { 0x0003c283, "lbu x5, 0(x7)", RAM_END, CAUSE_LOAD_ACCESS, RAM_END, RAM_END },
    { 0xfe83af23, "sw x8, -2(x7)", RAM_END, CAUSE_STORE_ACCESS, RAM_END, RAM_END + 1 },
};

START_TEST(test_access_faults)
{
    const uint32_t prog[] = { faults[_i].word };
    harness_load(t, prog, 1);
    harness_set_reg(t, 5, MARK);
    harness_set_reg(t, 6, faults[_i].base);
    harness_set_reg(t, 7, faults[_i].base);
    harness_set_reg(t, 8, 0x01020304u);
    harness_poke(t, RAM_END - 4, 0xa1b2c3d4u);
    ck_assert_uint_eq(harness_run(t, 1), 0);
    assert_trap(faults[_i].cause, BASE);
    uint32_t tval = harness_csr(t, CSR_MTVAL);
    ck_assert_msg(tval >= faults[_i].tval_lo && tval <= faults[_i].tval_hi,
                  "%s: mtval 0x%08x, want 0x%08x..0x%08x", faults[_i].name, tval,
                  faults[_i].tval_lo, faults[_i].tval_hi);
    ck_assert_uint_eq(harness_reg(t, 5), MARK);
    /* rvbox's documented choice (cpu/mmu.c): a faulting misaligned store writes no byte */
    ck_assert_uint_eq(harness_peek(t, RAM_END - 4), 0xa1b2c3d4u);
}
END_TEST

/* A misaligned access inside RAM is done, not trapped (cpu/mmu.c). */
START_TEST(test_misaligned_in_ram_done)
{
    const uint32_t prog[] = { 0xffe3a283, 0xfe83af23 };    /* lw x5, -2(x7); sw x8, -2(x7) */
    harness_load(t, prog, 2);
    harness_set_reg(t, 7, HARNESS_DATA + 4);
    harness_set_reg(t, 8, 0x01020304u);
    harness_poke(t, HARNESS_DATA, 0x44332211u);
    harness_poke(t, HARNESS_DATA + 4, 0x88776655u);
    ck_assert_uint_eq(harness_run(t, 2), 2);
    ck_assert_uint_eq(harness_reg(t, 5), 0x66554433u);
    ck_assert_uint_eq(harness_peek(t, HARNESS_DATA), 0x03042211u);
    ck_assert_uint_eq(harness_peek(t, HARNESS_DATA + 4), 0x88770102u);
}
END_TEST

/* ---- fetch ---- */

START_TEST(test_fetch_fault_unmapped)
{
    const uint32_t prog[] = { 0x00028067 };         /* jalr x0, 0(x5) */
    harness_load(t, prog, 1);
    harness_set_reg(t, 5, HARNESS_UNMAPPED + 0x42);
    ck_assert_uint_eq(harness_run(t, 2), 1);
    assert_trap(CAUSE_FETCH_ACCESS, HARNESS_UNMAPPED + 0x42);
    ck_assert_uint_eq(harness_csr(t, CSR_MTVAL), HARNESS_UNMAPPED + 0x42);
}
END_TEST

/* A 32-bit instruction whose second half lies past the end of RAM: mepc is the start of
 * the instruction, mtval the part that faulted (priv spec 3.1.16). */
START_TEST(test_fetch_fault_second_parcel)
{
    const uint32_t prog[] = { 0x00028067 };         /* jalr x0, 0(x5) */
    harness_load(t, prog, 1);
    harness_poke(t, RAM_END - 4, 0x03930001u);      /* c.nop; first half of addi x7, x0, 57 */
    harness_set_reg(t, 5, RAM_END - 4);
    harness_set_reg(t, 7, MARK);
    ck_assert_uint_eq(harness_run(t, 3), 2);
    assert_trap(CAUSE_FETCH_ACCESS, RAM_END - 2);
    ck_assert_uint_eq(harness_csr(t, CSR_MTVAL), RAM_END);
    ck_assert_uint_eq(harness_reg(t, 7), MARK);
}
END_TEST

/* A 16-bit instruction in the last two bytes of RAM runs: nothing fetches past it. */
START_TEST(test_compressed_at_end_of_ram)
{
    const uint32_t prog[] = { 0x00028067 };         /* jalr x0, 0(x5) */
    harness_load(t, prog, 1);
    harness_poke(t, RAM_END - 4, 0x439d0001u);      /* c.nop; c.li x7, 7 */
    harness_set_reg(t, 5, RAM_END - 4);
    ck_assert_uint_eq(harness_run(t, 3), 3);
    ck_assert_uint_eq(harness_reg(t, 7), 7);
    ck_assert_uint_eq(harness_pc(t), RAM_END);
    ck_assert_uint_eq(harness_run(t, 1), 0);
    assert_trap(CAUSE_FETCH_ACCESS, RAM_END);
    ck_assert_uint_eq(harness_csr(t, CSR_MTVAL), RAM_END);
}
END_TEST

/* Code that rewrites an instruction it is about to run, then fence.i, runs the new one
 * (the page was fetched from before the store: a cache of decoded code must notice). */
START_TEST(test_self_modifying_code_fence_i)
{
    const uint32_t prog[] = {
        0x00652623,     /* sw x6, 12(x10) */
        0x0000100f,     /* fence.i */
        NOP,
        0x00100393,     /* addi x7, x0, 1: overwritten */
    };
    harness_load(t, prog, 4);
    harness_set_reg(t, 10, BASE);
    harness_set_reg(t, 6, 0x02a00393);              /* addi x7, x0, 42 */
    ck_assert_uint_eq(harness_run(t, 4), 4);
    ck_assert_uint_eq(harness_reg(t, 7), 42);
}
END_TEST

/* ---- illegal instructions: mtval holds the instruction bits ---- */

static const uint32_t illegal32[] = { 0x02051513, 0x0000006b, 0xffffffff, 0x1015252f };

START_TEST(test_illegal_mtval_32)
{
    const uint32_t prog[] = { illegal32[_i] };
    harness_load(t, prog, 1);
    harness_set_reg(t, 10, MARK);
    ck_assert_uint_eq(harness_run(t, 1), 0);
    assert_trap(CAUSE_ILLEGAL_INSN, BASE);
    ck_assert_uint_eq(harness_csr(t, CSR_MTVAL), illegal32[_i]);
    ck_assert_uint_eq(harness_reg(t, 10), MARK);
    ck_assert_uint_eq(harness_csr(t, CSR_MINSTRET), 0);
}
END_TEST

/* A reserved 16-bit parcel: mtval holds those 16 bits, not the parcel after it. */
static const uint16_t illegal16[][2] = {
    { 0x4002, 0x0001 },     /* c.lwsp x0, 0(sp); c.nop */
    { 0x6101, 0xffff },     /* c.addi16sp sp, 0 */
    { 0x8002, 0x9002 },     /* c.jr x0 */
    { 0x2504, 0x0001 },     /* c.fld */
};

START_TEST(test_illegal_mtval_16)
{
    harness_load16(t, illegal16[_i], 2);
    harness_set_reg(t, 2, MARK);
    ck_assert_uint_eq(harness_run(t, 1), 0);
    assert_trap(CAUSE_ILLEGAL_INSN, BASE);
    ck_assert_uint_eq(harness_csr(t, CSR_MTVAL), illegal16[_i][0]);
    ck_assert_uint_eq(harness_reg(t, 2), MARK);
}
END_TEST

/* Writing a read-only CSR traps and writes no register; only reading it does not trap. */
START_TEST(test_csr_read_only)
{
    const uint32_t prog[] = {
        0xf14022f3,     /* csrrs x5, mhartid, x0 */
        0xf14312f3,     /* csrrw x5, mhartid, x6 */
    };
    harness_load(t, prog, 2);
    harness_set_reg(t, 5, MARK);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_reg(t, 5), 0);        /* hart id 0 */
    harness_set_reg(t, 5, MARK);
    ck_assert_uint_eq(harness_run(t, 1), 0);
    assert_trap(CAUSE_ILLEGAL_INSN, BASE + 4);
    ck_assert_uint_eq(harness_csr(t, CSR_MTVAL), 0xf14312f3);
    ck_assert_uint_eq(harness_reg(t, 5), MARK);
}
END_TEST

/* Which CSR instruction forms write: csrrw(i) always; csrrs/c(i) only with rs1 != x0 (or
 * uimm != 0), whatever the value in rs1. Writing mhartid (read-only) traps. */
static const struct { uint32_t word; const char *name; bool traps; } ro_forms[] = {
    { 0xf14062f3, "csrrsi x5, mhartid, 0", false },
    { 0xf14072f3, "csrrci x5, mhartid, 0", false },
    { 0xf14032f3, "csrrc x5, mhartid, x0", false },
    { 0xf14052f3, "csrrwi x5, mhartid, 0", true },
    { 0xf14322f3, "csrrs x5, mhartid, x6 (x6 = 0)", true },
};

START_TEST(test_csr_read_only_forms)
{
    const uint32_t prog[] = { ro_forms[_i].word };
    harness_load(t, prog, 1);
    harness_set_reg(t, 5, MARK);
    harness_set_reg(t, 6, 0);
    uint64_t retired = harness_run(t, 1);
    if (ro_forms[_i].traps) {
        ck_assert_msg(retired == 0, "%s did not trap", ro_forms[_i].name);
        assert_trap(CAUSE_ILLEGAL_INSN, BASE);
        ck_assert_uint_eq(harness_reg(t, 5), MARK);
    } else {
        ck_assert_msg(retired == 1, "%s trapped", ro_forms[_i].name);
        ck_assert_uint_eq(harness_reg(t, 5), 0);
    }
}
END_TEST

START_TEST(test_csr_unknown)
{
    const uint32_t prog[] = { 0x7c0312f3 };    /* csrrw x5, 0x7c0, x6 */
    harness_load(t, prog, 1);
    harness_set_reg(t, 5, MARK);
    ck_assert_uint_eq(harness_run(t, 1), 0);
    assert_trap(CAUSE_ILLEGAL_INSN, BASE);
    ck_assert_uint_eq(harness_csr(t, CSR_MTVAL), 0x7c0312f3);
    ck_assert_uint_eq(harness_reg(t, 5), MARK);
}
END_TEST

/* Instructions U-mode may not execute (counters not enabled in mcounteren). */
static const uint32_t user_illegal[] = {
    0x30200073,     /* mret */
    0x10200073,     /* sret */
    0x10500073,     /* wfi */
    0x12000073,     /* sfence.vma x0, x0 */
    0xc00022f3,     /* csrrs x5, cycle, x0 */
    0xf14022f3,     /* csrrs x5, mhartid, x0 */
};

START_TEST(test_user_mode_illegal)
{
    const uint32_t prog[] = { user_illegal[_i] };
    harness_load(t, prog, 1);
    harness_set_reg(t, 5, MARK);
    hart_set_priv(t->hart, PRIV_U);
    ck_assert_uint_eq(harness_run(t, 1), 0);
    assert_trap(CAUSE_ILLEGAL_INSN, BASE);
    ck_assert_uint_eq(harness_csr(t, CSR_MTVAL), user_illegal[_i]);
    ck_assert_uint_eq((mstatus() & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, PRIV_U);
    ck_assert_uint_eq(harness_reg(t, 5), MARK);
}
END_TEST

/* ---- ecall and ebreak ---- */

START_TEST(test_ecall_causes)
{
    static const struct { enum hart_priv from; uint32_t cause; } ex[] = {
        { PRIV_M, CAUSE_ECALL_M }, { PRIV_S, CAUSE_ECALL_S }, { PRIV_U, CAUSE_ECALL_U },
    };
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
        const uint32_t prog[] = { 0x00000073 };     /* ecall */
        harness_load(t, prog, 1);
        hart_set_pc(t->hart, BASE);
        hart_set_priv(t->hart, ex[i].from);
        harness_set_csr(t, CSR_MTVAL, MARK);
        ck_assert_uint_eq(harness_run(t, 1), 0);    /* ecall does not retire */
        assert_trap(ex[i].cause, BASE);
        ck_assert_uint_eq(harness_csr(t, CSR_MTVAL), 0);
        ck_assert_uint_eq((mstatus() & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, ex[i].from);
    }
}
END_TEST

START_TEST(test_ebreak)
{
    const uint32_t prog[] = { NOP, 0x00100073 };    /* nop; ebreak */
    harness_load(t, prog, 2);
    ck_assert_uint_eq(harness_run(t, 2), 1);
    assert_trap(CAUSE_BREAKPOINT, BASE + 4);
    uint32_t tval = harness_csr(t, CSR_MTVAL);
    ck_assert_msg(tval == 0 || tval == BASE + 4, "mtval 0x%08x: 0 or the pc", tval);
}
END_TEST

START_TEST(test_c_ebreak)
{
    const uint16_t prog[] = { 0x0001, 0x9002, 0x0001 };    /* c.nop; c.ebreak */
    harness_load16(t, prog, 3);
    ck_assert_uint_eq(harness_run(t, 2), 1);
    assert_trap(CAUSE_BREAKPOINT, BASE + 2);
}
END_TEST

/* ---- mret ---- */

static const struct {
    const char *what;
    uint32_t before;            /* mstatus */
    enum hart_priv to;
    uint32_t after;             /* mstatus */
} mrets[] = {
    { "MPP=M MPIE=1 MIE=0", 3u << MSTATUS_MPP_SHIFT | MSTATUS_MPIE,
      PRIV_M, MSTATUS_MIE | MSTATUS_MPIE },
    { "MPP=M MPIE=0 MIE=1", 3u << MSTATUS_MPP_SHIFT | MSTATUS_MIE,
      PRIV_M, MSTATUS_MPIE },
    { "MPP=U MPIE=0 MIE=1", MSTATUS_MIE, PRIV_U, MSTATUS_MPIE },
    { "MPP=S MPIE=1 MPRV=1", 1u << MSTATUS_MPP_SHIFT | MSTATUS_MPIE | MSTATUS_MPRV,
      PRIV_S, MSTATUS_MIE | MSTATUS_MPIE },
    { "MPP=M MPRV=1 keeps MPRV", 3u << MSTATUS_MPP_SHIFT | MSTATUS_MPRV,
      PRIV_M, MSTATUS_MPIE | MSTATUS_MPRV },
};

START_TEST(test_mret)
{
    const uint32_t prog[] = { 0x30200073 };         /* mret */
    harness_load(t, prog, 1);
    harness_set_csr(t, CSR_MSTATUS, mrets[_i].before);
    harness_set_csr(t, CSR_MEPC, BASE + 0x100);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_pc(t), BASE + 0x100);
    ck_assert_msg(hart_get_priv(t->hart) == mrets[_i].to, "%s: priv %d, want %d",
                  mrets[_i].what, hart_get_priv(t->hart), mrets[_i].to);
    /* MPP becomes U, the least-privileged mode; MPIE becomes 1; MIE gets the old MPIE */
    ck_assert_msg(mstatus() == mrets[_i].after, "%s: mstatus 0x%08x, want 0x%08x",
                  mrets[_i].what, mstatus(), mrets[_i].after);
}
END_TEST

/* A trap taken in U saves MIE in MPIE and U in MPP; mret goes back to where it came from. */
START_TEST(test_trap_and_mret_round_trip)
{
    const uint32_t prog[] = { 0x00000073, NOP };    /* ecall; nop */
    harness_load(t, prog, 2);
    harness_poke(t, HARNESS_TRAP_VEC, 0x30200073);  /* the handler: mret */
    harness_set_csr(t, CSR_MSTATUS, MSTATUS_MIE);
    hart_set_priv(t->hart, PRIV_U);
    ck_assert_uint_eq(harness_run(t, 1), 0);
    ck_assert_uint_eq(mstatus(), MSTATUS_MPIE);     /* MIE off, MPIE = old MIE, MPP = U */
    /* mepc still points at the ecall: step past it as a handler would */
    harness_set_csr(t, CSR_MEPC, harness_csr(t, CSR_MEPC) + 4);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_int_eq(hart_get_priv(t->hart), PRIV_U);
    ck_assert_uint_eq(harness_pc(t), BASE + 4);
    ck_assert_uint_eq(mstatus(), MSTATUS_MIE | MSTATUS_MPIE);
}
END_TEST

/* ---- minstret ---- */

#define CSRR_X6_MINSTRET  0xb0202373u
#define CSRR_X7_MINSTRET  0xb02023f3u
#define CSRR_X8_MINSTRETH 0xb8202473u
#define CSRW_MINSTRET_X5  0xb0229073u
#define CSRW_MINSTRETH_X5 0xb8229073u

START_TEST(test_minstret_counts)
{
    const uint32_t prog[] = {
        NOP, NOP, NOP,
        CSRR_X6_MINSTRET,
        0xc02023f3,     /* csrrs x7, instret, x0 */
        0xc8202473,     /* csrrs x8, instreth, x0 */
    };
    harness_load(t, prog, 6);
    ck_assert_uint_eq(harness_run(t, 6), 6);
    ck_assert_uint_eq(harness_reg(t, 6), 3);        /* the ones before it */
    ck_assert_uint_eq(harness_reg(t, 7), 4);
    ck_assert_uint_eq(harness_reg(t, 8), 0);
    ck_assert_uint_eq(harness_csr(t, CSR_MINSTRET), 6);
    ck_assert_uint_eq(harness_csr(t, CSR_MINSTRETH), 0);
    ck_assert_uint_eq(harness_csr(t, CSR_INSTRET), 6);
}
END_TEST

/* Traps do not retire: an ecall, then two turns of the `jal x0, 0` at the trap vector. */
START_TEST(test_minstret_skips_traps)
{
    const uint32_t prog[] = { NOP, 0x00000073 };
    harness_load(t, prog, 2);
    ck_assert_uint_eq(harness_run(t, 2), 1);
    ck_assert_uint_eq(harness_csr(t, CSR_MINSTRET), 1);
    ck_assert_uint_eq(harness_run(t, 2), 2);
    ck_assert_uint_eq(harness_csr(t, CSR_MINSTRET), 3);
}
END_TEST

/* The value written is what the counter holds once the writing instruction is done: its
 * own increment is suppressed (priv spec: a CSR write takes effect after the writing
 * instruction has otherwise completed). */
START_TEST(test_minstret_write_suppresses_increment)
{
    const uint32_t prog[] = { CSRW_MINSTRET_X5, CSRR_X6_MINSTRET, CSRR_X7_MINSTRET };
    harness_load(t, prog, 3);
    harness_set_reg(t, 5, 100);
    ck_assert_uint_eq(harness_run(t, 3), 3);
    ck_assert_uint_eq(harness_reg(t, 6), 100);
    ck_assert_uint_eq(harness_reg(t, 7), 101);
    ck_assert_uint_eq(harness_csr(t, CSR_MINSTRET), 102);
}
END_TEST

START_TEST(test_minstret_write_immediate)
{
    const uint32_t prog[] = { NOP, 0xb023d073 /* csrrwi x0, minstret, 7 */, CSRR_X6_MINSTRET };
    harness_load(t, prog, 3);
    ck_assert_uint_eq(harness_run(t, 3), 3);
    ck_assert_uint_eq(harness_reg(t, 6), 7);
}
END_TEST

/* 0xffffffff written to minstret: the next retirement carries into minstreth. */
START_TEST(test_minstret_carry)
{
    const uint32_t prog[] = { CSRW_MINSTRET_X5, NOP, CSRR_X8_MINSTRETH, CSRR_X7_MINSTRET };
    harness_load(t, prog, 4);
    harness_set_reg(t, 5, 0xffffffffu);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_csr(t, CSR_MINSTRET), 0xffffffffu);
    ck_assert_uint_eq(harness_csr(t, CSR_MINSTRETH), 0);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    ck_assert_uint_eq(harness_csr(t, CSR_MINSTRET), 0);
    ck_assert_uint_eq(harness_csr(t, CSR_MINSTRETH), 1);
    ck_assert_uint_eq(harness_run(t, 2), 2);
    ck_assert_uint_eq(harness_reg(t, 8), 1);
    ck_assert_uint_eq(harness_reg(t, 7), 1);
}
END_TEST

START_TEST(test_minstreth_write)
{
    const uint32_t prog[] = { NOP, CSRW_MINSTRETH_X5, CSRR_X8_MINSTRETH, CSRR_X6_MINSTRET };
    harness_load(t, prog, 4);
    harness_set_reg(t, 5, 7);
    ck_assert_uint_eq(harness_run(t, 4), 4);
    ck_assert_uint_eq(harness_reg(t, 8), 7);
    ck_assert_uint_eq(harness_csr(t, CSR_MINSTRETH), 7);
    /* the low half kept counting: 1 before the write, and at least the reads since */
    ck_assert_uint_ge(harness_reg(t, 6), 1);
    ck_assert_uint_le(harness_reg(t, 6), 3);
}
END_TEST

/* csrrs on minstret is a write too: its value holds after the instruction. */
START_TEST(test_minstret_set_bits)
{
    const uint32_t prog[] = { NOP, 0xb022a073 /* csrrs x0, minstret, x5 */, CSRR_X6_MINSTRET };
    harness_load(t, prog, 3);
    harness_set_reg(t, 5, 0x100);
    ck_assert_uint_eq(harness_run(t, 3), 3);
    ck_assert_uint_eq(harness_reg(t, 6), 0x101);
}
END_TEST

#define CSRW_MCOUNTINHIBIT_X5 0x32029073u
#define CSRW_MCOUNTINHIBIT_X0 0x32001073u

/* mcountinhibit.IR stops minstret and keeps its value; clearing it resumes from there.
 * Whether the writing instruction itself counts is left open: the spec is not explicit. */
START_TEST(test_minstret_inhibit)
{
    const uint32_t prog[] = { NOP, CSRW_MCOUNTINHIBIT_X5, NOP, NOP, CSRW_MCOUNTINHIBIT_X0,
                              NOP, NOP };
    harness_load(t, prog, 7);
    harness_set_reg(t, 5, 1u << 2);                 /* IR */
    ck_assert_uint_eq(harness_run(t, 2), 2);
    uint32_t at_inhibit = harness_csr(t, CSR_MINSTRET);
    uint32_t cycle = harness_csr(t, CSR_MCYCLE);
    ck_assert_uint_ge(at_inhibit, 1);
    ck_assert_uint_le(at_inhibit, 2);
    ck_assert_uint_eq(harness_run(t, 2), 2);
    ck_assert_uint_eq(harness_csr(t, CSR_MINSTRET), at_inhibit);
    ck_assert_uint_eq(harness_csr(t, CSR_MCYCLE), cycle + 2);  /* one a retired insn */
    ck_assert_uint_eq(harness_run(t, 3), 3);
    ck_assert_uint_ge(harness_csr(t, CSR_MINSTRET), at_inhibit + 2);
    ck_assert_uint_le(harness_csr(t, CSR_MINSTRET), at_inhibit + 3);
}
END_TEST

/* A write to mcountinhibit that leaves IR and CY clear changes nothing: the instruction
 * retires and counts like any other (only a write to the counter itself replaces the
 * increment). */
START_TEST(test_mcountinhibit_write_unchanged_counts)
{
    const uint32_t prog[] = { NOP, CSRW_MCOUNTINHIBIT_X0, NOP };
    harness_load(t, prog, 3);
    ck_assert_uint_eq(harness_run(t, 3), 3);
    ck_assert_uint_eq(harness_csr(t, CSR_MINSTRET), 3);
    ck_assert_uint_eq(harness_csr(t, CSR_MCYCLE), 3);
}
END_TEST

/* Writing mcycle replaces that instruction's mcycle increment, not its minstret one. */
START_TEST(test_mcycle_write_leaves_minstret)
{
    const uint32_t prog[] = {
        NOP,
        0xb0029073,     /* csrrw x0, mcycle, x5 */
        CSRR_X6_MINSTRET,
        0xb00023f3,     /* csrrs x7, mcycle, x0 */
    };
    harness_load(t, prog, 4);
    harness_set_reg(t, 5, 100);
    ck_assert_uint_eq(harness_run(t, 4), 4);
    ck_assert_uint_eq(harness_reg(t, 6), 2);
    ck_assert_uint_eq(harness_reg(t, 7), 101);
}
END_TEST

/* A debugger's write of mcountinhibit (hart_csr_set) keeps both counters' values. */
START_TEST(test_mcountinhibit_debugger_write_keeps_counts)
{
    const uint32_t prog[] = { NOP, NOP, NOP };
    harness_load(t, prog, 3);
    ck_assert_uint_eq(harness_run(t, 1), 1);
    harness_set_csr(t, CSR_MCOUNTINHIBIT, 1u << 2);    /* IR */
    ck_assert_uint_eq(harness_csr(t, CSR_MINSTRET), 1);
    ck_assert_uint_eq(harness_csr(t, CSR_MCYCLE), 1);
    ck_assert_uint_eq(harness_run(t, 2), 2);
    ck_assert_uint_eq(harness_csr(t, CSR_MINSTRET), 1);
    ck_assert_uint_eq(harness_csr(t, CSR_MCYCLE), 3);
}
END_TEST

/* A debugger's write of minstreth leaves the low half alone. */
START_TEST(test_minstreth_debugger_write_keeps_low)
{
    const uint32_t prog[] = { NOP, NOP, NOP };
    harness_load(t, prog, 3);
    ck_assert_uint_eq(harness_run(t, 3), 3);
    harness_set_csr(t, CSR_MINSTRETH, 7);
    ck_assert_uint_eq(harness_csr(t, CSR_MINSTRETH), 7);
    ck_assert_uint_eq(harness_csr(t, CSR_MINSTRET), 3);
}
END_TEST

/* A debugger's write (hart_csr_set) is not an instruction: it holds as written. */
START_TEST(test_minstret_debugger_write)
{
    const uint32_t prog[] = { NOP, NOP };
    harness_load(t, prog, 2);
    harness_set_csr(t, CSR_MINSTRET, 50);
    ck_assert_uint_eq(harness_csr(t, CSR_MINSTRET), 50);
    ck_assert_uint_eq(harness_run(t, 2), 2);
    ck_assert_uint_eq(harness_csr(t, CSR_MINSTRET), 52);
}
END_TEST

static Suite *exec_suite(void)
{
    Suite *s = suite_create("exec");
    TCase *tc = tcase_create("registers");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_x0_stays_zero);
    tcase_add_test(tc, test_x0_stays_zero_rvc);
    tcase_add_test(tc, test_hart_set_reg_x0_ignored);
    tcase_add_test(tc, test_jal_jalr_link);
    tcase_add_test(tc, test_compressed_links_pc_plus_2);
    tcase_add_test(tc, test_32bit_after_16bit);
    tcase_add_test(tc, test_load_extension);
    tcase_add_test(tc, test_store_widths);
    tcase_add_loop_test(tc, test_compare, 0, (int)(sizeof compares / sizeof compares[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("traps");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_load_fault_writes_nothing);
    tcase_add_loop_test(tc, test_access_faults, 0, (int)(sizeof faults / sizeof faults[0]));
    tcase_add_test(tc, test_misaligned_in_ram_done);
    tcase_add_test(tc, test_fetch_fault_unmapped);
    tcase_add_test(tc, test_fetch_fault_second_parcel);
    tcase_add_test(tc, test_compressed_at_end_of_ram);
    tcase_add_test(tc, test_self_modifying_code_fence_i);
    tcase_add_loop_test(tc, test_illegal_mtval_32, 0,
                        (int)(sizeof illegal32 / sizeof illegal32[0]));
    tcase_add_loop_test(tc, test_illegal_mtval_16, 0,
                        (int)(sizeof illegal16 / sizeof illegal16[0]));
    tcase_add_test(tc, test_csr_read_only);
    tcase_add_test(tc, test_csr_unknown);
    tcase_add_loop_test(tc, test_csr_read_only_forms, 0,
                        (int)(sizeof ro_forms / sizeof ro_forms[0]));
    tcase_add_loop_test(tc, test_user_mode_illegal, 0,
                        (int)(sizeof user_illegal / sizeof user_illegal[0]));
    tcase_add_test(tc, test_ecall_causes);
    tcase_add_test(tc, test_ebreak);
    tcase_add_test(tc, test_c_ebreak);
    suite_add_tcase(s, tc);

    tc = tcase_create("mret");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_mret, 0, (int)(sizeof mrets / sizeof mrets[0]));
    tcase_add_test(tc, test_trap_and_mret_round_trip);
    suite_add_tcase(s, tc);

    tc = tcase_create("minstret");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_minstret_counts);
    tcase_add_test(tc, test_minstret_skips_traps);
    tcase_add_test(tc, test_minstret_write_suppresses_increment);
    tcase_add_test(tc, test_minstret_write_immediate);
    tcase_add_test(tc, test_minstret_carry);
    tcase_add_test(tc, test_minstreth_write);
    tcase_add_test(tc, test_minstret_set_bits);
    tcase_add_test(tc, test_minstret_inhibit);
    tcase_add_test(tc, test_mcountinhibit_write_unchanged_counts);
    tcase_add_test(tc, test_mcycle_write_leaves_minstret);
    tcase_add_test(tc, test_mcountinhibit_debugger_write_keeps_counts);
    tcase_add_test(tc, test_minstreth_debugger_write_keeps_low);
    tcase_add_test(tc, test_minstret_debugger_write);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(exec_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
