/* SPDX-License-Identifier: MIT */
/*
 * The tables filter/gen-tables.sh generates from each architecture's UAPI
 * headers, for arch.c, and the lookups the policy parser needs beyond
 * filter/arch.h.
 */
#ifndef HUSK_FILTER_TABLES_H
#define HUSK_FILTER_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter/arch.h"

extern const struct filter_syscall filter_syscalls_x86_64[];
extern const struct filter_syscall filter_syscalls_aarch64[];
extern const struct filter_syscall filter_syscalls_riscv64[];

extern const struct filter_const filter_consts_x86_64[];
extern const struct filter_const filter_consts_aarch64[];
extern const struct filter_const filter_consts_riscv64[];

/*
 * Every syscall name of x86_64, i386, aarch64, riscv64 and the generic
 * 32-bit table, sorted: a name outside it is a typo, not a missing call.
 */
extern const char *const filter_linux_syscalls[];
extern const size_t nfilter_linux_syscalls;

/* Whether any architecture in filter_linux_syscalls defines @name. */
bool filter_syscall_known(const char *name);

/* All architectures husk knows, NULL-terminated. */
extern const struct filter_arch *const filter_arches[];

#endif
