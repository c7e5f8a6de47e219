/* The first process: keeps a shell running on the console, and reaps orphans. */
#include "user.h"

int main(void)
{
    for (;;) {
        int pid = fork();
        if (pid < 0) {
            fprintf(2, "init: cannot fork\n");
            sleep(1000);
            continue;
        }
        if (pid == 0) {
            char *argv[] = { "sh", 0 };
            exec("sh", argv);
            fprintf(2, "init: cannot run sh\n");
            exit(1);
        }
        while (wait(0) != pid)      /* orphans land here too */
            ;
    }
}
