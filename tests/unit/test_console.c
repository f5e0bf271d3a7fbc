// SPDX-License-Identifier: MIT
/*
 * Tests of the console's escape handling: Ctrl-A x quits, Ctrl-A Ctrl-A
 * sends one Ctrl-A, other bytes pass, and nothing is special without a
 * terminal.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/console.h"

static size_t filter(struct console *con, const char *in, char *out, bool *quit)
{
	size_t n = console_filter(con, (const uint8_t *)in, strlen(in),
				  (uint8_t *)out, quit);

	out[n] = '\0';
	return n;
}

START_TEST(plain_bytes_pass)
{
	struct console con = { .escapes = true };
	char out[64];
	bool quit;

	ck_assert_uint_eq(filter(&con, "ls -l\r", out, &quit), 6);
	ck_assert_str_eq(out, "ls -l\r");
	ck_assert(!quit);
}
END_TEST

START_TEST(quit_sequence)
{
	struct console con = { .escapes = true };
	char out[64];
	bool quit;

	ck_assert_uint_eq(filter(&con, "ab\001xcd", out, &quit), 2);
	ck_assert_str_eq(out, "ab");
	ck_assert(quit);
}
END_TEST

START_TEST(escaped_escape)
{
	struct console con = { .escapes = true };
	char out[64];
	bool quit;

	filter(&con, "a\001\001b\001c", out, &quit);
	ck_assert_str_eq(out, "a\001b\001c");
	ck_assert(!quit);
}
END_TEST

START_TEST(split_across_reads)
{
	struct console con = { .escapes = true };
	char out[64];
	bool quit;

	ck_assert_uint_eq(filter(&con, "a\001", out, &quit), 1);
	ck_assert(!quit);
	filter(&con, "x", out, &quit);
	ck_assert(quit);
}
END_TEST

START_TEST(no_terminal_no_escapes)
{
	struct console con = { .escapes = false };
	char out[64];
	bool quit;

	ck_assert_uint_eq(filter(&con, "\001x\001\001", out, &quit), 4);
	ck_assert_str_eq(out, "\001x\001\001");
	ck_assert(!quit);
}
END_TEST

static Suite *console_suite(void)
{
	Suite *s = suite_create("console");
	TCase *t = tcase_create("escapes");

	tcase_add_test(t, plain_bytes_pass);
	tcase_add_test(t, quit_sequence);
	tcase_add_test(t, escaped_escape);
	tcase_add_test(t, split_across_reads);
	tcase_add_test(t, no_terminal_no_escapes);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(console_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
