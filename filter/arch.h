/* SPDX-License-Identifier: MIT */
/*
 * The architectures husk's filter compiler knows: their audit values and
 * the syscall and constant tables generated from each one's Linux UAPI
 * headers at build time.
 */
#ifndef HUSK_FILTER_ARCH_H
#define HUSK_FILTER_ARCH_H

#include <stddef.h>
#include <stdint.h>

struct filter_syscall {
	const char *name; /* without the __NR_ prefix */
	int nr;
};

struct filter_const {
	const char *name;
	uint64_t value;
};

struct filter_arch {
	const char *name; /* "x86_64", "aarch64", "riscv64" */
	uint32_t audit_arch; /* AUDIT_ARCH_* */
	uint32_t x32_bit; /* syscall numbers with it set are
					   refused; 0 where none exists */
	const struct filter_syscall *syscalls; /* sorted by name */
	size_t nsyscalls;
	const struct filter_const *consts; /* sorted by name */
	size_t nconsts;
};

const struct filter_arch *filter_arch_by_name(const char *name);
const struct filter_arch *filter_arch_by_audit(uint32_t audit_arch);
const struct filter_arch *filter_arch_native(void);

/* Each returns -ENOENT for a name or number the architecture lacks. */
int filter_arch_syscall_nr(const struct filter_arch *arch, const char *name);
const char *filter_arch_syscall_name(const struct filter_arch *arch, int nr);
int filter_arch_const(const struct filter_arch *arch, const char *name,
		      uint64_t *value);

/* The highest syscall number the architecture defines. */
int filter_arch_max_nr(const struct filter_arch *arch);

#endif
