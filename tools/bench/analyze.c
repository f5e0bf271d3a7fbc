// SPDX-License-Identifier: MIT
/*
 * Runs every program of a policy over each syscall number with argument
 * values drawn from the policy's own compares, and records path lengths,
 * cache-provable syscalls and disagreements with husk's program.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kvm.h>

#include "filter/arch.h"
#include "filter/sim.h"
#include "tools/bench/filter_bench.h"

#define HIGH_NOISE 0xdead000100000000ull
#define MAX_VECS 512

struct vec {
	uint64_t args[6];
};

struct vecs {
	struct vec v[MAX_VECS];
	size_t n;
	unsigned int wide32; /* bit per argument tested at 32 bits */
};

static void push(struct vecs *vs, const struct vec *v)
{
	if (vs->n < MAX_VECS)
		vs->v[vs->n++] = *v;
}

/* A value of the compared argument that makes @c hold. */
static uint64_t satisfy(const struct policy_cmp *c)
{
	uint64_t low = c->mask & -c->mask;

	switch (c->op) {
	case CMP_NE:
		return c->value ^ (low ? low : 1);
	case CMP_LT:
		return c->value ? c->value - 1 : 0;
	case CMP_GT:
		return c->value + 1;
	default:
		return c->value;
	}
}

/* The clause satisfied, then each compare nudged off and widened. */
static void clause_vecs(struct vecs *vs, const struct policy_clause *cl)
{
	struct vec base = { { 0 } }, v;
	size_t i;

	for (i = 0; i < cl->ncmps; i++)
		base.args[cl->cmps[i].arg] = satisfy(&cl->cmps[i]);
	push(vs, &base);
	for (i = 0; i < cl->ncmps; i++) {
		unsigned int a = cl->cmps[i].arg;

		v = base;
		v.args[a] = base.args[a] + 1;
		push(vs, &v);
		v.args[a] = base.args[a] - 1;
		push(vs, &v);
		v.args[a] = base.args[a] ^ HIGH_NOISE;
		push(vs, &v);
		if (cl->cmps[i].width == 32)
			vs->wide32 |= 1u << a;
	}
}

static void gen_vecs(const struct policy *p, int nr, struct vecs *vs)
{
	struct vec v;
	size_t i, j;

	vs->n = 0;
	vs->wide32 = 0;
	memset(&v, 0, sizeof(v));
	push(vs, &v);
	memset(&v, 0xff, sizeof(v));
	push(vs, &v);
	for (i = 0; i < p->nrules; i++) {
		if (p->rules[i].nr != nr)
			continue;
		for (j = 0; j < p->rules[i].nclauses; j++)
			clause_vecs(vs, &p->rules[i].clauses[j]);
	}
}

/* Runs one program on @sd with filter/sim, checked by bench_bpf_run. */
static int run(struct bench_prog *pr, const struct seccomp_data *sd,
	       uint32_t *action, unsigned int *steps)
{
	struct bench_run mine;
	size_t n;
	int err;

	err = filter_sim_run(pr->insns, pr->len, sd, action, &n);
	if (err)
		return err;
	*steps = (unsigned int)n;
	if (bench_bpf_run(pr->insns, pr->len, sd, &mine) ||
	    mine.ret != *action || mine.executed != *steps)
		pr->sim_mismatch++;
	return 0;
}

static bool only_high32(const struct vecs *vs, const struct vec *v)
{
	unsigned int a;
	bool noisy = false;

	for (a = 0; a < 6; a++) {
		if (!(v->args[a] >> 32))
			continue;
		if (!(vs->wide32 & (1u << a)))
			return false;
		noisy = true;
	}
	return noisy;
}

static void compare(struct bench_prog *pr, const struct vecs *vs,
		    const struct vec *v, int nr, uint32_t husk, uint32_t other)
{
	struct bench_disagreement *d;

	if (husk == other)
		return;
	if (only_high32(vs, v)) {
		pr->expected32++;
		return;
	}
	if (pr->disagree < BENCH_MAX_SHOWN) {
		d = &pr->shown[pr->disagree];
		d->nr = nr;
		memcpy(d->args, v->args, sizeof(d->args));
		d->husk = husk;
		d->other = other;
	}
	pr->disagree++;
}

/* Runs every built program on syscall @nr with each vector. */
static int analyze_nr(struct bench_policy *bp, const struct vecs *vs, int nr)
{
	struct seccomp_data sd = { .nr = nr };
	uint32_t act[NPROGS];
	unsigned int steps;
	size_t i;
	int k, err;

	sd.arch = bp->policy->arch->audit_arch;
	for (i = 0; i < vs->n; i++) {
		memcpy(sd.args, vs->v[i].args, sizeof(sd.args));
		bp->vectors++;
		for (k = 0; k < NPROGS; k++) {
			struct bench_prog *pr = &bp->progs[k];

			if (pr->err)
				continue;
			err = run(pr, &sd, &act[k], &steps);
			if (err)
				return err;
			if (steps > pr->path[nr])
				pr->path[nr] = steps;
			if (k != PROG_HUSK && !bp->progs[PROG_HUSK].err)
				compare(pr, vs, &vs->v[i], nr, act[PROG_HUSK],
					act[k]);
		}
	}
	return 0;
}

static void summarize(struct bench_policy *bp, struct bench_prog *pr)
{
	const struct bench_prog *h = &bp->progs[PROG_HUSK];
	uint32_t audit = bp->policy->arch->audit_arch;
	unsigned long sum = 0;
	int nr;
	bool mine;

	pr->worst_nr = -1;
	pr->longer_worst_nr = -1;
	for (nr = 0; nr <= bp->max_nr; nr++) {
		sum += pr->path[nr];
		if (pr->path[nr] > pr->worst) {
			pr->worst = pr->path[nr];
			pr->worst_nr = nr;
		}
		mine = bench_bpf_cached(pr->insns, pr->len, audit, nr);
		if (filter_cache_const_allow(pr->insns, pr->len, audit, nr))
			pr->cached++;
		else if (mine)
			pr->sim_mismatch++;
		if (pr == h || h->err || h->path[nr] <= pr->path[nr])
			continue;
		pr->longer++;
		if (h->path[nr] - pr->path[nr] > pr->longer_worst) {
			pr->longer_worst = h->path[nr] - pr->path[nr];
			pr->longer_worst_nr = nr;
		}
	}
	pr->avg = (double)sum / (bp->max_nr + 1);
}

static int kvm_run_path(struct bench_policy *bp)
{
	struct seccomp_data sd = { .args = { 3, KVM_RUN } };
	unsigned int steps;
	uint32_t action;
	int k, err;

	sd.arch = bp->policy->arch->audit_arch;
	sd.nr = filter_arch_syscall_nr(bp->policy->arch, "ioctl");
	for (k = 0; k < NPROGS; k++) {
		struct bench_prog *pr = &bp->progs[k];

		if (pr->err)
			continue;
		err = run(pr, &sd, &action, &steps);
		if (err)
			return err;
		if (k == PROG_HUSK)
			bp->kvm_run_action = action;
		if (action == SECCOMP_RET_ALLOW)
			pr->kvm_run = steps;
	}
	return 0;
}

int analyze_policy(struct bench_policy *bp)
{
	struct vecs *vs;
	int k, nr, err = 0;

	bp->max_nr = filter_arch_max_nr(bp->policy->arch);
	for (k = 0; k < NPROGS; k++) {
		bp->progs[k].path = calloc(bp->max_nr + 1, sizeof(unsigned));
		if (!bp->progs[k].path)
			return -ENOMEM;
	}
	vs = malloc(sizeof(*vs));
	if (!vs)
		return -ENOMEM;
	for (nr = 0; nr <= bp->max_nr && !err; nr++) {
		gen_vecs(bp->policy, nr, vs);
		err = analyze_nr(bp, vs, nr);
	}
	free(vs);
	if (!err)
		err = kvm_run_path(bp);
	for (k = 0; k < NPROGS && !err; k++)
		if (!bp->progs[k].err)
			summarize(bp, &bp->progs[k]);
	return err;
}

void analyze_free(struct bench_policy *bp)
{
	int k;

	for (k = 0; k < NPROGS; k++)
		free(bp->progs[k].path);
}

const char *action_name(uint32_t action, char *buf, size_t size)
{
	static const struct {
		uint32_t ret;
		const char *name;
	} names[] = {
		{ SECCOMP_RET_KILL_PROCESS, "KILL_PROCESS" },
		{ SECCOMP_RET_KILL_THREAD, "KILL_THREAD" },
		{ SECCOMP_RET_TRAP, "TRAP" },
		{ SECCOMP_RET_ERRNO, "ERRNO" },
		{ SECCOMP_RET_USER_NOTIF, "USER_NOTIF" },
		{ SECCOMP_RET_TRACE, "TRACE" },
		{ SECCOMP_RET_LOG, "LOG" },
		{ SECCOMP_RET_ALLOW, "ALLOW" },
	};
	uint32_t data = action & SECCOMP_RET_DATA;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].ret != (action & SECCOMP_RET_ACTION_FULL))
			continue;
		if (data)
			snprintf(buf, size, "%s(%u)", names[i].name, data);
		else
			snprintf(buf, size, "%s", names[i].name);
		return buf;
	}
	snprintf(buf, size, "0x%08x", action);
	return buf;
}
