/*
 * The disk undo layer (devices/disk_undo.h).
 *
 * Saved blocks are reference-counted 4 KiB buffers, so that an edge's redo can share
 * the very buffer another edge's undo holds, and merging two edges moves pointers, not
 * data. A set of blocks is an open-addressing table from block number to buffer; sets
 * only grow, and are dropped whole.
 *
 * Invariants: every node not on the way from the root to the tip's parent has its redo
 * (it was made when the branch was left); a node's parent is older, so the list of
 * nodes in creation order lists parents first; the root keeps no edge.
 */
#include "devices/disk_undo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/checksum.h"
#include "devices/snapshot.h"

#define BLOCK DISK_UNDO_BLOCK
#define EMPTY_KEY UINT64_MAX

struct ublock {
    uint32_t refs;
    uint8_t data[BLOCK];
};

struct bmap {
    uint64_t *keys;
    struct ublock **vals;
    size_t cap, count;      /* cap a power of two, or 0 */
};

struct undo_node {
    uint64_t id;
    struct undo_node *parent;
    struct bmap undo;           /* blocks changed from parent to here: values at parent */
    struct bmap redo;           /* the same blocks' values here, when has_redo */
    bool has_redo;
    unsigned refs;              /* holders: snapshots */
    unsigned children;          /* nodes whose parent this is (the tip not counted) */
    uint64_t stamp;             /* disk_undo_revert's walk */
    struct undo_node *prev, *next;
};

struct disk_undo {
    struct blockdev bd;         /* what the machine sees */
    struct blockdev inner;      /* the disk below */
    uint64_t nblocks;
    struct undo_node *tip_parent;
    struct bmap tip;            /* changed since tip_parent: values at tip_parent */
    struct undo_node *first, *last;     /* every node, oldest first */
    unsigned nnodes;
    uint64_t next_id;
    uint64_t history;           /* disk_undo_set_history */
    uint64_t stamp;
    size_t blocks_held;
    bool written;
};

/* ---- blocks ---- */

static struct ublock *ublock_new(struct disk_undo *u)
{
    struct ublock *b = malloc(sizeof *b);
    if (b) {
        b->refs = 1;
        u->blocks_held++;
    }
    return b;
}

static void ublock_unref(struct disk_undo *u, struct ublock *b)
{
    if (b && --b->refs == 0) {
        free(b);
        u->blocks_held--;
    }
}

/* Block n's bytes on the disk below: a whole block but for a short last one. */
static size_t block_len(const struct disk_undo *u, uint64_t n)
{
    uint64_t rest = u->inner.size - n * BLOCK;
    return rest < BLOCK ? (size_t)rest : BLOCK;
}

/* Block n as the disk below holds it now, in a new buffer; NULL on an error. */
static struct ublock *read_block(struct disk_undo *u, uint64_t n)
{
    struct ublock *b = ublock_new(u);
    if (!b)
        return NULL;
    size_t len = block_len(u, n);
    if (u->inner.read(u->inner.opaque, n * BLOCK, b->data, len) != 0) {
        ublock_unref(u, b);
        return NULL;
    }
    memset(b->data + len, 0, BLOCK - len);
    return b;
}

static int write_block(struct disk_undo *u, uint64_t n, const struct ublock *b)
{
    return u->inner.write(u->inner.opaque, n * BLOCK, b->data, block_len(u, n));
}

/* ---- block sets ---- */

static size_t bmap_slot(const struct bmap *m, uint64_t key)
{
    uint64_t h = key * 0x9e3779b97f4a7c15ull;
    return (size_t)(h ^ h >> 29) & (m->cap - 1);
}

static struct ublock *bmap_get(const struct bmap *m, uint64_t key)
{
    if (!m->cap)
        return NULL;
    for (size_t i = bmap_slot(m, key);; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == key)
            return m->vals[i];
        if (m->keys[i] == EMPTY_KEY)
            return NULL;
    }
}

/* Room for `more` new keys without failing: so that a merge never stops halfway. */
static bool bmap_reserve(struct bmap *m, size_t more)
{
    size_t want = m->count + more;
    if (want * 2 <= m->cap)
        return true;
    size_t cap = m->cap ? m->cap : 16;
    while (want * 2 > cap)
        cap *= 2;
    uint64_t *keys = malloc(cap * sizeof *keys);
    struct ublock **vals = malloc(cap * sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return false;
    }
    for (size_t i = 0; i < cap; i++)
        keys[i] = EMPTY_KEY;
    struct bmap n = { keys, vals, cap, 0 };
    for (size_t i = 0; i < m->cap; i++) {
        if (m->keys[i] == EMPTY_KEY)
            continue;
        size_t j = bmap_slot(&n, m->keys[i]);
        while (n.keys[j] != EMPTY_KEY)
            j = (j + 1) & (cap - 1);
        n.keys[j] = m->keys[i];
        n.vals[j] = m->vals[i];
        n.count++;
    }
    free(m->keys);
    free(m->vals);
    *m = n;
    return true;
}

/* Set key to b (one more reference to b), replacing what was there unless `keep` says
 * an existing entry wins. False only when memory is short. */
static bool bmap_put(struct disk_undo *u, struct bmap *m, uint64_t key, struct ublock *b,
                     bool keep)
{
    if (!bmap_reserve(m, 1))
        return false;
    size_t i = bmap_slot(m, key);
    while (m->keys[i] != EMPTY_KEY && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    if (m->keys[i] == key) {
        if (keep)
            return true;
        ublock_unref(u, m->vals[i]);
    } else {
        m->keys[i] = key;
        m->count++;
    }
    b->refs++;
    m->vals[i] = b;
    return true;
}

static void bmap_clear(struct disk_undo *u, struct bmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i] != EMPTY_KEY)
            ublock_unref(u, m->vals[i]);
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* Every entry of src into dst: src's value wins over dst's unless `keep`. All or
 * nothing: false (dst unchanged) when memory is short. */
static bool bmap_overlay(struct disk_undo *u, struct bmap *dst, const struct bmap *src,
                         bool keep)
{
    if (!bmap_reserve(dst, src->count))
        return false;
    for (size_t i = 0; i < src->cap; i++)
        if (src->keys[i] != EMPTY_KEY)
            bmap_put(u, dst, src->keys[i], src->vals[i], keep);     /* cannot fail now */
    return true;
}

/* ---- the backend ---- */

static int undo_read(void *opaque, uint64_t off, void *buf, size_t len)
{
    struct disk_undo *u = opaque;
    return u->inner.read(u->inner.opaque, off, buf, len);
}

/* Before the first write to a block since the latest mark, its old contents go into
 * the tip's set. If they cannot be saved the write is refused (an I/O error for the
 * guest) rather than made without a way back. */
static int undo_write(void *opaque, uint64_t off, const void *buf, size_t len)
{
    struct disk_undo *u = opaque;
    if (!u->inner.write)
        return -1;
    u->written = true;
    if (u->tip_parent && len) {
        uint64_t last = (off + len - 1) / BLOCK;
        for (uint64_t n = off / BLOCK; n <= last; n++) {
            if (bmap_get(&u->tip, n))
                continue;
            struct ublock *b = read_block(u, n);
            bool ok = b && bmap_put(u, &u->tip, n, b, false);
            ublock_unref(u, b);
            if (!ok)
                return -1;
        }
    }
    return u->inner.write(u->inner.opaque, off, buf, len);
}

static int undo_flush(void *opaque)
{
    struct disk_undo *u = opaque;
    return u->inner.flush ? u->inner.flush(u->inner.opaque) : 0;
}

static int undo_identity(void *opaque, uint64_t *size, int64_t *mtime_ns)
{
    struct disk_undo *u = opaque;
    if (!u->inner.identity)
        return -1;
    return u->inner.identity(u->inner.opaque, size, mtime_ns);
}

struct disk_undo *disk_undo_create(const struct blockdev *inner)
{
    if (!inner || !inner->read)
        return NULL;
    struct disk_undo *u = calloc(1, sizeof *u);
    if (!u)
        return NULL;
    u->inner = *inner;
    u->nblocks = (inner->size + BLOCK - 1) / BLOCK;
    u->next_id = 1;
    u->bd = (struct blockdev){
        .opaque = u, .size = inner->size, .readonly = inner->readonly,
        .transient = inner->transient,
        .read = undo_read, .write = inner->write ? undo_write : NULL,
        .flush = undo_flush, .undo = u,
        .identity = inner->identity ? undo_identity : NULL,
    };
    return u;
}

const struct blockdev *disk_undo_backend(struct disk_undo *u)
{
    return &u->bd;
}

/* ---- the tree ---- */

static struct undo_node *node_new(struct disk_undo *u, uint64_t id)
{
    struct undo_node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->id = id;
    n->prev = u->last;
    if (u->last)
        u->last->next = n;
    else
        u->first = n;
    u->last = n;
    u->nnodes++;
    return n;
}

static void node_free(struct disk_undo *u, struct undo_node *n)
{
    bmap_clear(u, &n->undo);
    bmap_clear(u, &n->redo);
    if (n->prev)
        n->prev->next = n->next;
    else
        u->first = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else
        u->last = n->prev;
    u->nnodes--;
    free(n);
}

static unsigned branches(const struct disk_undo *u, const struct undo_node *n)
{
    return n->children + (u->tip_parent == n);
}

static struct undo_node *only_child(struct undo_node *n)
{
    for (struct undo_node *c = n->next; c; c = c->next)
        if (c->parent == n)
            return c;
    return NULL;
}

/*
 * Drop what nobody needs, from x upwards: a mark nobody holds with no branch below goes
 * (and its parent is looked at next); one with a single branch is merged into it (the
 * edges above and below become one: the upper undo wins, being older, the lower redo
 * wins, being newer); one with two branches stays, as the place they part. At the root
 * a single branch simply becomes the new root, with nothing to go back to above it.
 */
static void prune(struct disk_undo *u, struct undo_node *x)
{
    while (x && x->refs == 0) {
        struct undo_node *parent = x->parent;
        unsigned nb = branches(u, x);
        if (nb == 0) {
            if (parent)
                parent->children--;
            node_free(u, x);
            x = parent;
            continue;
        }
        if (nb > 1)
            return;
        if (u->tip_parent == x) {
            if (!parent) {
                bmap_clear(u, &u->tip);         /* no mark left: nothing to keep */
                u->tip_parent = NULL;
            } else if (bmap_overlay(u, &u->tip, &x->undo, false)) {
                u->tip_parent = parent;
                parent->children--;
            } else {
                return;                         /* memory is short: keep it as it is */
            }
            node_free(u, x);
            return;
        }
        struct undo_node *c = only_child(x);
        if (!parent) {
            bmap_clear(u, &c->undo);
            bmap_clear(u, &c->redo);
            c->has_redo = false;
        } else {
            if (!bmap_overlay(u, &c->undo, &x->undo, false))
                return;
            if (!(x->has_redo && c->has_redo && bmap_overlay(u, &c->redo, &x->redo, true))) {
                bmap_clear(u, &c->redo);        /* both are then on the tip's way */
                c->has_redo = false;
            }
        }
        c->parent = parent;
        node_free(u, x);
        return;
    }
}

struct undo_node *disk_undo_mark(struct disk_undo *u)
{
    struct undo_node *n = node_new(u, u->next_id);
    if (!n)
        return NULL;
    u->next_id++;
    n->parent = u->tip_parent;
    n->undo = u->tip;
    memset(&u->tip, 0, sizeof u->tip);
    n->refs = 1;
    if (n->parent)
        n->parent->children++;
    struct undo_node *old = u->tip_parent;
    u->tip_parent = n;
    prune(u, old);
    return n;
}

void disk_undo_hold(struct disk_undo *u, struct undo_node *n)
{
    (void)u;
    n->refs++;
}

void disk_undo_release(struct disk_undo *u, struct undo_node *n)
{
    if (!n || n->refs == 0)
        return;
    n->refs--;
    prune(u, n);
}

/* Node x is being left (the tip moves off its branch): its redo, the values here of the
 * blocks its edge changed, are `cur`'s where cur has them (changed further down) and
 * the disk's otherwise. */
static int make_redo(struct disk_undo *u, struct undo_node *x, const struct bmap *cur)
{
    if (x->has_redo)
        return 0;
    if (!bmap_reserve(&x->redo, x->undo.count))
        return -1;
    for (size_t i = 0; i < x->undo.cap; i++) {
        uint64_t n = x->undo.keys[i];
        if (n == EMPTY_KEY)
            continue;
        struct ublock *now = bmap_get(cur, n);
        if (now) {
            bmap_put(u, &x->redo, n, now, false);
            continue;
        }
        if (!(now = read_block(u, n)))
            return -1;
        bmap_put(u, &x->redo, n, now, false);
        ublock_unref(u, now);
    }
    x->has_redo = true;
    return 0;
}

int disk_undo_revert(struct disk_undo *u, struct undo_node *t, char *err, size_t errlen)
{
    uint64_t stamp = ++u->stamp;
    for (struct undo_node *a = t; a; a = a->parent)
        a->stamp = stamp;
    struct bmap cur = { 0 };
    const char *why = "out of memory";
    /* Up from the tip to the first mark t descends from; cur holds the blocks' values
     * at the node reached (for those changed on the way). */
    if (!bmap_overlay(u, &cur, &u->tip, false))
        goto fail;
    struct undo_node *x = u->tip_parent;
    for (; x && x->stamp != stamp; x = x->parent) {
        if (make_redo(u, x, &cur)) {
            why = "cannot read the disk";
            goto fail;
        }
        if (!bmap_overlay(u, &cur, &x->undo, false))
            goto fail;
    }
    if (!x) {
        why = "the mark is not in this disk's history";
        goto fail;
    }
    /* Down from there to t: nodes on the way, collected from t up. */
    unsigned depth = 0;
    for (struct undo_node *d = t; d != x; d = d->parent)
        depth++;
    struct undo_node **down = malloc((depth + 1) * sizeof *down);
    if (!down)
        goto fail;
    unsigned k = depth;
    for (struct undo_node *d = t; d != x; d = d->parent)
        down[--k] = d;
    for (k = 0; k < depth; k++) {
        if (!down[k]->has_redo || !bmap_overlay(u, &cur, &down[k]->redo, false)) {
            why = down[k]->has_redo ? "out of memory" : "a branch of the history was lost";
            free(down);
            goto fail;
        }
    }
    free(down);
    for (size_t i = 0; i < cur.cap; i++) {
        if (cur.keys[i] != EMPTY_KEY && write_block(u, cur.keys[i], cur.vals[i]) != 0) {
            why = "cannot write the disk";
            goto fail;
        }
    }
    bmap_clear(u, &cur);
    bmap_clear(u, &u->tip);
    struct undo_node *old = u->tip_parent;
    u->tip_parent = t;
    prune(u, old);
    return 0;
fail:
    bmap_clear(u, &cur);
    snprintf(err, errlen, "cannot put the disk back: %s", why);
    return -1;
}

uint64_t disk_undo_node_id(const struct undo_node *n)
{
    return n->id;
}

struct undo_node *disk_undo_find(struct disk_undo *u, uint64_t id)
{
    for (struct undo_node *n = u->first; n; n = n->next)
        if (n->id == id)
            return n;
    return NULL;
}

struct undo_node *disk_undo_tip_parent(struct disk_undo *u)
{
    return u->tip_parent;
}

size_t disk_undo_bytes(const struct disk_undo *u)
{
    return u->blocks_held * BLOCK;
}

unsigned disk_undo_marks(const struct disk_undo *u)
{
    return u->nnodes;
}

uint64_t disk_undo_history(const struct disk_undo *u)
{
    return u->history;
}

void disk_undo_set_history(struct disk_undo *u, uint64_t id)
{
    u->history = id;
}

bool disk_undo_written(const struct disk_undo *u)
{
    return u->written;
}

/* Until nothing changes: each pass drops (or merges) one mark nobody holds. */
void disk_undo_prune(struct disk_undo *u)
{
    bool again = true;
    while (again) {
        again = false;
        for (struct undo_node *n = u->last, *prev; n && !again; n = prev) {
            prev = n->prev;             /* read before prune() may free n */
            if (n->refs > 0 || branches(u, n) > 1)
                continue;
            unsigned before = u->nnodes;
            prune(u, n);
            again = u->nnodes != before;
        }
    }
}

void disk_undo_destroy(struct disk_undo *u)
{
    if (!u)
        return;
    while (u->first)
        node_free(u, u->first);
    bmap_clear(u, &u->tip);
    free(u);
}

/* ---- saving and loading the history ---- */

static void save_set(const struct bmap *m, struct snap_writer *w)
{
    snap_put_u32(w, (uint32_t)m->count);
    for (size_t i = 0; i < m->cap; i++) {
        if (m->keys[i] == EMPTY_KEY)
            continue;
        snap_put_u64(w, m->keys[i]);
        snap_put_bytes(w, m->vals[i]->data, BLOCK);
    }
}

void disk_undo_save(const struct disk_undo *u, struct snap_writer *w)
{
    snap_begin(w, "disk-undo", 1);
    snap_put_u32(w, BLOCK);
    snap_put_u64(w, u->inner.size);
    snap_put_u64(w, u->next_id);
    snap_put_u64(w, u->history);
    snap_put_u64(w, u->tip_parent ? u->tip_parent->id : 0);
    snap_put_u32(w, u->nnodes);
    for (const struct undo_node *n = u->first; n; n = n->next) {
        snap_put_u64(w, n->id);
        snap_put_u64(w, n->parent ? n->parent->id : 0);
        snap_put_bool(w, n->has_redo);
        save_set(&n->undo, w);
        if (n->has_redo)
            save_set(&n->redo, w);
    }
    save_set(&u->tip, w);
    snap_end(w);
}

/* A set of blocks into m: every block on the disk, none twice. */
static int load_set(struct disk_undo *u, struct bmap *m, struct snap_reader *r)
{
    uint32_t count = snap_get_u32(r);
    if (snap_ok(r) && count > u->nblocks)
        return snap_fail(r, "a set of %u blocks on a disk of %llu", count,
                         (unsigned long long)u->nblocks);
    if (snap_ok(r) && !bmap_reserve(m, count))
        return snap_fail(r, "out of memory");
    for (uint32_t i = 0; i < count && snap_ok(r); i++) {
        uint64_t n = snap_get_u64(r);
        const uint8_t *data = snap_get_span(r, BLOCK);
        if (!snap_ok(r))
            break;
        if (n >= u->nblocks || bmap_get(m, n))
            return snap_fail(r, "block %llu out of place", (unsigned long long)n);
        struct ublock *b = ublock_new(u);
        if (!b)
            return snap_fail(r, "out of memory");
        memcpy(b->data, data, BLOCK);
        bmap_put(u, m, n, b, false);
        ublock_unref(u, b);
    }
    return snap_status(r);
}


int disk_undo_load(struct disk_undo *u, struct snap_reader *rd)
{
    struct snap_reader r;
    if (!snap_enter(rd, "disk-undo", 1, &r))
        return -1;
    if (u->first || u->written)
        return snap_fail(&r, "the disk was written or marked before its history was read");
    uint32_t block = snap_get_u32(&r);
    uint64_t size = snap_get_u64(&r), next_id = snap_get_u64(&r), history = snap_get_u64(&r);
    uint64_t tip_id = snap_get_u64(&r);
    uint32_t count = snap_get_u32(&r);
    if (snap_ok(&r) && (block != BLOCK || size != u->inner.size))
        return snap_fail(&r, "a history of a %llu-byte disk in %u-byte blocks, this disk has "
                         "%llu bytes", (unsigned long long)size, block,
                         (unsigned long long)u->inner.size);
    /* Built on a private list; u's own stays empty until all is read. */
    struct disk_undo t = *u;
    t.first = t.last = NULL;
    t.nnodes = 0;
    t.tip_parent = NULL;
    memset(&t.tip, 0, sizeof t.tip);
    uint64_t prev_id = 0;
    for (uint32_t i = 0; i < count && snap_ok(&r); i++) {
        uint64_t id = snap_get_u64(&r), parent_id = snap_get_u64(&r);
        bool has_redo = snap_get_bool(&r);
        if (!snap_ok(&r))
            break;
        if (id <= prev_id || id >= next_id || parent_id >= id) {
            snap_fail(&r, "mark %llu (parent %llu) out of order", (unsigned long long)id,
                      (unsigned long long)parent_id);
            break;
        }
        prev_id = id;
        struct undo_node *parent = parent_id ? disk_undo_find(&t, parent_id) : NULL;
        if (parent_id && !parent) {
            snap_fail(&r, "mark %llu has no parent %llu", (unsigned long long)id,
                      (unsigned long long)parent_id);
            break;
        }
        struct undo_node *n = node_new(&t, id);
        if (!n) {
            snap_fail(&r, "out of memory");
            break;
        }
        n->parent = parent;
        n->has_redo = has_redo;
        if (parent)
            parent->children++;
        if (load_set(&t, &n->undo, &r) || (has_redo && load_set(&t, &n->redo, &r)))
            break;
    }
    if (snap_ok(&r)) {
        t.tip_parent = tip_id ? disk_undo_find(&t, tip_id) : NULL;
        if (tip_id && !t.tip_parent)
            snap_fail(&r, "the disk descends from mark %llu, which is not there",
                      (unsigned long long)tip_id);
    }
    if (snap_ok(&r))
        load_set(&t, &t.tip, &r);
    if (!snap_leave(&r)) {
        while (t.first)
            node_free(&t, t.first);
        bmap_clear(&t, &t.tip);
        return -1;
    }
    t.next_id = next_id;
    t.history = history;
    *u = t;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void collect(const struct bmap *m, uint64_t *out, size_t *n)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i] != EMPTY_KEY)
            out[(*n)++] = m->keys[i];
}

int disk_undo_covered_crc(struct disk_undo *u, uint32_t *crc)
{
    size_t total = u->tip.count;
    for (const struct undo_node *n = u->first; n; n = n->next)
        total += n->undo.count + n->redo.count;
    uint64_t *blocks = malloc((total + 1) * sizeof *blocks);
    uint8_t *buf = malloc(BLOCK);
    if (!blocks || !buf) {
        free(blocks);
        free(buf);
        return -1;
    }
    size_t n = 0;
    collect(&u->tip, blocks, &n);
    for (const struct undo_node *x = u->first; x; x = x->next) {
        collect(&x->undo, blocks, &n);
        collect(&x->redo, blocks, &n);
    }
    qsort(blocks, n, sizeof *blocks, cmp_u64);
    uint32_t c = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (i && blocks[i] == blocks[i - 1])
            continue;
        size_t len = block_len(u, blocks[i]);
        if (u->inner.read(u->inner.opaque, blocks[i] * BLOCK, buf, len) != 0) {
            rc = -1;
            break;
        }
        uint8_t le[8];
        for (int k = 0; k < 8; k++)
            le[k] = (uint8_t)(blocks[i] >> (8 * k));
        c = crc32c(c, le, sizeof le);
        c = crc32c(c, buf, len);
    }
    free(blocks);
    free(buf);
    *crc = c;
    return rc;
}
