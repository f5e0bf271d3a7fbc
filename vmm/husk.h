/* SPDX-License-Identifier: MIT */
/*
 * What the command line asks for, and the one call that runs a VM with
 * it. The CLI in main.c fills struct husk_config; husk_run() does the rest
 * and returns one of the statuses of vmm/exit_status.h.
 */
#ifndef HUSK_HUSK_H
#define HUSK_HUSK_H

#include <stdbool.h>
#include <stdint.h>

#define HUSK_DEFAULT_KVM_DEVICE "/dev/kvm"
#define HUSK_DEFAULT_MEM (256ULL << 20)
#define HUSK_DEFAULT_CMDLINE "console=ttyS0"

struct husk_config {
	const char *kernel;
	const char *initrd; /* or NULL */
	const char *cmdline;
	const char *kvm_device;
	const char *metrics_path; /* or NULL */
	uint64_t mem_size;
	unsigned int ncpus;
	bool timestamps;
};

/* Boots and runs the VM until it ends; returns an enum husk_exit_status. */
int husk_run(const struct husk_config *cfg);

#endif
