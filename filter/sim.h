/* SPDX-License-Identifier: MIT */
/*
 * A classic-BPF interpreter for seccomp programs, and an emulation of the
 * kernel's rules for caching a filter's "always allow" verdict.
 */
#ifndef HUSK_FILTER_SIM_H
#define HUSK_FILTER_SIM_H

#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

/*
 * Checks @insns the way the kernel does before it accepts a seccomp
 * filter: 1 to BPF_MAXINSNS instructions of the seccomp subset, jumps
 * inside the program, aligned loads within seccomp_data, scratch words
 * in range, no constant division by zero, a return at the end.
 * Returns 0 or -EINVAL with the faulty instruction's index in *@bad.
 */
int filter_sim_check(const struct sock_filter *insns, size_t len, size_t *bad);

/*
 * Runs @insns on @sd. On success stores the returned action and the number
 * of instructions executed (the return included) and returns 0. Returns
 * -EINVAL, with the faulty instruction's index in *@steps, for an invalid
 * opcode, a jump or load out of bounds, a scratch word read before it was
 * written, or running off the end of the program.
 */
int filter_sim_run(const struct sock_filter *insns, size_t len,
		   const struct seccomp_data *sd, uint32_t *action,
		   size_t *steps);

/*
 * Whether the kernel's seccomp action cache would record syscall @nr of
 * architecture @audit_arch as always allowed by this filter, so that the
 * filter never runs for it. The kernel asks this for each nr below its
 * syscall count on the native (and compat) architecture only.
 */
int filter_cache_const_allow(const struct sock_filter *insns, size_t len,
			     uint32_t audit_arch, int nr);

#endif
