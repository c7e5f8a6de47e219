/*
 * sh: Kite's shell. Reads a line (the console does the editing), splits it at spaces,
 * and runs the program named first with the rest as arguments. Understands `cmd &`
 * (do not wait), `> file`, `>> file` and `< file`, and two built-ins: help and exit.
 */
#include "user.h"

#define MAXARGS 16
#define COMMANDS "ls cat echo rm ps kill uptime mem shutdown reboot demo fault spin"

struct command {
    char *argv[MAXARGS + 1];
    char *in, *out;
    int append, background;
};

/* Copy line into out with spaces around & < > (">>" stays whole), so that every
 * operator is a word of its own. */
static void space_out(const char *line, char *out, int max)
{
    int n = 0;
    for (; *line && n < max - 4; line++) {
        if (*line == '&' || *line == '<' || *line == '>') {
            out[n++] = ' ';
            out[n++] = *line;
            if (line[0] == '>' && line[1] == '>')
                out[n++] = *++line;
            out[n++] = ' ';
        } else {
            out[n++] = *line;
        }
    }
    out[n] = 0;
}

/* Split line into cmd; the argument count, or -1 (with a message) on a syntax error. */
static int parse(const char *line, struct command *cmd)
{
    static char words[512];
    int argc = 0;
    memset(cmd, 0, sizeof *cmd);
    space_out(line, words, sizeof words);
    char **target = 0;
    for (char *s = words; *s;) {
        while (*s == ' ' || *s == '\t' || *s == '\n')
            *s++ = 0;
        if (!*s)
            break;
        char *word = s;
        while (*s && *s != ' ' && *s != '\t' && *s != '\n')
            s++;
        if (*s)
            *s++ = 0;
        if (target) {
            if (*word == '&' || *word == '<' || *word == '>')
                break;
            *target = word;
            target = 0;
        } else if (!strcmp(word, "&")) {
            cmd->background = 1;
        } else if (!strcmp(word, "<")) {
            target = &cmd->in;
        } else if (!strcmp(word, ">") || !strcmp(word, ">>")) {
            target = &cmd->out;
            cmd->append = word[1] == '>';
        } else if (argc == MAXARGS) {
            fprintf(2, "sh: too many arguments\n");
            return -1;
        } else {
            cmd->argv[argc++] = word;
        }
    }
    if (target) {
        fprintf(2, "sh: a file name must follow < or >\n");
        return -1;
    }
    return argc;
}

/* In the child: set up the redirections, run the program. */
static void run(struct command *cmd)
{
    if (cmd->in) {
        close(0);
        if (open(cmd->in, O_RDONLY) != 0) {
            fprintf(2, "sh: %s: cannot open\n", cmd->in);
            exit(1);
        }
    }
    if (cmd->out) {
        close(1);
        int flags = O_WRONLY | O_CREATE | (cmd->append ? O_APPEND : O_TRUNC);
        if (open(cmd->out, flags) != 1) {
            fprintf(2, "sh: %s: cannot create\n", cmd->out);
            exit(1);
        }
    }
    exec(cmd->argv[0], cmd->argv);
    fprintf(2, "sh: %s: not found\n", cmd->argv[0]);
    exit(127);
}

int main(void)
{
    static char line[256];
    struct command cmd;
    printf("Kite shell. Commands: " COMMANDS "\n");
    for (;;) {
        printf("kite$ ");
        if (!getline(0, line, sizeof line))
            return 0;                   /* end of input: init starts a new shell */
        int argc = parse(line, &cmd);
        if (argc <= 0)
            continue;
        if (!strcmp(cmd.argv[0], "exit"))
            return 0;
        if (!strcmp(cmd.argv[0], "help")) {
            printf("Commands: " COMMANDS "\n"
                   "Also: help, exit, CMD &, CMD > FILE, CMD >> FILE, CMD < FILE;\n"
                   "Ctrl-C stops the running command, Ctrl-U erases the line.\n");
            continue;
        }
        int pid = fork();
        if (pid < 0) {
            fprintf(2, "sh: cannot fork\n");
            continue;
        }
        if (pid == 0)
            run(&cmd);
        if (cmd.background) {
            printf("[%d]\n", pid);
            continue;
        }
        fg(pid);
        int done;
        while ((done = wait(0)) >= 0 && done != pid)
            printf("[%d] done\n", done);    /* a background job ended meanwhile */
        fg(0);
    }
}
