// SPDX-License-Identifier: MIT
/*
 * The AML encoder behind husk's DSDT: byte-level encodings of the ACPI
 * specification's chapter 20 (AML grammar) and of the small and large
 * resource descriptors of chapter 6.4.
 */
#include "vmm/acpi_aml.h"

#include <errno.h>
#include <string.h>

#define ZERO_OP 0x00
#define ONE_OP 0x01
#define NAME_OP 0x08
#define BYTE_PREFIX 0x0a
#define WORD_PREFIX 0x0b
#define DWORD_PREFIX 0x0c
#define STRING_PREFIX 0x0d
#define QWORD_PREFIX 0x0e
#define SCOPE_OP 0x10
#define BUFFER_OP 0x11
#define PACKAGE_OP 0x12
#define EXT_OP_PREFIX 0x5b
#define DEVICE_OP 0x82 /* after EXT_OP_PREFIX */
#define ROOT_CHAR '\\'
#define DUAL_NAME_PREFIX 0x2e
#define MULTI_NAME_PREFIX 0x2f

#define PKG_LENGTH_MAX (1u << 28)

/* Resource descriptor tags. */
#define RES_IRQ_NOFLAGS 0x22
#define RES_IO 0x47
#define RES_END 0x79
#define RES_MEM32_FIXED 0x86
#define RES_EXT_IRQ 0x89

#define IO_DECODE16 0x01
#define MEM_READ_WRITE 0x01
#define EXT_IRQ_CONSUMER 0x01
#define EXT_IRQ_EDGE 0x02

void aml_init(struct aml *a, uint8_t *buf, size_t size)
{
	memset(a, 0, sizeof(*a));
	a->buf = buf;
	a->size = size;
}

long aml_finish(struct aml *a)
{
	if (!a->err && a->depth)
		a->err = -EINVAL;
	return a->err ? a->err : (long)a->len;
}

static void put(struct aml *a, const void *p, size_t n)
{
	if (a->err)
		return;
	if (n > a->size - a->len) {
		a->err = -ENOSPC;
		return;
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void put8(struct aml *a, uint8_t b)
{
	put(a, &b, 1);
}

static void put_le(struct aml *a, uint64_t v, unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < bytes; i++)
		put8(a, (uint8_t)(v >> (8 * i)));
}

static int seg_char_ok(char c, unsigned int pos)
{
	return (c >= 'A' && c <= 'Z') || c == '_' ||
	       (pos > 0 && c >= '0' && c <= '9');
}

/* Copies one segment of @path into @seg; returns its length in @path. */
static int parse_seg(const char *path, char seg[4])
{
	unsigned int i;

	for (i = 0; path[i] && path[i] != '.'; i++) {
		if (i == 4 || !seg_char_ok(path[i], i))
			return -EINVAL;
		seg[i] = path[i];
	}
	if (i == 0)
		return -EINVAL;
	memset(seg + i, '_', 4 - i);
	return (int)i;
}

void aml_name_string(struct aml *a, const char *path)
{
	char segs[AML_MAX_DEPTH][4];
	unsigned int n = 0;
	const char *p = path;
	int len;

	if (*p == ROOT_CHAR)
		p++;
	for (;;) {
		if (n == AML_MAX_DEPTH)
			goto err_name;
		len = parse_seg(p, segs[n++]);
		if (len < 0)
			goto err_name;
		p += len;
		if (!*p)
			break;
		p++; /* the '.' */
	}

	if (*path == ROOT_CHAR)
		put8(a, ROOT_CHAR);
	if (n == 2)
		put8(a, DUAL_NAME_PREFIX);
	if (n > 2) {
		put8(a, MULTI_NAME_PREFIX);
		put8(a, (uint8_t)n);
	}
	put(a, segs, 4 * n);
	return;

err_name:
	if (!a->err)
		a->err = -EINVAL;
}

void aml_name(struct aml *a, const char *name)
{
	put8(a, NAME_OP);
	aml_name_string(a, name);
}

void aml_integer(struct aml *a, uint64_t value)
{
	if (value == 0) {
		put8(a, ZERO_OP);
	} else if (value == 1) {
		put8(a, ONE_OP);
	} else if (value <= UINT8_MAX) {
		put8(a, BYTE_PREFIX);
		put_le(a, value, 1);
	} else if (value <= UINT16_MAX) {
		put8(a, WORD_PREFIX);
		put_le(a, value, 2);
	} else if (value <= UINT32_MAX) {
		put8(a, DWORD_PREFIX);
		put_le(a, value, 4);
	} else {
		put8(a, QWORD_PREFIX);
		put_le(a, value, 8);
	}
}

void aml_string(struct aml *a, const char *s)
{
	put8(a, STRING_PREFIX);
	put(a, s, strlen(s) + 1);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void aml_eisaid(struct aml *a, const char *id)
{
	uint32_t vendor = 0, product = 0;
	unsigned int i;
	int d;

	if (strlen(id) != 7)
		goto err_id;
	for (i = 0; i < 3; i++) {
		if (id[i] < 'A' || id[i] > 'Z')
			goto err_id;
		vendor = vendor << 5 | (uint32_t)(id[i] - 0x40);
	}
	for (i = 3; i < 7; i++) {
		d = hex_digit(id[i]);
		if (d < 0)
			goto err_id;
		product = product << 4 | (uint32_t)d;
	}

	/* Both 16-bit halves are stored big-endian. */
	put8(a, DWORD_PREFIX);
	put8(a, (uint8_t)(vendor >> 8));
	put8(a, (uint8_t)vendor);
	put8(a, (uint8_t)(product >> 8));
	put8(a, (uint8_t)product);
	return;

err_id:
	if (!a->err)
		a->err = -EINVAL;
}

/*
 * Reserves one byte for the PkgLength; aml_close() moves the body up if
 * the length needs more, so the output never needs more room than its
 * final size.
 */
static void open_pkg(struct aml *a)
{
	if (a->err)
		return;
	if (a->depth == AML_MAX_DEPTH) {
		a->err = -E2BIG;
		return;
	}
	a->open[a->depth++] = a->len;
	put8(a, 0);
}

/* How many bytes encode a PkgLength for @body bytes, or 0 if none can. */
static unsigned int pkg_length_bytes(size_t body)
{
	/* The encoded length counts its own bytes too. */
	if (body + 1 < 0x40)
		return 1;
	if (body + 2 < 0x1000)
		return 2;
	if (body + 3 < 0x100000)
		return 3;
	if (body + 4 < PKG_LENGTH_MAX)
		return 4;
	return 0;
}

void aml_close(struct aml *a)
{
	size_t start, body;
	uint32_t value;
	unsigned int n, i;

	if (a->err)
		return;
	if (!a->depth) {
		a->err = -EINVAL;
		return;
	}
	start = a->open[--a->depth];
	body = a->len - start - 1;
	n = pkg_length_bytes(body);
	if (!n) {
		a->err = -E2BIG;
		return;
	}
	if (n - 1 > a->size - a->len) {
		a->err = -ENOSPC;
		return;
	}
	value = (uint32_t)(body + n);

	memmove(a->buf + start + n, a->buf + start + 1, body);
	a->len += n - 1;
	if (n == 1) {
		a->buf[start] = (uint8_t)value;
		return;
	}
	a->buf[start] = (uint8_t)((n - 1) << 6 | (value & 0x0f));
	for (i = 1; i < n; i++)
		a->buf[start + i] = (uint8_t)(value >> (4 + 8 * (i - 1)));
}

void aml_scope_open(struct aml *a, const char *path)
{
	put8(a, SCOPE_OP);
	open_pkg(a);
	aml_name_string(a, path);
}

void aml_device_open(struct aml *a, const char *name)
{
	put8(a, EXT_OP_PREFIX);
	put8(a, DEVICE_OP);
	open_pkg(a);
	aml_name_string(a, name);
}

void aml_package_open(struct aml *a, uint8_t nelems)
{
	put8(a, PACKAGE_OP);
	open_pkg(a);
	put8(a, nelems);
}

void aml_buffer(struct aml *a, const uint8_t *data, size_t len)
{
	put8(a, BUFFER_OP);
	open_pkg(a);
	aml_integer(a, len);
	put(a, data, len);
	aml_close(a);
}

void aml_res_init(struct aml_res *r)
{
	memset(r, 0, sizeof(*r));
}

static void res_put(struct aml_res *r, const uint8_t *p, size_t n)
{
	if (r->err)
		return;
	if (n > sizeof(r->buf) - r->len) {
		r->err = -ENOSPC;
		return;
	}
	memcpy(r->buf + r->len, p, n);
	r->len += n;
}

static void le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *p, uint32_t v)
{
	le16(p, (uint16_t)v);
	le16(p + 2, (uint16_t)(v >> 16));
}

void aml_res_io(struct aml_res *r, uint16_t base, uint8_t len)
{
	uint8_t d[8] = { RES_IO, IO_DECODE16 };

	le16(d + 2, base); /* minimum */
	le16(d + 4, base); /* maximum */
	d[6] = 1; /* alignment */
	d[7] = len;
	res_put(r, d, sizeof(d));
}

void aml_res_irq(struct aml_res *r, unsigned int irq)
{
	uint8_t d[3] = { RES_IRQ_NOFLAGS };

	if (irq > 15) {
		r->err = -EINVAL;
		return;
	}
	le16(d + 1, (uint16_t)(1u << irq));
	res_put(r, d, sizeof(d));
}

void aml_res_mem32_fixed(struct aml_res *r, uint32_t base, uint32_t len)
{
	uint8_t d[12] = { RES_MEM32_FIXED };

	le16(d + 1, 9); /* bytes after the length field */
	d[3] = MEM_READ_WRITE;
	le32(d + 4, base);
	le32(d + 8, len);
	res_put(r, d, sizeof(d));
}

void aml_res_ext_irq_edge(struct aml_res *r, uint32_t gsi)
{
	uint8_t d[9] = { RES_EXT_IRQ };

	le16(d + 1, 6); /* flags, count and one interrupt number */
	d[3] = EXT_IRQ_CONSUMER | EXT_IRQ_EDGE; /* active high, exclusive */
	d[4] = 1;
	le32(d + 5, gsi);
	res_put(r, d, sizeof(d));
}

void aml_res_end(struct aml_res *r)
{
	/* A zero checksum tells the reader not to check it. */
	const uint8_t d[2] = { RES_END, 0 };

	res_put(r, d, sizeof(d));
}

void aml_res_emit(struct aml *a, const struct aml_res *r)
{
	if (r->err) {
		if (!a->err)
			a->err = r->err;
		return;
	}
	aml_buffer(a, r->buf, r->len);
}
