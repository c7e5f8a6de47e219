/*
 * What the firmware's files share: the trap frame, the platform facts read at boot, and
 * the way into S-mode.
 */
#ifndef FW_FW_H
#define FW_FW_H

#include <stdint.h>

#define FW_NAME    "rvbox SBI firmware"
#define FW_VERSION_MAJOR 0
#define FW_VERSION_MINOR 1

/* The registers of the interrupted S- or U-mode code, saved by entry.S: regs[n] is xn
 * (regs[0] is unused). An SBI call reads its arguments here and writes its results back;
 * entry.S reloads every register from here before mret. */
struct trap_frame {
    uint32_t regs[32];
};

enum { REG_SP = 2, REG_A0 = 10, REG_A1, REG_A2, REG_A3, REG_A4, REG_A5, REG_A6, REG_A7 };

/* The machine as the device tree describes it (main.c fills it in before any SBI call). */
struct fw_platform {
    uint32_t ram_base, ram_size;
    uint32_t nharts;                /* harts 0 .. nharts-1 exist */
    int has_sstc;                   /* the harts have stimecmp (the Sstc extension) */
};
extern struct fw_platform fw_platform;

/* Does [base, base + len) lie in RAM? (An empty range does.) */
int fw_in_ram(uint32_t base, uint32_t len);

/* Start S-mode on this hart at `entry` with a0 = hart id, a1 = arg, paging off and S
 * interrupts disabled. */
void fw_enter_supervisor(uint32_t hartid, uint32_t arg, uint32_t entry)
    __attribute__((noreturn));

/* Called by entry.S: the boot of every hart, and every trap from S- or U-mode. */
void fw_main(uint32_t hartid, const void *dtb) __attribute__((noreturn));
void fw_trap(struct trap_frame *tf);
void fw_trap_in_firmware(void) __attribute__((noreturn));

/* Stop the machine with a failure exit, after a message saying why: a firmware that
 * cannot go on never hangs silently. */
void fw_fail(void) __attribute__((noreturn));

#endif
