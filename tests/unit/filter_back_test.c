// SPDX-License-Identifier: MIT
/*
 * Unit tests of the filter compiler's back end: every compiled program is
 * run in the simulator over every syscall number and over arguments at
 * the edges of every comparison, and compared with the reference
 * evaluator; plus the kernel's action cache rules, trampolines, the size
 * limit, the disassembler and the output writers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/args.h"
#include "filter/compile.h"
#include "filter/emit.h"
#ifdef HUSK_HAVE_FILTER_FRONT
#include "filter/parse.h"
#endif
#include "filter/sim.h"
#include "tests/unit/filter_back.h"

#define ALL64 UINT64_MAX
#define KVM_RUN_NR 0xae80u

static const uint32_t defaults[] = {
	SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | 38,
	SECCOMP_RET_TRAP | 1,	  SECCOMP_RET_LOG,
};
#define NDEFAULTS (sizeof(defaults) / sizeof(defaults[0]))

struct prog {
	struct sock_filter *insns;
	size_t len;
};

static struct prog compile_ok(const struct policy *p)
{
	struct diag d = { 0 };
	struct prog pr = { 0 };
	size_t bad = 0;
	int err;

	err = filter_compile(p, &pr.insns, &pr.len, &d);
	ck_assert_msg(err == 0, "%s: compile failed (%d): %s", p->path, err,
		      d.text ? d.text : "");
	ck_assert_msg(filter_sim_check(pr.insns, pr.len, &bad) == 0,
		      "%s on %s: instruction %zu is invalid", p->path,
		      p->arch->name, bad);
	diag_free(&d);
	return pr;
}

static uint32_t sim(const struct prog *pr, const struct seccomp_data *sd,
		    size_t *steps)
{
	uint32_t action = 0;
	size_t n = 0;
	int err = filter_sim_run(pr->insns, pr->len, sd, &action, &n);

	ck_assert_msg(err == 0, "simulation failed at instruction %zu", n);
	if (steps)
		*steps = n;
	return action;
}

/* When set, mismatches are counted here instead of failing the test. */
static size_t *mismatches;

static void expect_same(const struct policy *p, const struct prog *pr,
			const struct seccomp_data *sd)
{
	uint32_t got = sim(pr, sd, NULL), want = ref_eval(p, sd);

	if (mismatches) {
		*mismatches += got != want;
		return;
	}
	ck_assert_msg(got == want,
		      "%s on %s: nr 0x%x arch 0x%x args %llx %llx %llx %llx "
		      "%llx %llx: program 0x%08x, policy 0x%08x",
		      p->path, p->arch->name, (unsigned int)sd->nr, sd->arch,
		      (unsigned long long)sd->args[0],
		      (unsigned long long)sd->args[1],
		      (unsigned long long)sd->args[2],
		      (unsigned long long)sd->args[3],
		      (unsigned long long)sd->args[4],
		      (unsigned long long)sd->args[5], got, want);
}

static struct seccomp_data data(const struct policy *p, uint32_t nr)
{
	struct seccomp_data sd;

	memset(&sd, 0, sizeof(sd));
	sd.nr = (int)nr;
	sd.arch = p->arch->audit_arch;
	return sd;
}

/* Candidate values of one argument: the edges of every comparison. */
struct pool {
	uint64_t v[160];
	size_t n;
};

static void pool_add(struct pool *pl, uint64_t v)
{
	size_t i;

	for (i = 0; i < pl->n; i++)
		if (pl->v[i] == v)
			return;
	if (pl->n < sizeof(pl->v) / sizeof(pl->v[0]))
		pl->v[pl->n++] = v;
}

static void pool_add_edges(struct pool *pl, uint64_t v, uint64_t mask)
{
	pool_add(pl, v - 1);
	pool_add(pl, v);
	pool_add(pl, v + 1);
	pool_add(pl, v ^ (UINT64_C(1) << 32));
	pool_add(pl, v & 0xffffffffu);
	pool_add(pl, v | UINT64_C(0xffffffff00000000));
	pool_add(pl, v ^ ~mask);
	pool_add(pl, v ^ mask);
	pool_add(pl, v & mask);
	pool_add(pl, (v & mask) | (~mask & UINT64_C(0x0123456789abcdef)));
}

static void pool_add_cmp(struct pool *pl, const struct policy_cmp *c)
{
	uint64_t v = c->width == 32 ? c->value & 0xffffffffu : c->value;

	pool_add_edges(pl, v, c->mask);
	pool_add_edges(pl, v & c->mask, c->mask);
	if (c->width == 32)
		pool_add_edges(pl, v | UINT64_C(0xabcd000000000000), c->mask);
}

/* A value that satisfies @c when nothing else interferes. */
static uint64_t satisfying(const struct policy_cmp *c)
{
	switch (c->op) {
	case CMP_NE:
	case CMP_GT:
		return c->value + 1;
	case CMP_LT:
		return c->value - 1;
	default:
		return c->value;
	}
}

static uint64_t next_random(uint64_t *state)
{
	*state = *state * UINT64_C(6364136223846793005) +
		 UINT64_C(1442695040888963407);
	return *state >> 11;
}

static void fill_pools(const struct policy *p, int nr, struct pool *pools)
{
	const struct policy_rule *r;
	size_t i, c, m, a;

	for (a = 0; a < 6; a++) {
		pools[a].n = 0;
		pool_add(&pools[a], 0);
		pool_add(&pools[a], ALL64);
		pool_add(&pools[a], UINT64_C(1) << 32);
	}
	for (i = 0; i < p->nrules; i++) {
		r = &p->rules[i];
		if (r->nr != nr)
			continue;
		for (c = 0; c < r->nclauses; c++)
			for (m = 0; m < r->clauses[c].ncmps; m++)
				pool_add_cmp(&pools[r->clauses[c].cmps[m].arg],
					     &r->clauses[c].cmps[m]);
	}
}

/* Varies one argument at a time around @base. */
static void vary_each_arg(const struct policy *p, const struct prog *pr,
			  struct seccomp_data sd, const struct pool *pools)
{
	struct seccomp_data t;
	size_t a, i;

	for (a = 0; a < 6; a++) {
		for (i = 0; i < pools[a].n; i++) {
			t = sd;
			t.args[a] = pools[a].v[i];
			expect_same(p, pr, &t);
		}
	}
}

/* Checks syscall @nr with arguments around every comparison's edges. */
static void sweep_args(const struct policy *p, const struct prog *pr, int nr,
		       unsigned int nrandom)
{
	struct seccomp_data sd = data(p, (uint32_t)nr), base;
	const struct policy_clause *cl;
	struct pool pools[6];
	uint64_t seed = (uint64_t)nr * 7919 + 1;
	size_t i, c, m, a;
	unsigned int k;

	fill_pools(p, nr, pools);
	vary_each_arg(p, pr, sd, pools);

	/* From a state that satisfies each clause, break one edge at a time. */
	for (i = 0; i < p->nrules; i++) {
		if (p->rules[i].nr != nr)
			continue;
		for (c = 0; c < p->rules[i].nclauses; c++) {
			cl = &p->rules[i].clauses[c];
			base = sd;
			for (m = 0; m < cl->ncmps; m++)
				base.args[cl->cmps[m].arg] =
					satisfying(&cl->cmps[m]);
			expect_same(p, pr, &base);
			vary_each_arg(p, pr, base, pools);
		}
	}

	for (k = 0; k < nrandom; k++) {
		for (a = 0; a < 6; a++)
			sd.args[a] =
				pools[a].v[next_random(&seed) % pools[a].n];
		expect_same(p, pr, &sd);
	}
}

static int has_rules(const struct policy *p, int nr)
{
	size_t i;

	for (i = 0; i < p->nrules; i++)
		if (p->rules[i].nr == nr)
			return 1;
	return 0;
}

static void sweep_numbers(const struct policy *p, const struct prog *pr)
{
	static const uint32_t odd[] = { 0x7fffffff, 0x80000000, 0xffffffff,
					0xfffffffe, 0x3fffffff, 0x40000000 };
	struct seccomp_data sd;
	int nr, max = test_max_nr(p->arch);
	size_t i;

	for (nr = 0; nr <= max + 64; nr++) {
		sd = data(p, (uint32_t)nr);
		expect_same(p, pr, &sd);
		sd.nr = (int)((uint32_t)nr | 0x40000000u);
		expect_same(p, pr, &sd);
		sd.args[1] = KVM_RUN_NR;
		expect_same(p, pr, &sd);

		/* A foreign architecture is always killed. */
		sd = data(p, (uint32_t)nr);
		sd.arch = 0x40000003; /* AUDIT_ARCH_I386 */
		ck_assert_uint_eq(sim(pr, &sd, NULL), SECCOMP_RET_KILL_PROCESS);
	}
	for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		sd = data(p, odd[i]);
		expect_same(p, pr, &sd);
	}
}

static void sweep(const struct policy *p, const struct prog *pr,
		  unsigned int nrandom)
{
	int nr, max = test_max_nr(p->arch);

	sweep_numbers(p, pr);
	for (nr = 0; nr <= max; nr++)
		if (has_rules(p, nr))
			sweep_args(p, pr, nr, nrandom);
}

static void add_close_rules(struct pb *b, int close)
{
	size_t r;

	r = pb_rule(b, close, SECCOMP_RET_ERRNO | 21);
	pb_cmp(b, r, pb_clause(b, r), 0, CMP_GT, 64, ALL64,
	       UINT64_C(0x100000005));
	r = pb_rule(b, close, SECCOMP_RET_ERRNO | 22);
	pb_cmp(b, r, pb_clause(b, r), 0, CMP_GE, 32, ALL64, 0xffffffff);
	r = pb_rule(b, close, SECCOMP_RET_ERRNO | 23);
	pb_clause(b, r);
	pb_cmp(b, r, 0, 1, CMP_LT, 64, ALL64, UINT64_C(0x200000000));
	pb_cmp(b, r, 0, 1, CMP_GE, 64, ALL64, UINT64_C(0x1fffffff0));
	r = pb_rule(b, close, SECCOMP_RET_ERRNO | 24);
	pb_clause(b, r);
	pb_cmp(b, r, 0, 2, CMP_LE, 64, ALL64, UINT64_C(0xfffffffe00000001));
	pb_cmp(b, r, 0, 2, CMP_NE, 64, ALL64, 0);
	pb_cmp(b, r, 0, 3, CMP_GT, 32, ALL64, 7);
	r = pb_rule(b, close, SECCOMP_RET_ERRNO | 25);
	pb_clause(b, r);
	pb_cmp(b, r, 0, 4, CMP_NE, 64, ALL64, UINT64_C(0x8000000000000000));
	pb_cmp(b, r, 0, 4, CMP_EQ, 64, UINT64_C(0xffff00000000),
	       UINT64_C(0x123400000000));
	r = pb_rule(b, close, SECCOMP_RET_ERRNO | 26);
	pb_clause(b, r);
	pb_cmp(b, r, 0, 5, CMP_EQ, 64, UINT64_C(0xffffffff00000000), 0);
	pb_cmp(b, r, 0, 5, CMP_LE, 32, ALL64, 3);
	/* Masks that clear a whole word make it a constant zero. */
	r = pb_rule(b, close, SECCOMP_RET_LOG);
	pb_cmp(b, r, pb_clause(b, r), 3, CMP_GT, 64, 0, 5);
	pb_cmp(b, r, pb_clause(b, r), 3, CMP_LT, 64, 0xffffffff, 0x10);
	pb_cmp(b, r, 1, 3, CMP_GE, 64, UINT64_C(0xffffffff00000000),
	       UINT64_C(0x700000000));
	pb_cmp(b, r, pb_clause(b, r), 0, CMP_LT, 64, 0xff, 0x1000000ff);
}

static void add_ioctl_rules(struct pb *b, int ioctl)
{
	size_t r, c;

	r = pb_rule(b, ioctl, SECCOMP_RET_ALLOW);
	pb_cmp(b, r, pb_clause(b, r), 1, CMP_EQ, 32, ALL64, KVM_RUN_NR);
	r = pb_rule(b, ioctl, SECCOMP_RET_ERRNO | 1);
	c = pb_clause(b, r);
	pb_cmp(b, r, c, 1, CMP_EQ, 32, ALL64, 0x5401);
	pb_cmp(b, r, c, 0, CMP_LT, 64, ALL64, 100);
	pb_cmp(b, r, pb_clause(b, r), 2, CMP_EQ, 64, 0xff00, 0x1200);
	r = pb_rule(b, ioctl, SECCOMP_RET_TRAP | 7);
	pb_cmp(b, r, pb_clause(b, r), 1, CMP_EQ, 64, ALL64,
	       UINT64_C(0x10000ae80));
}

/* A policy that uses every kind of rule the language can express. */
static void mixed_policy(struct pb *b, const struct filter_arch *a,
			 uint32_t def)
{
	size_t r;

	pb_init(b, a, "mixed.policy", def);
	pb_rule(b, test_nr(a, "read"), SECCOMP_RET_ALLOW);
	pb_rule(b, test_nr(a, "write"), SECCOMP_RET_ALLOW);
	pb_rule(b, test_nr(a, "exit_group"), SECCOMP_RET_ALLOW);
	pb_rule(b, test_nr(a, "getpid"), SECCOMP_RET_ALLOW);
	pb_rule(b, test_nr(a, "mmap"), SECCOMP_RET_ERRNO | 12);
	add_ioctl_rules(b, test_nr(a, "ioctl"));
	r = pb_rule(b, test_nr(a, "openat"), SECCOMP_RET_ALLOW);
	pb_cmp(b, r, pb_clause(b, r), 2, CMP_EQ, 64, 3, 0);
	/* The same word under another mask must be loaded again. */
	pb_cmp(b, r, pb_clause(b, r), 2, CMP_EQ, 32, ALL64, 0x241);
	pb_cmp(b, r, pb_clause(b, r), 2, CMP_EQ, 32, 0xff, 0x42);
	pb_rule(b, test_nr(a, "openat"), SECCOMP_RET_ERRNO | 13);
	r = pb_rule(b, test_nr(a, "mprotect"), SECCOMP_RET_TRAP | 2);
	pb_cmp(b, r, pb_clause(b, r), 2, CMP_NE, 64, 4, 0);
	pb_rule(b, test_nr(a, "mprotect"), SECCOMP_RET_ALLOW);
	/* This one is never reached: the rule before is unconditional. */
	pb_rule(b, test_nr(a, "mprotect"), SECCOMP_RET_KILL_THREAD);
	add_close_rules(b, test_nr(a, "close"));
	/* A clause without comparisons always holds. */
	r = pb_rule(b, test_nr(a, "lseek"), SECCOMP_RET_ERRNO | 29);
	pb_clause(b, r);
	pb_rule(b, test_max_nr(a), SECCOMP_RET_ALLOW);
	pb_hot(b, test_nr(a, "ioctl"));
	pb_hot(b, test_nr(a, "read"));
	pb_hot(b, test_nr(a, "ioctl"));
	pb_hot(b, test_nr(a, "mmap"));
	pb_finish(b);
}

START_TEST(test_sweep_mixed)
{
	const struct filter_arch *a = test_arch((size_t)_i / NDEFAULTS);
	struct pb b;
	struct prog pr;

	mixed_policy(&b, a, defaults[_i % NDEFAULTS]);
	pr = compile_ok(&b.p);
	sweep(&b.p, &pr, 3000);
	free(pr.insns);
	pb_free(&b);
}
END_TEST

START_TEST(test_sweep_empty)
{
	const struct filter_arch *a = test_arch((size_t)_i / NDEFAULTS);
	struct pb b;
	struct prog pr;

	pb_init(&b, a, "empty.policy", defaults[_i % NDEFAULTS]);
	pb_finish(&b);
	pr = compile_ok(&b.p);
	sweep(&b.p, &pr, 0);
	free(pr.insns);
	pb_free(&b);
}
END_TEST

START_TEST(test_hot_kvm_run)
{
	const struct filter_arch *a = test_arch(0);
	struct seccomp_data sd;
	struct pb b;
	struct prog pr;
	size_t steps;

	mixed_policy(&b, a, SECCOMP_RET_KILL_PROCESS);
	pr = compile_ok(&b.p);
	/*
	 * Three hot syscalls: ioctl's search path is never longer than a
	 * jeq per hot syscall before the search would make it (3 jumps).
	 */
	sd = data(&b.p, (uint32_t)test_nr(a, "ioctl"));
	sd.args[0] = 5;
	sd.args[1] = KVM_RUN_NR;
	ck_assert_uint_eq(sim(&pr, &sd, &steps), SECCOMP_RET_ALLOW);
	ck_assert_uint_le(steps, 9);
	sd.args[1] = UINT64_C(0xffffffff00000000) | KVM_RUN_NR;
	ck_assert_uint_eq(sim(&pr, &sd, &steps), SECCOMP_RET_ALLOW);
	ck_assert_uint_le(steps, 9);
	free(pr.insns);
	pb_free(&b);
}
END_TEST

static int has_arg_rules(const struct policy *p, int nr)
{
	size_t i;

	for (i = 0; i < p->nrules; i++)
		if (p->rules[i].nr == nr)
			return p->rules[i].nclauses > 0;
	return 0;
}

START_TEST(test_cache)
{
	const struct filter_arch *a = test_arch((size_t)_i / NDEFAULTS);
	struct seccomp_data sd;
	int nr, want, got, cached = 0;
	struct pb b;
	struct prog pr;

	mixed_policy(&b, a, defaults[_i % NDEFAULTS]);
	pr = compile_ok(&b.p);
	for (nr = 0; nr <= test_max_nr(a); nr++) {
		sd = data(&b.p, (uint32_t)nr);
		want = !has_arg_rules(&b.p, nr) &&
		       ref_eval(&b.p, &sd) == SECCOMP_RET_ALLOW;
		got = filter_cache_const_allow(pr.insns, pr.len, a->audit_arch,
					       nr);
		ck_assert_msg(got == want, "%s: nr %d cached %d, want %d",
			      a->name, nr, got, want);
		cached += got;
	}
	ck_assert_int_gt(cached, 0);
	free(pr.insns);
	pb_free(&b);
}
END_TEST

/* The cache emulation itself, on hand-written programs. */
START_TEST(test_cache_rules)
{
	struct sock_filter allow_nr3[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xff),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 3, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_filter loads_ip[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 8),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_filter uses_x[] = {
		BPF_STMT(BPF_LDX | BPF_IMM, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_filter jumps[] = {
		BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	ck_assert(filter_cache_const_allow(allow_nr3, 5, 0, 3));
	ck_assert(filter_cache_const_allow(allow_nr3, 5, 0, 0x103));
	ck_assert(!filter_cache_const_allow(allow_nr3, 5, 0, 4));
	ck_assert(!filter_cache_const_allow(loads_ip, 2, 0, 0));
	ck_assert(!filter_cache_const_allow(uses_x, 2, 0, 0));
	ck_assert(filter_cache_const_allow(jumps, 3, 0, 0));
	ck_assert(!filter_cache_const_allow(jumps, 1, 0, 0));
}
END_TEST

static size_t count_ja(const struct prog *pr)
{
	size_t i, n = 0;

	for (i = 0; i < pr->len; i++)
		n += pr->insns[i].code == (BPF_JMP | BPF_JA);
	return n;
}

void long_policy(struct pb *b, const struct filter_arch *a, const char *path,
		 unsigned int ncmps)
{
	int nr, max = test_max_nr(a);
	unsigned int i;
	size_t r, c;

	pb_init(b, a, path, SECCOMP_RET_ERRNO | 38);
	for (nr = 0; nr <= max; nr++) {
		if (nr % 3 == 1) {
			pb_rule(b, nr, SECCOMP_RET_ALLOW);
			continue;
		}
		if (nr % 3 == 2)
			continue;
		r = pb_rule(b, nr, SECCOMP_RET_ALLOW);
		c = pb_clause(b, r);
		for (i = 0; i < ncmps; i++)
			pb_cmp(b, r, c, i, CMP_EQ, 64, ALL64,
			       (uint64_t)nr * UINT64_C(0x100000001) + i);
		r = pb_rule(b, nr, SECCOMP_RET_ERRNO | (uint32_t)(nr + 1));
		pb_cmp(b, r, pb_clause(b, r), 5, CMP_GT, 32, ALL64, 5);
	}
	pb_hot(b, max);
	pb_finish(b);
}

START_TEST(test_trampolines)
{
	const struct filter_arch *a = test_arch((size_t)_i);
	struct pb b;
	struct prog pr;

	long_policy(&b, a, "long.policy", 1);
	pr = compile_ok(&b.p);
	ck_assert_uint_gt(pr.len, 3 * 256);
	ck_assert_uint_gt(count_ja(&pr), 0);
	sweep(&b.p, &pr, 200);
	free(pr.insns);
	pb_free(&b);
}
END_TEST

START_TEST(test_too_big)
{
	struct sock_filter *insns = NULL;
	struct diag d = { 0 };
	struct pb b;
	size_t len = 0;

	long_policy(&b, test_arch(0), "huge.policy", 6);
	ck_assert_int_eq(filter_compile(&b.p, &insns, &len, &d), -E2BIG);
	ck_assert_ptr_null(insns);
	ck_assert_uint_eq(d.nerrors, 1);
	ck_assert_msg(strstr(d.text, "huge.policy") && strstr(d.text, "4096"),
		      "%s", d.text);
	diag_free(&d);
	pb_free(&b);
}
END_TEST

START_TEST(test_malformed)
{
	struct sock_filter *insns = NULL;
	struct diag d = { 0 };
	struct pb b;
	size_t r, len = 0;

	pb_init(&b, test_arch(1), "bad.policy", SECCOMP_RET_KILL_PROCESS);
	pb_rule(&b, 3, SECCOMP_RET_ALLOW);
	r = pb_rule(&b, 4, SECCOMP_RET_ALLOW);
	pb_cmp(&b, r, pb_clause(&b, r), 6, CMP_EQ, 64, ALL64, 1);
	ck_assert_int_eq(filter_compile(&b.p, &insns, &len, &d), -EINVAL);
	ck_assert_ptr_nonnull(strstr(d.text, "bad.policy:2:1: "));
	diag_free(&d);
	pb_free(&b);
}
END_TEST

/* Five rules: the shape every husk filter has, small enough to read. */
static void small_policy(struct pb *b)
{
	const struct filter_arch *a = test_arch(0);
	size_t r;

	pb_init(b, a, "small.policy", SECCOMP_RET_KILL_PROCESS);
	pb_rule(b, test_nr(a, "read"), SECCOMP_RET_ALLOW);
	pb_rule(b, test_nr(a, "write"), SECCOMP_RET_ALLOW);
	r = pb_rule(b, test_nr(a, "ioctl"), SECCOMP_RET_ALLOW);
	pb_cmp(b, r, pb_clause(b, r), 1, CMP_EQ, 32, ALL64, KVM_RUN_NR);
	pb_rule(b, test_nr(a, "ioctl"), SECCOMP_RET_ERRNO | 25);
	pb_rule(b, test_nr(a, "exit_group"), SECCOMP_RET_ALLOW);
	pb_hot(b, test_nr(a, "ioctl"));
	pb_finish(b);
}

static const char small_dump[] = "   0: ld [arch]\n"
				 "   1: jeq #0xc000003e, 2, 8\n"
				 "   2: ld [nr]\n"
				 "   3: jeq #16, 6, 4\n"
				 "   4: jge #2, 5, 9\n"
				 "   5: jeq #231, 9, 8\n"
				 "   6: ld [args[1] lo]\n"
				 "   7: jeq #0xae80, 9, 10\n"
				 "   8: ret KILL_PROCESS\n"
				 "   9: ret ALLOW\n"
				 "  10: ret ERRNO(25)\n";

static char *dump_text(const struct prog *pr)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(filter_dump(f, pr->insns, pr->len), 0);
	fclose(f);
	return text;
}

START_TEST(test_dump)
{
	struct pb b;
	struct prog pr;
	char *text;

	small_policy(&b);
	pr = compile_ok(&b.p);
	text = dump_text(&pr);
	ck_assert_str_eq(text, small_dump);
	free(text);
	free(pr.insns);
	pb_free(&b);
}
END_TEST

START_TEST(test_dump_foreign)
{
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
		BPF_STMT(BPF_ST, 3),
		BPF_STMT(BPF_LDX | BPF_MEM, 3),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 7),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 60),
		BPF_STMT(BPF_RET | BPF_A, 0),
		{ 0xffff, 1, 2, 3 },
	};
	static const char want[] = "   0: ld #len\n"
				   "   1: st M[3]\n"
				   "   2: ldx M[3]\n"
				   "   3: add x\n"
				   "   4: tax\n"
				   "   5: jset x, 6, 13 (outside)\n"
				   "   6: ld [args[5] hi]\n"
				   "   7: ret a\n"
				   "   8: .insn 0xffff, 1, 2, 0x3\n";
	struct prog pr = { prog, 9 };
	char *text = dump_text(&pr);

	ck_assert_str_eq(text, want);
	free(text);
}
END_TEST

START_TEST(test_emit)
{
	struct filter_emit_c_opts opts = { "vcpu", "small.policy", 1 };
	struct sock_filter *back;
	char *text = NULL, line[64];
	size_t size = 0;
	struct prog pr;
	struct pb b;
	FILE *f;

	small_policy(&b);
	pr = compile_ok(&b.p);

	f = open_memstream(&text, &size);
	ck_assert_int_eq(filter_emit_bin(f, pr.insns, pr.len), 0);
	fclose(f);
	ck_assert_uint_eq(size, 8 * pr.len);
	back = (struct sock_filter *)text;
	ck_assert_int_eq(memcmp(back, pr.insns, size), 0);
	free(text);

	f = open_memstream(&text, &size);
	ck_assert_int_eq(filter_emit_c(f, b.p.arch, pr.insns, pr.len, &opts),
			 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "Generated by husk-filter"));
	ck_assert_ptr_nonnull(strstr(text, "seccomp filter for x86_64,\n"
					   " * from small.policy."));
	ck_assert_ptr_nonnull(strstr(text, "const struct sock_filter "
					   "husk_filter_vcpu["));
	snprintf(line, sizeof(line), "husk_filter_vcpu_len = %zu;", pr.len);
	ck_assert_ptr_nonnull(strstr(text, line));
	ck_assert_ptr_nonnull(strstr(text, "/*    0: ld [arch] */"));
	ck_assert_ptr_nonnull(strstr(text, "[16] = \"ioctl\","));
	ck_assert_ptr_nonnull(strstr(text, "husk_filter_audit_arch = "
					   "0xc000003e"));
	free(text);

	opts.names = 0;
	opts.name = "not an identifier";
	f = open_memstream(&text, &size);
	ck_assert_int_eq(filter_emit_c(f, b.p.arch, pr.insns, pr.len, &opts),
			 -EINVAL);
	fclose(f);
	free(text);
	free(pr.insns);
	pb_free(&b);
}
END_TEST

/* Numbers a vCPU-like policy allows besides ioctl (x86_64 names). */
static const int vcpu_nrs[] = {
	0, // read
	1, // write
	3, // close
	7, // poll
	9, // mmap
	11, // munmap
	14, // rt_sigprocmask
	15, // rt_sigreturn
	20, // writev
	24, // sched_yield
	28, // madvise
	35, // nanosleep
	39, // getpid
	60, // exit
	61, // wait4
	96, // gettimeofday
	128, // rt_sigtimedwait
	186, // gettid
	219, // restart_syscall
	228, // clock_gettime
	230, // clock_nanosleep
	231, // exit_group
	234, // tgkill
};

/*
 * A vCPU thread's policy: many ioctls, the hot one behind a costlier
 * rule with the same action, about twenty syscalls, one hot.
 */
static void vcpu_policy(struct pb *b, const struct filter_arch *a, uint32_t def)
{
	static const uint32_t ioctls[] = { 0xae80,     0x8090ae81, 0x4090ae82,
					   0x8138ae83, 0x4138ae84, 0xc008ae88,
					   0x4008ae61 };
	int ioctl = test_nr(a, "ioctl");
	size_t r, c, i;

	pb_init(b, a, "vcpu.policy", def);
	r = pb_rule(b, ioctl, SECCOMP_RET_ALLOW);
	c = pb_clause(b, r);
	pb_cmp(b, r, c, 0, CMP_EQ, 32, ALL64, 0);
	pb_cmp(b, r, c, 1, CMP_EQ, 32, ALL64, 0x5404);
	r = pb_rule(b, ioctl, SECCOMP_RET_ALLOW);
	for (i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++)
		pb_cmp(b, r, pb_clause(b, r), 1, CMP_EQ, 32, ALL64, ioctls[i]);
	for (i = 0; i < sizeof(vcpu_nrs) / sizeof(vcpu_nrs[0]); i++)
		if (vcpu_nrs[i] != ioctl)
			pb_rule(b, vcpu_nrs[i], SECCOMP_RET_ALLOW);
	r = pb_rule(b, 202 == ioctl ? 203 : 202, SECCOMP_RET_ALLOW);
	pb_cmp(b, r, pb_clause(b, r), 1, CMP_EQ, 32, 0x7f, 0);
	pb_cmp(b, r, pb_clause(b, r), 1, CMP_EQ, 32, 0x7f, 1);
	pb_hot(b, ioctl);
	pb_finish(b);
}

/* KVM_RUN within 8 instructions, though a costlier rule comes first. */
START_TEST(test_hot_one)
{
	const struct filter_arch *a = test_arch((size_t)_i / NDEFAULTS);
	struct seccomp_data sd;
	struct pb b;
	struct prog pr;
	size_t steps;

	vcpu_policy(&b, a, defaults[_i % NDEFAULTS]);
	pr = compile_ok(&b.p);
	sweep(&b.p, &pr, 500);
	sd = data(&b.p, (uint32_t)test_nr(a, "ioctl"));
	sd.args[1] = KVM_RUN_NR;
	ck_assert_uint_eq(sim(&pr, &sd, &steps), SECCOMP_RET_ALLOW);
	ck_assert_msg(steps <= 8, "%s: KVM_RUN takes %zu instructions", a->name,
		      steps);
	free(pr.insns);
	pb_free(&b);
}
END_TEST

/*
 * Rules whose alternatives overlap, so that any reordering across a
 * different action changes a result the sweep sees; and blocks whose
 * result does not depend on the arguments at all.
 */
static void reorder_policy(struct pb *b, const struct filter_arch *a,
			   uint32_t def)
{
	int ioctl = test_nr(a, "ioctl"), rd = test_nr(a, "read");
	int wr = test_nr(a, "write");
	size_t r, c;

	pb_init(b, a, "reorder.policy", def);
	r = pb_rule(b, ioctl, SECCOMP_RET_ALLOW);
	c = pb_clause(b, r);
	pb_cmp(b, r, c, 0, CMP_EQ, 64, ALL64, 0);
	pb_cmp(b, r, c, 1, CMP_EQ, 32, ALL64, 0x5404);
	r = pb_rule(b, ioctl, SECCOMP_RET_ALLOW);
	pb_cmp(b, r, pb_clause(b, r), 1, CMP_EQ, 32, ALL64, KVM_RUN_NR);
	r = pb_rule(b, ioctl, SECCOMP_RET_ERRNO | 1);
	pb_cmp(b, r, pb_clause(b, r), 1, CMP_EQ, 32, ALL64, 0x5404);
	r = pb_rule(b, ioctl, SECCOMP_RET_ALLOW);
	c = pb_clause(b, r);
	pb_cmp(b, r, c, 2, CMP_GT, 64, ALL64, 7);
	pb_cmp(b, r, c, 3, CMP_EQ, 64, ALL64, 1);
	c = pb_clause(b, r);
	pb_cmp(b, r, c, 1, CMP_EQ, 32, ALL64, 0x5404);
	pb_cmp(b, r, c, 2, CMP_EQ, 64, ALL64, 0);
	pb_cmp(b, r, pb_clause(b, r), 1, CMP_LT, 32, ALL64, 0x10);
	r = pb_rule(b, ioctl, SECCOMP_RET_TRAP | 3);
	pb_cmp(b, r, pb_clause(b, r), 4, CMP_EQ, 64, ALL64, 9);
	pb_cmp(b, r, pb_clause(b, r), 1, CMP_GE, 32, ALL64, 0x4000);
	/* Every alternative gives the fallback's action: no block at all. */
	r = pb_rule(b, rd, SECCOMP_RET_ALLOW);
	pb_cmp(b, r, pb_clause(b, r), 0, CMP_EQ, 64, ALL64, 1);
	pb_rule(b, rd, SECCOMP_RET_ALLOW);
	/* The last alternatives give the fallback's action: dropped. */
	r = pb_rule(b, wr, SECCOMP_RET_ERRNO | 5);
	pb_cmp(b, r, pb_clause(b, r), 0, CMP_EQ, 64, ALL64, 1);
	r = pb_rule(b, wr, SECCOMP_RET_LOG);
	pb_cmp(b, r, pb_clause(b, r), 1, CMP_EQ, 64, ALL64, 2);
	pb_rule(b, wr, SECCOMP_RET_LOG);
	pb_hot(b, ioctl);
	pb_finish(b);
}

START_TEST(test_reorder)
{
	const struct filter_arch *a = test_arch((size_t)_i / NDEFAULTS);
	struct seccomp_data sd;
	struct pb b;
	struct prog pr;
	size_t steps;

	reorder_policy(&b, a, defaults[_i % NDEFAULTS]);
	pr = compile_ok(&b.p);
	sweep(&b.p, &pr, 3000);

	/* The cheaper clause of the first two rules is tested first. */
	sd = data(&b.p, (uint32_t)test_nr(a, "ioctl"));
	sd.args[1] = KVM_RUN_NR;
	ck_assert_uint_eq(sim(&pr, &sd, &steps), SECCOMP_RET_ALLOW);
	ck_assert_uint_le(steps, 8);

	/* read's block collapsed, so the action cache proves it allowed. */
	ck_assert(filter_cache_const_allow(pr.insns, pr.len, a->audit_arch,
					   test_nr(a, "read")));
	ck_assert(!filter_cache_const_allow(pr.insns, pr.len, a->audit_arch,
					    test_nr(a, "write")));
	free(pr.insns);
	pb_free(&b);
}
END_TEST

/*
 * A hot syscall's number is free in the search: 14, 15 and 17 are
 * allowed, 16 is hot with an argument rule, so the search sees one range
 * [14, 18) when 16 is tested before it.
 */
static const char merge_dump[] = "   0: ld [arch]\n"
				 "   1: jeq #0xc000003e, 2, 9\n"
				 "   2: ld [nr]\n"
				 "   3: jeq #16, 7, 4\n"
				 "   4: jge #18, 6, 5\n"
				 "   5: jge #14, 10, 9\n"
				 "   6: jeq #231, 10, 9\n"
				 "   7: ld [args[1] lo]\n"
				 "   8: jeq #5, 10, 9\n"
				 "   9: ret KILL_PROCESS\n"
				 "  10: ret ALLOW\n";

static void merge_policy(struct pb *b, const struct filter_arch *a)
{
	size_t r;

	pb_init(b, a, "merge.policy", SECCOMP_RET_KILL_PROCESS);
	pb_rule(b, 14, SECCOMP_RET_ALLOW);
	pb_rule(b, 15, SECCOMP_RET_ALLOW);
	r = pb_rule(b, 16, SECCOMP_RET_ALLOW);
	pb_cmp(b, r, pb_clause(b, r), 1, CMP_EQ, 32, ALL64, 5);
	pb_rule(b, 17, SECCOMP_RET_ALLOW);
	pb_rule(b, 231, SECCOMP_RET_ALLOW);
	pb_hot(b, 16);
	pb_finish(b);
}

static char *dump_text(const struct prog *pr);

START_TEST(test_merge)
{
	struct pb b;
	struct prog pr;
	char *text;

	merge_policy(&b, test_arch(0));
	pr = compile_ok(&b.p);
	sweep(&b.p, &pr, 100);
	text = dump_text(&pr);
	ck_assert_str_eq(text, merge_dump);
	free(text);
	free(pr.insns);
	pb_free(&b);
}
END_TEST

/* What the search must tell apart about @nr, as the policy says. */
static int64_t nr_key(const struct policy *p, uint32_t nr)
{
	struct seccomp_data sd = data(p, nr);

	if (has_arg_rules(p, (int)nr))
		return (int64_t)nr + (INT64_C(1) << 33);
	return ref_eval(p, &sd);
}

/* Runs of numbers with the same key, over the whole 32-bit space. */
static size_t count_runs(const struct policy *p)
{
	uint32_t nr, max = (uint32_t)test_max_nr(p->arch) + 1;
	size_t runs = 1;

	for (nr = 1; nr <= max; nr++)
		runs += nr_key(p, nr) != nr_key(p, nr - 1);
	if (p->arch->x32_bit)
		runs += nr_key(p, p->arch->x32_bit) != nr_key(p, max);
	return runs;
}

static size_t count_distinct_hot(const struct policy *p)
{
	size_t i, j, n = 0;

	for (i = 0; i < p->nhot; i++) {
		for (j = 0; j < i && p->hot[j] != p->hot[i]; j++)
			;
		n += j == i;
	}
	return n;
}

/*
 * No syscall's search is longer than a balanced tree over the runs of
 * equal results, after one jeq per hot syscall: the layout before hot
 * numbers were freed and chains were used. In a program too long for
 * every jump to reach, each level of the tree may add a trampoline.
 */
static void check_depth(const struct policy *p, const struct prog *pr)
{
	size_t runs = count_runs(p), steps, depth = 0;
	size_t bound, max = (size_t)test_max_nr(p->arch) + 64;
	struct seccomp_data sd;
	uint32_t nr;

	while (((size_t)1 << depth) < runs)
		depth++;
	bound = 3 + depth + count_distinct_hot(p) + 1;
	if (pr->len > 256)
		bound += depth;
	for (nr = 0; nr <= max; nr++) {
		if (has_rules(p, (int)nr) && has_arg_rules(p, (int)nr))
			continue;
		sd = data(p, nr);
		sim(pr, &sd, &steps);
		ck_assert_msg(steps <= bound,
			      "%s on %s: nr %u takes %zu instructions, "
			      "more than %zu",
			      p->path, p->arch->name, nr, steps, bound);
	}
}

START_TEST(test_search_depth)
{
	const struct filter_arch *a = test_arch((size_t)_i);
	struct pb b;
	struct prog pr;
	size_t k;

	for (k = 0; k < 4; k++) {
		if (k == 0)
			mixed_policy(&b, a, SECCOMP_RET_ERRNO | 38);
		else if (k == 1)
			vcpu_policy(&b, a, SECCOMP_RET_TRAP | 1);
		else if (k == 2)
			reorder_policy(&b, a, SECCOMP_RET_ALLOW);
		else
			long_policy(&b, a, "long.policy", 1);
		pr = compile_ok(&b.p);
		check_depth(&b.p, &pr);
		free(pr.insns);
		pb_free(&b);
	}
}
END_TEST

/* The index of the first instruction @code with @k, or the length. */
static size_t find_insn(const struct prog *pr, uint16_t code, uint32_t k)
{
	size_t i;

	for (i = 0; i < pr->len; i++)
		if (pr->insns[i].code == code && pr->insns[i].k == k)
			break;
	return i;
}

/* Broken programs must make the sweep fail. */
START_TEST(test_sweep_catches)
{
	const struct filter_arch *a = test_arch((size_t)_i);
	size_t count = 0, at;
	struct pb b;
	struct prog pr;

	reorder_policy(&b, a, SECCOMP_RET_KILL_PROCESS);
	pr = compile_ok(&b.p);

	/* An argument compare that tests the wrong value. */
	at = find_insn(&pr, BPF_JMP | BPF_JEQ | BPF_K, 0x5404);
	ck_assert_uint_lt(at, pr.len);
	pr.insns[at].k = 0x5405;
	mismatches = &count;
	sweep(&b.p, &pr, 200);
	mismatches = NULL;
	ck_assert_uint_gt(count, 0);
	pr.insns[at].k = 0x5404;

	/* A search that sends write where read goes. */
	at = find_insn(&pr, BPF_JMP | BPF_JEQ | BPF_K,
		       (uint32_t)test_nr(a, "write"));
	if (at == pr.len)
		at = find_insn(&pr, BPF_JMP | BPF_JGE | BPF_K,
			       (uint32_t)test_nr(a, "write"));
	ck_assert_uint_lt(at, pr.len);
	pr.insns[at].k++;
	count = 0;
	mismatches = &count;
	sweep(&b.p, &pr, 0);
	mismatches = NULL;
	ck_assert_uint_gt(count, 0);
	free(pr.insns);
	pb_free(&b);
}
END_TEST

/*
 * 64-bit equalities on one argument: those with the same high word share
 * its test, whatever else the rules hold.
 */
static void wide_policy(struct pb *b, const struct filter_arch *a, uint32_t def)
{
	static const uint64_t allowed[] = {
		1,	   2, UINT64_C(0x100000004), 3, UINT64_C(0x100000005),
		0xfffffffe
	};
	int nr = test_nr(a, "openat");
	size_t r, c, i;

	pb_init(b, a, "wide.policy", def);
	r = pb_rule(b, nr, SECCOMP_RET_ALLOW);
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		pb_cmp(b, r, pb_clause(b, r), 0, CMP_EQ, 64, ALL64, allowed[i]);
	c = pb_clause(b, r);
	pb_cmp(b, r, c, 0, CMP_EQ, 64, ALL64, 7);
	pb_cmp(b, r, c, 1, CMP_EQ, 32, ALL64, 7);
	r = pb_rule(b, nr, SECCOMP_RET_ERRNO | 2);
	pb_cmp(b, r, pb_clause(b, r), 0, CMP_EQ, 64, ALL64, 8);
	pb_cmp(b, r, pb_clause(b, r), 0, CMP_EQ, 64,
	       UINT64_C(0xff000000ffffffff), UINT64_C(0x0100000000000009));
	r = pb_rule(b, nr, SECCOMP_RET_ALLOW);
	pb_cmp(b, r, pb_clause(b, r), 0, CMP_EQ, 64, ALL64, 10);
	pb_cmp(b, r, pb_clause(b, r), 0, CMP_EQ, 64, ALL64, 11);
	pb_finish(b);
}

static size_t count_loads(const struct prog *pr, uint32_t off)
{
	size_t i, n = 0;

	for (i = 0; i < pr->len; i++)
		n += pr->insns[i].code == (BPF_LD | BPF_W | BPF_ABS) &&
		     pr->insns[i].k == off;
	return n;
}

START_TEST(test_shared_high)
{
	const struct filter_arch *a = test_arch((size_t)_i / NDEFAULTS);
	struct pb b;
	struct prog pr;

	wide_policy(&b, a, defaults[_i % NDEFAULTS]);
	pr = compile_ok(&b.p);
	sweep(&b.p, &pr, 2000);

	/*
	 * The first rule's six equalities have two high words: two loads;
	 * the clause with two comparisons one more; the second rule's masks
	 * differ: two; the third rule's two share one, unless they give the
	 * default action and are left out.
	 */
	ck_assert_uint_eq(count_loads(&pr, args_word_offset(a, 0, 1)),
			  b.p.default_action == SECCOMP_RET_ALLOW ? 5 : 6);
	free(pr.insns);
	pb_free(&b);
}
END_TEST

/*
 * Alternatives of one action that share a comparison: (C && X) ||
 * (C && Y) tests C once; an alternative that is C alone makes the others
 * of its group redundant.
 */
static void shared_policy(struct pb *b, const struct filter_arch *a,
			  uint32_t def)
{
	int ioctl = test_nr(a, "ioctl");
	size_t r, c;

	pb_init(b, a, "shared.policy", def);
	r = pb_rule(b, ioctl, SECCOMP_RET_ALLOW);
	c = pb_clause(b, r);
	pb_cmp(b, r, c, 0, CMP_EQ, 32, ALL64, 0);
	pb_cmp(b, r, c, 1, CMP_EQ, 32, ALL64, 0x5404);
	c = pb_clause(b, r);
	pb_cmp(b, r, c, 1, CMP_EQ, 32, ALL64, 0x5401);
	pb_cmp(b, r, c, 0, CMP_EQ, 32, ALL64, 0);
	c = pb_clause(b, r);
	pb_cmp(b, r, c, 2, CMP_EQ, 64, ALL64, 3);
	pb_cmp(b, r, c, 0, CMP_EQ, 32, ALL64, 0);
	pb_cmp(b, r, c, 3, CMP_LT, 64, ALL64, 9);
	r = pb_rule(b, ioctl, SECCOMP_RET_ERRNO | 1);
	pb_cmp(b, r, pb_clause(b, r), 1, CMP_EQ, 32, ALL64, 0x5401);
	r = pb_rule(b, ioctl, SECCOMP_RET_ALLOW);
	c = pb_clause(b, r);
	pb_cmp(b, r, c, 0, CMP_EQ, 32, ALL64, 0);
	pb_cmp(b, r, c, 4, CMP_EQ, 64, ALL64, 1);
	pb_cmp(b, r, pb_clause(b, r), 0, CMP_EQ, 32, ALL64, 0);
	pb_finish(b);
}

START_TEST(test_shared_cmp)
{
	const struct filter_arch *a = test_arch((size_t)_i / NDEFAULTS);
	uint32_t def = defaults[_i % NDEFAULTS];
	struct pb b;
	struct prog pr;

	shared_policy(&b, a, def);
	pr = compile_ok(&b.p);
	sweep(&b.p, &pr, 2000);

	/* One load of arg0 per group; the last goes if the default allows. */
	ck_assert_uint_eq(count_loads(&pr, args_word_offset(a, 0, 0)),
			  def == SECCOMP_RET_ALLOW ? 1 : 2);
	free(pr.insns);
	pb_free(&b);
}
END_TEST

#ifdef HUSK_HAVE_FILTER_FRONT
/* Policy text through the real parser, on every architecture. */
static const char text_policy[] =
	"default errno 38\n"
	"hot ioctl read\n"
	"read\n"
	"write\n"
	"exit_group\n"
	"ioctl: (u32)arg1 == KVM_RUN\n"
	"ioctl: (u32)arg1 == 0x5401 && arg0 < 100 ||\n"
	"\t(arg2 & 0xff00) == 0x1200 -> errno 1\n"
	"ioctl -> trap\n"
	"close: arg0 > 0x100000005 -> errno 21\n"
	"close: (u32)arg0 >= 0xffffffff || arg1 <= 7 && arg1 != 3 -> log\n"
	"mprotect: (arg2 & PROT_EXEC) != 0 -> trap\n"
	"mprotect\n"
	"lseek: arg1 >= 0x100000000 && (u32)arg2 == 2 -> kill\n"
	"lseek: (u32)(arg2 & 0xf0) == 0x30 -> errno 45\n"
	"lseek\n";

static void parse_text(const char *name, const char *text,
		       const struct filter_arch *a, struct policy *pol)
{
	struct diag d = { 0 };
	int err = policy_parse_string(name, NULL, text, a, pol, &d);

	ck_assert_msg(err == 0 && !d.nerrors, "%s on %s: %s", name, a->name,
		      d.text ? d.text : "");
	diag_free(&d);
}

START_TEST(test_text_sweep)
{
	const struct filter_arch *a = test_arch((size_t)_i);
	struct policy pol = { 0 };
	struct seccomp_data sd;
	struct prog pr;
	size_t steps;

	parse_text("text.policy", text_policy, a, &pol);
	pr = compile_ok(&pol);
	sweep(&pol, &pr, 2000);

	/* Two hot syscalls: KVM_RUN within 8 instructions. */
	sd = data(&pol, (uint32_t)test_nr(a, "ioctl"));
	sd.args[1] = KVM_RUN_NR;
	ck_assert_uint_eq(sim(&pr, &sd, &steps), SECCOMP_RET_ALLOW);
	ck_assert_uint_le(steps, 8);
	free(pr.insns);
	policy_free(&pol);
}
END_TEST

START_TEST(test_text_too_big)
{
	struct sock_filter *insns = NULL;
	struct policy pol = { 0 };
	struct diag d = { 0 };
	size_t len = 0, n = 0, i;
	char *text = NULL;
	FILE *f = open_memstream(&text, &n);

	ck_assert_ptr_nonnull(f);
	for (i = 0; i < 700; i++)
		fprintf(f, "ioctl: arg1 == %zu && arg2 == %zu -> errno 1\n",
			i + 0x100000000, i);
	fclose(f);
	parse_text("big.policy", text, test_arch(0), &pol);
	ck_assert_int_eq(filter_compile(&pol, &insns, &len, &d), -E2BIG);
	ck_assert_msg(d.text && strstr(d.text, "big.policy") &&
			      strstr(d.text, "4096"),
		      "%s", d.text ? d.text : "");
	diag_free(&d);
	policy_free(&pol);
	free(text);
}
END_TEST
#endif

static Suite *filter_back_suite(void)
{
	Suite *s = suite_create("filter_back");
	TCase *tc = tcase_create("sim");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_sweep_mixed, 0, 3 * NDEFAULTS);
	tcase_add_loop_test(tc, test_sweep_empty, 0, 3 * NDEFAULTS);
	tcase_add_test(tc, test_hot_kvm_run);
	tcase_add_loop_test(tc, test_cache, 0, 3 * NDEFAULTS);
	tcase_add_test(tc, test_cache_rules);
	tcase_add_loop_test(tc, test_trampolines, 0, 3);
	tcase_add_test(tc, test_too_big);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_dump);
	tcase_add_test(tc, test_dump_foreign);
	tcase_add_test(tc, test_emit);
	tcase_add_loop_test(tc, test_hot_one, 0, 3 * NDEFAULTS);
	tcase_add_loop_test(tc, test_reorder, 0, 3 * NDEFAULTS);
	tcase_add_test(tc, test_merge);
	tcase_add_loop_test(tc, test_search_depth, 0, 3);
	tcase_add_loop_test(tc, test_sweep_catches, 0, 3);
	tcase_add_loop_test(tc, test_shared_high, 0, 3 * NDEFAULTS);
	tcase_add_loop_test(tc, test_shared_cmp, 0, 3 * NDEFAULTS);
#ifdef HUSK_HAVE_FILTER_FRONT
	tcase_add_loop_test(tc, test_text_sweep, 0, 3);
	tcase_add_test(tc, test_text_too_big);
#endif
	suite_add_tcase(s, tc);
	suite_add_tcase(s, live_tcase());
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(filter_back_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
