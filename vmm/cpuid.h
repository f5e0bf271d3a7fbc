/* SPDX-License-Identifier: MIT */
/*
 * Guest CPUID: what KVM supports, with each vCPU's APIC id and a topology
 * of one package, one thread per core, @ncpus cores.
 */
#ifndef HUSK_CPUID_H
#define HUSK_CPUID_H

#include <stdint.h>
#include <linux/kvm.h>

/* Reads KVM_GET_SUPPORTED_CPUID into a new *@out; returns 0 or -errno. */
int cpuid_get_supported(int kvm_fd, struct kvm_cpuid2 **out);

/*
 * Rewrites @c (room for @cap entries) for the vCPU with @apic_id among
 * @ncpus: leaves 1, 4, 0xb, 0x1f, AMD's 0x80000008 and 0x8000001e, and
 * the hypervisor leaf 0x40000000. Returns 0, or -ENOSPC without room.
 */
int cpuid_patch(struct kvm_cpuid2 *c, uint32_t cap, uint32_t apic_id,
		uint32_t ncpus);

/* cpuid_patch() on a copy of @base, then KVM_SET_CPUID2 on @vcpu_fd. */
int cpuid_set_vcpu(int vcpu_fd, const struct kvm_cpuid2 *base, uint32_t apic_id,
		   uint32_t ncpus);

#endif
