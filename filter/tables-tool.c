// SPDX-License-Identifier: MIT
/*
 * Prints husk's generated syscall or constant table of one architecture,
 * one "name value" line each, for tests and for reading.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "filter/tables.h"
#include "vmm/exit_status.h"
#include "vmm/log.h"

static int usage(void)
{
	log_error("usage: filter-tables syscalls|consts ARCH | linux");
	return HUSK_EXIT_USAGE;
}

static void print_syscalls(const struct filter_arch *arch)
{
	size_t i;

	for (i = 0; i < arch->nsyscalls; i++)
		printf("%s %d\n", arch->syscalls[i].name, arch->syscalls[i].nr);
}

static void print_consts(const struct filter_arch *arch)
{
	size_t i;

	for (i = 0; i < arch->nconsts; i++)
		printf("%s 0x%" PRIx64 "\n", arch->consts[i].name,
		       arch->consts[i].value);
}

int main(int argc, char **argv)
{
	const struct filter_arch *arch;
	size_t i;

	if (argc == 2 && !strcmp(argv[1], "linux")) {
		for (i = 0; i < nfilter_linux_syscalls; i++)
			printf("%s\n", filter_linux_syscalls[i]);
		return 0;
	}
	if (argc != 3)
		return usage();
	arch = filter_arch_by_name(argv[2]);
	if (!arch) {
		log_error("unknown architecture '%s'", argv[2]);
		return HUSK_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "syscalls"))
		print_syscalls(arch);
	else if (!strcmp(argv[1], "consts"))
		print_consts(arch);
	else
		return usage();
	return 0;
}
