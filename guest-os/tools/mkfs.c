/*
 * kite-mkfs OUT.img SIZE_KIB FILE...: build a Kite file system (include/kite/fs.h) of
 * SIZE_KIB KiB holding each FILE in the root directory under its base name. The output
 * depends only on the inputs (same files, same image), and appears whole or not at all.
 *
 * The layout, in order: boot block, superblock, the log (empty: its header says 0),
 * the inodes, the bitmap, the data. The root directory starts with "." and "..", both
 * itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kite/abi.h"
#include "kite/fs.h"

#define NINODES 128

static const char *prog = "kite-mkfs";
static uint8_t *img;
static struct superblock sb;
static uint32_t next_block;         /* data blocks are handed out in order */

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "%s: ", prog);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(1);
}

static uint8_t *block(uint32_t b) { return img + (size_t)b * BSIZE; }

static struct dinode *inode(uint32_t inum)
{
    return (struct dinode *)block(sb.inodestart + inum / IPB) + inum % IPB;
}

static uint32_t balloc(const char *what)
{
    if (next_block >= sb.size)
        die("%s: the disk is full", what);
    return next_block++;
}

/* Append len bytes to the file of inode `ip`. */
static void append(struct dinode *ip, const uint8_t *data, uint32_t len, const char *what)
{
    while (len) {
        uint32_t bn = ip->size / BSIZE, off = ip->size % BSIZE, *slot;
        if (bn >= MAXFILE)
            die("%s: too large for a Kite file", what);
        if (bn < NDIRECT) {
            slot = &ip->addrs[bn];
        } else {
            if (!ip->addrs[NDIRECT])
                ip->addrs[NDIRECT] = balloc(what);
            slot = (uint32_t *)block(ip->addrs[NDIRECT]) + (bn - NDIRECT);
        }
        if (!*slot)
            *slot = balloc(what);
        uint32_t n = BSIZE - off < len ? BSIZE - off : len;
        memcpy(block(*slot) + off, data, n);
        ip->size += n, data += n, len -= n;
    }
}

static void add_entry(struct dinode *dir, uint32_t inum, const char *name)
{
    struct dirent de = { (uint16_t)inum, { 0 } };
    memcpy(de.name, name, strlen(name));
    append(dir, (const uint8_t *)&de, sizeof de, "the root directory");
}

static uint8_t *read_file(const char *path, uint32_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("%s: cannot open", path);
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
        if (n > (size_t)MAXFILE * BSIZE)
            die("%s: too large for a Kite file", path);
    }
    if (!buf || ferror(f))
        die("%s: cannot read", path);
    fclose(f);
    *len = (uint32_t)n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s OUT.img SIZE_KIB FILE...\n", prog);
        return 2;
    }
    char *end;
    unsigned long kib = strtoul(argv[2], &end, 10);
    if (*end || kib < 128 || kib > 1u << 20)
        die("size %s KiB: want 128 to 1048576", argv[2]);
    sb.magic = FS_MAGIC;
    sb.size = (uint32_t)(kib * 1024 / BSIZE);
    sb.ninodes = NINODES;
    sb.nlog = LOGSIZE + 1;
    sb.logstart = 2;
    sb.inodestart = sb.logstart + sb.nlog;
    sb.bmapstart = sb.inodestart + (NINODES + IPB - 1) / IPB;
    sb.datastart = sb.bmapstart + (sb.size + BPB - 1) / BPB;
    next_block = sb.datastart;
    if (!(img = calloc(sb.size, BSIZE)))
        die("%s: out of memory", argv[2]);
    memcpy(block(1), &sb, sizeof sb);

    struct dinode *root = inode(ROOTINO);
    root->type = T_DIR;
    root->nlink = 1;                /* its own "..": "." is not counted */
    add_entry(root, ROOTINO, ".");
    add_entry(root, ROOTINO, "..");
    uint32_t inum = ROOTINO + 1;
    for (int i = 3; i < argc; i++, inum++) {
        const char *name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
        if (strlen(name) == 0 || strlen(name) >= DIRSIZ || name[0] == '.')
            die("%s: the name must be 1 to 13 characters, not starting with '.'", argv[i]);
        if (inum >= NINODES)
            die("%s: too many files", argv[i]);
        for (int j = 3; j < i; j++) {
            const char *other = strrchr(argv[j], '/') ? strrchr(argv[j], '/') + 1 : argv[j];
            if (!strcmp(name, other))
                die("%s: two files of that name", name);
        }
        uint32_t len;
        uint8_t *data = read_file(argv[i], &len);
        struct dinode *ip = inode(inum);
        ip->type = T_FILE;
        ip->nlink = 1;
        append(ip, data, len, argv[i]);
        free(data);
        add_entry(root, inum, name);
    }
    for (uint32_t b = 0; b < next_block; b++)       /* metadata and used data blocks */
        block(sb.bmapstart + b / BPB)[(b % BPB) / 8] |= (uint8_t)(1u << (b % 8));

    size_t tmplen = strlen(argv[1]) + 5;
    char *tmp = malloc(tmplen);
    snprintf(tmp, tmplen, "%s.tmp", argv[1]);
    FILE *out = fopen(tmp, "wb");
    if (!out || fwrite(img, BSIZE, sb.size, out) != sb.size || fclose(out) ||
        rename(tmp, argv[1]))
        die("%s: cannot write", argv[1]);
    printf("%s: %u files, %u of %u KiB used\n", argv[1], inum - ROOTINO - 1,
           next_block * BSIZE / 1024, sb.size * BSIZE / 1024);
    free(tmp);
    free(img);
    return 0;
}
