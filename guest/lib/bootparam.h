/* SPDX-License-Identifier: MIT */
/*
 * The parts of the Linux x86 "zero page" (struct boot_params) and its setup
 * header that husk's test guests read, at the offsets the boot protocol
 * fixes. Shared with tools/mkbzimage, which writes the setup header.
 */
#ifndef GUEST_BOOTPARAM_H
#define GUEST_BOOTPARAM_H

#include <stddef.h>
#include <stdint.h>

#define SETUP_HDR_OFFSET 0x1f1
#define BOOT_FLAG_MAGIC 0xaa55
#define SETUP_HDR_MAGIC 0x53726448 /* "HdrS" */
#define XLF_KERNEL_64 (1 << 0)
#define LOADFLAG_LOADED_HIGH (1 << 0)

/* What mkbzimage writes and the bootinfo guest expects to find copied. */
#define GUEST_LOAD_ADDR 0x100000
#define GUEST_ENTRY64_OFFSET 0x200
#define GUEST_BOOT_VERSION 0x020f
#define GUEST_SETUP_SECTS 1
#define GUEST_CMDLINE_SIZE 4095
#define GUEST_KERNEL_ALIGN 0x200000

#define E820_RAM 1
#define E820_RESERVED 2
#define E820_MAX_ENTRIES 128

struct setup_header {
	uint8_t setup_sects;
	uint16_t root_flags;
	uint32_t syssize;
	uint16_t ram_size;
	uint16_t vid_mode;
	uint16_t root_dev;
	uint16_t boot_flag;
	uint16_t jump;
	uint32_t header;
	uint16_t version;
	uint32_t realmode_swtch;
	uint16_t start_sys_seg;
	uint16_t kernel_version;
	uint8_t type_of_loader;
	uint8_t loadflags;
	uint16_t setup_move_size;
	uint32_t code32_start;
	uint32_t ramdisk_image;
	uint32_t ramdisk_size;
	uint32_t bootsect_kludge;
	uint16_t heap_end_ptr;
	uint8_t ext_loader_ver;
	uint8_t ext_loader_type;
	uint32_t cmd_line_ptr;
	uint32_t initrd_addr_max;
	uint32_t kernel_alignment;
	uint8_t relocatable_kernel;
	uint8_t min_alignment;
	uint16_t xloadflags;
	uint32_t cmdline_size;
	uint32_t hardware_subarch;
	uint64_t hardware_subarch_data;
	uint32_t payload_offset;
	uint32_t payload_length;
	uint64_t setup_data;
	uint64_t pref_address;
	uint32_t init_size;
	uint32_t handover_offset;
	uint32_t kernel_info_offset;
} __attribute__((packed));

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

struct boot_params {
	uint8_t pad0[0x70];
	uint64_t acpi_rsdp_addr; /* 0x070 */
	uint8_t pad1[0xc0 - 0x78];
	uint32_t ext_ramdisk_image; /* 0x0c0 */
	uint32_t ext_ramdisk_size; /* 0x0c4 */
	uint32_t ext_cmd_line_ptr; /* 0x0c8 */
	uint8_t pad2[0x1e8 - 0xcc];
	uint8_t e820_entries; /* 0x1e8 */
	uint8_t pad3[SETUP_HDR_OFFSET - 0x1e9];
	struct setup_header hdr; /* 0x1f1 */
	uint8_t pad4[0x2d0 - SETUP_HDR_OFFSET - sizeof(struct setup_header)];
	struct e820_entry e820_table[E820_MAX_ENTRIES]; /* 0x2d0 */
	uint8_t pad5[0x1000 - 0x2d0 - E820_MAX_ENTRIES * 20];
} __attribute__((packed));

_Static_assert(offsetof(struct setup_header, header) == 0x202 - 0x1f1,
	       "setup_header.header");
_Static_assert(offsetof(struct setup_header, cmd_line_ptr) == 0x228 - 0x1f1,
	       "setup_header.cmd_line_ptr");
_Static_assert(offsetof(struct setup_header, xloadflags) == 0x236 - 0x1f1,
	       "setup_header.xloadflags");
_Static_assert(offsetof(struct setup_header, init_size) == 0x260 - 0x1f1,
	       "setup_header.init_size");
_Static_assert(sizeof(struct setup_header) == 0x26c - 0x1f1,
	       "setup_header size");
_Static_assert(offsetof(struct boot_params, hdr) == 0x1f1, "hdr");
_Static_assert(offsetof(struct boot_params, e820_table) == 0x2d0, "e820");
_Static_assert(sizeof(struct boot_params) == 0x1000, "boot_params size");

#endif
