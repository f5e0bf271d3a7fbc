/* SPDX-License-Identifier: MIT */
/*
 * Guest RAM: one anonymous host mapping split around the x86 MMIO hole, and
 * guest_ptr(), the single checked accessor for guest physical addresses.
 */
#ifndef HUSK_MEMORY_H
#define HUSK_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

/*
 * RAM fills [0, min(size, MEM_HOLE_START)); the rest starts at
 * MEM_HIGH_START. The hole holds the LAPIC, IOAPIC, KVM's TSS pages and
 * virtio-mmio windows.
 */
#define MEM_HOLE_START 0xc0000000ULL
#define MEM_HIGH_START 0x100000000ULL

/* The smallest --mem husk accepts: boot structures, stack and a kernel. */
#define MEM_MIN_SIZE (4ULL << 20)

struct guest_mem {
	uint8_t *host; /* low RAM, then high RAM, back to back */
	uint64_t size; /* low_size + high_size */
	uint64_t low_size; /* RAM at guest physical 0 */
	uint64_t high_size; /* RAM at MEM_HIGH_START, or 0 */
};

/*
 * Splits @size bytes of RAM around the hole without mapping anything.
 * Returns 0, or -EINVAL when @size is below MEM_MIN_SIZE, not a multiple
 * of 4 KiB, or would put RAM beyond 2^52.
 */
int guest_mem_layout(struct guest_mem *mem, uint64_t size);

/* guest_mem_layout(), then reserves the host memory (MAP_NORESERVE). */
int guest_mem_map(struct guest_mem *mem, uint64_t size);
void guest_mem_unmap(struct guest_mem *mem);

/* The guest physical address just above the last byte of RAM. */
uint64_t guest_mem_end(const struct guest_mem *mem);

/*
 * True when [gpa, gpa + len) lies entirely within one RAM region; the
 * check guest_ptr() makes, for callers that only validate.
 */
bool guest_is_ram(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

/*
 * Returns the host address of [gpa, gpa + len) when that range lies
 * entirely within one RAM region, else NULL (also for len 0, a range that
 * wraps, or one that touches the hole). Every guest-supplied address goes
 * through here.
 */
void *guest_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

#endif
