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

#include "filter/runtime.h"

#define HUSK_DEFAULT_KVM_DEVICE "/dev/kvm"
#define HUSK_DEFAULT_MEM (256ULL << 20)
#define HUSK_DEFAULT_CMDLINE "console=ttyS0"
#define HUSK_MAX_DISKS 16
#define HUSK_MAX_NETS 4

/* One --disk: a raw image, served as a virtio-blk device. */
struct husk_disk {
	const char *path;
	const char *serial; /* GET_ID string, or NULL for the file name */
	bool ro;
};

/* One --net: a tap device, served as a virtio-net device. */
struct husk_net {
	const char *tap; /* interface name, shorter than IFNAMSIZ */
	uint8_t mac[6]; /* given, or derived from the name */
};

struct husk_config {
	const char *kernel;
	const char *initrd; /* or NULL */
	const char *cmdline;
	const char *kvm_device;
	const char *metrics_path; /* or NULL */
	const char *seccomp_report; /* JSON violation records, or NULL */
	enum filter_mode seccomp_mode;
	uint64_t mem_size;
	unsigned int ncpus;
	bool timestamps;
	bool rng; /* a virtio-rng device (--no-rng clears it) */
	struct husk_disk disks[HUSK_MAX_DISKS];
	unsigned int ndisks;
	struct husk_net nets[HUSK_MAX_NETS];
	unsigned int nnets;
};

/* Boots and runs the VM until it ends; returns an enum husk_exit_status. */
int husk_run(const struct husk_config *cfg);

#endif
