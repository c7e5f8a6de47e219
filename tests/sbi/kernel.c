#include "tests/sbi/kernel.h"

#include <stdarg.h>

#include "bus/memmap.h"

struct trap_record traps;
unsigned checks_passed, checks_failed;

uint32_t kstrlen(const char *s)
{
    uint32_t n = 0;
    while (s[n])
        n++;
    return n;
}

static char line[256];
static uint32_t line_len;

static void out(char c)
{
    if (line_len < sizeof line)
        line[line_len++] = c;
}

static void out_num(uint32_t v, unsigned base)
{
    char buf[10];
    unsigned n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (n)
        out(buf[--n]);
}

/* Formats into `line` and writes it with one DBCN console_write (the buffer is in RAM,
 * and the kernel's virtual addresses are its physical ones). */
void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    line_len = 0;
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out(*fmt);
            continue;
        }
        switch (*++fmt) {
        case 's':
            for (const char *s = va_arg(ap, const char *); *s; s++)
                out(*s);
            break;
        case 'c': out((char)va_arg(ap, int)); break;
        case 'u': out_num(va_arg(ap, uint32_t), 10); break;
        case 'x': out_num(va_arg(ap, uint32_t), 16); break;
        case 'd': {
            long v = va_arg(ap, long);
            if (v < 0) {
                out('-');
                v = -v;
            }
            out_num((uint32_t)v, 10);
            break;
        }
        default: out('?'); break;
        }
    }
    va_end(ap);
    SBI3(EID_DBCN, DBCN_WRITE, line_len, (uint32_t)(uintptr_t)line, 0);
}

void check(int ok, const char *name)
{
    if (ok) {
        checks_passed++;
        kprintf("PASS %s\n", name);
    } else {
        checks_failed++;
        kprintf("FAIL %s\n", name);
    }
}

void check_eq(const char *name, long got, long want)
{
    if (got == want) {
        checks_passed++;
        kprintf("PASS %s\n", name);
    } else {
        checks_failed++;
        kprintf("FAIL %s: got %d (0x%x), want %d (0x%x)\n", name, got, got, want, want);
    }
}

void check_ret(const char *name, struct sbiret r, long want_error)
{
    check_eq(name, r.error, want_error);
}

void check_ret_value(const char *name, struct sbiret r, long want_error, long want_value)
{
    if (r.error == want_error && r.value == want_value) {
        checks_passed++;
        kprintf("PASS %s\n", name);
    } else {
        checks_failed++;
        kprintf("FAIL %s: got error %d value 0x%x, want error %d value 0x%x\n", name,
                r.error, r.value, want_error, want_value);
    }
}

void syscon_exit(uint32_t code)
{
    *(volatile uint32_t *)MEMMAP_SYSCON_BASE = code ? (code << 16) | 0x3333 : 0x5555;
    for (;;)
        ;
}

uint64_t now(void)
{
    uint32_t hi, lo;
    do {
        hi = csr_read(timeh);
        lo = csr_read(time);
    } while (hi != csr_read(timeh));
    return (uint64_t)hi << 32 | lo;
}

int wait_flag(volatile uint32_t *flag, uint32_t ms)
{
    uint64_t end = now() + (uint64_t)ms * TICKS_PER_MS;
    while (!*flag)
        if (now() > end)
            return 0;
    return 1;
}

/* The length of the instruction at pc: 2 if compressed. */
static uint32_t insn_length(uint32_t pc)
{
    return (*(volatile uint16_t *)(uintptr_t)pc & 3) == 3 ? 4 : 2;
}

void s_trap(struct s_frame *f)
{
    (void)f;
    uint32_t cause = csr_read(scause);
    if (cause == (SCAUSE_INTERRUPT | 5)) {          /* supervisor timer */
        traps.timer_irq_time = now();
        if (++traps.timer_irqs > 100)               /* STIP stuck high: stop the storm */
            csr_clear(sie, SIP_STIP);
        sbi_set_timer(~0ull);                       /* takes STIP back down */
        return;
    }
    if (cause == (SCAUSE_INTERRUPT | 1)) {          /* supervisor software: an IPI */
        csr_clear(sip, SIP_SSIP);
        traps.soft_irqs[this_hart() % MAX_HARTS]++;
        return;
    }
    uint32_t sepc = csr_read(sepc);
    if ((cause & SCAUSE_INTERRUPT) || !traps.expect_exception) {
        kprintf("FAIL unexpected trap: scause 0x%x sepc 0x%x stval 0x%x\n", cause, sepc,
                csr_read(stval));
        syscon_exit(100);
    }
    traps.expect_exception = 0;
    traps.scause = cause;
    traps.stval = csr_read(stval);
    traps.sepc = sepc;
    traps.exceptions++;
    if (cause == 8) {                               /* ecall from U-mode: back to S */
        csr_write(sepc, (uint32_t)(uintptr_t)umode_resume);
        csr_set(sstatus, SSTATUS_SPP);
    } else {
        csr_write(sepc, sepc + insn_length(sepc));
    }
}
