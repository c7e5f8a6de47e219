/* rvbox initramfs /bin/sh: a line-at-a-time shell of builtins, enough to
 * look around a booted kernel and drive it from a test script.
 * Syntax: words separated by blanks, '...' and "..." quote, and a final
 * `> FILE` or `>> FILE` sends the command's output to FILE, and the word $?
 * is the status of the command before. A word that is not a builtin runs as
 * a program (/bin/WORD, or WORD if it holds a '/'). */
#include "rv32_nolibc.h"

#define LINE_MAX 1024
#define ARGS_MAX 64
#define O_TRUNC_CREATE (O_WRONLY | O_CREAT | O_TRUNC)
#define MS_RDONLY 1

static char **sh_envp;
static int last_status;

/* ---- small output helpers (nolibc's printf writes unbuffered) ---- */

static void out(int fd, const char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		ssize_t n = write(fd, s, len);

		if (n <= 0)
			return;
		s += n;
		len -= n;
	}
}

/* the message for the errno values a user of this shell will meet */
static const char *err_text(int e)
{
	static char buf[24];

	switch (e) {
	case EPERM: return "Operation not permitted";
	case ENOENT: return "No such file or directory";
	case EIO: return "I/O error";
	case ENXIO: return "No such device or address";
	case EBADF: return "Bad file descriptor";
	case ENOMEM: return "Out of memory";
	case EACCES: return "Permission denied";
	case EFAULT: return "Bad address";
	case EBUSY: return "Device or resource busy";
	case EEXIST: return "File exists";
	case ENODEV: return "No such device";
	case ENOTDIR: return "Not a directory";
	case EISDIR: return "Is a directory";
	case EINVAL: return "Invalid argument";
	case ENOSPC: return "No space left on device";
	case EROFS: return "Read-only file system";
	case ELOOP: return "Too many levels of symbolic links";
	case ECONNREFUSED: return "Connection refused";
	case ENOTBLK: return "Block device required";
	case ENOSYS: return "Function not implemented";
	case ENOTEMPTY: return "Directory not empty";
	}
	buf[0] = 0;
	strcpy(buf, "errno ");
	itoa_r(e, buf + 6);
	return buf;
}

/* "cmd: what: message" on stderr; returns 1, the failing status */
static int fail(const char *cmd, const char *what)
{
	out(2, cmd);
	out(2, ": ");
	if (what) {
		out(2, what);
		out(2, ": ");
	}
	out(2, err_text(errno));
	out(2, "\n");
	return 1;
}

static int usage(const char *text)
{
	out(2, "usage: ");
	out(2, text);
	out(2, "\n");
	return 2;
}

/* ---- builtins: each takes argc/argv like main and returns a status ---- */

static int cmd_echo(int argc, char **argv)
{
	int newline = 1;
	int i = 1;

	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		newline = 0;
		i = 2;
	}
	for (; i < argc; i++) {
		out(1, argv[i]);
		if (i + 1 < argc)
			out(1, " ");
	}
	if (newline)
		out(1, "\n");
	return 0;
}

static int copy_fd(int from, int to)
{
	static char buf[4096];
	ssize_t n;

	while ((n = read(from, buf, sizeof(buf))) > 0)
		if (write(to, buf, n) != n)
			return -1;
	return n < 0 ? -1 : 0;
}

static int cmd_cat(int argc, char **argv)
{
	int status = 0;
	int i;

	if (argc == 1)
		return copy_fd(0, 1) < 0 ? fail("cat", 0) : 0;
	for (i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY, 0);

		if (fd < 0) {
			status = fail("cat", argv[i]);
			continue;
		}
		if (copy_fd(fd, 1) < 0)
			status = fail("cat", argv[i]);
		close(fd);
	}
	return status;
}

/* ls prints one name a line, sorted, directories with a trailing '/' */
#define LS_NAMES_MAX 512
#define LS_POOL 16384

static int ls_dir(const char *path)
{
	static char dents[4096];
	static char pool[LS_POOL];
	static char *names[LS_NAMES_MAX];
	int count = 0, used = 0, fd, n, i, j;

	fd = open(path, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0) {
		unsigned int mode;

		/* a file names itself, as in ls */
		if (errno == ENOTDIR && rv_stat_mode(path, &mode) == 0) {
			out(1, path);
			out(1, "\n");
			return 0;
		}
		return fail("ls", path);
	}
	while ((n = getdents64(fd, (void *)dents, sizeof(dents))) > 0) {
		for (i = 0; i < n;) {
			struct linux_dirent64 *d = (void *)(dents + i);
			int len = strlen(d->d_name);

			i += d->d_reclen;
			if (d->d_name[0] == '.' && (len == 1 ||
			    (len == 2 && d->d_name[1] == '.')))
				continue;
			if (count == LS_NAMES_MAX || used + len + 2 > LS_POOL)
				continue;
			names[count++] = pool + used;
			strcpy(pool + used, d->d_name);
			used += len;
			if (d->d_type == DT_DIR)
				pool[used++] = '/';
			pool[used++] = 0;
		}
	}
	if (n < 0)
		fail("ls", path);
	close(fd);
	for (i = 1; i < count; i++) {
		char *name = names[i];

		for (j = i; j > 0 && strcmp(names[j - 1], name) > 0; j--)
			names[j] = names[j - 1];
		names[j] = name;
	}
	for (i = 0; i < count; i++) {
		out(1, names[i]);
		out(1, "\n");
	}
	return n < 0;
}

static int cmd_ls(int argc, char **argv)
{
	int status = 0;
	int i;

	if (argc == 1)
		return ls_dir(".");
	for (i = 1; i < argc; i++) {
		if (argc > 2) {
			out(1, argv[i]);
			out(1, ":\n");
		}
		status |= ls_dir(argv[i]);
	}
	return status;
}

/* mkdir -p: make each missing parent of path, then path */
static int mkdir_parents(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

static int cmd_mkdir(int argc, char **argv)
{
	int parents = 0;
	int status = 0;
	int i = 1;

	if (argc > 1 && strcmp(argv[1], "-p") == 0) {
		parents = 1;
		i = 2;
	}
	if (i == argc)
		return usage("mkdir [-p] DIR...");
	for (; i < argc; i++) {
		int ret = parents ? mkdir_parents(argv[i]) : mkdir(argv[i], 0755);

		if (ret < 0)
			status = fail("mkdir", argv[i]);
	}
	return status;
}

static int cmd_mount(int argc, char **argv)
{
	const char *type = "ext2";
	const char *data = 0;
	unsigned long flags = 0;
	const char *src = 0, *dir = 0;
	int i;

	if (argc == 1) {
		char *cat_argv[] = { "cat", "/proc/mounts", 0 };

		return cmd_cat(2, cat_argv);
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
			type = argv[++i];
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			data = argv[++i];
			if (strcmp(data, "ro") == 0) {
				flags |= MS_RDONLY;
				data = 0;
			} else if (strcmp(data, "rw") == 0) {
				data = 0;
			}
		} else if (!src) {
			src = argv[i];
		} else if (!dir) {
			dir = argv[i];
		} else {
			src = 0;
			break;
		}
	}
	if (!src || !dir)
		return usage("mount [-t TYPE] [-o ro|rw|OPTS] DEVICE DIR");
	if (mount(src, dir, type, flags, data) < 0)
		return fail("mount", src);
	return 0;
}

static int cmd_umount(int argc, char **argv)
{
	int status = 0;
	int i;

	if (argc < 2)
		return usage("umount DIR...");
	for (i = 1; i < argc; i++)
		if (umount2(argv[i], 0) < 0)
			status = fail("umount", argv[i]);
	return status;
}

static int cmd_uname(int argc, char **argv)
{
	struct new_utsname u;
	const char *fields[5];
	int show = 0;
	int i, first = 1;

	if (uname(&u) < 0)
		return fail("uname", 0);
	fields[0] = u.sysname;
	fields[1] = u.nodename;
	fields[2] = u.release;
	fields[3] = u.version;
	fields[4] = u.machine;
	for (i = 1; i < argc; i++) {
		const char *o = argv[i];

		if (o[0] != '-')
			return usage("uname [-asnrvm]");
		for (o++; *o; o++) {
			switch (*o) {
			case 'a': show |= 31; break;
			case 's': show |= 1; break;
			case 'n': show |= 2; break;
			case 'r': show |= 4; break;
			case 'v': show |= 8; break;
			case 'm': show |= 16; break;
			default: return usage("uname [-asnrvm]");
			}
		}
	}
	if (!show)
		show = 1;
	for (i = 0; i < 5; i++) {
		if (!(show & (1 << i)))
			continue;
		if (!first)
			out(1, " ");
		out(1, fields[i]);
		first = 0;
	}
	out(1, "\n");
	return 0;
}

static int cmd_dmesg(int argc, char **argv)
{
	static char buf[1 << 17];
	int n, i, j, len;

	(void)argc;
	(void)argv;
	n = rv_syslog(RV_SYSLOG_READ_ALL, buf, sizeof(buf));
	if (n < 0)
		return fail("dmesg", 0);
	/* drop each line's "<level>" prefix, as dmesg(1) does */
	for (i = 0, len = 0; i < n; i++) {
		if ((i == 0 || buf[i - 1] == '\n') && buf[i] == '<') {
			for (j = i + 1; j < n && buf[j] >= '0' && buf[j] <= '9'; j++)
				;
			if (j < n && buf[j] == '>' && j > i + 1) {
				i = j;
				continue;
			}
		}
		buf[len++] = buf[i];
	}
	write(1, buf, len);
	return 0;
}

static int cmd_sync(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	sync();
	return 0;
}

static int do_reboot(const char *cmd, int how)
{
	sync();
	if (reboot(how) < 0)
		return fail(cmd, 0);
	return 0;
}

static int cmd_poweroff(int argc, char **argv)
{
	(void)argc;
	return do_reboot(argv[0], LINUX_REBOOT_CMD_POWER_OFF);
}

static int cmd_reboot(int argc, char **argv)
{
	(void)argc;
	return do_reboot(argv[0], LINUX_REBOOT_CMD_RESTART);
}

/* write FILE TEXT...: FILE gets the words of TEXT and a newline */
static int cmd_write(int argc, char **argv)
{
	int fd, i;

	if (argc < 2)
		return usage("write FILE [TEXT...]");
	fd = open(argv[1], O_TRUNC_CREATE, 0644);
	if (fd < 0)
		return fail("write", argv[1]);
	for (i = 2; i < argc; i++) {
		out(fd, argv[i]);
		if (i + 1 < argc)
			out(fd, " ");
	}
	out(fd, "\n");
	if (close(fd) < 0)
		return fail("write", argv[1]);
	return 0;
}

/* ln -s TARGET NAME: a symbolic link (no hard links) */
static int cmd_ln(int argc, char **argv)
{
	if (argc != 4 || strcmp(argv[1], "-s") != 0)
		return usage("ln -s TARGET NAME");
	if (rv_ret(my_syscall3(__NR_symlinkat, argv[2], RV_AT_FDCWD, argv[3])) < 0)
		return fail("ln", argv[3]);
	return 0;
}

static int cmd_rm(int argc, char **argv)
{
	int status = 0;
	int i;

	if (argc < 2)
		return usage("rm FILE...");
	for (i = 1; i < argc; i++)
		if (unlink(argv[i]) < 0)
			status = fail("rm", argv[i]);
	return status;
}

static int cmd_cd(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/";

	if (chdir(dir) < 0)
		return fail("cd", dir);
	return 0;
}

static int cmd_pwd(int argc, char **argv)
{
	char buf[PATH_MAX];

	(void)argc;
	(void)argv;
	if (rv_ret(my_syscall2(__NR_getcwd, buf, sizeof(buf))) < 0)
		return fail("pwd", 0);
	out(1, buf);
	out(1, "\n");
	return 0;
}

static int cmd_sleep(int argc, char **argv)
{
	if (argc != 2)
		return usage("sleep SECONDS");
	sleep(atoi(argv[1]));
	return 0;
}

static int cmd_help(int argc, char **argv);

/* exit is handled by the main loop; it is listed here for help */
static int cmd_exit(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static const struct builtin {
	const char *name;
	int (*fn)(int argc, char **argv);
} builtins[] = {
	{ "cat", cmd_cat },
	{ "cd", cmd_cd },
	{ "dmesg", cmd_dmesg },
	{ "echo", cmd_echo },
	{ "exit", cmd_exit },
	{ "help", cmd_help },
	{ "ln", cmd_ln },
	{ "ls", cmd_ls },
	{ "mkdir", cmd_mkdir },
	{ "mount", cmd_mount },
	{ "poweroff", cmd_poweroff },
	{ "pwd", cmd_pwd },
	{ "reboot", cmd_reboot },
	{ "rm", cmd_rm },
	{ "sleep", cmd_sleep },
	{ "sync", cmd_sync },
	{ "umount", cmd_umount },
	{ "uname", cmd_uname },
	{ "write", cmd_write },
};

#define BUILTIN_COUNT (sizeof(builtins) / sizeof(builtins[0]))

static int cmd_help(int argc, char **argv)
{
	size_t i;

	(void)argc;
	(void)argv;
	out(1, "builtins:");
	for (i = 0; i < BUILTIN_COUNT; i++) {
		out(1, " ");
		out(1, builtins[i].name);
	}
	out(1, "\nredirection: CMD > FILE, CMD >> FILE\n");
	return 0;
}

/* ---- running a command line ---- */

/* runs a program that is not a builtin, and waits for it */
static int run_program(int argc, char **argv)
{
	char path[PATH_MAX];
	int status = 0;
	int pid;

	(void)argc;
	if (strchr(argv[0], '/')) {
		strncpy(path, argv[0], sizeof(path) - 1);
		path[sizeof(path) - 1] = 0;
	} else {
		strcpy(path, "/bin/");
		strncpy(path + 5, argv[0], sizeof(path) - 6);
		path[sizeof(path) - 1] = 0;
	}
	pid = fork();
	if (pid == 0) {
		execve(path, argv, sh_envp);
		if (errno == ENOENT) {
			out(2, "sh: ");
			out(2, argv[0]);
			out(2, ": not found\n");
			exit(127);
		}
		fail("sh", argv[0]);
		exit(126);
	}
	if (pid < 0)
		return fail("sh", "fork");
	if (rv_waitpid(pid, &status) < 0)
		return fail("sh", "wait");
	/* as other shells: the exit code, or 128 + the signal that killed it */
	return (status & 0x7f) ? 128 + (status & 0x7f) : (status >> 8) & 255;
}

static int run(int argc, char **argv)
{
	size_t i;

	for (i = 0; i < BUILTIN_COUNT; i++)
		if (strcmp(argv[0], builtins[i].name) == 0)
			return builtins[i].fn(argc, argv);
	return run_program(argc, argv);
}

/* Splits line into words, copied into store (as long as line, plus one NUL
 * a word). An unquoted '>' or '>>' is a word of its own, marked in redir[]
 * so that a quoted ">" stays text. */
static int split(const char *line, char *store, char **words, int *redir)
{
	const char *src = line;
	int n = 0;

	for (;;) {
		while (*src == ' ' || *src == '\t')
			src++;
		if (!*src || n == ARGS_MAX)
			break;
		words[n] = store;
		redir[n] = *src == '>';
		if (redir[n]) {
			*store++ = *src++;
			if (*src == '>')
				*store++ = *src++;
		}
		while (!redir[n] && *src && *src != ' ' && *src != '\t' &&
		       *src != '>') {
			char quote = 0;

			if (*src == '\'' || *src == '"')
				quote = *src++;
			if (!quote) {
				*store++ = *src++;
				continue;
			}
			while (*src && *src != quote)
				*store++ = *src++;
			if (*src == quote)
				src++;
		}
		*store++ = 0;
		n++;
	}
	words[n] = 0;
	return n;
}

static int run_line(const char *line, int *exit_now)
{
	static char store[2 * LINE_MAX];
	char status_word[12];
	char *words[ARGS_MAX + 1];
	int redir[ARGS_MAX + 1];
	int argc, saved = -1, status, fd;
	const char *target = 0;
	int append = 0;

	itoa_r(last_status, status_word);
	argc = split(line, store, words, redir);
	if (argc == 0 || words[0][0] == '#')
		return last_status;
	for (fd = 0; fd < argc; fd++)
		if (!redir[fd] && strcmp(words[fd], "$?") == 0)
			words[fd] = status_word;
	if (argc >= 2 && redir[argc - 2] && !redir[argc - 1]) {
		append = words[argc - 2][1] == '>';
		target = words[argc - 1];
		argc -= 2;
		words[argc] = 0;
	}
	for (fd = 0; fd < argc; fd++)
		if (redir[fd]) {
			out(2, "sh: syntax error near '>'\n");
			return 2;
		}
	if (argc == 0) {
		out(2, "sh: syntax error near '>'\n");
		return 2;
	}
	if (strcmp(words[0], "exit") == 0) {
		*exit_now = 1;
		return argc > 1 ? atoi(words[1]) : 0;
	}
	if (target) {
		fd = open(target, O_WRONLY | O_CREAT |
			  (append ? O_APPEND : O_TRUNC), 0644);
		if (fd < 0)
			return fail("sh", target);
		saved = dup(1);
		dup2(fd, 1);
		close(fd);
	}
	status = run(argc, words);
	if (saved >= 0) {
		dup2(saved, 1);
		close(saved);
	}
	return status;
}

/* Reads one line from fd 0 into line; 0 at end of input. Input is read in
 * blocks (a console in canonical mode hands over a line per read anyway). */
static int read_line(char *line, int size)
{
	static char buf[LINE_MAX];
	static int have, pos;
	int len = 0;

	for (;;) {
		if (pos == have) {
			have = read(0, buf, sizeof(buf));
			pos = 0;
			if (have <= 0) {
				have = 0;
				if (len == 0)
					return 0;
				break;
			}
		}
		char c = buf[pos++];

		if (c == '\n')
			break;
		if (c == '\r')
			continue;
		if (len < size - 1)
			line[len++] = c;
	}
	line[len] = 0;
	return 1;
}

int main(int argc, char **argv, char **envp)
{
	static char line[LINE_MAX];
	int status = 0, exit_now = 0;

	(void)argc;
	(void)argv;
	sh_envp = envp;
	for (;;) {
		out(1, "# ");
		if (!read_line(line, sizeof(line)))
			break;
		status = run_line(line, &exit_now);
		last_status = status;
		if (exit_now)
			break;
	}
	return status;
}
