/*
 * The SRST calls that end a run, one per build (POWER_ACTION): each kernel prints
 * "sbi-power: boot" and then
 *   1 shutdown with reason "system failure"   rvbox exits with status 1
 *   2 cold reboot                             the machine starts again (and again)
 *   3 warm reboot                             the same
 *   4 the legacy shutdown call                rvbox exits with status 0
 * If the call returns, the kernel says so and fails through the syscon (code 99).
 */
#include "tests/sbi/kernel.h"

void secondary_main(uint32_t hartid, uint32_t opaque)
{
    (void)hartid;
    (void)opaque;
    for (;;)
        ;
}

void resume_main(uint32_t hartid, uint32_t opaque)
{
    secondary_main(hartid, opaque);
}

void kernel_main(uint32_t hartid, const void *dtb)
{
    (void)hartid;
    (void)dtb;
    kprintf("sbi-power: boot\n");
    struct sbiret r = { 0, 0 };
    switch (POWER_ACTION) {
    case 1: r = SBI2(EID_SRST, 0, SRST_SHUTDOWN, SRST_SYSTEM_FAILURE); break;
    case 2: r = SBI2(EID_SRST, 0, SRST_COLD_REBOOT, SRST_NO_REASON); break;
    case 3: r = SBI2(EID_SRST, 0, SRST_WARM_REBOOT, SRST_NO_REASON); break;
    case 4: r.error = sbi_legacy(EID_LEGACY_SHUTDOWN, 0, 0); break;
    }
    kprintf("FAIL sbi-power: the call returned (error %d)\n", r.error);
    syscon_exit(99);
}
