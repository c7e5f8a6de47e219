/*
 * The SBI dispatcher, the BASE extension and the legacy (v0.1) calls.
 */
#include "firmware/sbi.h"

#include "firmware/console.h"
#include "firmware/riscv.h"

static struct sbiret sbi_base(uint32_t fid, const uint32_t *args);

static const struct {
    uint32_t eid;
    sbi_handler *handler;
} extensions[] = {
    { SBI_EXT_BASE, sbi_base },
    { SBI_EXT_TIME, sbi_time },
    { SBI_EXT_IPI, sbi_ipi },
    { SBI_EXT_RFENCE, sbi_rfence },
    { SBI_EXT_HSM, sbi_hsm },
    { SBI_EXT_SRST, sbi_srst },
    { SBI_EXT_DBCN, sbi_dbcn },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static sbi_handler *find_extension(uint32_t eid)
{
    for (unsigned i = 0; i < COUNT(extensions); i++)
        if (extensions[i].eid == eid)
            return extensions[i].handler;
    return 0;
}

static int legacy_present(uint32_t eid)
{
    return eid == SBI_LEGACY_SET_TIMER || eid == SBI_LEGACY_CONSOLE_PUTCHAR ||
           eid == SBI_LEGACY_CONSOLE_GETCHAR || eid == SBI_LEGACY_SHUTDOWN;
}

static struct sbiret sbi_base(uint32_t fid, const uint32_t *args)
{
    struct sbiret r = { SBI_SUCCESS, 0 };
    switch (fid) {
    case SBI_BASE_GET_SPEC_VERSION: r.value = SBI_SPEC_VERSION; break;
    case SBI_BASE_GET_IMPL_ID: r.value = SBI_IMPL_ID; break;
    case SBI_BASE_GET_IMPL_VERSION: r.value = SBI_IMPL_VERSION; break;
    case SBI_BASE_PROBE_EXTENSION:
        r.value = find_extension(args[0]) != 0 || legacy_present(args[0]);
        break;
    case SBI_BASE_GET_MVENDORID: r.value = (long)r_mvendorid(); break;
    case SBI_BASE_GET_MARCHID: r.value = (long)r_marchid(); break;
    case SBI_BASE_GET_MIMPID: r.value = (long)r_mimpid(); break;
    default: r.error = SBI_ERR_NOT_SUPPORTED; break;
    }
    return r;
}

/* A legacy call: the result is a0 alone. */
static long sbi_legacy(uint32_t eid, const uint32_t *args)
{
    switch (eid) {
    case SBI_LEGACY_SET_TIMER:
        sbi_set_timer((uint64_t)args[1] << 32 | args[0]);
        return 0;
    case SBI_LEGACY_CONSOLE_PUTCHAR:
        console_putc((uint8_t)args[0]);
        return 0;
    case SBI_LEGACY_CONSOLE_GETCHAR:
        return console_getc();
    case SBI_LEGACY_SHUTDOWN:
        sbi_system_reset(SBI_SRST_SHUTDOWN, SBI_SRST_NO_REASON);
        return SBI_ERR_FAILED;          /* the syscon did not power off */
    default:                            /* clear_ipi, send_ipi, remote fences: gone */
        return SBI_ERR_NOT_SUPPORTED;
    }
}

void sbi_ecall(struct trap_frame *tf)
{
    uint32_t eid = tf->regs[REG_A7], fid = tf->regs[REG_A6];
    const uint32_t *args = &tf->regs[REG_A0];
    if (eid <= SBI_LEGACY_LAST) {
        tf->regs[REG_A0] = (uint32_t)sbi_legacy(eid, args);
        return;
    }
    sbi_handler *handler = find_extension(eid);
    struct sbiret r = { SBI_ERR_NOT_SUPPORTED, 0 };
    if (handler)
        r = handler(fid, args);
    tf->regs[REG_A0] = (uint32_t)r.error;
    tf->regs[REG_A1] = (uint32_t)r.value;
}
