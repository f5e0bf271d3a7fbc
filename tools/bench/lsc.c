// SPDX-License-Identifier: MIT
/*
 * Builds the rules of a husk policy with libseccomp, so the benchmark can
 * set husk's compiler beside the library most sandboxes use. libseccomp is
 * linked into this benchmark only, never into husk.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <seccomp.h>

#include "tools/bench/bench.h"

static void note(char *why, size_t whylen, const struct policy_rule *r,
		 const char *what)
{
	size_t used = strlen(why);

	if (used + 1 >= whylen)
		return;
	snprintf(why + used, whylen - used, "%s%s (line %u): %s",
		 used ? "; " : "", r->name, r->loc.line, what);
}

/*
 * NOTE: libseccomp 2.5 compares whole 64-bit arguments, so a 32-bit husk
 * compare becomes a 64-bit one here, the way a libseccomp user writes
 * SCMP_A1_32(): it also demands a zero upper word. Only equality under a
 * mask has a libseccomp form; other masked compares are refused.
 */
static int to_scmp(const struct policy_cmp *c, struct scmp_arg_cmp *out)
{
	static const enum scmp_compare ops[] = {
		[CMP_EQ] = SCMP_CMP_EQ, [CMP_NE] = SCMP_CMP_NE,
		[CMP_LT] = SCMP_CMP_LT, [CMP_LE] = SCMP_CMP_LE,
		[CMP_GT] = SCMP_CMP_GT, [CMP_GE] = SCMP_CMP_GE,
	};
	uint64_t full = c->width == 32 ? 0xffffffffu : UINT64_MAX;
	uint64_t mask = c->mask & full;

	if ((unsigned int)c->op >= sizeof(ops) / sizeof(ops[0]) || c->arg > 5)
		return -EINVAL;
	out->arg = c->arg;
	out->op = ops[c->op];
	out->datum_a = c->value & full;
	out->datum_b = 0;
	if (mask == full)
		return 0;
	if (c->op != CMP_EQ)
		return -ENOTSUP;
	out->op = SCMP_CMP_MASKED_EQ;
	out->datum_a = mask;
	out->datum_b = c->value & mask;
	return 0;
}

static int add_clause(scmp_filter_ctx ctx, const struct policy_rule *r,
		      const struct policy_clause *cl)
{
	struct scmp_arg_cmp cmps[6];
	size_t i;
	int err;

	if (cl->ncmps > 6)
		return -E2BIG;
	for (i = 0; i < cl->ncmps; i++) {
		err = to_scmp(&cl->cmps[i], &cmps[i]);
		if (err)
			return err;
	}
	return seccomp_rule_add_array(ctx, r->action, r->nr,
				      (unsigned int)cl->ncmps, cmps);
}

static int add_rule(scmp_filter_ctx ctx, const struct policy *p,
		    const struct policy_rule *r, char *why, size_t whylen)
{
	size_t i;
	int err;

	/* libseccomp refuses a rule whose action is the default one. */
	if (r->action == p->default_action)
		return 0;
	if (!r->nclauses) {
		err = seccomp_rule_add_array(ctx, r->action, r->nr, 0, NULL);
		if (err)
			note(why, whylen, r, strerror(-err));
		return err;
	}
	for (i = 0; i < r->nclauses; i++) {
		err = add_clause(ctx, r, &r->clauses[i]);
		if (err) {
			note(why, whylen, r, strerror(-err));
			return err;
		}
	}
	return 0;
}

static int export(scmp_filter_ctx ctx, struct sock_filter **insns, size_t *len)
{
	struct stat st;
	int fd, err;

	fd = memfd_create("husk-bench-bpf", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = seccomp_export_bpf(ctx, fd);
	if (err)
		goto close_fd;
	if (fstat(fd, &st) < 0 || st.st_size % sizeof(**insns)) {
		err = -EIO;
		goto close_fd;
	}
	*len = (size_t)st.st_size / sizeof(**insns);
	*insns = malloc((size_t)st.st_size + 1);
	if (!*insns) {
		err = -ENOMEM;
		goto close_fd;
	}
	if (pread(fd, *insns, (size_t)st.st_size, 0) != st.st_size) {
		free(*insns);
		*insns = NULL;
		err = -EIO;
	}
close_fd:
	close(fd);
	return err;
}

static int set_attrs(scmp_filter_ctx ctx, const struct policy *p,
		     enum lsc_optimize opt)
{
	size_t i;
	int err;

	err = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, opt);
	if (err)
		return err;
	/* As in husk's programs, a foreign architecture kills the process. */
	err = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
			       SCMP_ACT_KILL_PROCESS);
	if (err)
		return err;
	/* The closest libseccomp has to husk's hot list. */
	for (i = 0; i < p->nhot; i++) {
		err = seccomp_syscall_priority(ctx, p->hot[i], 255);
		if (err)
			return err;
	}
	return 0;
}

const char *lsc_version(char *buf, size_t size)
{
	const struct scmp_version *v = seccomp_version();

	if (!v)
		snprintf(buf, size, "unknown");
	else
		snprintf(buf, size, "%u.%u.%u", v->major, v->minor, v->micro);
	return buf;
}

int lsc_build(const struct policy *p, enum lsc_optimize opt,
	      struct sock_filter **insns, size_t *len, char *why, size_t whylen)
{
	scmp_filter_ctx ctx;
	size_t i;
	int err;

	why[0] = '\0';
	ctx = seccomp_init(p->default_action);
	if (!ctx)
		return -ENOMEM;
	err = set_attrs(ctx, p, opt);
	if (err) {
		snprintf(why, whylen, "seccomp_attr_set: %s", strerror(-err));
		goto release_ctx;
	}
	for (i = 0; i < p->nrules; i++) {
		err = add_rule(ctx, p, &p->rules[i], why, whylen);
		if (err)
			goto release_ctx;
	}
	err = export(ctx, insns, len);
	if (err)
		snprintf(why, whylen, "seccomp_export_bpf: %s", strerror(-err));
release_ctx:
	seccomp_release(ctx);
	return err;
}
