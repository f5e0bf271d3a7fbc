// SPDX-License-Identifier: MIT
/*
 * Argument blocks: the code for one syscall whose rules test its
 * arguments. Each comparison is compiled on 32-bit words, the high word
 * first for 64-bit compares, with masks applied by BPF_AND.
 */
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>

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

/* One clause: every comparison must pass to reach @pass. */
static void emit_clause(struct asm_prog *a, const struct filter_arch *arch,
			const struct policy_clause *cl, int pass, int fail)
{
	size_t i;
	int next;

	if (!cl->ncmps) {
		asm_ja(a, pass);
		return;
	}
	for (i = 0; i < cl->ncmps; i++) {
		next = i + 1 == cl->ncmps ? pass : asm_label(a);
		emit_cmp(a, arch, &cl->cmps[i], next, fail);
		if (next != pass)
			asm_place(a, next);
	}
}

/* One rule with clauses: any clause holding returns the rule's action. */
static void emit_rule(struct asm_prog *a, const struct filter_arch *arch,
		      const struct policy_rule *r)
{
	int ret = asm_label(a);
	int next_rule = asm_label(a);
	int fail;
	size_t i;

	for (i = 0; i < r->nclauses; i++) {
		fail = i + 1 == r->nclauses ? next_rule : asm_label(a);
		emit_clause(a, arch, &r->clauses[i], ret, fail);
		if (fail != next_rule)
			asm_place(a, fail);
	}
	asm_place(a, ret);
	asm_stmt(a, BPF_RET | BPF_K, r->action);
	asm_place(a, next_rule);
}

void args_emit_block(struct asm_prog *a, const struct filter_arch *arch,
		     const struct policy_rule *rules, size_t n, uint32_t def)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!rules[i].nclauses) {
			/* An unconditional rule ends the syscall's list. */
			asm_stmt(a, BPF_RET | BPF_K, rules[i].action);
			return;
		}
		emit_rule(a, arch, &rules[i]);
	}
	asm_stmt(a, BPF_RET | BPF_K, def);
}
