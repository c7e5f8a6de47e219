/*
 * The guest the snapshot tests run: a bare-metal program that touches as much of the
 * machine as it can in a way that comes out the same on every run under the
 * instruction clock, so that a run snapshotted, run on, restored and run on again must
 * give the very same registers, RAM, serial output and disk.
 *
 * M-mode sets up Sv32 (RAM and the devices mapped 1:1 with megapages, one 4 KiB page at
 * VPAGE whose mapping the loop changes every 8 iterations, so a TLB that survived a
 * restore would show), a timer interrupt every PERIOD ticks (handled in M-mode, counted
 * in `ticks`), and drops to S-mode. The S-mode loop mixes in each iteration: a
 * pseudo-random walk of stores over SCRATCH (megabytes of pages), the remapped page,
 * code it rewrites every 8 iterations (so decoded blocks that survived a restore would
 * show), an atomic counter and an LR/SC pair, the timer count (so the interrupts' exact
 * moments matter), a line on the UART every 64 iterations, a WFI every 128 (the machine
 * skips to the next tick), and every 32 a sector of the virtio disk in slot 0 read (its
 * contents mixed in: a disk not put back would show) and written anew (the legacy
 * interface, polled).
 *
 * And the hart's optional parts, each carrying state from one iteration to the next, so
 * that a part a restore did not put back would show: a double in fs0 that every
 * iteration multiplies and adds to (fmadd.d, in the rounding mode frm steps to next),
 * fflags accruing and mixed into the sum; in the timer handler tselect switching between
 * the two triggers, each one's tdata2 (disabled triggers: just registers) and stimecmp
 * (menvcfg.STCE off: just a register too) as counters, printed at the end.
 */
#include <stdint.h>

#include "bus/memmap.h"

#define ITERS       3000
#define PERIOD      1000                    /* timebase ticks: 100 us */
#define SCRATCH     0x80400000u             /* 8 MiB of RAM the loop stirs */
#define SCRATCH_WORDS (8u << 20 >> 2)
#define VPAGE       0x40000000u             /* remapped every iteration */

#define CLINT_MTIMECMP (MEMMAP_CLINT_BASE + 0x4000)
#define CLINT_MTIME    (MEMMAP_CLINT_BASE + 0xbff8)

#define PTE_V 1u
#define PTE_R 2u
#define PTE_W 4u
#define PTE_X 8u
#define PTE_A 0x40u
#define PTE_D 0x80u
#define PTE_LEAF (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

static uint32_t root[1024] __attribute__((aligned(4096)));
static uint32_t l2[1024] __attribute__((aligned(4096)));
static uint8_t pool[4][4096] __attribute__((aligned(4096)));
static volatile uint32_t ticks;
static volatile uint32_t mstate;            /* the timer handler's tdata2 and stimecmp */
static uint32_t counter;
static uint32_t lock;
/* Code the loop rewrites: li a0, IMM; ret. */
static uint32_t patch[2] __attribute__((aligned(8))) = { 0x00000513, 0x00008067 };

static volatile uint8_t *const uart = (volatile uint8_t *)MEMMAP_UART0_BASE;

/* ---- M-mode ---- */

static void set_mtimecmp(uint64_t when)
{
    volatile uint32_t *cmp = (volatile uint32_t *)CLINT_MTIMECMP;
    cmp[0] = 0xffffffffu;
    cmp[1] = (uint32_t)(when >> 32);
    cmp[0] = (uint32_t)when;
}

static uint64_t mtimecmp_now(void)
{
    volatile uint32_t *cmp = (volatile uint32_t *)CLINT_MTIMECMP;
    return (uint64_t)cmp[1] << 32 | cmp[0];
}

static void m_fail(uint32_t cause)
{
    const char *s = "\ntrap ";
    while (*s)
        *uart = (uint8_t)*s++;
    for (int i = 28; i >= 0; i -= 4)
        *uart = (uint8_t)"0123456789abcdef"[(cause >> i) & 15];
    *uart = '\n';
    *(volatile uint32_t *)MEMMAP_SYSCON_BASE = (2u << 16) | 0x3333;
    for (;;)
        ;
}

__attribute__((interrupt("machine"))) static void m_trap(void)
{
    uint32_t cause;
    __asm__ volatile("csrr %0, mcause" : "=r"(cause));
    if (cause != 0x80000007u)
        m_fail(cause);
    ticks++;
    uint32_t sel, t, c;
    __asm__ volatile("csrr %0, tselect" : "=r"(sel));
    sel ^= 1;                                   /* the two triggers in turn */
    __asm__ volatile("csrw tselect, %0" ::"r"(sel));
    __asm__ volatile("csrr %0, tdata2" : "=r"(t));
    t = t * 3 + 1 + sel;
    __asm__ volatile("csrw tdata2, %0" ::"r"(t));
    __asm__ volatile("csrr %0, stimecmp" : "=r"(c));
    c = c * 5 + t;
    __asm__ volatile("csrw stimecmp, %0" ::"r"(c));
    mstate = c ^ (t << 16);
    set_mtimecmp(mtimecmp_now() + PERIOD);
}

void s_main(void);

void main_m(void)
{
    /* 1:1 megapages: the ROM and syscon page, the UART and virtio slots, 16 MiB of RAM. */
    root[0x000 >> 2] = (0x00000000u >> 2) | PTE_LEAF;
    root[0x100 >> 2] = (0x10000000u >> 2) | PTE_LEAF;
    for (uint32_t mb = 0; mb < 16; mb += 4)
        root[(0x800 + mb) >> 2] = ((0x80000000u + (mb << 20)) >> 2) | PTE_LEAF;
    root[VPAGE >> 22] = ((uint32_t)l2 >> 2) | PTE_V;
    l2[0] = ((uint32_t)pool[0] >> 2) | PTE_LEAF;

    volatile uint32_t *mtime = (volatile uint32_t *)CLINT_MTIME;
    set_mtimecmp(((uint64_t)mtime[1] << 32 | mtime[0]) + PERIOD);
    /* Triggers 0 and 1 disabled (type 2, no mode, no access), 1 selected; stimecmp 0. */
    __asm__ volatile("csrw tselect, 0\n\tcsrw tdata1, %0\n\tcsrw tdata2, zero\n\t"
                     "csrw tselect, 1\n\tcsrw tdata1, %0\n\tcsrw tdata2, zero\n\t"
                     "csrw stimecmp, zero\n\tcsrw stimecmph, zero" ::"r"(2u << 28));
    /* F and D on for S-mode (FS Initial). */
    __asm__ volatile("csrs mstatus, %0" ::"r"(1u << 13));
    __asm__ volatile("csrw mtvec, %0" ::"r"(m_trap));
    __asm__ volatile("csrw mie, %0" ::"r"(1u << 7));
    uint32_t satp = 0x80000000u | ((uint32_t)root >> 12);
    uint32_t mpp_s = 1u << 11;
    /* PMP entry 0: all memory, RWX, for S-mode (without any entry it may touch nothing). */
    __asm__ volatile("csrw pmpaddr0, %0\n\tcsrw pmpcfg0, %1" ::"r"(~0u), "r"(0x1fu));
    __asm__ volatile("csrw satp, %0\n\tsfence.vma" ::"r"(satp));
    __asm__ volatile("csrc mstatus, %0" ::"r"(3u << 11));
    __asm__ volatile("csrs mstatus, %0" ::"r"(mpp_s));
    __asm__ volatile("csrw mepc, %0" ::"r"(s_main));
    __asm__ volatile("mret");
}

/* ---- S-mode ---- */

static void put(char c)
{
    uart[0] = (uint8_t)c;
}

static void put_hex(uint32_t v)
{
    for (int i = 28; i >= 0; i -= 4)
        put("0123456789abcdef"[(v >> i) & 15]);
}

static void put_str(const char *s)
{
    while (*s)
        put(*s++);
}

/* The virtio-blk disk in slot 0, legacy interface, one request at a time, polled. */
#define VIO(off) (*(volatile uint32_t *)(MEMMAP_VIRTIO_BASE + (off)))
#define QNUM 8
static uint8_t vq[2 * 4096] __attribute__((aligned(4096)));
static struct { uint32_t type, reserved, sector_lo, sector_hi; } hdr;
static uint8_t sector_buf[512];
static volatile uint8_t blk_status;
static uint16_t avail_idx;
static int have_disk;

struct desc { uint32_t addr_lo, addr_hi, len; uint16_t flags, next; };

static void disk_init(void)
{
    if (VIO(0x000) != 0x74726976u || VIO(0x008) != 2)
        return;
    VIO(0x070) = 0;
    VIO(0x070) = 1 | 2;
    VIO(0x020) = 0;
    VIO(0x028) = 4096;
    VIO(0x030) = 0;
    VIO(0x038) = QNUM;
    VIO(0x03c) = 4096;
    VIO(0x040) = (uint32_t)vq >> 12;
    VIO(0x070) = 1 | 2 | 4;
    have_disk = 1;
}

/* One request: type 0 reads the sector into sector_buf, type 1 writes it. */
static void disk_io(uint32_t type, uint32_t sector)
{
    struct desc *d = (struct desc *)vq;
    volatile uint16_t *avail = (volatile uint16_t *)(vq + 16 * QNUM);
    volatile uint16_t *used = (volatile uint16_t *)(vq + 4096);
    hdr.type = type;
    hdr.sector_lo = sector;
    hdr.sector_hi = 0;
    d[0] = (struct desc){ (uint32_t)&hdr, 0, 16, 1, 1 };
    d[1] = (struct desc){ (uint32_t)sector_buf, 0, 512, (uint16_t)(type ? 1 : 3), 2 };
    d[2] = (struct desc){ (uint32_t)&blk_status, 0, 1, 2, 0 };
    blk_status = 0xff;
    avail[2 + avail_idx % QNUM] = 0;
    __asm__ volatile("fence" ::: "memory");
    avail[1] = ++avail_idx;
    __asm__ volatile("fence" ::: "memory");
    VIO(0x050) = 0;
    while (used[1] != avail_idx)
        ;
    if (blk_status != 0)
        put_str("disk error\n");
}

void s_main(void)
{
    volatile uint32_t *scratch = (volatile uint32_t *)SCRATCH;
    volatile uint32_t *vpage = (volatile uint32_t *)VPAGE;
    uint32_t x = 12345, sum = 0;
    /* fs0 = 1, fs1 = 1 + 2^-20; frm = RDN */
    __asm__ volatile("li t0, 1\n\tfcvt.d.w fs0, t0\n\tli t0, 0x100000\n\t"
                     "fcvt.d.w ft1, t0\n\tfadd.d fs1, ft1, fs0, rne\n\t"
                     "fdiv.d fs1, fs1, ft1, rne\n\tfsrmi 2" ::: "t0", "ft1");
    disk_init();
    put_str("snapguest\n");
    for (uint32_t it = 0; it < ITERS; it++) {
        /* Every 8 iterations VPAGE moves to the next pool page, and the code in patch
         * gets a new constant; the accesses in between must follow. */
        if (it % 8 == 0) {
            l2[0] = ((uint32_t)pool[(it / 8) % 4] >> 2) | PTE_LEAF;
            __asm__ volatile("sfence.vma" ::: "memory");
            patch[0] = ((it & 0x7ff) << 20) | 0x00000513;
            __asm__ volatile("fence.i" ::: "memory");
        }
        vpage[it % 1024] += it ^ sum;
        sum += vpage[(it * 5) % 1024];
        sum += ((uint32_t(*)(void))patch)();

        for (int k = 0; k < 200; k++) {
            x = x * 1664525u + 1013904223u;
            uint32_t i = (x >> 7) % SCRATCH_WORDS;
            scratch[i] += x ^ ticks;
            sum = sum * 31 + scratch[(i * 7) % SCRATCH_WORDS];
        }
        __atomic_fetch_add(&counter, it, __ATOMIC_SEQ_CST);
        uint32_t old;
        do
            old = __atomic_load_n(&lock, __ATOMIC_RELAXED);
        while (!__atomic_compare_exchange_n(&lock, &old, old + sum, 1, __ATOMIC_SEQ_CST,
                                            __ATOMIC_SEQ_CST));
        sum += ticks;
        /* frm steps through the five rounding modes; fflags accrue, cleared every 16
         * iterations, with a division by zero every 7 and an invalid operation every 11. */
        uint32_t rm, flags;
        __asm__ volatile("frrm %0" : "=r"(rm));
        __asm__ volatile("fsrm %0" ::"r"((rm + 1) % 5));
        __asm__ volatile("fcvt.d.wu ft0, %0\n\tfmadd.d fs0, fs0, fs1, ft0" ::"r"(sum) : "ft0");
        if (it % 7 == 0)
            __asm__ volatile("fcvt.d.w ft0, zero\n\tfdiv.d ft0, fs1, ft0" ::: "ft0");
        if (it % 11 == 0)
            __asm__ volatile("fcvt.d.w ft0, zero\n\tfdiv.d ft0, ft0, ft0" ::: "ft0");
        if (it % 16 == 0)
            __asm__ volatile("fsflags zero");
        __asm__ volatile("frflags %0" : "=r"(flags));
        sum += flags;
        if (it % 128 == 127)
            __asm__ volatile("wfi");
        if (have_disk && it % 32 == 31) {
            uint32_t sector = (it / 32) % 48;
            disk_io(0, sector);
            for (int b = 0; b < 512; b += 4)
                sum = sum * 3 + *(uint32_t *)(sector_buf + b);
            for (int b = 0; b < 512; b += 4)
                *(uint32_t *)(sector_buf + b) = sum + (uint32_t)b * it;
            disk_io(1, sector);
        }
        if (it % 64 == 63) {
            put_str("it ");
            put_hex(it);
            put_str(" sum ");
            put_hex(sum);
            put_str(" ticks ");
            put_hex(ticks);
            put('\n');
        }
    }
    uint32_t fp[2], flags;
    __asm__ volatile("fsd fs0, 0(%1)\n\tfrflags %0" : "=r"(flags) : "r"(fp) : "memory");
    put_str("done ");
    put_hex(sum ^ counter ^ lock);
    put_str(" fp ");
    put_hex(fp[1]);
    put_hex(fp[0]);
    put_str(" fflags ");
    put_hex(flags);
    put_str(" m ");
    put_hex(mstate);
    put('\n');
    *(volatile uint32_t *)MEMMAP_SYSCON_BASE = 0x5555;
    for (;;)
        ;
}
