// SPDX-License-Identifier: MIT
/*
 * The x86 64-bit entry state: GDT, identity page tables, control registers
 * and general registers of the boot vCPU.
 */
#include <errno.h>
#include <string.h>
#include <linux/kvm.h>

#include "vmm/boot_x86.h"
#include "vmm/kvm.h"

#define PTE_PRESENT (1ULL << 0)
#define PTE_WRITE (1ULL << 1)
#define PTE_LARGE (1ULL << 7)

#define CR0_PE (1ULL << 0)
#define CR0_MP (1ULL << 1)
#define CR0_ET (1ULL << 4)
#define CR0_NE (1ULL << 5)
#define CR0_PG (1ULL << 31)
#define CR4_PAE (1ULL << 5)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)

#define GDT_ENTRIES 6 /* null, unused, code, data, 16-byte TSS */
#define IDENTITY_MAP_GIB 4

/* Segment descriptor: flags (G, D/B, L), access byte, base, limit. */
static uint64_t gdt_entry(uint64_t flags, uint64_t access, uint64_t base,
			  uint64_t limit)
{
	return ((base & 0xff000000ULL) << 32) | ((flags & 0xf) << 52) |
	       ((limit & 0xf0000ULL) << 32) | ((access & 0xff) << 40) |
	       ((base & 0x00ffffffULL) << 16) | (limit & 0xffffULL);
}

static int write_gdt(const struct guest_mem *mem)
{
	uint64_t *gdt = guest_ptr(mem, BOOT_GDT_GPA, GDT_ENTRIES * 8);

	if (!gdt)
		return -EFAULT;
	memset(gdt, 0, GDT_ENTRIES * 8);
	gdt[BOOT_CODE_SELECTOR / 8] = gdt_entry(0xa, 0x9b, 0, 0xfffff);
	gdt[BOOT_DATA_SELECTOR / 8] = gdt_entry(0xc, 0x93, 0, 0xfffff);
	gdt[BOOT_TSS_SELECTOR / 8] = gdt_entry(0x0, 0x8b, 0, 0x67);
	return 0;
}

static int write_page_tables(const struct guest_mem *mem)
{
	uint64_t *pml4 = guest_ptr(mem, BOOT_PML4_GPA, 4096);
	uint64_t *pdpt = guest_ptr(mem, BOOT_PDPT_GPA, 4096);
	uint64_t *pd = guest_ptr(mem, BOOT_PD_GPA, IDENTITY_MAP_GIB * 4096);

	if (!pml4 || !pdpt || !pd)
		return -EFAULT;
	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	pml4[0] = BOOT_PDPT_GPA | PTE_PRESENT | PTE_WRITE;
	for (uint64_t i = 0; i < IDENTITY_MAP_GIB; i++)
		pdpt[i] = (BOOT_PD_GPA + i * 4096) | PTE_PRESENT | PTE_WRITE;
	for (uint64_t i = 0; i < IDENTITY_MAP_GIB * 512; i++)
		pd[i] = (i << 21) | PTE_PRESENT | PTE_WRITE | PTE_LARGE;
	return 0;
}

int boot_x86_setup_memory(const struct guest_mem *mem)
{
	int err = write_gdt(mem);

	return err ? err : write_page_tables(mem);
}

static void set_segment(struct kvm_segment *seg, uint16_t selector,
			uint8_t type, uint8_t db, uint8_t l)
{
	*seg = (struct kvm_segment){
		.base = 0,
		.limit = 0xffffffff,
		.selector = selector,
		.type = type,
		.present = 1,
		.dpl = 0,
		.db = db,
		.s = 1,
		.l = l,
		.g = 1,
	};
}

static void set_long_mode(struct kvm_sregs *sregs)
{
	set_segment(&sregs->cs, BOOT_CODE_SELECTOR, 0xb, 0, 1);
	set_segment(&sregs->ds, BOOT_DATA_SELECTOR, 0x3, 1, 0);
	sregs->es = sregs->fs = sregs->gs = sregs->ss = sregs->ds;
	sregs->tr = (struct kvm_segment){
		.limit = 0x67,
		.selector = BOOT_TSS_SELECTOR,
		.type = 0xb, /* busy 64-bit TSS */
		.present = 1,
	};
	sregs->gdt.base = BOOT_GDT_GPA;
	sregs->gdt.limit = GDT_ENTRIES * 8 - 1;
	sregs->idt.base = 0;
	sregs->idt.limit = 0;

	sregs->cr3 = BOOT_PML4_GPA;
	sregs->cr4 = CR4_PAE;
	sregs->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_PG;
	sregs->efer = EFER_LME | EFER_LMA;
}

int boot_x86_setup_vcpu(int vcpu_fd, uint64_t entry)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int err;

	err = kvm_ioctl(vcpu_fd, KVM_GET_SREGS, &sregs);
	if (err < 0)
		return err;
	set_long_mode(&sregs);
	err = kvm_ioctl(vcpu_fd, KVM_SET_SREGS, &sregs);
	if (err < 0)
		return err;

	memset(&regs, 0, sizeof(regs));
	regs.rflags = 0x2; /* reserved bit; IF clear */
	regs.rip = entry;
	regs.rsi = BOOT_PARAMS_GPA;
	regs.rsp = BOOT_STACK_TOP;
	err = kvm_ioctl(vcpu_fd, KVM_SET_REGS, &regs);
	return err < 0 ? err : 0;
}
