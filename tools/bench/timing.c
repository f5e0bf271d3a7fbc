// SPDX-License-Identifier: MIT
/*
 * The in-kernel half of the filter section: picks cheap syscalls every
 * program allows, times them under no filter, an allow-all filter, husk's
 * program and libseccomp's, interleaved round by round, and prints medians
 * and ratios.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include <linux/kvm.h>

#include "filter/sim.h"
#include "tools/bench/filter_bench.h"

#define MAX_CALLS 3
#define NVARIANTS (2 + NPROGS)
#define MAX_ROUNDS 99

/*
 * Three kinds of call: the vCPU's hot ioctl; a cheap call without
 * arguments (the first allowed), which the kernel's cache may prove
 * allowed; and the file-descriptor call deepest in libseccomp's tree.
 */
enum call_kind {
	CALL_HOT,
	CALL_CHEAP,
	CALL_DEEP
};

static const struct {
	enum call_kind kind;
	struct bench_call call;
} candidates[] = {
	{ CALL_HOT, { "ioctl(-1, KVM_RUN)", SYS_ioctl, { -1UL, KVM_RUN } } },
	{ CALL_CHEAP, { "getppid()", SYS_getppid, { 0 } } },
	{ CALL_CHEAP, { "getpid()", SYS_getpid, { 0 } } },
	{ CALL_CHEAP, { "gettid()", SYS_gettid, { 0 } } },
	{ CALL_CHEAP, { "getuid()", SYS_getuid, { 0 } } },
	{ CALL_DEEP, { "read(-1, NULL, 0)", SYS_read, { -1UL } } },
	{ CALL_DEEP, { "write(-1, NULL, 0)", SYS_write, { -1UL } } },
	{ CALL_DEEP, { "close(-1)", SYS_close, { -1UL } } },
	{ CALL_DEEP, { "fstat(-1, NULL)", SYS_fstat, { -1UL } } },
	{ CALL_DEEP, { "lseek(-1, 0, 0)", SYS_lseek, { -1UL } } },
	{ CALL_DEEP, { "fcntl(-1, F_GETFD)", SYS_fcntl, { -1UL, 1 } } },
};

#define NCANDIDATES (sizeof(candidates) / sizeof(candidates[0]))

/* print_row() reads husk at v[2] and the tree at v[3]. */
_Static_assert(PROG_HUSK == 0 && PROG_LSC_TREE == 1, "variant order");

static const struct sock_filter allow_all[] = {
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

static bool harmless(uint32_t action)
{
	uint32_t a = action & SECCOMP_RET_ACTION_FULL;

	return a == SECCOMP_RET_ALLOW || a == SECCOMP_RET_ERRNO ||
	       a == SECCOMP_RET_LOG;
}

/* Path length in the tree program when every program lets @c run. */
static int allowed_path(const struct bench_policy *bp,
			const struct bench_call *c)
{
	struct seccomp_data sd = { .nr = (int)c->nr };
	unsigned int depth = 0;
	uint32_t action;
	size_t steps;
	int k, i;

	sd.arch = bp->policy->arch->audit_arch;
	for (i = 0; i < 6; i++)
		sd.args[i] = c->args[i];
	for (k = 0; k < NPROGS; k++) {
		const struct bench_prog *pr = &bp->progs[k];

		if (pr->err)
			continue;
		if (filter_sim_run(pr->insns, pr->len, &sd, &action, &steps) ||
		    !harmless(action))
			return -1;
		if (k == PROG_LSC_TREE)
			depth = (unsigned int)steps;
	}
	return (int)depth;
}

static size_t pick_calls(const struct bench_policy *bp,
			 const struct bench_call **out)
{
	int depth, best_depth = -1;
	bool have_cheap = false;
	size_t i, n = 0, best = 0;

	for (i = 0; i < NCANDIDATES; i++) {
		depth = allowed_path(bp, &candidates[i].call);
		if (depth < 0)
			continue;
		switch (candidates[i].kind) {
		case CALL_HOT:
			out[n++] = &candidates[i].call;
			break;
		case CALL_CHEAP:
			if (!have_cheap)
				out[n++] = &candidates[i].call;
			have_cheap = true;
			break;
		case CALL_DEEP:
			if (depth > best_depth) {
				best_depth = depth;
				best = i;
			}
			break;
		}
	}
	if (best_depth >= 0)
		out[n++] = &candidates[best].call;
	return n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct variant {
	const char *name;
	const struct sock_filter *insns; /* NULL: no filter at all */
	size_t len;
	double ns[MAX_ROUNDS]; /* per round; negative when it failed */
	int err;
	bool skip; /* the program could not be built */
};

static unsigned int variants(const struct bench_policy *bp, struct variant *v)
{
	unsigned int n = 0;
	int k;

	memset(v, 0, sizeof(*v) * NVARIANTS);
	v[n++].name = "no filter";
	v[n].name = "allow-all";
	v[n].insns = allow_all;
	v[n++].len = 1;
	for (k = 0; k < NPROGS; k++) {
		v[n].name = bp->progs[k].name;
		v[n].insns = bp->progs[k].insns;
		v[n].skip = bp->progs[k].err != 0;
		v[n++].len = bp->progs[k].len;
	}
	return n;
}

/* A B C ... then ... C B A, so slow drift hits every variant alike. */
static void measure(struct variant *v, unsigned int nv,
		    const struct bench_call *c, const struct bench_opts *o)
{
	unsigned int r, i, j;
	double ns;
	int err;

	for (r = 0; r < o->rounds; r++) {
		for (j = 0; j < nv; j++) {
			i = r % 2 ? nv - 1 - j : j;
			if (v[i].skip)
				continue;
			err = bench_time_call(v[i].insns, v[i].len, c, o->iters,
					      &ns);
			v[i].ns[r] = err ? -1 : ns;
			if (err)
				v[i].err = err;
		}
	}
}

/*
 * The median over rounds of f(round), skipping rounds where a variant
 * failed; -1 when no round is left.
 */
static double median_of(const struct variant *v, unsigned int rounds,
			double (*f)(const struct variant *v, unsigned int r))
{
	double vals[MAX_ROUNDS];
	unsigned int r, n = 0;

	for (r = 0; r < rounds; r++)
		if (v[1].ns[r] >= 0 && v[2].ns[r] >= 0 && v[3].ns[r] >= 0)
			vals[n++] = f(v, r);
	return n ? median(vals, n) : -1;
}

/* v[1] is the allow-all baseline, v[2] husk, v[3] libseccomp's tree. */
static double husk_over_tree(const struct variant *v, unsigned int r)
{
	return v[2].ns[r] / v[3].ns[r];
}

static double husk_cost(const struct variant *v, unsigned int r)
{
	return v[2].ns[r] - v[1].ns[r];
}

static double tree_cost(const struct variant *v, unsigned int r)
{
	return v[3].ns[r] - v[1].ns[r];
}

static void print_cell(const struct variant *v, unsigned int rounds)
{
	double vals[MAX_ROUNDS];
	unsigned int r, n = 0;

	for (r = 0; r < rounds; r++)
		if (v->ns[r] >= 0)
			vals[n++] = v->ns[r];
	if (v->skip)
		printf(" not built |");
	else if (v->err)
		printf(" **FAILED: %s** |", strerror(-v->err));
	else
		printf(" %.1f |", median(vals, n));
}

/*
 * The ratios come from each round's own measurements, taken back to back,
 * so drift between rounds cancels. A filter cost is shown only when the
 * tree's is clear of the noise (at least 5 ns).
 */
static void print_row(const struct bench_call *c, struct variant *v,
		      unsigned int nv, unsigned int rounds)
{
	double ratio, hc, tc;
	unsigned int i;

	printf("| `%s` |", c->label);
	for (i = 0; i < nv; i++)
		print_cell(&v[i], rounds);
	ratio = median_of(v, rounds, husk_over_tree);
	hc = median_of(v, rounds, husk_cost);
	tc = median_of(v, rounds, tree_cost);
	if (ratio < 0) {
		printf(" n/a | n/a | n/a |\n");
		return;
	}
	printf(" %.2f | %.1f / %.1f |", ratio, hc, tc);
	if (tc >= 5.0)
		printf(" %.2f |\n", hc / tc);
	else
		printf(" below noise |\n");
}

void timing_report(const struct bench_policy *bp, const struct bench_opts *o)
{
	const struct bench_call *calls[MAX_CALLS];
	struct variant v[NVARIANTS];
	unsigned int nv, i;
	size_t nc, c;

	nv = variants(bp, v);
	nc = pick_calls(bp, calls);
	if (!nc) {
		printf("**No cheap syscall is allowed by every program: "
		       "nothing timed.**\n\n");
		return;
	}
	printf("Nanoseconds per call in the kernel, median of %u rounds of "
	       "%lu calls; in each round every variant runs once, back to "
	       "back (order reversed every other round). The *filter cost* "
	       "is a variant's time minus the allow-all filter's in the same "
	       "round; ratios are medians of per-round ratios.\n\n| call |",
	       o->rounds, o->iters);
	for (i = 0; i < nv; i++)
		printf(" %s |", v[i].name);
	printf(" husk/tree total | filter cost husk / tree | "
	       "husk/tree filter cost |\n|---|");
	for (i = 0; i < nv + 3; i++)
		printf("---:|");
	printf("\n");
	for (c = 0; c < nc; c++) {
		nv = variants(bp, v);
		measure(v, nv, calls[c], o);
		print_row(calls[c], v, nv, o->rounds);
	}
	printf("\n");
}
