/* ls [-a] [PATH...]: the files in each directory (the current one if none), with their
 * sizes; a directory's name ends in '/'. Names that start with '.' are left out unless
 * -a. A PATH that is a file lists that file. */
#include "kite/fs.h"
#include "user.h"

static int all;

static void show(const char *name, const struct kite_stat *st)
{
    char shown[DIRSIZ + 2];
    strcpy(shown, name);
    if (st->type == T_DIR)
        strcpy(shown + strlen(shown), "/");
    printf("%-14s %6u\n", shown, st->size);
}

static int list(const char *path)
{
    struct kite_stat st;
    if (stat(path, &st) < 0) {
        fprintf(2, "ls: %s: no such file or directory\n", path);
        return 1;
    }
    if (st.type != T_DIR) {
        show(path, &st);
        return 0;
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        fprintf(2, "ls: %s: cannot open\n", path);
        return 1;
    }
    char full[128];
    struct dirent de;
    while (read(fd, &de, sizeof de) == sizeof de) {
        if (!de.inum || (de.name[0] == '.' && !all))
            continue;
        char name[DIRSIZ + 1];
        memcpy(name, de.name, DIRSIZ);
        name[DIRSIZ] = 0;
        if (strlen(path) + 1 + strlen(name) + 1 > sizeof full)
            continue;
        strcpy(full, path);
        strcpy(full + strlen(full), "/");
        strcpy(full + strlen(full), name);
        if (stat(full, &st) == 0)
            show(name, &st);
    }
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    int first = 1, status = 0;
    if (argc > 1 && !strcmp(argv[1], "-a")) {
        all = 1;
        first = 2;
    }
    if (first == argc)
        return list(".");
    for (int i = first; i < argc; i++) {
        if (argc - first > 1)
            printf("%s:\n", argv[i]);
        status |= list(argv[i]);
    }
    return status;
}
