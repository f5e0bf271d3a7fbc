// SPDX-License-Identifier: MIT
/*
 * The architectures husk's filter compiler knows, over the syscall and
 * constant tables generated from their UAPI headers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>

#include "filter/tables.h"
#include "filter/syscalls_x86_64.h"
#include "filter/syscalls_aarch64.h"
#include "filter/syscalls_riscv64.h"
#include "filter/consts_x86_64.h"
#include "filter/consts_aarch64.h"
#include "filter/consts_riscv64.h"

/* x86_64 marks x32 syscall numbers with this bit (__X32_SYSCALL_BIT). */
#define X86_64_X32_BIT 0x40000000u

static const struct filter_arch arch_x86_64 = {
	.name = "x86_64",
	.audit_arch = AUDIT_ARCH_X86_64,
	.x32_bit = X86_64_X32_BIT,
	.syscalls = filter_syscalls_x86_64,
	.nsyscalls = NFILTER_SYSCALLS_X86_64,
	.consts = filter_consts_x86_64,
	.nconsts = NFILTER_CONSTS_X86_64,
};

static const struct filter_arch arch_aarch64 = {
	.name = "aarch64",
	.audit_arch = AUDIT_ARCH_AARCH64,
	.syscalls = filter_syscalls_aarch64,
	.nsyscalls = NFILTER_SYSCALLS_AARCH64,
	.consts = filter_consts_aarch64,
	.nconsts = NFILTER_CONSTS_AARCH64,
};

static const struct filter_arch arch_riscv64 = {
	.name = "riscv64",
	.audit_arch = AUDIT_ARCH_RISCV64,
	.syscalls = filter_syscalls_riscv64,
	.nsyscalls = NFILTER_SYSCALLS_RISCV64,
	.consts = filter_consts_riscv64,
	.nconsts = NFILTER_CONSTS_RISCV64,
};

const struct filter_arch *const filter_arches[] = {
	&arch_x86_64,
	&arch_aarch64,
	&arch_riscv64,
	NULL,
};

const struct filter_arch *filter_arch_by_name(const char *name)
{
	const struct filter_arch *const *a;

	for (a = filter_arches; *a; a++)
		if (!strcmp((*a)->name, name))
			return *a;
	return NULL;
}

const struct filter_arch *filter_arch_by_audit(uint32_t audit_arch)
{
	const struct filter_arch *const *a;

	for (a = filter_arches; *a; a++)
		if ((*a)->audit_arch == audit_arch)
			return *a;
	return NULL;
}

const struct filter_arch *filter_arch_native(void)
{
#if defined(__x86_64__) && !defined(__ILP32__)
	return &arch_x86_64;
#elif defined(__aarch64__)
	return &arch_aarch64;
#elif defined(__riscv) && __riscv_xlen == 64
	return &arch_riscv64;
#else
	return NULL;
#endif
}

static int cmp_syscall(const void *key, const void *entry)
{
	return strcmp(key, ((const struct filter_syscall *)entry)->name);
}

static int cmp_const(const void *key, const void *entry)
{
	return strcmp(key, ((const struct filter_const *)entry)->name);
}

static int cmp_name(const void *key, const void *entry)
{
	return strcmp(key, *(const char *const *)entry);
}

int filter_arch_syscall_nr(const struct filter_arch *arch, const char *name)
{
	const struct filter_syscall *s;

	s = bsearch(name, arch->syscalls, arch->nsyscalls, sizeof(*s),
		    cmp_syscall);
	return s ? s->nr : -ENOENT;
}

const char *filter_arch_syscall_name(const struct filter_arch *arch, int nr)
{
	size_t i;

	for (i = 0; i < arch->nsyscalls; i++)
		if (arch->syscalls[i].nr == nr)
			return arch->syscalls[i].name;
	return NULL;
}

int filter_arch_const(const struct filter_arch *arch, const char *name,
		      uint64_t *value)
{
	const struct filter_const *c;

	c = bsearch(name, arch->consts, arch->nconsts, sizeof(*c), cmp_const);
	if (!c)
		return -ENOENT;
	*value = c->value;
	return 0;
}

int filter_arch_max_nr(const struct filter_arch *arch)
{
	int max = -1;
	size_t i;

	for (i = 0; i < arch->nsyscalls; i++)
		if (arch->syscalls[i].nr > max)
			max = arch->syscalls[i].nr;
	return max;
}

bool filter_syscall_known(const char *name)
{
	return bsearch(name, filter_linux_syscalls, nfilter_linux_syscalls,
		       sizeof(filter_linux_syscalls[0]), cmp_name) != NULL;
}
