/* bigfile: write a file of BLOCKS blocks, read it back, remove it, twice (labs/bigfile).
 * The lab's disk (DISK_KIB) has room for one such file, not two. Writes go 3 blocks at
 * a time, a transaction's share (kernel/file.c, filewrite). */
#include "user.h"

#define BLOCKS 300
#define BSIZE 1024
#define CHUNK 3

static char buf[CHUNK * BSIZE];

static void fill(int block)
{
    for (int k = 0; k < CHUNK; k++)
        for (int i = 0; i < BSIZE; i += 4)
            *(int *)(buf + k * BSIZE + i) = (block + k) * 1000003 + i;
}

static int same(const char *a, const char *b)
{
    for (int i = 0; i < CHUNK * BSIZE; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static int one_round(const char *name)
{
    int fd = open("big.file", O_CREATE | O_WRONLY | O_TRUNC);
    if (fd < 0) {
        printf("bigfile: %s: cannot create big.file\n", name);
        return -1;
    }
    for (int b = 0; b < BLOCKS; b += CHUNK) {
        fill(b);
        if (write(fd, buf, CHUNK * BSIZE) != CHUNK * BSIZE) {
            printf("bigfile: %s: the write of blocks %d to %d failed\n", name, b,
                   b + CHUNK - 1);
            close(fd);
            unlink("big.file");
            return -1;
        }
    }
    close(fd);
    struct kite_stat st;
    if (stat("big.file", &st) < 0 || st.size != BLOCKS * BSIZE) {
        printf("bigfile: %s: the size is not %d\n", name, BLOCKS * BSIZE);
        return -1;
    }
    fd = open("big.file", O_RDONLY);
    for (int b = 0; b < BLOCKS; b += CHUNK) {
        static char back[CHUNK * BSIZE];
        fill(b);
        if (read(fd, back, CHUNK * BSIZE) != CHUNK * BSIZE || !same(back, buf)) {
            printf("bigfile: %s: block %d reads back wrong\n", name, b);
            close(fd);
            return -1;
        }
    }
    close(fd);
    if (unlink("big.file") < 0) {
        printf("bigfile: %s: cannot remove big.file\n", name);
        return -1;
    }
    printf("bigfile: %s: %d blocks written, read back and removed: OK\n", name, BLOCKS);
    return 0;
}

int main(void)
{
    if (one_round("first") < 0 || one_round("again") < 0)
        return 1;
    return 0;
}
