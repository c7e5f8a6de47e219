/*
 * The Supervisor Binary Interface, v2.0 (github.com/riscv-non-isa/riscv-sbi-doc): the
 * numbers of the calls this firmware answers, and the handlers, one file each.
 *
 * A call is `ecall` from S-mode with the extension id (EID) in a7, the function id
 * (FID) in a6, arguments in a0..a5. It returns an error code in a0 and a value in a1;
 * every other register is kept. The legacy calls (EIDs 0x00..0x0f, SBI v0.1) ignore
 * a6, return one value in a0, and keep a1 too.
 */
#ifndef FW_SBI_H
#define FW_SBI_H

#include <stdint.h>

#include "firmware/fw.h"

#define SBI_SPEC_VERSION   0x02000000   /* major 2 in bits 30:24, minor 0 in bits 23:0 */
/* The implementation id: not one of the spec's registered ids, "rvbx" in ASCII. */
#define SBI_IMPL_ID        0x72766278
#define SBI_IMPL_VERSION   (FW_VERSION_MAJOR << 16 | FW_VERSION_MINOR)

/* Error codes (sbiret.error). */
#define SBI_SUCCESS                0
#define SBI_ERR_FAILED            -1
#define SBI_ERR_NOT_SUPPORTED     -2
#define SBI_ERR_INVALID_PARAM     -3
#define SBI_ERR_DENIED            -4
#define SBI_ERR_INVALID_ADDRESS   -5
#define SBI_ERR_ALREADY_AVAILABLE -6

/* Legacy extensions: one function each. */
#define SBI_LEGACY_SET_TIMER       0x00
#define SBI_LEGACY_CONSOLE_PUTCHAR 0x01
#define SBI_LEGACY_CONSOLE_GETCHAR 0x02
#define SBI_LEGACY_SHUTDOWN        0x08
#define SBI_LEGACY_LAST            0x0f

#define SBI_EXT_BASE 0x10
#define   SBI_BASE_GET_SPEC_VERSION  0
#define   SBI_BASE_GET_IMPL_ID       1
#define   SBI_BASE_GET_IMPL_VERSION  2
#define   SBI_BASE_PROBE_EXTENSION   3
#define   SBI_BASE_GET_MVENDORID     4
#define   SBI_BASE_GET_MARCHID       5
#define   SBI_BASE_GET_MIMPID        6
#define SBI_EXT_TIME 0x54494d45         /* "TIME" */
#define   SBI_TIME_SET_TIMER         0
#define SBI_EXT_IPI  0x735049           /* "sPI" */
#define   SBI_IPI_SEND_IPI           0
#define SBI_EXT_RFENCE 0x52464e43       /* "RFNC" */
#define   SBI_RFENCE_FENCE_I         0
#define   SBI_RFENCE_SFENCE_VMA      1
#define   SBI_RFENCE_SFENCE_VMA_ASID 2  /* 3..6 are the hypervisor's: not supported */
#define SBI_EXT_HSM  0x48534d           /* "HSM" */
#define   SBI_HSM_HART_START         0
#define   SBI_HSM_HART_STOP          1
#define   SBI_HSM_HART_GET_STATUS    2
#define   SBI_HSM_HART_SUSPEND       3
#define SBI_EXT_SRST 0x53525354         /* "SRST" */
#define   SBI_SRST_SYSTEM_RESET      0
#define SBI_EXT_DBCN 0x4442434e         /* "DBCN" */
#define   SBI_DBCN_WRITE             0
#define   SBI_DBCN_READ              1
#define   SBI_DBCN_WRITE_BYTE        2

/* HSM hart states. */
#define SBI_HSM_STARTED       0
#define SBI_HSM_STOPPED       1
#define SBI_HSM_START_PENDING 2
#define SBI_HSM_STOP_PENDING  3
#define SBI_HSM_SUSPENDED     4

/* HSM suspend types: the two defaults; the ranges 0x10000000..0x7fffffff and
 * 0x90000000..0xffffffff are the platform's (none here), the rest reserved. */
#define SBI_HSM_SUSPEND_RETENTIVE     0x00000000u
#define SBI_HSM_SUSPEND_NON_RETENTIVE 0x80000000u

/* SRST reset types and reasons. */
#define SBI_SRST_SHUTDOWN        0
#define SBI_SRST_COLD_REBOOT     1
#define SBI_SRST_WARM_REBOOT     2
#define SBI_SRST_NO_REASON       0
#define SBI_SRST_SYSTEM_FAILURE  1

struct sbiret {
    long error;
    long value;
};

/* One extension: its handler gets the FID and a0..a5. */
typedef struct sbiret sbi_handler(uint32_t fid, const uint32_t *args);

/* The ecall from S-mode in `tf`: find the extension, run it, put the results in a0/a1. */
void sbi_ecall(struct trap_frame *tf);

sbi_handler sbi_time, sbi_ipi, sbi_rfence, sbi_hsm, sbi_srst, sbi_dbcn;

/* TIME (sbi_time.c): the timer S-mode asked for, and the M-mode timer interrupt. */
void sbi_set_timer(uint64_t when);
void sbi_timer_interrupt(void);

/* IPI and RFENCE (sbi_ipi.c): the M-mode software interrupt brings other harts' work. */
void sbi_ipi_interrupt(void);

/* HSM (sbi_hsm.c): the boot hart starts STARTED, every other one waits in park. */
void sbi_hsm_init(uint32_t boot_hart);
void sbi_hsm_park(uint32_t hartid) __attribute__((noreturn));

/* SRST (sbi_srst.c): shut down or reboot through the syscon; returns only if the
 * machine did not act. */
void sbi_system_reset(uint32_t type, uint32_t reason);

/* DBCN (sbi_dbcn.c) uses the console (console.h) directly. */

#endif
