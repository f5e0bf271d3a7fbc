// SPDX-License-Identifier: MIT
// The bootinfo guest's CPUID checks: what a Linux guest looks for to know
// it runs under KVM (the hypervisor bit and the KVM signature leaf, which
// lead it to kvm-clock), the TSC-deadline timer, which KVM emulates but
// leaves to the monitor to offer, and the BSP's initial APIC id.

#include "guest/bootinfo/bootinfo.h"
#include "guest/lib/io.h"

#define CPUID_1_ECX_TSC_DEADLINE (1U << 24)
#define CPUID_1_ECX_HYPERVISOR (1U << 31)
#define CPUID_KVM_SIGNATURE 0x40000000
#define CPUID_KVM_FEATURES 0x40000001
#define KVM_FEATURE_CLOCKSOURCE2 (1U << 3)

void check_cpu(void)
{
	uint32_t a, b, c, d, max;
	char sig[13];

	cpuid(1, &a, &b, &c, &d);
	tap_check(c & CPUID_1_ECX_HYPERVISOR, "CPUID hypervisor bit",
		  "leaf 1 ECX %#x", c);
	tap_check(c & CPUID_1_ECX_TSC_DEADLINE, "CPUID TSC-deadline timer",
		  "leaf 1 ECX %#x", c);
	tap_check(b >> 24 == 0, "CPUID initial APIC id of the BSP is 0", "%u",
		  b >> 24);

	cpuid(CPUID_KVM_SIGNATURE, &max, &b, &c, &d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = 0;
	if (!tap_check(!memcmp(sig, "KVMKVMKVM\0\0\0", 12),
		       "CPUID KVM signature leaf", "\"%s\"", sig))
		return;
	if (!tap_check(max >= CPUID_KVM_FEATURES, "CPUID KVM features leaf",
		       "highest leaf %#x", max))
		return;
	cpuid(CPUID_KVM_FEATURES, &a, &b, &c, &d);
	tap_check(a & KVM_FEATURE_CLOCKSOURCE2, "CPUID KVM offers kvm-clock",
		  "features %#x", a);
}
