/*
 * The file system (fs.h), from the bottom up:
 *
 *   blocks        balloc/bfree: the free-block bitmap
 *   inodes        the table of inodes in memory (iget/iput), their locks (ilock),
 *                 their blocks (bmap), reading and writing their contents (readi/writei)
 *   directories   files of struct dirent: dirlookup, dirlink
 *   path names    namei, nameiparent: one directory at a time from the root or the
 *                 current directory
 *
 * Every change goes through the log (log_write instead of bwrite), inside the
 * transaction of the system call that makes it.
 *
 * Locks: the inode table's spinlock guards every inode's ref and inum (which slot
 * holds which inode); each inode's sleep lock guards its contents. A path lookup holds
 * one directory's lock at a time, so two lookups never wait for each other in a cycle
 * (a/.. and a/b hold a and its parent in opposite order, but never both at once).
 */
#include "fs.h"

#include "bio.h"
#include "lib.h"
#include "log.h"
#include "param.h"
#include "printf.h"
#include "proc.h"
#include "spinlock.h"
#include "virtio_blk.h"
#include "vm.h"

static struct superblock sb;
static int fs_ok;

static struct {
    struct spinlock lock;
    struct inode inode[NINODE];
} itable;

void iinit(void)
{
    initlock(&itable.lock, "itable");
    for (int i = 0; i < NINODE; i++)
        initsleeplock(&itable.inode[i].lock, "inode");
}

void fs_init(void)
{
    if (vblk_irq() < 0) {
        kprintf("kite: no disk\n");
        return;
    }
    struct buf *b = bread(1);
    memcpy(&sb, b->data, sizeof sb);
    brelse(b);
    if (sb.magic != FS_MAGIC || sb.size > vblk_sectors() / (BSIZE / 512) ||
        sb.datastart >= sb.size)
        panic("fs: no Kite file system on the disk");
    initlog(&sb);
    fs_ok = 1;
}

/* ---- blocks ---- */

/* A free data block, marked in use and zeroed; 0 when the disk is full. */
static uint32_t balloc(void)
{
    for (uint32_t base = 0; base < sb.size; base += BPB) {
        struct buf *b = bread(sb.bmapstart + base / BPB);
        for (uint32_t i = 0; i < BPB && base + i < sb.size; i++) {
            uint8_t bit = (uint8_t)(1u << (i % 8));
            if (base + i < sb.datastart || (b->data[i / 8] & bit))
                continue;
            b->data[i / 8] |= bit;
            log_write(b);
            brelse(b);
            struct buf *z = bread(base + i);
            memset(z->data, 0, BSIZE);
            log_write(z);
            brelse(z);
            return base + i;
        }
        brelse(b);
    }
    return 0;
}

static void bfree(uint32_t blockno)
{
    struct buf *b = bread(sb.bmapstart + blockno / BPB);
    uint32_t i = blockno % BPB;
    if (!(b->data[i / 8] & (1u << (i % 8))))
        panic("bfree: block %u is free already", blockno);
    b->data[i / 8] &= (uint8_t)~(1u << (i % 8));
    log_write(b);
    brelse(b);
}

/* ---- inodes ---- */

/* With itable.lock held: the referenced slot that holds inum, or 0; and in *empty the
 * first slot nobody references (0 if the table is full). */
static struct inode *ifind(uint32_t inum, struct inode **empty)
{
    *empty = 0;
    for (int i = 0; i < NINODE; i++) {
        struct inode *x = &itable.inode[i];
        if (x->ref > 0 && x->inum == inum)
            return x;
        if (!*empty && x->ref == 0)
            *empty = x;
    }
    return 0;
}

/* The in-memory inode for inum, referenced once more, not locked and perhaps not
 * read yet; 0 if the table is full. */
static struct inode *iget(uint32_t inum)
{
    struct inode *empty;
    acquire(&itable.lock);
    struct inode *ip = ifind(inum, &empty);
    if (ip) {
        ip->ref++;
    } else if ((ip = empty) != 0) {
        ip->inum = inum;
        ip->ref = 1;
        ip->valid = 0;
    }
    release(&itable.lock);
    return ip;
}

/*
 * A free inode on the disk becomes one of `type`: referenced, not locked. 0 when none
 * is free, or the table is full.
 *
 * Its slot in the table is taken before the disk says "in use", both while the inode's
 * block is held (so no other ialloc can pick the same inode): an inode in use on the
 * disk with no slot would never be freed. An inode free on the disk whose slot is
 * still referenced is skipped: iput has just freed it and not yet dropped its
 * reference. Sharing that slot, the new file would lose a reference when iput's late
 * ref-- came, and its own last iput would then see two and not free it: an inode in
 * use that no directory names.
 */
struct inode *ialloc(uint16_t type)
{
    for (uint32_t inum = ROOTINO + 1; inum < sb.ninodes; inum++) {
        struct buf *b = bread(sb.inodestart + inum / IPB);
        struct dinode *d = (struct dinode *)b->data + inum % IPB;
        struct inode *ip = 0, *empty = 0;
        int full = 0;
        if (d->type == 0) {
            acquire(&itable.lock);
            if (!ifind(inum, &empty)) {
                if ((ip = empty) != 0) {
                    ip->inum = inum;
                    ip->ref = 1;
                    ip->valid = 0;
                } else {
                    full = 1;
                }
            }
            release(&itable.lock);
        }
        if (ip) {
            memset(d, 0, sizeof *d);
            d->type = type;
            log_write(b);
        }
        brelse(b);
        if (ip || full)
            return ip;
    }
    return 0;
}

void iupdate(struct inode *ip)
{
    struct buf *b = bread(sb.inodestart + ip->inum / IPB);
    memcpy((struct dinode *)b->data + ip->inum % IPB, &ip->d, sizeof ip->d);
    log_write(b);
    brelse(b);
}

struct inode *idup(struct inode *ip)
{
    acquire(&itable.lock);
    ip->ref++;
    release(&itable.lock);
    return ip;
}

/* Lock ip, reading it from the disk the first time. */
void ilock(struct inode *ip)
{
    if (!ip || ip->ref < 1)
        panic("ilock: no such inode");
    acquiresleep(&ip->lock);
    if (!ip->valid) {
        struct buf *b = bread(sb.inodestart + ip->inum / IPB);
        memcpy(&ip->d, (struct dinode *)b->data + ip->inum % IPB, sizeof ip->d);
        brelse(b);
        ip->valid = 1;
        if (ip->d.type == 0)
            panic("ilock: inode %u is free on the disk", ip->inum);
    }
}

void iunlock(struct inode *ip)
{
    if (!ip || !holdingsleep(&ip->lock) || ip->ref < 1)
        panic("iunlock: not locked");
    releasesleep(&ip->lock);
}

/*
 * Drop a reference. The last reference to an inode no directory names any more (its
 * file was removed while open, say) frees it and its blocks; so iput may write the
 * disk, and runs inside a transaction.
 *
 * Taking ip->lock then cannot wait: ref is 1, so no other process has ip, and none can
 * find it: no directory names it, and ialloc leaves alone an inode whose slot is still
 * referenced, even once the disk says it is free (the moment between iupdate and ref--
 * below, which a preemption can make long).
 */
void iput(struct inode *ip)
{
    acquire(&itable.lock);
    if (ip->ref == 1 && ip->valid && ip->d.nlink == 0) {
        release(&itable.lock);
        acquiresleep(&ip->lock);
        itrunc(ip);
        ip->d.type = 0;
        iupdate(ip);
        ip->valid = 0;
        releasesleep(&ip->lock);
#ifdef KITE_DEBUG
        for (int i = 0; i < 8; i++)     /* make that moment long: see ialloc */
            yield();
#endif
        acquire(&itable.lock);
    }
    ip->ref--;
    release(&itable.lock);
}

void iunlockput(struct inode *ip)
{
    iunlock(ip);
    iput(ip);
}

/*
 * The disk block that holds block bn of the file, allocated when `alloc` (and it is
 * missing); 0 if there is none (or the disk is full).
 *
 *   addrs[0..NDIRECT-1]   the first NDIRECT blocks
 *   addrs[NDIRECT]        an indirect block: NINDIRECT more block numbers
 */
static uint32_t bmap(struct inode *ip, uint32_t bn, int alloc)
{
    if (bn < NDIRECT) {
        if (!ip->d.addrs[bn] && alloc)
            ip->d.addrs[bn] = balloc();
        return ip->d.addrs[bn];
    }
    bn -= NDIRECT;
    if (bn >= NINDIRECT)
        return 0;
    if (!ip->d.addrs[NDIRECT]) {
        if (!alloc || !(ip->d.addrs[NDIRECT] = balloc()))
            return 0;
    }
    struct buf *b = bread(ip->d.addrs[NDIRECT]);
    uint32_t *slots = (uint32_t *)b->data;
    if (!slots[bn] && alloc && (slots[bn] = balloc()))
        log_write(b);
    uint32_t addr = slots[bn];
    brelse(b);
    return addr;
}

void itrunc(struct inode *ip)
{
    for (int i = 0; i < NDIRECT; i++) {
        if (ip->d.addrs[i]) {
            bfree(ip->d.addrs[i]);
            ip->d.addrs[i] = 0;
        }
    }
    if (ip->d.addrs[NDIRECT]) {
        struct buf *b = bread(ip->d.addrs[NDIRECT]);
        uint32_t *slots = (uint32_t *)b->data;
        for (uint32_t i = 0; i < NINDIRECT; i++)
            if (slots[i])
                bfree(slots[i]);
        brelse(b);
        bfree(ip->d.addrs[NDIRECT]);
        ip->d.addrs[NDIRECT] = 0;
    }
    ip->d.size = 0;
    iupdate(ip);
}

void stati(struct inode *ip, struct kite_stat *st)
{
    st->type = ip->d.type;
    st->inum = ip->inum;
    st->size = ip->d.size;
}

int readi(struct inode *ip, int user, uint32_t dst, uint32_t off, uint32_t n)
{
    if (off >= ip->d.size)
        return 0;
    if (n > ip->d.size - off)
        n = ip->d.size - off;
    uint32_t done = 0;
    while (done < n) {
        uint32_t blockno = bmap(ip, off / BSIZE, 0), in = off % BSIZE;
        uint32_t m = BSIZE - in < n - done ? BSIZE - in : n - done;
        if (!blockno)
            break;                      /* cannot happen: files have no holes */
        struct buf *b = bread(blockno);
        int bad = either_copyout(user, dst, b->data + in, m) < 0;
        brelse(b);
        if (bad)
            return -1;
        done += m, off += m, dst += m;
    }
    return (int)done;
}

/* Writing may start anywhere up to the end of the file (no holes), and grows it. */
int writei(struct inode *ip, int user, uint32_t src, uint32_t off, uint32_t n)
{
    if (off > ip->d.size || off + n < off || off + n > MAXFILE * BSIZE)
        return -1;
    uint32_t done = 0;
    while (done < n) {
        uint32_t blockno = bmap(ip, off / BSIZE, 1), in = off % BSIZE;
        uint32_t m = BSIZE - in < n - done ? BSIZE - in : n - done;
        if (!blockno)
            break;                      /* the disk is full */
        struct buf *b = bread(blockno);
        int bad = either_copyin(user, b->data + in, src, m) < 0;
        if (!bad)
            log_write(b);
        brelse(b);
        if (bad)
            break;
        done += m, off += m, src += m;
    }
    if (off > ip->d.size)
        ip->d.size = off;
    iupdate(ip);                /* also for the block numbers bmap may have added */
    return done || n == 0 ? (int)done : -1;
}

/* ---- directories ---- */

/* Names compare on at most DIRSIZ characters (an entry's name may fill all of them). */
int namecmp(const char *a, const char *b)
{
    return strncmp(a, b, DIRSIZ);
}

struct inode *dirlookup(struct inode *dp, const char *name, uint32_t *offp)
{
    if (dp->d.type != T_DIR)
        panic("dirlookup: not a directory");
    struct dirent de;
    for (uint32_t off = 0; off < dp->d.size; off += sizeof de) {
        if (readi(dp, 0, (uint32_t)(uintptr_t)&de, off, sizeof de) != sizeof de)
            panic("dirlookup: cannot read directory %u", dp->inum);
        if (de.inum && !namecmp(de.name, name)) {
            if (offp)
                *offp = off;
            return iget(de.inum);
        }
    }
    return 0;
}

/* The first free entry (or a new one at the end) gets name → inum; -1 if the name is
 * taken. The check reads names only: dirlookup would need a slot in the inode table
 * too, and a full table must not make a taken name look free. */
int dirlink(struct inode *dp, const char *name, uint32_t inum)
{
    struct dirent de;
    uint32_t off = dp->d.size;
    for (uint32_t o = 0; o < dp->d.size; o += sizeof de) {
        if (readi(dp, 0, (uint32_t)(uintptr_t)&de, o, sizeof de) != sizeof de)
            panic("dirlink: cannot read directory %u", dp->inum);
        if (de.inum && !namecmp(de.name, name))
            return -1;
        if (!de.inum && off == dp->d.size)
            off = o;
    }
    memset(&de, 0, sizeof de);
    de.inum = (uint16_t)inum;
    for (int i = 0; i < DIRSIZ && name[i]; i++)
        de.name[i] = name[i];
    if (writei(dp, 0, (uint32_t)(uintptr_t)&de, off, sizeof de) != sizeof de)
        return -1;
    return 0;
}

/* ---- path names ---- */

/*
 * The next element of path into name, and what follows it (slashes skipped):
 *   skipelem("a/bb/c", name) = "bb/c", name = "a"
 *   skipelem("///a//bb", name) = "bb", name = "a"
 *   skipelem("a", name) = "", name = "a"
 *   skipelem("", name) = skipelem("////", name) = 0
 * Elements are at most DIRSIZ long (namex checks first).
 */
static const char *skipelem(const char *path, char *name)
{
    while (*path == '/')
        path++;
    if (*path == 0)
        return 0;
    const char *s = path;
    while (*path != '/' && *path != 0)
        path++;
    memcpy(name, s, (size_t)(path - s));
    name[path - s] = 0;
    while (*path == '/')
        path++;
    return path;
}

/* Not empty, and no element longer than a directory entry holds. */
static int path_ok(const char *path)
{
    int len = 0;
    for (; *path; path++) {
        len = *path == '/' ? 0 : len + 1;
        if (len > DIRSIZ)
            return 0;
    }
    return 1;
}

/* Walk path one directory at a time; with `parent`, stop at the last element's
 * directory and leave the element in name. */
static struct inode *namex(const char *path, int parent, char *name)
{
    if (!fs_ok || !*path || !path_ok(path))
        return 0;
    struct inode *ip = *path == '/' ? iget(ROOTINO) : idup(myproc()->cwd);
    if (!ip)
        return 0;
    while ((path = skipelem(path, name)) != 0) {
        ilock(ip);
        if (ip->d.type != T_DIR) {
            iunlockput(ip);
            return 0;
        }
        if (parent && *path == 0) {
            iunlock(ip);            /* the directory that holds the last element */
            return ip;
        }
        struct inode *next = dirlookup(ip, name, 0);
        iunlockput(ip);
        if (!next)
            return 0;
        ip = next;
    }
    if (parent) {                   /* "/": no last element */
        iput(ip);
        return 0;
    }
    return ip;
}

struct inode *namei(const char *path)
{
    char name[DIRSIZ + 1];
    return namex(path, 0, name);
}

struct inode *nameiparent(const char *path, char *name)
{
    return namex(path, 1, name);
}
