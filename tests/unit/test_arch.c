// SPDX-License-Identifier: MIT
/*
 * Unit tests of husk's filter architectures: the generated syscall and
 * constant tables (sorted, unique, known values per architecture), the
 * lookups over them, and husk's shared groups on every architecture.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/parse.h"
#include "filter/tables.h"

#ifndef HUSK_FILTER_DIR
#define HUSK_FILTER_DIR "filter"
#endif

static const char *const arch_names[] = { "x86_64", "aarch64", "riscv64" };
#define NARCHES (sizeof(arch_names) / sizeof(arch_names[0]))

static const struct filter_arch *arch(const char *name)
{
	const struct filter_arch *a = filter_arch_by_name(name);

	ck_assert_msg(a != NULL, "no architecture %s", name);
	return a;
}

static int nr(const char *a, const char *name)
{
	return filter_arch_syscall_nr(arch(a), name);
}

static uint64_t cval(const char *a, const char *name)
{
	uint64_t v = 0;

	ck_assert_msg(!filter_arch_const(arch(a), name, &v),
		      "%s lacks constant %s", a, name);
	return v;
}

START_TEST(test_lookup_arch)
{
	ck_assert_uint_eq(arch("x86_64")->audit_arch, 0xc000003e);
	ck_assert_uint_eq(arch("aarch64")->audit_arch, 0xc00000b7);
	ck_assert_uint_eq(arch("riscv64")->audit_arch, 0xc00000f3);
	ck_assert_uint_eq(arch("x86_64")->x32_bit, 0x40000000);
	ck_assert_uint_eq(arch("aarch64")->x32_bit, 0);
	ck_assert_uint_eq(arch("riscv64")->x32_bit, 0);
	ck_assert_ptr_eq(filter_arch_by_audit(0xc00000b7), arch("aarch64"));
	ck_assert_ptr_eq(filter_arch_by_audit(0xc000003e), arch("x86_64"));
	ck_assert_ptr_null(filter_arch_by_audit(0x40000003));
	ck_assert_ptr_null(filter_arch_by_name("mips"));
	ck_assert_ptr_null(filter_arch_by_name(""));
#if defined(__x86_64__) && !defined(__ILP32__)
	ck_assert_ptr_eq(filter_arch_native(), arch("x86_64"));
#elif defined(__aarch64__)
	ck_assert_ptr_eq(filter_arch_native(), arch("aarch64"));
#endif
}
END_TEST

/* Each table is sorted by name, without repeats, numbers unique. */
START_TEST(test_tables_sorted)
{
	const struct filter_arch *a = arch(arch_names[_i]);
	size_t i, j;

	ck_assert_uint_gt(a->nsyscalls, 250);
	ck_assert_uint_gt(a->nconsts, 1000);
	for (i = 1; i < a->nsyscalls; i++)
		ck_assert_msg(strcmp(a->syscalls[i - 1].name,
				     a->syscalls[i].name) < 0,
			      "%s: %s before %s", a->name,
			      a->syscalls[i - 1].name, a->syscalls[i].name);
	for (i = 1; i < a->nconsts; i++)
		ck_assert_msg(strcmp(a->consts[i - 1].name, a->consts[i].name) <
				      0,
			      "%s: %s before %s", a->name,
			      a->consts[i - 1].name, a->consts[i].name);
	for (i = 0; i < a->nsyscalls; i++) {
		ck_assert_int_ge(a->syscalls[i].nr, 0);
		for (j = i + 1; j < a->nsyscalls; j++)
			ck_assert_msg(a->syscalls[i].nr != a->syscalls[j].nr,
				      "%s: %s and %s share %d", a->name,
				      a->syscalls[i].name, a->syscalls[j].name,
				      a->syscalls[i].nr);
	}
}
END_TEST

START_TEST(test_lookup_roundtrip)
{
	const struct filter_arch *a = arch(arch_names[_i]);
	int max = -1;
	size_t i;

	for (i = 0; i < a->nsyscalls; i++) {
		ck_assert_int_eq(filter_arch_syscall_nr(a, a->syscalls[i].name),
				 a->syscalls[i].nr);
		ck_assert_str_eq(filter_arch_syscall_name(a, a->syscalls[i].nr),
				 a->syscalls[i].name);
		ck_assert(filter_syscall_known(a->syscalls[i].name));
		if (a->syscalls[i].nr > max)
			max = a->syscalls[i].nr;
	}
	ck_assert_int_eq(filter_arch_max_nr(a), max);
	ck_assert_ptr_null(filter_arch_syscall_name(a, max + 1));
	ck_assert_ptr_null(filter_arch_syscall_name(a, -1));
	ck_assert_int_eq(filter_arch_syscall_nr(a, "nanoslep"), -ENOENT);
	ck_assert_int_eq(filter_arch_syscall_nr(a, ""), -ENOENT);
}
END_TEST

START_TEST(test_syscall_numbers)
{
	ck_assert_int_eq(nr("x86_64", "read"), 0);
	ck_assert_int_eq(nr("x86_64", "open"), 2);
	ck_assert_int_eq(nr("x86_64", "openat"), 257);
	ck_assert_int_eq(nr("x86_64", "ioctl"), 16);
	ck_assert_int_eq(nr("x86_64", "clock_nanosleep"), 230);
	ck_assert_int_eq(nr("x86_64", "newfstatat"), 262);
	ck_assert_int_eq(nr("x86_64", "rseq"), 334);
	ck_assert_int_eq(nr("aarch64", "read"), 63);
	ck_assert_int_eq(nr("aarch64", "openat"), 56);
	ck_assert_int_eq(nr("aarch64", "fstat"), 80);
	ck_assert_int_eq(nr("aarch64", "newfstatat"), 79);
	ck_assert_int_eq(nr("aarch64", "clone3"), 435);
	ck_assert_int_eq(nr("riscv64", "read"), 63);
	ck_assert_int_eq(nr("riscv64", "riscv_flush_icache"), 259);
	ck_assert_int_eq(nr("riscv64", "fstat"), 80);
	ck_assert_int_eq(nr("aarch64", "open"), -ENOENT);
	ck_assert_int_eq(nr("riscv64", "pause"), -ENOENT);
	ck_assert_int_eq(nr("aarch64", "riscv_flush_icache"), -ENOENT);
}
END_TEST

/* The helpers of the unistd headers are not syscalls. */
START_TEST(test_no_pseudo_syscalls)
{
	static const char *const fake[] = {
		"syscalls",	"arch_specific_syscall",
		"NR3264_fstat", "3264_fstat",
		"fstat64",	"clock_nanosleep_time64",
	};
	size_t a, i;

	for (a = 0; a < NARCHES; a++)
		for (i = 0; i < sizeof(fake) / sizeof(fake[0]); i++)
			ck_assert_msg(nr(arch_names[a], fake[i]) == -ENOENT,
				      "%s has %s", arch_names[a], fake[i]);
	ck_assert(filter_syscall_known("clock_nanosleep_time64"));
	ck_assert(filter_syscall_known("fstatat64"));
	ck_assert(filter_syscall_known("riscv_flush_icache"));
	ck_assert(!filter_syscall_known("nanoslep"));
	ck_assert(!filter_syscall_known("syscalls"));
}
END_TEST

/* Names policies rely on, on every architecture. */
static const char *const required_consts[] = {
	"KVM_RUN",
	"KVM_GET_REGS",
	"KVM_SET_REGS",
	"KVM_IRQ_LINE",
	"KVM_IOEVENTFD",
	"KVM_IRQFD",
	"KVM_CREATE_VM",
	"KVM_CREATE_VCPU",
	"KVM_CHECK_EXTENSION",
	"KVM_SET_USER_MEMORY_REGION",
	"KVM_GET_VCPU_MMAP_SIZE",
	"FIONBIO",
	"FIONREAD",
	"FIOCLEX",
	"TCGETS",
	"TCSETS",
	"TIOCGWINSZ",
	"O_RDONLY",
	"O_RDWR",
	"O_CLOEXEC",
	"O_NONBLOCK",
	"O_DIRECTORY",
	"F_GETFL",
	"F_SETFL",
	"F_GETFD",
	"F_SETFD",
	"F_DUPFD_CLOEXEC",
	"AT_FDCWD",
	"AT_EMPTY_PATH",
	"PROT_READ",
	"PROT_WRITE",
	"PROT_EXEC",
	"MAP_SHARED",
	"MAP_PRIVATE",
	"MAP_ANONYMOUS",
	"MAP_FIXED",
	"MADV_DONTNEED",
	"CLONE_THREAD",
	"CLONE_VM",
	"FUTEX_WAIT",
	"FUTEX_WAKE",
	"FUTEX_PRIVATE_FLAG",
	"PR_SET_NAME",
	"PR_SET_NO_NEW_PRIVS",
	"SECCOMP_SET_MODE_FILTER",
	"SECCOMP_RET_ALLOW",
	"EPERM",
	"ENOSYS",
	"EACCES",
	"EINVAL",
	"EAGAIN",
	"AF_UNIX",
	"AF_INET",
	"SOCK_STREAM",
	"SOCK_CLOEXEC",
	"EFD_CLOEXEC",
	"EFD_NONBLOCK",
	"SIGSYS",
	"SIGKILL",
	"SIGCHLD",
	"SIG_BLOCK",
	"TUNSETIFF",
	"TUNSETVNETHDRSZ",
	"IFF_TAP",
	"IFF_NO_PI",
	"EPOLL_CTL_ADD",
	"EPOLL_CTL_DEL",
	"EPOLL_CTL_MOD",
	"EPOLLIN",
	"CLOCK_MONOTONIC",
	"GRND_NONBLOCK",
	"RLIMIT_NOFILE",
};

START_TEST(test_required_consts)
{
	size_t i;

	for (i = 0; i < sizeof(required_consts) / sizeof(required_consts[0]);
	     i++)
		cval(arch_names[_i], required_consts[i]);
}
END_TEST

START_TEST(test_const_values)
{
	size_t a;

	for (a = 0; a < NARCHES; a++) {
		ck_assert_uint_eq(cval(arch_names[a], "KVM_RUN"), 0xae80);
		ck_assert_uint_eq(cval(arch_names[a], "KVM_CREATE_VM"), 0xae01);
		ck_assert_uint_eq(cval(arch_names[a], "KVM_IRQFD"), 0x4020ae76);
		ck_assert_uint_eq(cval(arch_names[a], "EPERM"), 1);
		ck_assert_uint_eq(cval(arch_names[a], "ENOSYS"), 38);
		ck_assert_uint_eq(cval(arch_names[a], "SIGSYS"), 31);
		ck_assert_uint_eq(cval(arch_names[a], "AT_FDCWD"),
				  (uint64_t)-100);
		ck_assert_uint_eq(cval(arch_names[a], "TCGETS"), 0x5401);
		ck_assert_uint_eq(cval(arch_names[a], "TUNSETIFF"), 0x400454ca);
		ck_assert_uint_eq(cval(arch_names[a], "O_CLOEXEC"), 0x80000);
		ck_assert_uint_eq(cval(arch_names[a], "RLIM_INFINITY"),
				  UINT64_MAX);
	}
	/* Structure sizes and flag bits differ by architecture. */
	ck_assert_uint_eq(cval("x86_64", "KVM_GET_REGS"), 0x8090ae81);
	ck_assert_uint_eq(cval("aarch64", "KVM_GET_REGS"), 0x8360ae81);
	ck_assert_uint_eq(cval("x86_64", "O_DIRECTORY"), 0x10000);
	ck_assert_uint_eq(cval("aarch64", "O_DIRECTORY"), 0x4000);
	ck_assert_uint_eq(cval("riscv64", "O_DIRECTORY"), 0x10000);
	ck_assert_int_eq(filter_arch_const(arch("aarch64"), "KVM_GET_MSRS",
					   &(uint64_t){ 0 }),
			 -ENOENT);
	ck_assert_int_eq(filter_arch_const(arch("x86_64"), "NO_SUCH_THING",
					   &(uint64_t){ 0 }),
			 -ENOENT);
}
END_TEST

static void parse_groups(const struct filter_arch *a, const char *use,
			 struct policy *p)
{
	char text[256];
	struct diag d = { 0 };
	int err;

	snprintf(text, sizeof(text), "include \"groups.policy\"\n%s\n", use);
	err = policy_parse_string("groups-test", HUSK_FILTER_DIR, text, a, p,
				  &d);
	ck_assert_msg(err == 0, "%s on %s: %s", use, a->name,
		      d.text ? d.text : "");
	diag_free(&d);
}

static bool has_rule(const struct policy *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nrules; i++)
		if (!strcmp(p->rules[i].name, name))
			return true;
	return false;
}

/* Every group parses on every architecture, '?' where a call is missing. */
START_TEST(test_groups_policy)
{
	static const char *const groups[] = {
		"@sleep",  "@poll",   "@stat", "@open",	  "@exit",
		"@signal", "@thread", "@time", "@malloc",
	};
	const struct filter_arch *a = arch(arch_names[_i]);
	struct policy p;
	size_t i;

	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		parse_groups(a, groups[i], &p);
		ck_assert_msg(p.nrules > 0, "%s is empty on %s", groups[i],
			      a->name);
		policy_free(&p);
	}
	parse_groups(a, "@sleep", &p);
	ck_assert(has_rule(&p, "nanosleep"));
	ck_assert(has_rule(&p, "clock_nanosleep"));
	ck_assert(has_rule(&p, "restart_syscall"));
	ck_assert(has_rule(&p, "pause") == !strcmp(a->name, "x86_64"));
	policy_free(&p);
}
END_TEST

static Suite *arch_suite(void)
{
	Suite *s = suite_create("arch");
	TCase *tc = tcase_create("tables");

	tcase_add_test(tc, test_lookup_arch);
	tcase_add_loop_test(tc, test_tables_sorted, 0, NARCHES);
	tcase_add_loop_test(tc, test_lookup_roundtrip, 0, NARCHES);
	tcase_add_test(tc, test_syscall_numbers);
	tcase_add_test(tc, test_no_pseudo_syscalls);
	tcase_add_loop_test(tc, test_required_consts, 0, NARCHES);
	tcase_add_test(tc, test_const_values);
	tcase_add_loop_test(tc, test_groups_policy, 0, NARCHES);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(arch_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
