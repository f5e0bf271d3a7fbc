/* SPDX-License-Identifier: MIT */
/*
 * Finding and reading the ACPI tables husk builds: RSDP, XSDT, FADT, MADT,
 * DSDT. Every pointer read from a table is checked against the guests'
 * mapped range before it is followed.
 */
#ifndef GUEST_ACPI_H
#define GUEST_ACPI_H

#include <stdint.h>

#define ACPI_SCAN_START 0xe0000
#define ACPI_SCAN_END 0x100000
#define ACPI_MAX_TABLE_LEN (1U << 20)
#define MADT_MAX_CPUS 64

struct acpi_rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t ext_checksum;
	uint8_t reserved[3];
} __attribute__((packed));

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));

/* The Generic Address Structure of the FADT. */
struct acpi_gas {
	uint8_t space_id; /* 0 memory, 1 system I/O */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} __attribute__((packed));

#define ACPI_GAS_IO 1
#define FADT_HW_REDUCED_ACPI (1U << 20)
#define FADT_RESET_REG_SUP (1U << 10)
/* Byte offsets into the FADT (ACPI 6.x, table 5.9). */
#define FADT_DSDT 40
#define FADT_FLAGS 112
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define FADT_X_DSDT 140
#define FADT_SLEEP_CONTROL_REG 244
#define FADT_SLEEP_STATUS_REG 256
#define FADT_MIN_LEN 268

struct madt_info {
	uint32_t lapic_addr;
	unsigned int nr_lapic; /* enabled ones */
	unsigned int nr_lapic_entries; /* all type 0 entries */
	uint8_t apic_ids[MADT_MAX_CPUS];
	unsigned int nr_ioapic;
	uint64_t ioapic_addr;
	uint32_t ioapic_gsi_base;
	uint32_t irq_gsi[16]; /* ISA IRQ -> GSI after overrides */
	uint16_t irq_flags[16]; /* MPS INTI flags of the override, or 0 */
};

/* Sum of @len bytes: 0 for a valid table. */
uint8_t acpi_checksum(const void *p, uint64_t len);
/* Scans the BIOS area for a valid RSDP; NULL if none. */
const struct acpi_rsdp *acpi_rsdp_scan(void);
/* A table header at @gpa if it is mapped and its length sane, else NULL. */
const struct acpi_header *acpi_table_at(uint64_t gpa);
/* Number of entries of @xsdt, and entry @i. */
unsigned int acpi_xsdt_count(const struct acpi_header *xsdt);
uint64_t acpi_xsdt_entry(const struct acpi_header *xsdt, unsigned int i);
/* Finds a table by signature through the scanned RSDP's XSDT. */
const struct acpi_header *acpi_find(const char *sig);
const struct acpi_header *acpi_fadt_dsdt(const struct acpi_header *fadt);
/* Fills @info from the MADT; returns 0 or -1 if there is no valid MADT. */
int acpi_parse_madt(struct madt_info *info);

#endif
