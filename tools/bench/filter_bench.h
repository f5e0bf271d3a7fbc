/* SPDX-License-Identifier: MIT */
/*
 * The filter benchmark's model of one policy compiled three ways (husk,
 * libseccomp's tree, libseccomp's default), what the analysis measures on
 * each, and the pieces that print the report.
 */
#ifndef HUSK_BENCH_FILTER_BENCH_H
#define HUSK_BENCH_FILTER_BENCH_H

#include "tools/bench/bench.h"

enum {
	PROG_HUSK,
	PROG_LSC_TREE,
	PROG_LSC_PRIO,
	NPROGS
};

/* Disagreements kept for printing, per program. */
#define BENCH_MAX_SHOWN 8

struct bench_disagreement {
	int nr;
	uint64_t args[6];
	uint32_t husk, other;
};

struct bench_prog {
	const char *name;
	struct sock_filter *insns;
	size_t len;
	int err; /* 0 when the program was built */
	char why[512];

	unsigned int *path; /* per syscall nr: the longest path seen */
	unsigned int kvm_run; /* path of ioctl(fd, KVM_RUN); 0 if denied */
	unsigned int worst;
	int worst_nr;
	double avg;
	unsigned int cached; /* syscalls the kernel's cache proves allowed */
	unsigned long sim_mismatch; /* filter/sim vs bench interpreter */

	/* Against husk's program, over the same test vectors. */
	unsigned long disagree;
	unsigned long expected32; /* only upper words of 32-bit compares */
	struct bench_disagreement shown[BENCH_MAX_SHOWN];
	unsigned int longer; /* syscalls where husk's path is longer */
	unsigned int longer_worst; /* the biggest excess, in instructions */
	int longer_worst_nr;
};

struct bench_policy {
	const char *path;
	const struct policy *policy;
	struct bench_prog progs[NPROGS];
	int max_nr;
	unsigned long vectors; /* seccomp_data values tried */
	uint32_t kvm_run_action; /* husk's verdict on ioctl(fd, KVM_RUN) */
};

struct bench_opts {
	unsigned long iters;
	unsigned int rounds;
};

/* One line of the closing summary table. */
#define BENCH_MAX_SUMMARY 32

struct bench_summary_row {
	const char *path;
	size_t len[NPROGS];
	unsigned int kvm_run[NPROGS], worst[NPROGS];
	double avg[NPROGS];
	bool built[NPROGS];
};

struct bench_totals {
	unsigned int failures; /* policies that could not be measured */
	unsigned int pass, fail; /* target lines */
	struct bench_summary_row rows[BENCH_MAX_SUMMARY];
	unsigned int nrows;
};

/* analyze.c: fills the analysis fields; returns 0 or -errno. */
int analyze_policy(struct bench_policy *bp);
void analyze_free(struct bench_policy *bp);

/* Formats a SECCOMP_RET_* value ("ALLOW", "ERRNO(1)"); returns @buf. */
const char *action_name(uint32_t action, char *buf, size_t size);

/* timing.c: the in-kernel cost table of one policy. */
void timing_report(const struct bench_policy *bp, const struct bench_opts *o);

/* report.c */
void report_header(const struct bench_opts *o);
void report_policy(struct bench_policy *bp, const struct bench_opts *o,
		   struct bench_totals *t);
void report_summary(const struct bench_totals *t);

#endif
