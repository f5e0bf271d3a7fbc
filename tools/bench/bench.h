/* SPDX-License-Identifier: MIT */
/*
 * Shared declarations of the filter benchmark: a counting classic-BPF
 * interpreter, the libseccomp translation of a husk policy, and the
 * in-kernel timing harness.
 */
#ifndef HUSK_BENCH_H
#define HUSK_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "filter/policy.h"

/* What one run of a program over one seccomp_data did. */
struct bench_run {
	uint32_t ret; /* the SECCOMP_RET_* value returned */
	unsigned int executed; /* instructions executed, the return included */
	bool const_path; /* only insns the kernel's action cache emulates */
};

/*
 * Runs @prog over @sd the way the kernel's seccomp does. Returns 0, or
 * -EINVAL for a program that jumps or loads out of bounds or never returns.
 */
int bench_bpf_run(const struct sock_filter *prog, size_t len,
		  const struct seccomp_data *sd, struct bench_run *out);

/*
 * True when the kernel's seccomp action cache can prove @nr allowed without
 * running the program: the path for @nr reads nothing but nr and arch.
 */
bool bench_bpf_cached(const struct sock_filter *prog, size_t len,
		      uint32_t audit_arch, int nr);

/* libseccomp's two generators, selected by SCMP_FLTATR_CTL_OPTIMIZE. */
enum lsc_optimize {
	LSC_OPT_PRIORITY = 1, /* libseccomp's default */
	LSC_OPT_TREE = 2, /* binary tree sorted by syscall number */
};

/*
 * Builds @p with libseccomp and exports the BPF. @why receives the first
 * rule libseccomp could not take, or what had to be approximated.
 * Returns 0 or -errno.
 */
int lsc_build(const struct policy *p, enum lsc_optimize opt,
	      struct sock_filter **insns, size_t *len, char *why,
	      size_t whylen);

/* The libseccomp this benchmark runs with, as "2.5.4". */
const char *lsc_version(char *buf, size_t size);

/* One syscall loop to time in the kernel. */
struct bench_call {
	const char *label;
	long nr;
	unsigned long args[6];
};

/*
 * Times @call in a child that first installs @prog (or nothing when @prog
 * is NULL); stores nanoseconds per call in @ns. Returns 0 or -errno.
 */
int bench_time_call(const struct sock_filter *prog, size_t len,
		    const struct bench_call *call, unsigned long iters,
		    double *ns);

#endif
