/* fault: write to address 0 on purpose. The kernel kills this process and goes on. */
#include "user.h"

int main(void)
{
    printf("fault: writing to address 0\n");
    *(volatile int *)0 = 42;
    printf("fault: still alive?\n");
    return 1;
}
