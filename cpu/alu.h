/*
 * The M extension's arithmetic, with the spec's results for the corner cases
 * (unprivileged spec, "Division Operations": division by zero and signed overflow
 * do not trap).
 */
#ifndef RVBOX_ALU_H
#define RVBOX_ALU_H

#include <stdint.h>

static inline uint32_t alu_mulh(uint32_t a, uint32_t b)
{
    return (uint32_t)(((int64_t)(int32_t)a * (int64_t)(int32_t)b) >> 32);
}

static inline uint32_t alu_mulhsu(uint32_t a, uint32_t b)
{
    return (uint32_t)(((int64_t)(int32_t)a * (int64_t)(uint64_t)b) >> 32);
}

static inline uint32_t alu_mulhu(uint32_t a, uint32_t b)
{
    return (uint32_t)(((uint64_t)a * b) >> 32);
}

/* x / 0 = -1; INT_MIN / -1 = INT_MIN */
static inline uint32_t alu_div(uint32_t a, uint32_t b)
{
    if (b == 0)
        return UINT32_MAX;
    if (a == 0x80000000u && b == UINT32_MAX)
        return a;
    return (uint32_t)((int32_t)a / (int32_t)b);
}

/* x / 0 = 2^32 - 1 */
static inline uint32_t alu_divu(uint32_t a, uint32_t b)
{
    return b ? a / b : UINT32_MAX;
}

/* x % 0 = x; INT_MIN % -1 = 0 */
static inline uint32_t alu_rem(uint32_t a, uint32_t b)
{
    if (b == 0)
        return a;
    if (a == 0x80000000u && b == UINT32_MAX)
        return 0;
    return (uint32_t)((int32_t)a % (int32_t)b);
}

/* x % 0 = x */
static inline uint32_t alu_remu(uint32_t a, uint32_t b)
{
    return b ? a % b : a;
}

#endif
