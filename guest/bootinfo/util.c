// SPDX-License-Identifier: MIT
// Address-range and e820 lookups shared by the bootinfo guest's checks.

#include "guest/bootinfo/bootinfo.h"

extern const char __image_start[], __image_end[];

int overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int e820_covers(uint64_t addr, uint64_t len, uint32_t type)
{
	const struct e820_entry *e = guest_boot_params.e820_table;
	unsigned int i, n = guest_boot_params.e820_entries;

	for (i = 0; i < n && i < E820_MAX_ENTRIES; i++)
		if (e[i].type == type && addr >= e[i].addr &&
		    addr + len <= e[i].addr + e[i].size)
			return 1;
	return 0;
}

int overlaps_image(uint64_t addr, uint64_t len)
{
	return overlaps(addr, len, (uint64_t)__image_start,
			(uint64_t)(__image_end - __image_start));
}

int booted_as_elf(void)
{
	char loader[8];

	return cmdline_get("loader", loader, sizeof(loader)) == 0 &&
	       !strcmp(loader, "elf");
}
