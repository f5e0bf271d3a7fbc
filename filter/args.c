// SPDX-License-Identifier: MIT
/*
 * Argument blocks: the code for one syscall whose rules test its
 * arguments. Each comparison is compiled on 32-bit words, the high word
 * first for 64-bit compares, with masks applied by BPF_AND.
 */
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter/args.h"

uint32_t args_word_offset(const struct filter_arch *arch, unsigned int arg,
			  int high)
{
	uint32_t base = offsetof(struct seccomp_data, args) + 8u * arg;
	int little_endian = !!(arch->audit_arch & __AUDIT_ARCH_LE);

	/* NOTE: husk's three architectures are all little-endian. */
	return base + (high == little_endian ? 4u : 0u);
}

static int holds(enum cmp_op op, uint32_t a, uint32_t b)
{
	switch (op) {
	case CMP_EQ:
		return a == b;
	case CMP_NE:
		return a != b;
	case CMP_LT:
		return a < b;
	case CMP_LE:
		return a <= b;
	case CMP_GT:
		return a > b;
	case CMP_GE:
		return a >= b;
	}
	return 0;
}

/*
 * Loads one masked argument word into A. Returns 1 without emitting
 * anything when the mask clears the whole word, which is then zero.
 */
static int load_word(struct asm_prog *a, const struct filter_arch *arch,
		     unsigned int arg, int high, uint32_t mask)
{
	uint32_t off = args_word_offset(arch, arg, high);

	if (!mask)
		return 1;
	if (asm_acc_holds(a, off, mask))
		return 0;
	asm_stmt(a, BPF_LD | BPF_W | BPF_ABS, off);
	if (mask != UINT32_MAX)
		asm_stmt(a, BPF_ALU | BPF_AND | BPF_K, mask);
	asm_acc_set(a, off, mask);
	return 0;
}

/* Compares the low (or only) word: jumps to @pass or @fail. */
static void cmp_low(struct asm_prog *a, enum cmp_op op, uint32_t v, int zero,
		    int pass, int fail)
{
	if (zero) {
		asm_ja(a, holds(op, 0, v) ? pass : fail);
		return;
	}
	switch (op) {
	case CMP_EQ:
		asm_jump(a, BPF_JEQ, v, pass, fail);
		break;
	case CMP_NE:
		asm_jump(a, BPF_JEQ, v, fail, pass);
		break;
	case CMP_GT:
		asm_jump(a, BPF_JGT, v, pass, fail);
		break;
	case CMP_GE:
		asm_jump(a, BPF_JGE, v, pass, fail);
		break;
	case CMP_LT:
		asm_jump(a, BPF_JGE, v, fail, pass);
		break;
	case CMP_LE:
		asm_jump(a, BPF_JGT, v, fail, pass);
		break;
	}
}

/*
 * Compares the high word with @vh: above it goes to @above, below it to
 * @below, equal falls through to @equal. Returns 1 when the outcome is
 * known at compile time to be "below", so nothing more is reachable.
 */
static int cmp_high(struct asm_prog *a, uint32_t vh, int zero, int above,
		    int below, int equal)
{
	int next;

	if (zero) {
		if (vh == 0)
			return 0;
		asm_ja(a, below);
		return 1;
	}
	if (above == below)
		asm_jump(a, BPF_JEQ, vh, equal, above);
	else if (vh == UINT32_MAX)
		asm_jump(a, BPF_JEQ, vh, equal, below);
	else if (vh == 0)
		asm_jump(a, BPF_JEQ, vh, equal, above);
	else {
		next = asm_label(a);
		asm_jump(a, BPF_JGT, vh, above, next);
		asm_place(a, next);
		asm_jump(a, BPF_JEQ, vh, equal, below);
	}
	return 0;
}

static void emit_cmp(struct asm_prog *a, const struct filter_arch *arch,
		     const struct policy_cmp *c, int pass, int fail)
{
	int greater_passes = c->op == CMP_NE || c->op == CMP_GT ||
			     c->op == CMP_GE;
	int less_passes = c->op == CMP_NE || c->op == CMP_LT || c->op == CMP_LE;
	int zero, ended, equal;

	if (c->width == 64) {
		equal = asm_label(a);
		zero = load_word(a, arch, c->arg, 1, (uint32_t)(c->mask >> 32));
		ended = cmp_high(a, (uint32_t)(c->value >> 32), zero,
				 greater_passes ? pass : fail,
				 less_passes ? pass : fail, equal);
		asm_place(a, equal);
		if (ended)
			return;
	}
	zero = load_word(a, arch, c->arg, 0, (uint32_t)c->mask);
	cmp_low(a, c->op, (uint32_t)c->value, zero, pass, fail);
}

/* Whether the first word @c loads is already in A. */
static int starts_in_acc(const struct asm_prog *a,
			 const struct filter_arch *arch,
			 const struct policy_cmp *c)
{
	uint32_t high_mask = (uint32_t)(c->mask >> 32);

	if (c->width == 64 && high_mask)
		return asm_acc_holds(a, args_word_offset(arch, c->arg, 1),
				     high_mask);
	return asm_acc_holds(a, args_word_offset(arch, c->arg, 0),
			     (uint32_t)c->mask);
}

#define NO_CMP SIZE_MAX

/* Emits one comparison of a clause with *@left still to come. */
static void emit_step(struct asm_prog *a, const struct filter_arch *arch,
		      const struct policy_cmp *c, size_t *left, int pass,
		      int fail)
{
	int next = --*left ? asm_label(a) : pass;

	emit_cmp(a, arch, c, next, fail);
	if (*left)
		asm_place(a, next);
}

/*
 * One clause, without its comparison @skip (NO_CMP: all of them): every
 * comparison must pass to reach @pass. The comparisons of a clause may
 * go in any order, so one whose word is already in A goes first and
 * saves a load.
 */
static void emit_clause(struct asm_prog *a, const struct filter_arch *arch,
			const struct policy_clause *cl, size_t skip, int pass,
			int fail)
{
	size_t i, first = NO_CMP, left = cl->ncmps - (skip != NO_CMP);

	if (!left) {
		asm_ja(a, pass);
		return;
	}
	for (i = 0; i < cl->ncmps; i++) {
		if (i == skip)
			continue;
		if (first == NO_CMP)
			first = i;
		if (starts_in_acc(a, arch, &cl->cmps[i])) {
			first = i;
			break;
		}
	}
	emit_step(a, arch, &cl->cmps[first], &left, pass, fail);
	for (i = 0; i < cl->ncmps; i++)
		if (i != first && i != skip)
			emit_step(a, arch, &cl->cmps[i], &left, pass, fail);
}

/* One alternative of a block: when @cl holds, the syscall gets @action. */
struct alt {
	const struct policy_clause *cl;
	uint32_t action;
	const struct policy_cmp *shared; /* tested once for its group */
};

/* What a clause costs to test: one jump per word compared. */
static size_t clause_cost(const struct policy_clause *cl)
{
	size_t i, n = 0;

	for (i = 0; i < cl->ncmps; i++)
		n += cl->cmps[i].width == 64 ? 2 : 1;
	return n;
}

/*
 * The comparison of a clause that is one 64-bit equality whose masks
 * keep bits of both words, or NULL: alternatives of that form that test
 * the same high word can share its test.
 */
static const struct policy_cmp *wide_eq(const struct policy_clause *cl)
{
	const struct policy_cmp *c = cl->cmps;

	if (cl->ncmps != 1 || c->op != CMP_EQ || c->width != 64 ||
	    !(uint32_t)(c->mask >> 32) || !(uint32_t)c->mask)
		return NULL;
	return c;
}

/* Whether @x and @y are wide_eq() on the same high word. */
static int same_high(const struct policy_cmp *x, const struct policy_cmp *y)
{
	return x && y && x->arg == y->arg && x->mask == y->mask &&
	       (uint32_t)(x->value >> 32) == (uint32_t)(y->value >> 32);
}

/* Orders alternatives of one run: cheaper first, equal high words near. */
static int goes_before(const struct alt *x, const struct alt *y)
{
	const struct policy_cmp *cx = wide_eq(x->cl), *cy = wide_eq(y->cl);
	size_t kx = clause_cost(x->cl), ky = clause_cost(y->cl);

	if (kx != ky)
		return kx < ky;
	if (!cx || !cy || cx->arg != cy->arg)
		return cx && cy && cx->arg < cy->arg;
	return (cx->value >> 32) < (cy->value >> 32);
}

/*
 * Sorts alts[lo, hi), which share one action, cheapest first and 64-bit
 * equalities on one argument by their high word; the sort is stable, so
 * other alternatives of equal cost keep their source order.
 */
static void sort_run(struct alt *alts, size_t lo, size_t hi)
{
	struct alt t;
	size_t i, j;

	for (i = lo + 1; i < hi; i++) {
		t = alts[i];
		for (j = i; j > lo && goes_before(&t, &alts[j - 1]); j--)
			alts[j] = alts[j - 1];
		alts[j] = t;
	}
}

/* Whether rule @r holds whatever the arguments. */
static int always_holds(const struct policy_rule *r)
{
	size_t c;

	if (!r->nclauses)
		return 1;
	for (c = 0; c < r->nclauses; c++)
		if (!r->clauses[c].ncmps)
			return 1;
	return 0;
}

/*
 * The first rule that holds whatever the arguments, or @n; its action,
 * or @def, is the block's *@fallback. The rules after it are never
 * tried, and its clauses before the one that always holds give the
 * fallback's action anyway.
 */
static size_t find_fallback(const struct policy_rule *rules, size_t n,
			    uint32_t def, uint32_t *fallback)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (always_holds(&rules[i])) {
			*fallback = rules[i].action;
			return i;
		}
	}
	*fallback = def;
	return n;
}

/* Sorts each run of alternatives with one action on its own. */
static void sort_runs(struct alt *alts, size_t k)
{
	size_t i, run = 0;

	for (i = 1; i <= k; i++) {
		if (i < k && alts[i].action == alts[run].action)
			continue;
		sort_run(alts, run, i);
		run = i;
	}
}

static int same_cmp(const struct policy_cmp *x, const struct policy_cmp *y)
{
	return x->arg == y->arg && x->op == y->op && x->width == y->width &&
	       x->mask == y->mask && x->value == y->value;
}

/* The index of a comparison of @cl equal to @c, or NO_CMP. */
static size_t find_cmp(const struct policy_clause *cl,
		       const struct policy_cmp *c)
{
	size_t i;

	for (i = 0; i < cl->ncmps; i++)
		if (same_cmp(&cl->cmps[i], c))
			return i;
	return NO_CMP;
}

/* The end of the run of alternatives with alts[i]'s action. */
static size_t run_end(const struct alt *alts, size_t i, size_t k)
{
	size_t j = i + 1;

	while (j < k && alts[j].action == alts[i].action)
		j++;
	return j;
}

/* How many of alts[i, j) have a comparison equal to @c. */
static size_t count_with(const struct alt *alts, size_t i, size_t j,
			 const struct policy_cmp *c)
{
	size_t n = 0;

	for (; i < j; i++)
		n += find_cmp(alts[i].cl, c) != NO_CMP;
	return n;
}

/*
 * Gathers right after alts[i] the alternatives of its run that share
 * one of its comparisons with it (the one most of them share): since
 * (C && X) || (C && Y) is C && (X || Y), the group tests C once. Returns
 * where the next group starts.
 */
static size_t gather_shared(struct alt *alts, size_t i, size_t k)
{
	size_t j = run_end(alts, i, k), c, n, best = 1, t, at = i + 1;
	const struct policy_cmp *shared = NULL;
	struct alt moved;

	for (c = 0; c < alts[i].cl->ncmps; c++) {
		n = count_with(alts, i, j, &alts[i].cl->cmps[c]);
		if (n > best) {
			best = n;
			shared = &alts[i].cl->cmps[c];
		}
	}
	if (!shared)
		return i + 1;
	for (t = i + 1; t < j; t++) {
		if (find_cmp(alts[t].cl, shared) == NO_CMP)
			continue;
		moved = alts[t];
		memmove(&alts[at + 1], &alts[at], (t - at) * sizeof(*alts));
		alts[at++] = moved;
	}
	for (t = i; t < at; t++)
		alts[t].shared = shared;
	return at;
}

/*
 * Flattens the rules into alternatives tried in order and the action
 * when none holds (*@fallback). Returns how many alternatives there are.
 *
 * NOTE: only the order of alternatives with the same action changes, and
 * never across an alternative with another action: the first clause that
 * holds decides, so within such a run any order gives the same result.
 */
static size_t flatten(const struct policy_rule *rules, size_t n, uint32_t def,
		      struct alt *alts, uint32_t *fallback)
{
	size_t i, c, k = 0, m = find_fallback(rules, n, def, fallback);

	for (i = 0; i < m; i++) {
		for (c = 0; c < rules[i].nclauses; c++) {
			alts[k].cl = &rules[i].clauses[c];
			alts[k++].action = rules[i].action;
		}
	}
	/* Alternatives just before the fallback with its action add nothing. */
	while (k && alts[k - 1].action == *fallback)
		k--;
	sort_runs(alts, k);
	for (i = 0; i < k; i = gather_shared(alts, i, k))
		;
	return k;
}

int args_block_const(const struct policy_rule *rules, size_t n, uint32_t def,
		     uint32_t *action)
{
	size_t i, m = find_fallback(rules, n, def, action);

	for (i = 0; i < m; i++)
		if (rules[i].action != *action)
			return 0;
	return 1;
}

static size_t count_clauses(const struct policy_rule *rules, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += rules[i].nclauses;
	return k;
}

/*
 * Emits alts[i, j), wide_eq() alternatives of one action on one high
 * word: the high word is tested once, then each low word.
 */
static void emit_shared_high(struct asm_prog *a, const struct filter_arch *arch,
			     const struct alt *alts, size_t i, size_t j,
			     int pass, int fail)
{
	const struct policy_cmp *c = alts[i].cl->cmps;
	int low = asm_label(a), next;

	load_word(a, arch, c->arg, 1, (uint32_t)(c->mask >> 32));
	asm_jump(a, BPF_JEQ, (uint32_t)(c->value >> 32), low, fail);
	asm_place(a, low);
	load_word(a, arch, c->arg, 0, (uint32_t)c->mask);
	for (; i < j; i++) {
		next = i + 1 == j ? fail : asm_label(a);
		asm_jump(a, BPF_JEQ, (uint32_t)alts[i].cl->cmps->value, pass,
			 next);
		if (i + 1 < j)
			asm_place(a, next);
	}
}

/*
 * Emits alts[i, j), a group that shares the comparison alts[i].shared:
 * that one first, then what is left of each clause.
 */
static void emit_shared_cmp(struct asm_prog *a, const struct filter_arch *arch,
			    const struct alt *alts, size_t i, size_t j,
			    int pass, int fail)
{
	const struct policy_cmp *c = alts[i].shared;
	int rest = asm_label(a), next;
	size_t t;

	/* C alone holding is enough if one alternative is C alone. */
	for (t = i; t < j; t++) {
		if (alts[t].cl->ncmps == 1) {
			emit_cmp(a, arch, c, pass, fail);
			return;
		}
	}
	emit_cmp(a, arch, c, rest, fail);
	asm_place(a, rest);
	for (t = i; t < j; t++) {
		next = t + 1 == j ? fail : asm_label(a);
		emit_clause(a, arch, alts[t].cl, find_cmp(alts[t].cl, c), pass,
			    next);
		if (t + 1 < j)
			asm_place(a, next);
	}
}

/* The end of the group of alternatives that starts at alts[i]. */
static size_t group_end(const struct alt *alts, size_t i, size_t k)
{
	size_t j = i + 1;

	if (alts[i].shared) {
		while (j < k && alts[j].shared == alts[i].shared)
			j++;
		return j;
	}
	while (j < k && alts[j].action == alts[i].action && !alts[j].shared &&
	       same_high(wide_eq(alts[i].cl), wide_eq(alts[j].cl)))
		j++;
	return j;
}

void args_emit_block(struct asm_prog *a, const struct filter_arch *arch,
		     const struct policy_rule *rules, size_t n, uint32_t def,
		     const struct args_rets *rets)
{
	size_t i, j, k, total = count_clauses(rules, n);
	struct alt *alts = calloc(total ? total : 1, sizeof(*alts));
	uint32_t fallback;
	int fail, pass;

	if (!alts) {
		a->err = -ENOMEM;
		return;
	}
	k = flatten(rules, n, def, alts, &fallback);
	for (i = 0; i < k; i = j) {
		j = group_end(alts, i, k);
		pass = rets->label(rets->ctx, alts[i].action);
		fail = j == k ? rets->label(rets->ctx, fallback) : asm_label(a);
		if (alts[i].shared)
			emit_shared_cmp(a, arch, alts, i, j, pass, fail);
		else if (j - i > 1)
			emit_shared_high(a, arch, alts, i, j, pass, fail);
		else
			emit_clause(a, arch, alts[i].cl, NO_CMP, pass, fail);
		if (j < k)
			asm_place(a, fail);
	}
	if (!k)
		asm_ja(a, rets->label(rets->ctx, fallback));
	free(alts);
}
