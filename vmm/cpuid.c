// SPDX-License-Identifier: MIT
/*
 * CPUID set-up for each vCPU: KVM's supported leaves, then APIC ids and
 * topology leaves rewritten so that every vCPU sees itself and its peers
 * consistently.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/cpuid.h"
#include "vmm/kvm.h"
#include "vmm/log.h"

#define CPUID_SPARE 16 /* entries cpuid_patch() may add */

#define LEAF1_ECX_TSC_DEADLINE (1U << 24)
#define LEAF1_ECX_HYPERVISOR (1U << 31)
#define LEAF1_EDX_HTT (1U << 28)
#define TOPO_LEVEL_SMT 1
#define TOPO_LEVEL_CORE 2
#define AMD_VENDOR_EBX 0x68747541 /* "Auth" */
#define HYPERVISOR_LEAF 0x40000000
#define KVM_SIGNATURE_EBX 0x4b4d564b /* "KVMKVMKVM\0\0\0" */
#define KVM_SIGNATURE_ECX 0x564b4d56
#define KVM_SIGNATURE_EDX 0x0000004d

static struct kvm_cpuid_entry2 *find(struct kvm_cpuid2 *c, uint32_t function,
				     uint32_t index)
{
	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function != function)
			continue;
		if (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ||
		    e->index == index)
			return e;
	}
	return NULL;
}

int cpuid_get_supported(int kvm_fd, struct kvm_cpuid2 **out)
{
	struct kvm_cpuid2 *c;
	uint32_t n = 64;
	int err;

	for (;;) {
		c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		if (!c)
			return -ENOMEM;
		c->nent = n;
		err = kvm_ioctl_raw(kvm_fd, KVM_GET_SUPPORTED_CPUID,
				    (unsigned long)(uintptr_t)c);
		if (err != -E2BIG || n >= 4096)
			break;
		free(c);
		n *= 2;
	}
	if (err < 0) {
		log_error_errno(-err, "KVM_GET_SUPPORTED_CPUID");
		free(c);
		return err;
	}
	/*
	 * KVM emulates the TSC-deadline timer but leaves its CPUID bit out
	 * of the supported leaves: it is set here when KVM says it can.
	 * Without it Linux falls back to the one-shot APIC timer.
	 */
	if (kvm_ioctl_raw(kvm_fd, KVM_CHECK_EXTENSION,
			  KVM_CAP_TSC_DEADLINE_TIMER) > 0) {
		struct kvm_cpuid_entry2 *e = find(c, 1, 0);

		if (e)
			e->ecx |= LEAF1_ECX_TSC_DEADLINE;
	}
	*out = c;
	return 0;
}

/* Finds or appends the entry for (@function, @index). */
static struct kvm_cpuid_entry2 *get(struct kvm_cpuid2 *c, uint32_t cap,
				    uint32_t function, uint32_t index,
				    uint32_t flags)
{
	struct kvm_cpuid_entry2 *e = find(c, function, index);

	if (e)
		return e;
	if (c->nent >= cap)
		return NULL;
	e = &c->entries[c->nent++];
	memset(e, 0, sizeof(*e));
	e->function = function;
	e->index = index;
	e->flags = flags;
	return e;
}

/* Bits needed to number @n things: 0 for 1, 1 for 2, 2 for 3..4... */
static uint32_t id_bits(uint32_t n)
{
	uint32_t bits = 0;

	while ((1U << bits) < n)
		bits++;
	return bits;
}

static void patch_leaf1(struct kvm_cpuid2 *c, uint32_t apic_id, uint32_t ncpus)
{
	struct kvm_cpuid_entry2 *e = find(c, 1, 0);
	uint32_t ids = 1U << id_bits(ncpus);

	if (!e)
		return;
	if (ids > 0xff)
		ids = 0xff;
	e->ebx &= 0x0000ffff;
	e->ebx |= (apic_id & 0xff) << 24 | ids << 16;
	e->ecx |= LEAF1_ECX_HYPERVISOR;
	if (ncpus > 1)
		e->edx |= LEAF1_EDX_HTT;
	else
		e->edx &= ~LEAF1_EDX_HTT;
}

/* Deterministic cache parameters: cores per package, sharing per level. */
static void patch_leaf4(struct kvm_cpuid2 *c, uint32_t ncpus)
{
	uint32_t cores = (1U << id_bits(ncpus)) - 1;

	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];
		uint32_t level = (e->eax >> 5) & 7;
		uint32_t sharing = level >= 3 ? cores : 0;

		if (e->function != 4 || (e->eax & 0x1f) == 0)
			continue;
		e->eax &= 0x00003fff;
		e->eax |= cores << 26 | (sharing & 0xfff) << 14;
	}
}

static void set_level(struct kvm_cpuid_entry2 *e, uint32_t leaf, uint32_t index,
		      uint32_t eax, uint32_t ebx, uint32_t ecx,
		      uint32_t apic_id)
{
	memset(e, 0, sizeof(*e));
	e->function = leaf;
	e->index = index;
	e->flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
	e->eax = eax;
	e->ebx = ebx;
	e->ecx = ecx;
	e->edx = apic_id;
}

/*
 * Leaf 0xb or 0x1f: an SMT level of one thread, a core level of @ncpus,
 * and an invalid level (type 0) at every later subleaf.
 */
static int patch_topology(struct kvm_cpuid2 *c, uint32_t cap, uint32_t leaf,
			  uint32_t apic_id, uint32_t ncpus)
{
	const uint32_t flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
	struct kvm_cpuid_entry2 *smt, *core, *end;

	smt = get(c, cap, leaf, 0, flags);
	core = get(c, cap, leaf, 1, flags);
	end = get(c, cap, leaf, 2, flags);
	if (!smt || !core || !end)
		return -ENOSPC;

	set_level(smt, leaf, 0, 0, 1, TOPO_LEVEL_SMT << 8, apic_id);
	set_level(core, leaf, 1, id_bits(ncpus), ncpus,
		  TOPO_LEVEL_CORE << 8 | 1, apic_id);
	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function == leaf && e->index >= 2)
			set_level(e, leaf, e->index, 0, 0, e->index, apic_id);
	}
	return 0;
}

static void patch_amd(struct kvm_cpuid2 *c, uint32_t apic_id, uint32_t ncpus)
{
	struct kvm_cpuid_entry2 *vendor = find(c, 0, 0);
	struct kvm_cpuid_entry2 *e;

	if (!vendor || vendor->ebx != AMD_VENDOR_EBX)
		return;
	e = find(c, 0x80000008, 0);
	if (e)
		e->ecx = id_bits(ncpus) << 12 | (ncpus - 1);
	e = find(c, 0x8000001e, 0);
	if (e) {
		e->eax = apic_id;
		e->ebx = apic_id & 0xff; /* core id; one thread per core */
		e->ecx = 0;
	}
}

static int patch_hypervisor(struct kvm_cpuid2 *c, uint32_t cap)
{
	struct kvm_cpuid_entry2 *e = get(c, cap, HYPERVISOR_LEAF, 0, 0);

	if (!e)
		return -ENOSPC;
	if (e->ebx == 0 && e->ecx == 0 && e->edx == 0) {
		e->eax = HYPERVISOR_LEAF;
		e->ebx = KVM_SIGNATURE_EBX;
		e->ecx = KVM_SIGNATURE_ECX;
		e->edx = KVM_SIGNATURE_EDX;
	}
	return 0;
}

int cpuid_patch(struct kvm_cpuid2 *c, uint32_t cap, uint32_t apic_id,
		uint32_t ncpus)
{
	struct kvm_cpuid_entry2 *basic = find(c, 0, 0);
	uint32_t max_leaf = basic ? basic->eax : 0;
	int err = 0;

	patch_leaf1(c, apic_id, ncpus);
	patch_leaf4(c, ncpus);
	if (max_leaf >= 0xb)
		err = patch_topology(c, cap, 0xb, apic_id, ncpus);
	if (!err && max_leaf >= 0x1f)
		err = patch_topology(c, cap, 0x1f, apic_id, ncpus);
	if (!err)
		err = patch_hypervisor(c, cap);
	patch_amd(c, apic_id, ncpus);
	return err;
}

int cpuid_set_vcpu(int vcpu_fd, const struct kvm_cpuid2 *base, uint32_t apic_id,
		   uint32_t ncpus)
{
	uint32_t cap = base->nent + CPUID_SPARE;
	struct kvm_cpuid2 *c;
	int err;

	c = malloc(sizeof(*c) + cap * sizeof(c->entries[0]));
	if (!c)
		return -ENOMEM;
	memcpy(c, base, sizeof(*c) + base->nent * sizeof(c->entries[0]));

	err = cpuid_patch(c, cap, apic_id, ncpus);
	if (!err)
		err = kvm_ioctl(vcpu_fd, KVM_SET_CPUID2, c);
	free(c);
	return err < 0 ? err : 0;
}
