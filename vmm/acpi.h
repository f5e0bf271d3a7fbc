/* SPDX-License-Identifier: MIT */
/*
 * ACPI for x86 guests: the tables that tell a stock kernel where its
 * CPUs, interrupt controllers, console and virtio-mmio devices are
 * (hardware-reduced ACPI), and the I/O ports through which it powers off
 * and resets the machine.
 */
#ifndef HUSK_ACPI_H
#define HUSK_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Guest-physical window for the tables; a BIOS-area scan finds the RSDP. */
#define ACPI_TABLES_GPA 0xe0000
#define ACPI_TABLES_SIZE 0x20000

/* Sleep control 0x600, sleep status 0x601, reset register 0x604. */
#define ACPI_PM_PORT 0x600
#define ACPI_PM_PORT_LEN 8
#define ACPI_PM_SLEEP_CONTROL_OFFSET 0
#define ACPI_PM_SLEEP_STATUS_OFFSET 1
#define ACPI_PM_RESET_OFFSET 4
#define ACPI_PM_RESET_VALUE 1
#define ACPI_SLP_TYP_S5 5 /* the SLP_TYP value \_S5_ names */

#define ACPI_IOAPIC_ADDR 0xfec00000u
#define ACPI_IOAPIC_PINS 24 /* KVM's in-kernel IOAPIC */
#define ACPI_LAPIC_ADDR 0xfee00000u
#define ACPI_MAX_CPUS 255 /* xAPIC ids 0..254 in 8-bit MADT entries */
#define ACPI_MAX_MMIO_DEVS 256

/* A virtio-mmio device, described as LNRO0005 with an edge GSI. */
struct acpi_mmio_dev {
	uint64_t base;
	uint32_t size;
	uint32_t gsi;
};

struct acpi_config {
	unsigned int ncpus; /* 1..ACPI_MAX_CPUS; APIC ids 0..ncpus-1 */
	const struct acpi_mmio_dev *devs;
	size_t ndevs;
};

/*
 * Writes RSDP, XSDT, FADT, MADT and DSDT into @buf, which the guest sees
 * at @gpa. Hardware-reduced ACPI needs no FACS, so none is written. If
 * the window holds the real-mode reset vector (0xffff0..0xfffff), a stub
 * there writes the reset register: Linux's BIOS reboot method, the one it
 * picks on hardware-reduced machines without EFI, jumps there. The
 * RSDP lands at @gpa itself (16-byte aligned if @gpa is); its address is
 * stored in *@rsdp_gpa for boot_params.acpi_rsdp_addr. Returns 0,
 * -EINVAL for a bad @cfg (no CPUs, too many, a GSI past the IOAPIC, a
 * device above 4 GiB), or -ENOSPC when @size is too small.
 */
int acpi_build_tables(void *buf, size_t size, uint64_t gpa,
		      const struct acpi_config *cfg, uint64_t *rsdp_gpa);

struct acpi_pm;

struct acpi_pm_config {
	void (*poweroff)(void *opaque); /* SLP_EN with SLP_TYP == 5 */
	void (*reset)(void *opaque); /* ACPI_PM_RESET_VALUE to the reset reg */
	void *opaque;
};

/* Returns 0 or -ENOMEM / -EINVAL. Either callback may be NULL. */
int acpi_pm_create(struct acpi_pm **pp, const struct acpi_pm_config *cfg);
void acpi_pm_destroy(struct acpi_pm *pm);

/*
 * A bus_handler_fn for ACPI_PM_PORT_LEN ports at ACPI_PM_PORT; @opaque is
 * the struct acpi_pm. Wider accesses act on consecutive byte registers.
 */
int acpi_pm_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
	       bool is_write);

#endif
