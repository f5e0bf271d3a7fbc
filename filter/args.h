/* SPDX-License-Identifier: MIT */
/*
 * Code generation for one syscall's argument rules: the block the number
 * search jumps to when a syscall's result depends on its arguments.
 */
#ifndef HUSK_FILTER_ARGS_H
#define HUSK_FILTER_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include "filter/arch.h"
#include "filter/asm.h"
#include "filter/policy.h"

/*
 * The offset of one 32-bit half of seccomp_data.args[@arg] on @arch:
 * the low word comes first on little-endian architectures.
 */
uint32_t args_word_offset(const struct filter_arch *arch, unsigned int arg,
			  int high);

/*
 * Returns 1 when the result of rules @rules[0..@n) does not depend on the
 * arguments at all (every alternative that can decide gives the same
 * action as the fallback), and stores that action in *@action.
 */
int args_block_const(const struct policy_rule *rules, size_t n, uint32_t def,
		     uint32_t *action);

/* Where a block returns: @label gives the shared "ret ACTION" instruction. */
struct args_rets {
	int (*label)(void *ctx, uint32_t action);
	void *ctx;
};

/*
 * Appends the rules @rules[0..@n) of one syscall, tried in order, clause
 * by clause; when none holds the block returns @def. Every outcome jumps
 * to a return of @rets, placed after the block. Clauses of consecutive
 * rules with the same action are tested cheapest first; an allocation
 * failure is left in a->err.
 */
void args_emit_block(struct asm_prog *a, const struct filter_arch *arch,
		     const struct policy_rule *rules, size_t n, uint32_t def,
		     const struct args_rets *rets);

#endif
