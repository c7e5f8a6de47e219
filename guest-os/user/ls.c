/* ls: the files in the (only) directory, with their sizes. */
#include "kite/fs.h"
#include "user.h"

int main(void)
{
    int fd = open("/", O_RDONLY);
    if (fd < 0) {
        fprintf(2, "ls: cannot open the directory\n");
        return 1;
    }
    struct dirent de;
    while (read(fd, &de, sizeof de) == sizeof de) {
        if (!de.inum)
            continue;
        char name[DIRSIZ + 2];
        memcpy(name, de.name, DIRSIZ);
        name[DIRSIZ] = 0;
        struct kite_stat st;
        if (stat(name, &st) < 0)
            continue;
        if (st.type == T_DIR)
            strcpy(name + strlen(name), "/");
        printf("%-14s %6u\n", name, st.size);
    }
    close(fd);
    return 0;
}
