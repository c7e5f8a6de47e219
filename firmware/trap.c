/*
 * Traps into M-mode. Only three kinds are expected once the kernel runs:
 *
 *   ecall from S-mode          an SBI call (sbi.c)
 *   machine timer interrupt    the time S-mode asked for has come (sbi_time.c)
 *   machine software interrupt another hart sent work (sbi_ipi.c)
 *
 * Everything else S- or U-mode can cause is delegated to S-mode (main.c). Anything that
 * still arrives here, or any trap inside the firmware itself, is a bug somewhere: the
 * firmware says what happened and stops the machine with a failure exit.
 */
#include "firmware/console.h"
#include "firmware/platform.h"
#include "firmware/riscv.h"
#include "firmware/sbi.h"

/* The exit code the syscon reports when the firmware stops the machine. */
#define FW_FAIL_CODE 255

static const char *const exception_names[16] = {
    "instruction address misaligned", "instruction access fault", "illegal instruction",
    "breakpoint", "load address misaligned", "load access fault",
    "store address misaligned", "store access fault", "ecall from U-mode",
    "ecall from S-mode", "reserved", "ecall from M-mode", "instruction page fault",
    "load page fault", "reserved", "store page fault",
};

static const char *cause_name(uint32_t cause)
{
    if (cause & MCAUSE_INTERRUPT) {
        switch (cause & ~MCAUSE_INTERRUPT) {
        case IRQ_S_SOFT: return "supervisor software interrupt";
        case IRQ_M_SOFT: return "machine software interrupt";
        case IRQ_S_TIMER: return "supervisor timer interrupt";
        case IRQ_M_TIMER: return "machine timer interrupt";
        case IRQ_S_EXT: return "supervisor external interrupt";
        case IRQ_M_EXT: return "machine external interrupt";
        default: return "unknown interrupt";
        }
    }
    return cause < 16 ? exception_names[cause] : "unknown exception";
}

void fw_fail(void)
{
    syscon_write(SYSCON_FAIL(FW_FAIL_CODE));
    for (;;)                            /* only if the syscon did not stop the machine */
        wfi();
}

static void report(const char *from)
{
    uint32_t cause = r_mcause();
    console_printf("\n%s: unexpected trap from %s on hart %u: mcause 0x%x (%s), "
                   "mepc 0x%08x, mtval 0x%08x\n", FW_NAME, from, r_mhartid(), cause,
                   cause_name(cause), r_mepc(), r_mtval());
}

void fw_trap_in_firmware(void)
{
    report("the firmware itself");
    fw_fail();
}

void fw_trap(struct trap_frame *tf)
{
    uint32_t cause = r_mcause();
    if (cause == EXC_ECALL_S) {
        w_mepc(r_mepc() + 4);           /* return past the ecall (always 4 bytes) */
        sbi_ecall(tf);
    } else if (cause == (MCAUSE_INTERRUPT | IRQ_M_TIMER)) {
        sbi_timer_interrupt();
    } else if (cause == (MCAUSE_INTERRUPT | IRQ_M_SOFT)) {
        sbi_ipi_interrupt();
    } else {
        uint32_t mpp = r_mstatus() & MSTATUS_MPP_MASK;
        report(mpp == MSTATUS_MPP_S ? "S-mode" : mpp == 0 ? "U-mode" : "M-mode");
        fw_fail();
    }
}
