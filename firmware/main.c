/*
 * The boot: what every hart does between the boot ROM and the kernel.
 *
 *   boot ROM (0x1000)  a0 = hart id, a1 = device tree  ->  _start (entry.S, 0x80000000)
 *   entry.S            mtvec, the hart's stack, .bss cleared  ->  fw_main
 *   fw_main            delegation, PMP, counters; the banner; then the kernel in S-mode
 *                      at 0x80400000 (or /chosen/rvbox,kernel-entry) with a0 = hart id,
 *                      a1 = the device tree
 *
 * Harts other than hart 0 wait in the firmware (HSM state STOPPED) until the kernel
 * starts them with the SBI call hart_start (sbi_hsm.c).
 */
#include <stdint.h>

#include "firmware/console.h"
#include "firmware/fdt.h"
#include "firmware/fw.h"
#include "firmware/platform.h"
#include "firmware/riscv.h"
#include "firmware/sbi.h"

struct fw_platform fw_platform;

extern volatile uint32_t fw_boot_done;          /* entry.S */
extern uint8_t fw_stacks[];                     /* entry.S */
void fw_mret(uint32_t a0, uint32_t a1, uint32_t entry, uint32_t frame)
    __attribute__((noreturn));                  /* entry.S */

/* Exceptions that S-mode handles itself: it gets them straight from the hart, without
 * a detour through the firmware (which emulates nothing). Only ecall from S (the SBI)
 * stays here. */
#define DELEGATED_EXCEPTIONS                                                             \
    (1u << EXC_FETCH_MISALIGNED | 1u << EXC_FETCH_ACCESS | 1u << EXC_ILLEGAL_INSN |     \
     1u << EXC_BREAKPOINT | 1u << EXC_LOAD_MISALIGNED | 1u << EXC_LOAD_ACCESS |          \
     1u << EXC_STORE_MISALIGNED | 1u << EXC_STORE_ACCESS | 1u << EXC_ECALL_U |           \
     1u << EXC_FETCH_PAGE_FAULT | 1u << EXC_LOAD_PAGE_FAULT | 1u << EXC_STORE_PAGE_FAULT)

/* The supervisor interrupts go to S-mode directly. The machine ones (the CLINT's timer
 * and software interrupt) come here: the firmware turns them into STIP and SSIP. */
#define DELEGATED_INTERRUPTS (MIP_SSIP | MIP_STIP | MIP_SEIP)

int fw_in_ram(uint32_t base, uint32_t len)
{
    const struct fw_platform *p = &fw_platform;
    return len == 0 || (base >= p->ram_base && len <= p->ram_size &&
                        base - p->ram_base <= p->ram_size - len);
}

extern uint8_t _fw_end[];                       /* firmware.ld */

/*
 * PMP, as OpenSBI sets it up: S and U get no access to the CLINT (entry 0: the machine
 * timer and the IPIs are the firmware's) and to the firmware's own memory (entry 1: its
 * code, data and stacks, rounded up to a power of two), and everything else (entry 15,
 * NAPOT with an all-ones address: the whole physical address space, RWX). No entry is
 * locked, so M-mode is held to none. Without entry 15, S and U could touch nothing.
 */
static void pmp_setup(void)
{
    uint32_t fw_size = 4096;
    while (fw_size < (uint32_t)(uintptr_t)_fw_end - MEMMAP_RAM_BASE)
        fw_size <<= 1;
    w_pmpaddr0(pmp_napot(MEMMAP_CLINT_BASE, MEMMAP_CLINT_SIZE));
    w_pmpaddr1(pmp_napot(MEMMAP_RAM_BASE, fw_size));
    w_pmpaddr15(0xffffffffu);
    w_pmpcfg0(PMP_NAPOT | (uint32_t)PMP_NAPOT << 8);                /* 0, 1: nothing */
    w_pmpcfg3((uint32_t)(PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 24); /* 15: everything */
}

/* What the firmware sets on each hart before any S-mode code runs on it. */
static void hart_setup(void)
{
    w_medeleg(DELEGATED_EXCEPTIONS);
    w_mideleg(DELEGATED_INTERRUPTS);
    /* S-mode (and U-mode, if S allows it in scounteren) may read every counter. */
    w_mcounteren(0xffffffffu);
    pmp_setup();
    /* Sstc: S-mode may program its timer itself (stimecmp), as Linux does when the
     * device tree lists sstc; the firmware's set_timer uses stimecmp too (sbi_time.c). */
    if (fw_platform.has_sstc) {
        w_stimecmph(0xffffffffu);   /* no supervisor timer until S-mode asks (OpenSBI) */
        w_stimecmp(0xffffffffu);
        menvcfgh_set(MENVCFGH_STCE);
    }
    /* F and D: the unit on (FS Dirty, as OpenSBI leaves it), its registers zero. S-mode
     * decides from there (Linux turns it off until a task uses it). */
    uint32_t misa = r_misa();
    if (misa & (MISA_F | MISA_D)) {
        w_mstatus(r_mstatus() | MSTATUS_FS);
        fp_clear(misa & MISA_D);
    }
    /* IPIs (the CLINT's msip) reach the firmware; the timer only once S asks for one. */
    w_mie(MIE_MSIE);
}

void fw_enter_supervisor(uint32_t hartid, uint32_t arg, uint32_t entry)
{
    uint32_t s = r_mstatus();
    s &= ~(MSTATUS_MPP_MASK | MSTATUS_MPIE | MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP |
           MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR);
    w_mstatus(s | MSTATUS_MPP_S);
    w_satp(0);
    uint32_t frame = (uint32_t)(uintptr_t)fw_stacks + (hartid + 1) * FW_STACK_SIZE -
                     FW_TRAP_FRAME_SIZE;
    fw_mret(hartid, arg, entry, frame);
}

/* The boot hart: learn the machine from the device tree, then start the kernel. */
static void boot_hart(uint32_t hartid, const void *dtb)
{
    console_init();
    struct fdt_facts facts;
    if (fdt_read_facts(dtb, &facts) < 0)
        console_printf("%s: no device tree at 0x%x: assuming 1 hart, %u MiB of RAM\n",
                       FW_NAME, (uint32_t)(uintptr_t)dtb, MEMMAP_RAM_DEFAULT >> 20);
    fw_platform.ram_base = facts.ram_size ? facts.ram_base : MEMMAP_RAM_BASE;
    fw_platform.ram_size = facts.ram_size ? facts.ram_size : MEMMAP_RAM_DEFAULT;
    fw_platform.nharts = facts.nharts == 0 ? 1
                       : facts.nharts > FW_MAX_HARTS ? FW_MAX_HARTS : facts.nharts;
    fw_platform.has_sstc = facts.has_sstc;
    uint32_t entry = facts.has_kernel_entry ? facts.kernel_entry : MEMMAP_KERNEL_BASE;

    /* Nothing loaded there reads as zeros, and 0x0000 is an illegal instruction in every
     * encoding: say so, rather than let S-mode trap on it forever. */
    if (!fw_in_ram(entry, 2) || *(volatile uint16_t *)(uintptr_t)entry == 0) {
        console_printf("%s: no kernel at 0x%08x\n", FW_NAME, entry);
        fw_fail();
    }
    hart_setup();
    sbi_hsm_init(hartid);
    console_printf("%s %u.%u: entering kernel at 0x%08x\n", FW_NAME, FW_VERSION_MAJOR,
                   FW_VERSION_MINOR, entry);
    __atomic_store_n(&fw_boot_done, 1, __ATOMIC_RELEASE);
    fw_enter_supervisor(hartid, (uint32_t)(uintptr_t)dtb, entry);
}

void fw_main(uint32_t hartid, const void *dtb)
{
    if (hartid == FW_BOOT_HART)
        boot_hart(hartid, dtb);
    hart_setup();
    sbi_hsm_park(hartid);               /* until the kernel calls hart_start for it */
}
