// SPDX-License-Identifier: MIT
/*
 * The init of husk's Linux test images: marks the first userspace
 * instruction on husk's marker port, mounts the kernel file systems, loads
 * modules, prints the facts the tests check, then does what the kernel
 * command line asks (husk.test=poweroff, reboot, shell, script or panic).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <sys/io.h>
#endif

/* husk timestamps every byte written to this port; the value names it. */
#define MARKER_PORT 0x4f0
#define MARK_USERSPACE 0x01 /* first instruction of init */
#define MARK_READY 0x02 /* banner printed, about to run the test */

#define MODULE_LIST "/etc/modules"
#define SCRIPT "/etc/husk-script"
#define CMDLINE_MAX 4096

/* finit_module() flag for .ko.xz/.ko.zst/.ko.gz files. */
#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

static char cmdline[CMDLINE_MAX];

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("husk-init: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	fflush(stdout);
	va_end(ap);
}

enum marker_state {
	MARKER_UNAVAILABLE, /* no ioperm() here, or it failed */
	MARKER_OK,
	MARKER_FAULTED, /* ioperm() worked, yet the port write trapped */
};

static enum marker_state marker = MARKER_UNAVAILABLE;
static sigjmp_buf marker_fault;

static void on_marker_fault(int sig)
{
	siglongjmp(marker_fault, 1);
}

/*
 * Writes @value to the marker port. Under some monitors on nested SVM (seen
 * with QEMU inside QEMU's TCG) the write raises #GP although ioperm()
 * allowed it; the mark is then given up rather than killing init.
 */
static void mark(unsigned char value)
{
#if defined(__x86_64__) || defined(__i386__)
	struct sigaction sa = { .sa_handler = on_marker_fault }, old;

	if (marker != MARKER_OK)
		return;
	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(marker_fault, 1) == 0)
		outb(value, MARKER_PORT);
	else
		marker = MARKER_FAULTED;
	sigaction(SIGSEGV, &old, NULL);
#else
	(void)value;
#endif
}

static void mark_init(void)
{
#if defined(__x86_64__) || defined(__i386__)
	if (ioperm(MARKER_PORT, 1, 1) == 0)
		marker = MARKER_OK;
#endif
}

static const char *marker_name(void)
{
	switch (marker) {
	case MARKER_OK:
		return "ok";
	case MARKER_FAULTED:
		return "faulted";
	default:
		return "unavailable";
	}
}

static void mount_one(const char *type, const char *dir)
{
	mkdir(dir, 0755);
	if (mount(type, dir, type, MS_NOSUID | MS_NOEXEC, NULL) < 0 &&
	    errno != EBUSY)
		say("mount %s on %s: %s", type, dir, strerror(errno));
}

/*
 * The kernel opens /dev/console for init only if the initramfs holds that
 * node; without it, reopen the console once devtmpfs is mounted.
 */
static void open_console(void)
{
	int fd;

	if (fcntl(1, F_GETFD) >= 0)
		return;
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

/* Reads all of @path (at most @size - 1 bytes) as a string. */
static void read_all(const char *path, char *buf, size_t size)
{
	ssize_t n = -1;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, size - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
}

/* Reads the first line of @path, without its newline. */
static void read_line(const char *path, char *buf, size_t size)
{
	read_all(path, buf, size);
	buf[strcspn(buf, "\n")] = '\0';
}

/*
 * Returns the value of "husk.KEY=VALUE" on the command line, copied into
 * @buf, or NULL if the key is absent.
 */
static const char *param(const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while (*p) {
		size_t len = strcspn(p, " ");

		if (len > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			size_t vlen = len - klen - 1;

			if (vlen >= size)
				vlen = size - 1;
			memcpy(buf, p + klen + 1, vlen);
			buf[vlen] = '\0';
			return buf;
		}
		p += len;
		p += strspn(p, " ");
	}
	return NULL;
}

static int load_module(const char *path)
{
	int flags = 0;
	int fd, ret;

	if (strstr(path, ".ko.") != NULL)
		flags |= MODULE_INIT_COMPRESSED_FILE;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		say("module %s: %s", path, strerror(errno));
		return -errno;
	}
	ret = syscall(SYS_finit_module, fd, "", flags);
	if (ret < 0 && errno != EEXIST) {
		ret = -errno;
		say("module %s: %s", path, strerror(errno));
	} else {
		ret = 0;
	}
	close(fd);
	return ret;
}

/* Loads each path of @list (separated by commas or newlines) in order. */
static void load_modules(char *list)
{
	int loaded = 0, failed = 0;
	char *path, *save = NULL;

	for (path = strtok_r(list, ",\n", &save); path;
	     path = strtok_r(NULL, ",\n", &save)) {
		if (load_module(path) < 0)
			failed++;
		else
			loaded++;
	}
	say("modules loaded=%d failed=%d", loaded, failed);
}

/*
 * husk.modules=PATH,PATH loads those files; husk.modules=none loads
 * nothing; without it, every module in /etc/modules is loaded.
 */
static void load_wanted_modules(void)
{
	static char list[16384];

	if (param("husk.modules", list, sizeof(list))) {
		if (strcmp(list, "none") != 0)
			load_modules(list);
		return;
	}
	read_all(MODULE_LIST, list, sizeof(list));
	if (list[0])
		load_modules(list);
}

static long meminfo_kb(const char *field)
{
	char line[256];
	long kb = -1;
	size_t flen = strlen(field);
	FILE *f;

	f = fopen("/proc/meminfo", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, flen) && line[flen] == ':') {
			kb = strtol(line + flen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kb;
}

static int count_cpus(const char *ranges)
{
	const char *p = ranges;
	int count = 0;

	while (*p) {
		char *end;
		long first = strtol(p, &end, 10), last = first;

		if (end == p)
			break;
		if (*end == '-')
			last = strtol(end + 1, &end, 10);
		count += (int)(last - first + 1);
		p = end + (*end == ',');
	}
	return count;
}

/*
 * Lists the virtio devices the kernel found, as "NAME:ID" with the virtio
 * device ID (1 net, 2 block, 3 console, 4 entropy...).
 */
static void print_virtio_devices(void)
{
	char line[512] = "", path[300], id[32];
	struct dirent *d;
	size_t used = 0;
	int count = 0;
	DIR *dir;

	dir = opendir("/sys/bus/virtio/devices");
	while (dir && (d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path),
			 "/sys/bus/virtio/devices/%s/device", d->d_name);
		read_line(path, id, sizeof(id));
		if (used < sizeof(line))
			used += snprintf(line + used, sizeof(line) - used,
					 " %s:%ld", d->d_name,
					 strtol(id, NULL, 16));
		count++;
	}
	if (dir)
		closedir(dir);
	say("virtio count=%d%s", count, line);
}

static void print_banner(void)
{
	char online[256], uptime[64], release[128], timer[64];

	read_line("/sys/devices/system/cpu/online", online, sizeof(online));
	read_line("/proc/uptime", uptime, sizeof(uptime));
	read_line("/proc/sys/kernel/osrelease", release, sizeof(release));
	say("kernel %s", release);
	say("cpus online=%s count=%d", online, count_cpus(online));
	say("memtotal-kb %ld", meminfo_kb("MemTotal"));
	say("cmdline %s", cmdline);
	say("uptime %s", uptime);
	say("marker-port %s", marker_name());
	/* "lapic-deadline" when the vCPU offers the TSC-deadline timer. */
	read_line("/sys/devices/system/clockevents/clockevent0/current_device",
		  timer, sizeof(timer));
	say("clockevent %s", timer);
	print_virtio_devices();
}

static void power(int how, const char *name)
{
	say("%s", name);
	sync();
	reboot(how);
	say("reboot(%s): %s", name, strerror(errno));
}

/*
 * Runs a busybox shell on the console as its controlling terminal, reading
 * commands from it or, given @script, from that file; powers off when the
 * shell exits.
 */
static void run_shell(const char *script)
{
	int status = 0;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		setsid();
		ioctl(0, TIOCSCTTY, 1);
		if (script)
			say("running %s", script);
		else
			say("shell ready");
		execl("/bin/sh", "sh", script, (char *)NULL);
		say("exec /bin/sh: %s", strerror(errno));
		_exit(127);
	}
	if (pid < 0) {
		say("fork: %s", strerror(errno));
		return;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (script)
		say("script status %d", WIFEXITED(status) ?
						WEXITSTATUS(status) :
						128 + WTERMSIG(status));
	power(RB_POWER_OFF, "poweroff");
}

static void run_test(const char *test)
{
	if (!strcmp(test, "poweroff")) {
		power(RB_POWER_OFF, "poweroff");
	} else if (!strcmp(test, "reboot")) {
		power(RB_AUTOBOOT, "reboot");
	} else if (!strcmp(test, "shell")) {
		run_shell(NULL);
	} else if (!strcmp(test, "script")) {
		run_shell(SCRIPT);
	} else if (!strcmp(test, "panic")) {
		/* The kernel panics when init exits. */
		say("panic");
		exit(1);
	} else {
		say("unknown husk.test=%s; powering off", test);
		power(RB_POWER_OFF, "poweroff");
	}
}

int main(void)
{
	char test[64];

	mark_init();
	mark(MARK_USERSPACE);

	mount_one("devtmpfs", "/dev");
	open_console();
	mount_one("proc", "/proc");
	mount_one("sysfs", "/sys");
	read_line("/proc/cmdline", cmdline, sizeof(cmdline));

	load_wanted_modules();
	print_banner();
	mark(MARK_READY);

	if (!param("husk.test", test, sizeof(test)))
		strcpy(test, "poweroff");
	run_test(test);

	/* init must not exit; wait for whatever happens next. */
	for (;;)
		pause();
}
