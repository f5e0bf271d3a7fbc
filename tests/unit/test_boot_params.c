// SPDX-License-Identifier: MIT
/*
 * Tests of the zero page: the e820 map for memory sizes below, at and
 * above the hole, and the fields husk fills for bzImage and ELF kernels.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/acpi.h"
#include "vmm/boot_params.h"
#include "vmm/boot_x86.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static struct guest_mem layout(uint64_t size)
{
	struct guest_mem mem;

	ck_assert_int_eq(guest_mem_layout(&mem, size), 0);
	return mem;
}

static void expect_entry(const struct boot_e820_entry *e, uint64_t addr,
			 uint64_t size, uint32_t type)
{
	ck_assert_uint_eq(e->addr, addr);
	ck_assert_uint_eq(e->size, size);
	ck_assert_uint_eq(e->type, type);
}

START_TEST(e820_small)
{
	struct guest_mem mem = layout(64 * MiB);
	struct boot_e820_entry t[8];

	ck_assert_uint_eq(e820_build(&mem, t, 8), 3);
	expect_entry(&t[0], 0, BOOT_EBDA_GPA, E820_TYPE_RAM);
	expect_entry(&t[1], BOOT_EBDA_GPA, 1 * MiB - BOOT_EBDA_GPA,
		     E820_TYPE_RESERVED);
	expect_entry(&t[2], 1 * MiB, 63 * MiB, E820_TYPE_RAM);
}
END_TEST

START_TEST(e820_at_hole)
{
	struct guest_mem mem = layout(3 * GiB);
	struct boot_e820_entry t[8];

	ck_assert_uint_eq(e820_build(&mem, t, 8), 3);
	expect_entry(&t[2], 1 * MiB, 3 * GiB - 1 * MiB, E820_TYPE_RAM);
}
END_TEST

START_TEST(e820_above_hole)
{
	struct guest_mem mem = layout(3 * GiB + 4096);
	struct boot_e820_entry t[8];

	ck_assert_uint_eq(e820_build(&mem, t, 8), 4);
	expect_entry(&t[2], 1 * MiB, 3 * GiB - 1 * MiB, E820_TYPE_RAM);
	expect_entry(&t[3], 4 * GiB, 4096, E820_TYPE_RAM);

	mem = layout(8 * GiB);
	ck_assert_uint_eq(e820_build(&mem, t, 8), 4);
	expect_entry(&t[3], 4 * GiB, 5 * GiB, E820_TYPE_RAM);
}
END_TEST

START_TEST(e820_acpi_reserved)
{
	struct guest_mem mem = layout(256 * MiB);
	struct boot_e820_entry t[8];
	unsigned int n = e820_build(&mem, t, 8);
	bool covered = false;

	/* The ACPI tables sit in reserved memory, never in RAM. */
	for (unsigned int i = 0; i < n; i++) {
		uint64_t end = t[i].addr + t[i].size;

		if (t[i].type == E820_TYPE_RAM)
			ck_assert(end <= ACPI_TABLES_GPA ||
				  t[i].addr >=
					  ACPI_TABLES_GPA + ACPI_TABLES_SIZE);
		if (t[i].type == E820_TYPE_RESERVED &&
		    t[i].addr <= ACPI_TABLES_GPA &&
		    end >= ACPI_TABLES_GPA + ACPI_TABLES_SIZE)
			covered = true;
	}
	ck_assert(covered);
}
END_TEST

START_TEST(e820_room)
{
	struct guest_mem mem = layout(8 * GiB);
	struct boot_e820_entry t[2];

	ck_assert_uint_eq(e820_build(&mem, t, 2), 2);
}
END_TEST

static const struct boot_args args = {
	.cmdline_gpa = BOOT_CMDLINE_GPA,
	.initrd_gpa = 200 * MiB,
	.initrd_size = 12345,
	.rsdp_gpa = 0xe0000,
};

START_TEST(params_bzimage)
{
	struct guest_mem mem = layout(256 * MiB);
	struct kernel_image image = { .has_setup_header = true };
	struct boot_params *bp = malloc(sizeof(*bp));

	image.hdr.boot_flag = 0xaa55;
	image.hdr.header = 0x53726448;
	image.hdr.version = 0x020f;
	image.hdr.setup_sects = 30;
	image.hdr.xloadflags = XLF_KERNEL_64;
	image.hdr.init_size = 0x1234;
	image.setup_header_len = sizeof(image.hdr);
	memset(bp, 0xcc, sizeof(*bp));

	boot_params_build(bp, &mem, &image, &args);
	ck_assert_uint_eq(bp->hdr.boot_flag, 0xaa55);
	ck_assert_uint_eq(bp->hdr.version, 0x020f);
	ck_assert_uint_eq(bp->hdr.setup_sects, 30);
	ck_assert_uint_eq(bp->hdr.init_size, 0x1234);
	ck_assert_uint_eq(bp->hdr.type_of_loader, 0xff);
	ck_assert_uint_eq(bp->hdr.cmd_line_ptr, BOOT_CMDLINE_GPA);
	ck_assert_uint_eq(bp->ext_cmd_line_ptr, 0);
	ck_assert_uint_eq(bp->hdr.ramdisk_image, 200 * MiB);
	ck_assert_uint_eq(bp->hdr.ramdisk_size, 12345);
	ck_assert_uint_eq(bp->acpi_rsdp_addr, 0xe0000);
	ck_assert_uint_eq(bp->e820_entries, 3);
	ck_assert_uint_eq(bp->e820_table[2].addr, 1 * MiB);
	/* Everything else starts zeroed. */
	ck_assert_uint_eq(bp->screen_info.orig_video_isVGA, 0);
	ck_assert_uint_eq(bp->sentinel, 0);
	free(bp);
}
END_TEST

START_TEST(params_elf)
{
	struct guest_mem mem = layout(5 * GiB);
	struct kernel_image image = { .has_setup_header = false };
	struct boot_params *bp = malloc(sizeof(*bp));

	boot_params_build(bp, &mem, &image, &args);
	ck_assert_uint_eq(bp->hdr.boot_flag, 0xaa55);
	ck_assert_uint_eq(bp->hdr.header, 0x53726448);
	ck_assert_uint_eq(bp->hdr.type_of_loader, 0xff);
	ck_assert_uint_eq(bp->e820_entries, 4);
	ck_assert_uint_eq(bp->e820_table[3].addr, 4 * GiB);
	ck_assert_uint_eq(bp->e820_table[3].size, 2 * GiB);
	free(bp);
}
END_TEST

static Suite *boot_params_suite(void)
{
	Suite *s = suite_create("boot_params");
	TCase *e = tcase_create("e820");
	TCase *p = tcase_create("zero page");

	tcase_add_test(e, e820_small);
	tcase_add_test(e, e820_at_hole);
	tcase_add_test(e, e820_above_hole);
	tcase_add_test(e, e820_acpi_reserved);
	tcase_add_test(e, e820_room);
	tcase_add_test(p, params_bzimage);
	tcase_add_test(p, params_elf);
	suite_add_tcase(s, e);
	suite_add_tcase(s, p);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(boot_params_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
