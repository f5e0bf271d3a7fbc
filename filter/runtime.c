// SPDX-License-Identifier: MIT
/*
 * The seccomp runtime: installs generated filters per thread role and
 * turns every violation into one line that names the role, the syscall,
 * the architecture, the arguments and the policy to change.
 *
 * Kill mode uses SECCOMP_RET_TRAP: the SIGSYS handler runs in the thread
 * that broke its policy and may only use async-signal-safe calls that
 * every role allows (write, the terminal restore hook, exit_group). Log
 * mode turns the same traps into user notifications that a supervisor
 * thread answers with "continue", so a run shows everything it lacks; the
 * supervisor itself runs under a trapping filter of its own role.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "filter/runtime.h"
#include "vmm/exit_status.h"
#include "vmm/log.h"

#define MAX_LISTENERS 256
#define MAX_SEEN 512
#define MAX_ROLES 16

struct listener {
	int fd;
	pid_t tid;
	const struct filter_role *role;
	unsigned int index;
};

static enum filter_mode mode = FILTER_MODE_KILL;
static int report_fd = -1;
static const char *const *syscall_names;
static size_t nsyscall_names;
static void (*fatal_hook)(void);
static unsigned int installed;

static __thread const struct filter_role *thread_role;
static __thread unsigned int thread_index;

/* Log mode: the supervisor's view of every filtered thread. */
static pthread_mutex_t listeners_lock = PTHREAD_MUTEX_INITIALIZER;
static struct listener listeners[MAX_LISTENERS];
static size_t nlisteners;
static int wake_fd = -1;
static struct {
	const struct filter_role *role;
	int nr;
} seen[MAX_SEEN];
static size_t nseen;

static const char *const mode_names[] = {
	[FILTER_MODE_KILL] = "kill",
	[FILTER_MODE_LOG] = "log",
	[FILTER_MODE_OFF] = "off",
};

int filter_parse_mode(const char *name, enum filter_mode *out)
{
	for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]);
	     i++) {
		if (strcmp(name, mode_names[i]) == 0) {
			*out = (enum filter_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *filter_mode_name(enum filter_mode m)
{
	return mode_names[m];
}

unsigned int filter_installed_count(void)
{
	return __atomic_load_n(&installed, __ATOMIC_RELAXED);
}

void filter_runtime_on_fatal(void (*hook)(void))
{
	fatal_hook = hook;
}

/* An async-signal-safe line builder: no locale, no allocation. */
struct line {
	char buf[1024];
	size_t len;
};

static void put_str(struct line *l, const char *s)
{
	while (*s && l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = *s++;
}

static void put_u64(struct line *l, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n && l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = tmp[--n];
}

static void put_hex(struct line *l, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	size_t n = 0;

	do {
		tmp[n++] = digits[v & 0xf];
		v >>= 4;
	} while (v);
	put_str(l, "0x");
	while (n && l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = tmp[--n];
}

static const char *arch_name(uint32_t audit_arch)
{
	switch (audit_arch) {
	case AUDIT_ARCH_X86_64:
		return "x86_64";
	case AUDIT_ARCH_AARCH64:
		return "aarch64";
	case AUDIT_ARCH_RISCV64:
		return "riscv64";
	case AUDIT_ARCH_I386:
		return "i386";
	default:
		return "an unknown architecture";
	}
}

static const char *syscall_name(int nr)
{
	if (nr >= 0 && (size_t)nr < nsyscall_names && syscall_names[nr])
		return syscall_names[nr];
	return "an unknown syscall";
}

/* What one violation is about, however it was caught. */
struct violation {
	const struct filter_role *role;
	unsigned int index;
	int nr;
	uint32_t arch;
	uint64_t args[6];
	bool fatal; /* trapped: husk ends with HUSK_EXIT_SECCOMP */
};

static void format_text(struct line *l, const struct violation *v)
{
	put_str(l, "husk: seccomp: ");
	put_str(l, v->role ? v->role->name : "unfiltered");
	put_str(l, " thread ");
	put_u64(l, v->index);
	put_str(l, " called ");
	put_str(l, syscall_name(v->nr));
	put_str(l, " (");
	put_u64(l, (uint32_t)v->nr);
	put_str(l, ") on ");
	put_str(l, arch_name(v->arch));
	put_str(l, " [");
	for (int i = 0; i < 6; i++) {
		if (i)
			put_str(l, ", ");
		put_hex(l, v->args[i]);
	}
	put_str(l, "]; not allowed by ");
	put_str(l, v->role ? v->role->policy : "any policy");
	if (!v->fatal)
		put_str(l, " (let through: --seccomp=log)");
	put_str(l, "\n");
}

static void format_json(struct line *l, const struct violation *v)
{
	put_str(l, "{\"event\":\"seccomp-violation\",\"role\":\"");
	put_str(l, v->role ? v->role->name : "unfiltered");
	put_str(l, "\",\"thread\":");
	put_u64(l, v->index);
	put_str(l, ",\"syscall\":\"");
	put_str(l, syscall_name(v->nr));
	put_str(l, "\",\"nr\":");
	put_u64(l, (uint32_t)v->nr);
	put_str(l, ",\"arch\":\"");
	put_str(l, arch_name(v->arch));
	put_str(l, "\",\"args\":[");
	for (int i = 0; i < 6; i++) {
		if (i)
			put_str(l, ",");
		put_str(l, "\"");
		put_hex(l, v->args[i]);
		put_str(l, "\"");
	}
	put_str(l, "],\"policy\":\"");
	put_str(l, v->role ? v->role->policy : "");
	put_str(l, "\",\"mode\":\"");
	put_str(l, mode_names[mode]);
	if (v->fatal) {
		put_str(l, "\",\"exit_status\":");
		put_u64(l, HUSK_EXIT_SECCOMP);
		put_str(l, "}\n");
	} else {
		put_str(l, "\"}\n");
	}
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

static void report(const struct violation *v)
{
	struct line l = { .len = 0 };

	format_text(&l, v);
	write_all(STDERR_FILENO, l.buf, l.len);
	if (report_fd >= 0) {
		l.len = 0;
		format_json(&l, v);
		write_all(report_fd, l.buf, l.len);
	}
}

static void read_args(const void *uctx, uint64_t args[6])
{
	const ucontext_t *uc = uctx;

#if defined(__x86_64__)
	static const int regs[6] = { REG_RDI, REG_RSI, REG_RDX,
				     REG_R10, REG_R8,  REG_R9 };

	for (int i = 0; i < 6; i++)
		args[i] = (uint64_t)uc->uc_mcontext.gregs[regs[i]];
#elif defined(__aarch64__)
	for (int i = 0; i < 6; i++)
		args[i] = uc->uc_mcontext.regs[i];
#elif defined(__riscv)
	for (int i = 0; i < 6; i++)
		args[i] = uc->uc_mcontext.__gregs[10 + i];
#else
#error "husk's seccomp runtime does not know this architecture's registers"
#endif
}

static void on_sigsys(int sig, siginfo_t *info, void *uctx)
{
	struct violation v = {
		.role = thread_role,
		.index = thread_index,
		.nr = info->si_syscall,
		.arch = info->si_arch,
		.fatal = true,
	};

	read_args(uctx, v.args);
	report(&v);
	if (fatal_hook)
		fatal_hook();
	syscall(SYS_exit_group, HUSK_EXIT_SECCOMP);
}

/* Log mode: every trap of the program becomes a user notification. */
static struct sock_filter *notify_copy(const struct filter_role *role)
{
	struct sock_filter *copy = malloc(*role->len * sizeof(*copy));

	if (!copy)
		return NULL;
	for (unsigned int i = 0; i < *role->len; i++) {
		copy[i] = role->insns[i];
		if (copy[i].code == (BPF_RET | BPF_K) &&
		    (copy[i].k & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRAP)
			copy[i].k = SECCOMP_RET_USER_NOTIF;
	}
	return copy;
}

/*
 * One notifying copy per role, made on its first install and kept for the
 * life of the process: freeing it after the install could make the
 * allocator call what the new filter refuses.
 */
static const struct sock_filter *notify_program(const struct filter_role *role)
{
	static struct {
		const struct filter_role *role;
		struct sock_filter *insns;
	} copies[MAX_ROLES];
	static size_t ncopies;
	struct sock_filter *insns = NULL;
	size_t i;

	pthread_mutex_lock(&listeners_lock);
	for (i = 0; i < ncopies && copies[i].role != role; i++)
		;
	if (i < ncopies) {
		insns = copies[i].insns;
	} else if (ncopies < MAX_ROLES) {
		insns = notify_copy(role);
		if (insns)
			copies[ncopies++] = (typeof(copies[0])){ role, insns };
	}
	pthread_mutex_unlock(&listeners_lock);
	return insns;
}

static int add_listener(int fd, pid_t tid, const struct filter_role *role,
			unsigned int index)
{
	uint64_t one = 1;
	int ret = 0;

	pthread_mutex_lock(&listeners_lock);
	if (nlisteners == MAX_LISTENERS) {
		ret = -ENOSPC;
	} else {
		listeners[nlisteners++] = (struct listener){
			.fd = fd,
			.tid = tid,
			.role = role,
			.index = index,
		};
	}
	pthread_mutex_unlock(&listeners_lock);
	if (ret == 0 && write(wake_fd, &one, sizeof(one)) < 0)
		ret = -errno;
	return ret;
}

/* NOTE: after seccomp() only calls that every role allows. */
static int install_log(const struct filter_role *role, unsigned int index)
{
	const struct sock_filter *insns = notify_program(role);
	struct sock_fprog prog = { .len = (unsigned short)*role->len,
				   .filter = (struct sock_filter *)insns };
	pid_t tid = (pid_t)syscall(SYS_gettid);
	int fd, ret;

	if (!insns)
		return -ENOMEM;
	fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			  SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (fd < 0) {
		ret = -errno;
		log_error_errno(-ret, "seccomp(SET_MODE_FILTER) for role %s",
				role->name);
		return ret;
	}
	ret = add_listener(fd, tid, role, index);
	if (ret) {
		close(fd);
		log_error_errno(-ret, "seccomp: watching role %s", role->name);
	}
	return ret;
}

static int install_kill(const struct filter_role *role)
{
	struct sock_fprog prog = {
		.len = (unsigned short)*role->len,
		.filter = (struct sock_filter *)role->insns,
	};

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
		int err = errno;

		log_error_errno(err, "seccomp(SET_MODE_FILTER) for role %s",
				role->name);
		return -err;
	}
	return 0;
}

/* @notify: refusals become notifications (log mode) instead of traps. */
static int install(const struct filter_role *role, unsigned int index,
		   bool notify)
{
	int ret;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		ret = errno;
		log_error_errno(ret, "prctl(PR_SET_NO_NEW_PRIVS)");
		return -ret;
	}

	thread_role = role;
	thread_index = index;
	ret = notify ? install_log(role, index) : install_kill(role);
	if (ret)
		return ret;
	__atomic_add_fetch(&installed, 1, __ATOMIC_RELAXED);
	log_debug("seccomp: %s thread %u runs under %s (%u instructions, "
		  "refusals %s)",
		  role->name, index, role->policy, *role->len,
		  notify ? "logged" : "trap");
	return 0;
}

int filter_install(const struct filter_role *role, unsigned int index)
{
	if (mode == FILTER_MODE_OFF)
		return 0;
	return install(role, index, mode == FILTER_MODE_LOG);
}

static bool first_sighting(const struct filter_role *role, int nr)
{
	for (size_t i = 0; i < nseen; i++)
		if (seen[i].role == role && seen[i].nr == nr)
			return false;
	if (nseen < MAX_SEEN) {
		seen[nseen].role = role;
		seen[nseen].nr = nr;
		nseen++;
	}
	return true;
}

static void answer(const struct listener *li)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	struct violation v;

	memset(&req, 0, sizeof(req));
	if (ioctl(li->fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return;

	v = (struct violation){
		.role = li->role,
		.index = li->index,
		.nr = req.data.nr,
		.arch = req.data.arch,
	};
	memcpy(v.args, req.data.args, sizeof(v.args));
	if (first_sighting(li->role, req.data.nr))
		report(&v);

	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	ioctl(li->fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

/* Drops listeners whose threads have ended (the fd reports POLLHUP). */
static void forget(size_t i)
{
	pthread_mutex_lock(&listeners_lock);
	close(listeners[i].fd);
	listeners[i] = listeners[--nlisteners];
	pthread_mutex_unlock(&listeners_lock);
}

static size_t gather(struct pollfd *fds)
{
	size_t n;

	pthread_mutex_lock(&listeners_lock);
	for (n = 0; n < nlisteners; n++)
		fds[n] = (struct pollfd){ .fd = listeners[n].fd,
					  .events = POLLIN };
	pthread_mutex_unlock(&listeners_lock);
	fds[n] = (struct pollfd){ .fd = wake_fd, .events = POLLIN };
	return n;
}

static const struct filter_role *supervisor_role;
static sem_t supervisor_ready;
static int supervisor_status;

static void *supervise(void *arg)
{
	static struct pollfd fds[MAX_LISTENERS + 1];
	uint64_t count;

	/*
	 * NOTE: a notification of the supervisor's own would wait for the
	 * supervisor forever, so its filter traps even in log mode.
	 */
	supervisor_status = install(supervisor_role, 0, false);
	sem_post(&supervisor_ready);
	if (supervisor_status)
		return arg;

	for (;;) {
		size_t n = gather(fds);

		if (poll(fds, n + 1, -1) < 0)
			continue;
		if (fds[n].revents & POLLIN) {
			if (read(wake_fd, &count, sizeof(count)) < 0)
				continue;
		}
		/* Walk backwards so forget() may move the last entry. */
		for (size_t i = n; i-- > 0;) {
			if (fds[i].revents & POLLIN)
				answer(&listeners[i]);
			else if (fds[i].revents & (POLLHUP | POLLERR))
				forget(i);
		}
	}
	return arg;
}

/* The supervisor starts with every signal blocked: none is for it. */
static int create_supervisor(void)
{
	sigset_t all, old;
	pthread_t thread;
	int ret;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(&thread, NULL, supervise, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		log_error_errno(ret, "pthread_create for the seccomp log");
		return -ret;
	}
	pthread_detach(thread);
	while (sem_wait(&supervisor_ready) < 0 && errno == EINTR)
		;
	return supervisor_status;
}

static int start_supervisor(const struct filter_role *role)
{
	int ret;

	supervisor_role = role;
	wake_fd = eventfd(0, EFD_CLOEXEC);
	if (wake_fd < 0) {
		ret = errno;
		log_error_errno(ret, "eventfd for the seccomp log");
		return -ret;
	}
	sem_init(&supervisor_ready, 0, 0);
	ret = create_supervisor();
	if (ret) {
		close(wake_fd);
		wake_fd = -1;
	}
	return ret;
}

int filter_runtime_init(enum filter_mode m, int fd, const char *const *names,
			size_t nnames, const struct filter_role *supervisor)
{
	struct sigaction sa;

	mode = m;
	report_fd = fd;
	syscall_names = names;
	nsyscall_names = nnames;
	if (mode == FILTER_MODE_OFF) {
		log_debug("seccomp: mode off, no filters will be installed");
		return 0;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0) {
		int err = errno;

		log_error_errno(err, "sigaction(SIGSYS)");
		return -err;
	}
	log_debug("seccomp: mode %s", mode_names[mode]);
	return mode == FILTER_MODE_LOG ? start_supervisor(supervisor) : 0;
}
