/*
 * IPI and RFENCE: work for a set of harts, named by a hart mask.
 *
 * The calling hart does its own share at once. Another hart is sent its share: the work
 * goes into that hart's `pending` word, and a store to its CLINT msip raises its machine
 * software interrupt; it traps into the firmware (sbi_ipi_interrupt) and does the work:
 * raise SSIP for an IPI (S-mode sees a supervisor software interrupt), fence.i or
 * sfence.vma for a remote fence. A remote fence must be done before the call returns, so
 * the sender waits until each target says it has fenced. One hart at a time sends fences
 * (fence_lock), and a hart that waits does the work sent to it meanwhile: two harts
 * fencing each other do not wait for each other forever.
 *
 * On a one-hart machine every call is the local case; the rest is ready for more harts.
 */
#include "firmware/platform.h"
#include "firmware/riscv.h"
#include "firmware/sbi.h"

#define WORK_SSIP       1u
#define WORK_FENCE_I    2u
#define WORK_SFENCE_VMA 4u              /* the whole TLB: other harts over-flush */
#define WORK_FENCES     (WORK_FENCE_I | WORK_SFENCE_VMA)

#define PAGE_SIZE             4096u
#define RANGE_FLUSH_MAX_PAGES 64        /* past this, one full flush is cheaper */

_Static_assert(FW_MAX_HARTS <= 31, "a set of harts is a 32-bit mask here");

static struct {
    volatile uint32_t pending;          /* WORK_* bits sent to this hart */
    volatile uint32_t fenced;           /* 1 once it has done the fence sent to it */
} harts[FW_MAX_HARTS];

static volatile uint32_t fence_lock;

static void do_work(uint32_t work)
{
    if (work & WORK_SSIP)
        mip_set(MIP_SSIP);
    if (work & WORK_FENCE_I)
        fence_i();
    if (work & WORK_SFENCE_VMA)
        sfence_vma_all();
}

void sbi_ipi_interrupt(void)
{
    uint32_t me = r_mhartid();
    clint_set_msip(me, 0);
    uint32_t work = __atomic_exchange_n(&harts[me].pending, 0, __ATOMIC_ACQUIRE);
    do_work(work);
    if (work & WORK_FENCES)
        __atomic_store_n(&harts[me].fenced, 1, __ATOMIC_RELEASE);
}

/* While this hart waits for another, it does what others ask of it. */
static void wait_a_moment(void)
{
    if (r_mip() & MIP_MSIP)
        sbi_ipi_interrupt();
}

/* The hart mask (mask, base) as a set of hart ids, bit n for hart n; -1 if it names a
 * hart that does not exist. A base of -1 means every hart. */
static int hart_set(uint32_t mask, uint32_t base, uint32_t *set)
{
    uint32_t nharts = fw_platform.nharts;
    *set = 0;
    if (base == 0xffffffffu) {
        *set = (1u << nharts) - 1;
        return 0;
    }
    for (uint32_t i = 0; i < 32; i++) {
        if (!(mask >> i & 1))
            continue;
        if (base >= nharts || i >= nharts - base)
            return -1;
        *set |= 1u << (base + i);
    }
    return 0;
}

static void send(uint32_t hart, uint32_t work)
{
    __atomic_fetch_or(&harts[hart].pending, work, __ATOMIC_RELEASE);
    clint_set_msip(hart, 1);
}

/* Make every hart in `set` do `work` (a fence), and wait until they all have. */
static void fence_others(uint32_t set, uint32_t work)
{
    while (__atomic_exchange_n(&fence_lock, 1, __ATOMIC_ACQUIRE))
        wait_a_moment();
    for (uint32_t h = 0; h < fw_platform.nharts; h++) {
        if (set >> h & 1) {
            harts[h].fenced = 0;
            send(h, work);
        }
    }
    for (uint32_t h = 0; h < fw_platform.nharts; h++)
        while ((set >> h & 1) && !__atomic_load_n(&harts[h].fenced, __ATOMIC_ACQUIRE))
            wait_a_moment();
    __atomic_store_n(&fence_lock, 0, __ATOMIC_RELEASE);
}

struct sbiret sbi_ipi(uint32_t fid, const uint32_t *args)
{
    uint32_t set, me = r_mhartid();
    if (fid != SBI_IPI_SEND_IPI)
        return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
    if (hart_set(args[0], args[1], &set) < 0)
        return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
    for (uint32_t h = 0; h < fw_platform.nharts; h++) {
        if (!(set >> h & 1))
            continue;
        if (h == me)
            mip_set(MIP_SSIP);
        else
            send(h, WORK_SSIP);
    }
    return (struct sbiret){ SBI_SUCCESS, 0 };
}

/* The range rule of RFENCE: start = size = 0, or size = 2^XLEN - 1, mean everything. */
static int whole_space(uint32_t start, uint32_t size)
{
    return (start == 0 && size == 0) || size == 0xffffffffu;
}

/* sfence.vma on this hart for [start, start + size), page by page when that is short;
 * for one address space when with_asid. */
static void sfence_here(uint32_t start, uint32_t size, int with_asid, uint32_t asid)
{
    if (whole_space(start, size) || size > RANGE_FLUSH_MAX_PAGES * PAGE_SIZE) {
        if (with_asid)
            sfence_vma_asid(asid);
        else
            sfence_vma_all();
        return;
    }
    if (size == 0)
        return;
    uint32_t pages = ((start + size - 1) / PAGE_SIZE) - start / PAGE_SIZE + 1;
    for (uint32_t i = 0, va = start & ~(PAGE_SIZE - 1); i < pages; i++, va += PAGE_SIZE) {
        if (with_asid)
            sfence_vma_page_asid(va, asid);
        else
            sfence_vma_page(va);
    }
}

struct sbiret sbi_rfence(uint32_t fid, const uint32_t *args)
{
    uint32_t set, me = r_mhartid();
    uint32_t start = args[2], size = args[3], asid = args[4];
    if (fid > SBI_RFENCE_SFENCE_VMA_ASID)       /* the hypervisor's fences: no H here */
        return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
    if (hart_set(args[0], args[1], &set) < 0)
        return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
    if (fid != SBI_RFENCE_FENCE_I && !whole_space(start, size) && size != 0 &&
        start + (size - 1) < start)
        return (struct sbiret){ SBI_ERR_INVALID_ADDRESS, 0 };   /* past the top */

    uint32_t work = fid == SBI_RFENCE_FENCE_I ? WORK_FENCE_I : WORK_SFENCE_VMA;
    if (set & ~(1u << me))
        fence_others(set & ~(1u << me), work);
    if (set & (1u << me)) {
        if (fid == SBI_RFENCE_FENCE_I)
            fence_i();
        else
            sfence_here(start, size, fid == SBI_RFENCE_SFENCE_VMA_ASID, asid);
    }
    return (struct sbiret){ SBI_SUCCESS, 0 };
}
