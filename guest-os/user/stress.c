/* stress [N]: N children (8 by default) at once, each making and removing files in a
 * directory of its own, forking and waiting for grandchildren, and passing bytes
 * through a pipe, many times over. Each checks what it reads back; the parent says
 * "stress: ok" if every child did, after all are gone. Meant for preemption (and
 * several harts): the children race in every shared table of the kernel. */
#include "user.h"

#define ROUNDS 20

static int child(int id)
{
    char dir[16] = "sd", path[32];
    dir[2] = (char)('a' + id);
    dir[3] = 0;
    if (mkdir(dir) < 0)
        return 1;
    for (int r = 0; r < ROUNDS; r++) {
        /* files */
        strcpy(path, dir);
        strcpy(path + strlen(path), "/f");
        path[strlen(path) + 1] = 0;
        path[strlen(path)] = (char)('0' + r % 10);
        int fd = open(path, O_CREATE | O_WRONLY | O_TRUNC);
        char buf[300], back[300];
        for (int i = 0; i < (int)sizeof buf; i++)
            buf[i] = (char)(id * 31 + r * 7 + i);
        if (fd < 0 || write(fd, buf, sizeof buf) != sizeof buf)
            return 2;
        close(fd);
        fd = open(path, O_RDONLY);
        if (fd < 0 || read(fd, back, sizeof back) != sizeof back)
            return 3;
        close(fd);
        for (int i = 0; i < (int)sizeof buf; i++)
            if (back[i] != buf[i])
                return 4;
        if (r % 2 && unlink(path) < 0)
            return 5;
        /* fork, exit, wait */
        int pid = fork();
        if (pid < 0)
            return 6;
        if (pid == 0)
            exit(r);
        int st = -1;
        if (wait(&st) != pid || st != r)
            return 7;
        /* a pipe */
        int p[2];
        if (pipe(p) < 0)
            return 8;
        pid = fork();
        if (pid == 0) {
            close(p[0]);
            for (int i = 0; i < 1000; i++)
                write(p[1], &i, sizeof i);
            exit(0);
        }
        close(p[1]);
        int v, n = 0;
        while (read(p[0], &v, sizeof v) == sizeof v)
            if (v != n++)
                return 9;
        close(p[0]);
        wait(0);
        if (n != 1000)
            return 10;
    }
    for (int r = 0; r < ROUNDS; r += 2) {
        strcpy(path, dir);
        strcpy(path + strlen(path), "/f");
        path[strlen(path) + 1] = 0;
        path[strlen(path)] = (char)('0' + r % 10);
        unlink(path);
    }
    return unlink(dir) < 0 ? 11 : 0;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 8, bad = 0;
    for (int i = 0; i < n; i++) {
        int pid = fork();
        if (pid == 0)
            exit(child(i));
        if (pid < 0)
            printf("stress: fork failed\n");
    }
    int st;
    while (wait(&st) >= 0)
        if (st) {
            printf("stress: a child failed with %d\n", st);
            bad = 1;
        }
    printf(bad ? "stress: FAILED\n" : "stress: ok\n");
    return bad;
}
