// SPDX-License-Identifier: MIT
// TAP-style reporting over the UART: one "ok - NAME" or "not ok - NAME: WHY"
// line per check, and a closing plan that lets the host count them.

#include "guest/lib/guest.h"

static unsigned int passed, failed;

static void report(int ok, const char *fmt, va_list ap)
{
	char buf[400];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	printf("%s - %s\n", ok ? "ok" : "not ok", buf);
	if (ok)
		passed++;
	else
		failed++;
}

void tap_ok(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(1, fmt, ap);
	va_end(ap);
}

void tap_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(0, fmt, ap);
	va_end(ap);
}

int tap_check(int cond, const char *name, const char *why, ...)
{
	char buf[300];
	va_list ap;

	if (cond) {
		tap_ok("%s", name);
		return 1;
	}
	va_start(ap, why);
	vsnprintf(buf, sizeof(buf), why, ap);
	va_end(ap);
	tap_fail("%s: %s", name, buf);
	return 0;
}

unsigned int tap_failures(void)
{
	return failed;
}

void tap_finish(void)
{
	printf("1..%u\n", passed + failed);
	printf("# %u passed, %u failed\n", passed, failed);
}
