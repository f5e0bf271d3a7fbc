/* SPDX-License-Identifier: MIT */
/*
 * The policy parser's internal state, shared by policy.c (files, includes,
 * statements), rule.c (rules and groups) and cond.c (conditions, values,
 * actions). Nothing here is part of the parser's interface.
 *
 * NOTE: every parse function returns 0, -EINVAL after reporting a problem
 * in the diagnostics, or -ENOMEM. After -EINVAL the caller skips to the
 * end of the statement and goes on, so one run reports every bad line.
 */
#ifndef HUSK_FILTER_POLICY_INT_H
#define HUSK_FILTER_POLICY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter/diag.h"
#include "filter/lex.h"
#include "filter/policy.h"

/* Longest syscall, constant or group name the parser looks up. */
#define NAME_MAX_LEN 63

/* One file being read. */
struct source {
	const char *file; /* as named in diagnostics, from the pool */
	char *dir; /* where its includes resolve; NULL: current folder */
	char *real; /* realpath(), NULL for text in memory */
	struct lexer lx;
	struct source *parent;
};

/* A syscall a group resolved to on this architecture. */
struct member {
	int nr;
	const char *name;
};

struct group {
	const char *name; /* without '@', from the pool */
	struct policy_loc loc;
	struct member *members;
	size_t nmembers;
	size_t cap;
};

struct hot_entry {
	int nr;
	const char *name;
	struct policy_loc loc;
};

struct parser {
	const struct filter_arch *arch;
	struct policy *out;
	struct diag *diag;
	struct source *src; /* the innermost file */
	unsigned int depth;

	char **done; /* realpaths of files read to the end */
	size_t ndone, capdone;
	struct group *groups;
	size_t ngroups, capgroups;
	struct policy_rule *rules; /* in source order */
	size_t nrules, caprules;
	size_t *uncond; /* per nr: 1 + index of its unconditional rule */
	size_t maxnr;
	struct hot_entry *hot;
	size_t nhot, caphot;

	bool have_default;
	struct policy_loc default_loc;
	bool lenient; /* inside a rule this architecture skips */
};

/* policy.c */
void *pool_alloc(struct parser *ps, size_t size);
const char *pool_strndup(struct parser *ps, const char *s, size_t n);
int grow(void **array, size_t *cap, size_t n, size_t size);
struct token *tok(struct parser *ps);
struct policy_loc tok_loc(struct parser *ps);
void next(struct parser *ps);
void next_skip_newlines(struct parser *ps);
/* Describes a token for a message: 'text' in quotes, or "end of line". */
const char *tok_desc(const struct token *t, char *buf, size_t size);
/* 0 at the end of a statement; else reports what follows @what. */
int expect_end(struct parser *ps, const char *what);
/* Copies a name token into @buf; false if it is longer than NAME_MAX_LEN. */
bool tok_name(const struct token *t, char buf[NAME_MAX_LEN + 1]);
void error_at(struct parser *ps, const struct policy_loc *loc, const char *fmt,
	      ...) __attribute__((format(printf, 3, 4)));
void error_at_tok(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * The name closest to @name among @n entries @stride bytes apart from
 * @base, each starting with a name pointer; NULL if none is close.
 */
const char *closest_name(const char *name, const void *base, size_t n,
			 size_t stride);

/* rule.c */
int resolve_syscall(struct parser *ps, const char *name, bool optional,
		    const struct policy_loc *loc, int *nr);
int parse_rule(struct parser *ps);
int parse_group_use(struct parser *ps);
int parse_group_def(struct parser *ps);
int parse_hot(struct parser *ps);
bool rule_exists(struct parser *ps, int nr);

/* cond.c */
int parse_cond(struct parser *ps, struct policy_clause **clauses,
	       size_t *nclauses);
int parse_action(struct parser *ps, uint32_t *action);
/* Writes "allow", "errno 1", ... for messages. */
const char *action_desc(uint32_t action, char *buf, size_t size);

#endif
