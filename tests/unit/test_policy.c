// SPDX-License-Identifier: MIT
/*
 * Unit tests of husk's policy parser: table rows of policy text and the
 * rules each must parse to, rows of bad policies and the exact diagnostic
 * each must produce, includes from real files, and malformed input that
 * must never crash the parser.
 */
#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/seccomp.h>
#include <sys/stat.h>

#include "filter/parse.h"

#ifndef HUSK_FILTER_DIR
#define HUSK_FILTER_DIR "filter"
#endif

/* Appends printf output to a fixed buffer. */
static void put(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void put(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

static const char *action_name(uint32_t action, char *buf, size_t size)
{
	switch (action & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
		return "allow";
	case SECCOMP_RET_KILL_PROCESS:
		return "kill";
	case SECCOMP_RET_KILL_THREAD:
		return "kill_thread";
	case SECCOMP_RET_TRAP:
		return "trap";
	case SECCOMP_RET_LOG:
		return "log";
	case SECCOMP_RET_ERRNO:
		snprintf(buf, size, "errno %u", action & SECCOMP_RET_DATA);
		return buf;
	}
	return "?";
}

static const char *const op_names[] = { "==", "!=", "<", "<=", ">", ">=" };

static void describe_cmp(char *buf, size_t size, const struct policy_cmp *c)
{
	uint64_t all = c->width == 32 ? UINT32_MAX : UINT64_MAX;

	put(buf, size, "%sarg%u", c->width == 32 ? "u32 " : "", c->arg);
	if (c->mask != all)
		put(buf, size, "&0x%" PRIx64, c->mask);
	put(buf, size, " %s 0x%" PRIx64, op_names[c->op], c->value);
}

static void describe_rule(char *buf, size_t size, const struct policy_rule *r)
{
	char tmp[32];
	size_t i, j;

	put(buf, size, "; %s %s", r->name,
	    action_name(r->action, tmp, sizeof(tmp)));
	for (i = 0; i < r->nclauses; i++) {
		put(buf, size, i ? " || " : " if ");
		for (j = 0; j < r->clauses[i].ncmps; j++) {
			if (j)
				put(buf, size, " && ");
			describe_cmp(buf, size, &r->clauses[i].cmps[j]);
		}
	}
}

/* "default ACTION[ hot a b]; rule; rule..." with rules in output order. */
static void describe(char *buf, size_t size, const struct policy *p)
{
	char tmp[32];
	size_t i;

	buf[0] = '\0';
	put(buf, size, "default %s",
	    action_name(p->default_action, tmp, sizeof(tmp)));
	for (i = 0; i < p->nhot; i++)
		put(buf, size, "%s%s", i ? " " : " hot ",
		    filter_arch_syscall_name(p->arch, p->hot[i]));
	for (i = 0; i < p->nrules; i++)
		describe_rule(buf, size, &p->rules[i]);
}

struct good_row {
	const char *arch;
	const char *text;
	const char *expect;
};

static const struct good_row good_rows[] = {
	{ "x86_64", "read\n", "default kill; read allow" },
	{ "x86_64", "read", "default kill; read allow" },
	{ "x86_64", "# comment\n\n  read   # why\n",
	  "default kill; read allow" },
	{ "x86_64", "default trap\nread\n", "default trap; read allow" },
	{ "x86_64", "default allow\n", "default allow" },
	{ "x86_64", "default log\n", "default log" },
	{ "x86_64", "default kill\n", "default kill" },
	{ "x86_64", "default kill_process\n", "default kill" },
	{ "x86_64", "default kill_thread\n", "default kill_thread" },
	{ "x86_64", "default errno 38\n", "default errno 38" },
	{ "x86_64", "default errno ENOSYS\n", "default errno 38" },
	{ "x86_64", "default errno 0\n", "default errno 0" },
	{ "x86_64", "default errno 4095\n", "default errno 4095" },
	{ "x86_64", "?clock_nanosleep_time64\nread\n",
	  "default kill; read allow" },
	{ "x86_64", "?open\n", "default kill; open allow" },
	{ "aarch64", "?open\n", "default kill" },
	{ "aarch64", "?open: arg1 == O_RDONLY -> errno EPERM\n",
	  "default kill" },
	{ "aarch64", "?open: arg1 == KVM_GET_MSRS\n", "default kill" },
	{ "riscv64", "riscv_flush_icache\n",
	  "default kill; riscv_flush_icache allow" },
	{ "x86_64", "write -> log\n", "default kill; write log" },
	{ "x86_64", "write -> trap\n", "default kill; write trap" },
	{ "x86_64", "write -> kill_thread\n",
	  "default kill; write kill_thread" },
	{ "x86_64", "fcntl: arg1 == F_GETFL -> errno EPERM\n",
	  "default kill; fcntl errno 1 if arg1 == 0x3" },
	{ "x86_64", "ioctl: arg1 == KVM_RUN || arg1 == KVM_GET_REGS\n",
	  "default kill; ioctl allow if arg1 == 0xae80 || arg1 == 0x8090ae81" },
	{ "aarch64", "ioctl: arg1 == KVM_RUN || arg1 == KVM_GET_REGS\n",
	  "default kill; ioctl allow if arg1 == 0xae80 || arg1 == 0x8360ae81" },
	{ "x86_64", "mmap: arg2 == PROT_READ && (arg3 & MAP_SHARED) == 0\n",
	  "default kill; mmap allow if arg2 == 0x1 && arg3&0x1 == 0x0" },
	{ "x86_64", "ioctl: (u32)arg1 == KVM_RUN\n",
	  "default kill; ioctl allow if u32 arg1 == 0xae80" },
	{ "x86_64", "ioctl: (u64)arg1 == KVM_RUN\n",
	  "default kill; ioctl allow if arg1 == 0xae80" },
	{ "x86_64", "ioctl: (u32)(arg1 & 0xff00) == 0xae00\n",
	  "default kill; ioctl allow if u32 arg1&0xff00 == 0xae00" },
	{ "x86_64", "ioctl: ((u32)arg1 & 0xff00) == 0xae00\n",
	  "default kill; ioctl allow if u32 arg1&0xff00 == 0xae00" },
	{ "x86_64",
	  "read: arg0 != 1 && arg0 < 2 && arg0 <= 3 && arg0 > 4 && "
	  "arg0 >= 5\n",
	  "default kill; read allow if arg0 != 0x1 && arg0 < 0x2 && "
	  "arg0 <= 0x3 && arg0 > 0x4 && arg0 >= 0x5" },
	{ "x86_64", "read: arg0 == 10 || arg1 == 0x10 || arg2 == 010\n",
	  "default kill; read allow if arg0 == 0xa || arg1 == 0x10 || "
	  "arg2 == 0x8" },
	{ "x86_64", "read: arg5 == 0xffffffffffffffff\n",
	  "default kill; read allow if arg5 == 0xffffffffffffffff" },
	{ "x86_64", "read: arg0 == -1\n",
	  "default kill; read allow if arg0 == 0xffffffffffffffff" },
	{ "x86_64", "openat: (u32)arg0 == AT_FDCWD\n",
	  "default kill; openat allow if u32 arg0 == 0xffffff9c" },
	{ "x86_64", "openat: (u32)arg0 == -100\n",
	  "default kill; openat allow if u32 arg0 == 0xffffff9c" },
	{ "x86_64", "openat: arg2 == O_RDWR|O_CLOEXEC\n",
	  "default kill; openat allow if arg2 == 0x80002" },
	{ "x86_64", "openat: arg2 == O_RDWR | O_CLOEXEC | 0x100\n",
	  "default kill; openat allow if arg2 == 0x80102" },
	{ "x86_64", "openat: (arg2 & O_DIRECTORY) != 0\n",
	  "default kill; openat allow if arg2&0x10000 != 0x0" },
	{ "aarch64", "openat: (arg2 & O_DIRECTORY) != 0\n",
	  "default kill; openat allow if arg2&0x4000 != 0x0" },
	{ "x86_64",
	  "ioctl: arg1 == KVM_RUN ||\n\targ1 == KVM_IRQ_LINE &&\n\t"
	  "arg2 == 0\n",
	  "default kill; ioctl allow if arg1 == 0xae80 || arg1 == 0x4008ae61 "
	  "&& arg2 == 0x0" },
	{ "x86_64", "hot ioctl\nioctl: arg1 == KVM_RUN\n",
	  "default kill hot ioctl; ioctl allow if arg1 == 0xae80" },
	{ "x86_64", "hot ioctl read\nread\nioctl\nhot ioctl\n",
	  "default kill hot ioctl read; read allow; ioctl allow" },
	{ "aarch64", "hot ?pause read\nread\n",
	  "default kill hot read; read allow" },
	/* Sorted by number, source order kept within one syscall. */
	{ "x86_64",
	  "ioctl: arg1 == 1\nread\nioctl: arg1 == 2 -> log\n"
	  "ioctl -> errno 1\nwrite\n",
	  "default kill; read allow; write allow; ioctl allow if arg1 == 0x1; "
	  "ioctl log if arg1 == 0x2; ioctl errno 1" },
	/* Identical unconditional rules merge. */
	{ "x86_64", "read\nread\nwrite -> log\nwrite -> log\n",
	  "default kill; read allow; write log" },
	{ "x86_64", "group @io { read write }\n@io\nread\n",
	  "default kill; read allow; write allow" },
	{ "x86_64",
	  "group @sleep {\n\tnanosleep # why\n\n\tclock_nanosleep\n"
	  "\t?clock_nanosleep_time64\n\t?pause\n}\n@sleep\n",
	  "default kill; pause allow; nanosleep allow; clock_nanosleep allow" },
	{ "aarch64",
	  "group @sleep {\n\tnanosleep\n\tclock_nanosleep\n"
	  "\t?clock_nanosleep_time64\n\t?pause\n}\n@sleep\n",
	  "default kill; nanosleep allow; clock_nanosleep allow" },
	{ "x86_64",
	  "group @a { read }\ngroup @b { @a write read }\n@b -> log\n",
	  "default kill; read log; write log" },
	{ "x86_64", "group @a { read }\n", "default kill" },
	{ "x86_64", "group @a {\n}\n@a\n", "default kill" },
	{ "x86_64", "include \"" HUSK_FILTER_DIR "/groups.policy\"\n@exit\n",
	  "default kill; exit allow; exit_group allow" },
};

static void parse_ok(const struct good_row *row, struct policy *p)
{
	const struct filter_arch *arch = filter_arch_by_name(row->arch);
	struct diag d = { 0 };
	int err;

	ck_assert_ptr_nonnull(arch);
	err = policy_parse_string("t.policy", NULL, row->text, arch, p, &d);
	ck_assert_msg(err == 0, "'%s' on %s failed (%d):\n%s", row->text,
		      row->arch, err, d.text ? d.text : "");
	ck_assert_ptr_null(d.text);
	diag_free(&d);
}

START_TEST(test_good)
{
	const struct good_row *row = &good_rows[_i];
	struct policy p;
	char got[1024];

	parse_ok(row, &p);
	describe(got, sizeof(got), &p);
	ck_assert_msg(!strcmp(got, row->expect),
		      "'%s' on %s:\n got: %s\nwant: %s", row->text, row->arch,
		      got, row->expect);
	ck_assert_str_eq(p.path, "t.policy");
	ck_assert_ptr_eq(p.arch, filter_arch_by_name(row->arch));
	policy_free(&p);
	ck_assert_ptr_null(p.pool);
	policy_free(&p);
}
END_TEST

START_TEST(test_locations)
{
	const struct filter_arch *arch = filter_arch_by_name("x86_64");
	const char *text = "read\n  group @g { write }\n\n   @g\n"
			   "\tioctl: arg1 == 1\n";
	struct diag d = { 0 };
	struct policy p;

	ck_assert_int_eq(
		policy_parse_string("loc.policy", NULL, text, arch, &p, &d), 0);
	ck_assert_int_eq(p.nrules, 3);
	ck_assert_str_eq(p.rules[0].name, "read");
	ck_assert_int_eq(p.rules[0].loc.line, 1);
	ck_assert_int_eq(p.rules[0].loc.col, 1);
	ck_assert_str_eq(p.rules[0].loc.file, "loc.policy");
	ck_assert_str_eq(p.rules[1].name, "write");
	ck_assert_int_eq(p.rules[1].loc.line, 4);
	ck_assert_int_eq(p.rules[1].loc.col, 4);
	ck_assert_str_eq(p.rules[2].name, "ioctl");
	ck_assert_int_eq(p.rules[2].nr, 16);
	ck_assert_int_eq(p.rules[2].loc.line, 5);
	ck_assert_int_eq(p.rules[2].loc.col, 2);
	ck_assert_int_eq(p.default_action, SECCOMP_RET_KILL_PROCESS);
	ck_assert_int_eq(p.rules[0].action, SECCOMP_RET_ALLOW);
	policy_free(&p);
}
END_TEST

struct bad_row {
	const char *arch;
	const char *text;
	const char *expect; /* the whole diagnostic text */
};

static const struct bad_row bad_rows[] = {
	{ "x86_64", "nanoslep\n",
	  "t.policy:1:1: unknown syscall 'nanoslep'; did you mean "
	  "'nanosleep'?\n" },
	{ "x86_64", "read\n  xyzzyq\n",
	  "t.policy:2:3: unknown syscall 'xyzzyq'\n" },
	{ "x86_64", "?nanoslep\n",
	  "t.policy:1:1: unknown syscall 'nanoslep'; did you mean "
	  "'nanosleep'?\n" },
	{ "aarch64", "open\n",
	  "t.policy:1:1: syscall 'open' does not exist on aarch64; write "
	  "'?open' to skip it there\n" },
	{ "riscv64", "hot pause\n",
	  "t.policy:1:5: syscall 'pause' does not exist on riscv64; write "
	  "'?pause' to skip it there\n" },
	{ "x86_64", "ioctl: arg1 == KVM_RUNN\n",
	  "t.policy:1:16: unknown constant 'KVM_RUNN'; did you mean "
	  "'KVM_RUN'?\n" },
	{ "x86_64", "ioctl: arg1 == QQQQQQQQ\n",
	  "t.policy:1:16: unknown constant 'QQQQQQQQ'\n" },
	{ "aarch64", "ioctl: arg1 == KVM_GET_MSRS\n",
	  "t.policy:1:16: constant 'KVM_GET_MSRS' does not exist on "
	  "aarch64\n" },
	{ "x86_64", "ioctl: arg1 = 1\n",
	  "t.policy:1:13: expected a comparison operator (== != < <= > >=), "
	  "found '='\n" },
	{ "x86_64", "ioctl: arg1 =< 1\n",
	  "t.policy:1:13: expected a comparison operator (== != < <= > >=), "
	  "found '='\n" },
	{ "x86_64", "ioctl: arg1 1\n",
	  "t.policy:1:13: expected a comparison operator (== != < <= > >=), "
	  "found '1'\n" },
	{ "x86_64", "ioctl: arg6 == 1\n",
	  "t.policy:1:8: 'arg6' is not an argument: syscalls have arg0 to "
	  "arg5\n" },
	{ "x86_64", "ioctl: arg10 == 1\n",
	  "t.policy:1:8: 'arg10' is not an argument: syscalls have arg0 to "
	  "arg5\n" },
	{ "x86_64", "ioctl: fd == 1\n",
	  "t.policy:1:8: expected arg0 to arg5, found 'fd'\n" },
	{ "x86_64", "ioctl:\n",
	  "t.policy:1:7: expected arg0 to arg5, found end of line\n" },
	{ "x86_64", "ioctl: arg1 ==\nread\n",
	  "t.policy:1:15: expected a value after '==', found end of line\n" },
	{ "x86_64", "ioctl: arg1 == O_RDWR|\n",
	  "t.policy:1:23: expected a value after '|', found end of line\n" },
	{ "x86_64", "ioctl: arg1 == 1 foo\n",
	  "t.policy:1:18: unexpected 'foo' after the rule\n" },
	{ "x86_64", "read foo\n",
	  "t.policy:1:6: unexpected 'foo' after the rule\n" },
	{ "x86_64", "read -> log log\n",
	  "t.policy:1:13: unexpected 'log' after the rule\n" },
	{ "x86_64", "ioctl: arg1 == 1 &&\n",
	  "t.policy:2:1: expected arg0 to arg5, found end of file\n" },
	{ "x86_64", "ioctl: arg1 & 3 == 1\n",
	  "t.policy:1:13: a mask needs parentheses: (arg1 & MASK) OP VALUE\n" },
	{ "x86_64", "ioctl: (arg1 | 3) == 1\n",
	  "t.policy:1:14: expected '&' after arg1: parentheses hold a masked "
	  "argument, (argN & MASK)\n" },
	{ "x86_64", "ioctl: (arg1 & 3 == 1\n",
	  "t.policy:1:18: expected ')' after the mask, found '=='\n" },
	{ "x86_64", "read -> frob\n",
	  "t.policy:1:9: expected an action (allow, kill, kill_thread, trap, "
	  "log, errno N), found 'frob'\n" },
	{ "x86_64", "read ->\n",
	  "t.policy:1:8: expected an action (allow, kill, kill_thread, trap, "
	  "log, errno N), found end of line\n" },
	{ "x86_64", "fcntl -> errno 4096\n",
	  "t.policy:1:16: errno value 4096 is out of range (0 to 4095)\n" },
	{ "x86_64", "default errno 99999999999\n",
	  "t.policy:1:15: errno value 99999999999 is out of range (0 to "
	  "4095)\n" },
	{ "x86_64", "fcntl -> errno\n",
	  "t.policy:1:15: expected a value after 'errno', found end of "
	  "line\n" },
	{ "x86_64", "ioctl: arg1 == 0x10000000000000000\n",
	  "t.policy:1:16: number '0x10000000000000000' does not fit in 64 "
	  "bits\n" },
	{ "x86_64", "ioctl: arg1 == 18446744073709551616\n",
	  "t.policy:1:16: number '18446744073709551616' does not fit in 64 "
	  "bits\n" },
	{ "x86_64", "ioctl: arg1 == -9223372036854775809\n",
	  "t.policy:1:17: number '-9223372036854775809' does not fit in 64 "
	  "bits\n" },
	{ "x86_64", "ioctl: arg1 == 0x\n", "t.policy:1:16: bad number '0x'\n" },
	{ "x86_64", "ioctl: arg1 == 09\n", "t.policy:1:16: bad number '09'\n" },
	{ "x86_64", "ioctl: arg1 == 12ab\n",
	  "t.policy:1:16: bad number '12ab'\n" },
	{ "x86_64", "ioctl: (u32)arg1 == 0x100000000\n",
	  "t.policy:1:21: value 0x100000000 does not fit the 32-bit compare "
	  "of (u32)\n" },
	{ "x86_64", "ioctl: (u32)(arg1 & 0x1ffffffff) == 1\n",
	  "t.policy:1:8: mask 0x1ffffffff does not fit the 32-bit compare of "
	  "(u32)\n" },
	{ "x86_64", "read\nread -> trap\n",
	  "t.policy:2:1: conflicting actions for 'read': trap here, allow at "
	  "t.policy:1:1\n" },
	{ "x86_64", "group @io { read write }\nwrite -> errno EPERM\n@io\n",
	  "t.policy:3:1: conflicting actions for 'write': allow here, errno 1 "
	  "at t.policy:2:1\n" },
	{ "x86_64", "read\nread: arg0 == 0\n",
	  "t.policy:2:1: unreachable rule for 'read': the rule at "
	  "t.policy:1:1 has no condition and always decides first\n" },
	{ "x86_64", "@sleep\n", "t.policy:1:1: unknown group '@sleep'\n" },
	{ "x86_64", "group @sleep { nanosleep }\n@slep\n",
	  "t.policy:2:1: unknown group '@slep'; did you mean '@sleep'?\n" },
	{ "x86_64", "group @a { read }\ngroup @a { write }\n",
	  "t.policy:2:7: group '@a' is already defined at t.policy:1:7\n" },
	{ "x86_64", "group @a { read\n",
	  "t.policy:1:10: group '@a' has no closing '}'\n" },
	{ "x86_64", "group a { read }\n",
	  "t.policy:1:7: expected '@name' after 'group'\n" },
	{ "x86_64", "group @a read\n",
	  "t.policy:1:10: expected '{' after the group name, found 'read'\n" },
	{ "x86_64", "group @a { read: arg0 == 1 }\n",
	  "t.policy:1:16: a group lists syscall names and @groups only, found "
	  "':'\n" },
	{ "x86_64", "group @a { read @a }\n",
	  "t.policy:1:17: group '@a' cannot contain itself\n" },
	{ "aarch64", "group @a { read open }\n",
	  "t.policy:1:17: syscall 'open' does not exist on aarch64; write "
	  "'?open' to skip it there\n" },
	{ "x86_64", "group @a { read }\n@a: arg0 == 1\n",
	  "t.policy:2:3: a condition applies to one syscall, not to the group "
	  "'@a'\n" },
	{ "x86_64", "include \"nothere.policy\"\n",
	  "t.policy:1:1: cannot read 'nothere.policy': No such file or "
	  "directory\n" },
	{ "x86_64", "include nothere.policy\n",
	  "t.policy:1:9: expected a file name in quotes after 'include', "
	  "found 'nothere'\n" },
	{ "x86_64", "include \"a\" b\n",
	  "t.policy:1:13: unexpected 'b' after the include\n" },
	{ "x86_64", "default trap foo\n",
	  "t.policy:1:14: unexpected 'foo' after the default action\n" },
	{ "x86_64", "default errno EPERM 1\n",
	  "t.policy:1:21: unexpected '1' after the default action\n" },
	{ "x86_64", "hot\n",
	  "t.policy:1:4: expected a syscall name, found end of line\n" },
	{ "x86_64", "default allow\ndefault trap\n",
	  "t.policy:2:1: the default action is already set at t.policy:1:1\n" },
	{ "x86_64", "hot ioctl\nread\n",
	  "t.policy:1:5: hot syscall 'ioctl' has no rule\n" },
	{ "x86_64", "include \"unterminated\n",
	  "t.policy:1:9: expected a file name in quotes after 'include', "
	  "found '\"'\n" },
	{ "x86_64", "\"abc\n", "t.policy:1:1: unterminated string\n" },
	{ "x86_64", "read $\n",
	  "t.policy:1:6: unexpected '$' after the rule\n" },
	{ "x86_64", "$read\n", "t.policy:1:1: unexpected character '$'\n" },
	{ "x86_64", ": read\n",
	  "t.policy:1:1: expected a syscall name, a @group or a keyword, "
	  "found ':'\n" },
	/* Every bad line is reported, not just the first. */
	{ "x86_64", "nanoslep\nread\nioctl: arg9 == 1\nwrite -> nope\n",
	  "t.policy:1:1: unknown syscall 'nanoslep'; did you mean "
	  "'nanosleep'?\n"
	  "t.policy:3:8: 'arg9' is not an argument: syscalls have arg0 to "
	  "arg5\n"
	  "t.policy:4:10: expected an action (allow, kill, kill_thread, trap, "
	  "log, errno N), found 'nope'\n" },
};

START_TEST(test_bad)
{
	const struct bad_row *row = &bad_rows[_i];
	const struct filter_arch *arch = filter_arch_by_name(row->arch);
	struct diag d = { 0 };
	struct policy p;
	int err;

	err = policy_parse_string("t.policy", NULL, row->text, arch, &p, &d);
	ck_assert_msg(err == -EINVAL, "'%s' on %s returned %d", row->text,
		      row->arch, err);
	ck_assert_msg(d.text && !strcmp(d.text, row->expect),
		      "'%s' on %s:\n got: %s\nwant: %s", row->text, row->arch,
		      d.text ? d.text : "(nothing)", row->expect);
	ck_assert_ptr_null(p.rules);
	ck_assert_ptr_null(p.pool);
	policy_free(&p);
	diag_free(&d);
}
END_TEST

static char tmpdir[64];

static void write_file(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void setup_files(void)
{
	char sub[128];

	strcpy(tmpdir, "/tmp/husk-policy-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(sub, sizeof(sub), "%s/sub", tmpdir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	write_file("top.policy", "include \"sub/mid.policy\"\n"
				 "include \"base.policy\"\nread\n");
	write_file("sub/mid.policy", "include \"../base.policy\"\nwrite\n");
	write_file("base.policy", "exit_group\ngroup @g { close }\n");
	write_file("loop_a.policy", "read\ninclude \"loop_b.policy\"\n");
	write_file("loop_b.policy", "include \"loop_a.policy\"\n");
	write_file("self.policy", "include \"self.policy\"\n");
	write_file("bad_inc.policy", "read\ninclude \"sub/bad.policy\"\n");
	write_file("sub/bad.policy", "\n  nanoslep\n");
	write_file("nul.policy", "read\n");
	write_file("inc_missing.policy", "read\ninclude \"sub/none\"\n");
}

static void teardown_files(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static int parse_path(const char *name, struct policy *p, struct diag *d)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return policy_parse_file(path, filter_arch_by_name("x86_64"), p, d);
}

START_TEST(test_include)
{
	struct diag d = { 0 };
	struct policy p;
	char got[512];
	int err;

	/* base.policy is reached twice but read once: no redefinition. */
	err = parse_path("top.policy", &p, &d);
	ck_assert_msg(err == 0, "%s", d.text ? d.text : "");
	describe(got, sizeof(got), &p);
	ck_assert_str_eq(got, "default kill; read allow; write allow; "
			      "exit_group allow");
	ck_assert_ptr_nonnull(strstr(p.rules[2].loc.file, "base.policy"));
	ck_assert_ptr_nonnull(strstr(p.path, "top.policy"));
	policy_free(&p);
	diag_free(&d);

	/* Text in memory resolves includes against the folder it is given. */
	err = policy_parse_string("mem", tmpdir,
				  "include \"base.policy\"\n@g\n",
				  filter_arch_by_name("aarch64"), &p, &d);
	ck_assert_msg(err == 0, "%s", d.text ? d.text : "");
	describe(got, sizeof(got), &p);
	ck_assert_str_eq(got, "default kill; close allow; exit_group allow");
	policy_free(&p);
	diag_free(&d);
}
END_TEST

/* Copies @s to @out with each "DIR" replaced by the temporary folder. */
static void put_dir(char *out, size_t size, const char *s)
{
	const char *dir;

	out[0] = '\0';
	while ((dir = strstr(s, "DIR"))) {
		put(out, size, "%.*s%s", (int)(dir - s), s, tmpdir);
		s = dir + 3;
	}
	put(out, size, "%s", s);
}

/*
 * Parsing file @name fails with @want_err and exactly the diagnostic
 * @expect, in which DIR stands for the temporary folder.
 */
static void expect_error(const char *name, int want_err, const char *expect)
{
	struct diag d = { 0 };
	struct policy p;
	char want[512];
	int err;

	put_dir(want, sizeof(want), expect);
	err = parse_path(name, &p, &d);
	ck_assert_msg(err == want_err, "%s: %d", name, err);
	ck_assert_ptr_nonnull(d.text);
	ck_assert_msg(!strcmp(d.text, want), "%s:\n got: %s\nwant: %s", name,
		      d.text, want);
	ck_assert_ptr_null(p.pool);
	diag_free(&d);
}

START_TEST(test_include_errors)
{
	expect_error("loop_a.policy", -EINVAL,
		     "DIR/loop_b.policy:1:1: include loop: 'DIR/loop_a.policy' "
		     "is already being read\n");
	expect_error("self.policy", -EINVAL,
		     "DIR/self.policy:1:1: include loop: 'DIR/self.policy' is "
		     "already being read\n");
	expect_error("bad_inc.policy", -EINVAL,
		     "DIR/sub/bad.policy:2:3: unknown syscall 'nanoslep'; did "
		     "you mean 'nanosleep'?\n");
	expect_error("missing.policy", -ENOENT,
		     "cannot read 'DIR/missing.policy': No such file or "
		     "directory\n");
	expect_error(
		"inc_missing.policy", -EINVAL,
		"DIR/inc_missing.policy:2:1: cannot read 'DIR/sub/none': No "
		"such file or directory\n");
}
END_TEST

START_TEST(test_nul_byte)
{
	const char text[] = "read\0write\n";
	char path[128];
	struct diag d = { 0 };
	struct policy p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/nul.policy", tmpdir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fwrite(text, 1, sizeof(text) - 1, f);
	fclose(f);
	ck_assert_int_eq(parse_path("nul.policy", &p, &d), -EINVAL);
	ck_assert_ptr_nonnull(strstr(d.text, "not a text file"));
	diag_free(&d);
}
END_TEST

/* Every prefix and many mangled copies of a policy parse or fail cleanly. */
static const char fuzz_seed[] =
	"# seed\ninclude \"nothere\"\ndefault errno EPERM\nhot ioctl\n"
	"group @g {\n\tread ?pause\n\t@g\n}\n@g -> log\n"
	"ioctl: (u32)arg1 == KVM_RUN || (arg2 & 0xff) != 0 && arg3 >= -1\n"
	"openat: arg2 == O_RDWR|O_CLOEXEC -> errno 4095\n?open\n";

static void parse_any(const char *text)
{
	struct diag d = { 0 };
	struct policy p;
	int err;

	err = policy_parse_string("f", NULL, text,
				  filter_arch_by_name("aarch64"), &p, &d);
	ck_assert(err == 0 || err == -EINVAL);
	ck_assert(err == 0 || (d.text && d.nerrors > 0));
	policy_free(&p);
	diag_free(&d);
}

START_TEST(test_never_crash)
{
	static const char junk[] = "()&|=!<>-?:@{}\"#\n\t 0x9azAZ_\xff";
	char buf[sizeof(fuzz_seed)];
	unsigned int seed = 12345, i, k;
	size_t n, j;

	for (n = 0; n < sizeof(fuzz_seed); n++) {
		memcpy(buf, fuzz_seed, n);
		buf[n] = '\0';
		parse_any(buf);
	}
	for (i = 0; i < 3000; i++) {
		memcpy(buf, fuzz_seed, sizeof(buf));
		for (k = 0; k < 1 + i % 4; k++) {
			n = (size_t)rand_r(&seed) % (sizeof(buf) - 1);
			j = (size_t)rand_r(&seed) % (sizeof(junk) - 1);
			buf[n] = junk[j];
		}
		parse_any(buf);
	}
}
END_TEST

START_TEST(test_long_names)
{
	char text[512];

	memset(text, 'a', 300);
	strcpy(text + 300, "\n");
	parse_any(text);
	memcpy(text, "read: arg0 == ", 14);
	parse_any(text);
	text[0] = '@';
	parse_any(text);
	memcpy(text, "group @", 7);
	parse_any(text);
}
END_TEST

static Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_good, 0,
			    sizeof(good_rows) / sizeof(good_rows[0]));
	tcase_add_test(tc, test_locations);
	tcase_add_loop_test(tc, test_bad, 0,
			    sizeof(bad_rows) / sizeof(bad_rows[0]));
	tcase_add_test(tc, test_never_crash);
	tcase_add_test(tc, test_long_names);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_checked_fixture(tc, setup_files, teardown_files);
	tcase_add_test(tc, test_include);
	tcase_add_test(tc, test_include_errors);
	tcase_add_test(tc, test_nul_byte);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
