/* forkfork: fork a child, which forks a grandchild; each waits for its own. With
 * `trace 2 forkfork`, both forks are traced only if the mask goes to children. */
#include "user.h"

int main(void)
{
    int pid = fork();
    if (pid == 0) {
        int grandchild = fork();
        if (grandchild == 0)
            exit(0);
        wait(0);
        exit(0);
    }
    wait(0);
    return 0;
}
