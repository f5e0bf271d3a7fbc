// SPDX-License-Identifier: MIT
/*
 * husk's seccomp code generator: the arch check, the search over syscall
 * number ranges (with the hot syscalls placed first) and the pool of
 * return instructions. The search is planned in search.c, argument blocks
 * are generated in args.c, layout and trampolines in asm.c.
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>

#include "filter/args.h"
#include "filter/asm.h"
#include "filter/compile.h"
#include "filter/search.h"

/* The rules of one syscall number. */
struct sys_entry {
	int nr;
	size_t first; /* index of its first rule in the policy */
	size_t n;
	int has_args; /* its result depends on the arguments */
	int label; /* where its argument block starts */
	uint32_t action; /* its action when it does not */
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

/* Hot syscalls tested one by one before the search. */
static void emit_prefix(struct gen *g, const struct search_layout *l)
{
	size_t i;
	int next;

	for (i = 0; i < l->nprefix; i++) {
		next = asm_label(&g->a);
		asm_jump(&g->a, BPF_JEQ, (uint32_t)l->prefix[i],
			 nr_target(g, l->prefix[i]), next);
		asm_place(&g->a, next);
	}
}

static void emit_chain(struct gen *g, const struct search *s, size_t i,
		       size_t j)
{
	const struct search_chain *ch = search_chain(s, i, j);
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
	int how = search_how(s, b, i, j), left, right;
	size_t m = (size_t)how;

	if (j - i == 1)
		return;
	if (how == SEARCH_HOW_CHAIN) {
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
	struct search *s;
	int err = search_smallest(r, n, g->a.nlabels, &s);

	if (err) {
		g->err = err;
		return;
	}
	emit_search(g, s, s->depth, 0, n);
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
 * Plans the search into @l from the label each syscall number leads to.
 * The shared returns are placed in the order their labels are asked
 * for: the default action's, then by number, then the x32 action's.
 */
static int plan(struct gen *g, struct search_layout *l)
{
	const struct policy *p = g->p;
	struct search_input in = { .nsys = g->nsys,
				   .limit = nr_limit(p),
				   .hot = p->hot,
				   .nhot = p->nhot };
	struct search_sys *sys;
	size_t i;
	int err;

	sys = calloc(g->nsys ? g->nsys : 1, sizeof(*sys));
	if (!sys)
		return -ENOMEM;
	in.def = ret_label(g, p->default_action);
	for (i = 0; i < g->nsys; i++) {
		sys[i].nr = g->sys[i].nr;
		sys[i].label = sys_target(g, &g->sys[i]);
	}
	if (p->arch->x32_bit)
		in.x32 = ret_label(g, filter_x32_action(p));
	in.sys = sys;
	in.nlabels = g->a.nlabels;

	err = g->err ? g->err : search_plan(&in, l);
	free(sys);
	return err;
}

static void emit_layout(struct gen *g, const struct search_layout *l)
{
	emit_prefix(g, l);
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
	struct search_layout l = { 0 };
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
	search_layout_free(&l);
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
