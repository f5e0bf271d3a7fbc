// SPDX-License-Identifier: MIT
/*
 * Terminal raw mode with restoration from atexit() and from handlers of
 * the signals that would otherwise kill husk with the terminal still raw.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vmm/term.h"

static struct termios saved;
static int saved_fd = -1;

/* Signals whose default action ends the process abnormally. */
static const int fatal_signals[] = {
	SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGXCPU, SIGXFSZ,
};

void term_restore(void)
{
	int err = errno;

	if (saved_fd >= 0)
		tcsetattr(saved_fd, TCSAFLUSH, &saved);
	saved_fd = -1;
	errno = err;
}

/* Restores, then lets the signal do what it would have done. */
static void fatal_handler(int sig)
{
	term_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fatal_handler;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]);
	     i++)
		sigaction(fatal_signals[i], &sa, NULL);
	atexit(term_restore);
}

int term_raw_enter(int fd)
{
	struct termios raw;

	if (!isatty(fd))
		return 0;
	if (tcgetattr(fd, &saved) < 0)
		return -errno;

	raw = saved;
	cfmakeraw(&raw);
	/* Keep output processing: husk's own messages end in "\n". */
	raw.c_oflag |= OPOST;
	install_handlers();
	saved_fd = fd;
	if (tcsetattr(fd, TCSAFLUSH, &raw) < 0) {
		saved_fd = -1;
		return -errno;
	}
	return 1;
}
