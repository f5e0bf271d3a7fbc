// SPDX-License-Identifier: MIT
/*
 * Builds the zero page the 64-bit boot protocol hands the kernel in RSI
 * (Documentation/arch/x86/zero-page.rst).
 */
#include <string.h>

#include "vmm/boot_params.h"
#include "vmm/boot_x86.h"

#define LOADER_UNDEFINED 0xff /* type_of_loader: no assigned id */
#define HDR_MAGIC 0x53726448
#define BOOT_FLAG 0xaa55

static unsigned int e820_add(struct boot_e820_entry *table, unsigned int n,
			     unsigned int max, uint64_t addr, uint64_t size,
			     uint32_t type)
{
	if (n >= max || size == 0)
		return n;
	table[n].addr = addr;
	table[n].size = size;
	table[n].type = type;
	return n + 1;
}

unsigned int e820_build(const struct guest_mem *mem,
			struct boot_e820_entry *table, unsigned int max)
{
	unsigned int n = 0;

	n = e820_add(table, n, max, 0, BOOT_EBDA_GPA, E820_TYPE_RAM);
	n = e820_add(table, n, max, BOOT_EBDA_GPA,
		     BOOT_HIGH_GPA - BOOT_EBDA_GPA, E820_TYPE_RESERVED);
	n = e820_add(table, n, max, BOOT_HIGH_GPA,
		     mem->low_size - BOOT_HIGH_GPA, E820_TYPE_RAM);
	n = e820_add(table, n, max, MEM_HIGH_START, mem->high_size,
		     E820_TYPE_RAM);
	return n;
}

static void fill_header(struct setup_header *hdr,
			const struct kernel_image *image)
{
	if (image->has_setup_header) {
		memcpy(hdr, &image->hdr, image->setup_header_len);
	} else {
		hdr->boot_flag = BOOT_FLAG;
		hdr->header = HDR_MAGIC;
	}
	hdr->type_of_loader = LOADER_UNDEFINED;
}

void boot_params_build(struct boot_params *bp, const struct guest_mem *mem,
		       const struct kernel_image *image,
		       const struct boot_args *args)
{
	struct setup_header *hdr = &bp->hdr;

	memset(bp, 0, sizeof(*bp));
	fill_header(hdr, image);

	hdr->cmd_line_ptr = (uint32_t)args->cmdline_gpa;
	bp->ext_cmd_line_ptr = (uint32_t)(args->cmdline_gpa >> 32);
	hdr->ramdisk_image = (uint32_t)args->initrd_gpa;
	bp->ext_ramdisk_image = (uint32_t)(args->initrd_gpa >> 32);
	hdr->ramdisk_size = (uint32_t)args->initrd_size;
	bp->ext_ramdisk_size = (uint32_t)(args->initrd_size >> 32);

	bp->e820_entries = (uint8_t)e820_build(mem, bp->e820_table,
					       E820_MAX_ENTRIES_ZEROPAGE);
	bp->acpi_rsdp_addr = args->rsdp_gpa;
}
