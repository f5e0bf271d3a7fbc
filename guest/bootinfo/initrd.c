// SPDX-License-Identifier: MIT
// The bootinfo guest's initrd checks: where husk put the initrd, and that
// its bytes are the file's, by the POSIX cksum CRC the host computed.

#include "guest/bootinfo/bootinfo.h"

#define CRC32_POLY 0x04c11db7U

static uint32_t crc_table[256];

static void crc_init(void)
{
	uint32_t c;
	unsigned int i, k;

	for (i = 0; i < 256; i++) {
		c = (uint32_t)i << 24;
		for (k = 0; k < 8; k++)
			c = c & 0x80000000U ? c << 1 ^ CRC32_POLY : c << 1;
		crc_table[i] = c;
	}
}

static uint32_t crc_byte(uint32_t crc, uint8_t b)
{
	return crc << 8 ^ crc_table[(crc >> 24 ^ b) & 0xff];
}

/* What cksum(1) prints: the CRC of the data, then of its length. */
static uint32_t posix_cksum(const uint8_t *p, uint64_t len)
{
	uint32_t crc = 0;
	uint64_t i, n;

	crc_init();
	for (i = 0; i < len; i++)
		crc = crc_byte(crc, p[i]);
	for (n = len; n; n >>= 8)
		crc = crc_byte(crc, n & 0xff);
	return ~crc;
}

static void check_no_initrd(uint64_t addr, uint64_t size)
{
	tap_check(addr == 0 && size == 0, "no initrd reported without --initrd",
		  "ramdisk %#lx+%#lx", (unsigned long)addr,
		  (unsigned long)size);
}

static void check_placement(uint64_t addr, uint64_t size)
{
	uint64_t cmd = guest_boot_params.hdr.cmd_line_ptr;

	tap_check(e820_covers(addr, size, E820_RAM), "initrd in e820 RAM",
		  "%#lx+%#lx", (unsigned long)addr, (unsigned long)size);
	tap_check(!overlaps_image(addr, size) &&
			  !overlaps(addr, size, guest_boot_params_gpa,
				    ZERO_PAGE_SIZE) &&
			  !overlaps(addr, size, cmd, GUEST_CMDLINE_SIZE + 1),
		  "initrd apart from kernel, zero page and command line",
		  "%#lx+%#lx", (unsigned long)addr, (unsigned long)size);
	/* An ELF image has no header to give husk an initrd_addr_max. */
	if (booted_as_elf())
		return;
	tap_check(addr + size - 1 <= guest_boot_params.hdr.initrd_addr_max,
		  "initrd below initrd_addr_max", "ends at %#lx",
		  (unsigned long)(addr + size));
}

void check_initrd(void)
{
	const struct boot_params *bp = &guest_boot_params;
	uint64_t addr = bp->hdr.ramdisk_image | (uint64_t)bp->ext_ramdisk_image
							<< 32;
	uint64_t size = bp->hdr.ramdisk_size | (uint64_t)bp->ext_ramdisk_size
						       << 32;
	uint64_t want_size, want_sum;
	char none[8];

	if (cmdline_get("initrd", none, sizeof(none)) == 0 &&
	    !strcmp(none, "none")) {
		check_no_initrd(addr, size);
		return;
	}
	if (cmdline_get_u64("initrd_size", &want_size) < 0 ||
	    cmdline_get_u64("initrd_cksum", &want_sum) < 0) {
		tap_fail("initrd: no initrd_size=/initrd_cksum= on the "
			 "command line");
		return;
	}
	printf("# initrd at %#lx, %lu bytes\n", (unsigned long)addr,
	       (unsigned long)size);
	if (!tap_check(addr && size == want_size, "initrd address and size",
		       "%#lx+%#lx, expected size %#lx", (unsigned long)addr,
		       (unsigned long)size, (unsigned long)want_size))
		return;
	check_placement(addr, size);
	if (!e820_covers(addr, size, E820_RAM) || !paging_mapped(addr, size))
		return;
	tap_check(posix_cksum((const uint8_t *)addr, size) == want_sum,
		  "initrd contents match the file", "cksum differs");
}
