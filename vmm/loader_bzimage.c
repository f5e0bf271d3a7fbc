// SPDX-License-Identifier: MIT
/*
 * bzImage header checks for the 64-bit boot protocol
 * (Documentation/arch/x86/boot.rst): husk skips the real-mode setup code
 * and enters the protected-mode payload at its 64-bit entry point.
 */
#include <errno.h>
#include <string.h>

#include "vmm/boot_x86.h"
#include "vmm/loader.h"

#define HDR_OFFSET 0x1f1 /* struct setup_header within the image */
#define HDR_JUMP_OFFSET 0x201 /* byte that ends the header, see below */
#define HDR_MAGIC 0x53726448 /* "HdrS" */
#define BOOT_FLAG 0xaa55
#define MIN_PROTOCOL 0x020c /* 2.12: xloadflags */
#define ENTRY_64_OFFSET 0x200 /* startup_64 from the load address */
#define SECTOR 512

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

bool bzimage_probe(const uint8_t *buf, size_t len)
{
	return len >= 0x206 && get_le32(buf + 0x202) == HDR_MAGIC;
}

/* Bytes of setup_header present: it ends 0x202 + the byte at 0x201. */
static uint32_t header_len(const uint8_t *buf)
{
	uint32_t end = 0x202 + buf[HDR_JUMP_OFFSET];
	uint32_t len = end - HDR_OFFSET;

	return len < sizeof(struct setup_header) ? len :
						   sizeof(struct setup_header);
}

static int check_header(const struct setup_header *hdr, const char **why)
{
	if (hdr->boot_flag != BOOT_FLAG) {
		*why = "no 0xAA55 boot flag";
		return -ENOEXEC;
	}
	if (hdr->header != HDR_MAGIC) {
		*why = "no \"HdrS\" signature";
		return -ENOEXEC;
	}
	if (hdr->version < MIN_PROTOCOL) {
		*why = "boot protocol older than 2.12";
		return -ENOEXEC;
	}
	if (!(hdr->xloadflags & XLF_KERNEL_64)) {
		*why = "no 64-bit entry point (XLF_KERNEL_64)";
		return -ENOEXEC;
	}
	return 0;
}

static int check_payload(const struct setup_header *hdr, uint64_t file_size,
			 struct bzimage_info *info, const char **why)
{
	uint64_t setup_sects = hdr->setup_sects ? hdr->setup_sects : 4;

	info->payload_offset = (setup_sects + 1) * SECTOR;
	if (file_size <= info->payload_offset) {
		*why = "truncated: no protected-mode code";
		return -ENOEXEC;
	}
	info->payload_size = file_size - info->payload_offset;
	if (info->payload_size < (uint64_t)hdr->syssize * 16) {
		*why = "truncated: shorter than its header says";
		return -ENOEXEC;
	}
	return 0;
}

/*
 * The kernel's footprint while it starts: its payload at BOOT_HIGH_GPA,
 * and the init_size bytes it decompresses into at pref_address (where a
 * relocatable kernel moves itself, and where a fixed one was linked).
 */
static uint64_t kernel_end(const struct setup_header *hdr,
			   uint64_t payload_size)
{
	uint64_t run_base = hdr->pref_address > BOOT_HIGH_GPA ?
				    hdr->pref_address :
				    BOOT_HIGH_GPA;
	uint64_t end = BOOT_HIGH_GPA + payload_size;

	if (run_base + hdr->init_size > end)
		end = run_base + hdr->init_size;
	return end;
}

int bzimage_parse(const uint8_t *buf, size_t len, uint64_t file_size,
		  struct bzimage_info *info, const char **why)
{
	struct kernel_image *image = &info->image;
	struct setup_header *hdr = &image->hdr;
	int err;

	if (len < HDR_OFFSET + sizeof(*hdr) || file_size < len) {
		*why = "truncated: shorter than a bzImage header";
		return -ENOEXEC;
	}
	memset(info, 0, sizeof(*info));
	image->setup_header_len = header_len(buf);
	memcpy(hdr, buf + HDR_OFFSET, image->setup_header_len);

	err = check_header(hdr, why);
	if (!err)
		err = check_payload(hdr, file_size, info, why);
	if (err)
		return err;

	/*
	 * Every kernel goes to 1 MiB, relocatable or not: a relocatable
	 * kernel copies itself to the end of its decompression buffer at
	 * pref_address whatever its load address, so loading it there
	 * instead would save no work, and 1 MiB keeps it valid for kernels
	 * that are not relocatable and for small --mem.
	 */
	image->has_setup_header = true;
	image->entry = BOOT_HIGH_GPA + ENTRY_64_OFFSET;
	image->end = kernel_end(hdr, info->payload_size);
	image->initrd_addr_max = hdr->initrd_addr_max;
	image->cmdline_max = hdr->cmdline_size;
	return 0;
}
