// SPDX-License-Identifier: MIT
/*
 * husk's policy parser: files, includes, statements, and the final sorted
 * struct policy. Rules and groups are in rule.c, conditions in cond.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/seccomp.h>
#include <sys/stat.h>

#include "filter/parse.h"
#include "filter/policy-int.h"

/* Deeper include chains than this are surely a mistake. */
#define MAX_INCLUDE_DEPTH 32
/* A policy file larger than this is surely not one. */
#define MAX_POLICY_SIZE (4u << 20)

struct pool_block {
	struct pool_block *next;
	max_align_t data[];
};

void *pool_alloc(struct parser *ps, size_t size)
{
	struct pool_block *b;

	b = calloc(1, sizeof(*b) + size);
	if (!b)
		return NULL;
	b->next = ps->out->pool;
	ps->out->pool = b;
	return b->data;
}

const char *pool_strndup(struct parser *ps, const char *s, size_t n)
{
	char *p = pool_alloc(ps, n + 1);

	if (p)
		memcpy(p, s, n);
	return p;
}

int grow(void **array, size_t *cap, size_t n, size_t size)
{
	size_t newcap;
	void *p;

	if (n < *cap)
		return 0;
	newcap = *cap ? *cap * 2 : 16;
	p = reallocarray(*array, newcap, size);
	if (!p)
		return -ENOMEM;
	*array = p;
	*cap = newcap;
	return 0;
}

struct token *tok(struct parser *ps)
{
	return &ps->src->lx.tok;
}

struct policy_loc tok_loc(struct parser *ps)
{
	struct policy_loc loc = {
		.file = ps->src->file,
		.line = tok(ps)->line,
		.col = tok(ps)->col,
	};

	return loc;
}

void next(struct parser *ps)
{
	lex_next(&ps->src->lx);
}

void next_skip_newlines(struct parser *ps)
{
	do
		lex_next(&ps->src->lx);
	while (tok(ps)->kind == TOK_NEWLINE);
}

const char *tok_desc(const struct token *t, char *buf, size_t size)
{
	switch (t->kind) {
	case TOK_EOF:
		return "end of file";
	case TOK_NEWLINE:
		return "end of line";
	case TOK_STRING:
		snprintf(buf, size, "'\"%.*s\"'", (int)t->len, t->text);
		return buf;
	case TOK_GROUP:
		snprintf(buf, size, "'@%.*s'", (int)t->len, t->text);
		return buf;
	default:
		snprintf(buf, size, "'%.*s'", (int)t->len, t->text);
		return buf;
	}
}

int expect_end(struct parser *ps, const char *what)
{
	char buf[64];

	if (tok(ps)->kind == TOK_NEWLINE || tok(ps)->kind == TOK_EOF)
		return 0;
	error_at_tok(ps, "unexpected %s after %s",
		     tok_desc(tok(ps), buf, sizeof(buf)), what);
	return -EINVAL;
}

bool tok_name(const struct token *t, char buf[NAME_MAX_LEN + 1])
{
	if (t->len > NAME_MAX_LEN)
		return false;
	memcpy(buf, t->text, t->len);
	buf[t->len] = '\0';
	return true;
}

void error_at(struct parser *ps, const struct policy_loc *loc, const char *fmt,
	      ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_error(ps->diag, loc, "%s", msg);
}

void error_at_tok(struct parser *ps, const char *fmt, ...)
{
	struct policy_loc loc = tok_loc(ps);
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_error(ps->diag, &loc, "%s", msg);
}

/* Levenshtein distance, for "did you mean" suggestions. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t row[NAME_MAX_LEN + 2], i, j, diag, up, cost;
	size_t la = strlen(a), lb = strlen(b);

	if (la > NAME_MAX_LEN || lb > NAME_MAX_LEN)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			cost = a[i - 1] == b[j - 1] ? 0 : 1;
			row[j] = diag + cost;
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
		}
	}
	return row[lb];
}

const char *closest_name(const char *name, const void *base, size_t n,
			 size_t stride)
{
	size_t i, d, best_d = SIZE_MAX, limit;
	const char *best = NULL, *cand;

	limit = strlen(name) / 3 + 1;
	if (limit > 2)
		limit = 2;
	for (i = 0; i < n; i++) {
		cand = *(const char *const *)((const char *)base + i * stride);
		d = edit_distance(name, cand);
		if (d < best_d) {
			best_d = d;
			best = cand;
		}
	}
	return best_d <= limit ? best : NULL;
}

/*
 * Reads a whole policy file into a NUL-terminated buffer; -EILSEQ if it
 * holds a NUL byte, which no text file does.
 */
static int read_text(const char *path, char **text)
{
	struct stat st;
	ssize_t n;
	size_t len = 0;
	char *buf;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		err = -errno;
		goto err_close;
	}
	if (S_ISDIR(st.st_mode) || st.st_size > MAX_POLICY_SIZE) {
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EFBIG;
		goto err_close;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		err = -ENOMEM;
		goto err_close;
	}
	while (len < (size_t)st.st_size) {
		n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
	if (strlen(buf) != len) {
		free(buf);
		return -EILSEQ;
	}
	*text = buf;
	return 0;

err_close:
	close(fd);
	return err;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return NULL;
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

static int parse_statements(struct parser *ps);

/*
 * Reads @text as file @file (@real: its realpath, or NULL) inside the
 * current one. @dir is taken over.
 */
static int parse_source(struct parser *ps, const char *file, char *dir,
			char *real, const char *text)
{
	struct source src = {
		.dir = dir,
		.real = real,
		.parent = ps->src,
	};
	int err = -ENOMEM;

	src.file = pool_strndup(ps, file, strlen(file));
	if (!src.file)
		goto out;
	lex_init(&src.lx, text);
	ps->src = &src;
	ps->depth++;
	err = parse_statements(ps);
	ps->depth--;
	ps->src = src.parent;
	if (!err && real) {
		err = grow((void **)&ps->done, &ps->capdone, ps->ndone,
			   sizeof(*ps->done));
		if (!err) {
			ps->done[ps->ndone++] = real;
			real = NULL;
		}
	}
out:
	free(real);
	free(dir);
	return err;
}

static const char *read_error(int err)
{
	return err == -EILSEQ ? "not a text file" : strerror(-err);
}

/* Whether @real is one of the files being read, from @src outwards. */
static bool being_read(const struct source *src, const char *real)
{
	for (; src; src = src->parent)
		if (src->real && !strcmp(src->real, real))
			return true;
	return false;
}

static bool already_read(const struct parser *ps, const char *real)
{
	size_t i;

	for (i = 0; i < ps->ndone; i++)
		if (!strcmp(ps->done[i], real))
			return true;
	return false;
}

static char *join_path(const char *dir, const char *name)
{
	char *path;

	if (!dir || name[0] == '/')
		return strdup(name);
	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return NULL;
	return path;
}

/* Reads the file an include statement at @loc names (as @path). */
static int include_file(struct parser *ps, const struct policy_loc *loc,
			char *path)
{
	char *text = NULL, *real = NULL, *dir;
	int err;

	err = read_text(path, &text);
	if (err == -ENOMEM)
		return err;
	if (err) {
		error_at(ps, loc, "cannot read '%s': %s", path,
			 read_error(err));
		return -EINVAL;
	}
	real = realpath(path, NULL);
	if (!real) {
		error_at(ps, loc, "cannot read '%s': %s", path,
			 strerror(errno));
		err = -EINVAL;
		goto out;
	}
	if (being_read(ps->src, real)) {
		error_at(ps, loc, "include loop: '%s' is already being read",
			 path);
		err = -EINVAL;
		goto out;
	}
	if (already_read(ps, real))
		goto out;
	dir = dir_of(path);
	if (!dir && strchr(path, '/')) {
		err = -ENOMEM;
		goto out;
	}
	err = parse_source(ps, path, dir, real, text);
	real = NULL;
out:
	free(real);
	free(text);
	return err;
}

static int parse_include(struct parser *ps)
{
	struct policy_loc loc = tok_loc(ps);
	char buf[64], *path, *full;
	int err;

	next(ps);
	if (tok(ps)->kind != TOK_STRING || !tok(ps)->len) {
		error_at_tok(ps,
			     "expected a file name in quotes after "
			     "'include', found %s",
			     tok_desc(tok(ps), buf, sizeof(buf)));
		return -EINVAL;
	}
	path = strndup(tok(ps)->text, tok(ps)->len);
	if (!path)
		return -ENOMEM;
	next(ps);
	if (expect_end(ps, "the include")) {
		free(path);
		return -EINVAL;
	}
	if (ps->depth >= MAX_INCLUDE_DEPTH) {
		error_at(ps, &loc, "includes nest deeper than %d files",
			 MAX_INCLUDE_DEPTH);
		free(path);
		return -EINVAL;
	}
	full = join_path(ps->src->dir, path);
	free(path);
	if (!full)
		return -ENOMEM;
	err = include_file(ps, &loc, full);
	free(full);
	return err;
}

static int parse_default(struct parser *ps)
{
	struct policy_loc loc = tok_loc(ps);
	uint32_t action;
	int err;

	next(ps);
	err = parse_action(ps, &action);
	if (!err)
		err = expect_end(ps, "the default action");
	if (err)
		return err;
	if (ps->have_default) {
		error_at(ps, &loc,
			 "the default action is already set at %s:%u:%u",
			 ps->default_loc.file, ps->default_loc.line,
			 ps->default_loc.col);
		return -EINVAL;
	}
	ps->have_default = true;
	ps->default_loc = loc;
	ps->out->default_action = action;
	return 0;
}

static int parse_statement(struct parser *ps)
{
	struct token *t = tok(ps);
	char buf[64];

	if (t->kind == TOK_NAME && tok_is(t, "include"))
		return parse_include(ps);
	if (t->kind == TOK_NAME && tok_is(t, "default"))
		return parse_default(ps);
	if (t->kind == TOK_NAME && tok_is(t, "hot"))
		return parse_hot(ps);
	if (t->kind == TOK_NAME && tok_is(t, "group"))
		return parse_group_def(ps);
	if (t->kind == TOK_NAME || tok_is(t, "?"))
		return parse_rule(ps);
	if (t->kind == TOK_GROUP)
		return parse_group_use(ps);
	if (t->kind == TOK_BAD && t->text[0] == '"')
		error_at_tok(ps, "unterminated string");
	else if (t->kind == TOK_BAD)
		error_at_tok(ps, "unexpected character %s",
			     tok_desc(t, buf, sizeof(buf)));
	else
		error_at_tok(ps,
			     "expected a syscall name, a @group or a "
			     "keyword, found %s",
			     tok_desc(t, buf, sizeof(buf)));
	return -EINVAL;
}

/* After a bad statement: on to the next line, past any open braces. */
static void skip_statement(struct parser *ps)
{
	int braces = 0;

	while (tok(ps)->kind != TOK_EOF) {
		if (tok_is(tok(ps), "{"))
			braces++;
		else if (tok_is(tok(ps), "}") && braces > 0)
			braces--;
		else if (tok(ps)->kind == TOK_NEWLINE && braces == 0)
			break;
		next(ps);
	}
}

static int parse_statements(struct parser *ps)
{
	int err;

	while (tok(ps)->kind != TOK_EOF) {
		if (tok(ps)->kind == TOK_NEWLINE) {
			next(ps);
			continue;
		}
		err = parse_statement(ps);
		if (err == -ENOMEM)
			return err;
		if (err)
			skip_statement(ps);
	}
	return 0;
}

static int check_hot(struct parser *ps)
{
	size_t i;

	for (i = 0; i < ps->nhot; i++)
		if (!rule_exists(ps, ps->hot[i].nr))
			error_at(ps, &ps->hot[i].loc,
				 "hot syscall '%s' has no rule",
				 ps->hot[i].name);
	return 0;
}

struct rule_order {
	int nr;
	size_t index;
};

static int cmp_rule_order(const void *a, const void *b)
{
	const struct rule_order *x = a, *y = b;

	if (x->nr != y->nr)
		return x->nr < y->nr ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Moves the rules into the pool, sorted by number and stable. */
static int finish_rules(struct parser *ps)
{
	struct policy *out = ps->out;
	struct rule_order *order;
	size_t i;

	order = calloc(ps->nrules + 1, sizeof(*order));
	out->rules = pool_alloc(ps, (ps->nrules + 1) * sizeof(*out->rules));
	if (!order || !out->rules) {
		free(order);
		return -ENOMEM;
	}
	for (i = 0; i < ps->nrules; i++) {
		order[i].nr = ps->rules[i].nr;
		order[i].index = i;
	}
	/* NOTE: qsort() is not stable; the index tie-break makes it so. */
	qsort(order, ps->nrules, sizeof(*order), cmp_rule_order);
	for (i = 0; i < ps->nrules; i++)
		out->rules[i] = ps->rules[order[i].index];
	out->nrules = ps->nrules;
	free(order);
	return 0;
}

static int finish(struct parser *ps)
{
	struct policy *out = ps->out;
	size_t i;
	int err;

	check_hot(ps);
	err = finish_rules(ps);
	if (err)
		return err;
	out->hot = pool_alloc(ps, (ps->nhot + 1) * sizeof(*out->hot));
	if (!out->hot)
		return -ENOMEM;
	for (i = 0; i < ps->nhot; i++)
		out->hot[i] = ps->hot[i].nr;
	out->nhot = ps->nhot;
	return 0;
}

static void parser_release(struct parser *ps)
{
	size_t i;

	for (i = 0; i < ps->ndone; i++)
		free(ps->done[i]);
	free(ps->done);
	for (i = 0; i < ps->ngroups; i++)
		free(ps->groups[i].members);
	free(ps->groups);
	free(ps->rules);
	free(ps->uncond);
	free(ps->hot);
}

/* Parses @text as the top-level file; takes over @dir and @real. */
static int parse_top(const char *name, char *dir, char *real, const char *text,
		     const struct filter_arch *arch, struct policy *out,
		     struct diag *diag)
{
	struct parser ps = { .arch = arch, .out = out, .diag = diag };
	unsigned int nerrors = diag->nerrors;
	int err = -ENOMEM;

	memset(out, 0, sizeof(*out));
	out->arch = arch;
	out->default_action = SECCOMP_RET_KILL_PROCESS;
	ps.maxnr = (size_t)filter_arch_max_nr(arch);
	ps.uncond = calloc(ps.maxnr + 1, sizeof(*ps.uncond));
	out->path = pool_strndup(&ps, name, strlen(name));
	if (!ps.uncond || !out->path) {
		free(dir);
		free(real);
		goto out;
	}
	err = parse_source(&ps, name, dir, real, text);
	if (!err)
		err = finish(&ps);
	if (!err && diag->nerrors != nerrors)
		err = -EINVAL;
out:
	parser_release(&ps);
	if (err)
		policy_free(out);
	if (err == -ENOMEM)
		diag_error(diag, NULL, "out of memory");
	return err;
}

int policy_parse_file(const char *path, const struct filter_arch *arch,
		      struct policy *out, struct diag *diag)
{
	char *text, *dir, *real;
	int err;

	memset(out, 0, sizeof(*out));
	err = read_text(path, &text);
	if (err) {
		diag_error(diag, NULL, "cannot read '%s': %s", path,
			   read_error(err));
		return err == -EILSEQ ? -EINVAL : err;
	}
	dir = dir_of(path);
	real = realpath(path, NULL);
	if ((!dir && strchr(path, '/')) || !real) {
		err = real ? -ENOMEM : -errno;
		diag_error(diag, NULL, "cannot read '%s': %s", path,
			   strerror(-err));
		free(dir);
		free(real);
		free(text);
		return err;
	}
	err = parse_top(path, dir, real, text, arch, out, diag);
	free(text);
	return err;
}

int policy_parse_string(const char *name, const char *dir, const char *text,
			const struct filter_arch *arch, struct policy *out,
			struct diag *diag)
{
	char *d = NULL;

	memset(out, 0, sizeof(*out));
	if (dir) {
		d = strdup(dir);
		if (!d) {
			diag_error(diag, NULL, "out of memory");
			return -ENOMEM;
		}
	}
	return parse_top(name, d, NULL, text, arch, out, diag);
}

void policy_free(struct policy *p)
{
	struct pool_block *b = p->pool, *nextb;

	for (; b; b = nextb) {
		nextb = b->next;
		free(b);
	}
	memset(p, 0, sizeof(*p));
}
