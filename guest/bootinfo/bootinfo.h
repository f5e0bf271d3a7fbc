/* SPDX-License-Identifier: MIT */
/*
 * What the bootinfo guest's checks share: address ranges, the e820
 * map of the copied zero page and the expected values from the command line.
 */
#ifndef GUEST_BOOTINFO_H
#define GUEST_BOOTINFO_H

#include "guest/lib/guest.h"

#define MIB (1ULL << 20)
#define GIB (1ULL << 30)
#define LOW_RAM_END 0x9fc00ULL
#define HOLE_START (3 * GIB)
#define HOLE_END (4 * GIB)
#define ZERO_PAGE_SIZE 4096

int overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen);
/* 1 if [addr, addr+len) lies inside one e820 entry of @type. */
int e820_covers(uint64_t addr, uint64_t len, uint32_t type);
/* 1 if the range overlaps the loaded image (text to end of .bss). */
int overlaps_image(uint64_t addr, uint64_t len);

/* 1 if the host says loader=elf: then there is no image header copy. */
int booted_as_elf(void);

void check_e820(void);
void check_initrd(void);
void check_acpi(void);
void check_cpu(void);

#endif
