// SPDX-License-Identifier: MIT
/*
 * The tokenizer of husk's policy language. Comments run from '#' to the end
 * of the line; line ends are tokens because they end statements.
 */
#include <string.h>

#include "filter/lex.h"

/* Longest first, so that "||" is never read as two "|". */
static const char *const puncts[] = {
	"->", "||", "&&", "==", "!=", "<=", ">=", "?", ":", "|",
	"&",  "(",  ")",  "{",	"}",  "<",  ">",  "-", "=", "!",
};

static bool is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

static void advance(struct lexer *lx, size_t n)
{
	lx->p += n;
	lx->col += (unsigned int)n;
}

static void skip_blanks(struct lexer *lx)
{
	for (;;) {
		if (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r')
			advance(lx, 1);
		else if (*lx->p == '#')
			while (*lx->p && *lx->p != '\n')
				advance(lx, 1);
		else
			return;
	}
}

static size_t span_name(const char *p)
{
	size_t n = 0;

	while (is_name_char(p[n]))
		n++;
	return n;
}

static void set_tok(struct lexer *lx, enum tok_kind kind, const char *text,
		    size_t len)
{
	lx->tok.kind = kind;
	lx->tok.text = text;
	lx->tok.len = len;
	lx->tok.line = lx->line;
	lx->tok.col = lx->col;
}

static void lex_string(struct lexer *lx)
{
	const char *end = lx->p + 1;

	while (*end && *end != '"' && *end != '\n')
		end++;
	if (*end != '"') {
		set_tok(lx, TOK_BAD, lx->p, 1);
		advance(lx, (size_t)(end - lx->p));
		return;
	}
	set_tok(lx, TOK_STRING, lx->p + 1, (size_t)(end - lx->p - 1));
	advance(lx, (size_t)(end - lx->p + 1));
}

static bool lex_punct(struct lexer *lx)
{
	size_t i, n;

	for (i = 0; i < sizeof(puncts) / sizeof(puncts[0]); i++) {
		n = strlen(puncts[i]);
		if (!strncmp(lx->p, puncts[i], n)) {
			set_tok(lx, TOK_PUNCT, lx->p, n);
			advance(lx, n);
			return true;
		}
	}
	return false;
}

void lex_next(struct lexer *lx)
{
	char c;
	size_t n;

	skip_blanks(lx);
	c = *lx->p;
	if (!c) {
		set_tok(lx, TOK_EOF, lx->p, 0);
	} else if (c == '\n') {
		set_tok(lx, TOK_NEWLINE, lx->p, 1);
		lx->p++;
		lx->line++;
		lx->col = 1;
	} else if (is_name_char(c)) {
		n = span_name(lx->p);
		set_tok(lx, is_name_start(c) ? TOK_NAME : TOK_NUMBER, lx->p, n);
		advance(lx, n);
	} else if (c == '@') {
		n = span_name(lx->p + 1);
		set_tok(lx, TOK_GROUP, lx->p + 1, n);
		advance(lx, n + 1);
	} else if (c == '"') {
		lex_string(lx);
	} else if (!lex_punct(lx)) {
		set_tok(lx, TOK_BAD, lx->p, 1);
		advance(lx, 1);
	}
}

void lex_init(struct lexer *lx, const char *text)
{
	lx->p = text;
	lx->line = 1;
	lx->col = 1;
	lex_next(lx);
}

bool tok_is(const struct token *t, const char *s)
{
	if (t->kind != TOK_PUNCT && t->kind != TOK_NAME)
		return false;
	return t->len == strlen(s) && !memcmp(t->text, s, t->len);
}
