/* SPDX-License-Identifier: MIT */
/*
 * The x86 board: the platform devices (COM1, i8042, ACPI power management,
 * husk's mark port) on the port bus, and the ACPI tables in guest RAM.
 */
#ifndef HUSK_BOARD_H
#define HUSK_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/vm.h"

struct serial;
struct i8042;
struct acpi_pm;
struct acpi_mmio_dev;

struct board {
	struct vm *vm;
	struct serial *serial;
	struct i8042 *i8042;
	struct acpi_pm *pm;
	int rx_space_fd; /* eventfd: the serial port has room for input */
	/* The virtio-mmio devices for the DSDT, set before ACPI is built. */
	const struct acpi_mmio_dev *mmio_devs;
	size_t nmmio_devs;
};

/*
 * Creates the devices, with serial output to @out_fd, and registers them
 * on @vm's buses. Returns 0 or -errno; board_destroy() cleans up either way.
 */
int board_create(struct board *board, struct vm *vm, int out_fd);

/* Writes the ACPI tables; stores the RSDP's address in *@rsdp_gpa. */
int board_build_acpi(struct board *board, uint64_t *rsdp_gpa);

void board_destroy(struct board *board);

#endif
