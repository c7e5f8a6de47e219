/*
 * The snapshot file's container (docs/snapshots.md): a header, then records, each with
 * its own checksum. Records are only ever appended; a later record supersedes an
 * earlier one (a snapshot saved again under its name, a deletion, the disks' history),
 * and the file is rewritten without what was superseded once that is most of it.
 *
 *   file   := "RVBOXSNP", u32 format, u32 header_len, header, records
 *   header := u16 len + rvbox version, u32 len + machine fingerprint, u32 CRC-32C of all
 *             the bytes before it (from the magic on)
 *   record := u32 "RVSR", u32 type, u64 payload length, u32 CRC-32C of the payload,
 *             u32 CRC-32C of the 20 header bytes before it, payload
 *
 * All numbers little-endian. A file that is cut short, whose header or any record's
 * checksum is wrong, or of another format or rvbox version is refused whole, with a
 * one-line reason.
 */
#ifndef RVBOX_SNAPSHOT_FORMAT_H
#define RVBOX_SNAPSHOT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNAPFILE_MAGIC   "RVBOXSNP"
#define SNAPFILE_FORMAT  1
#define SNAPFILE_NAME_MAX 63

enum snapfile_type {
    REC_SNAPSHOT = 1,           /* a named snapshot (host/snapshot_file.c) */
    REC_DISKS = 2,              /* the disks' histories and who they are */
    REC_DELETE = 3,             /* a name deleted */
};

/* Where a live record is. */
struct snapfile_rec {
    char name[SNAPFILE_NAME_MAX + 1];   /* snapshots */
    uint64_t off;                       /* of the payload */
    uint64_t len;
    uint32_t crc;
};

struct snapfile {
    int fd;
    char *path;
    uint64_t size;
    char version[64];
    char *fingerprint;
    uint64_t data_start;                /* the first record */
    struct snapfile_rec *snaps;         /* live snapshots, oldest first */
    size_t nsnaps;
    bool has_disks;
    struct snapfile_rec disks;          /* the latest disks record */
    uint64_t garbage;                   /* bytes of superseded records */
};

/* Open an existing file and index it (read-only unless `write`): 1 if it exists and is
 * good, 0 if there is no file, -1 with a reason. The fingerprint is the caller's to
 * compare. The file stays locked (shared, or exclusive to write) until closed. */
int snapfile_open(struct snapfile *f, const char *path, bool write, char *err, size_t errlen);

/* Open the file to write, creating it (with this fingerprint) if there is none: 0, or
 * -1 with a reason. The fingerprint of an existing file is the caller's to compare. */
int snapfile_open_create(struct snapfile *f, const char *path, const char *fingerprint,
                         char *err, size_t errlen);

/* Create a new, empty file for a machine with this fingerprint (replacing none). */
int snapfile_create(struct snapfile *f, const char *path, const char *fingerprint, char *err,
                    size_t errlen);

void snapfile_close(struct snapfile *f);

/* Append a record (and update the index: a snapshot's name is the payload's first
 * field). Not yet durable: snapfile_sync. */
int snapfile_append(struct snapfile *f, uint32_t type, const void *payload, size_t len,
                    char *err, size_t errlen);
int snapfile_sync(struct snapfile *f, char *err, size_t errlen);

/* A live record's payload, checked against its CRC; the caller frees *out. */
int snapfile_read(struct snapfile *f, const struct snapfile_rec *r, uint8_t **out, char *err,
                  size_t errlen);

/* The first `len` bytes of a record's payload (for listings), unchecked. */
int snapfile_peek(struct snapfile *f, const struct snapfile_rec *r, void *buf, size_t len,
                  size_t *got);

/* A live snapshot by name, or NULL. */
const struct snapfile_rec *snapfile_find(const struct snapfile *f, const char *name);

/* Rewrite the file with only its live records (a new file renamed over it) when the
 * superseded ones are most of it. */
int snapfile_maybe_compact(struct snapfile *f, char *err, size_t errlen);

#endif
