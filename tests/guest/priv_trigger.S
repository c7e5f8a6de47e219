/*
 * The debug triggers (Sdtrig) as guest code uses them:
 *  - probing: tselect takes 0 and 1 and ignores larger numbers (QEMU's two triggers);
 *    tinfo says types 2 and 6; tdata1 resets to a type-2 trigger with nothing enabled;
 *  - execute triggers fire before the instruction at tdata2, in the modes they name;
 *  - load and store triggers fire before the access when it touches [tdata2, tdata2 +
 *    size) (size "any": 4 bytes for type 2, 8 for type 6, as QEMU), for every kind of
 *    load and store (integer, atomic, floating point); the access does not happen;
 *  - a breakpoint exception (cause 3) at the instruction, to M-mode or, delegated, to S;
 *  - writing another type disables the trigger.
 * Cases 1..29 hold on QEMU 7.2 too; from 30 on rvbox's choices where QEMU differs: the
 * trap value (the address that matched: QEMU writes 0), the fields of tdata1 that exist
 * (QEMU has H, so vs/vu), writes of other types (QEMU ignores them), and tcontrol
 * (QEMU 7.2 has none: its triggers fire in M-mode always; rvbox's only while
 * tcontrol.mte is set, which a trap into M-mode clears and mret restores).
 */
#define TEST_FP
#include "test_macros.h"
#include "priv_macros.h"

#define T2          0x20000000          /* type 2, mcontrol */
#define T6          0x60000000          /* type 6, mcontrol6 */
#define LOAD        0x01
#define STORE       0x02
#define EXEC        0x04
#define MODE_U      0x08
#define MODE_S      0x10
#define MODE_M      0x40
#define SIZE(n)     ((n) << 16)         /* sizelo (type 2) or size (type 6) */

/* Trigger `n`: tdata1 = v (an immediate), tdata2 = reg */
.macro TRIGGER n, v, reg
        li      t0, \n
        csrw    CSR_TSELECT, t0
        csrw    CSR_TDATA2, \reg
        li      t0, \v
        csrw    CSR_TDATA1, t0
.endm

/* Trigger `n` off (a type-2 trigger with nothing enabled). */
.macro TRIGGER_OFF n
        li      t0, \n
        csrw    CSR_TSELECT, t0
        li      t0, T2
        csrw    CSR_TDATA1, t0
.endm

/* Case `num`: `insn` (whose base address is in a1) hits a trigger: a breakpoint at it,
 * in the current mode's handler (M: nothing is delegated until case 25). The trap value
 * goes to tvals[num] for the checks at the end. */
.macro TEST_HITS num, insn:vararg
        TEST_TRAP_AT \num, CAUSE_BREAKPOINT, .Lhit\@, \insn
        la      t5, trap_record
        lw      t5, TR_TVAL(t5)
        la      t6, tvals
        sw      t5, (\num) * 4(t6)
.endm

/* Case `num`: `insn` runs without a trap. */
.macro TEST_MISSES num, insn:vararg
        TEST_CASE \num
        READ_TRAP_COUNT s5
        \insn
        CHECK_NO_TRAP_SINCE s5
.endm

        .data
        .balign 16
word_a: .word   0x11111111, 0x22222222, 0x33333333, 0x44444444
word_b: .word   0x55555555, 0x66666666
tvals:  .skip   4 * 100

        .section .text.targets, "ax", @progbits  /* after _start (QEMU starts at RAM's base) */
        .balign 4
target: li      a0, 0x42
        ret
target2:
        li      a0, 0x43
        ret

        TEST_START
        PMP_ALLOW_ALL

        /* ---- probing, as QEMU answers it ----------------------------------------------- */
        TEST_CASE 1
        csrr    a0, CSR_TSELECT
        CHECK   a0, 0
        csrr    a0, CSR_TDATA1
        CHECK   a0, T2
        csrr    a0, CSR_TDATA2
        CHECK   a0, 0
        csrr    a0, CSR_TDATA3
        CHECK   a0, 0
        csrr    a0, CSR_TINFO
        CHECK   a0, 0x44
        TEST_CASE 2
        li      a1, 1
        csrw    CSR_TSELECT, a1
        csrr    a0, CSR_TSELECT
        CHECK   a0, 1
        csrr    a0, CSR_TINFO
        CHECK   a0, 0x44
        li      a1, 2                   /* no trigger 2: tselect stays */
        csrw    CSR_TSELECT, a1
        csrr    a0, CSR_TSELECT
        CHECK   a0, 1
        li      a1, -1
        csrw    CSR_TSELECT, a1
        csrr    a0, CSR_TSELECT
        CHECK   a0, 1
        TEST_CASE 3                     /* what tdata1 keeps of type 2 */
        li      a1, 0x2fffffff
        csrw    CSR_TDATA1, a1
        csrr    a0, CSR_TDATA1
        CHECK   a0, 0x2003005f
        TEST_CASE 4                     /* tdata2 holds any address; tdata3 stays 0 */
        li      a1, 0x12345678
        csrw    CSR_TDATA2, a1
        csrr    a0, CSR_TDATA2
        CHECK   a0, 0x12345678
        li      a1, -1
        csrw    CSR_TDATA3, a1
        csrr    a0, CSR_TDATA3
        CHECK   a0, 0
        TRIGGER_OFF 1

        /* ---- execute ------------------------------------------------------------------- */
        la      a2, target
        TRIGGER 0, T2 | MODE_S | EXEC, a2
        TEST_CASE 5                     /* M-mode: not named */
        li      a0, 0
        call    target
        CHECK   a0, 0x42
        M_TO_S
        TEST_CASE 6
        EXPECT_TRAP c6_back
        li      a0, 0
        call    target
        j       test_fail_notrap
c6_back:
        CHECK_CAUSE CAUSE_BREAKPOINT
        CHECK_EPC target
        CHECK_LEVEL LEVEL_M
        CHECK   a0, 0                   /* target did not run */
        la      t5, trap_record
        lw      t5, TR_TVAL(t5)
        la      t6, tvals
        sw      t5, 6 * 4(t6)
        TEST_CASE 7                     /* the other function: no */
        call    target2
        CHECK   a0, 0x43
        ECALL_UP
        M_TO_U                          /* U-mode: not named */
        TEST_CASE 8
        call    target
        CHECK   a0, 0x42
        ECALL_UP
        TRIGGER 0, T6 | MODE_U | EXEC, a2
        M_TO_U
        TEST_CASE 9
        EXPECT_TRAP c9_back
        call    target
        j       test_fail_notrap
c9_back:
        CHECK_CAUSE CAUSE_BREAKPOINT
        CHECK_EPC target
        ECALL_UP
        TRIGGER_OFF 0

        /* ---- loads: size any = 4 bytes for type 2 -------------------------------------- */
        la      a2, word_a + 4
        TRIGGER 1, T2 | MODE_S | LOAD, a2
        M_TO_S
        la      a1, word_a
        li      a0, 0x77
        TEST_HITS 10, lw a0, 4(a1)
        CHECK   a0, 0x77                /* not loaded */
        TEST_HITS 11, lbu a0, 7(a1)
        TEST_HITS 12, lh a0, 6(a1)
        TEST_MISSES 13, lw a0, 8(a1)
        TEST_MISSES 14, lb a0, 3(a1)
        TEST_MISSES 15, sw a0, 4(a1)    /* a store: not for a load trigger */
        TEST_HITS 16, lr.w a0, (a2)
        TEST_HITS 17, amoadd.w a0, a0, (a2)
        TEST_HITS 18, flw f1, 4(a1)
        ECALL_UP
        TRIGGER_OFF 1

        /* ---- stores: sizes --------------------------------------------------------------- */
        la      a2, word_a + 8
        TRIGGER 0, T2 | MODE_S | STORE | SIZE(1), a2     /* 1 byte */
        M_TO_S
        la      a1, word_a
        li      a0, 0x99
        TEST_HITS 19, sw a0, 8(a1)
        TEST_CASE 20                    /* not stored */
        lw      a0, 8(a1)
        CHECK   a0, 0x33333333
        TEST_MISSES 21, sb a0, 9(a1)
        lr.w    a3, (a2)                /* an sc.w that would store (one that fails */
        TEST_HITS 22, sc.w a0, a0, (a2) /* touches nothing: no trigger, as QEMU, Spike) */
        TEST_HITS 23, fsd f1, 8(a1)
        ECALL_UP
        TRIGGER 0, T6 | MODE_S | STORE | SIZE(2), a2     /* 2 bytes */
        M_TO_S
        la      a1, word_a
        TEST_HITS 24, sb a0, 9(a1)
        TEST_MISSES 25, sb a0, 10(a1)
        ECALL_UP
        TRIGGER 0, T6 | MODE_S | STORE, a2                /* any: 8 bytes for type 6 */
        M_TO_S
        la      a1, word_a
        TEST_HITS 26, sb a0, 15(a1)
        TEST_MISSES 27, sb a0, 16(a1)
        TEST_MISSES 28, sb a0, 7(a1)
        ECALL_UP

        /* ---- delegated: to S-mode ----------------------------------------------------------- */
        li      t0, 1 << CAUSE_BREAKPOINT
        csrw    medeleg, t0
        M_TO_S
        la      a1, word_a
        TEST_HITS 29, sw a0, 8(a1)
        CHECK_LEVEL LEVEL_S
        ECALL_UP
        csrw    medeleg, zero
        TRIGGER_OFF 0

        /* ---- rvbox's choices (QEMU 7.2 differs from here on) --------------------------- */
        TEST_CASE 30                    /* the trap value: the address that matched */
        la      s6, tvals
        lw      a0, 6 * 4(s6)
        la      a2, target
        CHECK_REG a0, a2
        lw      a0, 10 * 4(s6)
        la      a2, word_a + 4
        CHECK_REG a0, a2
        lw      a0, 11 * 4(s6)
        la      a2, word_a + 7
        CHECK_REG a0, a2
        lw      a0, 19 * 4(s6)
        la      a2, word_a + 8
        CHECK_REG a0, a2
        lw      a0, 26 * 4(s6)
        la      a2, word_a + 15
        CHECK_REG a0, a2
        TEST_CASE 31                    /* type 6 without H: no vs/vu; an odd size: any */
        li      a1, 0x6fffffff
        csrw    CSR_TDATA1, a1
        csrr    a0, CSR_TDATA1
        CHECK   a0, 0x6000005f
        TEST_CASE 32                    /* another type: disabled, never fires */
        csrw    CSR_TDATA1, zero
        csrr    a0, CSR_TDATA1
        CHECK   a0, T2
        la      a2, target
        csrw    CSR_TDATA2, a2
        li      a1, 0xffffffff
        csrw    CSR_TDATA1, a1          /* type 15 */
        csrr    a0, CSR_TDATA1
        CHECK   a0, T2
        call    target
        CHECK   a0, 0x42
        TEST_ILLEGAL 33, csrw CSR_TINFO, zero

        /* ---- tcontrol: M-mode's triggers only while mte is set --------------------------- */
        TEST_CASE 34
        csrr    a0, CSR_TCONTROL
        CHECK   a0, 0
        la      a2, target
        TRIGGER 0, T2 | MODE_M | EXEC, a2
        call    target                  /* mte = 0: nothing */
        CHECK   a0, 0x42
        TEST_CASE 35
        li      t0, TCONTROL_MTE
        csrw    CSR_TCONTROL, t0
        EXPECT_TRAP c35_back
        li      a0, 0
        call    target
        j       test_fail_notrap
c35_back:
        CHECK_CAUSE CAUSE_BREAKPOINT
        CHECK_EPC target
        TEST_CASE 36                    /* the trap saved mte in mpte, mret put it back */
        csrr    a0, CSR_TCONTROL
        CHECK   a0, TCONTROL_MTE | TCONTROL_MPTE
        TEST_CASE 37                    /* a trap into M-mode turns mte off: the handler
                                         * runs past a trigger on its own first instruction
                                         * (else it would trap on itself forever) */
        la      a2, trap_entry
        TRIGGER 0, T2 | MODE_M | EXEC, a2
        EXPECT_TRAP c37_back
        ecall
c37_back:
        CHECK_CAUSE CAUSE_ECALL_M
        csrr    a0, CSR_TCONTROL        /* and mret turned it back on */
        CHECK   a0, TCONTROL_MTE | TCONTROL_MPTE
        csrw    CSR_TCONTROL, zero
        TRIGGER_OFF 0

        TEST_END
