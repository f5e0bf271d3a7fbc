/* SPDX-License-Identifier: MIT */
/*
 * The virtual machine: /dev/kvm, the VM file descriptor, guest RAM, the
 * in-kernel interrupt controllers and PIT, the device buses, and the one
 * place that records how the VM ends.
 *
 * Call order: vm_open(), vm_check_vcpus(), vm_map_memory(), vm_create();
 * vm_destroy() releases whatever was set up, after every vCPU thread has
 * been joined.
 */
#ifndef HUSK_VM_H
#define HUSK_VM_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/bus.h"
#include "vmm/memory.h"

/* APIC ids 0..254; 255 is the xAPIC broadcast id. */
#define VM_MAX_VCPUS 255

#define VM_RUNNING (-1)

struct kvm_cpuid2;

struct vm {
	int kvm_fd;
	int vm_fd;
	size_t run_size; /* bytes of each vCPU's struct kvm_run mapping */
	unsigned int max_vcpus;
	unsigned int ncpus;
	struct guest_mem mem;
	struct bus pio;
	struct bus mmio;
	struct kvm_cpuid2 *cpuid; /* x86: KVM_GET_SUPPORTED_CPUID */

	/* VM_RUNNING, then the exit status of the first stop request. */
	atomic_int exit_status;
	int stop_fd; /* eventfd, written once by the first stop request */
};

/*
 * Opens @kvm_path, checks the API version and every capability husk
 * needs. Logs one line naming what is missing; returns 0 or -errno.
 */
int vm_open(struct vm *vm, const char *kvm_path);

/* Returns 0, or -E2BIG when @ncpus exceeds what KVM or husk allows. */
int vm_check_vcpus(const struct vm *vm, unsigned int ncpus);

/*
 * Reserves @mem_size bytes of guest RAM. Returns 0, or -EINVAL, -E2BIG or
 * -ENOMEM when the size is impossible here (logged).
 */
int vm_map_memory(struct vm *vm, uint64_t mem_size);

/*
 * Creates the VM with its RAM slots, then arch_vm_setup() (irqchip,
 * timer). Returns 0 or -errno.
 */
int vm_create(struct vm *vm, unsigned int ncpus);

/*
 * Asks the VM to stop with @status; the first request wins. Safe from
 * any thread; never blocks.
 */
void vm_request_stop(struct vm *vm, int status);

static inline int vm_exit_status(struct vm *vm)
{
	return atomic_load_explicit(&vm->exit_status, memory_order_acquire);
}

/* Sets interrupt line @irq of the in-kernel PIC and IOAPIC. */
int vm_irq_line(struct vm *vm, uint32_t irq, int level);

void vm_destroy(struct vm *vm);

#endif
