/* reboot: restart the machine. */
#include "user.h"

int main(void)
{
    shutdown(KITE_REBOOT);
    return 1;
}
