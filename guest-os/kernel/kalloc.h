/* Physical page allocator: a free list of 4 KiB pages of RAM. */
#ifndef KITE_KALLOC_H
#define KITE_KALLOC_H

#include <stdint.h>

/* Hand the pages in [start, end) to the allocator. */
void kinit(uint32_t start, uint32_t end);
/* A zeroed page, or 0 when memory is exhausted. */
void *kalloc(void);
void kfree(void *page);
uint32_t kalloc_free_pages(void);
uint32_t kalloc_total_pages(void);

#endif
