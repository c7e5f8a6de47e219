/*
 * kite-fsck [-n] [--dump] IMAGE: check a Kite file system (include/kite/fs.h).
 *
 * First it does what the kernel does at boot (kernel/log.c, recover): a transaction
 * the log holds is installed and the log emptied; the image is written back unless -n.
 * Then it checks that the file system is consistent:
 *   - the superblock's regions are in order and fit;
 *   - every inode in use is a file or a directory, no bigger than a file can be, with
 *     block numbers inside the data region and no missing block before its end;
 *   - no block belongs to two inodes (or twice to one);
 *   - the bitmap marks exactly the blocks in use: the metadata and every block some
 *     inode uses (a block marked but unused is leaked, one used but free is doomed);
 *   - every directory holds "." (itself) then ".." (its parent; the root's is itself),
 *     names that are not empty, have no '/' and appear once, for inodes in use;
 *   - every inode in use is named by some directory, and its link count is the number
 *     of entries naming it ("." not counted); a directory is named once, by its parent.
 * It prints each problem on a line and exits 1 if there is any, 0 if none (2: it
 * could not read the image).
 *
 * --dump prints the tree after the check, one line per file, sorted by path:
 *     d /dir
 *     f /dir/file SIZE HASH     (HASH: 32-bit FNV-1a of the contents, in hex)
 * tests/kite-fs/powercut.py compares these with what a script of operations made.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kite/abi.h"
#include "kite/fs.h"

static const char *prog = "kite-fsck";
static uint8_t *img;
static uint32_t nblocks;            /* in the image file */
static struct superblock sb;
static int problems;
static uint32_t *owner;             /* block -> inode using it, 0 = none */
static uint16_t *refs;              /* inode -> directory entries naming it */
static uint8_t *reached;            /* inode -> found in the tree */

static void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void problem(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s: ", prog);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    problems++;
}

static uint8_t *block(uint32_t b) { return img + (size_t)b * BSIZE; }

static struct dinode *inode(uint32_t inum)
{
    return (struct dinode *)block(sb.inodestart + inum / IPB) + inum % IPB;
}

/* Recover as the kernel does. Returns the blocks installed, -1 if the header is bad. */
static int recover(void)
{
    struct logheader *lh = (struct logheader *)block(sb.logstart);
    if (lh->n == 0)
        return 0;
    if (lh->n > LOGSIZE || lh->n > sb.nlog - 1)
        return -1;
    for (uint32_t i = 0; i < lh->n; i++)
        if (lh->block[i] >= sb.size)
            return -1;
    for (uint32_t i = 0; i < lh->n; i++)
        memcpy(block(lh->block[i]), block(sb.logstart + 1 + i), BSIZE);
    int n = (int)lh->n;
    lh->n = 0;
    return n;
}

static int check_superblock(void)
{
    memcpy(&sb, block(1), sizeof sb);
    if (sb.magic != FS_MAGIC) {
        problem("no Kite file system (magic 0x%08x)", sb.magic);
        return -1;
    }
    if (sb.size > nblocks || sb.logstart != 2 || sb.nlog < 2 ||
        sb.inodestart != sb.logstart + sb.nlog ||
        sb.bmapstart != sb.inodestart + (sb.ninodes + IPB - 1) / IPB ||
        sb.datastart != sb.bmapstart + (sb.size + BPB - 1) / BPB || sb.datastart >= sb.size ||
        sb.ninodes < 2) {
        problem("superblock: regions out of order or too big (size %u, log %u+%u, inodes "
                "%u, bitmap %u, data %u)", sb.size, sb.logstart, sb.nlog, sb.inodestart,
                sb.bmapstart, sb.datastart);
        return -1;
    }
    return 0;
}

/* Block b is used by inode inum (as data or as its indirect block). */
static int claim(uint32_t inum, uint32_t b, const char *what)
{
    if (b < sb.datastart || b >= sb.size) {
        problem("inode %u: %s block %u is outside the data region", inum, what, b);
        return -1;
    }
    if (owner[b]) {
        problem("block %u is used twice: by inode %u and by inode %u", b, owner[b], inum);
        return -1;
    }
    owner[b] = inum;
    return 0;
}

static void check_inode(uint32_t inum)
{
    struct dinode *d = inode(inum);
    if (d->type != T_FILE && d->type != T_DIR) {
        problem("inode %u: type %u is neither file nor directory", inum, d->type);
        return;
    }
    if (d->size > (uint32_t)MAXFILE * BSIZE)
        problem("inode %u: size %u is more than a file can hold", inum, d->size);
    uint32_t need = (d->size + BSIZE - 1) / BSIZE;
    for (uint32_t bn = 0; bn < NDIRECT; bn++) {
        if (d->addrs[bn])
            claim(inum, d->addrs[bn], "data");
        else if (bn < need)
            problem("inode %u: block %u of the file is missing", inum, bn);
    }
    if (!d->addrs[NDIRECT]) {
        if (need > NDIRECT)
            problem("inode %u: size %u but no indirect block", inum, d->size);
        return;
    }
    if (claim(inum, d->addrs[NDIRECT], "indirect") < 0)
        return;
    uint32_t *slots = (uint32_t *)block(d->addrs[NDIRECT]);
    for (uint32_t i = 0; i < NINDIRECT; i++) {
        if (slots[i])
            claim(inum, slots[i], "data");
        else if (NDIRECT + i < need)
            problem("inode %u: block %u of the file is missing", inum, NDIRECT + i);
    }
}

/* Byte `off` of inode inum's contents (the caller stays below its size). */
static uint8_t *byte_at(const struct dinode *d, uint32_t off)
{
    uint32_t bn = off / BSIZE, b;
    if (bn < NDIRECT)
        b = d->addrs[bn];
    else
        b = ((uint32_t *)block(d->addrs[NDIRECT]))[bn - NDIRECT];
    return block(b) + off % BSIZE;
}

static void read_at(const struct dinode *d, uint32_t off, void *dst, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        ((uint8_t *)dst)[i] = *byte_at(d, off + i);
}

/* ---- the tree ---- */

struct entry {
    char path[256];
    uint32_t inum;
};
static struct entry *dump;
static size_t ndump, capdump;

static void walk(uint32_t dir, uint32_t parent, const char *path)
{
    struct dinode *d = inode(dir);
    if (d->size % sizeof(struct dirent)) {
        problem("directory %s (inode %u): size %u is not a whole number of entries", path,
                dir, d->size);
        return;
    }
    uint32_t n = d->size / sizeof(struct dirent);
    struct dirent *des = calloc(n ? n : 1, sizeof *des);
    for (uint32_t i = 0; i < n; i++)
        read_at(d, i * (uint32_t)sizeof *des, &des[i], sizeof *des);
    if (n < 2 || des[0].inum != dir || strncmp(des[0].name, ".", DIRSIZ) ||
        des[1].inum != parent || strncmp(des[1].name, "..", DIRSIZ))
        problem("directory %s (inode %u): does not start with \".\" (itself) and \"..\" "
                "(inode %u)", path, dir, parent);
    for (uint32_t i = 0; i < n; i++) {
        struct dirent *de = &des[i];
        if (!de->inum)
            continue;
        char name[DIRSIZ + 1];
        memcpy(name, de->name, DIRSIZ);
        name[DIRSIZ] = 0;
        if (de->inum >= sb.ninodes || inode(de->inum)->type == 0) {
            problem("directory %s: \"%s\" names inode %u, which is not in use", path, name,
                    de->inum);
            continue;
        }
        if (i >= 2 && (!name[0] || strchr(name, '/') || !strcmp(name, ".") ||
                       !strcmp(name, "..")))
            problem("directory %s: a bad name \"%s\"", path, name);
        for (uint32_t j = 0; j < i; j++)
            if (des[j].inum && !strncmp(des[j].name, de->name, DIRSIZ))
                problem("directory %s: \"%s\" appears twice", path, name);
        if (strcmp(name, "."))
            refs[de->inum]++;
        if (i < 2)
            continue;
        char sub[256];
        snprintf(sub, sizeof sub, "%s%s%s", path, strcmp(path, "/") ? "/" : "", name);
        if (reached[de->inum]) {
            problem("%s: inode %u is named twice%s", sub, de->inum,
                    inode(de->inum)->type == T_DIR ? " (a directory)" : "");
            continue;
        }
        reached[de->inum] = 1;
        if (ndump == capdump)
            dump = realloc(dump, (capdump = capdump ? 2 * capdump : 64) * sizeof *dump);
        snprintf(dump[ndump].path, sizeof dump[ndump].path, "%s", sub);
        dump[ndump++].inum = de->inum;
        if (inode(de->inum)->type == T_DIR)
            walk(de->inum, dir, sub);
    }
    free(des);
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

static uint32_t fnv1a(const struct dinode *d)
{
    uint32_t h = 2166136261u;
    for (uint32_t off = 0; off < d->size; off++)
        h = (h ^ *byte_at(d, off)) * 16777619u;
    return h;
}

int main(int argc, char **argv)
{
    int write_back = 1, want_dump = 0;
    const char *path = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n"))
            write_back = 0;
        else if (!strcmp(argv[i], "--dump"))
            want_dump = 1;
        else if (!path && argv[i][0] != '-')
            path = argv[i];
        else
            path = 0, i = argc;
    }
    if (!path) {
        fprintf(stderr, "usage: %s [-n] [--dump] IMAGE\n", prog);
        return 2;
    }
    FILE *f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END) || ftell(f) < 2 * BSIZE) {
        fprintf(stderr, "%s: %s: cannot read (or too small)\n", prog, path);
        return 2;
    }
    nblocks = (uint32_t)(ftell(f) / BSIZE);
    img = malloc((size_t)nblocks * BSIZE);
    rewind(f);
    if (!img || fread(img, BSIZE, nblocks, f) != nblocks) {
        fprintf(stderr, "%s: %s: cannot read\n", prog, path);
        return 2;
    }
    fclose(f);
    if (check_superblock() < 0)
        return 1;

    int installed = recover();
    if (installed < 0) {
        problem("the log's header is bad");
        return 1;
    }
    if (installed) {
        fprintf(stderr, "%s: %s: installed a committed transaction of %d blocks\n", prog,
                path, installed);
        if (write_back) {
            FILE *out = fopen(path, "r+b");
            if (!out || fwrite(img, BSIZE, sb.size, out) != sb.size || fclose(out)) {
                fprintf(stderr, "%s: %s: cannot write\n", prog, path);
                return 2;
            }
        }
    }

    owner = calloc(sb.size, sizeof *owner);
    refs = calloc(sb.ninodes, sizeof *refs);
    reached = calloc(sb.ninodes, 1);
    if (inode(ROOTINO)->type != T_DIR) {
        problem("inode %u, the root, is not a directory", ROOTINO);
        return 1;
    }
    for (uint32_t inum = 1; inum < sb.ninodes; inum++)
        if (inode(inum)->type)
            check_inode(inum);
    if (problems)       /* blocks shared or out of range: the tree cannot be trusted */
        return 1;

    uint32_t used = 0;
    for (uint32_t b = 0; b < sb.size; b++) {
        int marked = (block(sb.bmapstart + b / BPB)[(b % BPB) / 8] >> (b % 8)) & 1;
        int in_use = b < sb.datastart || owner[b];
        used += marked;
        if (marked && !in_use)
            problem("block %u is marked in use, but nothing uses it (leaked)", b);
        if (!marked && in_use)
            problem("block %u is used by inode %u, but marked free", b, owner[b]);
    }

    reached[ROOTINO] = 1;
    walk(ROOTINO, ROOTINO, "/");
    uint32_t files = 0, dirs = 0;
    for (uint32_t inum = 1; inum < sb.ninodes; inum++) {
        struct dinode *d = inode(inum);
        if (!d->type)
            continue;
        d->type == T_DIR ? dirs++ : files++;
        if (!reached[inum])
            problem("inode %u is in use, but no directory names it", inum);
        else if (d->nlink != refs[inum])
            problem("inode %u: link count %u, but %u entries name it", inum, d->nlink,
                    refs[inum]);
    }
    if (problems) {
        printf("%s: %s: %d problem%s\n", prog, path, problems, problems == 1 ? "" : "s");
        return 1;
    }
    if (want_dump) {
        qsort(dump, ndump, sizeof *dump, by_path);
        for (size_t i = 0; i < ndump; i++) {
            struct dinode *d = inode(dump[i].inum);
            if (d->type == T_DIR)
                printf("d %s\n", dump[i].path);
            else
                printf("f %s %u %08x\n", dump[i].path, d->size, fnv1a(d));
        }
    } else {
        printf("%s: %s: clean: %u files, %u directories, %u of %u blocks in use\n", prog,
               path, files, dirs, used, sb.size);
    }
    return 0;
}
