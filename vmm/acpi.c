// SPDX-License-Identifier: MIT
/*
 * husk's ACPI tables for x86 guests: RSDP, XSDT, a hardware-reduced FADT,
 * MADT and a DSDT that names the console UART and every virtio-mmio
 * device, laid out in one guest-physical window.
 */
#include "vmm/acpi.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vmm/acpi_aml.h"
#include "vmm/serial.h"

#define OEM_ID "HUSK  "
#define CREATOR_ID "HUSK"
#define OEM_REVISION 1
#define CREATOR_REVISION 1

#define SDT_HEADER_LEN 36
#define SDT_CHECKSUM_OFFSET 9
#define RSDP_LEN 36
#define RSDP_V1_LEN 20
#define TABLE_ALIGN 16

/* FADT: ACPI 6.5 layout, revision 6, minor 5. */
#define FADT_LEN 276
#define FADT_REVISION 6
#define FADT_MINOR_REVISION 5
#define FADT_IAPC_BOOT_ARCH 109
#define FADT_FLAGS 112
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define FADT_MINOR_VERSION 131
#define FADT_X_DSDT 140
#define FADT_SLEEP_CONTROL_REG 244
#define FADT_SLEEP_STATUS_REG 256

#define FADT_F_PWR_BUTTON (1u << 4) /* no fixed power button */
#define FADT_F_SLP_BUTTON (1u << 5) /* no fixed sleep button */
#define FADT_F_RESET_REG_SUP (1u << 10)
#define FADT_F_HW_REDUCED_ACPI (1u << 20)

/*
 * Neither a VGA card nor a CMOS RTC is there. The 8042 flag stays clear
 * so Linux leaves the i8042, which has no keyboard, unprobed.
 */
#define IAPC_BOOT_ARCH_VGA_NOT_PRESENT (1u << 2)
#define IAPC_BOOT_ARCH_CMOS_RTC_NOT_PRESENT (1u << 5)

#define GAS_SYSTEM_IO 1
#define GAS_ACCESS_BYTE 1
#define GAS_LEN 12

#define MADT_REVISION 5
#define MADT_PCAT_COMPAT 1u
#define MADT_ENTRIES 44
#define MADT_TYPE_LAPIC 0
#define MADT_LAPIC_LEN 8
#define MADT_LAPIC_ENABLED 1u
#define MADT_TYPE_IOAPIC 1
#define MADT_IOAPIC_LEN 12
#define MADT_IOAPIC_ID 0

/*
 * Without EFI, Linux reboots a hardware-reduced machine through the BIOS:
 * it jumps to the reset vector F000:FFF0 in real mode. No BIOS is there,
 * so when the window covers that address, a stub there writes the ACPI
 * reset register, again and again until husk stops the guest.
 */
#define RESET_VECTOR_GPA 0xffff0u
#define RESET_VECTOR_LEN 16

#define XSDT_REVISION 1
#define XSDT_ENTRIES 2 /* FADT, MADT; the DSDT hangs off the FADT */
#define DSDT_REVISION 2 /* 64-bit integers */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint8_t checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum = (uint8_t)(sum + *p++);
	return (uint8_t)-sum;
}

static void sdt_header(uint8_t *t, const char *sig, uint32_t len,
		       uint8_t revision)
{
	char table_id[9];

	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = revision;
	memcpy(t + 10, OEM_ID, 6);
	snprintf(table_id, sizeof(table_id), "HUSK%.4s", sig);
	memcpy(t + 16, table_id, 8);
	put32(t + 24, OEM_REVISION);
	memcpy(t + 28, CREATOR_ID, 4);
	put32(t + 32, CREATOR_REVISION);
}

static void sdt_finish(uint8_t *t)
{
	uint32_t len = t[4] | t[5] << 8 | t[6] << 16 | (uint32_t)t[7] << 24;

	t[SDT_CHECKSUM_OFFSET] = 0;
	t[SDT_CHECKSUM_OFFSET] = checksum(t, len);
}

/* A byte-wide system I/O register as a Generic Address Structure. */
static void gas_io8(uint8_t *g, uint16_t port)
{
	g[0] = GAS_SYSTEM_IO;
	g[1] = 8; /* bit width */
	g[2] = 0; /* bit offset */
	g[3] = GAS_ACCESS_BYTE;
	put64(g + 4, port);
}

/* Where each table goes inside the window. */
struct layout {
	size_t rsdp, xsdt, fadt, madt, dsdt;
	size_t madt_len;
};

static size_t align_up(size_t v)
{
	return (v + TABLE_ALIGN - 1) & ~(size_t)(TABLE_ALIGN - 1);
}

static int plan(struct layout *l, size_t size, unsigned int ncpus)
{
	l->madt_len =
		MADT_ENTRIES + (size_t)ncpus * MADT_LAPIC_LEN + MADT_IOAPIC_LEN;
	l->rsdp = 0;
	l->xsdt = align_up(RSDP_LEN);
	l->fadt = align_up(l->xsdt + SDT_HEADER_LEN + 8 * XSDT_ENTRIES);
	l->madt = align_up(l->fadt + FADT_LEN);
	l->dsdt = align_up(l->madt + l->madt_len);
	return l->dsdt + SDT_HEADER_LEN > size ? -ENOSPC : 0;
}

static void build_rsdp(uint8_t *r, uint64_t xsdt_gpa)
{
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, OEM_ID, 6);
	r[15] = 2; /* ACPI 2.0+: XSDT instead of an RSDT */
	put32(r + 16, 0);
	put32(r + 20, RSDP_LEN);
	put64(r + 24, xsdt_gpa);
	r[8] = checksum(r, RSDP_V1_LEN);
	r[32] = checksum(r, RSDP_LEN);
}

static void build_xsdt(uint8_t *t, uint64_t fadt_gpa, uint64_t madt_gpa)
{
	sdt_header(t, "XSDT", SDT_HEADER_LEN + 8 * XSDT_ENTRIES, XSDT_REVISION);
	put64(t + SDT_HEADER_LEN, fadt_gpa);
	put64(t + SDT_HEADER_LEN + 8, madt_gpa);
	sdt_finish(t);
}

/*
 * Hardware-reduced: no SCI, PM timer, PM1 or GPE blocks, and no FACS (the
 * spec makes it optional there). Sleep and reset go through byte-wide
 * registers in the ACPI_PM_PORT block.
 */
static void build_fadt(uint8_t *t, uint64_t dsdt_gpa)
{
	sdt_header(t, "FACP", FADT_LEN, FADT_REVISION);
	put16(t + FADT_IAPC_BOOT_ARCH,
	      IAPC_BOOT_ARCH_VGA_NOT_PRESENT |
		      IAPC_BOOT_ARCH_CMOS_RTC_NOT_PRESENT);
	put32(t + FADT_FLAGS, FADT_F_PWR_BUTTON | FADT_F_SLP_BUTTON |
				      FADT_F_RESET_REG_SUP |
				      FADT_F_HW_REDUCED_ACPI);
	gas_io8(t + FADT_RESET_REG, ACPI_PM_PORT + ACPI_PM_RESET_OFFSET);
	t[FADT_RESET_VALUE] = ACPI_PM_RESET_VALUE;
	t[FADT_MINOR_VERSION] = FADT_MINOR_REVISION;
	put64(t + FADT_X_DSDT, dsdt_gpa);
	gas_io8(t + FADT_SLEEP_CONTROL_REG,
		ACPI_PM_PORT + ACPI_PM_SLEEP_CONTROL_OFFSET);
	gas_io8(t + FADT_SLEEP_STATUS_REG,
		ACPI_PM_PORT + ACPI_PM_SLEEP_STATUS_OFFSET);
	sdt_finish(t);
}

/*
 * NOTE: no interrupt source overrides. KVM's default GSI routing wires
 * GSI n to IOAPIC pin n for every ISA IRQ (the PIT's IRQ 0 included), and
 * ISA IRQs are edge-triggered and active-high, which is what a missing
 * override means.
 */
static void build_madt(uint8_t *t, size_t len, unsigned int ncpus)
{
	uint8_t *e = t + MADT_ENTRIES;
	unsigned int i;

	sdt_header(t, "APIC", (uint32_t)len, MADT_REVISION);
	put32(t + SDT_HEADER_LEN, ACPI_LAPIC_ADDR);
	put32(t + SDT_HEADER_LEN + 4, MADT_PCAT_COMPAT);
	for (i = 0; i < ncpus; i++, e += MADT_LAPIC_LEN) {
		e[0] = MADT_TYPE_LAPIC;
		e[1] = MADT_LAPIC_LEN;
		e[2] = (uint8_t)i; /* ACPI processor UID */
		e[3] = (uint8_t)i; /* APIC id */
		put32(e + 4, MADT_LAPIC_ENABLED);
	}
	e[0] = MADT_TYPE_IOAPIC;
	e[1] = MADT_IOAPIC_LEN;
	e[2] = MADT_IOAPIC_ID;
	e[3] = 0;
	put32(e + 4, ACPI_IOAPIC_ADDR);
	put32(e + 8, 0); /* GSI base */
	sdt_finish(t);
}

static void dsdt_com1(struct aml *a)
{
	struct aml_res r;

	aml_res_init(&r);
	aml_res_io(&r, SERIAL_COM1_PORT, SERIAL_PORT_LEN);
	aml_res_irq(&r, SERIAL_COM1_IRQ);
	aml_res_end(&r);

	aml_device_open(a, "COM1");
	aml_name(a, "_HID");
	aml_eisaid(a, "PNP0501");
	aml_name(a, "_UID");
	aml_integer(a, 1);
	aml_name(a, "_CRS");
	aml_res_emit(a, &r);
	aml_close(a);
}

static void dsdt_virtio_mmio(struct aml *a, const struct acpi_mmio_dev *d,
			     size_t index)
{
	struct aml_res r;
	char name[5];

	aml_res_init(&r);
	aml_res_mem32_fixed(&r, (uint32_t)d->base, d->size);
	aml_res_ext_irq_edge(&r, d->gsi);
	aml_res_end(&r);

	snprintf(name, sizeof(name), "V%03X", (unsigned int)(index & 0xfff));
	aml_device_open(a, name);
	aml_name(a, "_HID");
	aml_string(a, "LNRO0005");
	aml_name(a, "_UID");
	aml_integer(a, index);
	aml_name(a, "_CRS");
	aml_res_emit(a, &r);
	aml_close(a);
}

/* Returns the DSDT's length, or -ENOSPC. */
static long build_dsdt(uint8_t *t, size_t room, const struct acpi_config *cfg)
{
	struct aml a;
	size_t i;
	long len;

	aml_init(&a, t + SDT_HEADER_LEN, room - SDT_HEADER_LEN);

	aml_name(&a, "\\_S5_");
	aml_package_open(&a, 4);
	aml_integer(&a, ACPI_SLP_TYP_S5); /* SLP_TYPa */
	aml_integer(&a, 0);
	aml_integer(&a, 0);
	aml_integer(&a, 0);
	aml_close(&a);

	aml_scope_open(&a, "\\_SB_");
	dsdt_com1(&a);
	for (i = 0; i < cfg->ndevs; i++)
		dsdt_virtio_mmio(&a, &cfg->devs[i], i);
	aml_close(&a);

	len = aml_finish(&a);
	if (len < 0)
		return len;
	len += SDT_HEADER_LEN;
	sdt_header(t, "DSDT", (uint32_t)len, DSDT_REVISION);
	sdt_finish(t);
	return len;
}

/* Returns where the tables must end: before the reset vector, if held. */
static size_t tables_limit(uint64_t gpa, size_t size)
{
	if (gpa > RESET_VECTOR_GPA ||
	    RESET_VECTOR_GPA - gpa + RESET_VECTOR_LEN > size)
		return size;
	return (size_t)(RESET_VECTOR_GPA - gpa);
}

/* Real-mode code, run from F000:FFF0 with nothing set up. */
static void build_reset_stub(uint8_t *v)
{
	memset(v, 0xf4, RESET_VECTOR_LEN); /* hlt, never reached */
	v[0] = 0xba; /* mov $port, %dx */
	put16(v + 1, ACPI_PM_PORT + ACPI_PM_RESET_OFFSET);
	v[3] = 0xb0; /* mov $value, %al */
	v[4] = ACPI_PM_RESET_VALUE;
	v[5] = 0xee; /* 1: out %al, (%dx) */
	v[6] = 0xeb; /* jmp 1b */
	v[7] = 0xfd;
}

static int check_config(const struct acpi_config *cfg)
{
	const struct acpi_mmio_dev *d;
	size_t i;

	if (cfg->ncpus == 0 || cfg->ncpus > ACPI_MAX_CPUS)
		return -EINVAL;
	if (cfg->ndevs > ACPI_MAX_MMIO_DEVS || (cfg->ndevs && !cfg->devs))
		return -EINVAL;
	for (i = 0; i < cfg->ndevs; i++) {
		d = &cfg->devs[i];
		if (d->gsi >= ACPI_IOAPIC_PINS || d->size == 0 ||
		    d->base > UINT32_MAX || d->size - 1 > UINT32_MAX - d->base)
			return -EINVAL;
	}
	return 0;
}

int acpi_build_tables(void *buf, size_t size, uint64_t gpa,
		      const struct acpi_config *cfg, uint64_t *rsdp_gpa)
{
	uint8_t *b = buf;
	struct layout l;
	size_t limit;
	long dsdt_len;
	int err;

	if (!buf || !cfg || !rsdp_gpa)
		return -EINVAL;
	err = check_config(cfg);
	if (err)
		return err;
	limit = tables_limit(gpa, size);
	err = plan(&l, limit, cfg->ncpus);
	if (err)
		return err;
	memset(b, 0, l.dsdt);

	dsdt_len = build_dsdt(b + l.dsdt, limit - l.dsdt, cfg);
	if (dsdt_len < 0)
		return (int)dsdt_len;
	build_madt(b + l.madt, l.madt_len, cfg->ncpus);
	build_fadt(b + l.fadt, gpa + l.dsdt);
	build_xsdt(b + l.xsdt, gpa + l.fadt, gpa + l.madt);
	build_rsdp(b + l.rsdp, gpa + l.xsdt);
	if (limit < size)
		build_reset_stub(b + limit);
	*rsdp_gpa = gpa + l.rsdp;
	return 0;
}
