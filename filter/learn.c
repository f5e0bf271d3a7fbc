// SPDX-License-Identifier: MIT
/*
 * `husk-filter learn`: runs a command and prints the syscalls its policies
 * would have refused, grouped by policy file, as lines ready to paste.
 *
 * Two sources feed it. A husk anywhere inside the command runs with
 * HUSK_SECCOMP=log and writes its per-role violations to a report file
 * that learn reads afterwards. With --policy, the whole command runs under
 * that policy instead, with every refusal turned into a user notification
 * that learn records and lets continue.
 */
#include <errno.h>
#include <getopt.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filter/arch.h"
#include "filter/compile.h"
#include "filter/diag.h"
#include "filter/learn.h"
#include "filter/parse.h"

#define MAX_FINDINGS 512

struct finding {
	char policy[256];
	char role[32];
	char name[64];
	unsigned long count;
};

static struct finding findings[MAX_FINDINGS];
static size_t nfindings;

static void note(const char *policy, const char *role, const char *name)
{
	struct finding *f;

	for (size_t i = 0; i < nfindings; i++) {
		f = &findings[i];
		if (!strcmp(f->policy, policy) && !strcmp(f->role, role) &&
		    !strcmp(f->name, name)) {
			f->count++;
			return;
		}
	}
	if (nfindings == MAX_FINDINGS)
		return;
	f = &findings[nfindings++];
	snprintf(f->policy, sizeof(f->policy), "%s", policy);
	snprintf(f->role, sizeof(f->role), "%s", role);
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->count = 1;
}

/* Copies the string value of "key" in one JSON line of husk's report. */
static int json_field(const char *line, const char *key, char *out, size_t size)
{
	char pat[64];
	const char *p, *end;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(line, pat);
	if (!p)
		return -ENOENT;
	p += strlen(pat);
	end = strchr(p, '"');
	if (!end || (size_t)(end - p) >= size)
		return -EINVAL;
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
	return 0;
}

static void read_report(const char *path)
{
	char line[2048], policy[256], role[32], name[64];
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (json_field(line, "policy", policy, sizeof(policy)) ||
		    json_field(line, "role", role, sizeof(role)) ||
		    json_field(line, "syscall", name, sizeof(name)))
			continue;
		note(policy, role, name);
	}
	fclose(f);
}

/* Turns every refusal of @insns into a notification for the supervisor. */
static void refusals_notify(struct sock_filter *insns, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint32_t action = insns[i].k & SECCOMP_RET_ACTION_FULL;

		if (insns[i].code != (BPF_RET | BPF_K))
			continue;
		if (action == SECCOMP_RET_KILL_PROCESS ||
		    action == SECCOMP_RET_KILL_THREAD ||
		    action == SECCOMP_RET_TRAP)
			insns[i].k = SECCOMP_RET_USER_NOTIF;
	}
}

static int compile_native(const char *path, struct sock_filter **insns,
			  size_t *len)
{
	const struct filter_arch *arch = filter_arch_native();
	struct policy p;
	struct diag d = { 0 };
	int ret;

	ret = policy_parse_file(path, arch, &p, &d);
	if (ret == 0) {
		ret = filter_compile(&p, insns, len, &d);
		policy_free(&p);
	}
	if (d.text)
		fputs(d.text, stderr);
	diag_free(&d);
	return ret;
}

/*
 * The child shares its file table with learn until it execs, so the
 * listener that seccomp() hands it appears in learn's table too; the
 * number travels through shared memory, since the child may make no
 * syscall the policy refuses before learn is listening.
 */
static pid_t spawn_filtered(char **cmd, struct sock_filter *insns, size_t len,
			    volatile int *listener)
{
	struct sock_fprog prog = { .len = (unsigned short)len,
				   .filter = insns };
	long pid;

	pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid != 0)
		return (pid_t)pid;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		*listener = -errno;
		_exit(127);
	}
	*listener = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				 SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (*listener < 0) {
		*listener = -errno;
		_exit(127);
	}
	execvp(cmd[0], cmd);
	dprintf(STDERR_FILENO, "husk-filter: learn: %s: %s\n", cmd[0],
		strerror(errno));
	_exit(127);
}

static void answer_one(int fd, const char *policy)
{
	const struct filter_arch *arch = filter_arch_native();
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	const char *name;
	char num[32];

	memset(&req, 0, sizeof(req));
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return;
	name = req.data.arch == arch->audit_arch ?
		       filter_arch_syscall_name(arch, req.data.nr) :
		       NULL;
	if (!name) {
		snprintf(num, sizeof(num), "%d", req.data.nr);
		name = num;
	}
	note(policy, "", name);

	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

static int supervise(pid_t pid, volatile int *listener, const char *policy)
{
	struct pollfd pfd = { .events = POLLIN };
	int status;

	while (*listener == 0) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(100);
	}
	if (*listener < 0) {
		fprintf(stderr, "husk-filter: learn: seccomp: %s\n",
			strerror(-*listener));
		waitpid(pid, &status, 0);
		return status;
	}

	pfd.fd = *listener;
	for (;;) {
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			break;
		if (pfd.revents & POLLIN)
			answer_one(pfd.fd, policy);
		else if (pfd.revents & (POLLHUP | POLLERR))
			break;
	}
	close(pfd.fd);
	waitpid(pid, &status, 0);
	return status;
}

static int run_plain(char **cmd)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execvp(cmd[0], cmd);
		fprintf(stderr, "husk-filter: learn: %s: %s\n", cmd[0],
			strerror(errno));
		_exit(127);
	}
	waitpid(pid, &status, 0);
	return status;
}

static int run_with_policy(char **cmd, const char *policy)
{
	struct sock_filter *insns;
	volatile int *listener;
	size_t len;
	pid_t pid;
	int status;

	if (compile_native(policy, &insns, &len))
		return -EINVAL;
	refusals_notify(insns, len);
	listener = mmap(NULL, sizeof(*listener), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (listener == MAP_FAILED) {
		free(insns);
		return -errno;
	}
	*listener = 0;

	pid = spawn_filtered(cmd, insns, len, listener);
	status = pid < 0 ? -errno : supervise(pid, listener, policy);
	munmap((void *)listener, sizeof(*listener));
	free(insns);
	return status;
}

static int by_policy(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	int c = strcmp(x->policy, y->policy);

	if (c)
		return c;
	c = strcmp(x->role, y->role);
	return c ? c : strcmp(x->name, y->name);
}

static void print_findings(void)
{
	const char *last = NULL;

	qsort(findings, nfindings, sizeof(findings[0]), by_policy);
	for (size_t i = 0; i < nfindings; i++) {
		const struct finding *f = &findings[i];

		if (!last || strcmp(last, f->policy)) {
			printf("%s# missing from %s\n", last ? "\n" : "",
			       f->policy[0] ? f->policy : "the policy");
			last = f->policy;
		}
		printf("%s\t# learned: %s%s%lu call%s\n", f->name, f->role,
		       f->role[0] ? " thread, " : "", f->count,
		       f->count == 1 ? "" : "s");
	}
}

static void usage(FILE *to)
{
	fputs("usage: husk-filter learn [--policy FILE] -- COMMAND [ARG...]\n"
	      "\n"
	      "Runs COMMAND and prints, per policy file, the syscalls that\n"
	      "would have been refused, as policy lines. A husk inside\n"
	      "COMMAND reports per thread role (HUSK_SECCOMP=log); with\n"
	      "--policy, the whole command runs under FILE instead.\n"
	      "Exit status: 0 nothing missing, 1 something missing,\n"
	      "2 usage error or COMMAND could not run.\n",
	      to);
}

static int parse_args(int argc, char **argv, const char **policy)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			*policy = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	return optind < argc ? optind : -EINVAL;
}

int learn_main(int argc, char **argv)
{
	char report[] = "/tmp/husk-learn-XXXXXX";
	const char *policy = NULL;
	int first, fd, status;

	first = parse_args(argc, argv, &policy);
	if (first < 0) {
		usage(stderr);
		return 2;
	}
	fd = mkstemp(report);
	if (fd < 0) {
		perror("husk-filter: learn: mkstemp");
		return 2;
	}
	close(fd);
	setenv("HUSK_SECCOMP", policy ? "off" : "log", 1);
	setenv("HUSK_SECCOMP_REPORT", report, 1);

	status = policy ? run_with_policy(argv + first, policy) :
			  run_plain(argv + first);
	read_report(report);
	unlink(report);
	if (status < 0 || (WIFEXITED(status) && WEXITSTATUS(status) == 127))
		return 2;
	if (!nfindings) {
		fprintf(stderr, "husk-filter: learn: nothing missing\n");
		return 0;
	}
	print_findings();
	return 1;
}
