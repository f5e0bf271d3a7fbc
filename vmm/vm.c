// SPDX-License-Identifier: MIT
/*
 * KVM VM set-up: device, capabilities, guest RAM slots, irqchip, PIT.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "vmm/arch.h"
#include "vmm/kvm.h"
#include "vmm/log.h"
#include "vmm/vm.h"

struct kvm_cap_need {
	long cap;
	const char *name;
};

#define CAP(name)                                \
	{                                        \
		KVM_CAP_##name, "KVM_CAP_" #name \
	}

static const struct kvm_cap_need needed_caps[] = {
	CAP(IRQCHIP),	     CAP(USER_MEMORY),
	CAP(SET_TSS_ADDR),   CAP(SET_IDENTITY_MAP_ADDR),
	CAP(EXT_CPUID),	     CAP(PIT2),
	CAP(IOEVENTFD),	     CAP(IRQFD),
	CAP(IMMEDIATE_EXIT),
};

/* What to check when the device cannot be opened. */
static const char *open_hint(int err)
{
	switch (err) {
	case ENOENT:
		return " (is the kvm module loaded?)";
	case EACCES:
		return " (is the user in the kvm group?)";
	}
	return "";
}

static int open_device(struct vm *vm, const char *kvm_path)
{
	int version, err;

	vm->kvm_fd = open(kvm_path, O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		err = errno;
		log_error("%s: %s%s", kvm_path, strerror(err), open_hint(err));
		return -err;
	}
	version = kvm_ioctl_raw(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (version < 0) {
		log_error("%s: not a KVM device (KVM_GET_API_VERSION: %s)",
			  kvm_path, strerror(-version));
		return version;
	}
	if (version != KVM_API_VERSION) {
		log_error("%s: KVM API version %d, husk needs %d", kvm_path,
			  version, KVM_API_VERSION);
		return -ENOTSUP;
	}
	return 0;
}

static int check_caps(struct vm *vm)
{
	int n;

	for (size_t i = 0; i < sizeof(needed_caps) / sizeof(needed_caps[0]);
	     i++) {
		n = kvm_ioctl_raw(vm->kvm_fd, KVM_CHECK_EXTENSION,
				  (unsigned long)needed_caps[i].cap);
		if (n <= 0) {
			log_error("KVM lacks %s, which husk needs",
				  needed_caps[i].name);
			return -ENOTSUP;
		}
	}

	n = kvm_ioctl_raw(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (n <= 0)
		n = kvm_ioctl_raw(vm->kvm_fd, KVM_CHECK_EXTENSION,
				  KVM_CAP_NR_VCPUS);
	vm->max_vcpus = n > 0 ? (unsigned int)n : 4; /* the API's default */
	return 0;
}

int vm_open(struct vm *vm, const char *kvm_path)
{
	int n, err;

	memset(vm, 0, sizeof(*vm));
	vm->vm_fd = -1;
	vm->stop_fd = -1;
	atomic_init(&vm->exit_status, VM_RUNNING);

	err = open_device(vm, kvm_path);
	if (!err)
		err = check_caps(vm);
	if (err)
		return err;

	n = kvm_ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (n < 0)
		return n;
	vm->run_size = (size_t)n;
	return 0;
}

int vm_check_vcpus(const struct vm *vm, unsigned int ncpus)
{
	if (ncpus > vm->max_vcpus) {
		log_error("--cpus %u: KVM allows at most %u vCPUs", ncpus,
			  vm->max_vcpus);
		return -E2BIG;
	}
	if (ncpus > VM_MAX_VCPUS) {
		log_error("--cpus %u: husk supports at most %u vCPUs", ncpus,
			  VM_MAX_VCPUS);
		return -E2BIG;
	}
	return 0;
}

int vm_map_memory(struct vm *vm, uint64_t mem_size)
{
	uint64_t host_ram = (uint64_t)sysconf(_SC_PHYS_PAGES) *
			    (uint64_t)sysconf(_SC_PAGESIZE);
	int err;

	if (mem_size > host_ram) {
		log_error(
			"--mem %llu MiB: more than the host's %llu MiB of RAM",
			(unsigned long long)(mem_size >> 20),
			(unsigned long long)(host_ram >> 20));
		return -E2BIG;
	}
	err = guest_mem_map(&vm->mem, mem_size);
	if (err)
		log_error_errno(-err, "--mem: cannot map %llu MiB of guest RAM",
				(unsigned long long)(mem_size >> 20));
	return err;
}

static int set_slot(struct vm *vm, uint32_t slot, uint64_t gpa, void *host,
		    uint64_t size)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)host,
	};

	if (!size)
		return 0;
	return kvm_ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region);
}

int vm_create(struct vm *vm, unsigned int ncpus)
{
	struct guest_mem *mem = &vm->mem;
	int err;

	vm->ncpus = ncpus;
	vm->vm_fd = kvm_ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return vm->vm_fd;
	vm->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->stop_fd < 0) {
		err = errno;
		log_error_errno(err, "eventfd");
		return -err;
	}

	err = set_slot(vm, 0, 0, mem->host, mem->low_size);
	if (err >= 0)
		err = set_slot(vm, 1, MEM_HIGH_START, mem->host + mem->low_size,
			       mem->high_size);
	if (err < 0)
		return err;
	return arch_vm_setup(vm);
}

void vm_request_stop(struct vm *vm, int status)
{
	int expected = VM_RUNNING;
	uint64_t one = 1;

	if (!atomic_compare_exchange_strong(&vm->exit_status, &expected,
					    status))
		return;
	if (write(vm->stop_fd, &one, sizeof(one)) < 0)
		return; /* the counter is already non-zero */
}

int vm_irq_line(struct vm *vm, uint32_t irq, int level)
{
	struct kvm_irq_level line = { .irq = irq, .level = level };

	return kvm_ioctl(vm->vm_fd, KVM_IRQ_LINE, &line);
}

void vm_destroy(struct vm *vm)
{
	bus_free(&vm->pio);
	bus_free(&vm->mmio);
	free(vm->cpuid);
	vm->cpuid = NULL;
	if (vm->stop_fd >= 0)
		close(vm->stop_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	guest_mem_unmap(&vm->mem);
	vm->stop_fd = vm->vm_fd = vm->kvm_fd = -1;
}
