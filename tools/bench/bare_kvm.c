// SPDX-License-Identifier: MIT
/*
 * The exit benchmark's baseline: the least a monitor can do per port-I/O
 * exit. Loads a 64-bit ELF guest, enters it in long mode on an identity
 * map of the low 4 GiB (as husk does), and runs KVM_RUN in a loop that
 * only counts exits, timing the span between the guest's marks 1 and 2.
 *
 * usage: bare_kvm GUEST.elf
 * prints: "exits N mark_ns M ns_per_exit X"
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>

#define MEM_SIZE (16u << 20)
#define GDT_GPA 0x1000u
#define PML4_GPA 0x2000u
#define PDPT_GPA 0x3000u
#define PD_GPA 0x4000u /* four pages: 4 GiB of 2 MiB pages */
#define MARK_PORT 0x4f0
#define ACPI_SLP_CNT_PORT 0x600

#define PTE_P 0x1ull
#define PTE_RW 0x2ull
#define PTE_PS 0x80ull

struct bare {
	int kvm, vm, vcpu;
	uint8_t *mem;
	struct kvm_run *run;
	uint64_t entry;
};

static void die(const char *what) __attribute__((noreturn));

static void die(const char *what)
{
	fprintf(stderr, "bare_kvm: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int load_elf(struct bare *b, const char *path)
{
	uint8_t *img;
	struct stat st;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	int fd, i;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		die(path);
	img = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (img == MAP_FAILED)
		die("mmap guest");
	close(fd);
	eh = (Elf64_Ehdr *)img;
	if (st.st_size < (off_t)sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, 4) ||
	    eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(*ph) >
		    (uint64_t)st.st_size)
		return -ENOEXEC;
	for (i = 0; i < eh->e_phnum; i++) {
		ph = (Elf64_Phdr *)(img + eh->e_phoff) + i;
		if (ph->p_type != PT_LOAD)
			continue;
		if (ph->p_paddr + ph->p_memsz > MEM_SIZE ||
		    ph->p_filesz > ph->p_memsz ||
		    ph->p_offset + ph->p_filesz > (uint64_t)st.st_size)
			return -ENOEXEC;
		memcpy(b->mem + ph->p_paddr, img + ph->p_offset, ph->p_filesz);
	}
	b->entry = eh->e_entry;
	munmap(img, st.st_size);
	return 0;
}

static void build_page_tables(uint8_t *mem)
{
	uint64_t *pml4 = (uint64_t *)(mem + PML4_GPA);
	uint64_t *pdpt = (uint64_t *)(mem + PDPT_GPA);
	uint64_t *pd = (uint64_t *)(mem + PD_GPA);
	uint64_t i;

	pml4[0] = PDPT_GPA | PTE_P | PTE_RW;
	for (i = 0; i < 4; i++)
		pdpt[i] = (PD_GPA + i * 0x1000) | PTE_P | PTE_RW;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = (i << 21) | PTE_P | PTE_RW | PTE_PS;
}

static void set_segments(struct kvm_sregs *s)
{
	struct kvm_segment code = {
		.base = 0,
		.limit = 0xffffffff,
		.selector = 0x8,
		.type = 0xb,
		.present = 1,
		.s = 1,
		.l = 1,
		.g = 1,
	};
	struct kvm_segment data = code;

	data.selector = 0x10;
	data.type = 0x3;
	data.l = 0;
	data.db = 1;
	s->cs = code;
	s->ds = s->es = s->fs = s->gs = s->ss = data;
	s->gdt.base = GDT_GPA;
	s->gdt.limit = 3 * 8 - 1;
}

static void setup_long_mode(struct bare *b)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rflags = 0x2 };
	uint64_t *gdt = (uint64_t *)(b->mem + GDT_GPA);

	gdt[1] = 0x00af9b000000ffffull; /* 64-bit code */
	gdt[2] = 0x00cf93000000ffffull; /* data */
	build_page_tables(b->mem);
	if (ioctl(b->vcpu, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS");
	set_segments(&sregs);
	sregs.cr3 = PML4_GPA;
	sregs.cr4 = 0x20; /* PAE */
	sregs.cr0 = 0x80000033; /* PG, NE, ET, MP, PE */
	sregs.efer = 0x500; /* LMA, LME */
	if (ioctl(b->vcpu, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS");
	regs.rip = b->entry;
	regs.rsp = MEM_SIZE;
	if (ioctl(b->vcpu, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS");
}

static void set_cpuid(struct bare *b)
{
	struct kvm_cpuid2 *c;
	unsigned int n = 128;

	c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
	if (!c)
		die("calloc");
	c->nent = n;
	if (ioctl(b->kvm, KVM_GET_SUPPORTED_CPUID, c) < 0)
		die("KVM_GET_SUPPORTED_CPUID");
	if (ioctl(b->vcpu, KVM_SET_CPUID2, c) < 0)
		die("KVM_SET_CPUID2");
	free(c);
}

static void create_vm(struct bare *b)
{
	struct kvm_userspace_memory_region region = { 0 };
	int size;

	b->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (b->kvm < 0)
		die("/dev/kvm");
	b->vm = ioctl(b->kvm, KVM_CREATE_VM, 0);
	if (b->vm < 0)
		die("KVM_CREATE_VM");
	b->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (b->mem == MAP_FAILED)
		die("mmap guest memory");
	region.memory_size = MEM_SIZE;
	region.userspace_addr = (uintptr_t)b->mem;
	if (ioctl(b->vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die("KVM_SET_USER_MEMORY_REGION");
	b->vcpu = ioctl(b->vm, KVM_CREATE_VCPU, 0);
	if (b->vcpu < 0)
		die("KVM_CREATE_VCPU");
	size = ioctl(b->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0)
		die("KVM_GET_VCPU_MMAP_SIZE");
	b->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, b->vcpu,
		      0);
	if (b->run == MAP_FAILED)
		die("mmap kvm_run");
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The loop under test: count, note the marks, stop at power-off. */
static int run_loop(struct bare *b, uint64_t *exits, uint64_t *span)
{
	uint64_t mark1 = 0, n = 0, between = 0;
	struct kvm_run *r = b->run;
	uint8_t *data;

	for (;;) {
		if (ioctl(b->vcpu, KVM_RUN, 0) < 0)
			die("KVM_RUN");
		n++;
		if (r->exit_reason != KVM_EXIT_IO) {
			fprintf(stderr, "bare_kvm: exit reason %u\n",
				r->exit_reason);
			return -1;
		}
		if (r->io.port == ACPI_SLP_CNT_PORT)
			break;
		if (r->io.port != MARK_PORT)
			continue;
		data = (uint8_t *)r + r->io.data_offset;
		if (*data == 1) {
			mark1 = now_ns();
			between = n;
		} else if (*data == 2) {
			*span = now_ns() - mark1;
			*exits = n - between;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bare b = { 0 };
	uint64_t exits = 0, span = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: bare_kvm GUEST.elf\n");
		return 2;
	}
	create_vm(&b);
	if (load_elf(&b, argv[1])) {
		fprintf(stderr, "bare_kvm: %s: not a 64-bit ELF guest\n",
			argv[1]);
		return 1;
	}
	set_cpuid(&b);
	setup_long_mode(&b);
	if (run_loop(&b, &exits, &span) || !exits)
		return 1;
	printf("exits %llu mark_ns %llu ns_per_exit %.1f\n",
	       (unsigned long long)exits, (unsigned long long)span,
	       (double)span / (double)exits);
	return 0;
}
