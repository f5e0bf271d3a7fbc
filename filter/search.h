/* SPDX-License-Identifier: MIT */
/*
 * The planner of the syscall number search in husk's seccomp programs:
 * the ranges of numbers a program tells apart and the tree of jge splits
 * and jeq chains that does it in the fewest jumps. compile.c emits the
 * plan; nothing here writes an instruction.
 */
#ifndef HUSK_FILTER_SEARCH_H
#define HUSK_FILTER_SEARCH_H

#include <stddef.h>
#include <stdint.h>

/* seccomp_data.nr is 32 bits wide: numbers are 0 to NR_SPACE - 1. */
#define NR_SPACE (UINT64_C(1) << 32)

/* Longer searches are split in halves down to parts of this many. */
#define SEARCH_LEAF_RANGES 64

/* search_how() of a segment searched by one chain of jeqs. */
#define SEARCH_HOW_CHAIN (-1)

/* Syscall numbers [lo, hi) all lead to @label. */
struct nr_range {
	uint64_t lo;
	uint64_t hi;
	int label;
	int hot; /* it holds a hot syscall */
};

/* A syscall number with rules and the label it leads to. */
struct search_sys {
	int nr;
	int label;
};

/* Where every syscall number leads: what the planner starts from. */
struct search_input {
	const struct search_sys *sys; /* sorted by number */
	size_t nsys;
	int def; /* the label of numbers below @limit without rules */
	uint64_t limit; /* the x32 bit, or NR_SPACE without x32 */
	int x32; /* the label of [limit, NR_SPACE) when limit < NR_SPACE */
	const int *hot; /* the policy's hot syscalls, repeats allowed */
	size_t nhot;
	size_t nlabels; /* every label above is below this */
};

/* What a chain over one segment tests. */
struct search_chain {
	int k; /* jeqs; -1 when the segment cannot be a chain */
	int bg; /* the background label */
	int hot; /* jumps to the deepest hot range, 0 if none */
};

/*
 * The tables of the best trees over ranges r[0, n), for every segment
 * [i, j) and every budget of b jumps. Filled for one depth at a time.
 */
struct search {
	const struct nr_range *r;
	size_t n;
	struct search_chain *chains; /* [i * (n + 1) + j] */
	int *cost; /* [search_idx()]: instructions or SEARCH_INF */
	/* [search_idx()]: 0 one range, SEARCH_HOW_CHAIN, or split m */
	int *how;
	unsigned int depth; /* the depth the tables were filled for */
	unsigned int hot_depth; /* deepest a hot range may be */
};

/* One layout of the number search, with what it costs. */
struct search_layout {
	struct nr_range *ranges;
	size_t nranges;
	int *prefix; /* hot syscalls tested by jeq before the search */
	size_t nprefix;
	struct search *tree; /* NULL: halves of SEARCH_LEAF_RANGES at most */
	unsigned int worst; /* jumps on the longest path to a return */
	unsigned int hot; /* jumps on the longest path of a hot syscall */
	unsigned int sum; /* jumps to each range, summed over the ranges */
	unsigned int insns; /* instructions of the prefix and the search */
};

static inline size_t search_idx(const struct search *s, unsigned int b,
				size_t i, size_t j)
{
	return ((size_t)b * s->n + i) * (s->n + 1) + j;
}

/* How the tables search segment [i, j) within @b jumps. */
static inline int search_how(const struct search *s, unsigned int b, size_t i,
			     size_t j)
{
	return s->how[search_idx(s, b, i, j)];
}

static inline const struct search_chain *search_chain(const struct search *s,
						      size_t i, size_t j)
{
	return &s->chains[i * (s->n + 1) + j];
}

/*
 * Picks the layout of the search into @best: the hot syscalls tested
 * before it, or inside a tree of the smallest depth or one more. Free
 * @best with search_layout_free(), also after an error.
 *
 * Returns 0 or -ENOMEM.
 */
int search_plan(const struct search_input *in, struct search_layout *best);

void search_layout_free(struct search_layout *l);

/*
 * Fills *@s with new tables for the best tree of the smallest depth over
 * ranges r[0, n), n >= 2, whose labels are below @nlabels; that depth is
 * (*@s)->depth. Free them with search_free().
 *
 * Returns 0, -E2BIG when no tree fits the tables, or -ENOMEM.
 */
int search_smallest(const struct nr_range *r, size_t n, size_t nlabels,
		    struct search **s);

void search_free(struct search *s);

#endif
