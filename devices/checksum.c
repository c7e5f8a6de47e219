/* CRC-32C (devices/checksum.h): reflected polynomial 0x82f63b78. */
#include "devices/checksum.h"

#include <stdbool.h>
#include <string.h>

#define POLY 0x82f63b78u

/* Eight tables: the software path takes 8 bytes a step (slicing by 8). */
static uint32_t table[8][256];
static bool table_ready;

static void make_table(void)
{
    for (unsigned i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ POLY : c >> 1;
        table[0][i] = c;
    }
    for (unsigned i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++)
            table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xff];
    table_ready = true;
}

static uint32_t crc_soft(uint32_t c, const uint8_t *p, size_t n)
{
    if (!table_ready)
        make_table();
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        w ^= c;
        c = table[7][w & 0xff] ^ table[6][(w >> 8) & 0xff] ^ table[5][(w >> 16) & 0xff] ^
            table[4][(w >> 24) & 0xff] ^ table[3][(w >> 32) & 0xff] ^
            table[2][(w >> 40) & 0xff] ^ table[1][(w >> 48) & 0xff] ^ table[0][w >> 56];
        p += 8;
        n -= 8;
    }
    while (n--)
        c = (c >> 8) ^ table[0][(c ^ *p++) & 0xff];
    return c;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <nmmintrin.h>

__attribute__((target("sse4.2")))
static uint32_t crc_hw(uint32_t c, const uint8_t *p, size_t n)
{
    uint64_t c64 = c;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        c64 = _mm_crc32_u64(c64, w);
        p += 8;
        n -= 8;
    }
    c = (uint32_t)c64;
    while (n--)
        c = _mm_crc32_u8(c, *p++);
    return c;
}

static bool have_hw(void)
{
    static int known = -1;
    if (known < 0)
        known = __builtin_cpu_supports("sse4.2") ? 1 : 0;
    return known;
}
#else
static uint32_t crc_hw(uint32_t c, const uint8_t *p, size_t n) { return crc_soft(c, p, n); }
static bool have_hw(void) { return false; }
#endif

uint32_t crc32c(uint32_t crc, const void *p, size_t n)
{
    uint32_t c = ~crc;
    c = have_hw() ? crc_hw(c, p, n) : crc_soft(c, p, n);
    return ~c;
}
