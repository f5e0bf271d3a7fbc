/* SPDX-License-Identifier: MIT */
/*
 * Shared pieces of the filter back end's unit tests: hand-built policies,
 * the architectures under test, and a reference evaluator written apart
 * from the code generator so that it can catch its mistakes.
 */
#ifndef HUSK_TESTS_FILTER_BACK_H
#define HUSK_TESTS_FILTER_BACK_H

#include <check.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>

#include "filter/arch.h"
#include "filter/policy.h"

#define PB_MAX_CLAUSES 8
#define PB_MAX_CMPS 8

/* A policy built by hand; rules are added with pb_rule() in any order. */
struct pb {
	struct policy p;
	size_t cap;
};

void pb_init(struct pb *b, const struct filter_arch *arch, const char *path,
	     uint32_t default_action);
/* Adds a rule and returns its index; it is unconditional until a clause
 * is added. */
size_t pb_rule(struct pb *b, int nr, uint32_t action);
/* Adds an empty clause to rule @r and returns its index. */
size_t pb_clause(struct pb *b, size_t r);
void pb_cmp(struct pb *b, size_t r, size_t c, unsigned int arg, enum cmp_op op,
	    unsigned int width, uint64_t mask, uint64_t value);
void pb_hot(struct pb *b, int nr);
/* Sorts the rules by number, keeping the order of each syscall's rules. */
void pb_finish(struct pb *b);
void pb_free(struct pb *b);

/* The three architectures, real tables when the front end is built in. */
const struct filter_arch *test_arch(size_t i); /* i < 3 */
int test_nr(const struct filter_arch *arch, const char *name);
int test_max_nr(const struct filter_arch *arch);

/*
 * Enough argument blocks that the search's jumps exceed 255: for each
 * number n, n % 3 == 0 allows when args 0..@ncmps-1 equal
 * n * 0x100000001 + i (else errno n + 1 when (u32)arg5 > 5), n % 3 == 1
 * always allows, n % 3 == 2 gets the default, ERRNO(38).
 */
void long_policy(struct pb *b, const struct filter_arch *a, const char *path,
		 unsigned int ncmps);

/* What the policy says for @sd, evaluated straight from the rules. */
uint32_t ref_eval(const struct policy *p, const struct seccomp_data *sd);

TCase *live_tcase(void);

#endif
