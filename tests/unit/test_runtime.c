// SPDX-License-Identifier: MIT
/*
 * Tests of husk's seccomp runtime: a forked child installs a small filter
 * that refuses one syscall, breaks it, and the parent checks the child's
 * fate, the explanation on stderr and the JSON report.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filter/runtime.h"
#include "vmm/exit_status.h"

#if defined(__x86_64__)
#define NATIVE_AUDIT AUDIT_ARCH_X86_64
#define NATIVE_NAME "x86_64"
#elif defined(__aarch64__)
#define NATIVE_AUDIT AUDIT_ARCH_AARCH64
#define NATIVE_NAME "aarch64"
#elif defined(__riscv)
#define NATIVE_AUDIT AUDIT_ARCH_RISCV64
#define NATIVE_NAME "riscv64"
#endif

#define LD(field) \
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field))

/* Allows everything but getppid, which traps. */
static const struct sock_filter refuse_getppid[] = {
	LD(arch),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_AUDIT, 1, 0),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	LD(nr),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

static const unsigned int refuse_getppid_len =
	sizeof(refuse_getppid) / sizeof(refuse_getppid[0]);

static const struct filter_role test_role = {
	.name = "test",
	.policy = "filter/test.policy",
	.insns = refuse_getppid,
	.len = &refuse_getppid_len,
};

/* The log-mode supervisor's role here: the same, as it never calls it. */
static const struct filter_role supervisor_role = {
	.name = "supervisor",
	.policy = "filter/supervisor-test.policy",
	.insns = refuse_getppid,
	.len = &refuse_getppid_len,
};

static const char *names[__NR_getppid + 1] = {
	[__NR_getppid] = "getppid",
};

struct outcome {
	int status;
	char err[2048];
	char report[2048];
	char out[256];
};

static void slurp(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
}

/* Runs @body in a child with stderr, stdout and a report file captured. */
static void run_child(enum filter_mode mode, void (*body)(void),
		      struct outcome *o)
{
	int err[2], out[2];
	char path[] = "/tmp/husk-runtime-XXXXXX";
	int rep = mkstemp(path);
	pid_t pid;

	ck_assert_int_ge(rep, 0);
	unlink(path);
	ck_assert_int_eq(pipe(err), 0);
	ck_assert_int_eq(pipe(out), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(err[1], STDERR_FILENO);
		dup2(out[1], STDOUT_FILENO);
		if (filter_runtime_init(mode, rep, names, __NR_getppid + 1,
					&supervisor_role) ||
		    filter_install(&test_role, 3))
			_exit(99);
		body();
		_exit(0);
	}
	close(err[1]);
	close(out[1]);
	slurp(err[0], o->err, sizeof(o->err));
	slurp(out[0], o->out, sizeof(o->out));
	ck_assert_int_eq(waitpid(pid, &o->status, 0), pid);
	lseek(rep, 0, SEEK_SET);
	slurp(rep, o->report, sizeof(o->report));
	close(err[0]);
	close(out[0]);
	close(rep);
}

static void call_getppid_twice(void)
{
	syscall(__NR_getppid, 1, 2, 3, 4, 5, 6);
	syscall(__NR_getppid, 1, 2, 3, 4, 5, 6);
	if (write(STDOUT_FILENO, "survived\n", 9) != 9)
		_exit(98);
}

START_TEST(kill_mode_explains_and_exits)
{
	struct outcome o;
	const char *line = "husk: seccomp: test thread 3 called getppid ";

	run_child(FILTER_MODE_KILL, call_getppid_twice, &o);
	ck_assert(WIFEXITED(o.status));
	ck_assert_int_eq(WEXITSTATUS(o.status), HUSK_EXIT_SECCOMP);
	ck_assert_msg(strstr(o.err, line), "stderr: %s", o.err);
	ck_assert_msg(strstr(o.err, "on " NATIVE_NAME " [0x1, 0x2, 0x3, 0x4, "
				    "0x5, 0x6]; not allowed by "
				    "filter/test.policy\n"),
		      "stderr: %s", o.err);
	ck_assert_str_eq(o.out, "");
	ck_assert_msg(strstr(o.report, "\"role\":\"test\",\"thread\":3,"
				       "\"syscall\":\"getppid\""),
		      "report: %s", o.report);
	ck_assert_msg(strstr(o.report, "\"exit_status\":7}\n"), "report: %s",
		      o.report);
}
END_TEST

START_TEST(log_mode_lets_through_once)
{
	struct outcome o;
	const char *first, *again;

	run_child(FILTER_MODE_LOG, call_getppid_twice, &o);
	ck_assert(WIFEXITED(o.status));
	ck_assert_int_eq(WEXITSTATUS(o.status), 0);
	ck_assert_str_eq(o.out, "survived\n");
	first = strstr(o.err, "called getppid");
	ck_assert_msg(first, "stderr: %s", o.err);
	again = strstr(first + 1, "called getppid");
	ck_assert_msg(!again, "logged twice: %s", o.err);
	ck_assert_msg(strstr(o.report, "\"mode\":\"log\"}"), "report: %s",
		      o.report);
}
END_TEST

START_TEST(off_mode_installs_nothing)
{
	struct outcome o;

	run_child(FILTER_MODE_OFF, call_getppid_twice, &o);
	ck_assert(WIFEXITED(o.status));
	ck_assert_int_eq(WEXITSTATUS(o.status), 0);
	ck_assert_str_eq(o.out, "survived\n");
	ck_assert_str_eq(o.err, "");
}
END_TEST

START_TEST(mode_names_round_trip)
{
	enum filter_mode m;

	ck_assert_int_eq(filter_parse_mode("kill", &m), 0);
	ck_assert_int_eq(m, FILTER_MODE_KILL);
	ck_assert_int_eq(filter_parse_mode("log", &m), 0);
	ck_assert_str_eq(filter_mode_name(m), "log");
	ck_assert_int_eq(filter_parse_mode("off", &m), 0);
	ck_assert_int_eq(filter_parse_mode("Kill", &m), -EINVAL);
	ck_assert_int_eq(filter_parse_mode("", &m), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("seccomp runtime");
	TCase *tc = tcase_create("runtime");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, kill_mode_explains_and_exits);
	tcase_add_test(tc, log_mode_lets_through_once);
	tcase_add_test(tc, off_mode_installs_nothing);
	tcase_add_test(tc, mode_names_round_trip);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
