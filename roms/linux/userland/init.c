/* rvbox initramfs /init: mounts the pseudo filesystems, greets, and runs
 * /bin/sh on the console. When the shell exits, the machine powers off, so
 * a scripted session ends with `exit` or `poweroff` alike. */
#include "rv32_nolibc.h"

#define MS_NOSUID 2
#define MS_NODEV 4
#define MS_NOEXEC 8

static void say(const char *s)
{
	write(1, s, strlen(s));
}

/* a failed mount is reported but not fatal: the shell is still useful */
static void mount_or_warn(const char *src, const char *dir, const char *type,
			  unsigned long flags)
{
	if (mount(src, dir, type, flags, 0) < 0)
		printf("init: mount %s on %s failed (errno %d)\n", type, dir,
		       errno);
}

/* stdin/stdout/stderr on devtmpfs's /dev/console (the kernel opened the
 * initramfs node before /dev was mounted over it; either works) */
static void open_console(void)
{
	int fd = open("/dev/console", O_RDWR, 0);

	if (fd < 0)
		return;
	if (fd != 0)
		dup2(fd, 0);
	dup2(0, 1);
	dup2(0, 2);
	if (fd > 2)
		close(fd);
}

static void power_off(void)
{
	sync();
	reboot(LINUX_REBOOT_CMD_POWER_OFF);
	say("init: poweroff failed\n");
	for (;;)
		sched_yield();
}

int main(int argc, char **argv, char **envp)
{
	static char *const sh_argv[] = { "/bin/sh", 0 };
	static char *const sh_envp[] = { "PATH=/bin", "HOME=/", "TERM=vt100",
					 0 };
	int status = 0;
	int pid;

	(void)argc;
	(void)argv;
	(void)envp;
	mount_or_warn("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC);
	mount_or_warn("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC);
	mount_or_warn("devtmpfs", "/dev", "devtmpfs", MS_NOSUID);
	mount_or_warn("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV);
	open_console();
	say("rvbox initramfs: welcome\n");

	pid = fork();
	if (pid == 0) {
		setsid();
		ioctl(0, TIOCSCTTY, 0);
		execve(sh_argv[0], sh_argv, sh_envp);
		printf("init: cannot run %s (errno %d)\n", sh_argv[0], errno);
		exit(127);
	}
	if (pid < 0) {
		printf("init: fork failed (errno %d)\n", errno);
		power_off();
	}
	while (rv_waitpid(pid, &status) < 0 && errno == EINTR)
		;
	if (status & 0x7f)
		printf("init: shell killed by signal %d, powering off\n",
		       status & 0x7f);
	else
		printf("init: shell exited with status %d, powering off\n",
		       (status >> 8) & 255);
	power_off();
	return 0;
}
