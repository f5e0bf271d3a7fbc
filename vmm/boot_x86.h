/* SPDX-License-Identifier: MIT */
/*
 * Where husk puts the x86 boot structures in low guest RAM, and the entry
 * state it gives the boot vCPU: 64-bit long mode, flat code at selector
 * 0x10 and data at 0x18, the first 4 GiB identity-mapped with 2 MiB pages,
 * interrupts off, RSI = guest physical address of boot_params.
 *
 * NOTE: freestanding guests rely on this layout: RSP starts at
 * BOOT_STACK_TOP, and [BOOT_STACK_BOTTOM, BOOT_STACK_TOP) is free RAM.
 */
#ifndef HUSK_BOOT_X86_H
#define HUSK_BOOT_X86_H

#include <stdint.h>

#include "vmm/memory.h"

#define BOOT_GDT_GPA 0x500ULL
#define BOOT_PML4_GPA 0x1000ULL
#define BOOT_PDPT_GPA 0x2000ULL
#define BOOT_PD_GPA 0x3000ULL /* four page directories, 0x3000-0x6fff */
#define BOOT_PARAMS_GPA 0x7000ULL
#define BOOT_CMDLINE_GPA 0x20000ULL
#define BOOT_CMDLINE_MAX 0x10000ULL /* including the NUL */
#define BOOT_STACK_BOTTOM 0x30000ULL
#define BOOT_STACK_TOP 0x80000ULL
#define BOOT_EBDA_GPA 0x9fc00ULL /* reserved from here to 1 MiB */
#define BOOT_HIGH_GPA 0x100000ULL /* bzImage load address */

#define BOOT_CODE_SELECTOR 0x10
#define BOOT_DATA_SELECTOR 0x18
#define BOOT_TSS_SELECTOR 0x20

/*
 * Writes the GDT and the identity-mapping page tables into guest RAM.
 * (The reset-vector stub at 0xffff0 comes with the ACPI tables.)
 */
int boot_x86_setup_memory(const struct guest_mem *mem);

/* Puts @vcpu_fd (the boot vCPU) in long mode at @entry. */
int boot_x86_setup_vcpu(int vcpu_fd, uint64_t entry);

#endif
