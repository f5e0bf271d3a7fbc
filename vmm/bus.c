// SPDX-License-Identifier: MIT
/*
 * Device address buses: a sorted array of ranges, searched by binary
 * search, so an exit costs O(log n) and never allocates.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/bus.h"

/* Index of the first range whose end lies above @addr. */
static size_t lower_bound(const struct bus *bus, uint64_t addr)
{
	size_t lo = 0, hi = bus->nranges;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct bus_range *r = &bus->ranges[mid];

		if (r->base + r->len <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int bus_register(struct bus *bus, uint64_t base, uint64_t len, const char *name,
		 bus_handler_fn handler, void *opaque)
{
	struct bus_range *ranges;
	size_t i;

	if (len == 0 || base + len < base)
		return -EINVAL;

	i = lower_bound(bus, base);
	if (i < bus->nranges && bus->ranges[i].base < base + len)
		return -EEXIST;

	ranges = realloc(bus->ranges, (bus->nranges + 1) * sizeof(*ranges));
	if (!ranges)
		return -ENOMEM;
	memmove(&ranges[i + 1], &ranges[i],
		(bus->nranges - i) * sizeof(*ranges));
	ranges[i] = (struct bus_range){
		.base = base,
		.len = len,
		.name = name,
		.handler = handler,
		.opaque = opaque,
	};
	bus->ranges = ranges;
	bus->nranges++;
	return 0;
}

int bus_access(const struct bus *bus, uint64_t addr, uint8_t *data,
	       uint32_t len, bool is_write)
{
	const struct bus_range *r;
	size_t i;

	if (len == 0 || addr + len < addr)
		return -ENOENT;

	i = lower_bound(bus, addr);
	if (i == bus->nranges)
		return -ENOENT;
	r = &bus->ranges[i];
	if (addr < r->base || addr + len > r->base + r->len)
		return -ENOENT;
	return r->handler(r->opaque, addr - r->base, data, len, is_write);
}

void bus_free(struct bus *bus)
{
	free(bus->ranges);
	bus->ranges = NULL;
	bus->nranges = 0;
}
