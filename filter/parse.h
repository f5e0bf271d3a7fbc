/* SPDX-License-Identifier: MIT */
/*
 * husk's policy parser: reads a policy (and what it includes) for one
 * architecture into a struct policy, with every problem reported as a
 * "file:line:col: message" line in a struct diag. The parser never prints.
 * The language is described in filter/POLICY.md.
 */
#ifndef HUSK_FILTER_PARSE_H
#define HUSK_FILTER_PARSE_H

#include "filter/arch.h"
#include "filter/diag.h"
#include "filter/policy.h"

/*
 * Parses @path for @arch. Returns 0, or a negative errno with the reasons
 * in @diag (-EINVAL for a bad policy, -ENOENT/-EACCES for an unreadable
 * file, -ENOMEM). On failure @out is left empty; policy_free() on it is
 * harmless either way.
 */
int policy_parse_file(const char *path, const struct filter_arch *arch,
		      struct policy *out, struct diag *diag);

/*
 * The same for NUL-terminated @text in memory; @name is used in
 * diagnostics, includes resolve against @dir (NULL: the current folder).
 */
int policy_parse_string(const char *name, const char *dir, const char *text,
			const struct filter_arch *arch, struct policy *out,
			struct diag *diag);

/* Releases everything policy_parse_*() allocated and empties @p. */
void policy_free(struct policy *p);

#endif
