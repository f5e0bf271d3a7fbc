/* SPDX-License-Identifier: MIT */
/*
 * husk's seccomp code generator: turns a parsed policy for one
 * architecture into a classic-BPF program the kernel can load.
 */
#ifndef HUSK_FILTER_COMPILE_H
#define HUSK_FILTER_COMPILE_H

#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>

#include "filter/diag.h"
#include "filter/policy.h"

/*
 * Compiles @p into a newly allocated program of *@len instructions, which
 * the caller frees. The program checks seccomp_data.arch (a mismatch kills
 * the process), refuses x32 numbers where the architecture has them and
 * searches the syscall number in a tree laid out so that the policy's hot
 * syscalls come first (a jeq before the tree, or a shallow place in it);
 * arguments are loaded only inside the syscalls whose rules test them.
 * filter/POLICY.md ("The program") states the rules of the layout.
 *
 * Returns 0, -EINVAL for a malformed policy, -E2BIG for a program over
 * BPF_MAXINSNS, or -ENOMEM; the reason is added to @diag.
 */
int filter_compile(const struct policy *p, struct sock_filter **insns,
		   size_t *len, struct diag *diag);

/*
 * The action for syscall numbers at or above the architecture's x32 bit:
 * the policy's default action when that refuses the call (kill, trap or
 * errno), SECCOMP_RET_KILL_PROCESS otherwise, so that no x32 number is
 * ever allowed, logged, traced or handed to a supervisor.
 */
uint32_t filter_x32_action(const struct policy *p);

#endif
