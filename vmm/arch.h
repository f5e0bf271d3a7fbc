/* SPDX-License-Identifier: MIT */
/*
 * The architecture interface: the steps of building and booting a VM that
 * differ between architectures. x86_64 implements them in arch_x86.c; the
 * rest of the monitor reaches architecture specifics only through here.
 *
 * Call order: arch_vm_setup() from vm_create(), arch_load_guest() once the
 * board exists, arch_vcpu_setup() for each vCPU before its thread starts.
 */
#ifndef HUSK_ARCH_H
#define HUSK_ARCH_H

#include <stdint.h>

struct board;
struct husk_config;
struct vcpu;
struct vm;

/*
 * What the VM needs before any vCPU exists: on x86, KVM's TSS and
 * identity-map pages, the in-kernel irqchip and PIT, and the CPUID leaves
 * KVM supports. Returns 0 or -errno (logged).
 */
int arch_vm_setup(struct vm *vm);

/*
 * Loads the kernel, initrd and command line of @cfg, and writes the
 * firmware tables and boot structures the kernel expects. Stores the
 * kernel's entry point in *@entry. Returns 0, or the exit status husk
 * ends with (the reason is logged).
 */
int arch_load_guest(struct vm *vm, struct board *board,
		    const struct husk_config *cfg, uint64_t *entry);

/*
 * Sets up one vCPU: CPU identity, MSRs and local interrupt controller;
 * the boot vCPU (id 0) also gets the entry state at @entry. Returns 0 or
 * -errno (logged).
 */
int arch_vcpu_setup(struct vcpu *vcpu, uint64_t entry);

#endif
