/* rvbox userland: the kernel's nolibc (tools/include/nolibc of Linux 6.1),
 * made to compile for rv32 (-march=rv32imac_zicsr_zifencei -mabi=ilp32).
 *
 * A 32-bit kernel without CONFIG_COMPAT_32BIT_TIME has no 32-bit-time system
 * calls: ppoll, pselect6, gettimeofday exist only as *_time64 (or not at
 * all), stat only as statx, wait4 only as waitid, lseek only as llseek.
 * nolibc 6.1 names the old numbers unconditionally, so it does not compile.
 * This header, included instead of nolibc.h, fixes that without touching the
 * kernel tree:
 *   - struct timespec becomes the 64-bit __kernel_timespec, so ppoll and
 *     pselect6 can be aliased to their time64 forms with the same arguments;
 *   - the calls with no same-argument equivalent get a number the kernel
 *     rejects (-ENOSYS), so nothing silently calls the wrong system call;
 *     rv_waitpid / rv_lseek / rv_stat_mode below are the working forms;
 *   - uname, sync and syslog, which have no wrapper in 6.1, get one.
 * The compiler's libgcc is rv64-only (no ilp32 multilib), so the 64-bit
 * division helpers nolibc's printf needs are defined here too.
 */
#ifndef RVBOX_RV32_NOLIBC_H
#define RVBOX_RV32_NOLIBC_H

#include <asm/unistd.h>

#if __riscv_xlen == 32 && !defined(__NR_ppoll)
/* linux/time.h skips its 32-bit struct timespec when this is defined */
#define _STRUCT_TIMESPEC
struct timespec {
	long long tv_sec;
	long long tv_nsec;
};
#define __NR_ppoll __NR_ppoll_time64
#define __ARCH_WANT_SYS_PSELECT6
#define __NR_pselect6 __NR_pselect6_time64
/* a7 = -1 is above __NR_syscalls: the kernel answers -ENOSYS */
#define RVBOX_NR_NONE (-1)
#define __NR_gettimeofday RVBOX_NR_NONE
#define __NR_newfstatat RVBOX_NR_NONE
#define __NR_wait4 RVBOX_NR_NONE
#ifndef __NR_lseek
#define __NR_lseek RVBOX_NR_NONE
#endif
#endif

#include "nolibc.h"

#include <linux/utsname.h>

/* 64-bit unsigned division by shift and subtract, for nolibc's u64toa */
__attribute__((weak, used)) unsigned long long
__udivmoddi4(unsigned long long num, unsigned long long den,
	     unsigned long long *rem)
{
	unsigned long long quot = 0, bit = 1;

	if (den == 0)
		return 0;
	while (den < num && !(den & (1ULL << 63))) {
		den <<= 1;
		bit <<= 1;
	}
	while (bit) {
		if (num >= den) {
			num -= den;
			quot |= bit;
		}
		den >>= 1;
		bit >>= 1;
	}
	if (rem)
		*rem = num;
	return quot;
}

__attribute__((weak, used)) unsigned long long
__udivdi3(unsigned long long num, unsigned long long den)
{
	return __udivmoddi4(num, den, 0);
}

__attribute__((weak, used)) unsigned long long
__umoddi3(unsigned long long num, unsigned long long den)
{
	unsigned long long rem = 0;

	__udivmoddi4(num, den, &rem);
	return rem;
}

/* nolibc's errno convention: a negative return is -errno */
static __attribute__((unused)) int rv_ret(long ret)
{
	if (ret < 0) {
		SET_ERRNO(-ret);
		return -1;
	}
	return (int)ret;
}

static __attribute__((unused)) int uname(struct new_utsname *buf)
{
	return rv_ret(my_syscall1(__NR_uname, buf));
}

static __attribute__((unused)) void sync(void)
{
	my_syscall0(__NR_sync);
}

/* syslog(2): action 3 reads the whole kernel log, 10 gives its size */
#define RV_SYSLOG_READ_ALL 3
#define RV_SYSLOG_SIZE_BUFFER 10
static __attribute__((unused)) int rv_syslog(int action, char *buf, int len)
{
	return rv_ret(my_syscall3(__NR_syslog, action, buf, len));
}

/* waitpid through waitid(P_PID, pid, &info, WEXITED, NULL), with *status
 * in waitpid's encoding: exit code << 8, or the signal number (| 0x80 for a
 * core dump). siginfo_t for SIGCHLD: signo, errno, code, pid, uid, status;
 * code is CLD_EXITED (1), CLD_KILLED (2) or CLD_DUMPED (3). */
#define RV_P_PID 1
#define RV_WEXITED 4
#define RV_CLD_EXITED 1
#define RV_CLD_DUMPED 3
static __attribute__((unused)) int rv_waitpid(int pid, int *status)
{
	int info[32] = { 0 };
	int ret = rv_ret(my_syscall5(__NR_waitid, RV_P_PID, pid, info,
				     RV_WEXITED, 0));

	if (ret < 0)
		return ret;
	if (status) {
		if (info[2] == RV_CLD_EXITED)
			*status = (info[5] & 0xff) << 8;
		else
			*status = (info[5] & 0x7f) |
				  (info[2] == RV_CLD_DUMPED ? 0x80 : 0);
	}
	return info[3];
}

/* lseek through llseek(fd, high, low, &result, whence) */
static __attribute__((unused)) long long rv_lseek(int fd, long long off,
						  int whence)
{
	long long result = 0;
	int ret = rv_ret(my_syscall5(__NR_llseek, fd, (long)(off >> 32),
				     (long)off, &result, whence));

	return ret < 0 ? -1 : result;
}

/* the file type and permission bits of a path, through statx; -1 on error.
 * struct statx: mask, blksize, attributes (u64), nlink, uid, gid, then the
 * 16-bit mode at byte 28. */
#define RV_AT_FDCWD (-100)
#define RV_STATX_TYPE_MODE 0x3U
static __attribute__((unused)) int rv_stat_mode(const char *path,
						unsigned int *mode)
{
	unsigned int buf[64] = { 0 };
	int ret = rv_ret(my_syscall5(__NR_statx, RV_AT_FDCWD, path, 0,
				     RV_STATX_TYPE_MODE, buf));

	if (ret < 0)
		return -1;
	*mode = *(unsigned short *)((char *)buf + 28);
	return 0;
}

#endif /* RVBOX_RV32_NOLIBC_H */
