/* rvbox initramfs /bin/fpu: floating point in Linux processes (F and D).
 *
 *   - arithmetic whose results are known exactly (computed on an IEEE host): sums of
 *     1/i in double and in single, sqrt, a fused multiply-add keeping the rounding
 *     error a separate multiply and add would lose, a conversion;
 *   - the rounding mode in fcsr (1/3 rounded up), and fflags (an invalid conversion);
 *   - two processes taking turns (each sleeps 100 us, so the other runs) with values of
 *     their own in f8..f15 and frm: the kernel saves a task's registers only when
 *     mstatus.FS says they changed, so they survive only if the hart keeps FS right.
 *
 * Prints "fpu: ok", or a line per check that failed. Built with F and D
 * (-march=rv32imafdc -mabi=ilp32: values travel in integer registers); the trimmed
 * kernel has no FPU support, so there it dies of SIGILL: only the defconfig kernel's
 * test runs it. */
#include "rv32_nolibc.h"

#define SWITCHES 200

static int failures;

static void check(const char *what, unsigned long long got, unsigned long long want)
{
	if (got == want)
		return;
	printf("fpu: %s: got %llx, want %llx\n", what, got, want);
	failures++;
}

static unsigned long long dbits(double d)
{
	union { double d; unsigned long long u; } x = { .d = d };
	return x.u;
}

static unsigned fbits(float f)
{
	union { float f; unsigned u; } x = { .f = f };
	return x.u;
}

static void arithmetic(void)
{
	volatile double one = 1.0, two = 2.0, tenth = 0.1, ten = 10.0, minus_one = -1.0;
	volatile float three = 3.0f;
	double hd = 0;
	float hf = 0;
	for (int i = 1; i <= 1000; i++) {
		hd += one / i;
		hf += (float)one / (float)i;
	}
	check("harmonic sum, double", dbits(hd), 0x401df11f45f4e618ull);
	check("harmonic sum, single", fbits(hf), 0x40ef890au);
	check("sqrt(2.0)", dbits(__builtin_sqrt(two)), 0x3ff6a09e667f3bcdull);
	check("sqrtf(3.0f)", fbits(__builtin_sqrtf(three)), 0x3fddb3d7u);
	check("fma(0.1, 10, -1)", dbits(__builtin_fma(tenth, ten, minus_one)),
	      0x3c90000000000000ull);
	check("(double)(float)0.1", dbits((double)(float)tenth), 0x3fb99999a0000000ull);
}

static void rounding(void)
{
	volatile double one = 1.0, three = 3.0, big = 1e10;
	double q;
	unsigned frm, flags;
	int n;

	/* in one asm: the compiler would move a division past a change of fcsr */
	__asm__ volatile("fsrmi 3\n\t"                   /* round up */
			 "fdiv.d %0, %2, %3\n\t"
			 "frrm %1\n\t"
			 "fsrmi 0"
			 : "=&f"(q), "=&r"(frm) : "f"(one), "f"(three));
	check("1/3 rounded up", dbits(q), 0x3fd5555555555556ull);
	check("frm", frm, 3);
	__asm__ volatile("fsflags zero");
	__asm__ volatile("fcvt.w.d %0, %1, rtz" : "=r"(n) : "f"(big));
	__asm__ volatile("frflags %0" : "=r"(flags));
	check("(int)1e10", (unsigned)n, 0x7fffffffu);
	check("fflags after (int)1e10", flags, 0x10);
}

/* f8..f15 and frm hold this process's values across SWITCHES sleeps. frm is
 * set once: each round only loads the registers (fld alone must mark them Dirty for the
 * kernel to save them). */
static void keep_registers(unsigned seed)
{
	unsigned long long in[8], out[8];
	unsigned frm;

	__asm__ volatile("fsrm %0" : : "r"(seed & 3));
	static const struct timespec nap = { 0, 100000 };   /* 64-bit: rv32_nolibc.h */
	for (int round = 0; round < SWITCHES; round++) {
		/* new values every round: a save the kernel skipped would leave old ones */
		for (int i = 0; i < 8; i++)
			in[i] = 0x4000000000000000ull | (unsigned long long)seed << 32 |
				(unsigned)(round << 16 | i);
		register long a7 __asm__("a7") = __NR_clock_nanosleep_time64;
		register long a0 __asm__("a0") = 1;         /* CLOCK_MONOTONIC */
		register long a1 __asm__("a1") = 0;         /* relative */
		register const void *a2 __asm__("a2") = &nap;
		register long a3 __asm__("a3") = 0;
		__asm__ volatile(
			"fld f8, 0(%[in])\n\tfld f9, 8(%[in])\n\tfld f10, 16(%[in])\n\t"
			"fld f11, 24(%[in])\n\tfld f12, 32(%[in])\n\tfld f13, 40(%[in])\n\t"
			"fld f14, 48(%[in])\n\tfld f15, 56(%[in])\n\t"
			"ecall\n\t"
			"fsd f8, 0(%[out])\n\tfsd f9, 8(%[out])\n\tfsd f10, 16(%[out])\n\t"
			"fsd f11, 24(%[out])\n\tfsd f12, 32(%[out])\n\tfsd f13, 40(%[out])\n\t"
			"fsd f14, 48(%[out])\n\tfsd f15, 56(%[out])\n\t"
			"frrm %[frm]"
			: "+r"(a0), [frm] "=&r"(frm)
			: [in] "r"(in), [out] "r"(out), "r"(a7), "r"(a1), "r"(a2), "r"(a3)
			: "f8", "f9", "f10", "f11", "f12", "f13", "f14", "f15", "memory");
		(void)a0;
		for (int i = 0; i < 8; i++)
			if (out[i] != in[i]) {
				check("a register across a switch", out[i], in[i]);
				return;
			}
		if (frm != (seed & 3)) {
			check("frm across a switch", frm, seed & 3);
			return;
		}
	}
}

int main(void)
{
	arithmetic();
	rounding();
	int pid = fork();
	if (pid == 0) {
		keep_registers(0x55);
		exit(failures);
	}
	keep_registers(0xaa);
	int status = 0;
	if (pid < 0 || rv_waitpid(pid, &status) < 0) {
		printf("fpu: fork or wait failed\n");
		failures++;
	} else if (status != 0) {
		printf("fpu: the child process failed (status %x)\n", (unsigned)status);
		failures++;
	}
	if (!failures)
		printf("fpu: ok\n");
	return failures != 0;
}
