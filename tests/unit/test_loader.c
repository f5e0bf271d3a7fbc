// SPDX-License-Identifier: MIT
/*
 * Tests of the kernel format checks on crafted images: valid, truncated
 * and garbage bzImages, ELF64 files with bad segments, and initrd
 * placement against the kernel and the end of low RAM.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/boot_x86.h"
#include "vmm/loader.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* A bzImage header: 2 setup sectors plus the boot sector, 64 KiB code. */
static uint8_t bz[BZIMAGE_HEADER_BYTES];
static const uint64_t bz_file_size = 3 * 512 + 65536;

static void make_bzimage(void)
{
	memset(bz, 0, sizeof(bz));
	bz[0x1f1] = 2; /* setup_sects */
	put32(bz + 0x1f4, 65536 / 16); /* syssize */
	put16(bz + 0x1fe, 0xaa55);
	bz[0x200] = 0xeb;
	bz[0x201] = 0x6a; /* header ends at 0x26c */
	memcpy(bz + 0x202, "HdrS", 4);
	put16(bz + 0x206, 0x020f);
	put32(bz + 0x22c, 0x7fffffff); /* initrd_addr_max */
	bz[0x234] = 1; /* relocatable */
	put16(bz + 0x236, XLF_KERNEL_64);
	put32(bz + 0x238, 2047); /* cmdline_size */
	put64(bz + 0x258, 16 * MiB); /* pref_address */
	put32(bz + 0x260, 8 * MiB); /* init_size */
}

START_TEST(bz_valid)
{
	struct bzimage_info info;
	const char *why = NULL;

	make_bzimage();
	ck_assert(bzimage_probe(bz, sizeof(bz)));
	ck_assert_int_eq(
		bzimage_parse(bz, sizeof(bz), bz_file_size, &info, &why), 0);
	ck_assert_uint_eq(info.payload_offset, 3 * 512);
	ck_assert_uint_eq(info.payload_size, 65536);
	ck_assert_uint_eq(info.image.entry, BOOT_HIGH_GPA + 0x200);
	ck_assert_uint_eq(info.image.end, 24 * MiB);
	ck_assert_uint_eq(info.image.cmdline_max, 2047);
	ck_assert_uint_eq(info.image.initrd_addr_max, 0x7fffffff);
	ck_assert_uint_eq(info.image.setup_header_len, 0x26c - 0x1f1);
	ck_assert_uint_eq(info.image.hdr.version, 0x020f);
}
END_TEST

START_TEST(bz_default_setup_sects)
{
	struct bzimage_info info;
	const char *why = NULL;

	make_bzimage();
	bz[0x1f1] = 0; /* means 4 */
	ck_assert_int_eq(
		bzimage_parse(bz, sizeof(bz), 5 * 512 + 65536, &info, &why), 0);
	ck_assert_uint_eq(info.payload_offset, 5 * 512);
}
END_TEST

static void expect_refused(uint64_t file_size, const char *reason)
{
	struct bzimage_info info;
	const char *why = NULL;

	ck_assert_int_eq(bzimage_parse(bz, sizeof(bz), file_size, &info, &why),
			 -ENOEXEC);
	ck_assert_ptr_nonnull(why);
	ck_assert_ptr_nonnull(strstr(why, reason));
}

START_TEST(bz_bad_fields)
{
	make_bzimage();
	put16(bz + 0x1fe, 0x55aa);
	expect_refused(bz_file_size, "boot flag");

	make_bzimage();
	put16(bz + 0x206, 0x020b);
	expect_refused(bz_file_size, "2.12");

	make_bzimage();
	put16(bz + 0x236, 0);
	expect_refused(bz_file_size, "64-bit");

	make_bzimage();
	memcpy(bz + 0x202, "HdrT", 4);
	expect_refused(bz_file_size, "HdrS");
}
END_TEST

START_TEST(bz_truncated)
{
	struct bzimage_info info;
	const char *why = NULL;

	make_bzimage();
	expect_refused(bz_file_size - 1, "truncated");
	expect_refused(3 * 512, "truncated");
	expect_refused(3 * 512 - 1, "truncated");
	ck_assert_int_eq(bzimage_parse(bz, 0x200, 0x200, &info, &why),
			 -ENOEXEC);
	ck_assert_int_eq(bzimage_parse(bz, 0x260, bz_file_size, &info, &why),
			 -ENOEXEC);
}
END_TEST

START_TEST(bz_garbage)
{
	struct bzimage_info info;
	const char *why = NULL;

	srand(1);
	for (int round = 0; round < 200; round++) {
		int err;

		for (size_t i = 0; i < sizeof(bz); i++)
			bz[i] = (uint8_t)rand();
		ck_assert_int_eq(bzimage_parse(bz, sizeof(bz), bz_file_size,
					       &info, &why),
				 -ENOEXEC);

		/* Past the signatures, garbage fields must still be safe. */
		memcpy(bz + 0x202, "HdrS", 4);
		put16(bz + 0x1fe, 0xaa55);
		bz[0x201] = (uint8_t)rand();
		err = bzimage_parse(bz, sizeof(bz), bz_file_size, &info, &why);
		ck_assert(err == 0 || err == -ENOEXEC);
	}
}
END_TEST

/* An ELF64 executable with up to four program headers after it. */
static struct {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[4];
} elf;

static struct guest_mem mem_256m = {
	.size = 256 * MiB,
	.low_size = 256 * MiB,
};

static void make_elf(unsigned int phnum)
{
	memset(&elf, 0, sizeof(elf));
	memcpy(elf.eh.e_ident, ELFMAG, SELFMAG);
	elf.eh.e_ident[EI_CLASS] = ELFCLASS64;
	elf.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	elf.eh.e_type = ET_EXEC;
	elf.eh.e_machine = EM_X86_64;
	elf.eh.e_entry = 16 * MiB;
	elf.eh.e_phoff = sizeof(elf.eh);
	elf.eh.e_phentsize = sizeof(Elf64_Phdr);
	elf.eh.e_phnum = (uint16_t)phnum;
	for (unsigned int i = 0; i < phnum; i++) {
		elf.ph[i].p_type = PT_LOAD;
		elf.ph[i].p_offset = 4096 * (i + 1);
		elf.ph[i].p_paddr = 16 * MiB + i * 4 * MiB;
		elf.ph[i].p_vaddr = 0xffffffff81000000ULL + i * 4 * MiB;
		elf.ph[i].p_filesz = 4096;
		elf.ph[i].p_memsz = 2 * MiB;
	}
}

static int check_elf(uint64_t file_size, struct elf_info *info,
		     const char **why)
{
	int err = elf_parse_header((const uint8_t *)&elf, sizeof(elf),
				   file_size, info, why);

	if (err)
		return err;
	return elf_check_segments(elf.ph, info, file_size, &mem_256m, why);
}

START_TEST(elf_valid)
{
	struct elf_info info;
	const char *why = NULL;

	make_elf(3);
	ck_assert(elf_probe((const uint8_t *)&elf, sizeof(elf)));
	ck_assert_int_eq(check_elf(64 * 1024, &info, &why), 0);
	ck_assert_uint_eq(info.image.entry, 16 * MiB);
	ck_assert_uint_eq(info.image.end, 16 * MiB + 8 * MiB + 2 * MiB);
	ck_assert(!info.image.has_setup_header);
}
END_TEST

START_TEST(elf_virtual_entry)
{
	struct elf_info info;
	const char *why = NULL;

	make_elf(2);
	elf.eh.e_entry = 0xffffffff81000000ULL + 4 * MiB + 0x40;
	ck_assert_int_eq(check_elf(64 * 1024, &info, &why), 0);
	ck_assert_uint_eq(info.image.entry, 20 * MiB + 0x40);

	elf.eh.e_entry = 0x1234;
	ck_assert_int_eq(check_elf(64 * 1024, &info, &why), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(why, "entry"));
}
END_TEST

static void expect_elf_refused(uint64_t file_size, const char *reason)
{
	struct elf_info info;
	const char *why = NULL;

	ck_assert_int_eq(check_elf(file_size, &info, &why), -ENOEXEC);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, reason), "%s: not %s", why, reason);
}

START_TEST(elf_bad_segments)
{
	make_elf(2);
	elf.ph[1].p_paddr = 255 * MiB; /* runs past 256 MiB */
	expect_elf_refused(64 * 1024, "outside guest RAM");

	make_elf(2);
	elf.ph[1].p_paddr = 17 * MiB; /* inside the first */
	expect_elf_refused(64 * 1024, "overlapping");

	make_elf(2);
	elf.ph[1].p_paddr = UINT64_MAX - 4095;
	expect_elf_refused(64 * 1024, "wraps");

	make_elf(2);
	elf.ph[0].p_filesz = 3 * MiB;
	expect_elf_refused(64 * MiB, "p_filesz");

	make_elf(2);
	elf.ph[1].p_offset = UINT64_MAX - 10;
	expect_elf_refused(64 * 1024, "truncated");

	make_elf(2);
	expect_elf_refused(4096 * 3 - 1, "truncated");

	make_elf(1);
	elf.ph[0].p_type = PT_NOTE;
	expect_elf_refused(64 * 1024, "no loadable");
}
END_TEST

START_TEST(elf_bad_header)
{
	make_elf(1);
	elf.eh.e_machine = EM_AARCH64;
	expect_elf_refused(64 * 1024, "x86_64");

	make_elf(1);
	elf.eh.e_ident[EI_CLASS] = ELFCLASS32;
	expect_elf_refused(64 * 1024, "ELF64");

	make_elf(1);
	elf.eh.e_type = ET_DYN;
	expect_elf_refused(64 * 1024, "executable");

	make_elf(1);
	elf.eh.e_phnum = 0;
	expect_elf_refused(64 * 1024, "program header");

	make_elf(1);
	elf.eh.e_phoff = UINT64_MAX - 8;
	expect_elf_refused(64 * 1024, "truncated");

	make_elf(2);
	expect_elf_refused(sizeof(elf.eh) + sizeof(Elf64_Phdr), "truncated");
	expect_elf_refused(10, "truncated");
}
END_TEST

START_TEST(initrd_high_and_aligned)
{
	struct kernel_image image = {
		.end = 24 * MiB,
		.initrd_addr_max = 0x7fffffff,
	};
	uint64_t gpa;

	ck_assert_int_eq(initrd_place(&mem_256m, &image, 10 * MiB + 1, &gpa),
			 0);
	ck_assert_uint_eq(gpa % 4096, 0);
	ck_assert_uint_le(gpa + 10 * MiB + 1, 256 * MiB);
	ck_assert_uint_ge(gpa, 24 * MiB);
	ck_assert_uint_eq(gpa, (256 * MiB - 10 * MiB - 1) & ~4095ULL);
}
END_TEST

START_TEST(initrd_limits)
{
	struct kernel_image image = {
		.end = 24 * MiB,
		.initrd_addr_max = 64 * MiB - 1,
	};
	struct guest_mem big = { .size = 8 * GiB,
				 .low_size = 3 * GiB,
				 .high_size = 5 * GiB };
	uint64_t gpa;

	ck_assert_int_eq(initrd_place(&mem_256m, &image, 4096, &gpa), 0);
	ck_assert_uint_eq(gpa, 64 * MiB - 4096);
	ck_assert_int_eq(initrd_place(&mem_256m, &image, 40 * MiB, &gpa), 0);
	ck_assert_uint_eq(gpa, 24 * MiB);
	ck_assert_int_eq(initrd_place(&mem_256m, &image, 40 * MiB + 1, &gpa),
			 -EFBIG);
	ck_assert_int_eq(initrd_place(&mem_256m, &image, UINT64_MAX, &gpa),
			 -EFBIG);

	/* Above the hole is never used: the top of low RAM bounds it. */
	image.initrd_addr_max = 0xffffffff;
	ck_assert_int_eq(initrd_place(&big, &image, 4096, &gpa), 0);
	ck_assert_uint_eq(gpa, 3 * GiB - 4096);

	/* A kernel that fills RAM leaves no room. */
	image.end = 256 * MiB;
	ck_assert_int_eq(initrd_place(&mem_256m, &image, 1, &gpa), -EFBIG);
}
END_TEST

static Suite *loader_suite(void)
{
	Suite *s = suite_create("loader");
	TCase *b = tcase_create("bzimage");
	TCase *e = tcase_create("elf");
	TCase *i = tcase_create("initrd");

	tcase_add_test(b, bz_valid);
	tcase_add_test(b, bz_default_setup_sects);
	tcase_add_test(b, bz_bad_fields);
	tcase_add_test(b, bz_truncated);
	tcase_add_test(b, bz_garbage);
	tcase_add_test(e, elf_valid);
	tcase_add_test(e, elf_virtual_entry);
	tcase_add_test(e, elf_bad_segments);
	tcase_add_test(e, elf_bad_header);
	tcase_add_test(i, initrd_high_and_aligned);
	tcase_add_test(i, initrd_limits);
	suite_add_tcase(s, b);
	suite_add_tcase(s, e);
	suite_add_tcase(s, i);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(loader_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
