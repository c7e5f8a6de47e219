/*
 * The S-mode side of the SBI (spec v2.0, github.com/riscv-non-isa/riscv-sbi-doc), written
 * out here from the spec on its own, not taken from firmware/sbi.h: the test holds the
 * firmware to the spec, not to itself.
 */
#ifndef SBI_TEST_SBI_CALL_H
#define SBI_TEST_SBI_CALL_H

#include <stdint.h>

#define SBI_SUCCESS                0
#define SBI_ERR_FAILED            -1
#define SBI_ERR_NOT_SUPPORTED     -2
#define SBI_ERR_INVALID_PARAM     -3
#define SBI_ERR_INVALID_ADDRESS   -5
#define SBI_ERR_ALREADY_AVAILABLE -6

#define EID_LEGACY_SET_TIMER  0x00
#define EID_LEGACY_PUTCHAR    0x01
#define EID_LEGACY_GETCHAR    0x02
#define EID_LEGACY_CLEAR_IPI  0x03
#define EID_LEGACY_SEND_IPI   0x04
#define EID_LEGACY_SHUTDOWN   0x08
#define EID_BASE   0x10
#define EID_TIME   0x54494D45
#define EID_IPI    0x735049
#define EID_RFENCE 0x52464E43
#define EID_HSM    0x48534D
#define EID_SRST   0x53525354
#define EID_DBCN   0x4442434E
#define EID_PMU    0x504D55             /* not implemented by the firmware */
#define EID_SUSP   0x53555350           /* not implemented */
#define EID_STA    0x535441             /* not implemented */

enum { BASE_SPEC_VERSION, BASE_IMPL_ID, BASE_IMPL_VERSION, BASE_PROBE, BASE_MVENDORID,
       BASE_MARCHID, BASE_MIMPID };
enum { RFENCE_FENCE_I, RFENCE_SFENCE_VMA, RFENCE_SFENCE_VMA_ASID, RFENCE_HFENCE_GVMA_VMID,
       RFENCE_HFENCE_GVMA, RFENCE_HFENCE_VVMA_ASID, RFENCE_HFENCE_VVMA };
enum { HSM_START, HSM_STOP, HSM_STATUS, HSM_SUSPEND };
enum { HSM_STARTED, HSM_STOPPED, HSM_START_PENDING, HSM_STOP_PENDING, HSM_SUSPENDED };
#define HSM_SUSPEND_RETENTIVE     0x00000000u
#define HSM_SUSPEND_NON_RETENTIVE 0x80000000u
enum { SRST_SHUTDOWN, SRST_COLD_REBOOT, SRST_WARM_REBOOT };
enum { SRST_NO_REASON, SRST_SYSTEM_FAILURE };
enum { DBCN_WRITE, DBCN_READ, DBCN_WRITE_BYTE };

struct sbiret {
    long error;
    long value;
};

static inline struct sbiret sbi_call(uint32_t eid, uint32_t fid, uint32_t arg0, uint32_t arg1,
                                     uint32_t arg2, uint32_t arg3, uint32_t arg4)
{
    register uint32_t a0 __asm__("a0") = arg0;
    register uint32_t a1 __asm__("a1") = arg1;
    register uint32_t a2 __asm__("a2") = arg2;
    register uint32_t a3 __asm__("a3") = arg3;
    register uint32_t a4 __asm__("a4") = arg4;
    register uint32_t a6 __asm__("a6") = fid;
    register uint32_t a7 __asm__("a7") = eid;
    __asm__ volatile("ecall"
                     : "+r"(a0), "+r"(a1)
                     : "r"(a2), "r"(a3), "r"(a4), "r"(a6), "r"(a7)
                     : "memory");
    return (struct sbiret){ (long)a0, (long)a1 };
}

#define SBI0(e, f)             sbi_call(e, f, 0, 0, 0, 0, 0)
#define SBI1(e, f, a)          sbi_call(e, f, a, 0, 0, 0, 0)
#define SBI2(e, f, a, b)       sbi_call(e, f, a, b, 0, 0, 0)
#define SBI3(e, f, a, b, c)    sbi_call(e, f, a, b, c, 0, 0)
#define SBI4(e, f, a, b, c, d) sbi_call(e, f, a, b, c, d, 0)

/* A legacy (v0.1) call: one result, in a0. */
static inline long sbi_legacy(uint32_t eid, uint32_t arg0, uint32_t arg1)
{
    return sbi_call(eid, 0, arg0, arg1, 0, 0, 0).error;
}

static inline void sbi_set_timer(uint64_t when)
{
    sbi_call(EID_TIME, 0, (uint32_t)when, (uint32_t)(when >> 32), 0, 0, 0);
}

#endif
