/*
 * Interrupts raised in the middle of a long straight line (the block engine takes
 * interrupts between blocks; a store that raises a line, or a CSR write that makes a
 * pending interrupt takeable, ends the block after itself). In every case 100
 * `addi a0, a0, 1` come before the instruction that makes the interrupt takeable and
 * 100 after it, all in one straight line with no branch; the interrupt must be taken
 * right after that instruction, as the plain one-instruction step takes it: mepc = the
 * next instruction, and a0 = 100 in the handler. Each case runs twice (the second time
 * from decoded blocks).
 *   1. a store to the CLINT's msip (machine software interrupt)
 *   2. a store to mtimecmp that puts the compare in the past (machine timer interrupt)
 *   3. csrs mstatus.MIE with msip already pending
 *   4. csrs mie.MSIE with msip already pending and MIE on
 *   5. a store to the UART's IER that enables its THR-empty interrupt, through the PLIC
 *      (machine external interrupt); last, as QEMU's spike machine has no UART or PLIC.
 */
#include "test_macros.h"

        .option norelax                 /* page offsets and .if checks stay exact */
#include "bus/memmap.h"

#define CLINT_MSIP      MEMMAP_CLINT_BASE
#define CLINT_CMP       (MEMMAP_CLINT_BASE + 0x4000)
#define PLIC_PRIORITY   MEMMAP_PLIC_BASE
#define PLIC_ENABLE0    (MEMMAP_PLIC_BASE + 0x2000)
#define PLIC_CONTEXT0   (MEMMAP_PLIC_BASE + 0x200000)   /* threshold; +4 claim/complete */
#define UART_IER        1
#define IER_ETBEI       2
#define LINE            100

.macro ADDIS n
        .rept   \n
        addi    a0, a0, 1
        .endr
.endm

/* Run `setup` (may be empty), then LINE addi's, `insn` (which makes the interrupt
 * takeable), LINE addi's; twice. Check the interrupt (cause `cause`) was taken once per
 * round, right after `insn`, with a0 = LINE. */
.macro IRQ_CASE num, cause, insn:vararg
        TEST_CASE \num
        li      s6, 2                           /* rounds */
.Lround\@:
        li      s5, 0                           /* interrupts taken */
        li      a0, 0
        ARM_\num
        ADDIS   LINE
        \insn
.Lafter\@:
        ADDIS   LINE
        csrci   mstatus, MSTATUS_MIE
        CHECK   s5, 1
        CHECK   s2, \cause
        CHECK_ADDR s3, .Lafter\@
        CHECK   s4, LINE
        CHECK   a0, 2 * LINE
        addi    s6, s6, -1
        bnez    s6, .Lround\@
.endm

/* Per case: what is set up before the line (t1, t2 are the operands of `insn`). */
.macro ARM_1
        li      t0, MIP_MSIP
        csrw    mie, t0
        li      t1, CLINT_MSIP
        li      t2, 1
        csrsi   mstatus, MSTATUS_MIE
.endm
.macro ARM_2
        li      t0, MIP_MTIP
        csrw    mie, t0
        li      t1, CLINT_CMP
        li      t2, -1
        sw      t2, 0(t1)                       /* low word first: never due meanwhile */
        sw      zero, 4(t1)                     /* 0x00000000_ffffffff: not due for minutes */
        csrsi   mstatus, MSTATUS_MIE
.endm
.macro ARM_3
        li      t0, MIP_MSIP
        csrw    mie, t0
        li      t1, CLINT_MSIP
        li      t2, 1
        sw      t2, 0(t1)                       /* pending; MIE is still off */
.endm
.macro ARM_4
        csrw    mie, zero
        li      t1, CLINT_MSIP
        li      t2, 1
        sw      t2, 0(t1)                       /* pending, not enabled */
        csrsi   mstatus, MSTATUS_MIE
        li      t2, MIP_MSIP
.endm
.macro ARM_5
        li      t0, MIP_MEIP
        csrw    mie, t0
        li      t0, PLIC_PRIORITY
        li      t1, 1
        sw      t1, 4 * MEMMAP_UART0_IRQ(t0)
        li      t0, PLIC_ENABLE0
        li      t1, 1 << MEMMAP_UART0_IRQ
        sw      t1, 0(t0)
        li      t0, PLIC_CONTEXT0
        sw      zero, 0(t0)                     /* threshold 0 */
        li      t1, MEMMAP_UART0_BASE
        li      t2, IER_ETBEI
        csrsi   mstatus, MSTATUS_MIE
.endm

        TEST_START
        la      t0, irq_trap
        csrw    mtvec, t0

        IRQ_CASE 1, CAUSE_INTERRUPT | IRQ_M_SOFT, sw t2, 0(t1)
        IRQ_CASE 2, CAUSE_INTERRUPT | IRQ_M_TIMER, sw zero, 0(t1)
        IRQ_CASE 3, CAUSE_INTERRUPT | IRQ_M_SOFT, csrsi mstatus, MSTATUS_MIE
        IRQ_CASE 4, CAUSE_INTERRUPT | IRQ_M_SOFT, csrs mie, t2
        IRQ_CASE 5, CAUSE_INTERRUPT | IRQ_M_EXT, sb t2, UART_IER(t1)

        la      t0, trap_entry
        csrw    mtvec, t0
        csrw    mie, zero
        j       .Lend

/* The interrupt handler: note the cause, where it came in and a0, then quiet the source
 * (msip 0, mtimecmp out of reach, or: claim the UART's source, turn its interrupt off,
 * complete) and return. Anything else (an exception) is a failure. */
        .balign 4
irq_trap:
        csrr    s2, mcause
        csrr    s3, mepc
        mv      s4, a0
        addi    s5, s5, 1
        bgez    s2, irq_not_interrupt
        li      t3, CAUSE_INTERRUPT | IRQ_M_EXT
        beq     s2, t3, 1f
        li      t3, CLINT_MSIP
        sw      zero, 0(t3)
        li      t3, CLINT_CMP
        li      t4, -1
        sw      t4, 0(t3)
        sw      t4, 4(t3)
        mret
1:      li      t3, PLIC_CONTEXT0
        lw      t4, 4(t3)                       /* claim */
        li      t5, MEMMAP_UART0_BASE
        sb      zero, UART_IER(t5)
        sw      t4, 4(t3)                       /* complete */
        mret
irq_not_interrupt:
        la      t0, trap_entry                  /* let the framework report it */
        csrw    mtvec, t0
        j       trap_entry

.Lend:
        TEST_END
