// SPDX-License-Identifier: MIT
/*
 * Reads the kernel and initrd files: detects the kernel format, runs the
 * format's checks, and reads file contents straight into guest RAM.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/boot_x86.h"
#include "vmm/loader.h"
#include "vmm/log.h"

#define PAGE_SIZE 4096ULL

static int read_fully(int fd, uint8_t *dst, uint64_t offset, uint64_t len)
{
	while (len) {
		size_t chunk = len > (1U << 30) ? (1U << 30) : (size_t)len;
		ssize_t n = pread(fd, dst, chunk, (off_t)offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENODATA; /* the file shrank under us */
		dst += n;
		offset += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

int loader_read_into(const struct guest_mem *mem, int fd, uint64_t offset,
		     uint64_t gpa, uint64_t len)
{
	uint8_t *dst = guest_ptr(mem, gpa, len);

	/*
	 * NOTE: a copy, not a private file mapping: a kernel or initrd
	 * rewritten in place while the guest runs must not change or
	 * truncate (SIGBUS) pages the guest has not written yet.
	 */
	if (!dst)
		return len ? -EFAULT : 0;
	return read_fully(fd, dst, offset, len);
}

static int open_file(const char *what, const char *path, uint64_t *size)
{
	struct stat st;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		log_error_errno(err, "%s %s", what, path);
		return -err;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		log_error("%s %s: not a regular file", what, path);
		close(fd);
		return -EINVAL;
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

static int read_head(int fd, uint8_t *buf, size_t len, size_t *got)
{
	ssize_t n;

	do {
		n = pread(fd, buf, len, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	*got = (size_t)n;
	return 0;
}

static int load_bzimage(const struct guest_mem *mem, int fd, const char *path,
			const uint8_t *head, size_t len, uint64_t size,
			struct kernel_image *image)
{
	struct bzimage_info info;
	const char *why = NULL;
	int err;

	err = bzimage_parse(head, len, size, &info, &why);
	if (err) {
		log_error("kernel %s: not a usable bzImage: %s", path, why);
		return err;
	}
	if (info.image.end > mem->low_size) {
		log_error("kernel %s needs %llu MiB of RAM below 3 GiB", path,
			  (unsigned long long)(info.image.end >> 20) + 1);
		return -EFBIG;
	}
	err = loader_read_into(mem, fd, info.payload_offset, BOOT_HIGH_GPA,
			       info.payload_size);
	if (err) {
		log_error_errno(-err, "kernel %s: reading", path);
		return err;
	}
	*image = info.image;
	return 0;
}

static int read_phdrs(int fd, const struct elf_info *info, Elf64_Phdr *phdr)
{
	size_t len = info->phnum * sizeof(*phdr);
	ssize_t n;

	do {
		n = pread(fd, phdr, len, (off_t)info->phoff);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -ENODATA;
}

static int load_segments(const struct guest_mem *mem, int fd,
			 const Elf64_Phdr *phdr, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		const Elf64_Phdr *ph = &phdr[i];
		uint8_t *bss;
		int err;

		if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
			continue;
		err = loader_read_into(mem, fd, ph->p_offset, ph->p_paddr,
				       ph->p_filesz);
		if (err)
			return err;
		/* Fresh guest RAM reads as zero; clear it anyway on reuse. */
		bss = guest_ptr(mem, ph->p_paddr + ph->p_filesz,
				ph->p_memsz - ph->p_filesz);
		if (bss)
			memset(bss, 0, ph->p_memsz - ph->p_filesz);
	}
	return 0;
}

static int load_elf(const struct guest_mem *mem, int fd, const char *path,
		    const uint8_t *head, size_t len, uint64_t size,
		    struct kernel_image *image)
{
	Elf64_Phdr phdr[ELF_MAX_PHNUM];
	struct elf_info info;
	const char *why = NULL;
	int err;

	err = elf_parse_header(head, len, size, &info, &why);
	if (!err) {
		err = read_phdrs(fd, &info, phdr);
		why = "cannot read the program headers";
	}
	if (!err)
		err = elf_check_segments(phdr, &info, size, mem, &why);
	if (err) {
		log_error("kernel %s: not a usable ELF kernel: %s", path, why);
		return -ENOEXEC;
	}
	err = load_segments(mem, fd, phdr, info.phnum);
	if (err) {
		log_error_errno(-err, "kernel %s: reading", path);
		return err;
	}
	*image = info.image;
	return 0;
}

int kernel_load(const struct guest_mem *mem, const char *path,
		struct kernel_image *image)
{
	uint8_t head[BZIMAGE_HEADER_BYTES];
	uint64_t size;
	size_t len = 0;
	int fd, err;

	fd = open_file("kernel", path, &size);
	if (fd < 0)
		return fd;
	err = read_head(fd, head, sizeof(head), &len);
	if (err) {
		log_error_errno(-err, "kernel %s", path);
		goto out_close;
	}

	if (elf_probe(head, len)) {
		err = load_elf(mem, fd, path, head, len, size, image);
	} else if (bzimage_probe(head, len)) {
		err = load_bzimage(mem, fd, path, head, len, size, image);
	} else {
		log_error("kernel %s: not a bzImage or ELF64 kernel", path);
		err = -ENOEXEC;
	}
out_close:
	close(fd);
	return err;
}

int initrd_place(const struct guest_mem *mem, const struct kernel_image *image,
		 uint64_t size, uint64_t *gpa)
{
	uint64_t top = mem->low_size;
	uint64_t floor = (image->end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

	if ((uint64_t)image->initrd_addr_max + 1 < top)
		top = (uint64_t)image->initrd_addr_max + 1;
	if (floor < BOOT_HIGH_GPA)
		floor = BOOT_HIGH_GPA;
	if (top < floor || size > top - floor)
		return -EFBIG;
	*gpa = (top - size) & ~(PAGE_SIZE - 1);
	return 0;
}

int initrd_load(const struct guest_mem *mem, const char *path,
		const struct kernel_image *image, uint64_t *gpa, uint64_t *size)
{
	int fd, err;

	fd = open_file("initrd", path, size);
	if (fd < 0)
		return fd;
	err = initrd_place(mem, image, *size, gpa);
	if (err) {
		log_error("initrd %s (%llu MiB) does not fit in guest RAM with "
			  "the kernel: raise --mem",
			  path, (unsigned long long)(*size >> 20));
		goto out_close;
	}
	err = loader_read_into(mem, fd, 0, *gpa, *size);
	if (err)
		log_error_errno(-err, "initrd %s: reading", path);
out_close:
	close(fd);
	return err;
}
