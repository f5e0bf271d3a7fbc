// SPDX-License-Identifier: MIT
/*
 * The logging module: formats one line per message and writes it to stderr
 * with a single write(2), so lines from different threads never interleave.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vmm/log.h"

static enum log_level current_level = LOG_LEVEL_WARN;

static const char *const level_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARN] = "warn",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

void log_set_level(enum log_level level)
{
	current_level = level;
}

enum log_level log_get_level(void)
{
	return current_level;
}

int log_parse_level(const char *name, enum log_level *level)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]);
	     i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*level = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

static void log_line(const char *fmt, va_list ap, int err)
	__attribute__((format(printf, 1, 0)));

static void log_line(const char *fmt, va_list ap, int err)
{
	char buf[1024];
	size_t len;
	int n;

	n = snprintf(buf, sizeof(buf), "husk: ");
	len = (size_t)n;
	n = vsnprintf(buf + len, sizeof(buf) - len, fmt, ap);
	len = n < 0 ? len : len + (size_t)n;
	if (len > sizeof(buf) - 2)
		len = sizeof(buf) - 2;
	if (err) {
		n = snprintf(buf + len, sizeof(buf) - len, ": %s",
			     strerror(err));
		len = n < 0 ? len : len + (size_t)n;
		if (len > sizeof(buf) - 2)
			len = sizeof(buf) - 2;
	}
	buf[len++] = '\n';
	if (write(STDERR_FILENO, buf, len) < 0)
		return;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > current_level)
		return;
	va_start(ap, fmt);
	log_line(fmt, ap, 0);
	va_end(ap);
}

void log_msg_errno(enum log_level level, int err, const char *fmt, ...)
{
	va_list ap;

	if (level > current_level)
		return;
	va_start(ap, fmt);
	log_line(fmt, ap, err);
	va_end(ap);
}
