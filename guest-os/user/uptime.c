/* uptime: time since boot. */
#include "user.h"

int main(void)
{
    unsigned ms = uptime();
    printf("up %u.%02u s\n", ms / 1000, ms % 1000 / 10);
    return 0;
}
