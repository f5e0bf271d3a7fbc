/* SPDX-License-Identifier: MIT */
/*
 * The tokenizer of husk's policy language: names, numbers, strings,
 * @groups, operators and line ends, each with its line and column.
 */
#ifndef HUSK_FILTER_LEX_H
#define HUSK_FILTER_LEX_H

#include <stdbool.h>
#include <stddef.h>

enum tok_kind {
	TOK_EOF,
	TOK_NEWLINE,
	TOK_NAME, /* [A-Za-z_][A-Za-z0-9_]* */
	TOK_NUMBER, /* a digit and the letters and digits after it */
	TOK_STRING, /* "...", on one line; text excludes the quotes */
	TOK_GROUP, /* @name; text excludes the '@' */
	TOK_PUNCT, /* ? : -> || | && & ( ) { } == != <= < >= > - */
	TOK_BAD, /* a character no token starts with, or an open string */
};

struct token {
	enum tok_kind kind;
	const char *text; /* into the source, not NUL-terminated */
	size_t len;
	unsigned int line;
	unsigned int col; /* 1-based, counted in bytes */
};

struct lexer {
	const char *p; /* the next character to read */
	unsigned int line;
	unsigned int col;
	struct token tok; /* the current token */
};

/* Starts on NUL-terminated @text and reads the first token. */
void lex_init(struct lexer *lx, const char *text);

/* Moves to the next token. */
void lex_next(struct lexer *lx);

/* Whether @t is the punctuation or name @s. */
bool tok_is(const struct token *t, const char *s);

#endif
