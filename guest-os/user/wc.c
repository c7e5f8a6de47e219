/* wc [FILE...]: lines, words and bytes of each file, or of standard input. */
#include "user.h"

static void count(int fd, const char *name)
{
    char buf[512];
    unsigned lines = 0, words = 0, bytes = 0;
    int n, in_word = 0;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        for (int i = 0; i < n; i++) {
            bytes++;
            if (buf[i] == '\n')
                lines++;
            if (strchr(" \t\r\n", buf[i])) {
                in_word = 0;
            } else if (!in_word) {
                words++;
                in_word = 1;
            }
        }
    }
    printf("%u %u %u%s%s\n", lines, words, bytes, *name ? " " : "", name);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        count(0, "");
        return 0;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            fprintf(2, "wc: %s: cannot open\n", argv[i]);
            status = 1;
            continue;
        }
        count(fd, argv[i]);
        close(fd);
    }
    return status;
}
