// SPDX-License-Identifier: MIT
/*
 * The x86_64 side of the architecture interface: KVM's x86 chips, the
 * Linux 64-bit boot protocol (zero page, e820, ACPI tables), and CPUID,
 * MSR and LAPIC set-up of each vCPU.
 */
#include <errno.h>
#include <string.h>
#include <linux/kvm.h>

#include "vmm/arch.h"
#include "vmm/board.h"
#include "vmm/boot_params.h"
#include "vmm/boot_x86.h"
#include "vmm/cpuid.h"
#include "vmm/exit_status.h"
#include "vmm/husk.h"
#include "vmm/kvm.h"
#include "vmm/loader.h"
#include "vmm/log.h"
#include "vmm/msr.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"

/*
 * TSS and identity-map pages KVM needs on Intel, inside the MMIO hole and
 * clear of the LAPIC, IOAPIC and ACPI tables.
 */
#define VM_IDENTITY_MAP_GPA 0xfffbc000ULL
#define VM_TSS_GPA 0xfffbd000ULL /* three pages */

static int create_chips(struct vm *vm)
{
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	uint64_t identity = VM_IDENTITY_MAP_GPA;
	int err;

	err = kvm_ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, VM_TSS_GPA);
	if (err >= 0)
		err = kvm_ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR,
				&identity);
	if (err >= 0)
		err = kvm_ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0);
	if (err >= 0)
		err = kvm_ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit);
	return err < 0 ? err : 0;
}

int arch_vm_setup(struct vm *vm)
{
	int err = create_chips(vm);

	return err ? err : cpuid_get_supported(vm->kvm_fd, &vm->cpuid);
}

static int write_cmdline(struct vm *vm, const char *cmdline,
			 const struct kernel_image *image)
{
	size_t len = strlen(cmdline);
	uint64_t max = image->cmdline_max;
	char *dst;

	if (max > BOOT_CMDLINE_MAX - 1)
		max = BOOT_CMDLINE_MAX - 1;
	if (len > max) {
		log_error("--cmdline is %zu bytes; this kernel takes at most "
			  "%llu",
			  len, (unsigned long long)max);
		return HUSK_EXIT_USAGE;
	}
	dst = guest_ptr(&vm->mem, BOOT_CMDLINE_GPA, len + 1);
	if (!dst)
		return HUSK_EXIT_ERROR;
	memcpy(dst, cmdline, len + 1);
	return 0;
}

int arch_load_guest(struct vm *vm, struct board *board,
		    const struct husk_config *cfg, uint64_t *entry)
{
	struct boot_args args = { .cmdline_gpa = BOOT_CMDLINE_GPA };
	struct kernel_image image;
	struct boot_params *bp;
	int status;

	if (kernel_load(&vm->mem, cfg->kernel, &image))
		return HUSK_EXIT_BAD_INPUT;
	if (cfg->initrd && initrd_load(&vm->mem, cfg->initrd, &image,
				       &args.initrd_gpa, &args.initrd_size))
		return HUSK_EXIT_BAD_INPUT;
	status = write_cmdline(vm, cfg->cmdline, &image);
	if (status)
		return status;

	if (board_build_acpi(board, &args.rsdp_gpa) ||
	    boot_x86_setup_memory(&vm->mem))
		return HUSK_EXIT_ERROR;
	bp = guest_ptr(&vm->mem, BOOT_PARAMS_GPA, sizeof(*bp));
	if (!bp)
		return HUSK_EXIT_ERROR;
	boot_params_build(bp, &vm->mem, &image, &args);
	*entry = image.entry;
	return 0;
}

int arch_vcpu_setup(struct vcpu *vcpu, uint64_t entry)
{
	struct vm *vm = vcpu->vm;
	int err;

	err = cpuid_set_vcpu(vcpu->fd, vm->cpuid, vcpu->id, vm->ncpus);
	if (!err)
		err = msr_setup_vcpu(vcpu->fd);
	if (!err)
		err = lapic_setup_vcpu(vcpu->fd);
	if (!err && vcpu->id == 0)
		err = boot_x86_setup_vcpu(vcpu->fd, entry);
	return err;
}
