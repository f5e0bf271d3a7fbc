// SPDX-License-Identifier: MIT
// The triple-fault guest: loads an empty IDT and raises #UD, so delivering
// it faults twice more and the vCPU shuts down. husk must report the crash
// and exit with HUSK_EXIT_GUEST_CRASH.

#include "guest/lib/guest.h"

struct empty_idt {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

void guest_main(void)
{
	static const struct empty_idt idt = { 0, 0 };

	printf("# triple-fault: loading an empty IDT, then ud2\n");
	__asm__ volatile("lidt %0\n\tud2" : : "m"(idt));
	tap_fail("triple fault: execution continued after ud2");
}
