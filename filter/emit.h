/* SPDX-License-Identifier: MIT */
/*
 * Output of compiled seccomp programs: a disassembler for people, a raw
 * binary for seccomp(2) callers such as `bwrap --seccomp FD`, and
 * generated C for programs that link their filters in.
 */
#ifndef HUSK_FILTER_EMIT_H
#define HUSK_FILTER_EMIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/filter.h>

#include "filter/arch.h"

/* Names a seccomp action: "ALLOW", "ERRNO(38)", "TRAP", "KILL_PROCESS". */
void filter_action_name(uint32_t action, char *buf, size_t size);

/*
 * Disassembles instruction @i of @insns into @buf, without its index:
 * "ld [args[1] lo]", "jeq #16, 4, 9" (absolute targets), "ret ALLOW".
 * NOTE: argument words are named as on a little-endian architecture.
 */
void filter_dump_insn(const struct sock_filter *insns, size_t len, size_t i,
		      char *buf, size_t size);

/* Writes one "%4zu: insn" line per instruction; returns 0 or -EIO. */
int filter_dump(FILE *out, const struct sock_filter *insns, size_t len);

/* Writes the program as 8-byte instructions in host order. */
int filter_emit_bin(FILE *out, const struct sock_filter *insns, size_t len);

struct filter_emit_c_opts {
	const char *name; /* symbol is husk_filter_<name> */
	const char *policy; /* the policy file, for the header comment */
	int names; /* also emit the syscall name table */
};

/*
 * Writes C source defining `const struct sock_filter husk_filter_<name>[]`
 * and `const unsigned int husk_filter_<name>_len`, and with opts->names
 * the name table (see filter_emit_names()). Returns 0, -EINVAL for a name
 * that is not a C identifier, or -EIO.
 */
int filter_emit_c(FILE *out, const struct filter_arch *arch,
		  const struct sock_filter *insns, size_t len,
		  const struct filter_emit_c_opts *opts);

/*
 * Writes the syscall name table of @arch: `husk_filter_syscall_names[]`
 * (number -> name, NULL in gaps), `husk_filter_syscall_names_len` and
 * `husk_filter_audit_arch`. With @standalone, as a complete C file.
 */
int filter_emit_names(FILE *out, const struct filter_arch *arch,
		      int standalone);

#endif
