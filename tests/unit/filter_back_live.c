// SPDX-License-Identifier: MIT
/*
 * Live tests of compiled filters: a forked child installs the program
 * with seccomp(2), makes one syscall and reports what happened through
 * its exit status or the signal that ended it.
 */
#include <errno.h>
#include <linux/audit.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filter/compile.h"
#include "tests/unit/filter_back.h"

#if defined(__x86_64__)
#define NATIVE_AUDIT AUDIT_ARCH_X86_64
#define NATIVE_X32 0x40000000u
#elif defined(__aarch64__)
#define NATIVE_AUDIT AUDIT_ARCH_AARCH64
#define NATIVE_X32 0u
#elif defined(__riscv) && __riscv_xlen == 64
#define NATIVE_AUDIT AUDIT_ARCH_RISCV64
#define NATIVE_X32 0u
#endif

#ifdef NATIVE_AUDIT
#define ALL64 UINT64_MAX
#define HI(x) (UINT64_C(x) << 32)

/* How a child ends: its exit status, or -signal when a signal killed it. */
#define KILLED(sig) (-(sig))
#define ERRNO_EXIT(e) (100 + (e)) /* the syscall failed with errno e */
#define TRAP_EXIT(d) (60 + (d)) /* SIGSYS from a TRAP with data d */
#define X32_NR(nr) ((long)(NATIVE_X32 | (nr)))

struct row {
	const char *what;
	long nr;
	uint64_t args[6];
	int fate;
};

static const struct row rows[] = {
	{ "allowed getpid", SYS_getpid, { 0 }, 0 },
	{ "close errno rule", SYS_close, { 9999 }, ERRNO_EXIT(42) },
	{ "close 32-bit rule ignores the high word",
	  SYS_close,
	  { HI(1) | 9999 },
	  ERRNO_EXIT(42) },
	{ "close trap rule", SYS_close, { 8888 }, TRAP_EXIT(5) },
	{ "close kill rule", SYS_close, { 7777 }, KILLED(SIGSYS) },
	{ "close 64-bit rule", SYS_close, { 9998, HI(1) | 5 }, ERRNO_EXIT(43) },
	{ "close 64-bit rule, high word differs",
	  SYS_close,
	  { 9998, 5 },
	  ERRNO_EXIT(44) },
	{ "lseek masked rule", SYS_lseek, { ALL64, 0, 0x35 }, ERRNO_EXIT(45) },
	{ "lseek masked rule, bits outside the mask",
	  SYS_lseek,
	  { ALL64, 0, 0x45 },
	  ERRNO_EXIT(EBADF) },
	{ "lseek 64-bit >=", SYS_lseek, { ALL64, HI(1), 0 }, ERRNO_EXIT(46) },
	{ "lseek 64-bit >= below",
	  SYS_lseek,
	  { ALL64, 0xffffffff, 0 },
	  ERRNO_EXIT(EBADF) },
	{ "unlisted getppid", SYS_getppid, { 0 }, KILLED(SIGSYS) },
#if NATIVE_X32
	{ "x32 getpid", X32_NR(SYS_getpid), { 0 }, KILLED(SIGSYS) },
#endif
};

static const struct filter_arch native_arch = {
	.name = "native",
	.audit_arch = NATIVE_AUDIT,
	.x32_bit = NATIVE_X32,
};

static void live_policy(struct pb *b)
{
	size_t r;

	pb_init(b, &native_arch, "live.policy", SECCOMP_RET_KILL_PROCESS);
	pb_rule(b, SYS_exit_group, SECCOMP_RET_ALLOW);
	pb_rule(b, SYS_getpid, SECCOMP_RET_ALLOW);
	r = pb_rule(b, SYS_close, SECCOMP_RET_ERRNO | 42);
	pb_cmp(b, r, pb_clause(b, r), 0, CMP_EQ, 32, ALL64, 9999);
	r = pb_rule(b, SYS_close, SECCOMP_RET_TRAP | 5);
	pb_cmp(b, r, pb_clause(b, r), 0, CMP_EQ, 32, ALL64, 8888);
	r = pb_rule(b, SYS_close, SECCOMP_RET_KILL_PROCESS);
	pb_cmp(b, r, pb_clause(b, r), 0, CMP_EQ, 64, ALL64, 7777);
	r = pb_rule(b, SYS_close, SECCOMP_RET_ERRNO | 43);
	pb_cmp(b, r, pb_clause(b, r), 1, CMP_EQ, 64, ALL64, HI(1) | 5);
	pb_rule(b, SYS_close, SECCOMP_RET_ERRNO | 44);
	r = pb_rule(b, SYS_lseek, SECCOMP_RET_ERRNO | 45);
	pb_cmp(b, r, pb_clause(b, r), 2, CMP_EQ, 64, 0xf0, 0x30);
	r = pb_rule(b, SYS_lseek, SECCOMP_RET_ERRNO | 46);
	pb_cmp(b, r, pb_clause(b, r), 1, CMP_GE, 64, ALL64, HI(1));
	pb_rule(b, SYS_lseek, SECCOMP_RET_ALLOW);
	pb_hot(b, SYS_close);
	pb_finish(b);
}

static void on_sigsys(int sig, siginfo_t *info, void *uc)
{
	int code = info->si_code == 1 /* SYS_SECCOMP */ ?
			   TRAP_EXIT(info->si_errno) :
			   59;

	syscall(SYS_exit_group, code);
}

/* Runs in the child: nothing but raw syscalls once the filter is in. */
static void child(const struct sock_fprog *prog, const struct row *row)
{
	struct sigaction sa;
	long ret;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSYS, &sa, NULL))
		_exit(90);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		_exit(91);
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog))
		_exit(92);
	ret = syscall(row->nr, row->args[0], row->args[1], row->args[2],
		      row->args[3], row->args[4], row->args[5]);
	syscall(SYS_exit_group, ret == -1 ? ERRNO_EXIT(errno) : 0);
}

static int fate_of(const struct sock_fprog *prog, const struct row *row)
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		child(prog, row);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		return KILLED(WTERMSIG(status));
	return WEXITSTATUS(status);
}

START_TEST(test_live)
{
	const struct row *row = &rows[_i];
	struct sock_filter *insns = NULL;
	struct sock_fprog prog;
	struct diag d = { 0 };
	struct pb b;
	size_t len = 0;
	int fate;

	live_policy(&b);
	ck_assert_int_eq(filter_compile(&b.p, &insns, &len, &d), 0);
	prog.len = (unsigned short)len;
	prog.filter = insns;
	fate = fate_of(&prog, row);
	ck_assert_msg(fate == row->fate, "%s: child ended with %d, want %d",
		      row->what, fate, row->fate);
	free(insns);
	diag_free(&d);
	pb_free(&b);
}
END_TEST

static const struct filter_arch *native_tables(void)
{
	size_t i;

	for (i = 0; i < 3; i++)
		if (test_arch(i)->audit_arch == NATIVE_AUDIT)
			return test_arch(i);
	ck_abort_msg("no tables for the native architecture");
	return NULL;
}

/* The kernel accepts a program with trampolines and runs it right. */
START_TEST(test_live_long)
{
	const struct filter_arch *arch = native_tables();
	struct sock_filter *insns = NULL;
	struct diag d = { 0 };
	struct sock_fprog prog;
	struct row row = { "exit_group", SYS_exit_group, { 0 }, 0 };
	struct pb b;
	size_t len = 0;

	long_policy(&b, arch, "long.policy", 1);
	ck_assert_int_eq(filter_compile(&b.p, &insns, &len, &d), 0);
	ck_assert_uint_gt(len, 3 * 256);
	ck_assert_int_ne(SYS_exit_group % 3, 2);
	if (SYS_exit_group % 3 == 0) {
		row.args[0] = (uint64_t)SYS_exit_group * UINT64_C(0x100000001);
		row.fate = SYS_exit_group & 0xff;
	}
	prog.len = (unsigned short)len;
	prog.filter = insns;
	ck_assert_int_eq(fate_of(&prog, &row), row.fate);
	free(insns);
	diag_free(&d);
	pb_free(&b);
}
END_TEST

TCase *live_tcase(void)
{
	TCase *tc = tcase_create("live");

	tcase_add_loop_test(tc, test_live, 0, sizeof(rows) / sizeof(rows[0]));
	tcase_add_test(tc, test_live_long);
	return tc;
}
#else
TCase *live_tcase(void)
{
	/* XXX: no live tests where husk knows no native audit value. */
	fprintf(stderr, "skip - live seccomp tests: unknown native "
			"architecture\n");
	return tcase_create("live");
}
#endif
