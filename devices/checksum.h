/*
 * CRC-32C (Castagnoli), the checksum of snapshot files' records and of the disk blocks a
 * snapshot's undo data covers. It uses the CPU's crc32 instruction where there is one
 * (SSE4.2: a few GB/s, so checking a 30 MB snapshot costs milliseconds), a table
 * otherwise; both give the same values.
 */
#ifndef RVBOX_CHECKSUM_H
#define RVBOX_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* The CRC of [p, p + n) continued from `crc` (0 to start). */
uint32_t crc32c(uint32_t crc, const void *p, size_t n);

#endif
