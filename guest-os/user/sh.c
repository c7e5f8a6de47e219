/*
 * sh: Kite's shell. Reads a line (the console does the editing), cuts it into commands
 * joined by '|' and each command into words at spaces, and runs the program named
 * first with the rest as arguments, each command's output going into the next one's
 * input. Understands `cmd &` (do not wait), `> file`, `>> file` and `< file`, and
 * built-ins: cd, help and exit. A program named without a '/' is looked for in the
 * current directory, then in / (where they all are).
 *
 * A pipeline runs under one child of the shell, which starts a process per command
 * and waits for them: Ctrl-C ends that child and all it started (fg).
 */
#include "user.h"

#define MAXARGS 16
#define MAXSTAGES 8
#define COMMANDS "ls cat echo rm ps kill uptime mem shutdown reboot demo fault spin"
#define MORE_COMMANDS "mkdir wc grep stress"

struct command {                /* one stage of a pipeline */
    char *argv[MAXARGS + 1];
    char *in, *out;
    int append;
};

struct pipeline {
    struct command cmd[MAXSTAGES];
    int n;                      /* commands */
    int background;
};

/* Copy line into out with spaces around & < > | (">>" stays whole), so that every
 * operator is a word of its own. */
static void space_out(const char *line, char *out, int max)
{
    int n = 0;
    for (; *line && n < max - 4; line++) {
        if (strchr("&<>|", *line)) {
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

static int syntax(const char *why)
{
    fprintf(2, "sh: %s\n", why);
    return -1;
}

/* Split line into pl; the number of commands (0 for an empty line), or -1 (with a
 * message) on a syntax error. */
static int parse(const char *line, struct pipeline *pl)
{
    static char words[512];
    memset(pl, 0, sizeof *pl);
    space_out(line, words, sizeof words);
    struct command *cmd = &pl->cmd[0];
    int argc = 0;
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
        if (pl->background)
            return syntax("& must come last");
        if (target) {
            if (strchr("&<>|", *word))
                break;
            *target = word;
            target = 0;
        } else if (!strcmp(word, "&")) {
            pl->background = 1;
        } else if (!strcmp(word, "<")) {
            target = &cmd->in;
        } else if (!strcmp(word, ">") || !strcmp(word, ">>")) {
            target = &cmd->out;
            cmd->append = word[1] == '>';
        } else if (!strcmp(word, "|")) {
            if (argc == 0)
                return syntax("a command must come before |");
            if (pl->n + 1 == MAXSTAGES)
                return syntax("too many commands in the pipeline");
            cmd = &pl->cmd[++pl->n];
            argc = 0;
        } else if (argc == MAXARGS) {
            return syntax("too many arguments");
        } else {
            cmd->argv[argc++] = word;
        }
    }
    if (target)
        return syntax("a file name must follow < or >");
    if (argc == 0)
        return pl->n ? syntax("a command must follow |") : 0;
    return ++pl->n;
}

/* In a child: set up the redirections, run the program. */
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
    if (!strchr(cmd->argv[0], '/') && strlen(cmd->argv[0]) < 60) {
        char path[64] = "/";
        strcpy(path + 1, cmd->argv[0]);
        exec(path, cmd->argv);
    }
    fprintf(2, "sh: %s: not found\n", cmd->argv[0]);
    exit(127);
}

/* In the pipeline's own child: a process per command, each one's standard output a
 * pipe into the next one's standard input. Exits with the last command's status. */
static void run_pipeline(struct pipeline *pl)
{
    int pids[MAXSTAGES], prev = -1;         /* prev: the read end for the next command */
    for (int i = 0; i < pl->n; i++) {
        int p[2] = { -1, -1 };
        if (i + 1 < pl->n && pipe(p) < 0) {
            fprintf(2, "sh: cannot make a pipe\n");
            exit(1);
        }
        if ((pids[i] = fork()) < 0) {
            fprintf(2, "sh: cannot fork\n");
            exit(1);
        }
        if (pids[i] == 0) {
            if (prev >= 0) {
                close(0);
                dup(prev);
                close(prev);
            }
            if (i + 1 < pl->n) {
                close(1);
                dup(p[1]);
                close(p[0]);
                close(p[1]);
            }
            run(&pl->cmd[i]);
        }
        if (prev >= 0)
            close(prev);
        if (i + 1 < pl->n) {
            close(p[1]);        /* or the next command would never see end of file */
            prev = p[0];
        }
    }
    int status = 0, pid, st;
    while ((pid = wait(&st)) >= 0)
        if (pid == pids[pl->n - 1])
            status = st;
    exit(status);
}

int main(void)
{
    static char line[256];
    static struct pipeline pl;
    printf("Kite shell. Commands: " COMMANDS "\n");
    for (;;) {
        printf("kite$ ");
        if (!getline(0, line, sizeof line))
            return 0;                   /* end of input: init starts a new shell */
        if (parse(line, &pl) <= 0)
            continue;
        char **argv = pl.cmd[0].argv;
        if (pl.n == 1 && !strcmp(argv[0], "exit"))
            return 0;
        if (pl.n == 1 && !strcmp(argv[0], "cd")) {
            if (chdir(argv[1] ? argv[1] : "/") < 0)
                fprintf(2, "sh: cd: %s: no such directory\n", argv[1]);
            continue;
        }
        if (pl.n == 1 && !strcmp(argv[0], "help")) {
            printf("Commands: " COMMANDS " " MORE_COMMANDS "\n"
                   "Also: help, exit, cd DIR, CMD &, CMD | CMD, CMD > FILE, CMD >> FILE,\n"
                   "CMD < FILE; Ctrl-C stops the running command, Ctrl-U erases the line.\n");
            continue;
        }
        int pid = fork();
        if (pid < 0) {
            fprintf(2, "sh: cannot fork\n");
            continue;
        }
        if (pid == 0) {
            if (pl.n == 1)
                run(&pl.cmd[0]);
            run_pipeline(&pl);
        }
        if (pl.background) {
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
