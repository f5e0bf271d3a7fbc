// SPDX-License-Identifier: MIT
/*
 * The reference evaluator of the filter tests: reads a policy's rules
 * directly, as plainly as possible, with no knowledge of the generated
 * program's shape.
 */
#include "tests/unit/filter_back.h"

static int cmp_holds(const struct policy_cmp *c, const __u64 *args)
{
	uint64_t a = args[c->arg] & c->mask, v = c->value;

	if (c->width == 32) {
		a &= 0xffffffffu;
		v &= 0xffffffffu;
	}
	switch (c->op) {
	case CMP_EQ:
		return a == v;
	case CMP_NE:
		return a != v;
	case CMP_LT:
		return a < v;
	case CMP_LE:
		return a <= v;
	case CMP_GT:
		return a > v;
	case CMP_GE:
		return a >= v;
	}
	return 0;
}

static int clause_holds(const struct policy_clause *cl, const __u64 *args)
{
	size_t i;

	for (i = 0; i < cl->ncmps; i++)
		if (!cmp_holds(&cl->cmps[i], args))
			return 0;
	return 1;
}

static int rule_holds(const struct policy_rule *r, const __u64 *args)
{
	size_t i;

	if (r->nclauses == 0)
		return 1;
	for (i = 0; i < r->nclauses; i++)
		if (clause_holds(&r->clauses[i], args))
			return 1;
	return 0;
}

/* x32 numbers are refused: by the default action only if it refuses. */
static uint32_t x32_action(const struct policy *p)
{
	uint32_t kind = p->default_action & 0xffff0000u;

	if (kind == SECCOMP_RET_KILL_PROCESS || kind == SECCOMP_RET_TRAP ||
	    kind == SECCOMP_RET_KILL_THREAD || kind == SECCOMP_RET_ERRNO)
		return p->default_action;
	return SECCOMP_RET_KILL_PROCESS;
}

uint32_t ref_eval(const struct policy *p, const struct seccomp_data *sd)
{
	uint32_t nr = (uint32_t)sd->nr;
	size_t i;

	if (sd->arch != p->arch->audit_arch)
		return SECCOMP_RET_KILL_PROCESS;
	if (p->arch->x32_bit && nr >= p->arch->x32_bit)
		return x32_action(p);
	for (i = 0; i < p->nrules; i++)
		if ((uint32_t)p->rules[i].nr == nr &&
		    rule_holds(&p->rules[i], sd->args))
			return p->rules[i].action;
	return p->default_action;
}
