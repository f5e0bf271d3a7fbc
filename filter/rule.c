// SPDX-License-Identifier: MIT
/*
 * Rules, groups and the hot list of husk's policy language: names resolved
 * to this architecture's numbers, and the checks that keep the rules of
 * one syscall unambiguous.
 */
#include <errno.h>
#include <string.h>
#include <linux/seccomp.h>

#include "filter/policy-int.h"
#include "filter/tables.h"

static void unknown_syscall(struct parser *ps, const struct policy_loc *loc,
			    const char *name)
{
	const char *near;

	near = closest_name(name, filter_linux_syscalls, nfilter_linux_syscalls,
			    sizeof(filter_linux_syscalls[0]));
	if (near)
		error_at(ps, loc, "unknown syscall '%s'; did you mean '%s'?",
			 name, near);
	else
		error_at(ps, loc, "unknown syscall '%s'", name);
}

/*
 * Finds @name's number: 0 and @nr, 1 if an optional name is missing here,
 * or -EINVAL (reported).
 */
int resolve_syscall(struct parser *ps, const char *name, bool optional,
		    const struct policy_loc *loc, int *nr)
{
	*nr = filter_arch_syscall_nr(ps->arch, name);
	if (*nr >= 0)
		return 0;
	if (!filter_syscall_known(name)) {
		unknown_syscall(ps, loc, name);
		return -EINVAL;
	}
	if (optional)
		return 1;
	error_at(ps, loc,
		 "syscall '%s' does not exist on %s; write '?%s' to skip it "
		 "there",
		 name, ps->arch->name, name);
	return -EINVAL;
}

/* Reads [?]name at the current token; 1 if this architecture skips it. */
static int parse_syscall_name(struct parser *ps, struct policy_loc *loc,
			      int *nr)
{
	char name[NAME_MAX_LEN + 1], buf[64];
	bool optional = false;

	*loc = tok_loc(ps);
	if (tok_is(tok(ps), "?")) {
		optional = true;
		next(ps);
	}
	if (tok(ps)->kind != TOK_NAME) {
		error_at_tok(ps, "expected a syscall name, found %s",
			     tok_desc(tok(ps), buf, sizeof(buf)));
		return -EINVAL;
	}
	if (!tok_name(tok(ps), name)) {
		error_at_tok(ps, "unknown syscall '%.*s'", (int)tok(ps)->len,
			     tok(ps)->text);
		next(ps);
		return -EINVAL;
	}
	next(ps);
	return resolve_syscall(ps, name, optional, loc, nr);
}

bool rule_exists(struct parser *ps, int nr)
{
	size_t i;

	for (i = 0; i < ps->nrules; i++)
		if (ps->rules[i].nr == nr)
			return true;
	return false;
}

/* Checks @r against the unconditional rule @prev of the same syscall. */
static int check_after_uncond(struct parser *ps, const struct policy_rule *r,
			      const struct policy_rule *prev)
{
	char a[32], b[32];

	if (r->nclauses) {
		error_at(ps, &r->loc,
			 "unreachable rule for '%s': the rule at %s:%u:%u "
			 "has no condition and always decides first",
			 r->name, prev->loc.file, prev->loc.line,
			 prev->loc.col);
		return -EINVAL;
	}
	if (r->action == prev->action)
		return 1;
	error_at(ps, &r->loc,
		 "conflicting actions for '%s': %s here, %s at %s:%u:%u",
		 r->name, action_desc(r->action, a, sizeof(a)),
		 action_desc(prev->action, b, sizeof(b)), prev->loc.file,
		 prev->loc.line, prev->loc.col);
	return -EINVAL;
}

/* Adds @r in source order; a repeated identical unconditional rule merges. */
static int add_rule(struct parser *ps, const struct policy_rule *r)
{
	size_t nr = (size_t)r->nr;
	int err;

	if (nr > ps->maxnr)
		return -EINVAL;
	if (ps->uncond[nr]) {
		err = check_after_uncond(ps, r, &ps->rules[ps->uncond[nr] - 1]);
		return err > 0 ? 0 : err;
	}
	err = grow((void **)&ps->rules, &ps->caprules, ps->nrules,
		   sizeof(*ps->rules));
	if (err)
		return err;
	ps->rules[ps->nrules++] = *r;
	if (!r->nclauses)
		ps->uncond[nr] = ps->nrules;
	return 0;
}

/* The optional ':' condition and '->' action that follow a rule's name. */
static int parse_rule_tail(struct parser *ps, struct policy_rule *r)
{
	int err;

	if (tok_is(tok(ps), ":")) {
		next(ps);
		err = parse_cond(ps, &r->clauses, &r->nclauses);
		if (err)
			return err;
	}
	if (tok_is(tok(ps), "->")) {
		next(ps);
		err = parse_action(ps, &r->action);
		if (err)
			return err;
	}
	return expect_end(ps, "the rule");
}

int parse_rule(struct parser *ps)
{
	struct policy_rule r = { .action = SECCOMP_RET_ALLOW };
	int skip, err;

	skip = parse_syscall_name(ps, &r.loc, &r.nr);
	if (skip < 0)
		return skip;

	/* A rule skipped here is still read, so its syntax is checked. */
	ps->lenient = skip;
	err = parse_rule_tail(ps, &r);
	ps->lenient = false;
	if (err || skip)
		return err;
	r.name = filter_arch_syscall_name(ps->arch, r.nr);
	return add_rule(ps, &r);
}

static struct group *find_group(struct parser *ps, const char *name)
{
	size_t i;

	for (i = 0; i < ps->ngroups; i++)
		if (!strcmp(ps->groups[i].name, name))
			return &ps->groups[i];
	return NULL;
}

/* The group named by the current @group token, or NULL (reported). */
static struct group *group_at_tok(struct parser *ps)
{
	char name[NAME_MAX_LEN + 1];
	const char *near;
	struct group *g;

	if (!tok(ps)->len || !tok_name(tok(ps), name)) {
		error_at_tok(ps, "expected a group name after '@'");
		return NULL;
	}
	g = find_group(ps, name);
	if (g)
		return g;
	near = closest_name(name, ps->groups, ps->ngroups, sizeof(*g));
	if (near)
		error_at_tok(ps, "unknown group '@%s'; did you mean '@%s'?",
			     name, near);
	else
		error_at_tok(ps, "unknown group '@%s'", name);
	return NULL;
}

int parse_group_use(struct parser *ps)
{
	struct policy_rule r = { .action = SECCOMP_RET_ALLOW };
	struct group *g;
	size_t i;
	int err;

	r.loc = tok_loc(ps);
	g = group_at_tok(ps);
	if (!g)
		return -EINVAL;
	next(ps);
	if (tok_is(tok(ps), ":")) {
		error_at_tok(ps,
			     "a condition applies to one syscall, not to "
			     "the group '@%s'",
			     g->name);
		return -EINVAL;
	}
	err = parse_rule_tail(ps, &r);
	for (i = 0; !err && i < g->nmembers; i++) {
		r.nr = g->members[i].nr;
		r.name = g->members[i].name;
		err = add_rule(ps, &r);
		if (err == -EINVAL)
			err = 0;
	}
	return err;
}

static int add_member(struct group *g, int nr, const char *name)
{
	size_t i;
	int err;

	for (i = 0; i < g->nmembers; i++)
		if (g->members[i].nr == nr)
			return 0;
	err = grow((void **)&g->members, &g->cap, g->nmembers,
		   sizeof(*g->members));
	if (err)
		return err;
	g->members[g->nmembers].nr = nr;
	g->members[g->nmembers].name = name;
	g->nmembers++;
	return 0;
}

/* One member of a group definition: [?]syscall or @group. */
static int parse_member(struct parser *ps, struct group *g)
{
	struct policy_loc loc;
	struct group *inner;
	size_t i;
	int nr, err;

	if (tok(ps)->kind == TOK_GROUP) {
		inner = group_at_tok(ps);
		if (inner == g) {
			error_at_tok(ps, "group '@%s' cannot contain itself",
				     g->name);
			inner = NULL;
		}
		next(ps);
		if (!inner)
			return -EINVAL;
		for (i = 0, err = 0; !err && i < inner->nmembers; i++)
			err = add_member(g, inner->members[i].nr,
					 inner->members[i].name);
		return err;
	}
	err = parse_syscall_name(ps, &loc, &nr);
	if (err)
		return err < 0 ? err : 0;
	return add_member(g, nr, filter_arch_syscall_name(ps->arch, nr));
}

/* After a bad token in a group: on to the next line or the '}'. */
static void skip_member_line(struct parser *ps)
{
	while (tok(ps)->kind != TOK_NEWLINE && tok(ps)->kind != TOK_EOF &&
	       !tok_is(tok(ps), "}"))
		next(ps);
}

/* The members between '{' and '}'; a bad one is reported and passed. */
static int parse_members(struct parser *ps, struct group *g,
			 const struct policy_loc *open)
{
	char buf[64];
	int err;

	for (;;) {
		while (tok(ps)->kind == TOK_NEWLINE)
			next(ps);
		if (tok_is(tok(ps), "}"))
			return 0;
		if (tok(ps)->kind == TOK_EOF) {
			error_at(ps, open, "group '@%s' has no closing '}'",
				 g->name);
			return -EINVAL;
		}
		if (tok(ps)->kind != TOK_NAME && tok(ps)->kind != TOK_GROUP &&
		    !tok_is(tok(ps), "?")) {
			error_at_tok(ps,
				     "a group lists syscall names and "
				     "@groups only, found %s",
				     tok_desc(tok(ps), buf, sizeof(buf)));
			skip_member_line(ps);
			continue;
		}
		err = parse_member(ps, g);
		if (err == -ENOMEM)
			return err;
	}
}

/* Adds the group the current token names, as @g. */
static int new_group(struct parser *ps, struct group **g)
{
	char name[NAME_MAX_LEN + 1];
	struct group *old;

	if (tok(ps)->kind != TOK_GROUP || !tok(ps)->len ||
	    !tok_name(tok(ps), name)) {
		error_at_tok(ps, "expected '@name' after 'group'");
		return -EINVAL;
	}
	old = find_group(ps, name);
	if (old) {
		error_at_tok(ps, "group '@%s' is already defined at %s:%u:%u",
			     name, old->loc.file, old->loc.line, old->loc.col);
		return -EINVAL;
	}
	if (grow((void **)&ps->groups, &ps->capgroups, ps->ngroups,
		 sizeof(*ps->groups)))
		return -ENOMEM;
	*g = &ps->groups[ps->ngroups];
	memset(*g, 0, sizeof(**g));
	(*g)->loc = tok_loc(ps);
	(*g)->name = pool_strndup(ps, name, strlen(name));
	if (!(*g)->name)
		return -ENOMEM;
	ps->ngroups++;
	return 0;
}

int parse_group_def(struct parser *ps)
{
	struct policy_loc open;
	struct group *g;
	char buf[64];
	int err;

	next(ps);
	err = new_group(ps, &g);
	if (err)
		return err;
	next(ps);
	if (!tok_is(tok(ps), "{")) {
		error_at_tok(ps, "expected '{' after the group name, found %s",
			     tok_desc(tok(ps), buf, sizeof(buf)));
		return -EINVAL;
	}
	open = tok_loc(ps);
	next(ps);
	err = parse_members(ps, g, &open);
	if (err)
		return err;
	next(ps);
	return expect_end(ps, "the group");
}

static int add_hot(struct parser *ps, int nr, const struct policy_loc *loc)
{
	size_t i;
	int err;

	for (i = 0; i < ps->nhot; i++)
		if (ps->hot[i].nr == nr)
			return 0;
	err = grow((void **)&ps->hot, &ps->caphot, ps->nhot, sizeof(*ps->hot));
	if (err)
		return err;
	ps->hot[ps->nhot].nr = nr;
	ps->hot[ps->nhot].name = filter_arch_syscall_name(ps->arch, nr);
	ps->hot[ps->nhot].loc = *loc;
	ps->nhot++;
	return 0;
}

int parse_hot(struct parser *ps)
{
	struct policy_loc loc;
	int nr, err;

	next(ps);
	do {
		err = parse_syscall_name(ps, &loc, &nr);
		if (err < 0)
			return err;
		if (!err) {
			err = add_hot(ps, nr, &loc);
			if (err)
				return err;
		}
	} while (tok(ps)->kind != TOK_NEWLINE && tok(ps)->kind != TOK_EOF);
	return 0;
}
