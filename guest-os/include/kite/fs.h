/*
 * The Kite file system's on-disk format, shared by the kernel (kernel/fs.c, log.c), and
 * the host tools that build and check disk images (tools/mkfs.c, tools/fsck.c).
 * Little-endian, like both machines.
 *
 *   block 0        unused (room for a boot block)
 *   block 1        superblock
 *   logstart...    the log: a header block, then LOGSIZE blocks (kernel/log.c)
 *   inodestart...  inode blocks: IPB inodes each; inode 0 is never used, 1 is the root
 *   bmapstart...   free-block bitmap: bit b set = block b in use
 *   datastart...   data blocks
 *
 * Directories are files of struct dirent; each has "." (itself) and ".." (its parent;
 * the root's is the root). A file has NDIRECT direct blocks and one indirect block.
 * docs/06-filesystem.md draws it.
 */
#ifndef KITE_FS_H
#define KITE_FS_H

#include <stdint.h>

#define FS_MAGIC   0x3254494bu          /* "KIT2": this layout, with its log */
#define BSIZE      1024                 /* bytes per block: two disk sectors */
#define NDIRECT    12
#define NINDIRECT  (BSIZE / 4)
#define MAXFILE    (NDIRECT + NINDIRECT) /* blocks: 268 KiB */
#define ROOTINO    1
#define DIRSIZ     14

/* The log: how many blocks one operation (a system call) may write at most, and how
 * many the log holds (a transaction may group several operations). */
#define MAXOPBLOCKS 10
#define LOGSIZE     (MAXOPBLOCKS * 3)

struct superblock {
    uint32_t magic;         /* FS_MAGIC */
    uint32_t size;          /* blocks in the file system */
    uint32_t ninodes;
    uint32_t nlog;          /* blocks in the log, its header included */
    uint32_t logstart;      /* the log's header block */
    uint32_t inodestart;    /* first inode block */
    uint32_t bmapstart;     /* first bitmap block */
    uint32_t datastart;     /* first data block */
};

/* The log's first block. n = 0: no transaction waits to be installed. Otherwise log
 * block i (logstart + 1 + i) holds what goes to block[i]. It fits in the block's first
 * 512-byte sector, so a power cut writes it whole or not at all. */
struct logheader {
    uint32_t n;
    uint32_t block[LOGSIZE];
};

struct dinode {
    uint16_t type;          /* 0 free, T_DIR, T_FILE (include/kite/abi.h) */
    uint16_t nlink;         /* directory entries naming it ("." not counted) */
    uint32_t size;          /* bytes */
    uint32_t addrs[NDIRECT + 1];    /* block numbers; 0 = none; the last is the indirect */
    uint32_t reserved;
};
#define IPB (BSIZE / sizeof(struct dinode))     /* inodes per block: 16 */
#define BPB (BSIZE * 8)                         /* bitmap bits per block */

struct dirent {
    uint16_t inum;          /* 0: free slot */
    char name[DIRSIZ];      /* NUL-padded; not NUL-terminated at full length */
};

#endif
