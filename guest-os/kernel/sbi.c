/* The SBI calls Kite makes (SBI v2.0: the TIME, HSM, IPI and SRST extensions). */
#include "sbi.h"

#define SBI_EXT_TIME 0x54494d45
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_HSM  0x48534d
#define SBI_EXT_IPI  0x735049
#define SRST_SHUTDOWN 0
#define SRST_COLD_REBOOT 1
#define SRST_REASON_NONE 0
#define SRST_REASON_FAILURE 1

static long sbi_call3(long ext, long fid, long a0, long a1, long a2)
{
    register long r0 __asm__("a0") = a0;
    register long r1 __asm__("a1") = a1;
    register long r2 __asm__("a2") = a2;
    register long r6 __asm__("a6") = fid;
    register long r7 __asm__("a7") = ext;
    __asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
    return r0;
}

static long sbi_call(long ext, long fid, long a0, long a1)
{
    return sbi_call3(ext, fid, a0, a1, 0);
}

long sbi_hart_start(uint32_t hartid, uint32_t start, uint32_t opaque)
{
    return sbi_call3(SBI_EXT_HSM, 0, (long)hartid, (long)start, (long)opaque);
}

void sbi_send_ipi(uint32_t hart_mask)
{
    sbi_call(SBI_EXT_IPI, 0, (long)hart_mask, 0);      /* hart_mask_base 0 */
}

void sbi_set_timer(uint64_t when)
{
    sbi_call(SBI_EXT_TIME, 0, (long)(uint32_t)when, (long)(uint32_t)(when >> 32));
}

static void __attribute__((noreturn)) reset(long type, long reason)
{
    sbi_call(SBI_EXT_SRST, 0, type, reason);
    for (;;)                    /* the firmware said no: nothing else to do */
        __asm__ volatile("wfi");
}

void sbi_poweroff(void) { reset(SRST_SHUTDOWN, SRST_REASON_NONE); }
void sbi_reboot(void) { reset(SRST_COLD_REBOOT, SRST_REASON_NONE); }
void sbi_fail(void) { reset(SRST_SHUTDOWN, SRST_REASON_FAILURE); }
