// SPDX-License-Identifier: MIT
/*
 * Per-role libc checks: a forked child installs one role's real generated
 * filter and makes every libc call that role makes in husk; it must end
 * normally. A call outside the policy must end it with HUSK_EXIT_SECCOMP
 * and the exact explanation. Built as a Check program, and with
 * -DROLES_STANDALONE as a plain program for libcs Check cannot link with
 * (musl): tests/integration/libcs.sh runs that one.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "filter/roles.h"
#include "filter/runtime.h"
#include "vmm/exit_status.h"
#include "vmm/log.h"

#if defined(__x86_64__)
#define NATIVE_NAME "x86_64"
#elif defined(__aarch64__)
#define NATIVE_NAME "aarch64"
#elif defined(__riscv)
#define NATIVE_NAME "riscv64"
#endif

/* What libc turns sleep(), usleep() and nanosleep() into. */
#ifdef __GLIBC__
#define SLEEP_NAME "clock_nanosleep"
#define SLEEP_NR __NR_clock_nanosleep
#else
#define SLEEP_NAME "nanosleep"
#define SLEEP_NR __NR_nanosleep
#endif

#define ROLE_INDEX 5

/*
 * XXX: under AddressSanitizer the children end with _exit(), not exit():
 * LeakSanitizer's check at exit hangs in these forked children (husk's own
 * exit under it is covered by the integration tests). Sanitizer builds
 * also widen every role (filter/sanitizer.policy), so a case that expects
 * a refusal the sanitizer allows is skipped there.
 */
#ifdef __SANITIZE_ADDRESS__
#define ROLE_EXIT() _exit(0)
#define SANITIZED 1
#else
#define ROLE_EXIT() exit(0)
#define SANITIZED 0
#endif

struct role_case {
	const char *name;
	const struct filter_role *role;
	void (*body)(void);
	bool own_thread; /* install in a new thread, which then ends */
	const char *refused; /* the syscall expected to be refused */
	long refused_nr;
};

/* Made before the filter goes on, used after. */
static int event_fd = -1, epoll_fd = -1, pipe_fds[2] = { -1, -1 };
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static bool go;
static pthread_t worker;

static void kick_handler(int sig)
{
	(void)sig;
}

static void die(const char *what)
{
	log_error("role check: %s failed", what);
	_exit(90);
}

static void prepare(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct sigaction sa = { .sa_handler = kick_handler };

	event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (event_fd < 0 || epoll_fd < 0 || pipe(pipe_fds) ||
	    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, event_fd, &ev) ||
	    sigaction(SIGUSR1, &sa, NULL))
		die("set-up");
}

/* Clocks, the eventfd, a log line: what every role does. */
static void common_calls(void)
{
	struct timespec ts;
	struct timeval tv;
	uint64_t one = 1;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) ||
	    clock_gettime(CLOCK_REALTIME, &ts) || time(NULL) == (time_t)-1 ||
	    gettimeofday(&tv, NULL))
		die("clocks");
	if (write(event_fd, &one, sizeof(one)) != sizeof(one))
		die("eventfd write");
	log_error("role check: a log line from the role");
}

/* The vCPU loop's calls, on KVM fds that are not there: EBADF. */
static void kvm_calls(void)
{
	struct kvm_irq_level irq = { .irq = 4, .level = 1 };
	struct kvm_regs regs;

	if (ioctl(-1, KVM_RUN, 0) != -1 || errno != EBADF ||
	    ioctl(-1, KVM_IRQ_LINE, &irq) != -1 || errno != EBADF ||
	    ioctl(-1, KVM_GET_REGS, &regs) != -1 || errno != EBADF)
		die("KVM ioctls");
}

/* A kick (SIGUSR1) ends a wait; a held lock makes the thread wait. */
static void vcpu_body(void)
{
	struct pollfd pfd = { .fd = pipe_fds[0], .events = POLLIN };

	common_calls();
	kvm_calls();
	pthread_mutex_lock(&lock);
	go = true;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	/* Like the serial port waiting for stdout: the kick interrupts it. */
	while (poll(&pfd, 1, 5000) < 0 && errno == EINTR)
		;
	if (!(pfd.revents & POLLIN))
		die("poll");
	pthread_mutex_lock(&lock);
	pthread_mutex_unlock(&lock);
}

static void *role_thread(void *arg)
{
	const struct role_case *c = arg;

	if (filter_install(c->role, ROLE_INDEX))
		_exit(91);
	c->body();
	return NULL;
}

/* The creator stays unfiltered: it kicks, holds the lock, joins. */
static void run_in_thread(const struct role_case *c)
{
	struct timespec pause = { .tv_nsec = 50 * 1000 * 1000 };
	pthread_t t;

	if (pthread_create(&t, NULL, role_thread, (void *)c))
		die("pthread_create");
	pthread_mutex_lock(&lock);
	while (!go)
		pthread_cond_wait(&cond, &lock);
	nanosleep(&pause, NULL);
	pthread_kill(t, SIGUSR1);
	nanosleep(&pause, NULL);
	if (write(pipe_fds[1], "x", 1) != 1)
		die("pipe write");
	nanosleep(&pause, NULL);
	pthread_mutex_unlock(&lock);
	pthread_join(t, NULL);
	ROLE_EXIT();
}

static void *idle_worker(void *arg)
{
	pthread_mutex_lock(&lock);
	while (!go)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	return arg;
}

static void prepare_vmm(void)
{
	if (pthread_create(&worker, NULL, idle_worker, NULL))
		die("pthread_create");
}

/* Event loop, heap, stdio to a file opened earlier, kick and join. */
static void vmm_body(void)
{
	struct epoll_event ev;
	struct termios tio;
	uint64_t count;
	void *small, *big;

	common_calls();
	if (epoll_wait(epoll_fd, &ev, 1, 0) != 1 ||
	    read(event_fd, &count, sizeof(count)) != sizeof(count))
		die("event loop");
	ev.events = EPOLLIN | EPOLLONESHOT;
	if (epoll_ctl(epoll_fd, EPOLL_CTL_MOD, event_fd, &ev))
		die("epoll_ctl");
	small = malloc(48);
	big = malloc(4 << 20);
	if (!small || !big)
		die("malloc");
	memset(big, 1, 4 << 20);
	big = realloc(big, 8 << 20);
	free(small);
	free(big);
	if (tcgetattr(0, &tio) == 0)
		tcsetattr(0, TCSAFLUSH, &tio);
	pthread_kill(worker, SIGUSR1);
	pthread_mutex_lock(&lock);
	go = true;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	pthread_join(worker, NULL);
	close(epoll_fd);
	ROLE_EXIT();
}

static void vmm_stdio(void)
{
	static char buf[4096];
	FILE *f = fdopen(pipe_fds[1], "w");

	if (!f)
		die("fdopen");
	setvbuf(f, buf, _IOFBF, sizeof(buf));
	pipe_fds[1] = -1;
	if (filter_install(&filter_role_vmm, ROLE_INDEX))
		_exit(91);
	fprintf(f, "{\"metrics\":%d}\n", 1);
	fclose(f);
	ROLE_EXIT();
}

static void supervisor_body(void)
{
	struct pollfd pfd = { .fd = event_fd, .events = POLLIN };
	struct seccomp_notif req;
	uint64_t count;

	common_calls();
	if (poll(&pfd, 1, 0) != 1 ||
	    read(event_fd, &count, sizeof(count)) != sizeof(count))
		die("poll");
	if (ioctl(-1, SECCOMP_IOCTL_NOTIF_RECV, &req) != -1 || errno != EBADF)
		die("notification ioctl");
	close(pipe_fds[0]);
	_exit(0);
}

static void call_sleep(void)
{
	sleep(1);
}

static void call_usleep(void)
{
	usleep(1000);
}

static void call_nanosleep(void)
{
	struct timespec ts = { .tv_nsec = 1000 };

	nanosleep(&ts, NULL);
}

static void call_clock_nanosleep(void)
{
	struct timespec ts = { .tv_nsec = 1000 };

	clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
}

static void call_socket(void)
{
	socket(AF_INET, SOCK_STREAM, 0);
}

#if !SANITIZED
static void call_malloc_big(void)
{
	char *volatile p = malloc(64 << 20);

	free(p);
}
#endif

#define ROLE_OK(n, r, b, t)                                     \
	{                                                       \
		.name = n, .role = &filter_role_##r, .body = b, \
		.own_thread = t                                 \
	}
#define ROLE_REFUSES(n, r, b, s, nr)                                          \
	{                                                                     \
		.name = n, .role = &filter_role_##r, .body = b, .refused = s, \
		.refused_nr = nr                                              \
	}

static const struct role_case cases[] = {
	ROLE_OK("vcpu: loop, kick, lock, thread end", vcpu, vcpu_body, true),
	ROLE_OK("vmm: event loop, heap, kick and join", vmm, vmm_body, false),
	ROLE_OK("vmm: stdio metrics file", vmm, NULL, false),
	ROLE_OK("supervisor: poll, notifications", supervisor, supervisor_body,
		false),
	ROLE_REFUSES("vcpu refuses sleep()", vcpu, call_sleep, SLEEP_NAME,
		     SLEEP_NR),
	ROLE_REFUSES("vcpu refuses usleep()", vcpu, call_usleep, SLEEP_NAME,
		     SLEEP_NR),
	ROLE_REFUSES("vcpu refuses nanosleep()", vcpu, call_nanosleep,
		     SLEEP_NAME, SLEEP_NR),
	ROLE_REFUSES("vcpu refuses clock_nanosleep()", vcpu,
		     call_clock_nanosleep, "clock_nanosleep",
		     __NR_clock_nanosleep),
	ROLE_REFUSES("vmm refuses socket()", vmm, call_socket, "socket",
		     __NR_socket),
#if !SANITIZED
	ROLE_REFUSES("supervisor refuses a large malloc()", supervisor,
		     call_malloc_big, "mmap", __NR_mmap),
#endif
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void child(const struct role_case *c)
{
	const char *const *names;
	size_t n;

	names = filter_roles_syscall_names(&n);
	prepare();
	if (filter_runtime_init(FILTER_MODE_KILL, -1, names, n,
				&filter_role_supervisor))
		_exit(92);
	if (!c->body)
		vmm_stdio();
	if (c->own_thread)
		run_in_thread(c);
	if (c->role == &filter_role_vmm)
		prepare_vmm();
	if (filter_install(c->role, ROLE_INDEX))
		_exit(91);
	c->body();
	_exit(0);
}

/* Runs @c in a child; 0 if it ended as it should, else -1 and @why. */
static int run_case(const struct role_case *c, char *why, size_t size)
{
	char err[4096], want[256], *nl;
	size_t len = 0;
	ssize_t got;
	int fds[2], status;
	pid_t pid;

	if (pipe(fds))
		return snprintf(why, size, "pipe: %s", strerror(errno)), -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		child(c);
	}
	close(fds[1]);
	while (len < sizeof(err) - 1 &&
	       (got = read(fds[0], err + len, sizeof(err) - 1 - len)) > 0)
		len += (size_t)got;
	err[len] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);

	if (!c->refused) {
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		    !strstr(err, "husk: seccomp:"))
			return 0;
		snprintf(why, size, "status 0x%x, stderr: %s", status, err);
		return -1;
	}
	snprintf(want, sizeof(want),
		 "husk: seccomp: %s thread %d called %s (%ld) on " NATIVE_NAME
		 " [",
		 c->role->name, ROLE_INDEX, c->refused, c->refused_nr);
	if (WIFEXITED(status) && WEXITSTATUS(status) == HUSK_EXIT_SECCOMP &&
	    strncmp(err, want, strlen(want)) == 0 &&
	    strstr(err, "]; not allowed by ") && strstr(err, c->role->policy) &&
	    (nl = strchr(err, '\n')) && !nl[1])
		return 0;
	snprintf(why, size, "status 0x%x, want \"%s...\", stderr: %s", status,
		 want, err);
	return -1;
}

#ifdef ROLES_STANDALONE
int main(void)
{
	char why[8192];
	int failed = 0;

	for (size_t i = 0; i < NCASES; i++) {
		if (run_case(&cases[i], why, sizeof(why)) == 0) {
			printf("ok - roles: %s\n", cases[i].name);
		} else {
			printf("not ok - roles: %s: %s\n", cases[i].name, why);
			failed = 1;
		}
	}
	return failed;
}
#else
#include <check.h>

START_TEST(role_case)
{
	char why[8192];

	ck_assert_msg(run_case(&cases[_i], why, sizeof(why)) == 0, "%s: %s",
		      cases[_i].name, why);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("role filters under libc");
	TCase *tc = tcase_create("roles");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, role_case, 0, (int)NCASES);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
#endif
