// SPDX-License-Identifier: MIT
/*
 * Tests of husk's ACPI tables and power-management ports. The tables are
 * built for several CPU and device counts and checked field by field; the
 * DSDT is walked by a small AML reader written here, and, where iasl is
 * installed, also disassembled and recompiled by it.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmm/acpi.h"

#define MAX_DEVS ACPI_MAX_MMIO_DEVS
#define EISA_PNP0501 0x0105d041u

static uint8_t tables[ACPI_TABLES_SIZE];

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* The table at guest address @gpa, checked to lie inside the window. */
static const uint8_t *table_at(uint64_t gpa, const char *sig)
{
	const uint8_t *t;
	uint32_t len;

	ck_assert_uint_ge(gpa, ACPI_TABLES_GPA);
	ck_assert_uint_le(gpa + 36, ACPI_TABLES_GPA + ACPI_TABLES_SIZE);
	t = tables + (gpa - ACPI_TABLES_GPA);
	len = rd32(t + 4);
	ck_assert_msg(!memcmp(t, sig, 4), "want %s, got %.4s", sig, t);
	ck_assert_uint_le(gpa + len, ACPI_TABLES_GPA + ACPI_TABLES_SIZE);
	ck_assert_msg(sum(t, len) == 0, "%s checksum", sig);
	ck_assert(!memcmp(t + 10, "HUSK  ", 6));
	ck_assert(!memcmp(t + 16, "HUSK", 4));
	ck_assert(!memcmp(t + 28, "HUSK", 4));
	return t;
}

/* --- A small AML reader: just the objects the DSDT is made of. --- */

struct res {
	int io, irq, mem, ext_irq, end;
	uint16_t io_min, io_max;
	uint8_t io_len;
	uint16_t irq_mask;
	uint32_t mem_base, mem_len;
	uint8_t mem_info, ext_flags;
	uint32_t ext_gsi;
};

struct dev {
	char name[5];
	int hid_is_int;
	uint32_t hid_int;
	char hid_str[16];
	int has_uid;
	uint64_t uid;
	int has_crs;
	struct res crs;
};

struct walk {
	struct dev devs[MAX_DEVS + 8];
	size_t ndevs;
	int s5; /* number of \_S5_ objects seen */
	uint64_t s5_typ;
	uint8_t s5_count;
	char err[128];
};

enum val_type {
	VAL_INT,
	VAL_STR,
	VAL_BUF,
	VAL_PKG
};

struct val {
	enum val_type type;
	uint64_t i;
	const char *s;
	const uint8_t *buf;
	size_t buf_len;
	uint8_t pkg_count;
	uint64_t pkg_first;
};

static const uint8_t *bad(struct walk *w, const char *what)
{
	if (!w->err[0])
		snprintf(w->err, sizeof(w->err), "%s", what);
	return NULL;
}

/* Returns the end of the package that starts at *@p. */
static const uint8_t *pkg_length(struct walk *w, const uint8_t **p,
				 const uint8_t *end)
{
	const uint8_t *start = *p;
	unsigned int n, i;
	uint32_t len;

	if (start >= end)
		return bad(w, "PkgLength past end");
	n = start[0] >> 6;
	if (n == 0) {
		len = start[0] & 0x3f;
	} else {
		if ((start[0] & 0x30) || start + n >= end)
			return bad(w, "bad PkgLength lead byte");
		len = start[0] & 0x0f;
		for (i = 1; i <= n; i++)
			len |= (uint32_t)start[i] << (4 + 8 * (i - 1));
	}
	*p = start + n + 1;
	if (len < n + 1 || len > (size_t)(end - start))
		return bad(w, "PkgLength out of bounds");
	return start + len;
}

static int seg_ok(const uint8_t *s)
{
	int i;

	for (i = 0; i < 4; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_' ||
		      (i && s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

static const uint8_t *name_string(struct walk *w, const uint8_t *p,
				  const uint8_t *end, char *out, size_t size)
{
	unsigned int nsegs = 1, i;
	size_t o = 0;

	if (p < end && *p == '\\')
		out[o++] = *p++;
	if (p < end && *p == 0x2e) {
		nsegs = 2;
		p++;
	} else if (p + 1 < end && *p == 0x2f) {
		nsegs = p[1];
		p += 2;
	}
	if (nsegs * 5 + o + 1 > size || p + 4 * nsegs > end)
		return bad(w, "NameString too long");
	for (i = 0; i < nsegs; i++, p += 4) {
		if (!seg_ok(p))
			return bad(w, "bad NameSeg");
		if (i)
			out[o++] = '.';
		memcpy(out + o, p, 4);
		o += 4;
	}
	out[o] = 0;
	return p;
}

static const uint8_t *integer(struct walk *w, const uint8_t *p,
			      const uint8_t *end, uint64_t *v)
{
	static const unsigned int widths[] = {
		[0x0a] = 1, [0x0b] = 2, [0x0c] = 4, [0x0e] = 8
	};
	unsigned int n, i;

	if (p >= end)
		return bad(w, "integer past end");
	if (*p == 0x00 || *p == 0x01) {
		*v = *p;
		return p + 1;
	}
	if (*p > 0x0e || !widths[*p])
		return bad(w, "not an integer");
	n = widths[*p++];
	if (p + n > end)
		return bad(w, "integer past end");
	for (*v = 0, i = 0; i < n; i++)
		*v |= (uint64_t)p[i] << (8 * i);
	return p + n;
}

static const uint8_t *data_object(struct walk *w, const uint8_t *p,
				  const uint8_t *end, struct val *v)
{
	const uint8_t *pend, *q;
	uint64_t size;
	unsigned int i;

	memset(v, 0, sizeof(*v));
	if (p >= end)
		return bad(w, "data object past end");
	switch (*p) {
	case 0x0d:
		v->type = VAL_STR;
		v->s = (const char *)++p;
		q = memchr(p, 0, (size_t)(end - p));
		return q ? q + 1 : bad(w, "unterminated string");
	case 0x11:
		p++;
		pend = pkg_length(w, &p, end);
		if (!pend || !(p = integer(w, p, pend, &size)))
			return NULL;
		if (size != (size_t)(pend - p))
			return bad(w, "buffer size differs from PkgLength");
		v->type = VAL_BUF;
		v->buf = p;
		v->buf_len = (size_t)size;
		return pend;
	case 0x12:
		p++;
		pend = pkg_length(w, &p, end);
		if (!pend || p >= pend)
			return bad(w, "bad package");
		v->type = VAL_PKG;
		v->pkg_count = *p++;
		for (i = 0; i < v->pkg_count; i++) {
			p = integer(w, p, pend, i ? &size : &v->pkg_first);
			if (!p)
				return NULL;
		}
		return p == pend ? pend : bad(w, "package has extra bytes");
	default:
		v->type = VAL_INT;
		return integer(w, p, end, &v->i);
	}
}

static void parse_crs(struct walk *w, const uint8_t *b, size_t len,
		      struct res *r)
{
	size_t off = 0, dlen;
	uint8_t tag;

	memset(r, 0, sizeof(*r));
	while (off < len && !r->end) {
		tag = b[off];
		if (tag & 0x80) {
			if (off + 3 > len)
				break;
			dlen = rd16(b + off + 1);
			if (off + 3 + dlen > len)
				break;
			if (tag == 0x86 && dlen == 9) {
				r->mem++;
				r->mem_info = b[off + 3];
				r->mem_base = rd32(b + off + 4);
				r->mem_len = rd32(b + off + 8);
			} else if (tag == 0x89 && dlen >= 6 &&
				   b[off + 4] == 1) {
				r->ext_irq++;
				r->ext_flags = b[off + 3];
				r->ext_gsi = rd32(b + off + 5);
			}
			off += 3 + dlen;
			continue;
		}
		dlen = tag & 7;
		if (off + 1 + dlen > len)
			break;
		if ((tag >> 3) == 0x08 && dlen == 7) {
			r->io++;
			r->io_min = rd16(b + off + 2);
			r->io_max = rd16(b + off + 4);
			r->io_len = b[off + 7];
		} else if ((tag >> 3) == 0x04 && dlen >= 2) {
			r->irq++;
			r->irq_mask = rd16(b + off + 1);
		} else if ((tag >> 3) == 0x0f && dlen == 1) {
			r->end = 1;
		}
		off += 1 + dlen;
	}
	if (!r->end || off != len)
		bad(w, "resource template not ended by its end tag");
}

static void name_in_device(struct walk *w, struct dev *d, const char *name,
			   const struct val *v)
{
	if (!strcmp(name, "_HID") && v->type == VAL_INT) {
		d->hid_is_int = 1;
		d->hid_int = (uint32_t)v->i;
	} else if (!strcmp(name, "_HID") && v->type == VAL_STR) {
		snprintf(d->hid_str, sizeof(d->hid_str), "%s", v->s);
	} else if (!strcmp(name, "_UID") && v->type == VAL_INT) {
		d->has_uid = 1;
		d->uid = v->i;
	} else if (!strcmp(name, "_CRS") && v->type == VAL_BUF) {
		d->has_crs = 1;
		parse_crs(w, v->buf, v->buf_len, &d->crs);
	} else {
		bad(w, "unexpected name in a device");
	}
}

static const uint8_t *term_list(struct walk *w, const uint8_t *p,
				const uint8_t *end, struct dev *d);

static const uint8_t *named_object(struct walk *w, const uint8_t *p,
				   const uint8_t *end, struct dev *d)
{
	char name[64];
	struct val v;

	p = name_string(w, p, end, name, sizeof(name));
	if (!p || !(p = data_object(w, p, end, &v)))
		return NULL;
	if (d) {
		name_in_device(w, d, name, &v);
	} else if (!strcmp(name, "\\_S5_") && v.type == VAL_PKG) {
		w->s5++;
		w->s5_count = v.pkg_count;
		w->s5_typ = v.pkg_first;
	} else {
		return bad(w, "unexpected name outside devices");
	}
	return p;
}

static const uint8_t *scope_or_device(struct walk *w, const uint8_t *p,
				      const uint8_t *end, int is_device)
{
	const uint8_t *pend = pkg_length(w, &p, end);
	struct dev *d = NULL;
	char name[64];

	if (!pend || !(p = name_string(w, p, pend, name, sizeof(name))))
		return NULL;
	if (is_device) {
		if (w->ndevs == sizeof(w->devs) / sizeof(w->devs[0]) ||
		    strlen(name) != 4)
			return bad(w, "too many devices or a bad name");
		d = &w->devs[w->ndevs++];
		memcpy(d->name, name, 5);
	} else if (strcmp(name, "\\_SB_")) {
		return bad(w, "scope other than \\_SB_");
	}
	return term_list(w, p, pend, d) ? pend : NULL;
}

static const uint8_t *term_list(struct walk *w, const uint8_t *p,
				const uint8_t *end, struct dev *d)
{
	while (p && p < end) {
		if (*p == 0x08)
			p = named_object(w, p + 1, end, d);
		else if (*p == 0x10 && !d)
			p = scope_or_device(w, p + 1, end, 0);
		else if (*p == 0x5b && p + 1 < end && p[1] == 0x82)
			p = scope_or_device(w, p + 2, end, 1);
		else
			return bad(w, "unexpected opcode");
	}
	return p;
}

static void walk_dsdt(const uint8_t *dsdt, struct walk *w)
{
	uint32_t len = rd32(dsdt + 4);

	memset(w, 0, sizeof(*w));
	term_list(w, dsdt + 36, dsdt + len, NULL);
	ck_assert_msg(!w->err[0], "DSDT: %s", w->err);
}

/* --- Building and checking the tables. --- */

static void make_devs(struct acpi_mmio_dev *devs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		devs[i].base = 0xd0000000u + i * 0x1000;
		devs[i].size = 0x200;
		devs[i].gsi = 5 + (uint32_t)(i % 19);
	}
}

static uint64_t build(unsigned int ncpus, const struct acpi_mmio_dev *devs,
		      size_t ndevs)
{
	struct acpi_config cfg = { .ncpus = ncpus,
				   .devs = devs,
				   .ndevs = ndevs };
	uint64_t rsdp = 0;

	memset(tables, 0xcc, sizeof(tables));
	ck_assert_int_eq(acpi_build_tables(tables, sizeof(tables),
					   ACPI_TABLES_GPA, &cfg, &rsdp),
			 0);
	return rsdp;
}

/* Finds the RSDP the way a BIOS-area scan does; returns its address. */
static uint64_t scan_rsdp(void)
{
	size_t off;

	for (off = 0; off + 36 <= sizeof(tables); off += 16)
		if (!memcmp(tables + off, "RSD PTR ", 8) &&
		    sum(tables + off, 20) == 0)
			return ACPI_TABLES_GPA + off;
	return 0;
}

static const uint8_t *check_rsdp_xsdt(uint64_t rsdp_gpa, const uint8_t **fadt,
				      const uint8_t **madt)
{
	const uint8_t *r, *x;

	ck_assert_uint_eq(rsdp_gpa % 16, 0);
	ck_assert_uint_ge(rsdp_gpa, 0xe0000);
	ck_assert_uint_lt(rsdp_gpa, 0x100000);
	ck_assert_uint_eq(scan_rsdp(), rsdp_gpa);
	r = tables + (rsdp_gpa - ACPI_TABLES_GPA);
	ck_assert_int_eq(r[15], 2);
	ck_assert_uint_eq(rd32(r + 20), 36);
	ck_assert_int_eq(sum(r, 36), 0);

	x = table_at(rd64(r + 24), "XSDT");
	ck_assert_uint_eq(rd32(x + 4), 36 + 2 * 8);
	*fadt = table_at(rd64(x + 36), "FACP");
	*madt = table_at(rd64(x + 44), "APIC");
	return x;
}

static void check_gas_io8(const uint8_t *g, uint16_t port)
{
	ck_assert_int_eq(g[0], 1); /* system I/O */
	ck_assert_int_eq(g[1], 8);
	ck_assert_int_eq(g[2], 0);
	ck_assert_int_eq(g[3], 1); /* byte access */
	ck_assert_uint_eq(rd64(g + 4), port);
}

static const uint8_t *check_fadt(const uint8_t *f)
{
	uint32_t flags = rd32(f + 112);

	ck_assert_uint_eq(rd32(f + 4), 276);
	ck_assert_int_eq(f[8], 6);
	ck_assert_int_eq(f[131], 5);
	ck_assert(flags & (1u << 20)); /* HW_REDUCED_ACPI */
	ck_assert(flags & (1u << 10)); /* RESET_REG_SUP */
	ck_assert_uint_eq(rd16(f + 46), 0); /* no SCI */
	ck_assert_uint_eq(rd32(f + 76), 0); /* no PM timer */
	ck_assert_uint_eq(rd32(f + 36), 0); /* no FACS */
	ck_assert_uint_eq(rd64(f + 132), 0);
	ck_assert_uint_eq(rd32(f + 40), 0); /* X_DSDT only */
	ck_assert_uint_eq(rd16(f + 109), (1u << 2) | (1u << 5));
	check_gas_io8(f + 116, 0x604);
	ck_assert_int_eq(f[128], 1);
	check_gas_io8(f + 244, 0x600);
	check_gas_io8(f + 256, 0x601);
	return table_at(rd64(f + 140), "DSDT");
}

static void check_madt(const uint8_t *m, unsigned int ncpus)
{
	uint32_t len = rd32(m + 4), off;
	unsigned int lapics = 0, ioapics = 0;

	ck_assert_uint_eq(rd32(m + 36), 0xfee00000u);
	ck_assert_uint_eq(rd32(m + 40), 1); /* PCAT_COMPAT */
	for (off = 44; off < len; off += m[off + 1]) {
		ck_assert_uint_ge(m[off + 1], 2);
		ck_assert_uint_le(off + m[off + 1], len);
		switch (m[off]) {
		case 0:
			ck_assert_int_eq(m[off + 1], 8);
			ck_assert_uint_eq(m[off + 2], lapics);
			ck_assert_uint_eq(m[off + 3], lapics);
			ck_assert_uint_eq(rd32(m + off + 4), 1);
			lapics++;
			break;
		case 1:
			ck_assert_int_eq(m[off + 1], 12);
			ck_assert_uint_eq(rd32(m + off + 4), 0xfec00000u);
			ck_assert_uint_eq(rd32(m + off + 8), 0);
			ioapics++;
			break;
		default:
			ck_abort_msg("unexpected MADT entry %u", m[off]);
		}
	}
	ck_assert_uint_eq(off, len);
	ck_assert_uint_eq(lapics, ncpus);
	ck_assert_uint_eq(ioapics, 1);
}

static void check_dsdt(const uint8_t *dsdt, const struct acpi_mmio_dev *devs,
		       size_t ndevs)
{
	static struct walk w;
	const struct dev *d;
	size_t i;

	ck_assert_int_eq(dsdt[8], 2);
	walk_dsdt(dsdt, &w);
	ck_assert_int_eq(w.s5, 1);
	ck_assert_uint_eq(w.s5_typ, 5);
	ck_assert_uint_ge(w.s5_count, 1);
	ck_assert_uint_eq(w.ndevs, ndevs + 1);

	d = &w.devs[0];
	ck_assert_str_eq(d->name, "COM1");
	ck_assert(d->hid_is_int);
	ck_assert_uint_eq(d->hid_int, EISA_PNP0501);
	ck_assert(d->has_uid && d->has_crs);
	ck_assert_int_eq(d->crs.io, 1);
	ck_assert_uint_eq(d->crs.io_min, 0x3f8);
	ck_assert_uint_eq(d->crs.io_max, 0x3f8);
	ck_assert_uint_eq(d->crs.io_len, 8);
	ck_assert_int_eq(d->crs.irq, 1);
	ck_assert_uint_eq(d->crs.irq_mask, 1u << 4);

	for (i = 0; i < ndevs; i++) {
		d = &w.devs[i + 1];
		ck_assert_str_eq(d->hid_str, "LNRO0005");
		ck_assert(d->has_uid);
		ck_assert_uint_eq(d->uid, i);
		ck_assert_int_eq(d->crs.mem, 1);
		ck_assert_uint_eq(d->crs.mem_base, devs[i].base);
		ck_assert_uint_eq(d->crs.mem_len, devs[i].size);
		ck_assert_int_eq(d->crs.mem_info & 1, 1); /* read-write */
		ck_assert_int_eq(d->crs.ext_irq, 1);
		ck_assert_uint_eq(d->crs.ext_gsi, devs[i].gsi);
		ck_assert_int_eq(d->crs.ext_flags, 0x03); /* consumer, edge */
	}
}

static void build_and_check(unsigned int ncpus, size_t ndevs)
{
	static struct acpi_mmio_dev devs[MAX_DEVS];
	const uint8_t *fadt, *madt, *dsdt;
	uint64_t rsdp;

	make_devs(devs, ndevs);
	rsdp = build(ncpus, devs, ndevs);
	check_rsdp_xsdt(rsdp, &fadt, &madt);
	dsdt = check_fadt(fadt);
	check_madt(madt, ncpus);
	check_dsdt(dsdt, devs, ndevs);
}

START_TEST(test_tables_matrix)
{
	static const unsigned int cpus[] = { 1, 2, 8, 64 };
	size_t i, n;

	for (i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++)
		for (n = 0; n <= 8; n++)
			build_and_check(cpus[i], n);
}
END_TEST

/* The most of everything: multi-byte PkgLengths, 255 LAPIC entries. */
START_TEST(test_tables_max)
{
	build_and_check(ACPI_MAX_CPUS, MAX_DEVS);
	build_and_check(ACPI_MAX_CPUS, 40);
}
END_TEST

/* Bytes used by a build: everything up to the end of the DSDT. */
static size_t used_bytes(void)
{
	const uint8_t *fadt, *madt;
	uint64_t dsdt;

	check_rsdp_xsdt(scan_rsdp(), &fadt, &madt);
	dsdt = rd64(fadt + 140);
	return (size_t)(dsdt - ACPI_TABLES_GPA) +
	       rd32(tables + (dsdt - ACPI_TABLES_GPA) + 4);
}

START_TEST(test_too_small)
{
	static struct acpi_mmio_dev devs[8];
	struct acpi_config cfg = { .ncpus = 8, .devs = devs, .ndevs = 8 };
	static uint8_t small[ACPI_TABLES_SIZE];
	uint64_t rsdp;
	size_t need, size, i;

	make_devs(devs, 8);
	build(8, devs, 8);
	need = used_bytes();
	for (size = 0; size < need; size++) {
		memset(small, 0xa5, sizeof(small));
		ck_assert_int_eq(acpi_build_tables(small, size, ACPI_TABLES_GPA,
						   &cfg, &rsdp),
				 -ENOSPC);
		for (i = size; i < need + 16; i++)
			ck_assert_msg(small[i] == 0xa5, "size %zu wrote %zu",
				      size, i);
	}
	ck_assert_int_eq(acpi_build_tables(small, need, ACPI_TABLES_GPA, &cfg,
					   &rsdp),
			 0);
}
END_TEST

START_TEST(test_bad_config)
{
	static const struct {
		unsigned int ncpus;
		struct acpi_mmio_dev dev;
		size_t ndevs;
	} rows[] = {
		{ 0, { 0 }, 0 },
		{ ACPI_MAX_CPUS + 1, { 0 }, 0 },
		{ 1, { 0xd0000000, 0x200, ACPI_IOAPIC_PINS }, 1 },
		{ 1, { 0x100000000ull, 0x200, 5 }, 1 },
		{ 1, { 0xffffff00, 0x200, 5 }, 1 },
		{ 1, { 0xd0000000, 0, 5 }, 1 },
	};
	struct acpi_config cfg;
	uint64_t rsdp;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		cfg = (struct acpi_config){ .ncpus = rows[i].ncpus,
					    .devs = &rows[i].dev,
					    .ndevs = rows[i].ndevs };
		ck_assert_msg(acpi_build_tables(tables, sizeof(tables),
						ACPI_TABLES_GPA, &cfg,
						&rsdp) == -EINVAL,
			      "row %zu", i);
	}

	/* The last byte below 4 GiB is still fine. */
	cfg.ndevs = 1;
	cfg.ncpus = 1;
	cfg.devs = &(struct acpi_mmio_dev){ 0xfffffe00, 0x200, 23 };
	ck_assert_int_eq(acpi_build_tables(tables, sizeof(tables),
					   ACPI_TABLES_GPA, &cfg, &rsdp),
			 0);
}
END_TEST

/* The stub at F000:FFF0 that Linux's BIOS reboot method jumps to. */
static void check_reset_stub(const uint8_t *v)
{
	static const uint8_t stub[] = { 0xba, 0x04, 0x06, 0xb0,
					0x01, 0xee, 0xeb, 0xfd };
	size_t i;

	ck_assert(!memcmp(v, stub, sizeof(stub)));
	for (i = sizeof(stub); i < 16; i++)
		ck_assert_int_eq(v[i], 0xf4);
}

START_TEST(test_reset_vector)
{
	static struct acpi_mmio_dev devs[MAX_DEVS];
	static uint8_t win[0x2000];
	struct acpi_config cfg = { .ncpus = 1 };
	uint64_t rsdp;
	size_t need;

	build(ACPI_MAX_CPUS, NULL, 0);
	check_reset_stub(tables + 0xffff0 - ACPI_TABLES_GPA);
	ck_assert_uint_le(used_bytes(), 0xffff0 - ACPI_TABLES_GPA);

	/* A 4 KiB window ending at 1 MiB: the tables stop short of it. */
	memset(win, 0xa5, sizeof(win));
	ck_assert_int_eq(acpi_build_tables(win, 0x1000, 0xff000, &cfg, &rsdp),
			 0);
	check_reset_stub(win + 0xff0);
	ck_assert_int_eq(win[0x1000], 0xa5);

	/* Tables that would fit in the window but not before the stub. */
	make_devs(devs, 40);
	cfg = (struct acpi_config){ .ncpus = 8, .devs = devs, .ndevs = 40 };
	build(8, devs, 40);
	need = used_bytes();
	ck_assert_int_eq(acpi_build_tables(win, need + 8, 0xffff0 - need + 8,
					   &cfg, &rsdp),
			 -ENOSPC);
	ck_assert_int_eq(acpi_build_tables(win, need + 16, 0xffff0 - need, &cfg,
					   &rsdp),
			 0);
	check_reset_stub(win + need);

	/* A window that does not hold the vector gets no stub. */
	memset(win, 0xa5, sizeof(win));
	cfg = (struct acpi_config){ .ncpus = 1 };
	ck_assert_int_eq(acpi_build_tables(win, 0x1000, ACPI_TABLES_GPA, &cfg,
					   &rsdp),
			 0);
	ck_assert_int_eq(win[0xff0], 0xa5);
}
END_TEST

/* --- An independent check with ACPICA's iasl, where installed. --- */

static int run(const char *dir, const char *cmd)
{
	char line[512];
	int st;

	snprintf(line, sizeof(line), "cd '%s' && %s >log 2>&1", dir, cmd);
	st = system(line);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void save(const char *dir, const char *name, const uint8_t *t)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(t, 1, rd32(t + 4), f), rd32(t + 4));
	fclose(f);
}

static int file_has(const char *dir, const char *name, const char *needle)
{
	static char text[1 << 16];
	char path[256];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = 0;
	return strstr(text, needle) != NULL;
}

START_TEST(test_iasl)
{
	static struct acpi_mmio_dev devs[3];
	char dir[] = "/tmp/husk-acpi-XXXXXX";
	const uint8_t *fadt, *madt, *dsdt;

	if (run("/", "command -v iasl") != 0) {
		printf("skip - acpi_iasl: iasl not installed "
		       "(Debian package acpica-tools)\n");
		return;
	}
	make_devs(devs, 3);
	check_rsdp_xsdt(build(2, devs, 3), &fadt, &madt);
	dsdt = check_fadt(fadt);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	save(dir, "dsdt.dat", dsdt);
	save(dir, "facp.dat", fadt);
	save(dir, "apic.dat", madt);

	ck_assert_int_eq(run(dir, "iasl -d dsdt.dat facp.dat apic.dat"), 0);
	ck_assert(file_has(dir, "dsdt.dsl", "EisaId (\"PNP0501\")"));
	ck_assert(file_has(dir, "dsdt.dsl", "Name (_HID, \"LNRO0005\")"));
	ck_assert(file_has(dir, "dsdt.dsl", "Device (V002)"));
	ck_assert(file_has(dir, "dsdt.dsl", "0xD0002000,"));
	ck_assert(file_has(dir, "dsdt.dsl",
			   "Interrupt (ResourceConsumer, Edge, ActiveHigh"));
	ck_assert(file_has(dir, "dsdt.dsl",
			   "IRQNoFlags ()\n"
			   "                    {4}"));
	ck_assert(file_has(dir, "facp.dsl", "Hardware Reduced (V5) : 1"));
	ck_assert(file_has(dir, "apic.dsl", "Local Apic ID : 01"));

	/* The disassembly compiles back without errors. */
	ck_assert_int_eq(run(dir, "iasl -p again dsdt.dsl"), 0);
	ck_assert_int_eq(run(dir, "rm -r \"$PWD\""), 0);
}
END_TEST

/* --- The power-management ports. --- */

static int poweroffs, pm_resets;

static void on_poweroff(void *opaque)
{
	(void)opaque;
	poweroffs++;
}

static void on_reset(void *opaque)
{
	(void)opaque;
	pm_resets++;
}

static struct acpi_pm *make_pm(void)
{
	struct acpi_pm_config cfg = { .poweroff = on_poweroff,
				      .reset = on_reset };
	struct acpi_pm *pm = NULL;

	poweroffs = pm_resets = 0;
	ck_assert_int_eq(acpi_pm_create(&pm, &cfg), 0);
	return pm;
}

START_TEST(test_pm_writes)
{
	static const struct {
		uint64_t off;
		uint8_t val;
		int poweroffs, resets;
	} rows[] = {
		{ 0, 0x34, 1, 0 }, /* SLP_EN | SLP_TYP 5 */
		{ 0, 0x14, 0, 0 }, /* SLP_TYP 5 without SLP_EN */
		{ 0, 0x2c, 0, 0 }, /* S3 */
		{ 0, 0x3c, 0, 0 }, /* SLP_TYP 7 */
		{ 0, 0xff, 0, 0 }, { 1, 0x80, 0, 0 }, /* clearing WAK_STS */
		{ 4, 0x01, 0, 1 }, { 4, 0x02, 0, 0 }, { 4, 0xff, 0, 0 },
		{ 5, 0x01, 0, 0 }, { 7, 0x34, 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct acpi_pm *pm = make_pm();
		uint8_t v = rows[i].val;

		ck_assert_int_eq(acpi_pm_io(pm, rows[i].off, &v, 1, true), 0);
		ck_assert_msg(poweroffs == rows[i].poweroffs &&
				      pm_resets == rows[i].resets,
			      "row %zu", i);
		acpi_pm_destroy(pm);
	}
}
END_TEST

START_TEST(test_pm_reads_and_wide)
{
	struct acpi_pm *pm = make_pm();
	uint8_t data[8];
	unsigned int i;

	for (i = 0; i < ACPI_PM_PORT_LEN; i++) {
		data[0] = 0xee;
		ck_assert_int_eq(acpi_pm_io(pm, i, data, 1, false), 0);
		ck_assert_int_eq(data[0], 0); /* WAK_STS clear, rest zero */
	}

	/* A 16-bit write at 0x600 holds SLP_EN | SLP_TYP 5 in its low byte. */
	data[0] = 0x34;
	data[1] = 0x00;
	ck_assert_int_eq(acpi_pm_io(pm, 0, data, 2, true), 0);
	ck_assert_int_eq(poweroffs, 1);
	memset(data, 0, sizeof(data));
	data[4] = 1;
	ck_assert_int_eq(acpi_pm_io(pm, 0, data, 8, true), 0);
	ck_assert_int_eq(pm_resets, 1);
	acpi_pm_destroy(pm);
}
END_TEST

START_TEST(test_pm_hostile)
{
	struct acpi_pm *pm = make_pm();
	uint8_t data[16];
	unsigned int seed = 7;
	uint64_t off;
	uint32_t len;
	int w, r, i;

	for (w = 0; w < 2; w++) {
		for (off = 0; off < 12; off++) {
			for (len = 0; len <= 9; len++) {
				memset(data, 0, sizeof(data));
				data[9] = 0x5a;
				r = acpi_pm_io(pm, off, data, len, w);
				if (len >= 1 && off + len <= ACPI_PM_PORT_LEN)
					ck_assert_int_eq(r, 0);
				else
					ck_assert_int_eq(r, -EINVAL);
				ck_assert_int_eq(data[9], 0x5a);
			}
		}
	}
	ck_assert_int_eq(poweroffs + pm_resets, 0);
	ck_assert_int_eq(acpi_pm_io(pm, UINT64_MAX, data, 1, 0), -EINVAL);
	for (i = 0; i < 100000; i++) {
		off = (uint64_t)(rand_r(&seed) % ACPI_PM_PORT_LEN);
		len = 1 + (uint32_t)(rand_r(&seed) % (ACPI_PM_PORT_LEN - off));
		memset(data, (int)rand_r(&seed), sizeof(data));
		ck_assert_int_eq(
			acpi_pm_io(pm, off, data, len, rand_r(&seed) & 1), 0);
	}
	acpi_pm_destroy(pm);
}
END_TEST

static Suite *acpi_suite(void)
{
	Suite *s = suite_create("acpi");
	TCase *tables_tc = tcase_create("tables");
	TCase *pm_tc = tcase_create("pm");

	tcase_set_timeout(tables_tc, 60);
	tcase_add_test(tables_tc, test_tables_matrix);
	tcase_add_test(tables_tc, test_tables_max);
	tcase_add_test(tables_tc, test_too_small);
	tcase_add_test(tables_tc, test_bad_config);
	tcase_add_test(tables_tc, test_reset_vector);
	tcase_add_test(tables_tc, test_iasl);
	tcase_add_test(pm_tc, test_pm_writes);
	tcase_add_test(pm_tc, test_pm_reads_and_wide);
	tcase_add_test(pm_tc, test_pm_hostile);
	suite_add_tcase(s, tables_tc);
	suite_add_tcase(s, pm_tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(acpi_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
