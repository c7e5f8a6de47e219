/*
 * The code cache (cpu/jit/cache.h). The two views come from one memfd mapped twice:
 * PROT_READ|PROT_WRITE for the translator, PROT_READ|PROT_EXEC for running. No mapping
 * is ever writable and executable, and translating costs no mprotect per block.
 */
#define _GNU_SOURCE             /* memfd_create */

#include "cpu/jit/cache.h"

#include <sys/mman.h>
#include <unistd.h>

int jit_cache_create(struct jit_cache *c, size_t size)
{
    c->rw = c->rx = NULL;
    c->size = c->used = c->reserved = 0;
    size = (size + 4095) & ~(size_t)4095;
    int fd = memfd_create("rvbox-jit", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    if (ftruncate(fd, (off_t)size) != 0) {
        close(fd);
        return -1;
    }
    void *rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    void *rx = rw == MAP_FAILED ? MAP_FAILED
                                : mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    close(fd);                  /* the mappings keep the memory */
    if (rw == MAP_FAILED || rx == MAP_FAILED) {
        if (rw != MAP_FAILED)
            munmap(rw, size);
        return -1;
    }
    c->rw = rw;
    c->rx = rx;
    c->size = size;
    return 0;
}

void jit_cache_destroy(struct jit_cache *c)
{
    if (!c->rw)
        return;
    munmap(c->rw, c->size);
    munmap(c->rx, c->size);
    c->rw = c->rx = NULL;
}

void jit_cache_commit(struct jit_cache *c, size_t bytes)
{
    c->used += (bytes + 15) & ~(size_t)15;
    if (c->used > c->size)
        c->used = c->size;
}

void jit_cache_flush(struct jit_cache *c)
{
    c->used = c->reserved;
}
