// SPDX-License-Identifier: MIT
/*
 * Diagnostics buffer for the filter compiler. Allocation failure drops the
 * message text but still counts the error, so a failed compile never looks
 * like a good one.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/diag.h"

static void append(struct diag *d, const char *s, size_t n)
{
	char *p;
	size_t cap;

	if (d->len + n + 1 > d->cap) {
		cap = d->cap ? d->cap * 2 : 256;
		while (cap < d->len + n + 1)
			cap *= 2;
		p = realloc(d->text, cap);
		if (!p)
			return;
		d->text = p;
		d->cap = cap;
	}
	memcpy(d->text + d->len, s, n);
	d->len += n;
	d->text[d->len] = '\0';
}

static void add(struct diag *d, const struct policy_loc *loc, const char *kind,
		const char *fmt, va_list ap)
{
	char line[1024];
	int n = 0;

	if (loc && loc->file)
		n = snprintf(line, sizeof(line), "%s:%u:%u: %s", loc->file,
			     loc->line, loc->col, kind);
	else
		n = snprintf(line, sizeof(line), "%s", kind);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	append(d, line, strlen(line));
	append(d, "\n", 1);
}

void diag_error(struct diag *d, const struct policy_loc *loc, const char *fmt,
		...)
{
	va_list ap;

	d->nerrors++;
	va_start(ap, fmt);
	add(d, loc, "", fmt, ap);
	va_end(ap);
}

void diag_note(struct diag *d, const struct policy_loc *loc, const char *fmt,
	       ...)
{
	va_list ap;

	va_start(ap, fmt);
	add(d, loc, "note: ", fmt, ap);
	va_end(ap);
}

void diag_free(struct diag *d)
{
	free(d->text);
	d->text = NULL;
	d->len = 0;
	d->cap = 0;
	d->nerrors = 0;
}
