/* SPDX-License-Identifier: MIT */
/*
 * An address bus for emulated devices: port I/O or MMIO ranges registered
 * at start-up, looked up by binary search on every guest access.
 *
 * NOTE: registration happens before any vCPU runs; after that the bus is
 * read-only and may be used from every vCPU thread at once. Devices do
 * their own locking.
 */
#ifndef HUSK_BUS_H
#define HUSK_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Handles one guest access of @len bytes (1, 2, 4 or 8) at @offset from
 * the start of the device's range. A read fills @data; a write consumes it.
 * Returns 0, or a negative errno that the caller reports as a device error.
 */
typedef int (*bus_handler_fn)(void *opaque, uint64_t offset, uint8_t *data,
			      uint32_t len, bool is_write);

struct bus_range {
	uint64_t base;
	uint64_t len;
	const char *name;
	bus_handler_fn handler;
	void *opaque;
};

struct bus {
	const char *name; /* "pio" or "mmio", for messages */
	struct bus_range *ranges; /* sorted by base, never overlapping */
	size_t nranges;
};

/* Returns 0, -EINVAL for an empty or wrapping range, -EEXIST on overlap. */
int bus_register(struct bus *bus, uint64_t base, uint64_t len, const char *name,
		 bus_handler_fn handler, void *opaque);

/*
 * Routes an access to the device covering [addr, addr + len). Returns the
 * handler's result, or -ENOENT when no single device covers it.
 */
int bus_access(const struct bus *bus, uint64_t addr, uint8_t *data,
	       uint32_t len, bool is_write);

void bus_free(struct bus *bus);

#endif
