// SPDX-License-Identifier: MIT
/*
 * ELF64 kernel checks: an x86_64 executable (such as vmlinux) whose
 * PT_LOAD segments go to their physical addresses in guest RAM.
 */
#include <errno.h>
#include <string.h>

#include "vmm/loader.h"

/* What Linux accepts when no setup header says otherwise. */
#define ELF_INITRD_ADDR_MAX 0x37ffffff
#define ELF_CMDLINE_MAX 2047

bool elf_probe(const uint8_t *buf, size_t len)
{
	return len >= SELFMAG && memcmp(buf, ELFMAG, SELFMAG) == 0;
}

static int check_ident(const Elf64_Ehdr *eh, const char **why)
{
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB) {
		*why = "not a little-endian ELF64 file";
		return -ENOEXEC;
	}
	if (eh->e_machine != EM_X86_64) {
		*why = "not an x86_64 ELF file";
		return -ENOEXEC;
	}
	if (eh->e_type != ET_EXEC) {
		*why = "not an ELF executable";
		return -ENOEXEC;
	}
	return 0;
}

int elf_parse_header(const uint8_t *buf, size_t len, uint64_t file_size,
		     struct elf_info *info, const char **why)
{
	Elf64_Ehdr eh;
	uint64_t table;
	int err;

	if (len < sizeof(eh) || file_size < sizeof(eh)) {
		*why = "truncated: shorter than an ELF header";
		return -ENOEXEC;
	}
	memcpy(&eh, buf, sizeof(eh));
	err = check_ident(&eh, why);
	if (err)
		return err;

	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
	    eh.e_phnum > ELF_MAX_PHNUM) {
		*why = "bad program header table";
		return -ENOEXEC;
	}
	table = (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr);
	if (eh.e_phoff > file_size || table > file_size - eh.e_phoff) {
		*why = "truncated: program headers beyond the end of the file";
		return -ENOEXEC;
	}

	memset(info, 0, sizeof(*info));
	info->phoff = eh.e_phoff;
	info->phnum = eh.e_phnum;
	info->entry = eh.e_entry;
	return 0;
}

static int check_segment(const Elf64_Phdr *ph, uint64_t file_size,
			 const struct guest_mem *mem, const char **why)
{
	if (ph->p_filesz > ph->p_memsz) {
		*why = "segment with p_filesz above p_memsz";
		return -ENOEXEC;
	}
	if (ph->p_offset > file_size ||
	    ph->p_filesz > file_size - ph->p_offset) {
		*why = "truncated: segment beyond the end of the file";
		return -ENOEXEC;
	}
	if (ph->p_paddr + ph->p_memsz < ph->p_paddr) {
		*why = "segment wraps around the address space";
		return -ENOEXEC;
	}
	if (!guest_is_ram(mem, ph->p_paddr, ph->p_memsz)) {
		*why = "segment outside guest RAM (too little --mem?)";
		return -ENOEXEC;
	}
	return 0;
}

static bool overlaps(const Elf64_Phdr *a, const Elf64_Phdr *b)
{
	return a->p_paddr < b->p_paddr + b->p_memsz &&
	       b->p_paddr < a->p_paddr + a->p_memsz;
}

static bool contains(uint64_t base, uint64_t size, uint64_t addr)
{
	return addr >= base && addr - base < size;
}

/* The physical entry address: e_entry itself, or translated if virtual. */
static int find_entry(const Elf64_Phdr *phdr, unsigned int n, uint64_t entry,
		      uint64_t *gpa)
{
	for (unsigned int i = 0; i < n; i++) {
		if (phdr[i].p_type == PT_LOAD &&
		    contains(phdr[i].p_paddr, phdr[i].p_memsz, entry)) {
			*gpa = entry;
			return 0;
		}
	}
	for (unsigned int i = 0; i < n; i++) {
		if (phdr[i].p_type == PT_LOAD &&
		    contains(phdr[i].p_vaddr, phdr[i].p_memsz, entry)) {
			*gpa = entry - phdr[i].p_vaddr + phdr[i].p_paddr;
			return 0;
		}
	}
	return -ENOEXEC;
}

static int check_all(const Elf64_Phdr *phdr, unsigned int n, uint64_t file_size,
		     const struct guest_mem *mem, uint64_t *end,
		     const char **why)
{
	unsigned int loads = 0;
	int err;

	*end = 0;
	for (unsigned int i = 0; i < n; i++) {
		if (phdr[i].p_type != PT_LOAD || phdr[i].p_memsz == 0)
			continue;
		err = check_segment(&phdr[i], file_size, mem, why);
		if (err)
			return err;
		for (unsigned int j = 0; j < i; j++) {
			if (phdr[j].p_type == PT_LOAD && phdr[j].p_memsz &&
			    overlaps(&phdr[i], &phdr[j])) {
				*why = "overlapping segments";
				return -ENOEXEC;
			}
		}
		if (phdr[i].p_paddr + phdr[i].p_memsz > *end)
			*end = phdr[i].p_paddr + phdr[i].p_memsz;
		loads++;
	}
	if (!loads) {
		*why = "no loadable segment";
		return -ENOEXEC;
	}
	return 0;
}

int elf_check_segments(const Elf64_Phdr *phdr, struct elf_info *info,
		       uint64_t file_size, const struct guest_mem *mem,
		       const char **why)
{
	struct kernel_image *image = &info->image;
	int err;

	err = check_all(phdr, info->phnum, file_size, mem, &image->end, why);
	if (err)
		return err;
	if (find_entry(phdr, info->phnum, info->entry, &image->entry)) {
		*why = "entry point outside every loadable segment";
		return -ENOEXEC;
	}
	image->initrd_addr_max = ELF_INITRD_ADDR_MAX;
	image->cmdline_max = ELF_CMDLINE_MAX;
	image->has_setup_header = false;
	return 0;
}
