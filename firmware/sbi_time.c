/*
 * TIME: S-mode asks for a timer interrupt at an absolute time (in mtime's 10 MHz ticks).
 *
 * On a hart without Sstc (no stimecmp: -cpu rv32,sstc=off), the firmware lends S-mode
 * the machine timer: set_timer writes this hart's mtimecmp, takes back any supervisor timer interrupt
 * still pending (mip.STIP, which M-mode may write) and enables the machine timer
 * interrupt. When mtime reaches mtimecmp the hart traps here with MTIP; the firmware
 * then raises STIP, which is delegated, so S-mode takes its timer interrupt as soon as
 * it returns there, and masks MTIP until the next set_timer (MTIP stays high until
 * mtimecmp moves).
 *
 * A hart with Sstc (QEMU's and rvbox's) compares time with stimecmp itself and drives
 * STIP: set_timer then only writes stimecmp, and the firmware stays out of the
 * way (main.c has let S-mode use stimecmp directly too).
 */
#include "firmware/platform.h"
#include "firmware/riscv.h"
#include "firmware/sbi.h"

void sbi_set_timer(uint64_t when)
{
    if (fw_platform.has_sstc) {
        w_stimecmph(0xffffffffu);       /* as for mtimecmp: no early match in between */
        w_stimecmp((uint32_t)when);
        w_stimecmph((uint32_t)(when >> 32));
        return;
    }
    clint_set_mtimecmp(r_mhartid(), when);
    mip_clear(MIP_STIP);
    mie_set(MIE_MTIE);
}

void sbi_timer_interrupt(void)
{
    mie_clear(MIE_MTIE);
    mip_set(MIP_STIP);
}

struct sbiret sbi_time(uint32_t fid, const uint32_t *args)
{
    if (fid != SBI_TIME_SET_TIMER)
        return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
    sbi_set_timer((uint64_t)args[1] << 32 | args[0]);
    return (struct sbiret){ SBI_SUCCESS, 0 };
}
