/*
 * The Kite file system's on-disk format, shared by the kernel (kernel/fs.c) and the host
 * tool that builds the disk image (tools/mkfs.c). Little-endian, like both machines.
 *
 *   block 0        unused (room for a boot block)
 *   block 1        superblock
 *   inodestart...  inode blocks: IPB inodes each; inode 0 is never used, 1 is the root
 *   bmapstart...   free-block bitmap: bit b set = block b in use
 *   datastart...   data blocks
 *
 * One directory (the root) holds every file: the namespace is flat, so a path is a name,
 * with or without a leading '/'. A file has NDIRECT direct blocks and one indirect block.
 */
#ifndef KITE_FS_H
#define KITE_FS_H

#include <stdint.h>

#define FS_MAGIC   0x4554494bu         /* "KITE" */
#define BSIZE      1024                 /* bytes per block: two disk sectors */
#define NDIRECT    12
#define NINDIRECT  (BSIZE / 4)
#define MAXFILE    (NDIRECT + NINDIRECT) /* blocks: 268 KiB */
#define ROOTINO    1
#define DIRSIZ     14

struct superblock {
    uint32_t magic;         /* FS_MAGIC */
    uint32_t size;          /* blocks in the file system */
    uint32_t ninodes;
    uint32_t inodestart;    /* first inode block */
    uint32_t bmapstart;     /* first bitmap block */
    uint32_t datastart;     /* first data block */
};

struct dinode {
    uint16_t type;          /* 0 free, T_DIR, T_FILE (include/kite/abi.h) */
    uint16_t nlink;
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
