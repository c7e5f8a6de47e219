/*
 * HSM, hart state management: S-mode starts and stops harts.
 *
 * Hart 0 boots the kernel and is STARTED. Every other hart waits in the firmware
 * (sbi_hsm_park), STOPPED, until some hart calls hart_start for it: that call records
 * where to start, sets `go` and rings the hart's CLINT msip; the hart wakes, sees `go`,
 * and enters S-mode there. hart_stop sends the calling hart back to the park.
 *
 * The last STARTED hart cannot stop: nothing would be left to start it again and the
 * machine would hang without a word. hart_stop then fails (SBI_ERR_FAILED); on a one-hart
 * machine it always does.
 *
 * hart_suspend (the two default types) waits in the firmware, SUSPENDED, until an
 * interrupt S-mode has enabled in sie is pending (sstatus.SIE does not matter, as for
 * wfi); meanwhile it does the work other harts send (IPIs, fences) and turns the machine
 * timer into STIP, as it would running. Retentive: the call then returns SBI_SUCCESS.
 * Non-retentive: the hart enters S-mode at resume_addr as hart_start would start it
 * (a0 = hart id, a1 = opaque, satp 0, SIE 0), with its pending interrupts kept.
 */
#include "firmware/platform.h"
#include "firmware/riscv.h"
#include "firmware/sbi.h"

static struct {
    volatile uint32_t state;            /* SBI_HSM_* */
    volatile uint32_t go;               /* hart_start has set start_addr and opaque */
    uint32_t start_addr, opaque;
} harts[FW_MAX_HARTS];

static volatile uint32_t started_harts;

void sbi_hsm_init(uint32_t boot_hart)
{
    for (uint32_t h = 0; h < FW_MAX_HARTS; h++)
        harts[h].state = h == boot_hart ? SBI_HSM_STARTED : SBI_HSM_STOPPED;
    started_harts = 1;
}

void sbi_hsm_park(uint32_t hartid)
{
    sbi_set_timer(~0ull);               /* no timer left from before */
    w_mie(MIE_MSIE);                    /* only IPIs wake a parked hart */
    while (!__atomic_load_n(&harts[hartid].go, __ATOMIC_ACQUIRE)) {
        wfi();
        if (r_mip() & MIP_MSIP)
            sbi_ipi_interrupt();        /* fences sent to a parked hart are done too */
    }
    harts[hartid].go = 0;
    mip_clear(MIP_SSIP | MIP_STIP);     /* nothing from before the stop carries over */
    __atomic_fetch_add(&started_harts, 1, __ATOMIC_RELAXED);
    __atomic_store_n(&harts[hartid].state, SBI_HSM_STARTED, __ATOMIC_RELEASE);
    fw_enter_supervisor(hartid, harts[hartid].opaque, harts[hartid].start_addr);
}

static struct sbiret hart_start(uint32_t hartid, uint32_t start_addr, uint32_t opaque)
{
    if (hartid >= fw_platform.nharts)
        return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
    if (!fw_in_ram(start_addr, 4))
        return (struct sbiret){ SBI_ERR_INVALID_ADDRESS, 0 };
    uint32_t stopped = SBI_HSM_STOPPED;
    if (!__atomic_compare_exchange_n(&harts[hartid].state, &stopped, SBI_HSM_START_PENDING,
                                     0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return (struct sbiret){ SBI_ERR_ALREADY_AVAILABLE, 0 };
    harts[hartid].start_addr = start_addr;
    harts[hartid].opaque = opaque;
    __atomic_store_n(&harts[hartid].go, 1, __ATOMIC_RELEASE);
    clint_set_msip(hartid, 1);
    return (struct sbiret){ SBI_SUCCESS, 0 };
}

/* Returns only when this hart may not stop. */
static struct sbiret hart_stop(void)
{
    uint32_t me = r_mhartid();
    if (__atomic_fetch_sub(&started_harts, 1, __ATOMIC_ACQ_REL) == 1) {
        __atomic_fetch_add(&started_harts, 1, __ATOMIC_RELAXED);
        return (struct sbiret){ SBI_ERR_FAILED, 0 };
    }
    harts[me].state = SBI_HSM_STOP_PENDING;
    mip_clear(MIP_SSIP | MIP_STIP);
    __atomic_store_n(&harts[me].state, SBI_HSM_STOPPED, __ATOMIC_RELEASE);
    sbi_hsm_park(me);
}

/* Wait, SUSPENDED, until an interrupt S-mode enabled is pending. The firmware's own
 * interrupts are masked here (a trap handler), so it looks for them itself. */
static void suspended(uint32_t me)
{
    __atomic_store_n(&harts[me].state, SBI_HSM_SUSPENDED, __ATOMIC_RELEASE);
    for (;;) {
        uint32_t pending = r_mip();
        if (pending & r_mie() & (MIP_SSIP | MIP_STIP | MIP_SEIP))
            break;
        if (pending & MIP_MSIP)
            sbi_ipi_interrupt();
        else if ((pending & MIP_MTIP) && (r_mie() & MIE_MTIE))
            sbi_timer_interrupt();
        else
            wfi();
    }
    __atomic_store_n(&harts[me].state, SBI_HSM_STARTED, __ATOMIC_RELEASE);
}

static struct sbiret hart_suspend(uint32_t type, uint32_t resume_addr, uint32_t opaque)
{
    uint32_t me = r_mhartid();
    if (type != SBI_HSM_SUSPEND_RETENTIVE && type != SBI_HSM_SUSPEND_NON_RETENTIVE) {
        int platform = (type >= 0x10000000u && type <= 0x7fffffffu) || type >= 0x90000000u;
        return (struct sbiret){ platform ? SBI_ERR_NOT_SUPPORTED : SBI_ERR_INVALID_PARAM, 0 };
    }
    if (type == SBI_HSM_SUSPEND_NON_RETENTIVE && !fw_in_ram(resume_addr, 4))
        return (struct sbiret){ SBI_ERR_INVALID_ADDRESS, 0 };
    suspended(me);
    if (type == SBI_HSM_SUSPEND_NON_RETENTIVE)
        fw_enter_supervisor(me, opaque, resume_addr);
    return (struct sbiret){ SBI_SUCCESS, 0 };
}

struct sbiret sbi_hsm(uint32_t fid, const uint32_t *args)
{
    switch (fid) {
    case SBI_HSM_HART_START:
        return hart_start(args[0], args[1], args[2]);
    case SBI_HSM_HART_STOP:
        return hart_stop();
    case SBI_HSM_HART_GET_STATUS:
        if (args[0] >= fw_platform.nharts)
            return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
        return (struct sbiret){ SBI_SUCCESS, (long)harts[args[0]].state };
    case SBI_HSM_HART_SUSPEND:
        return hart_suspend(args[0], args[1], args[2]);
    default:
        return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
    }
}
