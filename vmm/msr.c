// SPDX-License-Identifier: MIT
/*
 * Initial MSR values and local APIC LINT wiring for each vCPU.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <linux/kvm.h>

#include "vmm/kvm.h"
#include "vmm/log.h"
#include "vmm/msr.h"

#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_MTRR_DEF_TYPE 0x2ff
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SYSCALL_MASK 0xc0000084
#define MSR_KERNEL_GS_BASE 0xc0000102

#define MISC_ENABLE_FAST_STRING (1ULL << 0)
#define MTRR_ENABLE (1ULL << 11)
#define MTRR_TYPE_WRBACK 6

static const struct kvm_msr_entry initial_msrs[] = {
	{ .index = MSR_IA32_SYSENTER_CS },
	{ .index = MSR_IA32_SYSENTER_ESP },
	{ .index = MSR_IA32_SYSENTER_EIP },
	{ .index = MSR_STAR },
	{ .index = MSR_LSTAR },
	{ .index = MSR_CSTAR },
	{ .index = MSR_SYSCALL_MASK },
	{ .index = MSR_KERNEL_GS_BASE },
	{ .index = MSR_IA32_MISC_ENABLE, .data = MISC_ENABLE_FAST_STRING },
	{ .index = MSR_MTRR_DEF_TYPE, .data = MTRR_ENABLE | MTRR_TYPE_WRBACK },
};

#define NR_MSRS (sizeof(initial_msrs) / sizeof(initial_msrs[0]))

int msr_setup_vcpu(int vcpu_fd)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry entries[NR_MSRS];
	} msrs;
	int n;

	memset(&msrs, 0, sizeof(msrs));
	msrs.hdr.nmsrs = NR_MSRS;
	memcpy(msrs.entries, initial_msrs, sizeof(initial_msrs));

	n = kvm_ioctl(vcpu_fd, KVM_SET_MSRS, &msrs);
	if (n < 0)
		return n;
	if ((size_t)n < NR_MSRS) {
		log_error("KVM_SET_MSRS: MSR 0x%x refused",
			  msrs.entries[n].index);
		return -EINVAL;
	}
	return 0;
}

#define APIC_LVT0 0x350
#define APIC_LVT1 0x360
#define APIC_MODE_MASK (7U << 8)
#define APIC_MODE_NMI (4U << 8)
#define APIC_MODE_EXTINT (7U << 8)

static void set_lvt_mode(struct kvm_lapic_state *lapic, unsigned int reg,
			 uint32_t mode)
{
	uint32_t v;

	memcpy(&v, &lapic->regs[reg], sizeof(v));
	v = (v & ~APIC_MODE_MASK) | mode;
	memcpy(&lapic->regs[reg], &v, sizeof(v));
}

int lapic_setup_vcpu(int vcpu_fd)
{
	struct kvm_lapic_state lapic;
	int err;

	err = kvm_ioctl(vcpu_fd, KVM_GET_LAPIC, &lapic);
	if (err < 0)
		return err;
	set_lvt_mode(&lapic, APIC_LVT0, APIC_MODE_EXTINT);
	set_lvt_mode(&lapic, APIC_LVT1, APIC_MODE_NMI);
	err = kvm_ioctl(vcpu_fd, KVM_SET_LAPIC, &lapic);
	return err < 0 ? err : 0;
}
