/* SPDX-License-Identifier: MIT */
/*
 * vCPU threads: one per vCPU, each looping on KVM_RUN and dispatching
 * exits to the buses. vCPU 0 starts at the kernel entry; the others wait
 * in the in-kernel LAPIC for INIT and SIPI from the guest.
 *
 * Call order: vcpu_signal_setup() once, vcpu_create() for each vCPU in
 * the main thread, vcpu_start(); to end, vm_request_stop(), then
 * vcpu_kick() and vcpu_join() on each, then vcpu_destroy().
 */
#ifndef HUSK_VCPU_H
#define HUSK_VCPU_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/vm.h"

/* Knocks a vCPU thread out of KVM_RUN; its handler does nothing. */
#define VCPU_KICK_SIGNAL SIGUSR1

struct kvm_run;

struct vcpu {
	struct vm *vm;
	unsigned int id; /* also the APIC id */
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool started;

	/* Counted by the vCPU's own thread, read after vcpu_join(). */
	uint64_t exits;
	uint64_t pio_unclaimed;
	uint64_t mmio_unclaimed;
};

/* Installs the kick signal's handler; blocks it in the calling thread. */
int vcpu_signal_setup(void);

/*
 * Creates vCPU @id with CPUID, MSRs and LAPIC wiring; vCPU 0 also gets
 * the long-mode entry state at @entry. Returns 0 or -errno.
 */
int vcpu_create(struct vm *vm, struct vcpu *vcpu, unsigned int id,
		uint64_t entry);

int vcpu_start(struct vcpu *vcpu);

/* Makes the vCPU leave KVM_RUN now and at every later entry. */
void vcpu_kick(struct vcpu *vcpu);

void vcpu_join(struct vcpu *vcpu);
void vcpu_destroy(struct vcpu *vcpu);

#endif
