/*
 * The Kite file system (fs.h; format in include/kite/fs.h). Deliberately simple: one
 * directory, no block cache: each block is read from or written to the disk when it is
 * needed, so a write is on the disk when the system call returns. All work happens
 * under one sleeplock (the disk sleeps), with a static buffer per kind of block.
 */
#include "fs.h"

#include "lib.h"
#include "param.h"
#include "printf.h"
#include "proc.h"
#include "sleeplock.h"
#include "virtio_blk.h"
#include "vm.h"

static struct superblock sb;
static int fs_ok;
static struct sleeplock fslock;
static struct inode itable[NINODE];
/* One buffer per use, so that nested uses (a data block, its indirect block, the bitmap,
 * an inode block) never overwrite each other. */
static uint8_t databuf[BSIZE], indbuf[BSIZE], bmapbuf[BSIZE], inodebuf[BSIZE], zeros[BSIZE];

static void bread(uint32_t b, void *buf)
{
    if (vblk_rw(b * (BSIZE / 512), buf, BSIZE, 0) < 0)
        panic("fs: cannot read block %u", b);
}

static void bwrite(uint32_t b, const void *buf)
{
    if (vblk_rw(b * (BSIZE / 512), (void *)buf, BSIZE, 1) < 0)
        panic("fs: cannot write block %u", b);
}

void fs_init(void)
{
    initsleeplock(&fslock, "fs");
    if (vblk_irq() < 0) {
        kprintf("kite: no disk\n");
        return;
    }
    bread(1, databuf);
    memcpy(&sb, databuf, sizeof sb);
    if (sb.magic != FS_MAGIC || sb.size > vblk_sectors() / (BSIZE / 512) ||
        sb.datastart >= sb.size)
        panic("fs: no Kite file system on the disk");
    fs_ok = 1;
}

/* ---- blocks ---- */

/* A zeroed free data block, marked in use; 0 when the disk is full. */
static uint32_t balloc(void)
{
    for (uint32_t base = 0; base < sb.size; base += BPB) {
        bread(sb.bmapstart + base / BPB, bmapbuf);
        for (uint32_t i = 0; i < BPB && base + i < sb.size; i++) {
            if (base + i < sb.datastart || bmapbuf[i / 8] & (1u << (i % 8)))
                continue;
            bmapbuf[i / 8] |= (uint8_t)(1u << (i % 8));
            bwrite(sb.bmapstart + base / BPB, bmapbuf);
            bwrite(base + i, zeros);
            return base + i;
        }
    }
    return 0;
}

static void bfree(uint32_t b)
{
    bread(sb.bmapstart + b / BPB, bmapbuf);
    bmapbuf[(b % BPB) / 8] &= (uint8_t)~(1u << (b % 8));
    bwrite(sb.bmapstart + b / BPB, bmapbuf);
}

/* ---- inodes ---- */

static void iupdate(struct inode *ip)
{
    uint32_t blk = sb.inodestart + ip->inum / IPB;
    bread(blk, inodebuf);
    memcpy(inodebuf + (ip->inum % IPB) * sizeof(struct dinode), &ip->d, sizeof ip->d);
    bwrite(blk, inodebuf);
}

/* The in-memory inode for inum, referenced once more; 0 if the table is full. */
static struct inode *iget(uint32_t inum)
{
    struct inode *free = 0;
    for (int i = 0; i < NINODE; i++) {
        if (itable[i].ref > 0 && itable[i].inum == inum) {
            itable[i].ref++;
            return &itable[i];
        }
        if (!free && itable[i].ref == 0)
            free = &itable[i];
    }
    if (!free)
        return 0;
    bread(sb.inodestart + inum / IPB, inodebuf);
    memcpy(&free->d, inodebuf + (inum % IPB) * sizeof(struct dinode), sizeof free->d);
    free->inum = inum;
    free->ref = 1;
    return free;
}

/* The disk block holding block bn of the file, allocated when `alloc`; 0 if none. */
static uint32_t bmap(struct inode *ip, uint32_t bn, int alloc)
{
    if (bn < NDIRECT) {
        if (!ip->d.addrs[bn] && alloc && (ip->d.addrs[bn] = balloc()))
            iupdate(ip);
        return ip->d.addrs[bn];
    }
    bn -= NDIRECT;
    if (bn >= NINDIRECT)
        return 0;
    if (!ip->d.addrs[NDIRECT]) {
        if (!alloc || !(ip->d.addrs[NDIRECT] = balloc()))
            return 0;
        iupdate(ip);
    }
    bread(ip->d.addrs[NDIRECT], indbuf);
    uint32_t *slots = (uint32_t *)indbuf;
    if (!slots[bn] && alloc && (slots[bn] = balloc()))
        bwrite(ip->d.addrs[NDIRECT], indbuf);
    return slots[bn];
}

static void trunc_locked(struct inode *ip)
{
    for (int i = 0; i < NDIRECT; i++)
        if (ip->d.addrs[i])
            bfree(ip->d.addrs[i]);
    if (ip->d.addrs[NDIRECT]) {
        bread(ip->d.addrs[NDIRECT], indbuf);
        for (uint32_t i = 0; i < NINDIRECT; i++) {
            uint32_t b = ((uint32_t *)indbuf)[i];
            if (b)
                bfree(b);
        }
        bfree(ip->d.addrs[NDIRECT]);
    }
    memset(ip->d.addrs, 0, sizeof ip->d.addrs);
    ip->d.size = 0;
    iupdate(ip);
}

static int read_locked(struct inode *ip, int user, uint32_t dst, uint32_t off, uint32_t n)
{
    if (off >= ip->d.size)
        return 0;
    if (n > ip->d.size - off)
        n = ip->d.size - off;
    for (uint32_t done = 0; done < n;) {
        uint32_t b = bmap(ip, off / BSIZE, 0), in = off % BSIZE;
        uint32_t m = BSIZE - in < n - done ? BSIZE - in : n - done;
        if (b)
            bread(b, databuf);
        else
            memset(databuf, 0, BSIZE);  /* a hole reads as zeros */
        if (either_copyout(user, dst, databuf + in, m) < 0)
            return -1;
        done += m, off += m, dst += m;
    }
    return (int)n;
}

static int write_locked(struct inode *ip, int user, uint32_t src, uint32_t off, uint32_t n)
{
    if (off > ip->d.size || off + n < off || off + n > MAXFILE * BSIZE)
        return -1;
    uint32_t done = 0;
    while (done < n) {
        uint32_t b = bmap(ip, off / BSIZE, 1), in = off % BSIZE;
        uint32_t m = BSIZE - in < n - done ? BSIZE - in : n - done;
        if (!b)
            break;                      /* disk full */
        if (m < BSIZE)
            bread(b, databuf);
        if (either_copyin(user, databuf + in, src, m) < 0)
            break;
        bwrite(b, databuf);
        done += m, off += m, src += m;
    }
    if (off > ip->d.size) {
        ip->d.size = off;
        iupdate(ip);
    }
    return done || n == 0 ? (int)done : -1;
}

/* ---- the root directory ---- */

/* A name in the flat namespace: "name" or "/name"; "" for the root itself. */
static const char *skip_root(const char *path)
{
    while (*path == '/')
        path++;
    if (path[0] == '.' && path[1] == 0)
        path++;
    return path;
}

/* The entry for name in the root directory: its inode number (0 if absent) and offset. */
static uint32_t dirlookup(struct inode *root, const char *name, uint32_t *offp)
{
    struct dirent de;
    for (uint32_t off = 0; off < root->d.size; off += sizeof de) {
        if (read_locked(root, 0, (uint32_t)(uintptr_t)&de, off, sizeof de) != sizeof de)
            break;
        if (de.inum && !strncmp(de.name, name, DIRSIZ)) {
            if (offp)
                *offp = off;
            return de.inum;
        }
    }
    return 0;
}

struct inode *namei(const char *path)
{
    if (!fs_ok)
        return 0;
    const char *name = skip_root(path);
    acquiresleep(&fslock);
    struct inode *ip = iget(ROOTINO);
    if (ip && *name) {
        uint32_t inum = dirlookup(ip, name, 0);
        ip->ref--;
        ip = inum ? iget(inum) : 0;
    }
    releasesleep(&fslock);
    return ip;
}

/* A free on-disk inode, made a file; 0 if none is left. */
static uint32_t ialloc(void)
{
    for (uint32_t inum = ROOTINO + 1; inum < sb.ninodes; inum++) {
        bread(sb.inodestart + inum / IPB, inodebuf);
        struct dinode *d = (struct dinode *)inodebuf + inum % IPB;
        if (d->type)
            continue;
        memset(d, 0, sizeof *d);
        d->type = T_FILE;
        d->nlink = 1;
        bwrite(sb.inodestart + inum / IPB, inodebuf);
        return inum;
    }
    return 0;
}

static void free_inode(uint32_t inum)
{
    bread(sb.inodestart + inum / IPB, inodebuf);
    ((struct dinode *)inodebuf)[inum % IPB].type = 0;
    bwrite(sb.inodestart + inum / IPB, inodebuf);
}

struct inode *fs_create(const char *path)
{
    const char *name = skip_root(path);
    size_t len = strlen(name);
    if (!fs_ok || len == 0 || len >= DIRSIZ)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (name[i] == '/')
            return 0;                   /* one directory only */
    acquiresleep(&fslock);
    struct inode *root = iget(ROOTINO), *ip = 0;
    uint32_t inum = dirlookup(root, name, 0);
    if (inum) {
        ip = iget(inum);
    } else if ((inum = ialloc())) {
        struct dirent de = { (uint16_t)inum, { 0 } }, slot;
        memcpy(de.name, name, len);
        uint32_t off = 0;               /* the first free slot, or the end */
        for (; off < root->d.size; off += sizeof slot)
            if (read_locked(root, 0, (uint32_t)(uintptr_t)&slot, off, sizeof slot) ==
                    sizeof slot && !slot.inum)
                break;
        if (write_locked(root, 0, (uint32_t)(uintptr_t)&de, off, sizeof de) == sizeof de)
            ip = iget(inum);
        else
            free_inode(inum);           /* the directory is full: give it back */
    }
    root->ref--;
    releasesleep(&fslock);
    return ip;
}

/* Remove the name now; the inode and its blocks go when the last open file closes. */
int fs_unlink(const char *path)
{
    const char *name = skip_root(path);
    if (!fs_ok || !*name)
        return -1;
    acquiresleep(&fslock);
    struct inode *root = iget(ROOTINO);
    uint32_t off, inum = dirlookup(root, name, &off);
    struct inode *ip = inum ? iget(inum) : 0;
    if (ip) {
        struct dirent empty = { 0, { 0 } };
        write_locked(root, 0, (uint32_t)(uintptr_t)&empty, off, sizeof empty);
        ip->d.nlink = 0;
        iupdate(ip);
    }
    root->ref--;
    releasesleep(&fslock);
    if (!ip)
        return -1;
    iput(ip);
    return 0;
}

struct inode *idup(struct inode *ip)
{
    acquiresleep(&fslock);
    ip->ref++;
    releasesleep(&fslock);
    return ip;
}

void iput(struct inode *ip)
{
    acquiresleep(&fslock);
    if (ip->ref == 1 && ip->d.nlink == 0 && ip->d.type) {
        trunc_locked(ip);
        ip->d.type = 0;
        iupdate(ip);
    }
    ip->ref--;
    releasesleep(&fslock);
}

void itrunc(struct inode *ip)
{
    acquiresleep(&fslock);
    trunc_locked(ip);
    releasesleep(&fslock);
}

int readi(struct inode *ip, int user, uint32_t dst, uint32_t off, uint32_t n)
{
    acquiresleep(&fslock);
    int r = read_locked(ip, user, dst, off, n);
    releasesleep(&fslock);
    return r;
}

int writei(struct inode *ip, int user, uint32_t src, uint32_t off, uint32_t n)
{
    acquiresleep(&fslock);
    int r = write_locked(ip, user, src, off, n);
    releasesleep(&fslock);
    return r;
}

void stati(struct inode *ip, struct kite_stat *st)
{
    st->type = ip->d.type;
    st->inum = ip->inum;
    st->size = ip->d.size;
}
