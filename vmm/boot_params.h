/* SPDX-License-Identifier: MIT */
/*
 * The Linux zero page (struct boot_params): setup header, command line,
 * initrd, e820 memory map and ACPI RSDP address.
 */
#ifndef HUSK_BOOT_PARAMS_H
#define HUSK_BOOT_PARAMS_H

#include <stdint.h>
#include <asm/bootparam.h>

#include "vmm/loader.h"
#include "vmm/memory.h"

#define E820_TYPE_RAM 1
#define E820_TYPE_RESERVED 2

/* What the zero page points at, beyond the kernel itself. */
struct boot_args {
	uint64_t cmdline_gpa;
	uint64_t initrd_gpa;
	uint64_t initrd_size; /* 0: no initrd */
	uint64_t rsdp_gpa; /* 0: the kernel scans for it */
};

/*
 * Fills @table (room for @max entries) with the memory map of @mem: RAM
 * below BOOT_EBDA_GPA, reserved up to 1 MiB (it holds the ACPI tables),
 * RAM up to the hole, RAM above 4 GiB. Returns the number of entries.
 */
unsigned int e820_build(const struct guest_mem *mem,
			struct boot_e820_entry *table, unsigned int max);

/* Fills the zero page @bp for @image; @bp is zeroed first. */
void boot_params_build(struct boot_params *bp, const struct guest_mem *mem,
		       const struct kernel_image *image,
		       const struct boot_args *args);

#endif
