/* SPDX-License-Identifier: MIT */
/*
 * Kernel and initrd loading. Two kernel formats: a bzImage entered through
 * the 64-bit boot protocol, and an ELF64 vmlinux loaded at its physical
 * addresses. The parsers take bytes already read, so they can be tested
 * on crafted images; the loaders read files straight into guest RAM.
 */
#ifndef HUSK_LOADER_H
#define HUSK_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <elf.h>
#include <asm/bootparam.h>

#include "vmm/memory.h"

/* What boot_params needs to know about the loaded kernel. */
struct kernel_image {
	uint64_t entry; /* guest physical address of the 64-bit entry */
	uint64_t end; /* above everything the kernel occupies while starting */
	uint32_t initrd_addr_max; /* highest byte an initrd may use */
	uint32_t cmdline_max; /* longest command line, without the NUL */
	bool has_setup_header;
	uint32_t setup_header_len; /* bytes of hdr valid in the image */
	struct setup_header hdr; /* copied from a bzImage */
};

/* Result of bzimage_parse(). */
struct bzimage_info {
	uint64_t payload_offset; /* protected-mode code in the file */
	uint64_t payload_size;
	struct kernel_image image; /* entry and end for BOOT_HIGH_GPA */
};

/* The bytes of a bzImage that bzimage_parse() looks at. */
#define BZIMAGE_HEADER_BYTES 1024

/*
 * Checks a bzImage whose first @len bytes are @buf and whose file holds
 * @file_size bytes: boot flag, "HdrS", protocol >= 2.12, XLF_KERNEL_64,
 * a payload that is all there. On failure returns -ENOEXEC and points
 * @why at the reason.
 */
int bzimage_parse(const uint8_t *buf, size_t len, uint64_t file_size,
		  struct bzimage_info *info, const char **why);

/* True when @buf starts like a bzImage ("HdrS" at 0x202). */
bool bzimage_probe(const uint8_t *buf, size_t len);

/* Result of elf_parse_header() and elf_check_segments(). */
struct elf_info {
	uint64_t phoff;
	uint16_t phnum;
	uint64_t entry; /* e_entry as written in the file */
	struct kernel_image image;
};

#define ELF_MAX_PHNUM 64

/* True when @buf starts with the ELF magic. */
bool elf_probe(const uint8_t *buf, size_t len);

/*
 * Checks an x86_64 ELF64 executable header and that its program header
 * table lies inside the @file_size bytes of the file. Returns 0 or
 * -ENOEXEC with @why set.
 */
int elf_parse_header(const uint8_t *buf, size_t len, uint64_t file_size,
		     struct elf_info *info, const char **why);

/*
 * Checks the PT_LOAD segments of @phdr (@info->phnum of them): contents
 * inside the file, memory inside guest RAM, no wrap, no overlap, and an
 * entry point inside one of them (a virtual e_entry is translated through
 * the segment whose p_vaddr range holds it). Fills @info->image.
 */
int elf_check_segments(const Elf64_Phdr *phdr, struct elf_info *info,
		       uint64_t file_size, const struct guest_mem *mem,
		       const char **why);

/*
 * Loads the kernel at @path into guest RAM. Returns 0, or a negative
 * errno after logging one line that names @path and the reason.
 */
int kernel_load(const struct guest_mem *mem, const char *path,
		struct kernel_image *image);

/*
 * Loads the initrd at @path as high as @image and RAM allow, page
 * aligned, above the kernel. Returns 0 or a negative errno after logging.
 */
int initrd_load(const struct guest_mem *mem, const char *path,
		const struct kernel_image *image, uint64_t *gpa,
		uint64_t *size);

/*
 * Picks the initrd address: the highest page-aligned place below
 * min(@image->initrd_addr_max + 1, end of low RAM) and above the kernel.
 * Returns 0, or -EFBIG when @size does not fit.
 */
int initrd_place(const struct guest_mem *mem, const struct kernel_image *image,
		 uint64_t size, uint64_t *gpa);

/* Reads @len bytes at @offset of @fd into guest RAM at @gpa. */
int loader_read_into(const struct guest_mem *mem, int fd, uint64_t offset,
		     uint64_t gpa, uint64_t len);

#endif
