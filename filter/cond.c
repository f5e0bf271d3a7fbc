// SPDX-License-Identifier: MIT
/*
 * Conditions, values and actions of husk's policy language:
 * "argN OP VALUE" comparisons joined by && and ||, masks, 32-bit compares,
 * numbers and UAPI constants, and the SECCOMP_RET_* action names.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/seccomp.h>

#include "filter/policy-int.h"
#include "filter/tables.h"

/* The kernel caps SECCOMP_RET_ERRNO data at MAX_ERRNO. */
#define MAX_ERRNO 4095

/* Comparisons parsed so far, and where each clause ends. */
struct cond_buf {
	struct policy_cmp *cmps;
	size_t ncmps, capcmps;
	size_t *ends;
	size_t nclauses, capends;
};

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* Reads a decimal, 0x hex or 0 octal number token. */
static int parse_number(struct parser *ps, uint64_t *v)
{
	const struct token *t = tok(ps);
	unsigned int base = 10;
	size_t i = 0;
	int d;

	if (t->len > 2 && t->text[0] == '0' &&
	    (t->text[1] == 'x' || t->text[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (t->len > 1 && t->text[0] == '0') {
		base = 8;
		i = 1;
	}
	for (*v = 0; i < t->len; i++) {
		d = digit_value(t->text[i]);
		if (d >= (int)base) {
			error_at_tok(ps, "bad number '%.*s'", (int)t->len,
				     t->text);
			return -EINVAL;
		}
		if (*v > (UINT64_MAX - (uint64_t)d) / base) {
			error_at_tok(ps,
				     "number '%.*s' does not fit in 64 bits",
				     (int)t->len, t->text);
			return -EINVAL;
		}
		*v = *v * base + (uint64_t)d;
	}
	return 0;
}

static const struct filter_arch *arch_with_const(const char *name)
{
	const struct filter_arch *const *a;
	uint64_t v;

	for (a = filter_arches; *a; a++)
		if (!filter_arch_const(*a, name, &v))
			return *a;
	return NULL;
}

static int lookup_const(struct parser *ps, uint64_t *v)
{
	char name[NAME_MAX_LEN + 1] = "";
	const char *near;

	if (tok_name(tok(ps), name) && !filter_arch_const(ps->arch, name, v))
		return 0;
	if (tok(ps)->len <= NAME_MAX_LEN && arch_with_const(name)) {
		/* A rule this architecture skips may name another's. */
		*v = 0;
		if (ps->lenient)
			return 0;
		error_at_tok(ps, "constant '%s' does not exist on %s", name,
			     ps->arch->name);
		return -EINVAL;
	}
	near = NULL;
	if (tok(ps)->len <= NAME_MAX_LEN)
		near = closest_name(name, ps->arch->consts, ps->arch->nconsts,
				    sizeof(ps->arch->consts[0]));
	if (near)
		error_at_tok(ps, "unknown constant '%.*s'; did you mean '%s'?",
			     (int)tok(ps)->len, tok(ps)->text, near);
	else
		error_at_tok(ps, "unknown constant '%.*s'", (int)tok(ps)->len,
			     tok(ps)->text);
	return -EINVAL;
}

/* One term of a value: [-]number or a constant name. */
static int parse_term(struct parser *ps, const char *after, uint64_t *v)
{
	char buf[64];
	bool minus = false;
	int err;

	if (tok_is(tok(ps), "-")) {
		minus = true;
		next(ps);
	}
	if (tok(ps)->kind == TOK_NUMBER) {
		err = parse_number(ps, v);
	} else if (tok(ps)->kind == TOK_NAME && !minus) {
		err = lookup_const(ps, v);
	} else {
		error_at_tok(ps, "expected a value after '%s', found %s",
			     minus ? "-" : after,
			     tok_desc(tok(ps), buf, sizeof(buf)));
		return -EINVAL;
	}
	if (err)
		return err;
	if (minus && *v > (UINT64_C(1) << 63)) {
		error_at_tok(ps, "number '-%.*s' does not fit in 64 bits",
			     (int)tok(ps)->len, tok(ps)->text);
		return -EINVAL;
	}
	if (minus)
		*v = (uint64_t)0 - *v;
	next(ps);
	return 0;
}

/* A value: terms joined by '|'. @after names what it follows. */
static int parse_value(struct parser *ps, const char *after, uint64_t *v)
{
	uint64_t term;
	int err;

	err = parse_term(ps, after, v);
	while (!err && tok_is(tok(ps), "|")) {
		next(ps);
		err = parse_term(ps, "|", &term);
		if (!err)
			*v |= term;
	}
	return err;
}

/* Reads argN; N must be 0..5. */
static int parse_arg(struct parser *ps, unsigned int *arg)
{
	const struct token *t = tok(ps);
	char buf[64];
	size_t i;

	if (t->kind != TOK_NAME || t->len < 4 || strncmp(t->text, "arg", 3)) {
		error_at_tok(ps, "expected arg0 to arg5, found %s",
			     tok_desc(t, buf, sizeof(buf)));
		return -EINVAL;
	}
	for (i = 3; i < t->len; i++)
		if (t->text[i] < '0' || t->text[i] > '9')
			break;
	if (i < t->len || t->len != 4 || t->text[3] > '5') {
		error_at_tok(ps,
			     "%s is not an argument: syscalls have "
			     "arg0 to arg5",
			     tok_desc(t, buf, sizeof(buf)));
		return -EINVAL;
	}
	*arg = (unsigned int)(t->text[3] - '0');
	next(ps);
	return 0;
}

/* Reads "(u32)" or "(u64)" if that is what follows. */
static void parse_cast(struct parser *ps, unsigned int *width)
{
	struct lexer ahead = ps->src->lx;

	if (!tok_is(&ahead.tok, "("))
		return;
	lex_next(&ahead);
	if (!tok_is(&ahead.tok, "u32") && !tok_is(&ahead.tok, "u64"))
		return;
	*width = tok_is(&ahead.tok, "u32") ? 32 : 64;
	lex_next(&ahead);
	if (!tok_is(&ahead.tok, ")"))
		return;
	lex_next(&ahead);
	ps->src->lx = ahead;
}

/* Reads "(argN & MASK)" from its '('. */
static int parse_masked(struct parser *ps, struct policy_cmp *c)
{
	char buf[64];
	int err;

	next(ps);
	parse_cast(ps, &c->width);
	err = parse_arg(ps, &c->arg);
	if (err)
		return err;
	if (!tok_is(tok(ps), "&")) {
		error_at_tok(ps,
			     "expected '&' after arg%u: parentheses hold a "
			     "masked argument, (argN & MASK)",
			     c->arg);
		return -EINVAL;
	}
	next(ps);
	err = parse_value(ps, "&", &c->mask);
	if (err)
		return err;
	if (!tok_is(tok(ps), ")")) {
		error_at_tok(ps, "expected ')' after the mask, found %s",
			     tok_desc(tok(ps), buf, sizeof(buf)));
		return -EINVAL;
	}
	next(ps);
	return 0;
}

/* NOTE: in enum cmp_op's order, so that ops[op].text names op. */
static const struct {
	const char *text;
	enum cmp_op op;
} ops[] = {
	{ "==", CMP_EQ }, { "!=", CMP_NE }, { "<", CMP_LT },
	{ "<=", CMP_LE }, { ">", CMP_GT },  { ">=", CMP_GE },
};

static int parse_op(struct parser *ps, struct policy_cmp *c)
{
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (tok_is(tok(ps), ops[i].text)) {
			c->op = ops[i].op;
			return 0;
		}
	}
	if (tok_is(tok(ps), "&"))
		error_at_tok(ps,
			     "a mask needs parentheses: (arg%u & MASK) "
			     "OP VALUE",
			     c->arg);
	else
		error_at_tok(ps,
			     "expected a comparison operator (== != < <= "
			     "> >=), found %s",
			     tok_desc(tok(ps), buf, sizeof(buf)));
	return -EINVAL;
}

/*
 * Fits @v to a 32-bit compare: it must fit in 32 bits, or be a negative
 * 32-bit number sign-extended (AT_FDCWD), which keeps its low word.
 */
static int fit_u32(struct parser *ps, const struct policy_loc *loc,
		   const char *what, uint64_t *v)
{
	if (*v <= UINT32_MAX)
		return 0;
	if ((*v >> 31) == (UINT64_MAX >> 31)) {
		*v &= UINT32_MAX;
		return 0;
	}
	error_at(ps, loc,
		 "%s 0x%" PRIx64 " does not fit the 32-bit compare of (u32)",
		 what, *v);
	return -EINVAL;
}

/* One comparison: [(u32)]argN OP VALUE or [(u32)](argN & MASK) OP VALUE. */
static int parse_cmp(struct parser *ps, struct policy_cmp *c)
{
	struct policy_loc loc = tok_loc(ps), vloc;
	int err;

	c->width = 64;
	c->mask = UINT64_MAX;
	parse_cast(ps, &c->width);
	if (tok_is(tok(ps), "("))
		err = parse_masked(ps, c);
	else
		err = parse_arg(ps, &c->arg);
	if (err)
		return err;
	err = parse_op(ps, c);
	if (err)
		return err;
	next(ps);
	vloc = tok_loc(ps);
	err = parse_value(ps, ops[c->op].text, &c->value);
	if (err || c->width == 64)
		return err;
	err = fit_u32(ps, &loc, "mask", &c->mask);
	if (!err)
		err = fit_u32(ps, &vloc, "value", &c->value);
	return err;
}

static int push_cmp(struct cond_buf *cb, const struct policy_cmp *c)
{
	int err;

	err = grow((void **)&cb->cmps, &cb->capcmps, cb->ncmps,
		   sizeof(*cb->cmps));
	if (!err)
		cb->cmps[cb->ncmps++] = *c;
	return err;
}

static int end_clause(struct cond_buf *cb)
{
	int err;

	err = grow((void **)&cb->ends, &cb->capends, cb->nclauses,
		   sizeof(*cb->ends));
	if (!err)
		cb->ends[cb->nclauses++] = cb->ncmps;
	return err;
}

/* Copies the parsed clauses into the policy's pool. */
static int store_clauses(struct parser *ps, const struct cond_buf *cb,
			 struct policy_clause **clauses, size_t *nclauses)
{
	struct policy_clause *cl;
	size_t i, start = 0, n;

	cl = pool_alloc(ps, cb->nclauses * sizeof(*cl));
	if (!cl)
		return -ENOMEM;
	for (i = 0; i < cb->nclauses; i++) {
		n = cb->ends[i] - start;
		cl[i].cmps = pool_alloc(ps, n * sizeof(*cl[i].cmps));
		if (!cl[i].cmps)
			return -ENOMEM;
		memcpy(cl[i].cmps, cb->cmps + start, n * sizeof(*cl[i].cmps));
		cl[i].ncmps = n;
		start = cb->ends[i];
	}
	*clauses = cl;
	*nclauses = cb->nclauses;
	return 0;
}

/* Comparisons joined by && form a clause; clauses are joined by ||. */
static int parse_clauses(struct parser *ps, struct cond_buf *cb)
{
	struct policy_cmp c;
	int err;

	for (;;) {
		memset(&c, 0, sizeof(c));
		err = parse_cmp(ps, &c);
		if (!err)
			err = push_cmp(cb, &c);
		if (err)
			return err;
		if (tok_is(tok(ps), "&&")) {
			next_skip_newlines(ps);
			continue;
		}
		err = end_clause(cb);
		if (err || !tok_is(tok(ps), "||"))
			return err;
		next_skip_newlines(ps);
	}
}

int parse_cond(struct parser *ps, struct policy_clause **clauses,
	       size_t *nclauses)
{
	struct cond_buf cb = { 0 };
	int err;

	err = parse_clauses(ps, &cb);
	if (!err)
		err = store_clauses(ps, &cb, clauses, nclauses);
	free(cb.cmps);
	free(cb.ends);
	return err;
}

static const struct {
	const char *name;
	uint32_t action;
} actions[] = {
	{ "allow", SECCOMP_RET_ALLOW },
	{ "kill", SECCOMP_RET_KILL_PROCESS },
	{ "kill_process", SECCOMP_RET_KILL_PROCESS },
	{ "kill_thread", SECCOMP_RET_KILL_THREAD },
	{ "trap", SECCOMP_RET_TRAP },
	{ "log", SECCOMP_RET_LOG },
};

static int parse_errno(struct parser *ps, uint32_t *action)
{
	struct policy_loc loc;
	uint64_t v;
	int err;

	next(ps);
	loc = tok_loc(ps);
	err = parse_value(ps, "errno", &v);
	if (err)
		return err;
	if (v > MAX_ERRNO) {
		error_at(ps, &loc,
			 "errno value %" PRIu64 " is out of range (0 to %d)", v,
			 MAX_ERRNO);
		return -EINVAL;
	}
	*action = SECCOMP_RET_ERRNO | (uint32_t)v;
	return 0;
}

int parse_action(struct parser *ps, uint32_t *action)
{
	char buf[64];
	size_t i;

	if (tok_is(tok(ps), "errno"))
		return parse_errno(ps, action);
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (tok(ps)->kind == TOK_NAME &&
		    tok_is(tok(ps), actions[i].name)) {
			*action = actions[i].action;
			next(ps);
			return 0;
		}
	}
	error_at_tok(ps,
		     "expected an action (allow, kill, kill_thread, trap, "
		     "log, errno N), found %s",
		     tok_desc(tok(ps), buf, sizeof(buf)));
	return -EINVAL;
}

const char *action_desc(uint32_t action, char *buf, size_t size)
{
	size_t i;

	if ((action & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO) {
		snprintf(buf, size, "errno %u", action & SECCOMP_RET_DATA);
		return buf;
	}
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (actions[i].action == action)
			return actions[i].name;
	snprintf(buf, size, "action 0x%08x", action);
	return buf;
}
