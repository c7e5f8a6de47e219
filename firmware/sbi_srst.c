/*
 * SRST, system reset, through the board's syscon (platform.h):
 *
 *   shutdown, no reason          0x5555            rvbox exits with status 0
 *   shutdown, system failure     (1 << 16) | 0x3333  rvbox exits with status 1
 *   cold or warm reboot          0x7777            the whole machine restarts (this
 *                                                  board has no warmer kind of reboot)
 *
 * Other types and reasons are reserved, or vendor-specific ones this firmware does not
 * define: SBI_ERR_INVALID_PARAM. The legacy shutdown call comes here too.
 */
#include "firmware/console.h"
#include "firmware/platform.h"
#include "firmware/sbi.h"

/* How long to wait for the syscon to act before the call fails: 100 ms of mtime. */
#define RESET_TIMEOUT_TICKS (MEMMAP_TIMEBASE_HZ / 10)

void sbi_system_reset(uint32_t type, uint32_t reason)
{
    if (type == SBI_SRST_SHUTDOWN)
        syscon_write(reason == SBI_SRST_SYSTEM_FAILURE ? SYSCON_FAIL(1) : SYSCON_POWEROFF);
    else
        syscon_write(SYSCON_REBOOT);
    /* The machine stops this hart at its own pace; if it never does, say so. */
    uint64_t deadline = clint_mtime() + RESET_TIMEOUT_TICKS;
    while (clint_mtime() < deadline)
        ;
    console_printf("%s: the syscon did not %s the machine\n", FW_NAME,
                   type == SBI_SRST_SHUTDOWN ? "power off" : "reboot");
}

struct sbiret sbi_srst(uint32_t fid, const uint32_t *args)
{
    uint32_t type = args[0], reason = args[1];
    if (fid != SBI_SRST_SYSTEM_RESET)
        return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
    if (type > SBI_SRST_WARM_REBOOT || reason > SBI_SRST_SYSTEM_FAILURE)
        return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
    sbi_system_reset(type, reason);
    return (struct sbiret){ SBI_ERR_FAILED, 0 };
}
