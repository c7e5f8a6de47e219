/*
 * DBCN, the debug console: bytes to and from UART0 (console.c), as they are (no newline
 * translation). Buffers are given by physical address, split in two XLEN halves; they
 * must lie in RAM (the device tree's /memory), which the firmware reads directly (it
 * runs with paging off). A buffer anywhere else, or above 4 GiB, is
 * SBI_ERR_INVALID_PARAM.
 */
#include "firmware/console.h"
#include "firmware/sbi.h"

/* May the firmware use the buffer of a write or read call? An empty one touches
 * nothing. */
static int buffer_ok(uint32_t num_bytes, uint32_t base_lo, uint32_t base_hi)
{
    return num_bytes == 0 || (base_hi == 0 && fw_in_ram(base_lo, num_bytes));
}

struct sbiret sbi_dbcn(uint32_t fid, const uint32_t *args)
{
    uint32_t num = args[0];
    uint8_t *buf = (uint8_t *)(uintptr_t)args[1];
    switch (fid) {
    case SBI_DBCN_WRITE:
        if (!buffer_ok(num, args[1], args[2]))
            return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
        for (uint32_t i = 0; i < num; i++)
            console_putc(buf[i]);
        return (struct sbiret){ SBI_SUCCESS, (long)num };
    case SBI_DBCN_READ: {
        if (!buffer_ok(num, args[1], args[2]))
            return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
        uint32_t n = 0;
        for (int c; n < num && (c = console_getc()) >= 0;)
            buf[n++] = (uint8_t)c;
        return (struct sbiret){ SBI_SUCCESS, (long)n };
    }
    case SBI_DBCN_WRITE_BYTE:
        console_putc((uint8_t)args[0]);
        return (struct sbiret){ SBI_SUCCESS, 0 };
    default:
        return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
    }
}
