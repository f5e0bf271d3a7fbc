// SPDX-License-Identifier: MIT
// Ending a guest: ACPI S5 power-off through the hardware-reduced sleep
// control register, and the two reset paths husk offers.

#include "guest/lib/guest.h"
#include "guest/lib/io.h"

void power_off(void)
{
	outb(ACPI_SLP_CNT_PORT, ACPI_SLP_TYP_S5 << 2 | ACPI_SLP_EN);
	printf("not ok - power off: husk kept running after the S5 request\n");
	halt_forever();
}

void reset_i8042(void)
{
	outb(I8042_CMD_PORT, I8042_CMD_RESET);
}

void reset_acpi(void)
{
	outb(ACPI_RESET_PORT, ACPI_RESET_VALUE);
}
