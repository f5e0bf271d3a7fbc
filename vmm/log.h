/* SPDX-License-Identifier: MIT */
/*
 * husk's one logging module: four levels, a fixed "husk: " prefix, and an
 * errno-appending variant. Normal runs print nothing below warnings.
 */
#ifndef HUSK_LOG_H
#define HUSK_LOG_H

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* Messages above @level are dropped. The default is LOG_LEVEL_WARN. */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* Parses "error", "warn", "info" or "debug"; returns 0 or -EINVAL. */
int log_parse_level(const char *name, enum log_level *level);

/* Writes "husk: MESSAGE\n" to stderr if @level is enabled. */
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* As log_msg(), with ": strerror(err)" appended; @err is a positive errno. */
void log_msg_errno(enum log_level level, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_error_errno(err, ...) \
	log_msg_errno(LOG_LEVEL_ERROR, err, __VA_ARGS__)
#define log_warn_errno(err, ...) log_msg_errno(LOG_LEVEL_WARN, err, __VA_ARGS__)

#endif
