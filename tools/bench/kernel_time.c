// SPDX-License-Identifier: MIT
/*
 * Times a syscall loop in the kernel under a seccomp filter: a child
 * installs the program, runs the loop, and leaves its result in shared
 * memory, since the filter may forbid every way of sending it back.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tools/bench/bench.h"

struct shared {
	volatile int state; /* 0 running, 1 done, -errno failed */
	double ns;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	/* vDSO: no syscall, so no filter in the way. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Every variant runs on the same CPU, the last one, to cut one noise. */
static void pin_last_cpu(void)
{
	cpu_set_t set;
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return;
	CPU_ZERO(&set);
	CPU_SET((int)n - 1, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static int install(const struct sock_filter *prog, size_t len)
{
	struct sock_fprog fprog = {
		.len = (unsigned short)len,
		.filter = (struct sock_filter *)prog,
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0)
		return -errno;
	return 0;
}

static void child(const struct sock_filter *prog, size_t len,
		  const struct bench_call *c, unsigned long iters,
		  struct shared *sh)
{
	const unsigned long *a = c->args;
	uint64_t start;
	unsigned long i;
	int err = 0;

	pin_last_cpu();
	if (prog)
		err = install(prog, len);
	if (err) {
		sh->state = err;
		_exit(1);
	}

	/* One untimed pass warms caches and the branch predictor. */
	for (i = 0; i < iters / 8 + 1; i++)
		syscall(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	start = now_ns();
	for (i = 0; i < iters; i++)
		syscall(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	sh->ns = (double)(now_ns() - start) / (double)iters;
	__atomic_store_n(&sh->state, 1, __ATOMIC_RELEASE);

	/*
	 * The filter may forbid even exit_group(), and a kill would leave a
	 * core file and an audit record: spin until the parent's SIGKILL.
	 */
	for (;;)
		;
}

static int wait_done(pid_t pid, struct shared *sh)
{
	const struct timespec tick = { .tv_nsec = 1000000 };
	int status, state;
	pid_t r;

	for (;;) {
		state = __atomic_load_n(&sh->state, __ATOMIC_ACQUIRE);
		if (state)
			break;
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return -ECHILD;
		nanosleep(&tick, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return state < 0 ? state : 0;
}

int bench_time_call(const struct sock_filter *prog, size_t len,
		    const struct bench_call *call, unsigned long iters,
		    double *ns)
{
	struct shared *sh;
	pid_t pid;
	int err;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return -errno;
	sh->state = 0;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		goto unmap;
	}
	if (pid == 0)
		child(prog, len, call, iters, sh);
	err = wait_done(pid, sh);
	if (!err)
		*ns = sh->ns;
unmap:
	munmap(sh, sizeof(*sh));
	return err;
}
