/* SPDX-License-Identifier: MIT */
/*
 * The parsed form of a husk policy for one architecture: what the parser
 * (policy.c) produces and the code generator (compile.c) consumes.
 *
 * NOTE: a policy is resolved for a single architecture at parse time, so
 * every rule already carries that architecture's syscall number.
 */
#ifndef HUSK_FILTER_POLICY_H
#define HUSK_FILTER_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "filter/arch.h"

enum cmp_op {
	CMP_EQ,
	CMP_NE,
	CMP_LT,
	CMP_LE,
	CMP_GT,
	CMP_GE,
};

/* One comparison: ((argN & mask) OP value), on 32 or 64 bits. */
struct policy_cmp {
	unsigned int arg; /* 0..5 */
	enum cmp_op op;
	unsigned int width; /* 32: low word only, 64: whole argument */
	uint64_t mask; /* all ones when the rule has no mask */
	uint64_t value;
};

/* A conjunction: the clause holds when every comparison holds. */
struct policy_clause {
	struct policy_cmp *cmps;
	size_t ncmps;
};

/* Where a rule came from, for diagnostics and generated comments. */
struct policy_loc {
	const char *file; /* owned by the policy's string pool */
	unsigned int line;
	unsigned int col;
};

/*
 * One rule: when any clause holds (or always, if nclauses is 0), the
 * syscall gets @action. Rules of one syscall are tried in source order;
 * an unconditional rule ends that syscall's list.
 */
struct policy_rule {
	int nr;
	const char *name;
	struct policy_clause *clauses;
	size_t nclauses;
	uint32_t action; /* a SECCOMP_RET_* value with its data */
	struct policy_loc loc;
};

struct policy {
	const struct filter_arch *arch;
	const char *path; /* the top-level policy file */
	uint32_t default_action; /* SECCOMP_RET_KILL_PROCESS if unset */
	struct policy_rule *rules; /* sorted by nr, stable */
	size_t nrules;
	int *hot; /* syscalls the search reaches first */
	size_t nhot;
	void *pool; /* private: the parser's allocations */
};

#endif
