// SPDX-License-Identifier: MIT
/*
 * Wires the platform devices to the VM: bus ranges, the serial IRQ line,
 * and the power-off and reset paths that end the run.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vmm/acpi.h"
#include "vmm/board.h"
#include "vmm/boot_x86.h"
#include "vmm/exit_status.h"
#include "vmm/i8042.h"
#include "vmm/log.h"
#include "vmm/serial.h"
#include "vmm/timestamps.h"

static void serial_set_irq(void *opaque, int level)
{
	struct board *board = opaque;

	vm_irq_line(board->vm, SERIAL_COM1_IRQ, level);
}

static void on_poweroff(void *opaque)
{
	struct board *board = opaque;

	vm_request_stop(board->vm, HUSK_EXIT_POWEROFF);
}

static void on_reset(void *opaque)
{
	struct board *board = opaque;

	vm_request_stop(board->vm, HUSK_EXIT_REBOOT);
}

static int create_devices(struct board *board, int out_fd)
{
	struct serial_config scfg = {
		.out_fd = out_fd,
		.set_irq = serial_set_irq,
		.opaque = board,
		.rx_space_fd = board->rx_space_fd,
	};
	struct i8042_config kcfg = { .reset = on_reset, .opaque = board };
	struct acpi_pm_config pcfg = {
		.poweroff = on_poweroff,
		.reset = on_reset,
		.opaque = board,
	};
	int err;

	err = serial_create(&board->serial, &scfg);
	if (!err)
		err = i8042_create(&board->i8042, &kcfg);
	if (!err)
		err = acpi_pm_create(&board->pm, &pcfg);
	if (err)
		log_error_errno(-err, "creating the platform devices");
	return err;
}

static int register_ports(struct board *board)
{
	struct bus *pio = &board->vm->pio;
	int err;

	err = bus_register(pio, SERIAL_COM1_PORT, SERIAL_PORT_LEN, "serial",
			   serial_io, board->serial);
	if (!err)
		err = bus_register(pio, I8042_PORT_BASE, I8042_PORT_LEN,
				   "i8042", i8042_io, board->i8042);
	if (!err)
		err = bus_register(pio, ACPI_PM_PORT, ACPI_PM_PORT_LEN,
				   "acpi-pm", acpi_pm_io, board->pm);
	if (!err)
		err = bus_register(pio, TSTAMP_MARK_PORT, 1, "mark",
				   tstamp_mark_io, NULL);
	if (err)
		log_error_errno(-err, "registering the platform ports");
	return err;
}

int board_create(struct board *board, struct vm *vm, int out_fd)
{
	int err;

	memset(board, 0, sizeof(*board));
	board->vm = vm;
	board->rx_space_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (board->rx_space_fd < 0) {
		err = errno;
		log_error_errno(err, "eventfd");
		return -err;
	}

	err = create_devices(board, out_fd);
	return err ? err : register_ports(board);
}

int board_build_acpi(struct board *board, uint64_t *rsdp_gpa)
{
	struct acpi_config cfg = {
		.ncpus = board->vm->ncpus,
		.devs = board->mmio_devs,
		.ndevs = board->nmmio_devs,
	};
	void *buf =
		guest_ptr(&board->vm->mem, ACPI_TABLES_GPA, ACPI_TABLES_SIZE);
	int err;

	if (!buf)
		return -EFAULT;
	err = acpi_build_tables(buf, ACPI_TABLES_SIZE, ACPI_TABLES_GPA, &cfg,
				rsdp_gpa);
	if (err)
		log_error_errno(-err, "building the ACPI tables");
	return err;
}

void board_destroy(struct board *board)
{
	if (board->pm)
		acpi_pm_destroy(board->pm);
	if (board->i8042)
		i8042_destroy(board->i8042);
	if (board->serial)
		serial_destroy(board->serial);
	if (board->rx_space_fd >= 0)
		close(board->rx_space_fd);
	memset(board, 0, sizeof(*board));
	board->rx_space_fd = -1;
}
