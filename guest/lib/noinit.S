/* SPDX-License-Identifier: MIT */
/*
 * Memory the guests use but never zero as a whole: page tables (filled
 * entry by entry) and AP stacks. Clearing memory is slow in a guest on a
 * nested hypervisor (about 0.3 ms per KiB), so .bss stays small and these
 * pages are written only when used.
 */

#include "guest/lib/guest.h"
#include "guest/lib/smp.h"

	.section .noinit, "aw", @nobits
	.balign 4096
	.globl guest_pml4
guest_pml4:
	.skip 4096
	.globl guest_pdpt
guest_pdpt:
	.skip 4096
	.globl guest_pd
guest_pd:
	.skip 4096 * GUEST_MAPPED_GIB
	.globl guest_ap_stacks
guest_ap_stacks:
	.skip SMP_AP_STACK_SIZE * SMP_MAX_CPUS

	.section .note.GNU-stack, "", @progbits
