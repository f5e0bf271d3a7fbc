// SPDX-License-Identifier: MIT
// ACPI table discovery for the guests: RSDP by scanning, XSDT walking and
// MADT parsing, with bounds checks on everything the tables point to.

#include "guest/lib/acpi.h"
#include "guest/lib/guest.h"

#define MADT_ENTRIES 44
#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_ISO 2
#define MADT_LAPIC_ENABLED 1

uint8_t acpi_checksum(const void *p, uint64_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

const struct acpi_rsdp *acpi_rsdp_scan(void)
{
	uint64_t a;

	for (a = ACPI_SCAN_START; a < ACPI_SCAN_END; a += 16) {
		const struct acpi_rsdp *r = (const void *)a;

		if (!memcmp(r->signature, "RSD PTR ", 8) &&
		    acpi_checksum(r, 20) == 0)
			return r;
	}
	return NULL;
}

static int mapped(uint64_t gpa, uint64_t len)
{
	return gpa != 0 && paging_mapped(gpa, len);
}

const struct acpi_header *acpi_table_at(uint64_t gpa)
{
	const struct acpi_header *h = (const void *)gpa;

	if (!mapped(gpa, sizeof(*h)))
		return NULL;
	if (h->length < sizeof(*h) || h->length > ACPI_MAX_TABLE_LEN ||
	    !mapped(gpa, h->length))
		return NULL;
	return h;
}

unsigned int acpi_xsdt_count(const struct acpi_header *xsdt)
{
	return (xsdt->length - sizeof(*xsdt)) / 8;
}

uint64_t acpi_xsdt_entry(const struct acpi_header *xsdt, unsigned int i)
{
	uint64_t v;

	/* The entries are only 4-byte aligned. */
	memcpy(&v, (const uint8_t *)(xsdt + 1) + 8 * i, 8);
	return v;
}

const struct acpi_header *acpi_find(const char *sig)
{
	const struct acpi_rsdp *r = acpi_rsdp_scan();
	const struct acpi_header *x, *t;
	unsigned int i;

	if (!r || r->revision < 2)
		return NULL;
	x = acpi_table_at(r->xsdt_address);
	if (!x || memcmp(x->signature, "XSDT", 4))
		return NULL;
	for (i = 0; i < acpi_xsdt_count(x); i++) {
		t = acpi_table_at(acpi_xsdt_entry(x, i));
		if (t && !memcmp(t->signature, sig, 4))
			return t;
	}
	return NULL;
}

const struct acpi_header *acpi_fadt_dsdt(const struct acpi_header *fadt)
{
	const uint8_t *f = (const uint8_t *)fadt;
	uint64_t x_dsdt = 0;
	uint32_t dsdt = 0;

	if (fadt->length >= FADT_X_DSDT + 8)
		memcpy(&x_dsdt, f + FADT_X_DSDT, 8);
	if (fadt->length >= FADT_DSDT + 4)
		memcpy(&dsdt, f + FADT_DSDT, 4);
	return acpi_table_at(x_dsdt ? x_dsdt : dsdt);
}

static void madt_entry(struct madt_info *info, const uint8_t *e)
{
	uint32_t flags, gsi;
	uint16_t inti;

	switch (e[0]) {
	case MADT_LAPIC:
		if (e[1] < 8)
			break;
		memcpy(&flags, e + 4, 4);
		info->nr_lapic_entries++;
		if (!(flags & MADT_LAPIC_ENABLED))
			break;
		if (info->nr_lapic < MADT_MAX_CPUS)
			info->apic_ids[info->nr_lapic] = e[3];
		info->nr_lapic++;
		break;
	case MADT_IOAPIC:
		if (e[1] >= 12 && info->nr_ioapic++ == 0) {
			memcpy(&flags, e + 4, 4);
			info->ioapic_addr = flags;
			memcpy(&info->ioapic_gsi_base, e + 8, 4);
		}
		break;
	case MADT_ISO:
		if (e[1] < 10)
			break;
		memcpy(&gsi, e + 4, 4);
		memcpy(&inti, e + 8, 2);
		if (e[3] < 16) {
			info->irq_gsi[e[3]] = gsi;
			info->irq_flags[e[3]] = inti;
		}
		break;
	}
}

int acpi_parse_madt(struct madt_info *info)
{
	const struct acpi_header *m = acpi_find("APIC");
	const uint8_t *p, *end;
	unsigned int i;

	memset(info, 0, sizeof(*info));
	for (i = 0; i < 16; i++)
		info->irq_gsi[i] = i;
	if (!m || m->length < MADT_ENTRIES)
		return -1;
	memcpy(&info->lapic_addr, (const uint8_t *)m + 36, 4);
	p = (const uint8_t *)m + MADT_ENTRIES;
	end = (const uint8_t *)m + m->length;
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		madt_entry(info, p);
		p += p[1];
	}
	return 0;
}
