// SPDX-License-Identifier: MIT
/*
 * Tests of the per-vCPU CPUID rewrite: APIC ids, topology leaves, the
 * hypervisor bit and leaf, on a crafted list of supported leaves.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/cpuid.h"

#define CAP 32

static struct kvm_cpuid2 *make(uint32_t max_leaf, uint32_t vendor_ebx)
{
	struct kvm_cpuid2 *c =
		calloc(1, sizeof(*c) + CAP * sizeof(c->entries[0]));
	struct kvm_cpuid_entry2 *e = c->entries;

	e[0] = (struct kvm_cpuid_entry2){ .function = 0,
					  .eax = max_leaf,
					  .ebx = vendor_ebx };
	e[1] = (struct kvm_cpuid_entry2){ .function = 1,
					  .ebx = 0x00010800,
					  .edx = 1U << 28 };
	e[2] = (struct kvm_cpuid_entry2){
		.function = 4,
		.index = 0,
		.flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
		.eax = 0x1c004121, /* level 1 data cache */
	};
	e[3] = (struct kvm_cpuid_entry2){
		.function = 4,
		.index = 3,
		.flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
		.eax = 0x1c03c163, /* level 3 unified cache */
	};
	e[4] = (struct kvm_cpuid_entry2){
		.function = 0xb,
		.index = 0,
		.flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
		.ebx = 2,
		.ecx = 0x100,
		.edx = 7,
	};
	e[5] = (struct kvm_cpuid_entry2){ .function = 0x80000008,
					  .eax = 0x3030 };
	c->nent = 6;
	return c;
}

static struct kvm_cpuid_entry2 *find(struct kvm_cpuid2 *c, uint32_t fn,
				     uint32_t index)
{
	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn &&
		    c->entries[i].index == index)
			return &c->entries[i];
	return NULL;
}

START_TEST(leaf1_apic_id)
{
	struct kvm_cpuid2 *c = make(0xd, 0x756e6547);
	struct kvm_cpuid_entry2 *e;

	ck_assert_int_eq(cpuid_patch(c, CAP, 5, 6), 0);
	e = find(c, 1, 0);
	ck_assert_uint_eq(e->ebx >> 24, 5);
	ck_assert_uint_eq((e->ebx >> 16) & 0xff, 8);
	ck_assert_uint_eq(e->ebx & 0xffff, 0x0800);
	ck_assert(e->ecx & (1U << 31));
	ck_assert(e->edx & (1U << 28));

	ck_assert_int_eq(cpuid_patch(c, CAP, 0, 1), 0);
	ck_assert(!(e->edx & (1U << 28)));
	ck_assert_uint_eq((e->ebx >> 16) & 0xff, 1);
	free(c);
}
END_TEST

START_TEST(leaf_b_topology)
{
	struct kvm_cpuid2 *c = make(0xd, 0x756e6547);
	struct kvm_cpuid_entry2 *e;

	ck_assert_int_eq(cpuid_patch(c, CAP, 3, 4), 0);
	e = find(c, 0xb, 0);
	ck_assert_uint_eq(e->eax, 0);
	ck_assert_uint_eq(e->ebx, 1);
	ck_assert_uint_eq(e->ecx, 0x100);
	ck_assert_uint_eq(e->edx, 3);
	e = find(c, 0xb, 1);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->eax, 2);
	ck_assert_uint_eq(e->ebx, 4);
	ck_assert_uint_eq(e->ecx, 0x201);
	ck_assert_uint_eq(e->edx, 3);
	e = find(c, 0xb, 2);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->ebx, 0);
	ck_assert_uint_eq(e->ecx, 2);
	ck_assert_ptr_null(find(c, 0x1f, 0));
	free(c);
}
END_TEST

START_TEST(leaf_1f_when_listed)
{
	struct kvm_cpuid2 *c = make(0x1f, 0x756e6547);

	ck_assert_int_eq(cpuid_patch(c, CAP, 1, 2), 0);
	ck_assert_ptr_nonnull(find(c, 0x1f, 0));
	ck_assert_uint_eq(find(c, 0x1f, 1)->ebx, 2);
	ck_assert_uint_eq(find(c, 0x1f, 1)->edx, 1);
	free(c);
}
END_TEST

START_TEST(leaf4_cores)
{
	struct kvm_cpuid2 *c = make(0xd, 0x756e6547);

	ck_assert_int_eq(cpuid_patch(c, CAP, 0, 4), 0);
	ck_assert_uint_eq(find(c, 4, 0)->eax >> 26, 3);
	ck_assert_uint_eq((find(c, 4, 0)->eax >> 14) & 0xfff, 0);
	ck_assert_uint_eq((find(c, 4, 3)->eax >> 14) & 0xfff, 3);
	ck_assert_uint_eq(find(c, 4, 3)->eax & 0x3fff, 0x0163);
	free(c);
}
END_TEST

START_TEST(hypervisor_leaf)
{
	struct kvm_cpuid2 *c = make(0xd, 0x756e6547);
	struct kvm_cpuid_entry2 *e;

	ck_assert_int_eq(cpuid_patch(c, CAP, 0, 1), 0);
	e = find(c, 0x40000000, 0);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->ebx, 0x4b4d564b);
	free(c);
}
END_TEST

START_TEST(amd_core_count)
{
	struct kvm_cpuid2 *c = make(0xd, 0x68747541);

	ck_assert_int_eq(cpuid_patch(c, CAP, 2, 3), 0);
	ck_assert_uint_eq(find(c, 0x80000008, 0)->ecx, 2U << 12 | 2);
	free(c);

	c = make(0xd, 0x756e6547);
	ck_assert_int_eq(cpuid_patch(c, CAP, 2, 3), 0);
	ck_assert_uint_eq(find(c, 0x80000008, 0)->ecx, 0);
	free(c);
}
END_TEST

START_TEST(no_room)
{
	struct kvm_cpuid2 *c = make(0xd, 0x756e6547);

	ck_assert_int_eq(cpuid_patch(c, c->nent, 0, 2), -ENOSPC);
	free(c);
}
END_TEST

static Suite *cpuid_suite(void)
{
	Suite *s = suite_create("cpuid");
	TCase *t = tcase_create("patch");

	tcase_add_test(t, leaf1_apic_id);
	tcase_add_test(t, leaf_b_topology);
	tcase_add_test(t, leaf_1f_when_listed);
	tcase_add_test(t, leaf4_cores);
	tcase_add_test(t, hypervisor_leaf);
	tcase_add_test(t, amd_core_count);
	tcase_add_test(t, no_room);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cpuid_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
