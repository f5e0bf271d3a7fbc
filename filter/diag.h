/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics collected by the filter compiler instead of printed from deep
 * inside it: each is one "file:line:col: message" line in a growing buffer.
 */
#ifndef HUSK_FILTER_DIAG_H
#define HUSK_FILTER_DIAG_H

#include <stddef.h>

#include "filter/policy.h"

struct diag {
	char *text; /* NUL-terminated lines, or NULL when empty */
	size_t len;
	size_t cap;
	unsigned int nerrors;
};

/* Adds one error at @loc (or without a place when @loc is NULL). */
void diag_error(struct diag *d, const struct policy_loc *loc, const char *fmt,
		...) __attribute__((format(printf, 3, 4)));

/* Adds a note that does not count as an error. */
void diag_note(struct diag *d, const struct policy_loc *loc, const char *fmt,
	       ...) __attribute__((format(printf, 3, 4)));

void diag_free(struct diag *d);

#endif
