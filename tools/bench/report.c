// SPDX-License-Identifier: MIT
/*
 * Prints the filter section: per policy, the side-by-side table, the
 * disagreements if any, the target lines (computed, PASS or FAIL) and the
 * in-kernel timing.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "filter/arch.h"
#include "tools/bench/filter_bench.h"

#define KVM_RUN_TARGET 8

/* Prints the first line of @path, or "unknown". */
static void print_first_line(const char *path)
{
	char line[128] = "unknown\n";
	FILE *f = fopen(path, "re");

	if (f) {
		if (!fgets(line, sizeof(line), f))
			snprintf(line, sizeof(line), "unknown\n");
		fclose(f);
	}
	line[strcspn(line, "\n")] = '\0';
	printf("%s", line);
}

void report_header(const struct bench_opts *o)
{
	char version[32];

	printf("## filter\n\n"
	       "Each policy is parsed and compiled by husk, and its rules are "
	       "given to libseccomp %s one rule per `||` alternative "
	       "(`seccomp_rule_add_array`, exported with "
	       "`seccomp_export_bpf`), once with "
	       "`SCMP_FLTATR_CTL_OPTIMIZE=2` (binary tree) and once with "
	       "the default level 1. Hot syscalls get libseccomp priority "
	       "255.\n\n",
	       lsc_version(version, sizeof(version)));
	printf("- *path*: instructions executed, the return included, "
	       "counted by husk's `filter/sim` and checked against the "
	       "benchmark's own interpreter. Per syscall the longest path "
	       "over its test arguments; *worst* and *avg* over every "
	       "syscall number 0..max of the architecture.\n"
	       "- *cached*: syscalls the kernel's seccomp action cache "
	       "proves allowed, so the program never runs for them.\n"
	       "- NOTE: libseccomp 2.5 compares whole 64-bit arguments. A "
	       "husk 32-bit compare such as `(u32)arg1 == KVM_RUN` is given "
	       "to libseccomp as a 64-bit compare (what `SCMP_A1_32` "
	       "produces), which also demands a zero upper word. Test "
	       "values that differ only in such upper words are counted "
	       "apart as *expected (32-bit)*, never as disagreements.\n");
	printf("- Kernel: BPF JIT `");
	print_first_line("/proc/sys/net/core/bpf_jit_enable");
	printf("`, speculative store bypass `");
	print_first_line(
		"/sys/devices/system/cpu/vulnerabilities/spec_store_bypass");
	printf("`; every filter is installed with flags 0 "
	       "(no SECCOMP_FILTER_FLAG_SPEC_ALLOW).\n\n");
	(void)o;
}

static void print_prog_row(const struct bench_policy *bp,
			   const struct bench_prog *pr)
{
	const struct filter_arch *arch = bp->policy->arch;
	const char *worst;

	if (pr->err) {
		printf("| %s | **NOT BUILT: %s** | | | | | |\n", pr->name,
		       pr->why[0] ? pr->why : strerror(-pr->err));
		return;
	}
	worst = filter_arch_syscall_name(arch, pr->worst_nr);
	printf("| %s | %zu | ", pr->name, pr->len);
	if (pr->kvm_run)
		printf("%u", pr->kvm_run);
	else
		printf("denied");
	printf(" | %u (`%s`) | %.1f | %u |", pr->worst, worst ? worst : "?",
	       pr->avg, pr->cached);
	if (pr == &bp->progs[PROG_HUSK])
		printf(" - |\n");
	else
		printf(" %u |\n", pr->longer);
}

static void print_table(const struct bench_policy *bp)
{
	int k;

	printf("| program | length | `ioctl(fd, KVM_RUN)` path | worst path "
	       "| avg path | cached | syscalls where husk's path is longer "
	       "|\n|---|---:|---:|---:|---:|---:|---:|\n");
	for (k = 0; k < NPROGS; k++)
		print_prog_row(bp, &bp->progs[k]);
	printf("\n");
}

static void print_disagreements(const struct bench_policy *bp,
				const struct bench_prog *pr)
{
	const struct filter_arch *arch = bp->policy->arch;
	char a[32], b[32];
	unsigned long i;

	printf("**DISAGREEMENT: husk and %s differ on %lu of %lu test "
	       "values.**\n\n",
	       pr->name, pr->disagree, bp->vectors);
	for (i = 0; i < pr->disagree && i < BENCH_MAX_SHOWN; i++) {
		const struct bench_disagreement *d = &pr->shown[i];
		const char *name = filter_arch_syscall_name(arch, d->nr);

		printf("- `%s` (%d) args 0x%llx 0x%llx 0x%llx: husk %s, "
		       "libseccomp %s\n",
		       name ? name : "?", d->nr, (unsigned long long)d->args[0],
		       (unsigned long long)d->args[1],
		       (unsigned long long)d->args[2],
		       action_name(d->husk, a, sizeof(a)),
		       action_name(d->other, b, sizeof(b)));
	}
	printf("\n");
}

static void print_agreement(const struct bench_policy *bp)
{
	const struct bench_prog *h = &bp->progs[PROG_HUSK];
	int k;

	if (h->err)
		return;
	for (k = 0; k < NPROGS; k++) {
		const struct bench_prog *pr = &bp->progs[k];

		if (k == PROG_HUSK || pr->err)
			continue;
		if (pr->disagree)
			print_disagreements(bp, pr);
		else
			printf("Actions agree: husk and %s on all %lu test "
			       "values (%lu expected (32-bit) "
			       "differences).\n\n",
			       pr->name, bp->vectors, pr->expected32);
	}
	for (k = 0; k < NPROGS; k++)
		if (bp->progs[k].sim_mismatch)
			printf("**INTERPRETER MISMATCH: filter/sim and the "
			       "benchmark's interpreter differ %lu times on "
			       "%s.**\n\n",
			       bp->progs[k].sim_mismatch, bp->progs[k].name);
}

static void target(struct bench_totals *t, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void target(struct bench_totals *t, bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("- %s: ", ok ? "PASS" : "**FAIL**");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (ok)
		t->pass++;
	else
		t->fail++;
}

/* Whether @p decides syscall @name by its arguments. */
static bool has_arg_rule(const struct policy *p, const char *name)
{
	int nr = filter_arch_syscall_nr(p->arch, name);
	size_t i;

	for (i = 0; i < p->nrules; i++)
		if (p->rules[i].nr == nr && p->rules[i].nclauses)
			return true;
	return false;
}

/* Names up to ten syscalls where husk's path is longer than the tree's. */
static void print_longer(const struct bench_policy *bp)
{
	const struct bench_prog *h = &bp->progs[PROG_HUSK];
	const struct bench_prog *tree = &bp->progs[PROG_LSC_TREE];
	const char *name;
	unsigned int shown = 0;
	int nr;

	printf("  (husk / tree:");
	for (nr = 0; nr <= bp->max_nr && shown < 10; nr++) {
		if (h->path[nr] <= tree->path[nr])
			continue;
		name = filter_arch_syscall_name(bp->policy->arch, nr);
		printf("%s `%s` %u / %u", shown ? "," : "", name ? name : "?",
		       h->path[nr], tree->path[nr]);
		shown++;
	}
	printf("%s)\n", tree->longer > shown ? ", ..." : "");
}

static void print_targets(const struct bench_policy *bp, struct bench_totals *t)
{
	const struct bench_prog *h = &bp->progs[PROG_HUSK];
	const struct bench_prog *tree = &bp->progs[PROG_LSC_TREE];
	const char *name;

	if (h->err || tree->err) {
		printf("- **NO TARGETS COMPUTED: a program was not "
		       "built.**\n\n");
		t->fail++;
		return;
	}
	/* The KVM_RUN target is for policies that check ioctl's request. */
	if (h->kvm_run && has_arg_rule(bp->policy, "ioctl"))
		target(t, h->kvm_run <= KVM_RUN_TARGET,
		       "`ioctl(fd, KVM_RUN)` path: husk %u instructions "
		       "(target: <= %u)",
		       h->kvm_run, KVM_RUN_TARGET);
	name = filter_arch_syscall_name(bp->policy->arch,
					tree->longer_worst_nr);
	if (tree->longer)
		target(t, false,
		       "husk's path is longer than libseccomp's tree on %u "
		       "syscalls, worst `%s` by %u instructions",
		       tree->longer, name ? name : "?", tree->longer_worst);
	if (tree->longer)
		print_longer(bp);
	else
		target(t, true,
		       "husk's path is never longer than libseccomp's tree "
		       "(0 of %d syscalls)",
		       bp->max_nr + 1);
	target(t, h->len <= tree->len,
	       "program length: husk %zu, libseccomp tree %zu (target: husk "
	       "<= tree; libseccomp default: %zu)",
	       h->len, tree->len, bp->progs[PROG_LSC_PRIO].len);
	target(t,
	       !tree->disagree && !bp->progs[PROG_LSC_PRIO].disagree &&
		       !h->sim_mismatch && !tree->sim_mismatch,
	       "actions agree with libseccomp on every test value, "
	       "both interpreters agree");
	printf("\n");
}

static void keep_row(const struct bench_policy *bp, struct bench_totals *t)
{
	struct bench_summary_row *row;
	int k;

	if (t->nrows >= BENCH_MAX_SUMMARY)
		return;
	row = &t->rows[t->nrows++];
	row->path = bp->path;
	for (k = 0; k < NPROGS; k++) {
		const struct bench_prog *pr = &bp->progs[k];

		row->built[k] = !pr->err;
		row->len[k] = pr->len;
		row->kvm_run[k] = pr->kvm_run;
		row->worst[k] = pr->worst;
		row->avg[k] = pr->avg;
	}
}

void report_policy(struct bench_policy *bp, const struct bench_opts *o,
		   struct bench_totals *t)
{
	char buf[32];
	int err;

	err = analyze_policy(bp);
	if (err) {
		printf("**FAILED: analysis: %s.**\n\n", strerror(-err));
		t->failures++;
		analyze_free(bp);
		return;
	}
	printf("%zu rules, %zu hot syscalls tested before the search, default "
	       "action %s.\n\n",
	       bp->policy->nrules, bp->policy->nhot,
	       action_name(bp->policy->default_action, buf, sizeof(buf)));
	print_table(bp);
	print_agreement(bp);
	print_targets(bp, t);
	keep_row(bp, t);
	timing_report(bp, o);
	analyze_free(bp);
}

/* "husk / tree / default" for one measure, "-" where not built. */
static void print_triple(const struct bench_summary_row *row, const char *what)
{
	int k;

	printf(" ");
	for (k = 0; k < NPROGS; k++) {
		if (k)
			printf(" / ");
		if (!row->built[k])
			printf("-");
		else if (!strcmp(what, "len"))
			printf("%zu", row->len[k]);
		else if (!strcmp(what, "kvm_run") && !row->kvm_run[k])
			printf("denied");
		else if (!strcmp(what, "kvm_run"))
			printf("%u", row->kvm_run[k]);
		else if (!strcmp(what, "worst"))
			printf("%u", row->worst[k]);
		else
			printf("%.1f", row->avg[k]);
	}
	printf(" |");
}

void report_summary(const struct bench_totals *t)
{
	unsigned int i;

	printf("#### filter summary\n\nEach cell: husk / libseccomp tree / "
	       "libseccomp default.\n\n| policy | length | "
	       "`ioctl(fd, KVM_RUN)` path | worst path | avg path |\n"
	       "|---|---:|---:|---:|---:|\n");
	for (i = 0; i < t->nrows; i++) {
		printf("| `%s` |", t->rows[i].path);
		print_triple(&t->rows[i], "len");
		print_triple(&t->rows[i], "kvm_run");
		print_triple(&t->rows[i], "worst");
		print_triple(&t->rows[i], "avg");
		printf("\n");
	}
	printf("\nFilter targets: %u PASS, %u FAIL", t->pass, t->fail);
	if (t->failures)
		printf(", **%u policies could not be measured**", t->failures);
	printf(".\n\n");
}
