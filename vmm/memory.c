// SPDX-License-Identifier: MIT
/*
 * Guest RAM layout and the bounds-checked guest physical address accessor.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/mman.h>

#include "vmm/memory.h"

/* x86_64's architectural limit on physical addresses. */
#define MEM_PHYS_LIMIT (1ULL << 52)

int guest_mem_layout(struct guest_mem *mem, uint64_t size)
{
	if (size < MEM_MIN_SIZE || size % 4096)
		return -EINVAL;
	if (size > MEM_PHYS_LIMIT - (MEM_HIGH_START - MEM_HOLE_START))
		return -EINVAL;

	mem->host = NULL;
	mem->size = size;
	mem->low_size = size < MEM_HOLE_START ? size : MEM_HOLE_START;
	mem->high_size = size - mem->low_size;
	return 0;
}

int guest_mem_map(struct guest_mem *mem, uint64_t size)
{
	void *p;
	int err;

	err = guest_mem_layout(mem, size);
	if (err)
		return err;
	if (size > SIZE_MAX)
		return -ENOMEM;

	/* Pages are faulted in by the guest as it touches them. */
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	mem->host = p;
	return 0;
}

void guest_mem_unmap(struct guest_mem *mem)
{
	if (mem->host)
		munmap(mem->host, mem->size);
	mem->host = NULL;
}

uint64_t guest_mem_end(const struct guest_mem *mem)
{
	if (mem->high_size)
		return MEM_HIGH_START + mem->high_size;
	return mem->low_size;
}

/* Offset of [gpa, gpa + len) in the host mapping, if it is all RAM. */
static bool ram_offset(const struct guest_mem *mem, uint64_t gpa, uint64_t len,
		       uint64_t *off)
{
	uint64_t high;

	if (len == 0)
		return false;

	/* Written as subtractions so that no sum can wrap. */
	if (gpa < mem->low_size) {
		*off = gpa;
		return len <= mem->low_size - gpa;
	}
	if (gpa < MEM_HIGH_START)
		return false;
	high = gpa - MEM_HIGH_START;
	if (high >= mem->high_size || len > mem->high_size - high)
		return false;
	*off = mem->low_size + high;
	return true;
}

bool guest_is_ram(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	uint64_t off;

	return ram_offset(mem, gpa, len, &off);
}

void *guest_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	uint64_t off;

	if (!mem->host || !ram_offset(mem, gpa, len, &off))
		return NULL;
	return mem->host + off;
}
