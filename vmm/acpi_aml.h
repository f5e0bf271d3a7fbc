/* SPDX-License-Identifier: MIT */
/*
 * A small AML encoder for husk's DSDT: names, integers, strings, packages,
 * scopes, devices and buffers, plus the resource descriptors that _CRS
 * buffers hold. Internal to the ACPI table builder.
 *
 * NOTE: errors are sticky. Once the output does not fit or a name is bad,
 * every later call does nothing and aml_finish() reports the first error,
 * so callers emit a whole table and check once.
 */
#ifndef HUSK_ACPI_AML_H
#define HUSK_ACPI_AML_H

#include <stddef.h>
#include <stdint.h>

#define AML_MAX_DEPTH 8

struct aml {
	uint8_t *buf;
	size_t size;
	size_t len;
	int err; /* 0, -ENOSPC, -EINVAL or -E2BIG */
	unsigned int depth;
	size_t open[AML_MAX_DEPTH]; /* where each open package's length goes */
};

void aml_init(struct aml *a, uint8_t *buf, size_t size);

/* Returns the bytes written, or the first error. Packages must be closed. */
long aml_finish(struct aml *a);

/* "\\_SB_.COM1", "_HID", "V001": segments of up to 4 chars, padded '_'. */
void aml_name_string(struct aml *a, const char *path);

/* Name (@name, ...): the caller emits the data object next. */
void aml_name(struct aml *a, const char *name);
void aml_integer(struct aml *a, uint64_t value);
void aml_string(struct aml *a, const char *s);

/* EisaId ("PNP0501") as the compressed 32-bit integer. */
void aml_eisaid(struct aml *a, const char *id);

/* A buffer object holding @len bytes of @data. */
void aml_buffer(struct aml *a, const uint8_t *data, size_t len);

/* Open a package-length object; aml_close() ends the innermost one. */
void aml_scope_open(struct aml *a, const char *path);
void aml_device_open(struct aml *a, const char *name);
void aml_package_open(struct aml *a, uint8_t nelems);
void aml_close(struct aml *a);

/* A resource template under construction, ended by aml_res_end(). */
struct aml_res {
	uint8_t buf[64];
	size_t len;
	int err;
};

void aml_res_init(struct aml_res *r);
void aml_res_io(struct aml_res *r, uint16_t base, uint8_t len);
void aml_res_irq(struct aml_res *r, unsigned int irq); /* IRQNoFlags */
void aml_res_mem32_fixed(struct aml_res *r, uint32_t base, uint32_t len);
/* Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) {@gsi} */
void aml_res_ext_irq_edge(struct aml_res *r, uint32_t gsi);
void aml_res_end(struct aml_res *r);

/* A whole resource template as Name's data object (a buffer). */
void aml_res_emit(struct aml *a, const struct aml_res *r);

#endif
