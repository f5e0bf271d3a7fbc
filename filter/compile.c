// SPDX-License-Identifier: MIT
/*
 * husk's seccomp code generator: the arch check, the hot syscalls, the
 * binary search over syscall number ranges and the pool of return
 * instructions. Argument blocks are generated in args.c, layout and
 * trampolines in asm.c.
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>

#include "filter/args.h"
#include "filter/asm.h"
#include "filter/compile.h"

#define NR_SPACE (UINT64_C(1) << 32)

/* The rules of one syscall number. */
struct sys_entry {
	int nr;
	size_t first; /* index of its first rule in the policy */
	size_t n;
	int has_args; /* its result depends on the arguments */
	int label; /* where its argument block starts */
};

/* Syscall numbers [lo, hi) all lead to @label. */
struct nr_range {
	uint64_t lo;
	uint64_t hi;
	int label;
};

struct ret_slot {
	uint32_t action;
	int label;
};

struct gen {
	const struct policy *p;
	struct asm_prog a;
	struct sys_entry *sys;
	size_t nsys;
	struct nr_range *ranges;
	size_t nranges;
	struct ret_slot *rets;
	size_t nrets;
	int err;
};

uint32_t filter_x32_action(const struct policy *p)
{
	switch (p->default_action & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS:
	case SECCOMP_RET_KILL_THREAD:
	case SECCOMP_RET_TRAP:
	case SECCOMP_RET_ERRNO:
		return p->default_action;
	default:
		return SECCOMP_RET_KILL_PROCESS;
	}
}

/* The label of the shared "ret @action" instruction. */
static int ret_label(struct gen *g, uint32_t action)
{
	struct ret_slot *r;
	size_t i;

	for (i = 0; i < g->nrets; i++)
		if (g->rets[i].action == action)
			return g->rets[i].label;
	r = realloc(g->rets, (g->nrets + 1) * sizeof(*r));
	if (!r) {
		g->err = -ENOMEM;
		return -1;
	}
	g->rets = r;
	r[g->nrets].action = action;
	r[g->nrets].label = asm_label(&g->a);
	return r[g->nrets++].label;
}

static uint64_t nr_limit(const struct policy *p)
{
	return p->arch->x32_bit ? p->arch->x32_bit : NR_SPACE;
}

static int check_cmp(const struct policy_rule *r, const struct policy_cmp *c,
		     struct diag *diag)
{
	if (c->arg > 5 || (c->width != 32 && c->width != 64) ||
	    c->op < CMP_EQ || c->op > CMP_GE) {
		diag_error(diag, &r->loc,
			   "malformed argument comparison for '%s'", r->name);
		return -EINVAL;
	}
	return 0;
}

static int check_rule(const struct policy *p, size_t i, struct diag *diag)
{
	const struct policy_rule *r = &p->rules[i];
	size_t c, m;

	if (r->nr < 0 || (uint64_t)r->nr >= nr_limit(p)) {
		diag_error(diag, &r->loc,
			   "syscall number %d of '%s' is out "
			   "of range on %s",
			   r->nr, r->name, p->arch->name);
		return -EINVAL;
	}
	if (i > 0 && p->rules[i - 1].nr > r->nr) {
		diag_error(diag, &r->loc, "rules are not sorted by number");
		return -EINVAL;
	}
	for (c = 0; c < r->nclauses; c++)
		for (m = 0; m < r->clauses[c].ncmps; m++)
			if (check_cmp(r, &r->clauses[c].cmps[m], diag))
				return -EINVAL;
	return 0;
}

static int check_policy(const struct policy *p, struct diag *diag)
{
	size_t i;

	if (!p->arch) {
		diag_error(diag, NULL, "%s: policy has no architecture",
			   p->path ? p->path : "policy");
		return -EINVAL;
	}
	for (i = 0; i < p->nrules; i++)
		if (check_rule(p, i, diag))
			return -EINVAL;
	for (i = 0; i < p->nhot; i++) {
		if (p->hot[i] < 0 || (uint64_t)p->hot[i] >= nr_limit(p)) {
			diag_error(diag, NULL,
				   "%s: hot syscall number %d is "
				   "out of range",
				   p->path, p->hot[i]);
			return -EINVAL;
		}
	}
	return 0;
}

/* Groups the rules by syscall number; the rules are sorted by it. */
static int group_rules(struct gen *g)
{
	const struct policy *p = g->p;
	struct sys_entry *s;
	size_t i;

	g->sys = calloc(p->nrules ? p->nrules : 1, sizeof(*g->sys));
	if (!g->sys)
		return -ENOMEM;
	for (i = 0; i < p->nrules; i++) {
		if (g->nsys && g->sys[g->nsys - 1].nr == p->rules[i].nr) {
			g->sys[g->nsys - 1].n++;
			continue;
		}
		s = &g->sys[g->nsys++];
		s->nr = p->rules[i].nr;
		s->first = i;
		s->n = 1;
		s->has_args = p->rules[i].nclauses > 0;
		s->label = s->has_args ? asm_label(&g->a) : -1;
	}
	return 0;
}

/* The label a syscall number leads to, ignoring the x32 range. */
static int nr_target(struct gen *g, int nr)
{
	size_t lo = 0, hi = g->nsys, mid;
	const struct sys_entry *s;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		s = &g->sys[mid];
		if (s->nr == nr) {
			if (s->has_args)
				return s->label;
			return ret_label(g, g->p->rules[s->first].action);
		}
		if (s->nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return ret_label(g, g->p->default_action);
}

/* Appends [lo, hi) -> @label, merging it with an equal neighbour. */
static void add_range(struct gen *g, uint64_t lo, uint64_t hi, int label)
{
	struct nr_range *r = &g->ranges[g->nranges];

	if (g->nranges && r[-1].label == label && r[-1].hi == lo) {
		r[-1].hi = hi;
		return;
	}
	r->lo = lo;
	r->hi = hi;
	r->label = label;
	g->nranges++;
}

static int build_ranges(struct gen *g)
{
	const struct policy *p = g->p;
	int def = ret_label(g, p->default_action);
	uint64_t pos = 0, limit = nr_limit(p);
	size_t i;

	/* At most: a gap before each syscall, the syscall, two tails. */
	g->ranges = calloc(2 * g->nsys + 2, sizeof(*g->ranges));
	if (!g->ranges)
		return -ENOMEM;
	for (i = 0; i < g->nsys; i++) {
		if ((uint64_t)g->sys[i].nr > pos)
			add_range(g, pos, (uint64_t)g->sys[i].nr, def);
		add_range(g, (uint64_t)g->sys[i].nr, (uint64_t)g->sys[i].nr + 1,
			  nr_target(g, g->sys[i].nr));
		pos = (uint64_t)g->sys[i].nr + 1;
	}
	if (pos < limit)
		add_range(g, pos, limit, def);
	if (p->arch->x32_bit)
		add_range(g, limit, NR_SPACE,
			  ret_label(g, filter_x32_action(p)));
	return g->err;
}

static void emit_arch_check(struct gen *g)
{
	int match = asm_label(&g->a);
	int kill = ret_label(g, SECCOMP_RET_KILL_PROCESS);

	asm_stmt(&g->a, BPF_LD | BPF_W | BPF_ABS,
		 offsetof(struct seccomp_data, arch));
	asm_jump(&g->a, BPF_JEQ, g->p->arch->audit_arch, match, kill);
	asm_place(&g->a, match);
	asm_stmt(&g->a, BPF_LD | BPF_W | BPF_ABS,
		 offsetof(struct seccomp_data, nr));
}

static int seen_before(const struct policy *p, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (p->hot[j] == p->hot[i])
			return 1;
	return 0;
}

/* Hot syscalls are tested one by one before the search. */
static void emit_hot(struct gen *g)
{
	const struct policy *p = g->p;
	size_t i;
	int next;

	for (i = 0; i < p->nhot; i++) {
		if (seen_before(p, i))
			continue;
		next = asm_label(&g->a);
		asm_jump(&g->a, BPF_JEQ, (uint32_t)p->hot[i],
			 nr_target(g, p->hot[i]), next);
		asm_place(&g->a, next);
	}
}

/*
 * Emits the search over ranges [i, j), j - i >= 2, at the current place.
 * The number in A is known to lie within those ranges.
 */
static void emit_tree(struct gen *g, size_t i, size_t j)
{
	const struct nr_range *r = g->ranges;
	size_t m = i + (j - i) / 2;
	int left, right;

	/* A lone number between two equal neighbours needs one jeq. */
	if (j - i == 3 && r[i].label == r[i + 2].label &&
	    r[i + 1].hi - r[i + 1].lo == 1) {
		asm_jump(&g->a, BPF_JEQ, (uint32_t)r[i + 1].lo, r[i + 1].label,
			 r[i].label);
		return;
	}

	left = m - i == 1 ? r[i].label : asm_label(&g->a);
	right = j - m == 1 ? r[m].label : asm_label(&g->a);
	asm_jump(&g->a, BPF_JGE, (uint32_t)r[m].lo, right, left);
	if (m - i > 1) {
		asm_place(&g->a, left);
		emit_tree(g, i, m);
	}
	if (j - m > 1) {
		asm_place(&g->a, right);
		emit_tree(g, m, j);
	}
}

static void emit_search(struct gen *g)
{
	if (g->nranges == 1)
		asm_ja(&g->a, g->ranges[0].label);
	else
		emit_tree(g, 0, g->nranges);
}

static void emit_rets(struct gen *g)
{
	size_t i;

	for (i = 0; i < g->nrets; i++) {
		asm_place(&g->a, g->rets[i].label);
		asm_stmt(&g->a, BPF_RET | BPF_K, g->rets[i].action);
	}
}

static void emit_blocks(struct gen *g)
{
	const struct policy *p = g->p;
	const struct sys_entry *s;
	size_t i;

	for (i = 0; i < g->nsys; i++) {
		s = &g->sys[i];
		if (!s->has_args)
			continue;
		asm_place(&g->a, s->label);
		args_emit_block(&g->a, p->arch, &p->rules[s->first], s->n,
				p->default_action);
	}
}

static int generate(struct gen *g, struct sock_filter **insns, size_t *len)
{
	int err;

	err = group_rules(g);
	if (!err)
		err = build_ranges(g);
	if (err)
		return err;

	emit_arch_check(g);
	emit_hot(g);
	emit_search(g);
	/* Everything jumps forward, so the pool follows the last jump to it. */
	emit_rets(g);
	emit_blocks(g);
	if (g->err)
		return g->err;
	return asm_link(&g->a, insns, len);
}

static void report(const struct policy *p, int err, size_t len,
		   struct diag *diag)
{
	const char *path = p->path ? p->path : "policy";

	if (err == -E2BIG)
		diag_error(diag, NULL,
			   "%s: the %s filter needs %zu "
			   "instructions, more than the kernel's limit of %d",
			   path, p->arch->name, len, BPF_MAXINSNS);
	else if (err == -ENOMEM)
		diag_error(diag, NULL, "%s: out of memory", path);
	else
		diag_error(diag, NULL,
			   "%s: internal error in the code "
			   "generator (%d)",
			   path, err);
}

int filter_compile(const struct policy *p, struct sock_filter **insns,
		   size_t *len, struct diag *diag)
{
	struct sock_filter *prog = NULL;
	struct gen g = { .p = p };
	size_t n = 0;
	int err;

	err = check_policy(p, diag);
	if (err)
		return err;

	asm_init(&g.a);
	err = generate(&g, &prog, &n);
	if (!err && n > BPF_MAXINSNS) {
		free(prog);
		err = -E2BIG;
	}
	if (err) {
		report(p, err, n, diag);
		goto free_gen;
	}
	*insns = prog;
	*len = n;
free_gen:
	free(g.rets);
	free(g.ranges);
	free(g.sys);
	asm_free(&g.a);
	return err;
}
