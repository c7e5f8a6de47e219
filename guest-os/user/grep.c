/* grep WORD [FILE...]: print the lines that contain WORD (plain text, no patterns), of
 * each file or of standard input. Exit status 0 if any line matched. */
#include "user.h"

static int found;

static int contains(const char *line, const char *word)
{
    size_t n = strlen(word);
    for (; *line; line++)
        if (!strncmp(line, word, n))
            return 1;
    return 0;
}

static void search(int fd, const char *word)
{
    char line[256];
    while (getline(fd, line, sizeof line)) {
        if (contains(line, word)) {
            found = 1;
            printf("%s%s", line, line[strlen(line) - 1] == '\n' ? "" : "\n");
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(2, "usage: grep WORD [FILE...]\n");
        return 2;
    }
    if (argc == 2)
        search(0, argv[1]);
    for (int i = 2; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            fprintf(2, "grep: %s: cannot open\n", argv[i]);
            continue;
        }
        search(fd, argv[1]);
        close(fd);
    }
    return found ? 0 : 1;
}
