/* mem: how much memory there is and how much is free. */
#include "user.h"

int main(void)
{
    struct kite_meminfo m;
    if (meminfo(&m) < 0)
        return 1;
    printf("memory: %u MiB RAM, kernel %u KiB, %u KiB pages: %u total, %u free\n",
           m.ram_bytes >> 20, m.kernel_bytes / 1024, m.page_size / 1024, m.total_pages,
           m.free_pages);
    return 0;
}
