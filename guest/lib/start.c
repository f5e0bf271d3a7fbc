// SPDX-License-Identifier: MIT
// The C side of the guests' entry: keeps copies of the zero page and command
// line, sets up paging and interrupts, runs the guest and powers off.

#include "guest/lib/guest.h"
#include "guest/lib/idt.h"
#include "guest/lib/io.h"

struct boot_params guest_boot_params;
uint64_t guest_boot_params_gpa;
char guest_cmdline[GUEST_CMDLINE_SIZE + 1];

void guest_start(uint64_t boot_params_gpa);

/* husk's own page tables map the first 4 GiB; so must the zero page be. */
static int copy_boot_params(uint64_t gpa)
{
	if (gpa == 0 || gpa > (4ULL << 30) - sizeof(guest_boot_params))
		return -1;
	memcpy(&guest_boot_params, (const void *)gpa,
	       sizeof(guest_boot_params));
	return 0;
}

/* Runs on the guest's own page tables, which also map above 4 GiB. */
static void copy_cmdline(void)
{
	const struct boot_params *bp = &guest_boot_params;
	uint64_t high = (uint64_t)bp->ext_cmd_line_ptr << 32;
	uint64_t gpa = bp->hdr.cmd_line_ptr | high;
	const char *src = (const char *)gpa;
	size_t i;

	/* Byte by byte up to the NUL: never read past the string. */
	for (i = 0; i < sizeof(guest_cmdline) - 1; i++) {
		if (gpa == 0 || !paging_mapped(gpa + i, 1) || !src[i])
			break;
		guest_cmdline[i] = src[i];
	}
	guest_cmdline[i] = 0;
}

void guest_start(uint64_t boot_params_gpa)
{
	uart_init();
	guest_boot_params_gpa = boot_params_gpa;
	if (copy_boot_params(boot_params_gpa) < 0) {
		tap_fail("boot: zero page address %#lx is not below 4 GiB",
			 (unsigned long)boot_params_gpa);
		power_off();
	}
	paging_init();
	copy_cmdline();
	idt_init();
	tsc_calibrate();

	guest_main();
	tap_finish();
	power_off();
}
