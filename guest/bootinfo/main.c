// SPDX-License-Identifier: MIT
// The bootinfo guest: checks from inside what husk hands a kernel at boot,
// the zero page (setup header copy, command line, e820 map, initrd) and the
// ACPI tables. The host passes what to expect on the command line:
//   mem=SIZE cpus=N initrd_size=BYTES initrd_cksum=CRC (or initrd=none)
//   loader=elf when booted as an ELF image (no bzImage header to copy)

#include "guest/bootinfo/bootinfo.h"

static const struct boot_params *bp = &guest_boot_params;

/* Fields husk copies from the bzImage's own header. */
static void check_header_copy(const struct setup_header *h)
{
	tap_check(h->version == GUEST_BOOT_VERSION, "setup header version",
		  "%#x, image has %#x", h->version, GUEST_BOOT_VERSION);
	tap_check(h->setup_sects == GUEST_SETUP_SECTS,
		  "setup header setup_sects", "%u", h->setup_sects);
	tap_check(h->xloadflags & XLF_KERNEL_64, "setup header xloadflags",
		  "%#x", h->xloadflags);
	tap_check(h->kernel_alignment == GUEST_KERNEL_ALIGN,
		  "setup header kernel_alignment", "%#x", h->kernel_alignment);
	tap_check(h->loadflags & LOADFLAG_LOADED_HIGH, "loadflags LOADED_HIGH",
		  "%#x", h->loadflags);
}

/* With loader=elf on the command line there is no image header to copy. */
static void check_setup_header(void)
{
	const struct setup_header *h = &bp->hdr;

	printf("# loader: %s\n", booted_as_elf() ? "elf" : "bzimage");
	tap_check(h->boot_flag == BOOT_FLAG_MAGIC, "setup header boot_flag",
		  "%#x", h->boot_flag);
	tap_check(h->header == SETUP_HDR_MAGIC, "setup header magic HdrS",
		  "%#x", h->header);
	tap_check(h->type_of_loader != 0, "type_of_loader set by husk",
		  "still 0");
	if (!booted_as_elf())
		check_header_copy(h);
	tap_check(
		e820_covers(guest_boot_params_gpa, ZERO_PAGE_SIZE, E820_RAM) &&
			!overlaps_image(guest_boot_params_gpa, ZERO_PAGE_SIZE),
		"zero page in RAM outside the kernel", "at %#lx",
		(unsigned long)guest_boot_params_gpa);
}

static void check_cmdline(void)
{
	uint64_t gpa = bp->hdr.cmd_line_ptr | (uint64_t)bp->ext_cmd_line_ptr
						      << 32;
	size_t len = strlen(guest_cmdline);

	/* Past printf's buffer: the host compares this line in full. */
	printf("# cmdline: ");
	uart_write(guest_cmdline, len);
	printf("\n");
	if (!tap_check(gpa != 0, "cmd_line_ptr set", "it is 0"))
		return;
	tap_check(len > 0 && len < GUEST_CMDLINE_SIZE,
		  "command line NUL-terminated within cmdline_size",
		  "length %zu", len);
	tap_check(e820_covers(gpa, len + 1, E820_RAM) &&
			  !overlaps_image(gpa, len + 1) &&
			  !overlaps(gpa, len + 1, guest_boot_params_gpa,
				    ZERO_PAGE_SIZE),
		  "command line in RAM apart from kernel and zero page",
		  "at %#lx", (unsigned long)gpa);
}

void guest_main(void)
{
	printf("# bootinfo: zero page at %#lx\n",
	       (unsigned long)guest_boot_params_gpa);
	check_setup_header();
	check_cmdline();
	check_e820();
	check_initrd();
	check_acpi();
	check_cpu();
}
