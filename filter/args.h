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
 * Appends the rules @rules[0..@n) of one syscall, tried in order, clause
 * by clause; when none holds the block returns @def.
 */
void args_emit_block(struct asm_prog *a, const struct filter_arch *arch,
		     const struct policy_rule *rules, size_t n, uint32_t def);

#endif
