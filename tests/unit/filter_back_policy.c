// SPDX-License-Identifier: MIT
/*
 * Hand-built policies and the architectures the filter tests run on:
 * the generated tables when the front end is linked in, otherwise small
 * stand-ins with the real audit values, x32 bit and a few real numbers.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/filter_back.h"

#ifdef HUSK_HAVE_FILTER_FRONT
static const struct filter_arch *arch_named(const char *name)
{
	return filter_arch_by_name(name);
}
#else
static const struct filter_syscall x86_64_syscalls[] = {
	{ "close", 3 },	    { "exit_group", 231 }, { "getpid", 39 },
	{ "ioctl", 16 },    { "lseek", 8 },	   { "mmap", 9 },
	{ "mprotect", 10 }, { "mseal", 462 },	   { "openat", 257 },
	{ "read", 0 },	    { "write", 1 },
};

/* aarch64 and riscv64 share the generic syscall numbers. */
static const struct filter_syscall generic_syscalls[] = {
	{ "close", 57 },     { "exit_group", 94 }, { "getpid", 172 },
	{ "ioctl", 29 },     { "lseek", 62 },	   { "mmap", 222 },
	{ "mprotect", 226 }, { "mseal", 462 },	   { "openat", 56 },
	{ "read", 63 },	     { "write", 64 },
};

static const struct filter_const test_consts[] = {
	{ "KVM_RUN", 0xae80 },
};

#define TABLE(t) t, sizeof(t) / sizeof(t[0])

static const struct filter_arch fake_archs[] = {
	{ "x86_64", 0xc000003e, 0x40000000, TABLE(x86_64_syscalls),
	  TABLE(test_consts) },
	{ "aarch64", 0xc00000b7, 0, TABLE(generic_syscalls),
	  TABLE(test_consts) },
	{ "riscv64", 0xc00000f3, 0, TABLE(generic_syscalls),
	  TABLE(test_consts) },
};

static const struct filter_arch *arch_named(const char *name)
{
	size_t i;

	for (i = 0; i < 3; i++)
		if (!strcmp(fake_archs[i].name, name))
			return &fake_archs[i];
	return NULL;
}
#endif

const struct filter_arch *test_arch(size_t i)
{
	static const char *const names[3] = { "x86_64", "aarch64", "riscv64" };
	const struct filter_arch *arch = arch_named(names[i]);

	ck_assert_msg(arch != NULL, "no architecture %s", names[i]);
	return arch;
}

int test_nr(const struct filter_arch *arch, const char *name)
{
	size_t i;

	for (i = 0; i < arch->nsyscalls; i++)
		if (!strcmp(arch->syscalls[i].name, name))
			return arch->syscalls[i].nr;
	ck_abort_msg("no syscall %s on %s", name, arch->name);
	return -1;
}

int test_max_nr(const struct filter_arch *arch)
{
	int max = 0;
	size_t i;

	for (i = 0; i < arch->nsyscalls; i++)
		if (arch->syscalls[i].nr > max)
			max = arch->syscalls[i].nr;
	return max;
}

void pb_init(struct pb *b, const struct filter_arch *arch, const char *path,
	     uint32_t default_action)
{
	memset(b, 0, sizeof(*b));
	b->p.arch = arch;
	b->p.path = path;
	b->p.default_action = default_action;
}

size_t pb_rule(struct pb *b, int nr, uint32_t action)
{
	struct policy_rule *r;

	if (b->p.nrules == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		b->p.rules = realloc(b->p.rules, b->cap * sizeof(*r));
		ck_assert_ptr_nonnull(b->p.rules);
	}
	r = &b->p.rules[b->p.nrules];
	memset(r, 0, sizeof(*r));
	r->nr = nr;
	r->name = "test";
	r->action = action;
	r->loc.file = b->p.path;
	r->loc.line = (unsigned int)b->p.nrules + 1;
	r->loc.col = 1;
	return b->p.nrules++;
}

size_t pb_clause(struct pb *b, size_t r)
{
	struct policy_rule *rule = &b->p.rules[r];

	if (!rule->clauses) {
		rule->clauses = calloc(PB_MAX_CLAUSES, sizeof(*rule->clauses));
		ck_assert_ptr_nonnull(rule->clauses);
	}
	ck_assert_uint_lt(rule->nclauses, PB_MAX_CLAUSES);
	rule->clauses[rule->nclauses].cmps =
		calloc(PB_MAX_CMPS, sizeof(struct policy_cmp));
	ck_assert_ptr_nonnull(rule->clauses[rule->nclauses].cmps);
	return rule->nclauses++;
}

void pb_cmp(struct pb *b, size_t r, size_t c, unsigned int arg, enum cmp_op op,
	    unsigned int width, uint64_t mask, uint64_t value)
{
	struct policy_clause *cl = &b->p.rules[r].clauses[c];
	struct policy_cmp *m;

	ck_assert_uint_lt(cl->ncmps, PB_MAX_CMPS);
	m = &cl->cmps[cl->ncmps++];
	m->arg = arg;
	m->op = op;
	m->width = width;
	m->mask = mask;
	m->value = value;
}

void pb_hot(struct pb *b, int nr)
{
	b->p.hot = realloc(b->p.hot, (b->p.nhot + 1) * sizeof(*b->p.hot));
	ck_assert_ptr_nonnull(b->p.hot);
	b->p.hot[b->p.nhot++] = nr;
}

void pb_finish(struct pb *b)
{
	struct policy_rule tmp;
	size_t i, j;

	/* Insertion sort: stable, and the test policies are small. */
	for (i = 1; i < b->p.nrules; i++) {
		tmp = b->p.rules[i];
		for (j = i; j > 0 && b->p.rules[j - 1].nr > tmp.nr; j--)
			b->p.rules[j] = b->p.rules[j - 1];
		b->p.rules[j] = tmp;
	}
}

void pb_free(struct pb *b)
{
	size_t i, c;

	for (i = 0; i < b->p.nrules; i++) {
		for (c = 0; c < b->p.rules[i].nclauses; c++)
			free(b->p.rules[i].clauses[c].cmps);
		free(b->p.rules[i].clauses);
	}
	free(b->p.rules);
	free(b->p.hot);
	memset(b, 0, sizeof(*b));
}
