// SPDX-License-Identifier: MIT
/*
 * The planner of the syscall number search: builds the ranges of numbers
 * with one outcome, finds the best trees over them by dynamic programming
 * and chooses between the hot syscalls tested before the search or placed
 * shallow inside it. compile.c emits the layout chosen here.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "filter/search.h"

/* A range label for hot numbers the search never sees (tested before). */
#define LABEL_ANY (-2)

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
#define SEARCH_MAX_DEPTH 16
#define SEARCH_INF (INT_MAX / 4)
/* Costs weigh each jump to a range above any number of instructions. */
#define SEARCH_PER_JUMP 4096

/* A hot syscall reached within this many jumps of the search is on time. */
#define HOT_GOAL 2

static int is_hot(const struct search_input *in, int nr)
{
	size_t i;

	for (i = 0; i < in->nhot; i++)
		if (in->hot[i] == nr)
			return 1;
	return 0;
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

static void mark_hot(const struct search_input *in, struct nr_range *r,
		     size_t n)
{
	size_t i, k;

	for (i = 0; i < in->nhot; i++)
		for (k = 0; k < n; k++)
			if ((uint64_t)in->hot[i] >= r[k].lo &&
			    (uint64_t)in->hot[i] < r[k].hi)
				r[k].hot = 1;
}

/*
 * The ranges of syscall numbers the search tells apart. With @any_hot
 * the hot syscalls are tested before the search, so their numbers may
 * go to whichever neighbour saves a range.
 */
static int build_ranges(const struct search_input *in, struct search_layout *l,
			int any_hot)
{
	uint64_t nr, pos = 0;
	struct nr_range *r;
	size_t i, n = 0;
	int label;

	/* At most: a gap before each syscall, the syscall, two tails. */
	r = calloc(2 * in->nsys + 2, sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (i = 0; i < in->nsys; i++) {
		nr = (uint64_t)in->sys[i].nr;
		if (nr > pos)
			add_range(r, &n, pos, nr, in->def);
		label = in->sys[i].label;
		if (any_hot && is_hot(in, in->sys[i].nr))
			label = LABEL_ANY;
		add_range(r, &n, nr, nr + 1, label);
		pos = nr + 1;
	}
	if (pos < in->limit)
		add_range(r, &n, pos, in->limit, in->def);
	if (in->limit < NR_SPACE)
		add_range(r, &n, in->limit, NR_SPACE, in->x32);
	if (any_hot)
		absorb_any(r, &n);
	else
		mark_hot(in, r, n);
	l->ranges = r;
	l->nranges = n;
	return 0;
}

static int seen_before(const int *hot, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (hot[j] == hot[i])
			return 1;
	return 0;
}

/* The hot syscalls, each once, in the order the policy lists them. */
static int list_prefix(const struct search_input *in, struct search_layout *l)
{
	size_t i;

	l->prefix = calloc(in->nhot ? in->nhot : 1, sizeof(*l->prefix));
	if (!l->prefix)
		return -ENOMEM;
	for (i = 0; i < in->nhot; i++)
		if (!seen_before(in->hot, i))
			l->prefix[l->nprefix++] = in->hot[i];
	return 0;
}

static unsigned int balanced_depth(size_t n)
{
	unsigned int d = 0;

	while (((size_t)1 << d) < n)
		d++;
	return d;
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

static struct search_chain chain_of(const struct chain_count *c, int len)
{
	struct search_chain ch = { -1, -1, 0 };

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
	const struct search_chain *ch = search_chain(s, i, j);
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
		how = SEARCH_HOW_CHAIN;
	}
	for (m = i + 1; m < j; m++) {
		c = 1 + (int)(j - i) * SEARCH_PER_JUMP +
		    s->cost[search_idx(s, b - 1, i, m)] +
		    s->cost[search_idx(s, b - 1, m, j)];
		if (c <= best) {
			best = c;
			how = (int)m;
		}
	}
store:
	s->cost[search_idx(s, b, i, j)] = best < SEARCH_INF ? best : SEARCH_INF;
	s->how[search_idx(s, b, i, j)] = how;
}

/* The instructions of the whole tree for the depths of the tables. */
static int search_cost(const struct search *s)
{
	return s->cost[search_idx(s, s->depth, 0, s->n)];
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
	return search_cost(s);
}

void search_free(struct search *s)
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
 * The smallest depth any tree needs, with the tables left filled for
 * it; -1 when none fits the tables. With @b jumps a tree tells apart at
 * most 2b + 1 ranges as one chain, or twice what @b - 1 jumps tell
 * apart after a split: the search starts there.
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

int search_smallest(const struct nr_range *r, size_t n, size_t nlabels,
		    struct search **s)
{
	*s = search_new(r, n, nlabels);
	if (!*s)
		return -ENOMEM;
	if (search_min_depth(*s) < 0) {
		search_free(*s);
		*s = NULL;
		return -E2BIG;
	}
	return 0;
}

/*
 * Plans the search with the hot syscalls tested by jeq before it, their
 * numbers free for the neighbours; the only plan for programs with more
 * ranges than the tables take (then the search is split in halves).
 */
static int plan_prefix(const struct search_input *in, struct search_layout *l)
{
	int cost, err = build_ranges(in, l, 1);

	if (!err)
		err = list_prefix(in, l);
	if (err)
		return err;
	l->hot = (unsigned int)l->nprefix;
	if (l->nranges <= SEARCH_MAX_RANGES) {
		err = search_smallest(l->ranges, l->nranges, in->nlabels,
				      &l->tree);
		if (err == -ENOMEM)
			return err;
	}
	if (l->tree) {
		cost = search_cost(l->tree);
		l->worst = (unsigned int)(l->nprefix + l->tree->depth);
		l->sum = (unsigned int)(cost / SEARCH_PER_JUMP +
					l->nprefix * l->nranges);
		l->insns = (unsigned int)(l->nprefix + cost % SEARCH_PER_JUMP);
		return 0;
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
static int plan_tree(const struct search_input *in, struct search_layout *l,
		     unsigned int extra)
{
	int err = build_ranges(in, l, 0), cost = SEARCH_INF;
	unsigned int d, h;

	if (err)
		return err;
	if (l->nranges > SEARCH_MAX_RANGES)
		return -E2BIG;
	err = search_smallest(l->ranges, l->nranges, in->nlabels, &l->tree);
	if (err)
		return err;
	d = l->tree->depth + extra;
	if (d > SEARCH_MAX_DEPTH)
		return -E2BIG;
	for (h = 0; h <= d && cost >= SEARCH_INF; h++)
		cost = search_fill(l->tree, d, h);
	l->worst = d;
	l->hot = h - 1;
	l->sum = (unsigned int)(cost / SEARCH_PER_JUMP);
	l->insns = (unsigned int)(cost % SEARCH_PER_JUMP);
	return 0;
}

void search_layout_free(struct search_layout *l)
{
	search_free(l->tree);
	free(l->ranges);
	free(l->prefix);
	memset(l, 0, sizeof(*l));
}

/*
 * Orders layouts: those that reach every hot syscall within HOT_GOAL
 * jumps first; then the shorter worst path, the fewer jumps summed over
 * the ranges, the shorter hot path and the fewer instructions.
 */
static int layout_better(const struct search_layout *x,
			 const struct search_layout *y)
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

int search_plan(const struct search_input *in, struct search_layout *best)
{
	struct search_layout cand = { 0 };
	unsigned int extra;
	int err = plan_prefix(in, best);

	for (extra = 0; !err && in->nhot && extra < 2; extra++) {
		err = plan_tree(in, &cand, extra);
		if (!err && layout_better(&cand, best)) {
			search_layout_free(best);
			*best = cand;
			memset(&cand, 0, sizeof(cand));
		}
		search_layout_free(&cand);
		if (err == -E2BIG)
			err = 0;
	}
	return err;
}
