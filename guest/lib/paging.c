// SPDX-License-Identifier: MIT
// The guests' own identity-mapped page tables: 2 MiB pages from 0 to the
// end of e820 RAM (4 GiB at least, GUEST_MAPPED_GIB at most), the 3-4 GiB
// MMIO hole uncached. Owning them frees husk's tables and low memory for
// the AP trampoline.

#include "guest/lib/guest.h"
#include "guest/lib/io.h"

#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_PS (1ULL << 7)
#define PAGE_2M (2ULL << 20)
#define GIB (1ULL << 30)

/* In .noinit (noinit.S): every entry is written before CR3 points here. */
extern uint64_t guest_pml4[512], guest_pdpt[512];
extern uint64_t guest_pd[GUEST_MAPPED_GIB][512];

static unsigned int mapped_gib;

static unsigned int gib_needed(void)
{
	const struct boot_params *bp = &guest_boot_params;
	uint64_t end = 4 * GIB, e;
	unsigned int i;

	for (i = 0; i < bp->e820_entries && i < E820_MAX_ENTRIES; i++) {
		e = bp->e820_table[i].addr + bp->e820_table[i].size;
		if (bp->e820_table[i].type == E820_RAM && e > end)
			end = e;
	}
	end = (end + GIB - 1) / GIB;
	return end < GUEST_MAPPED_GIB ? (unsigned int)end : GUEST_MAPPED_GIB;
}

static void map_gib(unsigned int gib)
{
	uint64_t i, addr;

	for (i = 0; i < 512; i++) {
		addr = (uint64_t)gib * GIB + i * PAGE_2M;
		guest_pd[gib][i] = addr | PTE_P | PTE_W | PTE_PS;
		if (gib == 3)
			guest_pd[gib][i] |= PTE_PCD | PTE_PWT;
	}
	guest_pdpt[gib] = (uint64_t)guest_pd[gib] | PTE_P | PTE_W;
}

unsigned int paging_init(void)
{
	unsigned int gib, n = gib_needed();

	memset(guest_pml4, 0, sizeof(guest_pml4));
	memset(guest_pdpt, 0, sizeof(guest_pdpt));
	for (gib = 0; gib < n; gib++)
		map_gib(gib);
	guest_pml4[0] = (uint64_t)guest_pdpt | PTE_P | PTE_W;
	write_cr3((uint64_t)guest_pml4);
	mapped_gib = n;
	return n;
}

uint64_t paging_cr3(void)
{
	return (uint64_t)guest_pml4;
}

int paging_mapped(uint64_t gpa, uint64_t len)
{
	uint64_t limit = (uint64_t)mapped_gib * GIB;

	return len <= limit && gpa <= limit - len;
}
