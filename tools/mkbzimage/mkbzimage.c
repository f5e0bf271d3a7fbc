// SPDX-License-Identifier: MIT
// mkbzimage: wraps a flat 64-bit image, given as an ELF file linked at
// 1 MiB with its 64-bit entry at offset 0x200, into a bzImage that loaders
// following the Linux x86 boot protocol (2.15 header) accept.

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest/lib/bootparam.h"

#define MAX_IMAGE (64U << 20)
#define SECTOR 512
#define SETUP_SIZE ((GUEST_SETUP_SECTS + 1) * SECTOR)
#define KERNEL_VERSION_OFFSET 0x300
#define INITRD_ADDR_MAX 0x7fffffff

_Static_assert(KERNEL_VERSION_OFFSET >=
		       SETUP_HDR_OFFSET + sizeof(struct setup_header),
	       "the kernel_version string overlaps the setup header");

struct image {
	unsigned char *data; /* the part loaded at GUEST_LOAD_ADDR */
	size_t file_size; /* bytes of it in the file */
	size_t mem_size; /* bytes it needs in memory, .bss included */
};

static int read_file(const char *path, unsigned char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t n;
	int err;

	if (!f)
		return -errno;
	*buf = malloc(MAX_IMAGE + 1);
	if (!*buf) {
		err = -ENOMEM;
		goto close_file;
	}
	n = fread(*buf, 1, MAX_IMAGE + 1, f);
	err = ferror(f) ? -EIO : n > MAX_IMAGE ? -EFBIG : 0;
	*len = n;
	if (err) {
		free(*buf);
		*buf = NULL;
	}
close_file:
	fclose(f);
	return err;
}

static int check_ehdr(const Elf64_Ehdr *eh, size_t len)
{
	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_X86_64)
		return -ENOEXEC;
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > len ||
	    (size_t)eh->e_phnum * sizeof(Elf64_Phdr) > len - eh->e_phoff)
		return -ENOEXEC;
	if (eh->e_entry != GUEST_LOAD_ADDR + GUEST_ENTRY64_OFFSET)
		return -EINVAL;
	return 0;
}

/* Grows @img to cover one PT_LOAD segment and copies its file bytes. */
static int add_segment(struct image *img, const Elf64_Phdr *ph,
		       const unsigned char *file, size_t len)
{
	uint64_t off;

	if (ph->p_paddr < GUEST_LOAD_ADDR || ph->p_filesz > ph->p_memsz ||
	    ph->p_memsz > MAX_IMAGE ||
	    ph->p_paddr - GUEST_LOAD_ADDR > MAX_IMAGE - ph->p_memsz)
		return -EINVAL;
	if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset)
		return -EINVAL;
	off = ph->p_paddr - GUEST_LOAD_ADDR;
	memcpy(img->data + off, file + ph->p_offset, ph->p_filesz);
	if (off + ph->p_filesz > img->file_size)
		img->file_size = off + ph->p_filesz;
	if (off + ph->p_memsz > img->mem_size)
		img->mem_size = off + ph->p_memsz;
	return 0;
}

static int load_elf(const unsigned char *file, size_t len, struct image *img)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)file;
	const Elf64_Phdr *ph;
	unsigned int i;
	int err;

	err = check_ehdr(eh, len);
	if (err)
		return err;
	img->data = calloc(1, MAX_IMAGE);
	if (!img->data)
		return -ENOMEM;
	ph = (const Elf64_Phdr *)(file + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		err = add_segment(img, &ph[i], file, len);
		if (err)
			return err;
	}
	/* syssize counts 16-byte units: pad the payload to a whole one. */
	img->file_size = (img->file_size + 15) & ~(size_t)15;
	return img->file_size > GUEST_ENTRY64_OFFSET ? 0 : -ENOEXEC;
}

static void fill_header(unsigned char *setup, const struct image *img,
			const char *name, int name_len)
{
	struct setup_header h = {
		.setup_sects = GUEST_SETUP_SECTS,
		.syssize = (uint32_t)(img->file_size / 16),
		.boot_flag = BOOT_FLAG_MAGIC,
		/* A short jump over the header, for the real-mode entry. */
		.jump = 0xeb | (uint16_t)(sizeof(h) + SETUP_HDR_OFFSET - 0x202)
				       << 8,
		.header = SETUP_HDR_MAGIC,
		.version = GUEST_BOOT_VERSION,
		.kernel_version = KERNEL_VERSION_OFFSET - 0x200,
		.loadflags = LOADFLAG_LOADED_HIGH,
		.code32_start = GUEST_LOAD_ADDR,
		.initrd_addr_max = INITRD_ADDR_MAX,
		.kernel_alignment = GUEST_KERNEL_ALIGN,
		.min_alignment = 21,
		.xloadflags = XLF_KERNEL_64,
		.cmdline_size = GUEST_CMDLINE_SIZE,
		.pref_address = GUEST_LOAD_ADDR,
		.init_size = (uint32_t)((img->mem_size + 4095) & ~4095UL),
	};

	memcpy(setup + SETUP_HDR_OFFSET, &h, sizeof(h));
	snprintf((char *)setup + KERNEL_VERSION_OFFSET,
		 SETUP_SIZE - KERNEL_VERSION_OFFSET, "husk test guest %.*s",
		 name_len, name);
}

static int write_bzimage(const char *path, const unsigned char *setup,
			 const struct image *img)
{
	FILE *f = fopen(path, "wb");
	int err = 0;

	if (!f)
		return -errno;
	if (fwrite(setup, 1, SETUP_SIZE, f) != SETUP_SIZE ||
	    fwrite(img->data, 1, img->file_size, f) != img->file_size)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

/* The file name of @path without directory and extension. */
static const char *base_name(const char *path, int *len)
{
	const char *s = strrchr(path, '/'), *dot;

	s = s ? s + 1 : path;
	dot = strrchr(s, '.');
	*len = (int)(dot && dot != s ? dot - s : (long)strlen(s));
	return s;
}

int main(int argc, char **argv)
{
	static unsigned char setup[SETUP_SIZE];
	struct image img = { 0 };
	unsigned char *file = NULL;
	const char *name;
	size_t len = 0;
	int name_len, err;

	if (argc != 3) {
		fprintf(stderr, "usage: mkbzimage IMAGE.elf OUT.bzImage\n");
		return 2;
	}
	err = read_file(argv[1], &file, &len);
	if (!err)
		err = load_elf(file, len, &img);
	if (err) {
		free(img.data);
		free(file);
		fprintf(stderr, "mkbzimage: %s: %s\n", argv[1],
			err == -EINVAL ? "not linked at 1 MiB with the entry "
					 "at offset 0x200" :
					 strerror(-err));
		return 1;
	}
	name = base_name(argv[1], &name_len);
	fill_header(setup, &img, name, name_len);
	err = write_bzimage(argv[2], setup, &img);
	free(img.data);
	free(file);
	if (err) {
		fprintf(stderr, "mkbzimage: %s: %s\n", argv[2], strerror(-err));
		remove(argv[2]);
		return 1;
	}
	return 0;
}
