/* shutdown: power the machine off. */
#include "user.h"

int main(void)
{
    shutdown(KITE_POWEROFF);
    return 1;
}
