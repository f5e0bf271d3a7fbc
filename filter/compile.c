// SPDX-License-Identifier: MIT
/*
 * husk's seccomp code generator: the arch check, the search over syscall
 * number ranges (with the hot syscalls placed first) and the pool of
 * return instructions. Argument blocks are generated in args.c, layout and
 * trampolines in asm.c.
 */
#include <errno.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "filter/args.h"
#include "filter/asm.h"
#include "filter/compile.h"

#define NR_SPACE (UINT64_C(1) << 32)

/* A range label for hot numbers the search never sees (tested before). */
#define LABEL_ANY (-2)

/* The rules of one syscall number. */
struct sys_entry {
	int nr;
	size_t first; /* index of its first rule in the policy */
	size_t n;
	int has_args; /* its result depends on the arguments */
	int label; /* where its argument block starts */
	uint32_t action; /* its action when it does not */
};

/* Syscall numbers [lo, hi) all lead to @label. */
struct nr_range {
	uint64_t lo;
	uint64_t hi;
	int label;
	int hot; /* it holds a hot syscall */
};

struct ret_slot {
	uint32_t action;
	int label;
};

/* Shared "ret ACTION" instructions, placed together. */
struct ret_pool {
	struct ret_slot *slots;
	size_t n;
};

/* One layout of the number search, with what it costs. */
struct layout {
	struct nr_range *ranges;
	size_t nranges;
	size_t nprefix; /* hot syscalls tested by jeq before the search */
	struct search *tree; /* NULL: halves, see emit_halves() */
	unsigned int worst; /* jumps on the longest path to a return */
	unsigned int hot; /* jumps on the longest path of a hot syscall */
	unsigned int sum; /* jumps to each range, summed over the ranges */
	unsigned int insns; /* instructions of the prefix and the search */
};

struct gen {
	const struct policy *p;
	struct asm_prog a;
	struct sys_entry *sys;
	size_t nsys;
	struct ret_pool rets; /* after the search, or at the very end */
	struct ret_pool block_rets; /* at the end of each block */
	int local_rets; /* argument blocks return through block_rets */
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

/* The label of @pool's "ret @action" instruction. */
static int pool_label(struct gen *g, struct ret_pool *pool, uint32_t action)
{
	struct ret_slot *r;
	size_t i;

	for (i = 0; i < pool->n; i++)
		if (pool->slots[i].action == action)
			return pool->slots[i].label;
	r = realloc(pool->slots, (pool->n + 1) * sizeof(*r));
	if (!r) {
		g->err = -ENOMEM;
		return -1;
	}
	pool->slots = r;
	r[pool->n].action = action;
	r[pool->n].label = asm_label(&g->a);
	return r[pool->n++].label;
}

static int ret_label(struct gen *g, uint32_t action)
{
	return pool_label(g, &g->rets, action);
}

/* Places the pool's returns here and empties it. */
static void emit_pool(struct gen *g, struct ret_pool *pool)
{
	size_t i;

	for (i = 0; i < pool->n; i++) {
		asm_place(&g->a, pool->slots[i].label);
		asm_stmt(&g->a, BPF_RET | BPF_K, pool->slots[i].action);
	}
	pool->n = 0;
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

static int is_hot(const struct policy *p, int nr)
{
	size_t i;

	for (i = 0; i < p->nhot; i++)
		if (p->hot[i] == nr)
			return 1;
	return 0;
}

/* Groups the rules by syscall number; the rules are sorted by it. */
static int group_rules(struct gen *g)
{
	const struct policy *p = g->p;
	struct sys_entry *s = NULL;
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
	}
	for (i = 0; i < g->nsys; i++) {
		s = &g->sys[i];
		s->has_args = !args_block_const(&p->rules[s->first], s->n,
						p->default_action, &s->action);
		s->label = s->has_args ? asm_label(&g->a) : -1;
	}
	return 0;
}

/* The label syscall entry @s leads to. */
static int sys_target(struct gen *g, const struct sys_entry *s)
{
	return s->has_args ? s->label : ret_label(g, s->action);
}

static const struct sys_entry *find_sys(const struct gen *g, int nr)
{
	size_t lo = 0, hi = g->nsys, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (g->sys[mid].nr == nr)
			return &g->sys[mid];
		if (g->sys[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The label a syscall number leads to, ignoring the x32 range. */
static int nr_target(struct gen *g, int nr)
{
	const struct sys_entry *s = find_sys(g, nr);

	return s ? sys_target(g, s) : ret_label(g, g->p->default_action);
}

/* Appends [lo, hi) -> @label, merging it with an equal neighbour. */
static void add_range(struct nr_range *r, size_t *n, uint64_t lo, uint64_t hi,
		      int label)
{
	if (*n && r[*n - 1].label == label && r[*n - 1].hi == lo) {
		r[*n - 1].hi = hi;
		return;
	}
	r[*n].lo = lo;
	r[*n].hi = hi;
	r[*n].label = label;
	r[*n].hot = 0;
	(*n)++;
}

static int is_point(const struct nr_range *r)
{
	return r->hi - r->lo == 1;
}

/*
 * Gives each LABEL_ANY range to a neighbour: both, when they agree, so
 * that three ranges become one; else the one that is not a single
 * number, so that the other stays testable with one jeq.
 */
static void absorb_any(struct nr_range *r, size_t *n)
{
	size_t k, out = 0;
	struct nr_range *left, *right;

	for (k = 0; k < *n; k++) {
		if (r[k].label != LABEL_ANY) {
			add_range(r, &out, r[k].lo, r[k].hi, r[k].label);
			continue;
		}
		left = out ? &r[out - 1] : NULL;
		right = k + 1 < *n ? &r[k + 1] : NULL;
		if (left && right && left->label == right->label) {
			left->hi = right->hi;
			k++;
		} else if (left &&
			   (!right || !is_point(left) || is_point(right))) {
			left->hi = r[k].hi;
		} else if (right) {
			right->lo = r[k].lo;
		}
	}
	*n = out;
}

static void mark_hot(const struct policy *p, struct nr_range *r, size_t n)
{
	size_t i, k;

	for (i = 0; i < p->nhot; i++)
		for (k = 0; k < n; k++)
			if ((uint64_t)p->hot[i] >= r[k].lo &&
			    (uint64_t)p->hot[i] < r[k].hi)
				r[k].hot = 1;
}

/*
 * The ranges of syscall numbers the search tells apart. With @any_hot
 * the hot syscalls are tested before the search, so their numbers may
 * go to whichever neighbour saves a range.
 */
static int build_ranges(struct gen *g, struct layout *l, int any_hot)
{
	const struct policy *p = g->p;
	int label, def = ret_label(g, p->default_action);
	uint64_t pos = 0, limit = nr_limit(p);
	struct nr_range *r;
	size_t i, n = 0;

	/* At most: a gap before each syscall, the syscall, two tails. */
	r = calloc(2 * g->nsys + 2, sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (i = 0; i < g->nsys; i++) {
		if ((uint64_t)g->sys[i].nr > pos)
			add_range(r, &n, pos, (uint64_t)g->sys[i].nr, def);
		label = sys_target(g, &g->sys[i]);
		if (any_hot && is_hot(p, g->sys[i].nr))
			label = LABEL_ANY;
		add_range(r, &n, (uint64_t)g->sys[i].nr,
			  (uint64_t)g->sys[i].nr + 1, label);
		pos = (uint64_t)g->sys[i].nr + 1;
	}
	if (pos < limit)
		add_range(r, &n, pos, limit, def);
	if (p->arch->x32_bit)
		add_range(r, &n, limit, NR_SPACE,
			  ret_label(g, filter_x32_action(p)));
	if (any_hot)
		absorb_any(r, &n);
	else
		mark_hot(p, r, n);
	l->ranges = r;
	l->nranges = n;
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

static size_t count_hot(const struct policy *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->nhot; i++)
		n += !seen_before(p, i);
	return n;
}

/* Hot syscalls tested one by one before the search. */
static void emit_prefix(struct gen *g)
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

static unsigned int balanced_depth(size_t n)
{
	unsigned int d = 0;

	while (((size_t)1 << d) < n)
		d++;
	return d;
}

/*
 * The search tree: chosen by dynamic programming over segments [i, j) of
 * the ranges. A segment is either one range (no instruction), split in
 * two by one jge, or a chain: one jeq per single number whose label
 * differs from the segment's background label, the last jeq falling
 * through to the background. Among the trees within a depth, the one
 * with the fewest jumps summed over its ranges wins, then the one with
 * the fewest instructions; hot ranges may be held to a smaller depth.
 */
#define SEARCH_MAX_RANGES 160
/* Longer searches are split in halves down to parts of this many. */
#define SEARCH_LEAF_RANGES 64
#define SEARCH_MAX_DEPTH 16
#define SEARCH_INF (INT_MAX / 4)
#define HOW_CHAIN (-1)
/* Costs weigh each jump to a range above any number of instructions. */
#define SEARCH_PER_JUMP 4096

/* What a chain over one segment tests. */
struct chain {
	int k; /* jeqs; -1 when the segment cannot be a chain */
	int bg; /* the background label */
	int hot; /* jumps to the deepest hot range, 0 if none */
};

struct search {
	const struct nr_range *r;
	size_t n;
	struct chain *chains; /* [i * (n + 1) + j] */
	int *cost; /* [(b * n + i) * (n + 1) + j]: instructions or SEARCH_INF */
	int *how; /* same index: 0 one range, HOW_CHAIN, or the split m */
	unsigned int depth; /* the depth the tables were filled for */
	unsigned int hot_depth; /* deepest a hot range may be */
};

static size_t sidx(const struct search *s, unsigned int b, size_t i, size_t j)
{
	return ((size_t)b * s->n + i) * (s->n + 1) + j;
}

/* Per-label counts while a chain's segment grows; see chains_from(). */
struct chain_count {
	int *all; /* ranges with that label */
	int *hot; /* hot ranges with that label */
	int best; /* the label of most ranges so far */
	int wide; /* the label of the ranges wider than one number, or -1 */
	int mixed; /* such ranges have two labels: no chain */
	int nhot;
};

static void chain_add(struct chain_count *c, const struct nr_range *r)
{
	c->all[r->label]++;
	c->hot[r->label] += r->hot;
	c->nhot += r->hot;
	if (c->best < 0 || c->all[r->label] > c->all[c->best])
		c->best = r->label;
	if (is_point(r))
		return;
	if (c->wide >= 0 && c->wide != r->label)
		c->mixed = 1;
	c->wide = r->label;
}

static struct chain chain_of(const struct chain_count *c, int len)
{
	struct chain ch = { -1, -1, 0 };

	if (c->mixed)
		return ch;
	ch.bg = c->wide >= 0 ? c->wide : c->best;
	ch.k = len - c->all[ch.bg];
	/* Hot numbers are tested first; a hot background comes last. */
	ch.hot = c->hot[ch.bg] ? ch.k : c->nhot;
	return ch;
}

/* Fills the chains of every segment starting at @i. */
static void chains_from(struct search *s, size_t i, int *all, int *hot)
{
	struct chain_count c = { all, hot, -1, -1, 0, 0 };
	size_t j;

	for (j = i; j < s->n; j++) {
		chain_add(&c, &s->r[j]);
		s->chains[i * (s->n + 1) + j + 1] =
			chain_of(&c, (int)(j + 1 - i));
	}
	for (j = i; j < s->n; j++) {
		all[s->r[j].label] = 0;
		hot[s->r[j].label] = 0;
	}
}

/*
 * A chain of @k jeqs over @len ranges: each tested number is reached
 * after its position in the chain, the background after all @k.
 */
static int chain_cost(int k, int len)
{
	return k + SEARCH_PER_JUMP * (k * (k + 1) / 2 + k * (len - k));
}

/*
 * The best way to search segment [i, j) within @b jumps: the fewest
 * jumps summed over its ranges, then the fewest instructions.
 */
static void fill_one(struct search *s, unsigned int b, size_t i, size_t j)
{
	const struct chain *ch = &s->chains[i * (s->n + 1) + j];
	unsigned int depth = s->depth - b;
	int best = SEARCH_INF, how = 0, c;
	size_t m;

	if (j - i == 1) {
		if (!s->r[i].hot || depth <= s->hot_depth)
			best = 0;
		goto store;
	}
	if (!b)
		goto store;
	if (ch->k >= 0 && (unsigned int)ch->k <= b &&
	    (!ch->hot || depth + (unsigned int)ch->hot <= s->hot_depth)) {
		best = chain_cost(ch->k, (int)(j - i));
		how = HOW_CHAIN;
	}
	for (m = i + 1; m < j; m++) {
		c = 1 + (int)(j - i) * SEARCH_PER_JUMP +
		    s->cost[sidx(s, b - 1, i, m)] +
		    s->cost[sidx(s, b - 1, m, j)];
		if (c <= best) {
			best = c;
			how = (int)m;
		}
	}
store:
	s->cost[sidx(s, b, i, j)] = best < SEARCH_INF ? best : SEARCH_INF;
	s->how[sidx(s, b, i, j)] = how;
}

/*
 * Fills the tables for a tree of at most @depth jumps whose hot ranges
 * take at most @hot_depth. Returns the instructions of the whole tree,
 * or SEARCH_INF when there is none.
 */
static int search_fill(struct search *s, unsigned int depth,
		       unsigned int hot_depth)
{
	unsigned int b;
	size_t len, i;

	s->depth = depth;
	s->hot_depth = hot_depth;
	for (b = 0; b <= depth; b++)
		for (len = 1; len <= s->n; len++)
			for (i = 0; i + len <= s->n; i++)
				fill_one(s, b, i, i + len);
	return s->cost[sidx(s, depth, 0, s->n)];
}

static void search_free(struct search *s)
{
	if (!s)
		return;
	free(s->chains);
	free(s->cost);
	free(s->how);
	free(s);
}

static struct search *search_new(const struct nr_range *r, size_t n,
				 size_t nlabels)
{
	struct search *s = calloc(1, sizeof(*s));
	size_t cells = (SEARCH_MAX_DEPTH + 1) * n * (n + 1), i;
	int *all = calloc(nlabels, sizeof(int));
	int *hot = calloc(nlabels, sizeof(int));

	if (!s || !all || !hot)
		goto fail;
	s->r = r;
	s->n = n;
	s->chains = calloc(n * (n + 1), sizeof(*s->chains));
	s->cost = calloc(cells, sizeof(int));
	s->how = calloc(cells, sizeof(int));
	if (!s->chains || !s->cost || !s->how)
		goto fail;
	for (i = 0; i < n; i++)
		chains_from(s, i, all, hot);
	free(all);
	free(hot);
	return s;
fail:
	free(all);
	free(hot);
	search_free(s);
	return NULL;
}

/*
 * The smallest depth any tree needs; -1 when none fits the tables. With
 * @b jumps a tree tells apart at most 2b + 1 ranges as one chain, or
 * twice what @b - 1 jumps tell apart after a split: the search starts
 * there.
 */
static int search_min_depth(struct search *s)
{
	unsigned int d = 0;
	size_t reach = 1;

	while (reach < s->n) {
		d++;
		reach = 2 * reach > 2 * d + 1 ? 2 * reach : 2 * d + 1;
	}
	for (; d <= SEARCH_MAX_DEPTH; d++)
		if (search_fill(s, d, d) < SEARCH_INF)
			return (int)d;
	return -1;
}

static void emit_chain(struct gen *g, const struct search *s, size_t i,
		       size_t j)
{
	const struct chain *ch = &s->chains[i * (s->n + 1) + j];
	int pass, next;
	size_t k, left = (size_t)ch->k;

	/* Hot numbers first, then the rest in order. */
	for (pass = 1; pass >= 0; pass--) {
		for (k = i; k < j; k++) {
			if (s->r[k].label == ch->bg || s->r[k].hot != pass)
				continue;
			next = --left ? asm_label(&g->a) : ch->bg;
			asm_jump(&g->a, BPF_JEQ, (uint32_t)s->r[k].lo,
				 s->r[k].label, next);
			if (left)
				asm_place(&g->a, next);
		}
	}
}

/* Emits the tree the tables chose for segment [i, j) with @b jumps. */
static void emit_search(struct gen *g, const struct search *s, unsigned int b,
			size_t i, size_t j)
{
	int how = s->how[sidx(s, b, i, j)], left, right;
	size_t m = (size_t)how;

	if (j - i == 1)
		return;
	if (how == HOW_CHAIN) {
		emit_chain(g, s, i, j);
		return;
	}
	left = m - i == 1 ? s->r[i].label : asm_label(&g->a);
	right = j - m == 1 ? s->r[m].label : asm_label(&g->a);
	asm_jump(&g->a, BPF_JGE, (uint32_t)s->r[m].lo, right, left);
	if (m - i > 1) {
		asm_place(&g->a, left);
		emit_search(g, s, b - 1, i, m);
	}
	if (j - m > 1) {
		asm_place(&g->a, right);
		emit_search(g, s, b - 1, m, j);
	}
}

/* Emits the best tree of the smallest depth over ranges r[0, n), n >= 2. */
static void emit_part(struct gen *g, const struct nr_range *r, size_t n)
{
	struct search *s = search_new(r, n, g->a.nlabels);
	int d = s ? search_min_depth(s) : -1;

	if (d < 0) {
		g->err = -ENOMEM;
	} else {
		search_fill(s, (unsigned int)d, (unsigned int)d);
		emit_search(g, s, (unsigned int)d, 0, n);
	}
	search_free(s);
}

/*
 * The search over ranges [i, j), j - i >= 2, for programs with more
 * ranges than the search tables take: halves split by jge down to
 * segments the tables take, each searched by its best tree. The number
 * in A is known to lie within those ranges.
 */
static void emit_halves(struct gen *g, const struct nr_range *r, size_t i,
			size_t j)
{
	size_t m = i + (j - i) / 2;
	int left, right;

	if (j - i <= SEARCH_LEAF_RANGES) {
		emit_part(g, r + i, j - i);
		return;
	}
	left = asm_label(&g->a);
	right = asm_label(&g->a);
	asm_jump(&g->a, BPF_JGE, (uint32_t)r[m].lo, right, left);
	asm_place(&g->a, left);
	emit_halves(g, r, i, m);
	asm_place(&g->a, right);
	emit_halves(g, r, m, j);
}

/*
 * Plans the search with the hot syscalls tested by jeq before it, their
 * numbers free for the neighbours; the only plan for programs with more
 * ranges than the tables take (then the search is split in halves).
 */
static int plan_prefix(struct gen *g, struct layout *l)
{
	int d, cost, err = build_ranges(g, l, 1);

	if (err)
		return err;
	l->nprefix = count_hot(g->p);
	l->hot = (unsigned int)l->nprefix;
	if (l->nranges <= SEARCH_MAX_RANGES) {
		l->tree = search_new(l->ranges, l->nranges, g->a.nlabels);
		if (!l->tree)
			return -ENOMEM;
		d = search_min_depth(l->tree);
		if (d >= 0) {
			cost = search_fill(l->tree, (unsigned int)d,
					   (unsigned int)d);
			l->worst = (unsigned int)(l->nprefix + (size_t)d);
			l->sum = (unsigned int)(cost / SEARCH_PER_JUMP +
						l->nprefix * l->nranges);
			l->insns = (unsigned int)(l->nprefix +
						  cost % SEARCH_PER_JUMP);
			return 0;
		}
		search_free(l->tree);
		l->tree = NULL;
	}
	l->worst = (unsigned int)l->nprefix + balanced_depth(l->nranges);
	l->sum = l->worst * (unsigned int)l->nranges;
	l->insns = (unsigned int)(l->nprefix + l->nranges - 1);
	return 0;
}

/*
 * Plans the search with the hot syscalls inside the tree, @extra jumps
 * deeper than the smallest depth of any tree, and the hot ranges as
 * shallow as that allows. Returns -E2BIG when the tables cannot take
 * the ranges.
 */
static int plan_tree(struct gen *g, struct layout *l, unsigned int extra)
{
	int min, err = build_ranges(g, l, 0), cost = SEARCH_INF;
	unsigned int d, h;

	if (err)
		return err;
	if (l->nranges > SEARCH_MAX_RANGES)
		return -E2BIG;
	l->tree = search_new(l->ranges, l->nranges, g->a.nlabels);
	if (!l->tree)
		return -ENOMEM;
	min = search_min_depth(l->tree);
	if (min < 0 || (unsigned int)min + extra > SEARCH_MAX_DEPTH)
		return -E2BIG;
	d = (unsigned int)min + extra;
	for (h = 0; h <= d && cost >= SEARCH_INF; h++)
		cost = search_fill(l->tree, d, h);
	l->worst = d;
	l->hot = h - 1;
	l->sum = (unsigned int)(cost / SEARCH_PER_JUMP);
	l->insns = (unsigned int)(cost % SEARCH_PER_JUMP);
	return 0;
}

static void layout_free(struct layout *l)
{
	search_free(l->tree);
	free(l->ranges);
	memset(l, 0, sizeof(*l));
}

/* A hot syscall reached within this many jumps of the search is on time. */
#define HOT_GOAL 2

/*
 * Orders layouts: those that reach every hot syscall within HOT_GOAL
 * jumps first; then the shorter worst path, the fewer jumps summed over
 * the ranges, the shorter hot path and the fewer instructions.
 */
static int layout_better(const struct layout *x, const struct layout *y)
{
	if ((x->hot <= HOT_GOAL) != (y->hot <= HOT_GOAL))
		return x->hot <= HOT_GOAL;
	if (x->worst != y->worst)
		return x->worst < y->worst;
	if (x->sum != y->sum)
		return x->sum < y->sum;
	if (x->hot != y->hot)
		return x->hot < y->hot;
	return x->insns < y->insns;
}

/*
 * Picks the layout of the search into @best: the hot syscalls tested
 * before it, or inside a tree of the smallest depth or one more.
 */
static int plan(struct gen *g, struct layout *best)
{
	struct layout cand = { 0 };
	unsigned int extra;
	int err = plan_prefix(g, best);

	for (extra = 0; !err && g->p->nhot && extra < 2; extra++) {
		err = plan_tree(g, &cand, extra);
		if (!err && layout_better(&cand, best)) {
			layout_free(best);
			*best = cand;
			memset(&cand, 0, sizeof(cand));
		}
		layout_free(&cand);
		if (err == -E2BIG)
			err = 0;
	}
	return err;
}

static void emit_layout(struct gen *g, const struct layout *l)
{
	if (l->nprefix)
		emit_prefix(g);
	if (l->nranges == 1)
		asm_ja(&g->a, l->ranges[0].label);
	else if (l->tree)
		emit_search(g, l->tree, l->tree->depth, 0, l->nranges);
	else
		emit_halves(g, l->ranges, 0, l->nranges);
}

static int block_ret(void *ctx, uint32_t action)
{
	struct gen *g = ctx;

	if (g->local_rets)
		return pool_label(g, &g->block_rets, action);
	return ret_label(g, action);
}

static void emit_blocks(struct gen *g)
{
	const struct policy *p = g->p;
	const struct args_rets rets = { block_ret, g };
	const struct sys_entry *s;
	size_t i;

	for (i = 0; i < g->nsys; i++) {
		s = &g->sys[i];
		if (!s->has_args)
			continue;
		asm_place(&g->a, s->label);
		args_emit_block(&g->a, p->arch, &p->rules[s->first], s->n,
				p->default_action, &rets);
		if (g->local_rets)
			emit_pool(g, &g->block_rets);
	}
}

/*
 * Generates the program. With g->local_rets the search's returns follow
 * the search and each argument block has its own, so that no return is
 * far from its jumps; else one pool of returns ends the program.
 */
static int generate(struct gen *g, struct sock_filter **insns, size_t *len)
{
	struct layout l = { 0 };
	int err;

	err = group_rules(g);
	if (!err)
		err = plan(g, &l);
	if (err)
		goto free_layout;

	emit_arch_check(g);
	emit_layout(g, &l);
	/* Everything jumps forward, so a pool follows the last jump to it. */
	if (g->local_rets)
		emit_pool(g, &g->rets);
	emit_blocks(g);
	emit_pool(g, &g->rets);
	err = g->err ? g->err : g->a.err;
	if (!err)
		err = asm_link(&g->a, insns, len);
free_layout:
	layout_free(&l);
	return err;
}

static int generate_once(const struct policy *p, int local_rets,
			 struct sock_filter **insns, size_t *len)
{
	struct gen g = { .p = p, .local_rets = local_rets };
	int err;

	asm_init(&g.a);
	err = generate(&g, insns, len);
	free(g.rets.slots);
	free(g.block_rets.slots);
	free(g.sys);
	asm_free(&g.a);
	return err;
}

/*
 * One pool of returns at the end is shortest while no jump to it is
 * longer than a jump can reach; past that, the program with returns
 * near their jumps may need fewer trampolines. The shorter one wins.
 */
static int generate_best(const struct policy *p, struct sock_filter **insns,
			 size_t *len)
{
	struct sock_filter *other = NULL;
	size_t n = 0;
	int err = generate_once(p, 0, insns, len);

	if (err || *len <= 256)
		return err;
	err = generate_once(p, 1, &other, &n);
	if (err) {
		free(*insns);
		*insns = NULL;
		return err;
	}
	if (n < *len) {
		free(*insns);
		*insns = other;
		*len = n;
		return 0;
	}
	free(other);
	return 0;
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
	size_t n = 0;
	int err;

	err = check_policy(p, diag);
	if (err)
		return err;

	err = generate_best(p, &prog, &n);
	if (!err && n > BPF_MAXINSNS) {
		free(prog);
		err = -E2BIG;
	}
	if (err) {
		report(p, err, n, diag);
		return err;
	}
	*insns = prog;
	*len = n;
	return 0;
}
