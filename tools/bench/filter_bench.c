// SPDX-License-Identifier: MIT
/*
 * The filter section of husk's benchmark report: compiles each policy with
 * husk and with libseccomp, and compares program length, instructions run
 * per syscall, agreement on every action, and the cost per filtered
 * syscall measured in the kernel. Prints one markdown section.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/arch.h"
#include "filter/compile.h"
#include "filter/diag.h"
#include "filter/parse.h"
#include "tools/bench/filter_bench.h"

static void usage(void)
{
	fprintf(stderr, "usage: filter_bench [--iters N] [--rounds N] "
			"POLICY...\n");
}

static int parse_opts(int argc, char **argv, struct bench_opts *o)
{
	static const struct option longopts[] = {
		{ "iters", required_argument, NULL, 'i' },
		{ "rounds", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->iters = 200000;
	o->rounds = 15;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			o->iters = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			o->rounds = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		default:
			return -EINVAL;
		}
	}
	if (optind >= argc || !o->iters || !o->rounds || o->rounds > 99)
		return -EINVAL;
	return optind;
}

static void print_diag(const char *what, const char *path, const struct diag *d,
		       int err)
{
	printf("**FAILED: %s of `%s`: %s.**\n\n", what, path, strerror(-err));
	if (d->text)
		printf("```\n%s```\n\n", d->text);
}

/* Builds husk's program and both libseccomp ones for @p. */
static void build_progs(const struct policy *p, struct bench_policy *bp)
{
	static const char *const names[NPROGS] = {
		[PROG_HUSK] = "husk",
		[PROG_LSC_TREE] = "libseccomp opt 2 (tree)",
		[PROG_LSC_PRIO] = "libseccomp opt 1 (default)",
	};
	struct diag d = { 0 };
	struct bench_prog *pr;
	int i;

	for (i = 0; i < NPROGS; i++)
		bp->progs[i].name = names[i];
	pr = &bp->progs[PROG_HUSK];
	pr->err = filter_compile(p, &pr->insns, &pr->len, &d);
	if (pr->err && d.text)
		snprintf(pr->why, sizeof(pr->why), "%s", d.text);
	diag_free(&d);

	pr = &bp->progs[PROG_LSC_TREE];
	pr->err = lsc_build(p, LSC_OPT_TREE, &pr->insns, &pr->len, pr->why,
			    sizeof(pr->why));
	pr = &bp->progs[PROG_LSC_PRIO];
	pr->err = lsc_build(p, LSC_OPT_PRIORITY, &pr->insns, &pr->len, pr->why,
			    sizeof(pr->why));
}

static void free_progs(struct bench_policy *bp)
{
	int i;

	for (i = 0; i < NPROGS; i++)
		free(bp->progs[i].insns);
}

static int bench_one(const char *path, const struct bench_opts *o,
		     struct bench_totals *t)
{
	const struct filter_arch *arch = filter_arch_native();
	struct bench_policy bp = { .path = path };
	struct diag d = { 0 };
	struct policy p;
	int err;

	printf("### `%s`\n\n", path);
	err = policy_parse_file(path, arch, &p, &d);
	if (err) {
		print_diag("parsing", path, &d, err);
		diag_free(&d);
		t->failures++;
		return err;
	}
	diag_free(&d);
	if (!p.nrules) {
		printf("No rules: a file for `include` only. Skipped.\n\n");
		policy_free(&p);
		return 0;
	}
	bp.policy = &p;
	build_progs(&p, &bp);
	report_policy(&bp, o, t);
	free_progs(&bp);
	policy_free(&p);
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_totals t = { 0 };
	struct bench_opts o;
	int first, i;

	first = parse_opts(argc, argv, &o);
	if (first < 0) {
		usage();
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	report_header(&o);
	for (i = first; i < argc; i++)
		bench_one(argv[i], &o, &t);
	report_summary(&t);
	return t.failures ? 1 : 0;
}
