// SPDX-License-Identifier: MIT
// The bootinfo guest's ACPI checks: RSDP found both ways, every table's
// checksum, the hardware-reduced FADT with husk's sleep and reset registers,
// the MADT against the vCPU count, and the DSDT.

#include "guest/bootinfo/bootinfo.h"
#include "guest/lib/acpi.h"

static int gas_is_io(const struct acpi_header *fadt, unsigned int off,
		     uint64_t port)
{
	struct acpi_gas g;

	memcpy(&g, (const uint8_t *)fadt + off, sizeof(g));
	return g.space_id == ACPI_GAS_IO && g.address == port &&
	       g.bit_width == 8;
}

static const struct acpi_rsdp *check_rsdp(void)
{
	const struct acpi_rsdp *r = acpi_rsdp_scan();
	uint64_t gpa = guest_boot_params.acpi_rsdp_addr;

	if (!tap_check(r != NULL, "RSDP found by scanning 0xe0000-0xfffff",
		       "no valid RSDP"))
		return NULL;
	printf("# acpi: RSDP at %#lx, revision %u\n", (unsigned long)r,
	       r->revision);
	tap_check(gpa == (uint64_t)r, "boot_params acpi_rsdp_addr",
		  "%#lx, scan found %#lx", (unsigned long)gpa,
		  (unsigned long)r);
	tap_check(e820_covers((uint64_t)r, sizeof(*r), E820_RESERVED),
		  "RSDP in e820 reserved memory", "it is not");
	if (!tap_check(r->revision >= 2 && r->length >= sizeof(*r) &&
			       acpi_checksum(r, r->length) == 0,
		       "RSDP ACPI 2.0+ extended checksum",
		       "revision %u, length %u", r->revision, r->length))
		return NULL;
	return r;
}

static void check_tables(const struct acpi_header *xsdt)
{
	const struct acpi_header *t;
	unsigned int i, bad = 0;
	uint64_t gpa;

	for (i = 0; i < acpi_xsdt_count(xsdt); i++) {
		gpa = acpi_xsdt_entry(xsdt, i);
		t = acpi_table_at(gpa);
		if (!t) {
			tap_fail("XSDT entry %u: no valid table at %#lx", i,
				 (unsigned long)gpa);
			bad++;
			continue;
		}
		printf("# acpi: %.4s at %#lx, %u bytes, revision %u\n",
		       t->signature, (unsigned long)gpa, t->length,
		       t->revision);
		if (acpi_checksum(t, t->length) != 0 ||
		    !e820_covers(gpa, t->length, E820_RESERVED)) {
			tap_fail("table %.4s: bad checksum or not in e820 "
				 "reserved memory",
				 t->signature);
			bad++;
		}
	}
	tap_check(i > 0 && !bad, "XSDT tables valid", "%u of %u bad", bad, i);
}

static void check_fadt(void)
{
	const struct acpi_header *f = acpi_find("FACP"), *d;
	const uint8_t *b = (const uint8_t *)f;
	uint32_t flags;

	if (!tap_check(f && f->length >= FADT_MIN_LEN, "FADT present",
		       "missing or shorter than %u bytes", FADT_MIN_LEN))
		return;
	memcpy(&flags, b + FADT_FLAGS, 4);
	tap_check(flags & FADT_HW_REDUCED_ACPI, "FADT HW_REDUCED_ACPI",
		  "flags %#x", flags);
	tap_check(gas_is_io(f, FADT_SLEEP_CONTROL_REG, ACPI_SLP_CNT_PORT),
		  "FADT sleep control register is port 0x600", "it is not");
	tap_check(gas_is_io(f, FADT_SLEEP_STATUS_REG, ACPI_SLP_CNT_PORT + 1),
		  "FADT sleep status register is port 0x601", "it is not");
	tap_check((flags & FADT_RESET_REG_SUP) &&
			  gas_is_io(f, FADT_RESET_REG, ACPI_RESET_PORT) &&
			  b[FADT_RESET_VALUE] == ACPI_RESET_VALUE,
		  "FADT reset register is port 0x604, value 1",
		  "flags %#x, value %u", flags, b[FADT_RESET_VALUE]);

	d = acpi_fadt_dsdt(f);
	if (!tap_check(d && !memcmp(d->signature, "DSDT", 4) &&
			       acpi_checksum(d, d->length) == 0 &&
			       e820_covers((uint64_t)d, d->length,
					   E820_RESERVED),
		       "DSDT found from the FADT, checksum, reserved memory",
		       "missing, bad or outside reserved memory"))
		return;
	tap_check(mem_contains(d, d->length, "_S5_"), "DSDT defines _S5_",
		  "no _S5_ in %u bytes", d->length);
}

static void check_madt(void)
{
	struct madt_info m;
	uint64_t cpus;
	unsigned int i, bad = 0;

	if (!tap_check(acpi_parse_madt(&m) == 0, "MADT present", "missing"))
		return;
	if (cmdline_get_u64("cpus", &cpus) < 0) {
		tap_fail("MADT LAPIC count: no cpus= on the command line");
		return;
	}
	tap_check(m.nr_lapic == cpus && m.nr_lapic_entries == cpus,
		  "MADT one LAPIC per vCPU", "%u enabled of %u, expected %lu",
		  m.nr_lapic, m.nr_lapic_entries, (unsigned long)cpus);
	for (i = 0; i < m.nr_lapic && i < MADT_MAX_CPUS; i++)
		bad += m.apic_ids[i] != i;
	tap_check(!bad, "MADT APIC ids are 0..N-1", "%u differ", bad);
	tap_check(m.lapic_addr == 0xfee00000, "MADT LAPIC address", "%#x",
		  m.lapic_addr);
	tap_check(m.nr_ioapic == 1 && m.ioapic_addr == 0xfec00000 &&
			  m.ioapic_gsi_base == 0,
		  "MADT one IOAPIC at 0xfec00000", "%u, first at %#lx",
		  m.nr_ioapic, (unsigned long)m.ioapic_addr);
}

void check_acpi(void)
{
	const struct acpi_rsdp *r = check_rsdp();
	const struct acpi_header *x;

	if (!r)
		return;
	x = acpi_table_at(r->xsdt_address);
	if (!tap_check(x && !memcmp(x->signature, "XSDT", 4) &&
			       acpi_checksum(x, x->length) == 0,
		       "XSDT signature and checksum", "at %#lx",
		       (unsigned long)r->xsdt_address))
		return;
	check_tables(x);
	check_fadt();
	check_madt();
}
