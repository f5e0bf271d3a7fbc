// SPDX-License-Identifier: MIT
// The bootinfo guest's e820 checks: a sorted, non-overlapping map with the
// PC holes where husk documents them, and as much RAM as --mem asked for.

#include "guest/bootinfo/bootinfo.h"

static const struct e820_entry *table = guest_boot_params.e820_table;

static void print_map(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		printf("# e820: [%#014lx, %#014lx) type %u\n",
		       (unsigned long)table[i].addr,
		       (unsigned long)(table[i].addr + table[i].size),
		       table[i].type);
}

static int check_order(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (table[i].size == 0 ||
		    table[i].addr + table[i].size < table[i].addr) {
			tap_fail(
				"e820 entries sane: entry %u is empty or wraps",
				i);
			return -1;
		}
		if (i &&
		    table[i].addr < table[i - 1].addr + table[i - 1].size) {
			tap_fail("e820 sorted, no overlaps: entry %u starts "
				 "before entry %u ends",
				 i, i - 1);
			return -1;
		}
	}
	tap_ok("e820 sorted, no overlaps");
	return 0;
}

static uint64_t ram_total(uint64_t *in_hole)
{
	uint64_t total = 0;
	unsigned int i;

	*in_hole = 0;
	for (i = 0; i < guest_boot_params.e820_entries; i++) {
		if (table[i].type != E820_RAM)
			continue;
		total += table[i].size;
		if (overlaps(table[i].addr, table[i].size, HOLE_START,
			     HOLE_END - HOLE_START))
			*in_hole = table[i].addr;
	}
	return total;
}

/* Writes and reads back a word at @addr, restoring what was there. */
static int probe_ram(uint64_t addr)
{
	volatile uint64_t *p = (volatile uint64_t *)addr;
	uint64_t old = *p, ok;

	*p = addr ^ 0x5a5aa5a5c3c33c3cULL;
	ok = *p == (addr ^ 0x5a5aa5a5c3c33c3cULL);
	*p = old;
	return ok;
}

static void check_high_ram(uint64_t mem)
{
	uint64_t end = HOLE_END + (mem - HOLE_START);

	tap_check(e820_covers(HOLE_END, mem - HOLE_START, E820_RAM),
		  "e820 RAM above 4 GiB", "no RAM entry covers [4G, %#lx)",
		  (unsigned long)end);
	if (!paging_mapped(HOLE_END, end - HOLE_END)) {
		tap_fail("RAM above 4 GiB usable: ends past the %u GiB the "
			 "guest maps",
			 GUEST_MAPPED_GIB);
		return;
	}
	tap_check(probe_ram(HOLE_END) && probe_ram(end - 8),
		  "RAM above 4 GiB usable", "write/read mismatch");
}

static void check_layout(uint64_t mem)
{
	uint64_t low_end = mem < HOLE_START ? mem : HOLE_START;
	uint64_t total, in_hole;

	tap_check(table[0].addr == 0 && table[0].type == E820_RAM &&
			  table[0].size == LOW_RAM_END,
		  "e820 low RAM [0, 0x9fc00)", "first entry %#lx+%#lx type %u",
		  (unsigned long)table[0].addr, (unsigned long)table[0].size,
		  table[0].type);
	tap_check(e820_covers(LOW_RAM_END, MIB - LOW_RAM_END, E820_RESERVED),
		  "e820 reserved [0x9fc00, 0x100000)",
		  "not one reserved entry");
	tap_check(e820_covers(MIB, low_end - MIB, E820_RAM),
		  "e820 RAM from 1 MiB", "no entry covers [1M, %#lx)",
		  (unsigned long)low_end);

	total = ram_total(&in_hole);
	tap_check(!in_hole, "e820 no RAM in the 3-4 GiB hole",
		  "RAM entry at %#lx", (unsigned long)in_hole);
	tap_check(total == mem - (MIB - LOW_RAM_END),
		  "e820 RAM total is --mem minus the holes",
		  "%#lx, expected %#lx", (unsigned long)total,
		  (unsigned long)(mem - (MIB - LOW_RAM_END)));
	if (mem > HOLE_START)
		check_high_ram(mem);
}

void check_e820(void)
{
	unsigned int n = guest_boot_params.e820_entries;
	uint64_t mem;

	if (!tap_check(n > 0 && n <= E820_MAX_ENTRIES, "e820 entry count", "%u",
		       n))
		return;
	print_map(n);
	if (check_order(n) < 0)
		return;
	if (cmdline_get_u64("mem", &mem) < 0 || mem <= MIB) {
		tap_fail("e820 layout: no valid mem= on the command line");
		return;
	}
	check_layout(mem);
}
