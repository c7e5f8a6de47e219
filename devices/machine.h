/*
 * The emulator as a library: one machine, the `virt` board (bus/memmap.h), with its RAM,
 * boot ROM, hart and devices. The CLI, the tests and the benchmarks all drive it through
 * this header; several machines may live in one process.
 *
 *   m = machine_create(&config, err, sizeof err);
 *   copy images into machine_ram(m, addr, len) below machine_reserved_base(m);
 *   loop: state = machine_run(m, budget); when MACHINE_IDLE, sleep up to
 *         machine_next_event_ns(m) or until input arrives;
 *   MACHINE_EXITED: machine_exit_code(m); MACHINE_REBOOT: destroy and create again.
 *   machine_destroy(m);
 *
 * The machine never touches a terminal, a window or a file: its backends (the console, the
 * disks) come in the config, and the host keeps them across reboots.
 */
#ifndef RVBOX_MACHINE_H
#define RVBOX_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus/memmap.h"
#include "cpu/hart.h"
#include "devices/blockdev.h"
#include "devices/chardev.h"
#include "devices/netdev.h"
#include "devices/p9dev.h"

struct bus;
struct framebuffer;
struct hart;
struct virtio_input;
struct virtio_net;

/* The most harts a machine has (-smp). */
#define MACHINE_MAX_HARTS 8

/* Steps each hart runs before the next one takes its turn, when there are several: a
 * switch costs about as much as a hundred instructions of JIT code, and a Linux boot on
 * 4 harts ran a third faster with 10000 than with 1000 (more made little difference),
 * while an IPI still comes within 3 turns, tens of microseconds. */
#define MACHINE_QUANTUM 10000

/* virtio-mmio slots: disks from slot 0 up (xv6 and friends look at slot 0), network
 * cards and shared folders in the slots the disks leave (the host's options decide), the
 * keyboard and the tablet in the last two. */
#define MACHINE_MAX_DISKS    (MEMMAP_VIRTIO_COUNT - 2)
#define MACHINE_KEYBOARD_SLOT (MEMMAP_VIRTIO_COUNT - 2)
#define MACHINE_TABLET_SLOT   (MEMMAP_VIRTIO_COUNT - 1)

/* A virtio-net card: its backend (NULL: none) and MAC address. */
struct machine_nic {
    const struct netdev *backend;
    uint8_t mac[6];
};

/* A virtio-9p shared folder: its 9P server (NULL: none) and the tag the guest mounts. */
struct machine_share {
    const struct p9dev *server;
    const char *tag;
};

struct machine_config {
    unsigned nharts;            /* 1 to MACHINE_MAX_HARTS (0 means 1) */
    uint32_t ram_size;          /* bytes, a multiple of 4 KiB, at MEMMAP_RAM_BASE */
    uint32_t start_pc;          /* where the boot ROM jumps: firmware's or kernel's entry */
    uint32_t kernel_entry;      /* for the firmware (/chosen/rvbox,kernel-entry); 0: none */
    bool has_tohost;            /* HTIF: the program's `tohost` symbol */
    uint32_t tohost;
    struct chardev console;     /* UART0's line, and HTIF's console output */
    const struct blockdev *disks[MACHINE_MAX_DISKS];    /* virtio-blk in slot i, or NULL */
    struct machine_nic nics[MACHINE_MAX_DISKS];         /* virtio-net in slot i */
    struct machine_share shares[MACHINE_MAX_DISKS];     /* virtio-9p in slot i */
    unsigned virtio_version;    /* 1: legacy (QEMU's default), 2: modern */
    const char *bootargs;       /* /chosen/bootargs, or NULL */
    const void *initrd;         /* loaded below the device tree; NULL: none */
    uint32_t initrd_size;
    const void *dtb;            /* a device tree to use instead of the generated one */
    uint32_t dtb_size;
    uint64_t wall_ns;           /* the wall-clock time now, ns since 1970, for the RTC */
    bool icount;                /* time from instructions (-icount): deterministic runs */
    unsigned icount_shift;      /* each instruction 2^shift ns of guest time */
    unsigned fb_width, fb_height;   /* the framebuffer at MEMMAP_FB_BASE; 0: none */
    bool input;                 /* virtio-input keyboard (slot 6) and tablet (slot 7) */
    bool threads;               /* one host thread per hart (-accel ...,thread=multi):
                                   not deterministic; refused with icount */
    bool plic_strict;           /* the PLIC's strict level-triggered gateway for every
                                   source, instead of QEMU's for the virtio ones
                                   (devices/plic.h; --strict-plic) */
    uint32_t cpu_without;       /* HART_* parts the hart goes without (-cpu rv32,f=off...);
                                   0: all of HART_FEATURES_QEMU, QEMU's rv32 */
};

enum machine_state {
    MACHINE_RUNNING,            /* ran its budget: call again */
    MACHINE_IDLE,               /* every hart waits for an interrupt */
    MACHINE_EXITED,             /* the guest powered off or asked to end: machine_exit_code */
    MACHINE_REBOOT,             /* the guest asked for a reboot */
};

struct machine;

/* NULL on failure, with a one-line reason in err. */
struct machine *machine_create(const struct machine_config *cfg, char *err, size_t errlen);
void machine_destroy(struct machine *m);

/*
 * Run up to `budget` steps (machine_position moves by at most that); devices act before
 * the harts run. Several harts take turns in one thread, MACHINE_QUANTUM steps each
 * (a hart that waits in WFI gives up the rest of its turn, and one that waits with no
 * interrupt pending is passed over), so that where the turns fall depends on the
 * position alone, never on how the host cuts the run into budgets.
 */
enum machine_state machine_run(struct machine *m, uint64_t budget);
/*
 * With config.threads, the harts instead run at once, each in a host thread of its own
 * (made at the first run; hart 0 in the caller's), for about budget / (harts not
 * waiting) steps each, and machine_run returns when all have stopped: between runs the
 * machine stands still, as in turns. Not deterministic. While a hart is stepped
 * (machine_set_step) or the host debugs one (hart_host_debug: breakpoints,
 * watchpoints, an instruction trace) the harts take turns as above. (In parallel the
 * position may move by more than the budget: a hart woken from WFI during the run runs
 * a share too. Nothing that needs the bound, the instruction clock, runs in parallel.)
 */

/* Why the harts stopped in the last machine_run: HART_STOP_BREAKPOINT and
 * HART_STOP_WATCHPOINT (of hart machine_stop_hart) are a debugger's business
 * (host/gdbstub.c); HART_STOP_WFI when every hart waits. */
enum hart_stop machine_last_stop(const struct machine *m);

/* The hart whose breakpoint or watchpoint ended the last run; otherwise the one that ran
 * last (the one whose turn it is). */
unsigned machine_stop_hart(const struct machine *m);

/* The hart that takes the machine's next step (the one whose turn it is, past harts
 * waiting with nothing to take); -1 if every hart waits. */
int machine_next_hart(const struct machine *m);

/* A debugger's step of one hart: the next machine_run ends as soon as hart `i` has taken
 * one step (an instruction or a trap), or is found waiting in WFI at its turn, the other
 * harts running their turns meanwhile as they would. -1: no such end. machine_stepped
 * says whether the last run ended so. */
void machine_set_step(struct machine *m, int i);
bool machine_stepped(const struct machine *m);

/* How many instructions the last machine_run retired, all harts together (0 while they
 * wait). */
uint64_t machine_last_retired(const struct machine *m);

/* The guest's exit code once MACHINE_EXITED: 0 is success. */
uint32_t machine_exit_code(const struct machine *m);

/* End the run as if the guest had exited with `code`: machine_run returns
 * MACHINE_EXITED. For the host's side of a guest request (semihosting's SYS_EXIT); it
 * may be called from inside the hart's run, and the hart stops after that instruction. */
void machine_request_exit(struct machine *m, uint32_t code);

/* Once MACHINE_EXITED: did the guest power off (or fail) through the syscon, as opposed
 * to ending through HTIF or machine_request_exit? (QEMU's -no-shutdown keeps the former
 * only.) */
bool machine_powered_off(const struct machine *m);

/* Host nanoseconds until the next timer event (CLINT or RTC), UINT64_MAX if none: how
 * long an idle machine may sleep. 0 while a device has work waiting for the next
 * machine_run (long disk requests are served in pieces, one per run; a network card
 * has a frame waiting and a buffer for it; a shared folder has requests). */
uint64_t machine_next_event_ns(const struct machine *m);

/* Deterministic runs (config.icount): time follows the instructions retired, and
 * machine_run ends each run where something is due on time, whatever the budget, so
 * that where the host cuts the run into slices changes nothing the guest sees. Serial
 * input, disk work, network frames and 9P requests are served on a grid of guest time
 * (every 100 us).
 * machine_skip_idle moves an idle machine's time on to its next event (a deadline, the
 * next service while a device has work or, with `input`, serial input waits) instead of
 * the host sleeping until then; false if there is none (only input can wake the guest)
 * or the clock is the host's. */
bool machine_icount(const struct machine *m);
bool machine_skip_idle(struct machine *m, bool input);

/* Instruction clock: move guest time on by `ns` (a replay repeats a recorded skip). */
void machine_warp(struct machine *m, uint64_t ns);

/* The machine's position: the sum over its harts of instructions retired plus traps
 * taken (hart_position). Each step of machine_run's budget moves it by one. */
uint64_t machine_position(const struct machine *m);

/* Instructions retired since reset, all harts together: what the instruction clock
 * counts. */
uint64_t machine_instructions(const struct machine *m);

/* Does every hart wait in WFI with no interrupt to take? */
bool machine_waiting(const struct machine *m);

/* Guest time in ns as the clock runs, before the guest's own mtime writes: with the
 * position, the moment of an event under the instruction clock (time moves on its own
 * while an idle machine skips ahead). */
uint64_t machine_guest_ns(const struct machine *m);

/* Has the guest made room for serial input since it was last given some? The host then
 * runs short slices while input waits, so that it flows in as fast as the guest reads. */
bool machine_can_take_input(const struct machine *m);

/* Flush every disk; 0 on success. The host calls it on every way out. */
int machine_flush_disks(struct machine *m);

/* Host pointer to guest RAM [addr, addr + len), or NULL if that is not all RAM. For
 * loaders: it reaches every byte of RAM, including pages a device overlays. */
uint8_t *machine_ram(struct machine *m, uint32_t addr, uint32_t len);

/* RAM's size in bytes (at MEMMAP_RAM_BASE). */
uint32_t machine_ram_size(const struct machine *m);

/* Images must end below this address: the initrd and device tree sit above it. */
uint32_t machine_reserved_base(const struct machine *m);

/* The device tree the guest gets, and where it is. */
const void *machine_dtb(const struct machine *m, uint32_t *size, uint32_t *addr);

/* The virtio-net card in virtio slot `slot`, or NULL. */
struct virtio_net *machine_nic(struct machine *m, unsigned slot);

/* The framebuffer and the input devices, or NULL when the config asked for none. */
struct framebuffer *machine_framebuffer(struct machine *m);
struct virtio_input *machine_keyboard(struct machine *m);
struct virtio_input *machine_tablet(struct machine *m);

/* Hart 0, and hart i of machine_nharts. */
struct hart *machine_hart(struct machine *m);
struct hart *machine_hart_at(struct machine *m, unsigned i);
unsigned machine_nharts(const struct machine *m);
struct bus *machine_bus(struct machine *m);

/* The machine's clock in timebase ticks (10 MHz). */
uint64_t machine_time(const struct machine *m);

/* While the host holds the machine (a monitor's `stop`, a debugger), its clock stands
 * still, as QEMU's virtual clock does: when it runs again it goes on from where it was
 * held, so the guest sees no time pass and no timer fires late for it. (The instruction
 * clock, -icount, needs no holding.) */
void machine_hold_clock(struct machine *m, bool hold);

/* The PLIC, for a monitor's read-only look (devices/plic.h). */
struct plic *machine_plic(struct machine *m);

#endif
