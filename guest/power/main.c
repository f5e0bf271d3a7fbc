// SPDX-License-Identifier: MIT
// The power guest: ends the VM the way action= on the command line says,
//   action=poweroff    ACPI S5 through the sleep control register (exit 0)
//   action=reset       0xfe to the i8042 command port (exit 5)
//   action=reset-acpi  the FADT reset register, port 0x604 (exit 5)
// and reports a failure if husk lets it run on.

#include "guest/lib/guest.h"
#include "guest/lib/io.h"

#define GRACE_MS 2000

static void wait_for_end(const char *action)
{
	uint64_t end = deadline_ms(GRACE_MS);

	while (!deadline_passed(end))
		cpu_relax();
	tap_fail("power %s: still running %u ms after the request", action,
		 GRACE_MS);
}

void guest_main(void)
{
	char action[16];

	if (cmdline_get("action", action, sizeof(action)) < 0) {
		tap_fail("power: no action= on the command line");
		return;
	}
	printf("# power: %s\n", action);
	if (!strcmp(action, "poweroff")) {
		tap_finish();
		power_off();
	} else if (!strcmp(action, "reset")) {
		reset_i8042();
	} else if (!strcmp(action, "reset-acpi")) {
		reset_acpi();
	} else {
		tap_fail("power: unknown action %s", action);
		return;
	}
	wait_for_end(action);
}
