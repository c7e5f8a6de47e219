/*
 * The snapshot's section format: every piece of machine state is written field by field
 * into named, versioned sections, and read back the same way. No struct is ever copied
 * to or from a snapshot as raw bytes.
 *
 *   section := name_len u8, name (name_len bytes), version u32, length u32, payload
 *
 * All numbers are little-endian. Sections nest (a virtio-mmio slot holds its device's).
 * A reader asks for the section it expects: a different name, a different version (an
 * older or newer layout) or a payload not read to its last byte is refused with a
 * one-line reason, never misread.
 *
 * Loading is two passes over the same bytes, so that nothing is touched unless all of
 * it is good: a check pass (snap_applying() false) in which each device parses and
 * validates its section into a copy of its state, then, only if every section passed,
 * an apply pass in which each commits its copy. A device's load function is written
 * once for both:
 *
 *     struct uart s = *u;            the device's state, read into a copy
 *     s.ier = snap_get_u8(r); ...
 *     if (s.rx_count > 16) return snap_fail(r, "receive FIFO holds %u bytes", ...);
 *     if (!snap_applying(r)) return snap_status(r);
 *     *u = s;                        commit
 *
 * Each device describes itself with a struct snap_ops, which it hands to the bus along
 * with its region (bus_set_snapshot), so that the machine finds every region's state by
 * walking the bus, and a region without one is noticed (machine_snapshot_check).
 */
#ifndef RVBOX_SNAPSHOT_H
#define RVBOX_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNAP_NAME_MAX  31
#define SNAP_DEPTH_MAX 8

/* A growing buffer of sections. Out of memory is noted once and ends the writing:
 * snap_writer_failed() tells. */
struct snap_writer {
    uint8_t *buf;
    size_t len, cap;
    bool failed;
    size_t open[SNAP_DEPTH_MAX];    /* where each open section's length field is */
    unsigned depth;
};

void snap_writer_init(struct snap_writer *w);
void snap_writer_free(struct snap_writer *w);
bool snap_writer_failed(const struct snap_writer *w);

/* Open a section (nested in the one open, if any); snap_end closes the innermost. */
void snap_begin(struct snap_writer *w, const char *name, uint32_t version);
void snap_end(struct snap_writer *w);

void snap_put_u8(struct snap_writer *w, uint8_t v);
void snap_put_u16(struct snap_writer *w, uint16_t v);
void snap_put_u32(struct snap_writer *w, uint32_t v);
void snap_put_u64(struct snap_writer *w, uint64_t v);
void snap_put_bool(struct snap_writer *w, bool v);
void snap_put_bytes(struct snap_writer *w, const void *p, size_t n);

/* What the readers of one load share: the pass, and the first failure. */
struct snap_ctx {
    bool apply;                 /* false: the check pass, nothing may change */
    bool failed;
    char *err;
    size_t errlen;
};

/* A bounded view of the bytes: the whole blob, or one section's payload. */
struct snap_reader {
    struct snap_ctx *ctx;
    const uint8_t *p;
    size_t len, pos;
    char section[SNAP_NAME_MAX + 1];    /* for messages */
};

/* A reader of `len` bytes at `p` in ctx, outside any section. */
void snap_reader_init(struct snap_reader *r, struct snap_ctx *ctx, const void *p, size_t len);

/* Read the next section's header from r, which must be `name` at `version`: `sub` then
 * reads its payload and r moves past it. False (and ctx failed) otherwise. */
bool snap_enter(struct snap_reader *r, const char *name, uint32_t version,
                struct snap_reader *sub);

/* The section's payload must have been read to its end (else: a different layout). */
bool snap_leave(struct snap_reader *sub);

/* The name of the next section in r, without reading it; false at the end. */
bool snap_peek_name(const struct snap_reader *r, char name[SNAP_NAME_MAX + 1]);

/* Has r been read to its end? */
bool snap_at_end(const struct snap_reader *r);

/* Values; past the end of the payload they read 0 and the load fails. */
uint8_t snap_get_u8(struct snap_reader *r);
uint16_t snap_get_u16(struct snap_reader *r);
uint32_t snap_get_u32(struct snap_reader *r);
uint64_t snap_get_u64(struct snap_reader *r);
bool snap_get_bool(struct snap_reader *r);          /* 0 or 1, anything else fails */
void snap_get_bytes(struct snap_reader *r, void *dst, size_t n);
/* The next n bytes where they lie in the blob (for large arrays, copied only in the
 * apply pass); NULL past the end. */
const uint8_t *snap_get_span(struct snap_reader *r, size_t n);

/* Fail the load with a reason ("section NAME: ..."); returns -1. The first reason
 * wins. */
int snap_fail(struct snap_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* No failure so far; in the apply pass. */
bool snap_ok(const struct snap_reader *r);
bool snap_applying(const struct snap_reader *r);

/* 0 if nothing failed, else -1. */
int snap_status(const struct snap_reader *r);

/* A device's snapshot support: what the bus carries beside its region. */
struct snap_ops {
    const char *name;           /* its section's name */
    uint32_t version;           /* its section's layout; bump on any change */
    /* Write the payload (the machine opens and closes the section). */
    void (*save)(const void *dev, struct snap_writer *w);
    /* Read the payload, both passes (see above): 0, or -1 through snap_fail. */
    int (*load)(void *dev, struct snap_reader *r);
    /* Optional: once every device is loaded, drive output lines to the loaded levels. */
    void (*post_load)(void *dev);
    /* Optional: the name of a part of the device with no snapshot support (a virtio
     * slot's device), or NULL when it is all covered. */
    const char *(*missing)(const void *dev);
};

/*
 * The layout guard: LP64 hosts only (where the sizes are known), a compile error when a
 * struct whose every field a snapshot saves grows or shrinks, so that whoever adds a
 * field also decides how it is saved (and updates the size here).
 */
#if UINTPTR_MAX == UINT64_MAX && defined(__x86_64__)
#define SNAP_LAYOUT(type, size) \
    _Static_assert(sizeof(type) == (size), \
                   #type " changed: save the new field in its snapshot, then update " #size)
#else
#define SNAP_LAYOUT(type, size) _Static_assert(1, "")
#endif

#endif
