// SPDX-License-Identifier: MIT
/*
 * Tests of guest RAM layout around the x86 hole, of guest_ptr() bounds
 * (edges, overflow, the hole) and of command-line size parsing.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "vmm/memory.h"
#include "vmm/size.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

START_TEST(layout_small)
{
	struct guest_mem mem;

	ck_assert_int_eq(guest_mem_layout(&mem, 256 * MiB), 0);
	ck_assert_uint_eq(mem.low_size, 256 * MiB);
	ck_assert_uint_eq(mem.high_size, 0);
	ck_assert_uint_eq(guest_mem_end(&mem), 256 * MiB);
}
END_TEST

START_TEST(layout_exactly_hole)
{
	struct guest_mem mem;

	ck_assert_int_eq(guest_mem_layout(&mem, 3 * GiB), 0);
	ck_assert_uint_eq(mem.low_size, 3 * GiB);
	ck_assert_uint_eq(mem.high_size, 0);
}
END_TEST

START_TEST(layout_above_hole)
{
	struct guest_mem mem;

	ck_assert_int_eq(guest_mem_layout(&mem, 5 * GiB), 0);
	ck_assert_uint_eq(mem.low_size, MEM_HOLE_START);
	ck_assert_uint_eq(mem.high_size, 2 * GiB);
	ck_assert_uint_eq(guest_mem_end(&mem), 6 * GiB);
}
END_TEST

START_TEST(layout_rejects)
{
	struct guest_mem mem;

	ck_assert_int_eq(guest_mem_layout(&mem, 0), -EINVAL);
	ck_assert_int_eq(guest_mem_layout(&mem, MEM_MIN_SIZE - 4096), -EINVAL);
	ck_assert_int_eq(guest_mem_layout(&mem, 64 * MiB + 1), -EINVAL);
	ck_assert_int_eq(guest_mem_layout(&mem, UINT64_MAX & ~4095ULL),
			 -EINVAL);
	ck_assert_int_eq(guest_mem_layout(&mem, MEM_MIN_SIZE), 0);
}
END_TEST

/* A real reservation: MAP_NORESERVE costs no memory until touched. */
static struct guest_mem mapped_mem(uint64_t size)
{
	struct guest_mem mem;

	ck_assert_int_eq(guest_mem_map(&mem, size), 0);
	return mem;
}

START_TEST(ptr_edges)
{
	struct guest_mem mem = mapped_mem(64 * MiB);

	ck_assert_ptr_eq(guest_ptr(&mem, 0, 1), mem.host);
	ck_assert_ptr_eq(guest_ptr(&mem, 0, 64 * MiB), mem.host);
	ck_assert_ptr_nonnull(guest_ptr(&mem, 64 * MiB - 1, 1));
	ck_assert_ptr_null(guest_ptr(&mem, 64 * MiB - 1, 2));
	ck_assert_ptr_null(guest_ptr(&mem, 64 * MiB, 1));
	ck_assert_ptr_null(guest_ptr(&mem, 0, 64 * MiB + 1));
	ck_assert_ptr_null(guest_ptr(&mem, 0, 0));
}
END_TEST

START_TEST(ptr_overflow)
{
	struct guest_mem mem = mapped_mem(5 * GiB);

	ck_assert_ptr_null(guest_ptr(&mem, UINT64_MAX, 1));
	ck_assert_ptr_null(guest_ptr(&mem, UINT64_MAX, 2));
	ck_assert_ptr_null(guest_ptr(&mem, 4096, UINT64_MAX));
	ck_assert_ptr_null(
		guest_ptr(&mem, MEM_HIGH_START + 4096, UINT64_MAX - 4095));
	ck_assert_ptr_null(guest_ptr(&mem, UINT64_MAX - 4095, 8192));
}
END_TEST

START_TEST(ptr_hole)
{
	struct guest_mem mem = mapped_mem(5 * GiB);

	ck_assert_ptr_nonnull(guest_ptr(&mem, MEM_HOLE_START - 8, 8));
	ck_assert_ptr_null(guest_ptr(&mem, MEM_HOLE_START - 8, 9));
	ck_assert_ptr_null(guest_ptr(&mem, MEM_HOLE_START, 1));
	ck_assert_ptr_null(guest_ptr(&mem, 0xfee00000, 4));
	ck_assert_ptr_null(guest_ptr(&mem, MEM_HIGH_START - 1, 2));
	ck_assert_ptr_eq(guest_ptr(&mem, MEM_HIGH_START, 1),
			 mem.host + MEM_HOLE_START);
	/* Crossing the hole is refused even though both ends are RAM. */
	ck_assert_ptr_null(guest_ptr(&mem, 0, 4 * GiB + 1));
	ck_assert_ptr_nonnull(guest_ptr(&mem, 6 * GiB - 4096, 4096));
	ck_assert_ptr_null(guest_ptr(&mem, 6 * GiB - 4096, 4097));
	ck_assert_ptr_null(guest_ptr(&mem, 6 * GiB, 1));
}
END_TEST

START_TEST(ptr_real_mapping)
{
	struct guest_mem mem;
	uint8_t *p;

	ck_assert_int_eq(guest_mem_map(&mem, 16 * MiB), 0);
	p = guest_ptr(&mem, 0x1000, 4);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p[0], 0);
	p[3] = 0x5a;
	ck_assert_uint_eq(mem.host[0x1003], 0x5a);
	guest_mem_unmap(&mem);
	ck_assert_ptr_null(mem.host);
}
END_TEST

START_TEST(size_suffixes)
{
	uint64_t v;

	ck_assert_int_eq(parse_size("256M", 20, &v), 0);
	ck_assert_uint_eq(v, 256 * MiB);
	ck_assert_int_eq(parse_size("2g", 20, &v), 0);
	ck_assert_uint_eq(v, 2 * GiB);
	ck_assert_int_eq(parse_size("4096K", 20, &v), 0);
	ck_assert_uint_eq(v, 4 * MiB);
	ck_assert_int_eq(parse_size("1T", 20, &v), 0);
	ck_assert_uint_eq(v, 1024 * GiB);
	ck_assert_int_eq(parse_size("512", 20, &v), 0);
	ck_assert_uint_eq(v, 512 * MiB);
	ck_assert_int_eq(parse_size("512", 0, &v), 0);
	ck_assert_uint_eq(v, 512);
}
END_TEST

START_TEST(size_garbage)
{
	uint64_t v;

	ck_assert_int_eq(parse_size("", 20, &v), -EINVAL);
	ck_assert_int_eq(parse_size("M", 20, &v), -EINVAL);
	ck_assert_int_eq(parse_size("-1M", 20, &v), -EINVAL);
	ck_assert_int_eq(parse_size("12X", 20, &v), -EINVAL);
	ck_assert_int_eq(parse_size("12MB", 20, &v), -EINVAL);
	ck_assert_int_eq(parse_size(" 12M", 20, &v), -EINVAL);
	ck_assert_int_eq(parse_size("1.5G", 20, &v), -EINVAL);
	ck_assert_int_eq(parse_size("0x10M", 20, &v), -EINVAL);
}
END_TEST

START_TEST(size_overflow)
{
	uint64_t v;

	ck_assert_int_eq(parse_size("18446744073709551615", 0, &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(parse_size("18446744073709551616", 0, &v), -ERANGE);
	ck_assert_int_eq(parse_size("99999999999999999999999G", 20, &v),
			 -ERANGE);
	ck_assert_int_eq(parse_size("16777216T", 20, &v), -ERANGE);
	ck_assert_int_eq(parse_size("17592186044416M", 20, &v), -ERANGE);
	ck_assert_int_eq(parse_size("17592186044415M", 20, &v), 0);
}
END_TEST

static Suite *memory_suite(void)
{
	Suite *s = suite_create("memory");
	TCase *layout = tcase_create("layout");
	TCase *ptr = tcase_create("guest_ptr");
	TCase *size = tcase_create("parse_size");

	tcase_add_test(layout, layout_small);
	tcase_add_test(layout, layout_exactly_hole);
	tcase_add_test(layout, layout_above_hole);
	tcase_add_test(layout, layout_rejects);
	tcase_add_test(ptr, ptr_edges);
	tcase_add_test(ptr, ptr_overflow);
	tcase_add_test(ptr, ptr_hole);
	tcase_add_test(ptr, ptr_real_mapping);
	tcase_add_test(size, size_suffixes);
	tcase_add_test(size, size_garbage);
	tcase_add_test(size, size_overflow);
	suite_add_tcase(s, layout);
	suite_add_tcase(s, ptr);
	suite_add_tcase(s, size);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(memory_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
