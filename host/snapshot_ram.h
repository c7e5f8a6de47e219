/*
 * Guest RAM in a snapshot file: a bitmap of the 4 KiB pages that are not all zero, and
 * those pages, in order, as one zstd frame (with zstd's content checksum). Zero pages
 * cost a bit each: a guest at its prompt leaves most of its RAM untouched.
 *
 *   ram := u32 pages, bitmap (pages/8 bytes, bit i of byte i/8: page i kept),
 *          u64 compressed bytes, the zstd frame
 */
#ifndef RVBOX_SNAPSHOT_RAM_H
#define RVBOX_SNAPSHOT_RAM_H

#include <stddef.h>
#include <stdint.h>

struct snap_writer;

/* The zstd level: 1 is the fastest of the positive levels; negative ones are faster
 * still and compress less (docs/snapshots.md has the measurements). */
#define SNAPSHOT_RAM_LEVEL 1

/* Append `ram` (size a multiple of 4 KiB) to w. -1 with a reason. */
int snapshot_ram_save(const uint8_t *ram, uint32_t size, struct snap_writer *w, char *err,
                      size_t errlen);

/* A saved RAM image, parsed: where its bitmap and frame are in the caller's buffer. */
struct snapshot_ram {
    uint32_t pages;
    const uint8_t *bitmap;
    const uint8_t *frame;
    uint64_t frame_len;
    uint64_t kept;              /* pages in the frame */
};

/* Parse p[0..len) (consumed exactly) and check it as far as can be without changing
 * anything: the sizes, and the whole frame decoded (into a scratch buffer) with its
 * checksum. 0, or -1 with a reason. */
int snapshot_ram_check(const uint8_t *p, size_t len, uint32_t ram_size,
                       struct snapshot_ram *out, char *err, size_t errlen);

/* Write a checked image into ram: kept pages decoded in place, the others zeroed
 * (only where not zero already, so untouched RAM stays untouched). -1 only if zstd
 * fails after all (then RAM is in between). */
int snapshot_ram_apply(const struct snapshot_ram *s, uint8_t *ram, char *err, size_t errlen);

#endif
